//! Workbooks other than SpreadsheetML (.xls, .xlsb, .ods), read through calamine.

use std::collections::HashMap;
use std::io::{Read, Seek};

use calamine::{Data, Ods, Range, Reader, SheetType, SheetVisible, Sheets, Xls, Xlsb};

use super::cell_text::clean_text;
use super::dates::parse_datetime;
use super::grid::{Grid, MergedRegion};
use super::reader::{SheetInfo, SheetReader};
use super::report::{ImportReport, ReadError};
use crate::model::Value;
use crate::progress::Progress;

/// The workbook formats read through calamine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalamineFormat {
    /// Excel 97-2003 (.xls), an OLE compound file.
    Xls,
    /// Excel binary workbook (.xlsb), a zip package.
    Xlsb,
    /// OpenDocument spreadsheet (.ods), a zip package.
    Ods,
}

/// A workbook opened by calamine. Sheets read to count their cells are kept, so the chosen one
/// is not read twice.
pub struct CalamineBook<R: Read + Seek> {
    workbook: Sheets<R>,
    counted: HashMap<String, Range<Data>>,
}

impl<R: Read + Seek> CalamineBook<R> {
    /// Opens the workbook in `input`.
    ///
    /// # Errors
    /// [`ReadError::Damaged`] with calamine's account of the damage.
    pub fn open(input: R, format: CalamineFormat) -> Result<Self, ReadError> {
        let damaged = |error: &dyn std::fmt::Display| ReadError::Damaged(error.to_string());
        let workbook = match format {
            CalamineFormat::Xls => Sheets::Xls(
                calamine::open_workbook_from_rs::<Xls<_>, _>(input).map_err(|e| damaged(&e))?,
            ),
            CalamineFormat::Xlsb => Sheets::Xlsb(
                calamine::open_workbook_from_rs::<Xlsb<_>, _>(input).map_err(|e| damaged(&e))?,
            ),
            CalamineFormat::Ods => Sheets::Ods(
                calamine::open_workbook_from_rs::<Ods<_>, _>(input).map_err(|e| damaged(&e))?,
            ),
        };
        Ok(Self::new(workbook))
    }

    /// Reads the sheets of a workbook calamine has opened.
    pub fn new(workbook: Sheets<R>) -> Self {
        Self {
            workbook,
            counted: HashMap::new(),
        }
    }

    fn range(&mut self, name: &str) -> Result<Range<Data>, ReadError> {
        match self.counted.remove(name) {
            Some(range) => Ok(range),
            None => self
                .workbook
                .worksheet_range(name)
                .map_err(|error| ReadError::Damaged(error.to_string())),
        }
    }

    /// The sheet's merged cells, in 0-based sheet rows and columns. Only .xlsx and .xls record
    /// them; a sheet whose merges cannot be read simply has none.
    fn merged_regions(&mut self, name: &str) -> Vec<MergedRegion> {
        let dimensions = match &mut self.workbook {
            Sheets::Xlsx(xlsx) => xlsx.merge_cells_by_sheet_name(name).ok(),
            Sheets::Xls(xls) => xls.merge_cells_by_sheet_name(name).ok(),
            _ => None,
        };
        dimensions
            .unwrap_or_default()
            .into_iter()
            .map(|region| MergedRegion {
                first_row: region.start.0 as usize,
                last_row: region.end.0 as usize,
                first_column: region.start.1 as usize,
                last_column: region.end.1 as usize,
            })
            .collect()
    }
}

impl<R: Read + Seek> SheetReader for CalamineBook<R> {
    fn sheets(&self) -> Option<Vec<SheetInfo>> {
        Some(
            self.workbook
                .sheets_metadata()
                .iter()
                .map(|sheet| SheetInfo {
                    name: sheet.name.clone(),
                    is_worksheet: sheet.typ == SheetType::WorkSheet,
                    visible: sheet.visible == SheetVisible::Visible,
                })
                .collect(),
        )
    }

    fn count_cells(&mut self, name: &str) -> Result<usize, ReadError> {
        let range = self.range(name)?;
        let cells = range.used_cells().count();
        self.counted.insert(name.to_owned(), range);
        Ok(cells)
    }

    fn read(
        &mut self,
        sheet: Option<&str>,
        _report: &mut ImportReport,
        _progress: &Progress,
    ) -> Result<Grid, ReadError> {
        let name = sheet.unwrap_or_default();
        let range = self.range(name)?;
        self.counted.clear();
        let mut grid = grid_from_range(&range);
        grid.keep_merges_for_header(|| self.merged_regions(name));
        Ok(grid)
    }
}

/// Converts calamine's cells into rows of values, keeping source row numbers.
fn grid_from_range(range: &Range<Data>) -> Grid {
    let (start_row, start_col) = range.start().unwrap_or((0, 0));
    let mut grid = Grid::new(start_row as usize + 1);
    for cells in range.rows() {
        for _ in 0..start_col {
            grid.push_cell(Value::Empty);
        }
        for cell in cells {
            if matches!(cell, Data::Error(_)) {
                grid.error_cells += 1;
            }
            grid.push_cell(convert(cell));
        }
        grid.end_row();
    }
    grid
}

/// One calamine cell as a value: dates as dates, durations and errors as text or blank.
fn convert(cell: &Data) -> Value {
    match cell {
        Data::Empty | Data::Error(_) => Value::Empty,
        Data::Int(number) => {
            // Survey values are far below 2^53, where i64 -> f64 is exact.
            #[allow(clippy::cast_precision_loss)]
            let number = *number as f64;
            Value::Number(number)
        }
        Data::Float(number) => Value::Number(*number),
        Data::Bool(flag) => Value::Bool(*flag),
        Data::String(text) => clean_text(text),
        Data::DateTime(when) => match when.as_datetime() {
            Some(datetime) if when.is_datetime() => Value::DateTime(datetime),
            _ => Value::Number(when.as_f64()),
        },
        Data::DateTimeIso(text) => {
            parse_datetime(text).map_or_else(|| clean_text(text), Value::DateTime)
        }
        Data::DurationIso(text) => clean_text(text),
    }
}
