//! A theme on a comment: where it came from and the words that show it.

use serde::{Deserialize, Serialize};

use crate::codebook::ThemeId;
use crate::counts::as_u32;

/// A byte range of a comment's text: where it starts, in 32 bits (no cell is 4 GB), and how
/// long it is, in 16 (the words of one keyword phrase; a longer match is cut at 64 KB). Held as
/// three 16-bit halves, so that a span is 6 bytes: 500,000 responses hold 5.7 million of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The first byte, high half first, so that spans sort by where they start.
    start: [u16; 2],
    length: u16,
}

impl Span {
    /// The span of `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        let start = as_u32(start);
        let [high, low] =
            [start >> 16, start & 0xFFFF].map(|half| u16::try_from(half).unwrap_or(u16::MAX));
        Self {
            start: [high, low],
            length: u16::try_from(end.saturating_sub(start as usize)).unwrap_or(u16::MAX),
        }
    }

    /// The first byte.
    pub fn start(self) -> usize {
        (usize::from(self.start[0]) << 16) | usize::from(self.start[1])
    }

    /// One past the last byte.
    pub fn end(self) -> usize {
        self.start() + usize::from(self.length)
    }

    /// The bytes it covers, for slicing the comment's text.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }
}

const _: () = assert!(std::mem::size_of::<Span>() == 6);

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

/// One theme on one comment, held on its own: by the rules, with the words that matched, or by
/// a person, with none. The tagging's lists hold tags laid more compactly and give them as
/// `TagRef`s; a list a decision or a re-tag changed holds `Tag`s, 24 bytes each: the theme kept
/// inside each form (beside the form's mark, where padding would be), and one or two spans, as
/// most tags have, held in place.
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
    fn a_span_gives_back_its_bytes_and_spans_sort_by_where_they_start() {
        for (start, end) in [
            (0, 0),
            (3, 9),
            (65_530, 65_542),
            (70_000, 70_010),
            (1 << 31, (1 << 31) + 7),
        ] {
            assert_eq!(Span::new(start, end).range(), start..end);
        }
        let mut spans = [
            Span::new(70_000, 70_004),
            Span::new(65_535, 65_540),
            Span::new(4, 9),
            Span::new(4, 6),
        ];
        spans.sort_unstable();
        let ranges: Vec<_> = spans.iter().map(|span| span.range()).collect();
        assert_eq!(ranges, [4..6, 4..9, 65_535..65_540, 70_000..70_004]);
        // A match longer than 64 KB is cut there.
        assert_eq!(Span::new(10, 100_000).range(), 10..65_545);
    }

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
