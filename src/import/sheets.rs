//! Which worksheet of a workbook to read: the one asked for, else the visible worksheet with the
//! most cells. The same choice for every kind of workbook.

use std::path::Path;

use super::grid::Grid;
use super::reader::{SheetInfo, SheetReader};
use super::report::{ImportError, ImportReport, ImportWarning};
use crate::progress::Progress;

/// Reads a file's table: for a workbook the sheet asked for, else the visible worksheet with the
/// most cells; a text file's only table. Returns the sheet's name (workbooks) and its cells.
///
/// # Errors
/// As [`choose_sheet`], and the reader's errors naming the file.
pub fn read_chosen_sheet(
    path: &Path,
    reader: &mut dyn SheetReader,
    requested: Option<&str>,
    report: &mut ImportReport,
    progress: &Progress,
) -> Result<(Option<String>, Grid), ImportError> {
    let sheet = match reader.sheets() {
        Some(sheets) => Some(choose_sheet(path, &sheets, requested, report, |name| {
            reader
                .count_cells(name)
                .map_err(|error| ImportError::reading(path, error))
        })?),
        None => None,
    };
    let grid = reader
        .read(sheet.as_deref(), report, progress)
        .map_err(|error| ImportError::reading(path, error))?;
    Ok((sheet, grid))
}

/// Picks the sheet to read: the one asked for, else the visible worksheet with the most cells
/// (`used_cells` counts them). Notes skipped sheets and lists the visible ones in the report.
///
/// # Errors
/// [`ImportError::SheetNotFound`] for a name the workbook lacks, [`ImportError::NoData`] when no
/// visible worksheet has a cell, or what `used_cells` returns.
fn choose_sheet(
    path: &Path,
    sheets: &[SheetInfo],
    requested: Option<&str>,
    report: &mut ImportReport,
    mut used_cells: impl FnMut(&str) -> Result<usize, ImportError>,
) -> Result<String, ImportError> {
    for sheet in sheets {
        if !sheet.is_worksheet {
            report.warn(ImportWarning::SkippedNonWorksheet {
                sheet: sheet.name.clone(),
            });
        } else if !sheet.visible {
            report.warn(ImportWarning::SkippedHiddenSheet {
                sheet: sheet.name.clone(),
            });
        }
    }
    let visible: Vec<String> = sheets
        .iter()
        .filter(|sheet| sheet.is_worksheet && sheet.visible)
        .map(|sheet| sheet.name.clone())
        .collect();
    report.sheets.clone_from(&visible);
    if let Some(name) = requested {
        return sheets
            .iter()
            .find(|sheet| sheet.name == name)
            .map(|sheet| sheet.name.clone())
            .ok_or_else(|| ImportError::SheetNotFound {
                path: path.to_owned(),
                sheet: name.to_owned(),
                available: visible.clone(),
            });
    }
    if let [only] = visible.as_slice() {
        return Ok(only.clone());
    }
    let mut with_data = Vec::new();
    for name in &visible {
        let cells = used_cells(name)?;
        if cells > 0 {
            with_data.push((name.clone(), cells));
        }
    }
    // Most cells wins; on a tie, the first sheet.
    let best = with_data
        .iter()
        .enumerate()
        .max_by_key(|(position, (_, cells))| (*cells, std::cmp::Reverse(*position)))
        .map(|(position, _)| position)
        .ok_or_else(|| ImportError::NoData {
            path: path.to_owned(),
        })?;
    let (chosen, _) = with_data.remove(best);
    if !with_data.is_empty() {
        let others = with_data.into_iter().map(|(name, _)| name).collect();
        report.warn(ImportWarning::OtherSheetsWithData {
            chosen: chosen.clone(),
            others,
        });
    }
    Ok(chosen)
}
