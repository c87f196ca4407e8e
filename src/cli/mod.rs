//! The command line: the same engine as the window, for scripts and checks.

mod analyse;
mod codebook;
mod columns;
mod discover;
mod evaluate;
mod inspect;
mod progress_bar;
mod project;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Offline analysis of consultation survey spreadsheets.
///
/// With no arguments, opens the window on the bundled sample consultation; with a FILE, opens that.
#[derive(Debug, Parser)]
#[command(name = "consultlens", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do; none opens the window.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A survey export to open in the window (.xlsx .xlsm .xlsb .xls .ods .csv .tsv).
    pub file: Option<PathBuf>,
    /// The worksheet to read from FILE.
    #[arg(long)]
    pub sheet: Option<String>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show how a file is read: sheet, header rows, responses and each column's role.
    Inspect(inspect::InspectArgs),
    /// Tag the comments with a codebook, print the top themes and write the summary workbook.
    Analyse(analyse::AnalyseArgs),
    /// List, show or export the built-in codebooks.
    Codebook(codebook::CodebookArgs),
    /// Make, show and change projects: the sources, codebook and hand coding of one analysis.
    Project(project::ProjectArgs),
    /// Measure the learned suggestions, a codebook's rules or sentiment against people's labels,
    /// or two people's labels against each other.
    Evaluate(evaluate::EvaluateArgs),
    /// Group the comments no theme covers (or every comment of one question) by what they say.
    Discover(discover::DiscoverArgs),
}

/// Runs a subcommand; errors print once to stderr, with a non-zero exit code.
pub fn run(command: Command) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let outcome = match command {
        Command::Inspect(args) => inspect::run(&args, &mut out),
        Command::Analyse(args) => analyse::run(&args, &mut out),
        Command::Codebook(args) => codebook::run(&args, &mut out),
        Command::Project(args) => project::run(&args, &mut out),
        Command::Evaluate(args) => evaluate::run(&args, &mut out),
        Command::Discover(args) => discover::run(&args, &mut out),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // The reader stopped early (`| head`): not our failure.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", one_sentence(&error));
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<std::io::Error>()
        .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

/// The error and its causes in one line, without repeating a cause its parent already quotes.
fn one_sentence(error: &anyhow::Error) -> String {
    let mut sentence = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if sentence.contains(&text) {
            continue;
        }
        if !sentence.is_empty() {
            sentence.push_str(": ");
        }
        sentence.push_str(&text);
    }
    sentence
}
