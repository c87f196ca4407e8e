//! `consultlens analyse FILE... | PROJECT [--out summary.xlsx] [--report report.html]
//! [--charts DIR] [--csv coded.csv] [--json] [--quiet]`: import (or open the project), tag,
//! summarise, export, with a progress bar on a terminal.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;
use serde::Serialize;

use crate::analysis::charts::{ChartOptions, ChartSources, all_charts};
use crate::analysis::{self, Summary};
use crate::codebook::{Codebook, DEFAULT_CODEBOOK};
use crate::export::{self, Highlights, ReportInputs};
use crate::import::{self, ImportOptions};
use crate::learning::{self, Sentiment};
use crate::model::{CommentRef, Survey};
use crate::progress::Progress;
use crate::project::{self, Project};
use crate::redact::Redactor;
use crate::tagging::{self, Tagging};
use crate::wording::{counted, listed};

use super::inspect::shorten;
use super::progress_bar::ProgressLine;

/// Arguments of `analyse`.
#[derive(Debug, Args)]
pub struct AnalyseArgs {
    /// The survey export(s), or one project (.consultlens). Several files of one consultation are
    /// combined, matching columns by heading, with a Source column saying which file each
    /// response came from.
    #[arg(required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// The worksheet to read (default: the visible worksheet with the most data).
    #[arg(long)]
    pub sheet: Option<String>,
    /// A built-in codebook's name (see `codebook list`) or a codebook file (default:
    /// send-strategy; a project uses its own).
    #[arg(long)]
    pub codebook: Option<String>,
    /// Where to write the summary workbook (.xlsx).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Where to write the report (.html): one self-contained file with the charts and quotes,
    /// ready to publish or print to PDF.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// A folder to save every chart in, as PNG (2000 px wide, for slides) and SVG.
    #[arg(long)]
    pub charts: Option<PathBuf>,
    /// Where to write the coded responses as CSV (UTF-8 for Excel; one row per response, a
    /// column per theme).
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Write comments as they are, for internal use: email addresses, phone numbers, postcodes
    /// and respondents' names are otherwise masked in every file written.
    #[arg(long)]
    pub unredacted: bool,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Print nothing but errors (and the JSON, if asked for): no table, warnings or progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The JSON shape scripts rely on.
#[derive(Serialize)]
struct AnalysisJson<'a> {
    responses: usize,
    comments: usize,
    respondents_commenting: usize,
    themes: Vec<ThemeJson<'a>>,
}

#[derive(Serialize)]
struct ThemeJson<'a> {
    id: &'a str,
    name: &'a str,
    comments: usize,
    respondents: usize,
    percent: f64,
}

/// Runs the subcommand.
pub fn run(args: &AnalyseArgs, out: &mut dyn Write) -> Result<()> {
    let started = Instant::now();
    let progress = Progress::new();
    let bar = ProgressLine::start(&progress, args.quiet);
    let analysed = analyse(args, &progress, bar.as_ref());
    // The bar is gone before anything else is printed.
    if let Some(bar) = bar {
        bar.finish();
    }
    let (summary, codebook) = analysed?;
    if args.json {
        print_json(&summary, &codebook, out)?;
    } else if !args.quiet {
        print_table(&summary, &codebook, out)?;
    }
    let written: Vec<String> = [&args.out, &args.report, &args.charts, &args.csv]
        .into_iter()
        .flatten()
        .map(|destination| destination.display().to_string())
        .collect();
    if !written.is_empty() && !args.json && !args.quiet {
        writeln!(out)?;
        writeln!(
            out,
            "wrote {} in {:.2} s",
            listed(&written),
            started.elapsed().as_secs_f64()
        )?;
    }
    Ok(())
}

/// Reads, tags, counts and writes the files asked for, moving `progress` along; the files are
/// written before anything is printed, so a reader that stops early (`| head`) cannot stop them
/// being written.
fn analyse(
    args: &AnalyseArgs,
    progress: &Progress,
    bar: Option<&ProgressLine>,
) -> Result<(Summary, Codebook)> {
    let stage = |message: String| {
        if let Some(bar) = bar {
            bar.stage(message);
        }
    };
    stage(format!("reading {}", shown_names(&args.files)));
    let (survey, codebook, tagging, highlights, by_hand) = match args.files.as_slice() {
        [only] if project::looks_like_project(only) => {
            if args.codebook.is_some() || args.sheet.is_some() {
                bail!(
                    "a project keeps its own codebook and worksheet choices; leave out --codebook and --sheet: {}",
                    only.display()
                );
            }
            let project = Project::open(only)?;
            let loaded = project.load(&progress.step(0.0, 0.6))?;
            let highlights = project.highlights(&loaded.keys);
            let by_hand = project.sentiments_by_hand(&loaded.keys);
            (
                loaded.imported.survey,
                loaded.codebook,
                loaded.tagging,
                highlights,
                by_hand,
            )
        }
        files if files.iter().any(|file| project::looks_like_project(file)) => {
            bail!(
                "analyse one project on its own, or survey files; not a project with other files"
            );
        }
        files => {
            let codebook = Codebook::load(args.codebook.as_deref().unwrap_or(DEFAULT_CODEBOOK))?;
            let imported = import::import_files(
                files,
                &ImportOptions {
                    sheet: args.sheet.clone(),
                },
                &progress.step(0.0, 0.4),
            )?;
            if !args.quiet {
                for warning in &imported.report.warnings {
                    let warn = || eprintln!("warning: {warning}");
                    match bar {
                        Some(bar) => bar.suspend(warn),
                        None => warn(),
                    }
                }
            }
            stage("tagging the comments".to_owned());
            let tagging =
                tagging::tag_survey(&imported.survey, &codebook, &progress.step(0.4, 0.2))
                    .context("tagging was cancelled")?;
            (
                imported.survey,
                codebook,
                tagging,
                Highlights::default(),
                HashMap::new(),
            )
        }
    };
    let summary = analysis::summarise(&survey, &codebook, &tagging);
    let redactor = (!args.unredacted).then(|| Redactor::new(&survey));
    progress.set_fraction(0.6);
    if let Some(destination) = &args.out {
        stage(format!("writing {}", destination.display()));
        export::write_summary_workbook(
            destination,
            &survey,
            &codebook,
            &tagging,
            &summary,
            &highlights,
            redactor.as_ref(),
        )?;
    }
    progress.set_fraction(0.75);
    if args.report.is_some() || args.charts.is_some() {
        stage("drawing the charts".to_owned());
        let set_by_hand = by_hand.len();
        let sentiments = read_sentiments(&survey, &tagging, by_hand, progress)?;
        let sentiment_of = |comment: CommentRef| sentiments.get(&comment).copied();
        let charts = all_charts(&ChartSources {
            survey: &survey,
            codebook: &codebook,
            tagging: &tagging,
            summary: &summary,
            sentiment_of: Some(&sentiment_of),
            options: ChartOptions::default(),
            selection: None,
        });
        if let Some(directory) = &args.charts {
            export::chart_image::write_chart_images(directory, &charts)?;
        }
        if let Some(destination) = &args.report {
            stage(format!("writing {}", destination.display()));
            export::write_report(
                destination,
                &ReportInputs {
                    survey: &survey,
                    codebook: &codebook,
                    tagging: &tagging,
                    summary: &summary,
                    highlights: &highlights,
                    charts: &charts,
                    redactor: redactor.as_ref(),
                    sentiments_set_by_hand: set_by_hand,
                },
            )?;
        }
    }
    progress.set_fraction(0.9);
    if let Some(destination) = &args.csv {
        stage(format!("writing {}", destination.display()));
        export::write_coded_csv(destination, &survey, &codebook, &tagging, redactor.as_ref())?;
    }
    progress.set_fraction(1.0);
    Ok((summary, codebook))
}

/// Each comment's sentiment: set by hand where a person set it, else read from its words.
fn read_sentiments(
    survey: &Survey,
    tagging: &Tagging,
    mut by_hand: HashMap<CommentRef, Sentiment>,
    progress: &Progress,
) -> Result<HashMap<CommentRef, Sentiment>> {
    let unread: Vec<CommentRef> = tagging
        .comments
        .iter()
        .copied()
        .filter(|comment| !by_hand.contains_key(comment))
        .collect();
    let read = learning::read_sentiments(survey, &unread, &progress.step(0.75, 0.1))
        .context("reading sentiment was cancelled")?;
    by_hand.extend(unread.into_iter().zip(read));
    Ok(by_hand)
}

/// "responses.csv", or "responses.csv and 2 more".
fn shown_names(files: &[PathBuf]) -> String {
    let first = files
        .first()
        .map(|file| crate::files::display_name(file))
        .unwrap_or_default();
    match files.len() {
        0 | 1 => first,
        count => format!("{first} and {} more", count - 1),
    }
}

fn print_json(summary: &Summary, codebook: &Codebook, out: &mut dyn Write) -> Result<()> {
    let json = AnalysisJson {
        responses: summary.responses,
        comments: summary.comments,
        respondents_commenting: summary.respondents_with_comments,
        themes: summary
            .themes
            .iter()
            .map(|theme| ThemeJson {
                id: codebook
                    .theme(theme.theme)
                    .map_or("", |found| found.key.as_str()),
                name: &theme.name,
                comments: theme.comments,
                respondents: theme.respondents,
                percent: theme.percent_of_respondents,
            })
            .collect(),
    };
    writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
    Ok(())
}

fn print_table(summary: &Summary, codebook: &Codebook, out: &mut dyn Write) -> Result<()> {
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
    Ok(())
}
