//! A worksheet's cells as its part streams in: each `<c>` read into a value (shared strings and
//! date styles looked up), placed by its reference, and the merged regions read in the same pass.

use std::io::Read;

use super::styles::serial_to_datetime;
use super::xml::{Tag, Token, XmlStream, decode_text, in_part};
use crate::import::cell_text::{ascii_number, clean_text, trim};
use crate::import::dates::parse_datetime;
use crate::import::grid::{Grid, MergedRegion};
use crate::model::Value;
use crate::progress::Progress;

/// Excel's sheet size. A reference beyond it is damage, and must not make the grid reach it: the
/// cell is placed where its order puts it instead.
const MAX_ROWS: usize = 1 << 20;
const MAX_COLUMNS: usize = 1 << 14;

/// Rows parsed between looks at the cancel flag and updates of the progress fraction.
pub const ROWS_PER_PROGRESS: usize = 4096;

/// What cells refer to by number: the shared strings, which styles show dates, and the date
/// system.
pub struct Lookups {
    /// The shared string table.
    pub shared_strings: Vec<Value>,
    /// For each style index, whether it shows a date.
    pub date_styles: Vec<bool>,
    /// Whether serial dates count from 1904.
    pub date1904: bool,
}

/// What a sheet's XML gave besides its cells.
#[derive(Default)]
pub struct SheetTail {
    /// Merged regions as 0-based sheet rows and columns.
    pub merged: Vec<MergedRegion>,
    /// Cells holding spreadsheet errors (#N/A ...), read as blank.
    pub error_cells: usize,
}

/// Streams the worksheet part named `part`, `size` bytes long, handing each non-empty cell to
/// `on_cell` with its 0-based row and column, in the order the file holds them. A cancelled read
/// stops early.
///
/// # Errors
/// A damaged part, as a detail for the error message.
pub fn parse_sheet<R: Read>(
    xml: &mut XmlStream<R>,
    part: &str,
    size: u64,
    lookups: &Lookups,
    progress: &Progress,
    mut on_cell: impl FnMut(usize, usize, Value),
) -> Result<SheetTail, String> {
    let mut tail = SheetTail::default();
    let mut cell = CellState::default();
    // Positions for rows and cells that leave out their `r` reference.
    let mut next_row = 0usize;
    let mut next_column = 0usize;
    let mut rows_read = 0usize;
    loop {
        match xml.next_token().map_err(in_part(part))? {
            Token::Start(tag) => match tag.name {
                b"row" => {
                    let row = tag
                        .attribute(b"r")
                        .and_then(|number| ascii_number(number.trim_ascii()))
                        .filter(|number| *number <= MAX_ROWS)
                        .and_then(|number| number.checked_sub(1))
                        .unwrap_or(next_row);
                    next_row = row + 1;
                    next_column = 0;
                    rows_read += 1;
                    if rows_read.is_multiple_of(ROWS_PER_PROGRESS) {
                        if progress.is_cancelled() {
                            break;
                        }
                        progress.set_done_of(xml.position(), size);
                    }
                }
                b"c" => {
                    cell.start(&tag, next_row.saturating_sub(1), next_column);
                    next_column = cell.column + 1;
                }
                b"v" if !tag.self_closing => cell.capture = Capture::Value,
                b"is" if !tag.self_closing => cell.capture = Capture::InlineString,
                b"t" if cell.capture == Capture::InlineString => {
                    cell.in_text = !tag.self_closing;
                }
                b"rPh" => cell.in_phonetic = !tag.self_closing,
                b"mergeCell" => {
                    if let Some(region) = tag.attribute(b"ref").and_then(parse_range) {
                        tail.merged.push(region);
                    }
                }
                _ => {}
            },
            Token::Text(raw) if cell.takes_text() => {
                decode_text(raw, &mut cell.text).map_err(in_part(part))?;
            }
            Token::CData(raw) if cell.takes_text() => {
                cell.text.push_str(&String::from_utf8_lossy(raw));
            }
            Token::End(name) => match name {
                b"c" => {
                    let value = cell.value(lookups);
                    if value.is_error {
                        tail.error_cells += 1;
                    } else if !value.value.is_empty() {
                        on_cell(cell.row, cell.column, value.value);
                    }
                    cell.capture = Capture::None;
                }
                b"v" => cell.capture = Capture::None,
                b"t" => cell.in_text = false,
                b"rPh" => cell.in_phonetic = false,
                _ => {}
            },
            Token::Eof => break,
            _ => {}
        }
    }
    Ok(tail)
}

/// Which text inside a cell is being collected.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Capture {
    #[default]
    None,
    /// The `<v>` value.
    Value,
    /// An inline string's `<t>` runs.
    InlineString,
}

/// The cell being parsed.
#[derive(Default)]
struct CellState {
    row: usize,
    column: usize,
    kind: CellKind,
    style: usize,
    text: String,
    capture: Capture,
    in_text: bool,
    in_phonetic: bool,
}

/// A cell's `t` attribute.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum CellKind {
    #[default]
    Number,
    SharedString,
    InlineString,
    FormulaString,
    Boolean,
    Error,
    IsoDate,
}

/// A parsed cell's value, or that it held a spreadsheet error.
struct CellValue {
    value: Value,
    is_error: bool,
}

impl CellState {
    /// Begins a `<c>` element; `row` and `column` are used when it has no `r` reference.
    fn start(&mut self, tag: &Tag<'_>, row: usize, column: usize) {
        self.row = row;
        self.column = column;
        self.kind = CellKind::Number;
        self.style = 0;
        self.text.clear();
        self.capture = Capture::None;
        self.in_text = false;
        self.in_phonetic = false;
        for (name, value) in tag.attributes() {
            match name {
                b"r" => {
                    if let Some((reference_row, reference_column)) = parse_cell_reference(value) {
                        self.row = reference_row;
                        self.column = reference_column;
                    }
                }
                b"t" => {
                    self.kind = match value {
                        b"s" => CellKind::SharedString,
                        b"inlineStr" => CellKind::InlineString,
                        b"str" => CellKind::FormulaString,
                        b"b" => CellKind::Boolean,
                        b"e" => CellKind::Error,
                        b"d" => CellKind::IsoDate,
                        _ => CellKind::Number,
                    };
                }
                b"s" => {
                    self.style = ascii_number(value.trim_ascii()).unwrap_or(0);
                }
                _ => {}
            }
        }
    }

    /// Whether text events belong to this cell's value.
    fn takes_text(&self) -> bool {
        match self.capture {
            Capture::None => false,
            Capture::Value => true,
            Capture::InlineString => self.in_text && !self.in_phonetic,
        }
    }

    fn value(&self, lookups: &Lookups) -> CellValue {
        let text = self.text.as_str();
        let value = match self.kind {
            CellKind::Error => {
                return CellValue {
                    value: Value::Empty,
                    is_error: true,
                };
            }
            CellKind::SharedString => parse_index(text)
                .and_then(|index| lookups.shared_strings.get(index))
                .cloned()
                .unwrap_or_default(),
            CellKind::InlineString | CellKind::FormulaString => clean_text(text),
            CellKind::Boolean => match text.trim() {
                "1" | "true" => Value::Bool(true),
                "0" | "false" => Value::Bool(false),
                _ => clean_text(text),
            },
            CellKind::IsoDate => {
                parse_datetime(text).map_or_else(|| clean_text(text), Value::DateTime)
            }
            CellKind::Number => match trim(text).parse::<f64>() {
                Ok(number)
                    if lookups
                        .date_styles
                        .get(self.style)
                        .copied()
                        .unwrap_or(false) =>
                {
                    serial_to_datetime(number, lookups.date1904)
                        .map_or(Value::Number(number), Value::DateTime)
                }
                Ok(number) => Value::Number(number),
                Err(_) => clean_text(text),
            },
        };
        CellValue {
            value,
            is_error: false,
        }
    }
}

/// Builds a grid from cells that come in reading order with their positions, empty cells left
/// out: gaps become empty rows and cells, so a stray far-away cell costs one cell.
#[derive(Default)]
pub struct SparseGrid {
    grid: Option<Grid>,
    current_row: usize,
}

impl SparseGrid {
    /// Places a cell at its 0-based row and column.
    pub fn place(&mut self, row: usize, column: usize, value: Value) {
        let current_row = &mut self.current_row;
        let grid = self.grid.get_or_insert_with(|| {
            *current_row = row;
            Grid::new(row + 1)
        });
        while *current_row < row {
            grid.end_row();
            *current_row += 1;
        }
        // A cell left of one already placed in its row is out of order: the first one stays.
        if grid.open_row_len() > column {
            return;
        }
        while grid.open_row_len() < column {
            grid.push_cell(Value::Empty);
        }
        grid.push_cell(value);
    }

    /// The grid of the cells placed, with what the rest of the sheet's XML told.
    pub fn finish(self, tail: SheetTail) -> Grid {
        let mut grid = self.grid.unwrap_or_else(|| Grid::new(1));
        grid.end_row();
        grid.error_cells = tail.error_cells;
        grid.keep_merges_for_header(|| tail.merged);
        grid
    }
}

/// A shared string index: digits, perhaps padded with spaces.
fn parse_index(text: &str) -> Option<usize> {
    ascii_number(text.as_bytes().trim_ascii())
}

/// 0-based row and column of a reference such as `AB12`.
fn parse_cell_reference(reference: &[u8]) -> Option<(usize, usize)> {
    let bytes = reference.trim_ascii();
    let letters = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_alphabetic())
        .count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut column = 0usize;
    for letter in bytes.get(..letters)? {
        column = column * 26 + usize::from(letter.to_ascii_uppercase() - b'A') + 1;
    }
    let row = ascii_number(bytes.get(letters..)?)?;
    if row > MAX_ROWS || column > MAX_COLUMNS {
        return None;
    }
    Some((row.checked_sub(1)?, column - 1))
}

/// A merged range such as `A1:C2`, as 0-based sheet rows and columns.
fn parse_range(range: &[u8]) -> Option<MergedRegion> {
    let (first, last) = match range.iter().position(|byte| *byte == b':') {
        Some(colon) => (range.get(..colon)?, range.get(colon + 1..)?),
        None => (range, range),
    };
    let (first_row, first_column) = parse_cell_reference(first)?;
    let (last_row, last_column) = parse_cell_reference(last)?;
    Some(MergedRegion {
        first_row,
        last_row,
        first_column,
        last_column,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_within_the_sheet_edge() {
        assert_eq!(parse_cell_reference(b"A1"), Some((0, 0)));
        assert_eq!(parse_cell_reference(b"ab12"), Some((11, 27)));
        assert_eq!(
            parse_cell_reference(b"XFD1048576"),
            Some((1_048_575, 16_383))
        );
        assert_eq!(parse_cell_reference(b"A0"), None);
        assert_eq!(parse_cell_reference(b"A99999999999"), None);
        assert_eq!(parse_cell_reference(b"XFE1"), None);
        assert_eq!(parse_cell_reference(b"12"), None);
        assert_eq!(parse_index(" 42 "), Some(42));
        assert_eq!(parse_index("4x"), None);
    }
}
