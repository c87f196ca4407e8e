//! Work that must not block the frame: import, tagging, summary, export and file choosers, each
//! on a named thread that reports back with a [`Command`].

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};

use super::state::{Command, Retagged, Session};
use crate::analysis::{Summary, summarise};
use crate::codebook::Codebook;
use crate::export;
use crate::files::display_name;
use crate::import::{self, ImportError, ImportOptions};
use crate::model::{RoleChoices, Survey};
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

/// What a load is asked to open.
#[derive(Debug)]
pub struct LoadRequest {
    /// The files, combined into one survey.
    pub paths: Vec<PathBuf>,
    /// The worksheet to read.
    pub sheet: Option<String>,
    /// The themes to tag with.
    pub codebook: Codebook,
    /// Column roles the user chose before, given again to the files read.
    pub role_choices: RoleChoices,
    /// The request this answers.
    pub generation: u64,
}

/// Imports (combining several files into one survey), tags and summarises.
pub fn load(request: LoadRequest, progress: &Progress) -> Command {
    let LoadRequest {
        paths,
        sheet,
        codebook,
        role_choices,
        generation,
    } = request;
    let options = ImportOptions { sheet };
    let mut imported = match import::import_files(&paths, &options, &progress.step(0.0, 0.4)) {
        Ok(imported) => imported,
        Err(ImportError::Cancelled { path }) => {
            return Command::Cancelled(format!("opening {}", display_name(&path)));
        }
        Err(error) => return Command::Failed(error.to_string()),
    };
    role_choices.apply_to(&mut imported.survey);
    let Some(tagging) = tagging::tag_survey(&imported.survey, &codebook, &progress.step(0.4, 0.5))
    else {
        return Command::Cancelled("opening the files".to_owned());
    };
    let summary = summarise(&imported.survey, &codebook, &tagging);
    progress.set_fraction(1.0);
    Command::Loaded(Box::new(Session {
        survey: imported.survey,
        report: imported.report,
        codebook,
        tagging,
        summary,
        role_choices,
        generation,
    }))
}

/// Re-tags and summarises a survey after its roles changed.
pub fn retag(
    survey: Survey,
    codebook: &Codebook,
    (session_generation, generation): (u64, u64),
    progress: &Progress,
) -> Command {
    match tagging::tag_survey(&survey, codebook, progress) {
        Some(tagging) => {
            let summary = summarise(&survey, codebook, &tagging);
            Command::Retagged(Box::new(Retagged {
                session_generation,
                generation,
                survey,
                tagging,
                summary,
            }))
        }
        None => Command::Cancelled("re-tagging the comments".to_owned()),
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
