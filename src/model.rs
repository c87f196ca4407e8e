//! The survey as the rest of the engine sees it: columns of typed values, one row per response.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use arcstr::ArcStr;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::answers::is_non_answer;
use crate::counts::as_u32;
use crate::heading::normalise_heading;
use crate::wording::format_number;

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

/// One cell's value after import.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// No answer.
    #[default]
    Empty,
    /// Text, trimmed. Shared, so an answer repeated down a column (a shared string in .xlsx, a
    /// choice in CSV) is held once; one word wide, so that a value is 16 bytes, not 24 (a
    /// survey of 100,000 responses holds a million of them).
    Text(ArcStr),
    /// A number.
    Number(f64),
    /// A date and time.
    DateTime(NaiveDateTime),
    /// A true/false cell.
    Bool(bool),
}

// A survey holds a value per response and column: kept at two words.
const _: () = assert!(std::mem::size_of::<Value>() == 16);

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

    /// Whether the value reads as `text` (what [`Value::display`] gives), without making a copy
    /// of text answers.
    pub fn reads_as(&self, text: &str) -> bool {
        match self {
            Value::Empty => text.is_empty(),
            Value::Text(own) => **own == *text,
            other => other.display() == text,
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

impl From<&str> for Value {
    /// A text answer as written; blank text is no answer.
    fn from(text: &str) -> Self {
        if text.trim().is_empty() {
            Value::Empty
        } else {
            Value::Text(text.into())
        }
    }
}

/// A column's values, one per response. A column of few distinct values (a closed question's
/// choices, a respondent type) holds each of them once and a byte per response saying which:
/// at 16 bytes a cell, five such columns took 40 MB of a 500,000-response survey.
#[derive(Debug, Clone)]
pub struct Values(Held);

#[derive(Debug, Clone)]
enum Held {
    EachCell(Vec<Value>),
    Coded {
        distinct: Vec<Value>,
        codes: Vec<u8>,
    },
}

/// A value as a key for finding it among the distinct ones: a number by its bits, so that the
/// coded column gives back exactly what it was given.
#[derive(PartialEq, Eq, Hash)]
enum DistinctKey<'a> {
    Empty,
    Text(&'a str),
    Number(u64),
    DateTime(NaiveDateTime),
    Bool(bool),
}

impl<'a> From<&'a Value> for DistinctKey<'a> {
    fn from(value: &'a Value) -> Self {
        match value {
            Value::Empty => DistinctKey::Empty,
            Value::Text(text) => DistinctKey::Text(text),
            Value::Number(number) => DistinctKey::Number(number.to_bits()),
            Value::DateTime(when) => DistinctKey::DateTime(*when),
            Value::Bool(flag) => DistinctKey::Bool(*flag),
        }
    }
}

impl Values {
    /// The number of values: the survey's responses.
    pub fn len(&self) -> usize {
        match &self.0 {
            Held::EachCell(values) => values.len(),
            Held::Coded { codes, .. } => codes.len(),
        }
    }

    /// Whether there are no values (a survey without responses).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of this response's row, if there is one.
    pub fn get(&self, row: usize) -> Option<&Value> {
        match &self.0 {
            Held::EachCell(values) => values.get(row),
            Held::Coded { distinct, codes } => distinct.get(usize::from(*codes.get(row)?)),
        }
    }

    /// The values in order.
    pub fn iter(&self) -> ValuesIter<'_> {
        self.range(0..self.len())
            .unwrap_or(ValuesIter::EachCell([].iter()))
    }

    /// The values of the rows in `range`, in order; `None` when it reaches past the end.
    pub fn range(&self, range: std::ops::Range<usize>) -> Option<ValuesIter<'_>> {
        Some(match &self.0 {
            Held::EachCell(values) => ValuesIter::EachCell(values.get(range)?.iter()),
            Held::Coded { distinct, codes } => ValuesIter::Coded {
                distinct,
                codes: codes.get(range)?.iter(),
            },
        })
    }

    /// The values, one per cell, for changing them.
    pub fn into_vec(self) -> Vec<Value> {
        match self.0 {
            Held::EachCell(values) => values,
            Held::Coded { distinct, codes } => codes
                .into_iter()
                .map(|code| distinct[usize::from(code)].clone())
                .collect(),
        }
    }

    /// The distinct values and each cell's code among them, when there are few enough.
    fn coded(values: &[Value]) -> Option<(Vec<Value>, Vec<u8>)> {
        let mut distinct: Vec<Value> = Vec::new();
        let mut found: rustc_hash::FxHashMap<DistinctKey<'_>, u8> = Default::default();
        let mut codes = Vec::with_capacity(values.len());
        for value in values {
            let next = distinct.len();
            let code = *found.entry(DistinctKey::from(value)).or_insert_with(|| {
                distinct.push(value.clone());
                u8::try_from(next).unwrap_or(u8::MAX)
            });
            if distinct.len() > usize::from(u8::MAX) + 1 {
                return None;
            }
            codes.push(code);
        }
        Some((distinct, codes))
    }
}

impl Default for Values {
    fn default() -> Self {
        Self(Held::EachCell(Vec::new()))
    }
}

impl From<Vec<Value>> for Values {
    /// Codes the values when they have at most 256 distinct ones; holds them as they are else.
    fn from(mut values: Vec<Value>) -> Self {
        match Self::coded(&values) {
            Some((distinct, codes)) => Self(Held::Coded { distinct, codes }),
            None => {
                // A column grown cell by cell has up to twice the room it needs: 5 MB at
                // 100,000 rows of ten columns, held as long as the survey is.
                values.shrink_to_fit();
                Self(Held::EachCell(values))
            }
        }
    }
}

impl FromIterator<Value> for Values {
    fn from_iter<I: IntoIterator<Item = Value>>(values: I) -> Self {
        values.into_iter().collect::<Vec<Value>>().into()
    }
}

impl<'a> IntoIterator for &'a Values {
    type Item = &'a Value;
    type IntoIter = ValuesIter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The values of a column, or of a range of its rows, in order.
#[derive(Debug, Clone)]
pub enum ValuesIter<'a> {
    /// A column holding each cell's value.
    EachCell(std::slice::Iter<'a, Value>),
    /// A coded column: each cell's code among the distinct values.
    Coded {
        /// The column's distinct values.
        distinct: &'a [Value],
        /// The codes of the rows still to come.
        codes: std::slice::Iter<'a, u8>,
    },
}

impl<'a> ValuesIter<'a> {
    fn decode(distinct: &'a [Value], code: u8) -> &'a Value {
        distinct.get(usize::from(code)).unwrap_or(&EMPTY_VALUE)
    }
}

impl<'a> Iterator for ValuesIter<'a> {
    type Item = &'a Value;

    fn next(&mut self) -> Option<&'a Value> {
        match self {
            ValuesIter::EachCell(values) => values.next(),
            ValuesIter::Coded { distinct, codes } => {
                codes.next().map(|&code| Self::decode(distinct, code))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            ValuesIter::EachCell(values) => values.size_hint(),
            ValuesIter::Coded { codes, .. } => codes.size_hint(),
        }
    }
}

impl DoubleEndedIterator for ValuesIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match self {
            ValuesIter::EachCell(values) => values.next_back(),
            ValuesIter::Coded { distinct, codes } => {
                codes.next_back().map(|&code| Self::decode(distinct, code))
            }
        }
    }
}

impl ExactSizeIterator for ValuesIter<'_> {}

/// What a cell outside the survey reads as.
static EMPTY_VALUE: Value = Value::Empty;

impl PartialEq for Values {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl std::ops::Index<usize> for Values {
    type Output = Value;

    fn index(&self, row: usize) -> &Value {
        self.get(row).unwrap_or_else(|| {
            panic!(
                "row {row} of a column of {} values was asked for",
                self.len()
            )
        })
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
    pub source_rows: Vec<usize>,
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
    pub fn value(&self, response: ResponseId, column: ColumnId) -> &Value {
        self.columns
            .get(column.index())
            .and_then(|column| column.values.get(response.index()))
            .unwrap_or(&EMPTY_VALUE)
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
            Value::Text(text) if !text.trim().is_empty() => Some(text),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(count: usize, distinct: usize) -> Vec<Value> {
        (0..count)
            .map(|row| match row % distinct {
                0 => Value::Empty,
                1 => Value::Number(-0.0),
                2 => Value::Number(0.0),
                3 => Value::Bool(true),
                4 => Value::DateTime(
                    chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
                        .and_then(|day| day.and_hms_opt(9, 30, 0))
                        .expect("a date"),
                ),
                other => Value::Text(format!("choice {other}").into()),
            })
            .collect()
    }

    fn same_cells(values: &Values, expected: &[Value]) {
        assert_eq!(values.len(), expected.len());
        let numbers_as_bits = |value: &Value| match value {
            Value::Number(number) => number.to_bits().to_string(),
            other => format!("{other:?}"),
        };
        let held: Vec<String> = values.iter().map(numbers_as_bits).collect();
        let given: Vec<String> = expected.iter().map(numbers_as_bits).collect();
        assert_eq!(held, given);
        let backwards: Vec<String> = values.iter().rev().map(numbers_as_bits).collect();
        assert!(backwards.iter().eq(given.iter().rev()));
        for row in [0, 1, expected.len() / 2, expected.len() - 1] {
            assert_eq!(values.get(row), expected.get(row));
        }
        assert_eq!(values.get(expected.len()), None);
        let middle = 3..expected.len() - 2;
        assert!(
            values
                .range(middle.clone())
                .expect("in range")
                .eq(expected[middle].iter())
        );
        assert!(values.range(1..expected.len() + 1).is_none());
        assert_eq!(values.clone().into_vec(), expected);
    }

    #[test]
    fn a_column_gives_back_every_cell_as_given_whether_its_values_are_coded_or_not() {
        // 256 distinct values are coded, 257 are not: both read the same.
        for distinct in [1, 7, 256, 257] {
            let given = cells(1_000, distinct);
            let values = Values::from(given.clone());
            assert_eq!(
                matches!(values.0, Held::Coded { .. }),
                distinct <= 256,
                "{distinct} distinct values"
            );
            same_cells(&values, &given);
            assert_eq!(values, given.into_iter().collect::<Values>());
        }
    }
}
