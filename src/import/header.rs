//! Finding the header: the row (or rows) that name the questions, wherever they start.

use std::collections::HashMap;

use super::grid::Rows;
use super::platform::{OPEN_ENDED_SUBLABEL, is_tool_field};
use super::report::{ImportReport, ImportWarning};
use crate::heading::normalise_heading;
use crate::model::Value;

/// How many rows from the top are searched for the header.
const HEADER_SEARCH_ROWS: usize = 40;
/// Headers deeper than this are taken to be data.
const MAX_HEADER_ROWS: usize = 3;

/// Sub-labels that survey tools put under a question and that add nothing to its name.
fn is_plain_sublabel(text: &str) -> bool {
    let text = normalise_heading(text);
    [
        "response",
        "responses",
        &normalise_heading(OPEN_ENDED_SUBLABEL),
    ]
    .contains(&text.as_str())
}

/// Where the header is and the column names it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderLayout {
    /// Index (into the grid's rows) of the first header row.
    pub first: usize,
    /// Index of the last header row (equal to `first` for a one-row header).
    pub last: usize,
    /// One name per column, as written (not yet made unique).
    pub names: Vec<String>,
    /// Per column, the survey tool's code for it when the header has one (`Q2`, `QID2_TEXT`,
    /// `startDate`): an ImportId, else the code row's cell.
    pub codes: Vec<Option<String>>,
}

/// Finds the header rows among the first rows of a sheet.
pub fn detect<R: Rows + ?Sized>(rows: &R, width: usize) -> Option<HeaderLayout> {
    let search = rows.row_count().min(HEADER_SEARCH_ROWS);
    let first = (0..search).find(|&index| starts_header(rows, index, width))?;
    let mut last = first;
    while last + 1 < rows.row_count()
        && last + 1 - first < MAX_HEADER_ROWS
        && continues_header(rows, first, last + 1)
    {
        last += 1;
    }
    // Header cells merged down over empty rows (a two-row merged header) take those rows too.
    while rows.row(last + 1).is_empty()
        && last + 1 < rows.row_count()
        && last + 1 - first < MAX_HEADER_ROWS
        && rows
            .merged_regions()
            .iter()
            .any(|region| (first..=last).contains(&region.first_row) && region.last_row > last)
    {
        last += 1;
    }
    let names = (0..width)
        .map(|column| combined_name(rows, first, last, column))
        .collect();
    let codes = (0..width)
        .map(|column| column_code(rows, first, last, column))
        .collect();
    Some(HeaderLayout {
        first,
        last,
        names,
        codes,
    })
}

/// The code a survey tool gave a column: its ImportId, or the cell of a question-code row.
fn column_code<R: Rows + ?Sized>(
    rows: &R,
    first: usize,
    last: usize,
    column: usize,
) -> Option<String> {
    let cell = |index: usize| row(rows, index).get(column).and_then(Value::as_text);
    let import_id = (first..=last).filter_map(cell).find_map(import_id);
    import_id.or_else(|| {
        (last > first && is_code_row(row(rows, first)))
            .then(|| cell(first).map(str::to_owned))
            .flatten()
    })
}

/// The id in Qualtrics' `{"ImportId":"QID2_TEXT"}` header cells.
fn import_id(text: &str) -> Option<String> {
    if !is_import_id_json(text) {
        return None;
    }
    let parsed: serde_json::Value = serde_json::from_str(text).ok()?;
    parsed.get("ImportId")?.as_str().map(str::to_owned)
}

fn row<R: Rows + ?Sized>(rows: &R, index: usize) -> &[Value] {
    rows.row(index)
}

fn filled(cells: &[Value]) -> usize {
    cells.iter().filter(|value| !value.is_empty()).count()
}

fn all_text(cells: &[Value]) -> bool {
    cells
        .iter()
        .all(|value| matches!(value, Value::Empty | Value::Text(_)))
}

/// A header row is all text and names at least half the columns, alone or with the row under it.
fn starts_header<R: Rows + ?Sized>(rows: &R, index: usize, width: usize) -> bool {
    let cells = row(rows, index);
    let count = filled(cells);
    if count == 0 || !all_text(cells) {
        return false;
    }
    let needed = width.div_ceil(2).max(1);
    if count >= needed && (count >= 2 || width == 1) {
        return true;
    }
    // A grouped header: questions spanning blank cells, with sub-labels underneath.
    let below = row(rows, index + 1);
    let covered = (0..width)
        .filter(|&column| {
            let present =
                |cells: &[Value]| cells.get(column).is_some_and(|value| !value.is_empty());
            present(cells) || present(below)
        })
        .count();
    count >= 2 && all_text(below) && covered * 5 >= width * 4
}

/// Whether row `candidate` is a further header row under `first..candidate`.
fn continues_header<R: Rows + ?Sized>(rows: &R, first: usize, candidate: usize) -> bool {
    let cells = row(rows, candidate);
    if filled(cells) == 0 || !all_text(cells) {
        return false;
    }
    let texts: Vec<&str> = cells.iter().filter_map(Value::as_text).collect();
    if texts.iter().any(|text| is_import_id_json(text)) {
        return true;
    }
    // SurveyMonkey's sub-label row: its checkbox labels recur below, as the chosen answers.
    let is_sublabel = |text: &&str| is_plain_sublabel(text);
    if texts.iter().any(is_sublabel)
        && texts
            .iter()
            .all(|text| is_sublabel(text) || text.len() <= 60)
    {
        return true;
    }
    // A first answer that happens to be all text repeats in the answers below; labels do not.
    if answers_recur_below(rows, candidate) {
        return false;
    }
    // Qualtrics, SmartSurvey and consultation tools: a row of question codes, then the questions.
    if candidate == first + 1 && is_code_row(row(rows, first)) {
        return true;
    }
    fills_a_spanning_group(row(rows, candidate - 1), cells)
}

/// Rows looked at below a candidate header row to see whether its values recur as answers.
const RECUR_LOOKAHEAD_ROWS: usize = 30;

/// Whether at least a third of the row's values appear again in the same column below it.
fn answers_recur_below<R: Rows + ?Sized>(rows: &R, candidate: usize) -> bool {
    let cells = row(rows, candidate);
    let lookahead = (candidate + 1..rows.row_count()).take(RECUR_LOOKAHEAD_ROWS);
    let mut values = 0;
    let mut recurring = 0;
    for (column, value) in cells
        .iter()
        .enumerate()
        .filter(|(_, value)| !value.is_empty())
    {
        values += 1;
        if lookahead
            .clone()
            .any(|other| row(rows, other).get(column) == Some(value))
        {
            recurring += 1;
        }
    }
    recurring * 3 >= values && recurring > 0
}

/// A question spanning blank cells to its right, with a sub-label under it and under each blank.
fn fills_a_spanning_group(above: &[Value], cells: &[Value]) -> bool {
    let present =
        |cells: &[Value], column: usize| cells.get(column).is_some_and(|value| !value.is_empty());
    let mut column = 0;
    while column < above.len() {
        if present(above, column) {
            let span_end = (column + 1..above.len().max(cells.len()))
                .find(|&next| present(above, next))
                .unwrap_or(above.len().max(cells.len()));
            let spans_blanks = span_end > column + 1;
            if spans_blanks && (column..span_end).all(|inner| present(cells, inner)) {
                return true;
            }
            column = span_end;
        } else {
            column += 1;
        }
    }
    false
}

fn is_import_id_json(text: &str) -> bool {
    text.starts_with('{') && text.contains("ImportId")
}

/// A question code: letters, then a number, then at most a short suffix (`Q1`, `QID2_TEXT`,
/// `V10`, `Ident 3`, `Q2 - Topics`).
fn is_question_code(text: &str) -> bool {
    let letters = text
        .chars()
        .take_while(|c| c.is_ascii_alphabetic() || *c == ' ' || *c == '_')
        .count();
    let rest = text.get(letters..).unwrap_or_default();
    (1..=8).contains(&letters) && text.len() <= 24 && rest.starts_with(|c: char| c.is_ascii_digit())
}

/// A row of question codes with at most some survey-tool field names among them (Qualtrics
/// writes its metadata fields' names in the code row).
fn is_code_row(cells: &[Value]) -> bool {
    let texts: Vec<&str> = cells.iter().filter_map(Value::as_text).collect();
    let codes = texts.iter().filter(|text| is_question_code(text)).count();
    let known = texts.iter().filter(|text| is_tool_field(text)).count();
    codes >= 1 && (codes + known) * 10 >= texts.len() * 6
}

/// A column's name from all header rows: a group question carried right over its blank cells,
/// joined with the sub-label; import ids and plain "Response" labels left out.
fn combined_name<R: Rows + ?Sized>(rows: &R, first: usize, last: usize, column: usize) -> String {
    let question_ids = is_code_row(row(rows, first)) && last > first;
    let mut parts: Vec<String> = Vec::new();
    for index in first..=last {
        let cells = row(rows, index);
        let own = cells.get(column).and_then(Value::as_text);
        let text = match own {
            Some(text) => Some(text.to_owned()),
            // Blank in an upper header row: the group question to the left spans this cell.
            None if index < last => (0..column)
                .rev()
                .find_map(|left| cells.get(left).and_then(Value::as_text))
                .filter(|_| {
                    row(rows, last)
                        .get(column)
                        .is_some_and(|value| !value.is_empty())
                })
                .map(str::to_owned),
            None => None,
        };
        let Some(text) = text else { continue };
        let is_noise = is_import_id_json(&text)
            || (question_ids && index == first && has_text_below(rows, first, last, column))
            || (index > first && is_plain_sublabel(&text) && !parts.is_empty())
            || parts.contains(&text);
        let keep = !is_noise;
        if keep {
            parts.push(text);
        }
    }
    parts.join(" - ").replace('\n', " ")
}

fn has_text_below<R: Rows + ?Sized>(rows: &R, first: usize, last: usize, column: usize) -> bool {
    (first + 1..=last).any(|index| {
        row(rows, index)
            .get(column)
            .and_then(Value::as_text)
            .is_some_and(|text| !is_import_id_json(text))
    })
}

/// Makes names unique and non-empty, reporting what was renamed.
/// `names` pairs each name with its 0-based column in the sheet, which names unnamed columns.
pub fn unique_names(names: &[(usize, String)], report: &mut ImportReport) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut unique = Vec::with_capacity(names.len());
    for &(column, ref name) in names {
        let mut name = name.trim().to_owned();
        if name.is_empty() {
            name = format!("Column {}", column_letters(column));
            report.warn(ImportWarning::UnnamedColumn {
                renamed: name.clone(),
            });
        }
        let key = name.to_lowercase();
        let count = seen.entry(key).or_default();
        *count += 1;
        if *count > 1 {
            let renamed = format!("{name} ({count})");
            report.warn(ImportWarning::DuplicateHeader {
                name: name.clone(),
                renamed: renamed.clone(),
            });
            seen.insert(renamed.to_lowercase(), 1);
            unique.push(renamed);
        } else {
            unique.push(name);
        }
    }
    unique
}

/// Spreadsheet column letters for a 0-based index: 0 -> A, 26 -> AA.
pub fn column_letters(index: usize) -> String {
    let mut letters = Vec::new();
    let mut remaining = index + 1;
    while remaining > 0 {
        let digit = (remaining - 1) % 26;
        letters.push(char::from(b'A' + u8::try_from(digit).unwrap_or(0)));
        remaining = (remaining - 1) / 26;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_row(cells: &[&str]) -> Vec<Value> {
        cells.iter().map(|cell| Value::from(*cell)).collect()
    }

    #[test]
    fn header_on_row_nine_under_a_stray_note() {
        let mut rows = vec![Vec::new(); 8];
        rows[2] = text_row(&["", "", "a stray note"]);
        rows.push(text_row(&["Columns", "Column A", "Column B", "Column C"]));
        rows.push(vec![
            Value::Number(1.0),
            Value::Number(2.0),
            Value::Text("x".into()),
            Value::Number(3.0),
        ]);
        let layout = detect(rows.as_slice(), 4).expect("header");
        assert_eq!((layout.first, layout.last), (8, 8));
        assert_eq!(
            layout.names,
            ["Columns", "Column A", "Column B", "Column C"]
        );
    }

    #[test]
    fn title_row_above_header_is_skipped() {
        let rows = vec![
            text_row(&["SEND consultation responses"]),
            text_row(&["Id", "Role", "Comment"]),
            vec![
                Value::Number(1.0),
                Value::Text("Parent".into()),
                Value::Text("More staff".into()),
            ],
        ];
        let layout = detect(rows.as_slice(), 3).expect("header");
        assert_eq!(layout.first, 1);
        assert_eq!(layout.last, 1);
    }

    #[test]
    fn surveymonkey_two_row_header_combines_group_and_sublabel() {
        let rows = vec![
            text_row(&["Respondent ID", "Which services?", "", "", "Any comments?"]),
            text_row(&[
                "",
                "CAMHS",
                "Speech therapy",
                "Other",
                "Open-Ended Response",
            ]),
            vec![
                Value::Number(11.0),
                Value::Text("CAMHS".into()),
                Value::Empty,
                Value::Empty,
                Value::Text("Waiting lists are too long".into()),
            ],
        ];
        let layout = detect(rows.as_slice(), 5).expect("header");
        assert_eq!((layout.first, layout.last), (0, 1));
        assert_eq!(
            layout.names,
            [
                "Respondent ID",
                "Which services? - CAMHS",
                "Which services? - Speech therapy",
                "Which services? - Other",
                "Any comments?"
            ]
        );
    }

    #[test]
    fn qualtrics_three_row_header_uses_question_text() {
        let rows = vec![
            text_row(&["StartDate", "ResponseId", "Q1", "Q2"]),
            text_row(&[
                "Start Date",
                "Response ID",
                "How old are you?",
                "Any comments?",
            ]),
            text_row(&[
                r#"{"ImportId":"startDate"}"#,
                r#"{"ImportId":"_recordId"}"#,
                r#"{"ImportId":"QID1"}"#,
                r#"{"ImportId":"QID2"}"#,
            ]),
            text_row(&["2024-01-01 10:00:00", "R_1", "12", "Fine"]),
        ];
        let layout = detect(rows.as_slice(), 4).expect("header");
        assert_eq!((layout.first, layout.last), (0, 2));
        assert_eq!(
            layout.names,
            [
                "Start Date",
                "Response ID",
                "How old are you?",
                "Any comments?"
            ]
        );
    }

    #[test]
    fn all_text_first_answer_is_not_taken_for_a_header_row() {
        let rows = vec![
            text_row(&["Role", "Comment"]),
            text_row(&["Parent", "More staff training would help everyone"]),
            text_row(&["Teacher", "Agree"]),
        ];
        let layout = detect(rows.as_slice(), 2).expect("header");
        assert_eq!((layout.first, layout.last), (0, 0));
    }

    #[test]
    fn duplicate_and_blank_names_are_made_unique() {
        let mut report = ImportReport::default();
        let names = unique_names(
            &[
                (0, "Comment".into()),
                (1, "comment".into()),
                (2, String::new()),
            ],
            &mut report,
        );
        assert_eq!(names, ["Comment", "comment (2)", "Column C"]);
        assert_eq!(report.warnings.len(), 2);
    }

    #[test]
    fn column_letters_roll_over() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
    }
}
