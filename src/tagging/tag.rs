//! A theme on a comment: where it came from and the words that show it.

use serde::{Deserialize, Serialize};

use crate::codebook::ThemeId;
use crate::counts::as_u32;

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
        Self {
            start: as_u32(start),
            end: as_u32(end),
        }
    }

    /// The bytes it covers, for slicing the comment's text.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
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

/// One theme on one comment: by the rules, with the words that matched, or by a person, with
/// none. A large survey holds 700,000, so a tag is 24 bytes: the theme is kept inside each form
/// (beside the form's mark, where padding would be), and one or two spans, as most tags have,
/// are held in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag(Form);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Form {
    ByPerson { theme: u32 },
    OneSpan { theme: u32, spans: [Span; 1] },
    TwoSpans { theme: u32, spans: [Span; 2] },
    MoreSpans { theme: u32, spans: Box<[Span]> },
}

const _: () = assert!(std::mem::size_of::<Tag>() == 24);

impl Tag {
    /// A tag the rules found, shown by these words (at least one), in order.
    pub fn by_rules(theme: ThemeId, spans: impl IntoIterator<Item = Span>) -> Self {
        let theme = as_u32(theme.0);
        let mut spans = spans.into_iter();
        let form = match (spans.next(), spans.next(), spans.next()) {
            (Some(first), None, _) => Form::OneSpan {
                theme,
                spans: [first],
            },
            (Some(first), Some(second), None) => Form::TwoSpans {
                theme,
                spans: [first, second],
            },
            (Some(first), Some(second), Some(third)) => Form::MoreSpans {
                theme,
                spans: [first, second, third].into_iter().chain(spans).collect(),
            },
            (None, ..) => {
                debug_assert!(false, "a rule's tag shows the words that matched");
                Form::ByPerson { theme }
            }
        };
        Self(form)
    }

    /// A tag a person added.
    pub fn by_person(theme: ThemeId) -> Self {
        Self(Form::ByPerson {
            theme: as_u32(theme.0),
        })
    }

    /// The theme.
    pub fn theme(&self) -> ThemeId {
        let (Form::ByPerson { theme }
        | Form::OneSpan { theme, .. }
        | Form::TwoSpans { theme, .. }
        | Form::MoreSpans { theme, .. }) = &self.0;
        ThemeId(*theme as usize)
    }

    /// The text that triggered it, in order; none for a tag a person added.
    pub fn spans(&self) -> &[Span] {
        match &self.0 {
            Form::ByPerson { .. } => &[],
            Form::OneSpan { spans, .. } => spans,
            Form::TwoSpans { spans, .. } => spans,
            Form::MoreSpans { spans, .. } => spans,
        }
    }

    /// Where it came from: a rule's tag always shows words, a person's never.
    pub fn origin(&self) -> TagOrigin {
        match self.0 {
            Form::ByPerson { .. } => TagOrigin::Person,
            _ => TagOrigin::Rule,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_keeps_its_theme_and_every_span_in_order_in_each_form() {
        for count in 1..=5 {
            let spans: Vec<Span> = (0..count)
                .map(|at| Span::new(at * 10, at * 10 + 4))
                .collect();
            let tag = Tag::by_rules(ThemeId(7), spans.iter().copied());
            assert_eq!(tag.theme(), ThemeId(7));
            assert_eq!(tag.spans(), spans);
            assert_eq!(tag.origin(), TagOrigin::Rule);
        }
        let by_hand = Tag::by_person(ThemeId(3));
        assert_eq!(by_hand.theme(), ThemeId(3));
        assert!(by_hand.spans().is_empty());
        assert_eq!(by_hand.origin(), TagOrigin::Person);
    }
}
