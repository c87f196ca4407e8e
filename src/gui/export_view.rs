//! The Export view: where the summary workbook goes and what it holds.

use std::path::{Path, PathBuf};

use super::state::{Command, FilePurpose, Session, Settings, ViewState};
use crate::export::SHEET_NAMES;
use crate::model::ColumnRole;

/// The export path, a button to choose it, and the button that writes the workbook.
pub fn export_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ViewState,
    settings: &Settings,
    busy: bool,
    commands: &mut Vec<Command>,
) {
    ui.heading("Export the summary workbook");
    ui.label(format!(
        "An Excel workbook for colleagues, with these sheets: {}. The themes sheet has a bar chart you can edit in Excel or PowerPoint.",
        SHEET_NAMES.join(", ")
    ));
    let personal: Vec<&str> = session
        .survey
        .columns
        .iter()
        .filter(|column| column.role == ColumnRole::Personal)
        .map(|column| column.name.as_str())
        .collect();
    if personal.is_empty() {
        ui.label("No column is marked as personal data.");
    } else {
        ui.label(format!(
            "Left out as personal data: {}.",
            personal.join(", ")
        ));
    }
    let mut mask = settings.mask_personal_data;
    if ui
        .checkbox(
            &mut mask,
            "Mask personal data in comments: email addresses, phone numbers, postcodes and respondents' names",
        )
        .on_hover_text("Turn off only for a workbook kept inside the service")
        .changed()
    {
        commands.push(Command::MaskPersonalData(mask));
    }
    ui.add_space(8.0);
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Save as");
        let mut path = view.export_path.clone();
        ui.add(egui::TextEdit::singleline(&mut path).desired_width(520.0))
            .labelled_by(label.id);
        if path != view.export_path {
            commands.push(Command::SetExportPath(path));
        }
        if ui
            .add_enabled(!busy, egui::Button::new("Choose…"))
            .clicked()
        {
            commands.push(Command::PickFile(FilePurpose::Export));
        }
    });
    ui.add_space(8.0);
    let can_export = !busy && !view.export_path.trim().is_empty();
    if ui
        .add_enabled(can_export, egui::Button::new("Export summary workbook"))
        .clicked()
    {
        commands.push(Command::Export(PathBuf::from(view.export_path.trim())));
    }
    ui.add_space(16.0);
    ui.heading("The report and the charts");
    let report = report_path(&view.export_path);
    ui.label(format!(
        "The report is one web page to publish or print to PDF: introduction and method, \
         summary, closed questions, each theme with quotes (starred ones first), appendices. It \
         goes beside the workbook: {}",
        report.display()
    ));
    if ui
        .add_enabled(can_export, egui::Button::new("Write the report"))
        .clicked()
    {
        commands.push(Command::WriteReport(report));
    }
    let folder = charts_folder(&view.export_path);
    ui.label(format!(
        "Every chart as PNG (2000 pixels wide, for slides) and SVG, as presentation mode shows \
         them (F11), in {}",
        folder.display()
    ));
    if ui
        .add_enabled(can_export, egui::Button::new("Save chart images"))
        .clicked()
    {
        commands.push(Command::SaveChartImages(folder));
    }
}

/// The report beside the workbook: "summary.xlsx" gives "summary.html".
pub fn report_path(export_path: &str) -> PathBuf {
    Path::new(export_path.trim()).with_extension("html")
}

/// The chart images' folder beside the workbook: "summary.xlsx" gives "summary charts".
pub fn charts_folder(export_path: &str) -> PathBuf {
    let workbook = Path::new(export_path.trim());
    let stem = workbook
        .file_stem()
        .map_or_else(|| "consultation".into(), |stem| stem.to_string_lossy());
    workbook.with_file_name(format!("{stem} charts"))
}
