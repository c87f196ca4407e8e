//! Learning in the window, each on a background thread: suggestions learned from the coding in
//! force, learned again after each batch of coding and answered (accepted or rejected) as
//! decisions; every comment's sentiment read, set by hand as a decision, and learned from the
//! readings set.

use std::collections::HashSet;
use std::sync::Arc;

use super::App;
use super::state::Command;
use crate::codebook::ThemeId;
use crate::learning::{
    self, FEWEST_CODED, FEWEST_READINGS, LearnedSentiment, NotLearned, Sentiment, Suggestions,
};
use crate::model::CommentRef;
use crate::project::Decision;
use crate::tagging::Coding;
use crate::wording::counted;

/// Themes coded since the suggestions were learned that make them worth learning again.
pub const RELEARN_AFTER: usize = 10;

impl App {
    /// Learns suggestions from the coding in force, in the background. Does nothing while
    /// learning is under way: the coding meanwhile is learned from once it finishes, when there
    /// is enough of it.
    pub(super) fn learn(&mut self) {
        let repaint = self.waker();
        let Some(session) = &mut self.session else {
            return;
        };
        let Some(project) = &session.project else {
            return;
        };
        if session.learning.running {
            return;
        }
        let mut decided = HashSet::new();
        for (comment, theme) in project.decisions().coding.keys() {
            if let (Some(comment), Some(theme)) = (
                session.keys.find_comment(comment),
                session.codebook.find(theme),
            ) {
                decided.insert((comment, theme));
            }
        }
        let mut coded: Vec<CommentRef> = decided.iter().map(|&(comment, _)| comment).collect();
        coded.sort_unstable();
        coded.dedup();
        if coded.len() < FEWEST_CODED {
            session.learning.not_learned = Some(NotLearned::TooFewCoded { coded: coded.len() });
            return;
        }
        let learning = &mut session.learning;
        learning.running = true;
        learning.coded_since = 0;
        learning.coded_while_running.clear();
        let survey = Arc::clone(&session.survey);
        let tagging = Arc::clone(&session.tagging);
        let themes = session.codebook.leaf_themes();
        let generation = session.generation;
        let round = learning.round;
        self.jobs
            .spawn("Learning from your coding", repaint, move |progress| {
                let result =
                    learning::learn(&survey, &tagging, &themes, &coded, &decided, progress);
                Some(Command::Learned(generation, round, Box::new(result)))
            });
    }

    /// Takes in what learning found, unless another survey has been opened since; learns
    /// again when the codebook or the comments changed meanwhile.
    pub(super) fn learned(
        &mut self,
        generation: u64,
        round: u64,
        result: Result<Suggestions, NotLearned>,
    ) {
        let Some(session) = &mut self.session else {
            return;
        };
        if session.generation != generation {
            return;
        }
        let learning = &mut session.learning;
        learning.running = false;
        if learning.round != round {
            self.learn();
            return;
        }
        match result {
            Ok(mut suggestions) => {
                for (comment, theme) in learning.coded_while_running.drain(..) {
                    suggestions.answer(comment, theme);
                }
                if learning.suggestions.is_none() {
                    self.log.push(
                        format!(
                            "Learned from {}: {} to review in the Suggestions view",
                            counted(suggestions.learned_from, "coded comment"),
                            counted(suggestions.pending_count(), "suggestion")
                        ),
                        false,
                    );
                }
                learning.suggestions = Some(suggestions);
                learning.not_learned = None;
                self.view.review_position = 0;
            }
            Err(NotLearned::Cancelled) => {
                self.log.push(NotLearned::Cancelled.to_string(), false);
            }
            Err(reason) => {
                learning.suggestions = None;
                learning.not_learned = Some(reason);
            }
        }
        if session.learning.coded_since >= RELEARN_AFTER {
            self.learn();
        }
    }

    /// After themes were coded by hand or by answering suggestions: their suggestions are
    /// answered, and enough coding since the last learning starts it again.
    pub(super) fn coded(&mut self, coded: &[(CommentRef, ThemeId, Coding)]) {
        let Some(session) = &mut self.session else {
            return;
        };
        let learning = &mut session.learning;
        if let Some(suggestions) = &mut learning.suggestions {
            for &(comment, theme, _) in coded {
                suggestions.answer(comment, theme);
            }
        }
        if learning.running {
            learning
                .coded_while_running
                .extend(coded.iter().map(|&(comment, theme, _)| (comment, theme)));
        }
        learning.coded_since += coded.len();
        if !learning.running && learning.coded_since >= RELEARN_AFTER {
            self.learn();
        }
    }

    /// Accepts (puts the theme on the comment) or rejects (it is not suggested there again) a
    /// suggestion, as a decision.
    pub(super) fn answer_suggestion(
        &mut self,
        comment: CommentRef,
        theme: ThemeId,
        accepted: bool,
    ) {
        let Some(session) = &self.session else {
            return;
        };
        let Some(found) = session.codebook.theme(theme) else {
            return;
        };
        let what = if accepted {
            format!("accepted the suggestion \"{}\" for a comment", found.name)
        } else {
            format!("rejected the suggestion \"{}\" for a comment", found.name)
        };
        let decision = Decision::Suggestion {
            comment: session.keys.comment(comment),
            theme: found.key.clone(),
            accepted,
        };
        self.decide(&what, vec![decision]);
    }

    /// Accepts every suggestion waiting that is at least `from` sure, as one step.
    pub(super) fn accept_all_from(&mut self, from: f32) {
        let Some(session) = &self.session else {
            return;
        };
        let Some(suggestions) = &session.learning.suggestions else {
            return;
        };
        let decisions: Vec<Decision> = suggestions
            .pending()
            .filter(|(_, suggestion)| suggestion.confidence >= from)
            .filter_map(|(_, suggestion)| {
                Some(Decision::Suggestion {
                    comment: session.keys.comment(suggestion.comment),
                    theme: session.codebook.theme(suggestion.theme)?.key.clone(),
                    accepted: true,
                })
            })
            .collect();
        let percent = (from * 100.0).round();
        if decisions.is_empty() {
            self.log.push(
                format!("No suggestion waiting is at least {percent}% sure."),
                false,
            );
            return;
        }
        let what = format!(
            "accepted {} at least {percent}% sure",
            counted(decisions.len(), "suggestion")
        );
        self.decide(&what, decisions);
    }

    /// Moves the review `delta` suggestions on among those waiting (back when negative).
    pub(super) fn review_move(&mut self, delta: isize) {
        let Some(suggestions) = self
            .session
            .as_ref()
            .and_then(|session| session.learning.suggestions.as_ref())
        else {
            return;
        };
        let mut position = suggestions
            .next_pending(self.view.review_position)
            .map_or(0, |(at, _)| at);
        for _ in 0..delta.unsigned_abs() {
            let moved = if delta > 0 {
                suggestions.next_pending(position + 1)
            } else {
                suggestions.previous_pending(position)
            };
            match moved {
                Some((at, _)) => position = at,
                None => break,
            }
        }
        self.view.review_position = position;
    }
}

impl App {
    /// Reads every comment's sentiment in the background.
    pub(super) fn read_sentiments(&mut self) {
        let repaint = self.waker();
        let Some(session) = &self.session else {
            return;
        };
        let survey = Arc::clone(&session.survey);
        let comments = session.tagging.comments.clone();
        let generation = session.generation;
        self.jobs
            .spawn("Reading sentiment", repaint, move |progress| {
                let read = learning::read_sentiments(&survey, &comments, progress)?;
                Some(Command::SentimentRead(
                    generation,
                    comments.into_iter().zip(read).collect(),
                ))
            });
    }

    /// Takes in the sentiments read, unless another survey has been opened since.
    pub(super) fn sentiments_read(&mut self, generation: u64, read: Vec<(CommentRef, Sentiment)>) {
        let Some(session) = &mut self.session else {
            return;
        };
        if session.generation != generation {
            return;
        }
        session.sentiments.read = read;
        session.sentiments.learned = None;
        if self.view.sentiment.is_some() {
            self.view.refilter(session);
        }
        self.learn_sentiment();
    }

    /// Sets a comment's sentiment by hand, as a decision.
    pub(super) fn set_sentiment(&mut self, comment: CommentRef, sentiment: Sentiment) {
        let Some(session) = &self.session else {
            return;
        };
        let decision = Decision::Sentiment {
            comment: session.keys.comment(comment),
            sentiment,
        };
        let what = format!("read a comment as {}", sentiment.name());
        self.decide(&what, vec![decision]);
    }
}

impl App {
    /// Learns sentiment from the readings set by hand, in the background, once there are
    /// enough of them and the comments have been read.
    pub(super) fn learn_sentiment(&mut self) {
        let repaint = self.waker();
        let Some(session) = &mut self.session else {
            return;
        };
        let sentiments = &mut session.sentiments;
        if sentiments.learning
            || sentiments.read.is_empty()
            || sentiments.set.len() < FEWEST_READINGS
        {
            return;
        }
        let comments: Vec<CommentRef> = sentiments
            .read
            .iter()
            .map(|&(comment, _)| comment)
            .collect();
        let mut readings: Vec<(CommentRef, Sentiment, Sentiment)> = sentiments
            .set
            .iter()
            .filter_map(|(&comment, &set)| {
                let position = comments.binary_search(&comment).ok()?;
                Some((comment, set, sentiments.read[position].1))
            })
            .collect();
        readings.sort_unstable_by_key(|&(comment, ..)| comment);
        sentiments.learning = true;
        sentiments.set_since = 0;
        let survey = Arc::clone(&session.survey);
        let generation = session.generation;
        self.jobs.spawn(
            "Learning sentiment from your readings",
            repaint,
            move |_| {
                let text = |comment| survey.comment_text(comment).unwrap_or_default();
                let readings: Vec<(&str, Sentiment, Sentiment)> = readings
                    .iter()
                    .map(|&(comment, set, read)| (text(comment), set, read))
                    .collect();
                let texts: Vec<&str> = comments.iter().map(|&comment| text(comment)).collect();
                let learned = learning::learn_sentiment(&readings, &texts);
                Some(Command::SentimentLearned(
                    generation,
                    comments,
                    Box::new(learned),
                ))
            },
        );
    }

    /// Takes in sentiment learned from the readings, unless the comments changed since.
    pub(super) fn sentiment_learned(
        &mut self,
        generation: u64,
        comments: &[CommentRef],
        learned: Option<LearnedSentiment>,
    ) {
        let Some(session) = &mut self.session else {
            return;
        };
        if session.generation != generation {
            return;
        }
        let sentiments = &mut session.sentiments;
        sentiments.learning = false;
        let same_comments = sentiments.read.len() == comments.len()
            && sentiments
                .read
                .iter()
                .zip(comments)
                .all(|(&(read, _), &asked)| read == asked);
        if same_comments {
            sentiments.learned = learned;
            if self.view.sentiment.is_some() {
                self.view.refilter(session);
            }
        }
        if !same_comments || session.sentiments.set_since >= RELEARN_AFTER {
            self.learn_sentiment();
        }
    }

    /// After readings were set by hand: enough of them since the last learning starts it again.
    pub(super) fn sentiments_set(&mut self, count: usize) {
        let Some(session) = &mut self.session else {
            return;
        };
        session.sentiments.set_since += count;
        if session.sentiments.set_since >= RELEARN_AFTER || session.sentiments.learned.is_none() {
            self.learn_sentiment();
        }
    }
}
