//! Survey + codebook -> tagging: which themes each comment raises, and the words that show it.

mod index;
mod rules;
mod tokens;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use index::CommentIndex;
pub use rules::RuleSet;
pub use tokens::{Token, Tokenizer};

use crate::codebook::{Codebook, ThemeId};
use crate::model::{CommentRef, Survey};
use crate::progress::Progress;

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

/// The themes of every comment of a survey.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tagging {
    /// The comments, in survey order.
    pub comments: Vec<CommentRef>,
    /// `tags[i]` are the tags of `comments[i]`, sorted by theme.
    pub tags: Vec<Vec<Tag>>,
    /// Themes a person took off comments (the rules had found them), in the order decided.
    pub removed_by_hand: Vec<(CommentRef, ThemeId)>,
    positions: HashMap<CommentRef, usize>,
}

impl Tagging {
    /// The tags of one comment; empty when it has none or is not a comment.
    pub fn tags_of(&self, comment: CommentRef) -> &[Tag] {
        self.positions
            .get(&comment)
            .and_then(|&position| self.tags.get(position))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether the comment carries this theme.
    pub fn has_theme(&self, comment: CommentRef, theme: ThemeId) -> bool {
        self.tags_of(comment).iter().any(|tag| tag.theme == theme)
    }

    /// How many themes are on comments by a person's hand, and how many a person took off.
    pub fn hand_coding_counts(&self) -> (usize, usize) {
        let added = self
            .tags
            .iter()
            .flatten()
            .filter(|tag| tag.origin == TagOrigin::Person)
            .count();
        (added, self.removed_by_hand.len())
    }

    /// Applies people's decisions over the rules' tags: a theme added by hand is on the comment
    /// (a rule's tag for it keeps its spans), a theme removed by hand is not, whatever the rules
    /// found. Decisions on answers that are not comments are left out.
    pub fn apply_hand_coding(&mut self, decisions: &[(CommentRef, ThemeId, Coding)]) {
        for &(comment, theme, coding) in decisions {
            let Some(tags) = self
                .positions
                .get(&comment)
                .and_then(|&position| self.tags.get_mut(position))
            else {
                continue;
            };
            let existing = tags.iter().position(|tag| tag.theme == theme);
            match (coding, existing) {
                (Coding::Add, None) => {
                    tags.push(Tag {
                        theme,
                        spans: Vec::new(),
                        origin: TagOrigin::Person,
                    });
                    tags.sort_by_key(|tag| tag.theme);
                }
                (Coding::Remove, Some(index)) => {
                    tags.remove(index);
                    self.removed_by_hand.push((comment, theme));
                }
                (Coding::Add, Some(_)) | (Coding::Remove, None) => {}
            }
        }
    }

    /// Tags these comments by the rules again, forgetting what people decided about them (to be
    /// applied again after), as after one of their decisions was undone.
    pub fn retag_comments(&mut self, comments: &[CommentRef], rules: &RuleSet, survey: &Survey) {
        for &comment in comments {
            if let Some(tags) = self
                .positions
                .get(&comment)
                .and_then(|&position| self.tags.get_mut(position))
            {
                *tags = tag_text(rules, survey.comment_text(comment).unwrap_or_default());
            }
        }
        self.removed_by_hand
            .retain(|(removed, _)| !comments.contains(removed));
    }

    /// The comments with their tags, in survey order.
    pub fn iter(&self) -> impl Iterator<Item = (CommentRef, &[Tag])> {
        self.comments
            .iter()
            .copied()
            .zip(self.tags.iter().map(Vec::as_slice))
    }
}

/// Tags every comment of the survey with the codebook's rules.
///
/// Returns `None` when cancelled through `progress`.
pub fn tag_survey(survey: &Survey, codebook: &Codebook, progress: &Progress) -> Option<Tagging> {
    tag_survey_with(survey, &RuleSet::new(codebook), progress)
}

/// Tags every comment of the survey with rules already compiled.
///
/// Returns `None` when cancelled through `progress`.
pub fn tag_survey_with(survey: &Survey, rules: &RuleSet, progress: &Progress) -> Option<Tagging> {
    let comments = survey.comments();
    let mut tags = Vec::with_capacity(comments.len());
    for (done, &comment) in comments.iter().enumerate() {
        if done % 512 == 0 {
            if progress.is_cancelled() {
                return None;
            }
            progress.set_done_of(done as u64, comments.len() as u64);
        }
        tags.push(tag_text(
            rules,
            survey.comment_text(comment).unwrap_or_default(),
        ));
    }
    progress.set_fraction(1.0);
    let positions = comments
        .iter()
        .enumerate()
        .map(|(position, comment)| (*comment, position))
        .collect();
    Some(Tagging {
        comments,
        tags,
        removed_by_hand: Vec::new(),
        positions,
    })
}

/// The tags that the rules give one text, sorted by theme.
pub fn tag_text(rules: &RuleSet, text: &str) -> Vec<Tag> {
    let tokens = rules.tokenizer().tokens(text);
    let found = rules.matches(&tokens);
    let excluded = |theme: ThemeId, first: usize, end: usize| {
        found.iter().any(|other| {
            other.is_exclusion
                && other.theme == theme
                && other.first_token < end
                && first < other.end_token
        })
    };
    let mut spans_by_theme: std::collections::BTreeMap<ThemeId, Vec<Span>> =
        std::collections::BTreeMap::new();
    for hit in found.iter().filter(|hit| !hit.is_exclusion) {
        if excluded(hit.theme, hit.first_token, hit.end_token) {
            continue;
        }
        let (Some(first), Some(last)) = (
            tokens.get(hit.first_token),
            tokens.get(hit.end_token.saturating_sub(1)),
        ) else {
            continue;
        };
        spans_by_theme.entry(hit.theme).or_default().push(Span {
            start: first.start,
            end: last.end,
        });
    }
    spans_by_theme
        .into_iter()
        .map(|(theme, mut spans)| {
            spans.sort_unstable();
            spans.dedup();
            Tag {
                theme,
                spans,
                origin: TagOrigin::Rule,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn rules(themes: &str) -> (Codebook, RuleSet) {
        let codebook = Codebook::from_toml(
            &format!("name = \"Test\"\n{themes}"),
            Path::new("test.toml"),
        )
        .expect("parses");
        let rules = RuleSet::new(&codebook);
        (codebook, rules)
    }

    #[test]
    fn tag_keeps_the_span_that_triggered_it() {
        let (_, rules) = rules(
            "[[theme]]\nid = \"w\"\nname = \"Workforce\"\nkeywords = [\"staff training\", \"CPD\"]\n",
        );
        let text = "We need more Staff Training and cpd for TAs.";
        let tags = tag_text(&rules, text);
        assert_eq!(tags.len(), 1);
        let matched: Vec<&str> = tags[0]
            .spans
            .iter()
            .map(|span| &text[span.start..span.end])
            .collect();
        assert_eq!(matched, ["Staff Training", "cpd"]);
    }

    #[test]
    fn whole_words_only() {
        let (_, rules) =
            rules("[[theme]]\nid = \"t\"\nname = \"Transport\"\nkeywords = [\"taxi\"]\n");
        assert!(tag_text(&rules, "taxidermy is a hobby").is_empty());
        assert_eq!(tag_text(&rules, "The TAXI was late").len(), 1);
    }

    #[test]
    fn exclusion_cancels_an_overlapping_match_only() {
        let (_, rules) = rules(
            "[[theme]]\nid = \"s\"\nname = \"Safe\"\nkeywords = [\"safe\"]\nexclude = [\"safe to say\"]\n",
        );
        assert!(tag_text(&rules, "It is safe to say we are unhappy").is_empty());
        assert_eq!(
            tag_text(&rules, "Safe to say he does not feel safe at school")[0]
                .spans
                .len(),
            1
        );
    }

    #[test]
    fn hand_coding_wins_over_the_rules() {
        use crate::import::{ImportOptions, import_bytes};
        let (codebook, _) = rules(
            "[[theme]]\nid = \"t\"\nname = \"Transport\"\nkeywords = [\"taxi\"]\n\
             [[theme]]\nid = \"c\"\nname = \"Communication\"\n",
        );
        let survey = import_bytes(
            Path::new("s.csv"),
            b"Id,Any comments?\n1,The taxi is late every day\n2,Nobody answers the phone\n",
            &ImportOptions::default(),
            &Progress::new(),
        )
        .expect("imports")
        .survey;
        let mut tagging = tag_survey(&survey, &codebook, &Progress::new()).expect("tags");
        let [first, second] = [tagging.comments[0], tagging.comments[1]];
        let (transport, communication) = (ThemeId(0), ThemeId(1));
        tagging.apply_hand_coding(&[
            (first, transport, Coding::Remove),
            (second, communication, Coding::Add),
            (second, communication, Coding::Add),
        ]);
        assert!(tagging.tags_of(first).is_empty());
        assert_eq!(
            tagging.tags_of(second),
            [Tag {
                theme: communication,
                spans: Vec::new(),
                origin: TagOrigin::Person
            }]
        );
    }

    #[test]
    fn stemming_matches_other_word_forms() {
        let (_, rules) =
            rules("[[theme]]\nid = \"l\"\nname = \"Listen\"\nkeywords = [\"listen to parents\"]\n");
        assert_eq!(tag_text(&rules, "Nobody listened to parents").len(), 1);
        assert_eq!(tag_text(&rules, "Listening to the parents").len(), 0);
    }
}
