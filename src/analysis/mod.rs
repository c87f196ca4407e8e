//! Survey + tagging -> summary: theme counts, themes by respondent attribute, closed questions.
//!
//! Percentages of respondents use as their base the respondents who wrote at least one comment
//! (in the group, for crosstabs), which is what the theme counts can be compared with.

pub mod charts;
mod filter;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

pub use filter::Filter;

use crate::answers::{rating_scale_of, split_choices};
use crate::codebook::{Codebook, ThemeId};
use crate::counts::{as_f64, as_u32};
use crate::heading::{RESPONDENT_TYPE_HINTS, mentions_any};
use crate::model::{ColumnId, ColumnRole, CommentRef, ResponseId, Survey};
use crate::tagging::Tagging;

/// How often one theme came up.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeCount {
    /// The theme.
    pub theme: ThemeId,
    /// Its name.
    pub name: String,
    /// Whether it is a group whose counts roll up its children.
    pub is_group: bool,
    /// Comments tagged with it.
    pub comments: usize,
    /// Respondents with at least one comment tagged with it.
    pub respondents: usize,
    /// `respondents` as a percentage of respondents who commented.
    pub percent_of_respondents: f64,
}

/// One group of a respondent attribute, such as "Parent or carer".
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeGroup {
    /// The attribute's value as displayed; empty for the respondents who did not answer it.
    pub value: String,
    /// Respondents in the group who wrote at least one comment.
    pub respondents: usize,
}

impl AttributeGroup {
    /// The group's name for people: its value, or "Not answered".
    pub fn label(&self) -> &str {
        if self.value.is_empty() {
            "Not answered"
        } else {
            &self.value
        }
    }
}

/// One theme across the groups of an attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct CrosstabRow {
    /// The theme.
    pub theme: ThemeId,
    /// Its name.
    pub name: String,
    /// Respondents tagged with it, per group (same order as [`Crosstab::groups`]).
    pub respondents: Vec<usize>,
    /// The same as a percentage of the group's respondents who commented.
    pub percents: Vec<f64>,
}

/// Themes by the groups of one respondent attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct Crosstab {
    /// The attribute column.
    pub attribute: ColumnId,
    /// Its name.
    pub attribute_name: String,
    /// The groups, largest first.
    pub groups: Vec<AttributeGroup>,
    /// One row per leaf theme, in the order of [`Summary::themes`].
    pub rows: Vec<CrosstabRow>,
}

/// The answers to one closed question.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedQuestion {
    /// The column.
    pub column: ColumnId,
    /// The question.
    pub name: String,
    /// Whether it is a multiple-choice question (answers may hold several options).
    pub is_multi_select: bool,
    /// Respondents who answered.
    pub answered: usize,
    /// Each option with its count and percentage of those who answered, in scale order when the
    /// options form an agreement scale, else most frequent first.
    pub options: Vec<(String, usize, f64)>,
}

/// Everything the charts and exports show.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Responses in the survey.
    pub responses: usize,
    /// Free-text answers that say something: the comments.
    pub comments: usize,
    /// Free-text answers that say nothing ("n/a", "none", "-"), not counted as comments.
    pub non_answers: usize,
    /// Respondents who wrote at least one comment: the base of the percentages.
    pub respondents_with_comments: usize,
    /// Comments that no theme covers.
    pub untagged_comments: usize,
    /// Leaf themes, most respondents first, then by name.
    pub themes: Vec<ThemeCount>,
    /// Group themes with their children's counts rolled up, most respondents first.
    pub groups: Vec<ThemeCount>,
    /// Themes by the respondent-type attribute, when there is one.
    pub by_attribute: Option<Crosstab>,
    /// Closed and multiple-choice questions in sheet order.
    pub closed: Vec<ClosedQuestion>,
}

/// Summarises the survey's tagging, split by the respondent-type column when there is one.
/// Every count is one pass over the comments or the respondents.
pub fn summarise(survey: &Survey, codebook: &Codebook, tagging: &Tagging) -> Summary {
    summarise_on(survey, codebook, tagging, crate::cores::available())
}

/// Some of the responses and their comments: what a filter selects, for charts of it alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// Whether each response is selected, by position.
    pub responses: Vec<bool>,
    /// The comments selected, in survey order (all of selected responses).
    pub comments: Vec<CommentRef>,
}

impl Selection {
    /// Whether `response` is selected.
    pub fn has(&self, response: ResponseId) -> bool {
        self.responses
            .get(response.index())
            .copied()
            .unwrap_or_default()
    }
}

/// [`summarise`] of the selected responses and comments only: closed questions count the
/// selected responses, themes the selected comments. `tagging` is of the selected comments
/// alone ([`Tagging::only`]).
pub fn summarise_selected(
    survey: &Survey,
    codebook: &Codebook,
    tagging: &Tagging,
    selection: &Selection,
) -> Summary {
    let mut summary = summarise_themes(survey, codebook, tagging);
    summary.responses = selection.responses.iter().filter(|&&kept| kept).count();
    summary.non_answers = survey
        .non_answers()
        .into_iter()
        .filter(|answer| selection.has(answer.response))
        .count();
    summary.closed = closed_questions_of(survey, &|response| selection.has(response));
    summary
}

/// [`summarise`] on this many threads: with more than one, the closed questions are counted on
/// a second thread while the themes are counted on this one. The result is the same.
fn summarise_on(
    survey: &Survey,
    codebook: &Codebook,
    tagging: &Tagging,
    threads: usize,
) -> Summary {
    if threads > 1 {
        std::thread::scope(|scope| {
            let closed = scope.spawn(|| closed_questions(survey));
            let themes = summarise_themes(survey, codebook, tagging);
            // A panic counting the closed questions is a bug; it goes on as it would have here.
            let closed = closed
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Summary { closed, ..themes }
        })
    } else {
        Summary {
            closed: closed_questions(survey),
            ..summarise_themes(survey, codebook, tagging)
        }
    }
}

/// Everything in the summary but the closed questions.
fn summarise_themes(survey: &Survey, codebook: &Codebook, tagging: &Tagging) -> Summary {
    let response_themes = ThemesByResponse::of(tagging, survey.response_count());
    // The comments are in survey order: each response's are together.
    let mut commenters: Vec<ResponseId> = Vec::new();
    for comment in &tagging.comments {
        if commenters.last() != Some(&comment.response) {
            commenters.push(comment.response);
        }
    }
    let base = commenters.len();

    let group_of_theme = groups_of_themes(codebook);
    let mut comments = vec![0_usize; codebook.themes.len()];
    let mut group_comments = vec![0_usize; codebook.themes.len()];
    let mut respondents = vec![0_usize; codebook.themes.len()];
    let mut group_respondents = vec![0_usize; codebook.themes.len()];
    let count_once =
        |themes: &mut dyn Iterator<Item = ThemeId>, own: &mut [usize], grouped: &mut [usize]| {
            let mut groups: Vec<ThemeId> = Vec::new();
            for theme in themes {
                if let Some(slot) = own.get_mut(theme.0) {
                    *slot += 1;
                }
                if let Some(group) = group_of_theme.get(theme.0).copied().flatten()
                    && !groups.contains(&group)
                {
                    groups.push(group);
                }
            }
            for group in groups {
                if let Some(slot) = grouped.get_mut(group.0) {
                    *slot += 1;
                }
            }
        };
    for (_, tags) in tagging.iter() {
        count_once(
            &mut tags.iter().map(|tag| tag.theme()),
            &mut comments,
            &mut group_comments,
        );
    }
    for &response in &commenters {
        count_once(
            &mut response_themes.themes_of(response),
            &mut respondents,
            &mut group_respondents,
        );
    }
    let count_of = |theme: ThemeId, comments: &[usize], respondents: &[usize]| {
        let respondents = respondents.get(theme.0).copied().unwrap_or_default();
        ThemeCount {
            theme,
            name: codebook
                .theme(theme)
                .map(|found| found.name.clone())
                .unwrap_or_default(),
            is_group: codebook.is_group(theme),
            comments: comments.get(theme.0).copied().unwrap_or_default(),
            respondents,
            percent_of_respondents: percent(respondents, base),
        }
    };
    let mut themes: Vec<ThemeCount> = codebook
        .leaf_themes()
        .into_iter()
        .map(|theme| count_of(theme, &comments, &respondents))
        .collect();
    sort_counts(&mut themes);
    let mut groups: Vec<ThemeCount> = codebook
        .top_level()
        .into_iter()
        .filter(|&theme| codebook.is_group(theme))
        .map(|theme| count_of(theme, &group_comments, &group_respondents))
        .collect();
    sort_counts(&mut groups);

    let untagged_comments = tagging.iter().filter(|(_, tags)| tags.is_empty()).count();
    let by_attribute = respondent_type_column(survey)
        .map(|column| crosstab(survey, column, &commenters, &themes, &response_themes));
    Summary {
        responses: survey.response_count(),
        comments: tagging.comments.len(),
        non_answers: survey.non_answers().len(),
        respondents_with_comments: base,
        untagged_comments,
        themes,
        groups,
        by_attribute,
        closed: Vec::new(),
    }
}

/// The group each theme counts towards, by codebook position: its parent, or itself when it is
/// a group.
fn groups_of_themes(codebook: &Codebook) -> Vec<Option<ThemeId>> {
    (0..codebook.themes.len())
        .map(ThemeId)
        .map(|theme| {
            codebook
                .parent_of(theme)
                .or_else(|| codebook.is_group(theme).then_some(theme))
        })
        .collect()
}

/// The themes of every comment of some responses, taken before their tags change, so that the
/// summary can be brought up to date by counting only those responses again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemesOfResponses {
    /// The responses, in survey order.
    responses: Vec<ResponseId>,
    /// Response `i`'s comments are `comments[response_ends[i - 1]..response_ends[i]]`.
    response_ends: Vec<usize>,
    /// Comment `j`'s themes are `themes[comment_ends[j - 1]..comment_ends[j]]`.
    comment_ends: Vec<usize>,
    themes: Vec<ThemeId>,
}

impl ThemesOfResponses {
    /// The themes now of the comments of the responses that hold `comments`.
    pub fn of(tagging: &Tagging, comments: &[CommentRef]) -> Self {
        let mut responses: Vec<ResponseId> =
            comments.iter().map(|comment| comment.response).collect();
        responses.sort_unstable();
        responses.dedup();
        Self::of_responses(tagging, responses)
    }

    /// The themes now of the comments of these responses, in survey order.
    fn of_responses(tagging: &Tagging, responses: Vec<ResponseId>) -> Self {
        let mut of = Self::default();
        for &response in &responses {
            of.push(tagging, response);
        }
        of.responses = responses;
        of
    }

    /// Adds the themes of one response's comments.
    fn push(&mut self, tagging: &Tagging, response: ResponseId) {
        for (_, tags) in tagging.of_response(response) {
            self.themes.extend(tags.iter().map(|tag| tag.theme()));
            self.comment_ends.push(self.themes.len());
        }
        self.response_ends.push(self.comment_ends.len());
    }

    /// Each response with its comments' themes.
    fn each(&self) -> impl Iterator<Item = (ResponseId, impl Iterator<Item = &[ThemeId]>)> {
        self.responses
            .iter()
            .enumerate()
            .map(move |(index, &response)| {
                let first_comment = index
                    .checked_sub(1)
                    .and_then(|before| self.response_ends.get(before))
                    .copied()
                    .unwrap_or_default();
                let last_comment = self.response_ends.get(index).copied().unwrap_or_default();
                let themes = (first_comment..last_comment).map(move |comment| {
                    let start = comment
                        .checked_sub(1)
                        .and_then(|before| self.comment_ends.get(before))
                        .copied()
                        .unwrap_or_default();
                    let end = self.comment_ends.get(comment).copied().unwrap_or_default();
                    self.themes.get(start..end).unwrap_or_default()
                });
                (response, themes)
            })
    }
}

/// Brings `summary` up to date after the tags of some comments changed, given the themes of
/// their responses before: only those responses are counted again, so a hand decision is
/// counted in the time of one response whatever the survey's size. Gives what [`summarise`]
/// would.
pub fn recount_changed(
    summary: &mut Summary,
    survey: &Survey,
    codebook: &Codebook,
    tagging: &Tagging,
    before: &ThemesOfResponses,
) {
    let group_of_theme = groups_of_themes(codebook);
    // Scratch lists, cleared and reused for every comment and response.
    let mut groups: Vec<ThemeId> = Vec::new();
    let mut raised: Vec<ThemeId> = Vec::new();
    let groups_of = |themes: &[ThemeId], groups: &mut Vec<ThemeId>| {
        groups.clear();
        groups.extend(
            themes
                .iter()
                .filter_map(|theme| group_of_theme.get(theme.0).copied().flatten()),
        );
        groups.sort_unstable();
        groups.dedup();
    };
    let group_of_response = |response: ResponseId| {
        summary.by_attribute.as_ref().and_then(|crosstab| {
            let value = survey.value(response, crosstab.attribute);
            crosstab
                .groups
                .iter()
                .position(|group| value.reads_as(&group.value))
        })
    };
    let mut untagged = summary.untagged_comments.cast_signed();
    // Changes by codebook position: a theme's own counts, and its rolled-up counts as a group.
    let theme_slots = codebook.themes.len();
    let group_count = summary
        .by_attribute
        .as_ref()
        .map_or(0, |crosstab| crosstab.groups.len());
    let mut own = vec![(0_isize, 0_isize); theme_slots];
    let mut rolled_up = vec![(0_isize, 0_isize); theme_slots];
    let mut by_group = vec![0_isize; theme_slots * group_count];
    let add = |counts: &mut [(isize, isize)], theme: ThemeId, comments, respondents| {
        if let Some(slot) = counts.get_mut(theme.0) {
            slot.0 += comments;
            slot.1 += respondents;
        }
    };
    let after = ThemesOfResponses::of_responses(tagging, before.responses.clone());
    for ((response, earlier), (_, now)) in before.each().zip(after.each()) {
        let group = group_of_response(response);
        for (sign, comments) in [(-1_isize, earlier), (1, now)] {
            raised.clear();
            for themes in comments {
                if themes.is_empty() {
                    untagged += sign;
                }
                for &theme in themes {
                    add(&mut own, theme, sign, 0);
                }
                groups_of(themes, &mut groups);
                for &theme in &groups {
                    add(&mut rolled_up, theme, sign, 0);
                }
                raised.extend_from_slice(themes);
            }
            raised.sort_unstable();
            raised.dedup();
            for &theme in &raised {
                add(&mut own, theme, 0, sign);
                if let Some(slot) =
                    group.and_then(|group| by_group.get_mut(theme.0 * group_count + group))
                {
                    *slot += sign;
                }
            }
            groups_of(&raised, &mut groups);
            for &theme in &groups {
                add(&mut rolled_up, theme, 0, sign);
            }
        }
    }
    summary.untagged_comments = untagged.max(0).cast_unsigned();
    let base = summary.respondents_with_comments;
    let shift = |count: usize, by: isize| count.saturating_add_signed(by);
    let counts = (summary.themes.iter_mut().map(|count| (count, &own)))
        .chain(summary.groups.iter_mut().map(|count| (count, &rolled_up)));
    for (count, changes) in counts {
        if let Some(&(comments, respondents)) = changes.get(count.theme.0) {
            count.comments = shift(count.comments, comments);
            count.respondents = shift(count.respondents, respondents);
        }
        count.percent_of_respondents = percent(count.respondents, base);
    }
    sort_counts(&mut summary.themes);
    sort_counts(&mut summary.groups);
    if let Some(crosstab) = &mut summary.by_attribute {
        for row in &mut crosstab.rows {
            for (group, slot) in row.respondents.iter_mut().enumerate() {
                let by = by_group
                    .get(row.theme.0 * group_count + group)
                    .copied()
                    .unwrap_or_default();
                *slot = shift(*slot, by);
            }
            row.percents = row
                .respondents
                .iter()
                .zip(&crosstab.groups)
                .map(|(&tagged, group)| percent(tagged, group.respondents))
                .collect();
        }
        // Rows follow the themes' order.
        let order: HashMap<ThemeId, usize> = summary
            .themes
            .iter()
            .enumerate()
            .map(|(position, count)| (count.theme, position))
            .collect();
        crosstab
            .rows
            .sort_by_key(|row| order.get(&row.theme).copied().unwrap_or(usize::MAX));
    }
}

/// The themes each response raised in any of its comments, sorted, one list after another: a
/// list per response took 10 MB and 100,000 allocations at 100,000 responses. Positions and
/// themes are 32-bit: this is held at the analysis's peak memory.
struct ThemesByResponse {
    /// Response `r`'s themes are `themes[ends[r]..ends[r + 1]]`.
    ends: Vec<u32>,
    themes: Themes,
}

/// Themes by their position in the codebook: 16 bits each while every one fits (6 MB fewer at
/// 500,000 responses), 32 once one does not.
enum Themes {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Themes {
    fn push(&mut self, theme: ThemeId) {
        match self {
            Themes::Narrow(themes) => match u16::try_from(theme.0) {
                Ok(narrow) => themes.push(narrow),
                Err(_) => {
                    let mut wide: Vec<u32> = themes.iter().map(|&theme| u32::from(theme)).collect();
                    wide.push(as_u32(theme.0));
                    *self = Themes::Wide(wide);
                }
            },
            Themes::Wide(themes) => themes.push(as_u32(theme.0)),
        }
    }

    fn len(&self) -> usize {
        match self {
            Themes::Narrow(themes) => themes.len(),
            Themes::Wide(themes) => themes.len(),
        }
    }

    fn shrink_to_fit(&mut self) {
        match self {
            Themes::Narrow(themes) => themes.shrink_to_fit(),
            Themes::Wide(themes) => themes.shrink_to_fit(),
        }
    }

    /// The themes at `range`.
    fn get(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = ThemeId> + '_ {
        let (narrow, wide): (&[u16], &[u32]) = match self {
            Themes::Narrow(themes) => (themes.get(range).unwrap_or_default(), &[]),
            Themes::Wide(themes) => (&[], themes.get(range).unwrap_or_default()),
        };
        narrow
            .iter()
            .map(|&theme| ThemeId(usize::from(theme)))
            .chain(wide.iter().map(|&theme| ThemeId(theme as usize)))
    }
}

impl ThemesByResponse {
    fn of(tagging: &Tagging, responses: usize) -> Self {
        let mut ends = Vec::with_capacity(responses + 1);
        // At most one theme per tag: room for that at once, not grown by doubling.
        let mut themes = Themes::Narrow(Vec::with_capacity(
            tagging.iter().map(|(_, tags)| tags.len()).sum(),
        ));
        let mut comments = tagging.iter().peekable();
        let mut raised = Vec::new();
        ends.push(0);
        for response in (0..responses).map(ResponseId::at) {
            raised.clear();
            while let Some((_, tags)) =
                comments.next_if(|(comment, _)| comment.response == response)
            {
                raised.extend(tags.iter().map(|tag| tag.theme()));
            }
            raised.sort_unstable();
            raised.dedup();
            for &theme in &raised {
                themes.push(theme);
            }
            ends.push(as_u32(themes.len()));
        }
        themes.shrink_to_fit();
        Self { ends, themes }
    }

    fn themes_of(&self, response: ResponseId) -> impl Iterator<Item = ThemeId> + '_ {
        let at = |index: usize| self.ends.get(index).map(|&end| end as usize);
        let range = match (at(response.index()), at(response.index() + 1)) {
            (Some(start), Some(end)) => start..end,
            _ => 0..0,
        };
        self.themes.get(range)
    }
}

/// The attribute column a person chose as the respondent group, else the one most likely to say
/// who the respondent is (respondent type, role ...), else the first attribute.
pub fn respondent_type_column(survey: &Survey) -> Option<ColumnId> {
    let attributes = survey.columns_with_role(ColumnRole::Attribute);
    if let Some(chosen) = survey
        .respondent_group
        .filter(|chosen| attributes.contains(chosen))
    {
        return Some(chosen);
    }
    let describes_respondent = |id: &ColumnId| {
        survey
            .column(*id)
            .is_some_and(|column| mentions_any(&column.name, &RESPONDENT_TYPE_HINTS))
    };
    attributes
        .iter()
        .copied()
        .find(describes_respondent)
        .or_else(|| attributes.first().copied())
}

fn sort_counts(counts: &mut [ThemeCount]) {
    counts.sort_by(|a, b| {
        b.respondents
            .cmp(&a.respondents)
            .then_with(|| b.comments.cmp(&a.comments))
            .then_with(|| a.name.cmp(&b.name))
    });
}

/// `part` as a percentage of `whole`, 0 when `whole` is 0.
pub fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        as_f64(part) / as_f64(whole) * 100.0
    }
}

fn crosstab(
    survey: &Survey,
    attribute: ColumnId,
    commenters: &[ResponseId],
    themes: &[ThemeCount],
    response_themes: &ThemesByResponse,
) -> Crosstab {
    // Each commenter's answer, as the position of that answer among the distinct answers met:
    // a number beside each commenter, and no copy of the answer's text unless it is new.
    let mut answers: HashMap<String, u32> = HashMap::new();
    let mut groups: Vec<AttributeGroup> = Vec::new();
    let group_of: Vec<u32> = commenters
        .iter()
        .map(|&response| {
            let value = survey.value(response, attribute);
            let shown = match value.as_text() {
                Some(text) => Cow::Borrowed(text),
                None => Cow::Owned(value.display()),
            };
            let met = match answers.get(&*shown) {
                Some(&met) => met,
                None => {
                    let met = as_u32(groups.len());
                    groups.push(AttributeGroup {
                        value: shown.clone().into_owned(),
                        respondents: 0,
                    });
                    answers.insert(shown.into_owned(), met);
                    met
                }
            };
            if let Some(group) = groups.get_mut(met as usize) {
                group.respondents += 1;
            }
            met
        })
        .collect();
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| {
        groups[b]
            .respondents
            .cmp(&groups[a].respondents)
            .then_with(|| groups[a].value.cmp(&groups[b].value))
    });
    // `position[met]` is where the answer met `met`-th is shown.
    let mut position = vec![0; groups.len()];
    for (shown, &met) in order.iter().enumerate() {
        position[met] = shown;
    }
    let groups: Vec<AttributeGroup> = order.iter().map(|&met| groups[met].clone()).collect();
    // Respondents per theme (by codebook position) and group, in one pass.
    let theme_slots = themes
        .iter()
        .map(|count| count.theme.0 + 1)
        .max()
        .unwrap_or_default();
    let mut tagged = vec![vec![0_usize; groups.len()]; theme_slots];
    for (&response, &met) in commenters.iter().zip(&group_of) {
        let group = position[met as usize];
        for theme in response_themes.themes_of(response) {
            if let Some(slot) = tagged
                .get_mut(theme.0)
                .and_then(|by_group| by_group.get_mut(group))
            {
                *slot += 1;
            }
        }
    }
    let rows = themes
        .iter()
        .map(|count| {
            let respondents = tagged.get(count.theme.0).cloned().unwrap_or_default();
            let percents = respondents
                .iter()
                .zip(&groups)
                .map(|(&tagged, group)| percent(tagged, group.respondents))
                .collect();
            CrosstabRow {
                theme: count.theme,
                name: count.name.clone(),
                respondents,
                percents,
            }
        })
        .collect();
    Crosstab {
        attribute,
        attribute_name: survey
            .column(attribute)
            .map(|column| column.name.clone())
            .unwrap_or_default(),
        groups,
        rows,
    }
}

fn closed_questions(survey: &Survey) -> Vec<ClosedQuestion> {
    closed_questions_of(survey, &|_| true)
}

/// The closed questions as the responses `counted` answered them.
fn closed_questions_of(
    survey: &Survey,
    counted: &dyn Fn(ResponseId) -> bool,
) -> Vec<ClosedQuestion> {
    survey
        .columns
        .iter()
        .enumerate()
        .filter(|(_, column)| {
            matches!(
                column.role,
                ColumnRole::Closed | ColumnRole::MultiSelect | ColumnRole::Attribute
            )
        })
        .map(|(index, column)| {
            let is_multi_select = column.role == ColumnRole::MultiSelect;
            let values = || {
                column
                    .values
                    .iter()
                    .enumerate()
                    .filter(|(response, value)| {
                        !value.is_empty() && counted(ResponseId::at(*response))
                    })
                    .map(|(_, value)| value)
            };
            let answered = values().count();
            let mut choices: HashMap<String, usize> = HashMap::new();
            for value in values() {
                let text = value.display();
                if is_multi_select {
                    let unique: BTreeSet<&str> = split_choices(&text).collect();
                    for choice in unique {
                        *choices.entry(choice.to_owned()).or_default() += 1;
                    }
                } else {
                    *choices.entry(text).or_default() += 1;
                }
            }
            let mut counts: Vec<(String, usize)> = choices.into_iter().collect();
            counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            order_by_rating_scale(&mut counts);
            let options = counts
                .into_iter()
                .map(|(option, count)| {
                    let share = percent(count, answered);
                    (option, count, share)
                })
                .collect();
            ClosedQuestion {
                column: ColumnId::at(index),
                name: column.name.clone(),
                is_multi_select,
                answered,
                options,
            }
        })
        .collect()
}

/// Puts rating-scale answers in scale order, leaving other answer sets as they are.
fn order_by_rating_scale(counts: &mut [(String, usize)]) {
    let Some(scale) = rating_scale_of(counts.iter().map(|(option, _)| option.as_str())) else {
        return;
    };
    counts.sort_by_key(|(option, _)| scale.iter().position(|step| *step == option.to_lowercase()));
}

/// A survey from CSV text, tagged with a codebook from TOML text and summarised: small fixtures
/// for the tests of what is counted and charted.
#[cfg(test)]
pub(crate) fn analysed(csv: &[u8], codebook: &str) -> (Survey, Codebook, Tagging, Summary) {
    let progress = crate::progress::Progress::new();
    let codebook =
        Codebook::from_toml(codebook, std::path::Path::new("test.toml")).expect("parses");
    let survey = crate::import::import_bytes(
        std::path::Path::new("consultation.csv"),
        csv,
        &crate::import::ImportOptions::default(),
        &progress,
    )
    .expect("imports")
    .survey;
    let tagging = crate::tagging::tag_survey(&survey, &codebook, &progress).expect("tags");
    let summary = summarise(&survey, &codebook, &tagging);
    (survey, codebook, tagging, summary)
}

/// The bundled sample tagged with the default codebook, for tests of counting and filtering.
#[cfg(test)]
fn tagged_sample() -> (Survey, Codebook, Tagging) {
    let sample =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/send_consultation.xlsx");
    let survey = crate::import::import_file(
        &sample,
        &crate::import::ImportOptions::default(),
        &crate::progress::Progress::new(),
    )
    .expect("imports")
    .survey;
    let codebook = Codebook::load(crate::codebook::DEFAULT_CODEBOOK).expect("codebook");
    let tagging =
        crate::tagging::tag_survey(&survey, &codebook, &Default::default()).expect("tags");
    (survey, codebook, tagging)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, CommentRef, SourceFile, Value};
    use crate::progress::Progress;
    use crate::tagging::Tag;
    use std::path::{Path, PathBuf};

    #[test]
    fn the_summary_is_the_same_on_any_number_of_threads() {
        let (survey, codebook, tagging) = tagged_sample();
        let one = summarise_on(&survey, &codebook, &tagging, 1);
        assert!(!one.closed.is_empty() && !one.themes.is_empty() && one.by_attribute.is_some());
        assert_eq!(summarise_on(&survey, &codebook, &tagging, 2), one);
        assert_eq!(summarise_on(&survey, &codebook, &tagging, 8), one);
    }

    #[test]
    fn each_response_keeps_its_themes_however_far_down_the_codebook_they_are() {
        let comment = |response: u32, column: u32| CommentRef {
            response: ResponseId(response),
            column: ColumnId(column),
        };
        let by_person = |themes: &[usize]| -> Vec<Tag> {
            themes
                .iter()
                .map(|&theme| Tag::by_person(ThemeId(theme)))
                .collect()
        };
        let near = Tagging::new(
            vec![comment(0, 1), comment(0, 2), comment(2, 1)],
            &[by_person(&[3, 5]), by_person(&[1, 3]), by_person(&[65_535])],
        );
        let far = Tagging::new(
            vec![comment(0, 1), comment(1, 1), comment(2, 1)],
            &[by_person(&[4]), by_person(&[2, 70_000]), by_person(&[9])],
        );
        let themes = |tagging: &Tagging| -> Vec<Vec<usize>> {
            let by_response = ThemesByResponse::of(tagging, 4);
            (0..4)
                .map(|response| {
                    by_response
                        .themes_of(ResponseId(response))
                        .map(|theme| theme.0)
                        .collect()
                })
                .collect()
        };
        assert_eq!(themes(&near), [vec![1, 3, 5], vec![], vec![65_535], vec![]]);
        assert_eq!(themes(&far), [vec![4], vec![2, 70_000], vec![9], vec![]]);
    }

    fn set_value(column: &mut Column, row: usize, value: Value) {
        let mut values = std::mem::take(&mut column.values).into_vec();
        values[row] = value;
        column.values = values.into();
    }

    fn text_column(name: &str, role: ColumnRole, values: &[&str]) -> Column {
        Column {
            name: name.to_owned(),
            role,
            role_reason: String::new(),
            source_index: Some(0),
            values: values.iter().map(|value| Value::from(*value)).collect(),
        }
    }

    fn fixture() -> (Survey, Codebook) {
        let survey = Survey {
            sources: vec![SourceFile {
                path: PathBuf::from("t.csv"),
                sheet: None,
                header_rows: Some((1, 1)),
                responses: 4,
            }],
            columns: vec![
                text_column(
                    "Which of these best describes you?",
                    ColumnRole::Attribute,
                    &["Parent", "Parent", "Teacher", "Teacher"],
                ),
                text_column(
                    "Do you agree?",
                    ColumnRole::Closed,
                    &["Agree", "Strongly agree", "Disagree", "Agree"],
                ),
                text_column(
                    "Views",
                    ColumnRole::FreeText,
                    &[
                        "More staff training please",
                        "The taxi is late",
                        "training and taxis",
                        "",
                    ],
                ),
                text_column(
                    "Other",
                    ColumnRole::FreeText,
                    &["Training again", "", "", ""],
                ),
            ],
            source_rows: vec![2, 3, 4, 5],
            respondent_group: None,
        };
        let codebook = Codebook::from_toml(
            "name = \"T\"\n\
             [[theme]]\nid = \"g\"\nname = \"Group\"\n\
             [[theme]]\nid = \"w\"\nname = \"Workforce\"\nparent = \"g\"\nkeywords = [\"training\"]\n\
             [[theme]]\nid = \"t\"\nname = \"Transport\"\nparent = \"g\"\nkeywords = [\"taxi\"]\n\
             [[theme]]\nid = \"n\"\nname = \"Nothing\"\nkeywords = [\"zebra\"]\n",
            Path::new("t.toml"),
        )
        .expect("parses");
        (survey, codebook)
    }

    #[test]
    fn counts_respondents_once_across_questions() {
        let (survey, codebook) = fixture();
        let tagging = tag_fixture(&survey, &codebook);
        let summary = summarise(&survey, &codebook, &tagging);
        assert_eq!(
            (
                summary.responses,
                summary.comments,
                summary.respondents_with_comments
            ),
            (4, 4, 3)
        );
        let names: Vec<(&str, usize, usize)> = summary
            .themes
            .iter()
            .map(|count| (count.name.as_str(), count.comments, count.respondents))
            .collect();
        assert_eq!(
            names,
            [("Workforce", 3, 2), ("Transport", 2, 2), ("Nothing", 0, 0)]
        );
        assert!((summary.themes[0].percent_of_respondents - 200.0 / 3.0).abs() < 1e-9);
        assert_eq!(summary.groups.len(), 1);
        assert_eq!(
            (summary.groups[0].comments, summary.groups[0].respondents),
            (4, 3)
        );
        assert_eq!(summary.untagged_comments, 0);
    }

    #[test]
    fn a_selection_counts_its_own_responses_and_comments_only() {
        let (survey, codebook, tagging, whole) = analysed(
            b"Which of these best describes you?,Do you agree?,Any comments?\n\
              Parent,Agree,More staff please\n\
              Parent,Disagree,The school is far\n\
              Parent,Agree,\n\
              Teacher,Agree,Staff and school both\n",
            "name = \"T\"\n\
             [[theme]]\nid = \"staff\"\nname = \"Staff\"\nkeywords = [\"staff\"]\n\
             [[theme]]\nid = \"school\"\nname = \"School\"\nkeywords = [\"school\"]\n",
        );
        let parents = [true, true, true, false];
        let selection = Selection {
            responses: parents.to_vec(),
            comments: tagging
                .comments
                .iter()
                .copied()
                .filter(|comment| parents[comment.response.index()])
                .collect(),
        };
        let selected = summarise_selected(
            &survey,
            &codebook,
            &tagging.only(&selection.comments),
            &selection,
        );
        assert_eq!((whole.responses, selected.responses), (4, 3));
        assert_eq!((whole.comments, selected.comments), (3, 2));
        let respondents = |summary: &Summary, name: &str| {
            summary
                .themes
                .iter()
                .find(|theme| theme.name == name)
                .map(|theme| (theme.respondents, theme.percent_of_respondents.round()))
        };
        assert_eq!(respondents(&whole, "Staff"), Some((2, 67.0)));
        assert_eq!(respondents(&selected, "Staff"), Some((1, 50.0)));
        let agree = |summary: &Summary| {
            let question = summary
                .closed
                .iter()
                .find(|question| question.name == "Do you agree?")
                .expect("the question");
            (question.answered, question.options.clone())
        };
        assert_eq!(
            agree(&selected),
            (
                3,
                vec![
                    ("Agree".to_owned(), 2, percent(2, 3)),
                    ("Disagree".to_owned(), 1, percent(1, 3))
                ]
            )
        );
        assert_eq!(agree(&whole).0, 4);
    }

    #[test]
    fn crosstab_splits_by_respondent_type() {
        let (survey, codebook) = fixture();
        let tagging = tag_fixture(&survey, &codebook);
        let crosstab = summarise(&survey, &codebook, &tagging)
            .by_attribute
            .expect("crosstab");
        let groups: Vec<(&str, usize)> = crosstab
            .groups
            .iter()
            .map(|group| (group.value.as_str(), group.respondents))
            .collect();
        assert_eq!(groups, [("Parent", 2), ("Teacher", 1)]);
        assert_eq!(crosstab.rows[0].name, "Workforce");
        assert_eq!(crosstab.rows[0].respondents, [1, 1]);
        assert_eq!(crosstab.rows[0].percents, [50.0, 100.0]);
    }

    #[test]
    fn agreement_answers_keep_scale_order() {
        let (survey, codebook) = fixture();
        let tagging = tag_fixture(&survey, &codebook);
        let summary = summarise(&survey, &codebook, &tagging);
        let agree = summary
            .closed
            .iter()
            .find(|question| question.name == "Do you agree?")
            .expect("closed question");
        let options: Vec<(&str, usize)> = agree
            .options
            .iter()
            .map(|(option, count, _)| (option.as_str(), *count))
            .collect();
        assert_eq!(
            options,
            [("Strongly agree", 1), ("Agree", 2), ("Disagree", 1)]
        );
    }

    #[test]
    fn filter_by_theme_attribute_and_text() {
        let (survey, codebook) = fixture();
        let tagging = tag_fixture(&survey, &codebook);
        let transport = codebook.find("t").expect("theme");
        let by_theme = Filter {
            theme: Some(transport),
            ..Filter::default()
        }
        .apply(&survey, &codebook, &tagging);
        assert_eq!(by_theme.len(), 2);
        let group = codebook.find("g").expect("group");
        assert_eq!(
            Filter {
                theme: Some(group),
                ..Filter::default()
            }
            .apply(&survey, &codebook, &tagging)
            .len(),
            4
        );
        let teachers = Filter {
            attribute: Some((ColumnId(0), "Teacher".to_owned())),
            ..Filter::default()
        };
        assert_eq!(teachers.apply(&survey, &codebook, &tagging).len(), 1);
        let text = Filter {
            text: "AGAIN".to_owned(),
            ..Filter::default()
        };
        assert_eq!(text.apply(&survey, &codebook, &tagging).len(), 1);
    }

    #[test]
    fn not_answered_group_filters_to_respondents_who_left_it_blank() {
        let (mut survey, codebook) = fixture();
        set_value(&mut survey.columns[0], 1, Value::Empty);
        let tagging = tag_fixture(&survey, &codebook);
        let crosstab = summarise(&survey, &codebook, &tagging)
            .by_attribute
            .expect("crosstab");
        let blank = crosstab
            .groups
            .iter()
            .find(|group| group.label() == "Not answered")
            .expect("a group for the blank answers");
        assert_eq!(blank.respondents, 1);
        let shown = Filter {
            attribute: Some((crosstab.attribute, blank.value.clone())),
            ..Filter::default()
        }
        .apply(&survey, &codebook, &tagging);
        assert_eq!(
            shown,
            [CommentRef {
                response: ResponseId(1),
                column: ColumnId(2)
            }]
        );
    }

    #[test]
    fn answers_that_say_nothing_are_not_comments() {
        let (mut survey, codebook) = fixture();
        set_value(&mut survey.columns[3], 1, Value::Text("N/A".into()));
        set_value(&mut survey.columns[3], 2, Value::Text(" - ".into()));
        let tagging = tag_fixture(&survey, &codebook);
        let summary = summarise(&survey, &codebook, &tagging);
        assert_eq!((summary.comments, summary.non_answers), (4, 2));
        assert_eq!(summary.respondents_with_comments, 3);
        let listed = Filter {
            non_answers: true,
            ..Filter::default()
        }
        .apply(&survey, &codebook, &tagging);
        assert_eq!(listed.len(), 2);
        assert!(listed.iter().all(|answer| answer.column == ColumnId(3)));
    }

    #[test]
    fn the_respondent_type_column_is_found_by_whole_words() {
        let (mut survey, _) = fixture();
        survey.columns.insert(
            0,
            text_column("Controller", ColumnRole::Attribute, &["a", "b", "a", "b"]),
        );
        assert_eq!(respondent_type_column(&survey), Some(ColumnId(1)));
    }

    #[test]
    fn a_respondent_group_chosen_by_hand_splits_the_themes() {
        let (mut survey, codebook) = fixture();
        survey.columns.insert(
            0,
            text_column(
                "Area",
                ColumnRole::Attribute,
                &["North", "South", "North", "South"],
            ),
        );
        let mut choices = crate::model::RoleChoices::default();
        choices.choose_respondent_group(Some("AREA"));
        choices.apply_to(&mut survey);
        assert_eq!(respondent_type_column(&survey), Some(ColumnId(0)));
        let tagging = tag_fixture(&survey, &codebook);
        let crosstab = summarise(&survey, &codebook, &tagging)
            .by_attribute
            .expect("split");
        assert_eq!(crosstab.attribute, ColumnId(0));
        // A choice of a column that is no longer an attribute falls back to the guess.
        survey.columns[0].role = ColumnRole::Ignore;
        assert_eq!(respondent_type_column(&survey), Some(ColumnId(1)));
    }

    fn tag_fixture(survey: &Survey, codebook: &Codebook) -> Tagging {
        crate::tagging::tag_survey(survey, codebook, &Progress::new()).expect("not cancelled")
    }

    #[test]
    fn counting_only_the_changed_responses_gives_the_full_count() {
        let (survey, codebook, mut tagging) = tagged_sample();
        let mut summary = summarise(&survey, &codebook, &tagging);
        assert!(summary.by_attribute.is_some() && !summary.groups.is_empty());
        let mut rng = fastrand::Rng::with_seed(11);
        for step in 0..300 {
            // One comment or a few, themes put on or taken off, as hand coding and undo do.
            let changed: Vec<CommentRef> = (0..rng.usize(1..4))
                .map(|_| tagging.comments[rng.usize(..tagging.comments.len())])
                .collect();
            let decisions: Vec<_> = changed
                .iter()
                .map(|&comment| {
                    let theme = ThemeId(rng.usize(..codebook.themes.len()));
                    let coding = if rng.bool() {
                        crate::tagging::Coding::Add
                    } else {
                        crate::tagging::Coding::Remove
                    };
                    (comment, theme, coding)
                })
                .collect();
            let before = ThemesOfResponses::of(&tagging, &changed);
            tagging.apply_hand_coding(&decisions);
            recount_changed(&mut summary, &survey, &codebook, &tagging, &before);
            assert_eq!(
                summary,
                summarise(&survey, &codebook, &tagging),
                "step {step}: {decisions:?}"
            );
        }
    }
}
