//! How fast the comment index answers keyword questions, as the codebook editor asks them on
//! every keystroke.
//!
//! `cargo bench --bench keywords` builds a 10,000-response survey in memory from the sample's
//! sentences recombined (three free-text questions, about 2.5 answers of 20 to 60 words per
//! response), indexes it, and times `theme_matches` for every theme of the built-in SEND codebook
//! and `keyword_matches` for every keyword, checking each theme against a full tagging pass.

use std::time::{Duration, Instant};

use consultlens::codebook::{Codebook, ThemeId};
use consultlens::counts::as_f64;
use consultlens::import::{ImportOptions, import_file};
use consultlens::model::{Column, ColumnRole, CommentRef, SourceFile, Survey, Value};
use consultlens::progress::Progress;
use consultlens::tagging::{CommentIndex, RuleSet, Tokenizer, tag_survey_with};

const RESPONSES: usize = 10_000;
/// Each free-text question and the share of responses that leave it blank.
const QUESTIONS: [(&str, f64); 3] = [
    ("What are your views on the three priorities?", 0.05),
    ("What would make the biggest difference?", 0.15),
    ("Is there anything else you would like to tell us?", 0.3),
];
/// Timed runs per measurement; the median is reported.
const BUILD_RUNS: usize = 5;
const QUERY_RUNS: usize = 15;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let sample = import_file(
        &root.join("sample-data/send_consultation.xlsx"),
        &ImportOptions::default(),
        &Progress::new(),
    )?
    .survey;
    let survey = generate(&sentences(&sample), RESPONSES);
    let codebook = Codebook::built_in("send-strategy")?;
    let comments = survey.comments();
    let words: usize = {
        let tokenizer = Tokenizer::default();
        comments
            .iter()
            .map(|&comment| {
                tokenizer
                    .tokens(survey.comment_text(comment).unwrap_or_default())
                    .len()
            })
            .sum()
    };

    let mut index = None;
    let build = median(BUILD_RUNS, || {
        index = Some(CommentIndex::new(&survey, &comments));
    });
    let index = index.ok_or("no index built")?;
    let memory = index.memory_bytes();

    let rules = RuleSet::new(&codebook);
    let mut tagging = None;
    let full_tagging = median(1, || {
        tagging = tag_survey_with(&survey, &rules, &Progress::new());
    });
    let tagging = tagging.ok_or("tagging cancelled")?;

    let mut theme_times = Vec::new();
    let mut keyword_times = Vec::new();
    for (position, theme) in codebook.themes.iter().enumerate() {
        if theme.keywords.is_empty() {
            continue;
        }
        let tagged: Vec<CommentRef> = tagging
            .iter()
            .filter(|(_, tags)| tags.iter().any(|tag| tag.theme() == ThemeId(position)))
            .map(|(comment, _)| comment)
            .collect();
        if index.theme_matches(&theme.keywords, &theme.exclude) != tagged {
            return Err(format!("theme {} differs from the tagging", theme.key).into());
        }
        let time = median(QUERY_RUNS, || {
            std::hint::black_box(index.theme_matches(&theme.keywords, &theme.exclude));
        });
        theme_times.push((time, format!("{} ({} comments)", theme.key, tagged.len())));
        for keyword in &theme.keywords {
            let time = median(QUERY_RUNS, || {
                std::hint::black_box(index.keyword_matches(keyword, &theme.exclude));
            });
            keyword_times.push((time, format!("\"{keyword}\" in {}", theme.key)));
        }
    }

    println!(
        "{RESPONSES} responses, {} comments, {words} words, {} themes with keywords, {} keywords",
        comments.len(),
        theme_times.len(),
        keyword_times.len()
    );
    println!("{:<44} {:>12}  note", "measure", "value");
    let row = |measure: &str, value: String, note: &str| {
        println!("{measure:<44} {value:>12}  {note}");
    };
    row(
        "build index (median)",
        milliseconds(build),
        &format!("of {BUILD_RUNS} runs"),
    );
    row(
        "index memory",
        format!("{:.1} MB", as_f64(memory) / 1e6),
        &format!("{:.1} bytes per word", as_f64(memory) / as_f64(words)),
    );
    row(
        "tag_survey_with, whole codebook",
        milliseconds(full_tagging),
        "for comparison: a full tagging pass",
    );
    for (name, times) in [
        ("theme_matches per theme", &mut theme_times),
        ("keyword_matches per keyword", &mut keyword_times),
    ] {
        times.sort();
        let middle = times.get(times.len() / 2).map(|(time, ..)| *time);
        row(
            &format!("{name}, median"),
            middle.map(milliseconds).unwrap_or_default(),
            "",
        );
        if let Some((time, slowest)) = times.last() {
            row(&format!("{name}, max"), milliseconds(*time), slowest);
        }
    }
    Ok(())
}

/// The median wall time of `runs` calls.
fn median(runs: usize, mut work: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .collect();
    times.sort();
    times.get(runs / 2).copied().unwrap_or_default()
}

fn milliseconds(time: Duration) -> String {
    format!("{:.3} ms", time.as_secs_f64() * 1e3)
}

/// The sentences of the sample's comments, so that generated comments read like real ones and
/// the codebook's phrases find them.
fn sentences(sample: &Survey) -> Vec<String> {
    let mut sentences = Vec::new();
    for comment in sample.comments() {
        let text = sample.comment_text(comment).unwrap_or_default();
        let mut rest = text;
        while let Some(end) = rest.find(['.', '!', '?']) {
            let (sentence, after) = rest.split_at(end + 1);
            push_sentence(&mut sentences, sentence);
            rest = after;
        }
        push_sentence(&mut sentences, rest);
    }
    sentences
}

fn push_sentence(sentences: &mut Vec<String>, sentence: &str) {
    let sentence = sentence.trim();
    if sentence.split_whitespace().count() >= 3 {
        sentences.push(sentence.to_owned());
    }
}

/// A survey of `responses` responses whose answers are the sample's sentences recombined.
fn generate(sentences: &[String], responses: usize) -> Survey {
    let mut rng = fastrand::Rng::with_seed(10_000);
    let answer = |rng: &mut fastrand::Rng| {
        let wanted_words = rng.usize(20..=60);
        let mut text = String::new();
        while text.split_whitespace().count() < wanted_words {
            let Some(sentence) = sentences.get(rng.usize(..sentences.len().max(1))) else {
                break;
            };
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(sentence);
        }
        text
    };
    let columns = QUESTIONS
        .iter()
        .map(|&(question, blank_share)| Column {
            name: question.to_owned(),
            role: ColumnRole::FreeText,
            role_reason: String::new(),
            source_index: None,
            values: (0..responses)
                .map(|_| {
                    if rng.f64() < blank_share {
                        Value::Empty
                    } else {
                        Value::Text(answer(&mut rng).into())
                    }
                })
                .collect(),
        })
        .collect();
    Survey {
        sources: vec![SourceFile {
            path: "generated.xlsx".into(),
            sheet: None,
            header_rows: Some((1, 1)),
            responses,
        }],
        columns,
        source_rows: (2..).take(responses).collect(),
        respondent_group: None,
    }
}
