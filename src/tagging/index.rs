//! Every comment's words as interned ids with an index from stems to comments, so that a codebook
//! editor can count the comments a keyword would tag on every keystroke without tagging again.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use super::rules::{WordPattern, compile_phrase};
use super::tokens::{Tokenizer, for_each_word};
use crate::model::{CommentRef, Survey};

/// A distinct lower-case word of the indexed comments. Ids follow the words' sorted order, so the
/// words starting with a prefix are one range of ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WordId(u32);

/// A distinct stem of the indexed comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct StemId(u32);

/// One word of a phrase, resolved against the index's words.
#[derive(Debug)]
enum WordMatcher {
    /// Words with this stem.
    Stem(StemId),
    /// The words starting with a prefix: a range of word ids.
    Prefix(Range<u32>),
}

/// A phrase's words resolved against the index; never empty.
type Phrase = Vec<WordMatcher>;

/// Every comment's words, interned, for answering keyword questions without re-reading the text.
pub struct CommentIndex {
    tokenizer: Tokenizer,
    /// The comments in the order indexed.
    comments: Vec<CommentRef>,
    /// Comment `i`'s words are `words[word_starts[i]..word_starts[i + 1]]`.
    word_starts: Vec<u32>,
    /// Every comment's words in order, comment after comment.
    words: Vec<WordId>,
    /// The distinct lower-case words, sorted: a word's id is its position.
    vocabulary: Vec<Box<str>>,
    /// The stem of each word, by word id.
    stem_of_word: Vec<StemId>,
    stem_ids: HashMap<Box<str>, StemId>,
    /// The comments holding stem `s` are `comments_by_stem[stem_starts[s]..stem_starts[s + 1]]`,
    /// as ascending positions in `comments`.
    stem_starts: Vec<u32>,
    comments_by_stem: Vec<u32>,
}

impl std::fmt::Debug for CommentIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommentIndex")
            .field("comments", &self.comments.len())
            .field("words", &self.words.len())
            .field("distinct_words", &self.vocabulary.len())
            .field("stems", &self.stem_ids.len())
            .finish()
    }
}

impl CommentIndex {
    /// Indexes these comments of the survey (normally `tagging.comments`, in survey order).
    pub fn new(survey: &Survey, comments: &[CommentRef]) -> Self {
        let tokenizer = Tokenizer::default();
        // Ids in order of first appearance for now; renumbered in sorted order below.
        let mut first_seen: HashMap<String, u32> = HashMap::new();
        let mut unsorted_words: Vec<u32> = Vec::new();
        let mut word_starts = Vec::with_capacity(comments.len() + 1);
        word_starts.push(0);
        for &comment in comments {
            let text = survey.comment_text(comment).unwrap_or_default();
            for_each_word(text, |_, _, lower| {
                let id = match first_seen.get(lower) {
                    Some(&id) => id,
                    None => {
                        let id = stored(first_seen.len());
                        first_seen.insert(lower.to_owned(), id);
                        id
                    }
                };
                unsorted_words.push(id);
            });
            word_starts.push(stored(unsorted_words.len()));
        }

        let mut by_text: Vec<(String, u32)> = first_seen.into_iter().collect();
        by_text.sort_unstable();
        let mut sorted_id = vec![WordId(0); by_text.len()];
        for (position, &(_, first_seen_id)) in by_text.iter().enumerate() {
            if let Some(slot) = sorted_id.get_mut(at(first_seen_id)) {
                *slot = WordId(stored(position));
            }
        }
        let mut words: Vec<WordId> = unsorted_words
            .into_iter()
            .filter_map(|id| sorted_id.get(at(id)).copied())
            .collect();
        // Collecting reuses the growing buffer, up to twice the words' size.
        words.shrink_to_fit();

        // Stemming each distinct word once, rather than every word, is most of the build's saving.
        let mut stem_ids: HashMap<Box<str>, StemId> = HashMap::new();
        let mut stem_of_word = Vec::with_capacity(by_text.len());
        let mut vocabulary = Vec::with_capacity(by_text.len());
        for (word, _) in by_text {
            let stem = tokenizer.stem(&word);
            let next = StemId(stored(stem_ids.len()));
            stem_of_word.push(*stem_ids.entry(stem.into_boxed_str()).or_insert(next));
            vocabulary.push(word.into_boxed_str());
        }

        let mut index = Self {
            tokenizer,
            comments: comments.to_vec(),
            word_starts,
            words,
            vocabulary,
            stem_of_word,
            stem_ids,
            stem_starts: Vec::new(),
            comments_by_stem: Vec::new(),
        };
        index.index_stems();
        index
    }

    /// Fills the lists of comments by stem, counting each stem's comments first so that all
    /// the lists share one allocation.
    fn index_stems(&mut self) {
        let stem_count = self.stem_ids.len();
        let mut last_comment = vec![u32::MAX; stem_count];
        let mut counts = vec![0_u32; stem_count];
        self.for_each_comment_stem(&mut last_comment, |stem, _| {
            if let Some(count) = counts.get_mut(at(stem.0)) {
                *count += 1;
            }
        });
        let mut stem_starts = Vec::with_capacity(stem_count + 1);
        let mut total = 0;
        stem_starts.push(0);
        for count in counts {
            total += count;
            stem_starts.push(total);
        }
        let mut next_slot = stem_starts.clone();
        let mut comments_by_stem = vec![0; at(total)];
        last_comment.fill(u32::MAX);
        self.for_each_comment_stem(&mut last_comment, |stem, comment| {
            if let Some(slot) = next_slot.get_mut(at(stem.0)) {
                if let Some(entry) = comments_by_stem.get_mut(at(*slot)) {
                    *entry = comment;
                }
                *slot += 1;
            }
        });
        self.stem_starts = stem_starts;
        self.comments_by_stem = comments_by_stem;
    }

    /// Calls `visit` once for each distinct stem of each comment, comment by comment in order;
    /// `last_comment` (one entry per stem, none a comment's position) remembers where each stem
    /// was last seen.
    fn for_each_comment_stem(&self, last_comment: &mut [u32], mut visit: impl FnMut(StemId, u32)) {
        for comment in 0..self.comments.len() {
            let comment = stored(comment);
            for &word in self.words_of(comment) {
                let Some(&stem) = self.stem_of_word.get(at(word.0)) else {
                    continue;
                };
                if let Some(last) = last_comment.get_mut(at(stem.0))
                    && *last != comment
                {
                    *last = comment;
                    visit(stem, comment);
                }
            }
        }
    }

    /// How many comments are indexed.
    pub fn len(&self) -> usize {
        self.comments.len()
    }

    /// Whether no comments are indexed.
    pub fn is_empty(&self) -> bool {
        self.comments.is_empty()
    }

    /// Roughly how many bytes of memory the index holds, for sizing it against a survey.
    pub fn memory_bytes(&self) -> usize {
        let vocabulary: usize = self
            .vocabulary
            .iter()
            .map(|word| size_of::<Box<str>>() + word.len())
            .sum();
        // A HashMap entry is the key, the value and a control byte; allow for its spare capacity.
        let stems: usize = self
            .stem_ids
            .keys()
            .map(|stem| size_of::<(Box<str>, StemId)>() + 1 + stem.len())
            .sum::<usize>()
            * 8
            / 7;
        size_of::<Self>()
            + self.comments.capacity() * size_of::<CommentRef>()
            + self.word_starts.capacity() * size_of::<u32>()
            + self.words.capacity() * size_of::<WordId>()
            + vocabulary
            + self.stem_of_word.capacity() * size_of::<StemId>()
            + stems
            + self.stem_starts.capacity() * size_of::<u32>()
            + self.comments_by_stem.capacity() * size_of::<u32>()
    }

    /// The comments where `phrase` matches at least once without being cancelled by an
    /// overlapping match of one of `exclusions` (the theme's exclusion phrases), in the order indexed.
    pub fn keyword_matches(&self, phrase: &str, exclusions: &[String]) -> Vec<CommentRef> {
        let keywords: Vec<Phrase> = self.resolve(phrase).into_iter().collect();
        self.matching_comments(&keywords, exclusions)
    }

    /// The comments the rules would tag with a theme that has these keywords and exclusions,
    /// in the order indexed: exactly the comments for which `tag_text` gives that theme a tag.
    pub fn theme_matches(&self, keywords: &[String], exclusions: &[String]) -> Vec<CommentRef> {
        let keywords: Vec<Phrase> = keywords
            .iter()
            .filter_map(|phrase| self.resolve(phrase))
            .collect();
        self.matching_comments(&keywords, exclusions)
    }

    /// The comments where any of `keywords` has a match that no exclusion overlaps, in order.
    fn matching_comments(&self, keywords: &[Phrase], exclusions: &[String]) -> Vec<CommentRef> {
        let exclusions: Vec<Phrase> = exclusions
            .iter()
            .filter_map(|phrase| self.resolve(phrase))
            .collect();
        let mut matched = vec![false; self.comments.len()];
        for keyword in keywords {
            for &comment in self.candidates(keyword).iter() {
                let Some(is_matched) = matched.get_mut(at(comment)) else {
                    continue;
                };
                if !*is_matched {
                    *is_matched = self.matches_uncancelled(keyword, &exclusions, comment);
                }
            }
        }
        self.comments
            .iter()
            .zip(matched)
            .filter_map(|(&comment, is_matched)| is_matched.then_some(comment))
            .collect()
    }

    /// The phrase's words as the index knows them; `None` when it has no words or one of them
    /// is in no indexed comment, so that it matches nothing.
    fn resolve(&self, phrase: &str) -> Option<Phrase> {
        let patterns = compile_phrase(&self.tokenizer, phrase);
        if patterns.is_empty() {
            return None;
        }
        patterns
            .into_iter()
            .map(|pattern| match pattern {
                WordPattern::Stem(stem) => self
                    .stem_ids
                    .get(stem.as_str())
                    .copied()
                    .map(WordMatcher::Stem),
                WordPattern::Prefix(prefix) => {
                    let ids = self.words_starting_with(&prefix);
                    (!ids.is_empty()).then_some(WordMatcher::Prefix(ids))
                }
            })
            .collect()
    }

    /// The ids of the words starting with `prefix`: one range, as ids follow sorted order.
    fn words_starting_with(&self, prefix: &str) -> Range<u32> {
        let first = self
            .vocabulary
            .partition_point(|word| word.as_ref() < prefix);
        let count = self.vocabulary.get(first..).map_or(0, |rest| {
            rest.partition_point(|word| word.starts_with(prefix))
        });
        stored(first)..stored(first + count)
    }

    /// The comments that may hold the phrase, ascending: those holding its rarest word.
    fn candidates(&self, phrase: &[WordMatcher]) -> Cow<'_, [u32]> {
        let rarest = phrase.iter().min_by_key(|&word| {
            self.stems_of(word)
                .map(|stem| self.comments_with(stem).len())
                .sum::<usize>()
        });
        match rarest {
            Some(WordMatcher::Stem(stem)) => Cow::Borrowed(self.comments_with(*stem)),
            Some(prefix @ WordMatcher::Prefix(_)) => {
                let mut stems: Vec<StemId> = self.stems_of(prefix).collect();
                stems.sort_unstable();
                stems.dedup();
                let mut comments: Vec<u32> = stems
                    .into_iter()
                    .flat_map(|stem| self.comments_with(stem).iter().copied())
                    .collect();
                comments.sort_unstable();
                comments.dedup();
                Cow::Owned(comments)
            }
            None => Cow::Borrowed(&[]),
        }
    }

    /// The stems of the words a matcher accepts; a prefix may give the same stem more than once.
    fn stems_of(&self, word: &WordMatcher) -> impl Iterator<Item = StemId> + '_ {
        let (stem, prefix_words) = match word {
            WordMatcher::Stem(stem) => (Some(*stem), 0..0),
            WordMatcher::Prefix(ids) => (None, ids.clone()),
        };
        stem.into_iter()
            .chain(prefix_words.filter_map(|word| self.stem_of_word.get(at(word)).copied()))
    }

    /// The comments holding a stem, as ascending positions.
    fn comments_with(&self, stem: StemId) -> &[u32] {
        let start = self
            .stem_starts
            .get(at(stem.0))
            .copied()
            .unwrap_or_default();
        let end = self
            .stem_starts
            .get(at(stem.0) + 1)
            .copied()
            .unwrap_or_default();
        self.comments_by_stem
            .get(at(start)..at(end))
            .unwrap_or_default()
    }

    /// The words of the comment at this position.
    fn words_of(&self, comment: u32) -> &[WordId] {
        let start = self
            .word_starts
            .get(at(comment))
            .copied()
            .unwrap_or_default();
        let end = self
            .word_starts
            .get(at(comment) + 1)
            .copied()
            .unwrap_or_default();
        self.words.get(at(start)..at(end)).unwrap_or_default()
    }

    /// Whether `keyword` matches the comment somewhere that no exclusion's match overlaps, the
    /// overlap rule of `tag_text`.
    fn matches_uncancelled(
        &self,
        keyword: &[WordMatcher],
        exclusions: &[Phrase],
        comment: u32,
    ) -> bool {
        let words = self.words_of(comment);
        (0..words.len()).any(|first| {
            let end = first + keyword.len();
            self.matches_at(keyword, words, first)
                && !exclusions.iter().any(|exclusion| {
                    // A match at `start` overlaps when start < end && first < start + its length.
                    let earliest = (first + 1).saturating_sub(exclusion.len());
                    (earliest..end).any(|start| self.matches_at(exclusion, words, start))
                })
        })
    }

    /// Whether the phrase matches the words from `first` on.
    fn matches_at(&self, phrase: &[WordMatcher], words: &[WordId], first: usize) -> bool {
        words
            .get(first..first + phrase.len())
            .is_some_and(|window| {
                phrase
                    .iter()
                    .zip(window)
                    .all(|(matcher, &word)| self.word_matches(matcher, word))
            })
    }

    fn word_matches(&self, matcher: &WordMatcher, word: WordId) -> bool {
        match matcher {
            WordMatcher::Stem(stem) => self.stem_of_word.get(at(word.0)) == Some(stem),
            WordMatcher::Prefix(ids) => ids.contains(&word.0),
        }
    }
}

/// A count or position as stored in the index. One survey's comments and words number far
/// below 2^32 (that would be tens of gigabytes of text), so nothing is cut off.
#[allow(clippy::cast_possible_truncation)]
fn stored(count: usize) -> u32 {
    count as u32
}

/// A stored position as an index into the index's arrays.
fn at(position: u32) -> usize {
    position as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::{Codebook, ThemeId};
    use crate::import::{ImportOptions, import_file};
    use crate::model::{Column, ColumnRole, ResponseId, SourceFile, Value};
    use crate::progress::Progress;
    use crate::tagging::tag_survey;
    use std::path::{Path, PathBuf};

    /// A survey with one free-text column holding these answers, one response each.
    fn survey(answers: &[&str]) -> Survey {
        Survey {
            sources: vec![SourceFile {
                path: PathBuf::from("t.csv"),
                sheet: None,
                header_rows: Some((1, 1)),
                responses: answers.len(),
            }],
            columns: vec![Column {
                name: "Any comments?".to_owned(),
                role: ColumnRole::FreeText,
                role_reason: String::new(),
                source_index: Some(0),
                values: answers.iter().map(|answer| Value::from(*answer)).collect(),
            }],
            source_rows: (2..crate::counts::as_u32(answers.len()) + 2).collect(),
            respondent_group: None,
        }
    }

    fn index(survey: &Survey) -> CommentIndex {
        CommentIndex::new(survey, &survey.comments())
    }

    /// The responses (0-based) of the comments.
    fn responses(comments: &[CommentRef]) -> Vec<usize> {
        comments
            .iter()
            .map(|comment| comment.response.index())
            .collect()
    }

    fn strings(phrases: &[&str]) -> Vec<String> {
        phrases.iter().map(|phrase| (*phrase).to_owned()).collect()
    }

    /// Checks every theme's matches against the tags `tag_survey` gives, and each theme's
    /// matches against its keywords' matches put together; returns how many themes match
    /// at least one comment, so callers can see the check was not vacuous.
    fn assert_agrees_with_tagging(survey: &Survey, codebook: &Codebook) -> usize {
        let tagging = tag_survey(survey, codebook, &Progress::new()).expect("tags");
        let index = CommentIndex::new(survey, &tagging.comments);
        assert_eq!(index.len(), tagging.comments.len());
        let mut themes_found = 0;
        for (position, theme) in codebook.themes.iter().enumerate() {
            let tagged: Vec<CommentRef> = tagging
                .iter()
                .filter(|(_, tags)| tags.iter().any(|tag| tag.theme() == ThemeId(position)))
                .map(|(comment, _)| comment)
                .collect();
            let found = index.theme_matches(&theme.keywords, &theme.exclude);
            assert_eq!(found, tagged, "theme {}", theme.key);
            let mut by_keyword: Vec<CommentRef> = theme
                .keywords
                .iter()
                .flat_map(|keyword| index.keyword_matches(keyword, &theme.exclude))
                .collect();
            by_keyword.sort_unstable();
            by_keyword.dedup();
            assert_eq!(by_keyword, found, "keywords of theme {}", theme.key);
            themes_found += usize::from(!found.is_empty());
        }
        themes_found
    }

    #[test]
    fn theme_matches_are_the_tags_of_the_sample_with_the_send_codebook() {
        let sample =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/send_consultation.xlsx");
        let survey = import_file(&sample, &ImportOptions::default(), &Progress::new())
            .expect("imports")
            .survey;
        let codebook = Codebook::built_in("send-strategy").expect("loads");
        let themes_with_keywords = codebook
            .themes
            .iter()
            .filter(|theme| !theme.keywords.is_empty())
            .count();
        let themes_found = assert_agrees_with_tagging(&survey, &codebook);
        assert!(
            themes_found * 10 >= themes_with_keywords * 9,
            "only {themes_found} of {themes_with_keywords} themes match anything"
        );
    }

    #[test]
    fn theme_matches_are_the_tags_of_tricky_text() {
        let survey = survey(&[
            "The paediatrician said non-paediatric staff lacked staff training.",
            "It is safe to say we are unhappy.",
            "Safe to say he does not feel safe at school.",
            "Everybody’s business, they said; everybody's business indeed.",
            "training training training, and more TRAINING",
            "Школа не слушает родителей. Школы закрыты.",
            "We waited for the EHC plan; the EHCP came late and EHCNA later.",
            "Speech and language therapy and speech and language therapists.",
            "no support at all in the annual review, none",
            "  ",
            "n/a",
            "They won't listen to parents, and didn't listen to Parents’ views.",
            "safe",
            "staff",
            "I would say so",
        ]);
        let codebook = Codebook::from_toml(
            r#"name = "Tricky"
[[theme]]
id = "workforce"
name = "Workforce"
keywords = ["paediatric*", "staff training", "", "*"]
[[theme]]
id = "safety"
name = "Safety"
keywords = ["safe"]
exclude = ["safe to say"]
[[theme]]
id = "saying"
name = "Saying"
keywords = ["say"]
exclude = ["safe to say"]
[[theme]]
id = "shared"
name = "Shared"
keywords = ["everybody's business"]
[[theme]]
id = "repeat"
name = "Repeat"
keywords = ["training training"]
exclude = ["more training"]
[[theme]]
id = "russian"
name = "Russian"
keywords = ["школа", "закр*"]
[[theme]]
id = "plans"
name = "Plans"
keywords = ["ehc*"]
exclude = ["ehc plan", "ehcna"]
[[theme]]
id = "therapy"
name = "Therapy"
keywords = ["speech and language therap*", "language therapy"]
exclude = ["therapists"]
[[theme]]
id = "listen"
name = "Listen"
keywords = ["listen to parent*", "won't"]
exclude = ["parents’ views"]
[[theme]]
id = "absent"
name = "Absent"
keywords = ["zebra", "staff zebra", "xylophon*"]
"#,
            Path::new("tricky.toml"),
        )
        .expect("parses");
        let themes_found = assert_agrees_with_tagging(&survey, &codebook);
        assert_eq!(themes_found, codebook.themes.len() - 1);
    }

    #[test]
    fn single_keyword_matches_every_word_form() {
        let survey = survey(&[
            "Staff need training",
            "They trained nobody",
            "The train was late",
            "Constraints on time",
        ]);
        let index = index(&survey);
        assert_eq!(
            responses(&index.keyword_matches("Training", &[])),
            [0, 1, 2]
        );
    }

    #[test]
    fn prefix_matches_words_starting_with_it() {
        let survey = survey(&[
            "The paediatrician was kind",
            "Non-paediatric staff",
            "Paediatrics ward",
            "A paed appointment",
        ]);
        let index = index(&survey);
        assert_eq!(
            responses(&index.keyword_matches("paediatric*", &[])),
            [0, 1, 2]
        );
        assert_eq!(
            responses(&index.keyword_matches("non paediatric*", &[])),
            [1]
        );
    }

    #[test]
    fn phrase_matches_its_words_in_order_only() {
        let survey = survey(&[
            "Nobody listened to parents",
            "Listening to the parents",
            "Parents listen to",
            "We listen to parents, and listen to parents again",
        ]);
        let index = index(&survey);
        assert_eq!(
            responses(&index.keyword_matches("listen to parents", &[])),
            [0, 3]
        );
    }

    #[test]
    fn exclusion_cancels_only_an_overlapping_match() {
        let survey = survey(&[
            "It is safe to say we are unhappy",
            "Safe to say he does not feel safe at school",
            "He feels safe",
            "To say the least, it is unsafe",
        ]);
        let index = index(&survey);
        let exclusions = strings(&["safe to say"]);
        assert_eq!(
            responses(&index.keyword_matches("safe", &exclusions)),
            [1, 2]
        );
        assert_eq!(responses(&index.keyword_matches("safe", &[])), [0, 1, 2]);
        // An exclusion only touching the keyword's last word still overlaps it.
        assert_eq!(
            responses(&index.keyword_matches("feel safe", &strings(&["safe at"]))),
            [2]
        );
        assert_eq!(
            responses(&index.keyword_matches("feel safe", &strings(&["at school"]))),
            [1, 2]
        );
    }

    #[test]
    fn a_stem_in_no_comment_or_an_empty_phrase_matches_nothing() {
        let survey = survey(&["Staff need training", "The taxi is late"]);
        let index = index(&survey);
        assert_eq!(index.len(), 2);
        assert!(!index.is_empty());
        for phrase in ["zebra", "staff zebra", "zebra*", "", "   ", "*", "—"] {
            assert_eq!(index.keyword_matches(phrase, &[]), [], "{phrase:?}");
        }
        assert_eq!(index.theme_matches(&[], &[]), []);
        assert_eq!(
            responses(&index.theme_matches(&strings(&["zebra", "taxi"]), &strings(&["zebra"]))),
            [1]
        );
    }

    #[test]
    fn comments_come_back_in_the_order_indexed() {
        let survey = survey(&["taxi one", "no match", "taxi two", "taxi three"]);
        let comments: Vec<CommentRef> = survey.comments().into_iter().rev().collect();
        let index = CommentIndex::new(&survey, &comments);
        let found = index.keyword_matches("taxi", &[]);
        assert_eq!(responses(&found), [3, 2, 0]);
        assert_eq!(
            found.first().map(|comment| comment.response),
            Some(ResponseId(3))
        );
    }
}
