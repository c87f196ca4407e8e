//! Codebooks kept as a spreadsheet, as MAXQDA and Excel users keep them: a row per theme with a
//! Theme column (or Name, or Code) and optionally Parent (a theme's name or id), Description (or
//! Memo), Keywords, Exclude (or Exclusions), Colour and Id. Headings are matched ignoring case
//! and punctuation; only the cells' text is used, whatever roles the import guessed.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::edit::{clean_phrases, key_from_name, new_theme, normalise_colour, unique_key};
use super::{Codebook, CodebookError, Theme};
use crate::heading::normalise_heading;
use crate::import::{self, ImportError, ImportOptions};
use crate::model::{Survey, ValueRef};
use crate::progress::Progress;

/// The headings each column may have, normalised, in order of preference.
const THEME_HEADINGS: [&str; 3] = ["theme", "name", "code"];
const PARENT_HEADINGS: [&str; 1] = ["parent"];
const DESCRIPTION_HEADINGS: [&str; 2] = ["description", "memo"];
const KEYWORD_HEADINGS: [&str; 2] = ["keywords", "keyword"];
const EXCLUDE_HEADINGS: [&str; 2] = ["exclude", "exclusions"];
const COLOUR_HEADINGS: [&str; 2] = ["colour", "color"];
const ID_HEADINGS: [&str; 1] = ["id"];

/// What separates keywords (and exclusions) written in one cell.
const PHRASE_SEPARATORS: [char; 3] = [';', ',', '\n'];

impl Codebook {
    /// Reads a codebook kept as a spreadsheet, named after the file: a row per theme under the
    /// headings Theme (or Name, or Code), and optionally Parent, Description (or Memo), Keywords,
    /// Exclude (or Exclusions), Colour and Id. Parents may come after their themes; a parent
    /// named but given no row of its own becomes a top-level theme. Rows without an id get one
    /// made from the name.
    ///
    /// # Errors
    /// [`CodebookError::Import`] when the file cannot be read as a spreadsheet,
    /// [`CodebookError::Sheet`] naming the row when the sheet has no Theme column, lists no
    /// themes, nests three levels, repeats an id or has a colour that is not `#RRGGBB`.
    pub fn from_sheet(path: &Path) -> Result<Self, CodebookError> {
        let survey = read_cells(path)?;
        let rows = read_rows(path, &survey)?;
        let themes = themes_from_rows(path, &rows)?;
        let name = path.file_stem().map_or_else(
            || "Codebook".to_owned(),
            |stem| stem.to_string_lossy().into_owned(),
        );
        let codebook = Codebook {
            name,
            description: String::new(),
            themes,
        };
        codebook
            .validate()
            .map_err(|detail| CodebookError::Invalid {
                path: path.to_owned(),
                detail,
            })?;
        Ok(codebook)
    }
}

/// One theme's row as written.
struct Row {
    /// Its 1-based row in the sheet, for messages.
    line: usize,
    name: String,
    parent: String,
    description: String,
    keywords: Vec<String>,
    exclude: Vec<String>,
    colour: String,
    id: String,
}

fn sheet_problem(path: &Path, detail: String) -> CodebookError {
    CodebookError::Sheet {
        path: path.to_owned(),
        detail,
    }
}

fn no_themes(path: &Path) -> CodebookError {
    sheet_problem(path, "the codebook sheet lists no themes".to_owned())
}

/// The sheet's cells by column; a sheet with nothing under its headings lists no themes.
fn read_cells(path: &Path) -> Result<Survey, CodebookError> {
    match import::import_file(path, &ImportOptions::default(), &Progress::new()) {
        Ok(imported) => Ok(imported.survey),
        Err(
            ImportError::EmptyFile { .. }
            | ImportError::NoData { .. }
            | ImportError::NoResponses { .. },
        ) => Err(no_themes(path)),
        Err(error) => Err(CodebookError::Import(error)),
    }
}

/// The rows that name a theme, blank ones left out.
fn read_rows(path: &Path, survey: &Survey) -> Result<Vec<Row>, CodebookError> {
    let column = |headings: &[&str]| {
        headings.iter().find_map(|heading| {
            survey
                .columns
                .iter()
                .position(|column| normalise_heading(&column.name) == *heading)
        })
    };
    let Some(theme_column) = column(&THEME_HEADINGS) else {
        return Err(sheet_problem(
            path,
            "the codebook sheet has no Theme column (nor Name or Code) for the themes' names"
                .to_owned(),
        ));
    };
    let parent_column = column(&PARENT_HEADINGS);
    let description_column = column(&DESCRIPTION_HEADINGS);
    let keyword_column = column(&KEYWORD_HEADINGS);
    let exclude_column = column(&EXCLUDE_HEADINGS);
    let colour_column = column(&COLOUR_HEADINGS);
    let id_column = column(&ID_HEADINGS);
    let cell = |column: Option<usize>, row: usize| {
        column
            .and_then(|column| survey.columns.get(column))
            .and_then(|column| column.values.get(row))
            .map(ValueRef::display)
            .map(|text| text.trim().to_owned())
            .unwrap_or_default()
    };
    let phrases = |column: Option<usize>, row: usize| {
        clean_phrases(cell(column, row).split(PHRASE_SEPARATORS))
    };

    let mut rows = Vec::with_capacity(survey.response_count());
    for (index, &line) in survey.source_rows.iter().enumerate() {
        let row = Row {
            line: line as usize,
            name: cell(Some(theme_column), index),
            parent: cell(parent_column, index),
            description: cell(description_column, index),
            keywords: phrases(keyword_column, index),
            exclude: phrases(exclude_column, index),
            colour: cell(colour_column, index),
            id: cell(id_column, index),
        };
        let is_blank = row.parent.is_empty()
            && row.description.is_empty()
            && row.keywords.is_empty()
            && row.exclude.is_empty()
            && row.colour.is_empty()
            && row.id.is_empty();
        match (row.name.is_empty(), is_blank) {
            (false, _) => rows.push(row),
            // Cells only in columns that are not the codebook's: notes beside it.
            (true, true) => {}
            (true, false) => {
                return Err(sheet_problem(
                    path,
                    format!("row {line} of the codebook sheet has no theme name"),
                ));
            }
        }
    }
    if rows.is_empty() {
        return Err(no_themes(path));
    }
    Ok(rows)
}

/// The rows as themes in sheet order, each parent named but not listed put before its first
/// theme.
fn themes_from_rows(path: &Path, rows: &[Row]) -> Result<Vec<Theme>, CodebookError> {
    let keys = row_keys(path, rows)?;
    let mut taken: HashSet<String> = keys.iter().cloned().collect();
    // Parents given no row of their own: (key, name, the row of their first theme).
    let mut unlisted_parents: Vec<(String, String, usize)> = Vec::new();
    let mut parent_keys: Vec<Option<String>> = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        if row.parent.is_empty() {
            parent_keys.push(None);
            continue;
        }
        // A parent is named by its id, else by its name.
        let numbered = || rows.iter().zip(&keys).enumerate();
        let listed = numbered()
            .find(|(_, (_, key))| **key == row.parent)
            .or_else(|| numbered().find(|(_, (other, _))| same_name(&other.name, &row.parent)));
        let parent_key = match listed {
            Some((position, _)) if position == index => {
                return Err(sheet_problem(
                    path,
                    format!(
                        "row {}: \"{}\" names itself as its parent",
                        row.line, row.name
                    ),
                ));
            }
            Some((_, (parent, _))) if !parent.parent.is_empty() => {
                return Err(sheet_problem(
                    path,
                    format!(
                        "row {}: \"{}\" is under \"{}\", which is itself under \"{}\"; themes go at most two levels deep",
                        row.line, row.name, parent.name, parent.parent
                    ),
                ));
            }
            Some((_, (_, key))) => Some(key.clone()),
            None => match unlisted_parents
                .iter()
                .find(|(_, name, _)| same_name(name, &row.parent))
            {
                Some((key, _, _)) => Some(key.clone()),
                None => {
                    let key = unique_key(&key_from_name(&row.parent), |key| taken.contains(key));
                    taken.insert(key.clone());
                    unlisted_parents.push((key.clone(), row.parent.clone(), index));
                    Some(key)
                }
            },
        };
        parent_keys.push(parent_key);
    }

    let mut themes = Vec::with_capacity(rows.len() + unlisted_parents.len());
    for (index, ((row, key), parent)) in rows.iter().zip(keys).zip(parent_keys).enumerate() {
        for (parent_key, name, _) in unlisted_parents
            .iter()
            .filter(|(_, _, first_theme)| *first_theme == index)
        {
            themes.push(new_theme(parent_key, name, None));
        }
        let colour = match row.colour.as_str() {
            "" => None,
            written => Some(normalise_colour(written).ok_or_else(|| {
                sheet_problem(
                    path,
                    format!(
                        "row {}: \"{}\" has the colour \"{written}\"; write colours as #RRGGBB, such as #0072B2",
                        row.line, row.name
                    ),
                )
            })?),
        };
        themes.push(Theme {
            colour,
            description: row.description.clone(),
            keywords: row.keywords.clone(),
            exclude: row.exclude.clone(),
            ..new_theme(&key, &row.name, parent)
        });
    }
    Ok(themes)
}

/// Each row's key: its id, else one made from its name that no id or earlier row has.
fn row_keys(path: &Path, rows: &[Row]) -> Result<Vec<String>, CodebookError> {
    let mut lines_by_id: HashMap<&str, usize> = HashMap::new();
    for row in rows.iter().filter(|row| !row.id.is_empty()) {
        if let Some(first) = lines_by_id.insert(&row.id, row.line) {
            return Err(sheet_problem(
                path,
                format!(
                    "rows {first} and {} both have the id \"{}\"",
                    row.line, row.id
                ),
            ));
        }
    }
    let mut taken: HashSet<String> = lines_by_id.keys().map(|&id| id.to_owned()).collect();
    let mut keys = Vec::with_capacity(rows.len());
    for row in rows {
        if row.id.is_empty() {
            let key = unique_key(&key_from_name(&row.name), |key| taken.contains(key));
            taken.insert(key.clone());
            keys.push(key);
        } else {
            keys.push(row.id.clone());
        }
    }
    Ok(keys)
}

/// Whether two theme names are the same, ignoring case and surrounding spaces.
fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// Writes `rows` as the only worksheet of an xlsx file; blank cells are left unwritten.
    fn write_xlsx(path: &Path, rows: &[Vec<String>]) {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for (row, cells) in rows.iter().enumerate() {
            for (column, text) in cells.iter().enumerate() {
                if !text.is_empty() {
                    let row = u32::try_from(row).expect("row fits");
                    let column = u16::try_from(column).expect("column fits");
                    sheet.write_string(row, column, text).expect("writes");
                }
            }
        }
        workbook.save(path).expect("saves");
    }

    fn owned(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|row| row.iter().map(|&cell| cell.to_owned()).collect())
            .collect()
    }

    fn write_text(directory: &Path, name: &str, text: &str) -> PathBuf {
        let path = directory.join(name);
        std::fs::write(&path, text).expect("writes");
        path
    }

    /// Each theme as (key, name, parent key).
    fn outline(codebook: &Codebook) -> Vec<(&str, &str, Option<&str>)> {
        codebook
            .themes
            .iter()
            .map(|theme| {
                (
                    theme.key.as_str(),
                    theme.name.as_str(),
                    theme.parent.as_deref(),
                )
            })
            .collect()
    }

    fn load_error(path: &Path) -> String {
        let name = path.to_str().expect("a UTF-8 path");
        Codebook::load(name).expect_err("refused").to_string()
    }

    #[test]
    fn xlsx_codebook_with_parents_after_their_themes() {
        let directory = tempfile::tempdir().expect("temp dir");
        let path = directory.path().join("my-codes.xlsx");
        write_xlsx(
            &path,
            &owned(&[
                &[
                    "Theme",
                    "Parent",
                    "Description",
                    "Keywords",
                    "Exclude",
                    "Colour",
                    "ID",
                ],
                &[
                    "Staff training",
                    "Workforce",
                    "Training for staff",
                    "staff training; CPD, upskill*\nteaching assistant",
                    "training bra",
                ],
                &[
                    "Recruitment",
                    "workforce",
                    "",
                    "recruit*;;vacancies; Recruit*",
                ],
                &[
                    "Workforce",
                    "",
                    "People who work with children",
                    "",
                    "",
                    "#0072b2",
                ],
                &["Transport", "Getting there", "", "bus, taxi"],
                &[],
                &["Waiting", "", "", "waiting list", "", "", "wait-times"],
                &["Waiting", "", "", "queue"],
            ]),
        );
        let path_text = path.to_str().expect("a UTF-8 path");
        let codebook = Codebook::load(path_text).expect("loads");
        assert_eq!(codebook.name, "my-codes");
        assert_eq!(
            outline(&codebook),
            [
                ("staff-training", "Staff training", Some("workforce")),
                ("recruitment", "Recruitment", Some("workforce")),
                ("workforce", "Workforce", None),
                ("getting-there", "Getting there", None),
                ("transport", "Transport", Some("getting-there")),
                ("wait-times", "Waiting", None),
                ("waiting", "Waiting", None),
            ]
        );
        let theme = |key: &str| {
            codebook
                .theme(codebook.find(key).expect("present"))
                .expect("there")
        };
        let training = theme("staff-training");
        assert_eq!(
            training.keywords,
            ["staff training", "CPD", "upskill*", "teaching assistant"]
        );
        assert_eq!(training.exclude, ["training bra"]);
        assert_eq!(training.description, "Training for staff");
        assert_eq!(theme("recruitment").keywords, ["recruit*", "vacancies"]);
        assert_eq!(theme("workforce").colour.as_deref(), Some("#0072B2"));
        assert_eq!(theme("transport").keywords, ["bus", "taxi"]);
        assert!(theme("getting-there").keywords.is_empty());
        assert_eq!(codebook.validate(), Ok(()));
    }

    #[test]
    fn csv_codebook_with_other_headings() {
        let directory = tempfile::tempdir().expect("temp dir");
        let path = write_text(
            directory.path(),
            "codes.CSV",
            "CODE,Parent:,Memo,KEYWORDS,Exclusions,Color,Notes\n\
             Travel,,Getting to school,,,#009e73,\n\
             School transport,Travel,,\"bus; taxi, minibus\nescort\",\"bus stop\",,\n\
             ,,,,,,a note beside the codebook\n\
             Cost,,,fee*;price,,,\n",
        );
        let codebook = Codebook::load_file(&path).expect("loads");
        assert_eq!(codebook.name, "codes");
        assert_eq!(
            outline(&codebook),
            [
                ("travel", "Travel", None),
                ("school-transport", "School transport", Some("travel")),
                ("cost", "Cost", None),
            ]
        );
        let transport = codebook.themes.get(1).expect("there");
        assert_eq!(transport.keywords, ["bus", "taxi", "minibus", "escort"]);
        assert_eq!(transport.exclude, ["bus stop"]);
        let travel = codebook.themes.first().expect("there");
        assert_eq!(travel.description, "Getting to school");
        assert_eq!(travel.colour.as_deref(), Some("#009E73"));
        assert_eq!(
            codebook.themes.get(2).expect("there").keywords,
            ["fee*", "price"]
        );
    }

    #[test]
    fn single_theme_sheet_is_not_taken_for_a_header() {
        let directory = tempfile::tempdir().expect("temp dir");
        let path = directory.path().join("one.xlsx");
        write_xlsx(
            &path,
            &owned(&[&["Theme", "Keywords"], &["Access", "ramp"]]),
        );
        let codebook = Codebook::load_file(&path).expect("loads");
        assert_eq!(outline(&codebook), [("access", "Access", None)]);
    }

    #[test]
    fn missing_theme_column_names_the_file() {
        let directory = tempfile::tempdir().expect("temp dir");
        let path = write_text(
            directory.path(),
            "nothing.csv",
            "Title,Keywords\nStaff,teachers\n",
        );
        assert_eq!(
            load_error(&path),
            format!(
                "the codebook sheet has no Theme column (nor Name or Code) for the themes' names in {}",
                path.display()
            )
        );
    }

    #[test]
    fn three_levels_are_refused_with_the_row() {
        let directory = tempfile::tempdir().expect("temp dir");
        let path = directory.path().join("deep.xlsx");
        write_xlsx(
            &path,
            &owned(&[
                &["Theme", "Parent"],
                &["Top", ""],
                &["Middle", "Top"],
                &["Bottom", "Middle"],
            ]),
        );
        assert_eq!(
            load_error(&path),
            format!(
                "row 4: \"Bottom\" is under \"Middle\", which is itself under \"Top\"; themes go at most two levels deep in {}",
                path.display()
            )
        );
    }

    #[test]
    fn duplicate_ids_bad_colours_nameless_rows_and_empty_sheets_are_refused() {
        let directory = tempfile::tempdir().expect("temp dir");
        let cases = [
            (
                "twice.csv",
                "Theme,Id\nA,x\nB,y\nC,x\n",
                "rows 2 and 4 both have the id \"x\"",
            ),
            (
                "colour.csv",
                "Theme,Colour\nA,blue\n",
                "row 2: \"A\" has the colour \"blue\"; write colours as #RRGGBB, such as #0072B2",
            ),
            (
                "nameless.csv",
                "Theme,Keywords\nA,a\n,b\n",
                "row 3 of the codebook sheet has no theme name",
            ),
            (
                "itself.csv",
                "Theme,Parent\nA,a\n",
                "row 2: \"A\" names itself as its parent",
            ),
            (
                "headings.csv",
                "Theme,Keywords\n",
                "the codebook sheet lists no themes",
            ),
            ("empty.csv", "", "the codebook sheet lists no themes"),
        ];
        for (name, text, problem) in cases {
            let path = write_text(directory.path(), name, text);
            assert_eq!(
                load_error(&path),
                format!("{problem} in {}", path.display()),
                "{name}"
            );
        }
    }

    #[test]
    fn built_in_codebook_round_trips_through_a_sheet() {
        let built_in = Codebook::built_in("send-strategy").expect("loads");
        let name_of = |key: &str| {
            built_in
                .themes
                .iter()
                .find(|theme| theme.key == key)
                .map(|theme| theme.name.clone())
                .unwrap_or_default()
        };
        let mut rows = owned(&[&[
            "Theme",
            "Parent",
            "Description",
            "Keywords",
            "Exclude",
            "Colour",
        ]]);
        for theme in &built_in.themes {
            rows.push(vec![
                theme.name.clone(),
                theme.parent.as_deref().map(name_of).unwrap_or_default(),
                theme.description.clone(),
                theme.keywords.join("; "),
                theme.exclude.join("\n"),
                theme.colour.clone().unwrap_or_default(),
            ]);
        }
        let directory = tempfile::tempdir().expect("temp dir");
        let path = directory.path().join("send.xlsx");
        write_xlsx(&path, &rows);

        let mut from_sheet = Codebook::load_file(&path).expect("loads");
        let names = |codebook: &Codebook| {
            codebook
                .themes
                .iter()
                .map(|theme| {
                    let parent = codebook
                        .parent_of(codebook.find(&theme.key).expect("present"))
                        .and_then(|parent| codebook.theme(parent))
                        .map(|parent| parent.name.clone());
                    (theme.name.clone(), parent)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&from_sheet), names(&built_in));
        // Read without ids, the themes take the built-in keys back by name.
        from_sheet.adopt_keys(&built_in);
        assert_eq!(from_sheet.themes, built_in.themes);
    }

    #[test]
    fn toml_files_still_load_as_toml() {
        let directory = tempfile::tempdir().expect("temp dir");
        let built_in = Codebook::built_in("generic-consultation").expect("loads");
        let path = write_text(
            directory.path(),
            "mine.toml",
            &built_in.to_toml().expect("serialises"),
        );
        assert_eq!(Codebook::load_file(&path).expect("loads"), built_in);
    }
}
