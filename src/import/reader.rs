//! The one small interface every container's reader offers the import: the sheets it holds, and
//! one sheet's cells as a [`Grid`].

use super::grid::Grid;
use super::report::{ImportReport, ReadError};
use crate::progress::Progress;

/// A sheet as the workbook lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetInfo {
    /// The name on its tab.
    pub name: String,
    /// Whether it is a worksheet (not a chart, dialog or macro sheet).
    pub is_worksheet: bool,
    /// Whether its tab shows (not hidden or very hidden).
    pub visible: bool,
}

/// A spreadsheet opened for reading: our own .xlsx reader, calamine for .xls, .xlsb and .ods,
/// or delimited text.
pub trait SheetReader {
    /// The sheets the workbook lists, in order; `None` for a text file, which holds one table.
    fn sheets(&self) -> Option<Vec<SheetInfo>>;

    /// How many non-empty cells the sheet named `name` holds, to choose the fullest.
    ///
    /// # Errors
    /// The reader's error when the sheet cannot be read.
    fn count_cells(&mut self, name: &str) -> Result<usize, ReadError>;

    /// Reads the sheet named `sheet` (`None` for a text file) into a grid, moving `progress`
    /// from 0 to 1. A cancelled read stops early; the import sees the flag and reports it.
    ///
    /// # Errors
    /// The reader's error when the cells cannot be read.
    fn read(
        &mut self,
        sheet: Option<&str>,
        report: &mut ImportReport,
        progress: &Progress,
    ) -> Result<Grid, ReadError>;
}
