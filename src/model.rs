//! The survey as the rest of the engine sees it: columns of typed values, one row per response.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// Position of a column in [`Survey::columns`] (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ColumnId(pub usize);

/// Position of a response in the survey (0-based, in file order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ResponseId(pub usize);

/// What a column holds, which decides how the engine treats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRole {
    /// A response id: unique per row, not analysed.
    Identifier,
    /// When the response was started or submitted.
    Timestamp,
    /// Something about the respondent (respondent type, area, setting) that answers can be split by.
    Attribute,
    /// A closed question: single choice or an agreement (Likert) scale.
    Closed,
    /// A question where several choices are joined in one cell.
    MultiSelect,
    /// A numeric answer.
    Number,
    /// A free-text answer: the comments that get themes.
    FreeText,
    /// Personal data (name, email, phone, IP address): never exported.
    Personal,
    /// Not used in the analysis.
    Ignore,
}

impl ColumnRole {
    /// Every role, in the order the GUI offers them.
    pub const ALL: [ColumnRole; 9] = [
        ColumnRole::FreeText,
        ColumnRole::Attribute,
        ColumnRole::Closed,
        ColumnRole::MultiSelect,
        ColumnRole::Number,
        ColumnRole::Timestamp,
        ColumnRole::Identifier,
        ColumnRole::Personal,
        ColumnRole::Ignore,
    ];

    /// The machine name used in JSON output (`free_text`, `multi_select` ...).
    pub fn key(self) -> &'static str {
        match self {
            ColumnRole::Identifier => "identifier",
            ColumnRole::Timestamp => "timestamp",
            ColumnRole::Attribute => "attribute",
            ColumnRole::Closed => "closed",
            ColumnRole::MultiSelect => "multi_select",
            ColumnRole::Number => "number",
            ColumnRole::FreeText => "free_text",
            ColumnRole::Personal => "personal",
            ColumnRole::Ignore => "ignore",
        }
    }

    /// The plain-English label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            ColumnRole::Identifier => "Identifier",
            ColumnRole::Timestamp => "Date and time",
            ColumnRole::Attribute => "Respondent attribute",
            ColumnRole::Closed => "Closed question",
            ColumnRole::MultiSelect => "Multiple choice",
            ColumnRole::Number => "Number",
            ColumnRole::FreeText => "Free text",
            ColumnRole::Personal => "Personal data",
            ColumnRole::Ignore => "Ignore",
        }
    }

    /// Whether the column's values are categories that can be counted or split by.
    pub fn is_categorical(self) -> bool {
        matches!(self, ColumnRole::Attribute | ColumnRole::Closed)
    }
}

impl fmt::Display for ColumnRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Agreement answers in scale order, lower-case.
pub const AGREEMENT_SCALE: [&str; 7] = [
    "strongly agree",
    "agree",
    "neither agree nor disagree",
    "disagree",
    "strongly disagree",
    "don't know",
    "not sure",
];

/// Satisfaction answers in scale order, lower-case.
pub const SATISFACTION_SCALE: [&str; 6] = [
    "very satisfied",
    "satisfied",
    "neither satisfied nor dissatisfied",
    "dissatisfied",
    "very dissatisfied",
    "don't know",
];

/// The rating scales closed questions use, each in display order.
pub const RATING_SCALES: [&[&str]; 3] = [
    &AGREEMENT_SCALE,
    &SATISFACTION_SCALE,
    &["yes", "no", "don't know", "not sure"],
];

/// The scale that holds every one of `answers` (compared lower-case), if one does.
pub fn rating_scale_of<'a>(
    answers: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<&'static [&'static str]> {
    RATING_SCALES.into_iter().find(|scale| {
        answers
            .clone()
            .into_iter()
            .all(|answer| scale.contains(&answer.to_lowercase().as_str()))
    })
}

/// The choices in one multiple-choice answer: joined with ";" (Microsoft Forms, SmartSurvey) or,
/// failing that, with ", " (Google Forms).
pub fn split_choices(answer: &str) -> impl Iterator<Item = &str> {
    let separator = if answer.contains(';') { ";" } else { ", " };
    answer
        .split(separator)
        .map(str::trim)
        .filter(|choice| !choice.is_empty())
}

/// One cell's value after import.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// No answer.
    #[default]
    Empty,
    /// Text, trimmed. Shared, so an answer repeated down a column (a shared string in .xlsx, a
    /// choice in CSV) is held once.
    Text(Arc<str>),
    /// A number.
    Number(f64),
    /// A date and time.
    DateTime(NaiveDateTime),
    /// A true/false cell.
    Bool(bool),
}

impl Value {
    /// Whether the cell holds no answer.
    pub fn is_empty(&self) -> bool {
        matches!(self, Value::Empty)
    }

    /// The text of a text cell.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The value as a user would read it; empty for [`Value::Empty`].
    pub fn display(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(text) => text.to_string(),
            Value::Number(number) => format_number(*number),
            Value::DateTime(when) => when.format("%Y-%m-%d %H:%M:%S").to_string(),
            Value::Bool(flag) => if *flag { "TRUE" } else { "FALSE" }.to_owned(),
        }
    }
}

/// "1 response", "600 responses": a count with its noun, "s" added unless it is one.
pub fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Formats whole numbers without a trailing `.0`, so `3.0` from .xlsx and `3` from .xls read alike.
pub fn format_number(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{number:.0}")
    } else {
        number.to_string()
    }
}

/// One column of the survey with its values, one per response.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The name shown to users (header rows combined, made unique).
    pub name: String,
    /// The role detected on import, or chosen by the user.
    pub role: ColumnRole,
    /// Why the importer chose this role, in a few words.
    pub role_reason: String,
    /// 0-based column index in the (first) source sheet; `None` for columns ConsultLens adds.
    pub source_index: Option<usize>,
    /// One value per response.
    pub values: Vec<Value>,
}

impl Column {
    /// How many responses answered this column.
    pub fn filled(&self) -> usize {
        self.values.iter().filter(|value| !value.is_empty()).count()
    }

    /// The distinct non-empty values with their counts, most frequent first, then by name.
    pub fn value_counts(&self) -> Vec<(String, usize)> {
        let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for value in self.values.iter().filter(|value| !value.is_empty()) {
            *counts.entry(value.display()).or_default() += 1;
        }
        let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        counts
    }
}

/// Where the survey's responses came from.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    /// The file as given by the user.
    pub path: PathBuf,
    /// The worksheet read, for workbooks.
    pub sheet: Option<String>,
    /// The header rows, 1-based and inclusive (CSV: record numbers); `None` when the sheet has
    /// no header and its columns are named by letter.
    pub header_rows: Option<(usize, usize)>,
}

impl SourceFile {
    /// The file, its sheet and its header in one line.
    pub fn describe(&self) -> String {
        let sheet = self
            .sheet
            .as_ref()
            .map(|sheet| format!(", sheet \"{sheet}\""))
            .unwrap_or_default();
        format!(
            "{}{sheet}, header {}",
            self.path.display(),
            self.header_description()
        )
    }

    /// The header rows in words: "row 1", "rows 1 to 3", or "none".
    pub fn header_description(&self) -> String {
        match self.header_rows {
            Some((first, last)) if first == last => format!("row {first}"),
            Some((first, last)) => format!("rows {first} to {last}"),
            None => "none (columns named by letter)".to_owned(),
        }
    }
}

/// A free-text answer: one response's answer to one free-text column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CommentRef {
    /// The response that gave it.
    pub response: ResponseId,
    /// The free-text column it answers.
    pub column: ColumnId,
}

/// An imported survey: columns of values, one row per response.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    /// The files the responses came from, in the order they were added; never empty.
    pub sources: Vec<SourceFile>,
    /// The columns in sheet order.
    pub columns: Vec<Column>,
    /// For each response, its 1-based row in the source (CSV: record number).
    pub source_rows: Vec<usize>,
}

impl Survey {
    /// The first file, which names the analysis.
    pub fn first_source(&self) -> Option<&SourceFile> {
        self.sources.first()
    }

    /// The number of responses.
    pub fn response_count(&self) -> usize {
        self.source_rows.len()
    }

    /// The column with this id.
    pub fn column(&self, id: ColumnId) -> Option<&Column> {
        self.columns.get(id.0)
    }

    /// The ids of the columns with this role, in sheet order.
    pub fn columns_with_role(&self, role: ColumnRole) -> Vec<ColumnId> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, column)| column.role == role)
            .map(|(index, _)| ColumnId(index))
            .collect()
    }

    /// A cell's value; `Empty` when out of range.
    pub fn value(&self, response: ResponseId, column: ColumnId) -> &Value {
        static EMPTY: Value = Value::Empty;
        self.columns
            .get(column.0)
            .and_then(|column| column.values.get(response.0))
            .unwrap_or(&EMPTY)
    }

    /// Every non-blank free-text answer, by response then column.
    pub fn comments(&self) -> Vec<CommentRef> {
        let free_text = self.columns_with_role(ColumnRole::FreeText);
        let mut comments = Vec::new();
        for response in 0..self.response_count() {
            for &column in &free_text {
                if self
                    .comment_text(CommentRef {
                        response: ResponseId(response),
                        column,
                    })
                    .is_some()
                {
                    comments.push(CommentRef {
                        response: ResponseId(response),
                        column,
                    });
                }
            }
        }
        comments
    }

    /// The text of a free-text answer, or `None` when blank.
    pub fn comment_text(&self, comment: CommentRef) -> Option<&str> {
        match self.value(comment.response, comment.column) {
            Value::Text(text) if !text.trim().is_empty() => Some(text),
            _ => None,
        }
    }

    /// The value of an attribute column for a response, as displayed.
    pub fn attribute_value(&self, response: ResponseId, column: ColumnId) -> String {
        self.value(response, column).display()
    }

    /// The attribute column most likely to say who the respondent is (respondent type, role ...).
    pub fn respondent_type_column(&self) -> Option<ColumnId> {
        let attributes = self.columns_with_role(ColumnRole::Attribute);
        let describes_respondent = |id: &ColumnId| {
            self.column(*id).is_some_and(|column| {
                let name = column.name.to_lowercase();
                [
                    "describes you",
                    "respondent",
                    "are you",
                    "capacity",
                    "role",
                    "type of respondent",
                ]
                .iter()
                .any(|hint| name.contains(hint))
            })
        };
        attributes
            .iter()
            .copied()
            .find(describes_respondent)
            .or_else(|| attributes.first().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_english() {
        assert_eq!(counted(1, "response"), "1 response");
        assert_eq!(counted(0, "comment"), "0 comments");
        assert_eq!(counted(600, "response"), "600 responses");
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(2.5), "2.5");
    }

    #[test]
    fn choices_split_on_semicolons_before_commas() {
        assert_eq!(
            split_choices("CAMHS;Portage, Early help;").collect::<Vec<_>>(),
            ["CAMHS", "Portage, Early help"]
        );
        assert_eq!(
            split_choices("CAMHS, Portage").collect::<Vec<_>>(),
            ["CAMHS", "Portage"]
        );
    }
}
