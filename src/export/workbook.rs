//! The summary workbook: overview, themes with a native bar chart, themes by respondent type,
//! closed questions, coded responses, quotes and the codebook.

use std::collections::HashMap;
use std::path::Path;

use rust_xlsxwriter::{
    Chart, ChartType, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

use super::error::ExportError;
use crate::analysis::{Summary, themes_by_response};
use crate::codebook::{Codebook, ThemeId};
use crate::counts::as_f64;
use crate::keys::SurveyKeys;
use crate::model::{ColumnId, ColumnRole, CommentRef, ResponseId, Survey, Value};
use crate::tagging::{TagOrigin, Tagging};

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

/// Writes the summary workbook atomically. Refuses to write over the survey's own file.
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
) -> Result<(), ExportError> {
    if survey
        .sources
        .iter()
        .any(|source| crate::files::same_file(path, &source.path))
    {
        return Err(ExportError::WouldOverwriteInput {
            path: path.to_owned(),
        });
    }
    let inputs = Inputs {
        survey,
        codebook,
        tagging,
        summary,
        highlights,
    };
    let workbook_error = |error: XlsxError| ExportError::Workbook {
        path: path.to_owned(),
        detail: error.to_string(),
    };
    let write_error = |source| ExportError::Write {
        path: path.to_owned(),
        source,
    };
    let mut workbook = summary_workbook(&inputs, SheetMemory::Streamed).map_err(workbook_error)?;
    // Saved straight into a file beside the destination, renamed over it once complete: the
    // packed workbook is never held in memory as well.
    let mut temporary = crate::files::temporary_beside(path).map_err(write_error)?;
    workbook
        .save_to_writer(temporary.as_file_mut())
        .map_err(|error| match error {
            XlsxError::IoError(source) => write_error(source),
            other => workbook_error(other),
        })?;
    temporary.as_file().sync_all().map_err(write_error)?;
    temporary
        .persist(path)
        .map_err(|error| write_error(error.error))?;
    Ok(())
}

/// How the big Coded responses sheet is kept while it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SheetMemory {
    /// Every cell held until the workbook is saved, strings shared: rust_xlsxwriter's usual way,
    /// kept to check that streaming changes no cell.
    #[cfg(test)]
    Held,
    /// Each row written out as soon as it is complete, strings inline: the memory of one row.
    Streamed,
}

/// The zip level. Measured at 100,000 responses: level 2 took 0.2 s less than level 3 (Excel's
/// own) for a file 11 % larger, and made a file 20 % smaller than level 1 did.
const COMPRESSION_LEVEL: u8 = 2;

/// The summary workbook, ready to save.
fn summary_workbook(inputs: &Inputs, memory: SheetMemory) -> Result<Workbook, XlsxError> {
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    workbook.set_zip_compression_level(COMPRESSION_LEVEL);
    overview_sheet(workbook.add_worksheet(), inputs, &styles)?;
    themes_sheet(workbook.add_worksheet(), inputs, &styles)?;
    crosstab_sheet(workbook.add_worksheet(), inputs, &styles)?;
    closed_sheet(workbook.add_worksheet(), inputs, &styles)?;
    let coded = match memory {
        #[cfg(test)]
        SheetMemory::Held => workbook.add_worksheet(),
        SheetMemory::Streamed => workbook.add_worksheet_with_constant_memory()?,
    };
    coded_responses_sheet(coded, inputs, &styles)?;
    quotes_sheet(workbook.add_worksheet(), inputs, &styles)?;
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
    inputs: &Inputs,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEET_NAMES[4])?;
    let survey = inputs.survey;
    let codebook = inputs.codebook;
    let exported: Vec<ColumnId> = survey
        .columns
        .iter()
        .enumerate()
        .filter(|(_, column)| !matches!(column.role, ColumnRole::Personal | ColumnRole::Ignore))
        .map(|(index, _)| ColumnId(index))
        .collect();
    let leaf_themes = codebook.leaf_themes();
    let mut headers = vec!["Response".to_owned(), "Row in source".to_owned()];
    headers.extend(
        exported
            .iter()
            .filter_map(|&id| survey.column(id))
            .map(|column| column.name.clone()),
    );
    headers.extend(["Themes", "Added by hand", "Removed by hand"].map(str::to_owned));
    headers.extend(
        leaf_themes
            .iter()
            .filter_map(|&id| codebook.theme(id))
            .map(|theme| theme.name.clone()),
    );
    header_row(sheet, 0, &headers, styles)?;

    let keys = SurveyKeys::new(survey);
    let themes_of_response = themes_by_response(inputs.tagging, survey.response_count());
    let (added_by_hand, removed_by_hand) = hand_coding_by_response(inputs.tagging, survey);
    let names = |themes: &[ThemeId]| {
        themes
            .iter()
            .filter_map(|&theme| codebook.theme(theme))
            .map(|theme| theme.name.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let first_value_column = 2;
    let themes_column = exported.len() + first_value_column;
    for (response, themes) in themes_of_response.iter().enumerate() {
        let row = cell_row(response + 1);
        sheet.write_string(row, 0, keys.response(ResponseId(response)))?;
        sheet.write_number(
            row,
            1,
            as_f64(
                survey
                    .source_rows
                    .get(response)
                    .copied()
                    .unwrap_or_default(),
            ),
        )?;
        for (position, &column) in exported.iter().enumerate() {
            write_value(
                sheet,
                row,
                cell_col(position + first_value_column),
                survey.value(ResponseId(response), column),
                styles,
            )?;
        }
        sheet.write_string(row, cell_col(themes_column), names(themes))?;
        let hand = |by_response: &[Vec<ThemeId>]| {
            by_response
                .get(response)
                .map_or_else(String::new, |themes| names(themes))
        };
        sheet.write_string(row, cell_col(themes_column + 1), hand(&added_by_hand))?;
        sheet.write_string(row, cell_col(themes_column + 2), hand(&removed_by_hand))?;
        // 1 where the response raises the theme; a blank, not a 0, elsewhere: COUNTIF(…, 1),
        // SUM and filters work the same, and most cells of the sheet are not written at all.
        for (position, theme) in leaf_themes.iter().enumerate() {
            if themes.contains(theme) {
                sheet.write_number(row, cell_col(themes_column + 3 + position), 1.0)?;
            }
        }
    }
    let last_column = cell_col(headers.len().saturating_sub(1));
    sheet.autofilter(0, 0, cell_row(survey.response_count()), last_column)?;
    sheet.set_freeze_panes(1, 1)?;
    sheet.set_column_width(0, 14)?;
    for (position, &column) in exported.iter().enumerate() {
        let is_text = survey
            .column(column)
            .is_some_and(|column| column.role == ColumnRole::FreeText);
        sheet.set_column_width(
            cell_col(position + first_value_column),
            if is_text { 60 } else { 18 },
        )?;
    }
    sheet.set_column_width(cell_col(themes_column), 40)?;
    sheet.set_column_width(cell_col(themes_column + 1), 24)?;
    sheet.set_column_width(cell_col(themes_column + 2), 24)?;
    Ok(())
}

/// For each response, the themes a person added to its comments and those a person took off.
fn hand_coding_by_response(
    tagging: &Tagging,
    survey: &Survey,
) -> (Vec<Vec<ThemeId>>, Vec<Vec<ThemeId>>) {
    let mut added: Vec<Vec<ThemeId>> = vec![Vec::new(); survey.response_count()];
    let mut removed: Vec<Vec<ThemeId>> = vec![Vec::new(); survey.response_count()];
    for (comment, tags) in tagging.iter() {
        if let Some(themes) = added.get_mut(comment.response.0) {
            themes.extend(
                tags.iter()
                    .filter(|tag| tag.origin == TagOrigin::Person)
                    .map(|tag| tag.theme),
            );
        }
    }
    for &(comment, theme) in &tagging.removed_by_hand {
        if let Some(themes) = removed.get_mut(comment.response.0) {
            themes.push(theme);
        }
    }
    for themes in added.iter_mut().chain(removed.iter_mut()) {
        themes.sort_unstable();
        themes.dedup();
    }
    (added, removed)
}

/// Text is always written as a string, so answers starting with = + - @ never become formulas.
fn write_value(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    value: &Value,
    styles: &Styles,
) -> Result<(), XlsxError> {
    match value {
        Value::Empty => {}
        Value::Text(text) => {
            sheet.write_string(row, column, text.as_ref())?;
        }
        Value::Number(number) => {
            sheet.write_number(row, column, *number)?;
        }
        Value::DateTime(when) => {
            sheet.write_datetime_with_format(row, column, &excel_datetime(when)?, &styles.date)?;
        }
        Value::Bool(flag) => {
            sheet.write_boolean(row, column, *flag)?;
        }
    }
    Ok(())
}

/// A date and time to the whole second, as Excel holds it; years Excel cannot show are refused.
fn excel_datetime(when: &chrono::NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
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

/// The starred quotes under each theme they raise (a quote raising several is under each), in
/// codebook order, with who said it; quotes with no theme come last.
fn quotes_sheet(sheet: &mut Worksheet, inputs: &Inputs, styles: &Styles) -> Result<(), XlsxError> {
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
    let keys = SurveyKeys::new(survey);
    let mut rows: Vec<(Option<ThemeId>, CommentRef)> = Vec::new();
    for &quote in &inputs.highlights.quotes {
        let tags = inputs.tagging.tags_of(quote);
        if tags.is_empty() {
            rows.push((None, quote));
        }
        rows.extend(tags.iter().map(|tag| (Some(tag.theme), quote)));
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
        sheet.write_string_with_format(
            row,
            1,
            survey.comment_text(quote).unwrap_or_default(),
            &styles.wrap,
        )?;
        sheet.write_string(row, 2, group)?;
        sheet.write_string_with_format(row, 3, question, &styles.wrap)?;
        sheet.write_string(row, 4, keys.response(quote.response))?;
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
        ];
        let mut csv = String::from(
            "Response ID,Submitted,Which of these best describes you?,How much do you agree with Priority 1?,Score,What are your views on the priorities?,What would make the biggest difference?\n",
        );
        for row in 0..responses {
            let comment = |offset: usize| comments[(row * 7 + offset) % comments.len()];
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
        let rule_theme = tagging.tags_of(second).first().expect("a rule tag").theme;
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
        };
        let written = |memory| {
            summary_workbook(&inputs, memory)
                .expect("builds")
                .save_to_buffer()
                .expect("saves")
        };
        let held = sheets_of(written(SheetMemory::Held));
        let streamed = sheets_of(written(SheetMemory::Streamed));
        let coded = &held[4].1;
        assert_eq!(coded.len(), 2_001, "a header and a row per response");
        assert!(
            coded
                .iter()
                .flatten()
                .any(|cell| matches!(cell, Data::DateTime(_)))
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
