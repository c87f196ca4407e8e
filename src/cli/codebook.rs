//! `consultlens codebook list|show|export`.

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
pub fn run(args: &CodebookArgs) -> Result<()> {
    match &args.action {
        CodebookAction::List => {
            for (key, _) in BUILT_IN {
                let codebook = Codebook::built_in(key)?;
                println!(
                    "{key:<22} {:<28} {} themes",
                    codebook.name,
                    codebook.themes.len()
                );
            }
        }
        CodebookAction::Show { name } => show(&Codebook::load(name)?),
        CodebookAction::Export { name, out } => {
            let text = Codebook::load(name)?.to_toml()?;
            write_atomically(out, text.as_bytes())
                .with_context(|| format!("could not write {}", out.display()))?;
            println!("wrote {}", out.display());
        }
    }
    Ok(())
}

fn show(codebook: &Codebook) {
    println!("{}", codebook.name);
    if !codebook.description.is_empty() {
        println!("{}", codebook.description);
    }
    for top in codebook.top_level() {
        let Some(theme) = codebook.theme(top) else {
            continue;
        };
        println!();
        print_theme(theme, "");
        for child in codebook.children(top) {
            if let Some(child) = codebook.theme(child) {
                print_theme(child, "  ");
            }
        }
    }
}

fn print_theme(theme: &Theme, indent: &str) {
    println!("{indent}{} [{}]", theme.name, theme.key);
    if !theme.description.is_empty() {
        println!("{indent}    {}", theme.description);
    }
    if !theme.keywords.is_empty() {
        println!("{indent}    keywords: {}", theme.keywords.join(", "));
    }
    if !theme.exclude.is_empty() {
        println!("{indent}    except: {}", theme.exclude.join(", "));
    }
}
