//! Every comment's tags, held compactly. Tagging the survey lays the lists one after another in
//! a few runs, shared by every copy of the tagging (work in the background holds one); a list
//! changed since, by a person's decision or by tagging one theme again, is held on its own until
//! so many are that the runs are laid again. A list of its own per comment cost 10 MB more at
//! 100,000 responses: an allocation, its counts and a pointer for each of 195,000 comments.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use super::tag::Tag;
use crate::counts::as_u32;

/// Comments whose tags are held in one block of a run.
const BLOCK: usize = 1024;

/// The tags of consecutive comments, one list after another, in blocks of [`BLOCK`] comments'
/// tags. Blocks are made at their exact size as the run fills: one list for the whole run,
/// grown as it filled, left holes the size of its earlier copies (6 MB at 100,000 responses).
#[derive(Debug)]
pub(super) struct TagRun {
    /// Comments `BLOCK * b..BLOCK * (b + 1)` of the run have their tags in `blocks[b]`.
    blocks: Vec<Box<[Tag]>>,
    /// The block being filled.
    open: Vec<Tag>,
    /// Comment `i`'s tags end at `ends[i]` in its block, and start where comment `i - 1`'s
    /// end, or at 0 for the block's first.
    ends: Vec<u32>,
}

impl TagRun {
    /// An empty run with room for this many comments.
    pub(super) fn with_capacity(comments: usize) -> Self {
        Self {
            blocks: Vec::with_capacity(comments.div_ceil(BLOCK)),
            open: Vec::new(),
            ends: Vec::with_capacity(comments),
        }
    }

    /// Appends the next comment's tags.
    pub(super) fn push(&mut self, tags: impl IntoIterator<Item = Tag>) {
        self.open.extend(tags);
        self.ends.push(as_u32(self.open.len()));
        if self.ends.len().is_multiple_of(BLOCK) {
            self.close_block();
        }
    }

    /// Makes the block being filled one of exact size.
    fn close_block(&mut self) {
        let full = std::mem::take(&mut self.open);
        self.blocks.push(full.into_boxed_slice());
    }

    /// How many comments it holds.
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The block holding the tags of the comments from `BLOCK * block`.
    fn block(&self, block: usize) -> &[Tag] {
        self.blocks
            .get(block)
            .map_or(self.open.as_slice(), |block| &block[..])
    }

    /// The tags of its comments at `indices`, in order: walked block by block.
    fn range(&self, indices: Range<usize>) -> impl Iterator<Item = &[Tag]> {
        let end = indices.end.min(self.len());
        (indices.start / BLOCK..end.div_ceil(BLOCK)).flat_map(move |block| {
            let tags = self.block(block);
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
                    let comment = tags.get(start..end as usize).unwrap_or_default();
                    start = end as usize;
                    comment
                })
        })
    }

    /// The tags of its `index`th comment.
    fn get(&self, index: usize) -> &[Tag] {
        let start = match index % BLOCK {
            0 => Some(0),
            _ => self.ends.get(index - 1).map(|&end| end as usize),
        };
        match (start, self.ends.get(index)) {
            (Some(start), Some(&end)) => self
                .block(index / BLOCK)
                .get(start..end as usize)
                .unwrap_or_default(),
            _ => &[],
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
    pub(super) fn from_lists<'a>(count: usize, lists: impl Iterator<Item = &'a [Tag]>) -> Self {
        let mut run = TagRun::with_capacity(count);
        for tags in lists {
            run.push(tags.iter().cloned());
        }
        Self::from_runs(vec![run])
    }

    /// How many comments' lists it holds.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The tags of the comment at `position`; empty beyond the end.
    pub(super) fn get(&self, position: usize) -> &[Tag] {
        let changed = self
            .changed_bits
            .get(position / 64)
            .is_some_and(|bits| bits & (1 << (position % 64)) != 0);
        match changed.then(|| self.changed.get(&position)).flatten() {
            Some(tags) => tags,
            None => self.laid(position),
        }
    }

    /// The tags at `position` as the runs have them.
    fn laid(&self, position: usize) -> &[Tag] {
        if self.run_length == 0 {
            return &[];
        }
        self.runs
            .get(position / self.run_length)
            .map_or(&[], |run| run.get(position % self.run_length))
    }

    /// The lists of the comments at `positions`, in order.
    pub(super) fn range(&self, positions: Range<usize>) -> impl Iterator<Item = &[Tag]> {
        let mut changed = self.changed.range(positions.clone()).peekable();
        let positions = positions.start..positions.end.min(self.len);
        positions
            .clone()
            .zip(self.laid_range(positions))
            .map(
                move |(position, laid)| match changed.next_if(|(at, _)| **at == position) {
                    Some((_, tags)) => &tags[..],
                    None => laid,
                },
            )
    }

    /// The lists at `positions` as the runs have them, walked run by run.
    fn laid_range(&self, positions: Range<usize>) -> impl Iterator<Item = &[Tag]> {
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
                        run.push(tags.iter().cloned());
                    }
                    run
                })
                .collect(),
        )
    }

    #[test]
    fn lists_laid_in_runs_of_any_length_read_back_as_given() {
        // Enough comments for several blocks, some of them ending with comments without tags.
        let given: Vec<Vec<Tag>> = (0..2 * BLOCK + 300)
            .map(|comment| {
                let count = if comment % BLOCK > BLOCK - 5 {
                    0
                } else {
                    comment % 4
                };
                (0..count)
                    .map(|theme| Tag::by_person(ThemeId(theme)))
                    .collect()
            })
            .collect();
        for length in [1, 7, BLOCK, BLOCK + 1, 2 * BLOCK, given.len()] {
            let held = runs_of(&given, length);
            assert_eq!(held.len(), given.len());
            for (position, tags) in given.iter().enumerate() {
                assert_eq!(held.get(position), &tags[..], "run length {length}");
            }
            assert!(held.get(given.len()).is_empty());
            assert!(
                held.range(0..given.len())
                    .eq(given.iter().map(Vec::as_slice))
            );
            let read: Vec<&[Tag]> = held.range(BLOCK - 3..BLOCK + 9).collect();
            let expected: Vec<&[Tag]> = given[BLOCK - 3..BLOCK + 9]
                .iter()
                .map(Vec::as_slice)
                .collect();
            assert_eq!(read, expected);
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
        let read: Vec<&[Tag]> = held.range(0..8).collect();
        let expected: Vec<&[Tag]> = given.iter().map(Vec::as_slice).collect();
        assert_eq!(read, expected);
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
