//! A sheet's cells as read from the file, before the header is found.

use std::sync::Arc;

use super::escapes::unescape_ooxml;
use crate::model::Value;

/// Read access to rows of cells, so header detection works on a grid or on plain rows in tests.
pub trait Rows {
    /// How many rows there are.
    fn row_count(&self) -> usize;
    /// The cells of row `index`; empty when out of range.
    fn row(&self, index: usize) -> &[Value];
    /// Merged cell regions, in the same row numbering.
    fn merged_regions(&self) -> &[MergedRegion] {
        &[]
    }
}

/// Cells merged into one, as rows (counted like [`Rows::row`]) and 0-based columns, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergedRegion {
    /// The top row.
    pub first_row: usize,
    /// The bottom row.
    pub last_row: usize,
    /// The leftmost column.
    pub first_column: usize,
    /// The rightmost column.
    pub last_column: usize,
}

impl Rows for [Vec<Value>] {
    fn row_count(&self) -> usize {
        self.len()
    }

    fn row(&self, index: usize) -> &[Value] {
        self.get(index).map_or(&[], Vec::as_slice)
    }
}

/// Rows looked at for an empty row that merged header cells might cover.
const GAP_SEARCH_ROWS: usize = 45;

/// Rows kept row by row as well, for finding the header; everything is kept by column.
const PREFIX_ROWS: usize = 200;

/// The cells of one sheet, stored by column (the survey's own layout, so building the survey
/// moves each column once instead of copying cell by cell), plus the top rows row by row for
/// header detection. Cells missing from the end of a column are empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    /// `columns[c][r]` is row `r`'s cell in column `c`, for `r` below the column's length.
    columns: Vec<Vec<Value>>,
    /// Each finished row's used width (past its last non-empty cell).
    row_widths: Vec<usize>,
    /// The first [`PREFIX_ROWS`] rows, trimmed of trailing empty cells.
    prefix: Vec<Vec<Value>>,
    /// Cells pushed to the row being built so far.
    open_len: usize,
    /// The used width of the row being built.
    open_width: usize,
    /// The row being built, while it is among the first [`PREFIX_ROWS`].
    open_prefix: Vec<Value>,
    /// The 1-based source row (CSV: record number) of the first row.
    pub first_row: usize,
    /// How many cells held spreadsheet errors and were read as blank.
    pub error_cells: usize,
    /// Merged cell regions, rows counted from the grid's first row.
    pub merged: Vec<MergedRegion>,
}

impl Rows for Grid {
    fn merged_regions(&self) -> &[MergedRegion] {
        &self.merged
    }

    fn row_count(&self) -> usize {
        self.row_widths.len()
    }

    /// Only the first [`PREFIX_ROWS`] rows are kept row by row; later rows read as empty here.
    fn row(&self, index: usize) -> &[Value] {
        self.prefix.get(index).map_or(&[], Vec::as_slice)
    }
}

impl Grid {
    /// An empty grid whose first row is source row `first_row`.
    pub fn new(first_row: usize) -> Self {
        Self {
            first_row,
            ..Self::default()
        }
    }

    /// Makes room for about `rows` rows in each of `width` columns, so a large sheet's columns
    /// are not copied each time they grow.
    pub fn reserve(&mut self, rows: usize, width: usize) {
        self.row_widths.reserve(rows);
        if self.columns.len() < width {
            self.columns.resize_with(width, Vec::new);
        }
        for column in &mut self.columns {
            column.reserve(rows.saturating_sub(column.len()));
        }
    }

    /// Appends a cell to the row being built.
    pub fn push_cell(&mut self, value: Value) {
        let column = self.open_len;
        self.open_len += 1;
        if value.is_empty() {
            return;
        }
        self.open_width = column + 1;
        let row = self.row_widths.len();
        if row < PREFIX_ROWS {
            self.open_prefix.resize(column, Value::Empty);
            self.open_prefix.push(value.clone());
        }
        if self.columns.len() <= column {
            self.columns.resize_with(column + 1, Vec::new);
        }
        if let Some(cells) = self.columns.get_mut(column) {
            if cells.len() < row {
                cells.resize(row, Value::Empty);
            }
            cells.push(value);
        }
    }

    /// How many cells the row being built has so far.
    pub fn open_row_len(&self) -> usize {
        self.open_len
    }

    /// Ends the row being built.
    pub fn end_row(&mut self) {
        if self.row_widths.len() < PREFIX_ROWS {
            let mut row = std::mem::take(&mut self.open_prefix);
            row.truncate(self.open_width);
            self.prefix.push(row);
        }
        self.row_widths.push(self.open_width);
        self.open_len = 0;
        self.open_width = 0;
    }

    /// The widest of the first `count` rows.
    pub fn width_of_first(&self, count: usize) -> usize {
        self.row_widths
            .iter()
            .take(count)
            .copied()
            .max()
            .unwrap_or(0)
    }

    /// The used width of row `index` (0 for an empty row).
    pub fn row_width(&self, index: usize) -> usize {
        self.row_widths.get(index).copied().unwrap_or(0)
    }

    /// How many columns hold any cell.
    pub fn column_count(&self) -> usize {
        self.columns.len()
    }

    /// Whether an empty row follows a non-empty one among the rows searched for a header.
    pub fn has_gap_near_top(&self) -> bool {
        let top = self.row_count().min(GAP_SEARCH_ROWS);
        (1..top).any(|index| self.row_width(index) == 0 && self.row_width(index - 1) > 0)
    }

    /// Records the sheet's merged regions, given in 0-based sheet rows, with their rows counted
    /// from the grid's first row; regions starting above the grid are left out.
    pub fn set_sheet_merges(&mut self, regions: impl IntoIterator<Item = MergedRegion>) {
        let top = self.first_row.saturating_sub(1);
        self.merged = regions
            .into_iter()
            .filter_map(|region| {
                Some(MergedRegion {
                    first_row: region.first_row.checked_sub(top)?,
                    last_row: region.last_row.checked_sub(top)?,
                    ..region
                })
            })
            .collect();
    }

    /// The 1-based source row of row `index`.
    pub fn source_row(&self, index: usize) -> usize {
        self.first_row + index
    }

    /// Moves one column out of the grid, keeping only the rows where `keep` is true, in order.
    /// Kept rows past the column's last cell are left off: they are empty in it.
    pub fn take_column(&mut self, column: usize, keep: &[bool]) -> Vec<Value> {
        let mut values = self
            .columns
            .get_mut(column)
            .map(std::mem::take)
            .unwrap_or_default();
        // Usually the header rows are left out and every row below is kept: one move.
        let skipped = keep.iter().take_while(|kept| !**kept).count();
        let rest = keep.get(skipped..values.len()).unwrap_or_default();
        if skipped <= values.len() && rest.len() == values.len() - skipped && !rest.contains(&false)
        {
            values.drain(..skipped);
            return values;
        }
        let mut kept = 0;
        for row in 0..values.len() {
            if keep.get(row).copied().unwrap_or(false) {
                values.swap(kept, row);
                kept += 1;
            }
        }
        values.truncate(kept);
        values
    }
}

/// Answers up to this long are looked for among a column's earlier answers.
const SHARED_ANSWER_BYTES: usize = 64;

/// Distinct answers remembered per column: enough for any choice list.
const SHARED_ANSWERS_PER_COLUMN: usize = 32;

/// Lookups after which a column whose answers rarely repeat (names, emails, comments) stops
/// being looked up.
const SHARED_ANSWER_TRIAL: usize = 1000;

/// Short answers already seen in each column of a text file, so that a choice repeated down a
/// column ("Parent or carer", "Agree") is held once rather than once per response.
#[derive(Debug, Default)]
pub struct SharedAnswers {
    columns: Vec<ColumnAnswers>,
}

#[derive(Debug, Default)]
struct ColumnAnswers {
    seen: Vec<Arc<str>>,
    lookups: usize,
    hits: usize,
}

impl SharedAnswers {
    /// The cleaned text of the answer `trimmed` (already trimmed) in `column`, sharing an
    /// earlier equal answer's text.
    pub fn text(&mut self, column: usize, trimmed: &str) -> Value {
        if trimmed.is_empty()
            || trimmed.len() > SHARED_ANSWER_BYTES
            || memchr::memchr2(b'\r', b'_', trimmed.as_bytes()).is_some()
        {
            return clean_text(trimmed);
        }
        if self.columns.len() <= column {
            self.columns.resize_with(column + 1, ColumnAnswers::default);
        }
        let Some(answers) = self.columns.get_mut(column) else {
            return clean_text(trimmed);
        };
        if answers.lookups >= SHARED_ANSWER_TRIAL && answers.hits * 4 < answers.lookups {
            return Value::Text(trimmed.into());
        }
        answers.lookups += 1;
        if let Some(found) = answers.seen.iter().find(|seen| ***seen == *trimmed) {
            answers.hits += 1;
            return Value::Text(Arc::clone(found));
        }
        let text: Arc<str> = trimmed.into();
        if answers.seen.len() < SHARED_ANSWERS_PER_COLUMN {
            answers.seen.push(Arc::clone(&text));
        }
        Value::Text(text)
    }
}

/// `str::trim`, with a shortcut for the usual cell that starts and ends with a visible ASCII
/// character and so has nothing to trim: a million cells are trimmed in a large import.
#[inline]
pub fn trim(text: &str) -> &str {
    let visible = |byte: &u8| (b'!'..=b'~').contains(byte);
    let bytes = text.as_bytes();
    if bytes.first().is_some_and(visible) && bytes.last().is_some_and(visible) {
        text
    } else {
        text.trim()
    }
}

/// The whole number written by at most 12 ASCII digits, read straight from the bytes: every
/// cell reference, style, shared-string index and written date goes through here.
#[inline]
pub fn ascii_number(digits: &[u8]) -> Option<usize> {
    if digits.is_empty() || digits.len() > 12 {
        return None;
    }
    digits.iter().try_fold(0usize, |number, byte| {
        byte.is_ascii_digit()
            .then(|| number * 10 + usize::from(byte - b'0'))
    })
}

/// Cleans text from a cell: decodes Excel's `_xHHHH_` escapes, unifies line ends, trims.
pub fn clean_text(raw: &str) -> Value {
    // One scan finds both things that need rewriting; most cells have neither.
    if memchr::memchr2(b'_', b'\r', raw.as_bytes()).is_none() {
        return text_value(trim(raw));
    }
    clean_line_ends(&unescape_ooxml(raw))
}

/// Trimmed text as a value: empty text is no answer.
fn text_value(trimmed: &str) -> Value {
    if trimmed.is_empty() {
        Value::Empty
    } else {
        Value::Text(trimmed.into())
    }
}

/// Cleans text already free of escapes: unifies line ends and trims.
fn clean_line_ends(raw: &str) -> Value {
    let trimmed = trim(raw);
    if memchr::memchr(b'\r', trimmed.as_bytes()).is_none() {
        return text_value(trimmed);
    }
    text_value(trim(&trimmed.replace("\r\n", "\n").replace('\r', "\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x000d_escape_becomes_a_line_break() {
        assert_eq!(
            clean_text("ABC_x000D_\nDEF"),
            Value::Text("ABC\nDEF".into())
        );
        assert_eq!(clean_text("ABC\r\nDEF"), Value::Text("ABC\nDEF".into()));
    }

    #[test]
    fn repeated_answers_share_their_text() {
        let mut shared = SharedAnswers::default();
        let (Value::Text(first), Value::Text(again), Value::Text(other_column)) = (
            shared.text(0, "Agree"),
            shared.text(0, "Agree"),
            shared.text(1, "Agree"),
        ) else {
            panic!("text values");
        };
        assert!(Arc::ptr_eq(&first, &again));
        assert!(!Arc::ptr_eq(&first, &other_column));
        assert_eq!(
            shared.text(0, "Line_x000D_two"),
            Value::Text("Line\ntwo".into())
        );
        assert_eq!(shared.text(0, ""), Value::Empty);
    }

    #[test]
    fn whitespace_only_is_empty() {
        assert_eq!(clean_text("  \n "), Value::Empty);
    }

    #[test]
    fn trimming_takes_the_shortcut_only_when_nothing_needs_trimming() {
        for text in [
            "word",
            " padded\t",
            "\u{a0}no-break\u{a0}",
            "café",
            "",
            " ",
            "a\n",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn rows_are_trimmed_and_columns_taken_once() {
        let mut grid = Grid::new(1);
        for value in [Value::Text("a".into()), Value::Empty, Value::Empty] {
            grid.push_cell(value);
        }
        grid.end_row();
        grid.end_row();
        grid.push_cell(Value::Empty);
        grid.push_cell(Value::Number(1.0));
        grid.end_row();
        assert_eq!(grid.row_count(), 3);
        assert_eq!(grid.row(0), [Value::Text("a".into())]);
        assert!(grid.row(1).is_empty());
        assert_eq!(grid.row(2), [Value::Empty, Value::Number(1.0)]);
        assert_eq!(grid.width_of_first(10), 2);
        assert_eq!(grid.column_count(), 2);
        assert!(grid.has_gap_near_top());
        assert_eq!(
            grid.take_column(1, &[false, true, true]),
            [Value::Empty, Value::Number(1.0)]
        );
        assert!(grid.take_column(1, &[false, true, true]).is_empty());
        assert_eq!(
            grid.take_column(0, &[true, false, true]),
            [Value::Text("a".into())]
        );
    }
}
