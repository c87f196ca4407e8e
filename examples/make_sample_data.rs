//! Writes the synthetic SEND consultation sample in `sample-data/`: a workbook laid out like a
//! Microsoft Forms export, the same responses saved as Excel's "CSV UTF-8", and nothing else.
//!
//! Every person, name, email address and phone number is invented. The seed is fixed, so running
//! `cargo run --example make_sample_data` again gives byte-identical files.

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta, Timelike};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

type GenResult<T> = Result<T, Box<dyn Error>>;

const SEED: u64 = 2026_0302;
const RESPONSE_COUNT: usize = 600;
const OUTPUT_DIR: &str = "sample-data";

const HEADER: [&str; 16] = [
    "Id",
    "Start time",
    "Completion time",
    "Email",
    "Name",
    "Which of these best describes you?",
    "Which area do you live or work in?",
    "Which type of setting does your response relate to?",
    "Which services have you or your child used in the last year?",
    "How much do you agree with Priority 1: SEND is everybody's business?",
    "How much do you agree with Priority 2: Identify and respond to needs early?",
    "How much do you agree with Priority 3: Deliver in the right place at the right time?",
    "How much do you agree with our pledge to children, young people and families?",
    "What are your views on the three priorities?",
    "What would make the biggest difference to children and young people with SEND?",
    "Is there anything else you would like to tell us?",
];

// ---------------------------------------------------------------------------------------------
// Who answered
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    ParentCarer,
    YoungPerson,
    SencoTeacher,
    EarlyYears,
    HealthCare,
    Other,
}

/// Label as the form shows it and share of respondents (%). Tables below indexed by `Role as usize`.
const ROLES: [(Role, &str, f64); 6] = [
    (Role::ParentCarer, "Parent or carer", 45.0),
    (Role::YoungPerson, "Young person", 12.0),
    (Role::SencoTeacher, "SENCO or teacher", 18.0),
    (Role::EarlyYears, "Early years practitioner", 8.0),
    (Role::HealthCare, "Health or social care professional", 10.0),
    (Role::Other, "Other", 7.0),
];

const AREAS: [(&str, f64); 7] = [
    ("Cambridge City", 14.0),
    ("East Cambridgeshire", 10.0),
    ("Fenland", 13.0),
    ("Huntingdonshire", 18.0),
    ("South Cambridgeshire", 17.0),
    ("Peterborough", 24.0),
    ("Outside the area", 4.0),
];
const RURAL_AREAS: [&str; 3] = ["East Cambridgeshire", "Fenland", "Huntingdonshire"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Setting {
    EarlyYears,
    Primary,
    Secondary,
    Special,
    FurtherEducation,
    NotApplicable,
}

const SETTINGS: [(Setting, &str); 6] = [
    (Setting::EarlyYears, "Early years setting"),
    (Setting::Primary, "Mainstream primary school"),
    (Setting::Secondary, "Mainstream secondary school"),
    (Setting::Special, "Special school"),
    (Setting::FurtherEducation, "Further education college"),
    (Setting::NotApplicable, "Not applicable"),
];

/// Setting weights per role, columns in `SETTINGS` order.
const SETTING_WEIGHTS: [[f64; 6]; 6] = [
    [8.0, 35.0, 25.0, 17.0, 7.0, 8.0],
    [0.0, 0.0, 55.0, 20.0, 25.0, 0.0],
    [0.0, 52.0, 30.0, 14.0, 4.0, 0.0],
    [92.0, 4.0, 0.0, 1.0, 0.0, 3.0],
    [10.0, 18.0, 14.0, 15.0, 5.0, 38.0],
    [6.0, 20.0, 15.0, 9.0, 5.0, 45.0],
];

const NEEDS: [&str; 12] = [
    "autism",
    "autism",
    "autism",
    "ADHD",
    "autism and ADHD",
    "dyslexia",
    "a speech and language delay",
    "Down syndrome",
    "cerebral palsy",
    "global developmental delay",
    "sensory processing difficulties",
    "a learning disability",
];

const SERVICES: [&str; 9] = [
    "SENCO support",
    "Educational psychology",
    "Speech and language therapy",
    "Occupational therapy",
    "CAMHS",
    "Short breaks",
    "SENDIASS",
    "Portage",
    "Early help",
];
const NO_SERVICE: &str = "None of these";

/// Chance of leaving the services question blank, then of ticking each of `SERVICES`, per role.
/// Professionals mostly skip it: it asks about "you or your child".
const SERVICE_USE: [(f64, [f64; 9]); 6] = [
    (0.05, [0.60, 0.30, 0.35, 0.20, 0.20, 0.12, 0.15, 0.04, 0.12]),
    (0.10, [0.50, 0.15, 0.10, 0.10, 0.35, 0.10, 0.05, 0.0, 0.05]),
    (0.45, [0.15, 0.08, 0.08, 0.05, 0.05, 0.02, 0.02, 0.01, 0.03]),
    (0.40, [0.10, 0.05, 0.10, 0.03, 0.01, 0.02, 0.02, 0.08, 0.05]),
    (0.45, [0.10, 0.05, 0.05, 0.05, 0.08, 0.03, 0.02, 0.01, 0.05]),
    (0.30, [0.25, 0.10, 0.10, 0.08, 0.10, 0.08, 0.06, 0.02, 0.06]),
];

const LIKERT: [&str; 5] = [
    "Strongly agree",
    "Agree",
    "Neither agree nor disagree",
    "Disagree",
    "Strongly disagree",
];

/// Mean agreement per role for Priority 1, 2, 3 and the pledge. Early identification is the
/// easy one to agree with; parents doubt "right place, right time" and a pledge of fine words.
const LIKERT_MEANS: [[f64; 4]; 6] = [
    [0.5, 1.0, -0.2, 0.1],
    [0.5, 0.6, 0.3, 0.7],
    [0.2, 1.0, 0.3, 0.6],
    [0.8, 1.4, 0.5, 0.8],
    [0.9, 1.1, 0.6, 0.8],
    [0.6, 0.8, 0.2, 0.4],
];

const FEMALE_NAMES: [&str; 24] = [
    "Sarah",
    "Emma",
    "Claire",
    "Rebecca",
    "Priya",
    "Aisha",
    "Joanne",
    "Laura",
    "Hannah",
    "Nicola",
    "Agnieszka",
    "Kerry",
    "Fatima",
    "Gemma",
    "Rachel",
    "Louise",
    "Zainab",
    "Helen",
    "Amy",
    "Michelle",
    "Sophie",
    "Lisa",
    "Chantelle",
    "Jess",
];
const MALE_NAMES: [&str; 16] = [
    "James", "Mark", "Daniel", "Mohammed", "Tom", "Paul", "Craig", "Ben", "Tomasz", "Imran", "Lee",
    "Chris", "Gareth", "Rob", "Kwame", "Stuart",
];
const SURNAMES: [&str; 32] = [
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Patel", "Khan", "Wilson", "Evans", "Thomas",
    "Roberts", "Walker", "Wright", "Hughes", "Green", "Hall", "Nowak", "Hussain", "Clarke",
    "Turner", "O'Brien", "Cooper", "Ward", "Kowalski", "Begum", "Morris", "Bell", "Shaw", "Mensah",
    "Ali", "Fletcher", "Barker",
];

// ---------------------------------------------------------------------------------------------
// What they wrote
// ---------------------------------------------------------------------------------------------

/// Whose mouth a sentence fits. `Anyone` is plain enough for any adult.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Voice {
    Parent,
    Young,
    School,
    EarlyYears,
    Health,
    Professional,
    /// Governors, volunteers, grandparents: the "Other" respondents.
    Bystander,
    Anyone,
}

type Line = (Voice, &'static str);

/// Circumstances that make a theme likelier than the role alone suggests.
#[derive(Clone, Copy)]
enum Context {
    RuralArea,
    SpecialSchool,
    Secondary,
    College,
}

struct Theme {
    name: &'static str,
    /// Chance that a respondent raises the theme somewhere, by role (order of `ROLES`).
    chance: [f64; 6],
    boosts: &'static [(Context, f64)],
    /// How people name it in a list or a few-word answer.
    short_ask: &'static str,
    /// What would help; suits "what would make the biggest difference".
    asks: &'static [Line],
    /// What happened to them; suits "anything else".
    stories: &'static [Line],
}

// Placeholders, filled per respondent: {child} {Child} {he} {He} {him} {his} {His} {need}
// {months} {age} {years} {setting} {parent}. "[a|b]" picks one wording at random.
#[rustfmt::skip]
const THEMES: &[Theme] = &[
    Theme {
        name: "Workforce development",
        chance: [0.20, 0.28, 0.42, 0.40, 0.32, 0.24],
        boosts: &[],
        short_ask: "more staff training",
        asks: &[
            (Voice::Anyone, "Proper training for all staff, not just the SENCO[|, especially TAs| and the senior team]."),
            (Voice::Anyone, "Every teacher and teaching assistant should have training in autism, ADHD and sensory needs."),
            (Voice::Parent, "Staff who actually understand {his} needs. Lunchtime staff need training too, that's when it all goes wrong for {him}."),
            (Voice::Parent, "Teachers need training in how to support children with {need}. It shouldn't depend on which teacher you happen to get."),
            (Voice::School, "Protected SENCO time and funded CPD for class teachers would make the biggest difference."),
            (Voice::School, "SEND training should be mandatory for every member of staff, including supply staff and new teachers."),
            (Voice::EarlyYears, "More training for early years staff, especially around speech and communication and writing good support plans."),
            (Voice::EarlyYears, "Free, local training for practitioners. We can't release staff to travel to Cambridge for a full day."),
            (Voice::Health, "Joint training so that health, education and social care staff share the same language and understanding."),
            (Voice::Professional, "Invest in the workforce: recruit and keep experienced TAs and give them a proper career path."),
            (Voice::Young, "teachers need to be trained on autism properly"),
            (Voice::Young, "more staff who actually get it"),
        ],
        stories: &[
            (Voice::Parent, "The staff who know {him} well are brilliant. The problem is supply teachers who haven't been told anything."),
            (Voice::Young, "the TAs are the only ones who help me"),
            (Voice::Anyone, "Teaching assistants should be paid properly and trained properly, they hold everything together."),
            (Voice::Parent, "{His} class teacher told me {he} was just being naughty. That is a training issue, not {his} fault."),
            (Voice::Parent, "The TAs who support {him} are lovely but they have had no training at all in {need}."),
            (Voice::Parent, "Every September we start again with a new teacher who has never been trained in {need}."),
            (Voice::Anyone, "Staff turnover is a huge problem. Good people leave because they are exhausted and underpaid."),
            (Voice::School, "As a SENCO I spend most of my time on paperwork rather than supporting staff or children."),
            (Voice::School, "Our teaching assistants are doing the job of specialists with very little training, on minimum wage."),
            (Voice::School, "Teachers want to get it right but there is very little CPD on SEND and no time to do it anyway."),
            (Voice::EarlyYears, "Our nursery staff are keen but we have had hardly any SEND training since the pandemic."),
            (Voice::Health, "We see the same gaps in staff knowledge again and again, school after school."),
            (Voice::Professional, "Recruitment is the real issue. We cannot find staff, let alone trained staff."),
            (Voice::Young, "teachers dont get it when im anxious, they just think im being rude"),
            (Voice::Young, "Some of the staff are great but some have no idea about autism and it makes school really hard."),
        ],
    },
    Theme {
        name: "Accountability",
        chance: [0.28, 0.00, 0.21, 0.14, 0.18, 0.32],
        boosts: &[],
        short_ask: "someone being held to account",
        asks: &[
            (Voice::Anyone, "An independent check on whether the strategy is delivered, and someone accountable if it isn't."),
            (Voice::Anyone, "Someone needs to be held to account when things go wrong[| for once|, not just moved on]."),
            (Voice::Anyone, "Clear accountability: who is responsible for what, and what happens when they don't do it."),
            (Voice::Parent, "Schools should be held accountable when they don't deliver what is in a child's plan."),
            (Voice::Parent, "The council should be accountable for meeting its legal deadlines, and there should be consequences when it doesn't."),
            (Voice::School, "Accountability has to sit with the whole system, not just schools. Health and social care need to be held to account too."),
            (Voice::Professional, "Publish progress every term so that everyone can see whether the strategy is working and who is accountable for each part."),
            (Voice::Professional, "The strategy needs measurable targets and a named person accountable for each priority."),
        ],
        stories: &[
            (Voice::Parent, "When things go wrong there's never anyone responsible. It's always someone else's department."),
            (Voice::Parent, "Nobody takes responsibility. The school blames the council, the council blames health, and {child} is stuck in the middle."),
            (Voice::Parent, "When the provision in {his} plan wasn't delivered for a whole term, nobody was held accountable."),
            (Voice::Parent, "We were promised things at every meeting and none of it happened. There is no accountability at all."),
            (Voice::Parent, "I have complained three times and never had a proper answer. Who is actually accountable?"),
            (Voice::Anyone, "It feels like there are no consequences for anyone except the children."),
            (Voice::Anyone, "If SEND is everybody's business it can easily become nobody's responsibility. Someone has to be accountable."),
            (Voice::School, "Schools are held to account by Ofsted but nobody seems to hold the local authority to account for its timescales."),
            (Voice::Health, "Accountability across the partnership is unclear, which means actions drift from one meeting to the next."),
            (Voice::Professional, "We have had strategies before with lovely words and no accountability for whether anything changed."),
        ],
    },
    Theme {
        name: "Communication with families",
        chance: [0.45, 0.15, 0.19, 0.22, 0.25, 0.25],
        boosts: &[],
        short_ask: "better communication with families",
        asks: &[
            (Voice::Parent, "Keep families informed about their case, even when it's bad news."),
            (Voice::School, "A named contact in the SEND team for each school, so we can keep families informed."),
            (Voice::Parent, "Better communication. Just reply to emails and keep us informed [about what is happening|of what's going on|when things change]."),
            (Voice::Parent, "[One|A single] named person to contact who actually [replies to emails|returns calls and keeps you updated]."),
            (Voice::Parent, "Keep parents informed at every stage, even if it's only to say there is a delay."),
            (Voice::Anyone, "Communication with families needs to [improve a lot|get a lot better|be so much better]."),
            (Voice::Anyone, "Regular updates, so families aren't left [chasing|chasing for information|chasing for months]."),
            (Voice::School, "Clearer communication between the SEND team and schools, as well as with families."),
            (Voice::Professional, "Clearer communication in plain English. A lot of what goes out to families is full of [jargon|acronyms]."),
            (Voice::Young, "tell us whats going on instead of just talking to my mum"),
        ],
        stories: &[
            (Voice::Parent, "[Communication is shocking.|The communication is appalling.] I found out about {his} new school place from a letter that arrived [on the last day of term|in the summer holidays|two days before term started]."),
            (Voice::Parent, "When someone does reply they're [helpful|brilliant], it's just so rare."),
            (Voice::Anyone, "Communication from the SEND team is hard to understand and nobody explains what happens next."),
            (Voice::Parent, "I have emailed {his} case officer six times and not had a single reply."),
            (Voice::Parent, "We only found out {his} placement had changed when the school phoned us."),
            (Voice::Parent, "Communication is the worst part. You are left in the dark for weeks at a time."),
            (Voice::Parent, "Every time I phone I speak to someone different and have to explain everything again."),
            (Voice::Parent, "{His} school have been really good at keeping me informed, it's the council I never hear from."),
            (Voice::Parent, "Nobody keeps you informed unless you chase, and I shouldn't have to chase."),
            (Voice::School, "We often hear about decisions for our pupils after the family does, if at all. Communication between [teams|services|the council and schools] is poor."),
            (Voice::Health, "Families tell us they are not kept informed and feel they have to fight for every bit of information."),
            (Voice::Young, "no one ever explains anything to me. its all about me but they talk to everyone else"),
        ],
    },
    Theme {
        name: "Co-production",
        chance: [0.15, 0.18, 0.06, 0.06, 0.10, 0.15],
        boosts: &[],
        short_ask: "actually listening to parents",
        asks: &[
            (Voice::Parent, "Listen to parents. We know our children best."),
            (Voice::Parent, "Actually listen to families and involve us in decisions from the start, not after they've been made."),
            (Voice::Anyone, "Genuine co-production with families, not consultation after everything has been decided."),
            (Voice::Anyone, "Work properly with the parent carer forum and give families a real say."),
            (Voice::Professional, "Co-production should be built into every stage of the strategy, with families on the board that monitors it."),
            (Voice::Young, "listen to young people, we know what helps us"),
            (Voice::Young, "ask us what we want, not just our parents"),
        ],
        stories: &[
            (Voice::Parent, "I have never felt listened to. Meetings are about {child}, not with us."),
            (Voice::Parent, "When we raised concerns we were made to feel like difficult parents instead of being listened to."),
            (Voice::Parent, "Being listened to properly by {his} new school made all the difference last year."),
            (Voice::Anyone, "Families have been saying the same things for years and it doesn't feel like anyone has listened."),
            (Voice::Professional, "The word co-production gets used a lot but families are usually brought in at the end."),
            (Voice::Young, "I went to my review and nobody asked me anything. I don't feel listened to"),
            (Voice::Parent, "I hope you listen to what people say in this consultation and it isn't just a tick box exercise."),
        ],
    },
    Theme {
        name: "EHCP process and timeliness",
        chance: [0.30, 0.03, 0.18, 0.10, 0.10, 0.12],
        boosts: &[(Context::SpecialSchool, 1.3)],
        short_ask: "EHCPs done on time",
        asks: &[
            (Voice::Anyone, "Annual reviews done properly, not rushed in [twenty minutes|half an hour]."),
            (Voice::Parent, "EHCPs issued within the 20 weeks. That is the law, not a target."),
            (Voice::Anyone, "Getting EHCPs done on time and then making sure what is in them is [delivered|actually delivered|happening]."),
            (Voice::Parent, "Annual reviews that happen on time and actually update the plan."),
            (Voice::Parent, "Stop refusing needs assessments at the first request so that parents don't have to go to tribunal."),
            (Voice::School, "Quicker decisions on EHCNA requests, and EHCPs that are specific and quantified."),
            (Voice::Professional, "Fewer delays in the EHCP process and better quality plans."),
        ],
        stories: &[
            (Voice::Parent, "It took [two|three] attempts to get an EHC needs assessment for {child}."),
            (Voice::Parent, "The draft EHCP had another child's name in it. That tells you everything."),
            (Voice::School, "We hold annual reviews on time and the amended plans take months to come back."),
            (Voice::Parent, "{Child} has {need} and waited {months} months for {his} EHCP."),
            (Voice::Parent, "We asked for an EHC needs assessment and were refused, then won at tribunal. It took over a year."),
            (Voice::Parent, "{His} annual review was in March and we still haven't had the amended plan."),
            (Voice::Parent, "The EHCP we finally got was so vague it was useless. Nothing was specified or quantified."),
            (Voice::Parent, "Without {his} EHCP {he} would not be in school at all, so I'm grateful, but it was a battle to get it."),
            (Voice::School, "We submitted an EHCNA request in the autumn and heard nothing for weeks."),
            (Voice::School, "Annual reviews take a huge amount of SENCO time and the paperwork often goes nowhere."),
            (Voice::Health, "Health advice for EHCPs is requested at very short notice and the timescales are impossible."),
            (Voice::Anyone, "The EHCP process is [slow, confusing and adversarial|far too slow and it feels like a fight|a battle from start to finish]."),
            (Voice::Young, "i waited ages for my EHCP and missed most of year 9"),
        ],
    },
    Theme {
        name: "Early identification",
        chance: [0.17, 0.05, 0.22, 0.52, 0.30, 0.17],
        boosts: &[],
        short_ask: "identifying needs early",
        asks: &[
            (Voice::Anyone, "Identifying needs early and acting on them straight away, without waiting for a diagnosis."),
            (Voice::Parent, "Support should start when a need is [spotted|identified], not after a diagnosis."),
            (Voice::Parent, "Shorter waiting lists for [autism and ADHD diagnosis|an autism diagnosis|ADHD assessments]."),
            (Voice::EarlyYears, "More support for early years settings to identify needs early, including specialist advice when we raise a concern."),
            (Voice::EarlyYears, "Making sure the two year check leads to action when concerns are picked up early."),
            (Voice::Health, "Faster access to assessment and diagnosis, and support for families while they wait."),
            (Voice::School, "Identifying needs in primary, so that problems haven't built up by the time children reach secondary."),
        ],
        stories: &[
            (Voice::Parent, "Nursery spotted {his} needs early and we were lucky to get support quickly. Every family should get that."),
            (Voice::School, "When needs are identified early in reception the difference by Year 2 is huge."),
            (Voice::Parent, "I raised concerns about {child} early, when {he} was two, and was told {he} would grow out of it."),
            (Voice::Parent, "{Child} wasn't diagnosed until Year 6. If it had been picked up early things could have been so different."),
            (Voice::Parent, "We have been on the waiting list for an autism assessment for over two years and still have no diagnosis."),
            (Voice::EarlyYears, "We often spot needs early in nursery but then there is nothing to refer into for months."),
            (Voice::School, "Too many children arrive in reception with needs that nobody identified early."),
            (Voice::Health, "Waiting lists for diagnosis are so long that children start school without any support in place."),
            (Voice::Anyone, "Priority 2 is the most important for me. Identifying needs early saves so much heartache later on."),
            (Voice::Young, "if someone had noticed early on i wouldnt have struggled for so long"),
        ],
    },
    Theme {
        name: "Graduated response",
        chance: [0.05, 0.00, 0.36, 0.24, 0.14, 0.07],
        boosts: &[],
        short_ask: "a consistent graduated response in every school",
        asks: &[
            (Voice::School, "A clear, consistent graduated response across all schools, so families know what to expect at SEN support."),
            (Voice::School, "Clear guidance on ordinarily available provision and what schools are expected to fund from their own budget."),
            (Voice::Professional, "Better support for children at SEN support. Not everything has to be about EHCPs."),
            (Voice::EarlyYears, "An early years version of the graduated response toolkit, with examples we can use."),
            (Voice::Parent, "Proper help at SEN support level, so you don't need an EHCP to get anything."),
            (Voice::Professional, "Quicker access to outreach and specialist advice when the APDR cycle isn't working."),
        ],
        stories: &[
            (Voice::School, "We follow the graduated response and do round after round of assess, plan, do, review, and still can't get specialist advice."),
            (Voice::School, "The ordinarily available provision guidance is helpful but schools don't have the staffing to deliver it."),
            (Voice::Professional, "Too many children at SEN support fall through the gap because they don't meet thresholds."),
            (Voice::Health, "Schools are at very different points with their graduated approach, so what a child gets depends on which school they go to."),
            (Voice::School, "Our SEN support plans are reviewed termly with families and it works well, but it takes a lot of SENCO time."),
            (Voice::Parent, "{His} school says {he} is on SEN support but I have no idea what that actually means for {him}."),
        ],
    },
    Theme {
        name: "Mainstream inclusion",
        chance: [0.15, 0.22, 0.17, 0.12, 0.10, 0.15],
        boosts: &[],
        short_ask: "properly inclusive mainstream schools",
        asks: &[
            (Voice::Anyone, "Mainstream schools that are [truly|properly|genuinely] inclusive, with reasonable adjustments as standard."),
            (Voice::Parent, "Making mainstream school work for children like {child}, with the right support in place."),
            (Voice::School, "Inclusion needs to be recognised and rewarded, not just exam results."),
            (Voice::Professional, "Every school should have an inclusion lead and a calm space for children who need it."),
            (Voice::Young, "let me go to the same school as my friends but with help"),
            (Voice::Young, "i want to feel included at school not sent out all the time"),
        ],
        stories: &[
            (Voice::Parent, "{His} mainstream school has been fantastic and {he} feels included for the first time."),
            (Voice::Parent, "{Child} is in mainstream but spends most of the day in a corridor with a TA. That isn't inclusion."),
            (Voice::Parent, "We were told mainstream could meet {his} needs. It couldn't."),
            (Voice::School, "Mainstream schools are being asked to be more inclusive with less money every year."),
            (Voice::Anyone, "Inclusion only works if there is support behind it."),
            (Voice::Young, "at my old school i was always left out. my new school is better"),
            (Voice::Professional, "Some schools are brilliant at inclusion and some are openly reluctant to take children with SEND."),
        ],
    },
    Theme {
        name: "Specialist places",
        chance: [0.11, 0.05, 0.11, 0.03, 0.06, 0.08],
        boosts: &[(Context::SpecialSchool, 1.8)],
        short_ask: "more special school places",
        asks: &[
            (Voice::Anyone, "More special school places locally."),
            (Voice::Parent, "More specialist provision close to home, so children don't travel an hour each way."),
            (Voice::School, "More resource bases attached to mainstream schools for children who need something in between."),
            (Voice::Professional, "Plan special school places for the numbers we know are coming, not years behind."),
        ],
        stories: &[
            (Voice::Parent, "There were no special school places for {child}, so {he} was out of school for {months} months."),
            (Voice::Parent, "{He} is at an independent special school out of county because nothing local could meet {his} needs."),
            (Voice::Parent, "{His} special school has been life changing. I just wish there were more places like it."),
            (Voice::School, "We have pupils whose EHCPs name a special school and who have waited over a year for a place."),
            (Voice::Anyone, "Special schools are full and mainstream is being asked to manage children it can't support."),
            (Voice::Professional, "The shortage of specialist places is what drives the cost of out of county placements."),
            (Voice::Young, "my special school is the first place ive been happy"),
        ],
    },
    Theme {
        name: "Funding and resources",
        chance: [0.09, 0.02, 0.27, 0.23, 0.16, 0.11],
        boosts: &[],
        short_ask: "more funding",
        asks: &[
            (Voice::Anyone, "More funding. [Everything else depends on it.|Nothing else works without it.]"),
            (Voice::School, "Funding that follows the child, without schools having to fight for top-up funding."),
            (Voice::School, "Stop making schools find the first £6,000 from a budget that is already stretched."),
            (Voice::EarlyYears, "Proper inclusion funding for early years settings so we can afford an extra member of staff."),
            (Voice::Professional, "Realistic budgets. The high needs deficit can't be fixed by cutting support to children."),
            (Voice::Parent, "Put the money into support in schools rather than into legal fees for fighting parents at tribunal."),
        ],
        stories: &[
            (Voice::School, "Our budget simply cannot stretch to the one to one support some children need."),
            (Voice::EarlyYears, "The funding we receive doesn't come close to covering the cost of the extra adult."),
            (Voice::Anyone, "None of this is possible without funding, and we all know there isn't enough."),
            (Voice::Parent, "We were told there was no funding for the support {he} needs."),
            (Voice::Health, "Services are under-resourced and the waiting lists reflect that."),
            (Voice::Professional, "The priorities are fine but there is nothing in here about how any of it will be funded."),
        ],
    },
    Theme {
        name: "Transport",
        chance: [0.07, 0.05, 0.02, 0.01, 0.02, 0.03],
        boosts: &[(Context::RuralArea, 1.7), (Context::SpecialSchool, 1.8)],
        short_ask: "reliable school transport",
        asks: &[
            (Voice::Parent, "Reliable school transport, with the same driver and escort every day."),
            (Voice::Parent, "Sort out SEND transport so children arrive at school calm and on time."),
            (Voice::Anyone, "Transport for post-16 students. It stops at 16 and families are left stranded."),
            (Voice::Young, "a bus pass that works for college"),
        ],
        stories: &[
            (Voice::Parent, "{His} taxi has been late or not turned up so many times this term."),
            (Voice::Parent, "{Child} travels over an hour each way by taxi because there's nothing closer."),
            (Voice::Parent, "We were refused transport and I've had to give up work to drive {him} to school."),
            (Voice::Parent, "The transport company changes the driver every few weeks and {he} can't cope with that."),
            (Voice::Young, "the taxi is always late so i miss registration"),
            (Voice::School, "Transport problems mean some of our pupils arrive late and dysregulated most mornings."),
            (Voice::Anyone, "In a rural area transport is a huge barrier to getting to the right school."),
        ],
    },
    Theme {
        name: "Health and therapies",
        chance: [0.16, 0.06, 0.11, 0.14, 0.26, 0.10],
        boosts: &[],
        short_ask: "more speech and language therapy",
        asks: &[
            (Voice::Parent, "More speech and language therapy, delivered by therapists and not just a programme left with the TA."),
            (Voice::Anyone, "Shorter waits for speech and language therapy and occupational therapy."),
            (Voice::Health, "More therapists. We simply don't have the capacity to meet demand."),
            (Voice::School, "The therapy written into EHCPs actually being delivered in school."),
            (Voice::EarlyYears, "Speech and language therapy in early years settings. We see more speech delay every year."),
        ],
        stories: &[
            (Voice::Parent, "{Child} has been waiting {months} months to see an occupational therapist."),
            (Voice::Parent, "The speech and language therapy in {his} plan has never been delivered."),
            (Voice::Parent, "We ended up paying privately for speech and language therapy because the NHS wait was so long."),
            (Voice::Parent, "The paediatrician has been brilliant. It's getting anything else that's the problem."),
            (Voice::Health, "NHS therapy services can't recruit and vacancies go unfilled for months."),
            (Voice::Young, "i only get speech therapy once a term which isnt really anything"),
        ],
    },
    Theme {
        name: "Mental health and wellbeing",
        chance: [0.13, 0.39, 0.08, 0.03, 0.13, 0.10],
        boosts: &[(Context::Secondary, 1.3)],
        short_ask: "proper mental health support",
        asks: &[
            (Voice::Young, "more mental health support in school"),
            (Voice::Young, "someone to talk to when im anxious"),
            (Voice::Young, "a safe space to go when my anxiety gets bad. not the corridor"),
            (Voice::Parent, "Mental health support that doesn't come with a two year waiting list."),
            (Voice::Anyone, "Better mental health support for children with SEND, who are far more likely to struggle with anxiety."),
            (Voice::Professional, "Better links between CAMHS, schools and families, and something for children while they wait."),
        ],
        stories: &[
            (Voice::Young, "my anxiety is really bad and some days i cant go in"),
            (Voice::Young, "CAMHS said i wasnt bad enough to be seen"),
            (Voice::Young, "I've been on the CAMHS waiting list for over a year 😞"),
            (Voice::Parent, "{Child}'s anxiety got so bad {he} stopped eating. CAMHS said {he} didn't meet the threshold."),
            (Voice::Parent, "The impact on {his} mental health has been devastating."),
            (Voice::Parent, "It isn't just the children. Parents' mental health is at rock bottom too."),
            (Voice::School, "We are seeing more anxiety and emotionally based school avoidance than ever before."),
            (Voice::Health, "Children with SEND wait far too long for mental health support, and their wellbeing suffers while they do."),
        ],
    },
    Theme {
        name: "Transitions and preparing for adulthood",
        chance: [0.10, 0.26, 0.06, 0.04, 0.08, 0.10],
        boosts: &[(Context::College, 1.8)],
        short_ask: "better preparing for adulthood",
        asks: &[
            (Voice::Young, "help getting a job when i leave college"),
            (Voice::Young, "more help when you move from school to college, the transition was really scary"),
            (Voice::Young, "I want to live independently one day and nobody is helping me plan for that"),
            (Voice::Parent, "Better planning for the transition to secondary, starting in Year 5 and not the summer term of Year 6."),
            (Voice::Parent, "Real preparing for adulthood: supported internships, jobs, independent living and friendships."),
            (Voice::Anyone, "More focus on what happens after 16. Support falls off a cliff at transition."),
            (Voice::Professional, "Preparing for adulthood should start in Year 9 and be part of every annual review."),
        ],
        stories: &[
            (Voice::Parent, "The transition to secondary was a disaster and {he} still hasn't recovered."),
            (Voice::Parent, "{He} is nearly an adult and we have no idea what happens when {he} leaves college. Adult services are a mystery."),
            (Voice::Parent, "The transition from primary to secondary was handled brilliantly by both schools."),
            (Voice::School, "Transition to secondary works when information is shared early and properly."),
            (Voice::Young, "moving to secondary was the worst time of my life"),
            (Voice::Young, "I want a job but nobody will give me a chance"),
            (Voice::Health, "The transition to adult health services at 18 is where many young people fall through the gaps."),
        ],
    },
    Theme {
        name: "Exclusions and school refusal",
        chance: [0.10, 0.15, 0.06, 0.00, 0.05, 0.06],
        boosts: &[(Context::Secondary, 1.5)],
        short_ask: "fewer exclusions",
        asks: &[
            (Voice::Parent, "Stop excluding children for behaviour that comes from their needs."),
            (Voice::Anyone, "Support for children who are not attending school, rather than fining their parents."),
            (Voice::School, "Outreach and alternative provision before things get as far as exclusion."),
            (Voice::Young, "stop sending people home for stuff they cant help, its basically being excluded"),
        ],
        stories: &[
            (Voice::Parent, "{Child} has been excluded four times this year for things that happen because of {his} needs."),
            (Voice::Parent, "{He} has not attended school since October because of anxiety and we have had very little help."),
            (Voice::Parent, "{He} was put on a part-time timetable for a whole year. That is not an education."),
            (Voice::Parent, "I felt pushed into home education because the school couldn't cope and {he} was not attending school anyway."),
            (Voice::Young, "i got excluded because i had a meltdown"),
            (Voice::Young, "i stopped going to school in year 8 and no one came to help"),
            (Voice::School, "More and more pupils are not attending school because of anxiety and there is nowhere to refer them."),
            (Voice::Professional, "Children with SEND are far more likely to be excluded, and that should worry all of us."),
        ],
    },
    Theme {
        name: "Information and the Local Offer",
        chance: [0.09, 0.02, 0.03, 0.04, 0.05, 0.07],
        boosts: &[],
        short_ask: "a Local Offer that is up to date",
        asks: &[
            (Voice::Parent, "A Local Offer website that's easy to use and kept up to date."),
            (Voice::Parent, "Clear information for parents about what support they are entitled to."),
            (Voice::Anyone, "One place to find information about everything that's available."),
            (Voice::Professional, "Keep the Local Offer up to date, half the links on the website don't work."),
        ],
        stories: &[
            (Voice::Parent, "I only found out about SENDIASS from another parent. Nobody gave us any information."),
            (Voice::Parent, "The Local Offer website is impossible to navigate on a phone."),
            (Voice::Parent, "Finding information is a full time job. I've learnt everything I know from Facebook groups."),
            (Voice::EarlyYears, "Families in our setting don't know the local offer exists."),
            (Voice::Health, "We signpost families to the Local Offer but the information is often out of date."),
        ],
    },
];

/// Reactions to the priorities, the pledge and the outcomes, by how the respondent feels.
#[rustfmt::skip]
const GENERAL_POSITIVE: &[Line] = &[
    (Voice::Anyone, "[I agree with all three priorities.|I agree with all three.|All three priorities are spot on.|Fully agree with all of the priorities.]"),
    (Voice::Anyone, "SEND really is everybody's business, so I'm [glad|pleased|really pleased] to see that one first."),
    (Voice::Anyone, "These are the right priorities and it's good to see them [written down|set out so clearly|in one place]."),
    (Voice::Anyone, "The pledge to listen, be honest and aim high is exactly what families want to hear."),
    (Voice::Anyone, "I like the outcomes, especially that every child should be [safe, included and confident|included and respected|safe and successful]."),
    (Voice::Anyone, "I really like the pledge, especially [listen|be honest|trust each other|celebrate success|value individuality]."),
    (Voice::Anyone, "It's [refreshing|encouraging|good] to see a strategy that talks about children being [confident|successful|aspirational] and not just about processes."),
    (Voice::Parent, "I want {child} to be happy, safe and included. If the strategy gets us there I'm all for it."),
    (Voice::Parent, "As a family we felt listened to when this was being put together, which [makes a change|is a first for us]."),
    (Voice::Professional, "The priorities [fit well|align well|sit well] with what we see in practice."),
    (Voice::Professional, "It's good to see health, care and education [all named|signed up to the same priorities|in one document]."),
    (Voice::School, "Priority 1 is right. Every teacher is a teacher of SEND."),
    (Voice::EarlyYears, "Really pleased to see early years given so much weight in priority 2."),
    (Voice::Young, "i like that it says everyone should be included"),
    (Voice::Young, "the priorities are good"),
    (Voice::Young, "i like the bit about listening to us"),
];
#[rustfmt::skip]
const GENERAL_MIXED: &[Line] = &[
    (Voice::Anyone, "I agree with them in principle but [I've seen strategies like this before|we've been here before|the proof will be in what happens next]."),
    (Voice::Anyone, "[Priority 2 matters most to me.|Priority 2 is the one that matters most for us.|For me priority 2 is the most important.]"),
    (Voice::Anyone, "Aim high is good, too often expectations for children with SEND are [low|far too low]."),
    (Voice::Anyone, "All three make sense. The hard part is [making them happen|delivering them|turning them into action]."),
    (Voice::Anyone, "The priorities are good but I'm not sure how [everybody's business|right place, right time] will work in practice."),
    (Voice::Anyone, "Mostly agree, though the wording is [a bit corporate|quite vague in places|very long]."),
    (Voice::Anyone, "Hard to disagree with any of it. [It's the doing that counts.|Whether it happens is another matter.]"),
    (Voice::Anyone, "In principle yes. In practice, we'll see."),
    (Voice::Professional, "The priorities are sensible, but [the action plan behind them|how they are resourced|how progress is measured] will be the key."),
    (Voice::Parent, "I agree with the priorities, but they need to mean something for families like ours."),
    (Voice::Parent, "They [sound good|read well] but I can't see what will be different for {child} next year."),
    (Voice::School, "Everybody's business is right, but schools can't carry it on their own."),
    (Voice::Young, "they sound ok i guess"),
    (Voice::Young, "some of it makes sense"),
];
#[rustfmt::skip]
const GENERAL_CRITICAL: &[Line] = &[
    (Voice::Anyone, "The priorities are fine but they are [very vague|far too vague|so vague they could mean anything]."),
    (Voice::Anyone, "Nobody would disagree with these priorities. The question is how they will be delivered."),
    (Voice::Anyone, "The pledge says be honest and build trust, but trust has been lost and it will take more than a strategy to get it back."),
    (Voice::Anyone, "It's very wordy. Families need to know what will actually change."),
    (Voice::Anyone, "It reads like it was written for Ofsted, not for families."),
    (Voice::Anyone, "[Fine words.|Lovely words.|Words, words, words.] Show us the action."),
    (Voice::Parent, "Right place at the right time sounds like code for fewer specialist places."),
    (Voice::Parent, "Nice words, but nothing has changed for us in the last [five|four|six] years."),
    (Voice::Parent, "We've had [three|several|so many] strategies in the time {child} has been at school and nothing has changed."),
    (Voice::Parent, "I find it hard to believe any of this after the last few years."),
    (Voice::Professional, "I've read a lot of strategies like this. Without resources behind it, it's a wish list."),
    (Voice::Young, "its just words"),
    (Voice::Young, "nobody will actually do this"),
];

/// For "biggest difference" when the respondent raises no particular theme.
#[rustfmt::skip]
const GENERAL_ASKS: &[Line] = &[
    (Voice::Anyone, "Everyone working together: [schools, health and the council|schools, health, social care and families]."),
    (Voice::Anyone, "Consistency. It shouldn't depend on which school you are at or who you [speak to|get]."),
    (Voice::Anyone, "People who actually care and [follow through|do what they say they'll do]."),
    (Voice::Anyone, "Treating every child as an individual."),
    (Voice::Anyone, "Actually doing what the strategy says, and telling people when it isn't working."),
    (Voice::Parent, "Being treated as partners rather than a problem."),
    (Voice::Parent, "Being believed when we say something is wrong."),
    (Voice::Parent, "Support for the whole family, not just the child."),
    (Voice::Parent, "Kindness. Some people we have dealt with have been brilliant and some have made things so much harder."),
    (Voice::Professional, "Joined-up working between education, health and care, with [shared plans rather than three separate ones|one plan for the child]."),
    (Voice::Professional, "Trusting professionals and families to know what a child needs."),
    (Voice::Young, "people being kind and patient"),
    (Voice::Young, "being treated like everyone else"),
    (Voice::Young, "people believing me"),
];

/// Who is speaking, said once, usually at the start of a longer answer.
#[rustfmt::skip]
const OPENERS: &[Line] = &[
    (Voice::Parent, "I'm a {parent} of a {age} year old with {need}."),
    (Voice::Parent, "{Child} is {age} and has {need}."),
    (Voice::Parent, "I have [two children|two boys|two girls|three children, two of them] with SEND."),
    (Voice::Parent, "Speaking as a {parent} who has been through the system for {years} years."),
    (Voice::School, "I've been a SENCO for {years} years."),
    (Voice::School, "I work in {setting}."),
    (Voice::EarlyYears, "I run a pre-school in a village."),
    (Voice::EarlyYears, "I'm the SENCO in a busy day nursery."),
    (Voice::Health, "I work in a community paediatric team."),
    (Voice::Health, "I'm a social worker in a children with disabilities team."),
    (Voice::Health, "I'm a health visitor."),
    (Voice::Bystander, "I'm a school governor."),
    (Voice::Bystander, "I volunteer with a local parent support group."),
    (Voice::Bystander, "I'm a grandparent and help look after my grandson, who has autism."),
    (Voice::Young, "im {age} and autistic"),
    (Voice::Young, "I'm {age}"),
];

#[rustfmt::skip]
const CLOSERS_POSITIVE: &[Line] = &[
    (Voice::Anyone, "Thank you for [asking|listening|the chance to have a say]."),
    (Voice::Anyone, "Thanks for the opportunity to comment."),
    (Voice::Anyone, "Good luck with it all."),
    (Voice::Anyone, "Keep up the good work."),
    (Voice::Young, "thanks"),
];
#[rustfmt::skip]
const CLOSERS_MIXED: &[Line] = &[
    (Voice::Anyone, "I [hope|really hope] this [makes a difference|leads to real change|isn't just a tick box exercise]."),
    (Voice::Anyone, "It's a start."),
    (Voice::Anyone, "We'll see."),
    (Voice::Anyone, "Fingers crossed."),
    (Voice::Young, "thats all"),
];
#[rustfmt::skip]
const CLOSERS_CRITICAL: &[Line] = &[
    (Voice::Anyone, "Please actually listen this time."),
    (Voice::Parent, "Families are at breaking point."),
    (Voice::Anyone, "I'm not holding my breath."),
    (Voice::Anyone, "Something has to change."),
    (Voice::Anyone, "Sorry to be negative but that's how it is."),
    (Voice::Young, "its not fair"),
];

/// Joins a further point onto the one before it; the first three also fit a bare phrase.
const CONNECTIVES: [&str; 7] = [
    "Also ",
    "And ",
    "Plus ",
    "Also, ",
    "On top of that, ",
    "The other thing is ",
    "As well as that, ",
];
const CONNECTIVES_FOR_PHRASES: usize = 3;
/// Turns from agreeing with the priorities to a complaint.
const TURNS: [&str; 3] = ["But ", "However, ", "That said, "];

const SHORT_VIEWS_POSITIVE: [&str; 12] = [
    "Agree with all",
    "agree with all of them",
    "All good",
    "Yes",
    "Sounds good",
    "They all make sense",
    "Fully agree.",
    "Good priorities",
    "All three are important",
    "About time!",
    "No issues with them",
    "spot on",
];
const SHORT_VIEWS_OTHER: [&str; 12] = [
    "Fine in principle",
    "Not sure",
    "ok",
    "n/a",
    "No comment",
    "They seem sensible",
    "Too vague",
    "Words are cheap",
    "We'll see",
    "Heard it all before",
    "N/A",
    "Depends how they are delivered",
];
const SHORT_DIFFERENCE: [&str; 10] = [
    "Not sure",
    "Everything!",
    "Don't know",
    "n/a",
    "more support",
    "More help for families",
    "Joined up working",
    "Consistency",
    "LISTEN TO PARENTS",
    "Kindness",
];
const NOTHING_TO_ADD: [&str; 18] = [
    "No",
    "No",
    "no",
    "no",
    "N/A",
    "N/A",
    "n/a",
    "No thank you",
    "Nothing to add",
    "nothing to add",
    "No.",
    "None",
    "Not at this time",
    "Thank you",
    "Thanks for asking",
    "no thanks",
    "Nope",
    "All said above",
];
/// Young people's few-word answers to the three questions in turn.
const SHORT_YOUNG: [&[&str]; 3] = [
    &["good", "ok", "yeah theyre good", "idk", "fine", "dont know"],
    &[
        "idk",
        "dont know",
        "more help",
        "being listened to",
        "nicer teachers",
    ],
    &["no", "nope", "no thanks", "n/a", "nah", "not really"],
];

/// Personal data some people put in a comment. The optional flag is the child's sex it assumes.
#[rustfmt::skip]
const PERSONAL_DETAILS: [(Voice, Option<bool>, &str); 10] = [
    (Voice::Parent, Some(false), "My daughter Chloe Hartley has been waiting for an assessment for nearly two years and nobody can tell me where she is on the list."),
    (Voice::Parent, None, "If anyone from the SEND team wants to discuss our case my email is j.smith@example.com."),
    (Voice::Parent, None, "Please call me on 07700 900123, I have been trying to get an answer for months."),
    (Voice::Parent, Some(true), "My son Oliver Bennett was out of school for most of last year and I would happily tell someone the whole story."),
    (Voice::Parent, None, "You can contact me at sarah.k.walker@example.org or on 01632 960 123 if you want to hear more."),
    (Voice::Parent, Some(true), "Please look into my son Harry Dawson's case, the provision in his plan has not been delivered since September."),
    (Voice::Parent, Some(false), "My name is Karen Whitfield and my daughter Ellie has an EHCP. Ring me on 07700 900457 after 3pm."),
    (Voice::Parent, None, "Email me at daveyb82@example.com if you want to know what it's actually like."),
    (Voice::School, None, "Happy to talk about this further, I'm the SENCO at a primary school and can be reached on 01632 960 781 or m.patel@example.org."),
    (Voice::Professional, None, "Our team would be glad to help with training, contact me at r.osei@example.org or 01632 960 902."),
];

/// Text a spreadsheet could take for a formula: (question, whole answer or prefix, is prefix).
const FORMULA_LIKE: [(usize, &str, bool); 4] = [
    (1, "- more staff training", false),
    (2, "=== frustrated === ", true),
    (2, "+1 to everything above", false),
    (
        0,
        "@council please listen to parents, we are not the enemy",
        false,
    ),
];

/// Familiar misspellings, applied as one kind of typo.
const MISSPELLINGS: [(&str, &str); 8] = [
    ("a lot", "alot"),
    ("because", "becuase"),
    ("definitely", "definately"),
    ("their", "thier"),
    ("receive", "recieve"),
    ("separate", "seperate"),
    ("necessary", "neccessary"),
    ("don't", "dont"),
];

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tone {
    Positive,
    Mixed,
    Critical,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    Blank,
    Short,
    Full,
}

struct Respondent {
    role: Role,
    area: &'static str,
    setting: Setting,
    is_female: bool,
    child_is_son: bool,
    child_phrase: &'static str,
    need: &'static str,
    age: u32,
    /// Feeling about the strategy: below zero disagrees, above agrees.
    attitude: f64,
    /// 1.0 is typical; higher writes more and skips less.
    wordiness: f64,
}

impl Respondent {
    fn speaks(&self, voice: Voice) -> bool {
        match (self.role, voice) {
            (Role::YoungPerson, voice) => voice == Voice::Young,
            (_, Voice::Anyone) => true,
            (Role::ParentCarer, voice) => voice == Voice::Parent,
            (Role::SencoTeacher, voice) => matches!(voice, Voice::School | Voice::Professional),
            (Role::EarlyYears, voice) => matches!(voice, Voice::EarlyYears | Voice::Professional),
            (Role::HealthCare, voice) => matches!(voice, Voice::Health | Voice::Professional),
            (Role::Other, voice) => matches!(voice, Voice::Bystander | Voice::Professional),
        }
    }

    fn tone(&self) -> Tone {
        if self.attitude < -0.45 {
            Tone::Critical
        } else if self.attitude > 0.55 {
            Tone::Positive
        } else {
            Tone::Mixed
        }
    }

    fn is_young(&self) -> bool {
        self.role == Role::YoungPerson
    }

    fn in_context(&self, context: Context) -> bool {
        match context {
            Context::RuralArea => RURAL_AREAS.contains(&self.area),
            Context::SpecialSchool => self.setting == Setting::Special,
            Context::Secondary => self.setting == Setting::Secondary,
            Context::College => self.setting == Setting::FurtherEducation,
        }
    }

    fn theme_chance(&self, theme: &Theme) -> f64 {
        let base = theme.chance[self.role as usize];
        theme
            .boosts
            .iter()
            .filter(|(context, _)| self.in_context(*context))
            .fold(base, |chance, (_, factor)| chance * factor)
    }
}

struct Response {
    start: NaiveDateTime,
    completion: NaiveDateTime,
    /// Email to the last comment, in `HEADER` order from its fourth column.
    fields: Vec<String>,
}

const FIRST_COMMENT_COLUMN: usize = 13;
/// Longer answers than this read like an essay, which consultation replies rarely are.
const MOST_SENTENCES: usize = 6;

/// Spreads sentence use so that no sentence turns up far more often than the rest.
struct SentencePicker {
    uses: BTreeMap<&'static str, u32>,
}

impl SentencePicker {
    /// A sentence from `pool` the respondent can say and has not said yet, preferring rare ones.
    fn pick(
        &mut self,
        rng: &mut fastrand::Rng,
        pool: &[Line],
        respondent: &Respondent,
        said: &BTreeSet<&'static str>,
    ) -> Option<&'static str> {
        let candidates: Vec<&'static str> = pool
            .iter()
            .filter(|(voice, text)| respondent.speaks(*voice) && !said.contains(text))
            .map(|(_, text)| *text)
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let chosen = (0..3)
            .map(|_| candidates[rng.usize(..candidates.len())])
            .min_by_key(|text| self.uses.get(text).copied().unwrap_or(0))?;
        *self.uses.entry(chosen).or_insert(0) += 1;
        Some(chosen)
    }
}

fn pick_weighted(rng: &mut fastrand::Rng, weights: &[f64]) -> usize {
    let mut target = rng.f64() * weights.iter().sum::<f64>();
    for (index, weight) in weights.iter().enumerate() {
        if target < *weight {
            return index;
        }
        target -= weight;
    }
    weights.len() - 1
}

fn pick<T: Copy>(rng: &mut fastrand::Rng, items: &[T]) -> T {
    items[rng.usize(..items.len())]
}

fn standard_normal(rng: &mut fastrand::Rng) -> f64 {
    let radius = (-2.0 * (1.0 - rng.f64()).ln()).sqrt();
    radius * (std::f64::consts::TAU * rng.f64()).cos()
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Lower-cases the first letter after a connective, unless it starts "I", an acronym or a name.
fn continue_sentence(connective: &str, sentence: &str) -> String {
    let first_word = sentence.split_whitespace().next().unwrap_or("");
    let keeps_capital = first_word == "I"
        || first_word.starts_with("I'")
        || first_word.chars().filter(char::is_ascii_uppercase).count() > 1
        || ["Priority", "Ofsted", "Local", "Health"].contains(&first_word);
    if keeps_capital {
        format!("{connective}{sentence}")
    } else {
        let mut chars = sentence.chars();
        let first = chars.next().map(|c| c.to_lowercase().collect::<String>());
        format!(
            "{connective}{}{}",
            first.unwrap_or_default(),
            chars.as_str()
        )
    }
}

/// Replaces each "[a|b|c]" in a template with one of its options, so repeats vary in wording.
fn choose_alternatives(rng: &mut fastrand::Rng, template: &str) -> String {
    let mut text = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|offset| open + offset) else {
            break;
        };
        text.push_str(&rest[..open]);
        let options: Vec<&str> = rest[open + 1..close].split('|').collect();
        text.push_str(pick(rng, &options));
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    text
}

/// Fills a template's placeholders. A pronoun can't come first: until the child has been
/// named in this answer, the first mention says "my son" rather than "he".
fn fill(
    rng: &mut fastrand::Rng,
    template: &str,
    respondent: &Respondent,
    child_named: &mut bool,
) -> String {
    let (he, him, his) = if respondent.child_is_son {
        ("he", "him", "his")
    } else {
        ("she", "her", "her")
    };
    let phrase = respondent.child_phrase;
    let template = &choose_alternatives(rng, template);
    let first_mention = [
        "{Child}", "{child}", "{He}", "{he}", "{His}", "{his}", "{him}",
    ]
    .iter()
    .filter_map(|marker| template.find(marker).map(|position| (position, *marker)))
    .min();
    let mut template = template.to_string();
    if let Some((position, marker)) = first_mention {
        let naming = match marker {
            "{He}" => Some(capitalise(phrase)),
            "{he}" | "{him}" => Some(phrase.to_string()),
            "{His}" => Some(capitalise(&format!("{phrase}'s"))),
            "{his}" => Some(format!("{phrase}'s")),
            _ => None,
        };
        if let Some(naming) = naming.filter(|_| !*child_named) {
            template.replace_range(position..position + marker.len(), &naming);
        }
        *child_named = true;
    }
    let setting = match respondent.setting {
        Setting::Primary => "a primary school",
        Setting::Secondary => "a secondary school",
        Setting::Special => "a special school",
        Setting::FurtherEducation => "an FE college",
        Setting::EarlyYears | Setting::NotApplicable => "a school",
    };
    let parent = if respondent.is_female { "mum" } else { "dad" };
    template
        .replace("{Child}", &capitalise(phrase))
        .replace("{child}", phrase)
        .replace("{He}", &capitalise(he))
        .replace("{he}", he)
        .replace("{him}", him)
        .replace("{His}", &capitalise(his))
        .replace("{his}", his)
        .replace("{need}", respondent.need)
        .replace("{months}", &rng.u32(7..=22).to_string())
        .replace("{years}", &rng.u32(3..=15).to_string())
        .replace("{age}", &respondent.age.to_string())
        .replace("{setting}", setting)
        .replace("{parent}", parent)
}

/// Roles in exactly the shares of `ROLES`, in random order.
fn role_quota(rng: &mut fastrand::Rng) -> Vec<Role> {
    let mut roles: Vec<Role> = ROLES
        .iter()
        .flat_map(|(role, _, share)| {
            // A few hundred responses and percentages: exact in f64, rounded to a small count.
            #[allow(
                clippy::cast_precision_loss,
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss
            )]
            let count = (share / 100.0 * RESPONSE_COUNT as f64).round() as usize;
            std::iter::repeat_n(*role, count)
        })
        .collect();
    roles.resize(RESPONSE_COUNT, Role::Other);
    rng.shuffle(&mut roles);
    roles
}

fn make_respondent(rng: &mut fastrand::Rng, role: Role) -> Respondent {
    let area_weights: Vec<f64> = AREAS.iter().map(|(_, weight)| *weight).collect();
    let area = AREAS[pick_weighted(rng, &area_weights)].0;
    let setting = SETTINGS[pick_weighted(rng, &SETTING_WEIGHTS[role as usize])].0;
    let age = match setting {
        Setting::EarlyYears => rng.u32(2..=4),
        Setting::Primary => rng.u32(5..=10),
        Setting::Secondary => rng.u32(11..=16),
        Setting::Special => rng.u32(if role == Role::YoungPerson { 12 } else { 5 }..=18),
        Setting::FurtherEducation => rng.u32(16..=19),
        Setting::NotApplicable => rng.u32(3..=17),
    };
    let female_share = match role {
        Role::ParentCarer => 0.78,
        Role::YoungPerson => 0.5,
        _ => 0.82,
    };
    let child_is_son = rng.f64() < 0.62;
    let child_phrase = match (child_is_son, rng.f64() < 0.15) {
        (true, false) => "my son",
        (false, false) => "my daughter",
        (true, true) => "my boy",
        (false, true) => "my eldest",
    };
    // Families tend to answer more sceptically than the professionals who run the services.
    let attitude_mean = match role {
        Role::ParentCarer => -0.15,
        Role::YoungPerson => 0.0,
        _ => 0.1,
    };
    Respondent {
        role,
        area,
        setting,
        is_female: rng.f64() < female_share,
        child_is_son,
        child_phrase,
        need: pick(rng, &NEEDS),
        age,
        attitude: attitude_mean + 0.75 * standard_normal(rng),
        wordiness: (1.0 + 0.45 * standard_normal(rng)).clamp(0.3, 2.2),
    }
}

fn services_answer(rng: &mut fastrand::Rng, respondent: &Respondent) -> String {
    let (blank_chance, chances) = SERVICE_USE[respondent.role as usize];
    if rng.f64() < blank_chance {
        return String::new();
    }
    let used: Vec<&str> = SERVICES
        .iter()
        .zip(chances)
        .filter(|(_, chance)| rng.f64() < *chance)
        .map(|(service, _)| *service)
        .collect();
    // MS Forms ends every multi-select answer with the separator.
    if used.is_empty() {
        format!("{NO_SERVICE};")
    } else {
        used.iter().map(|service| format!("{service};")).collect()
    }
}

fn likert_answer(rng: &mut fastrand::Rng, respondent: &Respondent, question: usize) -> String {
    let roll = rng.f64();
    let dont_know = if respondent.is_young() { 0.07 } else { 0.02 };
    if roll < 0.015 {
        return String::new();
    }
    if roll < 0.015 + dont_know {
        return "Don't know".to_string();
    }
    let score = LIKERT_MEANS[respondent.role as usize][question]
        + respondent.attitude
        + 0.6 * standard_normal(rng);
    let level = match score {
        s if s > 1.3 => 0,
        s if s > 0.35 => 1,
        s if s > -0.3 => 2,
        s if s > -1.2 => 3,
        _ => 4,
    };
    LIKERT[level].to_string()
}

/// Whether each free-text question is skipped, answered in a few words, or answered properly.
fn answer_kinds(rng: &mut fastrand::Rng, respondent: &Respondent) -> [Answer; 3] {
    // (blank, short) chances per question for a typical respondent.
    const BASE: [(f64, f64); 3] = [(0.09, 0.22), (0.14, 0.20), (0.45, 0.12)];
    // Averages 1 over respondents, so the base chances hold overall.
    let terseness = (1.5 - 0.5 * respondent.wordiness).max(0.3);
    let brevity = if respondent.is_young() { 1.3 } else { 1.0 };
    BASE.map(|(blank, short)| {
        let blank = (blank * brevity * terseness).min(0.9);
        let short = short * brevity * terseness;
        let roll = rng.f64();
        if roll < blank {
            Answer::Blank
        } else if roll < blank + short {
            Answer::Short
        } else {
            Answer::Full
        }
    })
}

struct CommentWriter<'a> {
    rng: &'a mut fastrand::Rng,
    picker: SentencePicker,
    /// Whether the current answer has already said "my son" or "my daughter".
    child_named: bool,
}

impl CommentWriter<'_> {
    fn line(
        &mut self,
        pool: &[Line],
        respondent: &Respondent,
        said: &mut BTreeSet<&'static str>,
    ) -> Option<String> {
        let template = self.picker.pick(self.rng, pool, respondent, said)?;
        said.insert(template);
        Some(fill(self.rng, template, respondent, &mut self.child_named))
    }

    fn short_answer(
        &mut self,
        respondent: &Respondent,
        question: usize,
        themes: &[usize],
    ) -> String {
        if respondent.is_young() && themes.is_empty() {
            return pick(self.rng, SHORT_YOUNG[question]).to_string();
        }
        match (question, themes.first()) {
            (0, _) if respondent.tone() == Tone::Positive => {
                pick(self.rng, &SHORT_VIEWS_POSITIVE).to_string()
            }
            (0, _) => pick(self.rng, &SHORT_VIEWS_OTHER).to_string(),
            (1, Some(theme)) if respondent.is_young() => THEMES[*theme].short_ask.to_string(),
            (1, Some(theme)) => {
                let ending = pick(self.rng, &["", "", "."]);
                format!("{}{ending}", capitalise(THEMES[*theme].short_ask))
            }
            (1, None) => pick(self.rng, &SHORT_DIFFERENCE).to_string(),
            _ => pick(self.rng, &NOTHING_TO_ADD).to_string(),
        }
    }

    /// "What would make the biggest difference" answered as a list, as some people do.
    fn list_answer(&mut self, themes: &[usize]) -> String {
        let asks: Vec<&str> = themes
            .iter()
            .map(|theme| THEMES[*theme].short_ask)
            .collect();
        if self.rng.bool() {
            asks.iter()
                .enumerate()
                .map(|(index, ask)| format!("{}. {}", index + 1, capitalise(ask)))
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            let (last, rest) = asks.split_last().unwrap_or((&"", &[]));
            format!("{} and {last}.", capitalise(&rest.join(", ")))
        }
    }

    fn full_answer(
        &mut self,
        respondent: &Respondent,
        question: usize,
        themes: &[usize],
        said: &mut BTreeSet<&'static str>,
        introduced: &mut bool,
    ) -> String {
        if question == 1 && themes.len() >= 2 && self.rng.f64() < 0.25 {
            return self.list_answer(themes);
        }
        let tone = respondent.tone();
        let young = respondent.is_young();
        self.child_named = false;
        let mut pieces: Vec<String> = Vec::new();
        let mut opened_with_view = false;
        // Sentences with something to say, as against introductions and sign-offs.
        let mut substance = 0;

        let wants_opener = !*introduced
            && ((question == 2 && self.rng.f64() < 0.35 * respondent.wordiness)
                || (question == 0 && self.rng.f64() < 0.1 * respondent.wordiness));
        if wants_opener && let Some(opener) = self.line(OPENERS, respondent, said) {
            pieces.push(opener);
            *introduced = true;
        }
        if question == 0 && (themes.is_empty() || self.rng.f64() < 0.65) {
            let pool = match tone {
                Tone::Positive => GENERAL_POSITIVE,
                Tone::Mixed => GENERAL_MIXED,
                Tone::Critical => GENERAL_CRITICAL,
            };
            if let Some(view) = self.line(pool, respondent, said) {
                pieces.push(view);
                opened_with_view = tone != Tone::Critical;
                substance += 1;
            }
        }

        // "Biggest difference" draws on what would help, "anything else" on what happened.
        let ask_share = [0.5, 0.85, 0.25][question];
        for (position, theme) in themes.iter().enumerate() {
            if pieces.len() >= MOST_SENTENCES {
                break;
            }
            let theme = &THEMES[*theme];
            let wants_ask = self.rng.f64() < ask_share;
            let (first, second) = if wants_ask {
                (theme.asks, theme.stories)
            } else {
                (theme.stories, theme.asks)
            };
            let (sentence, follow_up_pool, is_ask) = match self.line(first, respondent, said) {
                Some(sentence) => (sentence, second, wants_ask),
                None => match self.line(second, respondent, said) {
                    Some(sentence) => (sentence, first, !wants_ask),
                    None => continue,
                },
            };
            // Asks are often bare phrases ("More funding."), which only some links fit.
            let connectives = if is_ask {
                &CONNECTIVES[..CONNECTIVES_FOR_PHRASES]
            } else {
                &CONNECTIVES[..]
            };
            let sentence = if young || pieces.is_empty() {
                sentence
            } else if position == 0 && opened_with_view && !is_ask && self.rng.f64() < 0.6 {
                continue_sentence(pick(self.rng, &TURNS), &sentence)
            } else if position > 0 && self.rng.f64() < 0.3 {
                continue_sentence(pick(self.rng, connectives), &sentence)
            } else {
                sentence
            };
            pieces.push(sentence);
            substance += 1;
            // Wordy people say more about the same thing, up to a long paragraph.
            if !young
                && pieces.len() < MOST_SENTENCES
                && self.rng.f64() < 0.25 * respondent.wordiness
                && let Some(more) = self.line(follow_up_pool, respondent, said)
            {
                pieces.push(more);
            }
        }

        if substance == 0 {
            let pool = match (question, tone) {
                (1, _) => GENERAL_ASKS,
                (_, Tone::Positive) => GENERAL_POSITIVE,
                (_, Tone::Mixed) => GENERAL_MIXED,
                (_, Tone::Critical) => GENERAL_CRITICAL,
            };
            if let Some(general) = self.line(pool, respondent, said) {
                pieces.push(general);
            }
        }
        // With nothing else to add, people sign off.
        let closer_chance = if substance == 0 && question == 2 {
            1.0
        } else {
            [0.08, 0.05, 0.3][question] * respondent.wordiness
        };
        if self.rng.f64() < closer_chance {
            let pool = match tone {
                Tone::Positive => CLOSERS_POSITIVE,
                Tone::Mixed => CLOSERS_MIXED,
                Tone::Critical => CLOSERS_CRITICAL,
            };
            if let Some(closer) = self.line(pool, respondent, said) {
                pieces.push(closer);
            }
        }

        if young {
            self.join_informally(&pieces)
        } else {
            pieces
                .iter()
                .map(|piece| end_sentence(piece))
                .collect::<Vec<_>>()
                .join(" ")
        }
    }

    /// Young people's answers run on, mostly without full stops.
    fn join_informally(&mut self, pieces: &[String]) -> String {
        let mut text = String::new();
        for (index, piece) in pieces.iter().enumerate() {
            if index > 0 {
                let joint = pick(self.rng, &[". ", ". ", ", ", ". also ", " and "]);
                text.push_str(&continue_sentence(joint, piece.trim_end_matches('.')));
            } else {
                text.push_str(piece.trim_end_matches('.'));
            }
        }
        text
    }

    fn add_typos(&mut self, text: &str) -> String {
        let mut text = text.to_string();
        for _ in 0..self.rng.usize(1..=2) {
            text = match self.rng.usize(..5) {
                0 => text.to_lowercase().trim_end_matches('.').to_string(),
                1 => text.replace('\'', ""),
                2 => {
                    let found = MISSPELLINGS.iter().find(|(right, _)| text.contains(right));
                    match found {
                        Some((right, wrong)) => text.replacen(right, wrong, 1),
                        None => self.mangle_word(&text),
                    }
                }
                _ => self.mangle_word(&text),
            };
        }
        text
    }

    /// Drops or doubles one letter inside a longer word.
    fn mangle_word(&mut self, text: &str) -> String {
        let words: Vec<&str> = text.split(' ').collect();
        let long_words: Vec<usize> = (0..words.len())
            .filter(|index| {
                words[*index].len() >= 6 && words[*index].chars().all(|c| c.is_ascii_lowercase())
            })
            .collect();
        if long_words.is_empty() {
            return text.to_string();
        }
        let target = pick(self.rng, &long_words);
        let word = words[target];
        let at = self.rng.usize(1..word.len() - 1);
        let mangled = if self.rng.bool() {
            format!("{}{}", &word[..at], &word[at + 1..])
        } else {
            format!("{}{}", &word[..=at], &word[at..])
        };
        let mut words: Vec<String> = words.iter().map(|word| word.to_string()).collect();
        words[target] = mangled;
        words.join(" ")
    }
}

fn end_sentence(piece: &str) -> String {
    if piece.ends_with(['.', '!', '?']) {
        piece.to_string()
    } else {
        format!("{piece}.")
    }
}

/// The three free-text answers for one respondent, and which themes made it into them.
fn comments(
    writer: &mut CommentWriter<'_>,
    respondent: &Respondent,
) -> ([String; 3], BTreeSet<usize>) {
    let kinds = answer_kinds(writer.rng, respondent);
    let mut raised: Vec<usize> = (0..THEMES.len())
        .filter(|theme| writer.rng.f64() < respondent.theme_chance(&THEMES[*theme]))
        .collect();
    writer.rng.shuffle(&mut raised);

    // Each theme goes to one properly answered question, most often "biggest difference".
    // An answer holds only a few themes; people rarely list more without being asked.
    let most_per_answer = if respondent.wordiness > 1.4 && !respondent.is_young() {
        3
    } else {
        2
    };
    let mut per_question: [Vec<usize>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for theme in &raised {
        let slot_weights: Vec<f64> = (0..3)
            .map(|question| {
                let has_room = kinds[question] == Answer::Full
                    && per_question[question].len() < most_per_answer;
                if has_room {
                    [0.3, 0.45, 0.25][question]
                } else {
                    0.0
                }
            })
            .collect();
        if slot_weights.iter().any(|weight| *weight > 0.0) {
            per_question[pick_weighted(writer.rng, &slot_weights)].push(*theme);
        }
    }
    if kinds[1] == Answer::Short && !raised.is_empty() && per_question[1].is_empty() {
        per_question[1].push(raised[0]);
    }

    let mut said = BTreeSet::new();
    let mut introduced = false;
    let mut mentioned = BTreeSet::new();
    let mut texts: [String; 3] = Default::default();
    for question in 0..3 {
        let themes = &per_question[question];
        texts[question] = match kinds[question] {
            Answer::Blank => String::new(),
            Answer::Short => writer.short_answer(respondent, question, themes),
            Answer::Full => {
                writer.full_answer(respondent, question, themes, &mut said, &mut introduced)
            }
        };
        if kinds[question] != Answer::Blank {
            mentioned.extend(themes.iter().copied());
        }
        if kinds[question] == Answer::Full {
            let typo_chance = if respondent.is_young() { 0.2 } else { 0.1 };
            if writer.rng.f64() < typo_chance {
                texts[question] = writer.add_typos(&texts[question]);
            } else if writer.rng.f64() < 0.08 {
                // Phones and Word put in curly apostrophes.
                texts[question] = texts[question].replace('\'', "\u{2019}");
            }
        }
    }
    (texts, mentioned)
}

fn personal_name_and_email(rng: &mut fastrand::Rng, respondent: &Respondent) -> (String, String) {
    if rng.f64() < 0.85 {
        return ("anonymous".to_string(), String::new());
    }
    let first = if respondent.is_female {
        pick(rng, &FEMALE_NAMES)
    } else {
        pick(rng, &MALE_NAMES)
    };
    let surname = pick(rng, &SURNAMES);
    let local_surname = surname.replace('\'', "").to_lowercase();
    let local_first = first.to_lowercase();
    let domain = pick(rng, &["example.org", "example.com"]);
    let email = match rng.usize(..3) {
        0 => format!("{local_first}.{local_surname}@{domain}"),
        1 => format!(
            "{}{local_surname}{}@{domain}",
            &local_first[..1],
            rng.u32(10..99)
        ),
        _ => format!("{local_first}{}@{domain}", rng.u32(70..=99)),
    };
    (email, format!("{first} {surname}"))
}

/// When the form was opened: busy at launch, after the reminder and before the close.
fn start_time(
    rng: &mut fastrand::Rng,
    respondent: &Respondent,
    first_day: NaiveDate,
) -> GenResult<NaiveDateTime> {
    const DAYS: usize = 42;
    let day_weights: Vec<f64> = (0..DAYS)
        .map(|day| {
            let campaign = match day {
                0..=2 => 3.0,
                21 | 22 => 2.2,
                38.. => 2.5,
                _ => 1.0,
            };
            let weekend = if day % 7 >= 5 { 0.6 } else { 1.0 };
            campaign * weekend
        })
        .collect();
    // Families answer in the evening, professionals during the working day.
    let hour_weights: [f64; 24] = match respondent.role {
        Role::ParentCarer | Role::Other => [
            0.1, 0.05, 0.0, 0.0, 0.0, 0.1, 0.4, 1.0, 1.2, 1.5, 1.5, 1.5, 1.8, 1.5, 1.4, 1.0, 0.8,
            0.9, 1.2, 2.2, 3.0, 3.0, 2.2, 0.8,
        ],
        Role::YoungPerson => [
            0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.2, 0.4, 0.8, 0.8, 0.6, 0.8, 0.6, 0.8, 2.0, 2.5,
            2.5, 2.0, 2.5, 2.5, 2.0, 1.2, 0.6,
        ],
        _ => [
            0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.1, 0.6, 2.0, 2.5, 2.2, 2.0, 2.6, 2.6, 2.0, 2.2, 2.4,
            2.0, 1.0, 0.8, 1.0, 0.8, 0.3, 0.1,
        ],
    };
    let day = pick_weighted(rng, &day_weights);
    let date = first_day
        .checked_add_days(chrono::Days::new(u64::try_from(day)?))
        .ok_or("consultation date out of range")?;
    let hour = u32::try_from(pick_weighted(rng, &hour_weights))?;
    date.and_hms_opt(hour, rng.u32(0..60), rng.u32(0..60))
        .ok_or_else(|| "invalid start time".into())
}

fn generate() -> GenResult<Vec<Response>> {
    let mut rng = fastrand::Rng::with_seed(SEED);
    let first_day = NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("invalid first day")?;
    let mut respondents = Vec::with_capacity(RESPONSE_COUNT);
    let mut all_texts = Vec::with_capacity(RESPONSE_COUNT);
    let mut theme_counts = vec![0_usize; THEMES.len()];
    let mut writer = CommentWriter {
        rng: &mut rng,
        picker: SentencePicker {
            uses: BTreeMap::new(),
        },
        child_named: false,
    };
    for role in role_quota(writer.rng) {
        let respondent = make_respondent(writer.rng, role);
        let (texts, mentioned) = comments(&mut writer, &respondent);
        for theme in mentioned {
            theme_counts[theme] += 1;
        }
        respondents.push(respondent);
        all_texts.push(texts);
    }
    drop(writer);

    // One oddity per respondent, so a formula-like answer never overwrites personal details.
    let mut altered = BTreeSet::new();
    add_personal_details(&mut rng, &respondents, &mut all_texts, &mut altered);
    add_formula_like_text(&mut rng, &respondents, &mut all_texts, &mut altered);

    let mut responses = Vec::with_capacity(RESPONSE_COUNT);
    for (respondent, texts) in respondents.iter().zip(all_texts) {
        let (email, name) = personal_name_and_email(&mut rng, respondent);
        let start = start_time(&mut rng, respondent, first_day)?;
        // Roughly typing speed plus time to read and tick the closed questions.
        let typed_chars: usize = texts.iter().map(String::len).sum();
        let seconds = 70 + typed_chars / 3 + rng.usize(20..200);
        let completion = start + TimeDelta::seconds(i64::try_from(seconds)?);
        let mut fields = vec![
            email,
            name,
            ROLES[respondent.role as usize].1.to_string(),
            respondent.area.to_string(),
            SETTINGS
                .iter()
                .find(|(setting, _)| *setting == respondent.setting)
                .map(|(_, label)| label.to_string())
                .unwrap_or_default(),
            services_answer(&mut rng, respondent),
        ];
        for question in 0..4 {
            fields.push(likert_answer(&mut rng, respondent, question));
        }
        fields.extend(texts);
        responses.push(Response {
            start,
            completion,
            fields,
        });
    }
    // MS Forms numbers responses in the order they were submitted.
    responses.sort_by_key(|response| response.completion);

    println!("Respondents raising each theme (as generated):");
    for (theme, count) in THEMES.iter().zip(theme_counts) {
        #[allow(clippy::cast_precision_loss)] // a few hundred responses: exact in f64
        let share = 100.0 * count as f64 / RESPONSE_COUNT as f64;
        println!("  {:<42} {count:>4}  {share:>5.1}%", theme.name);
    }
    Ok(responses)
}

/// Puts the personal details into the last comment of a few respondents who could have written them.
fn add_personal_details(
    rng: &mut fastrand::Rng,
    respondents: &[Respondent],
    texts: &mut [[String; 3]],
    used: &mut BTreeSet<usize>,
) {
    for (voice, child_is_son, detail) in PERSONAL_DETAILS {
        let candidates: Vec<usize> = (0..respondents.len())
            .filter(|index| {
                let respondent = &respondents[*index];
                respondent.speaks(voice)
                    && child_is_son.is_none_or(|son| respondent.child_is_son == son)
                    && !used.contains(index)
            })
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let chosen = pick(rng, &candidates);
        used.insert(chosen);
        let last = &mut texts[chosen][2];
        *last = if last.is_empty() || NOTHING_TO_ADD.contains(&last.as_str()) {
            detail.to_string()
        } else {
            format!("{} {detail}", end_sentence(last))
        };
    }
}

fn add_formula_like_text(
    rng: &mut fastrand::Rng,
    respondents: &[Respondent],
    texts: &mut [[String; 3]],
    used: &mut BTreeSet<usize>,
) {
    for (question, text, is_prefix) in FORMULA_LIKE {
        let candidates: Vec<usize> = (0..respondents.len())
            .filter(|index| {
                let adult = !respondents[*index].is_young();
                let angry = respondents[*index].tone() == Tone::Critical;
                let long_enough = texts[*index][question].len() > 80;
                adult && !used.contains(index) && (!is_prefix || (angry && long_enough))
            })
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let chosen = pick(rng, &candidates);
        used.insert(chosen);
        let answer = &mut texts[chosen][question];
        *answer = if is_prefix {
            format!("{text}{answer}")
        } else {
            text.to_string()
        };
    }
}

fn excel_datetime(moment: NaiveDateTime) -> GenResult<ExcelDateTime> {
    Ok(ExcelDateTime::from_ymd(
        u16::try_from(moment.year())?,
        u8::try_from(moment.month())?,
        u8::try_from(moment.day())?,
    )?
    .and_hms(
        u16::try_from(moment.hour())?,
        u8::try_from(moment.minute())?,
        moment.second(),
    )?)
}

fn write_xlsx(path: &Path, responses: &[Response]) -> GenResult<()> {
    let mut workbook = Workbook::new();
    // A fixed creation time keeps the file byte-identical between runs.
    let created = ExcelDateTime::from_ymd(2026, 4, 13)?.and_hms(9, 0, 0)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let sheet = workbook.add_worksheet();
    sheet.set_name("Sheet1")?;
    let bold = Format::new().set_bold();
    let datetime = Format::new().set_num_format("m/d/yy h:mm:ss");
    for (column, title) in HEADER.iter().enumerate() {
        sheet.write_string_with_format(0, u16::try_from(column)?, *title, &bold)?;
        let width = match column {
            0 => 6.0,
            1 | 2 => 16.0,
            FIRST_COMMENT_COLUMN.. => 60.0,
            _ => 24.0,
        };
        sheet.set_column_width(u16::try_from(column)?, width)?;
    }
    for (index, response) in responses.iter().enumerate() {
        let row = u32::try_from(index + 1)?;
        sheet.write_number(row, 0, u32::try_from(index + 1)?)?;
        sheet.write_datetime_with_format(row, 1, excel_datetime(response.start)?, &datetime)?;
        sheet.write_datetime_with_format(
            row,
            2,
            excel_datetime(response.completion)?,
            &datetime,
        )?;
        for (offset, value) in response.fields.iter().enumerate() {
            // Forms leaves unanswered questions as empty cells.
            if !value.is_empty() {
                sheet.write_string(row, u16::try_from(offset + 3)?, value)?;
            }
        }
    }
    workbook.save(path)?;
    Ok(())
}

fn write_csv(path: &Path, responses: &[Response]) -> GenResult<()> {
    let mut file = BufWriter::new(File::create(path)?);
    // Excel's "CSV UTF-8" starts with a byte order mark and ends lines with CRLF.
    file.write_all(b"\xEF\xBB\xBF")?;
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(file);
    csv.write_record(HEADER)?;
    for (index, response) in responses.iter().enumerate() {
        let mut record = vec![
            (index + 1).to_string(),
            response.start.format("%Y-%m-%d %H:%M:%S").to_string(),
            response.completion.format("%Y-%m-%d %H:%M:%S").to_string(),
        ];
        record.extend(response.fields.iter().cloned());
        csv.write_record(&record)?;
    }
    csv.flush()?;
    Ok(())
}

fn main() -> GenResult<()> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join(OUTPUT_DIR);
    fs::create_dir_all(&directory)?;
    let responses = generate()?;
    let xlsx = directory.join("send_consultation.xlsx");
    let csv = directory.join("send_consultation.csv");
    write_xlsx(&xlsx, &responses)?;
    write_csv(&csv, &responses)?;
    println!(
        "Wrote {} responses to {} and {}",
        responses.len(),
        xlsx.display(),
        csv.display()
    );
    Ok(())
}
