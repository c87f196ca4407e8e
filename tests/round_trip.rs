//! A workbook built in memory, imported, tagged, summarised, exported and read back.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::Workbook;

use consultlens::analysis::{Summary, summarise};
use consultlens::codebook::Codebook;
use consultlens::export::{Highlights, SHEET_NAMES, write_summary_workbook};
use consultlens::import::{ImportOptions, import_file};
use consultlens::model::{ColumnRole, Survey};
use consultlens::progress::Progress;
use consultlens::tagging::{Tagging, tag_survey};

const COMMENTS: [&str; 6] = [
    "Staff need far more training on autism; the CPD offer is thin.",
    "=== frustrated === nobody is held to account when the EHCP is late",
    "+1 to more training for teaching assistants",
    "@council please keep us informed, communication has been awful",
    "- more staff training",
    "We waited 14 months for the EHCP and the annual review never happened.",
];

/// A Microsoft-Forms-like export with a title row above the header.
fn build_survey(directory: &Path) -> PathBuf {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Responses").expect("name");
    sheet
        .write_string(0, 0, "SEND strategy consultation – export")
        .expect("title");
    let header = [
        "Id",
        "Email",
        "Which of these best describes you?",
        "How much do you agree with Priority 1?",
        "What are your views on the priorities?",
    ];
    for (column, name) in header.iter().enumerate() {
        sheet
            .write_string(2, u16::try_from(column).expect("small"), *name)
            .expect("header");
    }
    let roles = [
        "Parent or carer",
        "SENCO or teacher",
        "Parent or carer",
        "Young person",
        "SENCO or teacher",
        "Parent or carer",
    ];
    let agreement = [
        "Agree",
        "Strongly agree",
        "Disagree",
        "Agree",
        "Agree",
        "Neither agree nor disagree",
    ];
    for (index, comment) in COMMENTS.iter().enumerate() {
        let row = u32::try_from(index + 3).expect("small");
        sheet
            .write_number(row, 0, f64::from(u32::try_from(index + 1).expect("small")))
            .expect("id");
        sheet
            .write_string(row, 1, format!("person{index}@example.org"))
            .expect("email");
        sheet.write_string(row, 2, roles[index]).expect("role");
        sheet
            .write_string(row, 3, agreement[index])
            .expect("likert");
        sheet.write_string(row, 4, *comment).expect("comment");
    }
    let path = directory.join("responses.xlsx");
    workbook.save(&path).expect("saves");
    path
}

fn cell_text(value: Option<&Data>) -> String {
    match value {
        Some(Data::String(text)) => text.clone(),
        Some(Data::Float(number)) => number.to_string(),
        Some(Data::Int(number)) => number.to_string(),
        Some(Data::Empty) | None => String::new(),
        other => format!("{other:?}"),
    }
}

#[test]
fn import_tag_export_and_read_back() {
    let directory = tempfile::tempdir().expect("temp dir");
    let input = build_survey(directory.path());
    let input_before = std::fs::read(&input).expect("reads input");

    let (survey, codebook, tagging, summary) = analyse(&input);
    assert_eq!(survey.sources[0].header_rows, Some((3, 3)));
    assert_eq!(survey.response_count(), 6);
    let roles: Vec<ColumnRole> = survey.columns.iter().map(|column| column.role).collect();
    assert_eq!(
        roles,
        [
            ColumnRole::Identifier,
            ColumnRole::Personal,
            ColumnRole::Attribute,
            ColumnRole::Closed,
            ColumnRole::FreeText
        ]
    );

    let workforce = summary
        .themes
        .iter()
        .find(|theme| theme.name == "Workforce development")
        .expect("theme");
    assert_eq!(workforce.respondents, 3, "{workforce:?}");

    let output = directory.path().join("summary.xlsx");
    write_summary_workbook(
        &output,
        &survey,
        &codebook,
        &tagging,
        &summary,
        &Highlights::default(),
        None,
    )
    .expect("exports");
    assert_eq!(
        std::fs::read(&input).expect("reads input"),
        input_before,
        "the input file changed"
    );

    let mut workbook: Xlsx<_> = open_workbook(&output).expect("opens export");
    assert_eq!(workbook.sheet_names(), SHEET_NAMES.map(str::to_owned));

    let themes = workbook.worksheet_range("Themes").expect("themes sheet");
    let rows: Vec<(String, String)> = themes
        .rows()
        .skip(1)
        .take_while(|row| !row.first().is_none_or(|cell| matches!(cell, Data::Empty)))
        .map(|row| (cell_text(row.first()), cell_text(row.get(3))))
        .collect();
    assert!(
        rows.contains(&("Workforce development".to_owned(), "3".to_owned())),
        "{rows:?}"
    );

    let coded = workbook
        .worksheet_range("Coded responses")
        .expect("coded sheet");
    let header: Vec<String> = coded
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(|cell| cell_text(Some(cell)))
        .collect();
    assert!(
        !header.iter().any(|name| name == "Email"),
        "personal data exported: {header:?}"
    );
    let comment_column = header
        .iter()
        .position(|name| name == "What are your views on the priorities?")
        .expect("comment column");
    let workforce_column = header
        .iter()
        .position(|name| name == "Workforce development")
        .expect("0/1 column");
    let second = coded.rows().nth(2).expect("second response");
    assert_eq!(
        second.get(comment_column),
        Some(&Data::String(COMMENTS[1].to_owned()))
    );
    for (index, comment) in COMMENTS.iter().enumerate() {
        let row = coded.rows().nth(index + 1).expect("response row");
        assert_eq!(
            cell_text(row.get(comment_column)),
            *comment,
            "formula-like text must stay text"
        );
    }
    let flags: Vec<String> = coded
        .rows()
        .skip(1)
        .map(|row| cell_text(row.get(workforce_column)))
        .collect();
    // A blank where the response does not raise the theme.
    assert_eq!(flags, ["1", "", "1", "", "1", ""]);
    let formulas = workbook
        .worksheet_formula("Coded responses")
        .expect("formulas");
    assert!(
        formulas.used_cells().next().is_none(),
        "a comment became a formula"
    );

    let bytes = std::fs::read(&output).expect("reads export");
    let has_chart = bytes
        .windows(b"xl/charts/chart1.xml".len())
        .any(|window| window == b"xl/charts/chart1.xml");
    assert!(has_chart, "the themes sheet has no native chart");
}

/// Imports, tags with the SEND codebook and summarises the survey at `input`.
fn analyse(input: &Path) -> (Survey, Codebook, Tagging, Summary) {
    let survey = import_file(input, &ImportOptions::default(), &Progress::new())
        .expect("imports")
        .survey;
    let codebook = Codebook::built_in("send-strategy").expect("codebook");
    let tagging = tag_survey(&survey, &codebook, &Progress::new()).expect("tags");
    let summary = summarise(&survey, &codebook, &tagging);
    (survey, codebook, tagging, summary)
}

#[test]
fn export_refuses_to_overwrite_the_input() {
    let directory = tempfile::tempdir().expect("temp dir");
    let input = build_survey(directory.path());
    let before = std::fs::read(&input).expect("reads");
    let (survey, codebook, tagging, summary) = analyse(&input);
    let error = write_summary_workbook(
        &input,
        &survey,
        &codebook,
        &tagging,
        &summary,
        &Highlights::default(),
        None,
    )
    .expect_err("refuses");
    assert!(error.to_string().contains("will not overwrite"), "{error}");
    assert_eq!(std::fs::read(&input).expect("reads"), before);
}

#[test]
fn overview_figures_are_numbers_and_the_method_names_the_non_answers() {
    let directory = tempfile::tempdir().expect("temp dir");
    let input = build_survey(directory.path());
    let (survey, codebook, tagging, summary) = analyse(&input);
    let output = directory.path().join("summary.xlsx");
    write_summary_workbook(
        &output,
        &survey,
        &codebook,
        &tagging,
        &summary,
        &Highlights::default(),
        None,
    )
    .expect("exports");

    let mut workbook: Xlsx<_> = open_workbook(&output).expect("opens export");
    let overview = workbook.worksheet_range("Overview").expect("overview");
    let value_of = |label: &str| {
        overview
            .rows()
            .find(|row| cell_text(row.first()) == label)
            .and_then(|row| row.get(1).cloned())
            .unwrap_or_else(|| panic!("no row {label}"))
    };
    assert_eq!(value_of("Responses"), Data::Float(6.0));
    assert_eq!(
        value_of("Comments (free-text answers that say something)"),
        Data::Float(6.0)
    );
    assert_eq!(
        value_of("Respondents who wrote at least one comment"),
        Data::Float(6.0)
    );
    assert!(matches!(
        value_of("Comments no theme covers"),
        Data::Float(_)
    ));
    assert!(
        cell_text(Some(&value_of("Method"))).contains("are not counted as comments"),
        "the method note says how answers that say nothing are treated"
    );
}
