//! The real binary in a temporary folder.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const SURVEY_CSV: &str = "\
Consultation responses (exported)\r\n\
Id,Start time,Email,Which of these best describes you?,How much do you agree with Priority 1?,What are your views on the priorities?\r\n\
1,2026-03-02 09:14:05,anonymous,Parent or carer,Agree,\"We waited 14 months for the EHCP, and nobody kept us informed.\"\r\n\
2,2026-03-02 10:01:00,anonymous,SENCO or teacher,Strongly agree,Staff need much more training and CPD on autism.\r\n\
3,2026-03-03 11:30:00,x@example.org,Young person,Disagree,teachers dont get it when im anxious\r\n\
4,2026-03-04 12:00:00,anonymous,Parent or carer,Agree,The taxi to school is late every single day\r\n";

fn consultlens() -> Command {
    Command::cargo_bin("consultlens").expect("binary built")
}

fn write(directory: &Path, name: &str, contents: &[u8]) -> std::path::PathBuf {
    let path = directory.join(name);
    std::fs::write(&path, contents).expect("writes fixture");
    path
}

#[test]
fn inspect_json_gives_header_rows_responses_and_roles() {
    let directory = tempfile::tempdir().expect("temp dir");
    let file = write(directory.path(), "responses.csv", SURVEY_CSV.as_bytes());
    let output = consultlens()
        .arg("inspect")
        .arg(&file)
        .arg("--json")
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert_eq!(json["file"], file.display().to_string());
    assert_eq!(json["header_rows"], serde_json::json!([2, 2]));
    assert_eq!(json["responses"], 4);
    assert_eq!(json["sheet"], Value::Null);
    let roles: Vec<(&str, &str, u64)> = json["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|column| {
            (
                column["name"].as_str().expect("name"),
                column["role"].as_str().expect("role"),
                column["filled"].as_u64().expect("filled"),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            ("Id", "identifier", 4),
            ("Start time", "timestamp", 4),
            ("Email", "personal", 4),
            ("Which of these best describes you?", "attribute", 4),
            ("How much do you agree with Priority 1?", "closed", 4),
            ("What are your views on the priorities?", "free_text", 4),
        ]
    );
    assert_eq!(json["columns"][5]["index"], 5);
    assert!(json["warnings"].as_array().expect("warnings").is_empty());
}

#[test]
fn analyse_writes_the_summary_workbook_and_prints_themes() {
    let directory = tempfile::tempdir().expect("temp dir");
    let file = write(directory.path(), "responses.csv", SURVEY_CSV.as_bytes());
    let out = directory.path().join("summary.xlsx");
    let output = consultlens()
        .current_dir(directory.path())
        .args(["analyse", "responses.csv", "--out", "summary.xlsx"])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("4 responses, 4 comments from 4 respondents"),
        "{stdout}"
    );
    assert!(stdout.contains("EHCP process and timeliness"), "{stdout}");
    assert!(stdout.contains("Transport"), "{stdout}");
    assert!(out.is_file());
    assert!(file.is_file());
}

#[test]
fn a_folder_is_refused_in_one_sentence() {
    let directory = tempfile::tempdir().expect("temp dir");
    let output = consultlens()
        .arg("inspect")
        .arg(directory.path())
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.matches("os error").count(), 1, "{stderr}");
}

#[test]
fn missing_file_fails_naming_it() {
    let output = consultlens()
        .args(["inspect", "no-such-survey.xlsx"])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no-such-survey.xlsx"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn bad_files_get_one_clear_sentence_and_no_panic() {
    let directory = tempfile::tempdir().expect("temp dir");
    let mut protected = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    protected.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    let cases: [(&str, &[u8], &str); 5] = [
        ("protected.xlsx", &protected, "password-protected"),
        ("empty.csv", b"", "0 bytes"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "damaged"),
        (
            "program.xlsx",
            b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00",
            "not a spreadsheet",
        ),
        ("header-only.csv", b"Id,Comment\n", "no responses"),
    ];
    for (name, contents, expected) in cases {
        let file = write(directory.path(), name, contents);
        let output = consultlens()
            .arg("inspect")
            .arg(&file)
            .output()
            .expect("runs");
        assert!(!output.status.success(), "{name} should fail");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(expected) && stderr.contains(name),
            "{name}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
    }
}

#[test]
fn unknown_sheet_lists_the_sheets() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = directory.path().join("book.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Responses").expect("name");
    sheet.write_string(0, 0, "Comment").expect("cell");
    sheet
        .write_string(1, 0, "More training please")
        .expect("cell");
    workbook.save(&path).expect("saves");
    let output = consultlens()
        .arg("inspect")
        .arg(&path)
        .args(["--sheet", "Sheet9"])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("\"Sheet9\"")
            && stderr.contains("Responses")
            && stderr.contains("book.xlsx"),
        "{stderr}"
    );

    let output = consultlens()
        .arg("inspect")
        .arg(&path)
        .args(["--sheet", "Responses", "--json"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let json: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["sheet"], "Responses");
    assert_eq!(json["responses"], 1);
}

#[test]
fn codebook_list_show_and_export() {
    let list = consultlens()
        .args(["codebook", "list"])
        .output()
        .expect("runs");
    assert!(list.status.success());
    let stdout = String::from_utf8_lossy(&list.stdout);
    assert!(
        stdout.contains("send-strategy") && stdout.contains("generic-consultation"),
        "{stdout}"
    );

    let show = consultlens()
        .args(["codebook", "show", "send-strategy"])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&show.stdout);
    assert!(
        stdout.contains("Workforce development") && stdout.contains("keywords:"),
        "{stdout}"
    );

    let directory = tempfile::tempdir().expect("temp dir");
    let out = directory.path().join("mine.toml");
    let export = consultlens()
        .args(["codebook", "export", "send-strategy", "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    assert!(export.status.success());
    let reloaded = consultlens()
        .args(["codebook", "show"])
        .arg(&out)
        .output()
        .expect("runs");
    assert_eq!(
        reloaded.stdout, show.stdout,
        "an exported codebook loads back the same"
    );

    let unknown = consultlens()
        .args(["codebook", "show", "nope"])
        .output()
        .expect("runs");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("\"nope\""));
}

#[test]
fn analyse_on_the_bundled_sample() {
    let directory = tempfile::tempdir().expect("temp dir");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/send_consultation.xlsx");
    let out = directory.path().join("sample summary.xlsx");
    let output = consultlens()
        .arg("analyse")
        .arg(&sample)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("600 responses"), "{stdout}");
    assert!(
        stdout.contains("Workforce development") && stdout.contains("Accountability"),
        "{stdout}"
    );
    assert!(out.is_file());
}

#[test]
fn analyse_combines_several_files() {
    let directory = tempfile::tempdir().expect("temp dir");
    write(directory.path(), "online.csv", SURVEY_CSV.as_bytes());
    write(
        directory.path(),
        "paper.csv",
        b"which of these best describes you,what are your views on the priorities\nParent or carer,The taxi was late again and nobody told us\n",
    );
    let output = consultlens()
        .current_dir(directory.path())
        .args(["analyse", "online.csv", "paper.csv", "--out", "both.xlsx"])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("5 responses, 5 comments from 5 respondents"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not in paper.csv"), "{stderr}");
}

#[test]
fn a_reader_that_stops_early_does_not_stop_the_workbook_being_written() {
    let directory = tempfile::tempdir().expect("temp dir");
    let file = write(directory.path(), "responses.csv", SURVEY_CSV.as_bytes());
    let out = directory.path().join("summary.xlsx");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("consultlens"))
        .arg("analyse")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("runs");
    // As `| head -0` would: nobody reads what it prints.
    drop(child.stdout.take());
    let status = child.wait().expect("finishes");
    assert!(status.success(), "{status}");
    assert!(out.is_file(), "no workbook at {}", out.display());
}

const BAR_SURVEY: &str = "\
Response ID,Respondent type,What do you think of the draft strategy?
R1,Parent or carer,The taxi to school is late every single morning.
R2,Parent or carer,My son waited two years for a taxi and a school place.
R3,SENCO or teacher,Nobody answers the phone at the SEND team.
";

const BAR_CODEBOOK: &str = "name = \"Bar codebook\"
[[theme]]
id = \"transport\"
name = \"Transport\"
keywords = [\"taxi\"]
[[theme]]
id = \"communication\"
name = \"Communication\"
";

fn json_of(output: &std::process::Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

/// `consultlens evaluate FILE ARGS...`, run.
fn evaluate(file: &Path, args: &[&str]) -> std::process::Output {
    consultlens()
        .arg("evaluate")
        .arg(file)
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn a_project_takes_coding_from_a_sheet_and_analyse_and_show_report_it() {
    let directory = tempfile::tempdir().expect("temp dir");
    let dir = directory.path();
    write(dir, "survey.csv", BAR_SURVEY.as_bytes());
    write(dir, "book.toml", BAR_CODEBOOK.as_bytes());
    write(
        dir,
        "coding.csv",
        b"Response,Theme,Action\nR3,Communication,add\nR2,transport,remove\n",
    );
    let run = |args: &[&str]| {
        consultlens()
            .current_dir(dir)
            .args(args)
            .output()
            .expect("runs")
    };
    let made = run(&[
        "project",
        "new",
        "survey.csv",
        "--codebook",
        "book.toml",
        "--out",
        "p.consultlens",
    ]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let coded = run(&["project", "code", "p.consultlens", "--import", "coding.csv"]);
    assert!(
        coded.status.success(),
        "{}",
        String::from_utf8_lossy(&coded.stderr)
    );
    assert!(String::from_utf8_lossy(&coded.stdout).contains("1 added, 1 removed"));

    let analysed = json_of(&run(&["analyse", "p.consultlens", "--json"]));
    assert_eq!(analysed["responses"], 3);
    assert_eq!(analysed["comments"], 3);
    assert_eq!(analysed["respondents_commenting"], 3);
    let respondents = |id: &str| {
        analysed["themes"]
            .as_array()
            .expect("themes")
            .iter()
            .find(|theme| theme["id"] == id)
            .map(|theme| theme["respondents"].clone())
    };
    assert_eq!(respondents("transport"), Some(Value::from(1)));
    assert_eq!(respondents("communication"), Some(Value::from(1)));
    let theme = &analysed["themes"][0];
    for field in ["id", "name", "comments", "respondents", "percent"] {
        assert!(!theme[field].is_null(), "{field} missing from {theme}");
    }

    let shown = json_of(&run(&["project", "show", "p.consultlens", "--json"]));
    assert_eq!(
        shown["manual"],
        serde_json::json!({"added": 1, "removed": 1})
    );
    assert_eq!(shown["sources"][0]["status"], "ok");
    assert_eq!(shown["responses"], 3);
    assert_eq!(shown["quotes"], 0);
    assert_eq!(shown["history"].as_array().map(Vec::len), Some(2));

    let undone = run(&["project", "undo", "p.consultlens"]);
    assert!(String::from_utf8_lossy(&undone.stdout).contains("took in the coding of coding.csv"));
    let shown = json_of(&run(&["project", "show", "p.consultlens", "--json"]));
    assert_eq!(
        shown["manual"],
        serde_json::json!({"added": 0, "removed": 0})
    );
}

#[test]
fn a_coding_sheet_with_unknown_rows_is_listed_and_taken_not_at_all() {
    let directory = tempfile::tempdir().expect("temp dir");
    let dir = directory.path();
    write(dir, "survey.csv", BAR_SURVEY.as_bytes());
    write(dir, "book.toml", BAR_CODEBOOK.as_bytes());
    write(
        dir,
        "coding.csv",
        b"Response,Theme\nR3,Communication\nR9,Communication\nR1,Housing\n",
    );
    let made = consultlens()
        .current_dir(dir)
        .args([
            "project",
            "new",
            "survey.csv",
            "--codebook",
            "book.toml",
            "--out",
            "p.consultlens",
        ])
        .output()
        .expect("runs");
    assert!(made.status.success());
    let coded = consultlens()
        .current_dir(dir)
        .args(["project", "code", "p.consultlens", "--import", "coding.csv"])
        .output()
        .expect("runs");
    assert!(!coded.status.success());
    let message = String::from_utf8_lossy(&coded.stderr);
    assert!(
        message.contains("row 3: no response \"R9\"")
            && message.contains("row 4: no theme \"Housing\"")
            && message.contains("coding.csv"),
        "{message}"
    );
    let shown = consultlens()
        .current_dir(dir)
        .args(["project", "show", "p.consultlens", "--json"])
        .output()
        .expect("runs");
    assert_eq!(json_of(&shown)["manual"]["added"], 0);
}

#[test]
fn project_add_and_reimport_change_the_sources_from_the_command_line() {
    let directory = tempfile::tempdir().expect("temp dir");
    let dir = directory.path();
    write(dir, "survey.csv", BAR_SURVEY.as_bytes());
    write(dir, "book.toml", BAR_CODEBOOK.as_bytes());
    let run = |args: &[&str]| {
        consultlens()
            .current_dir(dir)
            .args(args)
            .output()
            .expect("runs")
    };
    let made = run(&[
        "project",
        "new",
        "survey.csv",
        "--codebook",
        "book.toml",
        "--out",
        "p.consultlens",
    ]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    write(
        dir,
        "paper.csv",
        b"Response ID,Respondent type,What do you think of the draft strategy?\nP1,Parent or carer,The taxi never came.\n",
    );
    let added = run(&["project", "add", "p.consultlens", "paper.csv"]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let shown = json_of(&run(&["project", "show", "p.consultlens", "--json"]));
    assert_eq!(shown["responses"], 4);
    assert_eq!(shown["sources"].as_array().map(Vec::len), Some(2));

    // A newer paper.csv: the project finds it by name among its sources.
    write(
        dir,
        "paper.csv",
        b"Response ID,Respondent type,What do you think of the draft strategy?\nP1,Parent or carer,The taxi never came at all.\nP2,Young person,Fine.\n",
    );
    let shown = json_of(&run(&["project", "show", "p.consultlens", "--json"]));
    assert_eq!(shown["sources"][1]["status"], "changed");
    let reimported = run(&["project", "reimport", "p.consultlens", "paper.csv"]);
    let said = String::from_utf8_lossy(&reimported.stdout);
    assert!(
        reimported.status.success(),
        "{}",
        String::from_utf8_lossy(&reimported.stderr)
    );
    assert!(
        said.contains("re-imported paper.csv: 1 comment changed, 1 new, 0 gone"),
        "{said}"
    );
    assert!(said.contains("response P1"), "{said}");
    let shown = json_of(&run(&["project", "show", "p.consultlens", "--json"]));
    assert_eq!(shown["responses"], 5);
    assert_eq!(shown["sources"][1]["status"], "ok");

    // With several sources and a name that is none of them, it asks which.
    write(dir, "other.csv", BAR_SURVEY.as_bytes());
    let refused = run(&["project", "reimport", "p.consultlens", "other.csv"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--source"));
}

/// Comments with people's labels: transport, staff training, both, or neither, in a pattern the
/// classifier can learn; a second coder who disagrees on every fifth row.
fn labelled_csv() -> String {
    let transport = [
        "The school bus is late every morning",
        "Our taxi driver never turns up on time",
        "Transport to the special school takes an hour",
        "The minibus route was cut without warning",
    ];
    let training = [
        "Teachers need proper autism training",
        "Staff have had no training on ADHD",
        "The teaching assistants want more training courses",
        "Training for staff on sensory needs is missing",
    ];
    let mut csv = String::from("Comment,Coder A,Coder B\n");
    for row in 0..120 {
        let (text, labels) = match row % 3 {
            0 => (transport[row % 4].to_owned(), "Transport"),
            1 => (training[row % 4].to_owned(), "Staff training"),
            _ => (
                format!(
                    "{} and {}",
                    transport[row % 4],
                    training[(row + 1) % 4].to_lowercase()
                ),
                "Transport; Staff training",
            ),
        };
        let second = if row % 5 == 0 { "Transport" } else { labels };
        csv.push_str(&format!("\"{text} ({row})\",{labels},{second}\n"));
    }
    csv
}

#[test]
fn evaluate_gives_learned_suggestions_figures_by_cross_validation() {
    let directory = tempfile::tempdir().expect("temp dir");
    let file = write(directory.path(), "coded.csv", labelled_csv().as_bytes());
    let output = evaluate(
        &file,
        &[
            "--text", "Comment", "--labels", "Coder A", "--folds", "3", "--json",
        ],
    );
    let json = json_of(&output);
    assert_eq!(json["examples"], 120);
    assert_eq!(json["labels"], 2);
    for average in ["micro", "macro"] {
        for measure in ["precision", "recall", "f1"] {
            assert!(json[average][measure].is_number(), "{average} {measure}");
        }
    }
    assert!(json["micro"]["f1"].as_f64().expect("f1") > 0.9, "{json}");
    let per_label = json["per_label"].as_array().expect("per label");
    assert_eq!(per_label.len(), 2);
    assert_eq!(per_label[0]["label"], "Staff training");
    assert_eq!(per_label[0]["support"], 80);
    assert!(json["seconds"].is_number());

    let trained_on_some = evaluate(
        &file,
        &[
            "--text",
            "Comment",
            "--labels",
            "Coder A",
            "--train-size",
            "40",
            "--seed",
            "7",
            "--json",
        ],
    );
    assert_eq!(
        json_of(&trained_on_some)["examples"],
        80,
        "tested on the rest"
    );
}

#[test]
fn evaluate_judges_a_codebooks_rules_and_two_coders_agreement() {
    let directory = tempfile::tempdir().expect("temp dir");
    let file = write(directory.path(), "coded.csv", labelled_csv().as_bytes());
    let codebook = write(
        directory.path(),
        "codebook.toml",
        b"name = \"Test\"\n\n[[theme]]\nid = \"transport\"\nname = \"Transport\"\nkeywords = [\"bus\", \"taxi\", \"transport\", \"minibus\"]\n\n[[theme]]\nid = \"training\"\nname = \"Staff training\"\nkeywords = [\"training\"]\n",
    );
    let codebook = codebook.to_str().expect("a UTF-8 path");
    let rules = evaluate(
        &file,
        &[
            "--text",
            "Comment",
            "--labels",
            "Coder A",
            "--codebook",
            codebook,
            "--json",
        ],
    );
    let json = json_of(&rules);
    assert_eq!(json["examples"], 120);
    // The rules name every theme as the labels do: all found, none wrong.
    assert_eq!(json["micro"]["f1"].as_f64(), Some(1.0), "{json}");

    let coders = evaluate(
        &file,
        &[
            "--text",
            "Comment",
            "--labels",
            "Coder A",
            "--against",
            "Coder B",
            "--json",
        ],
    );
    let json = json_of(&coders);
    let kappa = json["kappa"].as_f64().expect("kappa");
    assert!(kappa > 0.5 && kappa < 1.0, "{json}");
    let per_label = json["per_label"].as_array().expect("per label");
    assert!(per_label.iter().all(|label| label["kappa"].is_number()));

    let unknown = evaluate(&file, &["--text", "Comments", "--labels", "Coder A"]);
    assert!(!unknown.status.success());
    let message = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        message.contains("no column \"Comments\"") && message.contains("coded.csv"),
        "{message}"
    );
}

#[test]
fn evaluate_reads_sentiment_out_of_the_box_and_learns_it() {
    let directory = tempfile::tempdir().expect("temp dir");
    let comments = [
        ("The staff were wonderful and so kind to my son", "positive"),
        (
            "Nobody listened and the school was not helpful at all",
            "negative",
        ),
        ("The review meeting is on a Tuesday", "neutral"),
        ("Brilliant support from the SENCO, thank you", "positive"),
        ("We waited a year and the plan was terrible", "negative"),
        ("The form asks for the child's date of birth", "neutral"),
    ];
    let mut csv = String::from("Comment,Feeling\n");
    for row in 0..60 {
        let (text, feeling) = comments[row % comments.len()];
        csv.push_str(&format!("\"{text} ({row})\",{feeling}\n"));
    }
    let file = write(directory.path(), "feelings.csv", csv.as_bytes());
    let out_of_the_box = evaluate(
        &file,
        &["--text", "Comment", "--sentiment", "Feeling", "--json"],
    );
    let json = json_of(&out_of_the_box);
    assert_eq!(json["examples"], 60);
    assert_eq!(
        json["labels"], 3,
        "no mixed in the file: positive, negative, neutral"
    );
    assert_eq!(json["accuracy"].as_f64(), Some(1.0), "{json}");
    let confusion = &json["confusion"];
    assert_eq!(confusion["labels"][0], "positive");
    assert_eq!(confusion["counts"][0][0], 20);

    let learned = evaluate(
        &file,
        &[
            "--text",
            "Comment",
            "--sentiment",
            "Feeling",
            "--folds",
            "3",
            "--json",
        ],
    );
    let json = json_of(&learned);
    assert!(json["accuracy"].as_f64().expect("accuracy") > 0.9, "{json}");
    assert!(json["macro"]["f1"].is_number() && json["per_label"].as_array().is_some());
}

#[test]
fn discover_groups_what_no_theme_covers_with_terms_examples_and_response_keys() {
    let directory = tempfile::tempdir().expect("temp dir");
    let mut csv = String::from("Response ID,Any other comments?\n");
    for row in 0..45 {
        let comment = match row % 3 {
            0 => format!("The car park lighting is broken and the car park is dark ({row})"),
            1 => format!("Vegan food in the cafe menu would be welcome, more vegan food ({row})"),
            _ => format!("The school bus is late and the bus driver is rude ({row})"),
        };
        csv.push_str(&format!("R-{row},\"{comment}\"\n"));
    }
    let file = write(directory.path(), "comments.csv", csv.as_bytes());
    let codebook = write(
        directory.path(),
        "buses.toml",
        b"name = \"Buses\"\n\n[[theme]]\nid = \"bus\"\nname = \"Bus\"\nkeywords = [\"bus\"]\n",
    );
    let uncovered = consultlens()
        .arg("discover")
        .arg(&file)
        .args(["--groups", "2", "--codebook"])
        .arg(&codebook)
        .arg("--json")
        .output()
        .expect("runs");
    let json = json_of(&uncovered);
    let groups = json["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 2, "{json}");
    for group in groups {
        assert_eq!(group["size"], 15);
        assert_eq!(group["examples"].as_array().expect("examples").len(), 3);
        let members = group["members"].as_array().expect("members");
        assert_eq!(members.len(), 15);
        assert!(
            members
                .iter()
                .all(|key| key.as_str().is_some_and(|key| key.starts_with("R-")))
        );
    }
    let terms = json.to_string();
    assert!(
        terms.contains("car park") && terms.contains("vegan"),
        "{terms}"
    );
    assert!(
        !terms.contains("driver"),
        "the bus comments are covered: {terms}"
    );

    let one_question = consultlens()
        .arg("discover")
        .arg(&file)
        .args(["--column", "Any other comments?", "--groups", "3", "--json"])
        .output()
        .expect("runs");
    let json = json_of(&one_question);
    let sizes: Vec<u64> = json["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|group| group["size"].as_u64())
        .collect();
    assert_eq!(sizes, [15, 15, 15], "{json}");
}

#[test]
fn coded_responses_are_written_as_csv_for_excel_with_personal_data_masked() {
    let directory = tempfile::tempdir().expect("temp dir");
    write(
        directory.path(),
        "responses.csv",
        "Id,Your name,Which of these best describes you?,What are your views?\r\n\
         1,Priya Sharma,Parent or carer,\"Email me at priya.s@example.com or ring 07700 900123, we live at NG7 2RD. Priya\"\r\n\
         2,Tom Ellis,SENCO or teacher,Staff need much more training and CPD on autism.\r\n\
         3,,Young person,The taxi to school is late every single day\r\n"
            .as_bytes(),
    );
    let run = |extra: &[&str]| {
        let output = consultlens()
            .current_dir(directory.path())
            .args([
                "analyse",
                "responses.csv",
                "--csv",
                "coded.csv",
                "--out",
                "summary.xlsx",
            ])
            .args(extra)
            .output()
            .expect("runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        std::fs::read(directory.path().join("coded.csv")).expect("the CSV")
    };
    let bytes = run(&[]);
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "no byte-order mark for Excel"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers = reader.headers().expect("a header").clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|row| row.expect("a row")).collect();
    assert_eq!(rows.len(), 3, "one row per response");
    for name in [
        "Response",
        "What are your views?",
        "Themes",
        "Transport",
        "Workforce development",
    ] {
        assert!(
            headers.iter().any(|header| header == name),
            "{name} in {headers:?}"
        );
    }
    assert!(
        !headers.iter().any(|header| header == "Your name"),
        "personal data column written"
    );
    let views = headers
        .iter()
        .position(|header| header == "What are your views?")
        .expect("views");
    assert_eq!(
        &rows[0][views],
        "Email me at [email removed] or ring [phone removed], we live at [postcode removed]. [name removed]"
    );
    let transport = headers
        .iter()
        .position(|header| header == "Transport")
        .expect("theme");
    assert_eq!(&rows[2][transport], "1");
    assert_eq!(&rows[1][transport], "");

    // The workbook's Coded responses sheet is masked the same way.
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook(directory.path().join("summary.xlsx")).expect("opens");
    let coded = calamine::Reader::worksheet_range(&mut workbook, "Coded responses").expect("sheet");
    let texts: Vec<String> = coded.rows().flatten().map(ToString::to_string).collect();
    assert!(texts.iter().any(|text| text.contains("[email removed]")));
    assert!(
        !texts
            .iter()
            .any(|text| text.contains("priya.s@example.com"))
    );

    // For internal use, --unredacted writes comments as they are.
    let bytes = run(&["--unredacted"]);
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(
        text.contains("priya.s@example.com or ring 07700 900123"),
        "{text}"
    );
}

#[test]
fn quiet_analyse_writes_its_files_and_prints_nothing() {
    let directory = tempfile::tempdir().expect("temp dir");
    // The sample has answers that say nothing, which analyse warns of unless quiet.
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/send_consultation.xlsx");
    let output = consultlens()
        .current_dir(directory.path())
        .arg("analyse")
        .arg(&sample)
        .args(["--out", "summary.xlsx", "--csv", "coded.csv", "--quiet"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    assert!(
        output.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    // Not a terminal, so no progress bar either.
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(directory.path().join("summary.xlsx").is_file());
    assert!(directory.path().join("coded.csv").is_file());
}

#[test]
fn analyse_writes_the_report_and_every_chart_as_png_and_svg() {
    let directory = tempfile::tempdir().expect("temp dir");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/send_consultation.xlsx");
    let output = consultlens()
        .current_dir(directory.path())
        .arg("analyse")
        .arg(&sample)
        .args(["--report", "report.html", "--charts", "charts"])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("wrote report.html and charts in"),
        "{stdout}"
    );
    let html = std::fs::read_to_string(directory.path().join("report.html")).expect("the report");
    assert!(html.contains("Workforce development</h3>"));
    assert!(html.matches("<blockquote").count() >= 10);
    let mut images: Vec<String> = std::fs::read_dir(directory.path().join("charts"))
        .expect("the charts folder")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    images.sort();
    for expected in [
        "agreement-1.png",
        "agreement-1.svg",
        "responses-over-time.png",
        "sentiment-by-theme.svg",
        "theme-frequency.png",
        "theme-frequency.svg",
        "themes-by-group.png",
        "themes-together.svg",
    ] {
        assert!(
            images.iter().any(|image| image == expected),
            "{expected} in {images:?}"
        );
    }
    // Every figure in the report is one of the charts saved.
    assert_eq!(html.matches("<figure").count() * 2, images.len());
}
