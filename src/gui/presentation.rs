//! Presentation mode: the charts one at a time, full screen, as the saved images draw them
//! (light background, large type, Okabe–Ito colours), for a projector at a network event.

use super::chart_pictures::ChartPictures;
use crate::analysis::charts::Chart;

/// What the person asked for in presentation mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// Nothing.
    Nothing,
    /// Leave presentation mode.
    Leave,
    /// Save every chart as PNG and SVG.
    SaveImages,
}

/// The charts being presented and the one shown.
#[derive(Debug)]
pub struct Presentation {
    charts: Vec<Chart>,
    shown: usize,
    pictures: ChartPictures,
}

impl Presentation {
    /// Presents `charts` from the first.
    pub fn new(charts: Vec<Chart>) -> Self {
        Presentation {
            charts,
            shown: 0,
            pictures: ChartPictures::default(),
        }
    }

    /// Moves `by` charts along, stopping at either end.
    fn step(&mut self, by: isize) {
        let last = self.charts.len().saturating_sub(1);
        self.shown = self.shown.saturating_add_signed(by).min(last);
    }

    /// Draws the chart shown filling the window, with the way to move and leave; returns what
    /// was asked for.
    pub fn ui(&mut self, ui: &mut egui::Ui) -> Asked {
        let mut asked = Asked::Nothing;
        ui.input_mut(|input| {
            for key in [egui::Key::ArrowRight, egui::Key::PageDown, egui::Key::Space] {
                if input.consume_key(egui::Modifiers::NONE, key) {
                    self.step(1);
                }
            }
            for key in [egui::Key::ArrowLeft, egui::Key::PageUp] {
                if input.consume_key(egui::Modifiers::NONE, key) {
                    self.step(-1);
                }
            }
            if input.consume_key(egui::Modifiers::NONE, egui::Key::Home) {
                self.shown = 0;
            }
            if input.consume_key(egui::Modifiers::NONE, egui::Key::End) {
                self.step(isize::MAX);
            }
            if input.consume_key(egui::Modifiers::NONE, egui::Key::Escape)
                || input.consume_key(egui::Modifiers::NONE, egui::Key::F11)
            {
                asked = Asked::Leave;
            }
        });
        let frame = egui::Frame::new()
            .fill(egui::Color32::WHITE)
            .inner_margin(egui::Margin::same(12));
        egui::CentralPanel::default().frame(frame).show(ui, |ui| {
            ui.style_mut().visuals = egui::Visuals::light();
            ui.horizontal_wrapped(|ui| {
                if ui
                    .add_enabled(self.shown > 0, egui::Button::new("◀ Previous"))
                    .on_hover_text("The chart before (←)")
                    .clicked()
                {
                    self.step(-1);
                }
                if ui
                    .add_enabled(
                        self.shown + 1 < self.charts.len(),
                        egui::Button::new("Next ▶"),
                    )
                    .on_hover_text("The next chart (→ or Space)")
                    .clicked()
                {
                    self.step(1);
                }
                ui.label(format!(
                    "Chart {} of {}",
                    (self.shown + 1).min(self.charts.len()),
                    self.charts.len()
                ));
                ui.separator();
                if ui
                    .button("Save chart images")
                    .on_hover_text(
                        "Every chart as PNG for slides and SVG, in a folder beside the summary workbook",
                    )
                    .clicked()
                {
                    asked = Asked::SaveImages;
                }
                if ui.button("Leave presentation (Esc)").clicked() {
                    asked = Asked::Leave;
                }
            });
            ui.add_space(6.0);
            let Some(chart) = self.charts.get(self.shown) else {
                ui.heading("No chart to show: the survey has no comments or closed questions.");
                return;
            };
            let tallest = ui.available_height() - 32.0;
            ui.vertical_centered(|ui| self.pictures.show(ui, chart, Some(tallest)));
            ui.label(egui::RichText::new(&chart.description).color(egui::Color32::from_gray(60)));
        });
        asked
    }
}
