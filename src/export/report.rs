//! The published summary as one self-contained HTML file: the skeleton councils publish
//! (introduction and method, summary, quantitative analysis, the themes one by one with quotes,
//! appendices), charts inline as SVG, nothing loaded from anywhere, printable to A4.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use super::chart_image::chart_svg;
use super::error::{ExportError, write_file};
use super::workbook::Highlights;
use crate::analysis::charts::{Chart, dated_responses};
use crate::analysis::{Summary, ThemeCount, percent};
use crate::codebook::{Codebook, ThemeId};
use crate::model::{ColumnRole, CommentRef, Survey};
use crate::redact::Redactor;
use crate::tagging::Tagging;
use crate::wording::{capitalised, counted, grouped, listed};

/// Quotes shown for a theme at most, and chosen automatically when none is starred.
const MOST_QUOTES: usize = 5;
const CHOSEN_QUOTES: usize = 3;
/// A quote longer than this is cut at a sentence end, with "[…]" saying so.
const LONGEST_QUOTE: usize = 600;

/// Everything the report is made from.
pub struct ReportInputs<'a> {
    /// The survey.
    pub survey: &'a Survey,
    /// Its codebook.
    pub codebook: &'a Codebook,
    /// Its themes as they stand.
    pub tagging: &'a Tagging,
    /// The counts.
    pub summary: &'a Summary,
    /// Starred quotes and notes.
    pub highlights: &'a Highlights,
    /// Every chart, in the order [`crate::analysis::charts::all_charts`] gives them.
    pub charts: &'a [Chart],
    /// Masks personal data in the quotes; `None` shows them as written.
    pub redactor: Option<&'a Redactor>,
    /// Whether sentiment was read by hand for some comments, and how many.
    pub sentiments_set_by_hand: usize,
}

/// Writes the report to `path` atomically.
///
/// # Errors
/// A chart that could not be drawn, or the file not written.
pub fn write_report(path: &Path, inputs: &ReportInputs) -> Result<(), ExportError> {
    ExportError::refuse_to_overwrite(path, inputs.survey)?;
    let html = report_html(inputs)?;
    write_file(path, html.as_bytes())
}

/// The report as HTML text.
///
/// # Errors
/// A chart that could not be drawn.
pub fn report_html(inputs: &ReportInputs) -> Result<String, ExportError> {
    let mut html = String::with_capacity(256 * 1024);
    let title = "Consultation feedback summary";
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#main\">Skip to the report</a>\n<header>\n<h1>{title}</h1>\n\
         <p class=\"meta\">{}</p>\n</header>\n",
        escape(&subtitle(inputs))
    );
    let mut figures = Figures::new(inputs.charts);
    let sections: [(&str, &str); 5] = [
        ("introduction", "1. Introduction and method"),
        ("summary", "2. Consultation summary"),
        ("quantitative", "3. Quantitative analysis"),
        ("qualitative", "4. Qualitative analysis: the themes"),
        ("appendices", "Appendices"),
    ];
    html.push_str("<nav aria-label=\"Contents\">\n<h2 id=\"contents\">Contents</h2>\n<ul class=\"contents\">\n");
    for (id, heading) in sections {
        let _ = writeln!(html, "<li><a href=\"#{id}\">{}</a></li>", escape(heading));
    }
    html.push_str("</ul>\n</nav>\n<main id=\"main\">\n");
    for (id, heading) in sections {
        let _ = writeln!(
            html,
            "<section id=\"{id}\" aria-labelledby=\"{id}-heading\">\n<h2 id=\"{id}-heading\">{}</h2>",
            escape(heading)
        );
        match id {
            "introduction" => introduction(&mut html, inputs),
            "summary" => consultation_summary(&mut html, inputs),
            "quantitative" => quantitative(&mut html, inputs, &mut figures)?,
            "qualitative" => qualitative(&mut html, inputs, &mut figures)?,
            _ => appendices(&mut html, inputs),
        }
        html.push_str("</section>\n");
    }
    html.push_str("</main>\n<footer><p>Made with ConsultLens on this computer; nothing was sent anywhere.</p></footer>\n</body>\n</html>\n");
    Ok(html)
}

const STYLE: &str = "
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Arial, sans-serif; color: #1e1e1e;
  background: #fff; line-height: 1.5; max-width: 52rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 2rem; margin-bottom: 0.25rem; }
h2 { font-size: 1.5rem; border-bottom: 2px solid #0072b2; padding-bottom: 0.2rem; margin-top: 2.5rem; }
h3 { font-size: 1.2rem; margin-top: 2rem; }
.meta { color: #555; }
.contents { list-style: none; padding-left: 0; }
a { color: #005a8c; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: 0.5rem; }
table { border-collapse: collapse; margin: 1rem 0; width: 100%; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
th, td { border-bottom: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.5rem 0; break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: #444; font-size: 0.95rem; margin-top: 0.3rem; }
blockquote { margin: 1rem 0; padding: 0.5rem 1rem; border-left: 4px solid #0072b2;
  background: #f4f8fb; break-inside: avoid; }
blockquote p { margin: 0 0 0.3rem 0; }
blockquote footer { color: #555; font-size: 0.9rem; }
.theme { break-inside: avoid-page; }
body > footer { color: #666; font-size: 0.9rem; margin-top: 3rem; }
@page { size: A4; margin: 16mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav a, a { color: #1e1e1e; text-decoration: none; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  #quantitative, #qualitative, #appendices { break-before: page; }
  .skip { display: none; }
}
";

/// The charts, each used once, numbered as figures in the order the report shows them.
struct Figures<'a> {
    charts: &'a [Chart],
    shown: usize,
}

impl<'a> Figures<'a> {
    fn new(charts: &'a [Chart]) -> Self {
        Figures { charts, shown: 0 }
    }

    /// Writes every chart whose key `wanted` accepts, as numbered figures.
    fn write(
        &mut self,
        html: &mut String,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<(), ExportError> {
        for chart in self.charts.iter().filter(|chart| wanted(&chart.key)) {
            self.shown += 1;
            let svg = chart_svg(chart)?;
            let label = format!("figure-{}", self.shown);
            // The drawing's own text is the same as the caption, so screen readers get the
            // description instead of every tick label.
            let svg = svg.replacen(
                "<svg ",
                &format!(
                    "<svg role=\"img\" aria-labelledby=\"{label}-title\" aria-describedby=\"{label}-description\" "
                ),
                1,
            );
            let _ = write!(
                html,
                "<figure id=\"{label}\">\n{svg}\n<figcaption><span id=\"{label}-title\">Figure {}: {}</span>. \
                 <span id=\"{label}-description\">{}</span></figcaption>\n</figure>\n",
                self.shown,
                escape(&chart.title),
                escape(&chart.description)
            );
        }
        Ok(())
    }
}

fn subtitle(inputs: &ReportInputs) -> String {
    let files: Vec<String> = inputs
        .survey
        .sources
        .iter()
        .map(|source| crate::files::display_name(&source.path))
        .collect();
    format!(
        "{} from {}. Report made {}.",
        counted(inputs.summary.responses, "response"),
        files.join(", "),
        chrono::Local::now().format("%-d %B %Y")
    )
}

fn introduction(html: &mut String, inputs: &ReportInputs) {
    let (survey, summary, codebook) = (inputs.survey, inputs.summary, inputs.codebook);
    let dates = dated_responses(survey, None);
    let period = match (dates.keys().next(), dates.keys().next_back()) {
        (Some(first), Some(last)) if first != last => format!(
            ", given between {} and {}",
            first.format("%-d %B %Y"),
            last.format("%-d %B %Y")
        ),
        (Some(only), _) => format!(", given on {}", only.format("%-d %B %Y")),
        _ => String::new(),
    };
    let free_text = survey.columns_with_role(ColumnRole::FreeText);
    let _ = writeln!(
        html,
        "<p>This report summarises the {} to the consultation{period}. {} wrote {} in answer \
         to {}; the rest answered only the closed questions.</p>",
        counted(summary.responses, "response"),
        capitalised(&counted(summary.respondents_with_comments, "respondent")),
        counted(summary.comments, "comment"),
        counted(free_text.len(), "open question"),
    );
    html.push_str("<h3 id=\"method\">Method</h3>\n");
    let (added, removed) = inputs.tagging.hand_coding_counts();
    let themes = codebook.leaf_themes().len();
    let _ = writeln!(
        html,
        "<p>Comments were coded against the codebook \"{}\", of {}. Each theme's keyword rules \
         tagged the comments (whole words, word forms matched by stemming, phrases in order, \
         exclusions applied). {} {}</p>",
        escape(&codebook.name),
        counted(themes, "theme"),
        if added + removed > 0 {
            format!(
                "An analyst then read comments and corrected the coding by hand: {} added and \
                 {} taken off.",
                counted(added, "theme"),
                counted(removed, "theme")
            )
        } else {
            "No coding was corrected by hand.".to_owned()
        },
        if inputs.sentiments_set_by_hand > 0 {
            format!(
                "Sentiment was read from each comment's words and set by hand for {}.",
                counted(inputs.sentiments_set_by_hand, "comment")
            )
        } else {
            "Sentiment, where shown, was read from each comment's words automatically.".to_owned()
        }
    );
    let _ = writeln!(
        html,
        "<p>A respondent counts once per theme however many of their comments raise it. \
         Percentages of themes are of the {} who wrote at least one comment (in the group, when \
         split by group). Answers that say nothing, such as \"n/a\" or \"none\" ({} of them), \
         are not counted as comments. Quotes are as written, with email addresses, phone numbers, \
         postcodes and respondents' names masked{}.</p>",
        counted(summary.respondents_with_comments, "respondent"),
        grouped(summary.non_answers),
        if inputs.redactor.is_some() {
            ""
        } else {
            " (masking was turned off for this internal copy)"
        }
    );
    html.push_str("<table>\n<caption>The consultation in figures</caption>\n<tbody>\n");
    let rows = [
        ("Responses", summary.responses),
        ("Comments", summary.comments),
        (
            "Respondents who commented",
            summary.respondents_with_comments,
        ),
        ("Comments no theme covers", summary.untagged_comments),
        ("Themes added by hand", added),
        ("Themes taken off by hand", removed),
        ("Quotes starred", inputs.highlights.quotes.len()),
    ];
    for (label, value) in rows {
        let _ = writeln!(
            html,
            "<tr><th scope=\"row\">{label}</th><td class=\"n\">{}</td></tr>",
            grouped(value)
        );
    }
    html.push_str("</tbody>\n</table>\n");
}

fn raised(summary: &Summary) -> impl Iterator<Item = &ThemeCount> {
    summary.themes.iter().filter(|theme| theme.respondents > 0)
}

fn consultation_summary(html: &mut String, inputs: &ReportInputs) {
    let summary = inputs.summary;
    let top: Vec<&ThemeCount> = raised(summary).take(5).collect();
    if top.is_empty() {
        html.push_str("<p>No theme was found in the comments.</p>\n");
        return;
    }
    let names: Vec<String> = top.iter().map(|theme| in_sentence(&theme.name)).collect();
    let _ = write!(
        html,
        "<p>{} themes were identified in the comments, including {}.</p>\n<ul>\n",
        grouped(raised(summary).count()),
        escape(&listed(&names))
    );
    for theme in &top {
        let _ = writeln!(
            html,
            "<li><strong>{}</strong>: raised by {} ({:.0}% of those who commented).</li>",
            escape(&theme.name),
            counted(theme.respondents, "respondent"),
            theme.percent_of_respondents
        );
    }
    html.push_str("</ul>\n");
    if let Some(crosstab) = &summary.by_attribute {
        for (index, group) in crosstab.groups.iter().enumerate().take(4) {
            let most = crosstab
                .rows
                .iter()
                .filter(|row| row.respondents.get(index).is_some_and(|count| *count > 0))
                .max_by(|a, b| {
                    a.percents[index]
                        .total_cmp(&b.percents[index])
                        .then_with(|| b.name.cmp(&a.name))
                });
            if let Some(row) = most {
                let _ = writeln!(
                    html,
                    "<p>Among respondents answering \"{}\" (n={}), the theme raised most was {} \
                     ({:.0}%).</p>",
                    escape(group.label()),
                    group.respondents,
                    escape(&in_sentence(&row.name)),
                    row.percents[index]
                );
            }
        }
    }
}

fn quantitative(
    html: &mut String,
    inputs: &ReportInputs,
    figures: &mut Figures,
) -> Result<(), ExportError> {
    let survey = inputs.survey;
    html.push_str("<h3 id=\"respondents\">Respondents</h3>\n");
    let attributes = survey.columns_with_role(ColumnRole::Attribute);
    if attributes.is_empty() {
        html.push_str("<p>The survey has no question about who the respondents are.</p>\n");
    }
    for column in attributes.iter().filter_map(|&id| survey.column(id)) {
        let counts = column.value_counts();
        let answered: usize = counts.iter().map(|(_, count)| count).sum();
        let _ = write!(
            html,
            "<table>\n<caption>{} (respondent numbers, n={answered})</caption>\n<thead><tr><th scope=\"col\">Answer</th>\
             <th scope=\"col\" class=\"n\">Respondents</th><th scope=\"col\" class=\"n\">%</th></tr></thead>\n<tbody>\n",
            escape(&column.name)
        );
        for (value, count) in counts.iter().take(20) {
            let _ = writeln!(
                html,
                "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td><td class=\"n\">{:.0}%</td></tr>",
                escape(value),
                grouped(*count),
                percent(*count, answered)
            );
        }
        if counts.len() > 20 {
            let _ = writeln!(
                html,
                "<tr><th scope=\"row\">{} other answers</th><td></td><td></td></tr>",
                counts.len() - 20
            );
        }
        html.push_str("</tbody>\n</table>\n");
    }
    figures.write(html, |key| key == "responses-over-time")?;
    html.push_str("<h3 id=\"closed-questions\">Closed questions</h3>\n");
    if inputs.summary.closed.is_empty() {
        html.push_str("<p>The survey has no closed questions.</p>\n");
    }
    figures.write(html, |key| {
        key.starts_with("agreement-") || key.starts_with("question-")
    })?;
    // The questions about the respondents are tabled above.
    let about_respondents = |question: &&crate::analysis::ClosedQuestion| {
        survey
            .column(question.column)
            .is_some_and(|column| column.role == ColumnRole::Attribute)
    };
    for question in inputs
        .summary
        .closed
        .iter()
        .filter(|question| !about_respondents(question))
    {
        let _ = write!(
            html,
            "<table>\n<caption>{} (n={})</caption>\n<thead><tr><th scope=\"col\">Answer</th>\
             <th scope=\"col\" class=\"n\">Respondents</th><th scope=\"col\" class=\"n\">%</th></tr></thead>\n<tbody>\n",
            escape(&question.name),
            question.answered
        );
        for (option, count, share) in &question.options {
            let _ = writeln!(
                html,
                "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td><td class=\"n\">{share:.0}%</td></tr>",
                escape(option),
                grouped(*count)
            );
        }
        html.push_str("</tbody>\n</table>\n");
    }
    Ok(())
}

fn qualitative(
    html: &mut String,
    inputs: &ReportInputs,
    figures: &mut Figures,
) -> Result<(), ExportError> {
    let summary = inputs.summary;
    let _ = writeln!(
        html,
        "<p>{} wrote {}. The figures below show how often each theme came up, how that differs \
         between groups of respondents, which themes were raised together, and then each theme \
         in turn with what people said.</p>",
        capitalised(&counted(summary.respondents_with_comments, "respondent")),
        counted(summary.comments, "comment")
    );
    figures.write(html, |key| {
        matches!(
            key,
            "theme-frequency" | "themes-by-group" | "themes-together" | "sentiment-by-theme"
        )
    })?;
    let mut quotes = QuoteChooser::new(inputs);
    for (index, theme) in raised(summary).enumerate() {
        let id = format!("theme-{}", index + 1);
        let _ = write!(
            html,
            "<article class=\"theme\" aria-labelledby=\"{id}\">\n<h3 id=\"{id}\">{}</h3>\n\
             <p>Raised by {} ({:.0}% of those who commented), in {}.</p>\n",
            escape(&theme.name),
            counted(theme.respondents, "respondent"),
            theme.percent_of_respondents,
            counted(theme.comments, "comment")
        );
        if let Some(description) = inputs
            .codebook
            .theme(theme.theme)
            .map(|found| found.description.trim())
            .filter(|description| !description.is_empty())
        {
            let _ = writeln!(html, "<p><em>{}</em></p>", escape(description));
        }
        by_group_table(html, inputs, theme);
        for quote in quotes.for_theme(theme.theme) {
            html.push_str(&quote);
        }
        html.push_str("</article>\n");
    }
    Ok(())
}

fn by_group_table(html: &mut String, inputs: &ReportInputs, theme: &ThemeCount) {
    let Some(crosstab) = &inputs.summary.by_attribute else {
        return;
    };
    let Some(row) = crosstab.rows.iter().find(|row| row.theme == theme.theme) else {
        return;
    };
    let _ = write!(
        html,
        "<table>\n<caption>{}, by answer to \"{}\"</caption>\n<thead><tr><th scope=\"col\">Group</th>\
         <th scope=\"col\" class=\"n\">Respondents raising it</th><th scope=\"col\" class=\"n\">% of the group</th></tr></thead>\n<tbody>\n",
        escape(&theme.name),
        escape(&crosstab.attribute_name)
    );
    for ((group, count), share) in crosstab
        .groups
        .iter()
        .zip(&row.respondents)
        .zip(&row.percents)
    {
        let _ = writeln!(
            html,
            "<tr><th scope=\"row\">{} (n={})</th><td class=\"n\">{}</td><td class=\"n\">{share:.0}%</td></tr>",
            escape(group.label()),
            group.respondents,
            grouped(*count)
        );
    }
    html.push_str("</tbody>\n</table>\n");
}

/// Picks each theme's quotes: the starred ones first, else representative comments chosen
/// automatically (focused on the theme, of a readable length, from different groups and
/// respondents), never the same comment for two themes when another will do.
struct QuoteChooser<'a> {
    inputs: &'a ReportInputs<'a>,
    by_theme: HashMap<ThemeId, Vec<CommentRef>>,
    starred: BTreeSet<CommentRef>,
    used: BTreeSet<CommentRef>,
}

impl<'a> QuoteChooser<'a> {
    fn new(inputs: &'a ReportInputs<'a>) -> Self {
        let mut by_theme: HashMap<ThemeId, Vec<CommentRef>> = HashMap::new();
        for (comment, tags) in inputs.tagging.iter() {
            for tag in tags {
                by_theme.entry(tag.theme()).or_default().push(comment);
            }
        }
        QuoteChooser {
            inputs,
            by_theme,
            starred: inputs.highlights.quotes.iter().copied().collect(),
            used: BTreeSet::new(),
        }
    }

    /// The theme's quotes as HTML blockquotes.
    fn for_theme(&mut self, theme: ThemeId) -> Vec<String> {
        let comments = self.by_theme.get(&theme).map_or(&[][..], Vec::as_slice);
        let mut chosen: Vec<CommentRef> = comments
            .iter()
            .copied()
            .filter(|comment| self.starred.contains(comment))
            .take(MOST_QUOTES)
            .collect();
        if chosen.is_empty() {
            chosen = self.representative(comments);
        }
        self.used.extend(chosen.iter().copied());
        chosen
            .into_iter()
            .map(|comment| self.blockquote(comment))
            .collect()
    }

    fn representative(&self, comments: &[CommentRef]) -> Vec<CommentRef> {
        let survey = self.inputs.survey;
        let group_column = self
            .inputs
            .summary
            .by_attribute
            .as_ref()
            .map(|crosstab| crosstab.attribute);
        // Fewer themes on a comment means it speaks to this one; around 200 characters reads
        // well; comments already quoted elsewhere come last.
        let mut ranked: Vec<(bool, usize, usize, CommentRef)> = comments
            .iter()
            .filter_map(|&comment| {
                let length = survey.comment_text(comment)?.chars().count();
                (length >= 40).then(|| {
                    (
                        self.used.contains(&comment),
                        self.inputs.tagging.tags_of(comment).len(),
                        length.abs_diff(200),
                        comment,
                    )
                })
            })
            .collect();
        ranked.sort_unstable();
        let mut chosen: Vec<CommentRef> = Vec::new();
        let mut groups_seen: BTreeSet<String> = BTreeSet::new();
        let mut respondents_seen = BTreeSet::new();
        // First one per group, then whatever ranks next.
        for pass in 0..2 {
            for &(_, _, _, comment) in &ranked {
                if chosen.len() == CHOSEN_QUOTES {
                    break;
                }
                // A comment chosen has its respondent seen.
                if respondents_seen.contains(&comment.response)
                    || chosen
                        .iter()
                        .any(|&other| same_opening(survey, other, comment))
                {
                    continue;
                }
                let group = group_column
                    .map(|column| survey.attribute_value(comment.response, column))
                    .unwrap_or_default();
                if pass == 0 && groups_seen.contains(&group) {
                    continue;
                }
                groups_seen.insert(group);
                respondents_seen.insert(comment.response);
                chosen.push(comment);
            }
        }
        chosen
    }

    fn blockquote(&self, comment: CommentRef) -> String {
        let survey = self.inputs.survey;
        let text = survey.comment_text(comment).unwrap_or_default();
        let text = crate::redact::masked(self.inputs.redactor, text);
        let group = self
            .inputs
            .summary
            .by_attribute
            .as_ref()
            .map(|crosstab| survey.attribute_value(comment.response, crosstab.attribute))
            .filter(|value| !value.is_empty())
            .unwrap_or_else(|| "A respondent".to_owned());
        let question = survey
            .column(comment.column)
            .map_or("", |column| column.name.as_str());
        let starred = if self.starred.contains(&comment) {
            " (starred by the analyst)"
        } else {
            ""
        };
        format!(
            "<blockquote class=\"quote\">\n<p>{}</p>\n<footer>{}, answering \"{}\"{starred}</footer>\n</blockquote>\n",
            paragraphs(&shortened(&text)),
            escape(&group),
            escape(question)
        )
    }
}

/// Whether two comments open with the same four words: near repeats read badly side by side.
fn same_opening(survey: &Survey, a: CommentRef, b: CommentRef) -> bool {
    let opening = |comment| {
        survey
            .comment_text(comment)
            .unwrap_or_default()
            .split_whitespace()
            .take(4)
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    };
    opening(a) == opening(b)
}

/// The quote cut at the last sentence end before [`LONGEST_QUOTE`] characters, marked "[…]".
fn shortened(text: &str) -> Cow<'_, str> {
    if text.chars().count() <= LONGEST_QUOTE {
        return Cow::Borrowed(text.trim());
    }
    let limit = text
        .char_indices()
        .nth(LONGEST_QUOTE)
        .map_or(text.len(), |(index, _)| index);
    let head = &text[..limit];
    let cut = head
        .rfind(['.', '!', '?'])
        .filter(|&end| end > limit / 2)
        .map_or_else(|| head.rfind(' ').unwrap_or(limit), |end| end + 1);
    Cow::Owned(format!("{} […]", text[..cut].trim()))
}

/// Escaped text with its line breaks kept.
fn paragraphs(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(escape)
        .collect::<Vec<_>>()
        .join("<br>\n")
}

fn appendices(html: &mut String, inputs: &ReportInputs) {
    let (codebook, summary) = (inputs.codebook, inputs.summary);
    html.push_str(
        "<h3 id=\"appendix-themes\">Appendix A: the themes and how common they are</h3>\n\
         <table>\n<caption>Every theme of the codebook, most raised first</caption>\n<thead><tr><th scope=\"col\">Theme</th>\
         <th scope=\"col\">Group</th><th scope=\"col\" class=\"n\">Respondents</th><th scope=\"col\" class=\"n\">%</th>\
         <th scope=\"col\" class=\"n\">Comments</th><th scope=\"col\">Keywords</th></tr></thead>\n<tbody>\n",
    );
    for theme in &summary.themes {
        let found = codebook.theme(theme.theme);
        let group = codebook
            .parent_of(theme.theme)
            .and_then(|parent| codebook.theme(parent))
            .map_or("", |parent| parent.name.as_str());
        let keywords = found
            .map(|found| found.keywords.join(", "))
            .unwrap_or_default();
        let _ = writeln!(
            html,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.0}%</td>\
             <td class=\"n\">{}</td><td>{}</td></tr>",
            escape(&theme.name),
            escape(group),
            grouped(theme.respondents),
            theme.percent_of_respondents,
            grouped(theme.comments),
            escape(&keywords)
        );
    }
    html.push_str("</tbody>\n</table>\n");
    html.push_str(
        "<h3 id=\"appendix-questions\">Appendix B: the questions asked</h3>\n<table>\n<caption>Every column of the survey and how it was used</caption>\n\
         <thead><tr><th scope=\"col\">Question</th><th scope=\"col\">Used as</th><th scope=\"col\" class=\"n\">Answered</th></tr></thead>\n<tbody>\n",
    );
    for column in &inputs.survey.columns {
        let _ = writeln!(
            html,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"n\">{}</td></tr>",
            escape(&column.name),
            escape(column.role.label()),
            grouped(column.filled())
        );
    }
    html.push_str("</tbody>\n</table>\n");
}

/// A name as it reads inside a sentence: "Early identification" as "early identification",
/// keeping words in capitals ("EHCP process") as they are.
fn in_sentence(name: &str) -> String {
    name.split(' ')
        .map(|word| {
            if word.chars().filter(|c| c.is_uppercase()).count() > 1 {
                word.to_owned()
            } else {
                word.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text safe inside HTML elements and attribute values.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analysed;
    use crate::analysis::charts::{ChartOptions, ChartSources, all_charts};

    const SURVEY: &[u8] = b"Name,Which of these best describes you?,How much do you agree with the plan?,Any comments?\n\
        Sarah Jones,Parent,Agree,Call me on 07700 900123 or email sarah.jones@example.co.uk about staff at NG1 5AB please\n\
        Tom Smith,Parent,Strongly agree,The staff were patient and kind to my son every single day of the year\n\
        Ann Lee,Teacher,Disagree,We need more staff training on autism so that every class can cope well\n\
        Raj Patel,Teacher,Agree,Waiting lists for therapy are far too long and families give up hope\n\
        Bo Chan,Parent,Neither agree nor disagree,n/a\n";

    fn report(starred: &[usize], masked: bool) -> String {
        let (survey, codebook, tagging, summary) = analysed(
            SURVEY,
            "name = \"Test codebook\"\n\
             [[theme]]\nid = \"workforce\"\nname = \"Workforce development\"\nkeywords = [\"staff\", \"training\"]\n\
             [[theme]]\nid = \"waiting\"\nname = \"Waiting times\"\nkeywords = [\"waiting\"]\n",
        );
        let charts = all_charts(&ChartSources {
            survey: &survey,
            codebook: &codebook,
            tagging: &tagging,
            summary: &summary,
            sentiment_of: None,
            options: ChartOptions::default(),
            selection: None,
        });
        let comments = survey.comments();
        let highlights = Highlights {
            quotes: starred.iter().map(|&index| comments[index]).collect(),
            notes: HashMap::new(),
        };
        let redactor = Redactor::new(&survey);
        report_html(&ReportInputs {
            survey: &survey,
            codebook: &codebook,
            tagging: &tagging,
            summary: &summary,
            highlights: &highlights,
            charts: &charts,
            redactor: masked.then_some(&redactor),
            sentiments_set_by_hand: 0,
        })
        .expect("draws")
    }

    #[test]
    fn the_report_has_the_published_skeleton_with_every_chart_inline() {
        let html = report(&[], true);
        for heading in [
            "1. Introduction and method",
            "Method",
            "2. Consultation summary",
            "3. Quantitative analysis",
            "4. Qualitative analysis: the themes",
            "Appendix A: the themes and how common they are",
            "Appendix B: the questions asked",
        ] {
            assert!(
                html.contains(&format!(">{heading}</h")),
                "{heading} missing"
            );
        }
        assert!(html.contains("Workforce development</h3>"));
        assert!(
            html.contains("Raised by 3 respondents (75% of those who commented), in 3 comments.")
        );
        assert!(html.contains(
            "2 themes were identified in the comments, including workforce development and waiting times."
        ));
        // One inline drawing per figure, each with a text alternative; nothing fetched.
        let figures = html.matches("<figure").count();
        assert!(figures >= 4, "{figures} figures");
        assert_eq!(html.matches("<svg role=\"img\"").count(), figures);
        assert_eq!(html.matches("<figcaption>").count(), figures);
        assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
        assert!(html.contains("<th scope=\"col\">"));
    }

    #[test]
    fn quotes_are_masked_unless_masking_is_turned_off() {
        let html = report(&[], true);
        for personal in [
            "07700 900123",
            "sarah.jones@example.co.uk",
            "NG1 5AB",
            "Sarah Jones",
        ] {
            assert!(!html.contains(personal), "{personal} shown");
        }
        assert!(html.contains("[phone removed]") && html.contains("[email removed]"));
        assert!(html.contains("[postcode removed]"));
        let internal = report(&[], false);
        assert!(internal.contains("sarah.jones@example.co.uk"));
        assert!(internal.contains("masking was turned off"));
    }

    #[test]
    fn starred_quotes_come_first_else_representative_ones_are_chosen() {
        let workforce = |html: &str| -> Vec<String> {
            let section = &html[html.find("Workforce development</h3>").expect("the theme")..];
            let section = &section[..section.find("</article>").expect("its end")];
            section
                .split("<blockquote class=\"quote\">\n<p>")
                .skip(1)
                .map(|quote| quote[..quote.find("</p>").expect("text")].to_owned())
                .collect()
        };
        let chosen = workforce(&report(&[], true));
        // One per group first, then the next best; each from a different respondent.
        assert_eq!(chosen.len(), 3, "{chosen:?}");
        let starred = workforce(&report(&[2], true));
        assert_eq!(
            starred,
            ["We need more staff training on autism so that every class can cope well"]
        );
    }

    #[test]
    fn long_quotes_are_cut_at_a_sentence_end() {
        let long = format!(
            "{} And the end.",
            "This sentence is quite long. ".repeat(30)
        );
        let cut = shortened(&long);
        assert!(cut.ends_with(". […]"), "{cut}");
        assert!(cut.chars().count() <= LONGEST_QUOTE + 4);
        assert_eq!(shortened("Short."), "Short.");
    }
}
