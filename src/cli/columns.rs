//! The column a user names on the command line.

use std::path::Path;

use anyhow::Context;

use crate::heading::normalise_heading;
use crate::model::{ColumnId, Survey};

/// The column named `name`, exactly or as its heading reads.
pub fn column_named(survey: &Survey, name: &str, file: &Path) -> anyhow::Result<ColumnId> {
    let wanted = normalise_heading(name);
    survey
        .columns
        .iter()
        .position(|column| column.name == name)
        .or_else(|| {
            survey
                .columns
                .iter()
                .position(|column| normalise_heading(&column.name) == wanted)
        })
        .map(ColumnId::at)
        .with_context(|| {
            let names: Vec<&str> = survey
                .columns
                .iter()
                .map(|column| column.name.as_str())
                .collect();
            format!(
                "no column \"{name}\" (the columns are: {}): {}",
                names.join(", "),
                file.display()
            )
        })
}
