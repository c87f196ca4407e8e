//! The Comments view: every comment with its theme chips, filtered by theme, respondent type and
//! text, in a list that only lays out the rows on screen.

use super::state::{Command, SentimentSource, Session, Settings, ViewState};
use super::widgets::{
    ChipLook, highlighted_text, keep_together, question_list, theme_chip, theme_chips_line,
};
use crate::codebook::{Codebook, ThemeId};
use crate::learning::{Sentiment, Suggestion};
use crate::model::{ColumnRole, CommentRef};
use crate::tagging::{Coding, TagOrigin};
use crate::wording::grouped;

/// Widths of the filter controls.
const THEME_LIST_WIDTH: f32 = 260.0;
const RESPONDENT_LIST_WIDTH: f32 = 220.0;
const SEARCH_WIDTH: f32 = 220.0;
const QUESTION_LIST_WIDTH: f32 = 260.0;
const SENTIMENT_LIST_WIDTH: f32 = 110.0;

/// Rows are a fixed height (meta line, two lines of text, chips) so the list can be virtualised;
/// the selected comment is shown in full beside it.
const ROW_TEXT_LINES: u8 = 2;

/// Filters, the comment list and the selected comment with its coding.
pub fn comments_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    settings: &Settings,
    commands: &mut Vec<Command>,
) {
    keys_ui(ui, session, view, commands);
    filters_ui(ui, session, view, commands);
    ui.separator();
    // The list keeps at least half the width, however large the interface is drawn.
    let width = ui.available_width();
    egui::Panel::right("comment-detail")
        .resizable(true)
        .default_size((width * 0.4).min(380.0))
        .max_size(width * 0.5)
        .show(ui, |ui| detail_ui(ui, session, view, settings, commands));
    let shown = view.visible_comments.len();
    if view.filter.non_answers {
        ui.label(format!(
            "Showing {} of {} answers that say nothing; they are not counted as comments",
            grouped(shown),
            grouped(session.summary.non_answers)
        ));
    } else {
        let searching = if view.search.running() {
            " (searching…)"
        } else {
            ""
        };
        ui.label(format!(
            "Showing {} of {} comments{searching}",
            grouped(shown),
            grouped(session.tagging.comments.len())
        ));
    }
    let row_height =
        ui.text_style_height(&egui::TextStyle::Body) * (f32::from(ROW_TEXT_LINES) + 2.6) + 12.0;
    let mut area = egui::ScrollArea::vertical().auto_shrink(false);
    if view.scroll_to_selected
        && let Some(position) = view
            .selected_comment
            .and_then(|selected| view.visible_comments.iter().position(|c| *c == selected))
    {
        // Keep the selected row in sight: a little context above it.
        let offset = (crate::counts::as_f32(position) - 2.0).max(0.0) * row_height;
        area = area.vertical_scroll_offset(offset);
    }
    area.show_rows(ui, row_height, shown, |ui, rows| {
        for comment in view.visible_comments.get(rows).unwrap_or_default() {
            comment_row_ui(ui, session, view, *comment, row_height, commands);
        }
    });
}

/// The list's keys, when no text field has the keyboard: j/k or the arrows move, T opens the
/// theme list, Delete the same list headed by the comment's own themes, to take one off, Q stars,
/// 1–9 the pinned themes, A and R accept and reject the comment's first suggestion.
fn keys_ui(ui: &egui::Ui, session: &Session, view: &ViewState, commands: &mut Vec<Command>) {
    use egui::{Key, Modifiers};
    if view.picker.is_some() || view.bulk.is_some() || ui.ctx().egui_wants_keyboard_input() {
        return;
    }
    let pressed = |key: Key| {
        ui.ctx()
            .input_mut(|input| input.consume_key(Modifiers::NONE, key))
    };
    if pressed(Key::J) || pressed(Key::ArrowDown) {
        commands.push(Command::MoveSelection(1));
    }
    if pressed(Key::K) || pressed(Key::ArrowUp) {
        commands.push(Command::MoveSelection(-1));
    }
    if pressed(Key::T) {
        commands.push(Command::OpenPicker {
            for_all_shown: false,
            own_themes_first: false,
        });
    }
    if pressed(Key::Delete) {
        commands.push(Command::OpenPicker {
            for_all_shown: false,
            own_themes_first: true,
        });
    }
    let Some(comment) = view.selected_comment else {
        return;
    };
    if pressed(Key::Q) {
        let starred = is_quote(session, comment);
        commands.push(Command::StarQuote(comment, !starred));
    }
    if let Some(first) = suggested(session, comment).first() {
        for (key, accepted) in [(Key::A, true), (Key::R, false)] {
            if pressed(key) {
                commands.push(Command::AnswerSuggestion(comment, first.theme, accepted));
            }
        }
    }
    let digits = [
        Key::Num1,
        Key::Num2,
        Key::Num3,
        Key::Num4,
        Key::Num5,
        Key::Num6,
        Key::Num7,
        Key::Num8,
        Key::Num9,
    ];
    for (index, key) in digits.into_iter().enumerate() {
        if pressed(key) {
            commands.push(Command::UsePin(index + 1));
        }
    }
}

/// Whether the comment is starred as a quote in the open project.
fn is_quote(session: &Session, comment: CommentRef) -> bool {
    session.project.as_ref().is_some_and(|project| {
        project
            .decisions()
            .quotes
            .contains(&session.keys.comment(comment))
    })
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
        if view.focus_search {
            search.request_focus();
        }
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

        question_filter_ui(ui, session, view, commands);
        sentiment_filter_ui(ui, session, view, commands);
        let mut no_theme = view.filter.no_theme;
        if ui.checkbox(&mut no_theme, "No theme").changed() {
            commands.push(Command::FilterNoTheme(no_theme));
        }
        let mut by_hand = view.filter.by_hand;
        if ui.checkbox(&mut by_hand, "Coded by hand").changed() {
            commands.push(Command::FilterByHand(by_hand));
        }
        let shown = view.visible_comments.len();
        if ui
            .add_enabled(
                shown > 0 && !view.filter.non_answers,
                egui::Button::new(format!("Code all {shown} shown…")),
            )
            .on_hover_text(
                "Put a theme on every comment the filters show; a theme all of them have is taken off",
            )
            .clicked()
        {
            commands.push(Command::OpenPicker {
                for_all_shown: true,
                own_themes_first: false,
            });
        }
    });
}

/// Which sentiment the comments listed have; offered once the comments are read.
fn sentiment_filter_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    commands: &mut Vec<Command>,
) {
    if session.sentiments.read.is_empty() {
        return;
    }
    keep_together(ui, "Sentiment", SENTIMENT_LIST_WIDTH);
    let label = ui.label("Sentiment");
    let mut chosen = view.sentiment;
    egui::ComboBox::from_id_salt("sentiment-filter")
        .selected_text(chosen.map_or("Any", sentiment_word))
        .width(SENTIMENT_LIST_WIDTH)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut chosen, None, "Any");
            for sentiment in Sentiment::ALL {
                ui.selectable_value(&mut chosen, Some(sentiment), sentiment_word(sentiment));
            }
        })
        .response
        .labelled_by(label.id);
    if chosen != view.sentiment {
        commands.push(Command::FilterSentiment(chosen));
    }
}

/// "Positive", as the window writes a sentiment.
pub fn sentiment_word(sentiment: Sentiment) -> &'static str {
    match sentiment {
        Sentiment::Positive => "Positive",
        Sentiment::Negative => "Negative",
        Sentiment::Neutral => "Neutral",
        Sentiment::Mixed => "Mixed",
    }
}

/// Which free-text question's answers are listed.
fn question_filter_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    commands: &mut Vec<Command>,
) {
    let survey = &session.survey;
    if survey.columns_with_role(ColumnRole::FreeText).len() < 2 {
        return;
    }
    keep_together(ui, "Question", QUESTION_LIST_WIDTH);
    let label = ui.label("Question");
    let chosen = question_list(
        ui,
        "question-filter",
        &label,
        survey,
        "All questions",
        QUESTION_LIST_WIDTH,
        view.filter.question,
    );
    if chosen != view.filter.question {
        commands.push(Command::FilterQuestion(chosen));
    }
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
            let mut themes: Vec<(ThemeId, ChipLook)> = tags
                .iter()
                .map(|tag| (tag.theme(), look_of(tag.origin())))
                .collect();
            themes.extend(
                suggested(session, comment)
                    .into_iter()
                    .map(|suggestion| (suggestion.theme, ChipLook::Suggested)),
            );
            if themes.is_empty() {
                ui.label(egui::RichText::new("no theme").small().italics().weak());
            } else {
                theme_chips_line(ui, &session.codebook, &themes);
            }
        })
        .response
        .interact(egui::Sense::click());
    if response.clicked() {
        commands.push(Command::SelectComment(comment));
    }
}

/// How a tag's chip looks.
fn look_of(origin: TagOrigin) -> ChipLook {
    match origin {
        TagOrigin::Rule => ChipLook::Plain,
        TagOrigin::Person => ChipLook::ByHand,
    }
}

/// The comment's suggestions waiting for an answer, most confident first.
pub fn suggested(session: &Session, comment: CommentRef) -> Vec<Suggestion> {
    session
        .learning
        .suggestions
        .as_ref()
        .map(|suggestions| suggestions.of_comment(comment))
        .unwrap_or_default()
}

/// "Row 12 · Parent or carer · What would make the biggest difference…"
pub fn meta_line(session: &Session, comment: CommentRef) -> String {
    let survey = &session.survey;
    let row = survey
        .source_rows
        .get(comment.response.index())
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
    let mut parts = Vec::new();
    if is_quote(session, comment) {
        parts.push("Quote".to_owned());
    }
    parts.push(format!("Row {row}"));
    parts.extend(who);
    if let Some((sentiment, _)) = session.sentiments.of(comment) {
        parts.push(sentiment_word(sentiment).to_owned());
    }
    parts.push(question.to_owned());
    parts.join(" · ")
}

fn detail_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    settings: &Settings,
    commands: &mut Vec<Command>,
) {
    let Some(comment) = view.selected_comment else {
        ui.label("Select a comment (click it, or press J or the down arrow) to read it in full, see why each theme was given and code it.");
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
                ui.label("No theme is on this comment.");
            }
            for tag in tags {
                ui.horizontal_wrapped(|ui| {
                    theme_chip(ui, &session.codebook, tag.theme(), look_of(tag.origin()));
                    let name = session
                        .codebook
                        .theme(tag.theme())
                        .map_or("", |theme| theme.name.as_str());
                    let take_off = format!("Take \"{name}\" off this comment");
                    let button = ui.small_button("×");
                    button.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::Button, true, &take_off)
                    });
                    if button.on_hover_text(&take_off).clicked() {
                        commands.push(Command::Code(comment, tag.theme(), Coding::Remove));
                    }
                    let origin = match tag.origin() {
                        TagOrigin::Person => "added by hand".to_owned(),
                        TagOrigin::Rule => {
                            let words: Vec<&str> = tag
                                .spans()
                                .iter()
                                .filter_map(|span| text.get(span.range()))
                                .collect();
                            format!("rule matched: {}", words.join(", "))
                        }
                    };
                    ui.label(egui::RichText::new(origin).small().weak());
                });
            }
            suggested_ui(ui, session, comment, commands);
            sentiment_ui(ui, session, comment, commands);
            ui.add_space(4.0);
            ui.horizontal_wrapped(|ui| {
                if ui
                    .button("Add a theme… (T)")
                    .on_hover_text("Choose a theme for this comment from the codebook")
                    .clicked()
                {
                    commands.push(Command::OpenPicker {
                        for_all_shown: false,
                        own_themes_first: false,
                    });
                }
                let starred = is_quote(session, comment);
                let star = if starred {
                    "Unstar quote (Q)"
                } else {
                    "Star as a quote (Q)"
                };
                if ui.button(star).clicked() {
                    commands.push(Command::StarQuote(comment, !starred));
                }
            });
            pinned_ui(ui, session, settings);
            ui.add_space(8.0);
            note_ui(ui, session, view, comment, commands);
        });
}

/// The comment's suggested themes, each to accept or reject.
fn suggested_ui(
    ui: &mut egui::Ui,
    session: &Session,
    comment: CommentRef,
    commands: &mut Vec<Command>,
) {
    let waiting = suggested(session, comment);
    if waiting.is_empty() {
        return;
    }
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        ui.strong("Suggested");
        ui.label(
            egui::RichText::new("A accepts the first, R rejects it")
                .small()
                .weak(),
        );
    });
    for suggestion in waiting {
        ui.horizontal_wrapped(|ui| {
            theme_chip(ui, &session.codebook, suggestion.theme, ChipLook::Suggested);
            ui.label(
                egui::RichText::new(sure(suggestion.confidence))
                    .small()
                    .weak(),
            );
            answer_buttons(ui, session, suggestion, commands);
        });
    }
}

/// The comment's sentiment, with where it came from, and the four to set it to.
fn sentiment_ui(
    ui: &mut egui::Ui,
    session: &Session,
    comment: CommentRef,
    commands: &mut Vec<Command>,
) {
    let Some((current, source)) = session.sentiments.of(comment) else {
        return;
    };
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        ui.strong("Sentiment");
        for sentiment in Sentiment::ALL {
            let chosen = ui
                .selectable_label(sentiment == current, sentiment_word(sentiment))
                .on_hover_text("Read this comment so; it is kept as your decision");
            if chosen.clicked() && (sentiment != current || source != SentimentSource::Hand) {
                commands.push(Command::SetSentiment(comment, sentiment));
            }
        }
        let origin = match source {
            SentimentSource::Hand => "set by hand",
            SentimentSource::Learned => "learned from your readings",
            SentimentSource::Words => "read from its words",
        };
        ui.label(egui::RichText::new(origin).small().weak());
    });
}

/// "87% sure".
pub fn sure(confidence: f32) -> String {
    format!("{:.0}% sure", confidence * 100.0)
}

/// Small buttons to accept or reject one suggestion, named for screen readers.
fn answer_buttons(
    ui: &mut egui::Ui,
    session: &Session,
    suggestion: Suggestion,
    commands: &mut Vec<Command>,
) {
    let name = session
        .codebook
        .theme(suggestion.theme)
        .map_or("", |theme| theme.name.as_str());
    for (symbol, accepted, what) in [("✔", true, "Accept"), ("×", false, "Reject")] {
        let described = format!("{what} \"{name}\" for this comment");
        let button = ui.small_button(symbol);
        button.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &described));
        if button.on_hover_text(&described).clicked() {
            commands.push(Command::AnswerSuggestion(
                suggestion.comment,
                suggestion.theme,
                accepted,
            ));
        }
    }
}

/// The themes the number keys put on the selected comment.
fn pinned_ui(ui: &mut egui::Ui, session: &Session, settings: &Settings) {
    if settings.pinned_themes.is_empty() {
        ui.label(
            egui::RichText::new("Pin themes to the keys 1–9 with Ctrl+P in the theme list.")
                .small()
                .weak(),
        );
        return;
    }
    let pins: Vec<String> = settings
        .pinned_themes
        .iter()
        .enumerate()
        .filter_map(|(index, key)| {
            let theme = session.codebook.find(key)?;
            let name = &session.codebook.theme(theme)?.name;
            Some(format!("{} {name}", index + 1))
        })
        .collect();
    ui.label(
        egui::RichText::new(format!("Keys: {}", pins.join(" · ")))
            .small()
            .weak(),
    );
}

/// A note on the comment, kept when the field loses the keyboard.
fn note_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    comment: CommentRef,
    commands: &mut Vec<Command>,
) {
    let saved = session
        .project
        .as_ref()
        .and_then(|project| {
            project
                .decisions()
                .notes
                .get(&session.keys.comment(comment))
                .cloned()
        })
        .unwrap_or_default();
    let mut text = match &view.note_draft {
        Some((drafted, text)) if *drafted == comment => text.clone(),
        _ => saved.clone(),
    };
    let label = ui.label("Note");
    let field = ui
        .add(
            egui::TextEdit::multiline(&mut text)
                .desired_rows(2)
                .desired_width(f32::INFINITY)
                .hint_text("a note for yourself or colleagues"),
        )
        .labelled_by(label.id);
    if field.changed() {
        commands.push(Command::EditNote(comment, text.clone()));
    }
    if field.lost_focus() && text != saved {
        commands.push(Command::SetNote(comment, text));
    }
}

/// The list of themes for coding, typed into to narrow it: the arrows move, Enter puts the
/// highlighted theme on (or takes it off), Ctrl+P pins it to a number key, Escape closes.
pub fn picker_ui(
    ui: &egui::Ui,
    session: &Session,
    view: &ViewState,
    settings: &Settings,
    commands: &mut Vec<Command>,
) {
    use egui::{Key, KeyboardShortcut, Modifiers};
    let Some(picker) = &view.picker else {
        return;
    };
    let target = view.selected_comment;
    if !picker.for_all_shown && target.is_none() {
        return;
    }
    let codebook = &session.codebook;
    let mut themes = picker_themes(codebook, &picker.query);
    if let Some(comment) = target.filter(|_| picker.own_themes_first) {
        // A stable sort keeps codebook order within the comment's themes and the rest.
        themes.sort_by_key(|&theme| !session.tagging.has_theme(comment, theme));
    }
    let highlighted = picker.highlighted.min(themes.len().saturating_sub(1));
    let ctx = ui.ctx();
    let pressed = |key: Key| ctx.input_mut(|input| input.consume_key(Modifiers::NONE, key));
    if pressed(Key::ArrowDown) {
        commands.push(Command::PickerMove(1));
    }
    if pressed(Key::ArrowUp) && highlighted > 0 {
        commands.push(Command::PickerMove(-1));
    }
    let choose = |theme: ThemeId, commands: &mut Vec<Command>| match (picker.for_all_shown, target)
    {
        (true, _) => {
            let all_have = view
                .visible_comments
                .iter()
                .all(|&comment| session.tagging.has_theme(comment, theme));
            let coding = if all_have {
                Coding::Remove
            } else {
                Coding::Add
            };
            commands.push(Command::CodeAllShown(theme, coding));
        }
        (false, Some(comment)) => {
            commands.push(Command::Code(
                comment,
                theme,
                toggled(session, comment, theme),
            ));
        }
        (false, None) => {}
    };
    if pressed(Key::Enter) {
        if let Some(&theme) = themes.get(highlighted) {
            choose(theme, commands);
        }
        if !picker.for_all_shown {
            commands.push(Command::ClosePicker);
        }
    }
    if ctx.input_mut(|input| {
        input.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::P))
    }) && let Some(theme) = themes.get(highlighted).and_then(|&id| codebook.theme(id))
    {
        commands.push(Command::TogglePin(theme.key.clone()));
    }
    if pressed(Key::Escape) {
        commands.push(Command::ClosePicker);
    }
    let title = if picker.for_all_shown {
        format!("Code all {} comments shown", view.visible_comments.len())
    } else {
        "Themes for this comment".to_owned()
    };
    let mut open = true;
    egui::Window::new(title)
        .open(&mut open)
        .collapsible(false)
        .default_width(360.0)
        .show(ctx, |ui| {
            let label = ui.label("Find a theme");
            let mut query = picker.query.clone();
            let field = ui
                .add(egui::TextEdit::singleline(&mut query).desired_width(f32::INFINITY))
                .labelled_by(label.id);
            if !field.has_focus() && !field.lost_focus() {
                field.request_focus();
            }
            if query != picker.query {
                commands.push(Command::PickerQuery(query));
            }
            ui.label(
                egui::RichText::new("Enter puts the theme on (or takes it off); Ctrl+P pins it to a number key; Esc closes.")
                    .small()
                    .weak(),
            );
            egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                for (row, &theme) in themes.iter().enumerate() {
                    let Some(found) = codebook.theme(theme) else {
                        continue;
                    };
                    let on = target.is_some_and(|comment| session.tagging.has_theme(comment, theme))
                        && !picker.for_all_shown;
                    let pin = settings
                        .pinned_themes
                        .iter()
                        .position(|key| *key == found.key)
                        .map(|index| format!("  [{}]", index + 1))
                        .unwrap_or_default();
                    let mark = if on { "on: " } else { "" };
                    let response =
                        ui.selectable_label(row == highlighted, format!("{mark}{}{pin}", found.name));
                    if row == highlighted {
                        response.scroll_to_me(None);
                    }
                    if response.clicked() {
                        choose(theme, commands);
                    }
                }
                if themes.is_empty() {
                    ui.label("No theme has those words.");
                }
            });
        });
    if !open {
        commands.push(Command::ClosePicker);
    }
}

/// Asks before a theme is put on (or taken off) every comment shown.
pub fn bulk_ui(ui: &egui::Ui, session: &Session, view: &ViewState, commands: &mut Vec<Command>) {
    let Some((theme, coding)) = view.bulk else {
        return;
    };
    let name = session
        .codebook
        .theme(theme)
        .map_or("", |found| found.name.as_str());
    let count = crate::wording::counted(view.visible_comments.len(), "comment");
    let (question, action) = match coding {
        Coding::Add => (
            format!("Add \"{name}\" to all {count} shown?"),
            format!("Add to {count}"),
        ),
        Coding::Remove => (
            format!("Take \"{name}\" off all {count} shown?"),
            format!("Take off {count}"),
        ),
    };
    egui::Window::new("Code every comment shown")
        .collapsible(false)
        .show(ui.ctx(), |ui| {
            ui.label(question);
            ui.label("It is one step: Undo takes it all back.");
            ui.horizontal(|ui| {
                if ui.button(action).clicked() {
                    commands.push(Command::ConfirmBulk);
                }
                if ui.button("Cancel").clicked()
                    || ui.input(|input| input.key_pressed(egui::Key::Escape))
                {
                    commands.push(Command::CancelBulk);
                }
            });
        });
}

/// Add a theme the comment does not have; take off one it has.
pub fn toggled(session: &Session, comment: CommentRef, theme: ThemeId) -> Coding {
    if session.tagging.has_theme(comment, theme) {
        Coding::Remove
    } else {
        Coding::Add
    }
}

/// The themes the list offers for `query`: those comments are coded with (themes without
/// themes under them), whose name or id holds the words typed, in codebook order.
pub fn picker_themes(codebook: &Codebook, query: &str) -> Vec<ThemeId> {
    let query = query.trim().to_lowercase();
    codebook
        .leaf_themes()
        .into_iter()
        .filter(|&theme| {
            codebook.theme(theme).is_some_and(|found| {
                query.is_empty()
                    || found.name.to_lowercase().contains(&query)
                    || found.key.contains(&query)
            })
        })
        .collect()
}
