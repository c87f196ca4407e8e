//! The Comments view: every comment with its theme chips, filtered by theme, respondent type and
//! text, in a list that only lays out the rows on screen.

use super::state::{Command, Session, ViewState};
use super::widgets::{highlighted_text, keep_together, theme_chip, theme_chips_line};
use crate::codebook::ThemeId;
use crate::model::CommentRef;

/// Widths of the filter controls.
const THEME_LIST_WIDTH: f32 = 260.0;
const RESPONDENT_LIST_WIDTH: f32 = 220.0;
const SEARCH_WIDTH: f32 = 220.0;

/// Rows are a fixed height (meta line, two lines of text, chips) so the list can be virtualised;
/// the selected comment is shown in full beside it.
const ROW_TEXT_LINES: u8 = 2;

/// Filters and the comment list.
pub fn comments_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    commands: &mut Vec<Command>,
) {
    filters_ui(ui, session, view, commands);
    ui.separator();
    // The list keeps at least half the width, however large the interface is drawn.
    let width = ui.available_width();
    egui::Panel::right("comment-detail")
        .resizable(true)
        .default_size((width * 0.4).min(380.0))
        .max_size(width * 0.5)
        .show(ui, |ui| detail_ui(ui, session, view));
    let shown = view.visible_comments.len();
    if view.filter.non_answers {
        ui.label(format!(
            "Showing {shown} of {} answers that say nothing; they are not counted as comments",
            session.summary.non_answers
        ));
    } else {
        ui.label(format!(
            "Showing {shown} of {} comments",
            session.tagging.comments.len()
        ));
    }
    let row_height =
        ui.text_style_height(&egui::TextStyle::Body) * (f32::from(ROW_TEXT_LINES) + 2.6) + 12.0;
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show_rows(ui, row_height, shown, |ui, rows| {
            for comment in view.visible_comments.get(rows).unwrap_or_default() {
                comment_row_ui(ui, session, view, *comment, row_height, commands);
            }
        });
}

fn filters_ui(ui: &mut egui::Ui, session: &Session, view: &ViewState, commands: &mut Vec<Command>) {
    let codebook = &session.codebook;
    ui.horizontal_wrapped(|ui| {
        keep_together(ui, "Theme", THEME_LIST_WIDTH);
        ui.label("Theme");
        let selected_name = view
            .filter
            .theme
            .and_then(|theme| codebook.theme(theme))
            .map_or("All themes", |theme| theme.name.as_str());
        let mut theme = view.filter.theme;
        egui::ComboBox::from_id_salt("theme-filter")
            .selected_text(selected_name)
            .width(THEME_LIST_WIDTH)
            .height(480.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut theme, None, "All themes");
                for top in codebook.top_level() {
                    let Some(group) = codebook.theme(top) else {
                        continue;
                    };
                    ui.selectable_value(
                        &mut theme,
                        Some(top),
                        egui::RichText::new(&group.name).strong(),
                    );
                    for child in codebook.children(top) {
                        if let Some(found) = codebook.theme(child) {
                            ui.horizontal(|ui| {
                                ui.add_space(16.0);
                                ui.selectable_value(&mut theme, Some(child), &found.name);
                            });
                        }
                    }
                }
            })
            .response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Theme filter"));
        if theme != view.filter.theme {
            commands.push(Command::FilterTheme(theme));
        }

        if let Some(crosstab) = &session.summary.by_attribute {
            keep_together(ui, &crosstab.attribute_name, RESPONDENT_LIST_WIDTH);
            ui.label(&crosstab.attribute_name);
            let current = view
                .filter
                .attribute
                .as_ref()
                .map(|(_, value)| value.clone());
            let current_label = current.as_ref().map_or("Everyone", |value| {
                crosstab
                    .groups
                    .iter()
                    .find(|group| group.value == *value)
                    .map_or(value.as_str(), |group| group.label())
            });
            let mut chosen = current.clone();
            egui::ComboBox::from_id_salt("respondent-filter")
                .selected_text(current_label)
                .width(RESPONDENT_LIST_WIDTH)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut chosen, None, "Everyone");
                    for group in &crosstab.groups {
                        ui.selectable_value(&mut chosen, Some(group.value.clone()), group.label());
                    }
                })
                .response
                .widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Respondent filter")
                });
            if chosen != current {
                commands.push(Command::FilterRespondentType(chosen));
            }
        }

        keep_together(ui, "Search", SEARCH_WIDTH);
        ui.label("Search");
        let mut text = view.filter.text.clone();
        let search = ui.add(
            egui::TextEdit::singleline(&mut text)
                .hint_text("words in the comment")
                .desired_width(SEARCH_WIDTH),
        );
        search.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Search comments")
        });
        if text != view.filter.text {
            commands.push(Command::Search(text));
        }

        let mut non_answers = view.filter.non_answers;
        ui.checkbox(
            &mut non_answers,
            format!(
                "Show answers that say nothing ({})",
                session.summary.non_answers
            ),
        )
        .on_hover_text("Answers such as \"n/a\", \"none\" or \"-\" are not counted as comments");
        if non_answers != view.filter.non_answers {
            commands.push(Command::ShowNonAnswers(non_answers));
        }
    });
}

fn comment_row_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    comment: CommentRef,
    row_height: f32,
    commands: &mut Vec<Command>,
) {
    let survey = &session.survey;
    let text = survey.comment_text(comment).unwrap_or_default();
    let tags = session.tagging.tags_of(comment);
    let selected = view.selected_comment == Some(comment);
    let frame = egui::Frame::new()
        .inner_margin(egui::Margin::symmetric(6, 4))
        .fill(if selected {
            ui.visuals().selection.bg_fill.gamma_multiply(0.35)
        } else {
            egui::Color32::TRANSPARENT
        });
    let response = frame
        .show(ui, |ui| {
            ui.set_min_height(row_height - 10.0);
            ui.set_max_height(row_height - 10.0);
            ui.set_width(ui.available_width());
            // Each row keeps its fixed height: the meta line is cut short, the chips fit one line.
            ui.add(
                egui::Label::new(
                    egui::RichText::new(meta_line(session, comment))
                        .small()
                        .weak(),
                )
                .truncate(),
            );
            ui.label(highlighted_text(
                ui,
                text,
                tags,
                usize::from(ROW_TEXT_LINES),
            ));
            if tags.is_empty() {
                ui.label(egui::RichText::new("no theme").small().italics().weak());
            } else {
                let themes: Vec<ThemeId> = tags.iter().map(|tag| tag.theme).collect();
                theme_chips_line(ui, &session.codebook, &themes);
            }
        })
        .response
        .interact(egui::Sense::click());
    if response.clicked() {
        commands.push(Command::SelectComment(comment));
    }
}

/// "Row 12 · Parent or carer · What would make the biggest difference…"
fn meta_line(session: &Session, comment: CommentRef) -> String {
    let survey = &session.survey;
    let row = survey
        .source_rows
        .get(comment.response.0)
        .copied()
        .unwrap_or_default();
    // The summary chose the respondent-type column once; rows reuse it every frame.
    let who = session
        .summary
        .by_attribute
        .as_ref()
        .map(|crosstab| survey.attribute_value(comment.response, crosstab.attribute))
        .filter(|value| !value.is_empty());
    let question = survey
        .column(comment.column)
        .map(|column| column.name.as_str())
        .unwrap_or_default();
    let mut parts = vec![format!("Row {row}")];
    parts.extend(who);
    parts.push(question.to_owned());
    parts.join(" · ")
}

fn detail_ui(ui: &mut egui::Ui, session: &Session, view: &ViewState) {
    let Some(comment) = view.selected_comment else {
        ui.label("Select a comment to read it in full and see why each theme was given.");
        return;
    };
    let text = session.survey.comment_text(comment).unwrap_or_default();
    let tags = session.tagging.tags_of(comment);
    egui::ScrollArea::vertical()
        .id_salt("detail-scroll")
        .show(ui, |ui| {
            ui.label(
                egui::RichText::new(meta_line(session, comment))
                    .small()
                    .weak(),
            );
            ui.add_space(4.0);
            ui.label(highlighted_text(ui, text, tags, usize::MAX));
            ui.add_space(8.0);
            ui.strong("Themes");
            if tags.is_empty() {
                ui.label("No theme matched this comment.");
            }
            for tag in tags {
                ui.horizontal_wrapped(|ui| {
                    theme_chip(ui, &session.codebook, tag.theme);
                    let words: Vec<&str> = tag
                        .spans
                        .iter()
                        .filter_map(|span| text.get(span.start..span.end))
                        .collect();
                    ui.label(format!("matched: {}", words.join(", ")));
                });
            }
        });
}
