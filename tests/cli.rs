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
