//! The values of a survey's cells, and the ways a column holds them: each cell as it is, few
//! distinct values coded, or text answers without the room a value of any kind takes.

use arcstr::ArcStr;
use chrono::NaiveDateTime;

use crate::wording::format_number;

/// One cell's value after import.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// No answer.
    #[default]
    Empty,
    /// Text, trimmed. Shared, so an answer repeated down a column (a shared string in .xlsx, a
    /// choice in CSV) is held once; one word wide, so that a value is 16 bytes, not 24.
    Text(ArcStr),
    /// A number.
    Number(f64),
    /// A date and time.
    DateTime(NaiveDateTime),
    /// A true/false cell.
    Bool(bool),
}

// An import holds a value per response and column until the columns are laid out: two words.
const _: () = assert!(std::mem::size_of::<Value>() == 16);

impl Value {
    /// The value as a column gives it.
    pub fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Empty => ValueRef::Empty,
            Value::Text(text) => ValueRef::Text(text),
            Value::Number(number) => ValueRef::Number(*number),
            Value::DateTime(when) => ValueRef::DateTime(*when),
            Value::Bool(flag) => ValueRef::Bool(*flag),
        }
    }

    /// Whether the cell holds no answer.
    pub fn is_empty(&self) -> bool {
        self.as_ref().is_empty()
    }

    /// The text of a text cell.
    pub fn as_text(&self) -> Option<&str> {
        self.as_ref().as_text()
    }

    /// The value as a user would read it; empty for [`Value::Empty`].
    pub fn display(&self) -> String {
        self.as_ref().display()
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

/// A cell's value as its column gives it, text borrowed from the column.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum ValueRef<'a> {
    /// No answer.
    #[default]
    Empty,
    /// Text, trimmed; shared, so that a copy costs no more than a count.
    Text(&'a ArcStr),
    /// A number.
    Number(f64),
    /// A date and time.
    DateTime(NaiveDateTime),
    /// A true/false cell.
    Bool(bool),
}

impl<'a> ValueRef<'a> {
    /// Whether the cell holds no answer.
    pub fn is_empty(self) -> bool {
        matches!(self, ValueRef::Empty)
    }

    /// The text of a text cell.
    pub fn as_text(self) -> Option<&'a str> {
        match self {
            ValueRef::Text(text) => Some(text),
            _ => None,
        }
    }

    /// Whether the value reads as `text` (what [`ValueRef::display`] gives), without making a
    /// copy of text answers.
    pub fn reads_as(self, text: &str) -> bool {
        match self {
            ValueRef::Empty => text.is_empty(),
            ValueRef::Text(own) => own.as_str() == text,
            other => other.display() == text,
        }
    }

    /// The value as a user would read it; empty for [`ValueRef::Empty`].
    pub fn display(self) -> String {
        match self {
            ValueRef::Empty => String::new(),
            ValueRef::Text(text) => text.to_string(),
            ValueRef::Number(number) => format_number(number),
            ValueRef::DateTime(when) => when.format("%Y-%m-%d %H:%M:%S").to_string(),
            ValueRef::Bool(flag) => if flag { "TRUE" } else { "FALSE" }.to_owned(),
        }
    }

    /// The value to keep apart from its column.
    pub fn to_value(self) -> Value {
        match self {
            ValueRef::Empty => Value::Empty,
            ValueRef::Text(text) => Value::Text(text.clone()),
            ValueRef::Number(number) => Value::Number(number),
            ValueRef::DateTime(when) => Value::DateTime(when),
            ValueRef::Bool(flag) => Value::Bool(flag),
        }
    }
}

/// A column's values, one per response. A column of few distinct values (a closed question's
/// choices, a respondent type) holds each of them once and a byte per response saying which:
/// at 16 bytes a cell, five such columns took 40 MB of a 500,000-response survey. A column of
/// text answers and blanks holds a word per cell, the text's own, not the two a value of any
/// kind takes.
#[derive(Debug, Clone)]
pub struct Values(Held);

#[derive(Debug, Clone)]
enum Held {
    EachCell(Vec<Value>),
    Coded {
        distinct: Vec<Value>,
        codes: Vec<u8>,
    },
    Texts(Vec<Option<ArcStr>>),
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
            Held::Texts(texts) => texts.len(),
        }
    }

    /// Whether there are no values (a survey without responses).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of this response's row, if there is one.
    pub fn get(&self, row: usize) -> Option<ValueRef<'_>> {
        match &self.0 {
            Held::EachCell(values) => values.get(row).map(Value::as_ref),
            Held::Coded { distinct, codes } => distinct
                .get(usize::from(*codes.get(row)?))
                .map(Value::as_ref),
            Held::Texts(texts) => Some(
                texts
                    .get(row)?
                    .as_ref()
                    .map_or(ValueRef::Empty, ValueRef::Text),
            ),
        }
    }

    /// The values in order.
    pub fn iter(&self) -> ValuesIter<'_> {
        ValuesIter {
            values: self,
            rows: 0..self.len(),
        }
    }

    /// The values of the rows in `range`, in order; `None` when it reaches past the end.
    pub fn range(&self, range: std::ops::Range<usize>) -> Option<ValuesIter<'_>> {
        (range.start <= range.end && range.end <= self.len()).then_some(ValuesIter {
            values: self,
            rows: range,
        })
    }

    /// The values, one per cell, for changing them.
    pub fn into_vec(self) -> Vec<Value> {
        match self.0 {
            Held::EachCell(values) => values,
            Held::Texts(texts) => texts
                .into_iter()
                .map(|text| text.map_or(Value::Empty, Value::Text))
                .collect(),
            coded @ Held::Coded { .. } => Values(coded).iter().map(ValueRef::to_value).collect(),
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
    /// Codes the values when they have at most 256 distinct ones; holds text answers and blanks
    /// as texts; each cell as it is else.
    fn from(mut values: Vec<Value>) -> Self {
        if let Some((distinct, codes)) = Self::coded(&values) {
            return Self(Held::Coded { distinct, codes });
        }
        let texts_only = values
            .iter()
            .all(|value| matches!(value, Value::Empty | Value::Text(_)));
        if texts_only {
            let mut texts: Vec<Option<ArcStr>> = values
                .into_iter()
                .map(|value| match value {
                    Value::Text(text) => Some(text),
                    _ => None,
                })
                .collect();
            // Collected in the values' own room, which is twice what the texts need.
            texts.shrink_to_fit();
            return Self(Held::Texts(texts));
        }
        // A column grown cell by cell has up to twice the room it needs: 5 MB at 100,000 rows
        // of ten columns, held as long as the survey is.
        values.shrink_to_fit();
        Self(Held::EachCell(values))
    }
}

impl FromIterator<Value> for Values {
    fn from_iter<I: IntoIterator<Item = Value>>(values: I) -> Self {
        values.into_iter().collect::<Vec<Value>>().into()
    }
}

impl<'a> IntoIterator for &'a Values {
    type Item = ValueRef<'a>;
    type IntoIter = ValuesIter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq for Values {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

/// The values of a column, or of a range of its rows, in order.
#[derive(Debug, Clone)]
pub struct ValuesIter<'a> {
    values: &'a Values,
    rows: std::ops::Range<usize>,
}

impl<'a> Iterator for ValuesIter<'a> {
    type Item = ValueRef<'a>;

    fn next(&mut self) -> Option<ValueRef<'a>> {
        self.rows.next().and_then(|row| self.values.get(row))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.rows.size_hint()
    }
}

impl DoubleEndedIterator for ValuesIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.rows.next_back().and_then(|row| self.values.get(row))
    }
}

impl ExactSizeIterator for ValuesIter<'_> {}

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

    fn texts(count: usize) -> Vec<Value> {
        (0..count)
            .map(|row| match row % 3 {
                0 => Value::Empty,
                _ => Value::Text(format!("answer {row} – ü").into()),
            })
            .collect()
    }

    fn same_cells(values: &Values, expected: &[Value]) {
        assert_eq!(values.len(), expected.len());
        let numbers_as_bits = |value: ValueRef<'_>| match value {
            ValueRef::Number(number) => number.to_bits().to_string(),
            other => format!("{other:?}"),
        };
        let held: Vec<String> = values.iter().map(numbers_as_bits).collect();
        let given: Vec<String> = expected
            .iter()
            .map(|value| numbers_as_bits(value.as_ref()))
            .collect();
        assert_eq!(held, given);
        let backwards: Vec<String> = values.iter().rev().map(numbers_as_bits).collect();
        assert!(backwards.iter().eq(given.iter().rev()));
        for row in [0, 1, expected.len() / 2, expected.len() - 1] {
            assert_eq!(values.get(row), expected.get(row).map(Value::as_ref));
        }
        assert_eq!(values.get(expected.len()), None);
        let middle = 3..expected.len() - 2;
        assert!(
            values
                .range(middle.clone())
                .expect("in range")
                .eq(expected[middle].iter().map(Value::as_ref))
        );
        assert!(values.range(1..expected.len() + 1).is_none());
        assert_eq!(values.clone().into_vec(), expected);
    }

    fn form(values: &Values) -> &'static str {
        match &values.0 {
            Held::EachCell(_) => "each cell",
            Held::Coded { .. } => "coded",
            Held::Texts(_) => "texts",
        }
    }

    #[test]
    fn a_column_gives_back_every_cell_as_given_in_whichever_form_it_is_held() {
        // 256 distinct values are coded, 257 are not: both read the same.
        for distinct in [1, 7, 256, 257] {
            let given = cells(1_000, distinct);
            let values = Values::from(given.clone());
            let expected = if distinct <= 256 {
                "coded"
            } else {
                "each cell"
            };
            assert_eq!(form(&values), expected, "{distinct} distinct values");
            same_cells(&values, &given);
            assert_eq!(values, given.into_iter().collect::<Values>());
        }
        let given = texts(1_000);
        let values = Values::from(given.clone());
        assert_eq!(form(&values), "texts");
        same_cells(&values, &given);
        let mut with_a_number = texts(1_000);
        with_a_number[999] = Value::Number(7.0);
        let values = Values::from(with_a_number.clone());
        assert_eq!(form(&values), "each cell");
        same_cells(&values, &with_a_number);
    }
}
