//! Every comment's tags, held compactly. Tagging the survey lays the lists one after another in
//! a few runs, shared by every copy of the tagging (work in the background holds one); a list
//! changed since, by a person's decision or by tagging one theme again, is held on its own until
//! so many are that the runs are laid again. A list of its own per comment cost 10 MB more at
//! 100,000 responses: an allocation, its counts and a pointer for each of 195,000 comments.
//! Laid lists hold each tag as its theme and where its words end among its block's words: 8
//! bytes and its words', where a [`Tag`] is 24 and puts three words or more in an allocation of
//! their own (at 500,000 responses, 3.6 million tags took 99 MB as tags, 65 MB laid so).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use super::tag::{Span, Tag, TagOrigin};
use crate::codebook::ThemeId;
use crate::counts::as_u32;

/// Comments whose tags are held in one block of a run.
const BLOCK: usize = 1024;

/// A tag as a block holds it: its theme, and where its words end among the block's words; a
/// tag a person added shows none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LaidTag {
    theme: u32,
    spans_end: u32,
}

/// The tags of [`BLOCK`] consecutive comments and the words that show them, each at its exact
/// size: one list for a whole run, grown as it filled, left holes the size of its earlier
/// copies (6 MB at 100,000 responses).
#[derive(Debug, Default)]
struct Block {
    tags: Box<[LaidTag]>,
    spans: Box<[Span]>,
}

/// One tag, read where it is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagRef<'a> {
    theme: ThemeId,
    spans: &'a [Span],
}

impl<'a> TagRef<'a> {
    /// The theme.
    pub fn theme(self) -> ThemeId {
        self.theme
    }

    /// The text that triggered it, in order; none for a tag a person added.
    pub fn spans(self) -> &'a [Span] {
        self.spans
    }

    /// Where it came from: a rule's tag always shows words, a person's never.
    pub fn origin(self) -> TagOrigin {
        if self.spans.is_empty() {
            TagOrigin::Person
        } else {
            TagOrigin::Rule
        }
    }

    /// The tag to hold on its own.
    pub fn to_tag(self) -> Tag {
        match self.origin() {
            TagOrigin::Person => Tag::by_person(self.theme),
            TagOrigin::Rule => Tag::by_rules(self.theme, self.spans.iter().copied()),
        }
    }
}

impl<'a> From<&'a Tag> for TagRef<'a> {
    fn from(tag: &'a Tag) -> Self {
        Self {
            theme: tag.theme(),
            spans: tag.spans(),
        }
    }
}

/// One comment's tags, sorted by theme, read where they are held.
#[derive(Debug, Clone, Copy)]
pub struct TagList<'a>(Held<'a>);

#[derive(Debug, Clone, Copy)]
enum Held<'a> {
    /// Laid in a block: `spans` are all the block's words, and the first tag's start at
    /// `first_span`.
    Laid {
        tags: &'a [LaidTag],
        spans: &'a [Span],
        first_span: u32,
    },
    OnItsOwn(&'a [Tag]),
}

impl<'a> TagList<'a> {
    /// The tags of a list held as tags.
    pub fn of(tags: &'a [Tag]) -> Self {
        Self(Held::OnItsOwn(tags))
    }

    /// How many tags.
    pub fn len(self) -> usize {
        match self.0 {
            Held::Laid { tags, .. } => tags.len(),
            Held::OnItsOwn(tags) => tags.len(),
        }
    }

    /// Whether the comment has no tags.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The tag at `index`.
    pub fn get(self, index: usize) -> Option<TagRef<'a>> {
        match self.0 {
            Held::Laid {
                tags,
                spans,
                first_span,
            } => {
                let tag = tags.get(index)?;
                let start = match index {
                    0 => first_span,
                    _ => tags.get(index - 1)?.spans_end,
                };
                Some(TagRef {
                    theme: ThemeId(tag.theme as usize),
                    spans: spans
                        .get(start as usize..tag.spans_end as usize)
                        .unwrap_or_default(),
                })
            }
            Held::OnItsOwn(tags) => tags.get(index).map(TagRef::from),
        }
    }

    /// The first tag.
    pub fn first(self) -> Option<TagRef<'a>> {
        self.get(0)
    }

    /// The tags in order.
    pub fn iter(self) -> TagIter<'a> {
        self.into_iter()
    }

    /// The tags, to hold on their own.
    pub fn to_vec(self) -> Vec<Tag> {
        self.iter().map(TagRef::to_tag).collect()
    }
}

impl PartialEq for TagList<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<'a> IntoIterator for TagList<'a> {
    type Item = TagRef<'a>;
    type IntoIter = TagIter<'a>;

    fn into_iter(self) -> TagIter<'a> {
        TagIter {
            list: self,
            indices: 0..self.len(),
        }
    }
}

/// The tags of one comment, in order.
#[derive(Debug, Clone)]
pub struct TagIter<'a> {
    list: TagList<'a>,
    indices: Range<usize>,
}

impl<'a> Iterator for TagIter<'a> {
    type Item = TagRef<'a>;

    fn next(&mut self) -> Option<TagRef<'a>> {
        self.indices.next().and_then(|index| self.list.get(index))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.indices.size_hint()
    }
}

impl ExactSizeIterator for TagIter<'_> {}

/// The tags of consecutive comments, one list after another, in blocks of [`BLOCK`] comments'
/// tags.
#[derive(Debug)]
pub(super) struct TagRun {
    /// Comments `BLOCK * b..BLOCK * (b + 1)` of the run have their tags in `blocks[b]`.
    blocks: Vec<Block>,
    /// The block being filled.
    open_tags: Vec<LaidTag>,
    open_spans: Vec<Span>,
    /// Comment `i`'s tags end at `ends[i]` in its block, and start where comment `i - 1`'s
    /// end, or at 0 for the block's first.
    ends: Vec<u32>,
}

impl TagRun {
    /// An empty run with room for this many comments.
    pub(super) fn with_capacity(comments: usize) -> Self {
        Self {
            blocks: Vec::with_capacity(comments.div_ceil(BLOCK)),
            open_tags: Vec::new(),
            open_spans: Vec::new(),
            ends: Vec::with_capacity(comments),
        }
    }

    /// Appends the next comment's tags.
    pub(super) fn push<'a>(&mut self, tags: impl IntoIterator<Item = TagRef<'a>>) {
        for tag in tags {
            self.open_spans.extend_from_slice(tag.spans);
            self.open_tags.push(LaidTag {
                theme: as_u32(tag.theme.0),
                spans_end: as_u32(self.open_spans.len()),
            });
        }
        self.end_comment();
    }

    /// Appends the next comment's tags as the rules found them: each theme with a word that
    /// shows it, sorted by theme, a theme's words in order.
    pub(super) fn push_found(&mut self, found: &[(ThemeId, Span)]) {
        for same_theme in found.chunk_by(|a, b| a.0 == b.0) {
            self.open_spans
                .extend(same_theme.iter().map(|&(_, span)| span));
            self.open_tags.push(LaidTag {
                theme: as_u32(same_theme[0].0.0),
                spans_end: as_u32(self.open_spans.len()),
            });
        }
        self.end_comment();
    }

    fn end_comment(&mut self) {
        self.ends.push(as_u32(self.open_tags.len()));
        if self.ends.len().is_multiple_of(BLOCK) {
            self.close_block();
        }
    }

    /// Makes the block being filled one of exact size.
    fn close_block(&mut self) {
        self.blocks.push(Block {
            tags: std::mem::take(&mut self.open_tags).into_boxed_slice(),
            spans: std::mem::take(&mut self.open_spans).into_boxed_slice(),
        });
    }

    /// How many comments it holds.
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The tags and words of the block holding the comments from `BLOCK * block`.
    fn block(&self, block: usize) -> (&[LaidTag], &[Span]) {
        self.blocks.get(block).map_or(
            (self.open_tags.as_slice(), self.open_spans.as_slice()),
            |block| (&block.tags[..], &block.spans[..]),
        )
    }

    /// The list of tags `start..end` of a block.
    fn list<'a>(tags: &'a [LaidTag], spans: &'a [Span], start: usize, end: usize) -> TagList<'a> {
        let first_span = match start {
            0 => 0,
            _ => tags.get(start - 1).map_or(0, |tag| tag.spans_end),
        };
        TagList(Held::Laid {
            tags: tags.get(start..end).unwrap_or_default(),
            spans,
            first_span,
        })
    }

    /// The tags of its comments at `indices`, in order: walked block by block.
    fn range(&self, indices: Range<usize>) -> impl Iterator<Item = TagList<'_>> {
        let end = indices.end.min(self.len());
        (indices.start / BLOCK..end.div_ceil(BLOCK)).flat_map(move |block| {
            let (tags, spans) = self.block(block);
            let from = indices.start.max(block * BLOCK);
            let to = end.min((block + 1) * BLOCK);
            let mut start = match from % BLOCK {
                0 => 0,
                _ => self.ends.get(from - 1).map_or(0, |&end| end as usize),
            };
            self.ends
                .get(from..to)
                .unwrap_or_default()
                .iter()
                .map(move |&end| {
                    let comment = Self::list(tags, spans, start, end as usize);
                    start = end as usize;
                    comment
                })
        })
    }

    /// The tags of its `index`th comment.
    fn get(&self, index: usize) -> TagList<'_> {
        let start = match index % BLOCK {
            0 => Some(0),
            _ => self.ends.get(index - 1).map(|&end| end as usize),
        };
        match (start, self.ends.get(index)) {
            (Some(start), Some(&end)) => {
                let (tags, spans) = self.block(index / BLOCK);
                Self::list(tags, spans, start, end as usize)
            }
            _ => TagList::of(&[]),
        }
    }
}

/// The tags of comments `0..len`, by position.
#[derive(Debug, Clone, Default)]
pub(super) struct TagLists {
    /// Runs of `run_length` comments each, the last perhaps fewer.
    runs: Arc<Vec<TagRun>>,
    run_length: usize,
    len: usize,
    /// Lists changed since the runs were laid, by position.
    changed: BTreeMap<usize, Arc<[Tag]>>,
    /// Whether each position's list has changed, a bit each: most reads find theirs unchanged
    /// without a search of the tree.
    changed_bits: Vec<u64>,
}

impl TagLists {
    /// The lists of these runs, one after another: every run but the last as long as the first.
    pub(super) fn from_runs(mut runs: Vec<TagRun>) -> Self {
        let run_length = runs.first().map_or(0, TagRun::len);
        debug_assert!(
            runs.iter().rev().skip(1).all(|run| run.len() == run_length),
            "runs are of one length but the last"
        );
        for run in &mut runs {
            if run.blocks.len() * BLOCK < run.len() {
                run.close_block();
            }
        }
        let len = runs.iter().map(TagRun::len).sum();
        Self {
            len,
            runs: Arc::new(runs),
            run_length,
            changed: BTreeMap::new(),
            changed_bits: vec![0; len.div_ceil(64)],
        }
    }

    /// The lists given, one per comment, `count` of them.
    pub(super) fn from_lists<'a>(count: usize, lists: impl Iterator<Item = TagList<'a>>) -> Self {
        let mut run = TagRun::with_capacity(count);
        for tags in lists {
            run.push(tags);
        }
        Self::from_runs(vec![run])
    }

    /// How many comments' lists it holds.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The tags of the comment at `position`; empty beyond the end.
    pub(super) fn get(&self, position: usize) -> TagList<'_> {
        let changed = self
            .changed_bits
            .get(position / 64)
            .is_some_and(|bits| bits & (1 << (position % 64)) != 0);
        match changed.then(|| self.changed.get(&position)).flatten() {
            Some(tags) => TagList::of(tags),
            None => self.laid(position),
        }
    }

    /// The tags at `position` as the runs have them.
    fn laid(&self, position: usize) -> TagList<'_> {
        if self.run_length == 0 {
            return TagList::of(&[]);
        }
        self.runs
            .get(position / self.run_length)
            .map_or(TagList::of(&[]), |run| run.get(position % self.run_length))
    }

    /// The lists of the comments at `positions`, in order.
    pub(super) fn range(&self, positions: Range<usize>) -> impl Iterator<Item = TagList<'_>> {
        let mut changed = self.changed.range(positions.clone()).peekable();
        let positions = positions.start..positions.end.min(self.len);
        positions
            .clone()
            .zip(self.laid_range(positions))
            .map(
                move |(position, laid)| match changed.next_if(|(at, _)| **at == position) {
                    Some((_, tags)) => TagList::of(tags),
                    None => laid,
                },
            )
    }

    /// The lists at `positions` as the runs have them, walked run by run.
    fn laid_range(&self, positions: Range<usize>) -> impl Iterator<Item = TagList<'_>> {
        let length = self.run_length.max(1);
        (positions.start / length..positions.end.div_ceil(length)).flat_map(move |run| {
            let first = run * length;
            let from = positions.start.max(first) - first;
            let to = positions.end.min(first + length) - first;
            self.runs
                .get(run)
                .into_iter()
                .flat_map(move |laid| laid.range(from..to))
        })
    }

    /// Gives the comment at `position` these tags (sorted by theme).
    pub(super) fn set(&mut self, position: usize, tags: Vec<Tag>) {
        if let Some(bits) = self.changed_bits.get_mut(position / 64)
            && position < self.len
        {
            *bits |= 1 << (position % 64);
            self.changed.insert(position, tags.into());
        }
    }

    /// Lays the runs again once half the lists have changed: a changed list costs about
    /// 70 bytes beyond its tags, and a long walk meets it in a tree rather than in order.
    pub(super) fn settle(&mut self) {
        if self.changed.len() * 2 > self.len {
            let laid = Self::from_lists(self.len, self.range(0..self.len));
            *self = laid;
        }
    }
}

impl PartialEq for TagLists {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.range(0..self.len).eq(other.range(0..other.len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::ThemeId;

    fn lists(themes: &[&[usize]]) -> Vec<Vec<Tag>> {
        themes
            .iter()
            .map(|themes| {
                themes
                    .iter()
                    .map(|&theme| Tag::by_person(ThemeId(theme)))
                    .collect()
            })
            .collect()
    }

    fn runs_of(lists: &[Vec<Tag>], length: usize) -> TagLists {
        TagLists::from_runs(
            lists
                .chunks(length)
                .map(|chunk| {
                    let mut run = TagRun::with_capacity(chunk.len());
                    for tags in chunk {
                        run.push(tags.iter().map(TagRef::from));
                    }
                    run
                })
                .collect(),
        )
    }

    #[test]
    fn lists_laid_in_runs_of_any_length_read_back_as_given() {
        // Enough comments for several blocks, some of them ending with comments without tags;
        // tags by a person and by the rules with one to four words.
        let given: Vec<Vec<Tag>> = (0..2 * BLOCK + 300)
            .map(|comment| {
                let count = if comment % BLOCK > BLOCK - 5 {
                    0
                } else {
                    comment % 4
                };
                (0..count)
                    .map(|theme| match (comment + theme) % 5 {
                        0 => Tag::by_person(ThemeId(theme)),
                        words => Tag::by_rules(
                            ThemeId(theme),
                            (0..words).map(|word| Span::new(comment + word, comment + word + 3)),
                        ),
                    })
                    .collect()
            })
            .collect();
        for length in [1, 7, BLOCK, BLOCK + 1, 2 * BLOCK, given.len()] {
            let held = runs_of(&given, length);
            assert_eq!(held.len(), given.len());
            for (position, tags) in given.iter().enumerate() {
                assert_eq!(held.get(position).to_vec(), *tags, "run length {length}");
            }
            assert!(held.get(given.len()).is_empty());
            assert!(
                held.range(0..given.len())
                    .eq(given.iter().map(|tags| TagList::of(tags)))
            );
            let read: Vec<Vec<Tag>> = held
                .range(BLOCK - 3..BLOCK + 9)
                .map(TagList::to_vec)
                .collect();
            assert_eq!(read, given[BLOCK - 3..BLOCK + 9]);
        }
    }

    #[test]
    fn changed_lists_read_back_and_settle_into_runs_unchanged() {
        let mut given = lists(&[&[0], &[1], &[2], &[3], &[4], &[5], &[6], &[7]]);
        let mut held = runs_of(&given, 3);
        let copy = held.clone();
        for (position, theme) in [(1, 9), (6, 8)] {
            held.set(position, lists(&[&[theme]]).remove(0));
            given[position] = lists(&[&[theme]]).remove(0);
        }
        held.settle();
        assert_eq!(held.changed.len(), 2, "two of eight is not yet half");
        let read: Vec<Vec<Tag>> = held.range(0..8).map(TagList::to_vec).collect();
        assert_eq!(read, given);
        assert_ne!(held, copy, "a copy taken before keeps what it had");
        for (position, tags) in given.iter_mut().enumerate().take(5).skip(2) {
            held.set(position, Vec::new());
            tags.clear();
        }
        held.settle();
        assert!(held.changed.is_empty());
        assert_eq!(held, runs_of(&given, 8));
    }
}
