//! Several exports of one consultation (online survey, easy-read version, typed-up paper returns)
//! combined into one survey: columns matched by their normalised heading, a Source attribute added.

use super::report::{ImportReport, ImportWarning, Imported};
use super::roles;
use crate::files::display_name;
use crate::heading::normalise_heading;
use crate::model::{Column, ColumnRole, Survey, Value, Values};

/// The name of the column that says which file each response came from.
pub const SOURCE_COLUMN: &str = "Source";

/// Combines imported files in order. Warnings of each file are kept, naming the file.
pub fn combine(parts: Vec<Imported>) -> Imported {
    let mut report = ImportReport::default();
    let mut columns: Vec<Column> = Vec::new();
    // Each combined column's values, grown file by file and held in the column at the end.
    let mut combined_values: Vec<Vec<Value>> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut files_with: Vec<Vec<String>> = Vec::new();
    let mut role_disagrees: Vec<bool> = Vec::new();
    let mut sources = Vec::new();
    let mut source_rows = Vec::new();
    let mut file_of_response: Vec<Value> = Vec::new();
    let mut file_names = Vec::new();

    let platforms: Vec<_> = parts.iter().map(|part| part.report.platform).collect();
    if platforms.windows(2).all(|pair| pair.first() == pair.get(1)) {
        report.platform = platforms.first().copied().flatten();
    }
    for part in parts {
        let file = part
            .survey
            .first_source()
            .map(|source| display_name(&source.path))
            .unwrap_or_default();
        report
            .warnings
            .extend(
                part.report
                    .warnings
                    .into_iter()
                    .map(|warning| ImportWarning::InFile {
                        file: file.clone(),
                        warning: Box::new(warning),
                    }),
            );
        let before = file_of_response.len();
        let responses = part.survey.response_count();
        for column in part.survey.columns {
            let key = normalise_heading(&column.name);
            let position = keys
                .iter()
                .position(|existing| *existing == key)
                .unwrap_or_else(|| {
                    keys.push(key);
                    files_with.push(Vec::new());
                    role_disagrees.push(false);
                    // The values move in below; only the description is copied.
                    columns.push(Column {
                        name: column.name.clone(),
                        role: column.role,
                        role_reason: column.role_reason.clone(),
                        source_index: column.source_index,
                        values: Values::default(),
                    });
                    combined_values.push(Vec::new());
                    columns.len() - 1
                });
            let (Some(target), Some(values), Some(files), Some(disagrees)) = (
                columns.get(position),
                combined_values.get_mut(position),
                files_with.get_mut(position),
                role_disagrees.get_mut(position),
            ) else {
                continue;
            };
            values.resize(before, Value::Empty);
            values.extend(column.values.into_vec());
            *disagrees |= target.role != column.role;
            files.push(file.clone());
        }
        file_of_response.extend(std::iter::repeat_n(
            Value::Text(file.as_str().into()),
            responses,
        ));
        for values in &mut combined_values {
            values.resize(file_of_response.len(), Value::Empty);
        }
        sources.extend(part.survey.sources);
        source_rows.extend(part.survey.source_rows);
        file_names.push(file);
    }

    for (((column, values), files), disagrees) in columns
        .iter_mut()
        .zip(&combined_values)
        .zip(&files_with)
        .zip(&role_disagrees)
    {
        if files.len() < file_names.len() {
            let missing = file_names
                .iter()
                .filter(|file| !files.contains(file))
                .cloned()
                .collect();
            report.warn(ImportWarning::ColumnNotInEveryFile {
                column: column.name.clone(),
                missing_from: missing,
            });
        }
        if *disagrees {
            let guess = roles::detect(
                &column.name,
                None,
                values,
                column.source_index.unwrap_or(usize::MAX),
            );
            column.role = guess.role;
            column.role_reason = guess.reason;
        }
    }
    columns.insert(
        0,
        Column {
            name: SOURCE_COLUMN.to_owned(),
            role: ColumnRole::Attribute,
            role_reason: "the file each response came from".to_owned(),
            source_index: None,
            values: Values::default(),
        },
    );
    combined_values.insert(0, file_of_response);
    for (column, values) in columns
        .iter_mut()
        .zip(combined_values.into_iter().map(Values::from))
    {
        column.values = values;
    }
    if !columns
        .iter()
        .any(|column| column.role == ColumnRole::FreeText)
    {
        let files = sources
            .iter()
            .map(|source| source.path.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        report.warn(ImportWarning::NoFreeTextColumn { file: files });
    }
    Imported {
        survey: Survey {
            sources,
            columns,
            source_rows,
            respondent_group: None,
        },
        report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{ImportOptions, import_bytes};
    use crate::model::ValueRef;
    use crate::progress::Progress;
    use std::path::Path;

    fn import_csv(name: &str, text: &str) -> Imported {
        import_bytes(
            Path::new(name),
            text.as_bytes(),
            &ImportOptions::default(),
            &Progress::new(),
        )
        .expect("imports")
    }

    #[test]
    fn columns_match_by_normalised_heading_and_source_is_added() {
        let online = import_csv(
            "online.csv",
            "Which of these best describes you?,Any other comments?\nParent or carer,We waited a year for the EHCP\nYoung person,More help with anxiety at school please\n",
        );
        let paper = import_csv(
            "paper.csv",
            "which of these best describes you,ANY OTHER COMMENTS,Postcode\nSENCO or teacher,Staff need training on autism\n",
        );
        let combined = combine(vec![online, paper]);
        let survey = &combined.survey;
        assert_eq!(survey.response_count(), 3);
        assert_eq!(survey.sources.len(), 2);
        let names: Vec<&str> = survey
            .columns
            .iter()
            .map(|column| column.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "Source",
                "Which of these best describes you?",
                "Any other comments?",
                "Postcode"
            ]
        );
        let source: Vec<String> = survey.columns[0]
            .values
            .iter()
            .map(ValueRef::display)
            .collect();
        assert_eq!(source, ["online.csv", "online.csv", "paper.csv"]);
        let comments: Vec<String> = survey.columns[2]
            .values
            .iter()
            .map(ValueRef::display)
            .collect();
        assert_eq!(comments[2], "Staff need training on autism");
        assert!(
            survey.columns[3]
                .values
                .range(0..2)
                .expect("two rows")
                .all(ValueRef::is_empty)
        );
        assert!(
            combined
                .report
                .warnings
                .contains(&ImportWarning::ColumnNotInEveryFile {
                    column: "Postcode".to_owned(),
                    missing_from: vec!["online.csv".to_owned()],
                })
        );
    }
}
