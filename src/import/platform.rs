//! Which survey tool made an export, from the marks each leaves in its header.

use std::fmt;

use serde::Serialize;

use super::combine::normalise_heading;

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

/// The platform whose marks the header carries, if any.
pub fn recognise(marks: &HeaderMarks<'_>) -> Option<SurveyPlatform> {
    let names: Vec<String> = marks
        .names
        .iter()
        .map(|name| normalise_heading(name))
        .collect();
    let has = |wanted: &str| names.iter().any(|name| name == wanted);
    let starts = |prefix: &[&str]| {
        names
            .iter()
            .map(String::as_str)
            .take(prefix.len())
            .eq(prefix.iter().copied())
    };
    let cells = || {
        marks
            .header_cells
            .iter()
            .map(|cell| normalise_heading(cell))
    };

    if marks
        .codes
        .iter()
        .flatten()
        .any(|code| code.starts_with("QID"))
        || (has("responseid") && has("startdate"))
    {
        return Some(SurveyPlatform::Qualtrics);
    }
    if starts(&["id", "start time", "completion time", "email", "name"]) {
        return Some(SurveyPlatform::MicrosoftForms);
    }
    if (has("respondent id") && has("collector id"))
        || cells().any(|cell| cell == "open ended response")
    {
        return Some(SurveyPlatform::SurveyMonkey);
    }
    if names.first().is_some_and(|first| first == "timestamp")
        || marks.sheet == Some("Form Responses 1")
    {
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
    }
}
