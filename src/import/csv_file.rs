//! Delimited text (.csv .tsv): encoding detection, delimiter sniffing, cell typing.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

use super::grid::{Grid, SharedAnswers};
use super::report::{ImportReport, ImportWarning};
use crate::model::Value;
use crate::progress::Progress;

/// Records read between looks at the cancel flag and updates of the progress fraction.
const RECORDS_PER_PROGRESS: usize = 4096;

/// How big a text file is, for reserving the grid and reporting progress.
#[derive(Debug, Clone, Copy)]
pub struct CsvSize {
    /// Its length in bytes.
    pub bytes: u64,
    /// About how many lines it has.
    pub lines: usize,
}

/// Decodes text bytes: BOMs first, then strict UTF-8, then a guess tuned for UK Windows files.
pub fn decode<'bytes>(bytes: &'bytes [u8], report: &mut ImportReport) -> Cow<'bytes, str> {
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom_length..).unwrap_or_default();
        return decode_with(encoding, body, report);
    }
    if let Some(encoding) = sniff_bomless_utf16(bytes) {
        report.warn(ImportWarning::GuessedEncoding {
            encoding: encoding.name().to_owned(),
        });
        return decode_with(encoding, bytes, report);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(text);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    // Without the "uk" hint chardetng reads English Windows-1252 files as windows-1250.
    let encoding = detector.guess(Some(b"uk"), chardetng::Utf8Detection::Deny);
    report.warn(ImportWarning::GuessedEncoding {
        encoding: encoding.name().to_owned(),
    });
    decode_with(encoding, bytes, report)
}

fn decode_with<'bytes>(
    encoding: &'static Encoding,
    bytes: &'bytes [u8],
    report: &mut ImportReport,
) -> Cow<'bytes, str> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        report.warn(ImportWarning::UndecodableBytes {
            encoding: encoding.name().to_owned(),
        });
    }
    text
}

/// UTF-16 without a BOM shows as a zero byte beside most ASCII bytes.
pub(super) fn sniff_bomless_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = bytes.get(..bytes.len().min(4096))?;
    let pairs = sample.len() / 2;
    if pairs < 4 {
        return None;
    }
    let zeros_at = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|byte| **byte == 0)
            .count()
    };
    let (even_zeros, odd_zeros) = (zeros_at(0), zeros_at(1));
    if odd_zeros * 10 >= pairs * 7 && even_zeros * 10 < pairs {
        Some(UTF_16LE)
    } else if even_zeros * 10 >= pairs * 7 && odd_zeros * 10 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Picks the delimiter that splits the first lines most consistently.
pub fn sniff_delimiter(text: &str, is_tsv: bool) -> u8 {
    if is_tsv {
        return b'\t';
    }
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .take(30)
        .collect();
    let mut best = (b',', 0usize);
    for delimiter in [b',', b';', b'\t', b'|'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|line| count_outside_quotes(line, char::from(delimiter)))
            .collect();
        let Some(&first) = counts.first() else {
            continue;
        };
        if first == 0 {
            continue;
        }
        // Lines that agree with the first line, weighted by how many fields they make.
        let agreeing = counts.iter().filter(|count| **count == first).count();
        let score = agreeing * (first + 1);
        if score > best.1 {
            best = (delimiter, score);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, delimiter: char) -> usize {
    let mut quoted = false;
    let mut count = 0;
    for character in line.chars() {
        if character == '"' {
            quoted = !quoted;
        } else if character == delimiter && !quoted {
            count += 1;
        }
    }
    count
}

/// Splits decoded text into a grid of typed values.
pub fn read_grid(text: &str, delimiter: u8, progress: &Progress) -> Result<Grid, csv::Error> {
    let size = CsvSize {
        bytes: text.len() as u64,
        lines: memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1,
    };
    read_grid_from(text.as_bytes(), delimiter, size, progress)
}

/// Bytes read from the top of a text file to choose how to read the rest.
pub const HEAD_BYTES: usize = 64 * 1024;

/// Whether the top of a text file shows UTF-8 (with or without its BOM), which can be parsed
/// straight from the file instead of being read whole and decoded first.
pub fn is_utf8_head(head: &[u8]) -> bool {
    let other_bom =
        Encoding::for_bom(head).is_some_and(|(encoding, _)| encoding != encoding_rs::UTF_8);
    // A character cut off by the end of the head is fine; an invalid byte is not.
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none(),
    };
    !other_bom && sniff_bomless_utf16(head).is_none() && valid
}

/// Parses UTF-8 CSV from `input` into a grid, reporting progress by bytes read; `size` reserves the
/// grid up front. A cancelled read stops early, for the caller to report.
///
/// # Errors
/// The csv error, including [`csv::ErrorKind::Utf8`] when the text is not UTF-8 after all.
pub fn read_grid_from(
    input: impl std::io::Read,
    delimiter: u8,
    size: CsvSize,
    progress: &Progress,
) -> Result<Grid, csv::Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(1 << 20)
        .from_reader(input);
    let mut grid = Grid::new(1);
    let mut shared = SharedAnswers::default();
    let mut record = csv::StringRecord::new();
    let mut records = 0usize;
    while reader.read_record(&mut record)? {
        if records == 0 {
            // Lines times the first record's width: close to the final size for survey exports.
            grid.reserve(size.lines, record.len());
        }
        for (column, field) in record.iter().enumerate() {
            grid.push_cell(typed_value(field, column, &mut shared));
        }
        grid.end_row();
        records += 1;
        if records.is_multiple_of(RECORDS_PER_PROGRESS) {
            // A cancelled read stops here; the caller sees the flag and reports it.
            if progress.is_cancelled() {
                break;
            }
            progress.set_done_of(reader.position().byte(), size.bytes);
        }
    }
    Ok(grid)
}

fn typed_value(field: &str, column: usize, shared: &mut SharedAnswers) -> Value {
    let trimmed = field.trim();
    // Most fields are words: neither a number nor a date starts with a letter.
    if !trimmed
        .bytes()
        .next()
        .is_some_and(|byte| byte.is_ascii_digit() || byte == b'-')
    {
        return shared.text(column, trimmed);
    }
    if let Some(number) = parse_plain_number(trimmed) {
        return Value::Number(number);
    }
    if let Some(when) = parse_datetime(trimmed) {
        return Value::DateTime(when);
    }
    shared.text(column, trimmed)
}

/// Plain decimal numbers only: no leading zeros (phone numbers, codes), no exponents.
fn parse_plain_number(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    let plausible = !whole.is_empty()
        && whole.len() <= 15
        && all_digits(whole)
        && all_digits(fraction)
        && !(whole.len() > 1 && whole.starts_with('0'))
        && !(digits.contains('.') && fraction.is_empty());
    if plausible { text.parse().ok() } else { None }
}

const DATETIME_FORMATS: [&str; 10] = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%Y/%m/%d %I:%M:%S %p",
    "%Y/%m/%d %H:%M:%S",
];

const DATE_FORMATS: [&str; 3] = ["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y"];

/// Parses the date-time layouts survey platforms write; day-first wins when both could fit.
pub fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    let starts_with_digit = text
        .bytes()
        .next()
        .is_some_and(|byte| byte.is_ascii_digit());
    if !starts_with_digit || !(8..=32).contains(&text.len()) {
        return None;
    }
    if let Some(when) = parse_iso_datetime(text) {
        return Some(when);
    }
    let text = strip_zone_suffix(text);
    DATETIME_FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(&text, format).ok())
        .or_else(|| {
            DATE_FORMATS
                .iter()
                .find_map(|format| NaiveDate::parse_from_str(&text, format).ok())
                .and_then(|date| date.and_hms_opt(0, 0, 0))
        })
}

/// `2026-03-02 09:14:05` (or with a `T`), read without chrono's format parser: exports hold
/// hundreds of thousands of these.
fn parse_iso_datetime(text: &str) -> Option<NaiveDateTime> {
    let bytes = text.as_bytes();
    if bytes.len() != 19
        || bytes.get(4) != Some(&b'-')
        || bytes.get(7) != Some(&b'-')
        || bytes.get(13) != Some(&b':')
    {
        return None;
    }
    // Digits read straight from the bytes: this runs for every cell of a timestamp column.
    let number = |range: std::ops::Range<usize>| {
        bytes.get(range)?.iter().try_fold(0u32, |total, byte| {
            byte.is_ascii_digit()
                .then(|| total * 10 + u32::from(byte - b'0'))
        })
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)?;
    matches!(bytes.get(10), Some(b' ' | b'T')).then_some(())?;
    (bytes.get(16) == Some(&b':')).then_some(())?;
    date.and_hms_opt(number(11..13)?, number(14..16)?, number(17..19)?)
}

/// Google Forms writes "2024/01/29 2:33:06 PM GMT"; the zone name adds nothing we use.
fn strip_zone_suffix(text: &str) -> Cow<'_, str> {
    for zone in [" GMT", " BST", " UTC", "Z"] {
        if let Some(stripped) = text.strip_suffix(zone) {
            return Cow::Owned(stripped.to_owned());
        }
    }
    Cow::Borrowed(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(field: &str) -> Value {
        typed_value(field, 0, &mut SharedAnswers::default())
    }

    #[test]
    fn cp1252_pound_sign_and_curly_apostrophe() {
        let mut report = ImportReport::default();
        let bytes = b"Comment\n\xA3500 isn\x92t enough for the school\xA3\n";
        let text = decode(bytes, &mut report);
        assert!(text.contains("£500 isn’t enough"), "{text}");
        assert_eq!(
            report.warnings,
            vec![ImportWarning::GuessedEncoding {
                encoding: "windows-1252".to_owned()
            }]
        );
    }

    #[test]
    fn utf8_bom_is_removed_without_warning() {
        let mut report = ImportReport::default();
        let text = decode("\u{FEFF}Id,Name\n".as_bytes(), &mut report);
        assert_eq!(text, "Id,Name\n");
        assert!(report.warnings.is_empty());
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(
            "Id,Comment\n1,café\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        let mut report = ImportReport::default();
        assert_eq!(decode(&bytes, &mut report), "Id,Comment\n1,café\n");
        let bomless: Vec<u8> = "Id,Comment\n1,caf\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&bomless, &mut report), "Id,Comment\n1,caf\n");
    }

    #[test]
    fn a_long_read_reports_progress_and_stops_when_cancelled() {
        use super::super::grid::Rows;
        let text: String = (0..RECORDS_PER_PROGRESS * 3)
            .map(|row| format!("{row},Parent,more support please\n"))
            .collect();
        let progress = Progress::new();
        let grid = read_grid(&text, b',', &progress).expect("parses");
        assert_eq!(grid.row_count(), RECORDS_PER_PROGRESS * 3);
        assert!(progress.fraction() > 0.3, "{}", progress.fraction());
        progress.cancel();
        let grid = read_grid(&text, b',', &progress).expect("parses");
        assert_eq!(grid.row_count(), RECORDS_PER_PROGRESS);
    }

    #[test]
    fn semicolon_delimited_file_is_sniffed() {
        let text = "Id;Comment;Area\n1;\"Hello, world\";North\n2;More;South\n";
        assert_eq!(sniff_delimiter(text, false), b';');
        assert_eq!(sniff_delimiter("a,b\n1,2\n", false), b',');
        assert_eq!(sniff_delimiter("a,b\n1,2\n", true), b'\t');
    }

    #[test]
    fn phone_numbers_stay_text_and_numbers_parse() {
        assert_eq!(typed("07700900123"), Value::Text("07700900123".into()));
        assert_eq!(typed("42"), Value::Number(42.0));
        assert_eq!(typed("-3.5"), Value::Number(-3.5));
        assert_eq!(typed("1e5"), Value::Text("1e5".into()));
    }

    #[test]
    fn survey_platform_dates_parse() {
        let expected = NaiveDate::from_ymd_opt(2026, 3, 2).and_then(|d| d.and_hms_opt(9, 14, 5));
        assert_eq!(parse_datetime("2026-03-02 09:14:05"), expected);
        assert_eq!(parse_datetime("02/03/2026 09:14:05"), expected);
        assert_eq!(parse_datetime("2026/03/02 9:14:05 AM GMT"), expected);
        assert_eq!(parse_datetime("not a date"), None);
    }
}
