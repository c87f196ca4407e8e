//! `consultlens inspect FILE`: what the importer makes of a file.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;

use crate::import::{self, ImportOptions, Imported};
use crate::progress::Progress;

/// Arguments of `inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The survey export.
    pub file: PathBuf,
    /// The worksheet to read (default: the visible worksheet with the most data).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// The JSON shape scripts rely on.
#[derive(Serialize)]
struct InspectJson {
    file: String,
    sheet: Option<String>,
    header_rows: Option<[usize; 2]>,
    responses: usize,
    platform: Option<String>,
    columns: Vec<ColumnJson>,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct ColumnJson {
    index: Option<usize>,
    name: String,
    role: &'static str,
    filled: usize,
    reason: String,
}

/// Runs the subcommand.
pub fn run(args: &InspectArgs, out: &mut dyn Write) -> Result<()> {
    let options = ImportOptions {
        sheet: args.sheet.clone(),
    };
    let Imported { survey, report } = import::import_file(&args.file, &options, &Progress::new())?;
    let source = survey
        .first_source()
        .context("the import gave no source file")?;
    let inspected = InspectJson {
        file: args.file.display().to_string(),
        sheet: source.sheet.clone(),
        header_rows: source.header_rows.map(|(first, last)| [first, last]),
        responses: survey.response_count(),
        platform: report.platform.map(|platform| platform.to_string()),
        columns: survey
            .columns
            .iter()
            .map(|column| ColumnJson {
                index: column.source_index,
                name: column.name.clone(),
                role: column.role.key(),
                filled: column.filled(),
                reason: column.role_reason.clone(),
            })
            .collect(),
        warnings: report.warnings.iter().map(ToString::to_string).collect(),
    };
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&inspected)?)?;
        return Ok(());
    }
    writeln!(out, "File:        {}", inspected.file)?;
    if let Some(sheet) = &inspected.sheet {
        writeln!(out, "Sheet:       {sheet}")?;
    }
    writeln!(out, "Header:      {}", source.header_description())?;
    writeln!(out, "Responses:   {}", inspected.responses)?;
    if let Some(platform) = &inspected.platform {
        writeln!(out, "Layout:      {platform}")?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:>4}  {:<44} {:<13} {:>6}  why",
        "col", "name", "role", "filled"
    )?;
    for column in &inspected.columns {
        writeln!(
            out,
            "{:>4}  {:<44} {:<13} {:>6}  {}",
            column.index.map(import::column_letters).unwrap_or_default(),
            shorten(&column.name, 44),
            column.role,
            column.filled,
            column.reason
        )?;
    }
    if !inspected.warnings.is_empty() {
        writeln!(out)?;
        for warning in &inspected.warnings {
            writeln!(out, "warning: {warning}")?;
        }
    }
    Ok(())
}

/// Cuts long question texts to fit a terminal column.
pub fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(max_chars.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}
