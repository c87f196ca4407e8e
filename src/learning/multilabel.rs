//! Several labels per comment: one linear model per label over shared TF-IDF features, and one
//! decision threshold for all of them, tuned by cross-validation inside the training comments.

use super::calibration::Calibration;
use super::features::{SparseVector, Vectorizer};
use super::linear::LinearModel;
use super::metrics::{Counts, pooled};

/// How the classifier is trained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// The SVM's C: how closely each label's model fits the training comments.
    pub cost: f32,
    /// Folds inside the training comments for choosing the threshold.
    pub inner_folds: usize,
    /// Seeds the folds and the training order: the same seed gives the same classifier.
    pub seed: u64,
    /// Whether every text gets at least its best label (when every coded comment raised
    /// something), or only the labels above the threshold.
    pub at_least_one: bool,
    /// The lowest confidence at which a label is given, 0 to 1: the threshold is raised to
    /// where held-out comments show it.
    pub least_confidence: f32,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            cost: 0.5,
            inner_folds: 3,
            seed: 1,
            at_least_one: true,
            least_confidence: 0.0,
        }
    }
}

/// The most training comments the threshold is tuned on.
const MOST_TUNING_TEXTS: usize = 3_000;

/// Thresholds tried, on the models' scores: from -0.6 up to 0.2 by 0.05.
const LOWEST_THRESHOLD: f32 = -0.6;
const THRESHOLD_STEP: f32 = 0.05;
const THRESHOLDS_TRIED: usize = 17;

/// A trained multi-label classifier.
#[derive(Debug, Clone)]
pub struct Classifier {
    vectorizer: Vectorizer,
    models: Vec<LinearModel>,
    tuning: Tuning,
    at_least_one: bool,
}

/// What holding comments out of training showed.
#[derive(Debug, Clone, Default)]
struct Tuning {
    /// The score from which a label is given.
    threshold: f32,
    /// Each label's agreement with the held-out comments at that threshold; empty when there
    /// were too few comments to hold any out.
    held_out: Vec<Counts>,
    /// Scores to confidences.
    calibration: Calibration,
}

impl Classifier {
    /// Learns `label_count` labels from `texts`, where `labels[i]` are the label numbers of
    /// `texts[i]`.
    pub fn train(
        texts: &[&str],
        labels: &[Vec<usize>],
        label_count: usize,
        options: Options,
    ) -> Self {
        let tuning = tune(texts, labels, label_count, options);
        let (vectorizer, models) = fit(texts, labels, label_count, options);
        Self {
            vectorizer,
            models,
            tuning,
            at_least_one: options.at_least_one,
        }
    }

    /// Each label's score for a text; above [`Classifier::threshold`] suggests the label.
    pub fn scores(&self, text: &str) -> Vec<f32> {
        let vector = self.vectorizer.transform(text);
        self.models
            .iter()
            .map(|model| model.score(&vector))
            .collect()
    }

    /// The score from which a label is suggested.
    pub fn threshold(&self) -> f32 {
        self.tuning.threshold
    }

    /// How confident a score makes the label, 0 to 1, judged on comments held out from training.
    pub fn confidence(&self, score: f32) -> f32 {
        self.tuning.calibration.confidence(score)
    }

    /// Each label's agreement with the comments held out while tuning (cross-validated within
    /// the training comments); `None` when there were too few to hold any out.
    pub fn held_out(&self) -> Option<&[Counts]> {
        (!self.tuning.held_out.is_empty()).then_some(self.tuning.held_out.as_slice())
    }

    /// The best-scoring label of a text, for labels that exclude each other.
    pub fn best(&self, text: &str) -> Option<usize> {
        self.scores(text)
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(label, _)| label)
    }

    /// The labels suggested for a text: those scoring above the threshold, or else the best one.
    pub fn predict(&self, text: &str) -> Vec<usize> {
        decide(&self.scores(text), self.tuning.threshold, self.at_least_one)
    }
}

/// The labels above `threshold`, or (`at_least_one`) the best-scoring one when none is.
fn decide(scores: &[f32], threshold: f32, at_least_one: bool) -> Vec<usize> {
    let above: Vec<usize> = (0..scores.len())
        .filter(|&label| scores[label] > threshold)
        .collect();
    if !above.is_empty() || !at_least_one {
        return above;
    }
    scores
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(label, _)| vec![label])
        .unwrap_or_default()
}

/// The vectorizer and one model per label, trained on every core.
fn fit(
    texts: &[&str],
    labels: &[Vec<usize>],
    label_count: usize,
    options: Options,
) -> (Vectorizer, Vec<LinearModel>) {
    let vectorizer = Vectorizer::fit(texts.iter().copied());
    let vectors: Vec<SparseVector> = texts
        .iter()
        .map(|text| vectorizer.transform(text))
        .collect();
    let examples: Vec<&SparseVector> = vectors.iter().collect();
    let dimensions = vectorizer.dimensions();
    let train_label = |label: usize| {
        let has: Vec<bool> = labels.iter().map(|own| own.contains(&label)).collect();
        // Each label's own order, so the models do not depend on how labels share the cores.
        let mut order = fastrand::Rng::with_seed(
            options.seed ^ (label as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        );
        LinearModel::train(&examples, &has, dimensions, options.cost, &mut order)
    };
    let models = crate::cores::in_runs(label_count, crate::cores::available(), |run| {
        run.map(train_label).collect()
    });
    (vectorizer, models)
}

/// The threshold that gives the best micro-F1 on comments held out from training, fold by fold
/// inside `texts`, with how each label fared there and the scores' calibration; the models' own
/// boundary (0) when there are too few comments to hold any out.
fn tune(texts: &[&str], labels: &[Vec<usize>], label_count: usize, options: Options) -> Tuning {
    let folds = options.inner_folds;
    if folds < 2 || texts.len() < folds * 5 {
        return Tuning::default();
    }
    if texts.len() > MOST_TUNING_TEXTS {
        // A threshold is as well chosen on a few thousand comments held out: a seeded sample
        // of them keeps training on many comments quick.
        let mut sample: Vec<usize> = (0..texts.len()).collect();
        fastrand::Rng::with_seed(options.seed).shuffle(&mut sample);
        sample.truncate(MOST_TUNING_TEXTS);
        sample.sort_unstable();
        let texts: Vec<&str> = sample.iter().map(|&index| texts[index]).collect();
        let labels: Vec<Vec<usize>> = sample.iter().map(|&index| labels[index].clone()).collect();
        return tune(&texts, &labels, label_count, options);
    }
    let fold_of = fold_numbers(texts.len(), folds, options.seed);
    let mut held_out: Vec<(usize, Vec<f32>)> = Vec::with_capacity(texts.len());
    for fold in 0..folds {
        let (train, test): (Vec<usize>, Vec<usize>) =
            (0..texts.len()).partition(|&index| fold_of[index] != fold);
        let train_texts: Vec<&str> = train.iter().map(|&index| texts[index]).collect();
        let train_labels: Vec<Vec<usize>> =
            train.iter().map(|&index| labels[index].clone()).collect();
        let (vectorizer, models) = fit(&train_texts, &train_labels, label_count, options);
        for index in test {
            let vector = vectorizer.transform(texts[index]);
            held_out.push((
                index,
                models.iter().map(|model| model.score(&vector)).collect(),
            ));
        }
    }
    let counts_at = |threshold: f32| {
        let mut counts = vec![Counts::default(); label_count];
        for (index, scores) in &held_out {
            let predicted = decide(scores, threshold, options.at_least_one);
            for (label, counts) in counts.iter_mut().enumerate() {
                counts.add(labels[*index].contains(&label), predicted.contains(&label));
            }
        }
        counts
    };
    let threshold = (0..THRESHOLDS_TRIED)
        .map(|step| LOWEST_THRESHOLD + THRESHOLD_STEP * crate::counts::as_f32(step))
        .map(|threshold| (threshold, pooled(&counts_at(threshold)).scores().f1))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(0.0, |(threshold, _)| threshold);
    let scored: Vec<(f32, bool)> = held_out
        .iter()
        .flat_map(|(index, scores)| {
            scores
                .iter()
                .enumerate()
                .map(move |(label, &score)| (score, labels[*index].contains(&label)))
        })
        .collect();
    let calibration = Calibration::fit(&scored);
    let threshold = threshold.max(calibration.score_at(options.least_confidence));
    Tuning {
        threshold,
        held_out: counts_at(threshold),
        calibration,
    }
}

/// For each text, the best class of a classifier trained on the other folds: `labels[i]` is the
/// one class of `texts[i]`.
pub fn held_out_best(
    texts: &[&str],
    labels: &[usize],
    classes: usize,
    folds: usize,
    options: Options,
) -> Vec<usize> {
    let fold_of = fold_numbers(texts.len(), folds, options.seed);
    let mut best = vec![0; texts.len()];
    for fold in 0..folds {
        let (train, test): (Vec<usize>, Vec<usize>) =
            (0..texts.len()).partition(|&index| fold_of[index] != fold);
        let train_texts: Vec<&str> = train.iter().map(|&index| texts[index]).collect();
        let train_labels: Vec<Vec<usize>> =
            train.iter().map(|&index| vec![labels[index]]).collect();
        let classifier = Classifier::train(&train_texts, &train_labels, classes, options);
        for index in test {
            best[index] = classifier.best(texts[index]).unwrap_or_default();
        }
    }
    best
}

/// A fold number for each of `count` items, shuffled by `seed`, the folds as equal as can be.
pub fn fold_numbers(count: usize, folds: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..count).collect();
    fastrand::Rng::with_seed(seed).shuffle(&mut order);
    let mut fold_of = vec![0; count];
    for (position, &index) in order.iter().enumerate() {
        fold_of[index] = position % folds.max(1);
    }
    fold_of
}

#[cfg(test)]
mod tests {
    use super::*;

    fn examples() -> (Vec<String>, Vec<Vec<usize>>) {
        let topics = [
            ("the school bus was late again", 0),
            ("a taxi that never comes on time", 0),
            ("teachers need autism training", 1),
            ("no training for the support staff", 1),
        ];
        (0..60)
            .map(|index| {
                let (text, label) = topics[index % topics.len()];
                (format!("{text}, week {index}"), vec![label])
            })
            .unzip()
    }

    #[test]
    fn the_same_comments_and_seed_give_the_same_classifier() {
        let (texts, labels) = examples();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let one = Classifier::train(&texts, &labels, 2, Options::default());
        let again = Classifier::train(&texts, &labels, 2, Options::default());
        for text in ["the bus is late", "staff training please", "nothing at all"] {
            assert_eq!(one.scores(text), again.scores(text));
        }
        assert_eq!(one.predict("the taxi was late"), vec![0]);
        assert_eq!(one.predict("more training for teachers"), vec![1]);
        // Every comment gets at least its best label.
        assert_eq!(one.predict("zzz").len(), 1);
    }

    #[test]
    fn many_comments_tune_the_threshold_on_a_sample_and_still_learn() {
        let topics = ["the school bus was late", "teachers need autism training"];
        let texts: Vec<String> = (0..MOST_TUNING_TEXTS + 100)
            .map(|index| format!("{}, week {index}", topics[index % 2]))
            .collect();
        let labels: Vec<Vec<usize>> = (0..texts.len()).map(|index| vec![index % 2]).collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let classifier = Classifier::train(&texts, &labels, 2, Options::default());
        let held_out = classifier.held_out().expect("tuned");
        let looked_at = |counts: &Counts| {
            counts.true_positives
                + counts.false_positives
                + counts.false_negatives
                + counts.true_negatives
        };
        assert_eq!(looked_at(&held_out[0]), MOST_TUNING_TEXTS);
        assert_eq!(classifier.predict("the bus was late"), vec![0]);
        assert_eq!(classifier.predict("autism training"), vec![1]);
    }

    #[test]
    fn folds_are_as_equal_as_can_be_and_follow_the_seed() {
        let folds = fold_numbers(11, 3, 5);
        let sizes: Vec<usize> = (0..3)
            .map(|fold| folds.iter().filter(|&&of| of == fold).count())
            .collect();
        assert_eq!(sizes, [4, 4, 3]);
        assert_eq!(folds, fold_numbers(11, 3, 5));
        assert_ne!(folds, fold_numbers(11, 3, 6));
    }
}
