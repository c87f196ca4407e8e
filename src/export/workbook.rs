//! The summary workbook: overview, themes with a native bar chart, themes by respondent type,
//! closed questions, coded responses, quotes and the codebook.

use std::collections::HashMap;
use std::io::{Seek, Write};
use std::path::Path;

use rust_xlsxwriter::{
    Chart, ChartType, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

#[cfg(test)]
use super::coded_rows::Cell;
use super::coded_rows::{CodedRows, FIRST_VALUE_COLUMN};
use super::error::ExportError;
use super::{sheet_xml, splice};
use crate::analysis::Summary;
use crate::codebook::{Codebook, ThemeId};
use crate::counts::as_f64;
use crate::model::{ColumnRole, CommentRef, Survey};
use crate::redact::Redactor;
use crate::tagging::Tagging;

/// The sheets of the summary workbook, in order.
pub const SHEET_NAMES: [&str; 7] = [
    "Overview",
    "Themes",
    "Themes by respondent type",
    "Closed questions",
    "Coded responses",
    "Quotes",
    "Codebook",
];

/// What a person picked out by hand: the comments starred as quotes and the notes written on
/// comments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlights {
    /// The quotes, in survey order.
    pub quotes: Vec<CommentRef>,
    /// Notes by comment.
    pub notes: HashMap<CommentRef, String>,
}

/// Everything the workbook is made from.
struct Inputs<'a> {
    survey: &'a Survey,
    codebook: &'a Codebook,
    tagging: &'a Tagging,
    summary: &'a Summary,
    highlights: &'a Highlights,
    /// Masks personal data in the comments written; `None` writes them as they are.
    redactor: Option<&'a Redactor>,
}

/// A figure of the Overview sheet: counts are numbers, so colleagues can calculate with them.
enum OverviewValue {
    Text(String),
    Count(usize),
}

/// Cell styles shared by the sheets.
struct Styles {
    title: Format,
    header: Format,
    wrap: Format,
    percent: Format,
    date: Format,
    count: Format,
}

impl Styles {
    fn new() -> Self {
        Self {
            title: Format::new().set_bold().set_font_size(14),
            header: Format::new()
                .set_bold()
                .set_background_color("#DDEBF7")
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            percent: Format::new().set_num_format("0.0%"),
            date: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            count: Format::new()
                .set_num_format("#,##0")
                .set_align(FormatAlign::Left)
                .set_align(FormatAlign::Top),
        }
    }
}

/// Writes the summary workbook atomically. Refuses to write over the survey's own file. With
/// `redactor`, personal data in the comments is masked.
///
/// # Errors
/// [`ExportError`] naming `path` when the workbook cannot be built or written.
pub fn write_summary_workbook(
    path: &Path,
    survey: &Survey,
    codebook: &Codebook,
    tagging: &Tagging,
    summary: &Summary,
    highlights: &Highlights,
    redactor: Option<&Redactor>,
) -> Result<(), ExportError> {
    ExportError::refuse_to_overwrite(path, survey)?;
    let inputs = Inputs {
        survey,
        codebook,
        tagging,
        summary,
        highlights,
        redactor,
    };
    let workbook_error = |error: XlsxError| ExportError::Workbook {
        path: path.to_owned(),
        detail: error.to_string(),
    };
    let write_error = |source| ExportError::Write {
        path: path.to_owned(),
        source,
    };
    // Saved straight into a file beside the destination, renamed over it once complete: the
    // packed workbook is never held in memory as well.
    let mut temporary = crate::files::temporary_beside(path).map_err(write_error)?;
    save_workbook(&inputs, temporary.as_file_mut()).map_err(|error| match error {
        XlsxError::IoError(source) => write_error(source),
        XlsxError::ZipError(zip::result::ZipError::Io(source)) => write_error(source),
        other => workbook_error(other),
    })?;
    temporary.as_file().sync_all().map_err(write_error)?;
    temporary
        .persist(path)
        .map_err(|error| write_error(error.error))?;
    Ok(())
}

/// Who writes the rows of the big Coded responses sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CodedRowsBy {
    /// rust_xlsxwriter, every cell held until the workbook is saved: its usual way, kept to
    /// check that our writer changes no cell.
    #[cfg(test)]
    Xlsxwriter,
    /// Our row writer, poured into the saved workbook (splice.rs): rust_xlsxwriter writes the
    /// header and a probe date cell.
    Splice,
}

/// The position of Coded responses among the sheets.
const CODED_RESPONSES: usize = 4;

/// The zip level. Compressing Coded responses is the longest step of writing the workbook:
/// measured at 100,000 responses, `analyse --out` took 1.08 s at level 1 and 1.26 s at level 2,
/// for a file of 29.1 MB instead of 23.3 MB (level 3 was 0.2 s slower again, 11 % smaller).
const COMPRESSION_LEVEL: u8 = 1;

/// The whole summary workbook written to `writer`.
fn save_workbook<W: Write + Seek>(inputs: &Inputs, writer: W) -> Result<W, XlsxError> {
    let rows = CodedRows::new(
        inputs.survey,
        inputs.codebook,
        inputs.tagging,
        inputs.redactor,
    );
    let frame = summary_workbook(inputs, &rows, CodedRowsBy::Splice)?.save_to_buffer()?;
    let columns = rows.headers().len();
    splice::write_with_rows(
        &frame,
        &format!("xl/worksheets/sheet{}.xml", CODED_RESPONSES + 1),
        &format!("{}1", sheet_xml::column_name(columns)),
        &rows,
        columns,
        i64::from(COMPRESSION_LEVEL),
        writer,
    )
}

/// The summary workbook, ready to save.
fn summary_workbook(
    inputs: &Inputs,
    rows: &CodedRows<'_>,
    rows_by: CodedRowsBy,
) -> Result<Workbook, XlsxError> {
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    workbook.set_zip_compression_level(COMPRESSION_LEVEL);
    overview_sheet(workbook.add_worksheet(), inputs, &styles)?;
    themes_sheet(workbook.add_worksheet(), inputs, &styles)?;
    crosstab_sheet(workbook.add_worksheet(), inputs, &styles)?;
    closed_sheet(workbook.add_worksheet(), inputs, &styles)?;
    coded_responses_sheet(workbook.add_worksheet(), rows, rows_by, &styles)?;
    quotes_sheet(workbook.add_worksheet(), inputs, rows, &styles)?;
    codebook_sheet(workbook.add_worksheet(), inputs, &styles)?;
    Ok(workbook)
}

/// Worksheet rows and columns are small numbers; clamp rather than fail on absurd sizes.
fn cell_row(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

fn cell_col(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

fn header_row(
    sheet: &mut Worksheet,
    row: u32,
    names: &[String],
    styles: &Styles,
) -> Result<(), XlsxError> {
    for (column, name) in names.iter().enumerate() {
        sheet.write_string_with_format(row, cell_col(column), name, &styles.header)?;
    }
    Ok(())
}

fn overview_sheet(
    sheet: &mut Worksheet,
    inputs: &Inputs,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEET_NAMES[0])?;
    let survey = inputs.survey;
    let summary = inputs.summary;
    let column_names = |role: ColumnRole| {
        survey
            .columns_with_role(role)
            .iter()
            .filter_map(|&id| survey.column(id).map(|column| column.name.clone()))
            .collect::<Vec<_>>()
            .join("; ")
    };
    sheet.write_string_with_format(0, 0, "Consultation feedback summary", &styles.title)?;
    let top_themes: Vec<String> = summary
        .themes
        .iter()
        .filter(|theme| theme.respondents > 0)
        .take(5)
        .map(|theme| format!("{} ({})", theme.name, theme.respondents))
        .collect();
    let text = |value: String| OverviewValue::Text(value);
    let (added, removed) = inputs.tagging.hand_coding_counts();
    let sources = survey
        .sources
        .iter()
        .map(crate::model::SourceFile::describe)
        .collect::<Vec<_>>()
        .join("\n");
    let rows = [
        ("Source files", text(sources)),
        (
            "Created",
            text(chrono::Local::now().format("%Y-%m-%d %H:%M").to_string()),
        ),
        ("Responses", OverviewValue::Count(summary.responses)),
        (
            "Free-text questions",
            text(column_names(ColumnRole::FreeText)),
        ),
        (
            "Comments (free-text answers that say something)",
            OverviewValue::Count(summary.comments),
        ),
        (
            "Answers that say nothing (\"n/a\", \"none\", \"-\"), not counted as comments",
            OverviewValue::Count(summary.non_answers),
        ),
        (
            "Respondents who wrote at least one comment",
            OverviewValue::Count(summary.respondents_with_comments),
        ),
        (
            "Comments no theme covers",
            OverviewValue::Count(summary.untagged_comments),
        ),
        (
            "Themes added to comments by hand",
            OverviewValue::Count(added),
        ),
        (
            "Themes taken off comments by hand",
            OverviewValue::Count(removed),
        ),
        (
            "Comments starred as quotes",
            OverviewValue::Count(inputs.highlights.quotes.len()),
        ),
        (
            "Most common themes (respondents)",
            text(top_themes.join("; ")),
        ),
        ("Codebook", text(inputs.codebook.name.clone())),
        (
            "Method",
            text(
                "Comments were tagged by the codebook's keyword rules: case-insensitive, whole \
                 words, word forms matched by stemming, phrases in order, exclusions applied. \
                 A respondent counts once per theme however many of their comments raise it. \
                 Answers that say nothing, such as \"n/a\", \"none\", \"no comment\" or \"-\", \
                 are not counted as comments. Themes a person added or took off a comment by \
                 hand hold over the rules (the Coded responses sheet shows which). In Coded \
                 responses a theme's column holds 1 where the response raises it and is blank \
                 elsewhere: COUNTIF(column, 1) counts them."
                    .to_owned(),
            ),
        ),
        (
            "Percentages",
            text(
                "Of respondents who wrote at least one comment (in the group, for the split by \
                 respondent type)."
                    .to_owned(),
            ),
        ),
        (
            "Left out (personal data)",
            text(column_names(ColumnRole::Personal)),
        ),
    ];
    for (index, (label, value)) in rows.iter().enumerate() {
        let row = cell_row(index + 2);
        sheet.write_string_with_format(row, 0, *label, &styles.header)?;
        match value {
            OverviewValue::Text(text) => {
                sheet.write_string_with_format(row, 1, text, &styles.wrap)?;
            }
            OverviewValue::Count(number) => {
                sheet.write_number_with_format(row, 1, as_f64(*number), &styles.count)?;
            }
        }
    }
    sheet.set_column_width(0, 42)?;
    sheet.set_column_width(1, 90)?;
    Ok(())
}

fn themes_sheet(sheet: &mut Worksheet, inputs: &Inputs, styles: &Styles) -> Result<(), XlsxError> {
    let name = SHEET_NAMES[1];
    sheet.set_name(name)?;
    let codebook = inputs.codebook;
    let headers = [
        "Theme",
        "Group",
        "Comments",
        "Respondents",
        "% of respondents who commented",
    ]
    .map(str::to_owned);
    header_row(sheet, 0, &headers, styles)?;
    let themes = &inputs.summary.themes;
    for (index, theme) in themes.iter().enumerate() {
        let row = cell_row(index + 1);
        let group = codebook
            .parent_of(theme.theme)
            .and_then(|parent| codebook.theme(parent))
            .map(|parent| parent.name.as_str())
            .unwrap_or_default();
        sheet.write_string(row, 0, &theme.name)?;
        sheet.write_string(row, 1, group)?;
        sheet.write_number(row, 2, as_f64(theme.comments))?;
        sheet.write_number(row, 3, as_f64(theme.respondents))?;
        sheet.write_number_with_format(
            row,
            4,
            theme.percent_of_respondents / 100.0,
            &styles.percent,
        )?;
    }
    let last_row = cell_row(themes.len());
    sheet.autofilter(0, 0, last_row, 4)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_column_width(0, 40)?;
    sheet.set_column_width(1, 30)?;
    sheet.set_column_width(2, 12)?;
    sheet.set_column_width(3, 12)?;
    sheet.set_column_width(4, 16)?;

    let groups_top = last_row + 2;
    sheet.write_string_with_format(
        groups_top,
        0,
        "Theme group (themes under it rolled up)",
        &styles.header,
    )?;
    for (column, label) in [
        "",
        "Comments",
        "Respondents",
        "% of respondents who commented",
    ]
    .iter()
    .enumerate()
    .skip(1)
    {
        sheet.write_string_with_format(groups_top, cell_col(column + 1), *label, &styles.header)?;
    }
    for (index, group) in inputs.summary.groups.iter().enumerate() {
        let row = groups_top + 1 + cell_row(index);
        sheet.write_string(row, 0, &group.name)?;
        sheet.write_number(row, 2, as_f64(group.comments))?;
        sheet.write_number(row, 3, as_f64(group.respondents))?;
        sheet.write_number_with_format(
            row,
            4,
            group.percent_of_respondents / 100.0,
            &styles.percent,
        )?;
    }

    if !themes.is_empty() {
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .add_series()
            .set_categories((name, 1, 0, last_row, 0))
            .set_values((name, 1, 3, last_row, 3))
            .set_name("Respondents")
            .set_gap(40);
        chart.title().set_name(&format!(
            "Themes raised (respondents, n={})",
            inputs.summary.respondents_with_comments
        ));
        // Bar charts draw the first category at the bottom; reverse so the largest is on top.
        chart.y_axis().set_reverse();
        chart.legend().set_hidden();
        chart
            .set_width(720)
            .set_height(u32::try_from(120 + 22 * themes.len()).unwrap_or(720));
        sheet.insert_chart(1, 6, &chart)?;
    }
    Ok(())
}

fn crosstab_sheet(
    sheet: &mut Worksheet,
    inputs: &Inputs,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEET_NAMES[2])?;
    let Some(crosstab) = &inputs.summary.by_attribute else {
        sheet.write_string(
            0,
            0,
            "No column was recognised as a respondent attribute (such as respondent type).",
        )?;
        return Ok(());
    };
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "Respondents raising each theme by \"{}\". Percentages are of the group's respondents who commented.",
            crosstab.attribute_name
        ),
        &styles.title,
    )?;
    let groups = &crosstab.groups;
    let mut headers = vec!["Theme".to_owned()];
    headers.extend(
        groups
            .iter()
            .map(|group| format!("{} (n={})", group.value, group.respondents)),
    );
    headers.extend(groups.iter().map(|group| format!("{} %", group.value)));
    header_row(sheet, 2, &headers, styles)?;
    for (index, row) in crosstab.rows.iter().enumerate() {
        let sheet_row = cell_row(index + 3);
        sheet.write_string(sheet_row, 0, &row.name)?;
        for (position, respondents) in row.respondents.iter().enumerate() {
            sheet.write_number(sheet_row, cell_col(position + 1), as_f64(*respondents))?;
        }
        for (position, share) in row.percents.iter().enumerate() {
            sheet.write_number_with_format(
                sheet_row,
                cell_col(position + 1 + groups.len()),
                share / 100.0,
                &styles.percent,
            )?;
        }
    }
    sheet.autofilter(
        2,
        0,
        cell_row(crosstab.rows.len() + 2),
        cell_col(groups.len() * 2),
    )?;
    sheet.set_freeze_panes(3, 1)?;
    sheet.set_column_width(0, 40)?;
    for column in 1..=groups.len() * 2 {
        sheet.set_column_width(cell_col(column), 14)?;
    }
    Ok(())
}

fn closed_sheet(sheet: &mut Worksheet, inputs: &Inputs, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(SHEET_NAMES[3])?;
    let headers = [
        "Question",
        "Answer",
        "Count",
        "% of those answering",
        "Answered",
    ]
    .map(str::to_owned);
    header_row(sheet, 0, &headers, styles)?;
    let mut row = 1;
    for question in &inputs.summary.closed {
        for (option, respondents, share) in &question.options {
            sheet.write_string(row, 0, &question.name)?;
            sheet.write_string(row, 1, option)?;
            sheet.write_number(row, 2, as_f64(*respondents))?;
            sheet.write_number_with_format(row, 3, share / 100.0, &styles.percent)?;
            sheet.write_number(row, 4, as_f64(question.answered))?;
            row += 1;
        }
    }
    sheet.autofilter(0, 0, row.saturating_sub(1).max(1), 4)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_column_width(0, 60)?;
    sheet.set_column_width(1, 36)?;
    sheet.set_column_width(3, 14)?;
    Ok(())
}

fn coded_responses_sheet(
    sheet: &mut Worksheet,
    rows: &CodedRows<'_>,
    rows_by: CodedRowsBy,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEET_NAMES[CODED_RESPONSES])?;
    let headers = rows.headers();
    header_row(sheet, 0, &headers, styles)?;
    match rows_by {
        #[cfg(test)]
        CodedRowsBy::Xlsxwriter => {
            for response in 0..rows.len() {
                let row = cell_row(response + 1);
                rows.for_each_cell(response, |column, cell| {
                    write_cell(sheet, row, cell_col(column), cell, styles)
                })?;
            }
        }
        CodedRowsBy::Splice => {
            let probe = cell_col(headers.len());
            let any_date = ExcelDateTime::from_ymd(2000, 1, 1)?;
            sheet.write_datetime_with_format(0, probe, &any_date, &styles.date)?;
        }
    }
    let last_column = cell_col(headers.len().saturating_sub(1));
    sheet.autofilter(0, 0, cell_row(rows.len()), last_column)?;
    sheet.set_freeze_panes(1, 1)?;
    sheet.set_column_width(0, 14)?;
    for (position, &column) in rows.exported.iter().enumerate() {
        let is_text = rows
            .survey
            .column(column)
            .is_some_and(|column| column.role == ColumnRole::FreeText);
        sheet.set_column_width(
            cell_col(position + FIRST_VALUE_COLUMN),
            if is_text { 60 } else { 18 },
        )?;
    }
    let themes_column = rows.themes_column();
    sheet.set_column_width(cell_col(themes_column), 40)?;
    sheet.set_column_width(cell_col(themes_column + 1), 24)?;
    sheet.set_column_width(cell_col(themes_column + 2), 24)?;
    Ok(())
}

/// Writes one cell of Coded responses with rust_xlsxwriter, as the held sheet does. Text is
/// always written as a string, so answers starting with = + - @ never become formulas.
#[cfg(test)]
fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    cell: Cell<'_>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(text) => sheet.write_string(row, column, text)?,
        Cell::Number(number) => sheet.write_number(row, column, number)?,
        Cell::DateTime(when) => sheet.write_datetime_with_format(
            row,
            column,
            &sheet_xml::excel_datetime(&when)?,
            &styles.date,
        )?,
        Cell::Bool(flag) => sheet.write_boolean(row, column, flag)?,
    };
    Ok(())
}

/// The starred quotes under each theme they raise (a quote raising several is under each), in
/// codebook order, with who said it; quotes with no theme come last.
fn quotes_sheet(
    sheet: &mut Worksheet,
    inputs: &Inputs,
    coded: &CodedRows<'_>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEET_NAMES[5])?;
    let (survey, codebook) = (inputs.survey, inputs.codebook);
    let group_column = inputs
        .summary
        .by_attribute
        .as_ref()
        .map(|crosstab| crosstab.attribute);
    let group_heading = group_column
        .and_then(|column| survey.column(column))
        .map_or_else(
            || "Respondent type".to_owned(),
            |column| column.name.clone(),
        );
    let headers = [
        "Theme".to_owned(),
        "Quote".to_owned(),
        group_heading,
        "Question".to_owned(),
        "Response".to_owned(),
        "Note".to_owned(),
    ];
    header_row(sheet, 0, &headers, styles)?;
    let mut rows: Vec<(Option<ThemeId>, CommentRef)> = Vec::new();
    for &quote in &inputs.highlights.quotes {
        let tags = inputs.tagging.tags_of(quote);
        if tags.is_empty() {
            rows.push((None, quote));
        }
        rows.extend(tags.iter().map(|tag| (Some(tag.theme()), quote)));
    }
    // `None` sorts first; the quotes no theme covers go last.
    rows.sort_by_key(|&(theme, quote)| (theme.is_none(), theme, quote));
    for (index, &(theme, quote)) in rows.iter().enumerate() {
        let row = cell_row(index + 1);
        let theme_name = theme
            .and_then(|theme| codebook.theme(theme))
            .map_or("(no theme)", |found| found.name.as_str());
        let group = group_column
            .map(|column| survey.attribute_value(quote.response, column))
            .unwrap_or_default();
        let question = survey
            .column(quote.column)
            .map_or("", |column| column.name.as_str());
        sheet.write_string(row, 0, theme_name)?;
        let text = survey.comment_text(quote).unwrap_or_default();
        let text = crate::redact::masked(inputs.redactor, text);
        sheet.write_string_with_format(row, 1, text.as_ref(), &styles.wrap)?;
        sheet.write_string(row, 2, group)?;
        sheet.write_string_with_format(row, 3, question, &styles.wrap)?;
        sheet.write_string(row, 4, coded.response_key(quote.response))?;
        let note = inputs
            .highlights
            .notes
            .get(&quote)
            .map_or("", String::as_str);
        sheet.write_string_with_format(row, 5, note, &styles.wrap)?;
    }
    sheet.autofilter(0, 0, cell_row(rows.len()).max(1), 5)?;
    sheet.set_freeze_panes(1, 0)?;
    for (column, width) in [32, 80, 24, 40, 14, 40].iter().enumerate() {
        sheet.set_column_width(cell_col(column), *width)?;
    }
    Ok(())
}

fn codebook_sheet(
    sheet: &mut Worksheet,
    inputs: &Inputs,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEET_NAMES[6])?;
    let codebook = inputs.codebook;
    let headers = [
        "Theme",
        "Parent",
        "Description",
        "Keywords",
        "Exclusions",
        "Id",
    ]
    .map(str::to_owned);
    header_row(sheet, 0, &headers, styles)?;
    for (index, theme) in codebook.themes.iter().enumerate() {
        let row = cell_row(index + 1);
        let parent = theme
            .parent
            .as_deref()
            .and_then(|key| codebook.find(key))
            .and_then(|id| codebook.theme(id))
            .map(|parent| parent.name.as_str())
            .unwrap_or_default();
        sheet.write_string(row, 0, &theme.name)?;
        sheet.write_string(row, 1, parent)?;
        sheet.write_string_with_format(row, 2, &theme.description, &styles.wrap)?;
        sheet.write_string_with_format(row, 3, theme.keywords.join("; "), &styles.wrap)?;
        sheet.write_string_with_format(row, 4, theme.exclude.join("; "), &styles.wrap)?;
        sheet.write_string(row, 5, &theme.key)?;
    }
    sheet.autofilter(0, 0, cell_row(codebook.themes.len()), 5)?;
    sheet.set_freeze_panes(1, 0)?;
    for (column, width) in [36, 28, 60, 60, 30, 24].iter().enumerate() {
        sheet.set_column_width(cell_col(column), *width)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};

    use super::*;
    use crate::import::{ImportOptions, import_bytes};
    use crate::progress::Progress;
    use crate::tagging::{Coding, tag_survey};

    /// A consultation of `responses` rows with every kind of value the sheets write.
    fn generated_csv(responses: usize) -> String {
        let roles = ["Parent or carer", "SENCO or teacher", "Young person", ""];
        let agreement = [
            "Agree",
            "Strongly disagree",
            "Neither agree nor disagree",
            "",
        ];
        let comments = [
            "Staff need far more training on autism; the CPD offer is thin.",
            "=== nobody is held to account when the EHCP is late",
            "Communication with families has been awful, we hear nothing",
            "Ça va: l’école n’écoute pas 😞 — the waiting list for speech therapy",
            "",
            "+1 more teaching assistants, \"quoted\" and <tagged> & more",
            "Excel's own escape _x005F_x0041_ kept as text, _x00_ and _xZZZZ_ not, \u{1}\u{FFFE} odd",
        ];
        let mut csv = String::from(
            "Response ID,Submitted,Which of these best describes you?,How much do you agree with Priority 1?,Score,What are your views on the priorities?,What would make the biggest difference?\n",
        );
        for row in 0..responses {
            let comment = |offset: usize| comments[(row * 5 + offset) % comments.len()];
            csv.push_str(&format!(
                "R{row},2024-03-{:02} 10:{:02},{},{},{},\"{} {row}\",\"{}\"\n",
                row % 28 + 1,
                row % 60,
                roles[row % roles.len()],
                agreement[row % agreement.len()],
                row % 11,
                comment(0).replace('"', "\"\""),
                comment(3).replace('"', "\"\""),
            ));
        }
        csv
    }

    fn sheets_of(bytes: Vec<u8>) -> Vec<(String, Vec<Vec<Data>>)> {
        let mut book = Xlsx::new(Cursor::new(bytes)).expect("opens");
        SHEET_NAMES
            .iter()
            .map(|&name| {
                let range = book.worksheet_range(name).expect("sheet");
                let rows = range.rows().map(<[Data]>::to_vec).collect();
                (name.to_owned(), rows)
            })
            .collect()
    }

    #[test]
    fn streaming_the_coded_responses_changes_no_cell() {
        let csv = generated_csv(2_000);
        let imported = import_bytes(
            Path::new("generated.csv"),
            csv.as_bytes(),
            &ImportOptions::default(),
            &Progress::new(),
        )
        .expect("imports");
        let survey = imported.survey;
        let codebook = Codebook::load(crate::codebook::DEFAULT_CODEBOOK).expect("codebook");
        let mut tagging = tag_survey(&survey, &codebook, &Progress::new()).expect("tags");
        let comments = survey.comments();
        let first = comments[0];
        let second = comments[1];
        let rule_theme = tagging.tags_of(second).first().expect("a rule tag").theme();
        tagging.apply_hand_coding(&[
            (first, ThemeId(3), Coding::Add),
            (second, rule_theme, Coding::Remove),
        ]);
        let summary = crate::analysis::summarise(&survey, &codebook, &tagging);
        let highlights = Highlights {
            quotes: vec![first],
            notes: HashMap::from([(first, "say this one at the event".to_owned())]),
        };
        let inputs = Inputs {
            survey: &survey,
            codebook: &codebook,
            tagging: &tagging,
            summary: &summary,
            highlights: &highlights,
            redactor: None,
        };
        let rows = CodedRows::new(&survey, &codebook, &tagging, None);
        let held = summary_workbook(&inputs, &rows, CodedRowsBy::Xlsxwriter)
            .expect("builds")
            .save_to_buffer()
            .expect("saves");
        let streamed = save_workbook(&inputs, Cursor::new(Vec::new()))
            .expect("saves")
            .into_inner();
        let part = |bytes: &[u8], name: &str| {
            let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
            let mut text = String::new();
            std::io::Read::read_to_string(&mut archive.by_name(name).expect("part"), &mut text)
                .expect("reads");
            text
        };
        let element = |xml: &str, start: &str| {
            let from = xml.find(start).expect(start);
            xml[from..from + xml[from..].find('>').expect("an end")].to_owned()
        };
        let sheet = "xl/worksheets/sheet5.xml";
        let (held_sheet, streamed_sheet) = (part(&held, sheet), part(&streamed, sheet));
        for start in ["<dimension", "<autoFilter", "<pane", "<cols"] {
            assert_eq!(element(&held_sheet, start), element(&streamed_sheet, start));
        }
        assert_eq!(
            part(&held, "xl/workbook.xml"),
            part(&streamed, "xl/workbook.xml")
        );
        let (held, streamed) = (sheets_of(held), sheets_of(streamed));
        let coded = &held[CODED_RESPONSES].1;
        assert_eq!(coded.len(), 2_001, "a header and a row per response");
        assert!(
            coded
                .iter()
                .flatten()
                .any(|cell| matches!(cell, Data::DateTime(_)))
        );
        let odd = survey
            .comments()
            .into_iter()
            .find_map(|comment| {
                let text = survey.comment_text(comment)?;
                text.contains("Excel's own").then(|| text.to_owned())
            })
            .expect("the comment with escapes");
        assert!(
            coded
                .iter()
                .flatten()
                .any(|cell| *cell == Data::String(odd.clone())),
            "{odd:?} is kept as it was"
        );
        assert_eq!(held.len(), streamed.len());
        for ((name, held_rows), (_, streamed_rows)) in held.iter().zip(&streamed) {
            assert_eq!(held_rows.len(), streamed_rows.len(), "rows of {name}");
            for (row, (held_row, streamed_row)) in held_rows.iter().zip(streamed_rows).enumerate() {
                assert_eq!(held_row, streamed_row, "{name}, row {}", row + 1);
            }
        }
    }
}
