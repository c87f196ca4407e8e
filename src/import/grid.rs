//! A sheet's cells as read from the file, before the header is found.

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

/// The rows of one sheet, each trimmed of trailing empty cells, stored in one flat list so that a
/// large sheet costs a few allocations rather than one per row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    /// Every row's cells, one row after another.
    cells: Vec<Value>,
    /// Where each row ends in `cells`; row `i` is source row `first_row + i`.
    row_ends: Vec<usize>,
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
        self.row_ends.len()
    }

    fn row(&self, index: usize) -> &[Value] {
        self.cells.get(self.row_range(index)).unwrap_or_default()
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

    /// Makes room for about `cells` more cells in `rows` more rows, so a large sheet is not
    /// copied each time its list grows.
    pub fn reserve(&mut self, rows: usize, cells: usize) {
        self.row_ends.reserve(rows);
        self.cells.reserve(cells);
    }

    /// Appends a cell to the row being built.
    pub fn push_cell(&mut self, value: Value) {
        self.cells.push(value);
    }

    /// How many cells the row being built has so far.
    pub fn open_row_len(&self) -> usize {
        self.cells.len() - self.row_ends.last().copied().unwrap_or(0)
    }

    /// Ends the row being built, dropping its trailing empty cells.
    pub fn end_row(&mut self) {
        let start = self.row_ends.last().copied().unwrap_or(0);
        let used = self.cells.get(start..).map_or(0, used_width);
        self.cells.truncate(start + used);
        self.row_ends.push(self.cells.len());
    }

    /// The widest of the first `count` rows.
    pub fn width_of_first(&self, count: usize) -> usize {
        (0..self.row_count().min(count))
            .map(|index| self.row(index).len())
            .max()
            .unwrap_or(0)
    }

    /// Whether an empty row follows a non-empty one among the rows searched for a header.
    pub fn has_gap_near_top(&self) -> bool {
        let top = self.row_count().min(GAP_SEARCH_ROWS);
        (1..top).any(|index| self.row(index).is_empty() && !self.row(index - 1).is_empty())
    }

    /// The 1-based source row of row `index`.
    pub fn source_row(&self, index: usize) -> usize {
        self.first_row + index
    }

    /// The cells of row `index`, to move values out of.
    pub fn row_mut(&mut self, index: usize) -> &mut [Value] {
        let range = self.row_range(index);
        self.cells.get_mut(range).unwrap_or_default()
    }

    /// Where row `index` lies in `cells`; empty when out of range.
    fn row_range(&self, index: usize) -> std::ops::Range<usize> {
        let start = index
            .checked_sub(1)
            .and_then(|previous| self.row_ends.get(previous))
            .copied()
            .unwrap_or(0);
        let end = self.row_ends.get(index).copied().unwrap_or(start);
        start..end
    }
}

/// The row's length without its trailing empty cells.
pub fn used_width(row: &[Value]) -> usize {
    row.iter()
        .rposition(|value| !value.is_empty())
        .map_or(0, |last| last + 1)
}

/// Cleans text from a cell: decodes Excel's `_x000D_` escape, unifies line ends, trims.
pub fn clean_text(raw: &str) -> Value {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Value::Empty;
    }
    // Most cells need no rewriting: one scan, one allocation, straight from the borrowed text.
    let needs_rewrite = memchr::memchr2(b'\r', b'_', trimmed.as_bytes()).is_some()
        && (trimmed.contains('\r') || trimmed.contains("_x000D_"));
    if !needs_rewrite {
        return Value::Text(trimmed.into());
    }
    let text = trimmed
        .replace("_x000D_", "\r")
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let trimmed = text.trim();
    if trimmed.is_empty() {
        Value::Empty
    } else {
        Value::Text(trimmed.into())
    }
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
    fn whitespace_only_is_empty() {
        assert_eq!(clean_text("  \n "), Value::Empty);
    }

    #[test]
    fn rows_are_trimmed_and_cells_taken_once() {
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
        assert_eq!(grid.width_of_first(10), 2);
        assert_eq!(
            grid.row_mut(2).get_mut(1).map(std::mem::take),
            Some(Value::Number(1.0))
        );
        assert_eq!(grid.row(2), [Value::Empty, Value::Empty]);
        assert!(grid.row_mut(7).is_empty());
    }
}
