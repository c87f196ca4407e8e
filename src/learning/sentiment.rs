//! Whether a comment reads positive, negative, neutral or mixed, with no training: VADER's
//! lexicon and rules (negation, intensifiers, "but", capitals; MIT licence) sentence by
//! sentence, so that a long story that praises and complains is seen as both.

use vader_sentiment::SentimentIntensityAnalyzer;

/// A comment's sentiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sentiment {
    Positive,
    Negative,
    Neutral,
    Mixed,
}

impl Sentiment {
    /// Every sentiment, in the order reports list them.
    pub const ALL: [Sentiment; 4] = [
        Sentiment::Positive,
        Sentiment::Negative,
        Sentiment::Neutral,
        Sentiment::Mixed,
    ];

    /// The lower-case name, as files and JSON write it.
    pub fn name(self) -> &'static str {
        match self {
            Sentiment::Positive => "positive",
            Sentiment::Negative => "negative",
            Sentiment::Neutral => "neutral",
            Sentiment::Mixed => "mixed",
        }
    }

    /// The sentiment a label names, ignoring case and spaces.
    pub fn from_label(label: &str) -> Option<Self> {
        let label = label.trim().to_lowercase();
        Self::ALL
            .into_iter()
            .find(|sentiment| sentiment.name() == label)
    }
}

/// A sentence's VADER compound score from which it counts as positive or negative.
const SENTENCE_POLARITY: f64 = 0.3;

/// The whole comment's compound score from which it is positive or negative when no sentence is
/// strongly either: VADER's own cut-off.
const WHOLE_POLARITY: f64 = 0.05;

/// When the weaker side holds at least this share of the strength, the comment is mixed.
const MIXED_SHARE: f64 = 0.35;

/// Reads sentiment out of the box.
pub struct SentimentReader {
    analyzer: SentimentIntensityAnalyzer<'static>,
}

impl Default for SentimentReader {
    fn default() -> Self {
        Self {
            analyzer: SentimentIntensityAnalyzer::new(),
        }
    }
}

impl SentimentReader {
    /// The sentiment of a comment.
    pub fn read(&self, text: &str) -> Sentiment {
        let compound = |text: &str| {
            self.analyzer
                .polarity_scores(text)
                .get("compound")
                .copied()
                .unwrap_or(0.0)
        };
        let (mut positive, mut negative) = (0.0, 0.0);
        for sentence in sentences(text) {
            let score = compound(sentence);
            if score >= SENTENCE_POLARITY {
                positive += score;
            } else if score <= -SENTENCE_POLARITY {
                negative -= score;
            }
        }
        let strength = positive + negative;
        if strength == 0.0 {
            let whole = compound(text);
            return if whole >= WHOLE_POLARITY {
                Sentiment::Positive
            } else if whole <= -WHOLE_POLARITY {
                Sentiment::Negative
            } else {
                Sentiment::Neutral
            };
        }
        if f64::min(positive, negative) / strength >= MIXED_SHARE {
            Sentiment::Mixed
        } else if positive > negative {
            Sentiment::Positive
        } else {
            Sentiment::Negative
        }
    }
}

/// The sentiment of each of `comments` (which must have text), read on every core; `None` when
/// cancelled.
pub fn read_all(
    survey: &crate::model::Survey,
    comments: &[crate::model::CommentRef],
    progress: &crate::progress::Progress,
) -> Option<Vec<Sentiment>> {
    let read = crate::cores::in_runs(comments.len(), crate::cores::available(), |run| {
        let reader = SentimentReader::default();
        let mut read = Vec::with_capacity(run.len());
        for &comment in &comments[run] {
            if progress.is_cancelled() {
                break;
            }
            read.push(reader.read(survey.comment_text(comment).unwrap_or_default()));
        }
        read
    });
    (!progress.is_cancelled() && read.len() == comments.len()).then_some(read)
}

/// How many comments with each theme read as each sentiment, in [`Sentiment::ALL`] order.
pub fn by_theme(
    themes: &[crate::codebook::ThemeId],
    tagging: &crate::tagging::Tagging,
    sentiment_of: impl Fn(crate::model::CommentRef) -> Option<Sentiment>,
) -> Vec<[usize; 4]> {
    let mut counts = vec![[0; 4]; themes.len()];
    for (comment, tags) in tagging.iter() {
        let Some(sentiment) = sentiment_of(comment) else {
            continue;
        };
        let column = Sentiment::ALL
            .iter()
            .position(|&each| each == sentiment)
            .unwrap_or_default();
        for tag in tags {
            if let Some(row) = themes.iter().position(|&theme| theme == tag.theme()) {
                counts[row][column] += 1;
            }
        }
    }
    counts
}

/// The sentences of a text: split after . ! ? and at line ends.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive(['.', '!', '?', '\n'])
        .map(str::trim)
        .filter(|sentence| sentence.chars().any(char::is_alphanumeric))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negation_and_mixed_feelings_are_read() {
        let reader = SentimentReader::default();
        assert_eq!(
            reader.read("The staff were really helpful and kind."),
            Sentiment::Positive
        );
        assert_eq!(
            reader.read("The staff were not helpful."),
            Sentiment::Negative
        );
        assert_eq!(
            reader.read("Nobody ever listened to us. It was awful."),
            Sentiment::Negative
        );
        assert_eq!(reader.read("The form has three pages."), Sentiment::Neutral);
        assert_eq!(
            reader.read(
                "The teachers are wonderful and caring. The transport is terrible and dangerous."
            ),
            Sentiment::Mixed
        );
        assert_eq!(
            Sentiment::from_label(" Negative "),
            Some(Sentiment::Negative)
        );
        assert_eq!(Sentiment::from_label("cross"), None);
    }

    #[test]
    fn counts_by_theme_follow_each_comments_sentiment() {
        use crate::codebook::ThemeId;
        use crate::model::{ColumnId, CommentRef, ResponseId};
        use crate::tagging::{Tag, Tagging};
        let comment = |index| CommentRef {
            response: ResponseId(index),
            column: ColumnId(0),
        };
        let tag = |theme| Tag::by_person(ThemeId(theme));
        let tagging = Tagging::new(
            (0..3).map(comment).collect(),
            &[vec![tag(0), tag(1)], vec![tag(1)], Vec::new()],
        );
        let read = [Sentiment::Negative, Sentiment::Positive, Sentiment::Mixed];
        let counts = by_theme(&[ThemeId(1), ThemeId(0)], &tagging, |comment| {
            read.get(comment.response.index()).copied()
        });
        assert_eq!(counts, [[1, 1, 0, 0], [0, 1, 0, 0]]);
    }
}
