//! Files to [`Survey`]: format sniffing, sheet choice, header detection and column roles.
//!
//! This is the only module that names calamine, csv or the encoding crates.

mod combine;
mod csv_file;
mod grid;
mod guard;
mod header;
mod platform;
mod report;
mod roles;
mod workbook;
mod xlsx;
mod xml;

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

pub use combine::{SOURCE_COLUMN, normalise_heading};
pub use guard::own_panics_caught;
pub use header::column_letters;
pub use platform::SurveyPlatform;
pub use report::{ImportError, ImportReport, ImportWarning};

use crate::model::{Column, ColumnRole, SourceFile, Survey, Value};
use crate::progress::Progress;
use grid::{Grid, Rows};
use workbook::WorkbookKind;

/// Choices the user makes before importing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The worksheet to read; `None` picks the visible worksheet with the most data.
    pub sheet: Option<String>,
}

/// A survey and what the importer noticed on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The responses.
    pub survey: Survey,
    /// Warnings about partial problems.
    pub report: ImportReport,
}

/// The share of one file's progress that reading its cells takes; finding the header and the
/// column roles takes the rest.
const READING_SHARE: f32 = 0.6;

/// Rows whose width decides how wide the header must be.
const HEADER_WIDTH_ROWS: usize = 200;

/// The file extensions the importer reads.
pub const SUPPORTED_EXTENSIONS: [&str; 8] =
    ["xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "tsv", "txt"];

/// Reads a survey export. The file is only ever read, never written or locked.
///
/// # Errors
/// An [`ImportError`] naming the file when it cannot be read, is not a spreadsheet, is
/// password-protected or damaged, or holds no header and responses.
pub fn import_file(
    path: &Path,
    options: &ImportOptions,
    progress: &Progress,
) -> Result<Imported, ImportError> {
    let read_error = |source| ImportError::Read {
        path: path.to_owned(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(read_error)?;
    let mut head = Vec::with_capacity(csv_file::HEAD_BYTES);
    (&mut file)
        .take(csv_file::HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(read_error)?;
    let kind = container(&head);
    if !head.is_empty() && kind.is_none() && !looks_binary(&head) && csv_file::is_utf8_head(&head) {
        // UTF-8 text is parsed straight from the file, so a large CSV is never held whole.
        if let Some(imported) = stream_csv(path, file, &head, progress)? {
            return Ok(imported);
        }
    } else if kind == Some(WorkbookKind::Zip) {
        // A workbook package is read part by part from the file, never held whole.
        let mut report = ImportReport::default();
        let input = std::io::BufReader::new(file);
        let reading = progress.step(0.0, READING_SHARE);
        let read = guard::guarded(path, || {
            xlsx::read_sheet(path, input, options.sheet.as_deref(), &mut report, &reading)
        })?;
        if let Some((sheet, grid)) = read {
            return finish(path, Some(sheet), grid, report, progress);
        }
    }
    let bytes = std::fs::read(path).map_err(read_error)?;
    let mut report = ImportReport::default();
    let (sheet, grid) = read_sheet_grid(path, &bytes, options, &mut report, progress)?;
    // The cells are copied out; the file's bytes are not needed while the survey is built.
    drop(bytes);
    finish(path, sheet, grid, report, progress)
}

/// Imports a UTF-8 text file from the open file; `None` when it turns out not to be UTF-8
/// further on, to be read again and decoded.
fn stream_csv(
    path: &Path,
    mut file: std::fs::File,
    head: &[u8],
    progress: &Progress,
) -> Result<Option<Imported>, ImportError> {
    let read_error = |source| ImportError::Read {
        path: path.to_owned(),
        source,
    };
    let file_bytes = file.metadata().map_err(read_error)?.len();
    file.seek(SeekFrom::Start(0)).map_err(read_error)?;
    let head_text = String::from_utf8_lossy(head);
    let delimiter = csv_file::sniff_delimiter(&head_text, extension(path) == "tsv");
    let head_lines = memchr::memchr_iter(b'\n', head).count().max(1);
    let size = csv_file::CsvSize {
        bytes: file_bytes,
        lines: usize::try_from(file_bytes).unwrap_or(usize::MAX) / (head.len() / head_lines).max(1)
            + 1,
    };
    let reading = progress.step(0.0, READING_SHARE);
    let grid = guard::guarded(path, || {
        match csv_file::read_grid_from(file, delimiter, size, &reading) {
            Ok(grid) => Ok(Some(grid)),
            Err(error) if matches!(error.kind(), csv::ErrorKind::Utf8 { .. }) => Ok(None),
            Err(error) => Err(ImportError::Corrupt {
                path: path.to_owned(),
                detail: error.to_string(),
            }),
        }
    })?;
    let Some(grid) = grid else { return Ok(None) };
    finish(path, None, grid, ImportReport::default(), progress).map(Some)
}

/// Reads several exports of one consultation into one survey, matching columns by heading and
/// adding a Source column; one path reads that file alone.
///
/// # Errors
/// The first file's [`ImportError`] that stops it; each message names its file.
pub fn import_files(
    paths: &[std::path::PathBuf],
    options: &ImportOptions,
    progress: &Progress,
) -> Result<Imported, ImportError> {
    let mut parts = Vec::with_capacity(paths.len());
    #[allow(clippy::cast_precision_loss)]
    let share = 1.0 / paths.len().max(1) as f32;
    for (index, path) in paths.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let step = progress.step(index as f32 * share, share);
        parts.push(import_file(path, options, &step)?);
    }
    let parts = match <[Imported; 1]>::try_from(parts) {
        Ok([only]) => return Ok(only),
        Err(several) => several,
    };
    let mut combined = combine::combine(parts);
    if !combined
        .survey
        .columns
        .iter()
        .any(|column| column.role == ColumnRole::FreeText)
    {
        let files = paths
            .iter()
            .map(|path| path.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        combined
            .report
            .warn(ImportWarning::NoFreeTextColumn { file: files });
    }
    Ok(combined)
}

/// Reads a survey export already in memory; `path` names it in messages and picks the format.
///
/// # Errors
/// As [`import_file`].
pub fn import_bytes(
    path: &Path,
    bytes: &[u8],
    options: &ImportOptions,
    progress: &Progress,
) -> Result<Imported, ImportError> {
    let mut report = ImportReport::default();
    let (sheet, grid) = read_sheet_grid(path, bytes, options, &mut report, progress)?;
    finish(path, sheet, grid, report, progress)
}

/// The chosen sheet's cells, or why there are none.
fn read_sheet_grid(
    path: &Path,
    bytes: &[u8],
    options: &ImportOptions,
    report: &mut ImportReport,
    progress: &Progress,
) -> Result<(Option<String>, Grid), ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::EmptyFile {
            path: path.to_owned(),
        });
    }
    let reading = progress.step(0.0, READING_SHARE);
    guard::guarded(path, || read_grid(path, bytes, options, report, &reading))
}

/// Finds the header and column roles and builds the survey, unless the read was cancelled.
fn finish(
    path: &Path,
    sheet: Option<String>,
    grid: Grid,
    mut report: ImportReport,
    progress: &Progress,
) -> Result<Imported, ImportError> {
    if progress.is_cancelled() {
        return Err(ImportError::Cancelled {
            path: path.to_owned(),
        });
    }
    progress.set_fraction(READING_SHARE);
    if grid.error_cells > 0 {
        report.warn(ImportWarning::ErrorCellsBlanked {
            count: grid.error_cells,
        });
    }
    let survey = build_survey(path, sheet, grid, &mut report)?;
    progress.set_fraction(1.0);
    Ok(Imported { survey, report })
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|extension| extension.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Workbooks are recognised by their first bytes, not their extension, so a renamed file still opens.
fn container(bytes: &[u8]) -> Option<WorkbookKind> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some(WorkbookKind::Zip)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some(WorkbookKind::Compound)
    } else {
        None
    }
}

fn read_grid(
    path: &Path,
    bytes: &[u8],
    options: &ImportOptions,
    report: &mut ImportReport,
    progress: &Progress,
) -> Result<(Option<String>, Grid), ImportError> {
    if let Some(kind) = container(bytes) {
        if kind == WorkbookKind::Zip {
            let package = std::io::Cursor::new(bytes);
            let requested = options.sheet.as_deref();
            if let Some((sheet, grid)) =
                xlsx::read_sheet(path, package, requested, report, progress)?
            {
                return Ok((Some(sheet), grid));
            }
        }
        let mut workbook = workbook::open(path, bytes, kind)?;
        let (sheet, grid) =
            workbook::read_sheet(path, &mut workbook, options.sheet.as_deref(), report)?;
        return Ok((Some(sheet), grid));
    }
    if looks_binary(bytes) {
        return Err(ImportError::NotASpreadsheet {
            path: path.to_owned(),
        });
    }
    let text = csv_file::decode(bytes, report);
    let delimiter = csv_file::sniff_delimiter(&text, extension(path) == "tsv");
    let grid =
        csv_file::read_grid(&text, delimiter, progress).map_err(|error| ImportError::Corrupt {
            path: path.to_owned(),
            detail: error.to_string(),
        })?;
    Ok((None, grid))
}

/// Text files have no control bytes other than tab, form feed and line ends; UTF-16 text, whose
/// zero bytes alternate, is recognised by the decoder first.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = bytes.get(..bytes.len().min(8192)).unwrap_or_default();
    let utf16 = encoding_rs::Encoding::for_bom(sample).is_some()
        || csv_file::sniff_bomless_utf16(sample).is_some();
    let zeros = sample.iter().filter(|byte| **byte == 0).count();
    let controls = sample
        .iter()
        .filter(|byte| **byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r' | 0x0C | 0))
        .count();
    !utf16 && (zeros > 0 || controls * 100 > sample.len())
}

fn build_survey(
    path: &Path,
    sheet: Option<String>,
    mut grid: Grid,
    report: &mut ImportReport,
) -> Result<Survey, ImportError> {
    if grid.width_of_first(usize::MAX) == 0 {
        return Err(ImportError::NoData {
            path: path.to_owned(),
        });
    }
    // The header is judged on the top rows only, so a stray cell far below cannot widen it.
    let top_width = grid.width_of_first(HEADER_WIDTH_ROWS);
    let layout = header::detect(&grid, top_width);
    if layout.is_none() {
        report.warn(ImportWarning::NoHeaderRow);
    }
    if let Some(layout) = &layout {
        let header_cells = (layout.first..=layout.last)
            .flat_map(|index| grid.row(index).iter().filter_map(Value::as_text))
            .collect();
        report.platform = platform::recognise(&platform::HeaderMarks {
            names: &layout.names,
            codes: &layout.codes,
            header_cells,
            sheet: sheet.as_deref(),
        });
    }
    let (data_start, header_rows, names, codes) = match layout {
        Some(layout) => (
            layout.last + 1,
            Some((grid.source_row(layout.first), grid.source_row(layout.last))),
            layout.names,
            layout.codes,
        ),
        None => {
            let first_filled = (0..grid.row_count())
                .position(|index| grid.row_width(index) > 0)
                .unwrap_or(0);
            (first_filled, None, Vec::new(), Vec::new())
        }
    };
    let header_width = names
        .iter()
        .rposition(|name| !name.is_empty())
        .map_or(0, |last| last + 1);
    let last_header_row = data_start
        .checked_sub(1)
        .map(|index| grid.source_row(index));

    let mut source_rows = Vec::new();
    let mut is_response = vec![false; grid.row_count()];
    // Blank rows between responses are worth a note; those after the last are the sheet's end.
    let mut skipped_blanks = 0usize;
    let mut pending_blanks = 0usize;
    let mut wider_rows = 0usize;
    for index in data_start..grid.row_count() {
        let width = grid.row_width(index);
        if width == 0 {
            pending_blanks += 1;
            continue;
        }
        skipped_blanks += std::mem::take(&mut pending_blanks);
        if width > header_width {
            wider_rows += 1;
        }
        source_rows.push(grid.source_row(index));
        if let Some(flag) = is_response.get_mut(index) {
            *flag = true;
        }
    }
    if source_rows.is_empty() {
        return Err(ImportError::NoResponses {
            path: path.to_owned(),
            header_row: last_header_row.unwrap_or(grid.first_row),
        });
    }
    if skipped_blanks > 0 {
        report.warn(ImportWarning::BlankRowsSkipped {
            count: skipped_blanks,
        });
    }
    if wider_rows > 0 && header_rows.is_some() {
        report.warn(ImportWarning::RowsWiderThanHeader { count: wider_rows });
    }

    // Each column is moved out of the grid whole. Columns with neither a heading nor an answer
    // are spacing, or a stray cell's reach: dropped.
    let used_width = grid.column_count().max(header_width);
    let mut kept: Vec<(usize, String)> = Vec::new();
    let mut kept_values: Vec<Vec<Value>> = Vec::new();
    for column in 0..used_width {
        let mut values = grid.take_column(column, &is_response);
        let name = match (&header_rows, names.get(column)) {
            (None, _) => format!("Column {}", column_letters(column)),
            (Some(_), name) => name.cloned().unwrap_or_default(),
        };
        if !name.trim().is_empty() || values.iter().any(|value| !value.is_empty()) {
            values.resize(source_rows.len(), Value::Empty);
            kept.push((column, name));
            kept_values.push(values);
        }
    }
    let names = header::unique_names(&kept, report);
    let columns: Vec<Column> = names
        .into_iter()
        .zip(kept_values)
        .zip(kept.iter().map(|(column, _)| *column))
        .map(|((name, values), index)| {
            let code = codes.get(index).and_then(Option::as_deref);
            let guess = roles::detect(&name, code, &values, index);
            Column {
                name,
                role: guess.role,
                role_reason: guess.reason,
                source_index: Some(index),
                values,
            }
        })
        .collect();
    if !columns
        .iter()
        .any(|column| column.role == ColumnRole::FreeText)
    {
        report.warn(ImportWarning::NoFreeTextColumn {
            file: path.display().to_string(),
        });
    }
    Ok(Survey {
        sources: vec![SourceFile {
            path: path.to_owned(),
            sheet,
            header_rows,
        }],
        columns,
        source_rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Imports `bytes` as a file called `name`, with default options.
    fn import_named(name: &str, bytes: &[u8]) -> Result<Imported, ImportError> {
        import_bytes(
            Path::new(name),
            bytes,
            &ImportOptions::default(),
            &Progress::new(),
        )
    }

    fn import_csv(text: &str) -> Result<Imported, ImportError> {
        import_named("responses.csv", text.as_bytes())
    }

    #[test]
    fn csv_with_title_row_blank_row_and_roles() {
        let imported = import_csv(
            "Consultation export\n\
             Id,Email,Which of these best describes you?,What are your views?\n\
             1,anonymous,Parent or carer,We waited over a year for the EHCP and nobody told us why\n\
             ,,,\n\
             2,a@example.org,Young person,teachers dont get it when im anxious at all\n\
             3,anonymous,Parent or carer,More training for staff on autism would help so much\n",
        )
        .expect("imports");
        let survey = &imported.survey;
        assert_eq!(survey.sources[0].header_rows, Some((2, 2)));
        assert_eq!(survey.response_count(), 3);
        assert_eq!(survey.source_rows, [3, 5, 6]);
        let roles: Vec<ColumnRole> = survey.columns.iter().map(|column| column.role).collect();
        assert_eq!(
            roles,
            [
                ColumnRole::Identifier,
                ColumnRole::Personal,
                ColumnRole::Attribute,
                ColumnRole::FreeText
            ]
        );
        assert_eq!(
            imported.report.warnings,
            [ImportWarning::BlankRowsSkipped { count: 1 }]
        );
    }

    #[test]
    fn header_without_responses_names_the_file() {
        let error = import_csv("Id,Comment\n").expect_err("no responses");
        assert_eq!(
            error.to_string(),
            "there are no responses below the header (row 1) in responses.csv"
        );
    }

    #[test]
    fn zero_byte_file_is_an_error() {
        let error = import_csv("").expect_err("empty");
        assert!(error.to_string().contains("0 bytes"));
    }

    #[test]
    fn binary_file_is_not_a_spreadsheet() {
        let bytes = [0x7F, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0];
        let error = import_named("program.csv", &bytes).expect_err("binary");
        assert!(matches!(error, ImportError::NotASpreadsheet { .. }));
        assert!(error.to_string().ends_with("program.csv"));
    }

    #[test]
    fn truncated_xlsx_is_reported_as_damaged() {
        let bytes = b"PK\x03\x04 truncated";
        let error = import_named("broken.xlsx", bytes).expect_err("damaged");
        assert!(matches!(error, ImportError::Corrupt { .. }), "{error}");
    }

    #[test]
    fn cancelled_import_stops() {
        let progress = Progress::new();
        progress.cancel();
        let error = import_bytes(
            Path::new("a.csv"),
            b"Id,Comment\n1,hello there\n",
            &ImportOptions::default(),
            &progress,
        )
        .expect_err("cancelled");
        assert!(matches!(error, ImportError::Cancelled { .. }));
    }

    fn xlsx_bytes(
        build: impl FnOnce(&mut rust_xlsxwriter::Worksheet) -> Result<(), rust_xlsxwriter::XlsxError>,
    ) -> Vec<u8> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        build(workbook.add_worksheet()).expect("cells");
        workbook.save_to_buffer().expect("workbook")
    }

    #[test]
    fn stray_far_away_cell_does_not_blow_up_the_grid() {
        let bytes = xlsx_bytes(|sheet| {
            sheet.write_string(0, 0, "Id")?;
            sheet.write_string(0, 1, "Comment")?;
            sheet.write_number(1, 0, 1.0)?;
            sheet.write_string(1, 1, "More staff training please")?;
            sheet.write_string(1_000_000, 16_000, "stray")?;
            Ok(())
        });
        let imported = import_named("stray.xlsx", &bytes).expect("imports");
        let names: Vec<&str> = imported
            .survey
            .columns
            .iter()
            .map(|column| column.name.as_str())
            .collect();
        assert_eq!(names, ["Id", "Comment", "Column WQK"]);
        assert_eq!(imported.survey.source_rows, [2, 1_000_001]);
    }

    #[test]
    fn a_long_merge_below_the_header_does_not_swallow_the_responses() {
        let bytes = xlsx_bytes(|sheet| {
            sheet.merge_range(0, 0, 999, 0, "Id", &rust_xlsxwriter::Format::new())?;
            sheet.write_string(0, 1, "Comment")?;
            for row in 300..310 {
                sheet.write_string(row, 1, "More speech therapy please")?;
            }
            Ok(())
        });
        let imported = import_named("merged.xlsx", &bytes).expect("imports");
        assert_eq!(imported.survey.source_rows.len(), 10);
        assert_eq!(imported.survey.sources[0].header_rows, Some((1, 3)));
    }

    #[test]
    fn blank_columns_between_answers_are_dropped() {
        let bytes = xlsx_bytes(|sheet| {
            sheet.write_string(0, 0, "Role")?;
            sheet.write_string(0, 3, "Comment")?;
            sheet.write_string(1, 0, "Parent")?;
            sheet.write_string(1, 3, "We waited a year")?;
            Ok(())
        });
        let imported = import_named("gap.xlsx", &bytes).expect("imports");
        let columns: Vec<(usize, &str)> = imported
            .survey
            .columns
            .iter()
            .map(|column| {
                (
                    column.source_index.unwrap_or_default(),
                    column.name.as_str(),
                )
            })
            .collect();
        assert_eq!(columns, [(0, "Role"), (3, "Comment")]);
        assert!(
            imported
                .report
                .warnings
                .iter()
                .all(|warning| !matches!(warning, ImportWarning::UnnamedColumn { .. }))
        );
    }

    #[test]
    fn windows_1252_byte_after_a_utf8_looking_start_is_still_decoded() {
        let directory = tempfile::tempdir().expect("temp dir");
        let path = directory.path().join("late-pound.csv");
        let mut bytes = b"Id,Comment\n".to_vec();
        for id in 1..=3_000 {
            bytes.extend(
                format!("{id},We need more staff training in every school please\n").bytes(),
            );
        }
        bytes.extend(b"3001,\xA3500 is not enough\n");
        assert!(bytes.len() > csv_file::HEAD_BYTES);
        std::fs::write(&path, &bytes).expect("writes");
        let imported =
            import_file(&path, &ImportOptions::default(), &Progress::new()).expect("imports");
        assert_eq!(imported.survey.response_count(), 3_001);
        assert_eq!(
            imported.survey.columns[1].values[3_000].display(),
            "£500 is not enough"
        );
        assert!(
            imported
                .report
                .warnings
                .contains(&ImportWarning::GuessedEncoding {
                    encoding: "windows-1252".to_owned()
                })
        );
    }

    #[test]
    fn utf8_csv_read_from_the_file_matches_reading_it_whole() {
        let directory = tempfile::tempdir().expect("temp dir");
        let path = directory.path().join("survey.csv");
        let text = "\u{FEFF}Id;Role;Comment\n1;Parent;\"Staff; training\"\n2;Young person;caf\u{e9} \u{2019}quote\u{2019}\n";
        std::fs::write(&path, text).expect("writes");
        let from_file =
            import_file(&path, &ImportOptions::default(), &Progress::new()).expect("imports");
        let from_bytes = import_bytes(
            &path,
            text.as_bytes(),
            &ImportOptions::default(),
            &Progress::new(),
        )
        .expect("imports");
        assert_eq!(from_file, from_bytes);
        assert_eq!(from_file.survey.columns[0].name, "Id");
        assert_eq!(
            from_file.survey.columns[2].values[0].display(),
            "Staff; training"
        );
    }
}
