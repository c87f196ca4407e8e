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
    fn has_gap_near_top(&self) -> bool {
        let top = self.row_count().min(GAP_SEARCH_ROWS);
        (1..top).any(|index| self.row_width(index) == 0 && self.row_width(index - 1) > 0)
    }

    /// Records the sheet's merged regions (0-based sheet rows, counted from the grid's first row
    /// here; regions starting above the grid are left out) when they can matter: under an empty
    /// row below the top rows' text, a header merged down. Otherwise `regions` is not asked for,
    /// since reading them can cost a second pass over the sheet.
    pub fn keep_merges_for_header<I: IntoIterator<Item = MergedRegion>>(
        &mut self,
        regions: impl FnOnce() -> I,
    ) {
        if !self.has_gap_near_top() {
            return;
        }
        let top = self.first_row.saturating_sub(1);
        self.merged = regions()
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

#[cfg(test)]
mod tests {
    use super::*;

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
