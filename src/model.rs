//! The survey as the rest of the engine sees it: columns of typed values, one row per response.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

mod values;

pub use values::{Value, ValueRef, Values, ValuesIter};

use crate::answers::is_non_answer;
use crate::counts::as_u32;
use crate::heading::normalise_heading;

/// Position of a column in [`Survey::columns`] (0-based). 32 bits, as [`ResponseId`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ColumnId(pub u32);

impl ColumnId {
    /// The column at this position.
    pub fn at(position: usize) -> Self {
        Self(as_u32(position))
    }

    /// Its position, for indexing.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Position of a response in the survey (0-based, in file order). 32 bits: a survey's comments
/// are listed by response and column, and at 500,000 responses the list took 16 MB with 64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ResponseId(pub u32);

impl ResponseId {
    /// The response at this position.
    pub fn at(position: usize) -> Self {
        Self(as_u32(position))
    }

    /// Its position, for indexing.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

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
}

impl fmt::Display for ColumnRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
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
    pub values: Values,
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
    /// How many responses it gave: the survey's responses are its sources' in order.
    pub responses: usize,
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

// A survey lists its comments, hundreds of thousands of them: two 32-bit positions.
const _: () = assert!(std::mem::size_of::<CommentRef>() == 8);

/// An imported survey: columns of values, one row per response.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    /// The files the responses came from, in the order they were added; never empty.
    pub sources: Vec<SourceFile>,
    /// The columns in sheet order.
    pub columns: Vec<Column>,
    /// For each response, its 1-based row in the source (CSV: record number).
    pub source_rows: Vec<u32>,
    /// The attribute a person chose to split the themes by respondent type; `None` leaves it to
    /// the analysis to find.
    pub respondent_group: Option<ColumnId>,
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

    /// The responses each source gave, in order: positions in the survey.
    pub fn responses_by_source(&self) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
        self.sources.iter().scan(0, |start, source| {
            let range = *start..*start + source.responses;
            *start = range.end;
            Some(range)
        })
    }

    /// The column with this id.
    pub fn column(&self, id: ColumnId) -> Option<&Column> {
        self.columns.get(id.index())
    }

    /// The ids of the columns with this role, in sheet order.
    pub fn columns_with_role(&self, role: ColumnRole) -> Vec<ColumnId> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, column)| column.role == role)
            .map(|(index, _)| ColumnId::at(index))
            .collect()
    }

    /// A cell's value; `Empty` when out of range.
    pub fn value(&self, response: ResponseId, column: ColumnId) -> ValueRef<'_> {
        self.columns
            .get(column.index())
            .and_then(|column| column.values.get(response.index()))
            .unwrap_or_default()
    }

    /// Every free-text answer that says something, by response then column: the comments that
    /// get themes and are counted.
    pub fn comments(&self) -> Vec<CommentRef> {
        self.free_text_answers(|text| !is_non_answer(text))
    }

    /// The free-text answers that say nothing ("n/a", "none", "-" ...), kept out of the counts.
    pub fn non_answers(&self) -> Vec<CommentRef> {
        self.free_text_answers(is_non_answer)
    }

    /// The non-blank free-text answers whose text passes `keep`, by response then column.
    fn free_text_answers(&self, keep: impl Fn(&str) -> bool) -> Vec<CommentRef> {
        let free_text = self.columns_with_role(ColumnRole::FreeText);
        let mut answers = Vec::new();
        for response in (0..self.response_count()).map(ResponseId::at) {
            for &column in &free_text {
                let answer = CommentRef { response, column };
                if self.comment_text(answer).is_some_and(&keep) {
                    answers.push(answer);
                }
            }
        }
        // The comments are kept for the session: no spare room.
        answers.shrink_to_fit();
        answers
    }

    /// The text of a free-text answer, or `None` when blank.
    pub fn comment_text(&self, comment: CommentRef) -> Option<&str> {
        match self.value(comment.response, comment.column) {
            ValueRef::Text(text) if !text.trim().is_empty() => Some(text),
            _ => None,
        }
    }

    /// The value of an attribute column for a response, as displayed.
    pub fn attribute_value(&self, response: ResponseId, column: ColumnId) -> String {
        self.value(response, column).display()
    }
}

/// Roles the user chose for columns, and the attribute chosen as the respondent group, kept by
/// normalised heading so that they hold when the survey is read again: another worksheet
/// chosen, another file added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleChoices {
    roles: BTreeMap<String, ColumnRole>,
    respondent_group: Option<String>,
}

impl RoleChoices {
    /// Records that the column headed `heading` holds `role`.
    pub fn choose(&mut self, heading: &str, role: ColumnRole) {
        self.roles.insert(normalise_heading(heading), role);
    }

    /// Records the attribute headed `heading` as the respondent group; `None` lets the analysis
    /// find it.
    pub fn choose_respondent_group(&mut self, heading: Option<&str>) {
        self.respondent_group = heading.map(normalise_heading);
    }

    /// The roles chosen, by question key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, ColumnRole)> {
        self.roles
            .iter()
            .map(|(question, role)| (question.as_str(), *role))
    }

    /// The question key of the attribute chosen as the respondent group.
    pub fn respondent_group(&self) -> Option<&str> {
        self.respondent_group.as_deref()
    }

    /// Gives each column of `survey` whose heading has a chosen role that role, and the survey
    /// the chosen respondent group when it has that column.
    pub fn apply_to(&self, survey: &mut Survey) {
        for column in &mut survey.columns {
            if let Some(&role) = self.roles.get(&normalise_heading(&column.name)) {
                column.role = role;
                column.role_reason = "chosen by you".to_owned();
            }
        }
        survey.respondent_group = self.respondent_group.as_ref().and_then(|wanted| {
            survey
                .columns
                .iter()
                .position(|column| normalise_heading(&column.name) == *wanted)
                .map(ColumnId::at)
        });
    }
}
