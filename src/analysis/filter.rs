//! Which comments to show: by theme, respondent attribute and text.

use regex::{Regex, RegexBuilder};

use crate::codebook::{Codebook, ThemeId};
use crate::model::{ColumnId, CommentRef, Survey};
use crate::tagging::{TagOrigin, Tagging};

/// A selection of comments. The default selects every comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only comments with this theme (or, for a group, any theme under it).
    pub theme: Option<ThemeId>,
    /// Only comments from respondents whose answer to the attribute column reads as this value;
    /// an empty value selects the respondents who left it blank ("Not answered").
    pub attribute: Option<(ColumnId, String)>,
    /// Only comments containing this text, ignoring case.
    pub text: String,
    /// List the free-text answers that say nothing ("n/a", "none") instead of the comments.
    pub non_answers: bool,
    /// Only answers to this question.
    pub question: Option<ColumnId>,
    /// Only comments no theme covers.
    pub no_theme: bool,
    /// Only comments a person coded by hand (a theme added or taken off).
    pub by_hand: bool,
}

impl Filter {
    /// The comments that pass every part of the filter, in survey order.
    pub fn apply(
        &self,
        survey: &Survey,
        codebook: &Codebook,
        tagging: &Tagging,
    ) -> Vec<CommentRef> {
        let passes = self.test(survey, codebook, tagging);
        if self.non_answers {
            survey
                .non_answers()
                .into_iter()
                .filter(|&comment| passes(comment))
                .collect()
        } else {
            tagging
                .comments
                .iter()
                .copied()
                .filter(|&comment| passes(comment))
                .collect()
        }
    }

    /// Brings `shown` (what [`Filter::apply`] gave) up to date after the tags of `changed`
    /// comments changed, looking at those comments only.
    pub fn update(
        &self,
        shown: &mut Vec<CommentRef>,
        changed: &[CommentRef],
        survey: &Survey,
        codebook: &Codebook,
        tagging: &Tagging,
    ) {
        if self.non_answers {
            // Answers that say nothing carry no tags.
            return;
        }
        let passes = self.test(survey, codebook, tagging);
        for &comment in changed {
            match (shown.binary_search(&comment), passes(comment)) {
                (Err(place), true) => shown.insert(place, comment),
                (Ok(place), false) => {
                    shown.remove(place);
                }
                _ => {}
            }
        }
    }

    /// Whether a comment passes, with what every comment shares worked out once.
    fn test<'a>(
        &'a self,
        survey: &'a Survey,
        codebook: &Codebook,
        tagging: &'a Tagging,
    ) -> impl Fn(CommentRef) -> bool + 'a {
        let wanted_themes: Option<Vec<ThemeId>> = self.theme.map(|theme| {
            let mut wanted = codebook.children(theme);
            wanted.push(theme);
            wanted
        });
        let search = text_search(&self.text);
        let hand_removed: std::collections::HashSet<CommentRef> = tagging
            .removed_by_hand
            .iter()
            .map(|(comment, _)| *comment)
            .collect();
        move |comment: CommentRef| {
            let theme_ok = wanted_themes
                .as_ref()
                .is_none_or(|wanted| wanted.iter().any(|&id| tagging.has_theme(comment, id)));
            let attribute_ok = self.attribute.as_ref().is_none_or(|(column, value)| {
                survey.attribute_value(comment.response, *column) == *value
            });
            let text_ok = search.as_ref().is_none_or(|search| {
                survey
                    .comment_text(comment)
                    .is_some_and(|text| search.is_match(text))
            });
            let question_ok = self
                .question
                .is_none_or(|question| comment.column == question);
            let tags = tagging.tags_of(comment);
            let no_theme_ok = !self.no_theme || tags.is_empty();
            let by_hand_ok = !self.by_hand
                || tags.iter().any(|tag| tag.origin == TagOrigin::Person)
                || hand_removed.contains(&comment);
            theme_ok && attribute_ok && text_ok && question_ok && no_theme_ok && by_hand_ok
        }
    }
}

/// A case-insensitive search for `text` as written, `None` for no search. The comments are
/// searched as they are, without a lower-cased copy of each per keystroke.
fn text_search(text: &str) -> Option<Regex> {
    let needle = text.trim();
    if needle.is_empty() {
        return None;
    }
    RegexBuilder::new(&regex::escape(needle))
        .case_insensitive(true)
        .build()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_ignores_case_beyond_ascii() {
        let search = text_search("  ÉCOLE ").expect("a search");
        assert!(search.is_match("Notre école est petite"));
        assert!(search.is_match("L'ÉCOLE"));
        assert!(!search.is_match("ecole"));
        assert!(text_search(" ").is_none());
        assert!(
            text_search("a+b (c)")
                .expect("a search")
                .is_match("A+B (C)")
        );
    }

    #[test]
    fn updating_for_changed_comments_shows_what_filtering_again_would() {
        let (survey, codebook, mut tagging) = crate::analysis::tagged_sample();
        let filters = [
            Filter {
                no_theme: true,
                ..Filter::default()
            },
            Filter {
                by_hand: true,
                ..Filter::default()
            },
            Filter {
                theme: Some(ThemeId(0)),
                ..Filter::default()
            },
        ];
        let mut shown: Vec<Vec<CommentRef>> = filters
            .iter()
            .map(|filter| filter.apply(&survey, &codebook, &tagging))
            .collect();
        let mut rng = fastrand::Rng::with_seed(5);
        for _ in 0..200 {
            let comment = tagging.comments[rng.usize(..tagging.comments.len())];
            let theme = ThemeId(rng.usize(..codebook.themes.len()));
            let coding = if rng.bool() {
                crate::tagging::Coding::Add
            } else {
                crate::tagging::Coding::Remove
            };
            tagging.apply_hand_coding(&[(comment, theme, coding)]);
            for (filter, shown) in filters.iter().zip(&mut shown) {
                filter.update(shown, &[comment], &survey, &codebook, &tagging);
                assert_eq!(
                    *shown,
                    filter.apply(&survey, &codebook, &tagging),
                    "{filter:?}"
                );
            }
        }
    }
}
