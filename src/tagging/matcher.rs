//! Runs the rules over comments, looking at each distinct word once: its stem and the rules it
//! can start are worked out the first time it is met, then each comment is a walk over word
//! numbers.

use rustc_hash::FxHashMap;

use super::rules::{RuleSet, RuleWord, WordFacts};
use super::tag::{Span, Tag};
use super::tokens::for_each_word;
use crate::codebook::ThemeId;
use crate::counts::as_u32;

/// A word of the comment being tagged: its byte range and its number in the cache.
#[derive(Debug, Clone, Copy)]
struct Placed {
    start: usize,
    end: usize,
    word: u32,
}

/// Where a rule matched: word positions, half-open.
#[derive(Debug, Clone, Copy)]
struct Hit {
    theme: ThemeId,
    first: usize,
    end: usize,
    is_exclusion: bool,
}

/// The words met so far, with what the rules make of each. One per thread.
pub(super) struct Matcher<'r> {
    rules: &'r RuleSet,
    /// Short words hashed many times over: a fast hash, as the words are not chosen to collide.
    numbers: FxHashMap<Box<str>, u32>,
    /// By word number: the word, lower-case, and its facts.
    words: Vec<(Box<str>, WordFacts)>,
    placed: Vec<Placed>,
    hits: Vec<Hit>,
    /// The spans that count, by theme.
    found: Vec<(ThemeId, Span)>,
}

impl<'r> Matcher<'r> {
    pub(super) fn new(rules: &'r RuleSet) -> Self {
        Self {
            rules,
            numbers: FxHashMap::default(),
            words: Vec::new(),
            placed: Vec::new(),
            hits: Vec::new(),
            found: Vec::new(),
        }
    }

    /// The tags the rules give one text, sorted by theme.
    pub(super) fn tag(&mut self, text: &str) -> impl Iterator<Item = Tag> + '_ {
        self.find(text)
            .chunk_by(|a, b| a.0 == b.0)
            .map(|same_theme| {
                Tag::by_rules(same_theme[0].0, same_theme.iter().map(|&(_, span)| span))
            })
    }

    /// What the rules find in one text: each theme with a word that shows it, sorted by theme,
    /// a theme's words in order.
    pub(super) fn find(&mut self, text: &str) -> &[(ThemeId, Span)] {
        self.place_words(text);
        self.find_hits();
        self.gather_found();
        &self.found
    }

    fn place_words(&mut self, text: &str) {
        let Self {
            rules,
            numbers,
            words,
            placed,
            ..
        } = self;
        placed.clear();
        for_each_word(text, |start, end, lower| {
            let word = match numbers.get(lower) {
                Some(&word) => word,
                None => {
                    let word = as_u32(words.len());
                    words.push((lower.into(), rules.facts_of(lower)));
                    numbers.insert(lower.into(), word);
                    word
                }
            };
            placed.push(Placed { start, end, word });
        });
    }

    fn find_hits(&mut self) {
        let Self {
            rules,
            words,
            placed,
            hits,
            ..
        } = self;
        hits.clear();
        let facts = |word: u32| words.get(word as usize);
        for (position, word) in placed.iter().enumerate() {
            let Some((_, first)) = facts(word.word) else {
                continue;
            };
            for &number in &first.first_of {
                let Some(rule) = rules.rules().get(number as usize) else {
                    continue;
                };
                let end = position + rule.words.len();
                let Some(window) = placed.get(position..end) else {
                    continue;
                };
                let rest_match = rule
                    .words
                    .iter()
                    .zip(window)
                    .skip(1)
                    .all(|(pattern, placed)| {
                        facts(placed.word).is_some_and(|(lower, facts)| match pattern {
                            RuleWord::Stem(stem) => facts.stem == Some(*stem),
                            RuleWord::Prefix(prefix) => lower.starts_with(prefix.as_str()),
                        })
                    });
                if rest_match {
                    hits.push(Hit {
                        theme: rule.theme,
                        first: position,
                        end,
                        is_exclusion: rule.is_exclusion,
                    });
                }
            }
        }
    }

    /// A theme's keyword match counts unless an exclusion of the same theme overlaps it.
    fn gather_found(&mut self) {
        let Self {
            placed,
            hits,
            found,
            ..
        } = self;
        found.clear();
        let excluded = |hit: &Hit| {
            hits.iter().any(|other| {
                other.is_exclusion
                    && other.theme == hit.theme
                    && other.first < hit.end
                    && hit.first < other.end
            })
        };
        for hit in hits
            .iter()
            .filter(|hit| !hit.is_exclusion && !excluded(hit))
        {
            if let (Some(first), Some(last)) =
                (placed.get(hit.first), placed.get(hit.end.saturating_sub(1)))
            {
                found.push((hit.theme, Span::new(first.start, last.end)));
            }
        }
        found.sort_unstable();
        found.dedup();
    }
}
