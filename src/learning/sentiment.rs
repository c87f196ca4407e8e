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
}
