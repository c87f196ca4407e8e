//! Which comments to show: by theme, respondent attribute and text.

use crate::codebook::{Codebook, ThemeId};
use crate::model::{ColumnId, CommentRef, Survey};
use crate::tagging::Tagging;

/// A selection of comments. The default selects every comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only comments with this theme (or, for a group, any theme under it).
    pub theme: Option<ThemeId>,
    /// Only comments from respondents with this attribute value.
    pub attribute: Option<(ColumnId, String)>,
    /// Only comments containing this text, ignoring case.
    pub text: String,
}

impl Filter {
    /// Whether the comment passes every part of the filter.
    pub fn matches(
        &self,
        survey: &Survey,
        codebook: &Codebook,
        tagging: &Tagging,
        comment: CommentRef,
    ) -> bool {
        if let Some(theme) = self.theme {
            let mut wanted = codebook.children(theme);
            wanted.push(theme);
            if !wanted.iter().any(|&id| tagging.has_theme(comment, id)) {
                return false;
            }
        }
        if let Some((column, value)) = &self.attribute
            && survey.attribute_value(comment.response, *column) != *value
        {
            return false;
        }
        let needle = self.text.trim();
        if !needle.is_empty() {
            let text = survey.comment_text(comment).unwrap_or_default();
            if !text.to_lowercase().contains(&needle.to_lowercase()) {
                return false;
            }
        }
        true
    }

    /// The comments that pass, in survey order.
    pub fn apply(
        &self,
        survey: &Survey,
        codebook: &Codebook,
        tagging: &Tagging,
    ) -> Vec<CommentRef> {
        tagging
            .comments
            .iter()
            .copied()
            .filter(|&comment| self.matches(survey, codebook, tagging, comment))
            .collect()
    }
}
