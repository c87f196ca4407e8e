//! Files made by real survey tools and spreadsheet programs, in `../shared/fixtures/real-exports/`.
//! Each test skips itself when that folder is absent (it is not part of the project).

use std::path::{Path, PathBuf};

use consultlens::import::{ImportOptions, Imported, import_file};
use consultlens::model::ColumnRole;
use consultlens::progress::Progress;

fn fixture(name: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/real-exports")
        .join(name);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("skipped: {} is not here", path.display());
        None
    }
}

fn import(path: &Path) -> Imported {
    import_file(path, &ImportOptions::default(), &Progress::new())
        .unwrap_or_else(|error| panic!("{error}"))
}

fn free_text_names(imported: &Imported) -> Vec<&str> {
    imported
        .survey
        .columns
        .iter()
        .filter(|column| column.role == ColumnRole::FreeText)
        .map(|column| column.name.as_str())
        .collect()
}

#[test]
fn google_forms_xlsx_and_its_csv_agree() {
    let (Some(xlsx), Some(csv)) = (
        fixture("googleforms_uva_hotdog_sp24.xlsx"),
        fixture("googleforms_uva_hotdog_sp24_resaved.csv"),
    ) else {
        return;
    };
    let from_xlsx = import(&xlsx);
    let from_csv = import(&csv);
    assert_eq!(
        from_xlsx.survey.sources[0].sheet.as_deref(),
        Some("Form Responses 1")
    );
    for imported in [&from_xlsx, &from_csv] {
        let survey = &imported.survey;
        assert_eq!(survey.sources[0].header_rows, Some((1, 1)));
        assert_eq!(survey.response_count(), 91);
        assert_eq!(survey.columns[0].role, ColumnRole::Timestamp);
        assert_eq!(
            survey.columns[2].role,
            ColumnRole::FreeText,
            "column C holds the rationale"
        );
    }
    let roles = |imported: &Imported| {
        imported
            .survey
            .columns
            .iter()
            .map(|column| column.role)
            .collect::<Vec<_>>()
    };
    assert_eq!(roles(&from_xlsx), roles(&from_csv));
    assert_eq!(free_text_names(&from_xlsx), free_text_names(&from_csv));
}

#[test]
fn header_on_row_nine_below_a_stray_note() {
    let Some(path) = fixture("calamine_header-row.xlsx") else {
        return;
    };
    let survey = import(&path).survey;
    assert_eq!(survey.sources[0].header_rows, Some((9, 9)));
    let names: Vec<&str> = survey
        .columns
        .iter()
        .map(|column| column.name.as_str())
        .collect();
    assert_eq!(names, ["Columns", "Column A", "Column B", "Column C"]);
    assert_eq!(survey.source_rows, [10]);
}

#[test]
fn citizen_space_numbered_questions_find_both_free_text_columns() {
    let Some(path) = fixture("iai_responses_lgr_format.csv") else {
        return;
    };
    let imported = import(&path);
    let free_text = free_text_names(&imported);
    assert!(
        free_text.iter().any(|name| name.starts_with("Prop 1 Q8")),
        "{free_text:?}"
    );
    assert!(
        free_text.iter().any(|name| name.starts_with("Prop 2 Q8")),
        "{free_text:?}"
    );
}

#[test]
fn every_real_export_imports_or_fails_with_a_sentence_naming_it() {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/real-exports");
    if !folder.is_dir() {
        eprintln!("skipped: {} is not here", folder.display());
        return;
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("lists fixtures")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        match import_file(&path, &ImportOptions::default(), &Progress::new()) {
            Ok(imported) => assert!(imported.survey.response_count() > 0, "{name}"),
            Err(error) => assert!(error.to_string().contains(&name), "{name}: {error}"),
        }
    }
}

#[test]
fn qualtrics_three_row_header_uses_question_text_and_import_ids() {
    let Some(path) = fixture("qualtrics_qualtRics_sample.csv") else {
        return;
    };
    let imported = import(&path);
    let survey = &imported.survey;
    assert_eq!(survey.sources[0].header_rows, Some((1, 3)));
    assert_eq!(survey.response_count(), 1);
    assert_eq!(
        free_text_names(&imported),
        ["This is a free text question."]
    );
    let role_of = |name: &str| {
        survey
            .columns
            .iter()
            .find(|column| column.name == name)
            .map(|column| column.role)
    };
    assert_eq!(role_of("IP-Adresse"), Some(ColumnRole::Personal));
    assert_eq!(role_of("Anfangsdatum"), Some(ColumnRole::Timestamp));
    assert_eq!(role_of("Antwort-ID"), Some(ColumnRole::Identifier));
}

#[test]
fn legacy_qualtrics_two_row_header_with_bom() {
    let Some(path) = fixture("qualtrics_qualtRics_sample_legacy.csv") else {
        return;
    };
    let imported = import(&path);
    assert_eq!(imported.survey.sources[0].header_rows, Some((1, 2)));
    assert_eq!(imported.survey.response_count(), 1);
    assert_eq!(
        imported.survey.columns[0].name, "ResponseID",
        "the byte-order mark is not part of the name"
    );
    assert_eq!(
        free_text_names(&imported),
        ["This is a free text question."]
    );
}

#[test]
fn code_row_then_question_row() {
    let Some(path) = fixture("iai_responses_biomass_format.csv") else {
        return;
    };
    let survey = import(&path).survey;
    assert_eq!(survey.sources[0].header_rows, Some((1, 2)));
    assert_eq!(survey.response_count(), 5);
    assert_eq!(survey.columns[0].name, "What is your name?");
}

#[test]
fn empty_record_after_the_header_is_skipped() {
    let Some(path) = fixture("iai_responses_scr_format.csv") else {
        return;
    };
    let imported = import(&path);
    assert_eq!(imported.survey.sources[0].header_rows, Some((1, 1)));
    assert_eq!(imported.survey.response_count(), 5);
    assert_eq!(free_text_names(&imported).len(), 1);
}

#[test]
fn headerless_sheet_with_hidden_and_chart_sheets() {
    let Some(path) = fixture("calamine_any_sheets.xlsx") else {
        return;
    };
    let imported = import(&path);
    assert_eq!(imported.survey.sources[0].sheet.as_deref(), Some("Visible"));
    assert_eq!(imported.survey.sources[0].header_rows, None);
    let warnings: Vec<String> = imported
        .report
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect();
    for expected in [
        "hidden sheet \"Hidden\"",
        "hidden sheet \"VeryHidden\"",
        "\"Chart\", which is a chart",
    ] {
        assert!(
            warnings.iter().any(|warning| warning.contains(expected)),
            "{expected}: {warnings:?}"
        );
    }
}

#[test]
fn dates_in_the_1904_system() {
    let Some(path) = fixture("calamine_date_1904.xlsx") else {
        return;
    };
    let survey = import(&path).survey;
    let first: Vec<String> = survey.columns[0]
        .values
        .iter()
        .take(2)
        .map(consultlens::model::ValueRef::display)
        .collect();
    assert_eq!(first, ["2021-01-01 00:00:00", "2021-01-02 00:00:00"]);
}

#[test]
fn two_row_merged_header() {
    let Some(path) = fixture("calamine_merged_range.xlsx") else {
        return;
    };
    let imported = import(&path);
    assert_eq!(imported.survey.sources[0].header_rows, Some((1, 2)));
    assert_eq!(imported.survey.response_count(), 2);
    let names: Vec<&str> = imported
        .survey
        .columns
        .iter()
        .map(|column| column.name.as_str())
        .collect();
    assert_eq!(names, ["A1", "B1", "C1", "E1", "F1", "G1", "H1"]);
    assert!(
        imported
            .report
            .warnings
            .iter()
            .all(|warning| !warning.to_string().contains("blank row"))
    );
}
