//! Names for comments that last however the survey is read again: a response by its source and
//! its key there (the identifier column's value, else its row), a question by its normalised
//! heading. Hand coding is kept under these names, never under positions, so adding a file or a
//! Source column moves nobody's coding to another comment.

use std::collections::HashMap;
use std::sync::OnceLock;

use arcstr::ArcStr;

use crate::counts::as_u32;
use crate::heading::normalise_heading;
use crate::model::{ColumnId, ColumnRole, CommentRef, ResponseId, Survey, ValueRef};

/// A comment's lasting name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommentKey {
    /// The source's position among the survey's sources, in the order they were added.
    pub source: usize,
    /// The response's key within its source.
    pub response: String,
    /// The question's key.
    pub question: String,
}

/// The keys of one survey's responses and questions, and the way back from a key.
#[derive(Debug, Clone, Default)]
pub struct SurveyKeys {
    /// Per response, its key within its source (shared with the identifier column's text:
    /// 100,000 copies of them cost 10 MB).
    responses: Vec<ArcStr>,
    /// Per source of the survey, in order, the end of its responses and its position among
    /// the project's sources: held once per source, not once per response.
    sources: Vec<(usize, usize)>,
    /// Per column, its question key.
    questions: Vec<String>,
    /// Built when first asked: exports only go from responses to keys.
    by_response: OnceLock<HashMap<(usize, ArcStr), ResponseId>>,
    by_question: HashMap<String, ColumnId>,
}

impl SurveyKeys {
    /// Works out every response's and question's key.
    pub fn new(survey: &Survey) -> Self {
        let positions: Vec<usize> = (0..survey.sources.len()).collect();
        Self::with_source_positions(survey, &positions)
    }

    /// Works out the keys when the survey's sources have other positions among a project's
    /// sources: `positions[i]` is the position of the survey's source `i` (one whose adding was
    /// undone is not read, and the later ones keep their places).
    pub fn with_source_positions(survey: &Survey, positions: &[usize]) -> Self {
        let mut responses = Vec::with_capacity(survey.response_count());
        let mut sources = Vec::with_capacity(survey.sources.len());
        for (index, range) in survey.responses_by_source().enumerate() {
            sources.push((range.end, positions.get(index).copied().unwrap_or(index)));
            if !push_identifier_values(survey, range.clone(), &mut responses) {
                responses.extend(range.map(|response| {
                    survey
                        .source_rows
                        .get(response)
                        .map_or_else(ArcStr::new, |row| ArcStr::from(row.to_string()))
                }));
            }
        }
        let mut questions: Vec<String> = Vec::with_capacity(survey.columns.len());
        for column in &survey.columns {
            let base = normalise_heading(&column.name);
            // Headings that differ only in punctuation still get keys of their own.
            let mut key = base.clone();
            let mut number = 2;
            while questions.contains(&key) {
                key = format!("{base} {number}");
                number += 1;
            }
            questions.push(key);
        }
        let by_question = questions
            .iter()
            .enumerate()
            .map(|(position, key)| (key.clone(), ColumnId::at(position)))
            .collect();
        Self {
            responses,
            sources,
            questions,
            by_response: OnceLock::new(),
            by_question,
        }
    }

    /// The response's key within its source, as the Coded responses sheet shows it.
    pub fn response(&self, response: ResponseId) -> &str {
        self.responses.get(response.index()).map_or("", |key| key)
    }

    /// The question's key.
    pub fn question(&self, column: ColumnId) -> &str {
        self.questions
            .get(column.index())
            .map_or("", String::as_str)
    }

    /// The comment's lasting name.
    pub fn comment(&self, comment: CommentRef) -> CommentKey {
        CommentKey {
            source: self.source_of(comment.response),
            response: self.response(comment.response).to_owned(),
            question: self.question(comment.column).to_owned(),
        }
    }

    /// The response with this key in this source.
    pub fn find_response(&self, source: usize, key: &str) -> Option<ResponseId> {
        self.responses_by_key()
            .get(&(source, ArcStr::from(key)))
            .copied()
    }

    /// The keys made ready to be found, for a window: finding the first would otherwise hash
    /// every response's key while a person waits for a decision to show.
    #[must_use]
    pub fn ready_to_find(self) -> Self {
        self.responses_by_key();
        self
    }

    fn responses_by_key(&self) -> &HashMap<(usize, ArcStr), ResponseId> {
        self.by_response.get_or_init(|| {
            self.responses
                .iter()
                .enumerate()
                .map(|(position, key)| {
                    let response = ResponseId::at(position);
                    ((self.source_of(response), key.clone()), response)
                })
                .collect()
        })
    }

    /// The position among the project's sources of the source that gave the response.
    fn source_of(&self, response: ResponseId) -> usize {
        let index = self
            .sources
            .partition_point(|&(end, _)| end <= response.index());
        self.sources.get(index).map_or(0, |&(_, position)| position)
    }

    /// The question with this key.
    pub fn find_question(&self, key: &str) -> Option<ColumnId> {
        self.by_question.get(key).copied()
    }

    /// The comment this key names in the survey.
    pub fn find_comment(&self, key: &CommentKey) -> Option<CommentRef> {
        Some(CommentRef {
            response: self.find_response(key.source, &key.response)?,
            column: self.find_question(&key.question)?,
        })
    }
}

/// Appends the values of the first identifier column that names every response of the range
/// once, as displayed, and says whether one did (the rows are the keys otherwise). Uniqueness is
/// checked on positions sorted by key: a set of the keys took 18 MB at 500,000 responses.
fn push_identifier_values(
    survey: &Survey,
    range: std::ops::Range<usize>,
    responses: &mut Vec<ArcStr>,
) -> bool {
    let start = responses.len();
    survey
        .columns
        .iter()
        .filter(|column| column.role == ColumnRole::Identifier)
        .any(|column| {
            let Some(values) = column.values.range(range.clone()) else {
                return false;
            };
            responses.truncate(start);
            responses.extend(values.map(|value| match value {
                ValueRef::Text(text) => text.clone(),
                other => ArcStr::from(other.display()),
            }));
            let keys = &responses[start..];
            let mut order: Vec<u32> = (0..as_u32(keys.len())).collect();
            order.sort_unstable_by(|&a, &b| keys[a as usize].cmp(&keys[b as usize]));
            let names_each_once = keys.iter().all(|key| !key.is_empty())
                && order
                    .windows(2)
                    .all(|pair| keys[pair[0] as usize] != keys[pair[1] as usize]);
            if !names_each_once {
                responses.truncate(start);
            }
            names_each_once
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{ImportOptions, import_bytes};
    use crate::progress::Progress;
    use std::path::Path;

    fn survey(name: &str, text: &str) -> Survey {
        import_bytes(
            Path::new(name),
            text.as_bytes(),
            &ImportOptions::default(),
            &Progress::new(),
        )
        .expect("imports")
        .survey
    }

    #[test]
    fn responses_are_named_by_their_id_else_by_their_row() {
        let with_ids = survey(
            "ids.csv",
            "Response ID,Any comments?\nR1,We waited a year for the EHCP\nR2,Staff need training\n",
        );
        let keys = SurveyKeys::new(&with_ids);
        assert_eq!(keys.response(ResponseId(1)), "R2");
        assert_eq!(keys.find_response(0, "R1"), Some(ResponseId(0)));
        let comment = CommentRef {
            response: ResponseId(1),
            column: ColumnId(1),
        };
        let key = keys.comment(comment);
        assert_eq!(
            key,
            CommentKey {
                source: 0,
                response: "R2".to_owned(),
                question: "any comments".to_owned()
            }
        );
        assert_eq!(keys.find_comment(&key), Some(comment));

        let without = survey(
            "rows.csv",
            "Role,Any comments?\nParent,We waited a year for the EHCP\nTeacher,Staff need training\n",
        );
        let keys = SurveyKeys::new(&without);
        assert_eq!(keys.response(ResponseId(0)), "2");
        assert_eq!(keys.response(ResponseId(1)), "3");
    }

    #[test]
    fn an_id_repeated_within_a_source_gives_way_to_rows_and_each_source_keeps_its_position() {
        let repeated = survey(
            "repeated.csv",
            "Response ID,Any comments?\nR1,We waited a year\nR1,Staff need training\n",
        );
        let keys = SurveyKeys::new(&repeated);
        assert_eq!(keys.response(ResponseId(0)), "2");
        assert_eq!(keys.response(ResponseId(1)), "3");

        // Two files, the second added third in its project: R1 is in both.
        let mut combined = survey(
            "combined.csv",
            "Response ID,Any comments?\nR1,We waited a year\nR1,Staff need training\nR2,No\n",
        );
        let mut second = combined.sources[0].clone();
        combined.sources[0].responses = 1;
        second.responses = 2;
        combined.sources.push(second);
        let keys = SurveyKeys::with_source_positions(&combined, &[0, 2]);
        assert_eq!(keys.response(ResponseId(1)), "R1");
        assert_eq!(keys.find_response(0, "R1"), Some(ResponseId(0)));
        assert_eq!(keys.find_response(2, "R1"), Some(ResponseId(1)));
        assert_eq!(keys.find_response(2, "R2"), Some(ResponseId(2)));
        assert_eq!(keys.find_response(1, "R2"), None);
        let last = CommentRef {
            response: ResponseId(2),
            column: ColumnId(1),
        };
        assert_eq!(keys.comment(last).source, 2);
    }

    #[test]
    fn headings_alike_but_for_punctuation_get_keys_of_their_own() {
        let survey = survey(
            "alike.csv",
            "Comment?,Comment!\nWe waited a year for the EHCP,Staff need training on autism\n",
        );
        let keys = SurveyKeys::new(&survey);
        assert_eq!(keys.question(ColumnId(0)), "comment");
        assert_eq!(keys.question(ColumnId(1)), "comment 2");
    }
}
