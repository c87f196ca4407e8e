//! Coded responses as CSV: UTF-8 with a byte-order mark so that Excel reads it as such, one row
//! per response, a column per theme; the same rows as the workbook's Coded responses sheet.

use std::io::Write;
use std::path::Path;

use super::coded_rows::{Cell, CodedRows};
use super::error::ExportError;
use crate::codebook::Codebook;
use crate::model::{Survey, ValueRef};
use crate::redact::Redactor;
use crate::tagging::Tagging;

/// Excel's signal that a CSV file is UTF-8.
const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Writes the coded responses as CSV, atomically. Refuses to write over the survey's own file.
/// With `redactor`, personal data in the comments is masked.
///
/// # Errors
/// [`ExportError::Write`] naming `path` when it cannot be written.
pub fn write_coded_csv(
    path: &Path,
    survey: &Survey,
    codebook: &Codebook,
    tagging: &Tagging,
    redactor: Option<&Redactor>,
) -> Result<(), ExportError> {
    ExportError::refuse_to_overwrite(path, survey)?;
    let write_error = |source| ExportError::Write {
        path: path.to_owned(),
        source,
    };
    let rows = CodedRows::new(survey, codebook, tagging, redactor);
    let headers = rows.headers();
    let mut temporary = crate::files::temporary_beside(path).map_err(write_error)?;
    {
        let mut file = std::io::BufWriter::new(temporary.as_file_mut());
        file.write_all(BYTE_ORDER_MARK).map_err(write_error)?;
        let mut writer = csv::Writer::from_writer(&mut file);
        let csv_error = |error: csv::Error| write_error(std::io::Error::other(error));
        writer.write_record(&headers).map_err(csv_error)?;
        let mut record: Vec<String> = vec![String::new(); headers.len()];
        for response in 0..rows.len() {
            record.iter_mut().for_each(String::clear);
            rows.for_each_cell(response, |column, cell| {
                if let Some(field) = record.get_mut(column) {
                    // Written as the window shows them.
                    match cell {
                        Cell::Text(text) => field.push_str(text),
                        Cell::Number(number) => field.push_str(&ValueRef::Number(number).display()),
                        Cell::DateTime(when) => field.push_str(&ValueRef::DateTime(when).display()),
                        Cell::Bool(flag) => field.push_str(&ValueRef::Bool(flag).display()),
                    }
                }
                Ok::<(), ExportError>(())
            })?;
            writer.write_record(&record).map_err(csv_error)?;
        }
        writer.flush().map_err(write_error)?;
        drop(writer);
        file.flush().map_err(write_error)?;
    }
    temporary.as_file().sync_all().map_err(write_error)?;
    temporary
        .persist(path)
        .map_err(|error| write_error(error.error))?;
    Ok(())
}
