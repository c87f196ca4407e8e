//! .xlsx and .xlsm read straight from the package: the zip parts streamed through a small XML
//! tokenizer, each shared string cleaned once and shared by every cell that uses it, cells placed
//! into the grid as they are parsed, and merged cells read in the same pass. Other workbooks go
//! through calamine.

mod cells;
mod package;
mod read_ahead;
mod strings;
mod styles;
mod xml;

use std::io::{Read, Seek};
use std::sync::Arc;

pub use package::{Opened, Package};

use super::grid::Grid;
use super::reader::{SheetInfo, SheetReader};
use super::report::{ImportReport, ReadError};
use crate::progress::Progress;
use cells::{Lookups, SparseGrid, parse_sheet};
use xml::XmlStream;

/// A SpreadsheetML workbook, read sheet by sheet.
pub struct XlsxBook<R> {
    package: Package<R>,
    /// Read with the first sheet and kept for the next.
    lookups: Option<Arc<Lookups>>,
}

impl<R: Read + Seek + Send> XlsxBook<R> {
    /// Reads the sheets of an opened package.
    pub fn new(package: Package<R>) -> Self {
        Self {
            package,
            lookups: None,
        }
    }

    /// The shared strings and date styles, read on first use.
    fn lookups(&mut self, progress: &Progress) -> Result<Arc<Lookups>, String> {
        if let Some(lookups) = &self.lookups {
            return Ok(Arc::clone(lookups));
        }
        let shared_strings = match self.package.shared_strings_part.clone() {
            Some(part) => match self.package.entry(&part)? {
                Some((entry, size)) => read_ahead::with_read_ahead(entry, |input| {
                    strings::shared_strings(&mut XmlStream::new(input), &part, size, progress)
                })?,
                None => Vec::new(),
            },
            None => Vec::new(),
        };
        let date_styles = match self.package.styles_part.clone() {
            Some(part) => match self.package.part(&part)? {
                Some((mut xml, _)) => styles::date_styles(&mut xml, &part)?,
                None => Vec::new(),
            },
            None => Vec::new(),
        };
        let lookups = Arc::new(Lookups {
            shared_strings,
            date_styles,
            date1904: self.package.date1904,
        });
        self.lookups = Some(Arc::clone(&lookups));
        Ok(lookups)
    }

    /// Streams the sheet named `name`, handing each non-empty cell to `on_cell`.
    fn parse(
        &mut self,
        name: &str,
        progress: &Progress,
        on_cell: impl FnMut(usize, usize, crate::model::Value),
    ) -> Result<cells::SheetTail, String> {
        let lookups = self.lookups(&progress.step(0.0, 0.4))?;
        let part = self.package.sheet_part(name)?;
        let Some((entry, size)) = self.package.entry(&part)? else {
            return Err(format!("the sheet's part {part} is missing"));
        };
        read_ahead::with_read_ahead(entry, |input| {
            parse_sheet(
                &mut XmlStream::new(input),
                &part,
                size,
                &lookups,
                &progress.step(0.4, 0.6),
                on_cell,
            )
        })
    }
}

impl<R: Read + Seek + Send> SheetReader for XlsxBook<R> {
    fn sheets(&self) -> Option<Vec<SheetInfo>> {
        Some(self.package.sheets())
    }

    fn count_cells(&mut self, name: &str) -> Result<usize, ReadError> {
        let mut count = 0;
        self.parse(name, &Progress::new(), |_, _, _| count += 1)
            .map_err(ReadError::Damaged)?;
        Ok(count)
    }

    /// The shared strings take the first 40 % of `progress`, the sheet's cells the rest.
    fn read(
        &mut self,
        sheet: Option<&str>,
        _report: &mut ImportReport,
        progress: &Progress,
    ) -> Result<Grid, ReadError> {
        let name = sheet.unwrap_or_default();
        let mut builder = SparseGrid::default();
        let tail = self
            .parse(name, progress, |row, column, value| {
                builder.place(row, column, value);
            })
            .map_err(ReadError::Damaged)?;
        Ok(builder.finish(tail))
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};
    use std::path::{Path, PathBuf};

    use zip::ZipArchive;

    use super::*;
    use crate::import::calamine_reader::CalamineBook;
    use crate::import::grid::Rows;
    use crate::import::sheets::read_chosen_sheet;
    use crate::model::Value;

    fn book(bytes: &[u8]) -> XlsxBook<Cursor<&[u8]>> {
        let archive = ZipArchive::new(Cursor::new(bytes)).expect("a zip");
        match Package::open(archive).expect("a readable package") {
            Opened::SpreadsheetMl(package) => XlsxBook::new(package),
            Opened::BinaryWorkbook(_) | Opened::Other(_) => panic!("not SpreadsheetML"),
        }
    }

    /// The fullest visible sheet, as the import chooses it.
    fn read_with(reader: &mut dyn SheetReader) -> (String, Grid, ImportReport) {
        let mut report = ImportReport::default();
        let (sheet, grid) = read_chosen_sheet(
            Path::new("test.xlsx"),
            reader,
            None,
            &mut report,
            &Progress::new(),
        )
        .expect("readable");
        (sheet.expect("a workbook's sheet"), grid, report)
    }

    fn ours(bytes: &[u8]) -> (String, Grid, ImportReport) {
        read_with(&mut book(bytes))
    }

    fn calamines(bytes: &[u8]) -> (String, Grid, ImportReport) {
        let workbook = calamine::open_workbook_from_rs(Cursor::new(bytes)).expect("calamine opens");
        read_with(&mut CalamineBook::new(calamine::Sheets::Xlsx(workbook)))
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
        let archive = ZipArchive::new(Cursor::new(bytes)).expect("a zip");
        assert!(matches!(
            Package::open(archive).expect("a zip"),
            Opened::Other(_)
        ));
    }

    #[test]
    fn cancelled_read_stops() {
        let rows = cells::ROWS_PER_PROGRESS * 2;
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for row in 0..u32::try_from(rows).expect("small") {
            sheet.write_number(row, 0, f64::from(row)).expect("cell");
        }
        let bytes = workbook.save_to_buffer().expect("workbook");
        let progress = Progress::new();
        progress.cancel();
        let grid = book(&bytes)
            .read(Some("Sheet1"), &mut ImportReport::default(), &progress)
            .expect("readable");
        assert!(grid.row_count() < rows, "{} rows", grid.row_count());
    }
}
