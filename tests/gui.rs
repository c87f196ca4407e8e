//! The real app driven through its accessibility tree, with no window and no GPU.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use consultlens::gui::{App, Settings, View, sample_path};

/// The whole app in a window-sized harness.
fn harness_for(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        // A finished job's wake-up may land a frame or two after its result was applied.
        .with_max_steps(12)
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app)
}

/// Applies `command` as the end of a frame would, waits for the work it starts, and draws.
fn apply_and_wait(harness: &mut Harness<'static, App>, command: consultlens::gui::Command) {
    let app = harness.state_mut();
    app.push(command);
    app.apply();
    app.finish_jobs();
    harness.run();
}

/// Lets a click that starts background work take effect, waits for the work, and draws. (A
/// frame with work under way asks for the next, so waiting for stillness would not end.)
fn step_and_wait(harness: &mut Harness<'static, App>) {
    harness.step();
    harness.state_mut().finish_jobs();
    harness.run();
}

fn harness_on_sample() -> Harness<'static, App> {
    let mut app = App::new(Settings::default());
    app.open(sample_path(), None);
    app.finish_jobs();
    assert!(
        app.session.is_some(),
        "sample did not load: {:?}",
        app.last_status()
    );
    harness_for(app)
}

#[test]
fn sample_opens_on_the_themes_chart_with_its_top_theme() {
    let mut harness = harness_on_sample();
    harness.run();
    let app = harness.state();
    assert_eq!(app.view.view, View::Themes);
    let session = app.session.as_ref().expect("session");
    assert_eq!(session.survey.response_count(), 600);
    let top = session.summary.themes.first().expect("themes");
    assert!(top.respondents > 50, "{top:?}");
    harness.get_by_label_contains("themes raised most (n=594 respondents who commented)");
}

/// A choice in an open list, not a theme chip of the same name.
fn option_button<'tree>(
    harness: &'tree Harness<'static, App>,
    label: &'tree str,
) -> egui_kittest::Node<'tree> {
    harness
        .get_all_by_label(label)
        .find(|node| node.accesskit_node().role() == Role::Button)
        .unwrap_or_else(|| panic!("no choice called {label}"))
}

/// Opens the list labelled `list` and chooses `option` in it.
fn choose(harness: &mut Harness<'static, App>, list: &str, option: &str) {
    harness.get_by_label(list).click();
    harness.run();
    option_button(harness, option).click();
    harness.run();
}

#[test]
fn filtering_comments_by_theme_narrows_the_list() {
    let mut harness = harness_on_sample();
    harness.run();
    harness.get_by_label("Comments").click();
    harness.run();
    let everything = harness.state().view.visible_comments.len();
    assert_eq!(everything, 1_307);
    harness.get_by_label("Showing 1,307 of 1,307 comments");

    harness.get_by_label("Theme filter").click();
    harness.run();
    option_button(&harness, "Transport").scroll_to_me();
    harness.run();
    option_button(&harness, "Transport").click();
    harness.run();

    let app = harness.state();
    let session = app.session.as_ref().expect("session");
    let transport = session.codebook.find("transport").expect("transport theme");
    let shown = app.view.visible_comments.len();
    assert!(shown > 0 && shown < everything, "{shown} of {everything}");
    assert!(
        app.view
            .visible_comments
            .iter()
            .all(|&comment| session.tagging.has_theme(comment, transport))
    );
    assert!(shown < 1_000, "{shown}");
    harness.get_by_label(&format!("Showing {shown} of 1,307 comments"));
}

#[test]
fn searching_comments_filters_by_text() {
    let mut harness = harness_on_sample();
    harness.get_by_label("Comments").click();
    harness.run();
    harness.get_by_label("Search comments").click();
    harness.run();
    harness.get_by_label("Search comments").type_text("taxi");
    harness.run();
    let app = harness.state();
    let session = app.session.as_ref().expect("session");
    assert_eq!(app.view.filter.text, "taxi");
    assert!(!app.view.visible_comments.is_empty());
    for &comment in &app.view.visible_comments {
        let text = session
            .survey
            .comment_text(comment)
            .expect("text")
            .to_lowercase();
        assert!(text.contains("taxi"), "{text}");
    }
}

#[test]
fn a_search_in_the_background_shows_its_comments_unless_a_newer_one_has() {
    let mut harness = harness_on_sample();
    // The sample is small: every search here goes to the background, as from 20,000 comments.
    harness.state_mut().background_from = 0;
    harness.get_by_label("Comments").click();
    harness.run();
    harness.get_by_label("Search comments").click();
    harness.run();
    harness.get_by_label("Search comments").type_text("taxi");
    harness.step();
    assert!(harness.state().view.search.running());
    // Another search in the background, then one done at once (as for a small survey): the
    // searches still under way finish after it, and are not shown.
    harness
        .state_mut()
        .push(consultlens::gui::Command::Search("school".to_owned()));
    harness.state_mut().apply();
    harness.state_mut().background_from = usize::MAX;
    harness
        .state_mut()
        .push(consultlens::gui::Command::Search("speech".to_owned()));
    harness.state_mut().apply();
    assert!(harness.state().jobs.is_busy());
    harness.state_mut().finish_jobs();
    harness.run();
    let app = harness.state();
    let session = app.session.as_ref().expect("session");
    assert!(!app.view.search.running());
    let expected = app
        .view
        .filter
        .apply(&session.survey, &session.codebook, &session.tagging);
    assert_eq!(app.view.filter.text, "speech");
    assert!(!expected.is_empty());
    assert_eq!(app.view.visible_comments, expected);
    harness.get_by_label(&format!("Showing {} of 1,307 comments", expected.len()));

    // Typed while a search is under way: searched once it is done, and shown.
    harness.state_mut().background_from = 0;
    for text in ["taxi", "school"] {
        harness
            .state_mut()
            .push(consultlens::gui::Command::Search(text.to_owned()));
        harness.state_mut().apply();
    }
    assert_eq!(
        harness.state().jobs.running().len(),
        1,
        "one search at a time"
    );
    harness.state_mut().finish_jobs();
    let app = harness.state();
    let session = app.session.as_ref().expect("session");
    let school = app
        .view
        .filter
        .apply(&session.survey, &session.codebook, &session.tagging);
    assert_eq!(app.view.filter.text, "school");
    assert!(!app.view.search.running());
    assert!(!school.is_empty() && school != expected);
    assert_eq!(app.view.visible_comments, school);
}

#[test]
fn ctrl_f_from_another_view_puts_typing_in_the_search_box() {
    let mut harness = harness_on_sample();
    harness.get_by_label("Themes").click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run();
    assert_eq!(harness.state().view.view, consultlens::gui::View::Comments);
    harness.event(egui::Event::Text("taxi".to_owned()));
    harness.run();
    assert_eq!(harness.state().view.filter.text, "taxi");
}

#[test]
fn export_writes_the_summary_workbook() {
    let directory = tempfile::tempdir().expect("temp dir");
    let out = directory.path().join("sample summary.xlsx");
    let mut harness = harness_on_sample();
    harness.get_by_label("Export").click();
    harness.run();
    harness.get_by_label("Save as").click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    harness
        .get_by_label("Save as")
        .type_text(&out.display().to_string());
    harness.run();
    assert_eq!(harness.state().view.export_path, out.display().to_string());
    harness.get_by_label("Export summary workbook").click();
    step_and_wait(&mut harness);
    assert!(out.is_file(), "no workbook at {}", out.display());
    let status = harness.state().last_status().expect("status").clone();
    assert!(
        !status.is_error && status.text.contains("Saved the summary"),
        "{status:?}"
    );
    // The sample's comments hold email addresses: masked unless the setting is turned off.
    let emails_written = || {
        let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&out).expect("opens");
        let coded =
            calamine::Reader::worksheet_range(&mut workbook, "Coded responses").expect("sheet");
        let cells: Vec<String> = coded.rows().flatten().map(ToString::to_string).collect();
        let masked = cells
            .iter()
            .filter(|cell| cell.contains("[email removed]"))
            .count();
        let plain = cells
            .iter()
            .filter(|cell| {
                // An address, not a mention such as "@council".
                cell.split_whitespace().any(|word| {
                    word.split_once('@')
                        .is_some_and(|(name, domain)| !name.is_empty() && domain.contains('.'))
                })
            })
            .count();
        (masked, plain)
    };
    assert_eq!(emails_written(), (5, 0));
    harness
        .get_by_label_contains("Mask personal data in comments")
        .click();
    harness.run();
    assert!(!harness.state().settings.mask_personal_data);
    harness.get_by_label("Export summary workbook").click();
    step_and_wait(&mut harness);
    assert_eq!(emails_written(), (0, 5));
    // The report and the chart images go beside the workbook.
    harness
        .get_by_label_contains("Mask personal data in comments")
        .click();
    harness.run();
    harness.get_by_label("Write the report").click();
    step_and_wait(&mut harness);
    let report = directory.path().join("sample summary.html");
    let html = std::fs::read_to_string(&report).expect("the report");
    assert!(html.contains("[email removed]") && html.contains("<figure"));
    harness.get_by_label("Save chart images").click();
    step_and_wait(&mut harness);
    let charts = directory.path().join("sample summary charts");
    assert!(charts.join("theme-frequency.png").is_file());
    assert!(charts.join("theme-frequency.svg").is_file());
    let status = harness.state().last_status().expect("status").clone();
    assert!(status.text.starts_with("Saved "), "{status:?}");
}

#[test]
fn adding_the_csv_export_combines_both_files() {
    let mut harness = harness_on_sample();
    let csv = sample_path().with_extension("csv");
    apply_and_wait(&mut harness, consultlens::gui::Command::AddFile(csv));
    let session = harness.state().session.as_ref().expect("session");
    assert_eq!(session.survey.sources.len(), 2);
    assert_eq!(session.survey.response_count(), 1200);
    assert_eq!(session.survey.columns[0].name, "Source");
    harness.get_by_label_contains("2 files · 1,200 responses");
}

#[test]
fn a_damaged_file_is_explained_in_the_status_bar_and_the_open_survey_stays() {
    let directory = tempfile::tempdir().expect("temp dir");
    let broken = directory.path().join("broken.xlsx");
    std::fs::write(&broken, b"PK\x03\x04 cut short").expect("writes");
    let mut harness = harness_on_sample();
    apply_and_wait(&mut harness, consultlens::gui::Command::Open(broken));
    let status = harness.state().last_status().expect("status").clone();
    assert!(status.is_error, "{status:?}");
    assert!(
        status.text.contains("damaged") && status.text.contains("broken.xlsx"),
        "{status:?}"
    );
    harness.get_by_label_contains("damaged or incomplete");
    let session = harness
        .state()
        .session
        .as_ref()
        .expect("the sample is still open");
    assert_eq!(session.survey.response_count(), 600);
}

#[test]
fn another_worksheet_can_be_chosen_in_the_data_view() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = directory.path().join("two sheets.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for (name, rows) in [("Online", 3u32), ("Paper returns", 2u32)] {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).expect("name");
        sheet.write_string(0, 0, "Role").expect("cell");
        sheet.write_string(0, 1, "Any comments?").expect("cell");
        for row in 1..=rows {
            sheet.write_string(row, 0, "Parent or carer").expect("cell");
            sheet
                .write_string(row, 1, format!("We waited {row} years for the EHCP"))
                .expect("cell");
        }
    }
    workbook.save(&path).expect("saves");

    let mut app = App::new(Settings::default());
    app.open(path, None);
    app.finish_jobs();
    let mut harness = harness_for(app);
    harness.get_by_label("Data").click();
    harness.run();
    let sheet_of = |app: &App| {
        app.session
            .as_ref()
            .and_then(|session| session.survey.sources[0].sheet.clone())
    };
    assert_eq!(sheet_of(harness.state()).as_deref(), Some("Online"));
    harness.get_by_label("Worksheet").click();
    harness.run();
    option_button(&harness, "Paper returns").click();
    step_and_wait(&mut harness);
    assert_eq!(sheet_of(harness.state()).as_deref(), Some("Paper returns"));
    assert_eq!(
        harness
            .state()
            .session
            .as_ref()
            .expect("session")
            .survey
            .response_count(),
        2
    );
}

#[test]
fn a_comment_with_an_emoji_draws_without_a_missing_glyph() {
    // egui_kittest panics on any character no installed font can draw; the sample has a 😞.
    let mut harness = harness_on_sample();
    harness.get_by_label("Comments").click();
    harness.run();
    harness.get_by_label("Search comments").click();
    harness.run();
    harness
        .get_by_label("Search comments")
        .type_text("waiting list for over a year");
    harness.run();
    let app = harness.state();
    let session = app.session.as_ref().expect("session");
    let shown: Vec<String> = app
        .view
        .visible_comments
        .iter()
        .filter_map(|comment| session.survey.comment_text(*comment))
        .map(str::to_owned)
        .collect();
    assert!(
        shown.iter().any(|text| text.contains('\u{1F61E}')),
        "{shown:?}"
    );
    harness.get_by_label_contains("\u{1F61E}");
}

/// Opens a small generated workbook whose respondent type some commenters left blank.
fn harness_on_generated_survey(directory: &std::path::Path) -> Harness<'static, App> {
    let path = directory.join("survey.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let rows = [
        ("Parent or carer", "We waited fourteen months for the EHCP"),
        ("", "Staff need far more training on autism"),
        ("Young person", "The school taxi is late every day"),
        ("", "Nobody listened to us at the annual review"),
        ("Parent or carer", "More speech and language therapy please"),
        ("Young person", "Teachers do not understand my anxiety"),
    ];
    sheet
        .write_string(0, 0, "Which of these best describes you?")
        .expect("cell");
    sheet.write_string(0, 1, "Any comments?").expect("cell");
    for (row, (who, comment)) in (1u32..).zip(rows) {
        if !who.is_empty() {
            sheet.write_string(row, 0, who).expect("cell");
        }
        sheet.write_string(row, 1, comment).expect("cell");
    }
    workbook.save(&path).expect("saves");
    let mut app = App::new(Settings::default());
    app.open(path, None);
    app.finish_jobs();
    harness_for(app)
}

#[test]
fn choosing_not_answered_in_the_respondent_filter_shows_those_comments() {
    let directory = tempfile::tempdir().expect("temp dir");
    let mut harness = harness_on_generated_survey(directory.path());
    harness.get_by_label("Comments").click();
    harness.run();
    choose(&mut harness, "Respondent filter", "Not answered");
    let app = harness.state();
    let session = app.session.as_ref().expect("session");
    let shown: Vec<&str> = app
        .view
        .visible_comments
        .iter()
        .filter_map(|comment| session.survey.comment_text(*comment))
        .collect();
    assert_eq!(
        shown,
        [
            "Staff need far more training on autism",
            "Nobody listened to us at the annual review"
        ]
    );
    harness.get_by_label("Showing 2 of 6 comments");
}

#[test]
fn themes_from_narrows_the_frequency_chart_too() {
    let mut harness = harness_on_sample();
    harness.run();
    choose(&mut harness, "Themes from", "Priorities");
    let app = harness.state();
    let session = app.session.as_ref().expect("session");
    let group = session.codebook.find("priorities").expect("group");
    assert_eq!(app.view.chart_group, Some(group));
    let shown = consultlens::analysis::charts::frequency_bars(
        &session.summary,
        &session.codebook,
        app.view.chart_group,
    );
    assert!(
        !shown.is_empty()
            && shown
                .iter()
                .all(|bar| session.codebook.parent_of(bar.theme) == Some(group)),
        "{shown:?}"
    );
    harness.get_by_label(&format!(
        "Only the themes under \"Priorities\": {} of them raised.",
        shown.len()
    ));
}

#[test]
fn role_choices_survive_adding_a_file() {
    let mut harness = harness_on_sample();
    let column = {
        let survey = &harness.state().session.as_ref().expect("session").survey;
        survey
            .columns
            .iter()
            .position(|column| column.name.starts_with("Which area"))
            .expect("area column")
    };
    apply_and_wait(
        &mut harness,
        consultlens::gui::Command::SetRole(
            consultlens::model::ColumnId::at(column),
            consultlens::model::ColumnRole::Ignore,
        ),
    );
    apply_and_wait(
        &mut harness,
        consultlens::gui::Command::AddFile(sample_path().with_extension("csv")),
    );
    let survey = &harness.state().session.as_ref().expect("session").survey;
    assert_eq!(survey.sources.len(), 2);
    let area = survey
        .columns
        .iter()
        .find(|column| column.name.starts_with("Which area"))
        .expect("area column");
    assert_eq!(area.role, consultlens::model::ColumnRole::Ignore);
    assert_eq!(area.role_reason, "chosen by you");
}

#[test]
fn without_a_file_chooser_a_typed_path_opens_the_file() {
    let mut harness = harness_for(App::new(Settings::default()));
    apply_and_wait(
        &mut harness,
        consultlens::gui::Command::FileChooserUnavailable(consultlens::gui::FilePurpose::Open),
    );
    harness.get_by_label_contains("This computer has no file chooser");
    let csv = sample_path().with_extension("csv");
    harness.get_by_label("File path").click();
    harness.run();
    harness
        .get_by_label("File path")
        .type_text(&csv.display().to_string());
    harness.run();
    harness.get_by_label("Open").click();
    step_and_wait(&mut harness);
    let app = harness.state();
    assert!(app.view.path_prompt.is_none());
    let session = app.session.as_ref().expect("the typed file opened");
    assert_eq!(session.survey.sources[0].path, csv);
}

#[test]
fn older_messages_stay_readable_in_the_log() {
    let directory = tempfile::tempdir().expect("temp dir");
    let broken = directory.path().join("broken.csv");
    std::fs::write(&broken, b"").expect("writes");
    let mut harness = harness_on_sample();
    apply_and_wait(&mut harness, consultlens::gui::Command::Open(broken));
    assert!(harness.state().last_status().expect("status").is_error);
    let count = harness.state().log.len();
    harness.get_by_label(&format!("Messages ({count})")).click();
    harness.run();
    harness.get_by_label_contains("Opened send_consultation.xlsx: 600 responses");
    // The newest message is in the status bar and at the top of the log.
    assert_eq!(
        harness
            .get_all_by_label_contains("the file is empty (0 bytes)")
            .count(),
        2
    );
}

/// The sample saved as a project in `directory` through the typed-path prompt, on Comments.
fn harness_on_sample_project(
    directory: &std::path::Path,
) -> (Harness<'static, App>, std::path::PathBuf) {
    let path = directory.join("sample.consultlens");
    let mut harness = harness_on_sample();
    apply_and_wait(
        &mut harness,
        consultlens::gui::Command::FileChooserUnavailable(
            consultlens::gui::FilePurpose::SaveProject,
        ),
    );
    harness.get_by_label("File path").click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_label("File path")
        .type_text(&path.display().to_string());
    harness.run();
    harness.key_press(egui::Key::Enter);
    step_and_wait(&mut harness);
    assert!(
        harness
            .state()
            .session
            .as_ref()
            .is_some_and(|session| session.project.is_some()),
        "{:?}",
        harness.state().last_status()
    );
    harness.get_by_label("Comments").click();
    harness.run();
    (harness, path)
}

/// The selected comment's themes by name, with whether a person put each on.
fn selected_themes(app: &App) -> Vec<(String, bool)> {
    let session = app.session.as_ref().expect("session");
    let comment = app.view.selected_comment.expect("a selected comment");
    session
        .tagging
        .tags_of(comment)
        .iter()
        .map(|tag| {
            (
                session
                    .codebook
                    .theme(tag.theme())
                    .expect("theme")
                    .name
                    .clone(),
                tag.origin() == consultlens::tagging::TagOrigin::Person,
            )
        })
        .collect()
}

#[test]
fn the_sample_is_coded_by_keyboard_saved_and_undone_after_reopening() {
    let directory = tempfile::tempdir().expect("temp dir");
    let (mut harness, path) = harness_on_sample_project(directory.path());
    // J selects the first comment, T opens the themes, typing narrows them, Enter codes.
    harness.key_press(egui::Key::J);
    harness.run();
    assert!(harness.state().view.selected_comment.is_some());
    harness.key_press(egui::Key::T);
    harness.run();
    harness.get_by_label("Find a theme").type_text("transport");
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert!(
        selected_themes(harness.state()).contains(&("Transport".to_owned(), true)),
        "{:?}",
        selected_themes(harness.state())
    );
    // Q stars it as a quote.
    harness.key_press(egui::Key::Q);
    harness.run();
    harness.get_by_label_contains("Unstar quote");
    drop(harness);

    // Another day: open the project, undo the last decision (the star), then the coding.
    let mut app = App::new(Settings::default());
    app.open(path.clone(), None);
    app.finish_jobs();
    let mut harness = harness_for(app);
    harness.get_by_label("Comments").click();
    harness.run();
    let project = || consultlens::project::Project::open(&path).expect("opens");
    assert_eq!(project().decisions().quotes.len(), 1);
    assert_eq!(project().decisions().hand_coding_counts(), (1, 0));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(project().decisions().quotes.len(), 0);
    assert_eq!(project().decisions().hand_coding_counts(), (1, 0));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(project().decisions().hand_coding_counts(), (0, 0));
    let session = harness.state().session.as_ref().expect("session");
    let (added, _) = session.tagging.hand_coding_counts();
    assert_eq!(added, 0, "the window shows the undo too");
    // And redo puts it back.
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    harness.run();
    assert_eq!(project().decisions().hand_coding_counts(), (1, 0));
}

#[test]
fn a_theme_is_taken_off_and_put_on_with_the_mouse() {
    let directory = tempfile::tempdir().expect("temp dir");
    let (mut harness, path) = harness_on_sample_project(directory.path());
    harness.get_by_label("Search comments").click();
    harness.run();
    harness.get_by_label("Search comments").type_text("taxi");
    harness.run();
    harness.key_press(egui::Key::Escape);
    harness.run();
    harness
        .state_mut()
        .push(consultlens::gui::Command::MoveSelection(0));
    harness.run();
    let before = selected_themes(harness.state());
    let (first, _) = before.first().expect("a theme").clone();
    harness
        .get_by_label(&format!("Take \"{first}\" off this comment"))
        .click();
    harness.run();
    let after = selected_themes(harness.state());
    assert!(!after.iter().any(|(name, _)| *name == first), "{after:?}");

    harness.get_by_label("Add a theme… (T)").click();
    harness.run();
    harness.get_by_label("Find a theme").type_text("listen");
    harness.run();
    option_button(&harness, "Listen").click();
    harness.run();
    assert!(
        selected_themes(harness.state()).contains(&("Listen".to_owned(), true)),
        "{:?}",
        selected_themes(harness.state())
    );
    let project = consultlens::project::Project::open(&path).expect("opens");
    assert_eq!(project.decisions().hand_coding_counts(), (1, 1));
}

#[test]
fn coding_every_comment_shown_asks_first_and_is_one_step() {
    let directory = tempfile::tempdir().expect("temp dir");
    let (mut harness, path) = harness_on_sample_project(directory.path());
    harness.get_by_label("Search comments").click();
    harness.run();
    harness.get_by_label("Search comments").type_text("taxi");
    harness.run();
    let shown = harness.state().view.visible_comments.len();
    assert!(shown > 1);
    harness
        .get_by_label(&format!("Code all {shown} shown…"))
        .click();
    harness.run();
    harness
        .get_by_label("Find a theme")
        .type_text("co-production");
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    harness.get_by_label_contains(&format!(
        "Add \"Co-production\" to all {shown} comments shown?"
    ));
    harness
        .get_by_label(&format!("Add to {shown} comments"))
        .click();
    harness.run();
    let app = harness.state();
    let session = app.session.as_ref().expect("session");
    let theme = session.codebook.find("co-production").expect("theme");
    assert!(
        app.view
            .visible_comments
            .iter()
            .all(|&comment| session.tagging.has_theme(comment, theme))
    );
    let project = consultlens::project::Project::open(&path).expect("opens");
    assert_eq!(project.history().len(), 2, "one step for all of them");

    // Now that all of them have it, the same choice takes it off all of them.
    harness
        .get_by_label(&format!("Code all {shown} shown…"))
        .click();
    harness.run();
    harness
        .get_by_label("Find a theme")
        .type_text("co-production");
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    harness
        .get_by_label(&format!("Take off {shown} comments"))
        .click();
    harness.run();
    let app = harness.state();
    let session = app.session.as_ref().expect("session");
    assert!(
        app.view
            .visible_comments
            .iter()
            .all(|&comment| !session.tagging.has_theme(comment, theme))
    );
}

#[test]
fn delete_lists_the_comments_own_themes_first_to_take_one_off() {
    let directory = tempfile::tempdir().expect("temp dir");
    let (mut harness, path) = harness_on_sample_project(directory.path());
    // The second comment: the first has the codebook's first theme.
    harness.key_press(egui::Key::J);
    harness.run();
    harness.key_press(egui::Key::J);
    harness.run();
    let before = selected_themes(harness.state());
    let (first, _) = before
        .first()
        .expect("the first comment has a theme")
        .clone();
    let session = harness.state().session.as_ref().expect("session");
    let first_in_codebook = session.codebook.leaf_themes()[0];
    let first_in_codebook = &session
        .codebook
        .theme(first_in_codebook)
        .expect("theme")
        .name;
    assert!(
        !before.iter().any(|(name, _)| name == first_in_codebook),
        "the codebook's first theme is not on the comment, so only Delete's order puts {first} first"
    );
    harness.key_press(egui::Key::Delete);
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    let after = selected_themes(harness.state());
    assert!(!after.iter().any(|(name, _)| *name == first), "{after:?}");
    assert_eq!(after.len() + 1, before.len());
    let project = consultlens::project::Project::open(&path).expect("opens");
    assert_eq!(project.decisions().hand_coding_counts(), (0, 1));
}

#[test]
fn the_respondent_group_is_chosen_kept_in_the_project_and_undone() {
    let directory = tempfile::tempdir().expect("temp dir");
    let (mut harness, path) = harness_on_sample_project(directory.path());
    let split_by = |app: &App| {
        app.session
            .as_ref()
            .and_then(|session| session.summary.by_attribute.as_ref())
            .map(|crosstab| crosstab.attribute_name.clone())
    };
    assert_eq!(
        split_by(harness.state()).as_deref(),
        Some("Which of these best describes you?")
    );
    harness.get_by_label("Data").click();
    harness.run();
    harness.get_by_label("Split the themes by").click();
    harness.run();
    option_button(&harness, "Which area do you live or work in?").click();
    step_and_wait(&mut harness);
    assert_eq!(
        split_by(harness.state()).as_deref(),
        Some("Which area do you live or work in?")
    );
    drop(harness);

    let mut app = App::new(Settings::default());
    app.open(path, None);
    app.finish_jobs();
    assert_eq!(
        split_by(&app).as_deref(),
        Some("Which area do you live or work in?"),
        "kept in the project"
    );
    let mut harness = harness_for(app);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    step_and_wait(&mut harness);
    assert_eq!(
        split_by(harness.state()).as_deref(),
        Some("Which of these best describes you?")
    );
}

/// The codebook of the open session.
fn session_of(app: &App) -> &consultlens::gui::Session {
    app.session.as_ref().expect("session")
}

fn codebook_of(app: &App) -> &consultlens::codebook::Codebook {
    &app.session.as_ref().expect("session").codebook
}

/// Comments carrying the theme with this key in the open session.
fn comments_with(app: &App, key: &str) -> usize {
    let session = app.session.as_ref().expect("session");
    let theme = session.codebook.find(key).expect("theme");
    session
        .tagging
        .iter()
        .filter(|(_, tags)| tags.iter().any(|tag| tag.theme() == theme))
        .count()
}

/// The first comment carrying the theme with this key, and the theme.
fn first_comment_with(
    app: &App,
    key: &str,
) -> (
    consultlens::model::CommentRef,
    consultlens::codebook::ThemeId,
) {
    let session = session_of(app);
    let theme = session.codebook.find(key).expect("theme");
    let comment = session
        .tagging
        .iter()
        .find(|(_, tags)| tags.iter().any(|tag| tag.theme() == theme))
        .map(|(comment, _)| comment)
        .unwrap_or_else(|| panic!("a comment about {key}"));
    (comment, theme)
}

/// Checks that the session's tagging and counts are what tagging every comment again with its
/// codebook, then applying `decisions`, gives.
fn assert_tagged_as_if_again(
    app: &App,
    decisions: &[(
        consultlens::model::CommentRef,
        consultlens::codebook::ThemeId,
        consultlens::tagging::Coding,
    )],
) {
    let session = app.session.as_ref().expect("session");
    let mut full = consultlens::tagging::tag_survey(
        &session.survey,
        &session.codebook,
        &consultlens::progress::Progress::new(),
    )
    .expect("tags");
    full.apply_hand_coding(decisions);
    assert_eq!(*session.tagging, full);
    assert_eq!(
        session.summary,
        consultlens::analysis::summarise(&session.survey, &session.codebook, &full)
    );
}

#[test]
fn a_theme_is_renamed_by_keyboard_in_the_codebook_view_and_undone() {
    let directory = tempfile::tempdir().expect("temp dir");
    let (mut harness, path) = harness_on_sample_project(directory.path());
    harness.get_by_label("Codebook").click();
    step_and_wait(&mut harness);
    harness.key_press(egui::Key::J);
    harness.run();
    let key = harness
        .state()
        .view
        .codebook
        .selected
        .clone()
        .expect("J selects the first theme");
    harness.get_by_label("Name").click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_label("Name")
        .type_text("Everybody's business");
    harness.run();
    // Leaving the field makes the name.
    harness.key_press(egui::Key::Tab);
    step_and_wait(&mut harness);
    let name_of = |app: &App| {
        let codebook = codebook_of(app);
        codebook
            .theme(codebook.find(&key).expect("same id"))
            .expect("theme")
            .name
            .clone()
    };
    assert_eq!(name_of(harness.state()), "Everybody's business");
    let project = consultlens::project::Project::open(&path).expect("opens");
    let kept = project.codebook().expect("codebook");
    assert_eq!(
        kept.theme(kept.find(&key).expect("id"))
            .expect("theme")
            .name,
        "Everybody's business"
    );
    harness.get_by_label("Undo").click();
    step_and_wait(&mut harness);
    assert_ne!(name_of(harness.state()), "Everybody's business");
}

#[test]
fn keywords_show_live_counts_and_what_is_gained_before_they_are_applied() {
    let directory = tempfile::tempdir().expect("temp dir");
    let (mut harness, _path) = harness_on_sample_project(directory.path());
    harness.get_by_label("Codebook").click();
    step_and_wait(&mut harness);
    harness
        .state_mut()
        .push(consultlens::gui::Command::SelectTheme(
            "transport".to_owned(),
        ));
    step_and_wait(&mut harness);
    // One of the rules' Transport tags taken off by hand: the change must keep that.
    let (taken_off, transport_id) = first_comment_with(harness.state(), "transport");
    apply_and_wait(
        &mut harness,
        consultlens::gui::Command::Code(
            taken_off,
            transport_id,
            consultlens::tagging::Coding::Remove,
        ),
    );
    let before = comments_with(harness.state(), "transport");
    let keywords = harness
        .state()
        .session
        .as_ref()
        .map(|session| {
            let codebook = &session.codebook;
            codebook
                .theme(codebook.find("transport").expect("theme"))
                .expect("theme")
                .keywords
                .join("\n")
        })
        .expect("session");
    // A new keyword that many comments use: "school".
    harness.get_by_label("Keywords, one per line").focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_label("Keywords, one per line")
        .type_text(&format!("{keywords}\nschool"));
    step_and_wait(&mut harness);
    let preview = harness
        .state()
        .view
        .codebook
        .preview
        .clone()
        .expect("a preview once the index is made");
    let (keyword, matched) = preview.keywords.last().expect("keywords counted");
    assert_eq!(keyword, "school");
    assert!(matched.len() > 10, "{}", matched.len());
    assert!(!preview.gained.is_empty());
    assert_eq!(preview.now(), before);
    assert_eq!(
        preview.after,
        before + preview.gained.len() - preview.lost.len()
    );
    harness.get_by_label_contains(&format!("{} gained", preview.gained.len()));
    // The theme's own keywords were carried over from the preview before "school" was typed:
    // the same counts worked out afresh agree.
    let (generation, index) = {
        let session = harness.state().session.as_ref().expect("session");
        (
            session.generation,
            session.index.clone().expect("the index"),
        )
    };
    apply_and_wait(
        &mut harness,
        consultlens::gui::Command::IndexBuilt(generation, index),
    );
    assert_eq!(
        harness.state().view.codebook.preview.as_ref(),
        Some(&preview)
    );
    assert_eq!(
        comments_with(harness.state(), "transport"),
        before,
        "nothing changes before Apply"
    );
    // Another theme added by hand to a comment the change will touch: it must stay.
    let gaining = preview.gained[0];
    let other_theme = {
        let session = harness.state().session.as_ref().expect("session");
        session
            .codebook
            .leaf_themes()
            .into_iter()
            .find(|&theme| theme != transport_id && !session.tagging.has_theme(gaining, theme))
            .expect("a theme the comment lacks")
    };
    apply_and_wait(
        &mut harness,
        consultlens::gui::Command::Code(gaining, other_theme, consultlens::tagging::Coding::Add),
    );
    harness.get_by_label("Keywords, one per line").focus();
    harness.run();
    // Applied from the keyboard, still in the field.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    step_and_wait(&mut harness);
    assert_eq!(comments_with(harness.state(), "transport"), preview.after);
    // The preview of the keywords as typed, carried over: nothing left to gain or lose.
    let shown = harness
        .state()
        .view
        .codebook
        .preview
        .clone()
        .expect("a preview after Apply");
    assert_eq!((shown.now(), shown.after), (preview.after, preview.after));
    assert!(shown.gained.is_empty() && shown.lost.is_empty());
    assert_eq!(shown.keywords, preview.keywords);
    let codebook = codebook_of(harness.state());
    let transport = codebook
        .theme(codebook.find("transport").expect("theme"))
        .expect("theme");
    assert_eq!(transport.keywords.join("\n"), format!("{keywords}\nschool"));
    // Only the comments the change could touch were tagged again; they agree with tagging every
    // comment again, the hand decision still holds, and so do the counts.
    let decisions = [
        (
            taken_off,
            transport_id,
            consultlens::tagging::Coding::Remove,
        ),
        (gaining, other_theme, consultlens::tagging::Coding::Add),
    ];
    let session = harness.state().session.as_ref().expect("session");
    assert!(!session.tagging.has_theme(taken_off, transport_id));
    assert!(session.tagging.has_theme(gaining, other_theme));
    assert_tagged_as_if_again(harness.state(), &decisions);
    // Keywords taken out (the theme's first and "school"): only the comments they matched are
    // tagged again, and they agree with tagging every comment again.
    let fewer: Vec<&str> = keywords.lines().skip(1).collect();
    apply_and_wait(
        &mut harness,
        consultlens::gui::Command::EditRules {
            keywords: fewer.join("\n"),
            exclusions: String::new(),
        },
    );
    apply_and_wait(&mut harness, consultlens::gui::Command::ApplyRules);
    let session = harness.state().session.as_ref().expect("session");
    let transport = session.codebook.theme(transport_id).expect("theme");
    assert_eq!(transport.keywords, fewer);
    assert!(comments_with(harness.state(), "transport") < preview.after);
    assert_tagged_as_if_again(harness.state(), &decisions);
}

/// Keywords typed for the selected theme, with no exclusions; the counts may be under way.
fn edit_keywords(harness: &mut Harness<'static, App>, keywords: String) {
    let app = harness.state_mut();
    app.push(consultlens::gui::Command::EditRules {
        keywords,
        exclusions: String::new(),
    });
    app.apply();
}

/// The counts the Codebook view shows.
fn shown_preview(harness: &Harness<'static, App>) -> consultlens::gui::RulesPreview {
    harness
        .state()
        .view
        .codebook
        .preview
        .clone()
        .expect("a preview")
}

/// The Codebook view's preview worked out afresh, at once, for what is selected and typed now.
fn preview_counted_at_once(harness: &mut Harness<'static, App>) -> consultlens::gui::RulesPreview {
    let (generation, index) = {
        let session = session_of(harness.state());
        (
            session.generation,
            session.index.clone().expect("the index"),
        )
    };
    let app = harness.state_mut();
    let background_from = std::mem::replace(&mut app.background_from, usize::MAX);
    // A new index forgets the counts shown and counts everything again.
    apply_and_wait(
        harness,
        consultlens::gui::Command::IndexBuilt(generation, index),
    );
    harness.state_mut().background_from = background_from;
    shown_preview(harness)
}

#[test]
fn keyword_counts_in_the_background_show_the_latest_keystroke_and_hand_coding() {
    let directory = tempfile::tempdir().expect("temp dir");
    let (mut harness, _path) = harness_on_sample_project(directory.path());
    // The sample is small: every count here goes to the background, as from 20,000 comments.
    harness.state_mut().background_from = 0;
    harness.get_by_label("Codebook").click();
    step_and_wait(&mut harness);
    apply_and_wait(
        &mut harness,
        consultlens::gui::Command::SelectTheme("transport".to_owned()),
    );
    let own = shown_preview(&harness);
    assert!(!harness.state().view.codebook.counting.running());
    assert_eq!(own.now(), comments_with(harness.state(), "transport"));
    assert_eq!(own, preview_counted_at_once(&mut harness));

    // Typed faster than counted: one count at a time, the counts shown stay meanwhile, and
    // the latest keystroke's are shown once done.
    let keywords = own
        .keywords
        .iter()
        .map(|(keyword, _)| keyword.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for typed in ["s", "sc", "school"] {
        edit_keywords(&mut harness, format!("{keywords}\n{typed}"));
    }
    let counting = |app: &App| {
        app.jobs
            .running()
            .iter()
            .filter(|job| job.label == "Counting the keywords' matches")
            .count()
    };
    assert_eq!(counting(harness.state()), 1, "one count at a time");
    assert!(harness.state().view.codebook.counting.running());
    harness.step();
    harness.get_by_label_contains("(counting…)");
    harness.state_mut().finish_jobs();
    harness.run();
    let typed = shown_preview(&harness);
    assert_eq!(
        typed.keywords.last().map(|(keyword, _)| keyword.as_str()),
        Some("school")
    );
    assert!(!typed.gained.is_empty());
    assert!(harness.query_by_label_contains("(counting…)").is_none());
    harness.get_by_label_contains(&format!("{} gained", typed.gained.len()));
    assert_eq!(typed, preview_counted_at_once(&mut harness));

    // A count under way when one is made at once (a small survey) is not shown after it.
    edit_keywords(&mut harness, format!("{keywords}\nbus"));
    assert_eq!(counting(harness.state()), 1);
    harness.state_mut().background_from = usize::MAX;
    edit_keywords(&mut harness, format!("{keywords}\nschool"));
    harness.state_mut().finish_jobs();
    harness.run();
    assert_eq!(harness.state().view.codebook.preview.as_ref(), Some(&typed));
    harness.state_mut().background_from = 0;

    // A comment's Transport taken off by hand in the Comments view: counted again on return.
    let (comment, transport) = first_comment_with(harness.state(), "transport");
    harness.get_by_label("Comments").click();
    harness.run();
    apply_and_wait(
        &mut harness,
        consultlens::gui::Command::Code(comment, transport, consultlens::tagging::Coding::Remove),
    );
    harness.get_by_label("Codebook").click();
    step_and_wait(&mut harness);
    let after_coding = shown_preview(&harness);
    assert_eq!(after_coding.now(), typed.now() - 1);
    assert_eq!(after_coding, preview_counted_at_once(&mut harness));
    // Undone in the Codebook view: counted again.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    step_and_wait(&mut harness);
    assert_eq!(comments_with(harness.state(), "transport"), typed.now());
    let undone = shown_preview(&harness);
    assert_eq!(undone.now(), typed.now());
    assert_eq!(undone, typed);
}

#[test]
fn a_group_s_place_counts_its_themes_comments_and_its_preview_its_own_tags() {
    let mut harness = harness_on_sample();
    harness.get_by_label("Codebook").click();
    step_and_wait(&mut harness);
    apply_and_wait(
        &mut harness,
        consultlens::gui::Command::SelectTheme("priorities".to_owned()),
    );
    let (children, raised, own) = {
        let session = session_of(harness.state());
        let group = session.codebook.find("priorities").expect("group");
        let raised = session
            .summary
            .groups
            .iter()
            .find(|count| count.theme == group)
            .map(|count| count.comments)
            .expect("the group counted");
        (
            session.codebook.children(group).len(),
            raised,
            comments_with(harness.state(), "priorities"),
        )
    };
    assert!(raised > own, "{raised} {own}");
    harness.get_by_label(&format!(
        "A group of {children} themes, raised in {raised} comments."
    ));
    assert_eq!(shown_preview(&harness).now(), own);
    harness.get_by_label_contains("this group itself, by its own keywords or by hand.");
}

#[test]
fn a_theme_added_by_hand_codes_comments_and_a_merge_carries_its_coding() {
    let directory = tempfile::tempdir().expect("temp dir");
    let (mut harness, path) = harness_on_sample_project(directory.path());
    harness.get_by_label("Codebook").click();
    step_and_wait(&mut harness);
    harness.get_by_label("New theme").click();
    harness
        .get_by_label("New theme")
        .type_text("Sibling support");
    harness.run();
    harness.key_press(egui::Key::Enter);
    step_and_wait(&mut harness);
    let key = codebook_of(harness.state())
        .themes
        .iter()
        .find(|theme| theme.name == "Sibling support")
        .map(|theme| theme.key.clone())
        .expect("added");
    assert_eq!(
        harness.state().view.codebook.selected.as_deref(),
        Some(key.as_str())
    );

    // Code the first comment with it, by keyboard.
    harness.get_by_label("Comments").click();
    harness.run();
    harness.key_press(egui::Key::J);
    harness.run();
    harness.key_press(egui::Key::T);
    harness.run();
    harness
        .get_by_label("Find a theme")
        .type_text("sibling support");
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert_eq!(comments_with(harness.state(), &key), 1);

    // Merge it into Family support and social care: the comment keeps it under that name.
    harness.get_by_label("Codebook").click();
    step_and_wait(&mut harness);
    let into = "family-support-and-social-care";
    assert!(
        codebook_of(harness.state()).find(into).is_some(),
        "the sample codebook has it"
    );
    let before = comments_with(harness.state(), into);
    harness
        .state_mut()
        .push(consultlens::gui::Command::ChooseMergeInto(Some(
            into.to_owned(),
        )));
    harness.run();
    harness.get_by_label("Merge…").click();
    harness.run();
    harness.get_by_label("Merge").click();
    step_and_wait(&mut harness);
    assert!(codebook_of(harness.state()).find(&key).is_none());
    assert_eq!(comments_with(harness.state(), into), before + 1);
    let project = consultlens::project::Project::open(&path).expect("opens");
    assert_eq!(
        project.decisions().hand_coding_counts().0,
        2,
        "both kept in the history"
    );
}

#[test]
fn a_spreadsheet_codebook_replaces_the_themes_after_asking() {
    let directory = tempfile::tempdir().expect("temp dir");
    let (mut harness, _path) = harness_on_sample_project(directory.path());
    let codes = directory.path().join("codes.csv");
    std::fs::write(
        &codes,
        "Theme,Parent,Description,Keywords\nTravel,,,taxi; bus; transport\nWaiting,,,waiting list; waited\n",
    )
    .expect("writes");
    apply_and_wait(
        &mut harness,
        consultlens::gui::Command::FileChooserUnavailable(
            consultlens::gui::FilePurpose::LoadCodebook,
        ),
    );
    harness.get_by_label("File path").click();
    harness.run();
    harness
        .get_by_label("File path")
        .type_text(&codes.display().to_string());
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    harness.get_by_label_contains("Use \"codes\"");
    assert_eq!(
        codebook_of(harness.state()).name,
        "SEND strategy",
        "not before asking"
    );
    harness.get_by_label("Use it").click();
    step_and_wait(&mut harness);
    let names: Vec<&str> = codebook_of(harness.state())
        .themes
        .iter()
        .map(|theme| theme.name.as_str())
        .collect();
    assert_eq!(names, ["Travel", "Waiting"]);
    assert!(comments_with(harness.state(), "travel") > 5);
}

/// A project made from a small CSV in `directory`.
fn csv_project(directory: &std::path::Path, csv: &str) -> std::path::PathBuf {
    let source = directory.join("responses.csv");
    std::fs::write(&source, csv).expect("writes");
    let path = directory.join("responses.consultlens");
    consultlens::project::Project::create(
        &path,
        &[source],
        None,
        &consultlens::codebook::Codebook::built_in("send-strategy").expect("codebook"),
        &consultlens::progress::Progress::new(),
    )
    .expect("made");
    path
}

/// The window on a project.
fn harness_on_project(path: std::path::PathBuf) -> Harness<'static, App> {
    let mut app = App::new(Settings::default());
    app.open(path, None);
    app.finish_jobs();
    harness_for(app)
}

const RESPONSES_CSV: &str = "Response ID,Which of these best describes you?,Any comments?
R1,Parent or carer,The school taxi is late every day
R2,Young person,Nobody listened to us at the annual review
";

#[test]
fn a_changed_source_is_reimported_from_the_data_view_and_its_changes_listed() {
    let directory = tempfile::tempdir().expect("temp dir");
    let project = csv_project(directory.path(), RESPONSES_CSV);
    std::fs::write(
        directory.path().join("responses.csv"),
        "Response ID,Which of these best describes you?,Any comments?
R1,Parent or carer,The school taxi is late every single day
R2,Young person,Nobody listened to us at the annual review
R3,Young person,More speech and language therapy please
",
    )
    .expect("changes the export");
    // Opened again, the project sees the change.
    let mut harness = harness_on_project(project);
    harness.get_by_label("Data").click();
    harness.run();
    harness.get_by_label_contains("has changed since the project read it");
    harness.get_by_label("Re-import the newer file").click();
    step_and_wait(&mut harness);
    let session = harness.state().session.as_ref().expect("session");
    assert_eq!(session.survey.response_count(), 3);
    let messages: Vec<String> = harness
        .state()
        .log
        .messages()
        .map(|message| message.text.clone())
        .collect();
    assert!(
        messages
            .iter()
            .any(|text| text
                .starts_with("Re-imported responses.csv: 1 comment changed, 1 new, 0 gone")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|text| text.contains("response R1") && text.contains("every single day")),
        "{messages:?}"
    );
    assert!(
        harness
            .query_by_label_contains("has changed since")
            .is_none()
    );
}

#[test]
fn a_file_added_to_an_open_project_joins_it_as_one_step() {
    let directory = tempfile::tempdir().expect("temp dir");
    let mut harness = harness_on_project(csv_project(directory.path(), RESPONSES_CSV));
    let paper = directory.path().join("paper.csv");
    std::fs::write(
        &paper,
        "Response ID,Which of these best describes you?,Any comments?\nP1,Parent or carer,Staff need far more training on autism\n",
    )
    .expect("writes");
    apply_and_wait(&mut harness, consultlens::gui::Command::AddFile(paper));
    let session = harness.state().session.as_ref().expect("session");
    assert_eq!(session.survey.response_count(), 3);
    assert!(session.project.is_some(), "still the project");
    harness.get_by_label("Undo").click();
    step_and_wait(&mut harness);
    assert_eq!(
        harness
            .state()
            .session
            .as_ref()
            .expect("session")
            .survey
            .response_count(),
        2
    );
}

#[test]
fn coding_before_saving_asks_where_and_is_made_once_saved() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = directory.path().join("sample.consultlens");
    let mut harness = harness_on_sample();
    // This computer has no file chooser: found when opening a file, and remembered.
    apply_and_wait(
        &mut harness,
        consultlens::gui::Command::FileChooserUnavailable(consultlens::gui::FilePurpose::Open),
    );
    harness.get_by_label("Cancel").click();
    harness.run();
    harness.get_by_label("Comments").click();
    harness.run();
    harness.key_press(egui::Key::J);
    harness.run();
    let comment = harness.state().view.selected_comment.expect("selected");
    harness.key_press(egui::Key::T);
    harness.run();
    harness.get_by_label("Find a theme").type_text("transport");
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    // The prompt for the project's path is shown at once, with why in the status bar.
    harness.get_by_label_contains("Your change is made once it is saved");
    assert!(
        harness
            .state()
            .session
            .as_ref()
            .expect("session")
            .project
            .is_none()
    );
    harness.get_by_label("File path").click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_label("File path")
        .type_text(&path.display().to_string());
    harness.run();
    harness.key_press(egui::Key::Enter);
    step_and_wait(&mut harness);
    harness.get_by_label_contains("Saved as the project sample.consultlens");
    let app = harness.state();
    assert!(app.session.as_ref().expect("session").project.is_some());
    // Still on the same comment in Comments, now coded by a person and kept in the project.
    assert_eq!(app.view.selected_comment, Some(comment));
    assert!(
        selected_themes(app).contains(&("Transport".to_owned(), true)),
        "{:?}",
        selected_themes(app)
    );
    let project = consultlens::project::Project::open(&path).expect("opens");
    assert_eq!(project.decisions().hand_coding_counts(), (1, 0));
}

/// A project of 90 comments, a third about buses, a third about training, a third about
/// neither; the first 45 coded by hand with Buses or Training (no keyword finds either).
fn learning_project(directory: &std::path::Path) -> std::path::PathBuf {
    use consultlens::model::{ColumnId, CommentRef, ResponseId};
    use consultlens::project::{Decision, Project};
    let mut csv = String::from("Response ID,Any comments?\n");
    for index in 0..90 {
        let text = match index % 3 {
            0 => format!("the school bus came late again on day {index}"),
            1 => format!("teachers need autism training before term {index}"),
            _ => format!("lovely caring staff at visit {index}"),
        };
        csv.push_str(&format!("R{index},{text}\n"));
    }
    let source = directory.join("responses.csv");
    std::fs::write(&source, csv).expect("writes");
    let codebook = consultlens::codebook::Codebook::from_toml(
        r#"name = "Two themes"
[[theme]]
id = "buses"
name = "Buses"
keywords = ["zzzz"]
[[theme]]
id = "training"
name = "Training"
keywords = ["qqqq"]
"#,
        std::path::Path::new("two.toml"),
    )
    .expect("codebook");
    let path = directory.join("responses.consultlens");
    let progress = consultlens::progress::Progress::new();
    let mut project = Project::create(&path, &[source], None, &codebook, &progress).expect("made");
    let loaded = project.load(&progress).expect("loads");
    let decisions = (0..45)
        .filter(|index| index % 3 < 2)
        .map(|index| Decision::Code {
            comment: loaded.keys.comment(CommentRef {
                response: ResponseId(index),
                column: ColumnId(1),
            }),
            theme: if index % 3 == 0 { "buses" } else { "training" }.to_owned(),
            coding: consultlens::tagging::Coding::Add,
        })
        .collect();
    project
        .decide("coded 30 comments", decisions)
        .expect("decided");
    path
}

/// The suggestion under review: its comment's response number and theme name.
fn under_review(app: &App) -> (usize, String) {
    let session = session_of(app);
    let suggestions = session.learning.suggestions.as_ref().expect("learned");
    let (_, current) = suggestions
        .next_pending(app.view.review_position)
        .expect("one waiting");
    let theme = session.codebook.theme(current.theme).expect("theme");
    (current.comment.response.index(), theme.name.clone())
}

#[test]
fn suggestions_are_reviewed_by_keyboard_and_a_rejected_one_never_returns() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = learning_project(directory.path());
    let mut harness = harness_on_project(path.clone());
    harness.get_by_label("Suggestions").click();
    harness.run();
    harness.get_by_label("Learned from 30 coded comments; 30 suggestions waiting.");
    let waiting = |app: &App| {
        let session = session_of(app);
        session
            .learning
            .suggestions
            .as_ref()
            .expect("learned")
            .pending_count()
    };
    // Every bus and training comment not coded, and nothing for the others.
    assert_eq!(waiting(harness.state()), 30);

    // A accepts the first: its theme follows the comment's topic, and it is kept as an
    // answered suggestion in the project.
    let (response, theme) = under_review(harness.state());
    assert!(response >= 45, "{response}");
    assert_eq!(
        theme,
        if response % 3 == 0 {
            "Buses"
        } else {
            "Training"
        }
    );
    harness.key_press(egui::Key::A);
    harness.run();
    let project = || consultlens::project::Project::open(&path).expect("opens");
    assert_eq!(project().decisions().answered_suggestions.len(), 1);
    let app = harness.state();
    let session = session_of(app);
    let accepted = consultlens::model::CommentRef {
        response: consultlens::model::ResponseId::at(response),
        column: consultlens::model::ColumnId(1),
    };
    let theme_id = session.codebook.find(&theme.to_lowercase()).expect("theme");
    assert!(session.tagging.has_theme(accepted, theme_id));
    assert_eq!(waiting(app), 29);

    // S skips, B goes back to it; R rejects it.
    let (rejected, rejected_theme) = under_review(harness.state());
    harness.key_press(egui::Key::S);
    harness.run();
    assert_ne!(under_review(harness.state()).0, rejected);
    harness.key_press(egui::Key::B);
    harness.run();
    assert_eq!(under_review(harness.state()).0, rejected);
    harness.get_by_label("Reject (R)").click();
    harness.run();
    assert_eq!(waiting(harness.state()), 28);
    assert_eq!(
        project()
            .decisions()
            .coding
            .values()
            .filter(|coding| **coding == consultlens::tagging::Coding::Remove)
            .count(),
        1
    );
    // Undo puts the rejected suggestion back in the queue; redo takes it out again.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(waiting(harness.state()), 29);
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    harness.run();
    assert_eq!(waiting(harness.state()), 28);

    // Learning again (L) knows more, and the rejected suggestion does not come back.
    harness.key_press(egui::Key::L);
    step_and_wait(&mut harness);
    let app = harness.state();
    let session = session_of(app);
    let suggestions = session.learning.suggestions.as_ref().expect("learned");
    assert_eq!(suggestions.learned_from, 32);
    let rejected_ref = consultlens::model::CommentRef {
        response: consultlens::model::ResponseId::at(rejected),
        column: consultlens::model::ColumnId(1),
    };
    assert!(
        suggestions.of_comment(rejected_ref).is_empty(),
        "{rejected_theme} came back"
    );
    assert_eq!(suggestions.pending_count(), 28);

    // Accept all from the confidence set takes the rest in one step, and Undo takes it back.
    let before = session.tagging.hand_coding_counts().0;
    apply_and_wait(&mut harness, consultlens::gui::Command::SetAcceptFrom(0.5));
    harness
        .get_by_label_contains("Accept 28 suggestions")
        .click();
    // Coding that much sets learning going again.
    step_and_wait(&mut harness);
    let added = |app: &App| {
        let session = session_of(app);
        session.tagging.hand_coding_counts().0
    };
    assert_eq!(added(harness.state()), before + 28);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(added(harness.state()), before);
}

#[test]
fn a_comments_sentiment_is_read_filtered_set_by_hand_and_undone() {
    use consultlens::gui::SentimentSource;
    use consultlens::learning::Sentiment;
    let directory = tempfile::tempdir().expect("temp dir");
    let path = learning_project(directory.path());
    let mut harness = harness_on_project(path.clone());
    harness.get_by_label("Comments").click();
    harness.run();
    apply_and_wait(
        &mut harness,
        consultlens::gui::Command::FilterSentiment(Some(Sentiment::Positive)),
    );
    let sentiment_of = |app: &App, comment| {
        let session = session_of(app);
        session.sentiments.of(comment)
    };
    let shown = harness.state().view.visible_comments.clone();
    // The "lovely caring staff" comments, every third.
    assert_eq!(shown.len(), 30);
    assert!(shown.iter().all(|comment| comment.response.0 % 3 == 2));

    // Read as negative by hand: kept in the project, and the positive list lets it go.
    harness.key_press(egui::Key::J);
    harness.run();
    let comment = harness.state().view.selected_comment.expect("selected");
    assert_eq!(
        sentiment_of(harness.state(), comment),
        Some((Sentiment::Positive, SentimentSource::Words))
    );
    harness.get_by_label("Negative").click();
    harness.run();
    assert_eq!(
        sentiment_of(harness.state(), comment),
        Some((Sentiment::Negative, SentimentSource::Hand))
    );
    assert_eq!(harness.state().view.visible_comments.len(), 29);
    let project = consultlens::project::Project::open(&path).expect("opens");
    assert_eq!(
        project.decisions().sentiments.values().collect::<Vec<_>>(),
        [&Sentiment::Negative]
    );

    // Undo gives the comment back its reading, and the list takes it back.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(
        sentiment_of(harness.state(), comment),
        Some((Sentiment::Positive, SentimentSource::Words))
    );
    assert_eq!(harness.state().view.visible_comments.len(), 30);
}

#[test]
fn sentiment_learns_from_readings_set_by_hand_when_they_beat_the_words() {
    use consultlens::gui::Command;
    use consultlens::gui::SentimentSource;
    use consultlens::learning::Sentiment;
    use consultlens::model::{ColumnId, CommentRef, ResponseId};
    let directory = tempfile::tempdir().expect("temp dir");
    let mut harness = harness_on_project(learning_project(directory.path()));
    let comment = |index| CommentRef {
        response: ResponseId(index),
        column: ColumnId(1),
    };
    let sentiment_of = |app: &App, index| {
        let session = session_of(app);
        session.sentiments.of(comment(index))
    };
    // The words read a late bus as neutral; this person reads it as a complaint.
    assert_eq!(
        sentiment_of(harness.state(), 87),
        Some((Sentiment::Neutral, SentimentSource::Words))
    );
    for index in (0..60).step_by(3) {
        apply_and_wait(
            &mut harness,
            Command::SetSentiment(comment(index), Sentiment::Negative),
        );
    }
    for index in (2..15).step_by(3) {
        apply_and_wait(
            &mut harness,
            Command::SetSentiment(comment(index), Sentiment::Positive),
        );
    }
    assert_eq!(
        sentiment_of(harness.state(), 87),
        Some((Sentiment::Negative, SentimentSource::Learned))
    );
    assert_eq!(
        sentiment_of(harness.state(), 89),
        Some((Sentiment::Positive, SentimentSource::Learned))
    );
    // Learned once two sentiments were among 20 readings or more (at the 21st), and again
    // after 10 more.
    harness.get_by_label("Suggestions").click();
    harness.run();
    harness.get_by_label_contains("Sentiment learned from 21 readings");
}

#[test]
fn a_theme_is_made_from_a_group_of_uncovered_comments_in_one_undoable_step() {
    let directory = tempfile::tempdir().expect("temp dir");
    let mut harness = harness_on_project(learning_project(directory.path()));
    harness.get_by_label("Suggestions").click();
    harness.run();
    harness.key_press(egui::Key::D);
    step_and_wait(&mut harness);
    let groups = session_of(harness.state())
        .discovery
        .groups
        .clone()
        .expect("groups found");
    // The 30 "lovely caring staff" comments no theme covers make one group of their own.
    let caring = groups
        .iter()
        .find(|group| group.key_terms.iter().any(|term| term.contains("caring")))
        .expect("a group about caring staff");
    assert_eq!(caring.members.len(), 30);
    assert!(
        caring
            .members
            .iter()
            .all(|comment| comment.response.0 % 3 == 2)
    );
    assert!(!caring.examples.is_empty());

    // Named by its first two key terms.
    let name = caring.theme_name();
    assert!(name.starts_with(&caring.key_terms[0][..1].to_uppercase()));
    harness
        .get_by_label(&format!("Make the theme \"{name}\""))
        .click();
    step_and_wait(&mut harness);
    let app = harness.state();
    let codebook = codebook_of(app);
    let theme = codebook
        .themes
        .iter()
        .position(|theme| theme.name == name)
        .map(consultlens::codebook::ThemeId)
        .expect("the theme is made");
    assert_eq!(
        codebook.theme(theme).expect("theme").keywords,
        caring.key_terms
    );
    for &comment in &caring.members {
        assert!(session_of(app).tagging.has_theme(comment, theme));
    }
    assert!(
        session_of(app)
            .discovery
            .groups
            .as_ref()
            .is_some_and(|left| left.len() == groups.len() - 1 && !left.contains(caring))
    );

    // One step: Undo takes the theme and its coding back.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    step_and_wait(&mut harness);
    let app = harness.state();
    assert!(
        codebook_of(app)
            .themes
            .iter()
            .all(|theme| theme.name != name)
    );
    assert!(
        caring
            .members
            .iter()
            .all(|&comment| session_of(app).tagging.tags_of(comment).is_empty())
    );

    // On request, every answer to the question is grouped, coded or not.
    apply_and_wait(
        &mut harness,
        consultlens::gui::Command::DiscoverIn(Some(consultlens::model::ColumnId(1))),
    );
    harness.key_press(egui::Key::D);
    step_and_wait(&mut harness);
    let groups = session_of(harness.state())
        .discovery
        .groups
        .clone()
        .expect("groups found");
    let grouped: usize = groups.iter().map(|group| group.members.len()).sum();
    assert_eq!(grouped, 90);
}

#[test]
fn clicking_a_theme_s_bar_shows_its_comments() {
    let mut harness = harness_on_sample();
    harness.run();
    harness
        .get_by_label_contains("themes raised most (n=594 respondents who commented)")
        .click();
    harness.run();
    let app = harness.state();
    assert_eq!(app.view.view, View::Comments);
    let session = app.session.as_ref().expect("session");
    let bars =
        consultlens::analysis::charts::frequency_bars(&session.summary, &session.codebook, None);
    let chosen = app.view.filter.theme.expect("a theme chosen");
    // The picture's middle row: one of the fifteen bars, not a theme left off the chart.
    let position = bars.iter().position(|bar| bar.theme == chosen);
    assert!(
        position.is_some_and(|position| position < 15),
        "{position:?}"
    );
}

#[test]
fn presentation_mode_shows_one_chart_at_a_time_moved_by_arrows_and_left_by_escape() {
    let mut harness = harness_on_sample();
    harness.run();
    harness.key_press(egui::Key::F11);
    harness.run();
    let count = {
        let node = harness.get_by_label_contains("Chart 1 of ");
        let label = node
            .accesskit_node()
            .label()
            .or_else(|| node.accesskit_node().value())
            .unwrap_or_default();
        label["Chart 1 of ".len()..]
            .parse::<usize>()
            .expect("a count")
    };
    // Themes, themes by group, together, closed questions, over time (sentiment once read).
    assert!(count >= 7, "{count} charts");
    harness.get_by_label_contains("themes raised most (n=594");
    assert!(
        harness.query_by_label("Open…").is_none(),
        "the toolbar is hidden"
    );
    harness.key_press(egui::Key::ArrowRight);
    harness.run();
    harness.get_by_label(&format!("Chart 2 of {count}"));
    harness.get_by_label_contains("Themes by group: Which of these best describes you?");
    harness.key_press(egui::Key::End);
    harness.run();
    harness.get_by_label(&format!("Chart {count} of {count}"));
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(harness.query_by_label_contains("Chart 1 of").is_none());
    harness.get_by_label("Open…");
}

#[test]
fn the_comments_filter_narrows_every_chart_until_cleared() {
    let mut harness = harness_on_sample();
    harness.run();
    apply_and_wait(
        &mut harness,
        consultlens::gui::Command::FilterRespondentType(Some("Young person".to_owned())),
    );
    // 72 young people answered; 70 of them commented.
    harness.get_by_label_contains("Charting only what the Comments filter selects:");
    harness.get_by_label_contains("from 72 responses.");
    harness.get_by_label_contains("themes raised most (n=70 respondents who commented)");
    harness.get_by_label("Chart every comment").click();
    harness.run();
    harness.run();
    assert!(harness.state().view.filter.attribute.is_none());
    assert!(
        harness
            .query_by_label_contains("Charting only what the Comments filter selects:")
            .is_none()
    );
    harness.get_by_label_contains("themes raised most (n=594 respondents who commented)");
}

#[test]
fn the_theme_chart_shows_the_top_chosen_or_the_groups_of_themes() {
    let mut harness = harness_on_sample();
    harness.run();
    choose(&mut harness, "Show the top", "5");
    harness.get_by_label_contains("The 5 themes raised most (n=594");
    harness.get_by_label("Groups of themes").click();
    harness.run();
    harness.get_by_label_contains("The 5 groups of themes raised most (n=594");
}
