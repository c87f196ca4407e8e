//! What can go wrong on import: errors that stop it, warnings that do not.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::platform::SurveyPlatform;
use crate::model::Survey;
use crate::wording::counted;

/// A survey and what the importer noticed on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The responses.
    pub survey: Survey,
    /// Warnings about partial problems.
    pub report: ImportReport,
}

/// An import that could not produce a survey. Each message names the file last.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read at all.
    #[error("could not read {}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file is empty.
    #[error("the file is empty (0 bytes): {}", .path.display())]
    EmptyFile {
        /// The file.
        path: PathBuf,
    },
    /// The file is not a format we read.
    #[error(
        "this is not a spreadsheet ConsultLens can read; save it as .xlsx or .csv and try again: {}",
        .path.display()
    )]
    NotASpreadsheet {
        /// The file.
        path: PathBuf,
    },
    /// An encrypted Office file.
    #[error(
        "the workbook is password-protected; open it in Excel, remove the password (File > Info > Protect Workbook) and save a copy: {}",
        .path.display()
    )]
    PasswordProtected {
        /// The file.
        path: PathBuf,
    },
    /// The workbook's contents are damaged.
    #[error("the workbook is damaged or incomplete ({detail}); re-export it from the survey tool: {}", .path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What the reader reported.
        detail: String,
    },
    /// `--sheet` named a sheet that is not there.
    #[error("there is no worksheet called \"{sheet}\" (the sheets are: {}) in {}", .available.join(", "), .path.display())]
    SheetNotFound {
        /// The file.
        path: PathBuf,
        /// The sheet asked for.
        sheet: String,
        /// The visible worksheets.
        available: Vec<String>,
    },
    /// No sheet holds any cells.
    #[error("there is no data in any worksheet of {}", .path.display())]
    NoData {
        /// The file.
        path: PathBuf,
    },
    /// A header but nothing under it.
    #[error("there are no responses below the header (row {header_row}) in {}", .path.display())]
    NoResponses {
        /// The file.
        path: PathBuf,
        /// The last header row, 1-based.
        header_row: usize,
    },
    /// The user cancelled the import.
    #[error("import cancelled: {}", .path.display())]
    Cancelled {
        /// The file.
        path: PathBuf,
    },
}

impl ImportError {
    /// A reader's failure, naming the file.
    pub fn reading(path: &Path, error: ReadError) -> Self {
        match error {
            ReadError::Damaged(detail) => ImportError::Corrupt {
                path: path.to_owned(),
                detail,
            },
            ReadError::Io(source) => ImportError::Read {
                path: path.to_owned(),
                source,
            },
        }
    }
}

/// Why a reader could not give its cells; the import names the file when it reports it.
#[derive(Debug)]
pub enum ReadError {
    /// The container's structure is damaged; the detail says where.
    Damaged(String),
    /// The file could not be read.
    Io(std::io::Error),
}

impl From<std::io::Error> for ReadError {
    fn from(error: std::io::Error) -> Self {
        ReadError::Io(error)
    }
}

/// Something the user should know about an import that still succeeded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportWarning {
    /// A hidden worksheet was not read.
    SkippedHiddenSheet {
        /// Its name.
        sheet: String,
    },
    /// A chart sheet (or macro or dialog sheet) was not read.
    SkippedNonWorksheet {
        /// Its name.
        sheet: String,
    },
    /// Other worksheets hold data too; only one was read.
    OtherSheetsWithData {
        /// The sheet read.
        chosen: String,
        /// The others with data.
        others: Vec<String>,
    },
    /// Two columns had the same name; the later ones were numbered.
    DuplicateHeader {
        /// The name as in the file.
        name: String,
        /// The name given to the later column.
        renamed: String,
    },
    /// A column with data had no header.
    UnnamedColumn {
        /// The name given to it.
        renamed: String,
    },
    /// A text file was not UTF-8 and its encoding was guessed.
    GuessedEncoding {
        /// The encoding used.
        encoding: String,
    },
    /// Bytes that could not be decoded were replaced.
    UndecodableBytes {
        /// The encoding used.
        encoding: String,
    },
    /// Blank rows among the responses were skipped.
    BlankRowsSkipped {
        /// How many.
        count: usize,
    },
    /// Cells holding spreadsheet errors (#N/A, #REF! ...) were read as blank.
    ErrorCellsBlanked {
        /// How many.
        count: usize,
    },
    /// Rows had more cells than the header.
    RowsWiderThanHeader {
        /// How many rows.
        count: usize,
    },
    /// No column was recognised as free text, so there is nothing to tag.
    NoFreeTextColumn {
        /// The file (or files, joined).
        file: String,
    },
    /// No row looked like a header, so columns are named by letter.
    NoHeaderRow,
    /// Written dates whose day and month could be either way round were read day first.
    AmbiguousDates {
        /// The column.
        column: String,
    },
    /// Free-text answers that say nothing ("n/a", "none", "-") are not counted as comments.
    NonAnswers {
        /// How many.
        count: usize,
        /// A few of them, as written.
        examples: Vec<String>,
    },
    /// When several files are combined: a column some files lack.
    ColumnNotInEveryFile {
        /// The column.
        column: String,
        /// The files without it.
        missing_from: Vec<String>,
    },
    /// When several files are combined: a warning about one of them.
    InFile {
        /// The file's name.
        file: String,
        /// What was noticed.
        warning: Box<ImportWarning>,
    },
}

impl fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportWarning::SkippedHiddenSheet { sheet } => {
                write!(f, "skipped hidden sheet \"{sheet}\"")
            }
            ImportWarning::SkippedNonWorksheet { sheet } => {
                write!(f, "skipped \"{sheet}\", which is a chart or macro sheet")
            }
            ImportWarning::OtherSheetsWithData { chosen, others } => write!(
                f,
                "read sheet \"{chosen}\"; other sheets with data: {} (choose one with --sheet or the sheet list)",
                others.join(", ")
            ),
            ImportWarning::DuplicateHeader { name, renamed } => {
                write!(
                    f,
                    "two columns are called \"{name}\"; the second is now \"{renamed}\""
                )
            }
            ImportWarning::UnnamedColumn { renamed } => {
                write!(
                    f,
                    "a column with answers had no heading; it is called \"{renamed}\""
                )
            }
            ImportWarning::GuessedEncoding { encoding } => {
                write!(f, "the file is not UTF-8; read it as {encoding}")
            }
            ImportWarning::UndecodableBytes { encoding } => write!(
                f,
                "some characters could not be read as {encoding} and were replaced with \u{FFFD}"
            ),
            ImportWarning::BlankRowsSkipped { count } => {
                write!(f, "skipped {count} blank row(s) among the responses")
            }
            ImportWarning::ErrorCellsBlanked { count } => {
                write!(
                    f,
                    "{count} cell(s) held spreadsheet errors (#N/A, #REF! ...) and were read as blank"
                )
            }
            ImportWarning::RowsWiderThanHeader { count } => write!(
                f,
                "{count} row(s) had more cells than the header; the extra cells were read as unnamed columns"
            ),
            ImportWarning::ColumnNotInEveryFile {
                column,
                missing_from,
            } => write!(
                f,
                "\"{column}\" is not in {}; those responses are blank there",
                missing_from.join(", ")
            ),
            ImportWarning::InFile { file, warning } => write!(f, "{file}: {warning}"),
            ImportWarning::NoHeaderRow => write!(
                f,
                "no row names the questions, so the columns are named by letter and every row is read as a response"
            ),
            ImportWarning::AmbiguousDates { column } => write!(
                f,
                "no date in \"{column}\" has a day over 12, so day and month could be either way round; they were read as day/month/year"
            ),
            ImportWarning::NonAnswers { count, examples } => write!(
                f,
                "{} such as {} say nothing and are not counted as comments",
                counted(*count, "answer"),
                examples
                    .iter()
                    .map(|example| format!("\"{example}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ImportWarning::NoFreeTextColumn { file } => write!(
                f,
                "no column of {file} looks like free text, so there are no comments to tag; mark the comment columns as free text in the Data view"
            ),
        }
    }
}

/// What one import noticed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The survey tool whose layout the file has, when recognised.
    pub platform: Option<SurveyPlatform>,
    /// The workbook's visible worksheets, in order (empty for text files).
    pub sheets: Vec<String>,
    /// In the order they arose.
    pub warnings: Vec<ImportWarning>,
}

impl ImportReport {
    /// Adds a warning.
    pub fn warn(&mut self, warning: ImportWarning) {
        self.warnings.push(warning);
    }
}
