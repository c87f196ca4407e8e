//! Delimited text (.csv .tsv): telling text from binary, encoding detection, delimiter sniffing,
//! cell typing. UTF-8 is parsed straight from the file, so a large CSV is never held whole.

use std::borrow::Cow;
use std::io::{Read, Seek, SeekFrom};

use arcstr::ArcStr;
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

use super::cell_text::{clean_text, trim};
use super::dates::parse_datetime;
use super::grid::Grid;
use super::reader::{SheetInfo, SheetReader};
use super::report::{ImportReport, ImportWarning, ReadError};
use crate::model::Value;
use crate::progress::Progress;

/// Records read between looks at the cancel flag and updates of the progress fraction.
const RECORDS_PER_PROGRESS: usize = 4096;

/// A text file opened for reading, with the bytes read from its top to choose how.
pub struct TextFile<R> {
    input: R,
    head: Vec<u8>,
    is_tsv: bool,
}

impl<R: Read + Seek> TextFile<R> {
    /// A text file whose first bytes are `head`; `is_tsv` when its name says tab-separated.
    pub fn new(input: R, head: Vec<u8>, is_tsv: bool) -> Self {
        Self {
            input,
            head,
            is_tsv,
        }
    }

    /// Parses UTF-8 straight from the file; `None` when it turns out not to be UTF-8 further on.
    fn read_utf8(&mut self, progress: &Progress) -> Result<Option<Grid>, ReadError> {
        let length = self.input.seek(SeekFrom::End(0))?;
        self.input.seek(SeekFrom::Start(0))?;
        let head_lines = memchr::memchr_iter(b'\n', &self.head).count().max(1);
        let size = CsvSize {
            bytes: length,
            lines: usize::try_from(length).unwrap_or(usize::MAX)
                / (self.head.len() / head_lines).max(1)
                + 1,
        };
        let delimiter = sniff_delimiter(&String::from_utf8_lossy(&self.head), self.is_tsv);
        match read_grid_from(&mut self.input, delimiter, size, progress) {
            Ok(grid) => Ok(Some(grid)),
            Err(error) if matches!(error.kind(), csv::ErrorKind::Utf8 { .. }) => Ok(None),
            Err(error) => Err(ReadError::Damaged(error.to_string())),
        }
    }
}

impl<R: Read + Seek> SheetReader for TextFile<R> {
    fn sheets(&self) -> Option<Vec<SheetInfo>> {
        None
    }

    fn count_cells(&mut self, _name: &str) -> Result<usize, ReadError> {
        Ok(0)
    }

    fn read(
        &mut self,
        _sheet: Option<&str>,
        report: &mut ImportReport,
        progress: &Progress,
    ) -> Result<Grid, ReadError> {
        if is_utf8_head(&self.head)
            && let Some(grid) = self.read_utf8(progress)?
        {
            return Ok(grid);
        }
        // Other encodings are decoded whole first.
        self.input.seek(SeekFrom::Start(0))?;
        let mut bytes = Vec::new();
        self.input.read_to_end(&mut bytes)?;
        let text = decode(&bytes, report);
        let delimiter = sniff_delimiter(&text, self.is_tsv);
        read_grid(&text, delimiter, progress).map_err(|error| ReadError::Damaged(error.to_string()))
    }
}

/// Text files have no control bytes other than tab, form feed and line ends; UTF-16 text, whose
/// zero bytes alternate, is recognised by the decoder first.
pub fn looks_binary(head: &[u8]) -> bool {
    let sample = head.get(..head.len().min(8192)).unwrap_or_default();
    let utf16 = Encoding::for_bom(sample).is_some() || sniff_bomless_utf16(sample).is_some();
    let zeros = sample.iter().filter(|byte| **byte == 0).count();
    let controls = sample
        .iter()
        .filter(|byte| **byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r' | 0x0C | 0))
        .count();
    !utf16 && (zeros > 0 || controls * 100 > sample.len())
}

/// Answers up to this long are looked for among a column's earlier answers.
const SHARED_ANSWER_BYTES: usize = 64;

/// Distinct answers remembered per column: enough for any choice list.
const SHARED_ANSWERS_PER_COLUMN: usize = 32;

/// Lookups after which a column whose answers rarely repeat (names, emails, comments) stops
/// being looked up.
const SHARED_ANSWER_TRIAL: usize = 1000;

/// Short answers already seen in each column of a text file, so that a choice repeated down a
/// column ("Parent or carer", "Agree") is held once rather than once per response.
#[derive(Debug, Default)]
pub struct SharedAnswers {
    columns: Vec<ColumnAnswers>,
}

#[derive(Debug, Default)]
struct ColumnAnswers {
    seen: Vec<ArcStr>,
    lookups: usize,
    hits: usize,
}

impl SharedAnswers {
    /// The cleaned text of the answer `trimmed` (already trimmed) in `column`, sharing an
    /// earlier equal answer's text.
    pub fn text(&mut self, column: usize, trimmed: &str) -> Value {
        if trimmed.is_empty()
            || trimmed.len() > SHARED_ANSWER_BYTES
            || memchr::memchr2(b'\r', b'_', trimmed.as_bytes()).is_some()
        {
            return clean_text(trimmed);
        }
        if self.columns.len() <= column {
            self.columns.resize_with(column + 1, ColumnAnswers::default);
        }
        let Some(answers) = self.columns.get_mut(column) else {
            return clean_text(trimmed);
        };
        if answers.lookups >= SHARED_ANSWER_TRIAL && answers.hits * 4 < answers.lookups {
            return Value::Text(trimmed.into());
        }
        answers.lookups += 1;
        if let Some(found) = answers.seen.iter().find(|seen| ***seen == *trimmed) {
            answers.hits += 1;
            return Value::Text(found.clone());
        }
        let text = ArcStr::from(trimmed);
        if answers.seen.len() < SHARED_ANSWERS_PER_COLUMN {
            answers.seen.push(text.clone());
        }
        Value::Text(text)
    }
}

/// How big a text file is, for reserving the grid and reporting progress.
#[derive(Debug, Clone, Copy)]
struct CsvSize {
    /// Its length in bytes.
    pub bytes: u64,
    /// About how many lines it has.
    pub lines: usize,
}

/// Decodes text bytes: BOMs first, then strict UTF-8, then a guess tuned for UK Windows files.
fn decode<'bytes>(bytes: &'bytes [u8], report: &mut ImportReport) -> Cow<'bytes, str> {
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
fn sniff_bomless_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
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
fn sniff_delimiter(text: &str, is_tsv: bool) -> u8 {
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
fn read_grid(text: &str, delimiter: u8, progress: &Progress) -> Result<Grid, csv::Error> {
    let size = CsvSize {
        bytes: text.len() as u64,
        lines: memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1,
    };
    read_grid_from(text.as_bytes(), delimiter, size, progress)
}

/// Whether the top of a text file shows UTF-8 (with or without its BOM), which can be parsed
/// straight from the file instead of being read whole and decoded first.
fn is_utf8_head(head: &[u8]) -> bool {
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
fn read_grid_from(
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
    // Questions left unanswered are many in a survey.
    if field.is_empty() {
        return Value::Empty;
    }
    let trimmed = trim(field);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_answers_share_their_text() {
        let mut shared = SharedAnswers::default();
        let (Value::Text(first), Value::Text(again), Value::Text(other_column)) = (
            shared.text(0, "Agree"),
            shared.text(0, "Agree"),
            shared.text(1, "Agree"),
        ) else {
            panic!("text values");
        };
        assert!(ArcStr::ptr_eq(&first, &again));
        assert!(!ArcStr::ptr_eq(&first, &other_column));
        assert_eq!(
            shared.text(0, "Line_x000D_two"),
            Value::Text("Line\ntwo".into())
        );
        assert_eq!(shared.text(0, ""), Value::Empty);
    }

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
}
