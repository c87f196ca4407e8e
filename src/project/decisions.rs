//! The user's decisions, and the history of steps they were made in: which steps are in force
//! after undos and redos, and what the decisions in force add up to.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::keys::CommentKey;
use crate::learning::Sentiment;
use crate::model::{ColumnRole, RoleChoices};
use crate::tagging::Coding;

/// One decision a person made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A theme added to or removed from a comment by hand.
    Code {
        /// The comment.
        comment: CommentKey,
        /// The theme's codebook id.
        theme: String,
        /// Added or removed.
        coding: Coding,
    },
    /// A column's role chosen by hand, by its question key.
    Role {
        /// The question key.
        question: String,
        /// The role.
        role: ColumnRole,
    },
    /// The attribute that splits the themes by respondent type, by its question key; `None`
    /// leaves it to the analysis to find.
    RespondentGroup {
        /// The question key.
        question: Option<String>,
    },
    /// The worksheet read from one source.
    Sheet {
        /// The source's position.
        source: usize,
        /// The worksheet.
        sheet: String,
    },
    /// The project's codebook, whole, as TOML.
    Codebook {
        /// The codebook file's text.
        toml: String,
    },
    /// A survey export added to the project after it was made.
    AddSource {
        /// The source's position.
        source: usize,
    },
    /// A source read from a newer copy of its file from this step on.
    Reimport {
        /// The source's position.
        source: usize,
        /// The row that keeps the newer copy.
        version: i64,
    },
    /// A source's file found in another place, its contents the same.
    Relink {
        /// The source's position.
        source: usize,
        /// Where it is now.
        path: PathBuf,
    },
    /// A learned suggestion of a theme for a comment, accepted (the theme is on the comment) or
    /// rejected (it is not, and is never suggested for that comment again).
    Suggestion {
        /// The comment.
        comment: CommentKey,
        /// The theme's codebook id.
        theme: String,
        /// Whether it was accepted.
        accepted: bool,
    },
    /// A comment's sentiment as a person reads it, over what its words suggest.
    Sentiment {
        /// The comment.
        comment: CommentKey,
        /// The sentiment.
        sentiment: Sentiment,
    },
    /// A comment starred as a quote, or unstarred.
    Quote {
        /// The comment.
        comment: CommentKey,
        /// Whether it is a quote now.
        starred: bool,
    },
    /// A note on a comment; empty text removes it.
    Note {
        /// The comment.
        comment: CommentKey,
        /// The note.
        text: String,
    },
}

impl Decision {
    /// The coding of one theme on one comment, by hand or by answering a suggestion.
    pub fn coding(&self) -> Option<(&CommentKey, &str, Coding)> {
        match self {
            Decision::Code {
                comment,
                theme,
                coding,
            } => Some((comment, theme, *coding)),
            Decision::Suggestion {
                comment,
                theme,
                accepted,
            } => Some((comment, theme, Coding::from_accepted(*accepted))),
            _ => None,
        }
    }
}

/// What kind of step a history entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// The project was made; never undone.
    Create,
    /// The user decided something.
    Do,
    /// The user took back the step `target`.
    Undo(i64),
    /// The user put back the step `target`.
    Redo(i64),
}

/// One entry of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Its number, in the order the steps were taken.
    pub id: i64,
    /// When, as local time.
    pub at: String,
    /// Who: the computer's user name.
    pub user: String,
    /// What kind.
    pub kind: StepKind,
    /// What it did, in words.
    pub description: String,
}

/// Which steps are in force after every undo and redo, and what can be undone or redone next.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InForce {
    /// The steps in force, oldest first.
    pub done: Vec<i64>,
    /// The steps taken back that can be put back, the next last.
    pub undone: Vec<i64>,
}

impl InForce {
    /// Plays the history in order.
    pub fn replay(steps: &[Step]) -> Self {
        let mut state = Self::default();
        for step in steps {
            match step.kind {
                StepKind::Create => state.done.push(step.id),
                StepKind::Do => {
                    state.done.push(step.id);
                    state.undone.clear();
                }
                StepKind::Undo(target) => {
                    if state.done.last() == Some(&target) {
                        state.done.pop();
                        state.undone.push(target);
                    }
                }
                StepKind::Redo(target) => {
                    if state.undone.last() == Some(&target) {
                        state.undone.pop();
                        state.done.push(target);
                    }
                }
            }
        }
        state
    }

    /// The step an undo would take back: the newest in force, unless it made the project.
    pub fn undoable(&self, steps: &[Step]) -> Option<i64> {
        let last = *self.done.last()?;
        let made_the_project = steps
            .iter()
            .any(|step| step.id == last && step.kind == StepKind::Create);
        (!made_the_project).then_some(last)
    }

    /// The step a redo would put back.
    pub fn redoable(&self) -> Option<i64> {
        self.undone.last().copied()
    }
}

/// What the decisions in force add up to: for each thing decided, the latest decision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decisions {
    /// Hand coding: for each comment and theme, added or removed.
    pub coding: BTreeMap<(CommentKey, String), Coding>,
    /// The entries of `coding` that answer a learned suggestion rather than a person's own
    /// coding.
    pub answered_suggestions: BTreeSet<(CommentKey, String)>,
    /// Column roles chosen by hand.
    pub roles: BTreeMap<String, ColumnRole>,
    /// The attribute chosen as the respondent group.
    pub respondent_group: Option<String>,
    /// The worksheet read from each source, where chosen.
    pub sheets: BTreeMap<usize, String>,
    /// The codebook, as TOML.
    pub codebook: String,
    /// The sources added after the project was made, by position.
    pub added_sources: BTreeSet<usize>,
    /// For each re-imported source, the row that keeps the copy read now.
    pub versions: BTreeMap<usize, i64>,
    /// For each source whose file moved, where it is now.
    pub relinked: BTreeMap<usize, PathBuf>,
    /// The comments starred as quotes.
    pub quotes: BTreeSet<CommentKey>,
    /// Notes on comments.
    pub notes: BTreeMap<CommentKey, String>,
    /// Sentiments set by a person.
    pub sentiments: BTreeMap<CommentKey, Sentiment>,
}

impl Decisions {
    /// Applies one decision over the earlier ones.
    pub fn apply(&mut self, decision: Decision) {
        match decision {
            Decision::Code {
                comment,
                theme,
                coding,
            } => {
                self.answered_suggestions
                    .remove(&(comment.clone(), theme.clone()));
                self.coding.insert((comment, theme), coding);
            }
            Decision::Suggestion {
                comment,
                theme,
                accepted,
            } => {
                let key = (comment, theme);
                self.coding
                    .insert(key.clone(), Coding::from_accepted(accepted));
                self.answered_suggestions.insert(key);
            }
            Decision::Role { question, role } => {
                self.roles.insert(question, role);
            }
            Decision::RespondentGroup { question } => self.respondent_group = question,
            Decision::Sheet { source, sheet } => {
                self.sheets.insert(source, sheet);
            }
            Decision::Codebook { toml } => self.codebook = toml,
            Decision::AddSource { source } => {
                self.added_sources.insert(source);
            }
            Decision::Reimport { source, version } => {
                self.versions.insert(source, version);
                // The new copy's own place holds from now on.
                self.relinked.remove(&source);
            }
            Decision::Relink { source, path } => {
                self.relinked.insert(source, path);
            }
            Decision::Sentiment { comment, sentiment } => {
                self.sentiments.insert(comment, sentiment);
            }
            Decision::Quote { comment, starred } => {
                if starred {
                    self.quotes.insert(comment);
                } else {
                    self.quotes.remove(&comment);
                }
            }
            Decision::Note { comment, text } => {
                if text.trim().is_empty() {
                    self.notes.remove(&comment);
                } else {
                    self.notes.insert(comment, text);
                }
            }
        }
    }

    /// How many hand decisions in force add a theme and how many remove one.
    pub fn hand_coding_counts(&self) -> (usize, usize) {
        let added = self
            .coding
            .values()
            .filter(|coding| **coding == Coding::Add)
            .count();
        (added, self.coding.len() - added)
    }

    /// The hand coding that carries theme `from`'s decisions over to theme `into` when `from`
    /// is merged into it, so that the hand coding of both is kept: a comment a person gave
    /// `from` gets `into` (over a removal of `into`), and a comment a person took `from` off
    /// stays without `into` unless it has `into` now (`has_into`) or a decision about it.
    pub fn merged_coding(
        &self,
        from: &str,
        into: &str,
        has_into: impl Fn(&CommentKey) -> bool,
    ) -> Vec<Decision> {
        self.coding
            .iter()
            .filter(|((_, theme), _)| theme == from)
            .filter_map(|((comment, _), coding)| {
                let decided = self.coding.get(&(comment.clone(), into.to_owned()));
                let carried = match coding {
                    Coding::Add => decided != Some(&Coding::Add),
                    Coding::Remove => decided.is_none() && !has_into(comment),
                };
                carried.then(|| Decision::Code {
                    comment: comment.clone(),
                    theme: into.to_owned(),
                    coding: *coding,
                })
            })
            .collect()
    }

    /// The roles chosen by hand, to give to the survey.
    pub fn role_choices(&self) -> RoleChoices {
        let mut choices = RoleChoices::default();
        for (question, role) in &self.roles {
            choices.choose(question, *role);
        }
        choices.choose_respondent_group(self.respondent_group.as_deref());
        choices
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(id: i64, kind: StepKind) -> Step {
        Step {
            id,
            at: String::new(),
            user: String::new(),
            kind,
            description: String::new(),
        }
    }

    #[test]
    fn undo_and_redo_play_back_in_order() {
        let mut steps = vec![
            step(1, StepKind::Create),
            step(2, StepKind::Do),
            step(3, StepKind::Do),
        ];
        let state = InForce::replay(&steps);
        assert_eq!(state.done, [1, 2, 3]);
        assert_eq!(state.undoable(&steps), Some(3));
        steps.push(step(4, StepKind::Undo(3)));
        steps.push(step(5, StepKind::Undo(2)));
        let state = InForce::replay(&steps);
        assert_eq!(state.done, [1]);
        assert_eq!(state.undoable(&steps), None, "the project's making stays");
        assert_eq!(state.redoable(), Some(2));
        steps.push(step(6, StepKind::Redo(2)));
        let state = InForce::replay(&steps);
        assert_eq!(state.done, [1, 2]);
        assert_eq!(state.redoable(), Some(3));
        // A new decision ends what could be redone.
        steps.push(step(7, StepKind::Do));
        let state = InForce::replay(&steps);
        assert_eq!(state.done, [1, 2, 7]);
        assert_eq!(state.redoable(), None);
    }

    #[test]
    fn merging_carries_hand_coding_to_the_theme_that_stays() {
        let on = |response: &str| CommentKey {
            source: 0,
            response: response.to_owned(),
            question: "views".to_owned(),
        };
        let mut decisions = Decisions::default();
        let mut code = |response: &str, theme: &str, coding| {
            decisions.apply(Decision::Code {
                comment: on(response),
                theme: theme.to_owned(),
                coding,
            });
        };
        code("R1", "taxis", Coding::Add);
        code("R2", "taxis", Coding::Add);
        code("R2", "transport", Coding::Remove);
        code("R3", "taxis", Coding::Remove);
        code("R4", "taxis", Coding::Remove);
        code("R5", "taxis", Coding::Add);
        code("R5", "transport", Coding::Add);
        // R4 has Transport by the rules, so taking Taxis off it does not take Transport off.
        let carried =
            decisions.merged_coding("taxis", "transport", |comment| comment.response == "R4");
        let carried: Vec<(String, Coding)> = carried
            .into_iter()
            .filter_map(|decision| match decision {
                Decision::Code {
                    comment,
                    theme,
                    coding,
                } if theme == "transport" => Some((comment.response, coding)),
                _ => None,
            })
            .collect();
        assert_eq!(
            carried,
            [
                ("R1".to_owned(), Coding::Add),
                ("R2".to_owned(), Coding::Add),
                ("R3".to_owned(), Coding::Remove),
            ]
        );
    }

    #[test]
    fn the_latest_decision_about_a_thing_holds() {
        let comment = CommentKey {
            source: 0,
            response: "R1".to_owned(),
            question: "views".to_owned(),
        };
        let mut decisions = Decisions::default();
        for coding in [Coding::Add, Coding::Remove, Coding::Add] {
            decisions.apply(Decision::Code {
                comment: comment.clone(),
                theme: "transport".to_owned(),
                coding,
            });
        }
        decisions.apply(Decision::Code {
            comment: comment.clone(),
            theme: "training".to_owned(),
            coding: Coding::Remove,
        });
        assert_eq!(decisions.hand_coding_counts(), (1, 1));
        decisions.apply(Decision::Quote {
            comment: comment.clone(),
            starred: true,
        });
        decisions.apply(Decision::Note {
            comment: comment.clone(),
            text: "  ".to_owned(),
        });
        assert!(decisions.quotes.contains(&comment));
        assert!(decisions.notes.is_empty());
    }
}
