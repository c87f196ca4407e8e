//! The Themes view: every chart of the analysis, drawn as the saved images and the report draw
//! them; a click on a theme's bar shows its comments.

use std::sync::Arc;

use super::chart_pictures::ChartPictures;
use super::state::{Command, Session, Settings, View, ViewState};
use super::widgets::separated_keep_together;
use crate::analysis::charts::{ChartOptions, frequency_bars};
use crate::codebook::ThemeId;
use crate::wording::{counted, counted_have};

/// The width of the "Themes from" list.
const GROUP_LIST_WIDTH: f32 = 240.0;
/// The width of the "Show the top" list.
const TOP_LIST_WIDTH: f32 = 60.0;

/// The count/% switch, the choice of themes, and every chart.
pub fn themes_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    settings: &Settings,
    pictures: &mut ChartPictures,
    commands: &mut Vec<Command>,
) {
    let summary = &session.summary;
    ui.horizontal_wrapped(|ui| {
        ui.label("Show");
        if ui
            .selectable_label(!settings.show_percent, "Count")
            .clicked()
        {
            commands.push(Command::ShowPercent(false));
        }
        if ui
            .selectable_label(settings.show_percent, "% of respondents")
            .clicked()
        {
            commands.push(Command::ShowPercent(true));
        }
        group_choice_ui(ui, session, view.chart_group, commands);
        top_choice_ui(ui, view, commands);
        let about = format!(
            "{} wrote {}; {} no theme. Click a theme's bar to read its comments; Present (F11) shows the charts full screen.",
            counted(summary.respondents_with_comments, "respondent"),
            counted(summary.comments, "comment"),
            counted_have(summary.untagged_comments, "comment")
        );
        separated_keep_together(ui, &about, 0.0);
        ui.label(about);
    });
    let options = ChartOptions {
        group: view.chart_group,
        percent: settings.show_percent,
        top: view.chart_top,
        rolled_up: view.rolled_up,
    };
    let charts = Arc::clone(pictures.charts(ui.ctx(), session, view, options));
    if let Some((comments, responses)) = pictures.selected() {
        ui.horizontal_wrapped(|ui| {
            ui.strong(format!(
                "Charting only what the Comments filter selects: {} from {}.",
                counted(comments, "comment"),
                counted(responses, "response")
            ));
            if ui.button("Chart every comment").clicked() {
                commands.push(Command::ClearFilters);
            }
        });
    }
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            if let Some(group) = view.chart_group.and_then(|id| session.codebook.theme(id)) {
                let raised = frequency_bars(summary, &session.codebook, view.chart_group);
                ui.label(format!(
                    "Only the themes under \"{}\": {} of them raised.",
                    group.name,
                    raised.len()
                ));
            }
            if charts.is_empty() && pictures.making() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Making the charts…");
                });
            } else if charts.is_empty() {
                ui.label("Nothing to chart: no comment matched a theme and there are no closed questions.");
            }
            for chart in charts.iter() {
                if chart.key == "themes-by-group" {
                    super::data_view::respondent_group_ui(ui, session, commands);
                }
                if let Some((response, Some(pointed))) = pictures.show(ui, chart, None) {
                    match pointed.theme {
                        Some(theme) => {
                            let response = response.on_hover_text(format!(
                                "{}: click to read these comments",
                                pointed.label
                            ));
                            if response.clicked() {
                                commands.push(Command::FilterTheme(Some(theme)));
                                commands.push(Command::ShowView(View::Comments));
                            }
                        }
                        None => {
                            response.on_hover_text(pointed.label);
                        }
                    }
                }
                ui.label(egui::RichText::new(&chart.description).small());
                ui.add_space(16.0);
            }
        });
}

/// How many themes the theme chart shows, and whether groups stand for their themes.
fn top_choice_ui(ui: &mut egui::Ui, view: &ViewState, commands: &mut Vec<Command>) {
    separated_keep_together(ui, "Show the top", TOP_LIST_WIDTH);
    let label = ui.label("Show the top");
    let name = |top: usize| {
        if top == 0 {
            "all".to_owned()
        } else {
            top.to_string()
        }
    };
    let mut top = view.chart_top;
    egui::ComboBox::from_id_salt("chart-top")
        .selected_text(name(top))
        .width(TOP_LIST_WIDTH)
        .show_ui(ui, |ui| {
            for choice in [5, 10, 15, 20, 30, 0] {
                ui.selectable_value(&mut top, choice, name(choice));
            }
        })
        .response
        .labelled_by(label.id);
    if top != view.chart_top {
        commands.push(Command::ChartTop(top));
    }
    let mut rolled_up = view.rolled_up;
    if ui
        .checkbox(&mut rolled_up, "Groups of themes")
        .on_hover_text(
            "Chart each group of themes, counting the respondents who raised any theme under it",
        )
        .changed()
    {
        commands.push(Command::RollUp(rolled_up));
    }
}

fn group_choice_ui(
    ui: &mut egui::Ui,
    session: &Session,
    chart_group: Option<ThemeId>,
    commands: &mut Vec<Command>,
) {
    let codebook = &session.codebook;
    separated_keep_together(ui, "Themes from", GROUP_LIST_WIDTH);
    let label = ui.label("Themes from");
    let name_of = |group: Option<ThemeId>| {
        group
            .and_then(|id| codebook.theme(id))
            .map_or_else(|| "All groups".to_owned(), |theme| theme.name.clone())
    };
    let mut chosen = chart_group;
    egui::ComboBox::from_id_salt("chart-group")
        .selected_text(name_of(chosen))
        .width(GROUP_LIST_WIDTH)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut chosen, None, "All groups");
            for group in codebook
                .top_level()
                .into_iter()
                .filter(|&id| codebook.is_group(id))
            {
                ui.selectable_value(&mut chosen, Some(group), name_of(Some(group)));
            }
        })
        .response
        .labelled_by(label.id);
    if chosen != chart_group {
        commands.push(Command::ChartGroup(chosen));
    }
}
