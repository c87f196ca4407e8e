//! Discovery in the window: the comments no theme covers (or every answer to one question), put
//! into groups of like comments in the background, and a theme made from a group in one step
//! (its key terms its keywords, its comments coded with it by hand), undone as one.

use std::sync::Arc;

use super::App;
use super::state::{Command, FoundGroup};
use crate::learning::{DEFAULT_GROUPS, DISCOVERY_SEED, discover};
use crate::model::CommentRef;
use crate::project::Decision;
use crate::tagging::Coding;
use crate::wording::counted;

impl App {
    /// Groups the comments no theme covers (or every answer to the question chosen), in the
    /// background.
    pub(super) fn discover(&mut self) {
        let repaint = self.waker();
        let Some(session) = &mut self.session else {
            return;
        };
        if session.discovery.running {
            return;
        }
        session.discovery.running = true;
        let question = session.discovery.question;
        let grouped: Vec<CommentRef> = session
            .tagging
            .iter()
            .filter(|(comment, tags)| match question {
                Some(column) => comment.column == column,
                None => tags.is_empty(),
            })
            .map(|(comment, _)| comment)
            .collect();
        let survey = Arc::clone(&session.survey);
        let generation = session.generation;
        self.jobs
            .spawn("Grouping like comments", repaint, move |_| {
                let texts: Vec<&str> = grouped
                    .iter()
                    .map(|&comment| survey.comment_text(comment).unwrap_or_default())
                    .collect();
                let at = |positions: &[usize]| -> Vec<CommentRef> {
                    positions
                        .iter()
                        .map(|&position| grouped[position])
                        .collect()
                };
                let groups = discover(&texts, DEFAULT_GROUPS, DISCOVERY_SEED)
                    .into_iter()
                    .map(|group| FoundGroup {
                        members: at(&group.members),
                        examples: at(&group.examples),
                        key_terms: group.key_terms,
                    })
                    .collect();
                Some(Command::Discovered(generation, groups))
            });
    }

    /// Takes in the groups found, unless another survey has been opened since.
    pub(super) fn discovered(&mut self, generation: u64, groups: Vec<FoundGroup>) {
        let Some(session) = &mut self.session else {
            return;
        };
        if session.generation == generation {
            session.discovery.groups = Some(groups);
            session.discovery.running = false;
        }
    }

    /// Chooses whose comments are grouped; the groups found for others are dropped.
    pub(super) fn discover_in(&mut self, question: Option<crate::model::ColumnId>) {
        if let Some(session) = &mut self.session
            && session.discovery.question != question
        {
            session.discovery.question = question;
            session.discovery.groups = None;
        }
    }

    /// Makes a theme from group `number`: named by its first key terms, with its key terms as
    /// keywords, and its comments coded with it by hand, as one step.
    pub(super) fn make_theme_from_group(&mut self, number: usize) {
        let Some(session) = &self.session else {
            return;
        };
        let Some(group) = session
            .discovery
            .groups
            .as_ref()
            .and_then(|groups| groups.get(number))
            .cloned()
        else {
            return;
        };
        let name = group.theme_name();
        let members: Vec<_> = group
            .members
            .iter()
            .map(|&comment| session.keys.comment(comment))
            .collect();
        let made = self.change_codebook_with(
            &format!(
                "made the theme \"{name}\" from {}",
                counted(members.len(), "comment")
            ),
            |codebook| {
                let key = codebook.add_theme(&name, None)?;
                codebook.set_keywords(&key, &group.key_terms)?;
                Ok(members
                    .into_iter()
                    .map(|comment| Decision::Code {
                        comment,
                        theme: key.clone(),
                        coding: Coding::Add,
                    })
                    .collect())
            },
        );
        if made
            && let Some(groups) = self
                .session
                .as_mut()
                .and_then(|session| session.discovery.groups.as_mut())
        {
            groups.remove(number);
        }
    }
}
