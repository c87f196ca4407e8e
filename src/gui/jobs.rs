//! Work that must not block the frame: import, tagging, summary, export and file choosers, each
//! on a named thread that reports back with a [`Command`].

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

use super::state::{Command, CommentSentiments, RetagBasis, Retagged, Session};
use crate::analysis::charts::{Chart, ChartOptions, ChartSources, all_charts};
use crate::analysis::{Summary, summarise};
use crate::codebook::Codebook;
use crate::codebook::ThemeId;
use crate::export;
use crate::files::display_name;
use crate::import::{self, ImportError, ImportOptions};
use crate::keys::SurveyKeys;
use crate::model::{CommentRef, RoleChoices, Survey};
use crate::progress::Progress;
use crate::project::{self, Decision, Project, ProjectError};
use crate::tagging::{self, Coding, RuleSet, Tagging};
use crate::wording::counted;

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

/// Where a session comes from.
#[derive(Debug)]
pub enum LoadSource {
    /// Survey exports opened to look at, combined into one survey.
    Files {
        /// The files.
        paths: Vec<PathBuf>,
        /// The worksheet to read.
        sheet: Option<String>,
        /// The themes to tag with.
        codebook: Codebook,
        /// Column roles the user chose before, given again to the files read.
        role_choices: RoleChoices,
    },
    /// A project file.
    Project(PathBuf),
    /// Another survey export added to a project, which is then opened again.
    AddToProject {
        /// The project file.
        project: PathBuf,
        /// The export to add.
        file: PathBuf,
    },
    /// A project's source read from another file (its new place, or a newer copy), and the
    /// project opened again.
    UpdateSource {
        /// The project file.
        project: PathBuf,
        /// The source's position.
        position: usize,
        /// The file.
        file: PathBuf,
    },
    /// Survey exports saved as a new project, which is then opened.
    NewProject {
        /// The project file to make.
        path: PathBuf,
        /// The files.
        files: Vec<PathBuf>,
        /// The worksheet to read.
        sheet: Option<String>,
        /// The themes to tag with.
        codebook: Codebook,
        /// Column roles (and the respondent group) the user chose before saving, kept as the
        /// project's first decisions.
        role_choices: RoleChoices,
    },
}

/// What a load is asked to open, for which request.
#[derive(Debug)]
pub struct LoadRequest {
    /// Where from.
    pub source: LoadSource,
    /// The request this answers.
    pub generation: u64,
}

/// Imports (combining several files into one survey) or opens a project, tags and summarises.
pub fn load(request: LoadRequest, progress: &Progress) -> Command {
    let generation = request.generation;
    match request.source {
        LoadSource::Files {
            paths,
            sheet,
            codebook,
            role_choices,
        } => load_files(paths, sheet, codebook, role_choices, generation, progress),
        LoadSource::Project(path) => load_project(&path, generation, progress),
        LoadSource::AddToProject { project, file } => {
            let added = Project::open(&project)
                .and_then(|mut opened| opened.add_source(&file, &progress.step(0.0, 0.3)));
            match added {
                Ok(()) => with_messages(
                    load_project(&project, generation, &progress.step(0.3, 0.7)),
                    vec![format!(
                        "Added {} to the project; Undo takes it out again.",
                        display_name(&file)
                    )],
                ),
                Err(error) => Command::Failed(error.to_string()),
            }
        }
        LoadSource::UpdateSource {
            project,
            position,
            file,
        } => match update_source(&project, position, &file, &progress.step(0.0, 0.3)) {
            Ok(messages) => with_messages(
                load_project(&project, generation, &progress.step(0.3, 0.7)),
                messages,
            ),
            Err(error) => Command::Failed(error.to_string()),
        },
        LoadSource::NewProject {
            path,
            files,
            sheet,
            codebook,
            role_choices,
        } => {
            let made = Project::create(&path, &files, sheet.as_deref(), &codebook, progress)
                .and_then(|mut project| {
                    let mut roles: Vec<Decision> = role_choices
                        .iter()
                        .map(|(question, role)| Decision::Role {
                            question: question.to_owned(),
                            role,
                        })
                        .collect();
                    if let Some(question) = role_choices.respondent_group() {
                        roles.push(Decision::RespondentGroup {
                            question: Some(question.to_owned()),
                        });
                    }
                    if roles.is_empty() {
                        Ok(())
                    } else {
                        project.decide("kept the column roles chosen before saving", roles)
                    }
                });
            match made {
                Ok(()) => load_project(&path, generation, progress),
                Err(error) => Command::Failed(error.to_string()),
            }
        }
    }
}

/// How many comments whose text changed at a re-import are listed in the messages.
const LISTED_CHANGES: usize = 10;

/// Relinks a moved source file or re-imports a changed one; returns what to tell.
fn update_source(
    project: &Path,
    position: usize,
    file: &Path,
    progress: &Progress,
) -> Result<Vec<String>, ProjectError> {
    let mut opened = Project::open(project)?;
    let name = display_name(file);
    if opened.is_same_file(position, file)? {
        opened.relink(position, file)?;
        return Ok(vec![format!(
            "Found {name} at {}; its contents are the same.",
            file.display()
        )]);
    }
    let changes = opened.reimport(position, file, progress)?;
    let mut messages = vec![format!(
        "Re-imported {name}: {} changed, {} new, {} gone. Hand coding stays with each comment; Undo goes back to the old copy.",
        crate::wording::counted(changes.changed.len(), "comment"),
        changes.new_comments,
        changes.gone_comments
    )];
    messages.extend(changes.changed.iter().take(LISTED_CHANGES).map(|change| {
        format!(
            "Changed at re-import, response {}: \"{}\" is now \"{}\"",
            change.key.response, change.before, change.after
        )
    }));
    if changes.changed.len() > LISTED_CHANGES {
        messages.push(format!(
            "… and {} more changed comments.",
            changes.changed.len() - LISTED_CHANGES
        ));
    }
    Ok(messages)
}

/// A project opened again, with messages to show first; a failure stays as it is.
fn with_messages(loaded: Command, messages: Vec<String>) -> Command {
    match loaded {
        Command::Loaded(session) => Command::SourcesChanged(session, messages),
        other => other,
    }
}

fn load_files(
    paths: Vec<PathBuf>,
    sheet: Option<String>,
    codebook: Codebook,
    role_choices: RoleChoices,
    generation: u64,
    progress: &Progress,
) -> Command {
    let options = ImportOptions { sheet };
    let mut imported = match import::import_files(&paths, &options, &progress.step(0.0, 0.4)) {
        Ok(imported) => imported,
        Err(ImportError::Cancelled { path }) => {
            return Command::Cancelled(format!("opening {}", display_name(&path)));
        }
        Err(error) => return Command::Failed(error.to_string()),
    };
    // Keys come from the survey as read, as a project's do.
    let keys = SurveyKeys::new(&imported.survey);
    role_choices.apply_to(&mut imported.survey);
    let rules = RuleSet::new(&codebook);
    let Some(tagging) =
        tagging::tag_survey_with(&imported.survey, &rules, &progress.step(0.4, 0.5))
    else {
        return Command::Cancelled("opening the files".to_owned());
    };
    let summary = summarise(&imported.survey, &codebook, &tagging);
    progress.set_fraction(1.0);
    Command::Loaded(Box::new(Session {
        keys: keys.ready_to_find(),
        survey: Arc::new(imported.survey),
        report: imported.report,
        codebook,
        tagging: Arc::new(tagging),
        summary,
        role_choices,
        generation,
        rules,
        project: None,
        index: None,
        sources: Vec::new(),
        learning: super::state::Learning::default(),
        sentiments: CommentSentiments::default(),
        discovery: super::state::Discovery::default(),
    }))
}

fn load_project(path: &Path, generation: u64, progress: &Progress) -> Command {
    let opened = Project::open(path).and_then(|project| {
        let loaded = project.load(progress)?;
        Ok((project, loaded))
    });
    let (project, loaded) = match opened {
        Ok(opened) => opened,
        Err(ProjectError::Cancelled { .. }) => {
            return Command::Cancelled(format!("opening {}", display_name(path)));
        }
        Err(error) => return Command::Failed(error.to_string()),
    };
    let summary = summarise(&loaded.imported.survey, &loaded.codebook, &loaded.tagging);
    let sources = match project.sources_in_force() {
        Ok(in_force) => in_force
            .into_iter()
            .map(|(position, record)| {
                let status = project::status_of(&record);
                (position, record, status)
            })
            .collect(),
        Err(error) => return Command::Failed(error.to_string()),
    };
    progress.set_fraction(1.0);
    Command::Loaded(Box::new(Session {
        sources,
        rules: loaded.rules,
        role_choices: project.decisions().role_choices(),
        survey: Arc::new(loaded.imported.survey),
        report: loaded.imported.report,
        codebook: loaded.codebook,
        tagging: Arc::new(loaded.tagging),
        summary,
        generation,
        keys: loaded.keys.ready_to_find(),
        project: Some(project),
        index: None,
        learning: super::state::Learning::default(),
        sentiments: CommentSentiments::default(),
        discovery: super::state::Discovery::default(),
    }))
}

/// Re-tags and summarises a survey after its roles or codebook changed, with the hand coding
/// in force put back over the rules.
pub fn retag(
    survey: Arc<Survey>,
    codebook: Codebook,
    hand_coding: &[(CommentRef, ThemeId, Coding)],
    basis: RetagBasis,
    progress: &Progress,
) -> Command {
    let rules = RuleSet::new(&codebook);
    match tagging::tag_survey_with(&survey, &rules, progress) {
        Some(mut tagging) => {
            tagging.apply_hand_coding(hand_coding);
            let summary = summarise(&survey, &codebook, &tagging);
            Command::Retagged(Box::new(Retagged {
                basis,
                survey,
                codebook,
                rules,
                tagging,
                summary,
            }))
        }
        None => Command::Cancelled("re-tagging the comments".to_owned()),
    }
}

/// A copy of what the summary workbook is made from, for the thread that writes it.
#[derive(Debug)]
pub struct ExportedSession {
    /// The responses.
    pub survey: Arc<Survey>,
    /// The themes.
    pub codebook: Codebook,
    /// The themes of each comment.
    pub tagging: Arc<Tagging>,
    /// The counts.
    pub summary: Summary,
    /// Quotes and notes.
    pub highlights: export::Highlights,
    /// Whether personal data in the comments is masked.
    pub mask_personal_data: bool,
    /// Each comment's sentiment, once read.
    pub sentiments: CommentSentiments,
}

impl ExportedSession {
    fn redactor(&self) -> Option<crate::redact::Redactor> {
        self.mask_personal_data
            .then(|| crate::redact::Redactor::new(&self.survey))
    }

    fn charts(&self) -> Vec<Chart> {
        let sentiment_of = |comment: CommentRef| self.sentiments.sentiment(comment);
        all_charts(&ChartSources {
            survey: &self.survey,
            codebook: &self.codebook,
            tagging: &self.tagging,
            summary: &self.summary,
            sentiment_of: (!self.sentiments.read.is_empty()).then_some(&sentiment_of),
            options: ChartOptions::default(),
            selection: None,
        })
    }
}

/// Writes the HTML report, quotes masked unless asked not to.
pub fn write_report(path: PathBuf, session: &ExportedSession) -> Command {
    let charts = session.charts();
    let redactor = session.redactor();
    let written = export::write_report(
        &path,
        &export::ReportInputs {
            survey: &session.survey,
            codebook: &session.codebook,
            tagging: &session.tagging,
            summary: &session.summary,
            highlights: &session.highlights,
            charts: &charts,
            redactor: redactor.as_ref(),
            sentiments_set_by_hand: session.sentiments.set.len(),
        },
    );
    match written {
        Ok(()) => Command::Exported(format!("Saved the report to {}", path.display())),
        Err(error) => Command::Failed(error.to_string()),
    }
}

/// Saves every chart as PNG and SVG in `folder`.
pub fn save_chart_images(folder: PathBuf, session: &ExportedSession) -> Command {
    match export::chart_image::write_chart_images(&folder, &session.charts()) {
        Ok(written) => Command::Exported(format!(
            "Saved {} (PNG and SVG) in {}",
            counted(written.len() / 2, "chart"),
            folder.display()
        )),
        Err(error) => Command::Failed(error.to_string()),
    }
}

/// Writes the summary workbook, personal data in the comments masked unless asked not to.
pub fn export(path: PathBuf, session: &ExportedSession) -> Command {
    let redactor = session.redactor();
    match export::write_summary_workbook(
        &path,
        &session.survey,
        &session.codebook,
        &session.tagging,
        &session.summary,
        &session.highlights,
        redactor.as_ref(),
    ) {
        Ok(()) => Command::Exported(format!("Saved the summary workbook to {}", path.display())),
        Err(error) => Command::Failed(error.to_string()),
    }
}
