//! The Coded responses rows poured into a workbook rust_xlsxwriter made with that sheet's header
//! only. rust_xlsxwriter keeps every cell of a row in a map before writing it out, which at
//! 100,000 responses took 0.85 s of the workbook's 1.45 s; here the rows are written as XML in
//! one pass on one core while the other compresses them.

use std::io::{Cursor, Read, Seek, Write};
use std::sync::mpsc;

use rust_xlsxwriter::XlsxError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::coded_rows::CodedRows;
use super::sheet_xml::RowWriter;

/// Rows are handed to the compressing thread in pieces of about this many bytes: a few of them
/// are in flight at once, and at 1 MB each they were 9 MB of the analysis's peak memory.
const PIECE: usize = 1 << 17;

/// The sheet as rust_xlsxwriter wrote it, around where the rows go.
struct SheetFrame {
    /// Up to and including the header row, with the dimension covering every row.
    head: String,
    /// From the end of the rows: the autofilter, the page set-up.
    tail: String,
    /// The style of the probe cell: the date format's index.
    date_style: u32,
}

/// Writes the workbook `frame` to `writer`, entry by entry as it is, except the worksheet part
/// `part`, whose rows after the header are `rows`. The frame's sheet holds its header in row 1
/// and one date cell, `probe`, after the last header cell: its style tells the rows which style
/// dates have, and it is left out. `level` is the deflate level of the rows.
pub(super) fn write_with_rows<W: Write + Seek>(
    frame: &[u8],
    part: &str,
    probe: &str,
    rows: &CodedRows<'_>,
    columns: usize,
    level: i64,
    writer: W,
) -> Result<W, XlsxError> {
    let mut archive = ZipArchive::new(Cursor::new(frame))?;
    let mut zip = ZipWriter::new(writer);
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index)?;
        if entry.name()? != part {
            zip.raw_copy_file(entry)?;
            continue;
        }
        let mut xml = String::new();
        drop(entry);
        archive.by_index(index)?.read_to_string(&mut xml)?;
        let sheet = SheetFrame::read(&xml, probe, &dimension(columns, rows.len()))?;
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(level))
            .unix_permissions(0o600)
            .last_modified_time(zip::DateTime::default())
            .large_file(might_pass_4_gb(rows));
        zip.start_file(part, options)?;
        zip.write_all(sheet.head.as_bytes())?;
        write_rows(&mut zip, rows, &RowWriter::new(columns, sheet.date_style))?;
        zip.write_all(sheet.tail.as_bytes())?;
    }
    Ok(zip.finish()?)
}

/// Makes the rows' XML on a second thread and writes (compresses) it on this one.
fn write_rows(
    zip: &mut impl Write,
    rows: &CodedRows<'_>,
    row_writer: &RowWriter,
) -> Result<(), XlsxError> {
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::sync_channel::<Result<Vec<u8>, XlsxError>>(4);
        scope.spawn(move || {
            let mut piece = Vec::with_capacity(PIECE + PIECE / 4);
            for response in 0..rows.len() {
                let written = row_writer.row(&mut piece, response + 2, |visit| {
                    rows.for_each_cell(response, visit)
                });
                if let Err(error) = written {
                    // The receiver may have stopped already; nothing more to tell then.
                    let _ = sender.send(Err(error));
                    return;
                }
                if piece.len() >= PIECE {
                    let full = std::mem::replace(&mut piece, Vec::with_capacity(PIECE + PIECE / 4));
                    if sender.send(Ok(full)).is_err() {
                        return;
                    }
                }
            }
            let _ = sender.send(Ok(piece));
        });
        for piece in receiver {
            zip.write_all(&piece?)?;
        }
        Ok(())
    })
}

/// Whether the sheet could pass the 4 GB a zip entry holds without Zip64 (Excel reads Zip64,
/// but only files that large need it).
fn might_pass_4_gb(rows: &CodedRows<'_>) -> bool {
    rows.xml_size_bound() >= u64::from(u32::MAX)
}

/// The range of the whole sheet, "A1:AN100001".
fn dimension(columns: usize, rows: usize) -> String {
    let last_column = super::sheet_xml::column_name(columns.saturating_sub(1));
    format!("A1:{last_column}{}", rows + 1)
}

impl SheetFrame {
    fn read(xml: &str, probe: &str, dimension: &str) -> Result<Self, XlsxError> {
        let broken = |what: &str| {
            XlsxError::ParameterError(format!("the Coded responses frame has no {what}"))
        };
        let probe_start = xml
            .find(&format!("<c r=\"{probe}\""))
            .ok_or_else(|| broken("probe cell"))?;
        let probe_end = xml[probe_start..]
            .find("</c>")
            .map(|end| probe_start + end + "</c>".len())
            .ok_or_else(|| broken("probe cell end"))?;
        let probe_cell = &xml[probe_start..probe_end];
        let date_style = probe_cell
            .split_once(" s=\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .and_then(|(style, _)| style.parse().ok())
            .ok_or_else(|| broken("probe style"))?;
        let rows_end = xml
            .find("</sheetData>")
            .ok_or_else(|| broken("sheet data"))?;
        let dimension_start = xml
            .find("<dimension ref=\"")
            .map(|start| start + "<dimension ref=\"".len())
            .ok_or_else(|| broken("dimension"))?;
        let dimension_end = xml[dimension_start..]
            .find('"')
            .map(|end| dimension_start + end)
            .ok_or_else(|| broken("dimension end"))?;
        if !(dimension_end < probe_start && probe_end <= rows_end) {
            return Err(broken("usual order"));
        }
        let head = [
            &xml[..dimension_start],
            dimension,
            &xml[dimension_end..probe_start],
            &xml[probe_end..rows_end],
        ]
        .concat();
        Ok(Self {
            head,
            tail: xml[rows_end..].to_owned(),
            date_style,
        })
    }
}
