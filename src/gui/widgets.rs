//! Small pieces shared by the views: theme colours and chips, highlighted comment text.

use std::ops::Range;

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId};

use crate::codebook::{Codebook, Rgb, ThemeId};
use crate::model::{ColumnId, ColumnRole, Survey};
use crate::tagging::{Span, TagList};

/// A colour for egui.
pub fn colour32([red, green, blue]: Rgb) -> Color32 {
    Color32::from_rgb(red, green, blue)
}

/// The theme's colour for egui.
pub fn theme_colour(codebook: &Codebook, theme: ThemeId) -> Color32 {
    colour32(codebook.colour(theme))
}

/// Black or white, whichever reads better on `background`.
pub fn text_on(background: Color32) -> Color32 {
    if crate::codebook::dark_text_on([background.r(), background.g(), background.b()]) {
        Color32::BLACK
    } else {
        Color32::WHITE
    }
}

/// In a wrapping row, starts a new line unless the label `label` and a control `control_width`
/// wide after it both fit on this one, so that a label never ends a line apart from its control.
pub fn keep_together(ui: &mut egui::Ui, label: &str, control_width: f32) {
    if !fits_on_this_row(ui, label, control_width) {
        ui.end_row();
    }
}

/// Like [`keep_together`], with a separator before the label when they stay on this line; a new
/// line needs no separator to start it.
pub fn separated_keep_together(ui: &mut egui::Ui, label: &str, control_width: f32) {
    let separator_width = 2.0 * ui.spacing().item_spacing.x + 1.0;
    if fits_on_this_row(ui, label, control_width + separator_width) {
        ui.separator();
    } else {
        ui.end_row();
    }
}

fn fits_on_this_row(ui: &egui::Ui, label: &str, control_width: f32) -> bool {
    let label_width = egui::WidgetText::from(label)
        .into_galley(
            ui,
            Some(egui::TextWrapMode::Extend),
            f32::INFINITY,
            egui::TextStyle::Body,
        )
        .size()
        .x;
    let spacing = ui.spacing().item_spacing.x;
    let needed = label_width + control_width + 3.0 * spacing + ui.spacing().icon_width;
    !ui.layout().main_wrap() || ui.available_size_before_wrap().x >= needed
}

/// A list to choose one of the survey's free-text questions, or none (`none_label`), labelled by
/// `label`; gives back the choice.
pub fn question_list(
    ui: &mut egui::Ui,
    id_salt: &str,
    label: &egui::Response,
    survey: &Survey,
    none_label: &str,
    width: f32,
    current: Option<ColumnId>,
) -> Option<ColumnId> {
    let name_of = |question: Option<ColumnId>| {
        question
            .and_then(|id| survey.column(id))
            .map_or(none_label, |column| column.name.as_str())
    };
    let mut chosen = current;
    egui::ComboBox::from_id_salt(id_salt)
        .selected_text(name_of(chosen))
        .width(width)
        .truncate()
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut chosen, None, none_label);
            for question in survey.columns_with_role(ColumnRole::FreeText) {
                ui.selectable_value(&mut chosen, Some(question), name_of(Some(question)));
            }
        })
        .response
        .labelled_by(label.id);
    chosen
}

/// How a theme chip says where the theme came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChipLook {
    /// The theme's colour: found by the codebook's rules, or a theme named anywhere else.
    Plain,
    /// Put on by a person: outlined.
    ByHand,
    /// Suggested, not yet accepted: hollow, in the theme's colour, with a question mark.
    Suggested,
}

/// A coloured label naming a theme.
pub fn theme_chip(ui: &mut egui::Ui, codebook: &Codebook, theme: ThemeId, look: ChipLook) {
    let Some(chip) = Chip::new(ui, codebook, theme, look) else {
        return;
    };
    // A chip is never broken over two lines: in a wrapping row it starts the next line instead.
    if ui.layout().main_wrap() && ui.available_size_before_wrap().x < chip.width(ui) {
        ui.end_row();
    }
    chip.show(ui);
}

/// As many theme chips as fit on one line, then how many more there are.
pub fn theme_chips_line(ui: &mut egui::Ui, codebook: &Codebook, themes: &[(ThemeId, ChipLook)]) {
    ui.horizontal(|ui| {
        for (shown, &(theme, look)) in themes.iter().enumerate() {
            let Some(chip) = Chip::new(ui, codebook, theme, look) else {
                continue;
            };
            let rest = themes.len() - shown - 1;
            let room_for_more = if rest > 0 { MORE_LABEL_WIDTH } else { 0.0 };
            if ui.available_size_before_wrap().x < chip.width(ui) + room_for_more {
                ui.label(
                    egui::RichText::new(format!("+{} more", rest + 1))
                        .small()
                        .weak(),
                );
                return;
            }
            chip.show(ui);
        }
    });
}

/// Room kept at the end of a line of chips for "+N more".
const MORE_LABEL_WIDTH: f32 = 56.0;

/// Room left and right of a chip's name.
const CHIP_MARGIN_X: i8 = 6;

/// A theme's name laid out on its colour, ready to place.
struct Chip {
    name: std::sync::Arc<egui::Galley>,
    colour: Color32,
    look: ChipLook,
}

impl Chip {
    fn new(ui: &egui::Ui, codebook: &Codebook, theme: ThemeId, look: ChipLook) -> Option<Self> {
        let found = codebook.theme(theme)?;
        let colour = theme_colour(codebook, theme);
        let text = match look {
            ChipLook::Suggested => egui::RichText::new(format!("{}?", found.name))
                .color(ui.visuals().strong_text_color()),
            ChipLook::Plain | ChipLook::ByHand => {
                egui::RichText::new(&found.name).color(text_on(colour))
            }
        };
        let name = egui::WidgetText::from(text.small()).into_galley(
            ui,
            Some(egui::TextWrapMode::Extend),
            f32::INFINITY,
            egui::TextStyle::Small,
        );
        Some(Self { name, colour, look })
    }

    /// The room it takes in a row, with the gap after it.
    fn width(&self, ui: &egui::Ui) -> f32 {
        self.name.size().x + 2.0 * f32::from(CHIP_MARGIN_X) + ui.spacing().item_spacing.x
    }

    fn show(self, ui: &mut egui::Ui) {
        let (fill, stroke) = match self.look {
            ChipLook::Plain => (self.colour, egui::Stroke::NONE),
            ChipLook::ByHand => (
                self.colour,
                egui::Stroke::new(2.0, ui.visuals().strong_text_color()),
            ),
            ChipLook::Suggested => (Color32::TRANSPARENT, egui::Stroke::new(2.0, self.colour)),
        };
        egui::Frame::new()
            .fill(fill)
            .stroke(stroke)
            .corner_radius(6.0)
            .inner_margin(egui::Margin::symmetric(CHIP_MARGIN_X, 1))
            .show(ui, |ui| {
                ui.add(egui::Label::new(self.name));
            });
    }
}

/// The comment text with the words that triggered its themes highlighted.
pub fn highlighted_text(
    ui: &egui::Ui,
    text: &str,
    tags: TagList<'_>,
    max_rows: usize,
) -> LayoutJob {
    let font = FontId::proportional(
        ui.style()
            .text_styles
            .get(&egui::TextStyle::Body)
            .map_or(14.0, |font| font.size),
    );
    let plain = TextFormat {
        font_id: font.clone(),
        color: ui.visuals().text_color(),
        ..TextFormat::default()
    };
    let highlight = TextFormat {
        font_id: font,
        color: Color32::BLACK,
        background: Color32::from_rgb(255, 221, 87),
        ..TextFormat::default()
    };
    let mut job = LayoutJob::default();
    let mut cursor = 0;
    for range in merged_spans(tags) {
        let (Some(before), Some(matched)) =
            (text.get(cursor..range.start), text.get(range.clone()))
        else {
            continue;
        };
        job.append(before, 0.0, plain.clone());
        job.append(matched, 0.0, highlight.clone());
        cursor = range.end;
    }
    job.append(text.get(cursor..).unwrap_or_default(), 0.0, plain);
    job.wrap.max_rows = max_rows;
    job.wrap.break_anywhere = false;
    job
}

/// All tags' spans, sorted, with overlaps joined.
fn merged_spans(tags: TagList<'_>) -> Vec<Range<usize>> {
    let mut spans: Vec<Span> = tags
        .iter()
        .flat_map(|tag| tag.spans().iter().copied())
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start() <= last.end => last.end = last.end.max(span.end()),
            _ => merged.push(span.range()),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tagging::Tag;

    #[test]
    fn overlapping_spans_merge() {
        let tag = |spans: &[(usize, usize)]| {
            Tag::by_rules(
                ThemeId(0),
                spans.iter().map(|&(start, end)| Span::new(start, end)),
            )
        };
        let merged = merged_spans(TagList::of(&[tag(&[(0, 5), (10, 12)]), tag(&[(3, 8)])]));
        assert_eq!(merged, [0..8, 10..12]);
    }
}
