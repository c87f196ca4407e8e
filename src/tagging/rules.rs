//! Keyword and phrase rules compiled for fast matching: an index from each rule's first stem.

use std::collections::HashMap;

use super::tokens::{Token, Tokenizer};
use crate::codebook::{Codebook, ThemeId};

/// One word of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum WordPattern {
    /// Matches a word with this stem.
    Stem(String),
    /// Matches a word starting with this (from a trailing `*`).
    Prefix(String),
}

impl WordPattern {
    fn matches(&self, token: &Token) -> bool {
        match self {
            WordPattern::Stem(stem) => token.stem == *stem,
            WordPattern::Prefix(prefix) => token.lower.starts_with(prefix.as_str()),
        }
    }
}

/// A keyword or exclusion phrase of one theme.
#[derive(Debug, Clone)]
struct Rule {
    theme: ThemeId,
    words: Vec<WordPattern>,
    is_exclusion: bool,
}

/// Where a rule matched: token positions, half-open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMatch {
    /// The theme the rule belongs to.
    pub theme: ThemeId,
    /// First token of the match.
    pub first_token: usize,
    /// One past the last token.
    pub end_token: usize,
    /// Whether this is an exclusion match.
    pub is_exclusion: bool,
}

/// All rules of a codebook, ready to run on comments.
#[derive(Debug)]
pub struct RuleSet {
    tokenizer: Tokenizer,
    rules: Vec<Rule>,
    by_first_stem: HashMap<String, Vec<usize>>,
    prefix_first: Vec<usize>,
}

impl RuleSet {
    /// Compiles every keyword and exclusion of the codebook.
    pub fn new(codebook: &Codebook) -> Self {
        let tokenizer = Tokenizer::default();
        let mut rules = Vec::new();
        for (index, theme) in codebook.themes.iter().enumerate() {
            let phrases = theme
                .keywords
                .iter()
                .map(|phrase| (phrase, false))
                .chain(theme.exclude.iter().map(|phrase| (phrase, true)));
            for (phrase, is_exclusion) in phrases {
                let words = compile_phrase(&tokenizer, phrase);
                if !words.is_empty() {
                    rules.push(Rule {
                        theme: ThemeId(index),
                        words,
                        is_exclusion,
                    });
                }
            }
        }
        let mut by_first_stem: HashMap<String, Vec<usize>> = HashMap::new();
        let mut prefix_first = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            match rule.words.first() {
                Some(WordPattern::Stem(stem)) => {
                    by_first_stem.entry(stem.clone()).or_default().push(index)
                }
                Some(WordPattern::Prefix(_)) => prefix_first.push(index),
                None => {}
            }
        }
        Self {
            tokenizer,
            rules,
            by_first_stem,
            prefix_first,
        }
    }

    /// The tokenizer the rules were compiled with.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// Every rule match in the tokens, in token order.
    pub fn matches(&self, tokens: &[Token]) -> Vec<RuleMatch> {
        let mut found = Vec::new();
        for (position, token) in tokens.iter().enumerate() {
            let by_stem = self
                .by_first_stem
                .get(&token.stem)
                .map_or(&[][..], Vec::as_slice);
            for &rule_index in by_stem.iter().chain(&self.prefix_first) {
                let Some(rule) = self.rules.get(rule_index) else {
                    continue;
                };
                let end = position + rule.words.len();
                let Some(window) = tokens.get(position..end) else {
                    continue;
                };
                if rule
                    .words
                    .iter()
                    .zip(window)
                    .all(|(word, token)| word.matches(token))
                {
                    found.push(RuleMatch {
                        theme: rule.theme,
                        first_token: position,
                        end_token: end,
                        is_exclusion: rule.is_exclusion,
                    });
                }
            }
        }
        found
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn codebook(themes: &str) -> Codebook {
        Codebook::from_toml(
            &format!("name = \"Test\"\n{themes}"),
            Path::new("test.toml"),
        )
        .expect("parses")
    }

    #[test]
    fn phrase_matches_word_forms_in_order() {
        let codebook =
            codebook("[[theme]]\nid = \"t\"\nname = \"T\"\nkeywords = [\"staff training\"]\n");
        let rules = RuleSet::new(&codebook);
        let tokens = rules
            .tokenizer()
            .tokens("Staff trained well; training staff badly");
        let found = rules.matches(&tokens);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].first_token, found[0].end_token), (0, 2));
    }

    #[test]
    fn prefix_wildcard_matches_longer_words_only_at_word_start() {
        let codebook =
            codebook("[[theme]]\nid = \"t\"\nname = \"T\"\nkeywords = [\"paediatric*\"]\n");
        let rules = RuleSet::new(&codebook);
        let tokens = rules
            .tokenizer()
            .tokens("The paediatrician and non-paediatric staff");
        let found = rules.matches(&tokens);
        assert_eq!(found.len(), 2);
    }
}
