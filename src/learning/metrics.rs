//! How predicted labels compare with a person's: precision, recall and F1 per label, micro- and
//! macro-averaged, and Cohen's kappa for two people's coding of the same comments.

use crate::counts::as_f64;

/// Agreement counts for one label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub true_negatives: usize,
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Counts {
    /// Adds one comment: whether the label was expected and whether it was predicted.
    pub fn add(&mut self, expected: bool, predicted: bool) {
        match (expected, predicted) {
            (true, true) => self.true_positives += 1,
            (false, true) => self.false_positives += 1,
            (true, false) => self.false_negatives += 1,
            (false, false) => self.true_negatives += 1,
        }
    }

    /// The comments that have the label.
    pub fn support(&self) -> usize {
        self.true_positives + self.false_negatives
    }

    /// Precision, recall and F1; 0 where nothing was predicted or expected.
    pub fn scores(&self) -> Scores {
        let ratio = |part: usize, whole: usize| {
            if whole == 0 {
                0.0
            } else {
                as_f64(part) / as_f64(whole)
            }
        };
        let precision = ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        );
        let recall = ratio(self.true_positives, self.support());
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Scores {
            precision,
            recall,
            f1,
        }
    }

    /// Cohen's kappa: agreement beyond what two coders applying the label at their own rates
    /// would reach by chance. 1 when both agree on every comment.
    pub fn kappa(&self) -> f64 {
        let total = as_f64(
            self.true_positives + self.false_positives + self.false_negatives + self.true_negatives,
        );
        if total == 0.0 {
            return 0.0;
        }
        let observed = as_f64(self.true_positives + self.true_negatives) / total;
        let first_yes = as_f64(self.support()) / total;
        let second_yes = as_f64(self.true_positives + self.false_positives) / total;
        let chance = first_yes * second_yes + (1.0 - first_yes) * (1.0 - second_yes);
        if (1.0 - chance).abs() < f64::EPSILON {
            return if observed >= 1.0 { 1.0 } else { 0.0 };
        }
        (observed - chance) / (1.0 - chance)
    }
}

/// All labels' counts pooled: the micro average weighs each decision alike.
pub fn pooled(per_label: &[Counts]) -> Counts {
    per_label
        .iter()
        .fold(Counts::default(), |sum, counts| Counts {
            true_positives: sum.true_positives + counts.true_positives,
            false_positives: sum.false_positives + counts.false_positives,
            false_negatives: sum.false_negatives + counts.false_negatives,
            true_negatives: sum.true_negatives + counts.true_negatives,
        })
}

/// The mean of each label's scores: the macro average weighs each label alike.
pub fn macro_average(per_label: &[Counts]) -> Scores {
    if per_label.is_empty() {
        return Scores::default();
    }
    let count = as_f64(per_label.len());
    let sum = per_label
        .iter()
        .map(Counts::scores)
        .fold(Scores::default(), |sum, scores| Scores {
            precision: sum.precision + scores.precision,
            recall: sum.recall + scores.recall,
            f1: sum.f1 + scores.f1,
        });
    Scores {
        precision: sum.precision / count,
        recall: sum.recall / count,
        f1: sum.f1 / count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(bool, bool)]) -> Counts {
        let mut counts = Counts::default();
        for &(expected, predicted) in pairs {
            counts.add(expected, predicted);
        }
        counts
    }

    #[test]
    fn scores_are_the_textbook_ones() {
        // 2 found of 4 expected, 1 wrong: precision 2/3, recall 1/2.
        let label = counts(&[
            (true, true),
            (true, true),
            (true, false),
            (true, false),
            (false, true),
            (false, false),
        ]);
        let scores = label.scores();
        assert!((scores.precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((scores.recall - 0.5).abs() < 1e-12);
        assert!((scores.f1 - 4.0 / 7.0).abs() < 1e-12);
        let other = counts(&[(true, true), (false, false)]);
        let micro = pooled(&[label, other]).scores();
        assert!((micro.precision - 0.75).abs() < 1e-12);
        let macro_f1 = macro_average(&[label, other]).f1;
        assert!((macro_f1 - (4.0 / 7.0 + 1.0) / 2.0).abs() < 1e-12);
        assert_eq!(Counts::default().scores(), Scores::default());
    }

    #[test]
    fn kappa_is_one_for_agreement_and_zero_for_chance() {
        assert!((counts(&[(true, true), (false, false)]).kappa() - 1.0).abs() < 1e-12);
        // Each coder says yes half the time, independently: agreement is what chance gives.
        let chance = counts(&[(true, true), (true, false), (false, true), (false, false)]);
        assert!(chance.kappa().abs() < 1e-12);
        // The textbook example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no gives 0.4.
        let mut book = Counts::default();
        for (expected, predicted, times) in [
            (true, true, 20),
            (true, false, 5),
            (false, true, 10),
            (false, false, 15),
        ] {
            for _ in 0..times {
                book.add(expected, predicted);
            }
        }
        assert!((book.kappa() - 0.4).abs() < 1e-12);
    }
}
