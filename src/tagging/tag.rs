//! A theme on a comment: where it came from and the words that show it.

use serde::{Deserialize, Serialize};

use crate::codebook::ThemeId;

/// A byte range of a comment's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// Where a tag came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagOrigin {
    /// A keyword rule of the codebook; the tag's spans show the words that matched.
    Rule,
    /// A person coded the comment by hand.
    Person,
}

/// A person's decision about one theme on one comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Coding {
    /// The comment raises the theme (whatever the rules found).
    Add,
    /// The comment does not raise the theme (whatever the rules found).
    Remove,
}

impl Coding {
    /// What answering a suggestion does: accepting adds the theme, rejecting removes it.
    pub fn from_accepted(accepted: bool) -> Self {
        if accepted {
            Coding::Add
        } else {
            Coding::Remove
        }
    }
}

/// One theme on one comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// The theme.
    pub theme: ThemeId,
    /// The text that triggered it, in order; none for a tag a person added.
    pub spans: Vec<Span>,
    /// Where it came from.
    pub origin: TagOrigin,
}
