//! The window: eframe, egui, egui_plot and rfd live here and nowhere else.
//!
//! UI code reads the state and pushes [`Command`]s; [`App::apply`] at the end of the frame is the
//! only place the session changes.

mod comments_view;
mod data_view;
mod export_view;
mod jobs;
mod state;
mod themes_view;
mod widgets;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub use jobs::Jobs;
pub use state::{Command, Session, Settings, View};

use crate::codebook::{Codebook, DEFAULT_CODEBOOK};
use crate::files::display_name;
use crate::model::counted;

/// The bundled sample consultation, opened when no file is given.
pub fn sample_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-data")
        .join("send_consultation.xlsx")
}

const SETTINGS_KEY: &str = "consultlens-settings";

/// Interface sizes offered, from small laptop screens to projectors.
const UI_SCALES: [f32; 6] = [0.75, 1.0, 1.25, 1.5, 1.75, 2.0];

/// Opens the window on `file`, or on the bundled sample.
pub fn run(file: Option<PathBuf>, sheet: Option<String>) -> ExitCode {
    let file = file.unwrap_or_else(sample_path);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("ConsultLens")
            .with_inner_size([1280.0, 820.0])
            .with_min_inner_size([720.0, 480.0])
            .with_drag_and_drop(true),
        ..eframe::NativeOptions::default()
    };
    let outcome = eframe::run_native(
        "ConsultLens",
        options,
        Box::new(move |creation| {
            let settings = creation
                .storage
                .and_then(|storage| eframe::get_value::<Settings>(storage, SETTINGS_KEY))
                .unwrap_or_default();
            let mut app = App::new(settings);
            app.open(file, sheet, Some(creation.egui_ctx.clone()));
            Ok(Box::new(app))
        }),
    );
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: could not open the window: {error}");
            ExitCode::FAILURE
        }
    }
}

/// A message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    /// The text.
    pub text: String,
    /// Whether it reports a problem.
    pub is_error: bool,
}

/// The whole application state.
#[derive(Debug)]
pub struct App {
    /// Choices kept between runs.
    pub settings: Settings,
    /// The open consultation, once loaded.
    pub session: Option<Session>,
    /// The tab shown.
    pub view: View,
    /// Background work under way.
    pub jobs: Jobs,
    /// Messages for the status bar, newest last.
    pub status: Vec<StatusMessage>,
    /// The codebook applied to newly opened files.
    pub codebook: Codebook,
    commands: Vec<Command>,
    repaint: Option<egui::Context>,
}

impl App {
    /// An app with nothing open.
    pub fn new(settings: Settings) -> Self {
        let (codebook, status) = match Codebook::built_in(DEFAULT_CODEBOOK) {
            Ok(codebook) => (codebook, Vec::new()),
            Err(error) => (
                Codebook {
                    name: "Empty".to_owned(),
                    description: String::new(),
                    themes: Vec::new(),
                },
                vec![StatusMessage {
                    text: error.to_string(),
                    is_error: true,
                }],
            ),
        };
        Self {
            settings,
            session: None,
            view: View::Themes,
            jobs: Jobs::default(),
            status,
            codebook,
            commands: Vec::new(),
            repaint: None,
        }
    }

    /// Starts opening a file in the background; `repaint` wakes the window when it is done.
    pub fn open(&mut self, path: PathBuf, sheet: Option<String>, repaint: Option<egui::Context>) {
        if repaint.is_some() {
            self.repaint = repaint;
        }
        self.open_files(vec![path], sheet);
    }

    /// Starts importing files as one consultation in the background.
    fn open_files(&mut self, paths: Vec<PathBuf>, sheet: Option<String>) {
        let codebook = self.codebook.clone();
        let label = match paths.as_slice() {
            [only] => format!("Opening {}", display_name(only)),
            several => format!("Opening {} files", several.len()),
        };
        self.jobs.spawn(label, self.waker(), move |progress| {
            Some(jobs::load(&paths, sheet, codebook, progress))
        });
    }

    fn waker(&self) -> impl Fn() + Send + 'static {
        let context = self.repaint.clone();
        move || {
            if let Some(context) = &context {
                context.request_repaint();
            }
        }
    }

    /// Queues a command for the end of the frame.
    pub fn push(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// Blocks until background work is done and applies its results (tests and shutdown).
    pub fn finish_jobs(&mut self) {
        while self.jobs.is_busy() {
            let finished = self.jobs.wait_all();
            self.commands.extend(finished);
            self.apply();
        }
    }

    /// The most recent status message.
    pub fn last_status(&self) -> Option<&StatusMessage> {
        self.status.last()
    }

    fn info(&mut self, text: String) {
        self.status.push(StatusMessage {
            text,
            is_error: false,
        });
    }

    fn error(&mut self, text: String) {
        self.status.push(StatusMessage {
            text,
            is_error: true,
        });
    }

    /// The whole interface; takes no eframe types so tests can drive it.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        if self.repaint.is_none() {
            self.repaint = Some(ui.ctx().clone());
        }
        let finished = self.jobs.poll();
        self.commands.extend(finished);
        self.take_dropped_files(ui);
        ui.ctx().set_zoom_factor(self.settings.ui_scale);

        egui::Panel::top("toolbar").show(ui, |ui| self.toolbar_ui(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| self.central_ui(ui));

        self.apply();
        if self.jobs.is_busy() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    fn take_dropped_files(&mut self, ui: &egui::Ui) {
        let dropped: Vec<PathBuf> = ui.ctx().input(|input| {
            input
                .raw
                .dropped_files
                .iter()
                .map(|file| file.path().to_path_buf())
                .filter(|path| !path.as_os_str().is_empty())
                .collect()
        });
        for path in dropped {
            self.push(Command::Open(path));
        }
    }

    fn toolbar_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.heading("ConsultLens");
            ui.separator();
            if ui
                .button("Open…")
                .on_hover_text(
                    "Open a survey export (.xlsx, .csv …); you can also drop a file on the window",
                )
                .clicked()
            {
                let waker = self.waker();
                self.jobs.spawn("Choosing a file", waker, |_| {
                    jobs::pick_survey_file().map(Command::Open)
                });
            }
            if self.session.is_some()
                && ui
                    .button("Add file…")
                    .on_hover_text("Add another export of this consultation, such as an easy-read version or typed-up paper returns")
                    .clicked()
            {
                let waker = self.waker();
                self.jobs.spawn("Choosing a file", waker, |_| jobs::pick_survey_file().map(Command::AddFile));
            }
            ui.separator();
            for view in View::ALL {
                if ui
                    .selectable_label(self.view == view, view.label())
                    .clicked()
                {
                    self.push(Command::ShowView(view));
                }
            }
            ui.separator();
            ui.label("Size");
            egui::ComboBox::from_id_salt("ui-scale")
                .selected_text(format!("{:.0}%", self.settings.ui_scale * 100.0))
                .width(70.0)
                .show_ui(ui, |ui| {
                    for scale in UI_SCALES {
                        ui.selectable_value(
                            &mut self.settings.ui_scale,
                            scale,
                            format!("{:.0}%", scale * 100.0),
                        );
                    }
                })
                .response
                .widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Interface size")
                });
            if let Some(session) = &self.session {
                ui.separator();
                ui.label(format!(
                    "{} · {} · {}",
                    sources_name(&session.survey),
                    counted(session.summary.responses, "response"),
                    counted(session.summary.comments, "comment")
                ));
            }
        });
    }

    fn status_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let mut cancel = None;
            for (index, job) in self.jobs.running().iter().enumerate() {
                ui.label(&job.label);
                ui.add(
                    egui::ProgressBar::new(job.progress.fraction())
                        .desired_width(160.0)
                        .show_percentage(),
                );
                if ui.button("Cancel").clicked() {
                    cancel = Some(index);
                }
            }
            if let Some(job) = cancel.and_then(|index| self.jobs.running().get(index)) {
                job.progress.cancel();
            }
            if let Some(message) = self.status.last() {
                let colour = if message.is_error {
                    ui.visuals().error_fg_color
                } else {
                    ui.visuals().text_color()
                };
                ui.colored_label(colour, &message.text);
            }
        });
    }

    fn central_ui(&mut self, ui: &mut egui::Ui) {
        let Some(session) = &self.session else {
            ui.centered_and_justified(|ui| {
                if self.jobs.is_busy() {
                    ui.spinner();
                } else {
                    ui.label("Open a survey export with Open…, or drop a file on this window.");
                }
            });
            return;
        };
        let mut commands = Vec::new();
        match self.view {
            View::Data => data_view::data_ui(ui, session, &mut commands),
            View::Comments => comments_view::comments_ui(ui, session, &mut commands),
            View::Themes => themes_view::themes_ui(ui, session, &self.settings, &mut commands),
            View::Export => export_view::export_ui(ui, session, self.jobs.is_busy(), &mut commands),
        }
        self.commands.extend(commands);
    }

    /// Applies the queued commands: the only place the session changes.
    pub fn apply(&mut self) {
        let commands = std::mem::take(&mut self.commands);
        for command in commands {
            self.apply_one(command);
        }
    }

    fn apply_one(&mut self, command: Command) {
        match command {
            Command::Open(path) => self.open(path, None, None),
            Command::OpenSheet(sheet) => {
                let source = self
                    .session
                    .as_ref()
                    .and_then(|session| session.survey.first_source());
                if let Some(path) = source.map(|source| source.path.clone()) {
                    self.open_files(vec![path], Some(sheet));
                }
            }
            Command::AddFile(path) => {
                let mut paths: Vec<PathBuf> = self
                    .session
                    .as_ref()
                    .map(|session| {
                        session
                            .survey
                            .sources
                            .iter()
                            .map(|source| source.path.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                if !paths.contains(&path) {
                    paths.push(path);
                }
                self.open_files(paths, None);
            }
            Command::Loaded(session) => {
                let session = *session;
                self.info(format!(
                    "Opened {}: {}, {}",
                    sources_name(&session.survey),
                    counted(session.survey.response_count(), "response"),
                    counted(session.tagging.comments.len(), "comment")
                ));
                let warnings: Vec<String> = session
                    .report
                    .warnings
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                for warning in warnings {
                    self.info(format!("Note: {warning}"));
                }
                self.session = Some(session);
            }
            Command::Retagged(retagged) => {
                let (survey, tagging) = *retagged;
                if let Some(session) = &mut self.session {
                    session.retagged(survey, tagging);
                }
            }
            Command::Failed(message) => self.error(message),
            Command::ShowView(view) => self.view = view,
            Command::ShowPercent(show) => self.settings.show_percent = show,
            Command::Exported(path) => {
                self.info(format!("Saved the summary workbook to {}", path.display()))
            }
            Command::Export(path) => {
                let Some(session) = &self.session else { return };
                let (survey, codebook, tagging, summary) = (
                    session.survey.clone(),
                    session.codebook.clone(),
                    session.tagging.clone(),
                    session.summary.clone(),
                );
                self.jobs
                    .spawn("Exporting the summary", self.waker(), move |_| {
                        Some(jobs::export(path, &survey, &codebook, &tagging, &summary))
                    });
            }
            command => self.apply_to_session(command),
        }
    }

    fn apply_to_session(&mut self, command: Command) {
        let waker = self.waker();
        let Some(session) = &mut self.session else {
            return;
        };
        match command {
            Command::SetRole(column, role) => {
                let Some(target) = session.survey.columns.get_mut(column.0) else {
                    return;
                };
                target.role = role;
                target.role_reason = "chosen by you".to_owned();
                let survey = session.survey.clone();
                let codebook = session.codebook.clone();
                self.jobs
                    .spawn("Re-tagging comments", waker, move |progress| {
                        Some(jobs::retag(survey, &codebook, progress))
                    });
            }
            Command::FilterTheme(theme) => {
                session.filter.theme = theme;
                session.refilter();
            }
            Command::FilterRespondentType(value) => {
                // The same column whose groups the list offered.
                let column = session
                    .summary
                    .by_attribute
                    .as_ref()
                    .map(|crosstab| crosstab.attribute);
                session.filter.attribute =
                    value.and_then(|value| column.map(|column| (column, value)));
                session.refilter();
            }
            Command::Search(text) => {
                session.filter.text = text;
                session.refilter();
            }
            Command::SelectComment(comment) => session.selected_comment = Some(comment),
            Command::ChartGroup(group) => session.chart_group = group,
            Command::SetExportPath(path) => session.export_path = path,
            Command::ChooseExportPath => {
                let suggested = PathBuf::from(&session.export_path);
                self.jobs.spawn("Choosing where to save", waker, move |_| {
                    jobs::pick_export_file(&suggested)
                        .map(|path| Command::SetExportPath(path.display().to_string()))
                });
            }
            _ => {}
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        App::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}

/// The survey's file name, or "N files" when several were combined.
pub fn sources_name(survey: &crate::model::Survey) -> String {
    match survey.sources.as_slice() {
        [only] => display_name(&only.path),
        several => format!("{} files", several.len()),
    }
}
