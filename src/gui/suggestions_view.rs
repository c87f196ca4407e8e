//! The Suggestions view: themes learned from the user's coding, reviewed most confident first
//! with the keyboard (A accepts, R rejects, S skips, B goes back), accepted in bulk above a
//! confidence, and how far each theme's suggestions can be trusted; how sentiment learns; and
//! groups of what no theme covers, to make themes of.

use super::comments_view::{meta_line, sure};
use super::state::{Command, Session, ViewState};
use super::widgets::{ChipLook, highlighted_text, question_list, theme_chip, theme_chips_line};
use crate::learning::{
    FEWEST_EXAMPLES, FEWEST_READINGS, LEAST_CONFIDENCE, Suggestion, Suggestions,
};
use crate::wording::{counted, counted_have, grouped};

/// Width of the list of what discovery groups.
const DISCOVER_LIST_WIDTH: f32 = 260.0;

/// Suggestions listed after the one under review.
const COMING_UP: usize = 6;

/// The lowest and highest confidence "Accept all" can start from, in percent.
const ACCEPT_FROM_RANGE: std::ops::RangeInclusive<f32> = 50.0..=99.0;

/// The review, bulk acceptance and trust per theme; how sentiment learns; discovery.
pub fn suggestions_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    commands: &mut Vec<Command>,
) {
    if session.project.is_none() {
        ui.label("Suggestions are learned from your coding, which is kept in a project: save this survey as a project (Ctrl+S), then code comments in the Comments view.");
        return;
    }
    let learning = &session.learning;
    keys_ui(ui, session, view, commands);
    ui.horizontal_wrapped(|ui| {
        match &learning.suggestions {
            Some(suggestions) => ui.label(format!(
                "Learned from {}; {} waiting.",
                counted(suggestions.learned_from, "coded comment"),
                counted(suggestions.pending_count(), "suggestion")
            )),
            None => ui.label(learning.not_learned.map_or_else(
                || "Nothing learned yet.".to_owned(),
                |reason| reason.to_string(),
            )),
        };
        if learning.running {
            ui.spinner();
            ui.label("Learning from your coding…");
        } else if ui
            .button("Learn again now (L)")
            .on_hover_text("Learn from the coding so far; it also happens by itself after every ten themes coded")
            .clicked()
        {
            commands.push(Command::Learn);
        }
    });
    sentiment_learning_ui(ui, session);
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("suggestions-scroll")
        .auto_shrink(false)
        .show(ui, |ui| {
            if let Some(suggestions) = &learning.suggestions {
                review_ui(ui, session, view, suggestions, commands);
                ui.separator();
                accept_all_ui(ui, view, suggestions, commands);
                ui.separator();
                trust_ui(ui, session, suggestions);
                ui.separator();
            }
            discovery_ui(ui, session, commands);
        });
}

/// How sentiment learns from the readings set by hand, and whether its learning is used.
fn sentiment_learning_ui(ui: &mut egui::Ui, session: &Session) {
    let sentiments = &session.sentiments;
    let percent = |share: f64| format!("{:.0}%", share * 100.0);
    let said = match &sentiments.learned {
        _ if sentiments.learning => "Sentiment: learning from your readings…".to_owned(),
        Some(learned) => format!(
            "Sentiment learned from {}: right {} of the time on readings held out, against {} for the words alone, so {}.",
            counted(learned.readings, "reading"),
            percent(learned.learned_accuracy),
            percent(learned.lexicon_accuracy),
            if learned.is_better() {
                "the comments you have not read take the learned reading"
            } else {
                "the words alone still read the comments you have not read"
            }
        ),
        None => format!(
            "Sentiment is read from the words. Set the sentiment of {FEWEST_READINGS} comments by hand (in Comments) and it learns from your readings; {} so far.",
            grouped(sentiments.set.len())
        ),
    };
    ui.label(said);
}

/// The review's keys, when no text field has the keyboard.
fn keys_ui(ui: &egui::Ui, session: &Session, view: &ViewState, commands: &mut Vec<Command>) {
    use egui::{Key, Modifiers};
    if ui.ctx().egui_wants_keyboard_input() {
        return;
    }
    let pressed = |key: Key| {
        ui.ctx()
            .input_mut(|input| input.consume_key(Modifiers::NONE, key))
    };
    if pressed(Key::L) && !session.learning.running {
        commands.push(Command::Learn);
    }
    if pressed(Key::D) && !session.discovery.running {
        commands.push(Command::Discover);
    }
    let current = session
        .learning
        .suggestions
        .as_ref()
        .and_then(|suggestions| suggestions.next_pending(view.review_position))
        .map(|(_, suggestion)| *suggestion);
    let Some(current) = current else {
        return;
    };
    if pressed(Key::A) {
        commands.push(Command::AnswerSuggestion(
            current.comment,
            current.theme,
            true,
        ));
    }
    if pressed(Key::R) {
        commands.push(Command::AnswerSuggestion(
            current.comment,
            current.theme,
            false,
        ));
    }
    if pressed(Key::S) || pressed(Key::J) {
        commands.push(Command::ReviewMove(1));
    }
    if pressed(Key::B) || pressed(Key::K) {
        commands.push(Command::ReviewMove(-1));
    }
}

/// The suggestion under review: its theme and confidence, the comment in full, its themes now,
/// and what to do with it; then the ones coming up.
fn review_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    suggestions: &Suggestions,
    commands: &mut Vec<Command>,
) {
    let Some((position, current)) = suggestions.next_pending(view.review_position) else {
        ui.label(
            "Every suggestion has been answered. Code more comments, or learn again, for more.",
        );
        return;
    };
    let rank = suggestions
        .pending()
        .take_while(|(at, _)| *at < position)
        .count()
        + 1;
    ui.heading(format!(
        "Suggestion {} of {}",
        grouped(rank),
        grouped(suggestions.pending_count())
    ));
    ui.horizontal_wrapped(|ui| {
        ui.label("Suggested theme");
        theme_chip(ui, &session.codebook, current.theme, ChipLook::Suggested);
        ui.label(sure(current.confidence));
    });
    ui.label(
        egui::RichText::new(meta_line(session, current.comment))
            .small()
            .weak(),
    );
    let text = session
        .survey
        .comment_text(current.comment)
        .unwrap_or_default();
    let tags = session.tagging.tags_of(current.comment);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        egui::ScrollArea::vertical()
            .id_salt("suggested-comment")
            .max_height(ui.text_style_height(&egui::TextStyle::Body) * 8.0)
            .show(ui, |ui| {
                ui.label(highlighted_text(ui, text, tags, usize::MAX))
            });
    });
    ui.horizontal_wrapped(|ui| {
        ui.label("Themes on it now");
        if tags.is_empty() {
            ui.label(egui::RichText::new("none").italics().weak());
        } else {
            let themes: Vec<_> = tags
                .iter()
                .map(|tag| (tag.theme(), ChipLook::Plain))
                .collect();
            theme_chips_line(ui, &session.codebook, &themes);
        }
    });
    ui.horizontal_wrapped(|ui| {
        let answers = [
            ("Accept (A)", "Put the theme on this comment", true),
            (
                "Reject (R)",
                "The comment does not raise this theme: it is not suggested for it again",
                false,
            ),
        ];
        for (label, hint, accepted) in answers {
            if ui.button(label).on_hover_text(hint).clicked() {
                commands.push(Command::AnswerSuggestion(
                    current.comment,
                    current.theme,
                    accepted,
                ));
            }
        }
        if ui
            .button("Skip (S)")
            .on_hover_text("Leave it for now and go to the next suggestion")
            .clicked()
        {
            commands.push(Command::ReviewMove(1));
        }
        if ui
            .button("Back (B)")
            .on_hover_text("Go back to the suggestion before")
            .clicked()
        {
            commands.push(Command::ReviewMove(-1));
        }
    });
    coming_up_ui(ui, session, suggestions, position);
}

/// The next few suggestions waiting after the one under review.
fn coming_up_ui(ui: &mut egui::Ui, session: &Session, suggestions: &Suggestions, after: usize) {
    let coming: Vec<&Suggestion> = suggestions
        .pending()
        .filter(|(at, _)| *at > after)
        .take(COMING_UP)
        .map(|(_, suggestion)| suggestion)
        .collect();
    if coming.is_empty() {
        return;
    }
    ui.add_space(6.0);
    ui.label(egui::RichText::new("Coming up").strong());
    for suggestion in coming {
        ui.horizontal(|ui| {
            ui.label(
                egui::RichText::new(sure(suggestion.confidence))
                    .small()
                    .weak(),
            );
            theme_chip(ui, &session.codebook, suggestion.theme, ChipLook::Suggested);
            let text = session
                .survey
                .comment_text(suggestion.comment)
                .unwrap_or_default();
            ui.add(egui::Label::new(egui::RichText::new(text).small()).truncate());
        });
    }
}

/// Accepting every suggestion from a chosen confidence up, as one step.
fn accept_all_ui(
    ui: &mut egui::Ui,
    view: &ViewState,
    suggestions: &Suggestions,
    commands: &mut Vec<Command>,
) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Accept every suggestion at least");
        let mut percent = (view.accept_from * 100.0).round();
        let slider = ui
            .add(
                egui::Slider::new(&mut percent, ACCEPT_FROM_RANGE)
                    .fixed_decimals(0)
                    .suffix("% sure"),
            )
            .labelled_by(label.id);
        if slider.changed() {
            commands.push(Command::SetAcceptFrom(percent / 100.0));
        }
        let count = suggestions
            .pending()
            .filter(|(_, suggestion)| suggestion.confidence >= view.accept_from)
            .count();
        if ui
            .add_enabled(
                count > 0,
                egui::Button::new(format!("Accept {}", counted(count, "suggestion"))),
            )
            .on_hover_text("One step: Undo (Ctrl+Z) takes them all back")
            .clicked()
        {
            commands.push(Command::AcceptAllFrom(view.accept_from));
        }
    });
}

/// Each theme's precision and recall on the user's own coding, held out from training.
fn trust_ui(ui: &mut egui::Ui, session: &Session, suggestions: &Suggestions) {
    ui.label(egui::RichText::new("How far to trust each theme's suggestions").strong());
    ui.label(
        egui::RichText::new(format!(
            "Checked on your own coding: comments held out from learning, three times over. Precision: of the comments a theme was suggested for, how many you had given it. Recall: of the comments you gave it, how many it was suggested for. A theme on fewer than {FEWEST_EXAMPLES} coded comments is not suggested, nor is any theme less than {:.0}% sure.",
            LEAST_CONFIDENCE * 100.0
        ))
        .small()
        .weak(),
    );
    let mut rows: Vec<_> = suggestions
        .quality
        .iter()
        .filter(|quality| quality.examples > 0)
        .collect();
    rows.sort_by_key(|quality| std::cmp::Reverse(quality.examples));
    let percent = |value: f64| format!("{:.0}%", value * 100.0);
    egui::Grid::new("theme-trust")
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            for heading in ["Theme", "Coded with it", "Precision", "Recall", "Suggested"] {
                ui.strong(heading);
            }
            ui.end_row();
            for quality in rows {
                theme_chip(ui, &session.codebook, quality.theme, ChipLook::Plain);
                ui.label(grouped(quality.examples));
                match quality.held_out {
                    Some(scores) => {
                        ui.label(percent(scores.precision));
                        ui.label(percent(scores.recall));
                    }
                    None => {
                        ui.label("–");
                        ui.label("–");
                    }
                }
                ui.label(grouped(quality.suggested));
                ui.end_row();
            }
        });
}

/// The groups of comments no theme covers (or of one question's answers), each with a button
/// to make a theme of it.
pub fn discovery_ui(ui: &mut egui::Ui, session: &Session, commands: &mut Vec<Command>) {
    ui.label(egui::RichText::new("What no theme covers yet").strong());
    ui.label(format!(
        "{} no theme. Put them, or every answer to one question, into groups of like comments to see what the codebook misses.",
        counted_have(session.summary.untagged_comments, "comment")
    ));
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Group");
        let chosen = question_list(
            ui,
            "discover-what",
            &label,
            &session.survey,
            "Comments no theme covers",
            DISCOVER_LIST_WIDTH,
            session.discovery.question,
        );
        if chosen != session.discovery.question {
            commands.push(Command::DiscoverIn(chosen));
        }
        if session.discovery.running {
            ui.spinner();
        } else if ui.button("Find groups (D)").clicked() {
            commands.push(Command::Discover);
        }
    });
    let Some(groups) = &session.discovery.groups else {
        return;
    };
    if groups.is_empty() {
        ui.label("No groups: too few words in those comments.");
    }
    for (number, group) in groups.iter().enumerate() {
        ui.add_space(6.0);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.strong(format!(
                    "{} · {}",
                    counted(group.members.len(), "comment"),
                    group.key_terms.join(", ")
                ));
                let name = group.theme_name();
                if ui
                    .button(format!("Make the theme \"{name}\""))
                    .on_hover_text("Its key terms become the theme's keywords and its comments are coded with it by hand: one step, undone by Ctrl+Z")
                    .clicked()
                {
                    commands.push(Command::MakeThemeFromGroup(number));
                }
            });
            for &example in &group.examples {
                let text = session.survey.comment_text(example).unwrap_or_default();
                ui.add(egui::Label::new(egui::RichText::new(format!("“{text}”")).small()).truncate());
            }
        });
    }
}
