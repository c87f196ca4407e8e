//! Work that must not block the frame: import, tagging, export and file dialogs, each on a
//! named thread that reports back with a [`Command`].

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};

use super::state::{Command, Session};
use crate::analysis::Summary;
use crate::codebook::Codebook;
use crate::export;
use crate::import::{self, ImportOptions};
use crate::model::Survey;
use crate::progress::Progress;
use crate::tagging::{self, Tagging};

/// One job under way.
#[derive(Debug)]
pub struct Job {
    /// What it is doing, for the status bar.
    pub label: String,
    /// How far it has got; also how to cancel it.
    pub progress: Progress,
    receiver: Receiver<Option<Command>>,
}

/// The jobs under way.
#[derive(Debug, Default)]
pub struct Jobs {
    running: Vec<Job>,
}

impl Jobs {
    /// The jobs under way, oldest first.
    pub fn running(&self) -> &[Job] {
        &self.running
    }

    /// Whether any job is under way.
    pub fn is_busy(&self) -> bool {
        !self.running.is_empty()
    }

    /// Starts `work` on a named thread; the command it returns, if any, is collected by
    /// [`Jobs::poll`].
    pub fn spawn(
        &mut self,
        label: impl Into<String>,
        repaint: impl Fn() + Send + 'static,
        work: impl FnOnce(&Progress) -> Option<Command> + Send + 'static,
    ) {
        let label = label.into();
        let progress = Progress::new();
        let (sender, receiver) = mpsc::channel();
        let worker_progress = progress.clone();
        let thread_name: String = label
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
            .collect();
        let spawned = std::thread::Builder::new()
            .name(thread_name)
            .spawn(move || {
                let command = work(&worker_progress);
                deliver(&sender, command);
                repaint();
            });
        match spawned {
            Ok(_) => self.running.push(Job {
                label,
                progress,
                receiver,
            }),
            Err(error) => {
                let (sender, receiver) = mpsc::channel();
                deliver(
                    &sender,
                    Some(Command::Failed(format!(
                        "could not start a background task: {error}"
                    ))),
                );
                self.running.push(Job {
                    label,
                    progress,
                    receiver,
                });
            }
        }
    }

    /// Commands from jobs that have finished, without waiting.
    pub fn poll(&mut self) -> Vec<Command> {
        let mut finished = Vec::new();
        self.running.retain(|job| match job.receiver.try_recv() {
            Ok(command) => {
                finished.extend(command);
                false
            }
            Err(mpsc::TryRecvError::Empty) => true,
            Err(mpsc::TryRecvError::Disconnected) => {
                finished.push(Command::Failed(format!(
                    "{} stopped unexpectedly",
                    job.label
                )));
                false
            }
        });
        finished
    }

    /// Waits for every job to finish and returns their commands (for tests and shutdown).
    pub fn wait_all(&mut self) -> Vec<Command> {
        self.running
            .drain(..)
            .filter_map(|job| {
                job.receiver.recv().unwrap_or_else(|_| {
                    Some(Command::Failed(format!(
                        "{} stopped unexpectedly",
                        job.label
                    )))
                })
            })
            .collect()
    }
}

/// The receiver is gone only when the window closed mid-job, and then nobody is left to tell.
fn deliver(sender: &Sender<Option<Command>>, command: Option<Command>) {
    if sender.send(command).is_err() {
        eprintln!("a background task finished after the window closed");
    }
}

/// Imports (combining several files into one survey), tags and summarises.
pub fn load(
    paths: &[PathBuf],
    sheet: Option<String>,
    codebook: Codebook,
    progress: &Progress,
) -> Command {
    let options = ImportOptions { sheet };
    let imported = match import::import_files(paths, &options, &progress.step(0.0, 0.4)) {
        Ok(imported) => imported,
        Err(error) => return Command::Failed(error.to_string()),
    };
    let Some(tagging) = tagging::tag_survey(&imported.survey, &codebook, &progress.step(0.4, 0.5))
    else {
        return Command::Failed("opening was cancelled".to_owned());
    };
    // The rest is the summary, which reports no steps of its own.
    progress.step(0.9, 0.1).set_fraction(0.0);
    Command::Loaded(Box::new(Session::new(
        imported.survey,
        imported.report,
        codebook,
        tagging,
    )))
}

/// Re-tags a survey after its roles changed.
pub fn retag(survey: Survey, codebook: &Codebook, progress: &Progress) -> Command {
    match tagging::tag_survey(&survey, codebook, progress) {
        Some(tagging) => Command::Retagged(Box::new((survey, tagging))),
        None => Command::Failed("re-tagging was cancelled".to_owned()),
    }
}

/// Writes the summary workbook.
pub fn export(
    path: PathBuf,
    survey: &Survey,
    codebook: &Codebook,
    tagging: &Tagging,
    summary: &Summary,
) -> Command {
    match export::write_summary_workbook(&path, survey, codebook, tagging, summary) {
        Ok(()) => Command::Exported(path),
        Err(error) => Command::Failed(error.to_string()),
    }
}

/// Asks for a survey file with the system's dialog.
pub fn pick_survey_file() -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title("Open a consultation export")
        .add_filter("Survey exports", &crate::import::SUPPORTED_EXTENSIONS)
        .pick_file()
}

/// Asks where to save the summary with the system's dialog.
pub fn pick_export_file(suggested: &std::path::Path) -> Option<PathBuf> {
    let mut dialog = rfd::FileDialog::new()
        .set_title("Save the summary workbook")
        .add_filter("Excel workbook", &["xlsx"]);
    if let Some(directory) = suggested.parent() {
        dialog = dialog.set_directory(directory);
    }
    if let Some(name) = suggested.file_name() {
        dialog = dialog.set_file_name(name.to_string_lossy());
    }
    dialog.save_file()
}
