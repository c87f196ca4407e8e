//! A theme on a comment: where it came from and the words that show it.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::codebook::ThemeId;

/// A byte range of a comment's text. 32 bits each: a survey holds hundreds of thousands of
/// them, and no cell is 4 GB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// The span of `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        let at = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        Self {
            start: at(start),
            end: at(end),
        }
    }

    /// The bytes it covers, for slicing the comment's text.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The spans of one tag. Most tags have one or two, held in place: a separate allocation for
/// each of a large survey's 700,000 tags doubled the tagging's memory.
pub type Spans = SmallVec<[Span; 2]>;

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

/// One comment's tags, shared: copying a tagging (for work in the background while a person
/// goes on coding) copies no tag. A person's decision makes the comment a new list.
pub type CommentTags = Arc<[Tag]>;

/// One theme on one comment: by the rules, with the words that matched, or by a person, with
/// none. Where it came from is told by its words, not kept beside them: a tag is 32 bytes, not
/// 40, and a large survey holds 700,000.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The theme.
    pub theme: ThemeId,
    /// The text that triggered it, in order; none for a tag a person added.
    spans: Spans,
}

const _: () = assert!(std::mem::size_of::<Tag>() == 32);

impl Tag {
    /// A tag the rules found, shown by these words (at least one).
    pub fn by_rules(theme: ThemeId, spans: Spans) -> Self {
        debug_assert!(
            !spans.is_empty(),
            "a rule's tag shows the words that matched"
        );
        Self { theme, spans }
    }

    /// A tag a person added.
    pub fn by_person(theme: ThemeId) -> Self {
        Self {
            theme,
            spans: Spans::new(),
        }
    }

    /// The text that triggered it, in order; none for a tag a person added.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// Where it came from.
    pub fn origin(&self) -> TagOrigin {
        if self.spans.is_empty() {
            TagOrigin::Person
        } else {
            TagOrigin::Rule
        }
    }
}
