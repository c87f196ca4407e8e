//! The Themes view: how often each theme came up, and how that differs by respondent type.

use egui_plot::{Bar, BarChart, Legend, Plot};

use super::comments_view::sentiment_word;
use super::state::{Command, Session, Settings, ViewState};
use super::widgets::{ChipLook, colour32, separated_keep_together, theme_chip, theme_colour};
use crate::analysis::ThemeCount;
use crate::analysis::charts::{comparison_rows, frequency_bars};
use crate::codebook::{ThemeId, palette_colour};
use crate::counts::{as_f32, as_f64};
use crate::learning::{Sentiment, sentiment_by_theme};
use crate::wording::{counted, counted_have, format_number, grouped};

/// Themes compared across respondent groups: enough to read, few enough to fit.
const MAX_GROUPED_THEMES: usize = 10;
/// The width of the "Themes from" list.
const GROUP_LIST_WIDTH: f32 = 240.0;

/// Respondent groups drawn side by side.
const MAX_GROUPS: usize = 6;

/// The count/% switch and both charts.
pub fn themes_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    settings: &Settings,
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
        let about = format!(
            "{} wrote {}; {} no theme.",
            counted(summary.respondents_with_comments, "respondent"),
            counted(summary.comments, "comment"),
            counted_have(summary.untagged_comments, "comment")
        );
        separated_keep_together(ui, &about, 0.0);
        ui.label(about);
    });
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            let raised = frequency_bars(summary, &session.codebook, view.chart_group);
            ui.heading(format!(
                "Themes raised (respondents who commented, n={})",
                grouped(summary.respondents_with_comments)
            ));
            if let Some(group) = view.chart_group.and_then(|id| session.codebook.theme(id)) {
                ui.label(format!(
                    "Only the themes under \"{}\": {} of them raised.",
                    group.name,
                    raised.len()
                ));
            }
            if raised.is_empty() {
                ui.label("No comment matched any theme shown.");
            } else {
                group_legend_ui(ui, session);
                frequency_chart_ui(ui, session, &raised, settings.show_percent);
            }
            ui.add_space(16.0);
            if let Some(crosstab) = &summary.by_attribute {
                ui.heading(format!("Top themes by \"{}\"", crosstab.attribute_name));
                super::data_view::respondent_group_ui(ui, session, commands);
                if !settings.show_percent {
                    ui.label(
                        "Groups differ in size: switch to % of respondents to compare them fairly.",
                    );
                }
                grouped_chart_ui(ui, session, view.chart_group, settings.show_percent);
            }
            ui.add_space(16.0);
            sentiment_chart_ui(ui, session, &raised);
        });
}

/// Colours of the sentiments, in [`Sentiment::ALL`] order: Okabe–Ito bluish green, vermillion,
/// grey and orange, told apart with colour-blindness too.
const SENTIMENT_COLOURS: [[u8; 3]; 4] =
    [[0, 158, 115], [213, 94, 0], [153, 153, 153], [230, 159, 0]];

/// Each theme's comments split by sentiment, as 100 % bars, in the order of the chart above.
fn sentiment_chart_ui(ui: &mut egui::Ui, session: &Session, raised: &[&ThemeCount]) {
    let read = &session.sentiments;
    if read.read.is_empty() {
        return;
    }
    let themes: Vec<ThemeId> = raised
        .iter()
        .filter(|count| !count.is_group)
        .map(|count| count.theme)
        .collect();
    let counts = sentiment_by_theme(&themes, &session.tagging, |comment| {
        read.of(comment).map(|(sentiment, _)| sentiment)
    });
    ui.heading("Sentiment by theme (share of each theme's comments)");
    ui.horizontal_wrapped(|ui| {
        for (sentiment, colour) in Sentiment::ALL.into_iter().zip(SENTIMENT_COLOURS) {
            let (swatch, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().rect_filled(swatch, 2.0, colour32(colour));
            ui.label(sentiment_word(sentiment));
        }
    });
    let bar_height = ui.text_style_height(&egui::TextStyle::Body);
    egui::Grid::new("sentiment-by-theme")
        .num_columns(2)
        .show(ui, |ui| {
            for (&theme, split) in themes.iter().zip(&counts) {
                let total: usize = split.iter().sum();
                if total == 0 {
                    continue;
                }
                let name = session
                    .codebook
                    .theme(theme)
                    .map_or("", |found| found.name.as_str());
                ui.label(format!("{name} (n={})", grouped(total)));
                // Clear of the scroll bar.
                let width = (ui.available_width() - 2.0 * ui.spacing().scroll.bar_width).max(120.0);
                let (bar, response) =
                    ui.allocate_exact_size(egui::vec2(width, bar_height), egui::Sense::hover());
                let mut left = bar.left();
                let mut described = Vec::new();
                for ((sentiment, colour), &count) in
                    Sentiment::ALL.into_iter().zip(SENTIMENT_COLOURS).zip(split)
                {
                    let share = as_f32(count) / as_f32(total);
                    let right = left + share * bar.width();
                    let segment = egui::Rect::from_x_y_ranges(left..=right, bar.y_range());
                    ui.painter().rect_filled(segment, 0.0, colour32(colour));
                    left = right;
                    described.push(format!(
                        "{} {} ({:.0}%)",
                        sentiment_word(sentiment),
                        grouped(count),
                        share * 100.0
                    ));
                }
                let described = format!("{name}: {}", described.join(", "));
                response
                    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &described));
                response.on_hover_text(described);
                ui.end_row();
            }
        });
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

fn group_legend_ui(ui: &mut egui::Ui, session: &Session) {
    let codebook = &session.codebook;
    ui.horizontal_wrapped(|ui| {
        ui.label("Colours show the theme group:");
        for group in codebook
            .top_level()
            .into_iter()
            .filter(|&id| codebook.is_group(id))
        {
            theme_chip(ui, codebook, group, ChipLook::Plain);
        }
    });
}

fn value_of(theme: &ThemeCount, show_percent: bool) -> f64 {
    if show_percent {
        theme.percent_of_respondents
    } else {
        as_f64(theme.respondents)
    }
}

/// Slot `index` of `count` from the top of a horizontal bar chart.
fn slot_from_top(index: usize, count: usize) -> f64 {
    as_f64(count - 1 - index)
}

fn frequency_chart_ui(
    ui: &mut egui::Ui,
    session: &Session,
    raised: &[&ThemeCount],
    show_percent: bool,
) {
    let count = raised.len();
    let bars: Vec<Bar> = raised
        .iter()
        .enumerate()
        .map(|(index, theme)| {
            Bar::new(slot_from_top(index, count), value_of(theme, show_percent))
                .name(format!(
                    "{}: {} respondents ({:.1}%)",
                    theme.name, theme.respondents, theme.percent_of_respondents
                ))
                .fill(theme_colour(&session.codebook, theme.theme))
                .width(0.75)
        })
        .collect();
    let names: Vec<String> = raised.iter().map(|theme| theme.name.clone()).collect();
    let x_label = if show_percent {
        "% of respondents"
    } else {
        "Respondents"
    };
    category_plot("theme-frequency", names, 26.0, x_label, show_percent).show(ui, |plot| {
        plot.bar_chart(BarChart::new("Themes", bars).horizontal())
    });
}

/// A horizontal bar chart frame with one named category per whole-number slot, largest on top.
fn category_plot<'a>(
    id: &str,
    names: Vec<String>,
    slot_height: f32,
    x_label: &str,
    show_percent: bool,
) -> Plot<'a> {
    let height = (as_f32(names.len()) * slot_height + 80.0).max(260.0);
    Plot::new(id)
        .height(height)
        .y_axis_min_width(250.0)
        .y_axis_formatter(move |mark, _| category_label(&names, mark.value))
        .x_axis_formatter(move |mark, _| value_label(mark.value, show_percent))
        .x_axis_label(x_label)
        .show_grid([true, false])
        .include_x(0.0)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
}

/// An x-axis mark: percentages as they are, counts of people only at whole numbers.
fn value_label(value: f64, show_percent: bool) -> String {
    if show_percent {
        return format!("{}%", format_number(value));
    }
    if (value - value.round()).abs() > 1e-6 || value < 0.0 {
        return String::new();
    }
    format_number(value.round())
}

/// The name at a whole-number slot, counted from the top.
fn category_label(names: &[String], value: f64) -> String {
    let rounded = value.round();
    if (value - rounded).abs() > 1e-6 || rounded < 0.0 {
        return String::new();
    }
    // A slot is a small whole number at or above zero here (checked above), so it fits.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let slot = rounded as usize;
    names
        .len()
        .checked_sub(slot + 1)
        .and_then(|index| names.get(index))
        .cloned()
        .unwrap_or_default()
}

/// How far past the longest grouped bar the axis reaches, leaving the legend its own space.
const LEGEND_ROOM: f64 = 1.6;

fn grouped_chart_ui(
    ui: &mut egui::Ui,
    session: &Session,
    chart_group: Option<ThemeId>,
    show_percent: bool,
) {
    let Some(crosstab) = &session.summary.by_attribute else {
        return;
    };
    let rows = comparison_rows(crosstab, &session.codebook, chart_group, MAX_GROUPED_THEMES);
    if rows.is_empty() {
        ui.label("No themes to compare.");
        return;
    }
    let groups: Vec<_> = crosstab.groups.iter().take(MAX_GROUPS).collect();
    let bar_width = 0.8 / as_f64(groups.len());
    let theme_count = rows.len();
    let charts: Vec<BarChart> = groups
        .iter()
        .enumerate()
        .map(|(group_index, group)| {
            let colour = colour32(palette_colour(group_index));
            let offset = -0.4 + bar_width * (as_f64(group_index) + 0.5);
            let bars = rows
                .iter()
                .enumerate()
                .map(|(theme_index, row)| {
                    let respondents = row
                        .respondents
                        .get(group_index)
                        .copied()
                        .unwrap_or_default();
                    let share = row.percents.get(group_index).copied().unwrap_or_default();
                    let value = if show_percent {
                        share
                    } else {
                        as_f64(respondents)
                    };
                    Bar::new(slot_from_top(theme_index, theme_count) - offset, value)
                        .width(bar_width * 0.95)
                        .fill(colour)
                        .name(format!(
                            "{} — {}: {respondents} of {} ({share:.1}%)",
                            row.name,
                            group.label(),
                            group.respondents
                        ))
                })
                .collect();
            BarChart::new(
                format!("{} (n={})", group.label(), grouped(group.respondents)),
                bars,
            )
            .color(colour)
            .horizontal()
        })
        .collect();
    let names: Vec<String> = rows.iter().map(|row| row.name.clone()).collect();
    let x_label = if show_percent {
        "% of the group's respondents"
    } else {
        "Respondents"
    };
    let largest = rows
        .iter()
        .flat_map(|row| {
            if show_percent {
                row.percents.clone()
            } else {
                row.respondents.iter().map(|count| as_f64(*count)).collect()
            }
        })
        .fold(0.0, f64::max);
    category_plot("themes-by-group", names, 44.0, x_label, show_percent)
        // Room on the right, so the legend in the top corner does not cover the longest bars.
        .include_x(largest * LEGEND_ROOM)
        .legend(Legend::default())
        .show(ui, |plot| {
            for chart in charts {
                plot.bar_chart(chart);
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_labelled_only_at_whole_numbers() {
        assert_eq!(value_label(0.5, false), "");
        assert_eq!(value_label(2.0, false), "2");
        assert_eq!(value_label(12.5, true), "12.5%");
    }

    #[test]
    fn category_labels_count_from_the_top() {
        let names = vec!["First".to_owned(), "Second".to_owned(), "Third".to_owned()];
        assert_eq!(category_label(&names, 2.0), "First");
        assert_eq!(category_label(&names, 0.0), "Third");
        assert_eq!(category_label(&names, 0.5), "");
        assert_eq!(category_label(&names, 3.0), "");
        assert!((slot_from_top(0, 3) - 2.0).abs() < f64::EPSILON);
    }
}
