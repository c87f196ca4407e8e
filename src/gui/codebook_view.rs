//! The Codebook view: the themes as a tree, and the selected theme's name, description, colour,
//! place, keywords and exclusions, with live counts of the comments each keyword matches and
//! what an edit would gain and lose before it is applied.

use std::collections::HashMap;

use super::state::{
    CodebookChange, Command, FilePurpose, Session, ThemeText, ThemeTextDraft, ViewState,
};
use super::widgets::{keep_together, theme_colour};
use crate::codebook::{BUILT_IN, Codebook, ThemeId};
use crate::model::CommentRef;
use crate::wording::{counted, counted_have, grouped};

/// Widths of the controls.
const CODEBOOK_LIST_WIDTH: f32 = 220.0;
const GROUP_LIST_WIDTH: f32 = 260.0;

/// How many example comments the preview shows for a keyword, and for what is gained or lost.
const EXAMPLES: usize = 3;

/// The codebook's themes and the editor for the selected one.
pub fn codebook_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    commands: &mut Vec<Command>,
) {
    keys_ui(ui, session, view, commands);
    source_ui(ui, session, commands);
    ui.separator();
    let width = ui.available_width();
    egui::Panel::left("codebook-themes")
        .resizable(true)
        .default_size((width * 0.35).min(340.0))
        .max_size(width * 0.5)
        .show(ui, |ui| theme_list_ui(ui, session, view, commands));
    egui::ScrollArea::vertical()
        .id_salt("theme-editor")
        .auto_shrink(false)
        .show(ui, |ui| {
            let selected = view
                .codebook
                .selected
                .as_deref()
                .and_then(|key| session.codebook.find(key));
            match selected {
                Some(theme) => theme_editor_ui(ui, session, view, theme, commands),
                None => {
                    ui.label(
                        "Choose a theme on the left (or press J or the down arrow) to edit it.",
                    );
                }
            }
        });
}

/// Ctrl+Enter applies the keywords being edited; J/K or the arrows choose the next or previous
/// theme when no field has the keyboard.
fn keys_ui(ui: &egui::Ui, session: &Session, view: &ViewState, commands: &mut Vec<Command>) {
    use egui::{Key, KeyboardShortcut, Modifiers};
    if view.codebook.confirm.is_some() {
        return;
    }
    let apply = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);
    if view.codebook.rules_draft.is_some()
        && ui.ctx().input_mut(|input| input.consume_shortcut(&apply))
    {
        commands.push(Command::ApplyRules);
    }
    if ui.ctx().egui_wants_keyboard_input() {
        return;
    }
    let pressed = |key: Key| {
        ui.ctx()
            .input_mut(|input| input.consume_key(Modifiers::NONE, key))
    };
    let delta = if pressed(Key::J) || pressed(Key::ArrowDown) {
        1
    } else if pressed(Key::K) || pressed(Key::ArrowUp) {
        -1
    } else {
        return;
    };
    let order = tree_order(&session.codebook);
    let current = view
        .codebook
        .selected
        .as_deref()
        .and_then(|key| session.codebook.find(key))
        .and_then(|theme| order.iter().position(|&id| id == theme));
    let next = match current {
        Some(position) => position
            .saturating_add_signed(delta)
            .min(order.len().saturating_sub(1)),
        None => 0,
    };
    if let Some(theme) = order.get(next).and_then(|&id| session.codebook.theme(id)) {
        commands.push(Command::SelectTheme(theme.key.clone()));
    }
}

/// The themes as the list shows them: each top-level theme followed by its children.
fn tree_order(codebook: &Codebook) -> Vec<ThemeId> {
    codebook
        .top_level()
        .into_iter()
        .flat_map(|top| std::iter::once(top).chain(codebook.children(top)))
        .collect()
}

/// Which codebook this is, and where another comes from or this one goes.
fn source_ui(ui: &mut egui::Ui, session: &Session, commands: &mut Vec<Command>) {
    let codebook = &session.codebook;
    ui.horizontal_wrapped(|ui| {
        let name = ui.strong(format!("Codebook: {}", codebook.name));
        if !codebook.description.is_empty() {
            name.on_hover_text(&codebook.description);
        }
        ui.separator();
        keep_together(ui, "Use a built-in codebook", CODEBOOK_LIST_WIDTH);
        let label = ui.label("Use a built-in codebook");
        let mut chosen: Option<&str> = None;
        egui::ComboBox::from_id_salt("built-in-codebook")
            .selected_text("Choose…")
            .width(CODEBOOK_LIST_WIDTH)
            .show_ui(ui, |ui| {
                for (key, _) in BUILT_IN {
                    let name = Codebook::built_in(key).map_or_else(|_| key.to_owned(), |found| found.name);
                    if ui.selectable_label(false, name).clicked() {
                        chosen = Some(key);
                    }
                }
            })
            .response
            .labelled_by(label.id);
        if let Some(key) = chosen {
            commands.push(Command::UseBuiltInCodebook(key.to_owned()));
        }
        if ui
            .button("Load a codebook file…")
            .on_hover_text("A codebook in TOML, or a spreadsheet with Theme, Parent, Description and Keywords columns")
            .clicked()
        {
            commands.push(Command::PickFile(FilePurpose::LoadCodebook));
        }
        if ui
            .button("Save the codebook as TOML…")
            .on_hover_text("Keep this codebook for other consultations, or share it")
            .clicked()
        {
            commands.push(Command::PickFile(FilePurpose::SaveCodebook));
        }
    });
    if session.project.is_none() {
        ui.label(
            egui::RichText::new(
                "Changes are kept in a project: the first one asks where to save this survey as one.",
            )
            .weak(),
        );
    }
}

/// How many comments carry each theme now; a group counts its children's.
fn comment_counts(session: &Session) -> HashMap<ThemeId, usize> {
    let summary = &session.summary;
    summary
        .themes
        .iter()
        .chain(&summary.groups)
        .map(|count| (count.theme, count.comments))
        .collect()
}

fn theme_list_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    commands: &mut Vec<Command>,
) {
    let codebook = &session.codebook;
    let counts = comment_counts(session);
    // One scroll for the new theme and the list, so a small window reaches both.
    egui::ScrollArea::vertical()
        .id_salt("theme-list")
        .auto_shrink(false)
        .show(ui, |ui| {
            new_theme_ui(ui, view, commands);
            ui.separator();
            ui.strong(format!("{} themes", codebook.themes.len()));
            for theme in tree_order(codebook) {
                let Some(found) = codebook.theme(theme) else {
                    continue;
                };
                let selected = view.codebook.selected.as_deref() == Some(found.key.as_str());
                let count = counts.get(&theme).copied().unwrap_or_default();
                let label = format!("{} ({})", found.name, grouped(count));
                ui.horizontal(|ui| {
                    if codebook.parent_of(theme).is_some() {
                        ui.add_space(16.0);
                    }
                    let (swatch, _) =
                        ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                    ui.painter()
                        .rect_filled(swatch, 2.0, theme_colour(codebook, theme));
                    let text = if codebook.is_group(theme) {
                        egui::RichText::new(label).strong()
                    } else {
                        egui::RichText::new(label)
                    };
                    let response = ui.selectable_label(selected, text);
                    if selected && view.codebook.rules_draft.is_none() {
                        response.scroll_to_me(None);
                    }
                    if response.clicked() {
                        commands.push(Command::SelectTheme(found.key.clone()));
                    }
                });
            }
        });
}

/// A name typed for a new theme, added with Enter or the button.
fn new_theme_ui(ui: &mut egui::Ui, view: &ViewState, commands: &mut Vec<Command>) {
    let label = ui.label("New theme");
    let mut name = view.codebook.new_theme.clone();
    let field = ui
        .add(
            egui::TextEdit::singleline(&mut name)
                .hint_text("its name")
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
    if name != view.codebook.new_theme {
        commands.push(Command::EditNewTheme(name.clone()));
    }
    let entered = field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
    if ui
        .add_enabled(!name.trim().is_empty(), egui::Button::new("Add the theme"))
        .clicked()
        || (entered && !name.trim().is_empty())
    {
        commands.push(Command::AddTheme);
    }
}

fn theme_editor_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    theme: ThemeId,
    commands: &mut Vec<Command>,
) {
    let codebook = &session.codebook;
    let Some(found) = codebook.theme(theme) else {
        return;
    };
    let key = &found.key;
    ui.heading(&found.name);
    ui.label(
        egui::RichText::new(format!("Id: {key} (hand coding is kept by id)"))
            .small()
            .weak(),
    );
    ui.add_space(4.0);
    text_field_ui(ui, view, key, ThemeText::Name, &found.name, commands);
    text_field_ui(
        ui,
        view,
        key,
        ThemeText::Description,
        &found.description,
        commands,
    );
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Colour");
        let [red, green, blue] = codebook.colour(theme);
        let mut colour = [red, green, blue];
        ui.color_edit_button_srgb(&mut colour).labelled_by(label.id);
        if colour != [red, green, blue] {
            let hex = format!("#{:02X}{:02X}{:02X}", colour[0], colour[1], colour[2]);
            commands.push(Command::RecolourTheme(key.clone(), Some(hex)));
        }
        if found.colour.is_some()
            && ui
                .button("Use the group's colour")
                .on_hover_text("Forget this theme's own colour")
                .clicked()
        {
            commands.push(Command::RecolourTheme(key.clone(), None));
        }
    });
    place_ui(ui, session, theme, commands);
    ui.separator();
    rules_ui(ui, session, view, theme, commands);
    ui.separator();
    merge_and_delete_ui(ui, session, view, theme, commands);
}

/// A name or description field: typed into a draft, made when the field loses the keyboard.
fn text_field_ui(
    ui: &mut egui::Ui,
    view: &ViewState,
    key: &str,
    field: ThemeText,
    saved: &str,
    commands: &mut Vec<Command>,
) {
    let draft = view
        .codebook
        .text_draft
        .as_ref()
        .filter(|draft| draft.key == key && draft.field == field);
    let mut text = draft.map_or_else(|| saved.to_owned(), |draft| draft.text.clone());
    let (caption, editor) = match field {
        ThemeText::Name => ("Name", egui::TextEdit::singleline(&mut text)),
        ThemeText::Description => (
            "Description (what a person coding by hand puts under it)",
            egui::TextEdit::multiline(&mut text).desired_rows(2),
        ),
    };
    let label = ui.label(caption);
    let response = ui
        .add(editor.desired_width(f32::INFINITY))
        .labelled_by(label.id);
    let typed = ThemeTextDraft {
        key: key.to_owned(),
        field,
        text: text.clone(),
    };
    if response.changed() {
        commands.push(Command::EditThemeText(typed.clone()));
    }
    if response.lost_focus() && text != saved {
        commands.push(Command::SetThemeText(typed));
    }
}

/// The theme's group and its order among its siblings.
fn place_ui(ui: &mut egui::Ui, session: &Session, theme: ThemeId, commands: &mut Vec<Command>) {
    let codebook = &session.codebook;
    let Some(found) = codebook.theme(theme) else {
        return;
    };
    let key = &found.key;
    ui.horizontal_wrapped(|ui| {
        if codebook.is_group(theme) {
            let raised = comment_counts(session)
                .get(&theme)
                .copied()
                .unwrap_or_default();
            ui.label(format!(
                "A group of {}, raised in {}.",
                counted(codebook.children(theme).len(), "theme"),
                counted(raised, "comment")
            ));
        } else {
            keep_together(ui, "Group", GROUP_LIST_WIDTH);
            let label = ui.label("Group");
            let name_of = |parent: Option<&str>| {
                parent
                    .and_then(|parent| codebook.find(parent))
                    .and_then(|id| codebook.theme(id))
                    .map_or_else(
                        || "None (a theme of its own)".to_owned(),
                        |group| group.name.clone(),
                    )
            };
            let current = found.parent.as_deref();
            let mut chosen = current.map(str::to_owned);
            egui::ComboBox::from_id_salt("theme-group")
                .selected_text(name_of(current))
                .width(GROUP_LIST_WIDTH)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut chosen, None, name_of(None));
                    for top in codebook.top_level() {
                        let Some(group) = codebook.theme(top).filter(|_| top != theme) else {
                            continue;
                        };
                        ui.selectable_value(&mut chosen, Some(group.key.clone()), &group.name);
                    }
                })
                .response
                .labelled_by(label.id);
            if chosen.as_deref() != current {
                commands.push(Command::SetThemeParent(key.clone(), chosen));
            }
        }
        if ui.button("Move up").clicked() {
            commands.push(Command::ShiftTheme(key.clone(), -1));
        }
        if ui.button("Move down").clicked() {
            commands.push(Command::ShiftTheme(key.clone(), 1));
        }
    });
}

/// Keywords and exclusions, edited one per line, with what they match before they are applied.
fn rules_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    theme: ThemeId,
    commands: &mut Vec<Command>,
) {
    let Some(found) = session.codebook.theme(theme) else {
        return;
    };
    let draft = view
        .codebook
        .rules_draft
        .as_ref()
        .filter(|draft| draft.key == found.key);
    let mut keywords =
        draft.map_or_else(|| found.keywords.join("\n"), |draft| draft.keywords.clone());
    let mut exclusions = draft.map_or_else(
        || found.exclude.join("\n"),
        |draft| draft.exclusions.clone(),
    );
    ui.strong("Keywords");
    ui.label(
        egui::RichText::new(
            "One per line. Word forms match (\"train\" finds \"training\"); a phrase matches its words in order; a * at the end matches longer words. A theme with no keywords is coded by hand only.",
        )
        .small()
        .weak(),
    );
    let keywords_field = lines_box(ui, "Keywords, one per line", &mut keywords, 4, 8);
    let exclusions_field = lines_box(
        ui,
        "Exclusions: phrases that cancel a keyword they overlap, one per line",
        &mut exclusions,
        2,
        4,
    );
    if keywords_field.changed() || exclusions_field.changed() {
        commands.push(Command::EditRules {
            keywords,
            exclusions,
        });
    }
    if let Some(draft) = draft {
        let changed =
            draft.keyword_list() != found.keywords || draft.exclusion_list() != found.exclude;
        ui.horizontal(|ui| {
            if ui
                .add_enabled(
                    changed,
                    egui::Button::new("Apply the keywords (Ctrl+Enter)"),
                )
                .on_hover_text("Tag the comments again with these keywords: one step to undo")
                .clicked()
            {
                commands.push(Command::ApplyRules);
            }
            if ui.button("Revert").clicked() {
                commands.push(Command::RevertRules);
            }
        });
    }
    preview_ui(ui, session, view);
}

/// A labelled box of lines, `rows` high, that scrolls inside itself beyond `max_rows`: long
/// lists keep what is below them in sight.
fn lines_box(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    rows: u16,
    max_rows: u16,
) -> egui::Response {
    let label = ui.label(label);
    egui::ScrollArea::vertical()
        .id_salt(label.id)
        .max_height(ui.text_style_height(&egui::TextStyle::Body) * f32::from(max_rows) + 12.0)
        .show(ui, |ui| {
            ui.add(
                egui::TextEdit::multiline(text)
                    .desired_rows(usize::from(rows))
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id)
        })
        .inner
}

/// What the rules match: each keyword's comments, and the comments an edit gains and loses.
fn preview_ui(ui: &mut egui::Ui, session: &Session, view: &ViewState) {
    let editor = &view.codebook;
    let preview = editor
        .preview
        .as_ref()
        .filter(|preview| editor.selected.as_ref() == Some(&preview.key));
    let Some(preview) = preview else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(if view.codebook.indexing {
                "Reading the comments' words to count them…"
            } else {
                "Counting…"
            });
        });
        return;
    };
    ui.add_space(4.0);
    // Counts of an earlier keystroke stay in sight while the latest are worked out.
    let counting = if editor.counting.running() {
        " (counting…)"
    } else {
        ""
    };
    // A group's own tags are few or none: its themes' comments are counted above, in its place.
    let group = session
        .codebook
        .find(&preview.key)
        .is_some_and(|theme| session.codebook.is_group(theme));
    let which = if group {
        "this group itself, by its own keywords or by hand"
    } else {
        "this theme"
    };
    if editor.rules_draft.is_none() {
        ui.label(format!(
            "{} {which}.{counting}",
            counted_have(preview.now(), "comment")
        ));
    } else {
        ui.label(format!(
            "Now {} {which}; with these keywords {} would: {} gained, {} lost.{counting}",
            counted_have(preview.now(), "comment"),
            grouped(preview.after),
            grouped(preview.gained.len()),
            grouped(preview.lost.len())
        ));
        for (title, comments) in [("Gained", &preview.gained), ("Lost", &preview.lost)] {
            if !comments.is_empty() {
                examples_ui(ui, session, title, comments);
            }
        }
    }
    egui::Grid::new("keyword-counts")
        .striped(true)
        .num_columns(3)
        .show(ui, |ui| {
            ui.strong("Keyword");
            ui.strong("Matches");
            ui.strong("For example");
            ui.end_row();
            for (keyword, comments) in &preview.keywords {
                ui.label(keyword);
                ui.label(grouped(comments.len()));
                ui.label(example(session, comments.first().copied()));
                ui.end_row();
            }
        });
}

/// A few of the comments an edit gains or loses, under a header that opens them.
fn examples_ui(ui: &mut egui::Ui, session: &Session, title: &str, comments: &[CommentRef]) {
    egui::CollapsingHeader::new(format!("{title}: {}", counted(comments.len(), "comment")))
        .id_salt(title)
        .show(ui, |ui| {
            for &comment in comments.iter().take(EXAMPLES) {
                ui.label(example(session, Some(comment)));
            }
            if comments.len() > EXAMPLES {
                ui.label(
                    egui::RichText::new(format!("and {} more", comments.len() - EXAMPLES)).weak(),
                );
            }
        });
}

/// A comment's text cut to one short line.
fn example(session: &Session, comment: Option<CommentRef>) -> String {
    const LENGTH: usize = 90;
    let text = comment
        .and_then(|comment| session.survey.comment_text(comment))
        .unwrap_or_default();
    let mut line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > LENGTH {
        line = line.chars().take(LENGTH).collect::<String>() + "…";
    }
    line
}

fn merge_and_delete_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    theme: ThemeId,
    commands: &mut Vec<Command>,
) {
    let codebook = &session.codebook;
    let Some(found) = codebook.theme(theme) else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        keep_together(ui, "Merge into", GROUP_LIST_WIDTH);
        let label = ui.label("Merge into");
        let name_of = |key: Option<&str>| {
            key.and_then(|key| codebook.find(key))
                .and_then(|id| codebook.theme(id))
                .map_or_else(|| "Choose a theme…".to_owned(), |theme| theme.name.clone())
        };
        let current = view.codebook.merge_into.as_deref();
        let mut chosen = current.map(str::to_owned);
        egui::ComboBox::from_id_salt("merge-into")
            .selected_text(name_of(current))
            .width(GROUP_LIST_WIDTH)
            .show_ui(ui, |ui| {
                for other in tree_order(codebook) {
                    if other == theme || codebook.parent_of(other) == Some(theme) {
                        continue;
                    }
                    if let Some(other) = codebook.theme(other) {
                        ui.selectable_value(&mut chosen, Some(other.key.clone()), &other.name);
                    }
                }
            })
            .response
            .labelled_by(label.id);
        if chosen.as_deref() != current {
            commands.push(Command::ChooseMergeInto(chosen.clone()));
        }
        if let Some(into) = chosen
            && ui
                .button("Merge…")
                .on_hover_text("The other theme takes this one's keywords and its hand coding")
                .clicked()
        {
            commands.push(Command::AskCodebookChange(CodebookChange::Merge {
                from: found.key.clone(),
                into,
            }));
        }
    });
    if ui.button("Delete this theme…").clicked() {
        commands.push(Command::AskCodebookChange(CodebookChange::Delete {
            key: found.key.clone(),
        }));
    }
}

/// Asks before a change that replaces, merges or deletes themes.
pub fn confirm_ui(ui: &egui::Ui, session: &Session, view: &ViewState, commands: &mut Vec<Command>) {
    let Some(change) = &view.codebook.confirm else {
        return;
    };
    let codebook = &session.codebook;
    let name_of = |key: &str| {
        codebook
            .find(key)
            .and_then(|id| codebook.theme(id))
            .map_or_else(|| key.to_owned(), |theme| theme.name.clone())
    };
    let counts = comment_counts(session);
    let comments_of = |key: &str| {
        codebook
            .find(key)
            .and_then(|id| counts.get(&id))
            .copied()
            .unwrap_or_default()
    };
    let (title, question, action) = match change {
        CodebookChange::Replace {
            codebook: new,
            from,
        } => {
            let kept = new
                .themes
                .iter()
                .filter(|theme| codebook.find(&theme.key).is_some())
                .count();
            (
                "Use another codebook",
                format!(
                    "Use \"{}\" ({}, from {from}) instead of \"{}\"? {kept} of its themes have the same ids as now, so their hand coding carries over; hand coding on the others stops counting until you undo.",
                    new.name,
                    counted(new.themes.len(), "theme"),
                    codebook.name
                ),
                "Use it",
            )
        }
        CodebookChange::Merge { from, into } => (
            "Merge themes",
            format!(
                "Merge \"{}\" ({}) into \"{}\" ({})? \"{}\" takes its keywords, exclusions and hand coding, and \"{}\" goes.",
                name_of(from),
                counted(comments_of(from), "comment"),
                name_of(into),
                counted(comments_of(into), "comment"),
                name_of(into),
                name_of(from)
            ),
            "Merge",
        ),
        CodebookChange::Delete { key } => {
            let children = codebook
                .find(key)
                .map_or(0, |id| codebook.children(id).len());
            let lifted = if children > 0 {
                format!(
                    " Its {} become themes of their own.",
                    counted(children, "theme")
                )
            } else {
                String::new()
            };
            (
                "Delete a theme",
                format!(
                    "Delete \"{}\"? {} it now.{lifted} Its hand coding stays in the history and comes back if you undo.",
                    name_of(key),
                    counted_have(comments_of(key), "comment")
                ),
                "Delete",
            )
        }
    };
    egui::Window::new(title)
        .collapsible(false)
        .show(ui.ctx(), |ui| {
            ui.label(question);
            ui.label("It is one step: Undo takes it back.");
            ui.horizontal(|ui| {
                if ui.button(action).clicked() {
                    commands.push(Command::ConfirmCodebookChange);
                }
                if ui.button("Cancel").clicked()
                    || ui.input(|input| input.key_pressed(egui::Key::Escape))
                {
                    commands.push(Command::CancelCodebookChange);
                }
            });
        });
}
