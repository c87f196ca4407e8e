//! An Office Open XML package: its zip parts, found through their relationships, and the
//! workbook part's list of sheets.

use std::collections::HashMap;
use std::io::{Read, Seek};

use zip::ZipArchive;

use super::xml::{Token, XmlStream, in_part};
use crate::import::reader::SheetInfo;

/// Tokens of one part as it inflates.
pub type PartStream<'archive, R> = XmlStream<zip::read::ZipFile<'archive, R>>;

/// What a zip holds.
pub enum Opened<R> {
    /// A SpreadsheetML workbook (.xlsx, .xlsm), ready to read sheets from.
    SpreadsheetMl(Package<R>),
    /// A binary workbook (.xlsb), given back for calamine to read.
    BinaryWorkbook(ZipArchive<R>),
    /// Something else (an .ods, or no workbook at all), given back to be told apart.
    Other(ZipArchive<R>),
}

/// A SpreadsheetML workbook package.
pub struct Package<R> {
    archive: ZipArchive<R>,
    /// Lower-cased part name to the name stored in the zip, as producers differ in case.
    parts: HashMap<String, String>,
    sheets: Vec<Sheet>,
    /// The shared strings part, when the workbook has one.
    pub shared_strings_part: Option<String>,
    /// The styles part, when the workbook has one.
    pub styles_part: Option<String>,
    /// Whether the workbook counts serial dates from 1904.
    pub date1904: bool,
}

/// One sheet listed in the workbook.
struct Sheet {
    info: SheetInfo,
    /// The sheet's part in the zip; `None` when its relationship is missing.
    part: Option<String>,
}

/// A relationship from a `.rels` part.
struct Relationship {
    id: String,
    /// The last segment of its type: `worksheet`, `chartsheet`, `sharedStrings`, `styles` ...
    kind: String,
    target: String,
}

/// A `<sheet>` entry of the workbook part.
struct ListedSheet {
    name: String,
    visible: bool,
    relationship_id: String,
}

impl<R: Read + Seek> Package<R> {
    /// Looks inside a zip for a SpreadsheetML workbook through the package's relationships.
    ///
    /// # Errors
    /// A damaged relationships or workbook part, as a detail for the error message.
    pub fn open(archive: ZipArchive<R>) -> Result<Opened<R>, String> {
        let parts = archive
            .file_names()
            .filter_map(Result::ok)
            .map(|name| (part_key(&name), name.into_owned()))
            .collect();
        let mut package = Self {
            archive,
            parts,
            sheets: Vec::new(),
            shared_strings_part: None,
            styles_part: None,
            date1904: false,
        };
        let workbook_part = package
            .relationships("_rels/.rels")?
            .into_iter()
            .find(|relationship| relationship.kind == "officeDocument")
            .map_or_else(
                || "xl/workbook.xml".to_owned(),
                |relationship| resolve_target("", &relationship.target),
            );
        if !package.has_part(&workbook_part) {
            return Ok(Opened::Other(package.archive));
        }
        if workbook_part.ends_with(".bin") {
            return Ok(Opened::BinaryWorkbook(package.archive));
        }
        if !workbook_part.ends_with(".xml") {
            return Ok(Opened::Other(package.archive));
        }
        let folder = workbook_part
            .rsplit_once('/')
            .map_or("", |(folder, _)| folder)
            .to_owned();
        let rels_part = format!("{folder}/_rels/{}.rels", file_name(&workbook_part))
            .trim_start_matches('/')
            .to_owned();
        let relationships = package.relationships(&rels_part)?;
        let target_of = |kind: &str| {
            relationships
                .iter()
                .find(|relationship| relationship.kind == kind)
                .map(|relationship| resolve_target(&folder, &relationship.target))
        };
        package.shared_strings_part = target_of("sharedStrings");
        package.styles_part = target_of("styles");
        let (sheets, date1904) = package.workbook(&workbook_part)?;
        package.date1904 = date1904;
        package.sheets = sheets
            .into_iter()
            .map(|listed| {
                let relationship = relationships
                    .iter()
                    .find(|relationship| relationship.id == listed.relationship_id);
                Sheet {
                    info: SheetInfo {
                        name: listed.name,
                        is_worksheet: relationship.is_none_or(|found| found.kind == "worksheet"),
                        visible: listed.visible,
                    },
                    part: relationship
                        .map(|relationship| resolve_target(&folder, &relationship.target)),
                }
            })
            .collect();
        Ok(Opened::SpreadsheetMl(package))
    }

    /// The sheets in workbook order.
    pub fn sheets(&self) -> Vec<SheetInfo> {
        self.sheets.iter().map(|sheet| sheet.info.clone()).collect()
    }

    /// The part holding the sheet named `name`.
    ///
    /// # Errors
    /// When the workbook lists the sheet without saying where it is.
    pub fn sheet_part(&self, name: &str) -> Result<String, String> {
        self.sheets
            .iter()
            .find(|sheet| sheet.info.name == name)
            .and_then(|sheet| sheet.part.clone())
            .ok_or_else(|| format!("the workbook lists sheet \"{name}\" but not where it is"))
    }

    fn has_part(&self, name: &str) -> bool {
        self.parts.contains_key(&part_key(name))
    }

    /// A token stream over one part, with the part's uncompressed size; `None` when the package
    /// has no such part.
    ///
    /// # Errors
    /// A damaged zip entry.
    pub fn part(&mut self, name: &str) -> Result<Option<(PartStream<'_, R>, u64)>, String> {
        Ok(self
            .entry(name)?
            .map(|(entry, size)| (XmlStream::new(entry), size)))
    }

    /// The inflating reader of one part, with the part's uncompressed size; `None` when the
    /// package has no such part.
    ///
    /// # Errors
    /// A damaged zip entry.
    pub fn entry(
        &mut self,
        name: &str,
    ) -> Result<Option<(zip::read::ZipFile<'_, R>, u64)>, String> {
        let Some(stored) = self.parts.get(&part_key(name)) else {
            return Ok(None);
        };
        let file = self
            .archive
            .by_name(stored)
            .map_err(|error| format!("{name}: {error}"))?;
        let size = file.size();
        Ok(Some((file, size)))
    }

    /// The relationships in a `.rels` part; none when the part is missing.
    fn relationships(&mut self, name: &str) -> Result<Vec<Relationship>, String> {
        let Some((mut xml, _)) = self.part(name)? else {
            return Ok(Vec::new());
        };
        let mut relationships = Vec::new();
        loop {
            match xml.next_token().map_err(in_part(name))? {
                Token::Start(tag) if tag.name == b"Relationship" => {
                    let kind = tag.text_attribute(b"Type").unwrap_or_default();
                    relationships.push(Relationship {
                        id: tag.text_attribute(b"Id").unwrap_or_default(),
                        // The last path segment names the kind in both transitional and strict files.
                        kind: kind.rsplit('/').next().unwrap_or_default().to_owned(),
                        target: tag.text_attribute(b"Target").unwrap_or_default(),
                    });
                }
                Token::Eof => break,
                _ => {}
            }
        }
        Ok(relationships)
    }

    /// The sheets the workbook part lists and whether it counts dates from 1904.
    fn workbook(&mut self, name: &str) -> Result<(Vec<ListedSheet>, bool), String> {
        let Some((mut xml, _)) = self.part(name)? else {
            return Ok((Vec::new(), false));
        };
        let mut sheets = Vec::new();
        let mut date1904 = false;
        loop {
            match xml.next_token().map_err(in_part(name))? {
                Token::Start(tag) if tag.name == b"workbookPr" => {
                    date1904 = tag
                        .attribute(b"date1904")
                        .is_some_and(|flag| flag == b"1" || flag == b"true");
                }
                Token::Start(tag) if tag.name == b"sheet" => sheets.push(ListedSheet {
                    name: tag.text_attribute(b"name").unwrap_or_default(),
                    visible: !tag.attribute(b"state").is_some_and(|state| {
                        state.eq_ignore_ascii_case(b"hidden")
                            || state.eq_ignore_ascii_case(b"veryHidden")
                    }),
                    relationship_id: tag.text_attribute(b"id").unwrap_or_default(),
                }),
                Token::Eof => break,
                _ => {}
            }
        }
        Ok((sheets, date1904))
    }
}

/// Zip part names compared without case and with forward slashes.
fn part_key(name: &str) -> String {
    name.trim_start_matches('/')
        .replace('\\', "/")
        .to_lowercase()
}

fn file_name(part: &str) -> &str {
    part.rsplit('/').next().unwrap_or(part)
}

/// A relationship target as a part name: absolute targets start at the package root, relative
/// ones at `folder`, with `..` resolved.
fn resolve_target(folder: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let mut segments: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        folder
            .split('/')
            .filter(|segment| !segment.is_empty())
            .collect()
    };
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            segment => segments.push(segment),
        }
    }
    segments.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_their_folder() {
        assert_eq!(
            resolve_target("xl", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(resolve_target("xl", "/xl/sheet.xml"), "xl/sheet.xml");
        assert_eq!(
            resolve_target("xl/sub", "..\\strings.xml"),
            "xl/strings.xml"
        );
    }
}
