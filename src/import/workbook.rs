//! Workbooks other than SpreadsheetML (.xls .xlsb .ods) through calamine, and the sheet choice
//! all workbooks share.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Ods, Range, Reader, SheetType, SheetVisible, Sheets, Xls, Xlsb, Xlsx};

use super::grid::{Grid, MergedRegion, clean_text};
use super::report::{ImportError, ImportReport, ImportWarning};
use crate::model::Value;

/// A workbook read from bytes already in memory.
pub type Workbook<'bytes> = Sheets<Cursor<&'bytes [u8]>>;

/// The container a workbook's bytes are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkbookKind {
    /// A ZIP package: .xlsx, .xlsm, .xlsb or .ods.
    Zip,
    /// An OLE compound file: .xls, or an encrypted Office file.
    Compound,
}

/// Opens the workbook held in `bytes`, choosing the reader from the container and the extension.
pub fn open<'bytes>(
    path: &Path,
    bytes: &'bytes [u8],
    kind: WorkbookKind,
) -> Result<Workbook<'bytes>, ImportError> {
    let extension = super::extension(path);
    let cursor = Cursor::new(bytes);
    let corrupt = |detail: String| ImportError::Corrupt {
        path: path.to_owned(),
        detail,
    };
    match kind {
        WorkbookKind::Compound => {
            if is_encrypted_package(bytes) || matches!(extension.as_str(), "xlsx" | "xlsm" | "xlsb")
            {
                return Err(ImportError::PasswordProtected {
                    path: path.to_owned(),
                });
            }
            calamine::open_workbook_from_rs::<Xls<_>, _>(cursor)
                .map(Sheets::Xls)
                .map_err(|error| corrupt(error.to_string()))
        }
        WorkbookKind::Zip => match extension.as_str() {
            "ods" => calamine::open_workbook_from_rs::<Ods<_>, _>(cursor)
                .map(Sheets::Ods)
                .map_err(|error| corrupt(error.to_string())),
            "xlsb" => calamine::open_workbook_from_rs::<Xlsb<_>, _>(cursor)
                .map(Sheets::Xlsb)
                .map_err(|error| corrupt(error.to_string())),
            _ => match calamine::open_workbook_from_rs::<Xlsx<_>, _>(cursor.clone()) {
                Ok(workbook) => Ok(Sheets::Xlsx(workbook)),
                Err(xlsx_error) => calamine::open_workbook_from_rs::<Ods<_>, _>(cursor)
                    .map(Sheets::Ods)
                    .map_err(|_| corrupt(xlsx_error.to_string())),
            },
        },
    }
}

/// Encrypted OOXML files are compound files holding an `EncryptedPackage` stream; its UTF-16 name
/// shows in the directory bytes.
fn is_encrypted_package(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes
        .windows(name.len())
        .any(|window| window == name.as_slice())
}

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

/// Picks the sheet to read: the one asked for, else the visible worksheet with the most cells
/// (`used_cells` counts them). Notes skipped sheets and lists the visible ones in the report.
///
/// # Errors
/// [`ImportError::SheetNotFound`] for a name the workbook lacks, [`ImportError::NoData`] when no
/// visible worksheet has a cell, or what `used_cells` returns.
pub fn choose_sheet(
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

/// Reads the chosen sheet, or the visible worksheet with the most cells, into a grid.
pub fn read_sheet(
    path: &Path,
    workbook: &mut Workbook<'_>,
    requested: Option<&str>,
    report: &mut ImportReport,
) -> Result<(String, Grid), ImportError> {
    let corrupt = |detail: String| ImportError::Corrupt {
        path: path.to_owned(),
        detail,
    };
    let sheets: Vec<SheetInfo> = workbook
        .sheets_metadata()
        .iter()
        .map(|sheet| SheetInfo {
            name: sheet.name.clone(),
            is_worksheet: sheet.typ == SheetType::WorkSheet,
            visible: sheet.visible == SheetVisible::Visible,
        })
        .collect();
    // Sheets read to count their cells are kept, so the chosen one is not read twice.
    let mut counted: HashMap<String, Range<Data>> = HashMap::new();
    let chosen = choose_sheet(path, &sheets, requested, report, |name| {
        let range = workbook
            .worksheet_range(name)
            .map_err(|error| corrupt(error.to_string()))?;
        let cells = range.used_cells().count();
        counted.insert(name.to_owned(), range);
        Ok(cells)
    })?;
    let range = match counted.remove(&chosen) {
        Some(range) => range,
        None => workbook
            .worksheet_range(&chosen)
            .map_err(|error| corrupt(error.to_string()))?,
    };
    drop(counted);
    let mut grid = grid_from_range(&range);
    // Merges only matter for an empty row under the top rows' text (a header merged down).
    if grid.has_gap_near_top() {
        grid.set_sheet_merges(merged_regions(workbook, &chosen));
    }
    Ok((chosen, grid))
}

/// The sheet's merged cells, in 0-based sheet rows and columns. Only .xlsx and .xls record
/// them; a sheet whose merges cannot be read simply has none.
fn merged_regions(workbook: &mut Workbook<'_>, name: &str) -> Vec<MergedRegion> {
    let dimensions = match workbook {
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
            super::csv_file::parse_datetime(text).map_or_else(|| clean_text(text), Value::DateTime)
        }
        Data::DurationIso(text) => clean_text(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_package_name_is_recognised() {
        let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0];
        bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(is_encrypted_package(&bytes));
        assert!(!is_encrypted_package(b"plain"));
    }
}
