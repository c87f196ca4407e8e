//! The window.
use std::path::PathBuf;
use std::process::ExitCode;
/// Opens the window.
pub fn run(_file: Option<PathBuf>, _sheet: Option<String>) -> ExitCode {
    ExitCode::SUCCESS
}
