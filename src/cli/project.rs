//! `consultlens project new|show|code|undo|redo`: projects from the command line.

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

fn show(project: &Project, json: bool, out: &mut dyn Write) -> Result<()> {
    let loaded = project.load(&Progress::new())?;
    let decisions = project.decisions();
    let (added, removed) = decisions.hand_coding_counts();
    let shown = ShowJson {
        project: project.path().display().to_string(),
        sources: project
            .sources()
            .iter()
            .zip(project.source_statuses())
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
