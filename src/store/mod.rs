//! Trainees, their results and team sessions, kept in an embedded SQLite database in the data
//! folder. A result is stored as what determines it (scenario version, persona, seed, replies),
//! so every score shown is recomputed by the engine (`verify`), and sealed, so a hand-edited
//! row is caught. Plain Rust: the game, the command line and the tests share it.

pub mod export;
pub mod verify;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use crate::content::version::ContentVersion;
use crate::content::{Library, Outcome, PersonaKind};
use crate::sim::Attempt;

/// The database file inside the data folder.
pub const DB_FILE: &str = "salesdojo.db";

/// The version of the engine that scored a result, stored with it.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The schema, one migration per version; `PRAGMA user_version` says how many have run.
/// Never edit a shipped migration: add the next one.
pub const MIGRATIONS: [&str; 5] = [
    // 1: trainees and their results, with the content versions they were played on.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
     CREATE TABLE trainees (
         id INTEGER PRIMARY KEY,
         name TEXT NOT NULL UNIQUE COLLATE NOCASE,
         created_at INTEGER NOT NULL
     ) STRICT;
     CREATE TABLE content_versions (hash TEXT PRIMARY KEY, files TEXT NOT NULL) STRICT;
     CREATE TABLE results (
         id INTEGER PRIMARY KEY,
         trainee_id INTEGER NOT NULL REFERENCES trainees(id),
         scenario_id TEXT NOT NULL,
         content_hash TEXT NOT NULL REFERENCES content_versions(hash),
         persona TEXT NOT NULL,
         seed INTEGER NOT NULL,
         choices TEXT NOT NULL,
         guess TEXT,
         engine_version TEXT NOT NULL,
         played_at INTEGER NOT NULL,
         score INTEGER NOT NULL,
         outcome TEXT NOT NULL,
         minutes INTEGER NOT NULL,
         seal TEXT NOT NULL
     ) STRICT;
     CREATE INDEX results_by_trainee ON results(trainee_id);
     CREATE INDEX results_by_scenario ON results(scenario_id);",
    // 2: team sessions.
    "CREATE TABLE sessions (
         code TEXT PRIMARY KEY,
         seed INTEGER NOT NULL,
         scenarios TEXT NOT NULL,
         created_at INTEGER NOT NULL
     ) STRICT;
     ALTER TABLE results ADD COLUMN session_code TEXT REFERENCES sessions(code);
     CREATE INDEX results_by_session ON results(session_code);",
    // 3: classrooms: the content version a session plays, its end, and the id a client gives
    // a result so that sending it again never counts twice.
    "ALTER TABLE sessions ADD COLUMN versions TEXT NOT NULL DEFAULT '{}';
     ALTER TABLE sessions ADD COLUMN ended_at INTEGER;
     ALTER TABLE results ADD COLUMN client_id TEXT;
     CREATE UNIQUE INDEX results_by_client_id ON results(client_id);
     CREATE TABLE outbox (
         result_id TEXT PRIMARY KEY,
         server TEXT NOT NULL,
         session TEXT NOT NULL,
         body TEXT NOT NULL,
         created_at INTEGER NOT NULL,
         attempts INTEGER NOT NULL DEFAULT 0,
         last_error TEXT
     ) STRICT;",
    // 4: a result a trainer took off a session's board (a test run, a name typed as a joke):
    // kept, so its id still counts as received, but never read again.
    "ALTER TABLE results ADD COLUMN removed_at INTEGER;",
    // 5: practice: a visit rewound to an earlier decision and tried again from there (0-based);
    // kept and shown in progress, never ranked.
    "ALTER TABLE results ADD COLUMN rewound_at INTEGER;",
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the data folder {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("results database {path}: {source}")]
    Database {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "results database {path} was written by a newer Sales Dojo (schema {found}, this one knows {known}); update Sales Dojo"
    )]
    Newer {
        path: PathBuf,
        found: usize,
        known: usize,
    },
    #[error("a trainee needs a name")]
    EmptyName,
    #[error("a trainee's name can have at most {MAX_NAME} characters")]
    LongName,
    #[error("no trainee named \"{0}\"")]
    NoTrainee(String),
    #[error("no session with code \"{0}\"")]
    NoSession(String),
    #[error("session {code} has no result #{id} on its board")]
    NoResult { code: String, id: i64 },
    #[error("a session code is 3 to 12 letters or digits, e.g. DOJO7")]
    BadCode,
    #[error("session code \"{0}\" is taken")]
    CodeTaken(String),
    #[error("a session needs at least one scenario")]
    NoScenarios,
    #[error("session {0} has ended")]
    Ended(String),
    #[error("result id \"{0}\" is already used by another result")]
    ClientIdTaken(String),
    #[error("the visit is not over yet")]
    Unfinished,
    #[error("session {code} plays {}, not \"{scenario}\"", plays.join(", "))]
    NotInSession {
        code: String,
        scenario: String,
        plays: Vec<String>,
    },
    #[error("session {code} meets the customer of seed {seed}, not {played}")]
    OtherCustomer {
        code: String,
        seed: u64,
        played: u64,
    },
    #[error("scenario \"{0}\" is not in the loaded content")]
    UnknownScenario(String),
    #[error(
        "session {0} takes whole visits only: a visit tried again from an earlier decision is practice"
    )]
    PracticeInSession(String),
}

pub const MAX_NAME: usize = 40;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trainee {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Session {
    pub code: String,
    pub seed: u64,
    pub scenarios: Vec<String>,
    pub created_at: i64,
    /// The content version (hash) of each scenario, as it was when the session was made: what a
    /// classroom plays, whatever the trainees' own files say. Empty for sessions made before.
    #[serde(default)]
    pub versions: BTreeMap<String, String>,
    /// When it was ended (seconds since 1970); an ended session takes no more results.
    #[serde(default)]
    pub ended_at: Option<i64>,
}

impl Session {
    /// A visit counts for a session only on one of its scenarios and with its customer (seed):
    /// the rule every caller records by.
    pub fn admits(&self, scenario: &str, seed: u64) -> Result<(), StoreError> {
        if self.ended_at.is_some() {
            return Err(StoreError::Ended(self.code.clone()));
        }
        if !self.scenarios.iter().any(|id| id == scenario) {
            return Err(StoreError::NotInSession {
                code: self.code.clone(),
                scenario: scenario.to_string(),
                plays: self.scenarios.clone(),
            });
        }
        if seed != self.seed {
            return Err(StoreError::OtherCustomer {
                code: self.code.clone(),
                seed: self.seed,
                played: seed,
            });
        }
        Ok(())
    }
}

/// One stored result, as the database holds it. Fields that a hand edit could make unreadable
/// stay raw here; `verify` reads them and says what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct StoredResult {
    pub id: i64,
    pub trainee_id: i64,
    pub trainee: String,
    pub scenario: String,
    pub content_hash: String,
    pub persona: String,
    pub seed: u64,
    /// The replies as 0-based indices in the scenario file, as JSON.
    pub choices: String,
    /// The notebook guess as `type@replies`, e.g. `driver@2`.
    pub guess: Option<String>,
    pub engine_version: String,
    /// Seconds since 1970 (UTC).
    pub played_at: i64,
    /// `played_at` in this computer's time zone, e.g. `2026-11-27 14:05`.
    pub played: String,
    pub score: i64,
    pub outcome: String,
    pub minutes: i64,
    pub session: Option<String>,
    /// Practice: the decision (0-based) the visit was rewound to and tried again from.
    #[serde(default)]
    pub rewound_at: Option<u32>,
    #[serde(skip)]
    pub seal: String,
}

/// A result the store holds: its id, and whether this call stored it (or found it sent before).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Recorded {
    pub id: i64,
    pub new: bool,
}

/// A result played for a classroom server that the server does not have yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxEntry {
    pub result_id: String,
    /// The server's address, e.g. `http://192.168.1.20:7878`.
    pub server: String,
    pub session: String,
    /// The submission, as JSON.
    pub body: String,
    /// How many times sending it failed.
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// Which results to read.
#[derive(Clone, Debug, Default)]
pub struct ResultFilter<'a> {
    pub trainee: Option<i64>,
    pub scenario: Option<&'a str>,
    pub session: Option<&'a str>,
    /// Only results stored after the one with this id.
    pub after: Option<i64>,
    /// Practice attempts too (see `StoredResult::rewound_at`): for progress, never for boards.
    pub with_practice: bool,
}

/// How long a store waits for another process's write before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The results database, open.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    key: [u8; 32],
}

/// An opened store, and what the trainer should be told about opening it.
pub struct Opened {
    pub store: Store,
    /// Set when a damaged database was moved aside and a fresh one started.
    pub notice: Option<String>,
}

/// Switches a database to write-ahead logging. The switch needs the file to itself, and SQLite
/// answers "busy" at once rather than waiting out the busy timeout, so a process opening a fresh
/// database while another one does the same tries again for as long as that timeout.
fn use_write_ahead_log(conn: &Connection) -> Result<(), rusqlite::Error> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(err)
                if err.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

impl Store {
    /// Opens (or creates) the database in `dir`. A file that is not a sound SQLite database
    /// is moved aside, never deleted, and a fresh database takes its place.
    pub fn open(dir: &Path) -> Result<Opened, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(DB_FILE);
        match Store::open_file(&path) {
            Ok(store) => Ok(Opened {
                store,
                notice: None,
            }),
            Err(Damage::Other(err)) => Err(err),
            Err(Damage::Corrupt(reason)) => {
                let moved = move_aside(&path).map_err(|source| StoreError::Folder {
                    path: path.clone(),
                    source,
                })?;
                let store = Store::open_file(&path).map_err(|damage| match damage {
                    Damage::Other(err) => err,
                    Damage::Corrupt(reason) => StoreError::Database {
                        path: path.clone(),
                        source: rusqlite::Error::InvalidParameterName(reason),
                    },
                })?;
                let notice = format!(
                    "the results database {} was damaged ({reason}); it was moved aside to {} \
                     and a fresh database was started. Nothing was deleted.",
                    path.display(),
                    moved.display()
                );
                Ok(Opened {
                    store,
                    notice: Some(notice),
                })
            }
        }
    }

    fn open_file(path: &Path) -> Result<Store, Damage> {
        let db = |source| {
            Damage::Other(StoreError::Database {
                path: path.to_path_buf(),
                source,
            })
        };
        let conn = Connection::open(path).map_err(db)?;
        // Another process may be writing: wait for it rather than fail.
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db)?;
        let health: Result<String, rusqlite::Error> =
            conn.query_row("PRAGMA quick_check", [], |row| row.get(0));
        match health {
            Ok(ok) if ok == "ok" => {}
            Ok(problem) => return Err(Damage::Corrupt(problem)),
            Err(err) if is_corruption(&err) => return Err(Damage::Corrupt(err.to_string())),
            Err(err) => return Err(db(err)),
        }
        // Write-ahead logging: readers never block the writer, and a commit survives a crash.
        use_write_ahead_log(&conn).map_err(db)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(db)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            key: [0; 32],
        };
        store.migrate().map_err(Damage::Other)?;
        store.key = store.seal_key().map_err(Damage::Other)?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Database {
            path: self.path.clone(),
            source,
        }
    }

    /// Runs the migrations this database has not had yet, in one transaction, so two
    /// processes starting at once cannot both migrate.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let db = |source| StoreError::Database {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        let version: i64 = tx
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(db)?;
        let version = usize::try_from(version).unwrap_or(usize::MAX);
        if version > MIGRATIONS.len() {
            return Err(StoreError::Newer {
                path: path.clone(),
                found: version,
                known: MIGRATIONS.len(),
            });
        }
        for migration in &MIGRATIONS[version..] {
            tx.execute_batch(migration).map_err(db)?;
        }
        tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)
            .map_err(db)?;
        tx.commit().map_err(db)
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| self.error(e))
    }

    /// The key results are sealed with, made once per database.
    fn seal_key(&self) -> Result<[u8; 32], StoreError> {
        let fresh: [u8; 32] = rand::random();
        self.conn
            .execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('seal_key', ?1)",
                [hex(&fresh)],
            )
            .map_err(|e| self.error(e))?;
        let stored: String = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'seal_key'", [], |row| {
                row.get(0)
            })
            .map_err(|e| self.error(e))?;
        let mut key = [0; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = stored
                .get(i * 2..i * 2 + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .unwrap_or(0);
        }
        Ok(key)
    }

    /// The trainee with this name, created if new. Names are kept as typed (any script),
    /// trimmed; Latin letters match regardless of case.
    pub fn trainee(&self, name: &str) -> Result<Trainee, StoreError> {
        let name = clean_name(name)?;
        self.conn
            .prepare_cached("INSERT OR IGNORE INTO trainees (name, created_at) VALUES (?1, ?2)")
            .and_then(|mut insert| insert.execute(params![name, now()]))
            .map_err(|e| self.error(e))?;
        self.find_trainee(&name)?
            .ok_or_else(|| StoreError::NoTrainee(name.to_string()))
    }

    pub fn find_trainee(&self, name: &str) -> Result<Option<Trainee>, StoreError> {
        self.conn
            .prepare_cached("SELECT id, name FROM trainees WHERE name = ?1")
            .and_then(|mut select| {
                select.query_row([name.trim()], |row| {
                    Ok(Trainee {
                        id: row.get(0)?,
                        name: row.get(1)?,
                    })
                })
            })
            .optional()
            .map_err(|e| self.error(e))
    }

    /// Every trainee, most recently active first.
    pub fn trainees(&self) -> Result<Vec<Trainee>, StoreError> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT t.id, t.name FROM trainees t
                 LEFT JOIN results r ON r.trainee_id = t.id
                 GROUP BY t.id
                 ORDER BY MAX(COALESCE(r.played_at, t.created_at)) DESC, t.id DESC",
            )
            .map_err(|e| self.error(e))?;
        statement
            .query_map([], |row| {
                Ok(Trainee {
                    id: row.get(0)?,
                    name: row.get(1)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(|e| self.error(e))
    }

    /// Stores a finished attempt under `trainee`, in `session` if given (which must admit it):
    /// the content version it was played on (once per version) and the result, in one
    /// transaction. Every caller records through here.
    ///
    /// `client_id` is the id the playing computer gave the result: the same result sent again
    /// (same trainee and session) is found, not stored twice.
    pub fn record(
        &self,
        attempt: &Attempt,
        trainee: &Trainee,
        session: Option<&Session>,
        client_id: Option<&str>,
    ) -> Result<Recorded, StoreError> {
        let visit = attempt.visit();
        let (finish, score) = attempt.result().ok_or(StoreError::Unfinished)?;
        if let Some(session) = session {
            session.admits(&visit.scenario().id, visit.seed())?;
            if attempt.rewound_at().is_some() {
                return Err(StoreError::PracticeInSession(session.code.clone()));
            }
        }
        let version = attempt
            .version()
            .ok_or_else(|| StoreError::UnknownScenario(visit.scenario().id.clone()))?;
        let hash = version.hash();
        let mut result = StoredResult {
            id: 0,
            trainee_id: trainee.id,
            trainee: trainee.name.clone(),
            scenario: visit.scenario().id.clone(),
            content_hash: hash.clone(),
            persona: visit.persona().kind.id().to_string(),
            seed: visit.seed(),
            choices: serde_json::to_string(&visit.choices()).unwrap_or_default(),
            guess: visit
                .guess()
                .map(|g| format!("{}@{}", g.kind.id(), g.after_replies)),
            engine_version: ENGINE_VERSION.to_string(),
            played_at: now(),
            played: String::new(),
            score: i64::from(score.total),
            outcome: finish.outcome.id().to_string(),
            minutes: i64::from(finish.minute),
            session: session.map(|s| s.code.clone()),
            rewound_at: attempt.rewound_at().map(|at| at as u32),
            seal: String::new(),
        };
        result.seal = self.seal(&result);
        // Immediate: take the write lock (waiting for another writer) before reading anything.
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(|e| self.error(e))?;
        if let Some(client_id) = client_id {
            let earlier: Option<(i64, i64, Option<String>)> = tx
                .prepare_cached(
                    "SELECT id, trainee_id, session_code FROM results WHERE client_id = ?1",
                )
                .and_then(|mut select| {
                    select.query_row([client_id], |row| {
                        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                    })
                })
                .optional()
                .map_err(|e| self.error(e))?;
            if let Some((id, trainee_id, session_code)) = earlier {
                // Sent again: the same result. Anyone else's id is not theirs to reuse.
                return if trainee_id == trainee.id && session_code == result.session {
                    Ok(Recorded { id, new: false })
                } else {
                    Err(StoreError::ClientIdTaken(client_id.to_string()))
                };
            }
        }
        self.keep_version(&tx, &version, &hash)?;
        tx.prepare_cached(
            "INSERT INTO results (trainee_id, scenario_id, content_hash, persona, seed, choices,
                 guess, engine_version, played_at, score, outcome, minutes, seal, session_code,
                 client_id, rewound_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )
        .and_then(|mut insert| {
            insert.execute(params![
                result.trainee_id,
                result.scenario,
                result.content_hash,
                result.persona,
                result.seed as i64,
                result.choices,
                result.guess,
                result.engine_version,
                result.played_at,
                result.score,
                result.outcome,
                result.minutes,
                result.seal,
                result.session,
                client_id,
                result.rewound_at,
            ])
        })
        .map_err(|e| self.error(e))?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(|e| self.error(e))?;
        Ok(Recorded { id, new: true })
    }

    /// Keeps the texts of a content version, once per version, so results on it can always be
    /// replayed.
    fn keep_version(
        &self,
        tx: &Connection,
        version: &ContentVersion,
        hash: &str,
    ) -> Result<(), StoreError> {
        // Kept once: most results are played on a version already stored, and writing out its
        // files (the catalogue alone is tens of kilobytes) was most of the cost of a result.
        let kept: Option<i64> = tx
            .prepare_cached("SELECT 1 FROM content_versions WHERE hash = ?1")
            .and_then(|mut select| select.query_row([hash], |row| row.get(0)))
            .optional()
            .map_err(|e| self.error(e))?;
        if kept.is_some() {
            return Ok(());
        }
        let files = serde_json::to_string(&version.files).unwrap_or_default();
        tx.execute(
            "INSERT INTO content_versions (hash, files) VALUES (?1, ?2)",
            params![hash, files],
        )
        .map(|_| ())
        .map_err(|e| self.error(e))
    }

    /// The seal of a result: a keyed hash over everything that determines and reports it.
    /// The key lives in this database, so the seal catches hand edits, not a forger who
    /// reads the source; the engine's recomputation in `verify` catches the rest.
    pub fn seal(&self, result: &StoredResult) -> String {
        #[derive(Serialize)]
        struct Sealed<'a> {
            trainee: i64,
            scenario: &'a str,
            content: &'a str,
            persona: &'a str,
            seed: u64,
            choices: &'a str,
            guess: Option<&'a str>,
            engine: &'a str,
            played_at: i64,
            score: i64,
            outcome: &'a str,
            minutes: i64,
            // Absent for results outside sessions, so seals from schema 1 stay valid.
            #[serde(skip_serializing_if = "Option::is_none")]
            session: Option<&'a str>,
            // Absent for whole visits, so seals from schemas 1–4 stay valid.
            #[serde(skip_serializing_if = "Option::is_none")]
            rewound_at: Option<u32>,
        }
        let sealed = Sealed {
            trainee: result.trainee_id,
            scenario: &result.scenario,
            content: &result.content_hash,
            persona: &result.persona,
            seed: result.seed,
            choices: &result.choices,
            guess: result.guess.as_deref(),
            engine: &result.engine_version,
            played_at: result.played_at,
            score: result.score,
            outcome: &result.outcome,
            minutes: result.minutes,
            session: result.session.as_deref(),
            rewound_at: result.rewound_at,
        };
        let bytes = serde_json::to_vec(&sealed).unwrap_or_default();
        blake3::keyed_hash(&self.key, &bytes).to_hex().to_string()
    }

    /// Results, oldest first.
    pub fn results(&self, filter: &ResultFilter) -> Result<Vec<StoredResult>, StoreError> {
        // Only the filters given become conditions, so SQLite can use the indexes (a condition
        // like `?1 IS NULL OR session_code = ?1` makes it read every result).
        let mut conditions = vec!["r.removed_at IS NULL"];
        let mut values: Vec<&dyn rusqlite::ToSql> = Vec::new();
        if let Some(trainee) = &filter.trainee {
            conditions.push("r.trainee_id = ?");
            values.push(trainee);
        }
        if let Some(scenario) = &filter.scenario {
            conditions.push("r.scenario_id = ?");
            values.push(scenario);
        }
        if let Some(session) = &filter.session {
            conditions.push("r.session_code = ?");
            values.push(session);
        }
        if let Some(after) = &filter.after {
            conditions.push("r.id > ?");
            values.push(after);
        }
        if !filter.with_practice {
            conditions.push("r.rewound_at IS NULL");
        }
        let sql = format!(
            "SELECT r.id, r.trainee_id, t.name, r.scenario_id, r.content_hash, r.persona,
                    r.seed, r.choices, r.guess, r.engine_version, r.played_at, r.score,
                    r.outcome, r.minutes, r.session_code, r.seal,
                    strftime('%Y-%m-%d %H:%M', r.played_at, 'unixepoch', 'localtime'),
                    r.rewound_at
             FROM results r JOIN trainees t ON t.id = r.trainee_id
             WHERE {}
             ORDER BY r.played_at, r.id",
            conditions.join(" AND ")
        );
        let mut statement = self.conn.prepare_cached(&sql).map_err(|e| self.error(e))?;
        statement
            .query_map(values.as_slice(), |row| {
                Ok(StoredResult {
                    id: row.get(0)?,
                    trainee_id: row.get(1)?,
                    trainee: row.get(2)?,
                    scenario: row.get(3)?,
                    content_hash: row.get(4)?,
                    persona: row.get(5)?,
                    seed: row.get::<_, i64>(6)? as u64,
                    choices: row.get(7)?,
                    guess: row.get(8)?,
                    engine_version: row.get(9)?,
                    played_at: row.get(10)?,
                    score: row.get(11)?,
                    outcome: row.get(12)?,
                    minutes: row.get(13)?,
                    session: row.get(14)?,
                    seal: row.get(15)?,
                    played: row.get(16)?,
                    rewound_at: row.get(17)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(|e| self.error(e))
    }

    /// The content a result was played on.
    pub fn version(&self, hash: &str) -> Result<Option<ContentVersion>, StoreError> {
        let files: Option<String> = self
            .conn
            .query_row(
                "SELECT files FROM content_versions WHERE hash = ?1",
                [hash],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| self.error(e))?;
        Ok(files
            .and_then(|files| serde_json::from_str(&files).ok())
            .map(|files| ContentVersion { files }))
    }

    /// Starts a team session: everyone who joins meets the same customer variant (one seed).
    /// Without a code, a short one is made up.
    pub fn create_session(
        &self,
        library: &Library,
        scenarios: &[String],
        seed: u64,
        code: Option<&str>,
    ) -> Result<Session, StoreError> {
        if scenarios.is_empty() {
            return Err(StoreError::NoScenarios);
        }
        // Each scenario's version now: the customer everyone in the session meets.
        let mut versions = Vec::new();
        for id in scenarios {
            let version = library
                .version_of(id)
                .ok_or_else(|| StoreError::UnknownScenario(id.clone()))?;
            versions.push((id.clone(), version));
        }
        let code = match code {
            Some(code) => {
                let code = code.trim().to_uppercase();
                let sound = (3..=12).contains(&code.chars().count())
                    && code.chars().all(|c| c.is_ascii_alphanumeric());
                if !sound {
                    return Err(StoreError::BadCode);
                }
                if self.session(&code)?.is_some() {
                    return Err(StoreError::CodeTaken(code));
                }
                code
            }
            None => loop {
                let code = fresh_code();
                if self.session(&code)?.is_none() {
                    break code;
                }
            },
        };
        let session = Session {
            code,
            seed,
            scenarios: scenarios.to_vec(),
            created_at: now(),
            versions: versions
                .iter()
                .map(|(id, version)| (id.clone(), version.hash()))
                .collect(),
            ended_at: None,
        };
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(|e| self.error(e))?;
        for (_, version) in &versions {
            self.keep_version(&tx, version, &version.hash())?;
        }
        tx.execute(
            "INSERT INTO sessions (code, seed, scenarios, created_at, versions)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                session.code,
                session.seed as i64,
                serde_json::to_string(&session.scenarios).unwrap_or_default(),
                session.created_at,
                serde_json::to_string(&session.versions).unwrap_or_default(),
            ],
        )
        .map_err(|e| match e.sqlite_error_code() {
            // Another process took the code in the meantime.
            Some(rusqlite::ErrorCode::ConstraintViolation) => {
                StoreError::CodeTaken(session.code.clone())
            }
            _ => self.error(e),
        })?;
        tx.commit().map_err(|e| self.error(e))?;
        Ok(session)
    }

    /// Ends a session: it keeps its results and takes no more.
    pub fn end_session(&self, code: &str) -> Result<Session, StoreError> {
        let code = code.trim().to_uppercase();
        self.conn
            .execute(
                "UPDATE sessions SET ended_at = ?1 WHERE code = ?2 AND ended_at IS NULL",
                params![now(), code],
            )
            .map_err(|e| self.error(e))?;
        self.session(&code)?.ok_or(StoreError::NoSession(code))
    }

    /// Takes result `id` off session `code`'s board: a trainer's action. The row stays, so the
    /// same result sent again is known and not counted.
    pub fn remove_result(&self, code: &str, id: i64) -> Result<(), StoreError> {
        let code = code.trim().to_uppercase();
        let removed = self
            .conn
            .execute(
                "UPDATE results SET removed_at = ?1
                 WHERE id = ?2 AND session_code = ?3 AND removed_at IS NULL",
                params![now(), id, code],
            )
            .map_err(|e| self.error(e))?;
        if removed == 0 {
            return Err(StoreError::NoResult { code, id });
        }
        Ok(())
    }

    /// The session with this code (any case).
    pub fn session(&self, code: &str) -> Result<Option<Session>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT code, seed, scenarios, created_at, versions, ended_at FROM sessions
                 WHERE code = ?1",
            )
            .and_then(|mut select| select.query_row([code.trim().to_uppercase()], session_row))
            .optional()
            .map_err(|e| self.error(e))
    }

    /// Every session, newest first.
    pub fn sessions(&self) -> Result<Vec<Session>, StoreError> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT code, seed, scenarios, created_at, versions, ended_at FROM sessions
                 ORDER BY created_at DESC, rowid DESC",
            )
            .map_err(|e| self.error(e))?;
        statement
            .query_map([], session_row)
            .and_then(Iterator::collect)
            .map_err(|e| self.error(e))
    }

    /// Keeps a result for its classroom server until the server has it (again: no change).
    pub fn outbox_keep(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT OR IGNORE INTO outbox (result_id, server, session, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    entry.result_id,
                    entry.server,
                    entry.session,
                    entry.body,
                    now()
                ],
            )
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    /// The server has the result (or refused it for good): it leaves the outbox.
    pub fn outbox_sent(&self, result_id: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM outbox WHERE result_id = ?1", [result_id])
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    pub fn outbox_failed(&self, result_id: &str, why: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE result_id = ?1",
                params![result_id, why],
            )
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    /// Results waiting to be sent, oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT result_id, server, session, body, attempts, last_error FROM outbox
                 ORDER BY created_at, rowid",
            )
            .map_err(|e| self.error(e))?;
        statement
            .query_map([], |row| {
                Ok(OutboxEntry {
                    result_id: row.get(0)?,
                    server: row.get(1)?,
                    session: row.get(2)?,
                    body: row.get(3)?,
                    attempts: row.get(4)?,
                    last_error: row.get(5)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(|e| self.error(e))
    }

    /// A remembered setting, such as the last trainee on this computer.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [format!("setting.{key}")],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| self.error(e))
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![format!("setting.{key}"), value],
            )
            .map(|_| ())
            .map_err(|e| self.error(e))
    }
}

fn session_row(row: &rusqlite::Row) -> rusqlite::Result<Session> {
    let scenarios: String = row.get(2)?;
    let versions: String = row.get(4)?;
    Ok(Session {
        code: row.get(0)?,
        seed: row.get::<_, i64>(1)? as u64,
        scenarios: serde_json::from_str(&scenarios).unwrap_or_default(),
        created_at: row.get(3)?,
        versions: serde_json::from_str(&versions).unwrap_or_default(),
        ended_at: row.get(5)?,
    })
}

enum Damage {
    /// Not a database, or a damaged one: move it aside.
    Corrupt(String),
    /// Anything else (permissions, a full disk): report it, touch nothing.
    Other(StoreError),
}

fn is_corruption(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

/// Renames a damaged database (and its journal files) to `salesdojo.db.damaged-SECONDS`.
fn move_aside(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = now();
    let mut target = path.with_extension(format!("db.damaged-{stamp}"));
    let mut n = 1;
    while target.exists() {
        target = path.with_extension(format!("db.damaged-{stamp}-{n}"));
        n += 1;
    }
    std::fs::rename(path, &target)?;
    for journal in ["-wal", "-shm"] {
        let mut from = path.as_os_str().to_owned();
        from.push(journal);
        let mut to = target.as_os_str().to_owned();
        to.push(journal);
        if Path::new(&from).exists() {
            std::fs::rename(&from, &to)?;
        }
    }
    Ok(target)
}

fn clean_name(name: &str) -> Result<String, StoreError> {
    let name: String = name
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if name.is_empty() {
        Err(StoreError::EmptyName)
    } else if name.chars().count() > MAX_NAME {
        Err(StoreError::LongName)
    } else {
        Ok(name)
    }
}

/// A session code that reads aloud well: no 0/O, 1/I/L.
fn fresh_code() -> String {
    const LETTERS: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    (0..5)
        .map(|_| LETTERS[rand::random_range(0..LETTERS.len())] as char)
        .collect()
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads the stored outcome id back.
pub fn parse_outcome(id: &str) -> Option<Outcome> {
    Outcome::ALL.into_iter().find(|o| o.id() == id)
}

/// Reads the stored guess `type@replies` back.
pub fn parse_guess(guess: &str) -> Option<(PersonaKind, usize)> {
    let (kind, after) = guess.split_once('@')?;
    Some((PersonaKind::parse(kind)?, after.parse().ok()?))
}
