//! The engine's charts in the window, drawn by the same code as the saved images and the report
//! so that all three show the same thing, kept as textures and drawn again only when a chart or
//! the room for it changes.

use std::collections::HashMap;
use std::sync::Arc;

use std::sync::mpsc::{Receiver, TryRecvError};

use super::state::{CommentSentiments, Session, ViewState};
use crate::analysis::charts::{Chart, ChartOptions, ChartSources, all_charts};
use crate::analysis::{Filter, Selection, Summary, summarise_selected};
use crate::codebook::{Codebook, ThemeId};
use crate::export::chart_image::{chart_aspect, chart_pixels, chart_rows};
use crate::learning::Sentiment;
use crate::model::{CommentRef, ResponseId, Survey};
use crate::tagging::Tagging;

/// Drawn again only when the room for a chart changes by more than this many pixels.
const WIDTH_STEP: f32 = 32.0;

/// Surveys with at least this many comments have their charts made on another thread: at
/// 10,000 responses making them and drawing the one in view together take about a frame.
const IN_BACKGROUND_FROM: usize = 5_000;

/// What a set of charts is made from, copied so that they can be made on another thread.
struct ChartInputs {
    survey: Arc<Survey>,
    codebook: Codebook,
    tagging: Arc<Tagging>,
    summary: Summary,
    sentiments: CommentSentiments,
    options: ChartOptions,
    /// The Comments filter, the sentiment chosen there, and the comments they selected.
    filter: Filter,
    sentiment_filter: Option<Sentiment>,
    visible: Vec<CommentRef>,
    generation: u64,
}

/// What charts were made from, kept to tell when they are out of date: no share of the
/// session's data, which would make its next change copy it all.
struct ChartKey {
    generation: u64,
    /// Where the tagging was: a changed tagging is a new one.
    tagging: *const Tagging,
    summary: Summary,
    sentiment: (usize, usize, bool),
    options: ChartOptions,
    filter: Filter,
    sentiment_filter: Option<Sentiment>,
    visible: Vec<CommentRef>,
}

impl ChartKey {
    fn of(inputs: &ChartInputs) -> Self {
        ChartKey {
            generation: inputs.generation,
            tagging: Arc::as_ptr(&inputs.tagging),
            summary: inputs.summary.clone(),
            sentiment: sentiment_state(&inputs.sentiments),
            options: inputs.options,
            filter: inputs.filter.clone(),
            sentiment_filter: inputs.sentiment_filter,
            visible: inputs.visible.clone(),
        }
    }

    /// Whether charts made with this key are those of `session` and `view` now.
    fn matches(&self, session: &Session, view: &ViewState, options: ChartOptions) -> bool {
        self.generation == session.generation
            && std::ptr::eq(self.tagging, Arc::as_ptr(&session.tagging))
            && self.options == options
            && self.sentiment == sentiment_state(&session.sentiments)
            && self.filter == view.filter
            && self.sentiment_filter == view.sentiment
            && self.visible == view.visible_comments
            && self.summary == session.summary
    }
}

/// How far sentiment has been read, set by hand and learned.
fn sentiment_state(sentiments: &CommentSentiments) -> (usize, usize, bool) {
    (
        sentiments.read.len(),
        sentiments.set.len(),
        sentiments.learned.is_some(),
    )
}

/// Charts made, with how many comments and responses they count when a filter selects fewer
/// than all.
struct Made {
    charts: Vec<Chart>,
    selected: Option<(usize, usize)>,
}

impl ChartInputs {
    fn of(session: &Session, view: &ViewState, options: ChartOptions) -> Self {
        ChartInputs {
            survey: Arc::clone(&session.survey),
            codebook: session.codebook.clone(),
            tagging: Arc::clone(&session.tagging),
            summary: session.summary.clone(),
            sentiments: session.sentiments.clone(),
            options,
            filter: view.filter.clone(),
            sentiment_filter: view.sentiment,
            visible: view.visible_comments.clone(),
            generation: session.generation,
        }
    }

    /// What the filter selects, when it selects less than everything: its comments, and the
    /// responses they come from (for a filter on a respondent attribute alone, every response
    /// with that answer, commented or not).
    fn selection(&self) -> Option<Selection> {
        let filter = &self.filter;
        if filter.non_answers || (*filter == Filter::default() && self.sentiment_filter.is_none()) {
            return None;
        }
        let survey = &self.survey;
        let mut responses = vec![false; survey.response_count()];
        let by_comment = filter.theme.is_some()
            || !filter.text.trim().is_empty()
            || filter.question.is_some()
            || filter.no_theme
            || filter.by_hand
            || self.sentiment_filter.is_some();
        match &filter.attribute {
            Some((column, value)) if !by_comment => {
                for (response, selected) in responses.iter_mut().enumerate() {
                    *selected = survey.attribute_value(ResponseId::at(response), *column) == *value;
                }
            }
            _ => {
                for comment in &self.visible {
                    if let Some(selected) = responses.get_mut(comment.response.index()) {
                        *selected = true;
                    }
                }
            }
        }
        Some(Selection {
            responses,
            comments: self.visible.clone(),
        })
    }

    /// Every chart (of the selection alone, when the filter selects one), with sentiment once
    /// it has been read.
    fn make(&self) -> Made {
        let selection = self.selection();
        let sentiment_of = |comment: CommentRef| self.sentiments.sentiment(comment);
        let selected = selection.as_ref().map(|selection| {
            let tagging = self.tagging.only(&selection.comments);
            let summary = summarise_selected(&self.survey, &self.codebook, &tagging, selection);
            (tagging, summary)
        });
        let (tagging, summary) = selected
            .as_ref()
            .map_or((&*self.tagging, &self.summary), |(tagging, summary)| {
                (tagging, summary)
            });
        let charts = all_charts(&ChartSources {
            survey: &self.survey,
            codebook: &self.codebook,
            tagging,
            summary,
            sentiment_of: (!self.sentiments.read.is_empty()).then_some(&sentiment_of),
            options: self.options,
            selection: selection.as_ref(),
        });
        Made {
            charts,
            selected: selection.map(|selection| {
                let responses = selection.responses.iter().filter(|&&kept| kept).count();
                (selection.comments.len(), responses)
            }),
        }
    }
}

/// The session's charts as the Themes view shows them, made now (presentation mode).
pub fn charts_now(session: &Session, view: &ViewState, options: ChartOptions) -> Vec<Chart> {
    ChartInputs::of(session, view, options).make().charts
}

/// The charts of the open consultation and their pictures.
pub struct ChartPictures {
    /// What the charts shown were made from, to tell when they are out of date.
    made_from: Option<ChartKey>,
    charts: Arc<[Chart]>,
    /// How many comments and responses the charts count, when the filter selects fewer than
    /// all.
    selected: Option<(usize, usize)>,
    /// Charts being made on another thread, and what from.
    making: Option<(ChartKey, Receiver<Made>)>,
    /// By chart key: the chart drawn, the width drawn at, and the picture.
    drawn: HashMap<String, (Chart, u32, egui::TextureHandle)>,
}

impl Default for ChartPictures {
    fn default() -> Self {
        ChartPictures {
            made_from: None,
            charts: Arc::new([]),
            selected: None,
            making: None,
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

impl ChartPictures {
    /// The session's charts (of what the Comments filter selects), made again when its counts,
    /// sentiment, the filter or the options changed: on another thread for a large survey,
    /// showing the charts before the change until the new ones are made.
    pub fn charts(
        &mut self,
        ctx: &egui::Context,
        session: &Session,
        view: &ViewState,
        options: ChartOptions,
    ) -> &Arc<[Chart]> {
        if let Some((key, receiver)) = self.making.take() {
            match receiver.try_recv() {
                Ok(made) => self.take(key, made),
                Err(TryRecvError::Empty) => self.making = Some((key, receiver)),
                Err(TryRecvError::Disconnected) => {}
            }
        }
        let current = self
            .made_from
            .as_ref()
            .is_some_and(|key| key.matches(session, view, options));
        let under_way = self
            .making
            .as_ref()
            .is_some_and(|(key, _)| key.matches(session, view, options));
        if !current && !under_way {
            let inputs = ChartInputs::of(session, view, options);
            let key = ChartKey::of(&inputs);
            if session.tagging.comments.len() < IN_BACKGROUND_FROM {
                let made = inputs.make();
                self.take(key, made);
            } else {
                let (sender, receiver) = std::sync::mpsc::channel();
                let repaint = ctx.clone();
                // The copies are let go on that thread too: letting go of a tagging the
                // session has replaced takes longer than a frame at scale.
                std::thread::spawn(move || {
                    // The window may have closed or moved on; then nobody wants the charts.
                    let _ = sender.send(inputs.make());
                    repaint.request_repaint();
                });
                self.making = Some((key, receiver));
            }
        }
        &self.charts
    }

    fn take(&mut self, key: ChartKey, made: Made) {
        self.charts = made.charts.into();
        self.selected = made.selected;
        self.made_from = Some(key);
    }

    /// Whether charts are being made on another thread.
    pub fn making(&self) -> bool {
        self.making.is_some()
    }

    /// How many comments and responses the charts count, when the Comments filter selects
    /// fewer than all.
    pub fn selected(&self) -> Option<(usize, usize)> {
        self.selected
    }

    /// Shows `chart` as wide as the room allows (no taller than `tallest` points, when given),
    /// clickable; returns the picture's response and the row under the pointer, if any. The
    /// picture is drawn only once it is scrolled into view.
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
        // In whole steps of pixels, so that a window resized by a little keeps its pictures.
        let pixels =
            (((points * pixels_per_point) / WIDTH_STEP).floor() * WIDTH_STEP).max(WIDTH_STEP * 8.0);
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let width = pixels as u32;
        #[expect(clippy::cast_possible_truncation)]
        let size = egui::vec2(pixels, (f64::from(pixels) * aspect) as f32) / pixels_per_point;
        let (rect, response) = ui.allocate_exact_size(size, egui::Sense::click());
        let alt = format!("{}. {}", chart.title, chart.description);
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &alt));
        if !ui.is_rect_visible(rect) {
            return Some((response, None));
        }
        let stale = self
            .drawn
            .get(&chart.key)
            .is_none_or(|(drawn, drawn_width, _)| drawn != chart || *drawn_width != width);
        if stale {
            match chart_pixels(chart, width) {
                Ok((drawn_width, drawn_height, pixels)) => {
                    let image = egui::ColorImage::from_rgb(
                        [drawn_width as usize, drawn_height as usize],
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
        egui::Image::new((texture.id(), size)).paint_at(ui, rect);
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
