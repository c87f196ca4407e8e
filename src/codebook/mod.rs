//! Codebooks: the themes comments are tagged with, their rules, and the built-in sets.

pub mod edit;
mod sheet;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::import::{ImportError, SUPPORTED_EXTENSIONS};

/// Position of a theme in [`Codebook::themes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ThemeId(pub usize);

/// One theme: what it means and the words that find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    /// Short unique key in kebab-case, as written in the file.
    #[serde(rename = "id")]
    pub key: String,
    /// The name shown to users.
    pub name: String,
    /// What a person coding by hand would put under this theme.
    #[serde(default)]
    pub description: String,
    /// A hex colour such as `#0072B2`; children without one take their parent's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
    /// The key of the top-level theme this one belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Words and phrases that tag a comment with this theme.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// Phrases whose matches cancel an overlapping keyword match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

/// A named set of themes, at most two levels deep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Codebook {
    /// The name shown to users.
    pub name: String,
    /// What the codebook is for.
    #[serde(default)]
    pub description: String,
    /// The themes in file order.
    #[serde(rename = "theme", default)]
    pub themes: Vec<Theme>,
}

/// A codebook that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CodebookError {
    /// The file could not be read.
    #[error("could not read the codebook: {source}: {}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file is not valid TOML of the codebook's shape.
    #[error("the codebook is not valid: {detail} in {}", .path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        detail: String,
    },
    /// The themes contradict each other.
    #[error("{detail} in {}", .path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The codebook spreadsheet cannot be read at all.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// The codebook spreadsheet's rows do not make a codebook.
    #[error("{detail} in {}", .path.display())]
    Sheet {
        /// The file.
        path: PathBuf,
        /// What is wrong, and in which row.
        detail: String,
    },
    /// The codebook could not be written as TOML.
    #[error("could not write the codebook \"{name}\" as TOML: {detail}")]
    Serialise {
        /// The codebook's name.
        name: String,
        /// What the TOML writer said.
        detail: String,
    },
    /// Neither a file nor a built-in codebook.
    #[error("there is no codebook file or built-in codebook called \"{name}\" (built in: {})", BUILT_IN.iter().map(|(key, _)| *key).collect::<Vec<_>>().join(", "))]
    NotFound {
        /// What was asked for.
        name: String,
    },
}

/// The built-in codebooks: key and TOML text, read from `assets/codebooks/`.
pub const BUILT_IN: [(&str, &str); 2] = [
    (
        "send-strategy",
        include_str!("../../assets/codebooks/send-strategy.toml"),
    ),
    (
        "generic-consultation",
        include_str!("../../assets/codebooks/generic-consultation.toml"),
    ),
];

/// The codebook used when none is chosen.
pub const DEFAULT_CODEBOOK: &str = "send-strategy";

/// A colour as red, green and blue.
pub type Rgb = [u8; 3];

/// Colour-blind-safe colours (Okabe-Ito), for themes that name none and for respondent groups;
/// the first is the default. Okabe-Ito's black is grey here: a black bar or chip vanished on the
/// window's dark background.
pub const PALETTE: [Rgb; 8] = [
    [0x00, 0x72, 0xB2],
    [0xE6, 0x9F, 0x00],
    [0x00, 0x9E, 0x73],
    [0xCC, 0x79, 0xA7],
    [0x56, 0xB4, 0xE9],
    [0xD5, 0x5E, 0x00],
    [0xF0, 0xE4, 0x42],
    [0x99, 0x99, 0x99],
];

/// Whether dark text reads better than white on `background` (by its luminance).
pub fn dark_text_on([red, green, blue]: Rgb) -> bool {
    0.299 * f32::from(red) + 0.587 * f32::from(green) + 0.114 * f32::from(blue) > 150.0
}

/// The palette's colour at `index`, going round again after the last.
pub fn palette_colour(index: usize) -> Rgb {
    PALETTE
        .get(index % PALETTE.len())
        .copied()
        .unwrap_or_default()
}

impl Codebook {
    /// Parses a codebook from TOML text; `path` names it in messages.
    ///
    /// # Errors
    /// [`CodebookError::Parse`] for malformed TOML, [`CodebookError::Invalid`] for duplicate keys,
    /// unknown parents or themes nested more than two levels.
    pub fn from_toml(text: &str, path: &Path) -> Result<Self, CodebookError> {
        let codebook: Codebook = toml::from_str(text).map_err(|error| CodebookError::Parse {
            path: path.to_owned(),
            detail: error.message().to_owned(),
        })?;
        codebook
            .validate()
            .map_err(|detail| CodebookError::Invalid {
                path: path.to_owned(),
                detail,
            })?;
        Ok(codebook)
    }

    /// Loads a codebook file: a spreadsheet (by the extensions the import reads) as
    /// [`Codebook::from_sheet`] reads it, anything else as TOML.
    ///
    /// # Errors
    /// As [`Codebook::from_sheet`] for a spreadsheet; else as [`Codebook::from_toml`], plus
    /// [`CodebookError::Read`].
    pub fn load_file(path: &Path) -> Result<Self, CodebookError> {
        if is_spreadsheet(path) {
            return Self::from_sheet(path);
        }
        let text = std::fs::read_to_string(path).map_err(|source| CodebookError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text, path)
    }

    /// A built-in codebook by key (`send-strategy`) or name, case-insensitive.
    ///
    /// # Errors
    /// [`CodebookError::NotFound`] when there is no such built-in codebook.
    pub fn built_in(name: &str) -> Result<Self, CodebookError> {
        let wanted = name.trim().to_lowercase();
        for (key, text) in BUILT_IN {
            let path = PathBuf::from(format!("assets/codebooks/{key}.toml"));
            let codebook = Self::from_toml(text, &path)?;
            if key == wanted || codebook.name.to_lowercase() == wanted {
                return Ok(codebook);
            }
        }
        Err(CodebookError::NotFound {
            name: name.to_owned(),
        })
    }

    /// A codebook file when `name_or_path` is one, else the built-in codebook of that name.
    ///
    /// # Errors
    /// As [`Codebook::load_file`] and [`Codebook::built_in`].
    pub fn load(name_or_path: &str) -> Result<Self, CodebookError> {
        let path = Path::new(name_or_path);
        if path.is_file() {
            Self::load_file(path)
        } else {
            Self::built_in(name_or_path)
        }
    }

    /// The codebook as TOML text, in the same format it loads from.
    ///
    /// # Errors
    /// [`CodebookError::Serialise`] if the codebook cannot be written as TOML, which its types
    /// rule out in practice.
    pub fn to_toml(&self) -> Result<String, CodebookError> {
        toml::to_string_pretty(self).map_err(|error| CodebookError::Serialise {
            name: self.name.clone(),
            detail: error.to_string(),
        })
    }

    fn validate(&self) -> Result<(), String> {
        let mut keys = HashSet::new();
        for theme in &self.themes {
            if theme.name.trim().is_empty() {
                return Err(format!("theme \"{}\" has no name", theme.key));
            }
            if !keys.insert(theme.key.as_str()) {
                return Err(format!("two themes have the id \"{}\"", theme.key));
            }
            if let Some(colour) = &theme.colour
                && parse_hex_colour(colour).is_none()
            {
                return Err(format!(
                    "theme \"{}\" has the colour \"{colour}\"; write colours as #RRGGBB, such as #0072B2",
                    theme.key
                ));
            }
        }
        for theme in &self.themes {
            let Some(parent_key) = &theme.parent else {
                continue;
            };
            let Some(parent) = self
                .themes
                .iter()
                .find(|candidate| &candidate.key == parent_key)
            else {
                return Err(format!(
                    "theme \"{}\" names a parent \"{parent_key}\" that does not exist",
                    theme.key
                ));
            };
            if parent.parent.is_some() {
                return Err(format!(
                    "theme \"{}\" is nested three levels deep; a parent theme cannot have a parent",
                    theme.key
                ));
            }
        }
        Ok(())
    }

    /// The theme with this id.
    pub fn theme(&self, id: ThemeId) -> Option<&Theme> {
        self.themes.get(id.0)
    }

    /// The id of the theme with this key.
    pub fn find(&self, key: &str) -> Option<ThemeId> {
        self.themes
            .iter()
            .position(|theme| theme.key == key)
            .map(ThemeId)
    }

    /// The parent of a theme, if it has one.
    pub fn parent_of(&self, id: ThemeId) -> Option<ThemeId> {
        self.theme(id)?
            .parent
            .as_deref()
            .and_then(|key| self.find(key))
    }

    /// The themes directly under `parent`, in file order.
    pub fn children(&self, parent: ThemeId) -> Vec<ThemeId> {
        (0..self.themes.len())
            .map(ThemeId)
            .filter(|&id| self.parent_of(id) == Some(parent))
            .collect()
    }

    /// Themes that have children.
    pub fn is_group(&self, id: ThemeId) -> bool {
        !self.children(id).is_empty()
    }

    /// Themes without children: the ones comments are counted under.
    pub fn leaf_themes(&self) -> Vec<ThemeId> {
        (0..self.themes.len())
            .map(ThemeId)
            .filter(|&id| !self.is_group(id))
            .collect()
    }

    /// Top-level themes, in file order.
    pub fn top_level(&self) -> Vec<ThemeId> {
        (0..self.themes.len())
            .map(ThemeId)
            .filter(|&id| self.parent_of(id).is_none())
            .collect()
    }

    /// The theme's colour: its own, its parent's, or its group's from the palette.
    pub fn colour(&self, id: ThemeId) -> Rgb {
        let named = |id: ThemeId| {
            self.theme(id)
                .and_then(|theme| theme.colour.as_deref())
                .and_then(parse_hex_colour)
        };
        let parent = self.parent_of(id);
        named(id)
            .or_else(|| parent.and_then(named))
            .unwrap_or_else(|| {
                let top = parent.unwrap_or(id);
                let position = self
                    .top_level()
                    .iter()
                    .position(|&candidate| candidate == top)
                    .unwrap_or(0);
                palette_colour(position)
            })
    }
}

/// Whether `path` names a spreadsheet the import reads, by its extension.
fn is_spreadsheet(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            SUPPORTED_EXTENSIONS
                .iter()
                .any(|supported| supported.eq_ignore_ascii_case(extension))
        })
}

/// Parses `#RRGGBB` into red, green and blue.
fn parse_hex_colour(colour: &str) -> Option<Rgb> {
    let hex = colour.strip_prefix('#')?;
    if hex.len() != 6 {
        return None;
    }
    let channel = |range: std::ops::Range<usize>| {
        hex.get(range)
            .and_then(|part| u8::from_str_radix(part, 16).ok())
    };
    Some([channel(0..2)?, channel(2..4)?, channel(4..6)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_send_codebook_has_the_domain() {
        let codebook = Codebook::built_in("send-strategy").expect("loads");
        let names: Vec<&str> = codebook
            .themes
            .iter()
            .map(|theme| theme.name.as_str())
            .collect();
        for expected in [
            "Workforce development",
            "Accountability",
            "Early identification",
            "Communication with families",
        ] {
            assert!(names.contains(&expected), "missing {expected}");
        }
        let themes_with_rules = codebook
            .themes
            .iter()
            .filter(|theme| !theme.keywords.is_empty())
            .count();
        assert!(themes_with_rules >= 15 + 3 + 7 + 10, "{themes_with_rules}");
        assert!(codebook.top_level().len() >= 4);
    }

    #[test]
    fn every_built_in_loads_by_key_and_name() {
        for (key, _) in BUILT_IN {
            let codebook = Codebook::built_in(key).expect("loads by key");
            assert_eq!(
                Codebook::built_in(&codebook.name.to_uppercase()).expect("loads by name"),
                codebook
            );
        }
    }

    #[test]
    fn unknown_codebook_lists_the_built_ins() {
        let error = Codebook::load("no-such-codebook").expect_err("unknown");
        assert!(error.to_string().contains("send-strategy"), "{error}");
    }

    #[test]
    fn round_trips_through_toml() {
        let codebook = Codebook::built_in("generic-consultation").expect("loads");
        let text = codebook.to_toml().expect("serialises");
        assert_eq!(
            Codebook::from_toml(&text, Path::new("copy.toml")).expect("parses"),
            codebook
        );
    }

    #[test]
    fn three_levels_are_rejected() {
        let text = r#"
            name = "Deep"
            [[theme]]
            id = "a"
            name = "A"
            [[theme]]
            id = "b"
            name = "B"
            parent = "a"
            [[theme]]
            id = "c"
            name = "C"
            parent = "b"
        "#;
        let error = Codebook::from_toml(text, Path::new("deep.toml")).expect_err("too deep");
        assert_eq!(
            error.to_string(),
            "theme \"c\" is nested three levels deep; a parent theme cannot have a parent in deep.toml"
        );
    }

    #[test]
    fn unknown_parent_and_duplicate_ids_are_rejected() {
        let orphan = "name = \"X\"\n[[theme]]\nid = \"a\"\nname = \"A\"\nparent = \"nope\"\n";
        assert!(Codebook::from_toml(orphan, Path::new("x.toml")).is_err());
        let twice = "name = \"X\"\n[[theme]]\nid = \"a\"\nname = \"A\"\n[[theme]]\nid = \"a\"\nname = \"B\"\n";
        assert!(Codebook::from_toml(twice, Path::new("x.toml")).is_err());
    }

    #[test]
    fn children_inherit_colour() {
        let text = "name = \"X\"\n[[theme]]\nid = \"g\"\nname = \"G\"\ncolour = \"#112233\"\n[[theme]]\nid = \"c\"\nname = \"C\"\nparent = \"g\"\n";
        let codebook = Codebook::from_toml(text, Path::new("x.toml")).expect("parses");
        assert_eq!(codebook.colour(ThemeId(1)), [0x11, 0x22, 0x33]);
        assert_eq!(parse_hex_colour("#11223"), None);
        let unnamed = Codebook::from_toml(
            "name = \"X\"\n[[theme]]\nid = \"a\"\nname = \"A\"\n",
            Path::new("x.toml"),
        )
        .expect("parses");
        assert_eq!(unnamed.colour(ThemeId(0)), PALETTE[0]);
        // No palette colour is black, which the dark window would hide.
        assert!(
            PALETTE
                .iter()
                .all(|colour| colour.iter().any(|&part| part > 0x40))
        );
        let wrong = "name = \"X\"\n[[theme]]\nid = \"a\"\nname = \"A\"\ncolour = \"blue\"\n";
        let error = Codebook::from_toml(wrong, Path::new("x.toml")).expect_err("not a colour");
        assert!(error.to_string().contains("#RRGGBB"), "{error}");
        assert_eq!(codebook.leaf_themes(), [ThemeId(1)]);
    }
}
