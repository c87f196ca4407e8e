//! A project's survey as loaded, with everything derived from it.

use crate::codebook::Codebook;
use crate::import::Imported;
use crate::keys::SurveyKeys;
use crate::tagging::{RuleSet, Tagging};

/// A project's survey with everything derived from it.
#[derive(Debug)]
pub struct Loaded {
    /// The survey read from the project's copies of its sources, with the roles chosen by hand.
    pub imported: Imported,
    /// The project's codebook.
    pub codebook: Codebook,
    /// Its rules, compiled.
    pub rules: RuleSet,
    /// The lasting names of responses and questions.
    pub keys: SurveyKeys,
    /// The rules' tags with the hand coding applied.
    pub tagging: Tagging,
    /// Hand decisions that match no comment or theme any more (a theme deleted, a source
    /// changed).
    pub unmatched_decisions: usize,
}
