//! Keyword and phrase rules compiled for matching: stems numbered, and the rules each word can
//! start found once per distinct word.

use std::collections::HashMap;

use super::tokens::Tokenizer;
use crate::codebook::{Codebook, ThemeId};
use crate::counts::as_u32;

/// One word of a keyword or phrase as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum WordPattern {
    /// Matches a word with this stem.
    Stem(String),
    /// Matches a word starting with this (from a trailing `*`).
    Prefix(String),
}

/// A stem that some rule needs, numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct RuleStem(u32);

/// One word of a compiled rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum RuleWord {
    /// A word with this stem.
    Stem(RuleStem),
    /// A word starting with this.
    Prefix(String),
}

/// A keyword or exclusion phrase of one theme.
#[derive(Debug, Clone)]
pub(super) struct Rule {
    pub(super) theme: ThemeId,
    /// Never empty.
    pub(super) words: Vec<RuleWord>,
    pub(super) is_exclusion: bool,
}

/// What the rules make of one distinct word of the comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct WordFacts {
    /// Its stem, when a rule needs that stem.
    pub(super) stem: Option<RuleStem>,
    /// The rules whose first word it is, in rule order.
    pub(super) first_of: Vec<u32>,
}

/// All rules of a codebook, ready to run on comments.
#[derive(Debug)]
pub struct RuleSet {
    tokenizer: Tokenizer,
    rules: Vec<Rule>,
    stems: HashMap<String, RuleStem>,
    /// The rules starting with each stem, by stem number.
    by_first_stem: Vec<Vec<u32>>,
    /// The rules starting with a prefix.
    prefix_first: Vec<u32>,
}

impl RuleSet {
    /// Compiles every keyword and exclusion of the codebook.
    pub fn new(codebook: &Codebook) -> Self {
        Self::of_themes(codebook, |_| true)
    }

    /// The rules of one theme alone: what tagging again for a change of its keywords needs.
    pub fn of_theme(codebook: &Codebook, theme: ThemeId) -> Self {
        Self::of_themes(codebook, |id| id == theme)
    }

    fn of_themes(codebook: &Codebook, wanted: impl Fn(ThemeId) -> bool) -> Self {
        let tokenizer = Tokenizer::default();
        let mut stems: HashMap<String, RuleStem> = HashMap::new();
        let mut rules = Vec::new();
        for (index, theme) in codebook.themes.iter().enumerate() {
            if !wanted(ThemeId(index)) {
                continue;
            }
            let phrases = theme
                .keywords
                .iter()
                .map(|phrase| (phrase, false))
                .chain(theme.exclude.iter().map(|phrase| (phrase, true)));
            for (phrase, is_exclusion) in phrases {
                let words: Vec<RuleWord> = compile_phrase(&tokenizer, phrase)
                    .into_iter()
                    .map(|word| match word {
                        WordPattern::Stem(stem) => {
                            let next = RuleStem(as_u32(stems.len()));
                            RuleWord::Stem(*stems.entry(stem).or_insert(next))
                        }
                        WordPattern::Prefix(prefix) => RuleWord::Prefix(prefix),
                    })
                    .collect();
                if !words.is_empty() {
                    rules.push(Rule {
                        theme: ThemeId(index),
                        words,
                        is_exclusion,
                    });
                }
            }
        }
        let mut by_first_stem = vec![Vec::new(); stems.len()];
        let mut prefix_first = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            match rule.words.first() {
                Some(RuleWord::Stem(stem)) => {
                    if let Some(starting) = by_first_stem.get_mut(stem.0 as usize) {
                        starting.push(as_u32(index));
                    }
                }
                Some(RuleWord::Prefix(_)) => prefix_first.push(as_u32(index)),
                None => {}
            }
        }
        Self {
            tokenizer,
            rules,
            stems,
            by_first_stem,
            prefix_first,
        }
    }

    /// The tokenizer the rules were compiled with.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The compiled rules.
    pub(super) fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// What the rules make of a lower-case word: worked out once per distinct word.
    pub(super) fn facts_of(&self, lower: &str) -> WordFacts {
        let stem = self.stems.get(&self.tokenizer.stem(lower)).copied();
        let by_stem = stem
            .and_then(|stem| self.by_first_stem.get(stem.0 as usize))
            .map_or(&[][..], Vec::as_slice);
        let mut first_of: Vec<u32> = by_stem
            .iter()
            .copied()
            .chain(self.prefix_first.iter().copied().filter(|&rule| {
                matches!(
                    self.rules.get(rule as usize).and_then(|rule| rule.words.first()),
                    Some(RuleWord::Prefix(prefix)) if lower.starts_with(prefix.as_str())
                )
            }))
            .collect();
        first_of.sort_unstable();
        WordFacts { stem, first_of }
    }
}

/// A phrase as word patterns: each word stemmed, a trailing `*` making a prefix.
pub(super) fn compile_phrase(tokenizer: &Tokenizer, phrase: &str) -> Vec<WordPattern> {
    phrase
        .split_whitespace()
        .flat_map(|part| {
            let is_prefix = part.ends_with('*');
            let tokens = tokenizer.tokens(part.trim_end_matches('*'));
            let last = tokens.len().saturating_sub(1);
            tokens.into_iter().enumerate().map(move |(index, token)| {
                if is_prefix && index == last {
                    WordPattern::Prefix(token.lower)
                } else {
                    WordPattern::Stem(token.stem)
                }
            })
        })
        .collect()
}
