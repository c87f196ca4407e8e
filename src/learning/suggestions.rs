//! Themes suggested for the comments not coded yet, learned from the ones a person has coded:
//! their themes (rule tags the person left on, and hand coding) are the examples.

use std::collections::HashSet;
use std::fmt;

use super::metrics::Scores;
use super::multilabel::{Classifier, Options};
use crate::codebook::ThemeId;
use crate::model::{CommentRef, Survey};
use crate::progress::Progress;
use crate::tagging::Tagging;

/// Coded comments needed before anything is learned: fewer give suggestions no better than
/// guessing, and too few to check them on.
pub const FEWEST_CODED: usize = 20;

/// Coded comments with a theme needed before that theme is suggested.
pub const FEWEST_EXAMPLES: usize = 3;

/// The least confidence a suggestion has: one less likely right than wrong is not worth a
/// person's time.
pub const LEAST_CONFIDENCE: f32 = 0.5;

/// One theme suggested for one comment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Suggestion {
    /// The comment.
    pub comment: CommentRef,
    /// The theme.
    pub theme: ThemeId,
    /// How sure, 0 to 1: about how often suggestions this sure were right on coded comments
    /// held out from training.
    pub confidence: f32,
}

/// How far to trust one theme's suggestions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThemeQuality {
    /// The theme.
    pub theme: ThemeId,
    /// Coded comments that have it.
    pub examples: usize,
    /// Precision and recall on coded comments held out from training (cross-validated);
    /// `None` when the theme has too few examples to be learned.
    pub held_out: Option<Scores>,
    /// Comments it is suggested for.
    pub suggested: usize,
}

/// Why nothing was learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotLearned {
    /// Too few comments are coded yet.
    TooFewCoded {
        /// How many are.
        coded: usize,
    },
    /// No theme has enough coded examples.
    TooFewExamples,
    /// The work was cancelled.
    Cancelled,
}

impl fmt::Display for NotLearned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotLearned::TooFewCoded { coded } => write!(
                f,
                "Suggestions start once {FEWEST_CODED} comments are coded by hand; {coded} are so far."
            ),
            NotLearned::TooFewExamples => write!(
                f,
                "Suggestions start once a theme is on {FEWEST_EXAMPLES} comments coded by hand."
            ),
            NotLearned::Cancelled => write!(f, "Learning from your coding was cancelled."),
        }
    }
}

/// The suggestions learned from one round of coding, with which of them are answered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Suggestions {
    /// Every suggestion, most confident first (ties in comment order).
    queue: Vec<Suggestion>,
    /// Whether each of `queue` has been accepted or rejected since.
    answered: Vec<bool>,
    /// Positions in `queue` by comment, for a comment's own suggestions.
    by_comment: Vec<(CommentRef, usize)>,
    /// Each theme's quality, in codebook order.
    pub quality: Vec<ThemeQuality>,
    /// The coded comments learned from.
    pub learned_from: usize,
}

impl Suggestions {
    /// The suggestion at a queue position, whether answered or not.
    pub fn at(&self, position: usize) -> Option<&Suggestion> {
        self.queue.get(position)
    }

    /// The first suggestion not answered yet at or after `position` (wrapping round to the
    /// start), with its position.
    pub fn next_pending(&self, position: usize) -> Option<(usize, &Suggestion)> {
        let count = self.queue.len();
        (0..count)
            .map(|offset| (position + offset) % count)
            .find(|&at| !self.answered[at])
            .map(|at| (at, &self.queue[at]))
    }

    /// The last suggestion not answered yet before `position`.
    pub fn previous_pending(&self, position: usize) -> Option<(usize, &Suggestion)> {
        (0..position.min(self.queue.len()))
            .rev()
            .find(|&at| !self.answered[at])
            .map(|at| (at, &self.queue[at]))
    }

    /// The suggestions not answered yet, most confident first, with their positions.
    pub fn pending(&self) -> impl Iterator<Item = (usize, &Suggestion)> {
        self.queue
            .iter()
            .enumerate()
            .filter(|(position, _)| !self.answered[*position])
    }

    /// How many suggestions are not answered yet.
    pub fn pending_count(&self) -> usize {
        self.answered.iter().filter(|answered| !**answered).count()
    }

    /// A comment's suggestions not answered yet, most confident first.
    pub fn of_comment(&self, comment: CommentRef) -> Vec<Suggestion> {
        let start = self
            .by_comment
            .partition_point(|(other, _)| *other < comment);
        self.by_comment[start..]
            .iter()
            .take_while(|(other, _)| *other == comment)
            .filter(|(_, position)| !self.answered[*position])
            .map(|(_, position)| self.queue[*position])
            .collect()
    }

    /// Marks the suggestion of `theme` for `comment` answered, if there is one; the theme is
    /// then coded, so it is not suggested there again.
    pub fn answer(&mut self, comment: CommentRef, theme: ThemeId) {
        self.mark(comment, theme, true);
    }

    /// Puts the suggestion of `theme` for `comment` back in the queue, if there is one: its
    /// answer was taken back.
    pub fn reopen(&mut self, comment: CommentRef, theme: ThemeId) {
        self.mark(comment, theme, false);
    }

    fn mark(&mut self, comment: CommentRef, theme: ThemeId, answered: bool) {
        let start = self
            .by_comment
            .partition_point(|(other, _)| *other < comment);
        for &(other, position) in &self.by_comment[start..] {
            if other != comment {
                break;
            }
            if self.queue[position].theme == theme {
                self.answered[position] = answered;
            }
        }
    }

    fn new(mut queue: Vec<Suggestion>, quality: Vec<ThemeQuality>, learned_from: usize) -> Self {
        queue.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then(a.comment.cmp(&b.comment))
                .then(a.theme.cmp(&b.theme))
        });
        let mut by_comment: Vec<(CommentRef, usize)> = queue
            .iter()
            .enumerate()
            .map(|(position, suggestion)| (suggestion.comment, position))
            .collect();
        by_comment.sort_unstable();
        Self {
            answered: vec![false; queue.len()],
            queue,
            by_comment,
            quality,
            learned_from,
        }
    }
}

/// Learns from the `coded` comments (their themes in `tagging` are the examples) and suggests
/// `themes` for the other comments: never a theme a comment has, nor one `decided` for it (a
/// rejected suggestion does not come back). The same input gives the same suggestions.
///
/// # Errors
/// Too few coded comments or examples to learn from, or cancelled.
pub fn learn(
    survey: &Survey,
    tagging: &Tagging,
    themes: &[ThemeId],
    coded: &[CommentRef],
    decided: &HashSet<(CommentRef, ThemeId)>,
    progress: &Progress,
) -> Result<Suggestions, NotLearned> {
    let coded_set: HashSet<CommentRef> = coded.iter().copied().collect();
    let examples: Vec<(&str, Vec<ThemeId>)> = tagging
        .comments
        .iter()
        .filter(|comment| coded_set.contains(comment))
        .filter_map(|&comment| {
            let text = survey.comment_text(comment)?;
            let own = tagging.tags_of(comment).iter().map(|tag| tag.theme());
            Some((text, own.collect()))
        })
        .collect();
    if examples.len() < FEWEST_CODED {
        return Err(NotLearned::TooFewCoded {
            coded: examples.len(),
        });
    }
    let example_counts: Vec<usize> = themes
        .iter()
        .map(|theme| {
            examples
                .iter()
                .filter(|(_, own)| own.contains(theme))
                .count()
        })
        .collect();
    let learned: Vec<ThemeId> = themes
        .iter()
        .zip(&example_counts)
        .filter(|(_, count)| **count >= FEWEST_EXAMPLES)
        .map(|(theme, _)| *theme)
        .collect();
    if learned.is_empty() {
        return Err(NotLearned::TooFewExamples);
    }
    let texts: Vec<&str> = examples.iter().map(|(text, _)| *text).collect();
    let labels: Vec<Vec<usize>> = examples
        .iter()
        .map(|(_, own)| {
            (0..learned.len())
                .filter(|&label| own.contains(&learned[label]))
                .collect()
        })
        .collect();
    let options = Options {
        at_least_one: false,
        least_confidence: LEAST_CONFIDENCE,
        ..Options::default()
    };
    let classifier = Classifier::train(&texts, &labels, learned.len(), options);
    progress.set_fraction(0.5);
    if progress.is_cancelled() {
        return Err(NotLearned::Cancelled);
    }
    let candidates: Vec<CommentRef> = tagging
        .comments
        .iter()
        .filter(|comment| !coded_set.contains(comment))
        .copied()
        .collect();
    let queue = crate::cores::in_runs(candidates.len(), crate::cores::available(), |run| {
        let mut found = Vec::new();
        for &comment in &candidates[run] {
            if progress.is_cancelled() {
                break;
            }
            let Some(text) = survey.comment_text(comment) else {
                continue;
            };
            let scores = classifier.scores(text);
            for (label, &score) in scores.iter().enumerate() {
                let theme = learned[label];
                let open = score > classifier.threshold()
                    && !tagging.has_theme(comment, theme)
                    && !decided.contains(&(comment, theme));
                if open {
                    found.push(Suggestion {
                        comment,
                        theme,
                        confidence: classifier.confidence(score),
                    });
                }
            }
        }
        found
    });
    if progress.is_cancelled() {
        return Err(NotLearned::Cancelled);
    }
    let held_out = classifier.held_out();
    let quality = themes
        .iter()
        .zip(&example_counts)
        .map(|(&theme, &examples)| {
            let label = learned.iter().position(|&own| own == theme);
            ThemeQuality {
                theme,
                examples,
                held_out: label
                    .and_then(|label| held_out.and_then(|counts| counts.get(label)))
                    .map(super::metrics::Counts::scores),
                suggested: queue
                    .iter()
                    .filter(|suggestion| suggestion.theme == theme)
                    .count(),
            }
        })
        .collect();
    Ok(Suggestions::new(queue, quality, examples.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, ColumnRole, ResponseId, Value};

    /// Comments about transport (theme 0) or training (theme 1); the first `coded` are coded.
    fn survey(count: usize) -> Survey {
        let values = (0..count)
            .map(|index| {
                let text = match index % 3 {
                    0 => format!("the school bus was late again, week {index}"),
                    1 => format!("teachers need more autism training, term {index}"),
                    _ => format!("a lovely caring team, visit {index}"),
                };
                Value::Text(text.into())
            })
            .collect();
        Survey {
            sources: Vec::new(),
            columns: vec![Column {
                name: "Views".to_owned(),
                role: ColumnRole::FreeText,
                role_reason: String::new(),
                source_index: Some(0),
                values,
            }],
            source_rows: (0..crate::counts::as_u32(count)).collect(),
            respondent_group: None,
        }
    }

    fn comment(index: usize) -> CommentRef {
        CommentRef {
            response: ResponseId::at(index),
            column: crate::model::ColumnId(0),
        }
    }

    /// Tags as a person left them on the coded comments: transport and training by topic.
    fn tagging(survey: &Survey, coded: usize) -> Tagging {
        let comments = survey.comments();
        let untagged = vec![Vec::new(); comments.len()];
        let mut tagging = Tagging::new(comments, &untagged);
        let decisions: Vec<_> = (0..coded)
            .filter(|index| index % 3 < 2)
            .map(|index| {
                (
                    comment(index),
                    ThemeId(index % 3),
                    crate::tagging::Coding::Add,
                )
            })
            .collect();
        tagging.apply_hand_coding(&decisions);
        tagging
    }

    #[test]
    fn suggestions_follow_the_coded_examples_and_skip_what_is_decided() {
        let survey = survey(90);
        let tagging = tagging(&survey, 45);
        let coded: Vec<CommentRef> = (0..45).map(comment).collect();
        let mut decided = HashSet::new();
        // Transport rejected for comment 48, a bus comment.
        decided.insert((comment(48), ThemeId(0)));
        let themes = [ThemeId(0), ThemeId(1)];
        let learned = learn(
            &survey,
            &tagging,
            &themes,
            &coded,
            &decided,
            &Progress::new(),
        )
        .expect("learned");
        assert_eq!(learned.learned_from, 45);
        for (_, suggestion) in learned.pending() {
            let index = suggestion.comment.response.index();
            assert!(index >= 45, "a coded comment got a suggestion");
            assert_eq!(suggestion.theme.0, index % 3, "comment {index}");
            assert!((0.0..=1.0).contains(&suggestion.confidence));
        }
        let bus_comments = (45..90).filter(|index| index % 3 == 0).count();
        assert_eq!(learned.of_comment(comment(51)).len(), 1);
        assert!(learned.of_comment(comment(48)).is_empty());
        assert_eq!(learned.quality[0].suggested, bus_comments - 1);
        assert_eq!(learned.quality[0].examples, 15);
        let transport = learned.quality[0].held_out.expect("cross-validated");
        assert!(transport.precision > 0.9 && transport.recall > 0.9);
        // The queue is most confident first.
        let confidences: Vec<f32> = learned.pending().map(|(_, s)| s.confidence).collect();
        assert!(confidences.windows(2).all(|pair| pair[0] >= pair[1]));
    }

    #[test]
    fn answering_takes_a_suggestion_out_of_the_queue() {
        let survey = survey(60);
        let tagging = tagging(&survey, 30);
        let coded: Vec<CommentRef> = (0..30).map(comment).collect();
        let themes = [ThemeId(0), ThemeId(1)];
        let mut learned = learn(
            &survey,
            &tagging,
            &themes,
            &coded,
            &HashSet::new(),
            &Progress::new(),
        )
        .expect("learned");
        let before = learned.pending_count();
        let (position, first) = learned
            .next_pending(0)
            .map(|(at, s)| (at, *s))
            .expect("one");
        learned.answer(first.comment, first.theme);
        assert_eq!(learned.pending_count(), before - 1);
        assert!(learned.of_comment(first.comment).is_empty());
        assert_ne!(
            learned.next_pending(position).map(|(at, _)| at),
            Some(position)
        );
        assert_eq!(
            learned.previous_pending(position + 1).map(|(at, _)| at),
            None
        );
    }

    #[test]
    fn too_little_coding_says_how_much_is_needed() {
        let survey = survey(40);
        let tagging = tagging(&survey, 10);
        let coded: Vec<CommentRef> = (0..10).map(comment).collect();
        let result = learn(
            &survey,
            &tagging,
            &[ThemeId(0)],
            &coded,
            &HashSet::new(),
            &Progress::new(),
        );
        assert_eq!(result, Err(NotLearned::TooFewCoded { coded: 10 }));
        assert!(
            NotLearned::TooFewCoded { coded: 10 }
                .to_string()
                .contains("20 comments")
        );
    }
}
