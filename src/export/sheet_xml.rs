//! Rows of worksheet XML written straight into a buffer, for the one sheet too big for
//! rust_xlsxwriter's cell-by-cell bookkeeping. The cells are those rust_xlsxwriter writes for
//! the same values in its constant-memory mode (strings inline), so Excel reads them the same.

use rust_xlsxwriter::{ExcelDateTime, XlsxError};

use super::coded_rows::Cell;

/// Excel's limit on the length of the text in one cell, in UTF-16 units.
const MAX_CELL_TEXT: usize = 32_767;

/// Writes rows of cells as SpreadsheetML.
pub(super) struct RowWriter {
    /// "A", "B", … "AA", … for every column the sheet has.
    column_names: Vec<String>,
    /// The style index of the date and time format in the workbook, as written.
    date_style: String,
}

impl RowWriter {
    pub(super) fn new(columns: usize, date_style: u32) -> Self {
        Self {
            column_names: (0..columns).map(column_name).collect(),
            date_style: date_style.to_string(),
        }
    }

    /// Appends the row numbered `row` (from 1) with the cells `fill` hands to the given writer.
    pub(super) fn row<E: From<XlsxError>>(
        &self,
        out: &mut Vec<u8>,
        row: usize,
        fill: impl FnOnce(&mut dyn FnMut(usize, Cell<'_>) -> Result<(), E>) -> Result<(), E>,
    ) -> Result<(), E> {
        let row_number = row.to_string();
        out.extend_from_slice(b"<row r=\"");
        out.extend_from_slice(row_number.as_bytes());
        out.extend_from_slice(b"\">");
        fill(&mut |column, cell| self.cell(out, &row_number, column, cell).map_err(E::from))?;
        out.extend_from_slice(b"</row>");
        Ok(())
    }

    fn cell(
        &self,
        out: &mut Vec<u8>,
        row_number: &str,
        column: usize,
        cell: Cell<'_>,
    ) -> Result<(), XlsxError> {
        let column_name = self
            .column_names
            .get(column)
            .ok_or(XlsxError::RowColumnLimitError)?;
        let open = |out: &mut Vec<u8>, style: Option<&str>, kind: &str| {
            out.extend_from_slice(b"<c r=\"");
            out.extend_from_slice(column_name.as_bytes());
            out.extend_from_slice(row_number.as_bytes());
            out.push(b'"');
            if let Some(style) = style {
                out.extend_from_slice(b" s=\"");
                out.extend_from_slice(style.as_bytes());
                out.push(b'"');
            }
            out.extend_from_slice(kind.as_bytes());
            out.push(b'>');
        };
        match cell {
            // As in Excel, an empty string is no cell at all.
            Cell::Text("") => {}
            Cell::Text(text) => {
                // A UTF-16 text is never longer than its UTF-8 bytes, so most need no count.
                if text.len() > MAX_CELL_TEXT && text.encode_utf16().count() > MAX_CELL_TEXT {
                    return Err(XlsxError::MaxStringLengthExceeded);
                }
                let preserve =
                    text.starts_with(['\t', '\n', ' ']) || text.ends_with(['\t', '\n', ' ']);
                open(out, None, " t=\"inlineStr\"");
                out.extend_from_slice(if preserve {
                    b"<is><t xml:space=\"preserve\">".as_slice()
                } else {
                    b"<is><t>".as_slice()
                });
                escape_text(out, text);
                out.extend_from_slice(b"</t></is></c>");
            }
            Cell::Number(number) if number.is_finite() => {
                open(out, None, "");
                number_value(out, number);
            }
            // Excel has no not-a-number or infinity: written as text, as rust_xlsxwriter does.
            Cell::Number(number) => {
                let text = if number.is_nan() {
                    "NAN"
                } else if number > 0.0 {
                    "INF"
                } else {
                    "-INF"
                };
                self.cell(out, row_number, column, Cell::Text(text))?;
            }
            Cell::DateTime(when) => {
                let serial = excel_datetime(&when)?.to_excel();
                open(out, Some(&self.date_style), "");
                number_value(out, serial);
            }
            Cell::Bool(flag) => {
                open(out, None, " t=\"b\"");
                out.extend_from_slice(if flag {
                    b"<v>1</v></c>"
                } else {
                    b"<v>0</v></c>"
                });
            }
        }
        Ok(())
    }
}

fn number_value(out: &mut Vec<u8>, number: f64) {
    use std::io::Write;
    out.extend_from_slice(b"<v>");
    // Writing into a Vec cannot fail.
    let _ = write!(out, "{number}");
    out.extend_from_slice(b"</v></c>");
}

/// A date and time to the whole second, as Excel holds it; years Excel cannot show are refused.
pub(super) fn excel_datetime(when: &chrono::NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    use chrono::{Datelike, Timelike};
    let out_of_range = || XlsxError::DateTimeRangeError(when.to_string());
    let part = |value: u32| u8::try_from(value).map_err(|_| out_of_range());
    ExcelDateTime::from_ymd(
        u16::try_from(when.year()).map_err(|_| out_of_range())?,
        part(when.month())?,
        part(when.day())?,
    )?
    .and_hms(
        u16::try_from(when.hour()).map_err(|_| out_of_range())?,
        part(when.minute())?,
        part(when.second())?,
    )
}

/// "A" for 0, "Z" for 25, "AA" for 26.
pub(super) fn column_name(column: usize) -> String {
    let mut name = Vec::new();
    let mut rest = column + 1;
    while rest > 0 {
        let letter = u8::try_from((rest - 1) % 26).unwrap_or_default();
        name.push(b'A' + letter);
        rest = (rest - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// Text as XML character data, with Excel's escapes: control characters and the two
/// non-characters become `_xHHHH_`, so text that already looks like such an escape has its
/// underscore escaped (`_x005F` before it).
fn escape_text(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let mut written = 0;
    let mut index = 0;
    while let Some(offset) = bytes[index..]
        .iter()
        .position(|&byte| MAY_NEED_ESCAPE[usize::from(byte)])
    {
        index += offset;
        let byte = bytes[index];
        let rest = &bytes[index..];
        let (replacement, skipped): (std::borrow::Cow<'_, [u8]>, usize) = match byte {
            b'&' => (b"&amp;".as_slice().into(), 1),
            b'<' => (b"&lt;".as_slice().into(), 1),
            b'>' => (b"&gt;".as_slice().into(), 1),
            0..0x20 => (format!("_x{byte:04X}_").into_bytes().into(), 1),
            b'_' if looks_like_escape(rest) => (b"_x005F".as_slice().into(), 0),
            0xEF if rest.starts_with(&[0xEF, 0xBF, 0xBE]) => (b"_xFFFE_".as_slice().into(), 3),
            0xEF if rest.starts_with(&[0xEF, 0xBF, 0xBF]) => (b"_xFFFF_".as_slice().into(), 3),
            _ => {
                index += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[written..index]);
        out.extend_from_slice(&replacement);
        written = index + skipped;
        index += 1;
    }
    out.extend_from_slice(&bytes[written..]);
}

/// The bytes `escape_text` looks at: & < > _, control bytes but tab and line feed, and the
/// first byte of U+FFFE and U+FFFF. Most text has none, and is copied whole.
static MAY_NEED_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = byte != b'\t' as usize && byte != b'\n' as usize;
        byte += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'_' as usize] = true;
    table[0xEF] = true;
    table
};

/// Whether `rest` starts with `_xHHHH_`.
fn looks_like_escape(rest: &[u8]) -> bool {
    rest.len() >= 7
        && rest[1] == b'x'
        && rest[2..6].iter().all(u8::is_ascii_hexdigit)
        && rest[6] == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        let mut out = Vec::new();
        escape_text(&mut out, text);
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn text_is_escaped_as_excel_escapes_it() {
        assert_eq!(escaped("plain café"), "plain café");
        assert_eq!(escaped("a < b & c > d"), "a &lt; b &amp; c &gt; d");
        assert_eq!(escaped("tab\tline\nend"), "tab\tline\nend");
        assert_eq!(escaped("bell\u{7}!"), "bell_x0007_!");
        assert_eq!(escaped("odd\u{FFFE}\u{FFFF}."), "odd_xFFFE__xFFFF_.");
        assert_eq!(escaped("_x0041_ and _x00_"), "_x005F_x0041_ and _x00_");
        assert_eq!(escaped("_xZZZZ_ _x004"), "_xZZZZ_ _x004");
    }

    #[test]
    fn dates_are_written_to_the_whole_second_as_parsing_their_text_did() {
        for text in [
            "2024-03-05T10:07:59",
            "1900-01-01T00:00:00",
            "1999-12-31T23:59:59",
            "2021-02-28T08:46:00.999",
        ] {
            let when = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .expect("parses");
            let whole_second = when.format("%Y-%m-%dT%H:%M:%S").to_string();
            let parsed = ExcelDateTime::parse_from_str(&whole_second).expect("parses");
            assert_eq!(
                excel_datetime(&when).expect("in range").to_excel(),
                parsed.to_excel(),
                "{text}"
            );
        }
        let too_early = chrono::NaiveDate::from_ymd_opt(1850, 1, 1)
            .and_then(|day| day.and_hms_opt(0, 0, 0))
            .expect("a date");
        assert!(excel_datetime(&too_early).is_err());
    }

    #[test]
    fn columns_are_named_as_in_excel() {
        let names: Vec<String> = [0, 25, 26, 51, 52, 701, 702, 16_383]
            .into_iter()
            .map(column_name)
            .collect();
        assert_eq!(names, ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]);
    }
}
