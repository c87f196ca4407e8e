//! Exports laid out as each survey tool writes them, made here in the test: header rows, response
//! counts, free-text and personal-data columns, and the platform named in the report.

use std::path::Path;

use consultlens::import::{ImportOptions, Imported, SurveyPlatform, import_bytes};
use consultlens::model::ColumnRole;
use consultlens::progress::Progress;

fn import(name: &str, bytes: &[u8]) -> Imported {
    import_bytes(
        Path::new(name),
        bytes,
        &ImportOptions::default(),
        &Progress::new(),
    )
    .unwrap_or_else(|error| panic!("{error}"))
}

fn names_with_role(imported: &Imported, role: ColumnRole) -> Vec<&str> {
    imported
        .survey
        .columns
        .iter()
        .filter(|column| column.role == role)
        .map(|column| column.name.as_str())
        .collect()
}

#[test]
fn surveymonkey_two_row_header_with_checkbox_group() {
    let csv = "\
Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Which of these best describes you?,Which services have you used?,,,Please tell us why\r\n\
,,,,,,,,Response,SENCO support,CAMHS,Other (please specify),Open-Ended Response\r\n\
114,4321,01/03/2026 09:00,01/03/2026 09:10,81.2.69.160,,,,Parent or carer,SENCO support,,,We waited fourteen months for an EHCP and nobody explained why\r\n\
115,4321,01/03/2026 10:00,01/03/2026 10:12,81.2.69.161,,,,Young person,,CAMHS,,teachers dont get it when im anxious\r\n\
116,4321,02/03/2026 11:00,02/03/2026 11:05,81.2.69.162,,,,SENCO or teacher,SENCO support,CAMHS,Speech therapy,More training for staff on autism would help\r\n";
    let imported = import("surveymonkey.csv", csv.as_bytes());
    let survey = &imported.survey;
    assert_eq!(imported.report.platform, Some(SurveyPlatform::SurveyMonkey));
    assert_eq!(survey.sources[0].header_rows, Some((1, 2)));
    assert_eq!(survey.response_count(), 3);
    let names: Vec<&str> = survey
        .columns
        .iter()
        .map(|column| column.name.as_str())
        .collect();
    assert!(
        names.contains(&"Which services have you used? - CAMHS"),
        "{names:?}"
    );
    assert!(
        names.contains(&"Which of these best describes you?"),
        "{names:?}"
    );
    // SurveyMonkey's "Other (please specify)" column holds what people typed.
    assert_eq!(
        names_with_role(&imported, ColumnRole::FreeText),
        [
            "Which services have you used? - Other (please specify)",
            "Please tell us why"
        ]
    );
    // Personal by their headings, even where nobody answered.
    assert_eq!(
        names_with_role(&imported, ColumnRole::Personal),
        ["IP Address", "Email Address", "First Name", "Last Name"]
    );
}

#[test]
fn google_forms_sheet_with_comma_joined_choices() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Form Responses 1").expect("name");
    let rows: [[&str; 4]; 5] = [
        [
            "Timestamp",
            "Email Address",
            "Which services have you used?",
            "What would make the biggest difference?",
        ],
        [
            "",
            "a@example.org",
            "CAMHS, Portage",
            "Shorter waits for speech and language therapy",
        ],
        [
            "",
            "b@example.org",
            "Portage",
            "Someone who answers the phone and keeps us informed",
        ],
        [
            "",
            "c@example.org",
            "Short breaks, CAMHS",
            "Training for every teacher on autism and ADHD",
        ],
        [
            "",
            "d@example.org",
            "CAMHS, Short breaks",
            "Less waiting for the EHCP needs assessment",
        ],
    ];
    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (row, cells) in rows.iter().enumerate() {
        let row = u32::try_from(row).expect("small");
        for (column, text) in cells.iter().enumerate() {
            let column = u16::try_from(column).expect("small");
            if row > 0 && column == 0 {
                let when = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 3, 2).expect("date");
                sheet
                    .write_datetime_with_format(row, 0, &when, &format)
                    .expect("date cell");
            } else {
                sheet.write_string(row, column, *text).expect("cell");
            }
        }
    }
    // Google's sheets carry about a thousand empty rows and 26 columns.
    sheet.write_string(999, 25, " ").expect("far cell");
    let bytes = workbook.save_to_buffer().expect("workbook");
    let imported = import("google.xlsx", &bytes);
    assert_eq!(imported.report.platform, Some(SurveyPlatform::GoogleForms));
    assert_eq!(imported.survey.response_count(), 4);
    assert_eq!(imported.survey.columns.len(), 4);
    assert_eq!(
        names_with_role(&imported, ColumnRole::Timestamp),
        ["Timestamp"]
    );
    assert_eq!(
        names_with_role(&imported, ColumnRole::Personal),
        ["Email Address"]
    );
    assert_eq!(
        names_with_role(&imported, ColumnRole::MultiSelect),
        ["Which services have you used?"]
    );
    assert_eq!(
        names_with_role(&imported, ColumnRole::FreeText),
        ["What would make the biggest difference?"]
    );
}

#[test]
fn numbered_questions_under_a_title_and_notes() {
    let csv = "\
SEND strategy consultation,,,\n\
Exported 3 April 2026,,,\n\
,,,\n\
Response ID,Q1 - Which best describes you?,Q2 - How far do you agree with the priorities?,Q3 - Please explain your answer\n\
ANON-1,Parent or carer,Agree,The priorities are right but the EHCP delays have to be fixed first\n\
ANON-2,Professional,Disagree,Nothing about funding for specialist places in the plan\n\
ANON-3,Parent or carer,Agree,Communication with families has been poor for years\n";
    let imported = import("citizen-space.csv", csv.as_bytes());
    assert_eq!(
        imported.report.platform,
        Some(SurveyPlatform::NumberedQuestions)
    );
    assert_eq!(imported.survey.sources[0].header_rows, Some((4, 4)));
    assert_eq!(imported.survey.response_count(), 3);
    assert_eq!(
        names_with_role(&imported, ColumnRole::FreeText),
        ["Q3 - Please explain your answer"]
    );
    assert_eq!(
        names_with_role(&imported, ColumnRole::Identifier),
        ["Response ID"]
    );
}

#[test]
fn microsoft_forms_windows_1252_csv_with_pound_signs() {
    let mut bytes =
        b"Id,Start time,Completion time,Email,Name,What would make the biggest difference?\r\n"
            .to_vec();
    bytes.extend_from_slice(
        b"1,3/2/26 9:14,3/2/26 9:20,anonymous,,\xA3500 more per pupil wouldn\x92t go far\r\n",
    );
    bytes.extend_from_slice(
        b"2,3/2/26 10:01,3/2/26 10:09,anonymous,,Staff training on autism \x96 urgently\r\n",
    );
    let imported = import("forms.csv", &bytes);
    assert_eq!(
        imported.report.platform,
        Some(SurveyPlatform::MicrosoftForms)
    );
    let comment = imported.survey.columns[5]
        .values
        .get(0)
        .expect("a row")
        .display();
    assert_eq!(comment, "£500 more per pupil wouldn’t go far");
    assert!(
        imported
            .report
            .warnings
            .iter()
            .any(|warning| warning.to_string().contains("windows-1252"))
    );
}

#[test]
fn qualtrics_text_entry_and_other_columns() {
    let csv = "\
StartDate,EndDate,IPAddress,ResponseId,Q1,Q1_4_TEXT,Q2\n\
Start Date,End Date,IP Address,Response ID,Who are you? - Selected Choice,Who are you? - Other - Text,Any other comments?\n\
\"{\"\"ImportId\"\":\"\"startDate\"\"}\",\"{\"\"ImportId\"\":\"\"endDate\"\"}\",\"{\"\"ImportId\"\":\"\"ipAddress\"\"}\",\"{\"\"ImportId\"\":\"\"_recordId\"\"}\",\"{\"\"ImportId\"\":\"\"QID1\"\"}\",\"{\"\"ImportId\"\":\"\"QID1_4_TEXT\"\"}\",\"{\"\"ImportId\"\":\"\"QID2_TEXT\"\"}\"\n\
2026-03-02 09:00:00,2026-03-02 09:05:00,81.2.69.160,R_1,Parent,,Too long to wait\n\
2026-03-02 10:00:00,2026-03-02 10:05:00,81.2.69.161,R_2,Other,Grandparent,Good plan\n";
    let imported = import("qualtrics.csv", csv.as_bytes());
    assert_eq!(imported.report.platform, Some(SurveyPlatform::Qualtrics));
    assert_eq!(imported.survey.sources[0].header_rows, Some((1, 3)));
    assert_eq!(imported.survey.response_count(), 2);
    assert_eq!(
        names_with_role(&imported, ColumnRole::FreeText),
        ["Who are you? - Other - Text", "Any other comments?"]
    );
    assert_eq!(
        names_with_role(&imported, ColumnRole::Personal),
        ["IP Address"]
    );
}
