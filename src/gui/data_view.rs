//! The Data view: each column with its detected role, which the user can change.

use egui_extras::{Column as TableColumn, TableBuilder};

use super::state::{Command, FilePurpose, Session};
use super::widgets::keep_together;
use crate::import::column_letters;
use crate::model::{ColumnId, ColumnRole};
use crate::project::SourceStatus;
use crate::wording::counted;

/// The width of the respondent group list.
const RESPONDENT_GROUP_WIDTH: f32 = 280.0;

/// Lists the columns, their roles and why; a role change re-tags the comments.
pub fn data_ui(ui: &mut egui::Ui, session: &Session, commands: &mut Vec<Command>) {
    let survey = &session.survey;
    ui.heading("Columns and what they hold");
    for source in &survey.sources {
        ui.label(source.describe());
    }
    project_sources_ui(ui, session, commands);
    if survey.sources.len() == 1 && session.report.sheets.len() > 1 {
        sheet_choice_ui(ui, session, commands);
    }
    respondent_group_ui(ui, session, commands);
    if let Some(platform) = session.report.platform {
        ui.label(format!("Laid out like a {platform} export."));
    }
    ui.label(format!(
        "{}. Free-text columns are tagged with themes; personal data is never exported.",
        counted(survey.response_count(), "response")
    ));
    for warning in &session.report.warnings {
        ui.colored_label(ui.visuals().warn_fg_color, format!("Note: {warning}"));
    }
    ui.add_space(6.0);
    // A narrow window (or a large interface size) scrolls the table sideways.
    egui::ScrollArea::horizontal().show(ui, |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .column(TableColumn::auto().at_least(40.0))
            .column(TableColumn::initial(360.0).at_least(120.0).clip(true))
            .column(TableColumn::initial(170.0))
            .column(TableColumn::auto().at_least(60.0))
            .column(TableColumn::initial(260.0).clip(true))
            .column(TableColumn::remainder().clip(true))
            .header(24.0, |mut header| {
                for title in [
                    "Column",
                    "Question",
                    "Role",
                    "Answers",
                    "Why this role",
                    "Example",
                ] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(28.0, survey.columns.len(), |mut row| {
                    let index = row.index();
                    let Some(column) = survey.columns.get(index) else {
                        return;
                    };
                    row.col(|ui| {
                        ui.label(column.source_index.map(column_letters).unwrap_or_default());
                    });
                    row.col(|ui| {
                        ui.label(&column.name).on_hover_text(&column.name);
                    });
                    row.col(|ui| {
                        let mut role = column.role;
                        egui::ComboBox::from_id_salt(("role", index))
                            .selected_text(role.label())
                            .width(160.0)
                            .show_ui(ui, |ui| {
                                for option in ColumnRole::ALL {
                                    ui.selectable_value(&mut role, option, option.label());
                                }
                            })
                            .response
                            .widget_info(|| {
                                egui::WidgetInfo::labeled(
                                    egui::Role::ComboBox,
                                    true,
                                    format!("Role of {}", column.name),
                                )
                            });
                        if role != column.role {
                            commands.push(Command::SetRole(ColumnId::at(index), role));
                        }
                    });
                    row.col(|ui| {
                        ui.label(column.filled().to_string());
                    });
                    row.col(|ui| {
                        ui.label(&column.role_reason);
                    });
                    row.col(|ui| {
                        let example = column
                            .values
                            .iter()
                            .find(|value| !value.is_empty())
                            .map(crate::model::ValueRef::display);
                        let shown = if column.role == ColumnRole::Personal {
                            "(hidden: personal data)".to_owned()
                        } else {
                            example.unwrap_or_default()
                        };
                        ui.label(shown);
                    });
                });
            });
    });
}

/// Which worksheet of the workbook is read; choosing another reads it instead.
fn sheet_choice_ui(ui: &mut egui::Ui, session: &Session, commands: &mut Vec<Command>) {
    let current = session
        .survey
        .first_source()
        .and_then(|source| source.sheet.clone())
        .unwrap_or_default();
    ui.horizontal(|ui| {
        let label = ui.label("Worksheet");
        let mut chosen = current.clone();
        egui::ComboBox::from_id_salt("worksheet")
            .selected_text(&current)
            .show_ui(ui, |ui| {
                for sheet in &session.report.sheets {
                    ui.selectable_value(&mut chosen, sheet.clone(), sheet);
                }
            })
            .response
            .labelled_by(label.id);
        if chosen != current {
            commands.push(Command::OpenSheet(chosen));
        }
    });
}

/// Which attribute splits the themes by respondent type: found by ConsultLens, or chosen.
pub fn respondent_group_ui(ui: &mut egui::Ui, session: &Session, commands: &mut Vec<Command>) {
    let survey = &session.survey;
    let attributes = survey.columns_with_role(ColumnRole::Attribute);
    if attributes.is_empty() {
        return;
    }
    let name_of = |column: ColumnId| survey.column(column).map_or("", |found| &found.name);
    let found = crate::analysis::respondent_type_column(survey);
    let current = survey
        .respondent_group
        .filter(|chosen| attributes.contains(chosen));
    let automatic = match found {
        Some(column) if current.is_none() => format!("Found by ConsultLens: {}", name_of(column)),
        _ => "Let ConsultLens find it".to_owned(),
    };
    ui.horizontal_wrapped(|ui| {
        keep_together(ui, "Split the themes by", RESPONDENT_GROUP_WIDTH);
        let label = ui.label("Split the themes by");
        let mut chosen = current;
        egui::ComboBox::from_id_salt("respondent-group")
            .selected_text(
                current.map_or_else(|| automatic.clone(), |column| name_of(column).to_owned()),
            )
            .width(RESPONDENT_GROUP_WIDTH)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut chosen, None, &automatic);
                for &column in &attributes {
                    ui.selectable_value(&mut chosen, Some(column), name_of(column));
                }
            })
            .response
            .labelled_by(label.id);
        if chosen != current {
            commands.push(Command::SetRespondentGroup(chosen));
        }
    });
}

/// A project's source files: whether each is still where it was, unchanged, and the way to
/// find a moved one or read a newer copy.
fn project_sources_ui(ui: &mut egui::Ui, session: &Session, commands: &mut Vec<Command>) {
    for (position, record, status) in &session.sources {
        let name = crate::files::display_name(&record.path);
        let (note, action) = match status {
            SourceStatus::Ok => continue,
            SourceStatus::Changed => (
                format!(
                    "{name} has changed since the project read it; the project still reads its own copy."
                ),
                "Re-import the newer file",
            ),
            SourceStatus::Missing => (
                format!(
                    "{name} is no longer at {}; the project reads its own copy.",
                    record.path.display()
                ),
                "Find the file…",
            ),
        };
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(ui.visuals().warn_fg_color, note);
            let button = ui.button(action).on_hover_text(
                "Hand coding stays with each comment; the comments whose text changed are listed in Messages",
            );
            if button.clicked() {
                commands.push(match status {
                    SourceStatus::Changed => Command::UpdateSource(*position, record.path.clone()),
                    _ => Command::PickFile(FilePurpose::FindSource(*position)),
                });
            }
        });
    }
}
