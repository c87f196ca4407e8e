//! What can stop an export.

use std::path::PathBuf;

/// An export that could not be written. Each message names the file last.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The output would replace the survey being analysed.
    #[error("will not overwrite the survey being analysed; choose another name for the output: {}", .path.display())]
    WouldOverwriteInput {
        /// The output path.
        path: PathBuf,
    },
    /// The workbook could not be built.
    #[error("could not build the summary workbook ({detail}): {}", .path.display())]
    Workbook {
        /// The output path.
        path: PathBuf,
        /// What rust_xlsxwriter said.
        detail: String,
    },
    /// The file could not be written.
    #[error("could not write the summary ({source}); is it open in Excel? {}", .path.display())]
    Write {
        /// The output path.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A chart could not be drawn.
    #[error("could not draw a chart ({0})")]
    Chart(String),
    /// A report or chart image could not be written.
    #[error("could not write the file ({source}): {}", .path.display())]
    File {
        /// The output path.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}

/// Writes `bytes` to `path` atomically, naming the file when that fails.
pub(super) fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), ExportError> {
    crate::files::write_atomically(path, bytes).map_err(|source| ExportError::File {
        path: path.to_path_buf(),
        source,
    })
}

impl ExportError {
    /// Refuses an output that is one of the survey's own files.
    ///
    /// # Errors
    /// [`ExportError::WouldOverwriteInput`] naming `path`.
    pub fn refuse_to_overwrite(
        path: &std::path::Path,
        survey: &crate::model::Survey,
    ) -> Result<(), Self> {
        if survey
            .sources
            .iter()
            .any(|source| crate::files::same_file(path, &source.path))
        {
            return Err(ExportError::WouldOverwriteInput {
                path: path.to_owned(),
            });
        }
        Ok(())
    }
}
