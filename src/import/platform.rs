//! Which survey tool made an export, from the marks each leaves in its header.

use std::fmt;

use serde::Serialize;

use crate::heading::normalise_heading;
use crate::model::ColumnRole;

/// A survey tool whose export layout ConsultLens recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SurveyPlatform {
    /// Id, Start time, Completion time, Email, Name, then the questions.
    MicrosoftForms,
    /// Timestamp first; sheet "Form Responses 1".
    GoogleForms,
    /// Respondent ID and Collector ID; a second header row of Response / Open-Ended Response.
    SurveyMonkey,
    /// Question-code and ImportId header rows, or its StartDate/ResponseId fields.
    Qualtrics,
    /// Numbered "Q1 - question" headings, as Citizen Space and SmartSurvey write them.
    NumberedQuestions,
}

impl fmt::Display for SurveyPlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SurveyPlatform::MicrosoftForms => "Microsoft Forms",
            SurveyPlatform::GoogleForms => "Google Forms",
            SurveyPlatform::SurveyMonkey => "SurveyMonkey",
            SurveyPlatform::Qualtrics => "Qualtrics",
            SurveyPlatform::NumberedQuestions => {
                "Citizen Space or SmartSurvey (numbered questions)"
            }
        })
    }
}

/// A column a survey tool adds about the response itself, known by its field name.
struct ToolField {
    /// The name as the tool writes it (compared by letters and digits only, ignoring case).
    name: &'static str,
    /// What the column holds.
    role: ColumnRole,
    /// The tool whose exports it marks, when it is that tool's own.
    marks: Option<SurveyPlatform>,
}

const fn field(name: &'static str, role: ColumnRole, marks: Option<SurveyPlatform>) -> ToolField {
    ToolField { name, role, marks }
}

const QUALTRICS: Option<SurveyPlatform> = Some(SurveyPlatform::Qualtrics);
const SURVEYMONKEY: Option<SurveyPlatform> = Some(SurveyPlatform::SurveyMonkey);
const MICROSOFT_FORMS: Option<SurveyPlatform> = Some(SurveyPlatform::MicrosoftForms);
const GOOGLE_FORMS: Option<SurveyPlatform> = Some(SurveyPlatform::GoogleForms);

/// The sub-label SurveyMonkey writes under a question that takes a written answer.
pub const OPEN_ENDED_SUBLABEL: &str = "Open-Ended Response";

/// The sheet Google Forms writes its responses to.
const GOOGLE_FORMS_SHEET: &str = "Form Responses 1";

/// The fields survey tools add, the one list of them: roles, header detection (a row of
/// question codes may hold them) and platform recognition all read it.
const TOOL_FIELDS: [ToolField; 32] = [
    field("Start time", ColumnRole::Timestamp, MICROSOFT_FORMS),
    field("Completion time", ColumnRole::Timestamp, MICROSOFT_FORMS),
    field("Name", ColumnRole::Personal, None),
    field("Timestamp", ColumnRole::Timestamp, GOOGLE_FORMS),
    field("Respondent ID", ColumnRole::Identifier, SURVEYMONKEY),
    field("Collector ID", ColumnRole::Identifier, SURVEYMONKEY),
    field("StartDate", ColumnRole::Timestamp, QUALTRICS),
    field("EndDate", ColumnRole::Timestamp, None),
    field("RecordedDate", ColumnRole::Timestamp, QUALTRICS),
    field("ResponseId", ColumnRole::Identifier, QUALTRICS),
    field("_recordId", ColumnRole::Identifier, QUALTRICS),
    field("ResponseSet", ColumnRole::Ignore, QUALTRICS),
    field("Status", ColumnRole::Ignore, None),
    field("Progress", ColumnRole::Ignore, None),
    field("Duration (in seconds)", ColumnRole::Ignore, QUALTRICS),
    field("Duration", ColumnRole::Ignore, None),
    field("Finished", ColumnRole::Ignore, None),
    field("IPAddress", ColumnRole::Personal, None),
    field("RecipientLastName", ColumnRole::Personal, QUALTRICS),
    field("RecipientFirstName", ColumnRole::Personal, QUALTRICS),
    field("RecipientEmail", ColumnRole::Personal, QUALTRICS),
    field("EmailAddress", ColumnRole::Personal, None),
    field("ExternalReference", ColumnRole::Identifier, QUALTRICS),
    field("ExternalDataReference", ColumnRole::Identifier, QUALTRICS),
    field("LocationLatitude", ColumnRole::Personal, QUALTRICS),
    field("LocationLongitude", ColumnRole::Personal, QUALTRICS),
    field("LocationAccuracy", ColumnRole::Personal, QUALTRICS),
    field("DistributionChannel", ColumnRole::Ignore, QUALTRICS),
    field("UserLanguage", ColumnRole::Ignore, QUALTRICS),
    field("Q_RecaptchaScore", ColumnRole::Ignore, QUALTRICS),
    field("Submit date", ColumnRole::Timestamp, None),
    field("Date submitted", ColumnRole::Timestamp, None),
];

/// A field name reduced to its letters and digits, lower-case: `Start Date` and `startDate`
/// are the same field.
fn field_key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|character| character.to_ascii_lowercase())
        .collect()
}

fn tool_field(name: &str) -> Option<&'static ToolField> {
    let key = field_key(name);
    if key.is_empty() {
        return None;
    }
    TOOL_FIELDS
        .iter()
        .find(|field| field_key(field.name) == key)
}

/// The role of a column a survey tool adds, by its name or code, with the field's name.
pub fn tool_field_role(name: &str) -> Option<(ColumnRole, &'static str)> {
    tool_field(name).map(|field| (field.role, field.name))
}

/// Whether `name` is a field a survey tool adds.
pub fn is_tool_field(name: &str) -> bool {
    tool_field(name).is_some()
}

/// What the header shows, for recognising the platform.
pub struct HeaderMarks<'a> {
    /// The combined column names.
    pub names: &'a [String],
    /// The survey tool's codes, where the header has them.
    pub codes: &'a [Option<String>],
    /// The header rows' cells as written, top row first.
    pub header_cells: Vec<&'a str>,
    /// The worksheet, for workbooks.
    pub sheet: Option<&'a str>,
}

/// Fields of a tool's own that together name it.
const MARKS_NEEDED: usize = 2;

/// The platform whose marks the header carries, if any.
pub fn recognise(marks: &HeaderMarks<'_>) -> Option<SurveyPlatform> {
    let marked = |platform: SurveyPlatform| {
        marks
            .names
            .iter()
            .chain(marks.codes.iter().flatten())
            .filter_map(|name| tool_field(name))
            .filter(|field| field.marks == Some(platform))
            .map(|field| field.name)
            .collect::<std::collections::HashSet<_>>()
            .len()
            >= MARKS_NEEDED
    };
    if marks
        .codes
        .iter()
        .flatten()
        .any(|code| code.starts_with("QID"))
        || marked(SurveyPlatform::Qualtrics)
    {
        return Some(SurveyPlatform::Qualtrics);
    }
    if marked(SurveyPlatform::MicrosoftForms) {
        return Some(SurveyPlatform::MicrosoftForms);
    }
    if marked(SurveyPlatform::SurveyMonkey)
        || marks
            .header_cells
            .iter()
            .any(|cell| normalise_heading(cell) == normalise_heading(OPEN_ENDED_SUBLABEL))
    {
        return Some(SurveyPlatform::SurveyMonkey);
    }
    // Google Forms marks its exports with one field, always the first column.
    let first_marks_google = marks
        .names
        .first()
        .and_then(|first| tool_field(first))
        .is_some_and(|field| field.marks == GOOGLE_FORMS);
    if first_marks_google || marks.sheet == Some(GOOGLE_FORMS_SHEET) {
        return Some(SurveyPlatform::GoogleForms);
    }
    let numbered = marks
        .names
        .iter()
        .filter(|name| is_numbered_question(name))
        .count();
    (numbered >= 2).then_some(SurveyPlatform::NumberedQuestions)
}

/// "Q1 - …", "Prop 1 Q8 - …", "1. …": a question number before the text.
fn is_numbered_question(name: &str) -> bool {
    let Some((label, rest)) = name.split_once(" - ").or_else(|| name.split_once(". ")) else {
        return false;
    };
    let label = label.trim();
    !rest.trim().is_empty()
        && label.len() <= 16
        && label.chars().any(|c| c.is_ascii_digit())
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|name| (*name).to_owned()).collect()
    }

    fn recognise_names(list: &[&str]) -> Option<SurveyPlatform> {
        let names = names(list);
        recognise(&HeaderMarks {
            names: &names,
            codes: &[],
            header_cells: Vec::new(),
            sheet: None,
        })
    }

    #[test]
    fn each_platform_by_its_marks() {
        assert_eq!(
            recognise_names(&["Id", "Start time", "Completion time", "Email", "Name", "Q"]),
            Some(SurveyPlatform::MicrosoftForms)
        );
        assert_eq!(
            recognise_names(&["Timestamp", "Your views"]),
            Some(SurveyPlatform::GoogleForms)
        );
        assert_eq!(
            recognise_names(&["Respondent ID", "Collector ID", "Start Date"]),
            Some(SurveyPlatform::SurveyMonkey)
        );
        assert_eq!(
            recognise_names(&["StartDate", "ResponseId", "Q1"]),
            Some(SurveyPlatform::Qualtrics)
        );
        assert_eq!(
            recognise_names(&[
                "Respondent type",
                "Prop 1 Q1 - Do you agree?",
                "Prop 1 Q8 - Please explain"
            ]),
            Some(SurveyPlatform::NumberedQuestions)
        );
        assert_eq!(recognise_names(&["Role", "Comment"]), None);
        assert_eq!(
            recognise_names(&["Respondent ID", "Start Date", "End Date", "IP Address"]),
            None,
            "one mark of SurveyMonkey and none of its others"
        );
    }

    #[test]
    fn tool_fields_are_matched_by_letters_and_digits() {
        assert_eq!(
            tool_field_role("startDate"),
            Some((ColumnRole::Timestamp, "StartDate"))
        );
        assert_eq!(
            tool_field_role("Start Date").map(|(role, _)| role),
            Some(ColumnRole::Timestamp)
        );
        assert!(is_tool_field("IP Address"));
        assert!(!is_tool_field("Comment"));
        assert!(!is_tool_field("--"));
    }
}
