//! A sheet's cells to a [`Survey`]: the header, the responses under it, the columns with their
//! names, written dates read as dates, and each column's role.

use std::path::Path;

use super::dates::read_written_dates;
use super::grid::{Grid, Rows};
use super::header::{self, column_letters};
use super::platform;
use super::report::{ImportError, ImportReport, ImportWarning};
use super::roles;
use crate::answers::is_non_answer;
use crate::counts::as_u32;
use crate::model::{Column, ColumnRole, SourceFile, Survey, Value, ValueRef, Values};

/// Rows whose width decides how wide the header must be.
const HEADER_WIDTH_ROWS: usize = 200;

/// Non-answers quoted in the import report.
const NON_ANSWER_EXAMPLES: usize = 3;

/// Builds the survey from the cells of `path` (its sheet `sheet`, for workbooks).
///
/// # Errors
/// [`ImportError::NoData`] for a sheet without cells, [`ImportError::NoResponses`] for a header
/// with nothing under it.
pub fn build_survey(
    path: &Path,
    sheet: Option<String>,
    mut grid: Grid,
    report: &mut ImportReport,
) -> Result<Survey, ImportError> {
    if grid.width_of_first(usize::MAX) == 0 {
        return Err(ImportError::NoData {
            path: path.to_owned(),
        });
    }
    if grid.error_cells > 0 {
        report.warn(ImportWarning::ErrorCellsBlanked {
            count: grid.error_cells,
        });
    }
    // The header is judged on the top rows only, so a stray cell far below cannot widen it.
    let top_width = grid.width_of_first(HEADER_WIDTH_ROWS);
    let layout = header::detect(&grid, top_width);
    if layout.is_none() {
        report.warn(ImportWarning::NoHeaderRow);
    }
    if let Some(layout) = &layout {
        let header_cells = (layout.first..=layout.last)
            .flat_map(|index| grid.row(index).iter().filter_map(Value::as_text))
            .collect();
        report.platform = platform::recognise(&platform::HeaderMarks {
            names: &layout.names,
            codes: &layout.codes,
            header_cells,
            sheet: sheet.as_deref(),
        });
    }
    let (data_start, header_rows, names, codes) = match layout {
        Some(layout) => (
            layout.last + 1,
            Some((grid.source_row(layout.first), grid.source_row(layout.last))),
            layout.names,
            layout.codes,
        ),
        None => {
            let first_filled = (0..grid.row_count())
                .position(|index| grid.row_width(index) > 0)
                .unwrap_or(0);
            (first_filled, None, Vec::new(), Vec::new())
        }
    };
    let header_width = names
        .iter()
        .rposition(|name| !name.is_empty())
        .map_or(0, |last| last + 1);
    let last_header_row = data_start
        .checked_sub(1)
        .map(|index| grid.source_row(index));

    let mut source_rows = Vec::new();
    let mut is_response = vec![false; grid.row_count()];
    // Blank rows between responses are worth a note; those after the last are the sheet's end.
    let mut skipped_blanks = 0usize;
    let mut pending_blanks = 0usize;
    let mut wider_rows = 0usize;
    for index in data_start..grid.row_count() {
        let width = grid.row_width(index);
        if width == 0 {
            pending_blanks += 1;
            continue;
        }
        skipped_blanks += std::mem::take(&mut pending_blanks);
        if width > header_width {
            wider_rows += 1;
        }
        source_rows.push(as_u32(grid.source_row(index)));
        if let Some(flag) = is_response.get_mut(index) {
            *flag = true;
        }
    }
    if source_rows.is_empty() {
        return Err(ImportError::NoResponses {
            path: path.to_owned(),
            header_row: last_header_row.unwrap_or(grid.first_row),
        });
    }
    if skipped_blanks > 0 {
        report.warn(ImportWarning::BlankRowsSkipped {
            count: skipped_blanks,
        });
    }
    if wider_rows > 0 && header_rows.is_some() {
        report.warn(ImportWarning::RowsWiderThanHeader { count: wider_rows });
    }

    // Each column is moved out of the grid whole. Columns with neither a heading nor an answer
    // are spacing, or a stray cell's reach: dropped.
    let used_width = grid.column_count().max(header_width);
    let mut kept: Vec<(usize, String)> = Vec::new();
    let mut kept_values: Vec<Vec<Value>> = Vec::new();
    for column in 0..used_width {
        let mut values = grid.take_column(column, &is_response);
        let name = match (&header_rows, names.get(column)) {
            (None, _) => format!("Column {}", column_letters(column)),
            (Some(_), name) => name.cloned().unwrap_or_default(),
        };
        if !name.trim().is_empty() || values.iter().any(|value| !value.is_empty()) {
            values.resize(source_rows.len(), Value::Empty);
            kept.push((column, name));
            kept_values.push(values);
        }
    }
    let names = header::unique_names(&kept, report);
    let mut columns: Vec<Column> = Vec::with_capacity(kept_values.len());
    for ((name, values), index) in names
        .into_iter()
        .zip(&mut kept_values)
        .zip(kept.iter().map(|(column, _)| *column))
    {
        if read_written_dates(values).is_some_and(|dates| dates.ambiguous) {
            report.warn(ImportWarning::AmbiguousDates {
                column: name.clone(),
            });
        }
        let code = codes.get(index).and_then(Option::as_deref);
        let guess = roles::detect(&name, code, values, index);
        columns.push(Column {
            name,
            role: guess.role,
            role_reason: guess.reason,
            source_index: Some(index),
            values: Values::default(),
        });
    }
    for (column, values) in columns
        .iter_mut()
        .zip(kept_values.into_iter().map(Values::from))
    {
        column.values = values;
    }
    if !columns
        .iter()
        .any(|column| column.role == ColumnRole::FreeText)
    {
        report.warn(ImportWarning::NoFreeTextColumn {
            file: path.display().to_string(),
        });
    }
    note_non_answers(&columns, report);
    Ok(Survey {
        sources: vec![SourceFile {
            path: path.to_owned(),
            sheet,
            header_rows,
            responses: source_rows.len(),
        }],
        columns,
        source_rows,
        respondent_group: None,
    })
}

/// Lists in the report the free-text answers that say nothing, which are not counted as comments.
fn note_non_answers(columns: &[Column], report: &mut ImportReport) {
    let mut count = 0;
    let mut examples: Vec<String> = Vec::new();
    let answers = columns
        .iter()
        .filter(|column| column.role == ColumnRole::FreeText)
        .flat_map(|column| column.values.iter().filter_map(ValueRef::as_text));
    for answer in answers.filter(|answer| is_non_answer(answer)) {
        count += 1;
        if examples.len() < NON_ANSWER_EXAMPLES && !examples.iter().any(|seen| seen == answer) {
            examples.push(answer.to_owned());
        }
    }
    if count > 0 {
        report.warn(ImportWarning::NonAnswers { count, examples });
    }
}
