//! Files to [`Survey`](crate::model::Survey), in one straight line:
//!
//! 1. `sniff` tells from the first bytes what the file is and opens its reader: our own
//!    `xlsx` reader, `calamine_reader` for .xls, .xlsb and .ods, or `csv_file` for text;
//! 2. `sheets` chooses the worksheet and the reader gives its cells as a `grid`;
//! 3. `build` finds the header (`header`), reads written dates (`dates`), gives each column
//!    its role (`roles`) and names the survey tool (`platform`);
//! 4. `combine` joins several files of one consultation.
//!
//! A panic inside any of it is caught at one boundary (`guard`) and reported as a damaged file.
//! This is the only module that names calamine, csv, zip or the encoding crates.

mod build;
mod calamine_reader;
mod cell_text;
mod combine;
mod csv_file;
mod dates;
mod grid;
mod guard;
mod header;
mod platform;
mod reader;
mod report;
mod roles;
mod sheets;
mod sniff;
mod xlsx;

use std::io::{BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};

pub use combine::SOURCE_COLUMN;
pub use guard::{install_panic_hook, own_panics_caught};
pub use header::column_letters;
pub use platform::SurveyPlatform;
pub use report::{ImportError, ImportReport, ImportWarning, Imported};

use crate::counts::as_f32;
use crate::progress::Progress;

/// Choices the user makes before importing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The worksheet to read; `None` picks the visible worksheet with the most data.
    pub sheet: Option<String>,
}

/// The share of one file's progress that reading its cells takes; finding the header and the
/// column roles takes the rest.
const READING_SHARE: f32 = 0.6;

/// The file extensions the importer reads.
pub const SUPPORTED_EXTENSIONS: [&str; 8] =
    ["xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "tsv", "txt"];

/// Reads a survey export. The file is only ever read, never written or locked, and never held
/// whole when it is a workbook package or UTF-8 text.
///
/// # Errors
/// An [`ImportError`] naming the file when it cannot be read, is not a spreadsheet, is
/// password-protected or damaged, or holds no header and responses.
pub fn import_file(
    path: &Path,
    options: &ImportOptions,
    progress: &Progress,
) -> Result<Imported, ImportError> {
    let file = std::fs::File::open(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        source,
    })?;
    import_from(path, BufReader::new(file), options, progress)
}

/// Reads a survey export already in memory; `path` names it in messages.
///
/// # Errors
/// As [`import_file`].
pub fn import_bytes(
    path: &Path,
    bytes: &[u8],
    options: &ImportOptions,
    progress: &Progress,
) -> Result<Imported, ImportError> {
    import_from(path, Cursor::new(bytes), options, progress)
}

/// Reads several exports of one consultation into one survey, matching columns by heading and
/// adding a Source column; one path reads that file alone.
///
/// # Errors
/// The first file's [`ImportError`] that stops it; each message names its file.
pub fn import_files(
    paths: &[PathBuf],
    options: &ImportOptions,
    progress: &Progress,
) -> Result<Imported, ImportError> {
    let mut parts = Vec::with_capacity(paths.len());
    let share = 1.0 / as_f32(paths.len().max(1));
    for (index, path) in paths.iter().enumerate() {
        let step = progress.step(as_f32(index) * share, share);
        parts.push(import_file(path, options, &step)?);
    }
    Ok(combine(parts))
}

/// Joins the imports of several exports of one consultation into one survey, matching columns
/// by heading and adding a Source column; one import is returned as it is.
pub fn combine(parts: Vec<Imported>) -> Imported {
    match <[Imported; 1]>::try_from(parts) {
        Ok([only]) => only,
        Err(several) => combine::combine(several),
    }
}

/// The whole way from a file's bytes to a survey, inside the one panic boundary.
fn import_from<R: Read + Seek + Send>(
    path: &Path,
    input: R,
    options: &ImportOptions,
    progress: &Progress,
) -> Result<Imported, ImportError> {
    guard::guarded(path, || {
        let mut reader = sniff::open_reader(path, input)?;
        let mut report = ImportReport::default();
        let (sheet, grid) = sheets::read_chosen_sheet(
            path,
            reader.as_mut(),
            options.sheet.as_deref(),
            &mut report,
            &progress.step(0.0, READING_SHARE),
        )?;
        // The reader is done; its buffers are not needed while the survey is built.
        drop(reader);
        if progress.is_cancelled() {
            return Err(ImportError::Cancelled {
                path: path.to_owned(),
            });
        }
        progress.set_fraction(READING_SHARE);
        let survey = build::build_survey(path, sheet, grid, &mut report)?;
        progress.set_fraction(1.0);
        Ok(Imported { survey, report })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ColumnRole;

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
        assert!(bytes.len() > sniff::HEAD_BYTES);
        std::fs::write(&path, &bytes).expect("writes");
        let imported =
            import_file(&path, &ImportOptions::default(), &Progress::new()).expect("imports");
        assert_eq!(imported.survey.response_count(), 3_001);
        assert_eq!(
            imported.survey.columns[1]
                .values
                .get(3_000)
                .expect("a row")
                .display(),
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
            from_file.survey.columns[2]
                .values
                .get(0)
                .expect("a row")
                .display(),
            "Staff; training"
        );
    }

    #[test]
    fn two_digit_year_dates_are_this_century_in_the_order_the_column_shows() {
        let imported = import_csv(
            "Submitted,Comment\n\
             12/2/21 8:46,We waited fourteen months for the EHCP\n\
             12/14/21 17:05,Staff need training on autism\n",
        )
        .expect("imports");
        let submitted = &imported.survey.columns[0];
        assert_eq!(submitted.role, ColumnRole::Timestamp);
        assert_eq!(
            submitted.values.get(0).expect("a row").display(),
            "2021-12-02 08:46:00"
        );
        assert_eq!(
            submitted.values.get(1).expect("a row").display(),
            "2021-12-14 17:05:00"
        );
        assert!(
            !imported
                .report
                .warnings
                .iter()
                .any(|warning| matches!(warning, ImportWarning::AmbiguousDates { .. }))
        );

        let unsettled = import_csv(
            "Submitted,Comment\n\
             12/2/21 8:46,We waited fourteen months for the EHCP\n\
             3/4/21 9:00,Staff need training on autism\n",
        )
        .expect("imports");
        assert_eq!(
            unsettled.survey.columns[0]
                .values
                .get(0)
                .expect("a row")
                .display(),
            "2021-02-12 08:46:00"
        );
        assert!(
            unsettled
                .report
                .warnings
                .contains(&ImportWarning::AmbiguousDates {
                    column: "Submitted".to_owned()
                })
        );
    }

    #[test]
    fn answers_that_say_nothing_are_listed_in_the_report() {
        let imported = import_csv(
            "Id,Any other comments?\n\
             1,n/a\n\
             2,We waited fourteen months for the EHCP and nobody told us why\n\
             3,None.\n\
             4,-\n\
             5,Staff need far more training on autism in every school\n\
             6,n/a\n",
        )
        .expect("imports");
        assert!(
            imported
                .report
                .warnings
                .contains(&ImportWarning::NonAnswers {
                    count: 4,
                    examples: vec!["n/a".to_owned(), "None.".to_owned(), "-".to_owned()],
                }),
            "{:?}",
            imported.report.warnings
        );
        assert_eq!(imported.survey.comments().len(), 2);
        assert_eq!(imported.survey.non_answers().len(), 4);
    }
}
