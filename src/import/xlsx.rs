//! .xlsx and .xlsm read straight from the package: the zip parts streamed through a small XML
//! tokenizer, each shared string cleaned once and shared by every cell that uses it, cells pushed
//! into the grid as they are parsed, and merged cells read in the same pass. Other workbooks go
//! through calamine.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Read, Seek};
use std::path::Path;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use zip::ZipArchive;

use super::grid::{Grid, MergedRegion, clean_line_ends, clean_text};
use super::report::{ImportError, ImportReport};
use super::workbook::{SheetInfo, choose_sheet};
use super::xml::{Tag, Token, XmlStream, decode_text};
use crate::model::Value;
use crate::progress::Progress;

/// Excel's sheet size. A reference beyond it is damage, and must not make the grid reach it: the
/// cell is placed where its order puts it instead.
const MAX_ROWS: usize = 1 << 20;
const MAX_COLUMNS: usize = 1 << 14;

/// Rows parsed between looks at the cancel flag and updates of the progress fraction.
const ROWS_PER_PROGRESS: usize = 4096;

/// Reads the requested sheet, or the visible worksheet with the most cells, from an .xlsx or
/// .xlsm package. `Ok(None)` when the zip is not SpreadsheetML (an .ods or .xlsb).
///
/// # Errors
/// [`ImportError::Corrupt`] for a damaged package, the sheet choice's errors, or
/// [`ImportError::Cancelled`].
pub fn read_sheet<R: Read + Seek>(
    path: &Path,
    reader: R,
    requested: Option<&str>,
    report: &mut ImportReport,
    progress: &Progress,
) -> Result<Option<(String, Grid)>, ImportError> {
    let corrupt = |detail: String| ImportError::Corrupt {
        path: path.to_owned(),
        detail,
    };
    let Some(mut package) = Package::open(reader).map_err(corrupt)? else {
        return Ok(None);
    };
    let sheets = package.sheets();
    let chosen = choose_sheet(path, &sheets, requested, report, |name| {
        package.used_cell_count(name).map_err(corrupt)
    })?;
    let grid = package.read_grid(path, &chosen, progress)?;
    Ok(Some((chosen, grid)))
}

/// An Office Open XML workbook package, ready to read sheets from.
pub struct Package<R> {
    archive: ZipArchive<R>,
    /// Lower-cased part name to the name stored in the zip, as producers differ in case.
    parts: HashMap<String, String>,
    sheets: Vec<Sheet>,
    shared_strings_part: Option<String>,
    styles_part: Option<String>,
    date1904: bool,
    /// Read with the first sheet and kept for the next.
    lookups: Option<Arc<Lookups>>,
}

/// What cells refer to by number: the shared strings and which styles show dates.
struct Lookups {
    shared_strings: Vec<Value>,
    date_styles: Vec<bool>,
}

/// Tokens of one part as it inflates.
type PartStream<'archive, R> = XmlStream<zip::read::ZipFile<'archive, R>>;

/// One sheet listed in the workbook.
struct Sheet {
    info: SheetInfo,
    /// The sheet's part in the zip; `None` when its relationship is missing.
    part: Option<String>,
}

/// What a sheet's XML gave besides its cells.
#[derive(Default)]
struct SheetTail {
    /// Merged regions as 0-based sheet rows and columns.
    merged: Vec<MergedRegion>,
    error_cells: usize,
}

impl<R: Read + Seek> Package<R> {
    /// Opens the package in `reader`. `Ok(None)` when the zip holds no SpreadsheetML workbook
    /// (an .ods, an .xlsb or something else), which calamine then reads or rejects.
    ///
    /// # Errors
    /// A damaged zip or workbook part, as a detail for the error message.
    pub fn open(reader: R) -> Result<Option<Self>, String> {
        let archive = ZipArchive::new(reader).map_err(|error| error.to_string())?;
        let parts = archive
            .file_names()
            .filter_map(Result::ok)
            .map(|name| (part_key(&name), name.into_owned()))
            .collect();
        let mut package = Self {
            archive,
            parts,
            sheets: Vec::new(),
            shared_strings_part: None,
            styles_part: None,
            date1904: false,
            lookups: None,
        };
        let workbook_part = package
            .relationships("_rels/.rels")?
            .into_iter()
            .find(|relationship| relationship.kind == "officeDocument")
            .map_or_else(
                || "xl/workbook.xml".to_owned(),
                |relationship| resolve_target("", &relationship.target),
            );
        if !workbook_part.ends_with(".xml") || !package.has_part(&workbook_part) {
            return Ok(None);
        }
        let folder = workbook_part
            .rsplit_once('/')
            .map_or("", |(folder, _)| folder)
            .to_owned();
        let rels_part = format!("{folder}/_rels/{}.rels", file_name(&workbook_part))
            .trim_start_matches('/')
            .to_owned();
        let relationships = package.relationships(&rels_part)?;
        let target_of = |kind: &str| {
            relationships
                .iter()
                .find(|relationship| relationship.kind == kind)
                .map(|relationship| resolve_target(&folder, &relationship.target))
        };
        package.shared_strings_part = target_of("sharedStrings");
        package.styles_part = target_of("styles");
        let (sheets, date1904) = package.workbook(&workbook_part)?;
        package.date1904 = date1904;
        package.sheets = sheets
            .into_iter()
            .map(|listed| {
                let relationship = relationships
                    .iter()
                    .find(|relationship| relationship.id == listed.relationship_id);
                Sheet {
                    info: SheetInfo {
                        name: listed.name,
                        is_worksheet: relationship.is_none_or(|found| found.kind == "worksheet"),
                        visible: listed.visible,
                    },
                    part: relationship
                        .map(|relationship| resolve_target(&folder, &relationship.target)),
                }
            })
            .collect();
        Ok(Some(package))
    }

    /// The sheets in workbook order.
    pub fn sheets(&self) -> Vec<SheetInfo> {
        self.sheets.iter().map(|sheet| sheet.info.clone()).collect()
    }

    /// How many non-empty cells the sheet named `name` holds.
    ///
    /// # Errors
    /// A damaged part, as a detail for the error message.
    pub fn used_cell_count(&mut self, name: &str) -> Result<usize, String> {
        let lookups = self.lookups(&Progress::new())?;
        let mut count = 0;
        let part = self.sheet_part(name)?;
        self.parse_sheet(&part, &lookups, &Progress::new(), |_, _, _| {
            count += 1;
        })?;
        Ok(count)
    }

    /// Reads the sheet named `name` into a grid: the shared strings take the first 40 % of
    /// `progress`, the sheet's cells the rest.
    ///
    /// # Errors
    /// [`ImportError::Corrupt`] for a damaged part, [`ImportError::Cancelled`] when asked to stop.
    pub fn read_grid(
        &mut self,
        path: &Path,
        name: &str,
        progress: &Progress,
    ) -> Result<Grid, ImportError> {
        let corrupt = |detail: String| ImportError::Corrupt {
            path: path.to_owned(),
            detail,
        };
        let lookups = self.lookups(&progress.step(0.0, 0.4)).map_err(corrupt)?;
        let part = self.sheet_part(name).map_err(corrupt)?;
        let mut builder = SparseGrid::default();
        let tail = self
            .parse_sheet(
                &part,
                &lookups,
                &progress.step(0.4, 0.6),
                |row, column, value| {
                    builder.place(row, column, value);
                },
            )
            .map_err(corrupt)?;
        if progress.is_cancelled() {
            return Err(ImportError::Cancelled {
                path: path.to_owned(),
            });
        }
        let mut grid = builder.finish();
        grid.error_cells = tail.error_cells;
        // Merges only matter for an empty row under the top rows' text (a header merged down).
        if grid.has_gap_near_top() {
            grid.set_sheet_merges(tail.merged);
        }
        Ok(grid)
    }

    fn has_part(&self, name: &str) -> bool {
        self.parts.contains_key(&part_key(name))
    }

    fn sheet_part(&self, name: &str) -> Result<String, String> {
        self.sheets
            .iter()
            .find(|sheet| sheet.info.name == name)
            .and_then(|sheet| sheet.part.clone())
            .ok_or_else(|| format!("the workbook lists sheet \"{name}\" but not where it is"))
    }

    /// A token stream over one part, with the part's uncompressed size; `None` when the package
    /// has no such part.
    fn part_reader(&mut self, name: &str) -> Result<Option<(PartStream<'_, R>, u64)>, String> {
        let Some(stored) = self.parts.get(&part_key(name)) else {
            return Ok(None);
        };
        let file = self
            .archive
            .by_name(stored)
            .map_err(|error| format!("{name}: {error}"))?;
        let size = file.size();
        Ok(Some((XmlStream::new(file), size)))
    }

    /// The relationships in a `.rels` part; none when the part is missing.
    fn relationships(&mut self, name: &str) -> Result<Vec<Relationship>, String> {
        let Some((mut xml, _)) = self.part_reader(name)? else {
            return Ok(Vec::new());
        };
        let mut relationships = Vec::new();
        loop {
            match xml.next_token().map_err(in_part(name))? {
                Token::Start(tag) if tag.name == b"Relationship" => {
                    let kind = tag.text_attribute(b"Type").unwrap_or_default();
                    relationships.push(Relationship {
                        id: tag.text_attribute(b"Id").unwrap_or_default(),
                        // The last path segment names the kind in both transitional and strict files.
                        kind: kind.rsplit('/').next().unwrap_or_default().to_owned(),
                        target: tag.text_attribute(b"Target").unwrap_or_default(),
                    });
                }
                Token::Eof => break,
                _ => {}
            }
        }
        Ok(relationships)
    }

    /// The sheets the workbook part lists and whether it counts dates from 1904.
    fn workbook(&mut self, name: &str) -> Result<(Vec<ListedSheet>, bool), String> {
        let Some((mut xml, _)) = self.part_reader(name)? else {
            return Ok((Vec::new(), false));
        };
        let mut sheets = Vec::new();
        let mut date1904 = false;
        loop {
            match xml.next_token().map_err(in_part(name))? {
                Token::Start(tag) if tag.name == b"workbookPr" => {
                    date1904 = tag
                        .attribute(b"date1904")
                        .is_some_and(|flag| flag == b"1" || flag == b"true");
                }
                Token::Start(tag) if tag.name == b"sheet" => sheets.push(ListedSheet {
                    name: tag.text_attribute(b"name").unwrap_or_default(),
                    visible: !tag.attribute(b"state").is_some_and(|state| {
                        state.eq_ignore_ascii_case(b"hidden")
                            || state.eq_ignore_ascii_case(b"veryHidden")
                    }),
                    relationship_id: tag.text_attribute(b"id").unwrap_or_default(),
                }),
                Token::Eof => break,
                _ => {}
            }
        }
        Ok((sheets, date1904))
    }

    /// For each cell style index, whether its number format shows a date or time.
    fn date_styles(&mut self) -> Result<Vec<bool>, String> {
        let Some(part) = self.styles_part.clone() else {
            return Ok(Vec::new());
        };
        let Some((mut xml, _)) = self.part_reader(&part)? else {
            return Ok(Vec::new());
        };
        let mut custom_formats: HashMap<u32, bool> = HashMap::new();
        let mut style_formats: Vec<u32> = Vec::new();
        let mut in_cell_styles = false;
        loop {
            match xml.next_token().map_err(in_part(&part))? {
                Token::Start(tag) => match tag.name {
                    b"numFmt" => {
                        let code = tag.text_attribute(b"formatCode").unwrap_or_default();
                        if let Some(id) = number_attribute(&tag, b"numFmtId") {
                            custom_formats.insert(id, is_date_format(&code));
                        }
                    }
                    b"cellXfs" => in_cell_styles = !tag.self_closing,
                    b"xf" if in_cell_styles => {
                        style_formats.push(number_attribute(&tag, b"numFmtId").unwrap_or(0));
                    }
                    _ => {}
                },
                Token::End(b"cellXfs") => in_cell_styles = false,
                Token::Eof => break,
                _ => {}
            }
        }
        Ok(style_formats
            .into_iter()
            .map(|id| {
                custom_formats
                    .get(&id)
                    .copied()
                    .unwrap_or_else(|| is_builtin_date_format(id))
            })
            .collect())
    }

    /// The shared strings and date styles, read on first use.
    fn lookups(&mut self, progress: &Progress) -> Result<Arc<Lookups>, String> {
        if let Some(lookups) = &self.lookups {
            return Ok(Arc::clone(lookups));
        }
        let lookups = Arc::new(Lookups {
            shared_strings: self.shared_strings(progress)?,
            date_styles: self.date_styles()?,
        });
        self.lookups = Some(Arc::clone(&lookups));
        Ok(lookups)
    }

    /// The shared string table, each string cleaned into a value once.
    fn shared_strings(&mut self, progress: &Progress) -> Result<Vec<Value>, String> {
        let Some(part) = self.shared_strings_part.clone() else {
            return Ok(Vec::new());
        };
        let Some((mut xml, size)) = self.part_reader(&part)? else {
            return Ok(Vec::new());
        };
        let mut strings = Vec::new();
        let mut text = String::new();
        let mut in_text = false;
        let mut in_phonetic = false;
        loop {
            match xml.next_token().map_err(in_part(&part))? {
                Token::Start(tag) => match tag.name {
                    b"sst" => {
                        // The declared count is only a hint; a damaged file may claim billions.
                        let declared: usize = number_attribute(&tag, b"uniqueCount").unwrap_or(0);
                        let plausible = usize::try_from(size / 16).unwrap_or(usize::MAX);
                        strings.reserve(declared.min(plausible));
                    }
                    b"si" if tag.self_closing => strings.push(Value::Empty),
                    b"si" => text.clear(),
                    b"t" => in_text = !tag.self_closing && !in_phonetic,
                    b"rPh" => in_phonetic = !tag.self_closing,
                    _ => {}
                },
                Token::Text(raw) if in_text => {
                    decode_text(raw, &mut text).map_err(in_part(&part))?
                }
                Token::CData(raw) if in_text => text.push_str(&String::from_utf8_lossy(raw)),
                Token::End(name) => match name {
                    b"t" => in_text = false,
                    b"rPh" => in_phonetic = false,
                    b"si" => {
                        strings.push(clean_line_ends(&unescape_ooxml(&text)));
                        if strings.len().is_multiple_of(ROWS_PER_PROGRESS * 4) {
                            if progress.is_cancelled() {
                                break;
                            }
                            progress.set_done_of(xml.position(), size);
                        }
                    }
                    _ => {}
                },
                Token::Eof => break,
                _ => {}
            }
        }
        Ok(strings)
    }

    /// Streams a worksheet part, handing each non-empty cell to `on_cell` with its 0-based row
    /// and column, in the order the file holds them.
    fn parse_sheet(
        &mut self,
        part: &str,
        lookups: &Lookups,
        progress: &Progress,
        mut on_cell: impl FnMut(usize, usize, Value),
    ) -> Result<SheetTail, String> {
        let date1904 = self.date1904;
        let Some((mut xml, size)) = self.part_reader(part)? else {
            return Err(format!("the sheet's part {part} is missing"));
        };
        let mut tail = SheetTail::default();
        let mut cell = CellState::default();
        // Positions for rows and cells that leave out their `r` reference.
        let mut next_row = 0usize;
        let mut next_column = 0usize;
        let mut rows_read = 0usize;
        loop {
            match xml.next_token().map_err(in_part(part))? {
                Token::Start(tag) => match tag.name {
                    b"row" => {
                        let row = number_attribute::<usize>(&tag, b"r")
                            .filter(|number| *number <= MAX_ROWS)
                            .and_then(|number| number.checked_sub(1))
                            .unwrap_or(next_row);
                        next_row = row + 1;
                        next_column = 0;
                        rows_read += 1;
                        if rows_read.is_multiple_of(ROWS_PER_PROGRESS) {
                            if progress.is_cancelled() {
                                break;
                            }
                            progress.set_done_of(xml.position(), size);
                        }
                    }
                    b"c" => {
                        cell.start(&tag, next_row.saturating_sub(1), next_column);
                        next_column = cell.column + 1;
                    }
                    b"v" if !tag.self_closing => cell.capture = Capture::Value,
                    b"is" if !tag.self_closing => cell.capture = Capture::InlineString,
                    b"t" if cell.capture == Capture::InlineString => {
                        cell.in_text = !tag.self_closing;
                    }
                    b"rPh" => cell.in_phonetic = !tag.self_closing,
                    b"mergeCell" => {
                        if let Some(region) = tag
                            .attribute(b"ref")
                            .and_then(|range| std::str::from_utf8(range).ok())
                            .and_then(parse_range)
                        {
                            tail.merged.push(region);
                        }
                    }
                    _ => {}
                },
                Token::Text(raw) if cell.takes_text() => {
                    decode_text(raw, &mut cell.text).map_err(in_part(part))?;
                }
                Token::CData(raw) if cell.takes_text() => {
                    cell.text.push_str(&String::from_utf8_lossy(raw));
                }
                Token::End(name) => match name {
                    b"c" => {
                        let value = cell.value(lookups, date1904);
                        if value.is_error {
                            tail.error_cells += 1;
                        } else if !value.value.is_empty() {
                            on_cell(cell.row, cell.column, value.value);
                        }
                        cell.capture = Capture::None;
                    }
                    b"v" => cell.capture = Capture::None,
                    b"t" => cell.in_text = false,
                    b"rPh" => cell.in_phonetic = false,
                    _ => {}
                },
                Token::Eof => break,
                _ => {}
            }
        }
        Ok(tail)
    }
}

/// A relationship from a `.rels` part.
struct Relationship {
    id: String,
    /// The last segment of its type: `worksheet`, `chartsheet`, `sharedStrings`, `styles` ...
    kind: String,
    target: String,
}

/// A `<sheet>` entry of the workbook part.
struct ListedSheet {
    name: String,
    visible: bool,
    relationship_id: String,
}

/// Which text inside a cell is being collected.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Capture {
    #[default]
    None,
    /// The `<v>` value.
    Value,
    /// An inline string's `<t>` runs.
    InlineString,
}

/// The cell being parsed.
#[derive(Default)]
struct CellState {
    row: usize,
    column: usize,
    kind: CellKind,
    style: usize,
    text: String,
    capture: Capture,
    in_text: bool,
    in_phonetic: bool,
}

/// A cell's `t` attribute.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum CellKind {
    #[default]
    Number,
    SharedString,
    InlineString,
    FormulaString,
    Boolean,
    Error,
    IsoDate,
}

/// A parsed cell's value, or that it held a spreadsheet error.
struct CellValue {
    value: Value,
    is_error: bool,
}

impl CellState {
    /// Begins a `<c>` element; `row` and `column` are used when it has no `r` reference.
    fn start(&mut self, tag: &Tag<'_>, row: usize, column: usize) {
        self.row = row;
        self.column = column;
        self.kind = CellKind::Number;
        self.style = 0;
        self.text.clear();
        self.capture = Capture::None;
        self.in_text = false;
        self.in_phonetic = false;
        for (name, value) in tag.attributes() {
            match name {
                b"r" => {
                    if let Some((reference_row, reference_column)) = std::str::from_utf8(value)
                        .ok()
                        .and_then(parse_cell_reference)
                    {
                        self.row = reference_row;
                        self.column = reference_column;
                    }
                }
                b"t" => {
                    self.kind = match value {
                        b"s" => CellKind::SharedString,
                        b"inlineStr" => CellKind::InlineString,
                        b"str" => CellKind::FormulaString,
                        b"b" => CellKind::Boolean,
                        b"e" => CellKind::Error,
                        b"d" => CellKind::IsoDate,
                        _ => CellKind::Number,
                    };
                }
                b"s" => {
                    self.style = std::str::from_utf8(value)
                        .ok()
                        .and_then(|style| style.parse().ok())
                        .unwrap_or(0);
                }
                _ => {}
            }
        }
    }

    /// Whether text events belong to this cell's value.
    fn takes_text(&self) -> bool {
        match self.capture {
            Capture::None => false,
            Capture::Value => true,
            Capture::InlineString => self.in_text && !self.in_phonetic,
        }
    }

    fn value(&self, lookups: &Lookups, date1904: bool) -> CellValue {
        let text = self.text.as_str();
        let value = match self.kind {
            CellKind::Error => {
                return CellValue {
                    value: Value::Empty,
                    is_error: true,
                };
            }
            CellKind::SharedString => parse_index(text)
                .and_then(|index| lookups.shared_strings.get(index))
                .cloned()
                .unwrap_or_default(),
            CellKind::InlineString | CellKind::FormulaString => {
                clean_line_ends(&unescape_ooxml(text))
            }
            CellKind::Boolean => match text.trim() {
                "1" | "true" => Value::Bool(true),
                "0" | "false" => Value::Bool(false),
                _ => clean_text(text),
            },
            CellKind::IsoDate => super::csv_file::parse_datetime(text.trim())
                .map_or_else(|| clean_text(text), Value::DateTime),
            CellKind::Number => match text.trim().parse::<f64>() {
                Ok(number)
                    if lookups
                        .date_styles
                        .get(self.style)
                        .copied()
                        .unwrap_or(false) =>
                {
                    serial_to_datetime(number, date1904)
                        .map_or(Value::Number(number), Value::DateTime)
                }
                Ok(number) => Value::Number(number),
                Err(_) => clean_text(text),
            },
        };
        CellValue {
            value,
            is_error: false,
        }
    }
}

/// Builds a grid from cells that come in reading order with their positions, empty cells left
/// out: gaps become empty rows and cells, so a stray far-away cell costs one cell.
#[derive(Default)]
struct SparseGrid {
    grid: Option<Grid>,
    current_row: usize,
}

impl SparseGrid {
    fn place(&mut self, row: usize, column: usize, value: Value) {
        let current_row = &mut self.current_row;
        let grid = self.grid.get_or_insert_with(|| {
            *current_row = row;
            Grid::new(row + 1)
        });
        while *current_row < row {
            grid.end_row();
            *current_row += 1;
        }
        // A cell left of one already placed in its row is out of order: the first one stays.
        if grid.open_row_len() > column {
            return;
        }
        while grid.open_row_len() < column {
            grid.push_cell(Value::Empty);
        }
        grid.push_cell(value);
    }

    fn finish(self) -> Grid {
        let mut grid = self.grid.unwrap_or_else(|| Grid::new(1));
        grid.end_row();
        grid
    }
}

/// Zip part names compared without case and with forward slashes.
fn part_key(name: &str) -> String {
    name.trim_start_matches('/')
        .replace('\\', "/")
        .to_lowercase()
}

fn file_name(part: &str) -> &str {
    part.rsplit('/').next().unwrap_or(part)
}

/// A relationship target as a part name: absolute targets start at the package root, relative
/// ones at `folder`, with `..` resolved.
fn resolve_target(folder: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let mut segments: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        folder
            .split('/')
            .filter(|segment| !segment.is_empty())
            .collect()
    };
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            segment => segments.push(segment),
        }
    }
    segments.join("/")
}

/// A shared string index: digits, perhaps padded with spaces.
fn parse_index(text: &str) -> Option<usize> {
    let digits = text.as_bytes().trim_ascii();
    if digits.is_empty() || digits.len() > 12 {
        return None;
    }
    digits.iter().try_fold(0usize, |index, byte| {
        byte.is_ascii_digit()
            .then(|| index * 10 + usize::from(byte - b'0'))
    })
}

/// A numeric attribute.
fn number_attribute<T: std::str::FromStr>(tag: &Tag<'_>, name: &[u8]) -> Option<T> {
    std::str::from_utf8(tag.attribute(name)?)
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Prefixes a detail with the part it was found in.
fn in_part(part: &str) -> impl Fn(String) -> String + '_ {
    move |detail| format!("{part}: {detail}")
}

/// Decodes Excel's `_xHHHH_` escapes (UTF-16 code units, so emoji come as two), which stand for
/// characters XML cannot hold, such as `_x000D_` for a carriage return; `_x005F_` escapes `_`.
fn unescape_ooxml(text: &str) -> Cow<'_, str> {
    if !text.contains("_x") {
        return Cow::Borrowed(text);
    }
    let mut decoded = String::with_capacity(text.len());
    let mut units: Vec<u16> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(unit) = escaped_unit(rest) {
            units.push(unit);
            rest = rest.get(7..).unwrap_or_default();
            continue;
        }
        if !units.is_empty() {
            decoded.extend(
                char::decode_utf16(units.drain(..))
                    .map(|decoded_char| decoded_char.unwrap_or(char::REPLACEMENT_CHARACTER)),
            );
        }
        let mut characters = rest.chars();
        if let Some(character) = characters.next() {
            decoded.push(character);
        }
        rest = characters.as_str();
    }
    decoded.extend(
        char::decode_utf16(units)
            .map(|decoded_char| decoded_char.unwrap_or(char::REPLACEMENT_CHARACTER)),
    );
    Cow::Owned(decoded)
}

/// The code unit of an `_xHHHH_` escape at the start of `text`.
fn escaped_unit(text: &str) -> Option<u16> {
    let escape = text.get(..7)?;
    let digits = escape.strip_prefix("_x")?.strip_suffix('_')?;
    if !digits.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(digits, 16).ok()
}

/// 0-based row and column of a reference such as `AB12`.
fn parse_cell_reference(reference: &str) -> Option<(usize, usize)> {
    let bytes = reference.trim().as_bytes();
    let letters = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_alphabetic())
        .count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut column = 0usize;
    for letter in bytes.get(..letters)? {
        column = column * 26 + usize::from(letter.to_ascii_uppercase() - b'A') + 1;
    }
    let digits = std::str::from_utf8(bytes.get(letters..)?).ok()?;
    let row: usize = digits.parse().ok()?;
    if row > MAX_ROWS || column > MAX_COLUMNS {
        return None;
    }
    Some((row.checked_sub(1)?, column - 1))
}

/// A merged range such as `A1:C2`, as 0-based sheet rows and columns.
fn parse_range(range: &str) -> Option<MergedRegion> {
    let (first, last) = range.split_once(':').unwrap_or((range, range));
    let (first_row, first_column) = parse_cell_reference(first)?;
    let (last_row, last_column) = parse_cell_reference(last)?;
    Some(MergedRegion {
        first_row,
        last_row,
        first_column,
        last_column,
    })
}

/// Excel's built-in number formats that show dates or times (ECMA-376 18.8.30, with the East
/// Asian date formats).
fn is_builtin_date_format(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// Whether a custom number format shows a date or time: a date or time letter outside quoted
/// text, escapes and `[...]` sections (colours, locales, elapsed-time brackets), in its first
/// section.
fn is_date_format(code: &str) -> bool {
    let mut characters = code.chars();
    let mut in_quotes = false;
    while let Some(character) = characters.next() {
        match character {
            '"' => in_quotes = !in_quotes,
            _ if in_quotes => {}
            '\\' | '_' | '*' => {
                characters.next();
            }
            '[' => {
                let inner: String = characters.by_ref().take_while(|c| *c != ']').collect();
                // Elapsed time such as [h]:mm is a duration, read as a number.
                if !inner.is_empty()
                    && inner
                        .chars()
                        .all(|c| matches!(c, 'h' | 'H' | 'm' | 'M' | 's' | 'S'))
                {
                    return false;
                }
            }
            ';' => return false,
            'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' => return true,
            _ => {}
        }
    }
    false
}

/// An Excel serial date as a date-time, rounded to the millisecond. The 1900 system counts from
/// 1899-12-30 (keeping Excel's phantom 29 February 1900); the 1904 system is 1,462 days later.
fn serial_to_datetime(serial: f64, date1904: bool) -> Option<NaiveDateTime> {
    let days = if date1904 { serial + 1462.0 } else { serial };
    let days = if days < 60.0 { days + 1.0 } else { days };
    if !days.is_finite() || days < 0.0 {
        return None;
    }
    // Bounded above by chrono's range check below; the cast saturates.
    #[allow(clippy::cast_possible_truncation)]
    let milliseconds = (days * 86_400_000.0).round() as i64;
    NaiveDate::from_ymd_opt(1899, 12, 30)?
        .and_hms_opt(0, 0, 0)?
        .checked_add_signed(TimeDelta::try_milliseconds(milliseconds)?)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};
    use std::path::PathBuf;

    use super::*;
    use crate::import::grid::Rows;
    use crate::import::workbook::{self, WorkbookKind};

    fn ours(bytes: &[u8]) -> (String, Grid, ImportReport) {
        let mut report = ImportReport::default();
        let (sheet, grid) = read_sheet(
            Path::new("test.xlsx"),
            Cursor::new(bytes),
            None,
            &mut report,
            &Progress::new(),
        )
        .expect("readable")
        .expect("SpreadsheetML");
        (sheet, grid, report)
    }

    fn calamines(bytes: &[u8]) -> (String, Grid, ImportReport) {
        let path = Path::new("test.xlsx");
        let mut report = ImportReport::default();
        let mut opened = workbook::open(path, bytes, WorkbookKind::Zip).expect("calamine opens");
        let (sheet, grid) =
            workbook::read_sheet(path, &mut opened, None, &mut report).expect("calamine reads");
        (sheet, grid, report)
    }

    fn assert_same_as_calamine(name: &str, bytes: &[u8]) {
        let (our_sheet, our_grid, our_report) = ours(bytes);
        let (their_sheet, their_grid, their_report) = calamines(bytes);
        assert_eq!(our_sheet, their_sheet, "{name}: sheet");
        assert_eq!(our_report, their_report, "{name}: report");
        assert_eq!(
            our_grid.first_row, their_grid.first_row,
            "{name}: first row"
        );
        assert_eq!(our_grid.row_count(), their_grid.row_count(), "{name}: rows");
        assert_eq!(
            our_grid.error_cells, their_grid.error_cells,
            "{name}: errors"
        );
        assert_eq!(our_grid.merged, their_grid.merged, "{name}: merges");
        let (mut ours, mut theirs) = (our_grid, their_grid);
        let everything = vec![true; ours.row_count()];
        for column in 0..ours.column_count().max(theirs.column_count()) {
            let mut our_column = ours.take_column(column, &everything);
            let mut their_column = theirs.take_column(column, &everything);
            // calamine keeps trailing empty cells that the streamed reader never sees.
            while our_column.last().is_some_and(Value::is_empty) {
                our_column.pop();
            }
            while their_column.last().is_some_and(Value::is_empty) {
                their_column.pop();
            }
            assert_eq!(our_column, their_column, "{name}: column {column}");
        }
    }

    #[test]
    fn agrees_with_calamine_on_the_sample_and_real_workbooks() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![root.join("sample-data/send_consultation.xlsx")];
        // Real exports are compared when ../shared is here.
        if let Ok(entries) = std::fs::read_dir(root.join("../shared/fixtures/real-exports")) {
            files.extend(
                entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.path())
                    .filter(|path| {
                        path.extension()
                            .is_some_and(|extension| extension == "xlsx")
                    }),
            );
        }
        for file in files {
            let bytes = std::fs::read(&file).expect("readable fixture");
            assert_same_as_calamine(&file.display().to_string(), &bytes);
        }
    }

    #[test]
    fn agrees_with_calamine_on_dates_formulas_errors_and_merges() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
        let mut workbook = Workbook::new();
        let hidden = workbook.add_worksheet().set_name("Hidden").expect("name");
        hidden.write_string(0, 0, "not this").expect("cell");
        hidden.set_hidden(true);
        let sheet = workbook
            .add_worksheet()
            .set_name("Responses & notes")
            .expect("name");
        // The active sheet cannot be hidden.
        sheet.set_active(true);
        let date = Format::new().set_num_format("dd/mm/yyyy hh:mm");
        let custom_text = Format::new().set_num_format("\"day\" 0");
        let elapsed = Format::new().set_num_format("[h]:mm");
        let when = ExcelDateTime::parse_from_str("2026-03-01 09:30:00").expect("date");
        sheet
            .merge_range(0, 0, 1, 1, "Merged title", &Format::new())
            .expect("merge");
        sheet.write_string(3, 0, "Submitted").expect("cell");
        sheet.write_string(3, 1, "Comment").expect("cell");
        sheet.write_string(3, 2, "Score").expect("cell");
        sheet.write_string(3, 3, "Agreed").expect("cell");
        sheet
            .write_datetime_with_format(4, 0, &when, &date)
            .expect("cell");
        sheet
            .write_string(4, 1, "Line one\r\nline two & <more> \u{1F61E}")
            .expect("cell");
        sheet
            .write_number_with_format(4, 2, 7.0, &custom_text)
            .expect("cell");
        sheet.write_boolean(4, 3, true).expect("cell");
        sheet
            .write_number_with_format(5, 0, 1.5, &elapsed)
            .expect("cell");
        sheet
            .write_formula(5, 1, Formula::new("=\"a\"&\"b\"").set_result("ab"))
            .expect("cell");
        sheet
            .write_formula(5, 2, Formula::new("=1/0").set_result("#DIV/0!"))
            .expect("cell");
        sheet.write_string(5, 3, "   ").expect("cell");
        sheet.write_number(40, 20, 3.25).expect("far cell");
        let bytes = workbook.save_to_buffer().expect("workbook");
        assert_same_as_calamine("generated", &bytes);
        let (sheet, grid, report) = ours(&bytes);
        assert_eq!(sheet, "Responses & notes");
        assert_eq!(report.sheets, ["Responses & notes"]);
        assert!(
            grid.row(4)
                .iter()
                .any(|value| matches!(value, Value::DateTime(_))),
            "{:?}",
            grid.row(4)
        );
    }

    /// A package written by hand, for what rust_xlsxwriter never writes.
    fn package(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in parts {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .expect("part");
            writer.write_all(content.as_bytes()).expect("content");
        }
        writer.finish().expect("zip").into_inner()
    }

    const ROOT_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" Target="/xl/workbook.xml"/></Relationships>"#;

    #[test]
    fn prefixed_strict_package_without_references_reads() {
        let bytes = package(&[
            ("_rels/.rels", ROOT_RELS),
            (
                "xl/workbook.xml",
                r#"<x:workbook xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:r="r"><x:workbookPr date1904="true"/><x:sheets><x:sheet name="Data" sheetId="1" r:id="rId7"/></x:sheets></x:workbook>"#,
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<Relationships><Relationship Id="rId7" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" Target="/xl/worksheets/Sheet1.xml"/><Relationship Id="rId8" Type="x/sharedStrings" Target="strings.xml"/><Relationship Id="rId9" Type="x/styles" Target="styles.xml"/></Relationships>"#,
            ),
            (
                "xl/strings.xml",
                r#"<sst count="3" uniqueCount="3"><si><t>Comment</t></si><si><r><t>Rich </t></r><r><t xml:space="preserve">text_x000D_
ok</t></r><rPh><t>ignored reading</t></rPh></si><si><t>sad _xD83D__xDE1E_ &amp; _x005F_x000D_</t></si></sst>"#,
            ),
            (
                "xl/styles.xml",
                r#"<styleSheet><numFmts><numFmt numFmtId="164" formatCode="d mmm yyyy"/></numFmts><cellStyleXfs><xf numFmtId="164"/></cellStyleXfs><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>"#,
            ),
            (
                "xl/worksheets/sheet1.xml",
                r#"<x:worksheet xmlns:x="main"><x:sheetData><x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="inlineStr"><x:is><x:t>When</x:t></x:is></x:c></x:row><x:row><x:c t="s"><x:v>1</x:v></x:c><x:c s="1"><x:v>0</x:v></x:c></x:row><x:row r="5"><x:c r="A5" t="s"><x:v>2</x:v></x:c><x:c r="B5" t="d"><x:v>2024-02-29T10:00:00Z</x:v></x:c><x:c r="C5" t="e"><x:v>#N/A</x:v></x:c></x:row></x:sheetData></x:worksheet>"#,
            ),
        ]);
        let (sheet, grid, _) = ours(&bytes);
        assert_eq!(sheet, "Data");
        assert_eq!(grid.row_count(), 5);
        assert_eq!(
            grid.row(0),
            [Value::Text("Comment".into()), Value::Text("When".into())]
        );
        assert_eq!(
            grid.row(1).first(),
            Some(&Value::Text("Rich text\nok".into()))
        );
        // The 1904 system: serial 0 is 1 January 1904.
        assert_eq!(
            grid.row(1).get(1).map(Value::display).as_deref(),
            Some("1904-01-01 00:00:00")
        );
        assert_eq!(
            grid.row(4).first(),
            Some(&Value::Text("sad \u{1F61E} & _x000D_".into()))
        );
        assert_eq!(
            grid.row(4).get(1).map(Value::display).as_deref(),
            Some("2024-02-29 10:00:00")
        );
        assert_eq!(grid.error_cells, 1);
    }

    #[test]
    fn references_past_the_sheet_edge_do_not_grow_the_grid() {
        let bytes = package(&[
            ("_rels/.rels", ROOT_RELS),
            (
                "xl/workbook.xml",
                r#"<workbook><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>"#,
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="s.xml"/></Relationships>"#,
            ),
            (
                "xl/s.xml",
                r#"<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>Comment</t></is></c></row><row r="99999999999"><c r="A99999999999" t="inlineStr"><is><t>far</t></is></c></row></sheetData></worksheet>"#,
            ),
        ]);
        let (_, grid, _) = ours(&bytes);
        assert_eq!(grid.row_count(), 2);
        assert_eq!(grid.row(1), [Value::Text("far".into())]);
    }

    #[test]
    fn zip_without_a_workbook_is_left_to_calamine() {
        let bytes = package(&[("content.xml", "<office:document-content/>")]);
        let mut report = ImportReport::default();
        let read = read_sheet(
            Path::new("a.ods"),
            Cursor::new(bytes),
            None,
            &mut report,
            &Progress::new(),
        )
        .expect("a zip");
        assert!(read.is_none());
    }

    #[test]
    fn cancelled_read_stops() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for row in 0..(ROWS_PER_PROGRESS as u32 * 2) {
            sheet.write_number(row, 0, f64::from(row)).expect("cell");
        }
        let bytes = workbook.save_to_buffer().expect("workbook");
        let progress = Progress::new();
        progress.cancel();
        let mut report = ImportReport::default();
        let outcome = read_sheet(
            Path::new("big.xlsx"),
            Cursor::new(bytes),
            None,
            &mut report,
            &progress,
        );
        assert!(matches!(outcome, Err(ImportError::Cancelled { .. })));
    }

    #[test]
    fn date_formats_are_told_from_numbers() {
        for date in [
            "dd/mm/yyyy",
            "h:mm AM/PM",
            "[$-809]d mmmm yyyy",
            "yyyy-mm-dd\\ hh:mm",
        ] {
            assert!(is_date_format(date), "{date}");
        }
        for number in [
            "0.00",
            "#,##0 \"days\"",
            "[h]:mm:ss",
            "[Red]0.0",
            "General",
            "0;[Red]-0",
            "@",
        ] {
            assert!(!is_date_format(number), "{number}");
        }
        assert!(is_builtin_date_format(14) && !is_builtin_date_format(2));
    }

    #[test]
    fn serial_dates_match_excel() {
        let show =
            |serial, date1904| serial_to_datetime(serial, date1904).map(|when| when.to_string());
        assert_eq!(show(1.0, false).as_deref(), Some("1900-01-01 00:00:00"));
        assert_eq!(show(61.0, false).as_deref(), Some("1900-03-01 00:00:00"));
        assert_eq!(show(46082.5, false).as_deref(), Some("2026-03-01 12:00:00"));
        assert_eq!(show(0.0, true).as_deref(), Some("1904-01-01 00:00:00"));
        assert_eq!(show(f64::NAN, false), None);
        assert_eq!(show(1e300, false), None);
    }

    #[test]
    fn references_and_targets_parse() {
        assert_eq!(parse_cell_reference("A1"), Some((0, 0)));
        assert_eq!(parse_cell_reference("ab12"), Some((11, 27)));
        assert_eq!(
            parse_cell_reference("XFD1048576"),
            Some((1_048_575, 16_383))
        );
        assert_eq!(parse_cell_reference("A0"), None);
        assert_eq!(parse_cell_reference("A99999999999"), None);
        assert_eq!(parse_cell_reference("XFE1"), None);
        assert_eq!(parse_cell_reference("12"), None);
        assert_eq!(
            resolve_target("xl", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(resolve_target("xl", "/xl/sheet.xml"), "xl/sheet.xml");
        assert_eq!(
            resolve_target("xl/sub", "..\\strings.xml"),
            "xl/strings.xml"
        );
        assert_eq!(unescape_ooxml("a_x000D_b"), "a\rb");
        assert_eq!(unescape_ooxml("no escapes"), "no escapes");
        assert_eq!(unescape_ooxml("_x12_ short"), "_x12_ short");
    }
}
