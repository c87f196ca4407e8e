//! The window's state: settings, the open session, and the commands that change them.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::analysis::{Filter, Summary, summarise};
use crate::codebook::{Codebook, ThemeId};
use crate::import::ImportReport;
use crate::model::{ColumnId, ColumnRole, CommentRef, Survey};
use crate::tagging::Tagging;

/// Choices kept between runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Charts show percentages of respondents rather than counts.
    pub show_percent: bool,
    /// How large the whole interface is drawn.
    pub ui_scale: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            show_percent: false,
            ui_scale: 1.0,
        }
    }
}

/// The tabs of the main area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Columns and their roles.
    Data,
    /// Every comment with its themes.
    Comments,
    /// Theme charts.
    Themes,
    /// The summary workbook.
    Export,
}

impl View {
    /// Every view, in tab order.
    pub const ALL: [View; 4] = [View::Data, View::Comments, View::Themes, View::Export];

    /// The tab's label.
    pub fn label(self) -> &'static str {
        match self {
            View::Data => "Data",
            View::Comments => "Comments",
            View::Themes => "Themes",
            View::Export => "Export",
        }
    }
}

/// An open consultation: the survey, its codebook and tagging, and what the user is looking at.
#[derive(Debug)]
pub struct Session {
    /// The responses.
    pub survey: Survey,
    /// What the importer noticed.
    pub report: ImportReport,
    /// The themes.
    pub codebook: Codebook,
    /// The themes of each comment.
    pub tagging: Tagging,
    /// Counts behind the charts.
    pub summary: Summary,
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
}

impl Session {
    /// A session for a freshly imported and tagged survey.
    pub fn new(survey: Survey, report: ImportReport, codebook: Codebook, tagging: Tagging) -> Self {
        let summary = summarise(&survey, &codebook, &tagging, None);
        let export_path = default_export_path(
            survey
                .first_source()
                .map_or(Path::new("consultation"), |source| &source.path),
        )
        .display()
        .to_string();
        let mut session = Self {
            survey,
            report,
            codebook,
            tagging,
            summary,
            filter: Filter::default(),
            visible_comments: Vec::new(),
            selected_comment: None,
            export_path,
            chart_group: None,
        };
        session.refilter();
        session
    }

    /// Recomputes the visible comments after the filter changed.
    pub fn refilter(&mut self) {
        self.visible_comments = self
            .filter
            .apply(&self.survey, &self.codebook, &self.tagging);
        if self
            .selected_comment
            .is_some_and(|selected| !self.visible_comments.contains(&selected))
        {
            self.selected_comment = None;
        }
    }

    /// Replaces the tagging (after a role change) and everything computed from it.
    pub fn retagged(&mut self, survey: Survey, tagging: Tagging) {
        self.survey = survey;
        self.tagging = tagging;
        self.summary = summarise(&self.survey, &self.codebook, &self.tagging, None);
        self.refilter();
    }
}

/// `responses.xlsx` -> `responses summary.xlsx` beside it.
pub fn default_export_path(source: &Path) -> PathBuf {
    let stem = source
        .file_stem()
        .map_or_else(|| "consultation".into(), |stem| stem.to_string_lossy());
    source.with_file_name(format!("{stem} summary.xlsx"))
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
    /// A background import and tagging finished.
    Loaded(Box<Session>),
    /// A background re-tagging finished.
    Retagged(Box<(Survey, Tagging)>),
    /// A background job failed; the message says why.
    Failed(String),
    /// Switch tab.
    ShowView(View),
    /// Change a column's role and re-tag.
    SetRole(ColumnId, ColumnRole),
    /// Filter comments by theme.
    FilterTheme(Option<ThemeId>),
    /// Filter comments by the respondent-type value.
    FilterRespondentType(Option<String>),
    /// Filter comments by text.
    Search(String),
    /// Show one comment in full.
    SelectComment(CommentRef),
    /// Set where the summary is written.
    SetExportPath(String),
    /// Ask where to write the summary with the system's save dialog.
    ChooseExportPath,
    /// Write the summary workbook (in the background).
    Export(PathBuf),
    /// A background export finished.
    Exported(PathBuf),
    /// Counts or percentages in charts.
    ShowPercent(bool),
    /// Chart only the themes under one group.
    ChartGroup(Option<ThemeId>),
}
