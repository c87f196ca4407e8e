//! The project: the user's decisions over their source files, in one SQLite file.
//!
//! A project keeps a copy of each source (so it opens when the file has moved) with the file's
//! fingerprint, and an append-only history of steps, each holding the decisions made in it: hand
//! coding, column roles, worksheet choices, the codebook, quotes and notes. Every step is
//! written in its own transaction the moment it is made. The survey, the rule tagging, the
//! effective tagging and the summary are derived from it and never stored as the truth.

mod coding_sheet;
mod decisions;
mod error;
mod loaded;
mod store;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use coding_sheet::{CodingSheetError, read_coding_sheet};
pub use decisions::{Decision, Decisions, InForce, Step, StepKind};
pub use error::ProjectError;
pub use loaded::Loaded;
pub use store::{FORMAT_VERSION, Fingerprint, SourceRecord};

use crate::codebook::Codebook;
use crate::import::{self, ImportOptions};
use crate::keys::SurveyKeys;
use crate::model::CommentRef;
use crate::progress::Progress;
use crate::tagging::{self, Coding};
use store::Store;

/// The file extension of projects.
pub const EXTENSION: &str = "consultlens";

/// Whether `path` is a project rather than a survey export: by its extension, or by the SQLite
/// header a renamed project still has.
pub fn looks_like_project(path: &Path) -> bool {
    let by_name = path
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case(EXTENSION));
    by_name || {
        let mut header = [0u8; 16];
        std::fs::File::open(path)
            .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut header))
            .is_ok_and(|()| &header == b"SQLite format 3\0")
    }
}

/// Whether a source file on disk is still the one the project was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceStatus {
    /// The same file.
    Ok,
    /// The file is there but its contents differ; the project uses its own copy.
    Changed,
    /// The file is gone or cannot be read; the project uses its own copy.
    Missing,
}

impl SourceStatus {
    /// The machine name used in JSON output.
    pub fn key(self) -> &'static str {
        match self {
            SourceStatus::Ok => "ok",
            SourceStatus::Changed => "changed",
            SourceStatus::Missing => "missing",
        }
    }
}

/// A step taken back or put back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turned {
    /// Its number in the history.
    pub step: i64,
    /// What it did, in words.
    pub description: String,
}

/// What re-importing a source's file changed, by comment: hand coding stays with each comment's
/// key, so the comments whose text changed are the ones to look at again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceChanges {
    /// Comments whose text is not what it was.
    pub changed: Vec<ChangedComment>,
    /// Comments the new copy has that the old did not.
    pub new_comments: usize,
    /// Comments the old copy had that the new does not.
    pub gone_comments: usize,
}

/// A comment whose text changed at a re-import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedComment {
    /// The comment.
    pub key: crate::keys::CommentKey,
    /// Its text before.
    pub before: String,
    /// Its text now.
    pub after: String,
}

/// A project as it is on disk: its sources, its history and the decisions in force.
#[derive(Debug)]
pub struct Project {
    store: Store,
    /// Every source ever added, by position.
    sources: Vec<SourceRecord>,
    /// The positions of the sources added after the project was made, whether in force or not.
    added: std::collections::BTreeSet<usize>,
    steps: Vec<Step>,
    in_force: InForce,
    decisions: Decisions,
}

impl Project {
    /// Makes a project from survey exports and a codebook. The files are read, checked by
    /// importing them, fingerprinted and copied into the project; nothing is left behind if
    /// that fails.
    ///
    /// # Errors
    /// [`ProjectError`] naming the file: the project exists already, a source cannot be
    /// imported, or the project cannot be written.
    pub fn create(
        path: &Path,
        files: &[PathBuf],
        sheet: Option<&str>,
        codebook: &Codebook,
        progress: &Progress,
    ) -> Result<Self, ProjectError> {
        let mut sources = Vec::with_capacity(files.len());
        for file in files {
            sources.push(read_source(file, sheet, progress)?);
        }
        if path.exists() {
            return Err(ProjectError::AlreadyExists {
                path: path.to_owned(),
            });
        }
        // Made beside it and renamed into place whole: a project half made is never seen, and
        // the temporary file goes if anything fails.
        let storage = |error: std::io::Error| ProjectError::Storage {
            path: path.to_owned(),
            detail: error.to_string(),
        };
        let temporary = crate::files::temporary_beside(path).map_err(storage)?;
        let mut store = Store::create(temporary.path())?;
        store.create_project(
            &sources,
            &format!(
                "made the project from {}",
                crate::wording::counted(files.len(), "file")
            ),
            &[Decision::Codebook {
                toml: codebook.to_toml()?,
            }],
        )?;
        drop(store);
        temporary
            .persist_noclobber(path)
            .map_err(|error| match error.error.kind() {
                std::io::ErrorKind::AlreadyExists => ProjectError::AlreadyExists {
                    path: path.to_owned(),
                },
                _ => storage(error.error),
            })?;
        Self::open(path)
    }

    /// Opens a project and plays its history.
    ///
    /// # Errors
    /// [`ProjectError`] naming the file: missing, not a project, newer, damaged or locked.
    pub fn open(path: &Path) -> Result<Self, ProjectError> {
        let store = Store::open(path)?;
        let sources = store.sources()?;
        let added = positions_of(&sources, &store.added_source_ids()?);
        let mut project = Self {
            store,
            sources,
            added,
            steps: Vec::new(),
            in_force: InForce::default(),
            decisions: Decisions::default(),
        };
        project.replay()?;
        Ok(project)
    }

    /// Reads the history again and works out the decisions in force.
    fn replay(&mut self) -> Result<(), ProjectError> {
        self.steps = self.store.steps()?;
        self.in_force = InForce::replay(&self.steps);
        let mut decisions = Decisions::default();
        for decision in self.store.decisions(&self.in_force.done)? {
            decisions.apply(decision);
        }
        self.decisions = decisions;
        Ok(())
    }

    /// The project file.
    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// The sources read now, with their positions: each as its latest copy, at its file's
    /// place now, with the worksheet chosen. A source whose adding was undone is left out.
    ///
    /// # Errors
    /// The storage error.
    pub fn sources_in_force(&self) -> Result<Vec<(usize, SourceRecord)>, ProjectError> {
        let mut in_force = Vec::with_capacity(self.sources.len());
        for (position, source) in self.sources.iter().enumerate() {
            if self.added.contains(&position) && !self.decisions.added_sources.contains(&position) {
                continue;
            }
            let mut record = match self.decisions.versions.get(&position) {
                Some(&version) => self.store.source_row(version)?,
                None => source.clone(),
            };
            if let Some(path) = self.decisions.relinked.get(&position) {
                record.path.clone_from(path);
            }
            if let Some(sheet) = self.decisions.sheets.get(&position) {
                record.sheet = Some(sheet.clone());
            }
            in_force.push((position, record));
        }
        Ok(in_force)
    }

    /// The sources read now, each with whether its file is still where it was, unchanged.
    ///
    /// # Errors
    /// The storage error.
    pub fn source_statuses(&self) -> Result<Vec<(SourceRecord, SourceStatus)>, ProjectError> {
        Ok(self
            .sources_in_force()?
            .into_iter()
            .map(|(_, record)| {
                let status = status_of(&record);
                (record, status)
            })
            .collect())
    }

    /// Adds another export of the consultation as one step: its copy is kept, and its comments
    /// are keyed under a new source position, so no earlier coding moves.
    ///
    /// # Errors
    /// [`ProjectError`] naming the file when it cannot be imported, or the storage error.
    pub fn add_source(&mut self, file: &Path, progress: &Progress) -> Result<(), ProjectError> {
        let (record, data) = read_source(file, None, progress)?;
        let description = format!("added {}", crate::files::display_name(file));
        self.store
            .record_with_file((&record, &data), None, &description, |id, ids| {
                Decision::AddSource {
                    source: ids.iter().position(|&each| each == id).unwrap_or(ids.len()),
                }
            })?;
        self.sources = self.store.sources()?;
        self.added = positions_of(&self.sources, &self.store.added_source_ids()?);
        self.replay()
    }

    /// Reads a source from a newer copy of its file from now on, as one step, and says which
    /// comments' text changed. Hand coding stays with each comment's key.
    ///
    /// # Errors
    /// [`ProjectError`] naming the file when it cannot be imported, or the storage error.
    pub fn reimport(
        &mut self,
        position: usize,
        file: &Path,
        progress: &Progress,
    ) -> Result<SourceChanges, ProjectError> {
        let (_, current) = self.source_in_force(position)?;
        let (record, data) = read_source(file, current.sheet.as_deref(), progress)?;
        let options = ImportOptions {
            sheet: current.sheet.clone(),
        };
        let before = import::import_bytes(
            &current.path,
            &self.store.source_data(current.id)?,
            &options,
            progress,
        )?;
        let after = import::import_bytes(file, &data, &options, progress)?;
        let roles = self.decisions.role_choices();
        let changes = compare_comments(position, before.survey, after.survey, &roles);
        let logical = self.sources.get(position).map(|source| source.id);
        let description = format!(
            "re-imported {}: {} changed",
            crate::files::display_name(file),
            crate::wording::counted(changes.changed.len(), "comment")
        );
        self.store
            .record_with_file((&record, &data), logical, &description, |version, _| {
                Decision::Reimport {
                    source: position,
                    version,
                }
            })?;
        self.replay()?;
        Ok(changes)
    }

    /// Records that a source's file is now at `file`, which must hold the same bytes.
    ///
    /// # Errors
    /// [`ProjectError::NotTheSameFile`] when its contents differ (re-import it instead), the
    /// file's read error, or the storage error.
    pub fn relink(&mut self, position: usize, file: &Path) -> Result<(), ProjectError> {
        let (_, current) = self.source_in_force(position)?;
        let data = std::fs::read(file).map_err(|source| import::ImportError::Read {
            path: file.to_owned(),
            source,
        })?;
        if sha256_hex(&data) != current.fingerprint.sha256 {
            return Err(ProjectError::NotTheSameFile {
                path: file.to_owned(),
            });
        }
        let path = std::path::absolute(file).unwrap_or_else(|_| file.to_owned());
        self.decide(
            &format!(
                "found {} at {}",
                crate::files::display_name(file),
                path.display()
            ),
            vec![Decision::Relink {
                source: position,
                path,
            }],
        )
    }

    /// Whether `file` holds the same bytes as the copy the project reads for this source.
    ///
    /// # Errors
    /// The file's read error, or the storage error.
    pub fn is_same_file(&self, position: usize, file: &Path) -> Result<bool, ProjectError> {
        let (_, current) = self.source_in_force(position)?;
        let data = std::fs::read(file).map_err(|source| import::ImportError::Read {
            path: file.to_owned(),
            source,
        })?;
        Ok(sha256_hex(&data) == current.fingerprint.sha256)
    }

    fn source_in_force(&self, position: usize) -> Result<(usize, SourceRecord), ProjectError> {
        self.sources_in_force()?
            .into_iter()
            .find(|(found, _)| *found == position)
            .ok_or_else(|| ProjectError::NoSuchSource {
                path: self.path().to_owned(),
                position,
            })
    }

    /// The decisions in force.
    pub fn decisions(&self) -> &Decisions {
        &self.decisions
    }

    /// The whole history, oldest first.
    pub fn history(&self) -> &[Step] {
        &self.steps
    }

    /// The project's codebook.
    ///
    /// # Errors
    /// [`ProjectError::Codebook`] when the codebook kept in the project cannot be read.
    pub fn codebook(&self) -> Result<Codebook, ProjectError> {
        let name = self.path().with_extension("toml");
        Ok(Codebook::from_toml(&self.decisions.codebook, &name)?)
    }

    /// Reads the survey from the project's copies of its sources, gives it the roles chosen by
    /// hand, tags it with the project's codebook and applies the hand coding.
    ///
    /// # Errors
    /// [`ProjectError`] when a copy cannot be imported or the codebook read, or
    /// [`ProjectError::Cancelled`].
    pub fn load(&self, progress: &Progress) -> Result<Loaded, ProjectError> {
        let codebook = self.codebook()?;
        let reading = progress.step(0.0, 0.4);
        let sources = self.sources_in_force()?;
        let mut parts = Vec::with_capacity(sources.len());
        for (_, source) in &sources {
            let data = self.store.source_data(source.id)?;
            parts.push(import::import_bytes(
                &source.path,
                &data,
                &ImportOptions {
                    sheet: source.sheet.clone(),
                },
                &reading,
            )?);
        }
        let mut imported = import::combine(parts);
        // Keys come from the survey as read, so choosing another role for the identifier column
        // renames no response; sources keep their positions when an earlier one is left out.
        let positions: Vec<usize> = sources.iter().map(|(position, _)| *position).collect();
        let keys = SurveyKeys::with_source_positions(&imported.survey, &positions);
        self.decisions.role_choices().apply_to(&mut imported.survey);
        let rules = tagging::RuleSet::new(&codebook);
        let mut tagging =
            tagging::tag_survey_with(&imported.survey, &rules, &progress.step(0.4, 0.6))
                .ok_or_else(|| ProjectError::Cancelled {
                    path: self.path().to_owned(),
                })?;
        let (hand_coding, unmatched_decisions) = self.hand_coding(&keys, &codebook);
        tagging.apply_hand_coding(&hand_coding);
        Ok(Loaded {
            imported,
            codebook,
            rules,
            keys,
            tagging,
            unmatched_decisions,
        })
    }

    /// The hand coding in force for these comments (all of them when `None`), as comments and
    /// themes of this survey and codebook.
    pub fn hand_coding_of(
        &self,
        keys: &SurveyKeys,
        codebook: &Codebook,
        comments: &[CommentRef],
    ) -> Vec<(CommentRef, crate::codebook::ThemeId, Coding)> {
        // The decisions are found among the comments, not the comments' keys made: a change of
        // keywords can touch 40,000 comments, and naming each took 25 ms.
        let mut wanted = comments.to_vec();
        wanted.sort_unstable();
        self.decisions
            .coding
            .iter()
            .filter_map(|((comment, theme), coding)| {
                let comment = keys.find_comment(comment)?;
                wanted.binary_search(&comment).ok()?;
                Some((comment, codebook.find(theme)?, *coding))
            })
            .collect()
    }

    /// The quotes and notes in force, on comments of this survey; those whose comment is gone
    /// are left out.
    pub fn highlights(&self, keys: &SurveyKeys) -> crate::export::Highlights {
        let mut quotes: Vec<CommentRef> = self
            .decisions
            .quotes
            .iter()
            .filter_map(|comment| keys.find_comment(comment))
            .collect();
        quotes.sort_unstable();
        let notes = self
            .decisions
            .notes
            .iter()
            .filter_map(|(comment, note)| Some((keys.find_comment(comment)?, note.clone())))
            .collect();
        crate::export::Highlights { quotes, notes }
    }

    /// The sentiments set by hand, on comments of this survey.
    pub fn sentiments_by_hand(
        &self,
        keys: &SurveyKeys,
    ) -> std::collections::HashMap<CommentRef, crate::learning::Sentiment> {
        self.decisions
            .sentiments
            .iter()
            .filter_map(|(comment, sentiment)| Some((keys.find_comment(comment)?, *sentiment)))
            .collect()
    }

    /// The decisions made in one step of the history.
    ///
    /// # Errors
    /// The storage error.
    pub fn step_decisions(&self, step: i64) -> Result<Vec<Decision>, ProjectError> {
        self.store.decisions(&[step])
    }

    /// The hand coding in force as comments and themes of this survey and codebook, with how
    /// many decisions match none.
    pub fn hand_coding(
        &self,
        keys: &SurveyKeys,
        codebook: &Codebook,
    ) -> (Vec<(CommentRef, crate::codebook::ThemeId, Coding)>, usize) {
        let mut matched = Vec::with_capacity(self.decisions.coding.len());
        let mut unmatched = 0;
        for ((comment, theme), coding) in &self.decisions.coding {
            match (keys.find_comment(comment), codebook.find(theme)) {
                (Some(comment), Some(theme)) => matched.push((comment, theme, *coding)),
                _ => unmatched += 1,
            }
        }
        (matched, unmatched)
    }

    /// Records one step of decisions; it is on disk when this returns.
    ///
    /// # Errors
    /// The storage error; nothing of the step is kept then.
    pub fn decide(
        &mut self,
        description: &str,
        decisions: Vec<Decision>,
    ) -> Result<(), ProjectError> {
        let step = self.store.record(StepKind::Do, description, &decisions)?;
        self.steps.push(Step {
            id: step,
            at: chrono::Local::now().to_rfc3339(),
            user: String::new(),
            kind: StepKind::Do,
            description: description.to_owned(),
        });
        self.in_force = InForce::replay(&self.steps);
        for decision in decisions {
            self.decisions.apply(decision);
        }
        Ok(())
    }

    /// Whether there is a step to take back.
    pub fn can_undo(&self) -> bool {
        self.in_force.undoable(&self.steps).is_some()
    }

    /// Whether there is a step to put back.
    pub fn can_redo(&self) -> bool {
        self.in_force.redoable().is_some()
    }

    /// Takes back the newest step in force; returns it, or `None` when there is nothing to undo.
    ///
    /// # Errors
    /// The storage error.
    pub fn undo(&mut self) -> Result<Option<Turned>, ProjectError> {
        let Some(target) = self.in_force.undoable(&self.steps) else {
            return Ok(None);
        };
        self.turn(StepKind::Undo(target), target)
    }

    /// Puts back the newest step taken back; returns it, or `None` when there is nothing to redo.
    ///
    /// # Errors
    /// The storage error.
    pub fn redo(&mut self) -> Result<Option<Turned>, ProjectError> {
        let Some(target) = self.in_force.redoable() else {
            return Ok(None);
        };
        self.turn(StepKind::Redo(target), target)
    }

    fn turn(&mut self, kind: StepKind, target: i64) -> Result<Option<Turned>, ProjectError> {
        let description = self.store.description_of(target)?.unwrap_or_default();
        let word = if matches!(kind, StepKind::Undo(_)) {
            "undid"
        } else {
            "redid"
        };
        self.store
            .record(kind, &format!("{word}: {description}"), &[])?;
        self.replay()?;
        Ok(Some(Turned {
            step: target,
            description,
        }))
    }
}

/// Reads a survey export for the project: its bytes, checked by importing them, with its
/// place, worksheet and fingerprint.
fn read_source(
    file: &Path,
    sheet: Option<&str>,
    progress: &Progress,
) -> Result<(SourceRecord, Vec<u8>), ProjectError> {
    let data = std::fs::read(file).map_err(|source| import::ImportError::Read {
        path: file.to_owned(),
        source,
    })?;
    let options = ImportOptions {
        sheet: sheet.map(str::to_owned),
    };
    let imported = import::import_bytes(file, &data, &options, progress)?;
    let chosen_sheet = imported
        .survey
        .first_source()
        .and_then(|source| source.sheet.clone());
    let record = SourceRecord {
        id: 0,
        path: std::path::absolute(file).unwrap_or_else(|_| file.to_owned()),
        sheet: chosen_sheet,
        fingerprint: fingerprint(file, &data),
    };
    Ok((record, data))
}

/// The positions of these source rows among the sources.
fn positions_of(sources: &[SourceRecord], ids: &[i64]) -> std::collections::BTreeSet<usize> {
    sources
        .iter()
        .enumerate()
        .filter(|(_, source)| ids.contains(&source.id))
        .map(|(position, _)| position)
        .collect()
}

/// The comments of one source before and after a re-import, matched by key.
fn compare_comments(
    position: usize,
    mut before: crate::model::Survey,
    mut after: crate::model::Survey,
    roles: &crate::model::RoleChoices,
) -> SourceChanges {
    let keyed = |survey: &mut crate::model::Survey| {
        let keys = SurveyKeys::with_source_positions(survey, &[position]);
        roles.apply_to(survey);
        survey
            .comments()
            .into_iter()
            .map(|comment| {
                let text = survey.comment_text(comment).unwrap_or_default().to_owned();
                (keys.comment(comment), text)
            })
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let before = keyed(&mut before);
    let after = keyed(&mut after);
    let mut changes = SourceChanges::default();
    for (key, text) in &after {
        match before.get(key) {
            Some(old) if old != text => changes.changed.push(ChangedComment {
                key: key.clone(),
                before: old.clone(),
                after: text.clone(),
            }),
            Some(_) => {}
            None => changes.new_comments += 1,
        }
    }
    changes.gone_comments = before
        .keys()
        .filter(|key| !after.contains_key(*key))
        .count();
    changes
}

/// A file's fingerprint from its bytes and its metadata.
fn fingerprint(path: &Path, data: &[u8]) -> Fingerprint {
    Fingerprint {
        size: data.len() as u64,
        modified_ns: modified_ns(path),
        sha256: sha256_hex(data),
    }
}

fn modified_ns(path: &Path) -> Option<i64> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    let since = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(since.as_nanos()).ok()
}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Whether the file is still the one fingerprinted: the same size and time say so at once;
/// otherwise the contents decide.
pub fn status_of(source: &SourceRecord) -> SourceStatus {
    let Ok(metadata) = std::fs::metadata(&source.path) else {
        return SourceStatus::Missing;
    };
    let same_size = metadata.len() == source.fingerprint.size;
    if same_size && modified_ns(&source.path) == source.fingerprint.modified_ns {
        return SourceStatus::Ok;
    }
    match std::fs::read(&source.path) {
        Ok(data) if same_size && sha256_hex(&data) == source.fingerprint.sha256 => SourceStatus::Ok,
        Ok(_) => SourceStatus::Changed,
        Err(_) => SourceStatus::Missing,
    }
}
