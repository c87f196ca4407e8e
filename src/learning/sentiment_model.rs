//! Sentiment learned from the readings a person set by hand: the suggestions' classifier with
//! one class per sentiment, used for the comments not read by hand once it reads the person's
//! own readings better than the lexicon does.

use super::multilabel::{Classifier, Options, held_out_best};
use super::sentiment::Sentiment;

/// Readings set by hand needed before a model is learned from them.
pub const FEWEST_READINGS: usize = 20;

/// Folds for judging the learned model on the readings held out.
const FOLDS: usize = 5;

/// What was learned from the readings set by hand.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnedSentiment {
    /// The learned sentiment of each text asked about, in order.
    pub sentiments: Vec<Sentiment>,
    /// How many readings set by hand it was learned from.
    pub readings: usize,
    /// The share of those readings the learned model got right when they were held out.
    pub learned_accuracy: f64,
    /// The share of them the words alone (the lexicon) got right.
    pub lexicon_accuracy: f64,
}

impl LearnedSentiment {
    /// Whether the learned model read the person's readings better than the words alone.
    pub fn is_better(&self) -> bool {
        self.learned_accuracy > self.lexicon_accuracy
    }
}

/// Learns from `readings` (text, the sentiment set by hand, what the lexicon read) and reads
/// `texts`; `None` with fewer than [`FEWEST_READINGS`] readings or only one sentiment among
/// them.
pub fn learn_sentiment(
    readings: &[(&str, Sentiment, Sentiment)],
    texts: &[&str],
) -> Option<LearnedSentiment> {
    let classes: Vec<Sentiment> = Sentiment::ALL
        .into_iter()
        .filter(|&sentiment| readings.iter().any(|&(_, set, _)| set == sentiment))
        .collect();
    if readings.len() < FEWEST_READINGS || classes.len() < 2 {
        return None;
    }
    let class_of = |sentiment: Sentiment| classes.iter().position(|&class| class == sentiment);
    let reading_texts: Vec<&str> = readings.iter().map(|&(text, ..)| text).collect();
    let labels: Vec<usize> = readings
        .iter()
        .filter_map(|&(_, set, _)| class_of(set))
        .collect();
    let options = Options {
        inner_folds: 0,
        ..Options::default()
    };
    let held_out = held_out_best(&reading_texts, &labels, classes.len(), FOLDS, options);
    let share_right =
        |right: usize| crate::counts::as_f64(right) / crate::counts::as_f64(readings.len());
    let learned_right = held_out
        .iter()
        .zip(&labels)
        .filter(|(found, wanted)| found == wanted)
        .count();
    let lexicon_right = readings
        .iter()
        .filter(|&&(_, set, read)| set == read)
        .count();
    let as_sets: Vec<Vec<usize>> = labels.iter().map(|&label| vec![label]).collect();
    let classifier = Classifier::train(&reading_texts, &as_sets, classes.len(), options);
    let sentiments = texts
        .iter()
        .map(|text| classes[classifier.best(text).unwrap_or_default()])
        .collect();
    Some(LearnedSentiment {
        sentiments,
        readings: readings.len(),
        learned_accuracy: share_right(learned_right),
        lexicon_accuracy: share_right(lexicon_right),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_that_the_words_get_wrong_are_learned() {
        // "Brilliant" said of waiting lists is meant bitterly here: the lexicon reads it as
        // positive, the person as negative.
        let texts: Vec<String> = (0..40)
            .map(|index| {
                if index % 2 == 0 {
                    format!("brilliant, another year on the waiting list, number {index}")
                } else {
                    format!("the new classroom opened in week {index}")
                }
            })
            .collect();
        let readings: Vec<(&str, Sentiment, Sentiment)> = texts
            .iter()
            .enumerate()
            .map(|(index, text)| {
                if index % 2 == 0 {
                    (text.as_str(), Sentiment::Negative, Sentiment::Positive)
                } else {
                    (text.as_str(), Sentiment::Neutral, Sentiment::Neutral)
                }
            })
            .collect();
        let learned = learn_sentiment(
            &readings,
            &[
                "brilliant, a year on the waiting list",
                "the classroom opened",
            ],
        )
        .expect("learned");
        assert_eq!(
            learned.sentiments,
            [Sentiment::Negative, Sentiment::Neutral]
        );
        assert!((learned.lexicon_accuracy - 0.5).abs() < 1e-9);
        assert!(learned.learned_accuracy > 0.9 && learned.is_better());
        assert_eq!(learned.readings, 40);
        assert_eq!(learn_sentiment(&readings[..10], &[]), None);
    }
}
