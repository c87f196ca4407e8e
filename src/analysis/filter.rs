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
    /// The comments that pass every part of the filter, in survey order.
    pub fn apply(
        &self,
        survey: &Survey,
        codebook: &Codebook,
        tagging: &Tagging,
    ) -> Vec<CommentRef> {
        // Worked out once per pass, not once per comment.
        let wanted_themes: Option<Vec<ThemeId>> = self.theme.map(|theme| {
            let mut wanted = codebook.children(theme);
            wanted.push(theme);
            wanted
        });
        let needle = self.text.trim().to_lowercase();
        tagging
            .comments
            .iter()
            .copied()
            .filter(|&comment| {
                let theme_ok = wanted_themes
                    .as_ref()
                    .is_none_or(|wanted| wanted.iter().any(|&id| tagging.has_theme(comment, id)));
                let attribute_ok = self.attribute.as_ref().is_none_or(|(column, value)| {
                    survey.attribute_value(comment.response, *column) == *value
                });
                let text_ok = needle.is_empty()
                    || survey
                        .comment_text(comment)
                        .is_some_and(|text| text.to_lowercase().contains(&needle));
                theme_ok && attribute_ok && text_ok
            })
            .collect()
    }
}
