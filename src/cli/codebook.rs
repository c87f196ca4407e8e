//! `consultlens codebook list|show|export`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

use crate::codebook::{BUILT_IN, Codebook, Theme};
use crate::files::write_atomically;

/// Arguments of `codebook`.
#[derive(Debug, Args)]
pub struct CodebookArgs {
    /// What to do with codebooks.
    #[command(subcommand)]
    pub action: CodebookAction,
}

/// The codebook actions.
#[derive(Debug, Subcommand)]
pub enum CodebookAction {
    /// List the built-in codebooks.
    List,
    /// Show a codebook's themes and rules.
    Show {
        /// A built-in codebook's name or a codebook file.
        name: String,
    },
    /// Save a codebook as an editable TOML file.
    Export {
        /// A built-in codebook's name or a codebook file.
        name: String,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Runs the subcommand.
pub fn run(args: &CodebookArgs, out: &mut dyn Write) -> Result<()> {
    match &args.action {
        CodebookAction::List => {
            for (key, _) in BUILT_IN {
                let codebook = Codebook::built_in(key)?;
                writeln!(
                    out,
                    "{key:<22} {:<28} {} themes",
                    codebook.name,
                    codebook.themes.len()
                )?;
            }
        }
        CodebookAction::Show { name } => show(&Codebook::load(name)?, out)?,
        CodebookAction::Export {
            name,
            out: destination,
        } => {
            let text = Codebook::load(name)?.to_toml()?;
            write_atomically(destination, text.as_bytes())
                .with_context(|| format!("could not write {}", destination.display()))?;
            writeln!(out, "wrote {}", destination.display())?;
        }
    }
    Ok(())
}

fn show(codebook: &Codebook, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{}", codebook.name)?;
    if !codebook.description.is_empty() {
        writeln!(out, "{}", codebook.description)?;
    }
    for top in codebook.top_level() {
        let Some(theme) = codebook.theme(top) else {
            continue;
        };
        writeln!(out)?;
        print_theme(theme, "", out)?;
        for child in codebook.children(top) {
            if let Some(child) = codebook.theme(child) {
                print_theme(child, "  ", out)?;
            }
        }
    }
    Ok(())
}

fn print_theme(theme: &Theme, indent: &str, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{indent}{} [{}]", theme.name, theme.key)?;
    if !theme.description.is_empty() {
        writeln!(out, "{indent}    {}", theme.description)?;
    }
    if !theme.keywords.is_empty() {
        writeln!(out, "{indent}    keywords: {}", theme.keywords.join(", "))?;
    }
    if !theme.exclude.is_empty() {
        writeln!(out, "{indent}    except: {}", theme.exclude.join(", "))?;
    }
    Ok(())
}
