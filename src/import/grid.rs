//! A sheet's cells as read from the file, before the header is found.

use crate::model::Value;

/// The rows of one sheet, trimmed of trailing empty cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    /// The rows; `rows[i]` is source row `first_row + i`.
    pub rows: Vec<Vec<Value>>,
    /// The 1-based source row (CSV: record number) of `rows[0]`.
    pub first_row: usize,
    /// How many cells held spreadsheet errors and were read as blank.
    pub error_cells: usize,
}

impl Grid {
    /// The widest row, ignoring trailing empty cells.
    pub fn width(&self) -> usize {
        self.width_of_first(self.rows.len())
    }

    /// The widest of the first `count` rows, ignoring trailing empty cells.
    pub fn width_of_first(&self, count: usize) -> usize {
        self.rows
            .iter()
            .take(count)
            .map(|row| used_width(row))
            .max()
            .unwrap_or(0)
    }

    /// The 1-based source row of `rows[index]`.
    pub fn source_row(&self, index: usize) -> usize {
        self.first_row + index
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
    let mut text = raw.replace("_x000D_", "\r");
    if text.contains('\r') {
        text = text.replace("\r\n", "\n").replace('\r', "\n");
    }
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
    fn width_ignores_trailing_empties() {
        let grid = Grid {
            rows: vec![
                vec![Value::Text("a".into()), Value::Empty, Value::Empty],
                vec![Value::Empty, Value::Number(1.0)],
            ],
            first_row: 1,
            error_cells: 0,
        };
        assert_eq!(grid.width(), 2);
    }
}
