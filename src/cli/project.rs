//! `consultlens project new|show|code|add|reimport|undo|redo`: projects from the command line.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::codebook::{Codebook, DEFAULT_CODEBOOK};
use crate::progress::Progress;
use crate::project::{Decision, Project, read_coding_sheet};
use crate::tagging::Coding;
use crate::wording::counted;

/// Arguments of `project`.
#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// What to do with a project.
    #[command(subcommand)]
    pub action: ProjectAction,
}

/// The project actions.
#[derive(Debug, Subcommand)]
pub enum ProjectAction {
    /// Make a project from survey exports, keeping a copy of each.
    New {
        /// The survey export(s) of one consultation.
        #[arg(required = true, num_args = 1..)]
        files: Vec<PathBuf>,
        /// The worksheet to read (default: the visible worksheet with the most data).
        #[arg(long)]
        sheet: Option<String>,
        /// A built-in codebook's name or a codebook file; the project keeps its own copy.
        #[arg(long, default_value = DEFAULT_CODEBOOK)]
        codebook: String,
        /// The project file to make (.consultlens).
        #[arg(long)]
        out: PathBuf,
    },
    /// Show a project's sources, counts, hand decisions and history.
    Show {
        /// The project.
        project: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Take in hand coding from a spreadsheet (Response, Question, Theme, Action columns), as one
    /// step of the history: all of it or none of it.
    Code {
        /// The project.
        project: PathBuf,
        /// The coding spreadsheet (.csv or .xlsx).
        #[arg(long)]
        import: PathBuf,
    },
    /// Add another export of the consultation (an easy-read version, typed-up paper returns),
    /// keeping a copy of it; earlier coding stays where it is.
    Add {
        /// The project.
        project: PathBuf,
        /// The survey export to add.
        file: PathBuf,
    },
    /// Read a source from a newer copy of its file (or find a moved file), keeping the hand
    /// coding by key and listing the comments whose text changed.
    Reimport {
        /// The project.
        project: PathBuf,
        /// The newer copy of the file.
        file: PathBuf,
        /// Which source, numbered as `project show` lists them (default: the only source, or
        /// the one whose file has this file's name).
        #[arg(long)]
        source: Option<usize>,
    },
    /// Take back the newest step.
    Undo {
        /// The project.
        project: PathBuf,
    },
    /// Put back the step taken back last.
    Redo {
        /// The project.
        project: PathBuf,
    },
}

/// The JSON shape scripts rely on.
#[derive(Serialize)]
struct ShowJson {
    project: String,
    sources: Vec<SourceJson>,
    responses: usize,
    comments: usize,
    themes: usize,
    manual: ManualJson,
    quotes: usize,
    history: Vec<StepJson>,
}

#[derive(Serialize)]
struct SourceJson {
    file: String,
    status: &'static str,
}

#[derive(Serialize)]
struct ManualJson {
    added: usize,
    removed: usize,
}

#[derive(Serialize)]
struct StepJson {
    step: i64,
    at: String,
    user: String,
    what: String,
}

/// Runs the subcommand.
pub fn run(args: &ProjectArgs, out: &mut dyn Write) -> Result<()> {
    match &args.action {
        ProjectAction::New {
            files,
            sheet,
            codebook,
            out: destination,
        } => {
            let codebook = Codebook::load(codebook)?;
            let project = Project::create(
                destination,
                files,
                sheet.as_deref(),
                &codebook,
                &Progress::new(),
            )?;
            writeln!(
                out,
                "made {} from {} with the codebook \"{}\"",
                project.path().display(),
                counted(files.len(), "file"),
                codebook.name
            )?;
        }
        ProjectAction::Show { project, json } => show(&Project::open(project)?, *json, out)?,
        ProjectAction::Code { project, import } => {
            let mut project = Project::open(project)?;
            let loaded = project.load(&Progress::new())?;
            let decisions = read_coding_sheet(import, &loaded)?;
            let added = decisions
                .iter()
                .filter(|decision| {
                    matches!(
                        decision,
                        Decision::Code {
                            coding: Coding::Add,
                            ..
                        }
                    )
                })
                .count();
            let removed = decisions.len() - added;
            let name = crate::files::display_name(import);
            project.decide(&format!("took in the coding of {name}"), decisions)?;
            writeln!(
                out,
                "took in {} from {name}: {added} added, {removed} removed",
                counted(added + removed, "decision")
            )?;
        }
        ProjectAction::Add { project, file } => {
            let mut project = Project::open(project)?;
            project.add_source(file, &Progress::new())?;
            writeln!(
                out,
                "added {} to {}",
                file.display(),
                project.path().display()
            )?;
        }
        ProjectAction::Reimport {
            project,
            file,
            source,
        } => reimport(&mut Project::open(project)?, file, *source, out)?,
        ProjectAction::Undo { project } => {
            let undone = Project::open(project)?.undo()?;
            match undone {
                Some(turned) => writeln!(out, "undid: {}", turned.description)?,
                None => writeln!(out, "there is nothing to undo")?,
            }
        }
        ProjectAction::Redo { project } => {
            let redone = Project::open(project)?.redo()?;
            match redone {
                Some(turned) => writeln!(out, "redid: {}", turned.description)?,
                None => writeln!(out, "there is nothing to redo")?,
            }
        }
    }
    Ok(())
}

/// How many changed comments `project reimport` prints.
const LISTED_CHANGES: usize = 20;

fn reimport(
    project: &mut Project,
    file: &std::path::Path,
    source: Option<usize>,
    out: &mut dyn Write,
) -> Result<()> {
    let sources = project.sources_in_force()?;
    let name = crate::files::display_name(file);
    let position = match source {
        Some(number) => sources
            .get(number.saturating_sub(1))
            .map(|(position, _)| *position)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "the project has {}; --source numbers them from 1: {}",
                    counted(sources.len(), "source"),
                    project.path().display()
                )
            })?,
        None => match sources.as_slice() {
            [(only, _)] => *only,
            several => several
                .iter()
                .find(|(_, record)| crate::files::display_name(&record.path) == name)
                .map(|(position, _)| *position)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "the project has several sources and none is called {name}; say which with --source N (as project show numbers them): {}",
                        project.path().display()
                    )
                })?,
        },
    };
    if project.is_same_file(position, file)? {
        project.relink(position, file)?;
        writeln!(
            out,
            "found {name} at {}: its contents are the same",
            file.display()
        )?;
        return Ok(());
    }
    let changes = project.reimport(position, file, &Progress::new())?;
    writeln!(
        out,
        "re-imported {name}: {} changed, {} new, {} gone; hand coding stays with each comment",
        counted(changes.changed.len(), "comment"),
        changes.new_comments,
        changes.gone_comments
    )?;
    for change in changes.changed.iter().take(LISTED_CHANGES) {
        writeln!(
            out,
            "  response {} ({}): \"{}\" -> \"{}\"",
            change.key.response, change.key.question, change.before, change.after
        )?;
    }
    if changes.changed.len() > LISTED_CHANGES {
        writeln!(out, "  and {} more", changes.changed.len() - LISTED_CHANGES)?;
    }
    Ok(())
}

fn show(project: &Project, json: bool, out: &mut dyn Write) -> Result<()> {
    let loaded = project.load(&Progress::new())?;
    let decisions = project.decisions();
    let (added, removed) = decisions.hand_coding_counts();
    let shown = ShowJson {
        project: project.path().display().to_string(),
        sources: project
            .source_statuses()?
            .iter()
            .map(|(source, status)| SourceJson {
                file: source.path.display().to_string(),
                status: status.key(),
            })
            .collect(),
        responses: loaded.imported.survey.response_count(),
        comments: loaded.tagging.comments.len(),
        themes: loaded.codebook.themes.len(),
        manual: ManualJson { added, removed },
        quotes: decisions.quotes.len(),
        history: project
            .history()
            .iter()
            .map(|step| StepJson {
                step: step.id,
                at: step.at.clone(),
                user: step.user.clone(),
                what: step.description.clone(),
            })
            .collect(),
    };
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&shown)?)?;
        return Ok(());
    }
    writeln!(out, "Project:     {}", shown.project)?;
    for source in &shown.sources {
        writeln!(out, "Source:      {} ({})", source.file, source.status)?;
    }
    writeln!(out, "Codebook:    {}", loaded.codebook.name)?;
    writeln!(
        out,
        "Responses:   {}, {}",
        shown.responses,
        counted(shown.comments, "comment")
    )?;
    writeln!(
        out,
        "By hand:     {} added, {removed} removed; {}",
        counted(added, "theme"),
        counted(shown.quotes, "quote")
    )?;
    if loaded.unmatched_decisions > 0 {
        writeln!(
            out,
            "Unmatched:   {} no longer match a comment or theme",
            counted(loaded.unmatched_decisions, "hand decision")
        )?;
    }
    writeln!(out)?;
    for step in &shown.history {
        writeln!(
            out,
            "{:>4}  {}  {}  {}",
            step.step, step.at, step.user, step.what
        )?;
    }
    Ok(())
}
