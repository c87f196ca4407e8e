//! Projects: decisions that last, undo across restarts, keys that survive change, and a project
//! file that stays whole when the program is killed while writing.

use std::path::{Path, PathBuf};

use consultlens::codebook::Codebook;
use consultlens::import::{ImportOptions, combine, import_bytes};
use consultlens::keys::{CommentKey, SurveyKeys};
use consultlens::model::{ColumnId, CommentRef, ResponseId};
use consultlens::progress::Progress;
use consultlens::project::{Decision, Project, ProjectError, SourceStatus};
use consultlens::tagging::{Coding, TagOrigin};

const SURVEY: &str = "\
Response ID,Respondent type,What do you think of the draft strategy?
R1,Parent or carer,The taxi to school is late every single morning.
R2,Parent or carer,My son waited two years for a taxi and a school place.
R3,SENCO or teacher,Nobody answers the phone at the SEND team.
";

const CODEBOOK: &str = "name = \"Test\"
[[theme]]
id = \"transport\"
name = \"Transport\"
keywords = [\"taxi\"]
[[theme]]
id = \"communication\"
name = \"Communication\"
";

const QUESTION: &str = "what do you think of the draft strategy";

fn codebook(text: &str) -> Codebook {
    Codebook::from_toml(text, Path::new("test.toml")).expect("codebook")
}

/// A project made from the survey text, in a folder of its own.
fn project_from(directory: &Path, survey: &str) -> PathBuf {
    let source = directory.join("survey.csv");
    std::fs::write(&source, survey).expect("writes");
    let path = directory.join("test.consultlens");
    Project::create(
        &path,
        &[source],
        None,
        &codebook(CODEBOOK),
        &Progress::new(),
    )
    .expect("made");
    path
}

fn comment(response: &str) -> CommentKey {
    CommentKey {
        source: 0,
        response: response.to_owned(),
        question: QUESTION.to_owned(),
    }
}

fn code(response: &str, theme: &str, coding: Coding) -> Decision {
    Decision::Code {
        comment: comment(response),
        theme: theme.to_owned(),
        coding,
    }
}

/// Respondents the project's effective tagging gives each theme, by theme id.
fn respondents(path: &Path) -> Vec<(String, usize)> {
    let loaded = Project::open(path)
        .expect("opens")
        .load(&Progress::new())
        .expect("loads");
    let summary = consultlens::analysis::summarise(
        &loaded.imported.survey,
        &loaded.codebook,
        &loaded.tagging,
    );
    let mut counts: Vec<(String, usize)> = summary
        .themes
        .iter()
        .filter_map(|theme| {
            let key = loaded.codebook.theme(theme.theme)?.key.clone();
            Some((key, theme.respondents))
        })
        .collect();
    counts.sort();
    counts
}

#[test]
fn hand_coding_holds_over_the_rules_and_undo_works_across_restarts() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = project_from(directory.path(), SURVEY);
    assert_eq!(
        respondents(&path),
        [("communication".to_owned(), 0), ("transport".to_owned(), 2)]
    );
    {
        let mut project = Project::open(&path).expect("opens");
        project
            .decide(
                "coded two comments",
                vec![
                    code("R2", "transport", Coding::Remove),
                    code("R3", "communication", Coding::Add),
                ],
            )
            .expect("decided");
    }
    assert_eq!(
        respondents(&path),
        [("communication".to_owned(), 1), ("transport".to_owned(), 1)]
    );
    let loaded = Project::open(&path)
        .expect("opens")
        .load(&Progress::new())
        .expect("loads");
    let r3 = loaded
        .keys
        .find_comment(&comment("R3"))
        .expect("R3's comment");
    assert_eq!(
        loaded.tagging.tags_of(r3).first().expect("a tag").origin(),
        TagOrigin::Person
    );

    // Undo in one run, see it in the next; redo likewise.
    let undone = Project::open(&path).expect("opens").undo().expect("undoes");
    assert_eq!(
        undone.map(|turned| turned.description),
        Some("coded two comments".to_owned())
    );
    assert_eq!(respondents(&path)[1], ("transport".to_owned(), 2));
    let redone = Project::open(&path).expect("opens").redo().expect("redoes");
    assert_eq!(
        redone.map(|turned| turned.description),
        Some("coded two comments".to_owned())
    );
    assert_eq!(respondents(&path)[1], ("transport".to_owned(), 1));
    let mut project = Project::open(&path).expect("opens");
    assert!(project.undo().expect("undoes").is_some());
    assert_eq!(
        project.undo().expect("nothing more"),
        None,
        "making the project is not undone"
    );
    assert_eq!(project.history().len(), 5);
}

#[test]
fn coding_follows_its_comment_when_a_file_is_added_and_a_source_column_inserted() {
    let read = |name: &str, text: &str| {
        import_bytes(
            Path::new(name),
            text.as_bytes(),
            &ImportOptions::default(),
            &Progress::new(),
        )
        .expect("imports")
    };
    let alone = read("online.csv", SURVEY).survey;
    let alone_keys = SurveyKeys::new(&alone);
    let key = alone_keys.comment(CommentRef {
        response: ResponseId(2),
        column: ColumnId(2),
    });
    let combined = combine(vec![
        read("online.csv", SURVEY),
        read(
            "paper.csv",
            "Response ID,Respondent type,What do you think of the draft strategy?\nR1,Young person,More help with my anxiety please.\n",
        ),
    ])
    .survey;
    let combined_keys = SurveyKeys::new(&combined);
    // The Source column went in first, so every position moved; the key still finds R3.
    let found = combined_keys.find_comment(&key).expect("still found");
    assert_eq!(found.column, ColumnId(3));
    assert_eq!(
        combined.comment_text(found),
        Some("Nobody answers the phone at the SEND team.")
    );
    // The second file's R1 is another response than the first file's.
    let paper_r1 = combined_keys.find_response(1, "R1").expect("paper R1");
    assert_ne!(Some(paper_r1), combined_keys.find_response(0, "R1"));
}

#[test]
fn coding_follows_its_theme_when_the_theme_is_renamed_or_moved_and_stops_when_deleted() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = project_from(directory.path(), SURVEY);
    let mut project = Project::open(&path).expect("opens");
    project
        .decide("coded R3", vec![code("R3", "communication", Coding::Add)])
        .expect("decided");
    let renamed_and_moved = "name = \"Test\"
[[theme]]
id = \"working-together\"
name = \"Working together\"
[[theme]]
id = \"transport\"
name = \"Transport\"
keywords = [\"taxi\"]
[[theme]]
id = \"communication\"
name = \"Talking with families\"
parent = \"working-together\"
";
    project
        .decide(
            "renamed and moved Communication",
            vec![Decision::Codebook {
                toml: renamed_and_moved.to_owned(),
            }],
        )
        .expect("decided");
    let loaded = project.load(&Progress::new()).expect("loads");
    let r3 = loaded.keys.find_comment(&comment("R3")).expect("R3");
    let theme = loaded.tagging.tags_of(r3).first().expect("a tag").theme();
    assert_eq!(
        loaded
            .codebook
            .theme(theme)
            .map(|theme| theme.name.as_str()),
        Some("Talking with families")
    );

    let deleted = "name = \"Test\"
[[theme]]
id = \"transport\"
name = \"Transport\"
keywords = [\"taxi\"]
";
    project
        .decide(
            "deleted Communication",
            vec![Decision::Codebook {
                toml: deleted.to_owned(),
            }],
        )
        .expect("decided");
    let loaded = project.load(&Progress::new()).expect("loads");
    let r3 = loaded.keys.find_comment(&comment("R3")).expect("R3");
    assert!(
        loaded.tagging.tags_of(r3).is_empty(),
        "no other theme took it"
    );
    assert_eq!(loaded.unmatched_decisions, 1);
}

#[test]
fn a_project_keeps_its_own_copy_when_the_source_changes_or_goes() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = project_from(directory.path(), SURVEY);
    let source = directory.path().join("survey.csv");
    assert_eq!(statuses(&path), [SourceStatus::Ok]);
    std::fs::write(
        &source,
        format!("{SURVEY}R4,Young person,The bus is fine.\n"),
    )
    .expect("writes");
    assert_eq!(statuses(&path), [SourceStatus::Changed]);
    std::fs::remove_file(&source).expect("removes");
    assert_eq!(statuses(&path), [SourceStatus::Missing]);
    let loaded = Project::open(&path)
        .expect("opens")
        .load(&Progress::new())
        .expect("loads from its copy");
    assert_eq!(loaded.imported.survey.response_count(), 3);
}

/// Whether each source read now is where it was, unchanged.
fn statuses(path: &Path) -> Vec<SourceStatus> {
    Project::open(path)
        .expect("opens")
        .source_statuses()
        .expect("statuses")
        .into_iter()
        .map(|(_, status)| status)
        .collect()
}

/// Each comment's text with its response key and themes, by key.
fn comments(path: &Path) -> Vec<(usize, String, String, Vec<String>)> {
    let loaded = Project::open(path)
        .expect("opens")
        .load(&Progress::new())
        .expect("loads");
    let survey = &loaded.imported.survey;
    let mut found: Vec<_> = loaded
        .tagging
        .iter()
        .map(|(comment, tags)| {
            let key = loaded.keys.comment(comment);
            let themes = tags
                .iter()
                .filter_map(|tag| loaded.codebook.theme(tag.theme()))
                .map(|theme| theme.key.clone())
                .collect();
            (
                key.source,
                key.response,
                survey.comment_text(comment).unwrap_or_default().to_owned(),
                themes,
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_source_reimported_with_a_changed_row_keeps_coding_by_key_and_lists_the_change() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = project_from(directory.path(), SURVEY);
    let mut project = Project::open(&path).expect("opens");
    project
        .decide(
            "coded by hand",
            vec![
                code("R3", "communication", Coding::Add),
                code("R2", "transport", Coding::Remove),
            ],
        )
        .expect("decided");
    // The newer export: rows in another order, R2's text corrected, a new response R4.
    let newer = directory.path().join("survey (2).csv");
    std::fs::write(
        &newer,
        "Response ID,Respondent type,What do you think of the draft strategy?
R3,SENCO or teacher,Nobody answers the phone at the SEND team.
R4,Young person,The taxi is fine.
R2,Parent or carer,My son waited three years for a taxi and a school place.
R1,Parent or carer,The taxi to school is late every single morning.
",
    )
    .expect("writes");
    let changes = project
        .reimport(0, &newer, &Progress::new())
        .expect("re-imported");
    assert_eq!(changes.new_comments, 1);
    assert_eq!(changes.gone_comments, 0);
    assert_eq!(changes.changed.len(), 1);
    assert_eq!(changes.changed[0].key, comment("R2"));
    assert!(changes.changed[0].after.contains("three years"));
    let owned = |themes: &[&str]| themes.iter().map(|&theme| theme.to_owned()).collect();
    assert_eq!(
        comments(&path),
        [
            (
                0,
                "R1".to_owned(),
                "The taxi to school is late every single morning.".to_owned(),
                owned(&["transport"])
            ),
            (
                0,
                "R2".to_owned(),
                "My son waited three years for a taxi and a school place.".to_owned(),
                owned(&[]),
            ),
            (
                0,
                "R3".to_owned(),
                "Nobody answers the phone at the SEND team.".to_owned(),
                owned(&["communication"])
            ),
            (
                0,
                "R4".to_owned(),
                "The taxi is fine.".to_owned(),
                owned(&["transport"])
            ),
        ],
        "R2 stays taken off Transport and R3 keeps Communication though their rows moved"
    );
    assert_eq!(
        statuses(&path),
        [SourceStatus::Ok],
        "the newer file is the source now"
    );
    // Undo reads the old copy again.
    Project::open(&path).expect("opens").undo().expect("undone");
    let texts: Vec<String> = comments(&path)
        .into_iter()
        .map(|(_, _, text, _)| text)
        .collect();
    assert!(
        texts.iter().any(|text| text.contains("two years")),
        "{texts:?}"
    );
    assert_eq!(texts.len(), 3);
}

#[test]
fn a_file_added_to_a_saved_project_keeps_each_files_coding_apart_and_undo_removes_it() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = project_from(directory.path(), SURVEY);
    // The paper returns number their responses R1, R2 … too.
    let paper = directory.path().join("paper.csv");
    std::fs::write(
        &paper,
        "Response ID,Respondent type,What do you think of the draft strategy?
R1,Parent or carer,Nobody rings back.
",
    )
    .expect("writes");
    let mut project = Project::open(&path).expect("opens");
    project
        .decide("coded R1", vec![code("R1", "communication", Coding::Add)])
        .expect("decided");
    project.add_source(&paper, &Progress::new()).expect("added");
    let paper_r1 = CommentKey {
        source: 1,
        ..comment("R1")
    };
    project
        .decide(
            "coded the paper R1",
            vec![Decision::Code {
                comment: paper_r1,
                theme: "transport".to_owned(),
                coding: Coding::Add,
            }],
        )
        .expect("decided");
    let found = comments(&path);
    assert_eq!(found.len(), 4);
    let themes_of = |found: &[(usize, String, String, Vec<String>)], source: usize| {
        found
            .iter()
            .find(|(at, response, _, _)| *at == source && response == "R1")
            .map(|(_, _, _, themes)| themes.clone())
            .expect("R1")
    };
    assert_eq!(themes_of(&found, 0), ["transport", "communication"]);
    assert_eq!(themes_of(&found, 1), ["transport"]);

    // Undo the paper coding and the adding: the survey is as it was.
    let mut project = Project::open(&path).expect("opens");
    project.undo().expect("undone");
    project.undo().expect("undone");
    assert_eq!(comments(&path).len(), 3);
    assert_eq!(statuses(&path).len(), 1);
    // A file added after that takes a new place, so the undone coding never lands on it.
    project
        .add_source(&paper, &Progress::new())
        .expect("added again");
    let found = comments(&path);
    assert_eq!(found.len(), 4);
    assert_eq!(themes_of(&found, 2), Vec::<String>::new());
}

#[test]
fn a_moved_source_file_is_found_again_and_another_file_is_refused() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = project_from(directory.path(), SURVEY);
    let source = directory.path().join("survey.csv");
    let moved = directory.path().join("moved.csv");
    std::fs::rename(&source, &moved).expect("moves");
    assert_eq!(statuses(&path), [SourceStatus::Missing]);
    let mut project = Project::open(&path).expect("opens");
    project.relink(0, &moved).expect("found");
    assert_eq!(statuses(&path), [SourceStatus::Ok]);
    let other = directory.path().join("other.csv");
    std::fs::write(&other, format!("{SURVEY}R4,Young person,More.\n")).expect("writes");
    let error = project.relink(0, &other).expect_err("not the same file");
    assert!(
        error.to_string().contains("re-import it instead"),
        "{error}"
    );
    assert!(error.to_string().contains("other.csv"), "{error}");
}

#[test]
fn a_project_of_the_first_format_is_brought_up_to_date_on_opening() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = project_from(directory.path(), SURVEY);
    {
        let connection = rusqlite::Connection::open(&path).expect("opens");
        connection
            .execute_batch("ALTER TABLE sources DROP COLUMN version_of; PRAGMA user_version = 1;")
            .expect("made a format 1 project");
    }
    let mut project = Project::open(&path).expect("migrates");
    project
        .decide("coded R3", vec![code("R3", "communication", Coding::Add)])
        .expect("decided");
    let version: i64 = rusqlite::Connection::open(&path)
        .expect("opens")
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("reads");
    assert_eq!(version, consultlens::project::FORMAT_VERSION);
    assert_eq!(comments(&path).len(), 3);
}

#[test]
fn damaged_foreign_and_newer_files_are_refused_in_one_sentence() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = project_from(directory.path(), SURVEY);
    let bytes = std::fs::read(&path).expect("reads");

    let damaged = directory.path().join("damaged.consultlens");
    let mut cut = bytes.get(..3000).expect("long enough").to_vec();
    cut.splice(100..107, *b"garbage");
    std::fs::write(&damaged, &cut).expect("writes");
    let error = Project::open(&damaged)
        .and_then(|project| project.load(&Progress::new()).map(|_| ()))
        .expect_err("refused");
    assert!(
        error.to_string().ends_with("damaged.consultlens"),
        "{error}"
    );

    let foreign = directory.path().join("survey copy.consultlens");
    std::fs::write(&foreign, SURVEY).expect("writes");
    let error = Project::open(&foreign).expect_err("refused");
    assert!(matches!(error, ProjectError::NotAProject { .. }), "{error}");

    let newer = directory.path().join("newer.consultlens");
    std::fs::write(&newer, &bytes).expect("writes");
    let connection = rusqlite::Connection::open(&newer).expect("opens");
    connection
        .execute_batch("PRAGMA user_version = 99;")
        .expect("sets");
    drop(connection);
    let error = Project::open(&newer).expect_err("refused");
    assert!(error.to_string().contains("newer ConsultLens"), "{error}");

    let error = Project::open(&directory.path().join("none.consultlens")).expect_err("missing");
    assert!(matches!(error, ProjectError::Missing { .. }));
    let error = Project::create(
        &path,
        &[directory.path().join("survey.csv")],
        None,
        &codebook(CODEBOOK),
        &Progress::new(),
    )
    .expect_err("kept");
    assert!(
        matches!(error, ProjectError::AlreadyExists { .. }),
        "{error}"
    );
}

#[test]
fn a_project_killed_while_taking_in_coding_has_all_of_it_or_none() {
    let directory = tempfile::tempdir().expect("temp dir");
    let rows = 20_000;
    let mut survey =
        String::from("Response ID,Respondent type,What do you think of the draft strategy?\n");
    let mut coding = String::from("Response,Question,Theme,Action\n");
    for row in 0..rows {
        survey.push_str(&format!(
            "B{row},Parent or carer,Comment number {row} about the school.\n"
        ));
        coding.push_str(&format!(
            "B{row},What do you think of the draft strategy?,Communication,add\n"
        ));
    }
    let path = project_from(directory.path(), &survey);
    let coding_path = directory.path().join("coding.csv");
    std::fs::write(&coding_path, coding).expect("writes");
    let take_in = || {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("consultlens"))
            .args(["project", "code"])
            .arg(&path)
            .arg("--import")
            .arg(&coding_path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("runs")
    };
    let started = std::time::Instant::now();
    assert!(take_in().wait().expect("finishes").success());
    let whole = started.elapsed();
    Project::open(&path).expect("opens").undo().expect("undoes");

    // Killed at a few points through the same work, the project always opens whole.
    for fraction in [2, 3, 4, 6] {
        let mut child = take_in();
        std::thread::sleep(whole / fraction);
        child.kill().expect("killed");
        child.wait().expect("reaped");
        let project = Project::open(&path).expect("opens after the kill");
        let (added, _) = project.decisions().hand_coding_counts();
        assert!(added == 0 || added == rows, "{added} of {rows} decisions");
        if added == rows {
            Project::open(&path).expect("opens").undo().expect("undoes");
        }
    }
}

#[test]
fn starred_quotes_are_exported_under_each_theme_with_who_said_them_and_the_note() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = project_from(directory.path(), SURVEY);
    let mut project = Project::open(&path).expect("opens");
    project
        .decide(
            "starred quotes",
            vec![
                Decision::Quote {
                    comment: comment("R2"),
                    starred: true,
                },
                Decision::Quote {
                    comment: comment("R3"),
                    starred: true,
                },
                Decision::Note {
                    comment: comment("R2"),
                    text: "use at the SENCO network".to_owned(),
                },
                code("R2", "communication", Coding::Add),
            ],
        )
        .expect("decided");
    let output = directory.path().join("summary.xlsx");
    assert_cmd::Command::cargo_bin("consultlens")
        .expect("binary built")
        .args(["analyse", &path.display().to_string(), "--out"])
        .arg(&output)
        .assert()
        .success();
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&output).expect("opens");
    let quotes = calamine::Reader::worksheet_range(&mut workbook, "Quotes").expect("Quotes sheet");
    let rows: Vec<Vec<String>> = quotes
        .rows()
        .map(|row| row.iter().map(ToString::to_string).collect())
        .collect();
    let expected = |cells: &[&str]| {
        cells
            .iter()
            .map(|&cell| cell.to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        rows,
        [
            expected(&[
                "Theme",
                "Quote",
                "Respondent type",
                "Question",
                "Response",
                "Note"
            ]),
            // R2 raises Transport by the rules and Communication by hand: listed under both.
            expected(&[
                "Transport",
                "My son waited two years for a taxi and a school place.",
                "Parent or carer",
                "What do you think of the draft strategy?",
                "R2",
                "use at the SENCO network",
            ]),
            expected(&[
                "Communication",
                "My son waited two years for a taxi and a school place.",
                "Parent or carer",
                "What do you think of the draft strategy?",
                "R2",
                "use at the SENCO network",
            ]),
            expected(&[
                "(no theme)",
                "Nobody answers the phone at the SEND team.",
                "SENCO or teacher",
                "What do you think of the draft strategy?",
                "R3",
                "",
            ]),
        ]
    );
}

#[test]
fn merging_a_theme_keeps_the_hand_coding_of_both_and_undo_splits_them_again() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = project_from(directory.path(), SURVEY);
    let mut project = Project::open(&path).expect("opens");
    project
        .decide(
            "coded by hand",
            vec![
                code("R3", "communication", Coding::Add),
                code("R1", "transport", Coding::Remove),
            ],
        )
        .expect("decided");
    // Communication goes into Transport: R3's Communication becomes Transport.
    let loaded = project.load(&Progress::new()).expect("loads");
    let mut merged = loaded.codebook.clone();
    merged.merge("communication", "transport").expect("merges");
    let has_transport = |comment: &CommentKey| {
        let theme = loaded.codebook.find("transport").expect("theme");
        loaded
            .keys
            .find_comment(comment)
            .is_some_and(|comment| loaded.tagging.has_theme(comment, theme))
    };
    let mut decisions = vec![Decision::Codebook {
        toml: merged.to_toml().expect("toml"),
    }];
    decisions.extend(project.decisions().merged_coding(
        "communication",
        "transport",
        has_transport,
    ));
    project
        .decide("merged Communication into Transport", decisions)
        .expect("decided");
    assert_eq!(
        respondents(&path),
        [("transport".to_owned(), 2)],
        "R2 by the rules, R3 by hand carried over; R1 still taken off"
    );
    let project = &mut Project::open(&path).expect("opens");
    project.undo().expect("undone");
    assert_eq!(
        respondents(&path),
        [("communication".to_owned(), 1), ("transport".to_owned(), 1)]
    );
}
