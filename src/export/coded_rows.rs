//! What each row of the Coded responses sheet holds, apart from how it is written.

use chrono::NaiveDateTime;

use crate::codebook::{Codebook, ThemeId};
use crate::keys::SurveyKeys;
use crate::model::{ColumnId, ColumnRole, ResponseId, Survey, ValueRef};
use crate::redact::Redactor;
use crate::tagging::{TagOrigin, Tagging};

/// One value of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Cell<'a> {
    Text(&'a str),
    Number(f64),
    DateTime(NaiveDateTime),
    Bool(bool),
}

/// The Coded responses sheet's columns and, response by response, its rows: the response's key,
/// its row in the source file, every column but personal data, the themes it raises, what a
/// person changed, and a 1 under each theme it raises.
pub(super) struct CodedRows<'a> {
    pub(super) survey: &'a Survey,
    codebook: &'a Codebook,
    /// The survey's columns shown, in order.
    pub(super) exported: Vec<ColumnId>,
    leaf_themes: Vec<ThemeId>,
    keys: SurveyKeys,
    /// Masks personal data in the free-text answers; `None` writes them as they are.
    redactor: Option<&'a Redactor>,
    /// Whether each of `exported` is a free-text question.
    free_text: Vec<bool>,
    /// Each response's themes are gathered from it as its row is written: held per response,
    /// they took 15 MB at 100,000 responses.
    tagging: &'a Tagging,
    /// The themes a person took off, by response, sorted.
    removed_by_hand: Vec<(ResponseId, ThemeId)>,
}

/// The column of the first survey value; the key and the source row come before it.
pub(super) const FIRST_VALUE_COLUMN: usize = 2;

impl<'a> CodedRows<'a> {
    pub(super) fn new(
        survey: &'a Survey,
        codebook: &'a Codebook,
        tagging: &'a Tagging,
        redactor: Option<&'a Redactor>,
    ) -> Self {
        let exported: Vec<ColumnId> = survey
            .columns
            .iter()
            .enumerate()
            .filter(|(_, column)| !matches!(column.role, ColumnRole::Personal | ColumnRole::Ignore))
            .map(|(index, _)| ColumnId::at(index))
            .collect();
        let mut removed_by_hand: Vec<(ResponseId, ThemeId)> = tagging
            .removed_by_hand
            .iter()
            .map(|&(comment, theme)| (comment.response, theme))
            .collect();
        removed_by_hand.sort_unstable();
        removed_by_hand.dedup();
        let free_text = exported
            .iter()
            .map(|&id| {
                survey
                    .column(id)
                    .is_some_and(|column| column.role == ColumnRole::FreeText)
            })
            .collect();
        Self {
            survey,
            codebook,
            redactor,
            free_text,
            exported,
            leaf_themes: codebook.leaf_themes(),
            keys: SurveyKeys::new(survey),
            tagging,
            removed_by_hand,
        }
    }

    /// The column of the themes a response raises; what a person added and removed follow it,
    /// then a column per theme.
    pub(super) fn themes_column(&self) -> usize {
        self.exported.len() + FIRST_VALUE_COLUMN
    }

    /// The header row.
    pub(super) fn headers(&self) -> Vec<String> {
        let mut headers = vec!["Response".to_owned(), "Row in source".to_owned()];
        headers.extend(
            self.exported
                .iter()
                .filter_map(|&id| self.survey.column(id))
                .map(|column| column.name.clone()),
        );
        headers.extend(["Themes", "Added by hand", "Removed by hand"].map(str::to_owned));
        headers.extend(
            self.leaf_themes
                .iter()
                .filter_map(|&id| self.codebook.theme(id))
                .map(|theme| theme.name.clone()),
        );
        headers
    }

    /// The response's key, as its row shows it.
    pub(super) fn response_key(&self, response: ResponseId) -> &str {
        self.keys.response(response)
    }

    /// The number of rows after the header: one per response.
    pub(super) fn len(&self) -> usize {
        self.survey.response_count()
    }

    /// Hands each non-empty cell of one response's row, left to right, with its column, to `visit`.
    pub(super) fn for_each_cell<E>(
        &self,
        response: usize,
        mut visit: impl FnMut(usize, Cell<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let id = ResponseId::at(response);
        visit(0, Cell::Text(self.response_key(id)))?;
        let source_row = self
            .survey
            .source_rows
            .get(response)
            .copied()
            .unwrap_or_default();
        visit(1, Cell::Number(f64::from(source_row)))?;
        for (position, &column) in self.exported.iter().enumerate() {
            let redactor = self.redactor.filter(|_| self.free_text[position]);
            let redacted;
            let cell = match self.survey.value(id, column) {
                ValueRef::Empty => continue,
                ValueRef::Text(text) => match redactor {
                    Some(redactor) => {
                        redacted = redactor.redact(text);
                        Cell::Text(&redacted)
                    }
                    None => Cell::Text(text),
                },
                ValueRef::Number(number) => Cell::Number(number),
                ValueRef::DateTime(when) => Cell::DateTime(when),
                ValueRef::Bool(flag) => Cell::Bool(flag),
            };
            visit(position + FIRST_VALUE_COLUMN, cell)?;
        }
        let themes_column = self.themes_column();
        let (raised, added) = self.themes_of(id);
        let first_removed = self.removed_by_hand.partition_point(|&(of, _)| of < id);
        let removed: Vec<ThemeId> = self.removed_by_hand[first_removed..]
            .iter()
            .take_while(|&&(of, _)| of == id)
            .map(|&(_, theme)| theme)
            .collect();
        for (offset, themes) in [&raised, &added, &removed].into_iter().enumerate() {
            visit(themes_column + offset, Cell::Text(&self.names(themes)))?;
        }
        // 1 where the response raises the theme; a blank, not a 0, elsewhere: COUNTIF(…, 1),
        // SUM and filters work the same, and most cells of the sheet are not written at all.
        for (position, theme) in self.leaf_themes.iter().enumerate() {
            if raised.contains(theme) {
                visit(themes_column + 3 + position, Cell::Number(1.0))?;
            }
        }
        Ok(())
    }

    /// More bytes than the rows' XML can take: every text escaped at its worst (six bytes for
    /// one) and 64 bytes of markup for each cell.
    pub(super) fn xml_size_bound(&self) -> u64 {
        const MARKUP: u64 = 64;
        let widen = |bytes: usize| u64::try_from(bytes).unwrap_or(u64::MAX);
        let names: usize = self
            .codebook
            .themes
            .iter()
            .map(|theme| theme.name.len() + 2)
            .sum();
        let per_row = widen(FIRST_VALUE_COLUMN + self.exported.len() + 3 + self.leaf_themes.len())
            * MARKUP
            + widen(names) * 3 * 6;
        let texts: u64 = self
            .exported
            .iter()
            .filter_map(|&column| self.survey.column(column))
            .flat_map(|column| &column.values)
            .map(|value| match value {
                ValueRef::Text(text) => widen(text.len()) * 6,
                _ => 0,
            })
            .sum();
        widen(self.len()) * per_row + texts
    }

    /// The themes a response's comments raise, and those of them a person added, sorted.
    fn themes_of(&self, response: ResponseId) -> (Vec<ThemeId>, Vec<ThemeId>) {
        let mut raised = Vec::new();
        let mut added = Vec::new();
        for tag in self
            .tagging
            .of_response(response)
            .flat_map(|(_, tags)| tags)
        {
            raised.push(tag.theme());
            if tag.origin() == TagOrigin::Person {
                added.push(tag.theme());
            }
        }
        for themes in [&mut raised, &mut added] {
            themes.sort_unstable();
            themes.dedup();
        }
        (raised, added)
    }

    fn names(&self, themes: &[ThemeId]) -> String {
        themes
            .iter()
            .filter_map(|&theme| self.codebook.theme(theme))
            .map(|theme| theme.name.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}
