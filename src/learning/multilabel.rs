//! Several labels per comment: for each label, one linear model over shared TF-IDF features and
//! one over the comments' meanings (the word pieces' vectors), their scores blended; one decision
//! threshold for all labels, tuned by cross-validation inside the training comments.

use super::calibration::Calibration;
use super::embedding::Embedding;
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

/// The SVM's C for the models over meanings: a few hundred values shared by every comment are
/// fitted more loosely than the grams (on Care Opinion, 0.1 did better than 0.03 and 0.5).
const MEANING_COST: f32 = 0.1;

/// How much the meanings' scores count beside the grams', each measured by its spread on
/// comments held out. On Care Opinion, against the grams alone (micro-F1, 5 folds at three
/// seeds): 0.5 gained 0.002-0.006, 1 less; choosing among 0, 0.25, 0.5 and 1 by the held-out
/// comments gained no more, and lost at 50-100 coded comments.
const MEANING_WEIGHT: f32 = 0.5;

/// Thresholds tried, on the blended scores (in the grams' models' units): from -0.6 up to 0.2 by
/// 0.01. Blended scores' F1 peaks more sharply than the grams' alone: on Care Opinion steps of
/// 0.05 missed the peak by up to 0.006 micro-F1.
const LOWEST_THRESHOLD: f32 = -0.6;
const THRESHOLD_STEP: f32 = 0.01;
const THRESHOLDS_TRIED: usize = 81;

/// A trained multi-label classifier.
#[derive(Debug, Clone)]
pub struct Classifier {
    fitted: Fitted,
    tuning: Tuning,
    at_least_one: bool,
}

/// The features learned from training comments, and each label's two models.
#[derive(Debug, Clone)]
struct Fitted {
    vectorizer: Vectorizer,
    grams: Vec<LinearModel>,
    embedding: Embedding,
    meanings: Vec<LinearModel>,
}

impl Fitted {
    /// Each label's score from the grams' model and from the meanings' model.
    fn scores(&self, text: &str) -> LabelScores {
        let grams = self.vectorizer.transform(text);
        let meaning = self.embedding.transform(text);
        LabelScores {
            grams: self.grams.iter().map(|model| model.score(&grams)).collect(),
            meanings: self
                .meanings
                .iter()
                .map(|model| model.score(meaning.as_slice()))
                .collect(),
        }
    }
}

/// One text's scores, by label, from the two kinds of model.
struct LabelScores {
    grams: Vec<f32>,
    meanings: Vec<f32>,
}

impl LabelScores {
    /// The two models' scores blended.
    fn blended(&self, blend: Blend) -> Vec<f32> {
        self.grams
            .iter()
            .zip(&self.meanings)
            .map(|(&grams, &meanings)| blend.score(grams, meanings))
            .collect()
    }
}

/// How the meanings' scores are added to the grams': multiplied by [`MEANING_WEIGHT`] times the
/// ratio of the grams' spread to theirs.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Blend {
    balance: f32,
}

impl Blend {
    /// The blend for the (grams', meanings') spreads of scores on held-out comments.
    fn new(spreads: (f32, f32)) -> Self {
        let balance = if spreads.1 > 0.0 {
            MEANING_WEIGHT * spreads.0 / spreads.1
        } else {
            MEANING_WEIGHT
        };
        Self { balance }
    }

    /// The blended score, in the grams' units so that the two models' common boundary stays at
    /// 0 and the thresholds tried fit it.
    fn score(self, grams: f32, meanings: f32) -> f32 {
        (grams + self.balance * meanings) / (1.0 + MEANING_WEIGHT)
    }
}

/// What holding comments out of training showed.
#[derive(Debug, Clone)]
struct Tuning {
    /// The score from which a label is given.
    threshold: f32,
    /// Each label's agreement with the held-out comments at that threshold; empty when there
    /// were too few comments to hold any out.
    held_out: Vec<Counts>,
    /// Scores to confidences.
    calibration: Calibration,
    /// How the two models' scores are blended.
    blend: Blend,
}

impl Default for Tuning {
    fn default() -> Self {
        Self {
            threshold: 0.0,
            held_out: Vec::new(),
            calibration: Calibration::default(),
            // Nothing held out to measure the spreads by: taken as equal.
            blend: Blend::new((1.0, 1.0)),
        }
    }
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
        Self {
            fitted: fit(texts, labels, label_count, options),
            tuning,
            at_least_one: options.at_least_one,
        }
    }

    /// Each label's score for a text; above [`Classifier::threshold`] suggests the label.
    pub fn scores(&self, text: &str) -> Vec<f32> {
        self.fitted.scores(text).blended(self.tuning.blend)
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

/// The features and each label's two models, trained on every core.
fn fit(texts: &[&str], labels: &[Vec<usize>], label_count: usize, options: Options) -> Fitted {
    let vectorizer = Vectorizer::fit(texts.iter().copied());
    let grams: Vec<SparseVector> =
        crate::cores::map_on_every_core(texts, |text| vectorizer.transform(text));
    let (embedding, meanings) = Embedding::fit(texts);
    let gram_examples: Vec<&SparseVector> = grams.iter().collect();
    let meaning_examples: Vec<&[f32]> = meanings.iter().map(Vec::as_slice).collect();
    let train_label = |label: usize| {
        let has: Vec<bool> = labels.iter().map(|own| own.contains(&label)).collect();
        // Each label's own order, so the models do not depend on how labels share the cores.
        let order = || {
            fastrand::Rng::with_seed(
                options.seed ^ (label as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            )
        };
        let grams = LinearModel::train(
            &gram_examples,
            &has,
            vectorizer.dimensions(),
            options.cost,
            &mut order(),
        );
        let meanings = LinearModel::train(
            &meaning_examples,
            &has,
            embedding.dimensions(),
            MEANING_COST,
            &mut order(),
        );
        (grams, meanings)
    };
    let models: Vec<(LinearModel, LinearModel)> =
        crate::cores::one_by_one(label_count, crate::cores::available(), train_label);
    let (grams, meanings) = models.into_iter().unzip();
    Fitted {
        vectorizer,
        grams,
        embedding,
        meanings,
    }
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
    let mut held_out: Vec<(usize, LabelScores)> = Vec::with_capacity(texts.len());
    for fold in 0..folds {
        let (train, test): (Vec<usize>, Vec<usize>) =
            (0..texts.len()).partition(|&index| fold_of[index] != fold);
        let train_texts: Vec<&str> = train.iter().map(|&index| texts[index]).collect();
        let train_labels: Vec<Vec<usize>> =
            train.iter().map(|&index| labels[index].clone()).collect();
        let fitted = fit(&train_texts, &train_labels, label_count, options);
        let test_texts: Vec<&str> = test.iter().map(|&index| texts[index]).collect();
        held_out.extend(
            test.into_iter()
                .zip(crate::cores::map_on_every_core(&test_texts, |text| {
                    fitted.scores(text)
                })),
        );
    }
    let spread = |scores: &dyn Fn(&LabelScores) -> &[f32]| {
        standard_deviation(held_out.iter().flat_map(|(_, own)| scores(own)))
    };
    let spreads = (spread(&|own| &own.grams), spread(&|own| &own.meanings));
    let blend = Blend::new(spreads);
    let held_out: Vec<(usize, Vec<f32>)> = held_out
        .iter()
        .map(|(index, scores)| (*index, scores.blended(blend)))
        .collect();
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
        blend,
    }
}

/// The standard deviation of `values` (0 for none).
fn standard_deviation<'a>(values: impl Iterator<Item = &'a f32> + Clone) -> f32 {
    let (count, sum) = values
        .clone()
        .fold((0_usize, 0.0_f32), |(count, sum), &value| {
            (count + 1, sum + value)
        });
    if count == 0 {
        return 0.0;
    }
    let mean = sum / crate::counts::as_f32(count);
    let squares: f32 = values.map(|&value| (value - mean).powi(2)).sum();
    (squares / crate::counts::as_f32(count)).sqrt()
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
    fn meanings_carry_a_label_to_comments_that_share_no_word_with_its_examples() {
        let (texts, labels) = examples();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let fitted = fit(&texts, &labels, 2, Options::default());
        for (text, label) in [
            ("the minibus driver turned up hours behind schedule", 0),
            ("classroom assistants should learn about dyslexia", 1),
        ] {
            let meanings = fitted.scores(text).meanings;
            assert!(
                meanings[label] > meanings[1 - label],
                "{text}: {meanings:?}"
            );
        }
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
