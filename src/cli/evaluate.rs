//! `consultlens evaluate`: how well the learned suggestions, or a codebook's rules, agree with a
//! person's labels on the same comments; or how well two people agree with each other.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Result, bail};
use clap::Args;
use serde::Serialize;

use super::columns::column_named;
use crate::codebook::Codebook;
use crate::counts::as_f64;
use crate::heading::normalise_heading;
use crate::import::{self, ImportOptions};
use crate::learning::metrics::{Counts, Scores, macro_average, pooled};
use crate::learning::{Classifier, Options, Sentiment, SentimentReader, held_out_best};
use crate::model::{ColumnId, ResponseId, Survey};
use crate::progress::Progress;
use crate::tagging::{RuleSet, tag_text};

/// `evaluate` arguments.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// A file of comments with people's labels (.csv, .xlsx ...).
    pub file: PathBuf,
    /// The column of comment text.
    #[arg(long)]
    pub text: String,
    /// The column of labels, several separated by `;`.
    #[arg(long, required_unless_present = "sentiment")]
    pub labels: Option<String>,
    /// Judge sentiment instead, against this column's labels (positive, negative, neutral,
    /// mixed): out of the box, or learned when --folds is given.
    #[arg(long, conflicts_with_all = ["labels", "train_size", "codebook", "against"])]
    pub sentiment: Option<String>,
    /// Cross-validate with this many folds (default 5; for --sentiment, learn from the labels).
    #[arg(long, conflicts_with_all = ["train_size", "codebook", "against"])]
    pub folds: Option<usize>,
    /// Train on this many random comments and test on the rest, instead of folds.
    #[arg(long, conflicts_with_all = ["codebook", "against"])]
    pub train_size: Option<usize>,
    /// Seeds the folds and the training (default 1): the same seed gives the same figures.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Judge a codebook's rules instead (a built-in name or a file): its themes are matched to
    /// the labels by name.
    #[arg(long, conflicts_with = "against")]
    pub codebook: Option<String>,
    /// A second person's labels of the same comments: Cohen's kappa per label and overall.
    #[arg(long)]
    pub against: Option<String>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// The JSON shape scripts rely on.
#[derive(Serialize)]
struct EvaluationJson {
    examples: usize,
    labels: usize,
    micro: ScoresJson,
    #[serde(rename = "macro")]
    macro_scores: ScoresJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    kappa: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accuracy: Option<f64>,
    /// Rows: the labelled sentiment; columns: the one read, both in `labels` order.
    #[serde(skip_serializing_if = "Option::is_none")]
    confusion: Option<ConfusionJson>,
    per_label: Vec<LabelJson>,
    seconds: f64,
}

#[derive(Serialize)]
struct ConfusionJson {
    labels: Vec<String>,
    counts: Vec<Vec<usize>>,
}

#[derive(Serialize)]
struct ScoresJson {
    precision: f64,
    recall: f64,
    f1: f64,
}

#[derive(Serialize)]
struct LabelJson {
    label: String,
    support: usize,
    precision: f64,
    recall: f64,
    f1: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    kappa: Option<f64>,
}

impl From<Scores> for ScoresJson {
    fn from(scores: Scores) -> Self {
        Self {
            precision: scores.precision,
            recall: scores.recall,
            f1: scores.f1,
        }
    }
}

impl EvaluationJson {
    /// The figures every evaluation reports, from each label's counts.
    fn new(examples: usize, names: &[String], counts: &[Counts], started: Instant) -> Self {
        Self {
            examples,
            labels: names.len(),
            micro: pooled(counts).scores().into(),
            macro_scores: macro_average(counts).into(),
            kappa: None,
            accuracy: None,
            confusion: None,
            per_label: names
                .iter()
                .zip(counts)
                .map(|(name, counts)| {
                    let scores = counts.scores();
                    LabelJson {
                        label: name.clone(),
                        support: counts.support(),
                        precision: scores.precision,
                        recall: scores.recall,
                        f1: scores.f1,
                        kappa: None,
                    }
                })
                .collect(),
            seconds: started.elapsed().as_secs_f64(),
        }
    }
}

/// Comments with the labels a person gave them, as numbers into `names`.
struct Labelled {
    texts: Vec<String>,
    labels: Vec<Vec<usize>>,
    names: Vec<String>,
}

/// Runs the subcommand.
pub fn run(args: &EvaluateArgs, out: &mut dyn Write) -> Result<()> {
    let started = Instant::now();
    let survey =
        import::import_file(&args.file, &ImportOptions::default(), &Progress::new())?.survey;
    let text = column_named(&survey, &args.text, &args.file)?;
    if let Some(sentiment) = &args.sentiment {
        let sentiment = column_named(&survey, sentiment, &args.file)?;
        let evaluation = sentiment_evaluation(&survey, text, sentiment, args, started)?;
        return write_evaluation(&evaluation, args.json, out);
    }
    let labels_name = args.labels.as_deref().unwrap_or_default();
    let labels = column_named(&survey, labels_name, &args.file)?;
    let (counts, names, examples) = if let Some(against) = &args.against {
        let second = column_named(&survey, against, &args.file)?;
        let (first, second) = two_codings(&survey, text, labels, second);
        let counts = compare(&first.labels, &second.labels, first.names.len());
        (counts, first.names, first.texts.len())
    } else {
        let labelled = labelled(&survey, text, labels);
        if labelled.texts.is_empty() {
            bail!(
                "no row has both a comment in \"{}\" and labels in \"{}\": {}",
                args.text,
                labels_name,
                args.file.display()
            );
        }
        let predicted = match &args.codebook {
            Some(codebook) => rule_labels(&labelled, &Codebook::load(codebook)?),
            None => learned_labels(&labelled, args)?,
        };
        let expected: Vec<Vec<usize>> = predicted
            .iter()
            .map(|(index, _)| labelled.labels[*index].clone())
            .collect();
        let found: Vec<Vec<usize>> = predicted.into_iter().map(|(_, labels)| labels).collect();
        let counts = compare(&expected, &found, labelled.names.len());
        (counts, labelled.names, found.len())
    };
    let mut evaluation = EvaluationJson::new(examples, &names, &counts, started);
    if args.against.is_some() {
        evaluation.kappa =
            Some(counts.iter().map(Counts::kappa).sum::<f64>() / as_f64(counts.len().max(1)));
        for (label, counts) in evaluation.per_label.iter_mut().zip(&counts) {
            label.kappa = Some(counts.kappa());
        }
    }
    write_evaluation(&evaluation, args.json, out)
}

fn write_evaluation(evaluation: &EvaluationJson, json: bool, out: &mut dyn Write) -> Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, evaluation)?;
        writeln!(out)?;
        Ok(())
    } else {
        print_table(evaluation, out)
    }
}

/// Sentiment read out of the box, or learned by cross-validation, against people's labels. When
/// the labels use only positive, negative and neutral, a comment read as mixed counts as neutral.
fn sentiment_evaluation(
    survey: &Survey,
    text: ColumnId,
    labels: ColumnId,
    args: &EvaluateArgs,
    started: Instant,
) -> Result<EvaluationJson> {
    let rows: Vec<(String, Sentiment)> = (0..survey.response_count())
        .map(ResponseId::at)
        .filter_map(|response| {
            let comment = survey.value(response, text).display();
            let label = Sentiment::from_label(&survey.value(response, labels).display())?;
            (!comment.trim().is_empty()).then_some((comment, label))
        })
        .collect();
    if rows.is_empty() {
        bail!(
            "no row has a comment and a sentiment (positive, negative, neutral or mixed): {}",
            args.file.display()
        );
    }
    let classes: Vec<Sentiment> = if rows.iter().any(|(_, label)| *label == Sentiment::Mixed) {
        Sentiment::ALL.to_vec()
    } else {
        Sentiment::ALL
            .into_iter()
            .filter(|&sentiment| sentiment != Sentiment::Mixed)
            .collect()
    };
    let class_of = |sentiment: Sentiment| {
        let sentiment = if classes.contains(&sentiment) {
            sentiment
        } else {
            Sentiment::Neutral
        };
        classes
            .iter()
            .position(|&class| class == sentiment)
            .unwrap_or_default()
    };
    let expected: Vec<usize> = rows.iter().map(|(_, label)| class_of(*label)).collect();
    let predicted: Vec<usize> = match args.folds {
        None => {
            let reader = SentimentReader::default();
            rows.iter()
                .map(|(comment, _)| class_of(reader.read(comment)))
                .collect()
        }
        Some(folds) => {
            if folds < 2 || folds > rows.len() {
                bail!(
                    "--folds must be between 2 and {} (the labelled comments)",
                    rows.len()
                );
            }
            let options = Options {
                seed: args.seed,
                inner_folds: 0,
                ..Options::default()
            };
            let texts: Vec<&str> = rows.iter().map(|(comment, _)| comment.as_str()).collect();
            held_out_best(&texts, &expected, classes.len(), folds, options)
        }
    };
    let mut confusion = vec![vec![0; classes.len()]; classes.len()];
    for (&wanted, &found) in expected.iter().zip(&predicted) {
        confusion[wanted][found] += 1;
    }
    let as_sets = |classes: &[usize]| -> Vec<Vec<usize>> {
        classes.iter().map(|&class| vec![class]).collect()
    };
    let counts = compare(&as_sets(&expected), &as_sets(&predicted), classes.len());
    let right = expected
        .iter()
        .zip(&predicted)
        .filter(|(a, b)| a == b)
        .count();
    let names: Vec<String> = classes
        .iter()
        .map(|class| class.name().to_owned())
        .collect();
    let mut evaluation = EvaluationJson::new(rows.len(), &names, &counts, started);
    evaluation.accuracy = Some(as_f64(right) / as_f64(rows.len()));
    evaluation.confusion = Some(ConfusionJson {
        labels: names,
        counts: confusion,
    });
    Ok(evaluation)
}

/// A cell's labels: split at `;`, trimmed, blanks dropped.
fn split_labels(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|label| !label.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The rows with a comment and at least one label, the labels numbered in name order.
fn labelled(survey: &Survey, text: ColumnId, labels: ColumnId) -> Labelled {
    let rows: Vec<(String, Vec<String>)> = (0..survey.response_count())
        .map(ResponseId::at)
        .filter_map(|response| {
            let comment = survey.value(response, text).display();
            let own = split_labels(&survey.value(response, labels).display());
            (!comment.trim().is_empty() && !own.is_empty()).then_some((comment, own))
        })
        .collect();
    let names: Vec<String> = rows
        .iter()
        .flat_map(|(_, own)| own.iter().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let number = |label: &String| names.binary_search(label).ok();
    let (texts, labels) = rows
        .into_iter()
        .map(|(comment, own)| {
            let mut numbers: Vec<usize> = own.iter().filter_map(number).collect();
            numbers.sort_unstable();
            numbers.dedup();
            (comment, numbers)
        })
        .unzip();
    Labelled {
        texts,
        labels,
        names,
    }
}

/// Two people's labels of the rows both of them coded, numbered alike.
fn two_codings(
    survey: &Survey,
    text: ColumnId,
    first: ColumnId,
    second: ColumnId,
) -> (Labelled, Labelled) {
    let labels_of = |response: ResponseId, column: ColumnId| {
        split_labels(&survey.value(response, column).display())
    };
    let rows: Vec<(String, Vec<String>, Vec<String>)> = (0..survey.response_count())
        .map(ResponseId::at)
        .filter_map(|response| {
            let comment = survey.value(response, text).display();
            let (one, other) = (labels_of(response, first), labels_of(response, second));
            (!comment.trim().is_empty() && !one.is_empty() && !other.is_empty())
                .then_some((comment, one, other))
        })
        .collect();
    let names: Vec<String> = rows
        .iter()
        .flat_map(|(_, one, other)| one.iter().chain(other).cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let numbered = |labels: &[String]| -> Vec<usize> {
        let mut numbers: Vec<usize> = labels
            .iter()
            .filter_map(|label| names.binary_search(label).ok())
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        numbers
    };
    let texts: Vec<String> = rows.iter().map(|row| row.0.clone()).collect();
    let first = Labelled {
        texts: texts.clone(),
        labels: rows.iter().map(|row| numbered(&row.1)).collect(),
        names: names.clone(),
    };
    let second = Labelled {
        texts,
        labels: rows.iter().map(|row| numbered(&row.2)).collect(),
        names,
    };
    (first, second)
}

/// Each label's agreement between two lists of label sets, row by row.
fn compare(first: &[Vec<usize>], second: &[Vec<usize>], label_count: usize) -> Vec<Counts> {
    let mut counts = vec![Counts::default(); label_count];
    for (expected, predicted) in first.iter().zip(second) {
        for (label, counts) in counts.iter_mut().enumerate() {
            counts.add(expected.contains(&label), predicted.contains(&label));
        }
    }
    counts
}

/// The codebook's rule tags of every comment, as label numbers: a theme counts as the label with
/// the same name (ignoring case and punctuation).
fn rule_labels(labelled: &Labelled, codebook: &Codebook) -> Vec<(usize, Vec<usize>)> {
    let rules = RuleSet::new(codebook);
    let label_of_theme: Vec<Option<usize>> = codebook
        .themes
        .iter()
        .map(|theme| {
            let name = normalise_heading(&theme.name);
            labelled
                .names
                .iter()
                .position(|label| normalise_heading(label) == name)
        })
        .collect();
    labelled
        .texts
        .iter()
        .enumerate()
        .map(|(index, text)| {
            let mut labels: Vec<usize> = tag_text(&rules, text)
                .iter()
                .filter_map(|tag| label_of_theme.get(tag.theme().0).copied().flatten())
                .collect();
            labels.sort_unstable();
            labels.dedup();
            (index, labels)
        })
        .collect()
}

/// The learned classifier's labels for comments it was not trained on: by cross-validation, or
/// trained on a random sample and tested on the rest.
fn learned_labels(labelled: &Labelled, args: &EvaluateArgs) -> Result<Vec<(usize, Vec<usize>)>> {
    let count = labelled.texts.len();
    let options = Options {
        seed: args.seed,
        ..Options::default()
    };
    let splits: Vec<(Vec<usize>, Vec<usize>)> = match args.train_size {
        Some(size) => {
            if size == 0 || size >= count {
                bail!(
                    "--train-size must be between 1 and {} (the labelled comments less one)",
                    count - 1
                );
            }
            let mut order: Vec<usize> = (0..count).collect();
            fastrand::Rng::with_seed(args.seed).shuffle(&mut order);
            let (train, test) = order.split_at(size);
            let (mut train, mut test) = (train.to_vec(), test.to_vec());
            train.sort_unstable();
            test.sort_unstable();
            vec![(train, test)]
        }
        None => {
            let folds = args.folds.unwrap_or(5);
            if folds < 2 || folds > count {
                bail!("--folds must be between 2 and {count} (the labelled comments)");
            }
            let fold_of = crate::learning::fold_numbers(count, folds, args.seed);
            (0..folds)
                .map(|fold| (0..count).partition(|&index| fold_of[index] != fold))
                .collect()
        }
    };
    let mut predicted = Vec::with_capacity(count);
    for (train, test) in splits {
        let texts: Vec<&str> = train
            .iter()
            .map(|&index| labelled.texts[index].as_str())
            .collect();
        let labels: Vec<Vec<usize>> = train
            .iter()
            .map(|&index| labelled.labels[index].clone())
            .collect();
        let classifier = Classifier::train(&texts, &labels, labelled.names.len(), options);
        let predictions = crate::cores::map_on_every_core(&test, |&index| {
            classifier.predict(&labelled.texts[index])
        });
        predicted.extend(test.into_iter().zip(predictions));
    }
    predicted.sort_unstable_by_key(|(index, _)| *index);
    Ok(predicted)
}

fn print_table(evaluation: &EvaluationJson, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "{} comments, {} labels, {:.1} s",
        crate::wording::grouped(evaluation.examples),
        evaluation.labels,
        evaluation.seconds
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<48} {:>7} {:>9} {:>6} {:>6}",
        "label", "support", "precision", "recall", "F1"
    )?;
    for label in &evaluation.per_label {
        let mut name: String = label.label.chars().take(48).collect();
        if let Some(kappa) = label.kappa {
            name = format!(
                "{} (κ {kappa:.2})",
                name.chars().take(38).collect::<String>()
            );
        }
        writeln!(
            out,
            "{name:<48} {:>7} {:>9.3} {:>6.3} {:>6.3}",
            label.support, label.precision, label.recall, label.f1
        )?;
    }
    writeln!(out)?;
    for (name, scores) in [
        ("micro average", &evaluation.micro),
        ("macro average", &evaluation.macro_scores),
    ] {
        writeln!(
            out,
            "{name:<48} {:>7} {:>9.3} {:>6.3} {:>6.3}",
            "", scores.precision, scores.recall, scores.f1
        )?;
    }
    if let Some(kappa) = evaluation.kappa {
        writeln!(out, "Cohen's kappa, mean over labels: {kappa:.3}")?;
    }
    if let Some(accuracy) = evaluation.accuracy {
        writeln!(out, "accuracy: {accuracy:.3}")?;
    }
    if let Some(confusion) = &evaluation.confusion {
        writeln!(out)?;
        writeln!(
            out,
            "labelled (rows) against read (columns): {}",
            confusion.labels.join(", ")
        )?;
        for (label, row) in confusion.labels.iter().zip(&confusion.counts) {
            let cells: Vec<String> = row.iter().map(|count| format!("{count:>7}")).collect();
            writeln!(out, "{label:<10}{}", cells.join(""))?;
        }
    }
    Ok(())
}
