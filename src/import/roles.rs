//! Column roles from the header and the answers together, each with a short reason.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::platform::tool_field_role;
use crate::answers::{rating_scale_of, split_choices};
use crate::counts::as_f64;
use crate::heading::{RESPONDENT_TYPE_HINTS, mentions_any};
use crate::model::{ColumnRole, Value};

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[a-z0-9._%+'-]+@[a-z0-9.-]+\.[a-z]{2,}$").expect("valid email pattern")
});
static IP_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\d{1,3}(\.\d{1,3}){3}$|^[0-9a-fA-F:]{6,39}$").expect("valid IP pattern")
});
/// The longest answers [`EMAIL`], [`IP_ADDRESS`] and [`PHONE`] can match, in bytes.
const EMAIL_LONGEST: usize = 254;
const IP_ADDRESS_LONGEST: usize = 39;
const PHONE_LONGEST: usize = 17;
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\+?[0-9 ()-]{10,16}$").expect("valid phone pattern"));

/// Heading words that say a column is about the respondent rather than a question on the
/// proposal, besides those that say who the respondent is ([`RESPONDENT_TYPE_HINTS`]). Whole
/// words; `*` takes any ending.
const OTHER_ATTRIBUTE_HINTS: [&str; 13] = [
    "area*",
    "where do you live",
    "setting*",
    "age",
    "aged",
    "gender",
    "ethnic*",
    "disab*",
    "organisation*",
    "organization*",
    "type of school",
    "which school",
    "source",
];

/// Heading words that invite a written answer. Whole words; `*` takes any ending.
const FREE_TEXT_HINTS: [&str; 15] = [
    "free text",
    "please use this space",
    "in your own words",
    "comment*",
    "explain*",
    "why",
    "tell us",
    "suggest*",
    "views",
    "anything else",
    "please describe",
    "please specify",
    "what would",
    "how could",
    "feedback",
];

/// Whether the heading says the column describes the respondent.
fn names_an_attribute(header: &str) -> bool {
    mentions_any(header, &RESPONDENT_TYPE_HINTS) || mentions_any(header, &OTHER_ATTRIBUTE_HINTS)
}

/// Answers looked at per column: enough to tell the roles apart, few enough to stay fast on
/// hundreds of thousands of responses.
const ROLE_SAMPLE_ANSWERS: usize = 5_000;

/// The answers of a column, or about [`ROLE_SAMPLE_ANSWERS`] of them spread evenly over it.
fn spread_sample(values: &[Value]) -> Vec<&Value> {
    let answered = values.iter().filter(|value| !value.is_empty()).count();
    let step = answered.div_ceil(ROLE_SAMPLE_ANSWERS).max(1);
    values
        .iter()
        .filter(|value| !value.is_empty())
        .step_by(step)
        .collect()
}

/// The role chosen for a column and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGuess {
    /// The role.
    pub role: ColumnRole,
    /// A few words the GUI shows beside it.
    pub reason: String,
}

fn guess(role: ColumnRole, reason: impl Into<String>) -> RoleGuess {
    RoleGuess {
        role,
        reason: reason.into(),
    }
}

/// Decides a column's role from its name, the survey tool's code for it, and its values.
pub fn detect(name: &str, code: Option<&str>, values: &[Value], position: usize) -> RoleGuess {
    let header = name.to_lowercase();
    let tool_field = code
        .and_then(tool_field_role)
        .or_else(|| tool_field_role(name));
    // Personal data is known by its heading alone, answered or not.
    if let Some((ColumnRole::Personal, field)) = tool_field {
        return guess(
            ColumnRole::Personal,
            format!("the survey tool's \"{field}\" field"),
        );
    }
    if let Some(reason) = personal_by_header(&header) {
        return guess(ColumnRole::Personal, reason);
    }
    let answers = spread_sample(values);
    if answers.is_empty() {
        return guess(ColumnRole::Ignore, "no answers");
    }
    if let Some((role, field)) = tool_field {
        return guess(role, format!("the survey tool's \"{field}\" field"));
    }
    if code.is_some_and(|code| code.to_ascii_uppercase().ends_with("_TEXT")) {
        return guess(
            ColumnRole::FreeText,
            "a text-entry question (Qualtrics _TEXT)",
        );
    }
    let texts: Vec<&str> = answers.iter().filter_map(|value| value.as_text()).collect();
    if let Some(reason) = personal_by_content(&texts, answers.len()) {
        return guess(ColumnRole::Personal, reason);
    }
    if is_identifier_header(&header) {
        return guess(ColumnRole::Identifier, "the heading names an id");
    }
    let numbers: Vec<f64> = answers
        .iter()
        .filter_map(|value| {
            if let Value::Number(number) = value {
                Some(*number)
            } else {
                None
            }
        })
        .collect();
    if position == 0
        && numbers.len() == answers.len()
        && all_distinct_whole(&numbers)
        && answers.len() > 1
    {
        return guess(
            ColumnRole::Identifier,
            "first column of distinct whole numbers",
        );
    }
    let dates = answers
        .iter()
        .filter(|value| matches!(value, Value::DateTime(_)))
        .count();
    if dates * 10 >= answers.len() * 9 {
        return guess(ColumnRole::Timestamp, "the answers are dates and times");
    }
    let mut distinct: HashMap<String, usize> = HashMap::with_capacity(answers.len());
    for answer in &answers {
        *distinct.entry(lowercase(answer)).or_default() += 1;
    }
    if numbers.len() * 20 >= answers.len() * 19 {
        return if distinct.len() <= 11 {
            guess(
                ColumnRole::Closed,
                format!(
                    "numbers with {} different values, like a rating",
                    distinct.len()
                ),
            )
        } else {
            guess(ColumnRole::Number, "the answers are numbers")
        };
    }
    text_role(&header, &texts, &distinct, answers.len())
}

/// A value as text, lower-cased; plain ASCII (most answers) without Unicode case mapping.
fn lowercase(value: &Value) -> String {
    match value.as_text() {
        Some(text) if text.is_ascii() => text.to_ascii_lowercase(),
        Some(text) => text.to_lowercase(),
        None => value.display().to_lowercase(),
    }
}

/// Distinct answers a choice list may have.
const MAX_CHOICES: usize = 15;

/// How many times, on average, each of a few distinct answers must recur for the column to be a
/// choice list even when its options are whole sentences.
const CHOICE_REPEATS: usize = 5;

/// The role of a column of mostly text answers; `distinct` counts each answer, lower-cased.
fn text_role(
    header: &str,
    texts: &[&str],
    distinct: &HashMap<String, usize>,
    answered: usize,
) -> RoleGuess {
    let mean = |total: usize| as_f64(total) / as_f64(texts.len().max(1));
    let mean_chars = mean(texts.iter().map(|text| text.chars().count()).sum());
    let mean_words = mean(
        texts
            .iter()
            .map(|text| text.split_whitespace().count())
            .sum(),
    );
    let distinct_share = as_f64(distinct.len()) / as_f64(answered);

    if let Some((choices, separator)) = multi_select_choices(texts) {
        return guess(
            ColumnRole::MultiSelect,
            format!(
                "answers join {choices} choices with \"{}\"",
                separator.trim()
            ),
        );
    }
    let asks_for_words = mentions_any(header, &FREE_TEXT_HINTS);
    let free_text_reason = || {
        if mean_chars >= 25.0 {
            format!("varied written answers, {mean_words:.0} words on average")
        } else {
            "the question asks for comments".to_owned()
        }
    };
    if asks_for_words && answered < distinct.len() * 2 && distinct.len() * 10 >= answered * 3 {
        return guess(ColumnRole::FreeText, free_text_reason());
    }
    // Categories are short or repeat; a few different sentences from a few people are comments.
    let answers_repeat = answered >= distinct.len() * 2;
    let few_distinct = (answers_repeat || mean_words < 3.0)
        && (distinct.len() <= MAX_CHOICES || (distinct_share < 0.05 && distinct.len() <= 40));
    // Options that are whole sentences are still a choice when a few answers recur throughout
    // and hardly any is given once (a pasted campaign letter among comments has many singles).
    let given_once = distinct.values().filter(|count| **count == 1).count();
    let sentence_choices = distinct.len() <= MAX_CHOICES
        && answered >= distinct.len() * CHOICE_REPEATS
        && given_once * 5 <= distinct.len();
    if few_distinct && (mean_words < 6.0 || sentence_choices) {
        if rating_scale_of(distinct.keys().map(String::as_str)).is_some() {
            return guess(ColumnRole::Closed, "answers on an agreement scale");
        }
        if names_an_attribute(header) {
            return guess(
                ColumnRole::Attribute,
                format!("{} categories describing the respondent", distinct.len()),
            );
        }
        return guess(
            ColumnRole::Closed,
            format!("{} different answers, like a choice list", distinct.len()),
        );
    }
    // A few short answers under a heading about the respondent are categories, even from a
    // handful of respondents who have not yet repeated each other.
    if names_an_attribute(header)
        && !asks_for_words
        && mean_words < 4.0
        && distinct.len() <= MAX_CHOICES
    {
        return guess(
            ColumnRole::Attribute,
            format!("{} categories describing the respondent", distinct.len()),
        );
    }
    if mean_chars >= 25.0
        || (asks_for_words && distinct_share >= 0.3)
        || (distinct_share >= 0.5 && mean_words >= 3.0)
    {
        return guess(ColumnRole::FreeText, free_text_reason());
    }
    if names_an_attribute(header) {
        return guess(
            ColumnRole::Attribute,
            "categories describing the respondent",
        );
    }
    guess(
        ColumnRole::Ignore,
        "short answers that vary too much to count",
    )
}

/// The most different choices a multiple-choice question offers.
const MAX_MULTI_SELECT_CHOICES: usize = 40;

/// For answers that join choices (";" in Microsoft Forms and SmartSurvey, ", " in Google
/// Forms), how many different choices there are and the separator.
fn multi_select_choices(texts: &[&str]) -> Option<(usize, &'static str)> {
    let joined = |separator: &str| texts.iter().filter(|text| text.contains(separator)).count();
    let separator = [";", ", "].into_iter().find(|separator| {
        let joined = joined(separator);
        joined * 5 >= texts.len() && joined > 0
    })?;
    let mut choices: HashSet<&str> = HashSet::new();
    let mut pieces = 0usize;
    let mut words = 0usize;
    for text in texts {
        for piece in split_choices(text) {
            choices.insert(piece);
            pieces += 1;
            words += piece.split_whitespace().count();
        }
        // Comments with commas in them: past this many different pieces they are not choices,
        // and reading the rest of a large column cannot make them so.
        if choices.len() > MAX_MULTI_SELECT_CHOICES {
            return None;
        }
    }
    // Choices come from a list: they repeat, and they are short.
    let repeats = pieces >= choices.len() * 2;
    let short = words <= pieces * 6;
    (repeats && short).then_some((choices.len(), separator))
}

fn personal_by_header(header: &str) -> Option<&'static str> {
    let words: Vec<&str> = header
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|word| !word.is_empty())
        .collect();
    let has = |word: &str| words.contains(&word);
    if has("email") || has("e-mail") {
        return Some("the heading asks for an email address");
    }
    if header.contains("ip address") || has("ipaddress") {
        return Some("the heading names an IP address");
    }
    if has("phone") || has("telephone") || has("mobile") {
        return Some("the heading asks for a phone number");
    }
    if has("postcode") || header.contains("home address") {
        return Some("the heading asks for an address or postcode");
    }
    // A heading combined from a group and its sub-label ("Contact details - Name") is judged by
    // the sub-label too.
    let last_part = header.rsplit(" - ").next().unwrap_or(header);
    let names_a_person = [header, last_part].into_iter().any(|part| {
        matches!(
            part.trim(),
            "name"
                | "full name"
                | "your name"
                | "first name"
                | "last name"
                | "surname"
                | "respondent name"
        )
    }) || header.contains("your name")
        || header.starts_with("name of respondent");
    names_a_person.then_some("the heading asks for a name")
}

fn personal_by_content(texts: &[&str], answered: usize) -> Option<&'static str> {
    // Each pattern only runs on answers short enough to match it: comments never reach a regex.
    let share = |pattern: &Regex, longest: usize| {
        texts
            .iter()
            .filter(|text| text.len() <= longest && pattern.is_match(text))
            .count()
            * 2
            >= answered
    };
    let has_at = texts.iter().any(|text| text.contains('@'));
    if has_at && share(&EMAIL, EMAIL_LONGEST) {
        Some("most answers are email addresses")
    } else if share(&IP_ADDRESS, IP_ADDRESS_LONGEST)
        && texts
            .iter()
            .any(|text| text.contains('.') || text.contains(':'))
    {
        Some("most answers are IP addresses")
    } else if share(&PHONE, PHONE_LONGEST) {
        Some("most answers are phone numbers")
    } else {
        None
    }
}

fn is_identifier_header(header: &str) -> bool {
    let header = header.trim();
    matches!(
        header,
        "id" | "ref"
            | "reference"
            | "responseid"
            | "respondentid"
            | "response id"
            | "respondent id"
            | "collector id"
            | "collectorid"
            | "record id"
            | "case id"
    ) || (header.ends_with(" id") && header.len() <= 20)
}

fn all_distinct_whole(numbers: &[f64]) -> bool {
    let mut seen = HashSet::new();
    numbers
        .iter()
        .all(|number| number.fract() == 0.0 && seen.insert(number.to_bits()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_plain(name: &str, values: &[Value], position: usize) -> RoleGuess {
        detect(name, None, values, position)
    }

    #[test]
    fn qualtrics_codes_decide_metadata_and_text_entry() {
        let values = [Value::Text("Hello World!".into())];
        assert_eq!(
            detect(
                "This is a free text question.",
                Some("QID2_TEXT"),
                &values,
                18
            )
            .role,
            ColumnRole::FreeText
        );
        let address = [Value::Text("130.92.34.66".into())];
        assert_eq!(
            detect("IP-Adresse", Some("ipAddress"), &address, 3).role,
            ColumnRole::Personal
        );
        assert_eq!(
            detect("EmailAddress", Some("V5"), &texts(&["x"]), 4).role,
            ColumnRole::Personal
        );
        assert_eq!(
            detect("Antwort-ID", Some("_recordId"), &texts(&["R_1"]), 8).role,
            ColumnRole::Identifier
        );
        assert_eq!(
            detect("Beendet", Some("finished"), &[Value::Number(1.0)], 6).role,
            ColumnRole::Ignore
        );
    }

    #[test]
    fn a_few_different_answers_among_few_respondents_may_still_be_comments() {
        let values = texts(&[
            "Clear standards will help compliance",
            "Broadly positive for the industry",
        ]);
        assert_eq!(
            detect_plain("What role would you play?", &values, 4).role,
            ColumnRole::FreeText
        );
    }

    fn texts(values: &[&str]) -> Vec<Value> {
        values.iter().map(|value| Value::from(*value)).collect()
    }

    #[test]
    fn email_column_is_personal_even_when_mostly_anonymous() {
        let values = texts(&["anonymous", "anonymous", "a@example.org"]);
        assert_eq!(detect_plain("Email", &values, 3).role, ColumnRole::Personal);
    }

    #[test]
    fn emails_without_a_telling_header_are_personal() {
        let values = texts(&["a@example.org", "b.c@example.com", "d@example.co.uk"]);
        assert_eq!(
            detect_plain("Contact", &values, 2).role,
            ColumnRole::Personal
        );
    }

    #[test]
    fn likert_answers_are_closed() {
        let values = texts(&[
            "Agree",
            "Strongly agree",
            "Disagree",
            "Agree",
            "Agree",
            "Neither agree nor disagree",
        ]);
        let role = detect_plain("How much do you agree with priority 1?", &values, 5);
        assert_eq!(role.role, ColumnRole::Closed);
        assert_eq!(role.reason, "answers on an agreement scale");
    }

    #[test]
    fn respondent_type_is_an_attribute() {
        let values = texts(&[
            "Parent or carer",
            "Young person",
            "Parent or carer",
            "SENCO or teacher",
        ]);
        assert_eq!(
            detect_plain("Which of these best describes you?", &values, 5).role,
            ColumnRole::Attribute
        );
    }

    #[test]
    fn long_varied_answers_are_free_text() {
        let values = texts(&[
            "Staff need far more training on autism and ADHD.",
            "Waiting for an EHCP took fourteen months and nobody kept us informed.",
            "I agree with the priorities but worry about funding.",
        ]);
        assert_eq!(
            detect_plain("What are your views on the priorities?", &values, 9).role,
            ColumnRole::FreeText
        );
    }

    #[test]
    fn semicolon_joined_choices_are_multi_select() {
        let values = texts(&[
            "CAMHS;Portage;",
            "CAMHS;",
            "Portage;Short breaks;",
            "Short breaks;CAMHS;",
            "CAMHS;Portage;",
        ]);
        assert_eq!(
            detect_plain("Which services have you used?", &values, 4).role,
            ColumnRole::MultiSelect
        );
    }

    #[test]
    fn google_forms_comma_joined_choices_are_multi_select() {
        let values = texts(&[
            "CAMHS, Portage",
            "CAMHS",
            "Portage, Short breaks",
            "Short breaks, CAMHS",
            "CAMHS, Portage",
        ]);
        let guess = detect_plain("Which services have you used?", &values, 4);
        assert_eq!(guess.role, ColumnRole::MultiSelect);
        assert_eq!(guess.reason, "answers join 3 choices with \",\"");
        let comments = texts(&[
            "Staff are kind, but stretched",
            "We waited, and waited, and nobody called back",
            "Good, thanks",
        ]);
        assert_ne!(
            detect_plain("Any comments?", &comments, 4).role,
            ColumnRole::MultiSelect
        );
    }

    #[test]
    fn first_column_of_sequence_numbers_is_an_identifier() {
        let values: Vec<Value> = (1..=5).map(|n| Value::Number(f64::from(n))).collect();
        assert_eq!(detect_plain("Id", &values, 0).role, ColumnRole::Identifier);
        assert_eq!(detect_plain("Row", &values, 0).role, ColumnRole::Identifier);
    }

    #[test]
    fn empty_column_is_ignored() {
        assert_eq!(
            detect_plain("Notes", &[Value::Empty, Value::Empty], 1).role,
            ColumnRole::Ignore
        );
    }

    #[test]
    fn school_name_is_not_personal() {
        let values = texts(&["Oak Primary", "Elm Academy", "Ash Infants"]);
        assert_ne!(
            detect_plain("Name of your school", &values, 2).role,
            ColumnRole::Personal
        );
        assert_eq!(detect_plain("Name", &values, 2).role, ColumnRole::Personal);
    }

    #[test]
    fn a_name_column_holding_names_is_personal_even_under_a_group_heading() {
        let names = texts(&["Jane Smith", "Amir Khan", "Li Wei", "Tom Jones"]);
        let guess = detect_plain("Name", &names, 4);
        assert_eq!(guess.role, ColumnRole::Personal);
        assert_eq!(
            detect_plain("Contact details - Name", &names, 7).role,
            ColumnRole::Personal
        );
        assert_eq!(
            detect_plain("Name", &[Value::Empty, Value::Empty], 4).role,
            ColumnRole::Personal,
            "an empty Name column is personal by its heading"
        );
    }

    #[test]
    fn role_hints_do_not_match_inside_words() {
        let answers = texts(&["Yes", "No", "Maybe", "Yes", "No", "Yes"]);
        for heading in [
            "Any message for the panel?",
            "Are there enough resources in school?",
            "Is the childcare you receive enough?",
        ] {
            assert_eq!(
                detect_plain(heading, &answers, 3).role,
                ColumnRole::Closed,
                "{heading}"
            );
        }
        assert_eq!(
            detect_plain("What is your age?", &answers, 3).role,
            ColumnRole::Attribute
        );
    }

    #[test]
    fn long_options_repeated_down_the_column_are_a_choice() {
        let options = [
            "I support the proposal as it stands and would like it to go ahead",
            "I do not support the proposal and would like the council to think again",
        ];
        let values: Vec<Value> = (0..179)
            .map(|row| Value::Text(options[row % 7 / 5].into()))
            .collect();
        let guess = detect_plain("Which statement is closest to your view?", &values, 5);
        assert_eq!(guess.role, ColumnRole::Closed, "{}", guess.reason);
        // A letter pasted by a campaign among individual comments stays free text.
        let mut comments: Vec<Value> = (0..12).map(|_| Value::Text(options[0].into())).collect();
        comments.extend(texts(&[
            "We waited fourteen months for the EHCP and nobody told us why",
            "Staff need training on autism before anything else changes",
            "The school taxi is late every single morning this term",
        ]));
        assert_eq!(
            detect_plain("Any other comments?", &comments, 6).role,
            ColumnRole::FreeText
        );
    }

    #[test]
    fn a_respondent_type_from_a_handful_of_respondents_is_an_attribute() {
        let values = texts(&["Parent or carer", "Parent or carer", "SENCO or teacher"]);
        assert_eq!(
            detect_plain("Respondent type", &values, 1).role,
            ColumnRole::Attribute
        );
    }
}
