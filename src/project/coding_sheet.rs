//! Hand coding read from a spreadsheet, such as a team's earlier coding in Excel: a row per
//! decision with the columns Response (the response's key, as the Coded responses sheet shows
//! it), Question (its heading; may be left out when the survey has one free-text question),
//! Theme (name or id), and optionally Action (`add`, the default, or `remove`) and Source (the
//! file, when several make the survey). Nothing is guessed: rows that match nothing are listed.

use std::path::{Path, PathBuf};

use super::decisions::Decision;
use super::loaded::Loaded;
use crate::files::display_name;
use crate::heading::normalise_heading;
use crate::import::{self, ImportError, ImportOptions};
use crate::model::{ColumnId, ColumnRole, CommentRef, ValueRef};
use crate::progress::Progress;
use crate::tagging::Coding;

/// Rows that match nothing, listed in the message before it says how many more there are.
const LISTED_PROBLEMS: usize = 10;

/// A coding spreadsheet that cannot be taken in whole.
#[derive(Debug, thiserror::Error)]
pub enum CodingSheetError {
    /// The spreadsheet cannot be read.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// A column it must have is missing.
    #[error("the coding sheet has no \"{column}\" column (it needs Response, Question, Theme and optionally Action): {}", .path.display())]
    MissingColumn {
        /// The spreadsheet.
        path: PathBuf,
        /// The column's heading.
        column: &'static str,
    },
    /// No Question column, and the survey has more than one free-text question.
    #[error("the survey has several free-text questions, so the coding sheet needs a \"Question\" column: {}", .path.display())]
    NoQuestionColumn {
        /// The spreadsheet.
        path: PathBuf,
    },
    /// Rows name responses, questions or themes the project does not have; nothing was taken.
    #[error("{} of the coding sheet match nothing in the project, so none of it was taken: {}{}; {}", crate::wording::counted(*.count, "row"), .problems.join("; "), if *.count > .problems.len() { " …" } else { "" }, .path.display())]
    Unmatched {
        /// The spreadsheet.
        path: PathBuf,
        /// The first rows' problems.
        problems: Vec<String>,
        /// How many rows have one.
        count: usize,
    },
}

/// The hand-coding decisions of a coding spreadsheet, for a project's survey as loaded.
///
/// # Errors
/// [`CodingSheetError`] naming the spreadsheet when it cannot be read, lacks a column, or has
/// rows that match nothing in the project.
pub fn read_coding_sheet(path: &Path, loaded: &Loaded) -> Result<Vec<Decision>, CodingSheetError> {
    let sheet = import::import_file(path, &ImportOptions::default(), &Progress::new())?.survey;
    let column = |heading: &str| {
        sheet
            .columns
            .iter()
            .position(|column| normalise_heading(&column.name) == heading)
    };
    let missing = |column: &'static str| CodingSheetError::MissingColumn {
        path: path.to_owned(),
        column,
    };
    let response_column = column("response").ok_or_else(|| missing("Response"))?;
    let theme_column = column("theme").ok_or_else(|| missing("Theme"))?;
    let question_column = column("question");
    let action_column = column("action");
    let source_column = column("source");

    let survey = &loaded.imported.survey;
    let free_text = survey.columns_with_role(ColumnRole::FreeText);
    let only_question = match (question_column, free_text.as_slice()) {
        (Some(_), _) => None,
        (None, [only]) => Some(*only),
        (None, _) => {
            return Err(CodingSheetError::NoQuestionColumn {
                path: path.to_owned(),
            });
        }
    };
    let cell = |column: Option<usize>, row: usize| {
        column
            .and_then(|column| sheet.columns.get(column))
            .and_then(|column| column.values.get(row))
            .map(ValueRef::display)
            .unwrap_or_default()
    };

    let mut decisions = Vec::with_capacity(sheet.response_count());
    let mut problems = Vec::new();
    let mut count = 0;
    for row in 0..sheet.response_count() {
        let decision = (|| {
            let response = cell(Some(response_column), row);
            let source = find_source(loaded, &cell(source_column, row), &response)?;
            let question = match only_question {
                Some(column) => column,
                None => find_question(loaded, &cell(question_column, row))?,
            };
            let theme = find_theme(loaded, &cell(Some(theme_column), row))?;
            let coding = match normalise_heading(&cell(action_column, row)).as_str() {
                "" | "add" => Coding::Add,
                "remove" => Coding::Remove,
                other => return Err(format!("the action \"{other}\" is neither add nor remove")),
            };
            let response_id = loaded
                .keys
                .find_response(source, &response)
                .ok_or_else(|| format!("no response \"{response}\""))?;
            Ok(Decision::Code {
                comment: loaded.keys.comment(CommentRef {
                    response: response_id,
                    column: question,
                }),
                theme,
                coding,
            })
        })();
        match decision {
            Ok(decision) => decisions.push(decision),
            Err(problem) => {
                count += 1;
                if problems.len() < LISTED_PROBLEMS {
                    let line = sheet.source_rows.get(row).copied().unwrap_or_default();
                    problems.push(format!("row {line}: {problem}"));
                }
            }
        }
    }
    if count > 0 {
        return Err(CodingSheetError::Unmatched {
            path: path.to_owned(),
            problems,
            count,
        });
    }
    Ok(decisions)
}

/// The source a response belongs to: the one named, else the only one with that response.
fn find_source(loaded: &Loaded, named: &str, response: &str) -> Result<usize, String> {
    if response.is_empty() {
        return Err("no response given".to_owned());
    }
    let sources = &loaded.imported.survey.sources;
    if !named.trim().is_empty() {
        return sources
            .iter()
            .position(|source| display_name(&source.path) == named.trim())
            .ok_or_else(|| format!("no source file \"{}\"", named.trim()));
    }
    let holding: Vec<usize> = (0..sources.len())
        .filter(|&source| loaded.keys.find_response(source, response).is_some())
        .collect();
    match holding.as_slice() {
        [only] => Ok(*only),
        [] => Err(format!("no response \"{response}\"")),
        _ => Err(format!(
            "response \"{response}\" is in several files; add a Source column"
        )),
    }
}

fn find_question(loaded: &Loaded, heading: &str) -> Result<ColumnId, String> {
    let column = loaded
        .keys
        .find_question(&normalise_heading(heading))
        .ok_or_else(|| format!("no question \"{heading}\""))?;
    let is_free_text = loaded
        .imported
        .survey
        .column(column)
        .is_some_and(|column| column.role == ColumnRole::FreeText);
    if is_free_text {
        Ok(column)
    } else {
        Err(format!("\"{heading}\" is not a free-text question"))
    }
}

/// A theme's codebook id, from its id or its name (ignoring case).
fn find_theme(loaded: &Loaded, named: &str) -> Result<String, String> {
    let wanted = named.trim();
    let codebook = &loaded.codebook;
    codebook
        .find(wanted)
        .or_else(|| {
            codebook
                .themes
                .iter()
                .position(|theme| theme.name.trim().eq_ignore_ascii_case(wanted))
                .map(crate::codebook::ThemeId)
        })
        .and_then(|id| codebook.theme(id))
        .map(|theme| theme.key.clone())
        .ok_or_else(|| format!("no theme \"{wanted}\""))
}
