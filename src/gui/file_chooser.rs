//! The system's file chooser (rfd), and telling "the user cancelled" from "this computer has no
//! file chooser", which rfd reports the same way except in its log.

use std::cell::Cell;
use std::path::{Path, PathBuf};

use super::state::{Command, FilePurpose};

thread_local! {
    /// Whether rfd logged a failure on this thread since the flag was last taken.
    static CHOOSER_FAILED: Cell<bool> = const { Cell::new(false) };
}

/// Receives rfd's log records: when neither the desktop portal nor zenity can show a chooser,
/// rfd logs an error and returns nothing, just as when the user cancels.
struct ChooserFailures;

impl log::Log for ChooserFailures {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Error && metadata.target().starts_with("rfd")
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            CHOOSER_FAILED.with(|failed| failed.set(true));
        }
    }

    fn flush(&self) {}
}

static CHOOSER_FAILURES: ChooserFailures = ChooserFailures;

/// Listens for rfd's failures. Another logger already installed keeps its place; the chooser
/// then falls back to telling nothing apart, as before.
pub fn listen_for_failures() {
    if log::set_logger(&CHOOSER_FAILURES).is_ok() {
        log::set_max_level(log::LevelFilter::Error);
    }
}

/// Shows the chooser for `purpose` and turns its answer into a command: the path chosen,
/// [`Command::ChooserClosed`] when the user cancelled, or [`Command::FileChooserUnavailable`].
pub fn choose(purpose: FilePurpose, suggested: &Path) -> Command {
    CHOOSER_FAILED.with(|failed| failed.set(false));
    let chosen = match purpose {
        FilePurpose::Open | FilePurpose::Add | FilePurpose::FindSource(_) => pick_survey_file(),
        FilePurpose::Export => pick_save_file(
            suggested,
            "Save the summary workbook",
            "Excel workbook",
            "xlsx",
        ),
        FilePurpose::SaveProject => pick_save_file(
            suggested,
            "Save as a project",
            "ConsultLens project",
            crate::project::EXTENSION,
        ),
        FilePurpose::LoadCodebook => pick_codebook_file(),
        FilePurpose::SaveCodebook => {
            pick_save_file(suggested, "Save the codebook", "Codebook (TOML)", "toml")
        }
    };
    answer(purpose, chosen, CHOOSER_FAILED.with(Cell::take))
}

/// The command for a chooser's answer.
fn answer(purpose: FilePurpose, chosen: Option<PathBuf>, failed: bool) -> Command {
    match (chosen, purpose) {
        (Some(path), FilePurpose::Open) => Command::Open(path),
        (Some(path), FilePurpose::Add) => Command::AddFile(path),
        (Some(path), FilePurpose::Export) => Command::SetExportPath(path.display().to_string()),
        (Some(path), FilePurpose::SaveProject) => Command::SaveAsProject(path),
        (Some(path), FilePurpose::LoadCodebook) => Command::LoadCodebook(path),
        (Some(path), FilePurpose::SaveCodebook) => Command::SaveCodebook(path),
        (Some(path), FilePurpose::FindSource(position)) => Command::UpdateSource(position, path),
        (None, _) if failed => Command::FileChooserUnavailable(purpose),
        (None, _) => Command::ChooserClosed(purpose),
    }
}

fn pick_survey_file() -> Option<PathBuf> {
    let mut openable = crate::import::SUPPORTED_EXTENSIONS.to_vec();
    openable.push(crate::project::EXTENSION);
    rfd::FileDialog::new()
        .set_title("Open a project or a consultation export")
        .add_filter("Projects and survey exports", &openable)
        .pick_file()
}

fn pick_codebook_file() -> Option<PathBuf> {
    let mut readable = crate::import::SUPPORTED_EXTENSIONS.to_vec();
    readable.push("toml");
    rfd::FileDialog::new()
        .set_title("Use a codebook (TOML, or a spreadsheet of themes)")
        .add_filter("Codebooks", &readable)
        .pick_file()
}

fn pick_save_file(suggested: &Path, title: &str, kind: &str, extension: &str) -> Option<PathBuf> {
    let mut dialog = rfd::FileDialog::new()
        .set_title(title)
        .add_filter(kind, &[extension]);
    if let Some(directory) = suggested.parent() {
        dialog = dialog.set_directory(directory);
    }
    if let Some(name) = suggested.file_name() {
        dialog = dialog.set_file_name(name.to_string_lossy());
    }
    dialog.save_file()
}

#[cfg(test)]
mod tests {
    use super::*;
    use log::Log;

    #[test]
    fn a_logged_rfd_failure_means_no_chooser_not_a_cancel() {
        let metadata = |target: &'static str, level| {
            log::Metadata::builder().target(target).level(level).build()
        };
        assert!(ChooserFailures.enabled(&metadata("rfd::backend", log::Level::Error)));
        assert!(!ChooserFailures.enabled(&metadata("rfd::backend", log::Level::Warn)));
        assert!(!ChooserFailures.enabled(&metadata("winit", log::Level::Error)));
        CHOOSER_FAILED.with(|failed| failed.set(false));
        ChooserFailures.log(
            &log::Record::builder()
                .metadata(metadata("rfd::backend::xdg", log::Level::Error))
                .args(format_args!("Failed to pick file with zenity"))
                .build(),
        );
        assert!(CHOOSER_FAILED.with(Cell::take));
        assert!(matches!(
            answer(FilePurpose::Add, None, true),
            Command::FileChooserUnavailable(FilePurpose::Add)
        ));
        assert!(matches!(
            answer(FilePurpose::Open, None, false),
            Command::ChooserClosed(FilePurpose::Open)
        ));
        assert!(matches!(
            answer(FilePurpose::Open, Some(PathBuf::from("a.csv")), false),
            Command::Open(_)
        ));
    }
}
