//! The project file itself: one SQLite database, its format checked on opening, every step
//! written in its own transaction. Plain tables, so colleagues can read it with any SQLite tool.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};

use super::decisions::{Decision, Step, StepKind};
use super::error::ProjectError;
use crate::keys::CommentKey;
use crate::model::ColumnRole;
use crate::tagging::Coding;

/// SQLite's application id for ConsultLens projects ("CLNS"), so no other database is misread.
const APPLICATION_ID: i64 = 0x434C_4E53;

/// The newest project format this build reads and writes; older ones are migrated on opening.
pub const FORMAT_VERSION: i64 = 3;

/// How long to wait for another program's write to finish before calling the project locked.
const BUSY_WAIT: Duration = Duration::from_secs(3);

/// A source row with no `version_of` is a source; one with it is a newer copy of that source's
/// file, read instead from the step that re-imported it.
const SCHEMA: &str = "
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    sheet TEXT,
    size INTEGER NOT NULL,
    modified_ns INTEGER,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    version_of INTEGER REFERENCES sources(id)
);
CREATE TABLE steps (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('create', 'do', 'undo', 'redo')),
    target INTEGER REFERENCES steps(id),
    description TEXT NOT NULL
);
CREATE TABLE decisions (
    step INTEGER NOT NULL REFERENCES steps(id),
    kind TEXT NOT NULL,
    source INTEGER REFERENCES sources(id),
    response TEXT,
    question TEXT,
    theme TEXT,
    value TEXT
);
CREATE INDEX decisions_by_step ON decisions(step);
";

/// A source file as the project keeps it, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRecord {
    /// Its row in the project.
    pub id: i64,
    /// Where it was when it was added.
    pub path: PathBuf,
    /// The worksheet read when it was added.
    pub sheet: Option<String>,
    /// Its fingerprint when it was added.
    pub fingerprint: Fingerprint,
}

/// What tells whether a file is still the one that was added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// Its length in bytes.
    pub size: u64,
    /// Its modification time, in nanoseconds since 1970, when the system gives one.
    pub modified_ns: Option<i64>,
    /// Its content's SHA-256, in hex.
    pub sha256: String,
}

/// The open project file.
#[derive(Debug)]
pub struct Store {
    connection: Connection,
    path: PathBuf,
}

impl Store {
    /// Makes a new, empty project in the empty (or absent) file at `path`.
    ///
    /// # Errors
    /// The storage error.
    pub fn create(path: &Path) -> Result<Self, ProjectError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(path, flags)
            .map_err(|error| ProjectError::storage(path, &error))?;
        let store = Self {
            connection,
            path: path.to_owned(),
        };
        store.settings()?;
        store.batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {FORMAT_VERSION}; {SCHEMA}"
        ))?;
        Ok(store)
    }

    /// Opens a project file, checking that it is one and that this build can read it.
    ///
    /// # Errors
    /// [`ProjectError`] naming the file: missing, not a project, newer, damaged or locked.
    pub fn open(path: &Path) -> Result<Self, ProjectError> {
        if !path.is_file() {
            return Err(ProjectError::Missing {
                path: path.to_owned(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(path, flags)
            .map_err(|error| ProjectError::storage(path, &error))?;
        let store = Self {
            connection,
            path: path.to_owned(),
        };
        store.settings()?;
        let application_id: i64 = store.pragma("application_id")?;
        if application_id != APPLICATION_ID {
            return Err(ProjectError::NotAProject {
                path: path.to_owned(),
            });
        }
        let version: i64 = store.pragma("user_version")?;
        if version > FORMAT_VERSION {
            return Err(ProjectError::NewerVersion {
                path: path.to_owned(),
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        if version < FORMAT_VERSION {
            store.migrate(version)?;
        }
        Ok(store)
    }

    /// Brings an older project to this build's format, in one transaction.
    fn migrate(&self, from: i64) -> Result<(), ProjectError> {
        let mut sql = String::from("BEGIN IMMEDIATE;");
        if from < 2 {
            // Version 2 keeps newer copies of a source's file beside it.
            sql.push_str(
                "ALTER TABLE sources ADD COLUMN version_of INTEGER REFERENCES sources(id);",
            );
        }
        // Version 3 keeps answered suggestions and sentiments set by hand as decisions of new
        // kinds in the same table: nothing to change, but an older build must refuse the
        // project as newer rather than call it damaged.
        sql.push_str(&format!("PRAGMA user_version = {FORMAT_VERSION}; COMMIT;"));
        self.batch(&sql).inspect_err(|_| {
            let _ = self.connection.execute_batch("ROLLBACK;");
        })
    }

    /// Durable writes: each step is on disk when its transaction ends, and a crash rolls an
    /// unfinished one back.
    fn settings(&self) -> Result<(), ProjectError> {
        self.connection
            .busy_timeout(BUSY_WAIT)
            .map_err(|error| self.error(&error))?;
        self.batch(
            "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
        )
    }

    fn batch(&self, sql: &str) -> Result<(), ProjectError> {
        self.connection
            .execute_batch(sql)
            .map_err(|error| self.error(&error))
    }

    fn pragma(&self, name: &str) -> Result<i64, ProjectError> {
        self.connection
            .query_row(&format!("PRAGMA {name}"), [], |row| row.get(0))
            .map_err(|error| self.error(&error))
    }

    fn error(&self, error: &rusqlite::Error) -> ProjectError {
        ProjectError::storage(&self.path, error)
    }

    /// The project file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds the first step, which makes the project: its sources (with their bytes) and its
    /// first decisions, such as the codebook. All of it is written, or none.
    ///
    /// # Errors
    /// The storage error.
    pub fn create_project(
        &mut self,
        sources: &[(SourceRecord, Vec<u8>)],
        description: &str,
        decisions: &[Decision],
    ) -> Result<(), ProjectError> {
        let path = self.path.clone();
        let error = |error: rusqlite::Error| ProjectError::storage(&path, &error);
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(error)?;
        let mut source_ids = Vec::with_capacity(sources.len());
        for (record, data) in sources {
            source_ids.push(insert_source(&transaction, record, data, None).map_err(error)?);
        }
        let step = insert_step(&transaction, StepKind::Create, description).map_err(error)?;
        insert_decisions(&transaction, step, &source_ids, decisions).map_err(error)?;
        transaction.commit().map_err(error)
    }

    /// Keeps a file's bytes (a new source, or with `version_of` a newer copy of a source's file)
    /// and records the step that starts using it, in one transaction. `decision` makes the
    /// step's decision from the new row's id and the sources' ids after it. Returns the row's id.
    ///
    /// # Errors
    /// The storage error; nothing is kept then.
    pub fn record_with_file(
        &mut self,
        (record, data): (&SourceRecord, &[u8]),
        version_of: Option<i64>,
        description: &str,
        decision: impl FnOnce(i64, &[i64]) -> Decision,
    ) -> Result<i64, ProjectError> {
        let path = self.path.clone();
        let error = |error: rusqlite::Error| ProjectError::storage(&path, &error);
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(error)?;
        let id = insert_source(&transaction, record, data, version_of).map_err(error)?;
        let source_ids = source_ids_in(&transaction).map_err(error)?;
        let step = insert_step(&transaction, StepKind::Do, description).map_err(error)?;
        insert_decisions(
            &transaction,
            step,
            &source_ids,
            &[decision(id, &source_ids)],
        )
        .map_err(error)?;
        transaction.commit().map_err(error)?;
        Ok(id)
    }

    /// Records one step of the history with its decisions, in one transaction: all of it is
    /// written, or none. Returns the step's number.
    ///
    /// # Errors
    /// The storage error.
    pub fn record(
        &mut self,
        kind: StepKind,
        description: &str,
        decisions: &[Decision],
    ) -> Result<i64, ProjectError> {
        let source_ids = self.source_ids()?;
        let path = self.path.clone();
        let error = |error: rusqlite::Error| ProjectError::storage(&path, &error);
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(error)?;
        let step = insert_step(&transaction, kind, description).map_err(error)?;
        insert_decisions(&transaction, step, &source_ids, decisions).map_err(error)?;
        transaction.commit().map_err(error)?;
        Ok(step)
    }

    fn source_ids(&self) -> Result<Vec<i64>, ProjectError> {
        source_ids_in(&self.connection).map_err(|error| self.error(&error))
    }

    /// The sources, in the order they were added (newer copies of their files left out).
    ///
    /// # Errors
    /// The storage error.
    pub fn sources(&self) -> Result<Vec<SourceRecord>, ProjectError> {
        self.source_records("WHERE version_of IS NULL ORDER BY id", [])
    }

    /// A source row by id: a source, or a newer copy of its file.
    ///
    /// # Errors
    /// The storage error, or damage when there is no such row.
    pub fn source_row(&self, id: i64) -> Result<SourceRecord, ProjectError> {
        self.source_records("WHERE id = ?1", [id])?
            .pop()
            .ok_or_else(|| self.damaged(format!("the copy of a source file ({id}) is missing")))
    }

    fn source_records(
        &self,
        filter: &str,
        arguments: impl rusqlite::Params,
    ) -> Result<Vec<SourceRecord>, ProjectError> {
        let mut statement = self
            .connection
            .prepare(&format!(
                "SELECT id, path, sheet, size, modified_ns, sha256 FROM sources {filter}"
            ))
            .map_err(|error| self.error(&error))?;
        let records = statement
            .query_map(arguments, |row| {
                Ok(SourceRecord {
                    id: row.get(0)?,
                    path: PathBuf::from(row.get::<_, String>(1)?),
                    sheet: row.get(2)?,
                    fingerprint: Fingerprint {
                        size: u64::try_from(row.get::<_, i64>(3)?).unwrap_or_default(),
                        modified_ns: row.get(4)?,
                        sha256: row.get(5)?,
                    },
                })
            })
            .and_then(Iterator::collect)
            .map_err(|error| self.error(&error))?;
        Ok(records)
    }

    /// The sources that were added to the project after it was made, in force or not.
    ///
    /// # Errors
    /// The storage error.
    pub fn added_source_ids(&self) -> Result<Vec<i64>, ProjectError> {
        let mut statement = self
            .connection
            .prepare("SELECT DISTINCT source FROM decisions WHERE kind = 'add_source'")
            .map_err(|error| self.error(&error))?;
        let ids = statement
            .query_map([], |row| row.get(0))
            .and_then(Iterator::collect)
            .map_err(|error| self.error(&error))?;
        Ok(ids)
    }

    /// The bytes of a source row as they were kept.
    ///
    /// # Errors
    /// The storage error.
    pub fn source_data(&self, id: i64) -> Result<Vec<u8>, ProjectError> {
        self.connection
            .query_row("SELECT data FROM sources WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .map_err(|error| self.error(&error))
    }

    /// Every step of the history, oldest first.
    ///
    /// # Errors
    /// The storage error, or a step of a kind this build does not know (damage).
    pub fn steps(&self) -> Result<Vec<Step>, ProjectError> {
        let mut statement = self
            .connection
            .prepare("SELECT id, at, user, kind, target, description FROM steps ORDER BY id")
            .map_err(|error| self.error(&error))?;
        let rows: Vec<(i64, String, String, String, Option<i64>, String)> = statement
            .query_map([], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                ))
            })
            .and_then(Iterator::collect)
            .map_err(|error| self.error(&error))?;
        rows.into_iter()
            .map(|(id, at, user, kind, target, description)| {
                let kind = match (kind.as_str(), target) {
                    ("create", _) => StepKind::Create,
                    ("do", _) => StepKind::Do,
                    ("undo", Some(target)) => StepKind::Undo(target),
                    ("redo", Some(target)) => StepKind::Redo(target),
                    _ => return Err(self.damaged(format!("step {id} is of an unknown kind"))),
                };
                Ok(Step {
                    id,
                    at,
                    user,
                    kind,
                    description,
                })
            })
            .collect()
    }

    fn damaged(&self, detail: String) -> ProjectError {
        ProjectError::Damaged {
            path: self.path.clone(),
            detail,
        }
    }

    /// The decisions of the given steps, in step order.
    ///
    /// # Errors
    /// The storage error, or a decision this build cannot read (damage).
    pub fn decisions(&self, steps: &[i64]) -> Result<Vec<Decision>, ProjectError> {
        let positions: std::collections::HashMap<i64, usize> = self
            .source_ids()?
            .into_iter()
            .enumerate()
            .map(|(position, id)| (id, position))
            .collect();
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT kind, source, response, question, theme, value FROM decisions WHERE step = ?1 ORDER BY rowid",
            )
            .map_err(|error| self.error(&error))?;
        let mut decisions = Vec::new();
        for &step in steps {
            let rows: Vec<DecisionRow> = statement
                .query_map([step], |row| {
                    Ok(DecisionRow {
                        kind: row.get(0)?,
                        source: row.get(1)?,
                        response: row.get(2)?,
                        question: row.get(3)?,
                        theme: row.get(4)?,
                        value: row.get(5)?,
                    })
                })
                .and_then(Iterator::collect)
                .map_err(|error| self.error(&error))?;
            for row in rows {
                let decision = row.decision(&positions).ok_or_else(|| {
                    self.damaged(format!("a decision of step {step} cannot be read"))
                })?;
                decisions.push(decision);
            }
        }
        Ok(decisions)
    }

    /// The target of the newest undo or redo, for reporting.
    ///
    /// # Errors
    /// The storage error.
    pub fn description_of(&self, step: i64) -> Result<Option<String>, ProjectError> {
        self.connection
            .query_row(
                "SELECT description FROM steps WHERE id = ?1",
                [step],
                |row| row.get(0),
            )
            .optional()
            .map_err(|error| self.error(&error))
    }
}

/// The sources' ids in the order they were added, newer copies of their files left out.
fn source_ids_in(connection: &Connection) -> rusqlite::Result<Vec<i64>> {
    let mut statement =
        connection.prepare_cached("SELECT id FROM sources WHERE version_of IS NULL ORDER BY id")?;
    statement.query_map([], |row| row.get(0))?.collect()
}

/// Keeps a file's bytes as a source row; returns the row's id.
fn insert_source(
    transaction: &rusqlite::Transaction<'_>,
    record: &SourceRecord,
    data: &[u8],
    version_of: Option<i64>,
) -> rusqlite::Result<i64> {
    transaction.execute(
        "INSERT INTO sources (path, sheet, size, modified_ns, sha256, data, version_of) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            record.path.to_string_lossy(),
            record.sheet,
            i64::try_from(record.fingerprint.size).unwrap_or(i64::MAX),
            record.fingerprint.modified_ns,
            record.fingerprint.sha256,
            data,
            version_of
        ],
    )?;
    Ok(transaction.last_insert_rowid())
}

fn insert_step(
    transaction: &rusqlite::Transaction<'_>,
    kind: StepKind,
    description: &str,
) -> rusqlite::Result<i64> {
    let (name, target) = match kind {
        StepKind::Create => ("create", None),
        StepKind::Do => ("do", None),
        StepKind::Undo(target) => ("undo", Some(target)),
        StepKind::Redo(target) => ("redo", Some(target)),
    };
    transaction.execute(
        "INSERT INTO steps (at, user, kind, target, description) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            chrono::Local::now().to_rfc3339(),
            user_name(),
            name,
            target,
            description
        ],
    )?;
    Ok(transaction.last_insert_rowid())
}

fn insert_decisions(
    transaction: &rusqlite::Transaction<'_>,
    step: i64,
    source_ids: &[i64],
    decisions: &[Decision],
) -> rusqlite::Result<()> {
    let mut statement = transaction.prepare_cached(
        "INSERT INTO decisions (step, kind, source, response, question, theme, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for decision in decisions {
        let row = DecisionRow::from_decision(decision, source_ids);
        statement.execute(params![
            step,
            row.kind,
            row.source,
            row.response,
            row.question,
            row.theme,
            row.value
        ])?;
    }
    Ok(())
}

/// A decision as a row of the `decisions` table.
struct DecisionRow {
    kind: String,
    source: Option<i64>,
    response: Option<String>,
    question: Option<String>,
    theme: Option<String>,
    value: Option<String>,
}

impl DecisionRow {
    fn from_decision(decision: &Decision, source_ids: &[i64]) -> Self {
        let source_id = |position: usize| source_ids.get(position).copied();
        let on_comment =
            |kind: &str, comment: &CommentKey, theme: Option<&str>, value: &str| Self {
                kind: kind.to_owned(),
                source: source_id(comment.source),
                response: Some(comment.response.clone()),
                question: Some(comment.question.clone()),
                theme: theme.map(str::to_owned),
                value: Some(value.to_owned()),
            };
        let plain = |kind: &str, source: Option<i64>, question: Option<&str>, value: &str| Self {
            kind: kind.to_owned(),
            source,
            response: None,
            question: question.map(str::to_owned),
            theme: None,
            value: Some(value.to_owned()),
        };
        match decision {
            Decision::Code {
                comment,
                theme,
                coding,
            } => on_comment(
                "code",
                comment,
                Some(theme),
                match coding {
                    Coding::Add => "add",
                    Coding::Remove => "remove",
                },
            ),
            Decision::Suggestion {
                comment,
                theme,
                accepted,
            } => on_comment(
                "suggestion",
                comment,
                Some(theme),
                if *accepted { "accept" } else { "reject" },
            ),
            Decision::Sentiment { comment, sentiment } => {
                on_comment("sentiment", comment, None, sentiment.name())
            }
            Decision::Quote { comment, starred } => {
                on_comment("quote", comment, None, if *starred { "1" } else { "0" })
            }
            Decision::Note { comment, text } => on_comment("note", comment, None, text),
            Decision::Role { question, role } => plain("role", None, Some(question), role.key()),
            Decision::RespondentGroup { question } => {
                plain("respondent_group", None, question.as_deref(), "")
            }
            Decision::Sheet { source, sheet } => plain("sheet", source_id(*source), None, sheet),
            Decision::Codebook { toml } => plain("codebook", None, None, toml),
            Decision::AddSource { source } => plain("add_source", source_id(*source), None, ""),
            Decision::Reimport { source, version } => {
                plain("reimport", source_id(*source), None, &version.to_string())
            }
            Decision::Relink { source, path } => {
                plain("relink", source_id(*source), None, &path.to_string_lossy())
            }
        }
    }

    fn decision(self, positions: &std::collections::HashMap<i64, usize>) -> Option<Decision> {
        let source = self.source.and_then(|id| positions.get(&id).copied());
        let comment = || {
            Some(CommentKey {
                source: source?,
                response: self.response.clone()?,
                question: self.question.clone()?,
            })
        };
        let value = self.value.clone().unwrap_or_default();
        Some(match self.kind.as_str() {
            "code" => Decision::Code {
                comment: comment()?,
                theme: self.theme.clone()?,
                coding: match value.as_str() {
                    "add" => Coding::Add,
                    "remove" => Coding::Remove,
                    _ => return None,
                },
            },
            "suggestion" => Decision::Suggestion {
                comment: comment()?,
                theme: self.theme.clone()?,
                accepted: match value.as_str() {
                    "accept" => true,
                    "reject" => false,
                    _ => return None,
                },
            },
            "sentiment" => Decision::Sentiment {
                comment: comment()?,
                sentiment: crate::learning::Sentiment::from_label(&value)?,
            },
            "quote" => Decision::Quote {
                comment: comment()?,
                starred: value == "1",
            },
            "note" => Decision::Note {
                comment: comment()?,
                text: value,
            },
            "role" => Decision::Role {
                question: self.question.clone()?,
                role: ColumnRole::ALL
                    .into_iter()
                    .find(|role| role.key() == value)?,
            },
            "respondent_group" => Decision::RespondentGroup {
                question: self.question.clone(),
            },
            "sheet" => Decision::Sheet {
                source: source?,
                sheet: value,
            },
            "codebook" => Decision::Codebook { toml: value },
            "add_source" => Decision::AddSource { source: source? },
            "reimport" => Decision::Reimport {
                source: source?,
                version: value.parse().ok()?,
            },
            "relink" => Decision::Relink {
                source: source?,
                path: PathBuf::from(value),
            },
            _ => return None,
        })
    }
}

/// Who is making decisions: the computer's user name, for the history.
fn user_name() -> String {
    ["USER", "USERNAME"]
        .into_iter()
        .find_map(|name| std::env::var(name).ok())
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}
