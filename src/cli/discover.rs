//! `consultlens discover`: what the comments say that the codebook does not cover, as groups of
//! like comments with their key terms and typical examples.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use super::columns::column_named;
use crate::codebook::{Codebook, DEFAULT_CODEBOOK};
use crate::import::{self, ImportOptions};
use crate::keys::SurveyKeys;
use crate::learning::{DEFAULT_GROUPS, DISCOVERY_SEED, discover};
use crate::model::CommentRef;
use crate::progress::Progress;
use crate::tagging::tag_survey;

/// `discover` arguments.
#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// The survey export.
    pub file: PathBuf,
    /// Group every comment of this question, not only those no theme covers.
    #[arg(long)]
    pub column: Option<String>,
    /// How many groups to make at most (default 8).
    #[arg(long, default_value_t = DEFAULT_GROUPS)]
    pub groups: usize,
    /// The codebook whose themes count as covered (a built-in name or a file; default
    /// send-strategy).
    #[arg(long, conflicts_with = "column")]
    pub codebook: Option<String>,
    /// Print one JSON object instead of the groups as text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct DiscoveryJson {
    groups: Vec<GroupJson>,
}

#[derive(Serialize)]
struct GroupJson {
    key_terms: Vec<String>,
    size: usize,
    examples: Vec<String>,
    /// The keys of the responses the group's comments come from, as Coded responses shows them.
    members: Vec<String>,
}

/// Runs the subcommand.
pub fn run(args: &DiscoverArgs, out: &mut dyn Write) -> Result<()> {
    let survey =
        import::import_file(&args.file, &ImportOptions::default(), &Progress::new())?.survey;
    let comments: Vec<CommentRef> = match &args.column {
        Some(name) => {
            let column = column_named(&survey, name, &args.file)?;
            survey
                .comments()
                .into_iter()
                .filter(|comment| comment.column == column)
                .collect()
        }
        None => {
            let codebook = Codebook::load(args.codebook.as_deref().unwrap_or(DEFAULT_CODEBOOK))?;
            let tagging = tag_survey(&survey, &codebook, &Progress::new())
                .ok_or_else(|| anyhow::anyhow!("tagging was cancelled"))?;
            tagging
                .iter()
                .filter(|(_, tags)| tags.is_empty())
                .map(|(comment, _)| comment)
                .collect()
        }
    };
    let texts: Vec<&str> = comments
        .iter()
        .map(|&comment| survey.comment_text(comment).unwrap_or_default())
        .collect();
    let keys = SurveyKeys::new(&survey);
    let groups = discover(&texts, args.groups, DISCOVERY_SEED)
        .into_iter()
        .map(|group| {
            let mut members: Vec<String> = Vec::new();
            for &member in &group.members {
                let key = keys.response(comments[member].response).to_owned();
                if !members.contains(&key) {
                    members.push(key);
                }
            }
            GroupJson {
                key_terms: group.key_terms,
                size: group.members.len(),
                examples: group
                    .examples
                    .iter()
                    .map(|&example| texts[example].to_owned())
                    .collect(),
                members,
            }
        })
        .collect();
    let discovery = DiscoveryJson { groups };
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &discovery)?;
        writeln!(out)?;
        return Ok(());
    }
    if discovery.groups.is_empty() {
        writeln!(out, "No comments to group.")?;
    }
    for (number, group) in discovery.groups.iter().enumerate() {
        writeln!(
            out,
            "Group {} — {} comments — {}",
            number + 1,
            crate::wording::grouped(group.size),
            group.key_terms.join(", ")
        )?;
        for example in &group.examples {
            let shown: String = example.chars().take(160).collect();
            writeln!(out, "  “{shown}”")?;
        }
        writeln!(out)?;
    }
    Ok(())
}
