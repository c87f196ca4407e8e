//! The workbench at 10,000 responses (or as many as an argument says), release build: opening a
//! saved project beside importing its source, a hand decision stored and the charts' counts
//! updated, the codebook editor's live keyword counts after a keystroke, one theme's keywords
//! applied, and frames of the real window drawn headless (the Themes chart, switching views,
//! selecting themes and typing keywords in the Codebook view, reviewing suggestions, scrolling
//! and stepping through the Comments list, typing in the search box); beside them, the
//! Python peer's whole pipeline, which is what an analyst without ConsultLens runs again after
//! each correction.
//!
//! `cargo bench --bench workbench` makes the survey with `../shared/peer/gen_survey.py` (the
//! peer's seeded generator; Python 3 with pandas, numpy, openpyxl, python-calamine and xlsxwriter,
//! e.g. `PATH=/path/to/venv/bin:$PATH`), so both read the same file. Without it the benchmark says
//! so and stops.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use consultlens::codebook::{Codebook, DEFAULT_CODEBOOK};
use consultlens::gui::{self, App, Settings, View};
use consultlens::progress::Progress;
use consultlens::project::Project;
use consultlens::tagging::{Coding, CommentIndex};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// The survey's size unless an argument gives another: `cargo bench --bench workbench -- 100000`.
const RESPONSES: usize = 10_000;
/// Alternating runs of opening the project and importing the source; the median is reported.
const OPEN_RUNS: usize = 15;
/// Hand decisions timed.
const DECISIONS: usize = 60;
/// Frames timed in each scenario of the window.
const FRAMES: usize = 30;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let peer = root.join("../shared/peer");
    let data = root.join("target/bench-data/workbench");
    std::fs::create_dir_all(&data)?;
    let responses = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse::<usize>().ok())
        .unwrap_or(RESPONSES);
    let survey = data.join(format!("survey_{responses}.xlsx"));
    if !survey.exists() && !generated(&peer, &data, responses) {
        println!(
            "skipped: the survey is made by {}, which needs Python 3 with the peer's packages",
            peer.join("gen_survey.py").display()
        );
        return Ok(());
    }
    let project_path = data.join("survey.consultlens");
    if project_path.exists() {
        std::fs::remove_file(&project_path)?;
    }
    let codebook = Codebook::built_in(DEFAULT_CODEBOOK)?;
    Project::create(
        &project_path,
        std::slice::from_ref(&survey),
        None,
        &codebook,
        &Progress::new(),
    )?;

    let (import_times, open_times) = opening(&survey, &project_path)?;
    println!("{responses} responses, {}", survey.display());
    println!(
        "import the source, tag, count     median {:>8.1} ms",
        millis(median(import_times))
    );
    println!(
        "open the saved project, same      median {:>8.1} ms",
        millis(median(open_times))
    );

    let mut app = app_on(&project_path)?;
    let decisions = hand_decisions(&mut app)?;
    println!(
        "hand decision stored, counts new  median {:>8.1} ms   max {:>6.1} ms   ({DECISIONS} decisions)",
        millis(median(decisions.clone())),
        millis(decisions.iter().copied().max().unwrap_or_default())
    );

    let keystrokes = keyword_keystrokes(&mut app)?;
    for (what, held, shown) in [
        ("keystroke in keywords", &keystrokes.held, &keystrokes.shown),
        (
            "theme selected",
            &keystrokes.selecting_held,
            &keystrokes.selecting_shown,
        ),
    ] {
        println!(
            "live keyword counts, {what:<21} window held median {:>5.1} ms   max {:>6.1} ms;   counts shown median {:>5.1} ms   max {:>6.1} ms   ({} times)",
            millis(median(held.clone())),
            millis(held.iter().copied().max().unwrap_or_default()),
            millis(median(shown.clone())),
            millis(shown.iter().copied().max().unwrap_or_default()),
            held.len()
        );
    }

    let applications = keyword_applications(&mut app)?;
    println!(
        "one theme's keywords applied      median {:>8.1} ms   max {:>6.1} ms   ({} edits: stored, tagged again, counted)",
        millis(median(applications.clone())),
        millis(applications.iter().copied().max().unwrap_or_default()),
        applications.len()
    );

    let background_from = app.background_from;
    let (scenarios, first_letters) = frames(app);
    for (scenario, times) in scenarios {
        println!(
            "frame: {scenario:<26} median {:>6.1} ms   95th {:>6.1} ms   max {:>6.1} ms   ({} frames)",
            millis(median(times.clone())),
            millis(percentile(&times, 95)),
            millis(times.iter().copied().max().unwrap_or_default()),
            times.len()
        );
    }
    println!(
        "search results after a first letter median {:>5.1} ms   max {:>6.1} ms   ({} letters; from {background_from} comments searched on another thread while frames go on)",
        millis(median(first_letters.clone())),
        millis(first_letters.iter().copied().max().unwrap_or_default()),
        first_letters.len()
    );

    match peer_pipeline(&peer, &survey, &data) {
        Some(seconds) => println!(
            "peer pipeline (calamine, xlsxwriter), run again after a correction: {:>8.1} ms",
            seconds * 1000.0
        ),
        None => println!("peer pipeline: skipped (Python 3 with its packages is not here)"),
    }
    Ok(())
}

/// Makes the survey with the peer's generator; whether it could.
fn generated(peer: &Path, data: &Path, responses: usize) -> bool {
    Command::new("python3")
        .arg(peer.join("gen_survey.py"))
        .arg(data)
        .arg(responses.to_string())
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Times the window opening the source (read, tag, count) and opening the project (read its
/// copy, replay its history, tag, apply the hand coding, count), alternating.
fn opening(
    survey: &Path,
    project: &Path,
) -> Result<(Vec<Duration>, Vec<Duration>), Box<dyn std::error::Error>> {
    let mut imports = Vec::new();
    let mut opens = Vec::new();
    for _ in 0..OPEN_RUNS {
        for (path, times) in [(survey, &mut imports), (project, &mut opens)] {
            let started = Instant::now();
            let mut app = App::new(Settings::default());
            app.open(path.to_owned(), None);
            app.finish_jobs_where(waited_for);
            times.push(started.elapsed());
            if app.session.is_none() {
                return Err(format!("{} did not open", path.display()).into());
            }
            app.finish_jobs();
        }
    }
    Ok((imports, opens))
}

/// Whether a person waits for a job with this label: not for reading sentiment or learning from
/// their coding, which go on behind while they work.
fn waited_for(label: &str) -> bool {
    !matches!(label, "Reading sentiment" | "Learning from your coding")
}

/// The window's state on a survey or a project, as the app holds it, with nothing drawn.
fn app_on(path: &Path) -> Result<App, Box<dyn std::error::Error>> {
    let mut app = App::new(Settings::default());
    app.open(path.to_owned(), None);
    app.finish_jobs();
    if app.session.is_none() {
        return Err(format!("{} did not open: {:?}", path.display(), app.last_status()).into());
    }
    Ok(app)
}

/// Times the window's handling of hand decisions: written to the project in its own
/// transaction, the tagging changed and the summary behind the charts counted again.
fn hand_decisions(app: &mut App) -> Result<Vec<Duration>, Box<dyn std::error::Error>> {
    let session = app.session.as_ref().ok_or("no session")?;
    let comments: Vec<_> = session
        .tagging
        .comments
        .iter()
        .copied()
        .take(DECISIONS)
        .collect();
    let theme = session
        .codebook
        .find("transport")
        .ok_or("no Transport theme")?;
    let mut times = Vec::new();
    for comment in comments {
        app.push(gui::Command::SelectComment(comment));
        app.apply();
        let coding = if app
            .session
            .as_ref()
            .is_some_and(|session| session.tagging.has_theme(comment, theme))
        {
            Coding::Remove
        } else {
            Coding::Add
        };
        let started = Instant::now();
        app.push(gui::Command::Code(comment, theme, coding));
        app.apply();
        times.push(started.elapsed());
    }
    Ok(times)
}

/// The label of the work that counts the codebook editor's keywords in the background.
const COUNTING: &str = "Counting the keywords' matches";

/// How long the window is held by the Codebook view's answer to a keystroke in a theme's
/// keywords, and how long until its counts are shown (every keyword counted, the comments
/// gained and lost worked out: at once for a small survey, on another thread for a large one),
/// for each theme with keywords in turn, typing one more letter of a new keyword each time.
struct Keystrokes {
    held: Vec<Duration>,
    shown: Vec<Duration>,
    /// The same two for selecting each theme, its own keywords counted.
    selecting_held: Vec<Duration>,
    selecting_shown: Vec<Duration>,
}

fn keyword_keystrokes(app: &mut App) -> Result<Keystrokes, Box<dyn std::error::Error>> {
    let session = app.session.as_ref().ok_or("no session")?;
    let index = CommentIndex::new(&session.survey, &session.tagging.comments);
    let generation = session.generation;
    let themes = themes_with_keywords(session);
    app.push(gui::Command::ShowView(View::Codebook));
    app.push(gui::Command::IndexBuilt(generation, Arc::new(index)));
    app.apply();
    app.finish_jobs_where(|label| label == COUNTING);
    let mut times = Keystrokes {
        held: Vec::new(),
        shown: Vec::new(),
        selecting_held: Vec::new(),
        selecting_shown: Vec::new(),
    };
    let timed = |app: &mut App, command, held: &mut Vec<_>, shown: &mut Vec<_>| {
        let started = Instant::now();
        app.push(command);
        app.apply();
        held.push(started.elapsed());
        app.finish_jobs_where(|label| label == COUNTING);
        shown.push(started.elapsed());
    };
    for (key, keywords, exclusions) in themes {
        timed(
            app,
            gui::Command::SelectTheme(key),
            &mut times.selecting_held,
            &mut times.selecting_shown,
        );
        let mut typed = format!("{keywords}\n");
        for letter in "waiting".chars() {
            typed.push(letter);
            let edit = gui::Command::EditRules {
                keywords: typed.clone(),
                exclusions: exclusions.clone(),
            };
            timed(app, edit, &mut times.held, &mut times.shown);
        }
        let counted = app.view.codebook.preview.as_ref().is_some_and(|preview| {
            preview
                .keywords
                .last()
                .is_some_and(|(keyword, _)| keyword == "waiting")
        });
        if !counted {
            return Err("the editor did not show the counts of the keywords typed".into());
        }
    }
    Ok(times)
}

/// Times applying a new keyword to each theme with keywords in turn, and then its own keywords
/// again, from Apply until the change is stored, the comments are tagged again and the charts'
/// counts are new (in the background when the window does it there).
fn keyword_applications(app: &mut App) -> Result<Vec<Duration>, Box<dyn std::error::Error>> {
    let session = app.session.as_ref().ok_or("no session")?;
    let themes = themes_with_keywords(session);
    let mut times = Vec::new();
    for (key, keywords, exclusions) in themes {
        app.push(gui::Command::SelectTheme(key));
        // The new keyword applied, then the theme's own keywords again: two edits of one theme.
        for edited in [format!("{keywords}\nwaiting"), keywords] {
            app.push(gui::Command::EditRules {
                keywords: edited,
                exclusions: exclusions.clone(),
            });
            app.apply();
            // A person reads the counts before applying (a count still reading the tags
            // would make the change copy them).
            app.finish_jobs_where(|label| label == COUNTING);
            let started = Instant::now();
            app.push(gui::Command::ApplyRules);
            app.apply();
            app.finish_jobs_where(waited_for);
            times.push(started.elapsed());
            // Learning again from the new codebook goes on behind; it is not timed.
            app.finish_jobs();
        }
    }
    Ok(times)
}

/// Each scenario's name and the times of its frames.
type Scenarios = Vec<(&'static str, Vec<Duration>)>;

/// Frames of the real window, drawn headless at 1280x800 by egui_kittest: each timed from input
/// to tessellated shapes (the GPU's part is not in it, and kittest also builds the accessibility
/// tree every frame, which a window does only for a screen reader); and the times from a first
/// letter typed in the search box to the frame that shows its comments.
fn frames(app: App) -> (Scenarios, Vec<Duration>) {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
    let timed = |harness: &mut Harness<'static, App>| {
        let started = Instant::now();
        harness.step();
        let output = harness.output();
        let pixels_per_point = output.pixels_per_point;
        let _ = harness
            .ctx
            .tessellate(output.shapes.clone(), pixels_per_point);
        started.elapsed()
    };
    let show = |harness: &mut Harness<'static, App>, view| {
        harness.state_mut().push(gui::Command::ShowView(view));
        harness.state_mut().apply();
    };
    let mut scenarios = Vec::new();

    show(&mut harness, View::Themes);
    harness.run_steps(3);
    scenarios.push((
        "Themes chart, still",
        (0..FRAMES).map(|_| timed(&mut harness)).collect(),
    ));

    let mut switching = Vec::new();
    for view in View::ALL.iter().cycle().take(FRAMES) {
        show(&mut harness, *view);
        switching.push(timed(&mut harness));
    }
    scenarios.push(("switching views", switching));

    // The codebook editor: themes selected, then a keyword typed into one; from `App::background_from` comments
    // the counts come from another thread, and the frames after each change are timed too.
    show(&mut harness, View::Codebook);
    harness.run_steps(3);
    let themes = {
        let session = harness.state().session.as_ref().expect("a session");
        themes_with_keywords(session)
    };
    let mut selecting = Vec::new();
    for (key, _, _) in themes.iter().take(FRAMES / 2) {
        harness
            .state_mut()
            .push(gui::Command::SelectTheme(key.clone()));
        selecting.push(timed(&mut harness));
        std::thread::sleep(Duration::from_millis(30));
        selecting.push(timed(&mut harness));
    }
    scenarios.push(("Codebook, selecting themes", selecting));
    harness.get_by_label("Keywords, one per line").focus();
    harness.run_steps(2);
    let mut keying = Vec::new();
    for letter in "waiting list".chars().take(FRAMES / 2) {
        harness.event(egui::Event::Text(letter.to_string()));
        keying.push(timed(&mut harness));
        std::thread::sleep(Duration::from_millis(30));
        keying.push(timed(&mut harness));
    }
    scenarios.push(("Codebook, typing keywords", keying));
    harness.state_mut().push(gui::Command::RevertRules);
    harness.state_mut().apply();

    // A theme coded in Comments, then the Themes view: every chart counted and drawn again.
    let taken_off: Vec<_> = {
        let session = harness.state().session.as_ref().expect("a session");
        session
            .tagging
            .iter()
            .filter_map(|(comment, tags)| tags.first().map(|tag| (comment, tag.theme())))
            .skip(DECISIONS)
            .take(5)
            .collect()
    };
    let (mut after_decision, mut redrawn) = (Vec::new(), Vec::new());
    for (comment, theme) in taken_off {
        show(&mut harness, View::Comments);
        harness.step();
        let before = harness
            .state()
            .session
            .as_ref()
            .map(|session| session.summary.clone());
        harness
            .state_mut()
            .push(gui::Command::Code(comment, theme, Coding::Remove));
        harness.state_mut().apply();
        let after = harness
            .state()
            .session
            .as_ref()
            .map(|session| session.summary.clone());
        assert!(before != after, "the decision changed no count");
        show(&mut harness, View::Themes);
        after_decision.push(timed(&mut harness));
        // At scale the charts are made on another thread; the frame they arrive in draws them.
        std::thread::sleep(Duration::from_millis(500));
        redrawn.push(timed(&mut harness));
    }
    scenarios.push(("Themes after a decision", after_decision));
    scenarios.push(("Themes, new charts drawn", redrawn));

    // Suggestions reviewed with the keyboard: accepted (a decision each) and skipped.
    show(&mut harness, View::Suggestions);
    harness.run_steps(3);
    let coded = |harness: &Harness<'static, App>| {
        let session = harness.state().session.as_ref().expect("a session");
        session
            .project
            .as_ref()
            .map_or(0, |project| project.decisions().coding.len())
    };
    let coded_before = coded(&harness);
    let mut reviewing = Vec::new();
    for key in [egui::Key::A, egui::Key::S].iter().cycle().take(FRAMES) {
        harness.key_press(*key);
        reviewing.push(timed(&mut harness));
    }
    assert!(coded(&harness) > coded_before, "no suggestion was accepted");
    scenarios.push(("Suggestions, A and S keys", reviewing));

    show(&mut harness, View::Comments);
    harness.run_steps(3);
    let list = harness.get_by_label("Search comments").rect().center() + egui::vec2(0.0, 200.0);
    harness.hover_at(list);
    let mut scrolling = Vec::new();
    for _ in 0..FRAMES {
        harness.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Line,
            delta: egui::vec2(0.0, -3.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers: egui::Modifiers::NONE,
        });
        scrolling.push(timed(&mut harness));
    }
    scenarios.push(("Comments list, scrolling", scrolling));

    let mut stepping = Vec::new();
    for _ in 0..FRAMES {
        harness.key_press(egui::Key::ArrowDown);
        stepping.push(timed(&mut harness));
    }
    scenarios.push(("Comments, next comment (↓)", stepping));

    harness.get_by_label("Search comments").focus();
    harness.run_steps(2);
    let mut typing = Vec::new();
    for letter in "waiting list for speech therapy".chars().take(FRAMES) {
        harness.event(egui::Event::Text(letter.to_string()));
        typing.push(timed(&mut harness));
    }
    scenarios.push(("typing in the search box", typing));

    // From the first letter typed in an empty search box to the frame that shows its comments.
    let mut first_letters = Vec::new();
    for letter in ["s", "p", "t", "w", "e", "c", "a", "l"] {
        harness
            .state_mut()
            .push(gui::Command::Search(String::new()));
        harness.state_mut().apply();
        harness.run_steps(2);
        let started = Instant::now();
        harness.event(egui::Event::Text(letter.to_owned()));
        harness.step();
        while harness.state().view.search.running() {
            std::thread::sleep(Duration::from_micros(200));
            harness.step();
        }
        first_letters.push(started.elapsed());
    }
    (scenarios, first_letters)
}

/// The `percent`th percentile.
fn percentile(times: &[Duration], percent: usize) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let at = (sorted.len() * percent / 100).min(sorted.len().saturating_sub(1));
    sorted.get(at).copied().unwrap_or_default()
}

/// The key, keywords and exclusions (a line each) of every theme with keywords.
fn themes_with_keywords(session: &gui::Session) -> Vec<(String, String, String)> {
    session
        .codebook
        .themes
        .iter()
        .filter(|theme| !theme.keywords.is_empty())
        .map(|theme| {
            (
                theme.key.clone(),
                theme.keywords.join("\n"),
                theme.exclude.join("\n"),
            )
        })
        .collect()
}

/// The peer's whole pipeline on the same file, in seconds, when it can run.
fn peer_pipeline(peer: &Path, survey: &Path, data: &Path) -> Option<f64> {
    let output: PathBuf = data.join("peer-summary.xlsx");
    let started = Instant::now();
    let ran = Command::new("python3")
        .arg(peer.join("pipeline.py"))
        .arg(survey)
        .arg(&output)
        .args(["--reader", "calamine", "--writer", "xlsxwriter"])
        .output()
        .ok()?;
    ran.status
        .success()
        .then(|| started.elapsed().as_secs_f64())
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
