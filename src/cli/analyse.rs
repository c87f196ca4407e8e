//! `consultlens analyse FILE --out summary.xlsx`: import, tag, summarise, export.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;

use crate::analysis;
use crate::codebook::{Codebook, DEFAULT_CODEBOOK};
use crate::export;
use crate::import::{self, ImportOptions};
use crate::progress::Progress;
use crate::tagging;
use crate::wording::counted;

use super::inspect::shorten;

/// Arguments of `analyse`.
#[derive(Debug, Args)]
pub struct AnalyseArgs {
    /// The survey export(s); several files of one consultation are combined, matching columns by
    /// heading, with a Source column saying which file each response came from.
    #[arg(required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// The worksheet to read (default: the visible worksheet with the most data).
    #[arg(long)]
    pub sheet: Option<String>,
    /// A built-in codebook's name (see `codebook list`) or a codebook file.
    #[arg(long, default_value = DEFAULT_CODEBOOK)]
    pub codebook: String,
    /// Where to write the summary workbook (.xlsx).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs the subcommand.
pub fn run(args: &AnalyseArgs, out: &mut dyn Write) -> Result<()> {
    let started = Instant::now();
    let codebook = Codebook::load(&args.codebook)?;
    let progress = Progress::new();
    let imported = import::import_files(
        &args.files,
        &ImportOptions {
            sheet: args.sheet.clone(),
        },
        &progress,
    )?;
    for warning in &imported.report.warnings {
        eprintln!("warning: {warning}");
    }
    let survey = imported.survey;
    let tagging =
        tagging::tag_survey(&survey, &codebook, &progress).context("tagging was cancelled")?;
    let summary = analysis::summarise(&survey, &codebook, &tagging);
    // The workbook is written before anything is printed, so a reader that stops early
    // (`| head`) cannot stop it being written.
    if let Some(destination) = &args.out {
        export::write_summary_workbook(destination, &survey, &codebook, &tagging, &summary)?;
    }

    writeln!(
        out,
        "{}, {} from {}; codebook \"{}\"",
        counted(summary.responses, "response"),
        counted(summary.comments, "comment"),
        counted(summary.respondents_with_comments, "respondent"),
        codebook.name
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<44} {:>11} {:>8} {:>9}",
        "theme", "respondents", "%", "comments"
    )?;
    for theme in summary.themes.iter().filter(|theme| theme.respondents > 0) {
        writeln!(
            out,
            "{:<44} {:>11} {:>7.1}% {:>9}",
            shorten(&theme.name, 44),
            theme.respondents,
            theme.percent_of_respondents,
            theme.comments
        )?;
    }
    writeln!(
        out,
        "{:<44} {:>11} {:>8} {:>9}",
        "(no theme)", "", "", summary.untagged_comments
    )?;
    if let Some(destination) = &args.out {
        writeln!(out)?;
        writeln!(
            out,
            "wrote {} in {:.2} s",
            destination.display(),
            started.elapsed().as_secs_f64()
        )?;
    }
    Ok(())
}
