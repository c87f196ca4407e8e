//! Changing a codebook one step at a time. Every edit addresses themes by key, since positions
//! change as themes move, and either leaves a codebook that passes validation or changes nothing.

use std::collections::{HashMap, HashSet};

use super::{Codebook, Theme, parse_hex_colour};

/// Why a codebook edit cannot be made; one sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// No theme has this key.
    #[error("there is no theme \"{key}\"")]
    NoSuchTheme {
        /// The key asked for.
        key: String,
    },
    /// The name is blank.
    #[error("a theme needs a name")]
    EmptyName,
    /// The colour is not `#RRGGBB`.
    #[error("\"{colour}\" is not a colour; write colours as #RRGGBB, such as #0072B2")]
    BadColour {
        /// The colour as given.
        colour: String,
    },
    /// A theme with themes under it was to go under another.
    #[error("\"{key}\" has themes under it, so it cannot go under another theme")]
    GroupCannotNest {
        /// The group's key.
        key: String,
    },
    /// The parent asked for is itself under another theme.
    #[error("\"{parent}\" is itself under another theme, and themes go at most two levels deep")]
    ParentNotTopLevel {
        /// The parent's key.
        parent: String,
    },
    /// A theme was to go under itself.
    #[error("a theme cannot go under itself")]
    OwnParent,
    /// A theme was to be merged into itself.
    #[error("a theme cannot be merged into itself")]
    MergeIntoItself,
    /// A group was to be merged into one of its own themes.
    #[error("\"{from}\" cannot be merged into \"{into}\", which is one of its own themes")]
    MergeIntoOwnChild {
        /// The group merged.
        from: String,
        /// Its theme merged into.
        into: String,
    },
    /// A group was to be merged into a theme that is under another, leaving three levels.
    #[error(
        "\"{from}\" has themes under it and \"{into}\" is itself under another theme, so merging them would make three levels"
    )]
    MergeGroupIntoChild {
        /// The group merged.
        from: String,
        /// The theme merged into.
        into: String,
    },
}

impl Codebook {
    /// Adds a theme named `name`, under the top-level theme `parent` or at the top level, and
    /// returns its key, made from the name. It goes after the last theme of its group, or at the
    /// end.
    ///
    /// # Errors
    /// [`EditError::EmptyName`], [`EditError::NoSuchTheme`] for an unknown parent,
    /// [`EditError::ParentNotTopLevel`].
    pub fn add_theme(&mut self, name: &str, parent: Option<&str>) -> Result<String, EditError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(EditError::EmptyName);
        }
        let position = match parent {
            Some(parent) => {
                self.check_can_hold_themes(parent)?;
                self.end_of_group(parent)
            }
            None => self.themes.len(),
        };
        let key = unique_key(&key_from_name(name), |key| self.find(key).is_some());
        self.themes
            .insert(position, new_theme(&key, name, parent.map(str::to_owned)));
        Ok(key)
    }

    /// Renames a theme; its key stays, so coding by hand stays with it.
    ///
    /// # Errors
    /// [`EditError::NoSuchTheme`], [`EditError::EmptyName`].
    pub fn rename(&mut self, key: &str, name: &str) -> Result<(), EditError> {
        let theme = self.theme_by_key_mut(key)?;
        let name = name.trim();
        if name.is_empty() {
            return Err(EditError::EmptyName);
        }
        theme.name = name.to_owned();
        Ok(())
    }

    /// Sets what a theme means.
    ///
    /// # Errors
    /// [`EditError::NoSuchTheme`].
    pub fn describe(&mut self, key: &str, description: &str) -> Result<(), EditError> {
        self.theme_by_key_mut(key)?.description = description.trim().to_owned();
        Ok(())
    }

    /// Sets a theme's colour (`#RRGGBB`, kept in upper case), or with `None` lets it take its
    /// parent's or the palette's.
    ///
    /// # Errors
    /// [`EditError::NoSuchTheme`], [`EditError::BadColour`].
    pub fn recolour(&mut self, key: &str, colour: Option<&str>) -> Result<(), EditError> {
        let theme = self.theme_by_key_mut(key)?;
        theme.colour = match colour {
            Some(colour) => Some(
                normalise_colour(colour).ok_or_else(|| EditError::BadColour {
                    colour: colour.trim().to_owned(),
                })?,
            ),
            None => None,
        };
        Ok(())
    }

    /// Sets the words that find a theme: trimmed, blanks and repeats (ignoring case) left out.
    /// A theme with none is coded by hand only.
    ///
    /// # Errors
    /// [`EditError::NoSuchTheme`].
    pub fn set_keywords(&mut self, key: &str, keywords: &[String]) -> Result<(), EditError> {
        self.theme_by_key_mut(key)?.keywords = clean_phrases(keywords.iter().map(String::as_str));
        Ok(())
    }

    /// Sets the phrases that cancel a theme's keyword matches, cleaned as keywords are.
    ///
    /// # Errors
    /// [`EditError::NoSuchTheme`].
    pub fn set_exclusions(&mut self, key: &str, exclusions: &[String]) -> Result<(), EditError> {
        self.theme_by_key_mut(key)?.exclude = clean_phrases(exclusions.iter().map(String::as_str));
        Ok(())
    }

    /// Moves a theme into a top-level theme's group, after its last theme, or with `None` to the
    /// top level, just after the group it leaves.
    ///
    /// # Errors
    /// [`EditError::NoSuchTheme`], [`EditError::OwnParent`], [`EditError::ParentNotTopLevel`],
    /// [`EditError::GroupCannotNest`] for a theme with themes under it.
    pub fn set_parent(&mut self, key: &str, parent: Option<&str>) -> Result<(), EditError> {
        let current = self.theme_by_key(key)?.parent.clone();
        if current.as_deref() == parent {
            return Ok(());
        }
        // A theme leaving its group lands just after it, so it stays near where it was.
        let Some(group) = parent.or(current.as_deref()).map(str::to_owned) else {
            return Ok(());
        };
        if let Some(parent) = parent {
            if parent == key {
                return Err(EditError::OwnParent);
            }
            self.check_can_hold_themes(parent)?;
            if self.has_children(key) {
                return Err(EditError::GroupCannotNest {
                    key: key.to_owned(),
                });
            }
        }
        let Some(mut theme) = self.remove_theme(key) else {
            return Err(no_such_theme(key));
        };
        theme.parent = parent.map(str::to_owned);
        let position = self.end_of_group(&group);
        self.themes.insert(position, theme);
        Ok(())
    }

    /// Moves a theme up (negative) or down among the themes with the same parent, stopping at
    /// the first or last place. A top-level theme takes its group's themes with it.
    ///
    /// # Errors
    /// [`EditError::NoSuchTheme`].
    pub fn shift(&mut self, key: &str, places: isize) -> Result<(), EditError> {
        match self.theme_by_key(key)?.parent.clone() {
            Some(parent) => {
                let siblings: Vec<usize> = self
                    .themes
                    .iter()
                    .enumerate()
                    .filter(|(_, theme)| theme.parent.as_deref() == Some(parent.as_str()))
                    .map(|(position, _)| position)
                    .collect();
                let Some(from) = siblings
                    .iter()
                    .position(|&position| self.themes.get(position).is_some_and(|t| t.key == key))
                else {
                    return Err(no_such_theme(key));
                };
                let to = shifted(from, places, siblings.len());
                // The sibling now in the place wanted marks where the theme goes: just before it
                // when moving up, just after it when moving down, which after removing the theme
                // is the sibling's old position either way.
                let (Some(&from_position), Some(&to_position)) =
                    (siblings.get(from), siblings.get(to))
                else {
                    return Ok(());
                };
                if from_position != to_position {
                    let theme = self.themes.remove(from_position);
                    self.themes.insert(to_position, theme);
                }
            }
            None => {
                let mut groups = self.groups();
                let Some(from) = groups
                    .iter()
                    .position(|group| group.first().is_some_and(|theme| theme.key == key))
                else {
                    return Err(no_such_theme(key));
                };
                let to = shifted(from, places, groups.len());
                let group = groups.remove(from);
                groups.insert(to, group);
                self.themes = groups.into_iter().flatten().collect();
            }
        }
        Ok(())
    }

    /// Merges `from` into `into`: `into` gains `from`'s keywords and exclusions (and its
    /// description when it has none), `from`'s themes move under `into`, and `from` is removed.
    ///
    /// # Errors
    /// [`EditError::NoSuchTheme`], [`EditError::MergeIntoItself`],
    /// [`EditError::MergeIntoOwnChild`], [`EditError::MergeGroupIntoChild`].
    pub fn merge(&mut self, from: &str, into: &str) -> Result<(), EditError> {
        self.theme_by_key(from)?;
        let into_parent = self.theme_by_key(into)?.parent.clone();
        if from == into {
            return Err(EditError::MergeIntoItself);
        }
        if into_parent.as_deref() == Some(from) {
            return Err(EditError::MergeIntoOwnChild {
                from: from.to_owned(),
                into: into.to_owned(),
            });
        }
        let from_is_group = self.has_children(from);
        if from_is_group && into_parent.is_some() {
            return Err(EditError::MergeGroupIntoChild {
                from: from.to_owned(),
                into: into.to_owned(),
            });
        }

        let Some(merged) = self.remove_theme(from) else {
            return Err(no_such_theme(from));
        };
        let target = self.theme_by_key_mut(into)?;
        let keywords = target.keywords.iter().chain(&merged.keywords);
        target.keywords = clean_phrases(keywords.map(String::as_str));
        let exclude = target.exclude.iter().chain(&merged.exclude);
        target.exclude = clean_phrases(exclude.map(String::as_str));
        if target.description.trim().is_empty() {
            target.description = merged.description;
        }
        if from_is_group {
            let (mut moved, kept): (Vec<Theme>, Vec<Theme>) = std::mem::take(&mut self.themes)
                .into_iter()
                .partition(|theme| theme.parent.as_deref() == Some(from));
            self.themes = kept;
            for theme in &mut moved {
                theme.parent = Some(into.to_owned());
            }
            let position = self.end_of_group(into);
            self.themes.splice(position..position, moved);
        }
        Ok(())
    }

    /// Removes a theme; the themes under it, if any, become top-level themes where they are.
    ///
    /// # Errors
    /// [`EditError::NoSuchTheme`].
    pub fn delete(&mut self, key: &str) -> Result<(), EditError> {
        if self.remove_theme(key).is_none() {
            return Err(no_such_theme(key));
        }
        for theme in &mut self.themes {
            if theme.parent.as_deref() == Some(key) {
                theme.parent = None;
            }
        }
        Ok(())
    }

    /// Takes the keys of `previous` for themes it does not know by key but does by name
    /// (trimmed, ignoring case), when that key is free here: a codebook read again from a
    /// spreadsheet without ids then keeps the coding by hand made under its old keys.
    pub fn adopt_keys(&mut self, previous: &Codebook) {
        let previous_keys: HashSet<&str> = previous
            .themes
            .iter()
            .map(|theme| theme.key.as_str())
            .collect();
        for position in 0..self.themes.len() {
            let Some(theme) = self.themes.get(position) else {
                continue;
            };
            if previous_keys.contains(theme.key.as_str()) {
                continue;
            }
            let name = theme.name.trim().to_lowercase();
            let Some(adopted) = previous
                .themes
                .iter()
                .find(|old| old.name.trim().to_lowercase() == name && self.find(&old.key).is_none())
                .map(|old| old.key.clone())
            else {
                continue;
            };
            let Some(theme) = self.themes.get_mut(position) else {
                continue;
            };
            let replaced = std::mem::replace(&mut theme.key, adopted.clone());
            for theme in &mut self.themes {
                if theme.parent.as_deref() == Some(replaced.as_str()) {
                    theme.parent = Some(adopted.clone());
                }
            }
        }
    }

    fn theme_by_key(&self, key: &str) -> Result<&Theme, EditError> {
        self.themes
            .iter()
            .find(|theme| theme.key == key)
            .ok_or_else(|| no_such_theme(key))
    }

    fn theme_by_key_mut(&mut self, key: &str) -> Result<&mut Theme, EditError> {
        self.themes
            .iter_mut()
            .find(|theme| theme.key == key)
            .ok_or_else(|| no_such_theme(key))
    }

    fn remove_theme(&mut self, key: &str) -> Option<Theme> {
        let position = self.themes.iter().position(|theme| theme.key == key)?;
        Some(self.themes.remove(position))
    }

    /// Whether `parent` exists and may have themes under it.
    fn check_can_hold_themes(&self, parent: &str) -> Result<(), EditError> {
        if self.theme_by_key(parent)?.parent.is_some() {
            return Err(EditError::ParentNotTopLevel {
                parent: parent.to_owned(),
            });
        }
        Ok(())
    }

    fn has_children(&self, key: &str) -> bool {
        self.themes
            .iter()
            .any(|theme| theme.parent.as_deref() == Some(key))
    }

    /// The position just after `key` and the themes under it, or the end when it is unknown.
    fn end_of_group(&self, key: &str) -> usize {
        self.themes
            .iter()
            .rposition(|theme| theme.key == key || theme.parent.as_deref() == Some(key))
            .map_or(self.themes.len(), |last| last + 1)
    }

    /// The themes as top-level groups in file order, each its top-level theme and then the
    /// themes under it; a theme whose parent is not top-level stands alone rather than be lost.
    fn groups(&self) -> Vec<Vec<Theme>> {
        let mut groups: Vec<Vec<Theme>> = Vec::new();
        let mut group_of: HashMap<&str, usize> = HashMap::new();
        for theme in self.themes.iter().filter(|theme| theme.parent.is_none()) {
            group_of.insert(&theme.key, groups.len());
            groups.push(vec![theme.clone()]);
        }
        for theme in self.themes.iter().filter(|theme| theme.parent.is_some()) {
            let group = theme
                .parent
                .as_deref()
                .and_then(|parent| group_of.get(parent))
                .and_then(|&index| groups.get_mut(index));
            match group {
                Some(group) => group.push(theme.clone()),
                None => groups.push(vec![theme.clone()]),
            }
        }
        groups
    }
}

/// `from` moved by `places`, kept within `0..count`.
fn shifted(from: usize, places: isize, count: usize) -> usize {
    from.saturating_add_signed(places)
        .min(count.saturating_sub(1))
}

fn no_such_theme(key: &str) -> EditError {
    EditError::NoSuchTheme {
        key: key.to_owned(),
    }
}

/// A theme with only a key, a name and perhaps a parent.
pub(super) fn new_theme(key: &str, name: &str, parent: Option<String>) -> Theme {
    Theme {
        key: key.to_owned(),
        name: name.to_owned(),
        description: String::new(),
        colour: None,
        parent,
        keywords: Vec::new(),
        exclude: Vec::new(),
    }
}

/// A key made from a name: lower-case ASCII letters and digits, with one `-` for each run of
/// anything else; `theme` when nothing is left.
pub(super) fn key_from_name(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    let mut after_gap = false;
    for character in name.chars() {
        if character.is_ascii_alphanumeric() {
            if after_gap && !key.is_empty() {
                key.push('-');
            }
            after_gap = false;
            key.push(character.to_ascii_lowercase());
        } else {
            after_gap = true;
        }
    }
    if key.is_empty() {
        "theme".to_owned()
    } else {
        key
    }
}

/// `base`, or `base-2`, `base-3` ... the first that is not taken.
pub(super) fn unique_key(base: &str, is_taken: impl Fn(&str) -> bool) -> String {
    if !is_taken(base) {
        return base.to_owned();
    }
    let mut number = 2usize;
    loop {
        let candidate = format!("{base}-{number}");
        if !is_taken(&candidate) {
            return candidate;
        }
        number += 1;
    }
}

/// A `#RRGGBB` colour trimmed and in upper case, or `None` when it is not one.
pub(super) fn normalise_colour(colour: &str) -> Option<String> {
    let colour = colour.trim();
    parse_hex_colour(colour).map(|_| colour.to_ascii_uppercase())
}

/// Keywords or exclusions trimmed, without blanks or repeats (ignoring case), first kept.
pub(super) fn clean_phrases<'a>(phrases: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = HashSet::new();
    phrases
        .into_iter()
        .map(str::trim)
        .filter(|phrase| !phrase.is_empty() && seen.insert(phrase.to_lowercase()))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const SAMPLE: &str = r#"
        name = "Sample"
        [[theme]]
        id = "people"
        name = "People"
        [[theme]]
        id = "staff"
        name = "Staff"
        parent = "people"
        keywords = ["staff"]
        [[theme]]
        id = "parents"
        name = "Parents"
        parent = "people"
        [[theme]]
        id = "money"
        name = "Money"
        description = "Funding and cost."
        keywords = ["funding", "Staff"]
        exclude = ["fundraiser"]
        [[theme]]
        id = "cuts"
        name = "Cuts"
        parent = "money"
        [[theme]]
        id = "other"
        name = "Other"
    "#;

    fn sample() -> Codebook {
        Codebook::from_toml(SAMPLE, Path::new("sample.toml")).expect("parses")
    }

    fn keys(codebook: &Codebook) -> Vec<&str> {
        codebook
            .themes
            .iter()
            .map(|theme| theme.key.as_str())
            .collect()
    }

    fn parent<'a>(codebook: &'a Codebook, key: &str) -> Option<&'a str> {
        codebook
            .themes
            .iter()
            .find(|theme| theme.key == key)
            .and_then(|theme| theme.parent.as_deref())
    }

    /// The edited codebook is valid and loads back from its TOML unchanged.
    fn assert_sound(codebook: &Codebook) {
        assert_eq!(codebook.validate(), Ok(()));
        let text = codebook.to_toml().expect("serialises");
        assert_eq!(
            &Codebook::from_toml(&text, Path::new("edited.toml")).expect("parses"),
            codebook
        );
    }

    /// A failed edit returns `expected` and leaves the codebook as it was.
    fn assert_refused<T: std::fmt::Debug>(
        edit: impl FnOnce(&mut Codebook) -> Result<T, EditError>,
        expected: EditError,
    ) {
        let mut codebook = sample();
        assert_eq!(edit(&mut codebook).expect_err("refused"), expected);
        assert_eq!(codebook, sample());
    }

    fn no_such(key: &str) -> EditError {
        EditError::NoSuchTheme {
            key: key.to_owned(),
        }
    }

    #[test]
    fn keys_are_kebab_case_ascii_from_the_name() {
        assert_eq!(key_from_name("Staff training & CPD"), "staff-training-cpd");
        assert_eq!(
            key_from_name("  --Year 7 transition--  "),
            "year-7-transition"
        );
        assert_eq!(key_from_name("École"), "cole");
        assert_eq!(key_from_name("?!"), "theme");
        assert_eq!(unique_key("a", |key| ["a", "a-2"].contains(&key)), "a-3");
        assert_eq!(unique_key("b", |key| key == "a"), "b");
    }

    #[test]
    fn added_theme_gets_a_unique_key_after_its_group() {
        let mut codebook = sample();
        assert_eq!(
            codebook.add_theme(" Staff ", Some("people")),
            Ok("staff-2".to_owned())
        );
        assert_eq!(codebook.add_theme("Money", None), Ok("money-2".to_owned()));
        assert_eq!(codebook.add_theme("???", None), Ok("theme".to_owned()));
        assert_eq!(codebook.add_theme("!!!", None), Ok("theme-2".to_owned()));
        assert_eq!(
            keys(&codebook),
            [
                "people", "staff", "parents", "staff-2", "money", "cuts", "other", "money-2",
                "theme", "theme-2"
            ]
        );
        assert_eq!(parent(&codebook, "staff-2"), Some("people"));
        assert_eq!(
            codebook.themes.get(3).map(|theme| theme.name.as_str()),
            Some("Staff")
        );
        assert_eq!(
            codebook.add_theme("Lone", Some("other")),
            Ok("lone".to_owned())
        );
        assert_eq!(codebook.find("lone"), Some(super::super::ThemeId(7)));
        assert_sound(&codebook);
    }

    #[test]
    fn adding_a_theme_refuses_blank_names_and_bad_parents() {
        assert_refused(|book| book.add_theme("  ", None), EditError::EmptyName);
        assert_refused(|book| book.add_theme("New", Some("nope")), no_such("nope"));
        assert_refused(
            |book| book.add_theme("New", Some("staff")),
            EditError::ParentNotTopLevel {
                parent: "staff".to_owned(),
            },
        );
    }

    #[test]
    fn rename_keeps_the_key_and_describe_and_recolour_set_their_field() {
        let mut codebook = sample();
        codebook
            .rename("staff", "  Teaching staff ")
            .expect("renames");
        codebook
            .describe("staff", " Teachers and assistants. ")
            .expect("describes");
        codebook
            .recolour("people", Some(" #00ff7f"))
            .expect("recolours");
        let staff = codebook
            .theme(codebook.find("staff").expect("kept"))
            .expect("there");
        assert_eq!(staff.name, "Teaching staff");
        assert_eq!(staff.description, "Teachers and assistants.");
        let people = codebook
            .theme(codebook.find("people").expect("kept"))
            .expect("there");
        assert_eq!(people.colour.as_deref(), Some("#00FF7F"));
        assert_sound(&codebook);
        codebook.recolour("people", None).expect("clears");
        assert_eq!(codebook, {
            let mut expected = sample();
            expected.rename("staff", "Teaching staff").expect("renames");
            expected
                .describe("staff", "Teachers and assistants.")
                .expect("describes");
            expected
        });

        assert_refused(|book| book.rename("staff", " "), EditError::EmptyName);
        assert_refused(|book| book.rename("nope", "Name"), no_such("nope"));
        assert_refused(|book| book.describe("nope", "Text"), no_such("nope"));
        assert_refused(|book| book.recolour("nope", None), no_such("nope"));
        for colour in ["blue", "#12345", "#GG0000", "0072B2"] {
            assert_refused(
                |book| book.recolour("people", Some(colour)),
                EditError::BadColour {
                    colour: colour.to_owned(),
                },
            );
        }
    }

    #[test]
    fn keywords_and_exclusions_are_trimmed_without_blanks_or_repeats() {
        let mut codebook = sample();
        let written = |words: &[&str]| {
            words
                .iter()
                .map(|&word| word.to_owned())
                .collect::<Vec<_>>()
        };
        codebook
            .set_keywords(
                "other",
                &written(&[" wait* ", "", "Waiting list", "WAIT*", "waiting LIST"]),
            )
            .expect("sets");
        codebook
            .set_exclusions("other", &written(&["wait a minute", " ", "Wait a minute"]))
            .expect("sets");
        let other = codebook
            .theme(codebook.find("other").expect("kept"))
            .expect("there");
        assert_eq!(other.keywords, ["wait*", "Waiting list"]);
        assert_eq!(other.exclude, ["wait a minute"]);
        assert_sound(&codebook);

        // A theme with no keywords is coded by hand only, and still a valid theme.
        codebook.set_keywords("staff", &[]).expect("clears");
        assert!(
            codebook
                .theme(codebook.find("staff").expect("kept"))
                .expect("there")
                .keywords
                .is_empty()
        );
        assert_sound(&codebook);

        assert_refused(|book| book.set_keywords("nope", &[]), no_such("nope"));
        assert_refused(|book| book.set_exclusions("nope", &[]), no_such("nope"));
    }

    #[test]
    fn set_parent_moves_into_a_group_or_out_to_the_top_level() {
        let mut codebook = sample();
        codebook
            .set_parent("other", Some("money"))
            .expect("moves in");
        assert_eq!(
            keys(&codebook),
            ["people", "staff", "parents", "money", "cuts", "other"]
        );
        assert_eq!(parent(&codebook, "other"), Some("money"));
        codebook.set_parent("staff", None).expect("moves out");
        assert_eq!(
            keys(&codebook),
            ["people", "parents", "staff", "money", "cuts", "other"]
        );
        assert_eq!(parent(&codebook, "staff"), None);
        codebook
            .set_parent("staff", Some("money"))
            .expect("moves across");
        assert_eq!(
            keys(&codebook),
            ["people", "parents", "money", "cuts", "other", "staff"]
        );
        assert_sound(&codebook);

        let unchanged = codebook.clone();
        codebook
            .set_parent("cuts", Some("money"))
            .expect("already there");
        assert_eq!(codebook, unchanged);
    }

    #[test]
    fn set_parent_refuses_three_levels_and_itself() {
        assert_refused(
            |book| book.set_parent("people", Some("money")),
            EditError::GroupCannotNest {
                key: "people".to_owned(),
            },
        );
        assert_refused(
            |book| book.set_parent("other", Some("other")),
            EditError::OwnParent,
        );
        assert_refused(
            |book| book.set_parent("other", Some("staff")),
            EditError::ParentNotTopLevel {
                parent: "staff".to_owned(),
            },
        );
        assert_refused(
            |book| book.set_parent("other", Some("nope")),
            no_such("nope"),
        );
        assert_refused(|book| book.set_parent("nope", None), no_such("nope"));
    }

    #[test]
    fn shift_moves_among_siblings_and_stops_at_the_ends() {
        let mut codebook = sample();
        codebook.shift("parents", -1).expect("up");
        assert_eq!(
            keys(&codebook),
            ["people", "parents", "staff", "money", "cuts", "other"]
        );
        codebook
            .shift("parents", 9)
            .expect("down, stopping at the last");
        assert_eq!(
            keys(&codebook),
            ["people", "staff", "parents", "money", "cuts", "other"]
        );
        codebook.shift("staff", 0).expect("stays");
        codebook.shift("cuts", -3).expect("only child stays");
        assert_eq!(
            keys(&codebook),
            ["people", "staff", "parents", "money", "cuts", "other"]
        );
        assert_sound(&codebook);
        assert_refused(|book| book.shift("nope", 1), no_such("nope"));
    }

    #[test]
    fn shifting_a_group_moves_its_themes_with_it() {
        let mut codebook = sample();
        codebook.shift("money", -1).expect("up");
        assert_eq!(
            keys(&codebook),
            ["money", "cuts", "people", "staff", "parents", "other"]
        );
        codebook.shift("money", isize::MAX).expect("to the end");
        assert_eq!(
            keys(&codebook),
            ["people", "staff", "parents", "other", "money", "cuts"]
        );
        codebook.shift("other", isize::MIN).expect("to the top");
        assert_eq!(
            keys(&codebook),
            ["other", "people", "staff", "parents", "money", "cuts"]
        );
        assert_sound(&codebook);

        // Themes written away from their parent are gathered under it.
        let mut scattered = sample();
        scattered.themes.swap(2, 5);
        scattered.shift("money", -1).expect("up");
        assert_eq!(
            keys(&scattered),
            ["people", "staff", "parents", "money", "cuts", "other"]
        );
    }

    #[test]
    fn merge_carries_rules_description_and_themes() {
        let mut codebook = sample();
        codebook.merge("money", "people").expect("merges");
        assert_eq!(
            keys(&codebook),
            ["people", "staff", "parents", "cuts", "other"]
        );
        assert_eq!(parent(&codebook, "cuts"), Some("people"));
        let people = codebook
            .theme(codebook.find("people").expect("kept"))
            .expect("there");
        assert_eq!(people.keywords, ["funding", "Staff"]);
        assert_eq!(people.exclude, ["fundraiser"]);
        assert_eq!(people.description, "Funding and cost.");
        assert_sound(&codebook);

        // Keywords already there are not repeated, and a description is kept.
        let mut codebook = sample();
        codebook
            .describe("staff", "Who works with children.")
            .expect("describes");
        codebook
            .merge("money", "staff")
            .expect_err("group into a child");
        codebook
            .merge("cuts", "money")
            .expect("child into its parent");
        codebook.merge("money", "staff").expect("leaf into a child");
        let staff = codebook
            .theme(codebook.find("staff").expect("kept"))
            .expect("there");
        assert_eq!(staff.keywords, ["staff", "funding"]);
        assert_eq!(staff.description, "Who works with children.");
        assert_eq!(keys(&codebook), ["people", "staff", "parents", "other"]);
        assert_sound(&codebook);
    }

    #[test]
    fn merge_refuses_itself_its_own_child_and_three_levels() {
        assert_refused(
            |book| book.merge("people", "people"),
            EditError::MergeIntoItself,
        );
        assert_refused(
            |book| book.merge("people", "staff"),
            EditError::MergeIntoOwnChild {
                from: "people".to_owned(),
                into: "staff".to_owned(),
            },
        );
        assert_refused(
            |book| book.merge("money", "staff"),
            EditError::MergeGroupIntoChild {
                from: "money".to_owned(),
                into: "staff".to_owned(),
            },
        );
        assert_refused(|book| book.merge("nope", "people"), no_such("nope"));
        assert_refused(|book| book.merge("people", "nope"), no_such("nope"));
    }

    #[test]
    fn deleting_a_group_lifts_its_themes_to_the_top_level() {
        let mut codebook = sample();
        codebook.delete("people").expect("deletes");
        assert_eq!(
            keys(&codebook),
            ["staff", "parents", "money", "cuts", "other"]
        );
        assert_eq!(parent(&codebook, "staff"), None);
        assert_eq!(parent(&codebook, "parents"), None);
        assert_eq!(parent(&codebook, "cuts"), Some("money"));
        codebook.delete("cuts").expect("deletes a child");
        assert!(!codebook.is_group(codebook.find("money").expect("kept")));
        assert_sound(&codebook);
        assert_refused(|book| book.delete("nope"), no_such("nope"));
    }

    #[test]
    fn adopt_keys_takes_previous_keys_by_name() {
        let reread = r#"
            name = "Reread"
            [[theme]]
            id = "the-people"
            name = " PEOPLE "
            [[theme]]
            id = "teachers"
            name = "staff"
            parent = "the-people"
            [[theme]]
            id = "brand-new"
            name = "Brand new"
            [[theme]]
            id = "money"
            name = "Money"
            [[theme]]
            id = "other"
            name = "Cuts"
            [[theme]]
            id = "x"
            name = "Other"
        "#;
        let mut codebook = Codebook::from_toml(reread, Path::new("reread.toml")).expect("parses");
        codebook.adopt_keys(&sample());
        // "Cuts" keeps "other", which the previous codebook has; "Other" cannot take "other",
        // which is in use here.
        assert_eq!(
            keys(&codebook),
            ["people", "staff", "brand-new", "money", "other", "x"]
        );
        assert_eq!(parent(&codebook, "staff"), Some("people"));
        assert_sound(&codebook);
    }
}
