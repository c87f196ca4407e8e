//! Survey + codebook -> tagging: which themes each comment raises, and the words that show it.

mod index;
mod lists;
mod matcher;
mod rules;
mod tag;
mod tokens;

pub use index::CommentIndex;
pub use lists::{TagIter, TagList, TagRef};
pub use rules::RuleSet;
pub use tag::{Coding, Span, Tag, TagOrigin};
pub use tokens::{Token, Tokenizer};

use lists::{TagLists, TagRun};
use matcher::Matcher;

use crate::codebook::{Codebook, ThemeId};
use crate::model::{CommentRef, ResponseId, Survey};
use crate::progress::Progress;

/// The themes of every comment of a survey. A copy shares the tags it has not changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tagging {
    /// The comments, in survey order, which is their sorted order: a comment is found in it by
    /// binary search.
    pub comments: Vec<CommentRef>,
    /// The tags of `comments[i]` are at position `i`, sorted by theme.
    tags: TagLists,
    /// Themes a person took off comments (the rules had found them), in the order decided.
    pub removed_by_hand: Vec<(CommentRef, ThemeId)>,
}

impl Tagging {
    /// The tagging of `comments` (in survey order) with these tags, each list sorted by theme.
    pub fn new(comments: Vec<CommentRef>, tags: &[Vec<Tag>]) -> Self {
        debug_assert_eq!(comments.len(), tags.len(), "a list of tags per comment");
        Self {
            tags: TagLists::from_lists(tags.len(), tags.iter().map(|tags| TagList::of(tags))),
            comments,
            removed_by_hand: Vec::new(),
        }
    }

    /// The tagging of `comments` (in survey order) alone: the others are left out, as if they
    /// were not comments.
    pub fn only(&self, comments: &[CommentRef]) -> Tagging {
        let kept: Vec<(CommentRef, usize)> = comments
            .iter()
            .filter_map(|&comment| self.position(comment).map(|position| (comment, position)))
            .collect();
        let tags = TagLists::from_lists(
            kept.len(),
            kept.iter().map(|&(_, position)| self.tags.get(position)),
        );
        let comments: Vec<CommentRef> = kept.iter().map(|&(comment, _)| comment).collect();
        let removed_by_hand = self
            .removed_by_hand
            .iter()
            .copied()
            .filter(|(comment, _)| comments.binary_search(comment).is_ok())
            .collect();
        Tagging {
            comments,
            tags,
            removed_by_hand,
        }
    }

    /// The tags of one comment; empty when it has none or is not a comment.
    pub fn tags_of(&self, comment: CommentRef) -> TagList<'_> {
        self.position(comment)
            .map_or(TagList::of(&[]), |position| self.tags.get(position))
    }

    /// The tags of `comments[positions]`, in order.
    pub fn tags_in(&self, positions: std::ops::Range<usize>) -> impl Iterator<Item = TagList<'_>> {
        self.tags.range(positions)
    }

    /// Where the comment is in `comments`.
    fn position(&self, comment: CommentRef) -> Option<usize> {
        self.comments.binary_search(&comment).ok()
    }

    /// Whether the comment carries this theme.
    pub fn has_theme(&self, comment: CommentRef, theme: ThemeId) -> bool {
        self.tags_of(comment).iter().any(|tag| tag.theme() == theme)
    }

    /// How many themes are on comments by a person's hand, and how many a person took off.
    pub fn hand_coding_counts(&self) -> (usize, usize) {
        let added = self
            .iter()
            .flat_map(|(_, tags)| tags)
            .filter(|tag| tag.origin() == TagOrigin::Person)
            .count();
        (added, self.removed_by_hand.len())
    }

    /// Applies people's decisions over the rules' tags: a theme added by hand is on the comment
    /// (a rule's tag for it keeps its spans), a theme removed by hand is not, whatever the rules
    /// found. Decisions on answers that are not comments are left out.
    pub fn apply_hand_coding(&mut self, decisions: &[(CommentRef, ThemeId, Coding)]) {
        for &(comment, theme, coding) in decisions {
            let Some(position) = self.position(comment) else {
                continue;
            };
            let tags = self.tags.get(position);
            let existing = tags.iter().position(|tag| tag.theme() == theme);
            match (coding, existing) {
                (Coding::Add, None) => {
                    let mut tags = tags.to_vec();
                    tags.push(Tag::by_person(theme));
                    tags.sort_by_key(Tag::theme);
                    self.tags.set(position, tags);
                }
                (Coding::Remove, Some(index)) => {
                    let mut tags = tags.to_vec();
                    tags.remove(index);
                    self.tags.set(position, tags);
                    self.removed_by_hand.push((comment, theme));
                }
                (Coding::Add, Some(_)) | (Coding::Remove, None) => {}
            }
        }
        self.tags.settle();
    }

    /// Tags these comments by the rules again, forgetting what people decided about them (to be
    /// applied again after), as after one of their decisions was undone.
    pub fn retag_comments(&mut self, comments: &[CommentRef], rules: &RuleSet, survey: &Survey) {
        let retagged = tag_again(comments, rules, survey);
        for (comment, tags) in comments.iter().zip(retagged.range(0..retagged.len())) {
            if let Some(position) = self.position(*comment) {
                self.tags.set(position, tags.to_vec());
            }
        }
        self.tags.settle();
        self.removed_by_hand
            .retain(|(removed, _)| !comments.contains(removed));
    }

    /// Tags these comments again for one theme only, `rules` being that theme's: its rule tag is
    /// found afresh and the other themes' tags stay, as do people's decisions about them. What
    /// people decided about this theme on these comments is forgotten, to be applied again after.
    pub fn retag_theme(
        &mut self,
        comments: &[CommentRef],
        theme: ThemeId,
        rules: &RuleSet,
        survey: &Survey,
    ) {
        let retagged = tag_again(comments, rules, survey);
        for (comment, found) in comments.iter().zip(retagged.range(0..retagged.len())) {
            let Some(position) = self.position(*comment) else {
                continue;
            };
            let mut tags = self.tags.get(position).to_vec();
            tags.retain(|tag| tag.theme() != theme);
            tags.extend(
                found
                    .iter()
                    .filter(|tag| tag.theme() == theme)
                    .map(TagRef::to_tag),
            );
            tags.sort_by_key(Tag::theme);
            self.tags.set(position, tags);
        }
        self.tags.settle();
        let mut sorted = comments.to_vec();
        sorted.sort_unstable();
        self.removed_by_hand
            .retain(|(removed, of)| *of != theme || sorted.binary_search(removed).is_err());
    }

    /// The comments of one response with their tags, in survey order.
    pub fn of_response(
        &self,
        response: ResponseId,
    ) -> impl Iterator<Item = (CommentRef, TagList<'_>)> {
        let first = self
            .comments
            .partition_point(|comment| comment.response < response);
        let comments = self.comments.get(first..).unwrap_or_default();
        // A response has a comment or three: each list is read by its position, which costs
        // less than setting up a walk through the lists.
        comments
            .iter()
            .copied()
            .take_while(move |comment| comment.response == response)
            .enumerate()
            .map(move |(offset, comment)| (comment, self.tags.get(first + offset)))
    }

    /// The comments with their tags, in survey order.
    pub fn iter(&self) -> impl Iterator<Item = (CommentRef, TagList<'_>)> {
        self.comments
            .iter()
            .copied()
            .zip(self.tags.range(0..self.tags.len()))
    }
}

/// The rules' tags of some comments, on every core, with nobody to cancel it.
fn tag_again(comments: &[CommentRef], rules: &RuleSet, survey: &Survey) -> TagLists {
    tag_on_threads(
        comments,
        rules,
        survey,
        &Progress::new(),
        crate::cores::available(),
    )
    .unwrap_or_default()
}

/// Tags every comment of the survey with the codebook's rules.
///
/// Returns `None` when cancelled through `progress`.
pub fn tag_survey(survey: &Survey, codebook: &Codebook, progress: &Progress) -> Option<Tagging> {
    tag_survey_with(survey, &RuleSet::new(codebook), progress)
}

/// Tags every comment of the survey with rules already compiled, on every core.
///
/// Returns `None` when cancelled through `progress`.
pub fn tag_survey_with(survey: &Survey, rules: &RuleSet, progress: &Progress) -> Option<Tagging> {
    tag_survey_on(survey, rules, progress, crate::cores::available())
}

/// Comments between checks for cancelling and reports of progress.
const TAGGING_BATCH: usize = 512;

/// [`tag_survey_with`] on this many threads: the result is the same for any number.
fn tag_survey_on(
    survey: &Survey,
    rules: &RuleSet,
    progress: &Progress,
    threads: usize,
) -> Option<Tagging> {
    let comments = survey.comments();
    let tags = tag_on_threads(&comments, rules, survey, progress, threads)?;
    progress.set_fraction(1.0);
    debug_assert!(comments.is_sorted(), "comments come in survey order");
    Some(Tagging {
        comments,
        tags,
        removed_by_hand: Vec::new(),
    })
}

/// The tags of each of `comments`, in order, each thread tagging one run of them with words it
/// has met remembered, into a run of its own. `None` when cancelled.
fn tag_on_threads(
    comments: &[CommentRef],
    rules: &RuleSet,
    survey: &Survey,
    progress: &Progress,
    threads: usize,
) -> Option<TagLists> {
    let total = comments.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tag_run = |run: &[CommentRef]| -> Option<TagRun> {
        let mut matcher = Matcher::new(rules);
        let mut tags = TagRun::with_capacity(run.len());
        for batch in run.chunks(TAGGING_BATCH) {
            if progress.is_cancelled() {
                return None;
            }
            for &comment in batch {
                tags.push_found(matcher.find(survey.comment_text(comment).unwrap_or_default()));
            }
            let so_far = done.fetch_add(batch.len(), std::sync::atomic::Ordering::Relaxed);
            progress.set_done_of((so_far + batch.len()) as u64, total as u64);
        }
        Some(tags)
    };
    let run_length = total.div_ceil(threads.max(1)).max(TAGGING_BATCH);
    let runs: Vec<Option<TagRun>> = std::thread::scope(|scope| {
        let handles: Vec<_> = comments
            .chunks(run_length)
            .map(|run| scope.spawn(move || tag_run(run)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    Some(TagLists::from_runs(
        runs.into_iter().collect::<Option<_>>()?,
    ))
}

/// The tags that the rules give one text, sorted by theme.
pub fn tag_text(rules: &RuleSet, text: &str) -> Vec<Tag> {
    Matcher::new(rules).tag(text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn rules(themes: &str) -> (Codebook, RuleSet) {
        let codebook = Codebook::from_toml(
            &format!("name = \"Test\"\n{themes}"),
            Path::new("test.toml"),
        )
        .expect("parses");
        let rules = RuleSet::new(&codebook);
        (codebook, rules)
    }

    #[test]
    fn tag_keeps_the_span_that_triggered_it() {
        let (_, rules) = rules(
            "[[theme]]\nid = \"w\"\nname = \"Workforce\"\nkeywords = [\"staff training\", \"CPD\"]\n",
        );
        let text = "We need more Staff Training and cpd for TAs.";
        let tags = tag_text(&rules, text);
        assert_eq!(tags.len(), 1);
        let matched: Vec<&str> = tags[0]
            .spans()
            .iter()
            .map(|span| &text[span.range()])
            .collect();
        assert_eq!(matched, ["Staff Training", "cpd"]);
    }

    #[test]
    fn whole_words_only() {
        let (_, rules) =
            rules("[[theme]]\nid = \"t\"\nname = \"Transport\"\nkeywords = [\"taxi\"]\n");
        assert!(tag_text(&rules, "taxidermy is a hobby").is_empty());
        assert_eq!(tag_text(&rules, "The TAXI was late").len(), 1);
    }

    #[test]
    fn exclusion_cancels_an_overlapping_match_only() {
        let (_, rules) = rules(
            "[[theme]]\nid = \"s\"\nname = \"Safe\"\nkeywords = [\"safe\"]\nexclude = [\"safe to say\"]\n",
        );
        assert!(tag_text(&rules, "It is safe to say we are unhappy").is_empty());
        assert_eq!(
            tag_text(&rules, "Safe to say he does not feel safe at school")[0]
                .spans()
                .len(),
            1
        );
    }

    #[test]
    fn hand_coding_wins_over_the_rules() {
        use crate::import::{ImportOptions, import_bytes};
        let (codebook, _) = rules(
            "[[theme]]\nid = \"t\"\nname = \"Transport\"\nkeywords = [\"taxi\"]\n\
             [[theme]]\nid = \"c\"\nname = \"Communication\"\n",
        );
        let survey = import_bytes(
            Path::new("s.csv"),
            b"Id,Any comments?\n1,The taxi is late every day\n2,Nobody answers the phone\n",
            &ImportOptions::default(),
            &Progress::new(),
        )
        .expect("imports")
        .survey;
        let mut tagging = tag_survey(&survey, &codebook, &Progress::new()).expect("tags");
        // A copy taken before, as work in the background holds one, keeps what it had.
        let copied = tagging.clone();
        let [first, second] = [tagging.comments[0], tagging.comments[1]];
        let (transport, communication) = (ThemeId(0), ThemeId(1));
        tagging.apply_hand_coding(&[
            (first, transport, Coding::Remove),
            (second, communication, Coding::Add),
            (second, communication, Coding::Add),
        ]);
        assert!(tagging.tags_of(first).is_empty());
        assert!(copied.has_theme(first, transport));
        assert!(copied.tags_of(second).is_empty());
        assert_eq!(
            tagging.tags_of(second).to_vec(),
            [Tag::by_person(communication)]
        );
    }

    #[test]
    fn stemming_matches_other_word_forms() {
        let (_, rules) =
            rules("[[theme]]\nid = \"l\"\nname = \"Listen\"\nkeywords = [\"listen to parents\"]\n");
        assert_eq!(tag_text(&rules, "Nobody listened to parents").len(), 1);
        assert_eq!(tag_text(&rules, "Listening to the parents").len(), 0);
    }

    #[test]
    fn phrase_matches_word_forms_in_order() {
        let (_, rules) =
            rules("[[theme]]\nid = \"t\"\nname = \"T\"\nkeywords = [\"staff training\"]\n");
        let text = "Staff trained well; training staff badly";
        let tags = tag_text(&rules, text);
        let spans: Vec<&str> = tags[0]
            .spans()
            .iter()
            .map(|span| &text[span.range()])
            .collect();
        assert_eq!(spans, ["Staff trained"]);
    }

    #[test]
    fn prefix_wildcard_matches_longer_words_only_at_word_start() {
        let (_, rules) = rules(
            "[[theme]]\nid = \"t\"\nname = \"T\"\nkeywords = [\"paediatric*\", \"speech and lang*\"]\n",
        );
        let text =
            "The paediatrician and non-paediatric staff; speech and language, speech and lungs";
        let tags = tag_text(&rules, text);
        let spans: Vec<&str> = tags[0]
            .spans()
            .iter()
            .map(|span| &text[span.range()])
            .collect();
        assert_eq!(
            spans,
            ["paediatrician", "paediatric", "speech and language"]
        );
    }

    #[test]
    fn tagging_on_any_number_of_threads_gives_the_same_result() {
        let words = [
            "staff",
            "training",
            "trained",
            "autism",
            "EHCP",
            "late",
            "waiting",
            "list",
            "speech",
            "therapy",
            "communication",
            "families",
            "nobody",
            "listens",
            "school",
            "exclusion",
            "transport",
            "annual",
            "review",
            "paediatrician",
            "not",
            "SENCO",
            "CPD",
            "anxiety",
        ];
        let mut rng = fastrand::Rng::with_seed(7);
        let mut csv = String::from("Id,What are your views?,Anything else?\n");
        for row in 0..3_000 {
            let mut comment = || {
                (0..rng.usize(0..25))
                    .map(|_| words[rng.usize(..words.len())])
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            csv.push_str(&format!("{row},{},{}\n", comment(), comment()));
        }
        let survey = crate::import::import_bytes(
            Path::new("generated.csv"),
            csv.as_bytes(),
            &crate::import::ImportOptions::default(),
            &Progress::new(),
        )
        .expect("imports")
        .survey;
        let codebook = Codebook::load(crate::codebook::DEFAULT_CODEBOOK).expect("codebook");
        let rules = RuleSet::new(&codebook);
        let one = tag_survey_on(&survey, &rules, &Progress::new(), 1).expect("tags");
        assert!(one.comments.len() > 5_000);
        assert!(one.iter().filter(|(_, tags)| !tags.is_empty()).count() > 1_000);
        for threads in [2, 3, 8] {
            let many = tag_survey_on(&survey, &rules, &Progress::new(), threads).expect("tags");
            assert_eq!(many, one, "{threads} threads");
        }
        // Each comment on its own, with nothing remembered from the others, agrees too.
        for (comment, tags) in one.iter() {
            let alone = tag_text(&rules, survey.comment_text(comment).unwrap_or_default());
            assert_eq!(alone, tags.to_vec(), "{comment:?}");
        }
    }
}
