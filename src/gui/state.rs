//! The window's state in its homes: persisted settings, the open session with what is derived
//! from it, what the user is looking at, and the status log; and the commands that change them.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};

use serde::{Deserialize, Serialize};

use super::one_at_a_time::{Finished, OneAtATime};
use crate::analysis::{Filter, Summary, ThemesOfResponses, recount_changed};
use crate::codebook::{Codebook, ThemeId};
use crate::import::ImportReport;
use crate::keys::SurveyKeys;
use crate::learning::{LearnedSentiment, NotLearned, Sentiment, Suggestions};
use crate::model::{ColumnId, ColumnRole, CommentRef, RoleChoices, Survey};
use crate::project::{Project, SourceRecord, SourceStatus};
use crate::tagging::{Coding, CommentIndex, RuleSet, Tagging};

/// Choices kept between runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Charts show percentages of respondents rather than counts.
    pub show_percent: bool,
    /// How large the whole interface is drawn.
    pub ui_scale: f32,
    /// Projects opened lately, newest first.
    pub recent_projects: Vec<PathBuf>,
    /// Themes the number keys 1 to 9 add to the selected comment, by codebook id.
    pub pinned_themes: Vec<String>,
    /// Whether exports mask personal data in the comments (off only for internal use).
    pub mask_personal_data: bool,
    /// Dark text on a light background, for projectors and bright rooms (else the computer's
    /// setting).
    pub light: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            show_percent: false,
            ui_scale: 1.0,
            recent_projects: Vec::new(),
            pinned_themes: Vec::new(),
            mask_personal_data: true,
            light: false,
        }
    }
}

/// Projects remembered on the start screen.
pub const RECENT_PROJECTS: usize = 8;

/// Themes that can be pinned to the number keys.
pub const PINNED_THEMES: usize = 9;

impl Settings {
    /// Puts a project at the top of the recent ones.
    pub fn remember_project(&mut self, path: &Path) {
        self.recent_projects.retain(|recent| recent != path);
        self.recent_projects.insert(0, path.to_owned());
        self.recent_projects.truncate(RECENT_PROJECTS);
    }
}

/// The tabs of the main area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Columns and their roles.
    Data,
    /// Every comment with its themes.
    Comments,
    /// Themes learned from the user's coding, to accept or reject.
    Suggestions,
    /// Theme charts.
    Themes,
    /// The themes, their rules and where they come from.
    Codebook,
    /// The summary workbook.
    Export,
}

impl View {
    /// Every view, in tab order.
    pub const ALL: [View; 6] = [
        View::Data,
        View::Comments,
        View::Suggestions,
        View::Themes,
        View::Codebook,
        View::Export,
    ];

    /// The tab's label.
    pub fn label(self) -> &'static str {
        match self {
            View::Data => "Data",
            View::Comments => "Comments",
            View::Suggestions => "Suggestions",
            View::Themes => "Themes",
            View::Codebook => "Codebook",
            View::Export => "Export",
        }
    }
}

/// An open consultation: the survey and the user's decisions about it, with the tagging and
/// summary derived from them.
#[derive(Debug)]
pub struct Session {
    /// The responses, shared with the work started on them rather than copied.
    pub survey: Arc<Survey>,
    /// What the importer noticed.
    pub report: ImportReport,
    /// The themes.
    pub codebook: Codebook,
    /// The themes of each comment, shared with an export under way rather than copied.
    pub tagging: Arc<Tagging>,
    /// Counts behind the charts.
    pub summary: Summary,
    /// The column roles the user chose, kept when the files are read again.
    pub role_choices: RoleChoices,
    /// The request to open files that made this session; work started for it carries it.
    pub generation: u64,
    /// The lasting names of responses and questions, under which decisions are kept.
    pub keys: SurveyKeys,
    /// The codebook's rules, compiled once, to tag single comments again.
    pub rules: RuleSet,
    /// The project the decisions are kept in; `None` for a file opened to look at, which is
    /// saved as a project before anything is coded.
    pub project: Option<Project>,
    /// The comments' words, for the codebook editor's live counts; made in the background the
    /// first time the Codebook view is shown.
    pub index: Option<Arc<CommentIndex>>,
    /// A project's sources as read now, by position, with whether each file is still where it
    /// was, unchanged (checked when the project was opened).
    pub sources: Vec<(usize, SourceRecord, SourceStatus)>,
    /// Themes learned from the coding so far, and the learning under way.
    pub learning: Learning,
    /// Each comment's sentiment.
    pub sentiments: CommentSentiments,
    /// Groups of the comments no theme covers.
    pub discovery: Discovery,
}

/// One group of like comments that no theme covers.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundGroup {
    /// The words and word pairs that weigh most in the group, heaviest first.
    pub key_terms: Vec<String>,
    /// Its comments.
    pub members: Vec<CommentRef>,
    /// The comments most typical of it.
    pub examples: Vec<CommentRef>,
}

/// Key terms that name a theme made from a group.
const NAMING_TERMS: usize = 2;

impl FoundGroup {
    /// The name of a theme made from it, "Waiting list, appointment": the first key terms, the
    /// first letter a capital.
    pub fn theme_name(&self) -> String {
        let joined = self
            .key_terms
            .iter()
            .take(NAMING_TERMS)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        crate::wording::capitalised(&joined)
    }
}

/// The groups found, and whether finding them is under way.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Whose comments are grouped: every answer to this question, or (`None`) the comments no
    /// theme covers.
    pub question: Option<ColumnId>,
    /// The groups, largest first; `None` until looked for.
    pub groups: Option<Vec<FoundGroup>>,
    /// Whether they are being looked for.
    pub running: bool,
}

/// Each comment's sentiment: read from its words in the background, learned from the readings a
/// person set, or set by a person.
#[derive(Debug, Clone, Default)]
pub struct CommentSentiments {
    /// The comments read and how each reads, in survey order; empty until read.
    pub read: Vec<(CommentRef, Sentiment)>,
    /// Sentiments a person set, over what was read.
    pub set: std::collections::HashMap<CommentRef, Sentiment>,
    /// What was learned from the readings set, for the comments of `read` in the same order.
    pub learned: Option<LearnedSentiment>,
    /// Whether learning from the readings is under way.
    pub learning: bool,
    /// Readings set since the last learning began.
    pub set_since: usize,
}

/// Where a comment's sentiment comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentimentSource {
    /// Its words, read by the lexicon.
    Words,
    /// A model learned from the readings a person set.
    Learned,
    /// A person set it.
    Hand,
}

impl CommentSentiments {
    /// The comment's sentiment, with where it comes from; `None` until it is read. The learned
    /// reading is used once it reads the person's own readings better than the words alone.
    pub fn of(&self, comment: CommentRef) -> Option<(Sentiment, SentimentSource)> {
        if let Some(&sentiment) = self.set.get(&comment) {
            return Some((sentiment, SentimentSource::Hand));
        }
        let position = self
            .read
            .binary_search_by_key(&comment, |&(read, _)| read)
            .ok()?;
        let learned = self
            .learned
            .as_ref()
            .filter(|learned| learned.is_better())
            .and_then(|learned| learned.sentiments.get(position));
        Some(match learned {
            Some(&sentiment) => (sentiment, SentimentSource::Learned),
            None => (self.read[position].1, SentimentSource::Words),
        })
    }

    /// The comment's sentiment, wherever it comes from; `None` until it is read.
    pub fn sentiment(&self, comment: CommentRef) -> Option<Sentiment> {
        self.of(comment).map(|(sentiment, _)| sentiment)
    }

    /// Takes the sentiments set by hand from the project's decisions in force.
    pub fn take_set_from(&mut self, project: Option<&Project>, keys: &SurveyKeys) {
        self.set = project
            .map(|project| project.sentiments_by_hand(keys))
            .unwrap_or_default();
    }
}

/// Suggestions learned from the user's coding, and when to learn again.
#[derive(Debug, Default)]
pub struct Learning {
    /// The latest suggestions, with those answered since marked.
    pub suggestions: Option<Suggestions>,
    /// Why there are no suggestions, when learning found too little to learn from.
    pub not_learned: Option<NotLearned>,
    /// Whether learning is under way.
    pub running: bool,
    /// Themes coded on comments since learning last started.
    pub coded_since: usize,
    /// Themes coded on comments while learning was under way, answered once it reports.
    pub coded_while_running: Vec<(CommentRef, ThemeId)>,
    /// Counts the changes of codebook or comments: learning started before the latest one
    /// names themes or comments that may have moved.
    pub round: u64,
}

impl Session {
    /// Tags these comments again for one theme whose keywords or exclusions changed, gives them
    /// back `hand_coding` about that theme, and counts again only the responses that hold them.
    pub fn retag_theme(
        &mut self,
        touched: &[CommentRef],
        theme: ThemeId,
        hand_coding: &[(CommentRef, ThemeId, Coding)],
    ) {
        let before = ThemesOfResponses::of(&self.tagging, touched);
        let rules = RuleSet::of_theme(&self.codebook, theme);
        let tagging = Arc::make_mut(&mut self.tagging);
        tagging.retag_theme(touched, theme, &rules, &self.survey);
        let about_theme: Vec<_> = hand_coding
            .iter()
            .filter(|&&(_, decided, _)| decided == theme)
            .copied()
            .collect();
        tagging.apply_hand_coding(&about_theme);
        recount_changed(
            &mut self.summary,
            &self.survey,
            &self.codebook,
            &self.tagging,
            &before,
        );
    }

    /// Tags these comments again with the session's rules, gives them back `hand_coding`, and
    /// counts again only the responses that hold them.
    pub fn retag_touched(
        &mut self,
        touched: &[CommentRef],
        hand_coding: &[(CommentRef, ThemeId, Coding)],
    ) {
        let before = ThemesOfResponses::of(&self.tagging, touched);
        let tagging = Arc::make_mut(&mut self.tagging);
        tagging.retag_comments(touched, &self.rules, &self.survey);
        tagging.apply_hand_coding(hand_coding);
        recount_changed(
            &mut self.summary,
            &self.survey,
            &self.codebook,
            &self.tagging,
            &before,
        );
    }
}

/// Where "Accept all" starts: suggestions right about nine times in ten.
pub const DEFAULT_ACCEPT_FROM: f32 = 0.9;

/// What the user is looking at: kept apart from the session, and reset when another opens.
#[derive(Debug)]
pub struct ViewState {
    /// The tab shown.
    pub view: View,
    /// Which comments the Comments view lists.
    pub filter: Filter,
    /// The comments passing `filter`, kept so the list is not refiltered every frame.
    pub visible_comments: Vec<CommentRef>,
    /// The comment shown in full.
    pub selected_comment: Option<CommentRef>,
    /// Where Export writes.
    pub export_path: String,
    /// The theme group the charts show; `None` shows every theme.
    pub chart_group: Option<ThemeId>,
    /// How many themes the theme chart shows at most; 0 shows every theme raised.
    pub chart_top: usize,
    /// Whether the theme chart shows the groups of themes, their themes rolled up into them.
    pub rolled_up: bool,
    /// Whether the status log is open.
    pub log_open: bool,
    /// A path typed by hand, asked for when the computer has no file chooser.
    pub path_prompt: Option<PathPrompt>,
    /// The theme list open for coding, when it is.
    pub picker: Option<ThemePicker>,
    /// A theme about to be added to or taken off every comment shown, awaiting confirmation.
    pub bulk: Option<(ThemeId, Coding)>,
    /// The search field takes the keyboard at the next frame.
    pub focus_search: bool,
    /// The search under way in the background, if one is: the list shows what the filter let
    /// through before it.
    pub search: OneAtATime,
    /// The comment list scrolls the selected comment into view at the next frame.
    pub scroll_to_selected: bool,
    /// A note being written on a comment, kept when the field loses the keyboard.
    pub note_draft: Option<(CommentRef, String)>,
    /// The Codebook view's theme and edits under way.
    pub codebook: CodebookEditor,
    /// Where the Suggestions view's review has got to in the queue.
    pub review_position: usize,
    /// The confidence from which "Accept all" accepts suggestions, 0 to 1.
    pub accept_from: f32,
    /// Only comments of this sentiment are listed (applied after `filter`).
    pub sentiment: Option<Sentiment>,
}

impl Default for ViewState {
    fn default() -> Self {
        Self {
            view: View::Themes,
            filter: Filter::default(),
            visible_comments: Vec::new(),
            selected_comment: None,
            export_path: String::new(),
            chart_group: None,
            chart_top: crate::analysis::charts::CHART_THEMES,
            rolled_up: false,
            log_open: false,
            path_prompt: None,
            picker: None,
            bulk: None,
            focus_search: false,
            search: OneAtATime::default(),
            scroll_to_selected: false,
            note_draft: None,
            codebook: CodebookEditor::default(),
            review_position: 0,
            accept_from: DEFAULT_ACCEPT_FROM,
            sentiment: None,
        }
    }
}

/// The Codebook view: the theme being edited and the edits not made yet.
#[derive(Debug, Default)]
pub struct CodebookEditor {
    /// The theme shown in the editor, by key: positions move when themes do.
    pub selected: Option<String>,
    /// A name or description being typed, made when the field loses the keyboard.
    pub text_draft: Option<ThemeTextDraft>,
    /// Keywords and exclusions being edited, before they are applied.
    pub rules_draft: Option<RulesDraft>,
    /// What the selected theme's keywords match: those being edited, else its own; `None`
    /// until the comments' index is made.
    pub preview: Option<RulesPreview>,
    /// The name typed for a new theme.
    pub new_theme: String,
    /// The theme the selected one would be merged into.
    pub merge_into: Option<String>,
    /// A change that waits for the user to confirm it.
    pub confirm: Option<CodebookChange>,
    /// Whether the comments' index is being made.
    pub indexing: bool,
    /// The preview being worked out in the background, if it is: the one shown was made
    /// before the latest keystroke.
    pub counting: OneAtATime,
}

/// Which text of a theme is being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeText {
    /// Its name.
    Name,
    /// Its description.
    Description,
}

/// A theme's name or description as typed so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeTextDraft {
    /// The theme's key.
    pub key: String,
    /// Which text.
    pub field: ThemeText,
    /// The text so far.
    pub text: String,
}

/// A theme's keywords and exclusions as edited, one per line.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesDraft {
    /// The theme's key.
    pub key: String,
    /// The keywords, one per line.
    pub keywords: String,
    /// The exclusions, one per line.
    pub exclusions: String,
}

impl RulesDraft {
    /// The keywords as a list, blank lines left out.
    pub fn keyword_list(&self) -> Vec<String> {
        lines_of(&self.keywords)
    }

    /// The exclusions as a list, blank lines left out.
    pub fn exclusion_list(&self) -> Vec<String> {
        lines_of(&self.exclusions)
    }
}

fn lines_of(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What a theme's rules (as edited, or its own) match, worked out from the comments' index.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesPreview {
    /// The theme's key.
    pub key: String,
    /// Each keyword with the comments it matches, shared with the next keystroke's preview.
    pub keywords: Vec<(String, Arc<[CommentRef]>)>,
    /// The exclusions the keywords were matched with.
    pub exclusions: Vec<String>,
    /// The comments that have the theme now.
    pub carrying: Carrying,
    /// How many would have it with these rules (hand coding still holding).
    pub after: usize,
    /// Comments that would gain the theme.
    pub gained: Vec<CommentRef>,
    /// Comments that would lose it.
    pub lost: Vec<CommentRef>,
}

impl RulesPreview {
    /// How many comments have the theme now.
    pub fn now(&self) -> usize {
        self.carrying.comments.len()
    }
}

/// The comments that have a theme, with the tagging they were read from: they hold as long as
/// it is the session's, unchanged.
#[derive(Debug, Clone)]
pub struct Carrying {
    /// The comments, in order.
    pub comments: Arc<[CommentRef]>,
    /// Upgrades only while the tagging is the session's and unchanged: a change through
    /// `Arc::make_mut` disassociates weak pointers, and a tagging replaced is dropped.
    read_from: Weak<Tagging>,
}

impl Carrying {
    /// The comments of `tagging` that have `theme`.
    pub fn read(tagging: &Arc<Tagging>, theme: ThemeId) -> Self {
        Self {
            comments: tagging
                .iter()
                .filter(|(_, tags)| tags.iter().any(|tag| tag.theme() == theme))
                .map(|(comment, _)| comment)
                .collect(),
            read_from: Arc::downgrade(tagging),
        }
    }

    /// Whether these were read from `tagging` as it is now.
    pub fn still_of(&self, tagging: &Arc<Tagging>) -> bool {
        self.read_from
            .upgrade()
            .is_some_and(|read_from| Arc::ptr_eq(&read_from, tagging))
    }
}

impl PartialEq for Carrying {
    fn eq(&self, other: &Self) -> bool {
        self.comments == other.comments
    }
}

/// A change to the codebook that asks first.
#[derive(Debug, Clone, PartialEq)]
pub enum CodebookChange {
    /// Use another codebook instead, named where it came from.
    Replace {
        /// The codebook.
        codebook: Box<Codebook>,
        /// A built-in name or a file.
        from: String,
    },
    /// Merge one theme into another.
    Merge {
        /// The theme that goes.
        from: String,
        /// The theme that stays.
        into: String,
    },
    /// Delete a theme.
    Delete {
        /// The theme.
        key: String,
    },
}

/// The searchable list of themes used to code comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemePicker {
    /// Words typed to narrow the list.
    pub query: String,
    /// The row the arrow keys are on.
    pub highlighted: usize,
    /// Whether a choice applies to every comment shown rather than the selected one.
    pub for_all_shown: bool,
    /// Whether the comment's own themes head the list, to take one off.
    pub own_themes_first: bool,
}

impl ViewState {
    /// Looks at a newly opened session from the start, on the same tab.
    pub fn reset_for(&mut self, session: &Session) {
        *self = Self {
            view: self.view,
            log_open: self.log_open,
            export_path: default_export_path(
                session
                    .survey
                    .first_source()
                    .map_or(Path::new("consultation"), |source| &source.path),
            )
            .display()
            .to_string(),
            ..Self::default()
        };
        self.refilter(session);
    }

    /// Brings the visible comments up to date after the tags of `changed` comments changed.
    pub fn refilter_changed(&mut self, session: &Session, changed: &[CommentRef]) {
        self.filter.update(
            &mut self.visible_comments,
            changed,
            &session.survey,
            &session.codebook,
            &session.tagging,
        );
        self.keep_sentiment(session);
        self.forget_hidden_selection();
    }

    /// Recomputes the visible comments after the filter changed so as to let fewer through.
    pub fn narrow(&mut self, session: &Session) {
        self.search.stop();
        self.visible_comments = self.filter.narrow(
            &self.visible_comments,
            &session.survey,
            &session.codebook,
            &session.tagging,
        );
        self.keep_sentiment(session);
        self.forget_hidden_selection();
    }

    /// Keeps only the comments of the sentiment chosen, if one is.
    fn keep_sentiment(&mut self, session: &Session) {
        if let Some(wanted) = self.sentiment {
            self.visible_comments.retain(|&comment| {
                session
                    .sentiments
                    .of(comment)
                    .is_some_and(|(sentiment, _)| sentiment == wanted)
            });
        }
    }

    /// Forgets the selected comment when the list no longer shows it (the list is in survey
    /// order).
    fn forget_hidden_selection(&mut self) {
        if self
            .selected_comment
            .is_some_and(|selected| self.visible_comments.binary_search(&selected).is_err())
        {
            self.selected_comment = None;
        }
    }

    /// Shows what the search numbered `round` let through, unless the comments have been
    /// filtered since; filters again here if the tags changed while it ran. True when the
    /// filter changed while it ran, and is to be searched again.
    pub fn searched(
        &mut self,
        session: &Session,
        round: u64,
        tagging: &Arc<Tagging>,
        comments: Vec<CommentRef>,
    ) -> bool {
        match self.search.finished(round) {
            Finished::Stale => return false,
            Finished::Again => return true,
            Finished::Latest => {}
        }
        if Arc::ptr_eq(tagging, &session.tagging) {
            self.visible_comments = comments;
            self.keep_sentiment(session);
            self.forget_hidden_selection();
        } else {
            self.refilter(session);
        }
        false
    }

    /// Recomputes the visible comments after the filter or the session changed.
    pub fn refilter(&mut self, session: &Session) {
        self.search.stop();
        self.visible_comments =
            self.filter
                .apply(&session.survey, &session.codebook, &session.tagging);
        self.keep_sentiment(session);
        self.forget_hidden_selection();
    }
}

impl Command {
    /// Whether it makes a decision kept in a project, which waits for the survey to be saved
    /// as one.
    pub fn is_decision(&self) -> bool {
        matches!(
            self,
            Command::Code(..)
                | Command::AnswerSuggestion(..)
                | Command::AcceptAllFrom(_)
                | Command::SetSentiment(..)
                | Command::MakeThemeFromGroup(_)
                | Command::UsePin(_)
                | Command::ConfirmBulk
                | Command::StarQuote(..)
                | Command::SetNote(..)
                | Command::SetThemeText(_)
                | Command::RecolourTheme(..)
                | Command::SetThemeParent(..)
                | Command::ShiftTheme(..)
                | Command::AddTheme
                | Command::ApplyRules
                | Command::ConfirmCodebookChange
        )
    }
}

/// What a file path is wanted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilePurpose {
    /// A survey export to open.
    Open,
    /// Another export of the open consultation.
    Add,
    /// Where to save the summary workbook.
    Export,
    /// Where to save the open survey as a project.
    SaveProject,
    /// A codebook file to use (TOML or a spreadsheet).
    LoadCodebook,
    /// Where to save the codebook as TOML.
    SaveCodebook,
    /// Where a project's source file is now, or a newer copy of it (by source position).
    FindSource(usize),
}

impl FilePurpose {
    /// The button that uses the path.
    pub fn action(self) -> &'static str {
        match self {
            FilePurpose::Open => "Open",
            FilePurpose::Add => "Add file",
            FilePurpose::Export => "Use this path",
            FilePurpose::SaveProject => "Save project",
            FilePurpose::LoadCodebook => "Load codebook",
            FilePurpose::SaveCodebook => "Save codebook",
            FilePurpose::FindSource(_) => "Use this file",
        }
    }
}

/// A path being typed by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPrompt {
    /// What it is for.
    pub purpose: FilePurpose,
    /// The path so far.
    pub text: String,
}

/// A message in the status bar and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    /// The text.
    pub text: String,
    /// Whether it reports a problem.
    pub is_error: bool,
    /// When it arose, as hours and minutes.
    pub time: String,
}

/// The most recent messages, newest last; the status bar shows the last, the log all of them.
#[derive(Debug, Default)]
pub struct StatusLog {
    messages: VecDeque<StatusMessage>,
}

/// Messages the log keeps.
const LOG_LENGTH: usize = 200;

impl StatusLog {
    /// Adds a message, forgetting the oldest beyond the last 200.
    pub fn push(&mut self, text: String, is_error: bool) {
        if self.messages.len() == LOG_LENGTH {
            self.messages.pop_front();
        }
        self.messages.push_back(StatusMessage {
            text,
            is_error,
            time: chrono::Local::now().format("%H:%M:%S").to_string(),
        });
    }

    /// The newest message.
    pub fn last(&self) -> Option<&StatusMessage> {
        self.messages.back()
    }

    /// Every message kept, oldest first.
    pub fn messages(&self) -> impl DoubleEndedIterator<Item = &StatusMessage> {
        self.messages.iter()
    }

    /// How many messages are kept.
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    /// Whether there is no message.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }
}

/// `responses.xlsx` -> `responses summary.xlsx` beside it.
pub fn default_export_path(source: &Path) -> PathBuf {
    let stem = source
        .file_stem()
        .map_or_else(|| "consultation".into(), |stem| stem.to_string_lossy());
    source.with_file_name(format!("{stem} summary.xlsx"))
}

/// A finished re-tagging, for the session it was started from.
#[derive(Debug)]
pub struct Retagged {
    /// What it was started from.
    pub basis: RetagBasis,
    /// The survey with the new roles.
    pub survey: Arc<Survey>,
    /// The codebook it was tagged with.
    pub codebook: Codebook,
    /// The codebook's rules, compiled.
    pub rules: RuleSet,
    /// Its tagging.
    pub tagging: Tagging,
    /// Its summary, computed with it off the UI thread.
    pub summary: Summary,
}

/// The state a re-tagging was started from, to tell whether its result is still wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetagBasis {
    /// The generation of the session it was started for.
    pub session: u64,
    /// The change it answers; only the newest is applied.
    pub retag: u64,
    /// How many steps the project's history had, so decisions made meanwhile are not lost.
    pub history: usize,
}

/// Everything that changes the state; applied at the end of the frame.
#[derive(Debug)]
pub enum Command {
    /// Import a file (in the background).
    Open(PathBuf),
    /// Add a file to the open consultation (an easy-read version, typed-up paper returns).
    AddFile(PathBuf),
    /// Read another worksheet of the open workbook.
    OpenSheet(String),
    /// Ask for a file with the system's file chooser.
    PickFile(FilePurpose),
    /// The computer has no file chooser: ask for the path to be typed.
    FileChooserUnavailable(FilePurpose),
    /// Edit the path being typed.
    EditTypedPath(String),
    /// Use the path typed.
    UseTypedPath,
    /// Stop asking for a path.
    CloseTypedPath,
    /// A background import and tagging finished.
    Loaded(Box<Session>),
    /// A background re-tagging finished.
    Retagged(Box<Retagged>),
    /// A background job failed; the message says why.
    Failed(String),
    /// A background job was cancelled by the user; says what stopped.
    Cancelled(String),
    /// Ask the running job at this position (oldest first) to stop.
    CancelJob(usize),
    /// Switch tab.
    ShowView(View),
    /// Change a column's role and re-tag.
    SetRole(ColumnId, ColumnRole),
    /// Filter comments by theme.
    FilterTheme(Option<ThemeId>),
    /// Filter comments by the respondent-type value (empty for "Not answered").
    FilterRespondentType(Option<String>),
    /// Filter comments by text.
    Search(String),
    /// A search done in the background: its number, the tagging it read, and the comments it
    /// lets through.
    Searched(u64, Arc<Tagging>, Vec<CommentRef>),
    /// A preview of a theme's rules worked out in the background, with its number.
    Counted(u64, Box<RulesPreview>),
    /// List the answers that say nothing instead of the comments.
    ShowNonAnswers(bool),
    /// Show one comment in full.
    SelectComment(CommentRef),
    /// Set where the summary is written.
    SetExportPath(String),
    /// Write the summary workbook (in the background).
    Export(PathBuf),
    /// Write the HTML report (in the background).
    WriteReport(PathBuf),
    /// Save every chart as PNG and SVG in this folder (in the background).
    SaveChartImages(PathBuf),
    /// Show the charts full screen one at a time, or stop.
    Present(bool),
    /// Mask personal data in the comments exported, or (for internal use) not.
    MaskPersonalData(bool),
    /// A background export finished: what was written.
    Exported(String),
    /// Counts or percentages in charts.
    ShowPercent(bool),
    /// Chart only the themes under one group.
    ChartGroup(Option<ThemeId>),
    /// Draw the whole interface at this size.
    SetUiScale(f32),
    /// Open or close the status log.
    ShowLog(bool),
    /// Save the open survey as a project there (in the background), and keep working in it.
    SaveAsProject(PathBuf),
    /// Add a theme to a comment, or take it off, by hand.
    Code(CommentRef, ThemeId, Coding),
    /// Ask to add a theme to (or take it off) every comment shown; confirmed by `ConfirmBulk`.
    CodeAllShown(ThemeId, Coding),
    /// Carry out the coding of every comment shown.
    ConfirmBulk,
    /// Drop the coding of every comment shown.
    CancelBulk,
    /// Star a comment as a quote, or unstar it.
    StarQuote(CommentRef, bool),
    /// Edit the note being written on a comment.
    EditNote(CommentRef, String),
    /// Keep the note written on a comment (empty removes it).
    SetNote(CommentRef, String),
    /// Take back the newest step.
    Undo,
    /// Put back the step taken back last.
    Redo,
    /// Select the comment this many rows down (up when negative) the list.
    MoveSelection(isize),
    /// Open the theme list to code the selected comment (or every comment shown).
    OpenPicker {
        /// Whether a choice applies to every comment shown.
        for_all_shown: bool,
        /// Whether the comment's own themes head the list.
        own_themes_first: bool,
    },
    /// Split the themes by this attribute; `None` lets ConsultLens find it.
    SetRespondentGroup(Option<ColumnId>),
    /// Show this theme in the codebook editor.
    SelectTheme(String),
    /// Type a theme's name or description.
    EditThemeText(ThemeTextDraft),
    /// Make the name or description typed.
    SetThemeText(ThemeTextDraft),
    /// Give a theme a colour, or let it take its group's.
    RecolourTheme(String, Option<String>),
    /// Put a theme in a group, or at the top level.
    SetThemeParent(String, Option<String>),
    /// Move a theme this many places down (up when negative) among its siblings.
    ShiftTheme(String, isize),
    /// Type the name of a new theme.
    EditNewTheme(String),
    /// Add the theme named.
    AddTheme,
    /// Edit the selected theme's keywords and exclusions (one per line).
    EditRules {
        /// The keywords.
        keywords: String,
        /// The exclusions.
        exclusions: String,
    },
    /// Make the edited keywords and exclusions the theme's.
    ApplyRules,
    /// Forget the edited keywords and exclusions.
    RevertRules,
    /// Choose the theme to merge the selected one into.
    ChooseMergeInto(Option<String>),
    /// Ask before a codebook change.
    AskCodebookChange(CodebookChange),
    /// Make the change asked about.
    ConfirmCodebookChange,
    /// Forget the change asked about.
    CancelCodebookChange,
    /// Ask before using a built-in codebook instead.
    UseBuiltInCodebook(String),
    /// Read a codebook file (TOML or a spreadsheet) and ask before using it.
    LoadCodebook(PathBuf),
    /// Write the codebook as TOML.
    SaveCodebook(PathBuf),
    /// Read a project's source (by position) from this file: its new place when it holds the
    /// same bytes, else a newer copy to re-import.
    UpdateSource(usize, PathBuf),
    /// A project opened again after a source was added or re-imported, with what to tell.
    SourcesChanged(Box<Session>, Vec<String>),
    /// The comments' index, made for the session of this generation.
    IndexBuilt(u64, Arc<CommentIndex>),
    /// A file chooser closed without a file.
    ChooserClosed(FilePurpose),
    /// Close the theme list.
    ClosePicker,
    /// Narrow the theme list.
    PickerQuery(String),
    /// Move the theme list's highlight this many rows.
    PickerMove(isize),
    /// Pin a theme to the next number key, or unpin it.
    TogglePin(String),
    /// Put the pinned theme of this number key (1 to 9) on the selected comment, or take it off.
    UsePin(usize),
    /// Filter comments by question.
    FilterQuestion(Option<ColumnId>),
    /// Only comments no theme covers.
    FilterNoTheme(bool),
    /// Only comments coded by hand.
    FilterByHand(bool),
    /// Give the search field the keyboard.
    FocusSearch,
    /// Learn suggestions from the coding so far (in the background).
    Learn,
    /// Learning for the session of this generation, in this round of its learning, finished.
    Learned(u64, u64, Box<Result<Suggestions, NotLearned>>),
    /// Accept (true) or reject a suggested theme for a comment.
    AnswerSuggestion(CommentRef, ThemeId, bool),
    /// Move the review this many suggestions on (back when negative).
    ReviewMove(isize),
    /// Set the confidence from which "Accept all" accepts suggestions.
    SetAcceptFrom(f32),
    /// Accept every suggestion waiting at or above this confidence, as one step.
    AcceptAllFrom(f32),
    /// The comments of the session of this generation read for sentiment.
    SentimentRead(u64, Vec<(CommentRef, Sentiment)>),
    /// Set a comment's sentiment by hand.
    SetSentiment(CommentRef, Sentiment),
    /// Sentiment learned from the readings set by hand, for the session of this generation and
    /// these comments (those read, in order).
    SentimentLearned(u64, Vec<CommentRef>, Box<Option<LearnedSentiment>>),
    /// List only comments of this sentiment.
    FilterSentiment(Option<Sentiment>),
    /// Show every comment again: no theme, group, question, sentiment or words chosen.
    ClearFilters,
    /// Draw the window light (dark text on a light background) or dark.
    SetLight(bool),
    /// Show at most this many themes in the theme chart (0: all).
    ChartTop(usize),
    /// Chart the groups of themes, their themes rolled up (or the themes themselves).
    RollUp(bool),
    /// Group the comments no theme covers, or every answer to the question chosen (in the
    /// background).
    Discover,
    /// Group every answer to this question, or (`None`) the comments no theme covers.
    DiscoverIn(Option<ColumnId>),
    /// The groups found for the session of this generation.
    Discovered(u64, Vec<FoundGroup>),
    /// Make a theme from the group at this position.
    MakeThemeFromGroup(usize),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResponseId;
    use crate::tagging::{Span, Tag};

    #[test]
    fn comments_carrying_a_theme_hold_only_while_the_tagging_is_unchanged() {
        let comments: Vec<CommentRef> = (0..3)
            .map(|response| CommentRef {
                response: ResponseId::at(response),
                column: ColumnId::at(0),
            })
            .collect();
        let theme = ThemeId(0);
        let tags = [
            vec![Tag::by_rules(theme, [Span::new(0, 4)])],
            Vec::new(),
            vec![Tag::by_rules(theme, [Span::new(2, 6)])],
        ];
        let mut tagging = Arc::new(Tagging::new(comments.clone(), &tags));
        let carrying = Carrying::read(&tagging, theme);
        assert_eq!(*carrying.comments, [comments[0], comments[2]]);
        assert!(carrying.still_of(&tagging));
        assert!(!carrying.still_of(&Arc::new(Tagging::new(comments.clone(), &tags))));

        // Changed in place, no other strong pointer sharing it.
        Arc::make_mut(&mut tagging).apply_hand_coding(&[(comments[1], theme, Coding::Add)]);
        assert!(!carrying.still_of(&tagging));
        let again = Carrying::read(&tagging, theme);
        assert_eq!(again.comments.len(), 3);
        assert!(again.still_of(&tagging));

        // Replaced by a tagging made afresh.
        tagging = Arc::new(Tagging::new(comments, &tags));
        assert!(!again.still_of(&tagging));
    }
}
