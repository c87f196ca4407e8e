//! Which comments to show: by theme, respondent attribute and text.

use regex::{Regex, RegexBuilder};

use crate::codebook::{Codebook, ThemeId};
use crate::model::{ColumnId, CommentRef, Survey};
use crate::tagging::{TagList, TagOrigin, Tagging};

/// Comments from which filtering is shared among the cores.
const SPLIT_FROM: usize = 20_000;

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
        self.apply_on(
            survey,
            codebook,
            tagging,
            threads_for(tagging.comments.len()),
        )
    }

    /// [`Filter::apply`] on this many threads: the result is the same.
    pub fn apply_on(
        &self,
        survey: &Survey,
        codebook: &Codebook,
        tagging: &Tagging,
        threads: usize,
    ) -> Vec<CommentRef> {
        if self.non_answers {
            passing_without_tags(&survey.non_answers(), self.test(survey, codebook, tagging))
        } else {
            // A first letter typed in the search box looks at every comment: every core helps,
            // each with its own test, as a search shared between threads makes all but one of
            // them wait their turn for its scratch space, once per comment.
            crate::cores::in_runs(tagging.comments.len(), threads, |run| {
                let passes = self.test(survey, codebook, tagging);
                let comments = &tagging.comments[run.clone()];
                if !self.looks_at_tags() {
                    return passing_without_tags(comments, passes);
                }
                comments
                    .iter()
                    .zip(tagging.tags_in(run))
                    .filter(|&(&comment, tags)| passes(comment, tags))
                    .map(|(&comment, _)| comment)
                    .collect()
            })
        }
    }

    /// What [`Filter::apply`] gives, when it is known to be among `shown` (what an earlier
    /// filter gave, in survey order): only those are looked at. For a search typed further.
    pub fn narrow(
        &self,
        shown: &[CommentRef],
        survey: &Survey,
        codebook: &Codebook,
        tagging: &Tagging,
    ) -> Vec<CommentRef> {
        self.narrow_on(shown, survey, codebook, tagging, threads_for(shown.len()))
    }

    /// [`Filter::narrow`] on this many threads: the result is the same.
    fn narrow_on(
        &self,
        shown: &[CommentRef],
        survey: &Survey,
        codebook: &Codebook,
        tagging: &Tagging,
        threads: usize,
    ) -> Vec<CommentRef> {
        crate::cores::in_runs(shown.len(), threads, |run| {
            let passes = self.test(survey, codebook, tagging);
            let shown = &shown[run];
            if !self.looks_at_tags() {
                return passing_without_tags(shown, passes);
            }
            // Both lists are in survey order: one walk finds each comment's tags.
            let first = shown.first().map_or(0, |&first| {
                tagging.comments.partition_point(|&comment| comment < first)
            });
            let mut tagged = tagging.comments[first..]
                .iter()
                .zip(tagging.tags_in(first..tagging.comments.len()))
                .peekable();
            shown
                .iter()
                .copied()
                .filter(|&comment| {
                    while tagged.next_if(|&(&other, _)| other < comment).is_some() {}
                    let tags = tagged
                        .peek()
                        .filter(|&&(&other, _)| other == comment)
                        .map_or(TagList::of(&[]), |&(_, tags)| tags);
                    passes(comment, tags)
                })
                .collect()
        })
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
            match (
                shown.binary_search(&comment),
                passes(comment, tagging.tags_of(comment)),
            ) {
                (Err(place), true) => shown.insert(place, comment),
                (Ok(place), false) => {
                    shown.remove(place);
                }
                _ => {}
            }
        }
    }

    /// Whether [`Filter::test`] reads a comment's tags: a search alone does not, and is spared
    /// the walk through every comment's tags (half a search box keystroke's time at 100,000
    /// responses); answers that say nothing carry none.
    fn looks_at_tags(&self) -> bool {
        !self.non_answers && (self.no_theme || self.theme.is_some() || self.by_hand)
    }

    /// Whether a comment with these tags passes, with what every comment shares worked out once;
    /// the tags are read only as [`Filter::looks_at_tags`] says.
    fn test<'a>(
        &'a self,
        survey: &'a Survey,
        codebook: &Codebook,
        tagging: &'a Tagging,
    ) -> impl Fn(CommentRef, TagList<'_>) -> bool + 'a {
        let wanted_themes: Option<Vec<ThemeId>> = self.theme.map(|theme| {
            let mut wanted = codebook.children(theme);
            wanted.push(theme);
            wanted
        });
        let search = text_search(&self.text);
        let hand_removed: Option<std::collections::HashSet<CommentRef>> = self.by_hand.then(|| {
            tagging
                .removed_by_hand
                .iter()
                .map(|(comment, _)| *comment)
                .collect()
        });
        // The cheap questions first: most comments fail one of them when any is asked.
        move |comment: CommentRef, tags: TagList<'_>| {
            self.question
                .is_none_or(|question| comment.column == question)
                && (!self.no_theme || tags.is_empty())
                && wanted_themes
                    .as_ref()
                    .is_none_or(|wanted| tags.iter().any(|tag| wanted.contains(&tag.theme())))
                && hand_removed.as_ref().is_none_or(|hand_removed| {
                    tags.iter().any(|tag| tag.origin() == TagOrigin::Person)
                        || hand_removed.contains(&comment)
                })
                && self.attribute.as_ref().is_none_or(|(column, value)| {
                    survey.attribute_value(comment.response, *column) == *value
                })
                && search.as_ref().is_none_or(|search| {
                    survey
                        .comment_text(comment)
                        .is_some_and(|text| search.is_match(text))
                })
        }
    }
}

/// The comments that pass, each tested without tags.
fn passing_without_tags(
    comments: &[CommentRef],
    passes: impl Fn(CommentRef, TagList<'_>) -> bool,
) -> Vec<CommentRef> {
    comments
        .iter()
        .copied()
        .filter(|&comment| passes(comment, TagList::of(&[])))
        .collect()
}

/// Threads to filter this many comments on: filtering is shared among the cores from
/// [`SPLIT_FROM`] comments.
fn threads_for(comments: usize) -> usize {
    if comments < SPLIT_FROM {
        1
    } else {
        crate::cores::available()
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
    fn filtering_on_any_number_of_threads_shows_the_same_comments() {
        let (survey, codebook, tagging) = crate::analysis::tagged_sample();
        for filter in [
            Filter::default(),
            Filter {
                text: "school".to_owned(),
                ..Filter::default()
            },
            Filter {
                theme: Some(ThemeId(0)),
                no_theme: false,
                ..Filter::default()
            },
            Filter {
                text: "a".to_owned(),
                no_theme: true,
                ..Filter::default()
            },
            Filter {
                text: "s".to_owned(),
                theme: Some(ThemeId(1)),
                ..Filter::default()
            },
        ] {
            let one = filter.apply_on(&survey, &codebook, &tagging, 1);
            assert!(!one.is_empty(), "{filter:?}");
            // Every comment tested with its tags: the fast ways skip reading them only when
            // the filter does not look.
            let passes = filter.test(&survey, &codebook, &tagging);
            let each: Vec<CommentRef> = tagging
                .iter()
                .filter(|&(comment, tags)| passes(comment, tags))
                .map(|(comment, _)| comment)
                .collect();
            assert_eq!(one, each, "{filter:?}");
            for threads in [2, 3, 7] {
                assert_eq!(filter.apply_on(&survey, &codebook, &tagging, threads), one);
            }
        }
    }

    #[test]
    fn a_search_typed_further_narrows_to_what_filtering_again_would_show() {
        let (survey, codebook, tagging) = crate::analysis::tagged_sample();
        let others = [
            Filter::default(),
            Filter {
                theme: Some(ThemeId(0)),
                ..Filter::default()
            },
            Filter {
                no_theme: true,
                ..Filter::default()
            },
            Filter {
                non_answers: true,
                ..Filter::default()
            },
        ];
        let mut matched_school = false;
        for other in others {
            let mut shown = other.apply(&survey, &codebook, &tagging);
            let mut typed = String::new();
            for letter in " school tran".chars() {
                typed.push(letter);
                let filter = Filter {
                    text: typed.clone(),
                    ..other.clone()
                };
                let again = filter.apply(&survey, &codebook, &tagging);
                for threads in [2, 3, 7] {
                    let narrowed = filter.narrow_on(&shown, &survey, &codebook, &tagging, threads);
                    assert_eq!(narrowed, again, "{filter:?} on {threads} threads");
                }
                shown = filter.narrow(&shown, &survey, &codebook, &tagging);
                assert_eq!(shown, again, "{filter:?}");
                matched_school |= typed == " school" && !shown.is_empty();
            }
        }
        assert!(matched_school, "the sample mentions school");
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
