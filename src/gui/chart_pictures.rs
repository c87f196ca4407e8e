//! The engine's charts in the window, drawn by the same code as the saved images and the report
//! so that all three show the same thing, kept as textures and drawn again only when a chart or
//! the room for it changes.

use std::collections::HashMap;
use std::sync::Arc;

use super::state::{Session, ViewState};
use crate::analysis::charts::{Chart, ChartOptions, ChartSources, all_charts};
use crate::analysis::{Filter, Selection, Summary, summarise_selected};
use crate::codebook::ThemeId;
use crate::export::chart_image::{chart_aspect, chart_pixels, chart_rows};
use crate::learning::Sentiment;
use crate::model::{CommentRef, ResponseId};

/// Drawn again only when the room for a chart changes by more than this many pixels.
const WIDTH_STEP: f32 = 32.0;

/// What a set of charts was made from: the session's generation, its counts, the options, and
/// how far sentiment had been read, set and learned.
#[derive(PartialEq)]
struct MadeFrom {
    generation: u64,
    summary: Summary,
    options: ChartOptions,
    sentiment: (usize, usize, bool),
    /// The Comments filter and the comments it selected.
    filter: (Filter, Option<Sentiment>, Vec<CommentRef>),
}

/// The charts of the open consultation and their pictures.
pub struct ChartPictures {
    /// What the charts were made from, to tell when they are out of date.
    made_from: Option<MadeFrom>,
    charts: Arc<[Chart]>,
    /// How many comments and responses the charts count, when the filter selects fewer than
    /// all.
    selected: Option<(usize, usize)>,
    /// By chart key: the chart drawn, the width drawn at, and the picture.
    drawn: HashMap<String, (Chart, u32, egui::TextureHandle)>,
}

impl Default for ChartPictures {
    fn default() -> Self {
        ChartPictures {
            made_from: None,
            charts: Arc::new([]),
            selected: None,
            drawn: HashMap::new(),
        }
    }
}

impl std::fmt::Debug for ChartPictures {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ChartPictures")
            .field("charts", &self.charts.len())
            .field("drawn", &self.drawn.len())
            .finish_non_exhaustive()
    }
}

/// A click or hover on a picture's row.
pub struct Pointed<'a> {
    /// The row's label.
    pub label: &'a str,
    /// The theme it counts, if any.
    pub theme: Option<ThemeId>,
}

/// Each comment's sentiment as the window holds it.
pub fn sentiments_of(session: &Session) -> HashMap<CommentRef, Sentiment> {
    session
        .tagging
        .comments
        .iter()
        .filter_map(|&comment| {
            session
                .sentiments
                .of(comment)
                .map(|(sentiment, _)| (comment, sentiment))
        })
        .collect()
}

/// What the Comments filter selects, when it selects less than everything: its comments, and
/// the responses they come from (for a filter on a respondent attribute alone, every response
/// with that answer, commented or not).
pub fn selection_of(session: &Session, view: &ViewState) -> Option<Selection> {
    let filter = &view.filter;
    if filter.non_answers || (*filter == Filter::default() && view.sentiment.is_none()) {
        return None;
    }
    let survey = &session.survey;
    let mut responses = vec![false; survey.response_count()];
    let by_comment = filter.theme.is_some()
        || !filter.text.trim().is_empty()
        || filter.question.is_some()
        || filter.no_theme
        || filter.by_hand
        || view.sentiment.is_some();
    match &filter.attribute {
        Some((column, value)) if !by_comment => {
            for (response, selected) in responses.iter_mut().enumerate() {
                *selected = survey.attribute_value(ResponseId(response), *column) == *value;
            }
        }
        _ => {
            for comment in &view.visible_comments {
                if let Some(selected) = responses.get_mut(comment.response.0) {
                    *selected = true;
                }
            }
        }
    }
    Some(Selection {
        responses,
        comments: view.visible_comments.clone(),
    })
}

/// Every chart of the session (of the selection alone, when given), with sentiment once it has
/// been read.
pub fn session_charts(
    session: &Session,
    options: ChartOptions,
    selection: Option<&Selection>,
) -> Vec<Chart> {
    let sentiments = sentiments_of(session);
    let sentiment_of = |comment: CommentRef| sentiments.get(&comment).copied();
    let selected = selection.map(|selection| {
        let tagging = session.tagging.only(&selection.comments);
        let summary = summarise_selected(&session.survey, &session.codebook, &tagging, selection);
        (tagging, summary)
    });
    let (tagging, summary) = selected.as_ref().map_or(
        (&*session.tagging, &session.summary),
        |(tagging, summary)| (tagging, summary),
    );
    all_charts(&ChartSources {
        survey: &session.survey,
        codebook: &session.codebook,
        tagging,
        summary,
        sentiment_of: (!sentiments.is_empty()).then_some(&sentiment_of),
        options,
        selection,
    })
}

impl ChartPictures {
    /// The session's charts (of what the Comments filter selects), made again when its counts,
    /// sentiment, the filter or the options changed.
    pub fn charts(
        &mut self,
        session: &Session,
        view: &ViewState,
        options: ChartOptions,
    ) -> &Arc<[Chart]> {
        let sentiments = &session.sentiments;
        let sentiment_state = (
            sentiments.read.len(),
            sentiments.set.len(),
            sentiments.learned.is_some(),
        );
        let current = self.made_from.as_ref().is_some_and(|made| {
            made.generation == session.generation
                && made.options == options
                && made.sentiment == sentiment_state
                && made.filter.0 == view.filter
                && made.filter.1 == view.sentiment
                && made.filter.2 == view.visible_comments
                && made.summary == session.summary
        });
        if !current {
            let selection = selection_of(session, view);
            self.charts = session_charts(session, options, selection.as_ref()).into();
            self.selected = selection.map(|selection| {
                let responses = selection.responses.iter().filter(|&&kept| kept).count();
                (selection.comments.len(), responses)
            });
            self.made_from = Some(MadeFrom {
                generation: session.generation,
                summary: session.summary.clone(),
                options,
                sentiment: sentiment_state,
                filter: (
                    view.filter.clone(),
                    view.sentiment,
                    view.visible_comments.clone(),
                ),
            });
        }
        &self.charts
    }

    /// How many comments and responses the charts count, when the Comments filter selects
    /// fewer than all.
    pub fn selected(&self) -> Option<(usize, usize)> {
        self.selected
    }

    /// Shows `chart` as wide as the room allows (no taller than `tallest` points, when given),
    /// clickable; returns the picture's response and the row under the pointer, if any.
    pub fn show<'a>(
        &mut self,
        ui: &mut egui::Ui,
        chart: &'a Chart,
        tallest: Option<f32>,
    ) -> Option<(egui::Response, Option<Pointed<'a>>)> {
        let pixels_per_point = ui.ctx().pixels_per_point();
        let room = ui.available_width();
        let aspect = chart_aspect(chart);
        #[expect(clippy::cast_possible_truncation)]
        let points = tallest.map_or(room, |tallest| {
            room.min((f64::from(tallest) / aspect) as f32)
        });
        let stepped = ((points * pixels_per_point) / WIDTH_STEP).floor() * WIDTH_STEP;
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let width = stepped.max(WIDTH_STEP * 8.0) as u32;
        let stale = self
            .drawn
            .get(&chart.key)
            .is_none_or(|(drawn, drawn_width, _)| drawn != chart || *drawn_width != width);
        if stale {
            match chart_pixels(chart, width) {
                Ok((drawn_width, height, pixels)) => {
                    let image = egui::ColorImage::from_rgb(
                        [drawn_width as usize, height as usize],
                        &pixels,
                    );
                    let texture = ui.ctx().load_texture(
                        format!("chart-{}", chart.key),
                        image,
                        egui::TextureOptions::LINEAR,
                    );
                    self.drawn
                        .insert(chart.key.clone(), (chart.clone(), width, texture));
                }
                Err(error) => {
                    ui.label(error.to_string());
                    return None;
                }
            }
        }
        let (_, _, texture) = self.drawn.get(&chart.key)?;
        let size = texture.size_vec2() / pixels_per_point;
        let response = ui.add(
            egui::Image::new((texture.id(), size))
                .alt_text(format!("{}. {}", chart.title, chart.description))
                .sense(egui::Sense::click()),
        );
        let pointed = response
            .hover_pos()
            .and_then(|pointer| row_at(chart, response.rect, pointer));
        Some((response, pointed))
    }
}

/// The row of `chart` drawn in `rect` under `pointer`.
fn row_at(chart: &Chart, rect: egui::Rect, pointer: egui::Pos2) -> Option<Pointed<'_>> {
    let at = f64::from((pointer.y - rect.top()) / rect.height());
    let row = chart_rows(chart)
        .iter()
        .position(|(top, bottom)| (*top..*bottom).contains(&at))?;
    let (label, theme) = chart.row(row)?;
    Some(Pointed { label, theme })
}
