//! Shaping the codebook in the window. Each change is one step of the project's history, made
//! on the project's latest codebook; the comments are then tagged again with it in the
//! background, or at once when only one theme's keywords changed. Keyword edits are previewed
//! on the comments' index before they are applied.

use std::path::PathBuf;
use std::sync::Arc;

use super::App;
use super::one_at_a_time::Finished;
use super::state::{
    Carrying, CodebookChange, CodebookEditor, Command, RulesDraft, RulesPreview, Session,
    ThemeText, ThemeTextDraft, View,
};
use crate::codebook::edit::EditError;
use crate::codebook::{Codebook, Theme, ThemeId};
use crate::model::CommentRef;
use crate::project::Decision;
use crate::tagging::{Coding, CommentIndex, RuleSet, Tagging};

impl App {
    /// Changes the project's codebook as `change` does, recording it with `more` decisions as
    /// one step, and tags the comments again with it. Returns whether it was made.
    fn change_codebook(
        &mut self,
        description: &str,
        change: impl FnOnce(&mut Codebook) -> Result<(), EditError>,
        more: Vec<Decision>,
    ) -> bool {
        self.change_codebook_with(description, |codebook| {
            change(codebook)?;
            Ok(more)
        })
    }

    /// Like [`App::change_codebook`], with the decisions that go with the change made by it
    /// (they may need what it made, such as a new theme's key).
    pub(super) fn change_codebook_with(
        &mut self,
        description: &str,
        change: impl FnOnce(&mut Codebook) -> Result<Vec<Decision>, EditError>,
    ) -> bool {
        let Some(project) = self
            .session
            .as_mut()
            .and_then(|session| session.project.as_mut())
        else {
            return false;
        };
        // The project's codebook, not the session's: an earlier change may still be re-tagging.
        let made = project
            .codebook()
            .map_err(|error| error.to_string())
            .and_then(|mut codebook| {
                let more = change(&mut codebook).map_err(|error| error.to_string())?;
                let toml = codebook.to_toml().map_err(|error| error.to_string())?;
                let mut decisions = vec![Decision::Codebook { toml }];
                decisions.extend(more);
                project
                    .decide(description, decisions)
                    .map_err(|error| error.to_string())?;
                Ok(codebook)
            });
        match made {
            Ok(codebook) => {
                if !self.retag_one_theme(&codebook) {
                    self.retag_in_background(Some(codebook));
                }
                true
            }
            Err(message) => {
                self.log.push(message, true);
                false
            }
        }
    }

    /// Tags again, at once, only the comments a change of one theme's keywords or exclusions can
    /// touch ([`touched_by_rules`], found in the comments' index), and only for that theme:
    /// themes are matched independently. Returns false, changing nothing, for any other change,
    /// when the index is not made yet, or while an earlier change is still being tagged.
    fn retag_one_theme(&mut self, codebook: &Codebook) -> bool {
        let Some(session) = &mut self.session else {
            return false;
        };
        let (Some(index), Some(project)) = (&session.index, &session.project) else {
            return false;
        };
        let Some(theme) = only_rules_changed(&session.codebook, codebook) else {
            return false;
        };
        let (Some(before), Some(after)) = (session.codebook.theme(theme), codebook.theme(theme))
        else {
            return false;
        };
        // A re-tagging under way started from an older codebook: its result is not wanted now.
        self.generations.retag += 1;
        let touched = touched_by_rules(index, &session.tagging, theme, before, after);
        let hand_coding = project.hand_coding_of(&session.keys, codebook, &touched);
        // Only keywords changed: the themes keep their places, so the counts carry over.
        session.codebook = codebook.clone();
        session.rules = RuleSet::new(codebook);
        session.retag_theme(&touched, theme, &hand_coding);
        self.view.refilter_changed(session, &touched);
        true
    }

    /// The name of the theme with this key in the project's latest codebook.
    fn theme_name(&self, key: &str) -> String {
        self.session
            .as_ref()
            .and_then(|session| {
                let id = session.codebook.find(key)?;
                Some(session.codebook.theme(id)?.name.clone())
            })
            .unwrap_or_else(|| key.to_owned())
    }

    /// Shows a theme in the editor, forgetting edits under way on another.
    pub(super) fn select_theme(&mut self, key: String) {
        let editor = &mut self.view.codebook;
        if editor.selected.as_deref() != Some(key.as_str()) {
            editor.rules_draft = None;
            editor.text_draft = None;
            editor.merge_into = None;
        }
        editor.selected = Some(key);
        self.refresh_preview();
    }

    /// Makes a name or description typed.
    pub(super) fn set_theme_text(&mut self, draft: ThemeTextDraft) {
        self.view.codebook.text_draft = None;
        let name = self.theme_name(&draft.key);
        let ThemeTextDraft { key, field, text } = draft;
        match field {
            ThemeText::Name => {
                let description = format!("renamed \"{name}\" to \"{}\"", text.trim());
                self.change_codebook(
                    &description,
                    |codebook| codebook.rename(&key, &text),
                    Vec::new(),
                );
            }
            ThemeText::Description => {
                let description = format!("described \"{name}\"");
                self.change_codebook(
                    &description,
                    |codebook| codebook.describe(&key, &text),
                    Vec::new(),
                );
            }
        }
    }

    /// Gives a theme its own colour, or lets it take its group's.
    pub(super) fn recolour_theme(&mut self, key: String, colour: Option<String>) {
        let description = format!("recoloured \"{}\"", self.theme_name(&key));
        self.change_codebook(
            &description,
            |codebook| codebook.recolour(&key, colour.as_deref()),
            Vec::new(),
        );
    }

    /// Puts a theme in a group, or at the top level.
    pub(super) fn set_theme_parent(&mut self, key: String, parent: Option<String>) {
        let description = match &parent {
            Some(parent) => format!(
                "moved \"{}\" into \"{}\"",
                self.theme_name(&key),
                self.theme_name(parent)
            ),
            None => format!("made \"{}\" a theme of its own", self.theme_name(&key)),
        };
        self.change_codebook(
            &description,
            |codebook| codebook.set_parent(&key, parent.as_deref()),
            Vec::new(),
        );
    }

    /// Moves a theme among its siblings.
    pub(super) fn shift_theme(&mut self, key: String, places: isize) {
        let direction = if places < 0 { "up" } else { "down" };
        let description = format!("moved \"{}\" {direction}", self.theme_name(&key));
        self.change_codebook(
            &description,
            |codebook| codebook.shift(&key, places),
            Vec::new(),
        );
    }

    /// Adds the theme named in the editor, at the top level, and shows it.
    pub(super) fn add_theme(&mut self) {
        let name = self.view.codebook.new_theme.trim().to_owned();
        if name.is_empty() {
            return;
        }
        let mut added = None;
        let made = self.change_codebook(
            &format!("added the theme \"{name}\""),
            |codebook| {
                added = Some(codebook.add_theme(&name, None)?);
                Ok(())
            },
            Vec::new(),
        );
        if made {
            self.view.codebook.new_theme.clear();
            if let Some(key) = added {
                self.select_theme(key);
            }
        }
    }

    /// Keeps the keywords and exclusions typed and works out what they would match.
    pub(super) fn edit_rules(&mut self, keywords: String, exclusions: String) {
        let Some(key) = self.view.codebook.selected.clone() else {
            return;
        };
        self.view.codebook.rules_draft = Some(RulesDraft {
            key,
            keywords,
            exclusions,
        });
        self.refresh_preview();
    }

    /// Works out what the selected theme's keywords match again: after an edit, or when the
    /// comments' index, the tagging or the codebook changed. From
    /// [`App::background_from`] comments on another thread, one count at a time: the counts
    /// shown stay until the latest keystroke's are done.
    pub(super) fn refresh_preview(&mut self) {
        let in_background = self
            .session
            .as_ref()
            .is_some_and(|session| session.tagging.comments.len() >= self.background_from);
        let editor = &mut self.view.codebook;
        let round = if in_background {
            match editor.counting.start() {
                Some(round) => Some(round),
                // Counted again with the latest rules once the count under way is done.
                None => return,
            }
        } else {
            editor.counting.stop();
            None
        };
        let Some(counting) = self
            .session
            .as_ref()
            .and_then(|session| PreviewCounting::of(session, editor))
        else {
            editor.counting.stop();
            editor.preview = None;
            return;
        };
        match round {
            None => editor.preview = Some(counting.preview()),
            Some(round) => {
                self.jobs
                    .spawn("Counting the keywords' matches", self.waker(), move |_| {
                        Some(Command::Counted(round, Box::new(counting.preview())))
                    });
            }
        }
    }

    /// Works out the preview again if the Codebook view shows it, after hand coding or its undo
    /// changed which comments have a theme now (elsewhere it is counted on return).
    pub(super) fn refresh_preview_if_shown(&mut self) {
        if self.view.view == View::Codebook {
            self.refresh_preview();
        }
    }

    /// Shows a preview worked out in the background, unless a newer one has been; counts again
    /// if the rules or the tags changed while it was counted.
    pub(super) fn counted(&mut self, round: u64, preview: RulesPreview) {
        // Read from tags since changed, or from another survey's (a count begun before it was
        // opened can have the round of one begun after).
        let tags_changed = self
            .session
            .as_ref()
            .is_none_or(|session| !preview.carrying.still_of(&session.tagging));
        let editor = &mut self.view.codebook;
        match editor.counting.finished(round) {
            Finished::Latest if tags_changed => self.refresh_preview(),
            Finished::Latest => editor.preview = Some(preview),
            // Newer than the one shown, and its keywords' matches are reused.
            Finished::Again => {
                editor.preview = Some(preview);
                self.refresh_preview();
            }
            Finished::Stale => {}
        }
    }

    /// Makes the edited keywords and exclusions the theme's.
    pub(super) fn apply_rules(&mut self) {
        let Some(draft) = self.view.codebook.rules_draft.clone() else {
            return;
        };
        let description = format!(
            "changed the keywords of \"{}\"",
            self.theme_name(&draft.key)
        );
        let made = self.change_codebook(
            &description,
            |codebook| {
                codebook.set_keywords(&draft.key, &draft.keyword_list())?;
                codebook.set_exclusions(&draft.key, &draft.exclusion_list())
            },
            Vec::new(),
        );
        if made {
            self.view.codebook.rules_draft = None;
            self.refresh_preview();
        }
    }

    /// Makes the change the user confirmed.
    pub(super) fn confirm_codebook_change(&mut self) {
        let Some(change) = self.view.codebook.confirm.take() else {
            return;
        };
        match change {
            CodebookChange::Replace { codebook, from } => {
                let description = format!("used the codebook \"{}\" from {from}", codebook.name);
                self.change_codebook(
                    &description,
                    |current| {
                        *current = *codebook;
                        Ok(())
                    },
                    Vec::new(),
                );
                self.view.codebook.selected = None;
                self.view.codebook.rules_draft = None;
            }
            CodebookChange::Merge { from, into } => {
                let carried = self.merged_coding(&from, &into);
                let description = format!(
                    "merged \"{}\" into \"{}\"",
                    self.theme_name(&from),
                    self.theme_name(&into)
                );
                if self.change_codebook(
                    &description,
                    |codebook| codebook.merge(&from, &into),
                    carried,
                ) {
                    self.select_theme(into);
                }
            }
            CodebookChange::Delete { key } => {
                let description = format!("deleted the theme \"{}\"", self.theme_name(&key));
                if self.change_codebook(&description, |codebook| codebook.delete(&key), Vec::new())
                {
                    self.view.codebook.selected = None;
                    self.view.codebook.rules_draft = None;
                }
            }
        }
    }

    /// The hand coding that carries a merged theme's decisions over to the theme it joins.
    fn merged_coding(&self, from: &str, into: &str) -> Vec<Decision> {
        let Some(session) = &self.session else {
            return Vec::new();
        };
        let Some(project) = &session.project else {
            return Vec::new();
        };
        let into_id = session.codebook.find(into);
        project.decisions().merged_coding(from, into, |comment| {
            let found = session.keys.find_comment(comment);
            found
                .zip(into_id)
                .is_some_and(|(comment, theme)| session.tagging.has_theme(comment, theme))
        })
    }

    /// Asks before using a built-in codebook instead.
    pub(super) fn use_built_in_codebook(&mut self, name: &str) {
        match Codebook::built_in(name) {
            Ok(codebook) => self.ask_to_replace(codebook, "the built-in codebooks".to_owned()),
            Err(error) => self.log.push(error.to_string(), true),
        }
    }

    /// Reads a codebook file and asks before using it.
    pub(super) fn load_codebook(&mut self, path: &std::path::Path) {
        match Codebook::load_file(path) {
            Ok(codebook) => self.ask_to_replace(codebook, crate::files::display_name(path)),
            Err(error) => self.log.push(error.to_string(), true),
        }
    }

    /// Themes of the new codebook named as today's take today's ids, so hand coding carries
    /// over; then the user is asked.
    fn ask_to_replace(&mut self, mut codebook: Codebook, from: String) {
        if let Some(session) = &self.session {
            codebook.adopt_keys(&session.codebook);
        }
        self.view.view = View::Codebook;
        self.view.codebook.confirm = Some(CodebookChange::Replace {
            codebook: Box::new(codebook),
            from,
        });
    }

    /// Writes the codebook as TOML, whole or not at all.
    pub(super) fn save_codebook(&mut self, path: PathBuf) {
        let Some(session) = &self.session else {
            return;
        };
        let written = session
            .codebook
            .to_toml()
            .map_err(|error| error.to_string())
            .and_then(|text| {
                crate::files::write_atomically(&path, text.as_bytes()).map_err(|error| {
                    format!("could not save the codebook: {error}: {}", path.display())
                })
            });
        match written {
            Ok(()) => self
                .log
                .push(format!("Saved the codebook to {}", path.display()), false),
            Err(message) => self.log.push(message, true),
        }
    }

    /// Starts making the comments' index when the Codebook view needs it and it is not there.
    pub(super) fn index_if_needed(&mut self) {
        if self.view.view != View::Codebook || self.view.codebook.indexing {
            return;
        }
        let waker = self.waker();
        let Some(session) = &self.session else {
            return;
        };
        if session.index.is_some() {
            return;
        }
        self.view.codebook.indexing = true;
        let survey = Arc::clone(&session.survey);
        let comments = session.tagging.comments.clone();
        let generation = session.generation;
        self.jobs
            .spawn("Reading the comments' words", waker, move |_| {
                let index = CommentIndex::new(&survey, &comments);
                Some(Command::IndexBuilt(generation, Arc::new(index)))
            });
    }

    /// Keeps the comments' index made for the open session.
    pub(super) fn index_built(&mut self, generation: u64, index: Arc<CommentIndex>) {
        self.view.codebook.indexing = false;
        let Some(session) = &mut self.session else {
            return;
        };
        if session.generation == generation && index.len() == session.tagging.comments.len() {
            session.index = Some(index);
            // Counted in another index: nothing of it carries over.
            self.view.codebook.preview = None;
            self.refresh_preview();
        }
    }
}

/// What a preview of the selected theme's rules reads, taken from the session so that it can
/// be worked out on another thread.
struct PreviewCounting {
    index: Arc<CommentIndex>,
    theme: ThemeId,
    draft: RulesDraft,
    /// The comments that have the theme now, when the preview shown read them from the
    /// tagging as it is; else the tagging, to read them from (every comment's tags, 5 ms at
    /// 100,000 responses: not again at each keystroke).
    carrying: Result<Carrying, Arc<Tagging>>,
    /// Comments given the theme by hand.
    added: Vec<CommentRef>,
    /// Comments it was taken off by hand, in order.
    removed: Vec<CommentRef>,
    /// What each keyword matched a keystroke ago, when the exclusions were the same: only the
    /// keyword being typed is looked up (at 100,000 responses each takes milliseconds).
    earlier: Vec<(String, Arc<[CommentRef]>)>,
}

impl PreviewCounting {
    /// The selected theme's rules, as edited or its own, and what counting them reads; `None`
    /// with no theme selected or until the comments' index is made.
    fn of(session: &Session, editor: &CodebookEditor) -> Option<Self> {
        let index = Arc::clone(session.index.as_ref()?);
        let key = editor.selected.as_ref()?;
        let theme = session.codebook.find(key)?;
        let draft = match editor.rules_draft.clone().filter(|draft| draft.key == *key) {
            Some(draft) => draft,
            None => {
                let own = session.codebook.theme(theme)?;
                RulesDraft {
                    key: key.clone(),
                    keywords: own.keywords.join("\n"),
                    exclusions: own.exclude.join("\n"),
                }
            }
        };
        let exclusions = draft.exclusion_list();
        let shown = editor.preview.as_ref().filter(|shown| shown.key == *key);
        let earlier = shown
            .filter(|shown| shown.exclusions == exclusions)
            .map(|shown| shown.keywords.clone())
            .unwrap_or_default();
        let carrying = shown
            .map(|shown| &shown.carrying)
            .filter(|carrying| carrying.still_of(&session.tagging))
            .cloned()
            .ok_or_else(|| Arc::clone(&session.tagging));
        let (mut added, mut removed) = (Vec::new(), Vec::new());
        if let Some(project) = &session.project {
            for ((comment, coded_theme), coding) in &project.decisions().coding {
                if coded_theme != key {
                    continue;
                }
                let Some(comment) = session.keys.find_comment(comment) else {
                    continue;
                };
                match coding {
                    Coding::Add => added.push(comment),
                    Coding::Remove => removed.push(comment),
                }
            }
        }
        removed.sort_unstable();
        Some(Self {
            index,
            theme,
            carrying,
            draft,
            added,
            removed,
            earlier,
        })
    }

    /// What the draft's rules would match, with the hand coding in force still holding.
    fn preview(self) -> RulesPreview {
        let exclusions = self.draft.exclusion_list();
        let per_keyword: Vec<(String, Arc<[CommentRef]>)> = self
            .draft
            .keyword_list()
            .into_iter()
            .map(|keyword| {
                let known = self
                    .earlier
                    .iter()
                    .find(|(matched, _)| *matched == keyword)
                    .map(|(_, comments)| Arc::clone(comments));
                let comments = known
                    .unwrap_or_else(|| self.index.keyword_matches(&keyword, &exclusions).into());
                (keyword, comments)
            })
            .collect();
        // A comment any keyword matches gets the theme.
        let mut after: Vec<CommentRef> = per_keyword
            .iter()
            .flat_map(|(_, comments)| comments.iter().copied())
            .chain(self.added)
            .collect();
        after.sort_unstable();
        after.dedup();
        after.retain(|comment| self.removed.binary_search(comment).is_err());
        let carrying = self
            .carrying
            .unwrap_or_else(|tagging| Carrying::read(&tagging, self.theme));
        let now = &carrying.comments;
        let missing_from = |from: &[CommentRef], these: &[CommentRef]| -> Vec<CommentRef> {
            these
                .iter()
                .copied()
                .filter(|comment| from.binary_search(comment).is_err())
                .collect()
        };
        RulesPreview {
            key: self.draft.key,
            gained: missing_from(now, &after),
            lost: missing_from(&after, now),
            keywords: per_keyword,
            exclusions,
            after: after.len(),
            carrying,
        }
    }
}

/// The comments whose tag for `theme` can change when its rules go from `before` to `after`.
/// Keywords match one by one, so with the same exclusions only the comments an added keyword
/// matches or a removed one matched can change: a keyword added to a theme that half the
/// comments raise tags again the comments using that keyword, not half the survey.
fn touched_by_rules(
    index: &CommentIndex,
    tagging: &Tagging,
    theme: ThemeId,
    before: &Theme,
    after: &Theme,
) -> Vec<CommentRef> {
    let mut touched = if before.exclude == after.exclude {
        let not_in = |keywords: &[String], others: &[String]| -> Vec<String> {
            keywords
                .iter()
                .filter(|keyword| !others.contains(keyword))
                .cloned()
                .collect()
        };
        let mut touched =
            index.theme_matches(&not_in(&after.keywords, &before.keywords), &after.exclude);
        touched.extend(
            index.theme_matches(&not_in(&before.keywords, &after.keywords), &before.exclude),
        );
        touched
    } else {
        // Other exclusions can cancel any keyword's match.
        let mut touched = index.theme_matches(&after.keywords, &after.exclude);
        touched.extend(
            tagging
                .iter()
                .filter(|(_, tags)| tags.iter().any(|tag| tag.theme() == theme))
                .map(|(comment, _)| comment),
        );
        touched
    };
    touched.sort_unstable();
    touched.dedup();
    touched
}

/// The theme whose keywords or exclusions are all that differ between the codebooks, if that
/// is the only change.
fn only_rules_changed(before: &Codebook, after: &Codebook) -> Option<ThemeId> {
    let without_rules = |codebook: &Codebook| {
        let mut bare = codebook.clone();
        for theme in &mut bare.themes {
            theme.keywords.clear();
            theme.exclude.clear();
        }
        bare
    };
    if without_rules(before) != without_rules(after) {
        return None;
    }
    let mut changed = before
        .themes
        .iter()
        .zip(&after.themes)
        .enumerate()
        .filter(|(_, (old, new))| old.keywords != new.keywords || old.exclude != new.exclude)
        .map(|(position, _)| ThemeId(position));
    match (changed.next(), changed.next()) {
        (Some(theme), None) => Some(theme),
        _ => None,
    }
}
