//! What the charts show, decided once from the summary so that the window, the chart images and
//! the report show the same bars, titles and numbers.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};

use super::{ClosedQuestion, Crosstab, CrosstabRow, Selection, Summary, ThemeCount, percent};
use crate::answers::{AGREEMENT_SCALE, SATISFACTION_SCALE};
use crate::codebook::{Codebook, ThemeId};
use crate::counts::as_f64;
use crate::learning::{Sentiment, sentiment_by_theme};
use crate::model::{ColumnRole, CommentRef, ResponseId, Survey, ValueRef};
use crate::tagging::Tagging;
use crate::wording::{capitalised, counted, grouped};

/// Whether a theme belongs to the chosen group of themes: every theme when none is chosen.
pub fn in_group(codebook: &Codebook, theme: ThemeId, group: Option<ThemeId>) -> bool {
    group.is_none_or(|group| theme == group || codebook.parent_of(theme) == Some(group))
}

/// The bars of the theme frequency chart: the themes someone raised, within `group`, most
/// respondents first.
pub fn frequency_bars<'summary>(
    summary: &'summary Summary,
    codebook: &Codebook,
    group: Option<ThemeId>,
) -> Vec<&'summary ThemeCount> {
    summary
        .themes
        .iter()
        .filter(|theme| theme.respondents > 0 && in_group(codebook, theme.theme, group))
        .collect()
}

/// The rows of the chart comparing respondent groups: at most `limit` themes raised in any
/// group, within `group`, in the summary's order.
pub fn comparison_rows<'summary>(
    crosstab: &'summary Crosstab,
    codebook: &Codebook,
    group: Option<ThemeId>,
    limit: usize,
) -> Vec<&'summary CrosstabRow> {
    crosstab
        .rows
        .iter()
        .filter(|row| {
            row.respondents.iter().any(|count| *count > 0) && in_group(codebook, row.theme, group)
        })
        .take(limit)
        .collect()
}

/// Themes the charts of themes show at most: more bars than this cannot be read from a slide.
pub const CHART_THEMES: usize = 15;
/// Themes compared between respondent groups, and crossed in the co-occurrence chart.
pub const COMPARED_THEMES: usize = 10;
/// Respondent groups smaller than this are flagged: their percentages swing on one person.
pub const SMALL_GROUP: usize = 10;

/// One chart: what it shows, decided here for every front end.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// A short name, unique among the charts, usable as a file name: "theme-frequency".
    pub key: String,
    /// The title, carrying the base: "Themes raised (n=412 respondents who commented)".
    pub title: String,
    /// What the chart shows in one or two sentences, for screen readers and alt text.
    pub description: String,
    /// The data.
    pub body: ChartBody,
}

impl Chart {
    /// The label of the body's row `row` (a bar, a theme, a question) and the theme it counts,
    /// when it counts one.
    pub fn row(&self, row: usize) -> Option<(&str, Option<ThemeId>)> {
        match &self.body {
            ChartBody::Bars(bars) | ChartBody::Timeline(bars) => bars
                .bars
                .get(row)
                .map(|bar| (bar.label.as_str(), bar.theme)),
            ChartBody::Grouped(grouped) => grouped
                .categories
                .get(row)
                .map(|name| (name.as_str(), grouped.themes.get(row).copied())),
            ChartBody::Diverging(Diverging { rows, .. })
            | ChartBody::Stacked(Stacked { rows, .. }) => rows
                .get(row)
                .map(|found| (found.label.as_str(), found.theme)),
            ChartBody::Heatmap(heatmap) => {
                heatmap.labels.get(row).map(|label| (label.as_str(), None))
            }
        }
    }
}

/// The data of a chart, by kind.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartBody {
    /// One horizontal bar per category.
    Bars(Bars),
    /// Vertical columns along time.
    Timeline(Bars),
    /// Categories (themes) with one bar per series (respondent group).
    Grouped(Grouped),
    /// Stacked 100 % bars split around a neutral middle: agreement scales.
    Diverging(Diverging),
    /// Stacked 100 % bars: sentiment by theme.
    Stacked(Stacked),
    /// A square table of counts shaded by size: themes raised together.
    Heatmap(Heatmap),
}

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The category, in full.
    pub label: String,
    /// The length of the bar, in the axis' unit.
    pub value: f64,
    /// What is written at its end: "42% (123)".
    pub value_label: String,
    /// The theme it counts, so that choosing it can show its comments.
    pub theme: Option<ThemeId>,
}

/// Bars against one axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    /// The axis' name: "% of respondents who commented".
    pub axis: String,
    /// The bars in display order.
    pub bars: Vec<Bar>,
}

/// One series of a grouped chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Its name with its base: "Parent or carer (n=120)".
    pub name: String,
    /// Whether its base is small (fewer than [`SMALL_GROUP`]).
    pub small: bool,
    /// One value per category.
    pub values: Vec<f64>,
}

/// Categories compared across series.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouped {
    /// The axis' name.
    pub axis: String,
    /// The categories in display order.
    pub categories: Vec<String>,
    /// The themes the categories are, for choosing one.
    pub themes: Vec<ThemeId>,
    /// The series, each with one value per category.
    pub series: Vec<Series>,
}

/// Where a level of a scale sits in a diverging chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Left of zero: disagreement.
    Negative,
    /// Across zero, half each side.
    Neutral,
    /// Right of zero: agreement.
    Positive,
    /// Apart from the bar: "don't know", "not sure".
    Apart,
}

/// One level of a scale as a diverging chart draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    /// Its answer as respondents saw it.
    pub name: String,
    /// Where it sits.
    pub side: Side,
}

/// One row of a stacked chart.
#[derive(Debug, Clone, PartialEq)]
pub struct StackedRow {
    /// The question or theme.
    pub label: String,
    /// The theme, when the row is one.
    pub theme: Option<ThemeId>,
    /// How many answered: the base of the percentages.
    pub base: usize,
    /// Percent per level, in level order.
    pub percents: Vec<f64>,
}

/// Agreement with several questions on one scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Diverging {
    /// The scale, most negative first, then neutral, then positive, then the answers apart.
    pub levels: Vec<Level>,
    /// One row per question.
    pub rows: Vec<StackedRow>,
}

/// Shares of each row that fall in each segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Stacked {
    /// The segments' names in order.
    pub segments: Vec<String>,
    /// One row per category.
    pub rows: Vec<StackedRow>,
}

/// A symmetric table of counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    /// What a cell counts.
    pub unit: String,
    /// The rows' (and columns') labels.
    pub labels: Vec<String>,
    /// `counts[row][column]`; the diagonal holds each label's own count.
    pub counts: Vec<Vec<usize>>,
}

/// Colours of the sentiments, in [`Sentiment::ALL`] order: Okabe–Ito bluish green, vermillion,
/// grey and orange, told apart with colour-blindness too.
pub const SENTIMENT_COLOURS: [[u8; 3]; 4] =
    [[0, 158, 115], [213, 94, 0], [153, 153, 153], [230, 159, 0]];

/// Reads a comment's sentiment, when sentiment has been read.
pub type SentimentOf<'a> = &'a dyn Fn(CommentRef) -> Option<Sentiment>;

/// Choices a person makes about the theme charts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartOptions {
    /// Only the themes of this group; every theme when `None`.
    pub group: Option<ThemeId>,
    /// Percentages of respondents (else counts of respondents).
    pub percent: bool,
    /// Themes shown at most in the theme chart; 0 shows every theme raised.
    pub top: usize,
    /// The theme chart shows groups of themes, each counting the respondents who raised any
    /// theme under it.
    pub rolled_up: bool,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            group: None,
            percent: true,
            top: CHART_THEMES,
            rolled_up: false,
        }
    }
}

/// Everything a chart may be drawn from.
pub struct ChartSources<'a> {
    /// The survey.
    pub survey: &'a Survey,
    /// Its codebook.
    pub codebook: &'a Codebook,
    /// Its themes as they stand.
    pub tagging: &'a Tagging,
    /// The counts.
    pub summary: &'a Summary,
    /// Each comment's sentiment, when read.
    pub sentiment_of: Option<SentimentOf<'a>>,
    /// What the person chose to show.
    pub options: ChartOptions,
    /// The responses charted, when not all are (`tagging` and `summary` are then of them alone).
    pub selection: Option<&'a Selection>,
}

/// Every chart the analysis has, in the order a report presents them: themes, themes by
/// respondent group, themes together, sentiment, closed questions, responses over time.
pub fn all_charts(sources: &ChartSources) -> Vec<Chart> {
    let (summary, options) = (sources.summary, sources.options);
    let mut charts = Vec::new();
    charts.extend(theme_frequency(summary, sources.codebook, options));
    if let Some(crosstab) = &summary.by_attribute {
        charts.extend(themes_by_group(crosstab, sources.codebook, options.group));
    }
    charts.extend(co_occurrence(summary, sources.tagging));
    if let Some(sentiment_of) = sources.sentiment_of {
        charts.extend(sentiment_chart(summary, sources.tagging, sentiment_of));
    }
    charts.extend(closed_question_charts(&summary.closed));
    charts.extend(responses_over_time(sources.survey, sources.selection));
    charts
}

/// The share (or number) of respondents who raised each theme (or group of themes), as many
/// as the options say, within the chosen group.
pub fn theme_frequency(
    summary: &Summary,
    codebook: &Codebook,
    options: ChartOptions,
) -> Option<Chart> {
    let raised: Vec<&ThemeCount> = if options.rolled_up {
        summary
            .groups
            .iter()
            .filter(|group| {
                group.respondents > 0 && options.group.is_none_or(|chosen| chosen == group.theme)
            })
            .collect()
    } else {
        frequency_bars(summary, codebook, options.group)
    };
    let top = if options.top == 0 {
        raised.len()
    } else {
        options.top
    };
    let first = raised.first()?;
    let shown = raised.len().min(top);
    let bars: Vec<Bar> = raised
        .iter()
        .take(top)
        .map(|theme| Bar {
            label: theme.name.clone(),
            value: if options.percent {
                theme.percent_of_respondents
            } else {
                as_f64(theme.respondents)
            },
            value_label: if options.percent {
                format!(
                    "{:.0}% ({})",
                    theme.percent_of_respondents,
                    grouped(theme.respondents)
                )
            } else {
                format!(
                    "{} ({:.0}%)",
                    grouped(theme.respondents),
                    theme.percent_of_respondents
                )
            },
            theme: Some(theme.theme),
        })
        .collect();
    let noun = if options.rolled_up {
        "groups of themes"
    } else {
        "themes"
    };
    let which = if shown < raised.len() {
        format!("The {shown} {noun} raised most")
    } else {
        capitalised(&format!("{noun} raised"))
    };
    Some(Chart {
        key: "theme-frequency".to_owned(),
        title: format!(
            "{which} (n={} respondents who commented)",
            grouped(summary.respondents_with_comments)
        ),
        description: format!(
            "Bar chart of the share of respondents who raised each theme. {} is raised most, \
             by {:.0}% ({}).",
            first.name,
            first.percent_of_respondents,
            counted(first.respondents, "respondent")
        ),
        body: ChartBody::Bars(Bars {
            axis: if options.percent {
                "% of respondents who commented"
            } else {
                "respondents who commented"
            }
            .to_owned(),
            bars,
        }),
    })
}

/// The most raised themes in each respondent group, as a share of the group: every group shown,
/// small groups flagged.
pub fn themes_by_group(
    crosstab: &Crosstab,
    codebook: &Codebook,
    group: Option<ThemeId>,
) -> Option<Chart> {
    // Fewer themes the more groups there are, so that the chart still fits a slide.
    let themes = (48 / crosstab.groups.len().max(1)).clamp(4, COMPARED_THEMES);
    let rows = comparison_rows(crosstab, codebook, group, themes);
    if rows.is_empty() || crosstab.groups.is_empty() {
        return None;
    }
    let series = crosstab
        .groups
        .iter()
        .enumerate()
        .map(|(index, group)| Series {
            name: format!("{} (n={})", group.label(), group.respondents),
            small: group.respondents < SMALL_GROUP,
            values: rows
                .iter()
                .map(|row| row.percents.get(index).copied().unwrap_or_default())
                .collect(),
        })
        .collect::<Vec<_>>();
    let base: usize = crosstab.groups.iter().map(|group| group.respondents).sum();
    let small = series.iter().filter(|series| series.small).count();
    let caution = if small > 0 {
        format!(
            " {} fewer than {SMALL_GROUP} respondents: read their percentages with care.",
            if small == 1 {
                "One group has".to_owned()
            } else {
                format!("{small} groups have")
            }
        )
    } else {
        String::new()
    };
    Some(Chart {
        key: "themes-by-group".to_owned(),
        title: format!(
            "Themes by group: {} (n={} respondents who commented)",
            crosstab.attribute_name,
            grouped(base)
        ),
        description: format!(
            "Grouped bar chart of the share of each group of \"{}\" who raised each of the {} \
             most raised themes.{caution}",
            crosstab.attribute_name,
            rows.len()
        ),
        body: ChartBody::Grouped(Grouped {
            axis: "% of the group's respondents who commented".to_owned(),
            categories: rows.iter().map(|row| row.name.clone()).collect(),
            themes: rows.iter().map(|row| row.theme).collect(),
            series,
        }),
    })
}

/// How often the most raised themes come up in the same comment.
pub fn co_occurrence(summary: &Summary, tagging: &Tagging) -> Option<Chart> {
    let themes: Vec<&ThemeCount> = summary
        .themes
        .iter()
        .filter(|theme| theme.comments > 0)
        .take(COMPARED_THEMES)
        .collect();
    if themes.len() < 2 {
        return None;
    }
    let position: BTreeMap<ThemeId, usize> = themes
        .iter()
        .enumerate()
        .map(|(index, theme)| (theme.theme, index))
        .collect();
    let mut counts = vec![vec![0_usize; themes.len()]; themes.len()];
    for (_, tags) in tagging.iter() {
        let mut present: Vec<usize> = tags
            .iter()
            .filter_map(|tag| position.get(&tag.theme()).copied())
            .collect();
        present.sort_unstable();
        present.dedup();
        for &row in &present {
            for &column in &present {
                counts[row][column] += 1;
            }
        }
    }
    let (mut best, mut pair) = (0, None);
    for (row, cells) in counts.iter().enumerate() {
        for (column, &count) in cells.iter().enumerate().skip(row + 1) {
            if count > best {
                (best, pair) = (count, Some((row, column)));
            }
        }
    }
    let strongest = pair.map_or_else(
        || " No two of them share a comment.".to_owned(),
        |(row, column)| {
            format!(
                " {} and {} come up together most, in {}.",
                themes[row].name,
                themes[column].name,
                counted(best, "comment")
            )
        },
    );
    Some(Chart {
        key: "themes-together".to_owned(),
        title: format!(
            "Themes raised in the same comment (n={} comments)",
            grouped(summary.comments)
        ),
        description: format!(
            "Table of the {} most raised themes, shaded by how many comments raise both.{strongest}",
            themes.len()
        ),
        body: ChartBody::Heatmap(Heatmap {
            unit: "comments".to_owned(),
            labels: themes.iter().map(|theme| theme.name.clone()).collect(),
            counts,
        }),
    })
}

/// The sentiment of the comments of each of the most raised themes.
pub fn sentiment_chart(
    summary: &Summary,
    tagging: &Tagging,
    sentiment_of: SentimentOf,
) -> Option<Chart> {
    let themes: Vec<&ThemeCount> = summary
        .themes
        .iter()
        .filter(|theme| theme.comments > 0)
        .take(CHART_THEMES)
        .collect();
    let ids: Vec<ThemeId> = themes.iter().map(|theme| theme.theme).collect();
    let counts = sentiment_by_theme(&ids, tagging, sentiment_of);
    let rows: Vec<StackedRow> = themes
        .iter()
        .zip(&counts)
        .filter(|(_, counts)| counts.iter().sum::<usize>() > 0)
        .map(|(theme, counts)| {
            let base = counts.iter().sum();
            StackedRow {
                label: theme.name.clone(),
                theme: Some(theme.theme),
                base,
                percents: counts.iter().map(|&count| percent(count, base)).collect(),
            }
        })
        .collect();
    let negative = Sentiment::ALL
        .iter()
        .position(|&sentiment| sentiment == Sentiment::Negative)?;
    let most_negative = rows.iter().max_by(|a, b| {
        a.percents[negative]
            .total_cmp(&b.percents[negative])
            .then_with(|| b.label.cmp(&a.label))
    })?;
    Some(Chart {
        key: "sentiment-by-theme".to_owned(),
        title: format!(
            "Sentiment of comments by theme (n={} comments)",
            grouped(summary.comments)
        ),
        description: format!(
            "Stacked bar chart of the share of each theme's comments that read as positive, \
             negative, neutral or mixed. {} has the largest negative share, {:.0}%.",
            most_negative.label, most_negative.percents[negative]
        ),
        body: ChartBody::Stacked(Stacked {
            segments: Sentiment::ALL
                .iter()
                .map(|sentiment| capitalised(sentiment.name()))
                .collect(),
            rows,
        }),
    })
}

/// A diverging chart per agreement scale (the questions that share it together), and bars for
/// every other closed question.
pub fn closed_question_charts(closed: &[ClosedQuestion]) -> Vec<Chart> {
    let mut charts = Vec::new();
    let mut scales: Vec<(&'static [&'static str], Vec<&ClosedQuestion>)> = Vec::new();
    for question in closed {
        match diverging_scale(question) {
            Some(scale) => match scales.iter_mut().find(|(seen, _)| *seen == scale) {
                Some((_, questions)) => questions.push(question),
                None => scales.push((scale, vec![question])),
            },
            None => charts.extend(choice_chart(question, charts.len() + 1)),
        }
    }
    let mut diverging: Vec<Chart> = scales
        .into_iter()
        .enumerate()
        .map(|(index, (scale, questions))| agreement_chart(scale, &questions, index + 1))
        .collect();
    diverging.append(&mut charts);
    diverging
}

/// The agreement or satisfaction scale a question's answers fall on, if any.
fn diverging_scale(question: &ClosedQuestion) -> Option<&'static [&'static str]> {
    if question.is_multi_select {
        return None;
    }
    [&AGREEMENT_SCALE[..], &SATISFACTION_SCALE[..]]
        .into_iter()
        .find(|scale| {
            question
                .options
                .iter()
                .all(|(option, _, _)| scale.contains(&option.to_lowercase().as_str()))
        })
}

/// Where each level of a five-point scale (positive first, then answers apart) sits.
fn side_of(position: usize) -> Side {
    match position {
        0 | 1 => Side::Positive,
        2 => Side::Neutral,
        3 | 4 => Side::Negative,
        _ => Side::Apart,
    }
}

fn agreement_chart(scale: &[&str], questions: &[&ClosedQuestion], number: usize) -> Chart {
    // Negative first so the bars read left to right; the answers apart last.
    let order: Vec<usize> = [4, 3, 2, 1, 0]
        .into_iter()
        .chain(5..scale.len())
        .filter(|&position| position < scale.len())
        .collect();
    let shown_name = |position: usize| {
        questions
            .iter()
            .flat_map(|question| &question.options)
            .find(|(option, _, _)| option.eq_ignore_ascii_case(scale[position]))
            .map_or_else(
                || capitalised(scale[position]),
                |(option, _, _)| option.clone(),
            )
    };
    let levels: Vec<Level> = order
        .iter()
        .map(|&position| Level {
            name: shown_name(position),
            side: side_of(position),
        })
        .collect();
    let shared = shared_opening(questions.iter().map(|question| question.name.as_str()));
    let rows: Vec<StackedRow> = questions
        .iter()
        .map(|question| StackedRow {
            label: capitalised(question.name[shared.len()..].trim_start()),
            theme: None,
            base: question.answered,
            percents: order
                .iter()
                .map(|&position| {
                    question
                        .options
                        .iter()
                        .find(|(option, _, _)| option.eq_ignore_ascii_case(scale[position]))
                        .map_or(0.0, |(_, _, percent)| *percent)
                })
                .collect(),
        })
        .collect();
    let agreeing = |row: &StackedRow| -> f64 {
        row.percents
            .iter()
            .zip(&levels)
            .filter(|(_, level)| level.side == Side::Positive)
            .map(|(percent, _)| percent)
            .sum()
    };
    let most = rows
        .iter()
        .max_by(|a, b| agreeing(a).total_cmp(&agreeing(b)))
        .map(|row| format!(" Most positive: \"{}\", {:.0}%.", row.label, agreeing(row)))
        .unwrap_or_default();
    let base = questions
        .iter()
        .map(|question| question.answered)
        .max()
        .unwrap_or_default();
    let title = if let [only] = questions {
        format!("{} (n={})", only.name, only.answered)
    } else if shared.is_empty() {
        format!(
            "Agreement with {} questions (n={base} at most)",
            questions.len()
        )
    } else {
        format!("{}… (n={base} at most)", shared.trim_end())
    };
    Chart {
        key: format!("agreement-{number}"),
        title,
        description: format!(
            "Diverging bar chart per question: the share agreeing to the right of the centre, \
             disagreeing to the left, neutral across it, and answers such as \"don't know\" \
             apart.{most}"
        ),
        body: ChartBody::Diverging(Diverging { levels, rows }),
    }
}

/// The words several questions open with in common ("How much do you agree with"), ending at a
/// word boundary; empty for one question or none shared.
fn shared_opening<'a>(questions: impl Iterator<Item = &'a str>) -> &'a str {
    let every: Vec<&str> = questions.collect();
    let Some((first, rest)) = every.split_first() else {
        return "";
    };
    let mut shared = first.len();
    let mut others = 0;
    for question in rest {
        others += 1;
        shared = first
            .char_indices()
            .zip(question.chars())
            .find(|((_, a), b)| a != b)
            .map_or(shared.min(question.len()), |((index, _), _)| {
                index.min(shared)
            });
    }
    if others == 0 {
        return "";
    }
    // Back to the last space, so that no word is cut.
    let mut opening = first[..shared]
        .rfind(' ')
        .map_or("", |space| &first[..=space]);
    // What is left of each question must still say something: "Priority 1" rather than "1".
    while !opening.is_empty()
        && every
            .iter()
            .any(|question| question[opening.len()..].split_whitespace().count() < 2)
    {
        opening = opening
            .trim_end()
            .rfind(' ')
            .map_or("", |space| &opening[..=space]);
    }
    // Too short to be a shared stem of a question ("How ").
    if opening.split_whitespace().count() < 3 {
        ""
    } else {
        opening
    }
}

fn choice_chart(question: &ClosedQuestion, number: usize) -> Option<Chart> {
    let (first, _, first_percent) = question.options.first()?;
    let unit = if question.is_multi_select {
        "% of those who answered (several choices each)"
    } else {
        "% of those who answered"
    };
    Some(Chart {
        key: format!("question-{number}"),
        title: format!("{} (n={})", question.name, question.answered),
        description: format!(
            "Bar chart of the answers to \"{}\". The most chosen is {first}, by {first_percent:.0}%.",
            question.name
        ),
        body: ChartBody::Bars(Bars {
            axis: unit.to_owned(),
            bars: question
                .options
                .iter()
                .map(|(option, count, percent)| Bar {
                    label: option.clone(),
                    value: *percent,
                    value_label: format!("{percent:.0}% ({})", grouped(*count)),
                    theme: None,
                })
                .collect(),
        }),
    })
}

/// How many responses were given on each day, by the submission time column (else the first
/// date column); empty when the survey has none.
pub fn dated_responses(
    survey: &Survey,
    selection: Option<&Selection>,
) -> BTreeMap<NaiveDate, usize> {
    let timestamps = survey.columns_with_role(ColumnRole::Timestamp);
    let chosen = timestamps
        .iter()
        .copied()
        .find(|&id| {
            survey.column(id).is_some_and(|column| {
                let name = column.name.to_lowercase();
                name.contains("complet") || name.contains("submit")
            })
        })
        .or_else(|| timestamps.first().copied());
    let mut days: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    if let Some(column) = chosen.and_then(|id| survey.column(id)) {
        for (response, value) in column.values.iter().enumerate() {
            if let ValueRef::DateTime(when) = value
                && selection.is_none_or(|selection| selection.has(ResponseId::at(response)))
            {
                *days.entry(when.date()).or_default() += 1;
            }
        }
    }
    days
}

/// Responses by the day (or week, over more than eight weeks) they were given.
pub fn responses_over_time(survey: &Survey, selection: Option<&Selection>) -> Option<Chart> {
    let days = dated_responses(survey, selection);
    let (&first, &last) = (days.keys().next()?, days.keys().next_back()?);
    let weekly = last - first > Duration::weeks(8);
    let mut periods: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    let mut day = if weekly { week_start(first) } else { first };
    while day <= last {
        periods.insert(day, 0);
        day += if weekly {
            Duration::weeks(1)
        } else {
            Duration::days(1)
        };
    }
    for (date, count) in &days {
        let period = if weekly { week_start(*date) } else { *date };
        *periods.entry(period).or_default() += count;
    }
    let dated: usize = days.values().sum();
    let (busiest, most) = periods
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(date, count)| (*date, *count))?;
    let unit = if weekly { "week" } else { "day" };
    Some(Chart {
        key: "responses-over-time".to_owned(),
        title: format!("Responses by {unit} (n={dated} dated responses)"),
        description: format!(
            "Column chart of responses by {unit} from {} to {}. The busiest {unit}, {}{}, had {}.",
            first.format("%-d %B %Y"),
            last.format("%-d %B %Y"),
            if weekly { "the week of " } else { "" },
            busiest.format("%-d %B %Y"),
            counted(most, "response")
        ),
        body: ChartBody::Timeline(Bars {
            axis: "responses".to_owned(),
            bars: periods
                .into_iter()
                .map(|(date, count)| Bar {
                    label: date.format("%-d %b").to_string(),
                    value: as_f64(count),
                    value_label: grouped(count),
                    theme: None,
                })
                .collect(),
        }),
    })
}

fn week_start(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analysed;

    #[test]
    fn choosing_a_group_narrows_both_charts() {
        let (_, codebook, _, summary) = analysed(
            b"Which of these best describes you?,Any comments?\n\
              Parent,More staff please at the weekend clubs\n\
              Teacher,The school is far from where we live\n",
            "name = \"T\"\n\
             [[theme]]\nid = \"people\"\nname = \"People\"\n\
             [[theme]]\nid = \"staff\"\nname = \"Staff\"\nparent = \"people\"\nkeywords = [\"staff\"]\n\
             [[theme]]\nid = \"places\"\nname = \"Places\"\n\
             [[theme]]\nid = \"school\"\nname = \"School\"\nparent = \"places\"\nkeywords = [\"school\"]\n",
        );
        let places = codebook.find("places");
        let names = |bars: Vec<&ThemeCount>| {
            bars.into_iter()
                .map(|bar| bar.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(frequency_bars(&summary, &codebook, None)),
            ["School", "Staff"]
        );
        assert_eq!(
            names(frequency_bars(&summary, &codebook, places)),
            ["School"]
        );
        let rolled_up = theme_frequency(
            &summary,
            &codebook,
            ChartOptions {
                rolled_up: true,
                ..ChartOptions::default()
            },
        )
        .expect("a chart");
        assert_eq!(
            rolled_up.title,
            "Groups of themes raised (n=2 respondents who commented)"
        );
        let ChartBody::Bars(groups) = rolled_up.body else {
            panic!("bars");
        };
        let labels: Vec<&str> = groups.bars.iter().map(|bar| bar.label.as_str()).collect();
        assert_eq!(labels, ["People", "Places"]);
        let crosstab = summary.by_attribute.as_ref().expect("crosstab");
        let rows: Vec<&str> = comparison_rows(crosstab, &codebook, places, 10)
            .into_iter()
            .map(|row| row.name.as_str())
            .collect();
        assert_eq!(rows, ["School"]);
    }

    /// A consultation of six responses: who they are, two agreement questions sharing their
    /// opening, a yes/no question, a date, and comments raising staff and school.
    fn consultation() -> (Survey, Codebook, Tagging, Summary) {
        analysed(
            b"Which of these best describes you?,Completion time,How much do you agree with Priority 1?,How much do you agree with Priority 2?,Did you use a service?,Any comments?\n\
              Parent,2026-03-02 10:00,Strongly agree,Agree,Yes,More staff at the school please\n\
              Parent,2026-03-02 11:00,Agree,Disagree,No,The school is far away\n\
              Parent,2026-03-04 09:00,Disagree,Don't know,Yes,Staff were kind\n\
              Teacher,2026-03-04 12:00,Neither agree nor disagree,Strongly disagree,Yes,Staff and school both matter\n\
              Teacher,2026-03-05 12:00,Strongly disagree,Agree,No,Nothing on money\n\
              Teacher,2026-03-05 13:00,Strongly agree,Strongly agree,Yes,A good school\n",
            "name = \"T\"\n\
             [[theme]]\nid = \"staff\"\nname = \"Staff\"\nkeywords = [\"staff\"]\n\
             [[theme]]\nid = \"school\"\nname = \"School\"\nkeywords = [\"school\"]\n\
             [[theme]]\nid = \"money\"\nname = \"Money\"\nkeywords = [\"money\"]\n",
        )
    }

    fn charts_of(sentiment: bool) -> Vec<Chart> {
        let (survey, codebook, tagging, summary) = consultation();
        let reader = crate::learning::SentimentReader::default();
        let sentiment_of =
            |comment: CommentRef| survey.comment_text(comment).map(|text| reader.read(text));
        all_charts(&ChartSources {
            survey: &survey,
            codebook: &codebook,
            tagging: &tagging,
            summary: &summary,
            sentiment_of: sentiment.then_some(&sentiment_of as SentimentOf),
            options: ChartOptions::default(),
            selection: None,
        })
    }

    #[test]
    fn every_chart_the_analysis_needs_is_there_in_report_order() {
        let keys: Vec<String> = charts_of(true).into_iter().map(|chart| chart.key).collect();
        assert_eq!(
            keys,
            [
                "theme-frequency",
                "themes-by-group",
                "themes-together",
                "sentiment-by-theme",
                "agreement-1",
                // With so few answers the respondent type reads as a closed question too.
                "question-1",
                "question-2",
                "responses-over-time"
            ]
        );
        let without: Vec<String> = charts_of(false)
            .into_iter()
            .map(|chart| chart.key)
            .collect();
        assert!(!without.contains(&"sentiment-by-theme".to_owned()));
    }

    fn chart(key: &str) -> Chart {
        charts_of(true)
            .into_iter()
            .find(|chart| chart.key == key)
            .expect("the chart")
    }

    #[test]
    fn theme_frequency_labels_each_bar_and_carries_n_in_its_title() {
        let frequency = chart("theme-frequency");
        assert_eq!(
            frequency.title,
            "Themes raised (n=6 respondents who commented)"
        );
        let ChartBody::Bars(bars) = frequency.body else {
            panic!("bars");
        };
        let shown: Vec<(&str, &str)> = bars
            .bars
            .iter()
            .map(|bar| (bar.label.as_str(), bar.value_label.as_str()))
            .collect();
        // "Money" is raised too; "Nothing on money" is a comment like any other.
        assert_eq!(
            shown,
            [
                ("School", "67% (4)"),
                ("Staff", "50% (3)"),
                ("Money", "17% (1)")
            ]
        );
        let (_, codebook, _, summary) = consultation();
        let counts = ChartOptions {
            percent: false,
            top: 2,
            ..ChartOptions::default()
        };
        let top = theme_frequency(&summary, &codebook, counts).expect("a chart");
        assert!(
            top.title.starts_with("The 2 themes raised most"),
            "{}",
            top.title
        );
        let ChartBody::Bars(counted) = top.body else {
            panic!("bars");
        };
        assert_eq!(counted.axis, "respondents who commented");
        assert_eq!(counted.bars[1].value, 3.0);
        assert_eq!(counted.bars[1].value_label, "3 (50%)");
    }

    #[test]
    fn groups_are_compared_by_column_percent_with_small_groups_flagged() {
        let ChartBody::Grouped(grouped) = chart("themes-by-group").body else {
            panic!("grouped");
        };
        let names: Vec<&str> = grouped
            .series
            .iter()
            .map(|series| series.name.as_str())
            .collect();
        assert_eq!(names, ["Parent (n=3)", "Teacher (n=3)"]);
        assert!(grouped.series.iter().all(|series| series.small));
        assert_eq!(grouped.categories[0], "School");
        // School: 2 of 3 parents, 2 of 3 teachers.
        let school: Vec<f64> = grouped
            .series
            .iter()
            .map(|series| series.values[0].round())
            .collect();
        assert_eq!(school, [67.0, 67.0]);
    }

    #[test]
    fn agreement_questions_share_one_diverging_chart_around_neutral() {
        let agreement = chart("agreement-1");
        assert_eq!(agreement.title, "How much do you agree with… (n=6 at most)");
        let ChartBody::Diverging(diverging) = agreement.body else {
            panic!("diverging");
        };
        let sides: Vec<(&str, Side)> = diverging
            .levels
            .iter()
            .map(|level| (level.name.as_str(), level.side))
            .collect();
        assert_eq!(
            &sides[..6],
            [
                ("Strongly disagree", Side::Negative),
                ("Disagree", Side::Negative),
                ("Neither agree nor disagree", Side::Neutral),
                ("Agree", Side::Positive),
                ("Strongly agree", Side::Positive),
                ("Don't know", Side::Apart),
            ]
        );
        let labels: Vec<&str> = diverging
            .rows
            .iter()
            .map(|row| row.label.as_str())
            .collect();
        assert_eq!(labels, ["Priority 1?", "Priority 2?"]);
        for row in &diverging.rows {
            let total: f64 = row.percents.iter().sum();
            assert!((total - 100.0).abs() < 1e-9, "{total}");
        }
        // Priority 2: one "don't know" of six, kept apart.
        let apart = diverging
            .levels
            .iter()
            .position(|level| level.side == Side::Apart);
        assert_eq!(
            apart.map(|index| diverging.rows[1].percents[index].round()),
            Some(17.0)
        );
        let yes_no = chart("question-2");
        assert_eq!(yes_no.title, "Did you use a service? (n=6)");
        let ChartBody::Bars(yes_no) = yes_no.body else {
            panic!("bars");
        };
        assert_eq!(yes_no.bars[0].value_label, "67% (4)");
    }

    #[test]
    fn themes_together_counts_comments_raising_both() {
        let ChartBody::Heatmap(heatmap) = chart("themes-together").body else {
            panic!("heatmap");
        };
        assert_eq!(heatmap.labels, ["School", "Staff", "Money"]);
        // "More staff at the school please" and "Staff and school both matter".
        assert_eq!(heatmap.counts[0][1], 2);
        assert_eq!(heatmap.counts[1][0], 2);
        assert_eq!(heatmap.counts[0][0], 4);
        assert_eq!(heatmap.counts[1][2], 0);
    }

    #[test]
    fn sentiment_bars_split_each_theme_s_comments() {
        let ChartBody::Stacked(stacked) = chart("sentiment-by-theme").body else {
            panic!("stacked");
        };
        assert_eq!(
            stacked.segments,
            ["Positive", "Negative", "Neutral", "Mixed"]
        );
        let staff = stacked
            .rows
            .iter()
            .find(|row| row.label == "Staff")
            .expect("staff");
        assert_eq!(staff.base, 3);
        assert!((staff.percents.iter().sum::<f64>() - 100.0).abs() < 1e-9);
    }

    #[test]
    fn responses_are_counted_by_day_with_empty_days_shown() {
        let over_time = chart("responses-over-time");
        assert_eq!(over_time.title, "Responses by day (n=6 dated responses)");
        let ChartBody::Timeline(days) = over_time.body else {
            panic!("timeline");
        };
        let counts: Vec<(&str, f64)> = days
            .bars
            .iter()
            .map(|bar| (bar.label.as_str(), bar.value))
            .collect();
        assert_eq!(
            counts,
            [
                ("2 Mar", 2.0),
                ("3 Mar", 0.0),
                ("4 Mar", 2.0),
                ("5 Mar", 2.0)
            ]
        );
    }
}
