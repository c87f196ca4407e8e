//! The analyst's decisions in the window: coding comments by hand, quotes and notes, undo and
//! redo, saving as a project. Each decision is written to the project before it is shown.

use std::path::PathBuf;
use std::sync::Arc;

use super::App;
use super::comments_view::toggled;
use super::jobs::LoadSource;
use super::state::{Command, FilePurpose, PINNED_THEMES, ThemePicker};
use crate::analysis::{ThemesOfResponses, recount_changed};
use crate::codebook::{Codebook, ThemeId};
use crate::model::CommentRef;
use crate::project::{self, Decision};
use crate::tagging::Coding;

impl App {
    /// Reads another worksheet: in a project, a decision kept like any other.
    pub(super) fn open_sheet(&mut self, sheet: String) {
        let Some(session) = &mut self.session else {
            return;
        };
        match &mut session.project {
            Some(project) => {
                let decided = project.decide(
                    &format!("read the worksheet \"{sheet}\""),
                    vec![Decision::Sheet { source: 0, sheet }],
                );
                match decided {
                    Ok(()) => {
                        let path = project.path().to_owned();
                        self.load(LoadSource::Project(path));
                    }
                    Err(error) => self.log.push(error.to_string(), true),
                }
            }
            None => {
                if let Some(path) = session
                    .survey
                    .first_source()
                    .map(|source| source.path.clone())
                {
                    self.reload(vec![path], Some(sheet));
                }
            }
        }
    }

    /// Adds another export of the consultation to the survey being looked at.
    pub(super) fn add_file(&mut self, path: PathBuf) {
        let Some(session) = &self.session else {
            self.open(path, None);
            return;
        };
        if let Some(project) = &session.project {
            let project = project.path().to_owned();
            self.load(LoadSource::AddToProject {
                project,
                file: path,
            });
            return;
        }
        let mut paths: Vec<PathBuf> = session
            .survey
            .sources
            .iter()
            .map(|source| source.path.clone())
            .collect();
        if !paths.contains(&path) {
            paths.push(path);
        }
        self.reload(paths, None);
    }

    /// Reads a project's source from `file`: its new place when it holds the same bytes, else a
    /// newer copy, re-imported with the hand coding kept by key.
    pub(super) fn update_source(&mut self, position: usize, file: PathBuf) {
        let Some(project) = self
            .session
            .as_ref()
            .and_then(|session| session.project.as_ref())
        else {
            return;
        };
        let project = project.path().to_owned();
        self.load(LoadSource::UpdateSource {
            project,
            position,
            file,
        });
    }

    /// Saves what is open as a project at `path` and goes on working in it: the files with the
    /// roles chosen so far, or a copy of the open project.
    pub(super) fn save_as_project(&mut self, path: PathBuf) {
        let path = if path
            .extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case(project::EXTENSION))
        {
            path
        } else {
            path.with_extension(project::EXTENSION)
        };
        let Some(session) = &self.session else {
            return;
        };
        if let Some(open) = &session.project {
            match copy_project(open.path(), &path) {
                Ok(()) => {
                    self.keep_view_on_load = true;
                    self.load(LoadSource::Project(path));
                }
                Err(error) => self.log.push(
                    format!("could not save the project as {}: {error}", path.display()),
                    true,
                ),
            }
            return;
        }
        let source = LoadSource::NewProject {
            path,
            files: session
                .survey
                .sources
                .iter()
                .map(|source| source.path.clone())
                .collect(),
            sheet: session
                .survey
                .first_source()
                .and_then(|source| source.sheet.clone()),
            codebook: session.codebook.clone(),
            role_choices: session.role_choices.clone(),
        };
        // The survey stays the same, so what the user is looking at can stay too.
        self.keep_view_on_load = true;
        self.load(source);
    }

    /// Holds a decision made while the survey is not a project yet and asks where to save it:
    /// a decision is never made where it would not last, and it is made once the project is
    /// open. Returns the command when it can go ahead now.
    pub(super) fn unless_awaiting_project(&mut self, command: Command) -> Option<Command> {
        let waits = command.is_decision()
            && self
                .session
                .as_ref()
                .is_some_and(|session| session.project.is_none());
        if !waits {
            return Some(command);
        }
        if self.awaiting_project.is_empty() {
            self.apply_one(Command::PickFile(FilePurpose::SaveProject));
            self.log.push(
                "Save this survey as a project first, so your work is kept: choose where. Your change is made once it is saved."
                    .to_owned(),
                false,
            );
        }
        self.awaiting_project.push(command);
        None
    }

    /// Forgets the decisions held for a project that was not saved after all.
    pub(super) fn give_up_awaiting_project(&mut self) {
        self.keep_view_on_load = false;
        if !self.awaiting_project.is_empty() {
            self.awaiting_project.clear();
            self.log.push(
                "Not saved as a project, so the change was not made.".to_owned(),
                false,
            );
        }
    }

    /// Records decisions as one step and shows them.
    pub(super) fn decide(&mut self, description: &str, decisions: Vec<Decision>) {
        let Some(session) = &mut self.session else {
            return;
        };
        let Some(project) = &mut session.project else {
            return;
        };
        if let Err(error) = project.decide(description, decisions.clone()) {
            self.log.push(error.to_string(), true);
            return;
        }
        let read_by_hand: Vec<CommentRef> = decisions
            .iter()
            .filter_map(|decision| match decision {
                Decision::Sentiment { comment, .. } => session.keys.find_comment(comment),
                _ => None,
            })
            .collect();
        if !read_by_hand.is_empty() {
            session
                .sentiments
                .take_set_from(Some(project), &session.keys);
            self.view.refilter_changed(session, &read_by_hand);
        }
        let coded: Vec<_> = decisions
            .iter()
            .filter_map(Decision::coding)
            .filter_map(|(comment, theme, coding)| {
                Some((
                    session.keys.find_comment(comment)?,
                    session.codebook.find(theme)?,
                    coding,
                ))
            })
            .collect();
        if !coded.is_empty() {
            let changed: Vec<CommentRef> = coded.iter().map(|&(comment, ..)| comment).collect();
            let before = ThemesOfResponses::of(&session.tagging, &changed);
            Arc::make_mut(&mut session.tagging).apply_hand_coding(&coded);
            recount_changed(
                &mut session.summary,
                &session.survey,
                &session.codebook,
                &session.tagging,
                &before,
            );
            self.view.refilter_changed(session, &changed);
            self.coded(&coded);
            self.refresh_preview_if_shown();
        }
        if !read_by_hand.is_empty() {
            self.sentiments_set(read_by_hand.len());
        }
    }

    /// Adds a theme to a comment, or takes it off, by hand.
    pub(super) fn code(&mut self, comment: CommentRef, theme: ThemeId, coding: Coding) {
        let Some(session) = &self.session else {
            return;
        };
        let Some(name) = session
            .codebook
            .theme(theme)
            .map(|found| found.name.clone())
        else {
            return;
        };
        let decision = Decision::Code {
            comment: session.keys.comment(comment),
            theme: theme_key(&session.codebook, theme),
            coding,
        };
        let what = match coding {
            Coding::Add => format!("added \"{name}\" to a comment"),
            Coding::Remove => format!("took \"{name}\" off a comment"),
        };
        self.decide(&what, vec![decision]);
    }

    /// Adds a theme to every comment shown, or takes it off, as one step.
    pub(super) fn code_all_shown(&mut self, theme: ThemeId, coding: Coding) {
        let Some(session) = &self.session else {
            return;
        };
        let Some(name) = session
            .codebook
            .theme(theme)
            .map(|found| found.name.clone())
        else {
            return;
        };
        let key = theme_key(&session.codebook, theme);
        let decisions: Vec<Decision> = self
            .view
            .visible_comments
            .iter()
            .map(|&comment| Decision::Code {
                comment: session.keys.comment(comment),
                theme: key.clone(),
                coding,
            })
            .collect();
        let count = crate::wording::counted(decisions.len(), "comment");
        let what = match coding {
            Coding::Add => format!("added \"{name}\" to {count}"),
            Coding::Remove => format!("took \"{name}\" off {count}"),
        };
        self.decide(&what, decisions);
    }

    /// Stars a comment as a quote, or unstars it.
    pub(super) fn star(&mut self, comment: CommentRef, starred: bool) {
        let Some(session) = &self.session else {
            return;
        };
        let decision = Decision::Quote {
            comment: session.keys.comment(comment),
            starred,
        };
        let what = if starred {
            "starred a quote"
        } else {
            "unstarred a quote"
        };
        self.decide(what, vec![decision]);
    }

    /// Writes a note on a comment.
    pub(super) fn note(&mut self, comment: CommentRef, text: String) {
        let Some(session) = &self.session else {
            return;
        };
        let key = session.keys.comment(comment);
        let unchanged = session.project.as_ref().is_some_and(|project| {
            project
                .decisions()
                .notes
                .get(&key)
                .map_or("", String::as_str)
                == text
        });
        if unchanged {
            return;
        }
        self.decide("wrote a note", vec![Decision::Note { comment: key, text }]);
    }

    /// Takes back (or puts back) the newest step, showing the comments it touched as they are
    /// now; a step that changed the codebook, roles or worksheet reads the project again.
    pub(super) fn turn(&mut self, undo: bool) {
        let Some(session) = &mut self.session else {
            return;
        };
        let Some(project) = &mut session.project else {
            self.log.push(
                "There is nothing to undo: nothing has been decided yet.".to_owned(),
                false,
            );
            return;
        };
        let turned = if undo { project.undo() } else { project.redo() };
        let turned = match turned {
            Ok(Some(turned)) => turned,
            Ok(None) => {
                let word = if undo { "undo" } else { "redo" };
                self.log.push(format!("There is nothing to {word}."), false);
                return;
            }
            Err(error) => {
                self.log.push(error.to_string(), true);
                return;
            }
        };
        let word = if undo { "Undid" } else { "Redid" };
        self.log
            .push(format!("{word}: {}", turned.description), false);
        let decisions = match project.step_decisions(turned.step) {
            Ok(decisions) => decisions,
            Err(error) => {
                self.log.push(error.to_string(), true);
                return;
            }
        };
        // A role taken back returns to the role the import found, which only reading the
        // survey again knows; files added or read again change the survey itself.
        let reads_again = decisions.iter().any(|decision| {
            matches!(
                decision,
                Decision::Role { .. }
                    | Decision::Sheet { .. }
                    | Decision::AddSource { .. }
                    | Decision::Reimport { .. }
                    | Decision::Relink { .. }
            )
        });
        if reads_again {
            let path = project.path().to_owned();
            self.load(LoadSource::Project(path));
            return;
        }
        let recounts = decisions.iter().any(|decision| {
            matches!(
                decision,
                Decision::Codebook { .. } | Decision::RespondentGroup { .. }
            )
        });
        if recounts {
            session.role_choices = project.decisions().role_choices();
            match project.codebook() {
                Ok(codebook) => self.retag_in_background(Some(codebook)),
                Err(error) => self.log.push(error.to_string(), true),
            }
            return;
        }
        session
            .sentiments
            .take_set_from(Some(project), &session.keys);
        let mut touched: Vec<CommentRef> = decisions
            .iter()
            .filter_map(|decision| match decision {
                Decision::Sentiment { comment, .. } => Some(comment),
                other => other.coding().map(|(comment, ..)| comment),
            })
            .filter_map(|comment| session.keys.find_comment(comment))
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let hand_coding = project.hand_coding_of(&session.keys, &session.codebook, &touched);
        // A suggestion whose answer was taken back is waiting again; put back, it is answered.
        let answers: Vec<(CommentRef, ThemeId, bool)> = decisions
            .iter()
            .filter_map(|decision| {
                let Decision::Suggestion { comment, theme, .. } = decision else {
                    return None;
                };
                let decided = project
                    .decisions()
                    .coding
                    .contains_key(&(comment.clone(), theme.clone()));
                Some((
                    session.keys.find_comment(comment)?,
                    session.codebook.find(theme)?,
                    decided,
                ))
            })
            .collect();
        session.retag_touched(&touched, &hand_coding);
        self.view.refilter_changed(session, &touched);
        if let Some(suggestions) = &mut session.learning.suggestions {
            for (comment, theme, decided) in answers {
                if decided {
                    suggestions.answer(comment, theme);
                } else {
                    suggestions.reopen(comment, theme);
                }
            }
        }
        self.refresh_preview_if_shown();
    }

    /// Selects the comment `delta` rows away in the list shown.
    pub(super) fn move_selection(&mut self, delta: isize) {
        let visible = &self.view.visible_comments;
        if visible.is_empty() {
            return;
        }
        let current = self
            .view
            .selected_comment
            .and_then(|selected| visible.iter().position(|comment| *comment == selected));
        let next = match current {
            Some(position) => position.saturating_add_signed(delta).min(visible.len() - 1),
            None => 0,
        };
        self.view.selected_comment = visible.get(next).copied();
        self.view.scroll_to_selected = true;
    }

    /// Puts the theme pinned to number key `digit` on the selected comment, or takes it off.
    pub(super) fn use_pin(&mut self, digit: usize) {
        let (Some(session), Some(comment)) = (&self.session, self.view.selected_comment) else {
            return;
        };
        let Some(theme) = digit
            .checked_sub(1)
            .and_then(|index| self.settings.pinned_themes.get(index))
            .and_then(|key| session.codebook.find(key))
        else {
            self.log.push(
                format!("No theme is pinned to {digit}: pin one in the theme list with Ctrl+P."),
                false,
            );
            return;
        };
        self.code(comment, theme, toggled(session, comment, theme));
    }

    /// Pins a theme to the next free number key, or unpins it.
    pub(super) fn toggle_pin(&mut self, key: String) {
        let pins = &mut self.settings.pinned_themes;
        if let Some(position) = pins.iter().position(|pinned| *pinned == key) {
            pins.remove(position);
        } else if pins.len() < PINNED_THEMES {
            pins.push(key);
        } else {
            self.log.push(
                "Nine themes are pinned already; unpin one first with Ctrl+P.".to_owned(),
                false,
            );
        }
    }

    /// Opens the theme list for the selected comment, or for every comment shown.
    pub(super) fn open_picker(&mut self, for_all_shown: bool, own_themes_first: bool) {
        if !for_all_shown && self.view.selected_comment.is_none() {
            self.apply_one(Command::MoveSelection(0));
        }
        self.view.picker = Some(ThemePicker {
            query: String::new(),
            highlighted: 0,
            for_all_shown,
            own_themes_first,
        });
    }
}

fn theme_key(codebook: &Codebook, theme: ThemeId) -> String {
    codebook
        .theme(theme)
        .map(|found| found.key.clone())
        .unwrap_or_default()
}

/// Copies a project file whole: written beside the target and renamed into place.
fn copy_project(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<()> {
    let bytes = std::fs::read(from)?;
    crate::files::write_atomically(to, &bytes)
}
