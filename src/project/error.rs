//! What can go wrong with a project file. Each message names the file last.

use std::path::PathBuf;

use crate::codebook::CodebookError;
use crate::import::ImportError;

/// A project that could not be created, opened or changed.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// There is no such project file.
    #[error("there is no project file here: {}", .path.display())]
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// A project file is already there; ConsultLens will not replace someone's work.
    #[error("a project is already there; choose another name for the new one: {}", .path.display())]
    AlreadyExists {
        /// The file.
        path: PathBuf,
    },
    /// The file is not a ConsultLens project.
    #[error("this is not a ConsultLens project: {}", .path.display())]
    NotAProject {
        /// The file.
        path: PathBuf,
    },
    /// The file's contents are damaged.
    #[error("the project file is damaged ({detail}); open a copy from a backup: {}", .path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What SQLite reported.
        detail: String,
    },
    /// Another program is writing to it.
    #[error("the project is being changed by another ConsultLens window or program; close it and try again: {}", .path.display())]
    Locked {
        /// The file.
        path: PathBuf,
    },
    /// A later version of ConsultLens made it.
    #[error("the project was saved by a newer ConsultLens (format {found}, this one reads up to {supported}); update ConsultLens to open it: {}", .path.display())]
    NewerVersion {
        /// The file.
        path: PathBuf,
        /// The file's format version.
        found: i64,
        /// The newest this build reads.
        supported: i64,
    },
    /// The file could not be read or written.
    #[error("could not use the project file ({detail}): {}", .path.display())]
    Storage {
        /// The file.
        path: PathBuf,
        /// What SQLite or the system reported.
        detail: String,
    },
    /// A source file could not be read into the project.
    /// A file given as a source's new place holds other contents.
    #[error("this is not the same file as the project's copy (its contents differ); re-import it instead: {}", .path.display())]
    NotTheSameFile {
        /// The file.
        path: PathBuf,
    },
    /// A source has no such position.
    #[error("the project has no source number {position}: {}", .path.display())]
    NoSuchSource {
        /// The project file.
        path: PathBuf,
        /// The position asked for.
        position: usize,
    },
    #[error(transparent)]
    Import(#[from] ImportError),
    /// The project's codebook could not be read.
    #[error(transparent)]
    Codebook(#[from] CodebookError),
    /// The work was cancelled.
    #[error("cancelled: {}", .path.display())]
    Cancelled {
        /// The project.
        path: PathBuf,
    },
}

impl ProjectError {
    /// The project error for an SQLite failure on `path`.
    pub(super) fn storage(path: &std::path::Path, error: &rusqlite::Error) -> Self {
        let path = path.to_owned();
        match error.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => ProjectError::NotAProject { path },
            Some(rusqlite::ErrorCode::DatabaseCorrupt) => ProjectError::Damaged {
                path,
                detail: error.to_string(),
            },
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                ProjectError::Locked { path }
            }
            _ => ProjectError::Storage {
                path,
                detail: error.to_string(),
            },
        }
    }
}
