//! The window: eframe, egui and rfd live here and nowhere else.
//!
//! State has four homes: [`Settings`] (kept between runs), the open [`Session`], the
//! [`ViewState`] (what the user is looking at) and the running [`Jobs`], with a [`StatusLog`]
//! beside them. UI code reads the state and pushes [`Command`]s; [`App::apply`] at the end of
//! the frame is the only place any of it changes.

mod chart_pictures;
mod codebook_edit;
mod codebook_view;
mod coding;
mod comments_view;
mod data_view;
mod discover;
mod export_view;
mod file_chooser;
mod jobs;
mod learning;
mod one_at_a_time;
mod presentation;
mod state;
mod suggestions_view;
mod themes_view;
mod widgets;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

pub use jobs::Jobs;
pub use one_at_a_time::OneAtATime;
pub use state::{
    Command, FilePurpose, PathPrompt, RetagBasis, Retagged, RulesPreview, SentimentSource, Session,
    Settings, StatusLog, StatusMessage, View, ViewState,
};

use crate::analysis::charts::ChartOptions;
use crate::codebook::{Codebook, DEFAULT_CODEBOOK, ThemeId};
use crate::files::display_name;
use crate::model::{ColumnId, RoleChoices};
use crate::project;
use crate::wording::counted;
use jobs::{LoadRequest, LoadSource};
use presentation::{Asked, Presentation};
use widgets::separated_keep_together;

/// The bundled sample consultation, opened when no file is given.
pub fn sample_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-data")
        .join("send_consultation.xlsx")
}

const SETTINGS_KEY: &str = "consultlens-settings";

/// The width of the interface size list.
const SCALE_LIST_WIDTH: f32 = 70.0;

/// Interface sizes offered, from small laptop screens to projectors.
const UI_SCALES: [f32; 6] = [0.75, 1.0, 1.25, 1.5, 1.75, 2.0];

/// Opens the window on `file`, or on the bundled sample.
pub fn run(file: Option<PathBuf>, sheet: Option<String>) -> ExitCode {
    file_chooser::listen_for_failures();
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
            app.repaint = Some(creation.egui_ctx.clone());
            app.open(file, sheet);
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

/// Which requests' results are still wanted: each background result carries the request it
/// answers, and only the newest request of its kind is applied.
#[derive(Debug, Default)]
struct Generations {
    /// The newest request to open files.
    load: u64,
    /// The newest role change.
    retag: u64,
}

/// The whole application state.
#[derive(Debug)]
pub struct App {
    /// Choices kept between runs.
    pub settings: Settings,
    /// The open consultation, once loaded.
    pub session: Option<Session>,
    /// What the user is looking at.
    pub view: ViewState,
    /// Background work under way.
    pub jobs: Jobs,
    /// Messages for the status bar and the log.
    pub log: StatusLog,
    generations: Generations,
    commands: Vec<Command>,
    repaint: Option<egui::Context>,
    /// The title the window was last given.
    title: String,
    /// Decisions made before the survey was saved as a project, made once it is.
    awaiting_project: Vec<Command>,
    /// The charts shown full screen, when presenting.
    presentation: Option<Presentation>,
    /// The Themes view's charts, drawn.
    chart_pictures: chart_pictures::ChartPictures,
    /// The next session opened is the one being looked at, saved as a project: the view stays.
    keep_view_on_load: bool,
    /// The system could not show a file chooser, so paths are typed.
    no_file_chooser: bool,
    /// From this many comments, a search that must look at most of them and the codebook
    /// editor's live counts are worked out in the background, what was shown staying until
    /// they are done: in the frame, selecting a theme (each of its keywords looked up) took up
    /// to 22 ms at 48,700 comments and 48 ms at 195,000; a first letter in the search box read
    /// every comment, 12-18 ms at 195,000.
    pub background_from: usize,
}

/// [`App::background_from`] unless a test says otherwise.
const BACKGROUND_FROM: usize = 20_000;

impl App {
    /// An app with nothing open.
    pub fn new(settings: Settings) -> Self {
        Self {
            settings,
            session: None,
            view: ViewState::default(),
            jobs: Jobs::default(),
            log: StatusLog::default(),
            generations: Generations::default(),
            commands: Vec::new(),
            repaint: None,
            title: String::new(),
            awaiting_project: Vec::new(),
            presentation: None,
            chart_pictures: chart_pictures::ChartPictures::default(),
            keep_view_on_load: false,
            no_file_chooser: false,
            background_from: BACKGROUND_FROM,
        }
    }

    /// Starts opening a project, or a survey export with the default codebook, in the
    /// background.
    pub fn open(&mut self, path: PathBuf, sheet: Option<String>) {
        // Another survey: nothing waiting to be saved belongs to it.
        self.give_up_awaiting_project();
        if project::looks_like_project(&path) {
            self.load(LoadSource::Project(path));
            return;
        }
        match Codebook::built_in(DEFAULT_CODEBOOK) {
            Ok(codebook) => self.load(LoadSource::Files {
                paths: vec![path],
                sheet,
                codebook,
                role_choices: RoleChoices::default(),
            }),
            Err(error) => self.log.push(error.to_string(), true),
        }
    }

    /// Starts reading the open consultation's files again, keeping its codebook and the roles
    /// the user chose.
    fn reload(&mut self, paths: Vec<PathBuf>, sheet: Option<String>) {
        let Some(session) = &self.session else { return };
        let source = LoadSource::Files {
            paths,
            sheet,
            codebook: session.codebook.clone(),
            role_choices: session.role_choices.clone(),
        };
        self.load(source);
    }

    /// Starts loading in the background; a newer load supersedes it.
    fn load(&mut self, source: LoadSource) {
        self.generations.load += 1;
        let label = match &source {
            LoadSource::Files { paths, .. } => match paths.as_slice() {
                [only] => format!("Opening {}", display_name(only)),
                several => format!("Opening {} files", several.len()),
            },
            LoadSource::Project(path) => format!("Opening {}", display_name(path)),
            LoadSource::NewProject { path, .. } => format!("Saving {}", display_name(path)),
            LoadSource::AddToProject { file, .. } => format!("Adding {}", display_name(file)),
            LoadSource::UpdateSource { file, .. } => format!("Reading {}", display_name(file)),
        };
        let request = LoadRequest {
            source,
            generation: self.generations.load,
        };
        self.jobs.spawn(label, self.waker(), move |progress| {
            Some(jobs::load(request, progress))
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

    /// Blocks until the background work whose label `waited_for` accepts is done, applying
    /// results as they come, while other work goes on (benchmarks: what a person waits for, not
    /// the learning behind it).
    pub fn finish_jobs_where(&mut self, waited_for: impl Fn(&str) -> bool) {
        while self.jobs.running().iter().any(|job| waited_for(&job.label)) {
            std::thread::sleep(std::time::Duration::from_millis(1));
            let finished = self.jobs.poll();
            self.commands.extend(finished);
            self.apply();
        }
    }

    /// The most recent status message.
    pub fn last_status(&self) -> Option<&StatusMessage> {
        self.log.last()
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
        // Unless asked for light, the window follows the computer's setting, as it always did.
        ui.ctx().set_theme(if self.settings.light {
            egui::ThemePreference::Light
        } else {
            egui::ThemePreference::System
        });
        self.title_ui(ui);
        if let Some(presentation) = &mut self.presentation {
            match presentation.ui(ui) {
                Asked::Leave => self.commands.push(Command::Present(false)),
                Asked::SaveImages => {
                    self.commands
                        .push(Command::SaveChartImages(export_view::charts_folder(
                            &self.view.export_path,
                        )))
                }
                Asked::Nothing => {}
            }
            self.apply();
            return;
        }
        self.shortcuts_ui(ui);

        egui::Panel::top("toolbar").show(ui, |ui| self.toolbar_ui(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| self.central_ui(ui));
        self.log_window_ui(ui);
        self.path_prompt_ui(ui);
        if let Some(session) = &self.session {
            let mut commands = Vec::new();
            comments_view::picker_ui(ui, session, &self.view, &self.settings, &mut commands);
            comments_view::bulk_ui(ui, session, &self.view, &mut commands);
            codebook_view::confirm_ui(ui, session, &self.view, &mut commands);
            self.commands.extend(commands);
        }

        if self.apply() {
            // What changed at the end of this frame is drawn in the next.
            ui.ctx().request_repaint();
        }
        self.index_if_needed();
        if self.jobs.is_busy() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    /// The chart choices the person made in the Themes view.
    fn chart_options(&self) -> ChartOptions {
        ChartOptions {
            group: self.view.chart_group,
            percent: self.settings.show_percent,
            top: self.view.chart_top,
            rolled_up: self.view.rolled_up,
        }
    }

    /// Copies what exports are made from and writes `path` with `write` on a background thread.
    fn export_in_background(
        &mut self,
        label: &str,
        path: PathBuf,
        write: fn(PathBuf, &jobs::ExportedSession) -> Command,
    ) {
        let Some(session) = &self.session else { return };
        let exported = jobs::ExportedSession {
            survey: Arc::clone(&session.survey),
            codebook: session.codebook.clone(),
            tagging: Arc::clone(&session.tagging),
            summary: session.summary.clone(),
            highlights: session
                .project
                .as_ref()
                .map(|project| project.highlights(&session.keys))
                .unwrap_or_default(),
            mask_personal_data: self.settings.mask_personal_data,
            sentiments: session.sentiments.clone(),
        };
        self.jobs
            .spawn(label, self.waker(), move |_| Some(write(path, &exported)));
    }

    /// The window's title names what is open and whether it is kept as a project.
    fn title_ui(&mut self, ui: &egui::Ui) {
        let title = match &self.session {
            Some(session) => match &session.project {
                Some(project) => format!("{} — ConsultLens", display_name(project.path())),
                None => format!(
                    "{} (not saved as a project) — ConsultLens",
                    sources_name(&session.survey)
                ),
            },
            None => "ConsultLens".to_owned(),
        };
        if self.title != title {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// Keys that work everywhere: undo and redo (unless a text field takes them), save as a
    /// project, open, and search.
    fn shortcuts_ui(&mut self, ui: &egui::Ui) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let typing = ui.ctx().egui_wants_keyboard_input();
        let pressed = |modifiers: Modifiers, key: Key| {
            ui.ctx()
                .input_mut(|input| input.consume_shortcut(&KeyboardShortcut::new(modifiers, key)))
        };
        let shift_command = Modifiers::COMMAND | Modifiers::SHIFT;
        if !typing && pressed(shift_command, Key::Z) {
            self.commands.push(Command::Redo);
        }
        if !typing && pressed(Modifiers::COMMAND, Key::Z) {
            self.commands.push(Command::Undo);
        }
        if pressed(Modifiers::COMMAND, Key::S) {
            self.commands
                .push(Command::PickFile(FilePurpose::SaveProject));
        }
        if pressed(Modifiers::COMMAND, Key::O) {
            self.commands.push(Command::PickFile(FilePurpose::Open));
        }
        if pressed(Modifiers::COMMAND, Key::F) {
            self.commands.push(Command::FocusSearch);
        }
        if self.session.is_some() && pressed(Modifiers::NONE, Key::F11) {
            self.commands.push(Command::Present(true));
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
        let mut commands = Vec::new();
        ui.horizontal_wrapped(|ui| {
            ui.heading("ConsultLens");
            ui.separator();
            if ui
                .button("Open…")
                .on_hover_text(
                    "Open a survey export (.xlsx, .csv …); you can also drop a file on the window",
                )
                .clicked()
            {
                commands.push(Command::PickFile(FilePurpose::Open));
            }
            if self.session.is_some()
                && ui
                    .button("Add file…")
                    .on_hover_text("Add another export of this consultation, such as an easy-read version or typed-up paper returns")
                    .clicked()
            {
                commands.push(Command::PickFile(FilePurpose::Add));
            }
            if let Some(session) = &self.session {
                if ui
                    .button("Save as project…")
                    .on_hover_text("Keep this analysis as a project file: your coding, quotes and choices are saved the moment you make them (Ctrl+S)")
                    .clicked()
                {
                    commands.push(Command::PickFile(FilePurpose::SaveProject));
                }
                let project = session.project.as_ref();
                if ui
                    .add_enabled(project.is_some_and(|project| project.can_undo()), egui::Button::new("Undo"))
                    .on_hover_text("Take back the last decision (Ctrl+Z)")
                    .clicked()
                {
                    commands.push(Command::Undo);
                }
                if ui
                    .add_enabled(project.is_some_and(|project| project.can_redo()), egui::Button::new("Redo"))
                    .on_hover_text("Put back the decision taken back (Ctrl+Shift+Z)")
                    .clicked()
                {
                    commands.push(Command::Redo);
                }
            }
            if self.session.is_some()
                && ui
                    .button("Present")
                    .on_hover_text("Show the charts full screen, one at a time, for a projector (F11; arrows move, Esc leaves)")
                    .clicked()
            {
                commands.push(Command::Present(true));
            }
            ui.separator();
            for view in View::ALL {
                if ui
                    .selectable_label(self.view.view == view, view.label())
                    .clicked()
                {
                    commands.push(Command::ShowView(view));
                }
            }
            let mut scale = self.settings.ui_scale;
            separated_keep_together(ui, "Size", SCALE_LIST_WIDTH);
            ui.label("Size");
            egui::ComboBox::from_id_salt("ui-scale")
                .selected_text(format!("{:.0}%", scale * 100.0))
                .width(SCALE_LIST_WIDTH)
                .show_ui(ui, |ui| {
                    for option in UI_SCALES {
                        ui.selectable_value(&mut scale, option, format!("{:.0}%", option * 100.0));
                    }
                })
                .response
                .widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Interface size")
                });
            if scale.to_bits() != self.settings.ui_scale.to_bits() {
                commands.push(Command::SetUiScale(scale));
            }
            let mut light = self.settings.light;
            if ui
                .checkbox(&mut light, "Light")
                .on_hover_text("Dark text on a light background, for projectors and bright rooms; otherwise the window follows the computer's setting")
                .changed()
            {
                commands.push(Command::SetLight(light));
            }
            if let Some(session) = &self.session {
                let about = format!(
                    "{} · {} · {}",
                    sources_name(&session.survey),
                    counted(session.summary.responses, "response"),
                    counted(session.summary.comments, "comment")
                );
                separated_keep_together(ui, &about, 0.0);
                ui.label(about);
            }
        });
        self.commands.extend(commands);
    }

    fn status_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
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
            if let Some(index) = cancel {
                self.commands.push(Command::CancelJob(index));
            }
            if !self.log.is_empty()
                && ui
                    .button(format!("Messages ({})", self.log.len()))
                    .on_hover_text("Every message since ConsultLens started, newest first")
                    .clicked()
            {
                self.commands.push(Command::ShowLog(!self.view.log_open));
            }
            if let Some(message) = self.log.last() {
                ui.colored_label(message_colour(ui, message), &message.text);
            }
        });
    }

    /// Every message kept, newest first, in a window the user opens from the status bar.
    fn log_window_ui(&mut self, ui: &egui::Ui) {
        if !self.view.log_open {
            return;
        }
        let mut open = true;
        egui::Window::new("Messages")
            .open(&mut open)
            .default_width(640.0)
            .default_height(320.0)
            .show(ui.ctx(), |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    for message in self.log.messages().rev() {
                        ui.horizontal_wrapped(|ui| {
                            ui.label(egui::RichText::new(&message.time).weak().monospace());
                            ui.colored_label(message_colour(ui, message), &message.text);
                        });
                    }
                });
            });
        if !open {
            self.commands.push(Command::ShowLog(false));
        }
    }

    /// Asks for a path to be typed when the computer has no file chooser.
    fn path_prompt_ui(&mut self, ui: &egui::Ui) {
        let Some(prompt) = &self.view.path_prompt else {
            return;
        };
        let mut commands = Vec::new();
        egui::Window::new("Type the file's path")
            .collapsible(false)
            .default_width(560.0)
            .show(ui.ctx(), |ui| {
                ui.label(
                    "This computer has no file chooser that ConsultLens can show. Type or paste the file's full path instead.",
                );
                let label = ui.label("File path");
                let mut text = prompt.text.clone();
                let field = ui
                    .add(egui::TextEdit::singleline(&mut text).desired_width(520.0))
                    .labelled_by(label.id);
                if !field.has_focus() && !field.lost_focus() && prompt.text.is_empty() {
                    field.request_focus();
                }
                if text != prompt.text {
                    commands.push(Command::EditTypedPath(text));
                }
                let entered = field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    if ui.button(prompt.purpose.action()).clicked() || entered {
                        commands.push(Command::UseTypedPath);
                    }
                    if ui.button("Cancel").clicked()
                        || ui.input(|input| input.key_pressed(egui::Key::Escape))
                    {
                        commands.push(Command::CloseTypedPath);
                    }
                });
            });
        self.commands.extend(commands);
    }

    fn central_ui(&mut self, ui: &mut egui::Ui) {
        let Some(session) = &self.session else {
            if self.jobs.is_busy() {
                ui.centered_and_justified(|ui| ui.spinner());
                return;
            }
            let mut commands = Vec::new();
            ui.heading("Open a project or a survey export");
            ui.label("Use Open… (Ctrl+O), or drop a file on this window.");
            if !self.settings.recent_projects.is_empty() {
                ui.add_space(8.0);
                ui.strong("Recent projects");
                for path in &self.settings.recent_projects {
                    if ui
                        .button(display_name(path))
                        .on_hover_text(path.display().to_string())
                        .clicked()
                    {
                        commands.push(Command::Open(path.clone()));
                    }
                }
            }
            self.commands.extend(commands);
            return;
        };
        let mut commands = Vec::new();
        let view = &self.view;
        match view.view {
            View::Data => data_view::data_ui(ui, session, &mut commands),
            View::Comments => {
                comments_view::comments_ui(ui, session, view, &self.settings, &mut commands);
                // Ctrl+F's focus was asked for as the search box was laid out.
                self.view.focus_search = false;
            }
            View::Suggestions => suggestions_view::suggestions_ui(ui, session, view, &mut commands),
            View::Themes => {
                themes_view::themes_ui(
                    ui,
                    session,
                    view,
                    &self.settings,
                    &mut self.chart_pictures,
                    &mut commands,
                );
            }
            View::Codebook => codebook_view::codebook_ui(ui, session, view, &mut commands),
            View::Export => {
                export_view::export_ui(
                    ui,
                    session,
                    view,
                    &self.settings,
                    self.jobs.is_busy(),
                    &mut commands,
                );
            }
        }
        self.commands.extend(commands);
    }

    /// Applies the queued commands: the only place the state changes. Returns whether there
    /// were any.
    pub fn apply(&mut self) -> bool {
        let commands = std::mem::take(&mut self.commands);
        let changed = !commands.is_empty();
        for command in commands {
            self.apply_one(command);
        }
        changed
    }

    fn apply_one(&mut self, command: Command) {
        let Some(command) = self.unless_awaiting_project(command) else {
            return;
        };
        match command {
            Command::Open(path) => self.open(path, None),
            Command::OpenSheet(sheet) => self.open_sheet(sheet),
            Command::AddFile(path) => self.add_file(path),
            Command::PickFile(purpose) if self.no_file_chooser => {
                self.apply_one(Command::FileChooserUnavailable(purpose));
            }
            Command::PickFile(purpose) => {
                let suggested = self.suggested_path(purpose);
                self.jobs.spawn("Choosing a file", self.waker(), move |_| {
                    Some(file_chooser::choose(purpose, &suggested))
                });
            }
            Command::FileChooserUnavailable(purpose) => {
                // Asking the system again would fail again, after a wait.
                self.no_file_chooser = true;
                let text = self.suggested_path(purpose).display().to_string();
                self.view.path_prompt = Some(PathPrompt { purpose, text });
                self.log.push(
                    "There is no file chooser on this computer; type the file's path instead."
                        .to_owned(),
                    false,
                );
            }
            Command::EditTypedPath(text) => {
                if let Some(prompt) = &mut self.view.path_prompt {
                    prompt.text = text;
                }
            }
            Command::UseTypedPath => {
                let Some(prompt) = self.view.path_prompt.take() else {
                    return;
                };
                let path = PathBuf::from(prompt.text.trim());
                if path.as_os_str().is_empty() {
                    self.view.path_prompt = Some(prompt);
                    return;
                }
                self.apply_one(match prompt.purpose {
                    FilePurpose::Open => Command::Open(path),
                    FilePurpose::Add => Command::AddFile(path),
                    FilePurpose::Export => Command::SetExportPath(path.display().to_string()),
                    FilePurpose::SaveProject => Command::SaveAsProject(path),
                    FilePurpose::LoadCodebook => Command::LoadCodebook(path),
                    FilePurpose::SaveCodebook => Command::SaveCodebook(path),
                    FilePurpose::FindSource(position) => Command::UpdateSource(position, path),
                });
            }
            Command::CloseTypedPath => {
                if let Some(prompt) = self.view.path_prompt.take() {
                    self.apply_one(Command::ChooserClosed(prompt.purpose));
                }
            }
            Command::ChooserClosed(purpose) => {
                if purpose == FilePurpose::SaveProject {
                    self.give_up_awaiting_project();
                }
            }
            Command::CancelJob(index) => {
                if let Some(job) = self.jobs.running().get(index) {
                    job.progress.cancel();
                }
            }
            Command::Loaded(session) => self.loaded(*session),
            Command::Retagged(retagged) => self.retagged(*retagged),
            Command::Failed(message) => {
                self.log.push(message, true);
                self.give_up_awaiting_project();
            }
            Command::Cancelled(what) => self.log.push(format!("Cancelled {what}."), false),
            Command::ShowView(view) => {
                let shown_again = view == View::Codebook && self.view.view != View::Codebook;
                self.view.view = view;
                // Hand coding elsewhere changes which comments have the theme now.
                if shown_again {
                    self.refresh_preview();
                }
            }
            Command::ShowPercent(show) => self.settings.show_percent = show,
            Command::SetUiScale(scale) => self.settings.ui_scale = scale,
            Command::ShowLog(open) => self.view.log_open = open,
            Command::ChartGroup(group) => self.view.chart_group = group,
            Command::SetExportPath(path) => self.view.export_path = path,
            Command::SelectComment(comment) => self.view.selected_comment = Some(comment),
            Command::Exported(what) => self.log.push(what, false),
            Command::Export(path) => {
                self.export_in_background("Exporting the summary", path, jobs::export)
            }
            Command::WriteReport(path) => {
                self.export_in_background("Writing the report", path, jobs::write_report);
            }
            Command::SaveChartImages(folder) => {
                self.export_in_background(
                    "Saving the chart images",
                    folder,
                    jobs::save_chart_images,
                );
            }
            Command::Present(on) => {
                let options = self.chart_options();
                self.presentation = on
                    .then(|| {
                        self.session
                            .as_ref()
                            .map(|session| chart_pictures::charts_now(session, &self.view, options))
                    })
                    .flatten()
                    .map(Presentation::new);
                if let Some(context) = &self.repaint {
                    context.send_viewport_cmd(egui::ViewportCommand::Fullscreen(
                        self.presentation.is_some(),
                    ));
                }
            }
            Command::MaskPersonalData(mask) => self.settings.mask_personal_data = mask,
            Command::SetRole(column, role) => self.set_role(column, role),
            Command::SetRespondentGroup(column) => self.set_respondent_group(column),
            Command::FilterTheme(theme) => {
                self.view.filter.theme = theme;
                self.refilter();
            }
            Command::ChartTop(top) => self.view.chart_top = top,
            Command::SetLight(light) => self.settings.light = light,
            Command::RollUp(rolled_up) => self.view.rolled_up = rolled_up,
            Command::ClearFilters => {
                self.view.filter = crate::analysis::Filter::default();
                self.view.sentiment = None;
                self.refilter();
            }
            Command::FilterRespondentType(value) => {
                // The same column whose groups the list offered.
                let column = self
                    .session
                    .as_ref()
                    .and_then(|session| session.summary.by_attribute.as_ref())
                    .map(|crosstab| crosstab.attribute);
                self.view.filter.attribute =
                    value.and_then(|value| column.map(|column| (column, value)));
                self.refilter();
            }
            Command::Search(text) => {
                // Typed further: the comments shown are the only ones that can still match.
                let typed_further = {
                    let before = self.view.filter.text.trim();
                    !before.is_empty() && text.trim().starts_with(before)
                };
                self.view.filter.text = text;
                let many = self.background_from;
                match &self.session {
                    Some(session)
                        if typed_further
                            && !self.view.search.running()
                            && self.view.visible_comments.len() < many =>
                    {
                        self.view.narrow(session);
                    }
                    Some(session) if session.tagging.comments.len() >= many => {
                        self.search_in_background();
                    }
                    _ => self.refilter(),
                }
            }
            Command::Searched(round, tagging, comments) => {
                let again = self
                    .session
                    .as_ref()
                    .is_some_and(|session| self.view.searched(session, round, &tagging, comments));
                if again {
                    self.search_in_background();
                }
            }
            Command::Counted(round, preview) => self.counted(round, *preview),
            Command::ShowNonAnswers(show) => {
                self.view.filter.non_answers = show;
                self.refilter();
            }
            Command::FilterQuestion(question) => {
                self.view.filter.question = question;
                self.refilter();
            }
            Command::FilterNoTheme(only) => {
                self.view.filter.no_theme = only;
                self.refilter();
            }
            Command::FilterByHand(only) => {
                self.view.filter.by_hand = only;
                self.refilter();
            }
            Command::SaveAsProject(path) => self.save_as_project(path),
            Command::Code(comment, theme, coding) => self.code(comment, theme, coding),
            Command::CodeAllShown(theme, coding) => {
                self.view.picker = None;
                self.view.bulk = Some((theme, coding));
            }
            Command::ConfirmBulk => {
                if let Some((theme, coding)) = self.view.bulk.take() {
                    self.code_all_shown(theme, coding);
                }
            }
            Command::CancelBulk => self.view.bulk = None,
            Command::StarQuote(comment, starred) => self.star(comment, starred),
            Command::EditNote(comment, text) => self.view.note_draft = Some((comment, text)),
            Command::SetNote(comment, text) => {
                self.view.note_draft = None;
                self.note(comment, text);
            }
            Command::Undo => self.turn(true),
            Command::Redo => self.turn(false),
            Command::MoveSelection(delta) => self.move_selection(delta),
            Command::OpenPicker {
                for_all_shown,
                own_themes_first,
            } => self.open_picker(for_all_shown, own_themes_first),
            Command::ClosePicker => self.view.picker = None,
            Command::PickerQuery(query) => {
                if let Some(picker) = &mut self.view.picker {
                    picker.query = query;
                    picker.highlighted = 0;
                }
            }
            Command::PickerMove(delta) => {
                if let Some(picker) = &mut self.view.picker {
                    picker.highlighted = picker.highlighted.saturating_add_signed(delta);
                }
            }
            Command::TogglePin(key) => self.toggle_pin(key),
            Command::UsePin(digit) => self.use_pin(digit),
            Command::SelectTheme(key) => self.select_theme(key),
            Command::EditThemeText(draft) => self.view.codebook.text_draft = Some(draft),
            Command::SetThemeText(draft) => self.set_theme_text(draft),
            Command::RecolourTheme(key, colour) => self.recolour_theme(key, colour),
            Command::SetThemeParent(key, parent) => self.set_theme_parent(key, parent),
            Command::ShiftTheme(key, places) => self.shift_theme(key, places),
            Command::EditNewTheme(name) => self.view.codebook.new_theme = name,
            Command::AddTheme => self.add_theme(),
            Command::EditRules {
                keywords,
                exclusions,
            } => self.edit_rules(keywords, exclusions),
            Command::ApplyRules => self.apply_rules(),
            Command::RevertRules => self.view.codebook.rules_draft = None,
            Command::ChooseMergeInto(key) => self.view.codebook.merge_into = key,
            Command::AskCodebookChange(change) => self.view.codebook.confirm = Some(change),
            Command::ConfirmCodebookChange => self.confirm_codebook_change(),
            Command::CancelCodebookChange => self.view.codebook.confirm = None,
            Command::UseBuiltInCodebook(name) => self.use_built_in_codebook(&name),
            Command::LoadCodebook(path) => self.load_codebook(&path),
            Command::SaveCodebook(path) => self.save_codebook(path),
            Command::IndexBuilt(generation, index) => self.index_built(generation, index),
            Command::UpdateSource(position, path) => self.update_source(position, path),
            Command::SourcesChanged(session, messages) => {
                for message in messages {
                    self.log.push(message, false);
                }
                self.loaded(*session);
            }
            Command::FocusSearch => {
                self.view.view = View::Comments;
                self.view.focus_search = true;
            }
            Command::Learn => self.learn(),
            Command::Learned(generation, round, result) => {
                self.learned(generation, round, *result);
            }
            Command::AnswerSuggestion(comment, theme, accepted) => {
                self.answer_suggestion(comment, theme, accepted);
            }
            Command::ReviewMove(delta) => self.review_move(delta),
            Command::SetAcceptFrom(from) => self.view.accept_from = from,
            Command::AcceptAllFrom(from) => self.accept_all_from(from),
            Command::SentimentRead(generation, read) => self.sentiments_read(generation, read),
            Command::SetSentiment(comment, sentiment) => self.set_sentiment(comment, sentiment),
            Command::Discover => self.discover(),
            Command::DiscoverIn(question) => self.discover_in(question),
            Command::Discovered(generation, groups) => self.discovered(generation, groups),
            Command::MakeThemeFromGroup(number) => self.make_theme_from_group(number),
            Command::SentimentLearned(generation, comments, learned) => {
                self.sentiment_learned(generation, &comments, *learned);
            }
            Command::FilterSentiment(sentiment) => {
                self.view.sentiment = sentiment;
                self.refilter();
            }
        }
    }

    /// Where a file chooser for `purpose` starts: the export path, or a project named after the
    /// survey beside it; nothing for files to open.
    fn suggested_path(&self, purpose: FilePurpose) -> PathBuf {
        let source = self
            .session
            .as_ref()
            .and_then(|session| session.survey.first_source())
            .map(|source| source.path.clone());
        match purpose {
            FilePurpose::Export => PathBuf::from(&self.view.export_path),
            FilePurpose::SaveProject => source
                .map(|path| path.with_extension(project::EXTENSION))
                .unwrap_or_default(),
            FilePurpose::SaveCodebook => source
                .map(|path| path.with_extension("codebook.toml"))
                .unwrap_or_default(),
            FilePurpose::FindSource(position) => self
                .session
                .as_ref()
                .and_then(|session| {
                    session
                        .sources
                        .iter()
                        .find(|(at, _, _)| *at == position)
                        .map(|(_, record, _)| record.path.clone())
                })
                .unwrap_or_default(),
            FilePurpose::Open | FilePurpose::Add | FilePurpose::LoadCodebook => PathBuf::new(),
        }
    }

    fn refilter(&mut self) {
        if let Some(session) = &self.session {
            self.view.refilter(session);
        }
    }

    /// Filters the comments on another thread; the result is shown if nothing has filtered
    /// them since.
    fn search_in_background(&mut self) {
        let Some(session) = &self.session else {
            return;
        };
        let Some(round) = self.view.search.start() else {
            return;
        };
        let survey = Arc::clone(&session.survey);
        let tagging = Arc::clone(&session.tagging);
        let codebook = session.codebook.clone();
        let filter = self.view.filter.clone();
        self.jobs
            .spawn("Searching the comments", self.waker(), move |_| {
                // On one thread: the other cores are left to the window.
                let comments = filter.apply_on(&survey, &codebook, &tagging, 1);
                Some(Command::Searched(round, tagging, comments))
            });
    }

    /// A finished load, unless a newer request to open files has superseded it.
    fn loaded(&mut self, mut session: Session) {
        if session.generation != self.generations.load {
            return;
        }
        // Saved as a project from what is on screen: the same survey, already explained.
        let saved_as = std::mem::take(&mut self.keep_view_on_load);
        let contents = format!(
            "{}: {}, {}",
            sources_name(&session.survey),
            counted(session.survey.response_count(), "response"),
            counted(session.summary.comments, "comment")
        );
        let opened = match &session.project {
            Some(project) if saved_as => format!(
                "Saved as the project {}: each decision is saved as you make it",
                display_name(project.path())
            ),
            Some(project) => format!(
                "Opened the project {} (each decision is saved as you make it) from {contents}",
                display_name(project.path())
            ),
            None => format!("Opened {contents}"),
        };
        self.log.push(opened, false);
        if !saved_as {
            for warning in &session.report.warnings {
                self.log.push(format!("Note: {warning}"), false);
            }
        }
        if let Some(project) = &session.project {
            self.settings.remember_project(project.path());
        }
        if saved_as {
            self.view.refilter(&session);
        } else {
            self.view.reset_for(&session);
        }
        let saved = session.project.is_some();
        session
            .sentiments
            .take_set_from(session.project.as_ref(), &session.keys);
        self.session = Some(session);
        self.read_sentiments();
        if saved {
            for command in std::mem::take(&mut self.awaiting_project) {
                self.apply_one(command);
            }
            self.learn();
        }
    }

    /// Records the role chosen for a column and starts tagging again with it.
    fn set_role(&mut self, column: ColumnId, role: crate::model::ColumnRole) {
        let Some(session) = &mut self.session else {
            return;
        };
        let Some(name) = session
            .survey
            .column(column)
            .map(|found| found.name.clone())
        else {
            return;
        };
        session.role_choices.choose(&name, role);
        let decision = project::Decision::Role {
            question: session.keys.question(column).to_owned(),
            role,
        };
        let description = format!("made \"{name}\" {}", role.label().to_lowercase());
        if self.record_survey_choice(&description, decision) {
            self.retag_in_background(None);
        }
    }

    /// Records the attribute chosen to split the themes by respondent type (`None`: let
    /// ConsultLens find it) and counts again with it.
    fn set_respondent_group(&mut self, column: Option<ColumnId>) {
        let Some(session) = &mut self.session else {
            return;
        };
        let name = column
            .and_then(|column| session.survey.column(column))
            .map(|found| found.name.clone());
        session
            .role_choices
            .choose_respondent_group(name.as_deref());
        let decision = project::Decision::RespondentGroup {
            question: column.map(|column| session.keys.question(column).to_owned()),
        };
        let description = match &name {
            Some(name) => format!("split the themes by \"{name}\""),
            None => "let ConsultLens choose the respondent group".to_owned(),
        };
        if self.record_survey_choice(&description, decision) {
            self.retag_in_background(None);
        }
    }

    /// Keeps a choice about how the survey is read in the open project, if there is one (a
    /// survey opened to look at keeps it in the session only). Returns whether it may be shown.
    fn record_survey_choice(&mut self, description: &str, decision: project::Decision) -> bool {
        let Some(project) = self
            .session
            .as_mut()
            .and_then(|session| session.project.as_mut())
        else {
            return true;
        };
        match project.decide(description, vec![decision]) {
            Ok(()) => true,
            Err(error) => {
                self.log.push(error.to_string(), true);
                false
            }
        }
    }

    /// Gives the survey the roles chosen (shown at once) and tags and summarises it again in
    /// the background, with `codebook` when it changed, the hand coding in force put back.
    fn retag_in_background(&mut self, codebook: Option<Codebook>) {
        let waker = self.waker();
        let Some(session) = &mut self.session else {
            return;
        };
        session
            .role_choices
            .apply_to(Arc::make_mut(&mut session.survey));
        let survey = Arc::clone(&session.survey);
        let codebook = codebook.unwrap_or_else(|| session.codebook.clone());
        let hand_coding = session
            .project
            .as_ref()
            .map(|project| project.hand_coding(&session.keys, &codebook).0)
            .unwrap_or_default();
        self.generations.retag += 1;
        let basis = RetagBasis {
            session: session.generation,
            retag: self.generations.retag,
            history: history_length(session),
        };
        self.jobs
            .spawn("Re-tagging comments", waker, move |progress| {
                Some(jobs::retag(survey, codebook, &hand_coding, basis, progress))
            });
    }

    /// A finished re-tagging, unless the session changed or a newer change superseded it; when
    /// decisions were made meanwhile, it is done again so that they show.
    fn retagged(&mut self, retagged: Retagged) {
        let Some(session) = &mut self.session else {
            return;
        };
        if retagged.basis.session != session.generation
            || retagged.basis.retag != self.generations.retag
        {
            return;
        }
        if retagged.basis.history != history_length(session) {
            self.retag_in_background(Some(retagged.codebook));
            return;
        }
        let codebook_changed = retagged.codebook != session.codebook;
        let comments_changed = retagged.tagging.comments != session.tagging.comments;
        if codebook_changed {
            // Themes are positions in the codebook: what the view points at moves with its key.
            let moved = |theme: Option<ThemeId>| {
                theme
                    .and_then(|id| session.codebook.theme(id))
                    .and_then(|found| retagged.codebook.find(&found.key))
            };
            self.view.filter.theme = moved(self.view.filter.theme);
            self.view.chart_group = moved(self.view.chart_group);
            self.view.bulk = None;
            session.codebook = retagged.codebook;
        }
        session.rules = retagged.rules;
        if comments_changed {
            session.index = None;
            session.discovery = state::Discovery::default();
        }
        if codebook_changed || comments_changed {
            // Suggestions name themes and comments by position: learned again below.
            session.learning.suggestions = None;
            session.learning.round += 1;
        }
        session.survey = retagged.survey;
        session.tagging = Arc::new(retagged.tagging);
        session.summary = retagged.summary;
        // A respondent-type filter on a column that no longer splits the summary is dropped.
        let split_by = session
            .summary
            .by_attribute
            .as_ref()
            .map(|crosstab| crosstab.attribute);
        if self
            .view
            .filter
            .attribute
            .as_ref()
            .is_some_and(|(column, _)| Some(*column) != split_by)
        {
            self.view.filter.attribute = None;
        }
        self.view.refilter(session);
        self.refresh_preview();
        if comments_changed {
            self.read_sentiments();
        }
        if codebook_changed || comments_changed {
            self.learn();
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

fn message_colour(ui: &egui::Ui, message: &StatusMessage) -> egui::Color32 {
    if message.is_error {
        ui.visuals().error_fg_color
    } else {
        ui.visuals().text_color()
    }
}

/// How many steps the open project's history has; none without a project.
fn history_length(session: &Session) -> usize {
    session
        .project
        .as_ref()
        .map_or(0, |project| project.history().len())
}

/// The survey's file name, or "N files" when several were combined.
pub fn sources_name(survey: &crate::model::Survey) -> String {
    match survey.sources.as_slice() {
        [only] => display_name(&only.path),
        several => format!("{} files", several.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ColumnId, ColumnRole};
    use crate::progress::Progress;

    fn app_on_sample() -> App {
        let mut app = App::new(Settings::default());
        app.open(sample_path(), None);
        app.finish_jobs();
        assert!(app.session.is_some(), "{:?}", app.last_status());
        app
    }

    #[test]
    fn a_cancelled_open_is_reported_as_cancelled_not_as_an_error() {
        let progress = Progress::new();
        progress.cancel();
        let codebook = Codebook::built_in(DEFAULT_CODEBOOK).expect("built in");
        let command = jobs::load(
            LoadRequest {
                source: LoadSource::Files {
                    paths: vec![sample_path()],
                    sheet: None,
                    codebook,
                    role_choices: RoleChoices::default(),
                },
                generation: 1,
            },
            &progress,
        );
        let mut app = App::new(Settings::default());
        app.push(command);
        app.apply();
        let status = app.last_status().expect("a message");
        assert!(!status.is_error, "{status:?}");
        assert_eq!(status.text, "Cancelled opening send_consultation.xlsx.");
    }

    #[test]
    fn an_older_retag_result_does_not_win_over_a_newer_one() {
        let mut app = app_on_sample();
        let column_named = |app: &App, name: &str| {
            let survey = &app.session.as_ref().expect("session").survey;
            survey
                .columns
                .iter()
                .position(|column| column.name.starts_with(name))
                .map(ColumnId::at)
                .expect("column")
        };
        let id = column_named(&app, "Id");
        let area = column_named(&app, "Which area");
        app.push(Command::SetRole(id, ColumnRole::Ignore));
        app.push(Command::SetRole(area, ColumnRole::Ignore));
        app.apply();
        // The newer result arrives first, the older one after it.
        let finished = app.jobs.wait_all();
        assert_eq!(finished.len(), 2);
        for command in finished.into_iter().rev() {
            app.push(command);
        }
        app.apply();
        let survey = &app.session.as_ref().expect("session").survey;
        let role = |column: ColumnId| survey.column(column).map(|column| column.role);
        assert_eq!(role(id), Some(ColumnRole::Ignore));
        assert_eq!(role(area), Some(ColumnRole::Ignore), "the older result won");
    }

    #[test]
    fn a_role_change_is_summarised_off_the_ui_thread() {
        let mut app = app_on_sample();
        let session = app.session.as_ref().expect("session");
        let mut summary = session.summary.clone();
        // A summary no UI-thread recount would give: applying must take it as it is.
        summary.untagged_comments = 123_456;
        app.generations.retag += 1;
        let retagged = Retagged {
            basis: RetagBasis {
                session: session.generation,
                retag: app.generations.retag,
                history: 0,
            },
            survey: session.survey.clone(),
            codebook: session.codebook.clone(),
            rules: crate::tagging::RuleSet::new(&session.codebook),
            tagging: crate::tagging::Tagging::clone(&session.tagging),
            summary,
        };
        app.push(Command::Retagged(Box::new(retagged)));
        app.apply();
        let session = app.session.as_ref().expect("session");
        assert_eq!(session.summary.untagged_comments, 123_456);
    }
}
