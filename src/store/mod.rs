//! Trainees, their results and team sessions, kept in an embedded SQLite database in the data
//! folder, or in a company's PostgreSQL database (`db`). A result is stored as what determines
//! it (scenario version, persona, seed, replies), so every score shown is recomputed by the
//! engine (`verify`), and sealed, so a hand-edited row is caught. Plain Rust: the game, the
//! command line, the classroom server and the tests share it.

pub mod db;
pub mod export;
pub mod import;
pub mod verify;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use self::db::{Connection, DbError, Dialect, Exec, Location, Row, Value};

use crate::content::version::ContentVersion;
use crate::content::{Library, Outcome, PersonaKind};
use crate::sim::Attempt;
use crate::sim::campaign::{CampaignGuess, CampaignRun};

/// The database file inside the data folder.
pub const DB_FILE: &str = "salesdojo.db";

/// The version of the engine that scored a result, stored with it.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What a campaign's result holds where a visit's holds the persona met: a campaign meets
/// several people, each with their own type.
pub const CAMPAIGN_PERSONA: &str = "campaign";

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

/// The same schema for PostgreSQL, numbered the same way (the version is kept in `meta`):
/// migration N here makes what migration N makes in SQLite. Never edit a shipped migration.
pub const POSTGRES_MIGRATIONS: [&str; MIGRATIONS.len()] = [
    // 1: trainees and their results, with the content versions they were played on.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE trainees (
         id BIGSERIAL PRIMARY KEY,
         name TEXT NOT NULL,
         created_at BIGINT NOT NULL
     );
     -- Latin letters match regardless of case, as SQLite's NOCASE.
     CREATE UNIQUE INDEX trainees_by_name ON trainees (lower(name));
     CREATE TABLE content_versions (hash TEXT PRIMARY KEY, files TEXT NOT NULL);
     CREATE TABLE results (
         id BIGSERIAL PRIMARY KEY,
         trainee_id BIGINT NOT NULL REFERENCES trainees(id),
         scenario_id TEXT NOT NULL,
         content_hash TEXT NOT NULL REFERENCES content_versions(hash),
         persona TEXT NOT NULL,
         seed BIGINT NOT NULL,
         choices TEXT NOT NULL,
         guess TEXT,
         engine_version TEXT NOT NULL,
         played_at BIGINT NOT NULL,
         score BIGINT NOT NULL,
         outcome TEXT NOT NULL,
         minutes BIGINT NOT NULL,
         seal TEXT NOT NULL
     );
     CREATE INDEX results_by_trainee ON results(trainee_id);
     CREATE INDEX results_by_scenario ON results(scenario_id);",
    // 2: team sessions (`seq`: the order they were made in, as SQLite's rowid).
    "CREATE TABLE sessions (
         code TEXT PRIMARY KEY,
         seed BIGINT NOT NULL,
         scenarios TEXT NOT NULL,
         created_at BIGINT NOT NULL,
         seq BIGSERIAL
     );
     ALTER TABLE results ADD COLUMN session_code TEXT REFERENCES sessions(code);
     CREATE INDEX results_by_session ON results(session_code);",
    // 3: classrooms.
    "ALTER TABLE sessions ADD COLUMN versions TEXT NOT NULL DEFAULT '{}';
     ALTER TABLE sessions ADD COLUMN ended_at BIGINT;
     ALTER TABLE results ADD COLUMN client_id TEXT;
     CREATE UNIQUE INDEX results_by_client_id ON results(client_id);
     CREATE TABLE outbox (
         result_id TEXT PRIMARY KEY,
         server TEXT NOT NULL,
         session TEXT NOT NULL,
         body TEXT NOT NULL,
         created_at BIGINT NOT NULL,
         attempts BIGINT NOT NULL DEFAULT 0,
         last_error TEXT,
         seq BIGSERIAL
     );",
    // 4: results taken off a board.
    "ALTER TABLE results ADD COLUMN removed_at BIGINT;",
    // 5: practice.
    "ALTER TABLE results ADD COLUMN rewound_at BIGINT;",
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the data folder {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("results database {place}: {source}")]
    Database { place: String, source: DbError },
    /// A database error not yet named with its database (the store names it before returning).
    #[error("{0}")]
    Db(#[from] DbError),
    #[error(
        "results database {place} was written by a newer Sales Dojo (schema {found}, this one knows {known}); update Sales Dojo"
    )]
    Newer {
        place: String,
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

/// The PostgreSQL advisory locks the store takes: migrating, and numbering results.
const MIGRATION_LOCK: i64 = 7260;
const RESULTS_LOCK: i64 = 7261;

/// How long a store waits for another process's write before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The results database, open: the SQLite file in the data folder or a PostgreSQL database.
pub struct Store {
    conn: Connection,
    /// How messages name the database (a file, or a server without its password).
    place: String,
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
fn use_write_ahead_log(conn: &rusqlite::Connection) -> Result<(), rusqlite::Error> {
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
                        place: path.display().to_string(),
                        source: DbError::Column(reason),
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

    /// Opens the results database at `location`: the data folder's file, or a PostgreSQL
    /// database (its tables are made or brought up to date on the way).
    pub fn open_at(location: &Location) -> Result<Opened, StoreError> {
        match location {
            Location::Folder(dir) => Store::open(dir),
            Location::Postgres(url) => {
                let place = location.describe();
                let conn = Connection::postgres(url).map_err(|source| StoreError::Database {
                    place: place.clone(),
                    source,
                })?;
                Ok(Opened {
                    store: Store::ready(conn, place)?,
                    notice: None,
                })
            }
        }
    }

    fn open_file(path: &Path) -> Result<Store, Damage> {
        let db = |source| {
            Damage::Other(StoreError::Database {
                place: path.display().to_string(),
                source: DbError::Sqlite(source),
            })
        };
        let conn = rusqlite::Connection::open(path).map_err(db)?;
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
        Store::ready(Connection::Sqlite(conn), path.display().to_string()).map_err(Damage::Other)
    }

    /// Migrates a freshly opened database and reads its seal key.
    fn ready(conn: Connection, place: String) -> Result<Store, StoreError> {
        let mut store = Store {
            conn,
            place,
            key: [0; 32],
        };
        store.migrate()?;
        store.key = store.seal_key()?;
        Ok(store)
    }

    /// How messages name this database: its file, or its server and database name.
    pub fn place(&self) -> &str {
        &self.place
    }

    /// Gives a database error the name of the database it happened in.
    fn placed(&self, err: StoreError) -> StoreError {
        match err {
            StoreError::Db(source) => StoreError::Database {
                place: self.place.clone(),
                source,
            },
            other => other,
        }
    }

    fn read<T>(
        &self,
        work: impl FnOnce(&mut dyn Exec) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.conn.read(work).map_err(|e| self.placed(e))
    }

    fn write<T>(
        &self,
        work: impl FnOnce(&mut dyn Exec) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.conn.write(work).map_err(|e| self.placed(e))
    }

    /// Runs the migrations this database has not had yet, in one transaction, so two
    /// processes starting at once cannot both migrate. Both databases count them the same
    /// way: SQLite in `PRAGMA user_version`, PostgreSQL in the `meta` table.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let place = self.place.clone();
        self.write(|db| {
            let found = match db.dialect() {
                Dialect::Sqlite => db
                    .row("PRAGMA user_version", &[])?
                    .map(|row| row.int(0))
                    .transpose()?
                    .unwrap_or(0),
                Dialect::Postgres => {
                    // Two servers starting at once: the second waits here for the first.
                    db.execute(
                        "SELECT pg_advisory_xact_lock(?1)",
                        &[Value::Int(MIGRATION_LOCK)],
                    )?;
                    let made = db
                        .row("SELECT to_regclass('meta') IS NOT NULL", &[])?
                        .map(|row| row.int(0))
                        .transpose()?
                        == Some(1);
                    if made {
                        db.row("SELECT value FROM meta WHERE key = 'schema_version'", &[])?
                            .map(|row| row.text(0))
                            .transpose()?
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0)
                    } else {
                        0
                    }
                }
            };
            let found = usize::try_from(found).unwrap_or(usize::MAX);
            let migrations = match db.dialect() {
                Dialect::Sqlite => &MIGRATIONS,
                Dialect::Postgres => &POSTGRES_MIGRATIONS,
            };
            if found > migrations.len() {
                return Err(StoreError::Newer {
                    place,
                    found,
                    known: migrations.len(),
                });
            }
            for migration in &migrations[found..] {
                db.batch(migration)?;
            }
            let now = migrations.len().to_string();
            match db.dialect() {
                Dialect::Sqlite => db.batch(&format!("PRAGMA user_version = {now}"))?,
                Dialect::Postgres => {
                    db.execute(
                        "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        &[Value::Text(&now)],
                    )?;
                }
            }
            Ok(())
        })
    }

    /// The schema version of the open database: how many migrations it has had.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.read(|db| {
            let row = match db.dialect() {
                Dialect::Sqlite => db.row("PRAGMA user_version", &[])?,
                Dialect::Postgres => db.row(
                    "SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'schema_version'",
                    &[],
                )?,
            };
            Ok(row.map(|row| row.int(0)).transpose()?.unwrap_or(0))
        })
    }

    /// The key results are sealed with, made once per database.
    fn seal_key(&self) -> Result<[u8; 32], StoreError> {
        let fresh: [u8; 32] = rand::random();
        let stored = self.write(|db| {
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('seal_key', ?1) ON CONFLICT DO NOTHING",
                &[Value::Text(&hex(&fresh))],
            )?;
            let row = db.row("SELECT value FROM meta WHERE key = 'seal_key'", &[])?;
            Ok(row.map(|row| row.text(0)).transpose()?.unwrap_or_default())
        })?;
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
        // Most names are known: found with one read, without a write transaction.
        if let Some(known) = self.find_trainee(&name)? {
            return Ok(known);
        }
        self.write(|db| {
            db.execute(
                "INSERT INTO trainees (name, created_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                &[Value::Text(&name), Value::Int(now())],
            )?;
            Ok(())
        })?;
        self.find_trainee(&name)?
            .ok_or_else(|| StoreError::NoTrainee(name.to_string()))
    }

    pub fn find_trainee(&self, name: &str) -> Result<Option<Trainee>, StoreError> {
        self.read(|db| {
            let sql = db.dialect().pick(
                // The column's NOCASE collation folds Latin letters.
                "SELECT id, name FROM trainees WHERE name = ?1",
                "SELECT id, name FROM trainees WHERE lower(name) = lower(?1)",
            );
            db.row(sql, &[Value::Text(name.trim())])?
                .map(|row| trainee_row(&row))
                .transpose()
        })
    }

    /// Every trainee, most recently active first.
    pub fn trainees(&self) -> Result<Vec<Trainee>, StoreError> {
        self.read(|db| {
            db.rows(
                "SELECT t.id, t.name FROM trainees t
                 LEFT JOIN results r ON r.trainee_id = t.id
                 GROUP BY t.id
                 ORDER BY MAX(COALESCE(r.played_at, t.created_at)) DESC, t.id DESC",
                &[],
            )?
            .iter()
            .map(trainee_row)
            .collect()
        })
    }

    /// Stores a finished attempt under `trainee`, in `session` if given (which must admit it):
    /// the content version it was played on (once per version) and the result, in one
    /// transaction. Every caller records through here.
    ///
    /// `client_id` is the id the playing computer gave the result: the same result sent again
    /// (same trainee and session) is found, not stored twice, even by two servers at once.
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
        let result = StoredResult {
            id: 0,
            trainee_id: trainee.id,
            trainee: trainee.name.clone(),
            scenario: visit.scenario().id.clone(),
            content_hash: version.hash(),
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
        self.insert(result, &version, client_id)
    }

    /// Stores a finished campaign under `trainee`, like a visit: what determines it (the
    /// campaign's content version, the seed, every choice in order) and what it came to (the
    /// total, the stage the account ended in, the minutes of its visits), sealed. `client_id`
    /// is as in [`Store::record`].
    pub fn record_campaign(
        &self,
        run: &CampaignRun,
        trainee: &Trainee,
        session: Option<&Session>,
        client_id: Option<&str>,
    ) -> Result<Recorded, StoreError> {
        let score = run.score().ok_or(StoreError::Unfinished)?;
        let id = &run.campaign().id;
        if let Some(session) = session {
            session.admits(id, run.seed())?;
        }
        let version = run
            .library()
            .version_of_campaign(id)
            .ok_or_else(|| StoreError::UnknownScenario(id.clone()))?;
        let result = StoredResult {
            id: 0,
            trainee_id: trainee.id,
            trainee: trainee.name.clone(),
            scenario: id.clone(),
            content_hash: version.hash(),
            persona: CAMPAIGN_PERSONA.to_string(),
            seed: run.seed(),
            choices: serde_json::to_string(&run.choices()).unwrap_or_default(),
            guess: CampaignGuess::format(&run.guesses()),
            engine_version: ENGINE_VERSION.to_string(),
            played_at: now(),
            played: String::new(),
            score: i64::from(score.total),
            outcome: score.stage.id().to_string(),
            minutes: i64::from(run.minutes()),
            session: session.map(|s| s.code.clone()),
            rewound_at: None,
            seal: String::new(),
        };
        self.insert(result, &version, client_id)
    }

    /// Seals and stores a result with its content version. A client id already stored for the
    /// same trainee and session is the same result sent again, not a second one.
    fn insert(
        &self,
        mut result: StoredResult,
        version: &ContentVersion,
        client_id: Option<&str>,
    ) -> Result<Recorded, StoreError> {
        result.seal = self.seal(&result);
        self.write(|db| {
            keep_version(db, version, &result.content_hash)?;
            if db.dialect() == Dialect::Postgres {
                // Results are numbered in the order they are committed, whichever server
                // stores them: a board that reads "the results after the last one it has"
                // (`ResultFilter::after`) then never misses one committed a moment late.
                db.execute(
                    "SELECT pg_advisory_xact_lock(?1)",
                    &[Value::Int(RESULTS_LOCK)],
                )?;
            }
            let stored = db.row(
                "INSERT INTO results (trainee_id, scenario_id, content_hash, persona, seed,
                     choices, guess, engine_version, played_at, score, outcome, minutes, seal,
                     session_code, client_id, rewound_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                 ON CONFLICT (client_id) DO NOTHING
                 RETURNING id",
                &[
                    Value::Int(result.trainee_id),
                    Value::Text(&result.scenario),
                    Value::Text(&result.content_hash),
                    Value::Text(&result.persona),
                    Value::Int(result.seed as i64),
                    Value::Text(&result.choices),
                    result.guess.as_ref().into(),
                    Value::Text(&result.engine_version),
                    Value::Int(result.played_at),
                    Value::Int(result.score),
                    Value::Text(&result.outcome),
                    Value::Int(result.minutes),
                    Value::Text(&result.seal),
                    result.session.as_ref().into(),
                    client_id.into(),
                    result.rewound_at.map(i64::from).into(),
                ],
            )?;
            if let Some(stored) = stored {
                return Ok(Recorded {
                    id: stored.int(0)?,
                    new: true,
                });
            }
            // The result id is taken: sent again, the same result. Anyone else's id is not
            // theirs to reuse.
            let earlier = db
                .row(
                    "SELECT id, trainee_id, session_code FROM results WHERE client_id = ?1",
                    &[client_id.into()],
                )?
                .ok_or_else(|| {
                    StoreError::Db(DbError::Column(
                        "a result id was taken, yet no result has it".into(),
                    ))
                })?;
            let (id, trainee_id, session_code) =
                (earlier.int(0)?, earlier.int(1)?, earlier.opt_text(2)?);
            if trainee_id == result.trainee_id && session_code == result.session {
                Ok(Recorded { id, new: false })
            } else {
                Err(StoreError::ClientIdTaken(
                    client_id.unwrap_or_default().to_string(),
                ))
            }
        })
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
    pub fn results<'a>(&self, filter: &ResultFilter<'a>) -> Result<Vec<StoredResult>, StoreError> {
        // Only the filters given become conditions, so the database can use its indexes (a
        // condition like `?1 IS NULL OR session_code = ?1` makes SQLite read every result).
        let mut conditions = vec!["r.removed_at IS NULL".to_string()];
        let mut values: Vec<Value> = Vec::new();
        let mut condition = |column: &str, value: Value<'a>| {
            values.push(value);
            conditions.push(format!("{column} ?{}", values.len()));
        };
        if let Some(trainee) = filter.trainee {
            condition("r.trainee_id =", Value::Int(trainee));
        }
        if let Some(scenario) = filter.scenario {
            condition("r.scenario_id =", Value::Text(scenario));
        }
        if let Some(session) = filter.session {
            condition("r.session_code =", Value::Text(session));
        }
        if let Some(after) = filter.after {
            condition("r.id >", Value::Int(after));
        }
        if !filter.with_practice {
            conditions.push("r.rewound_at IS NULL".into());
        }
        self.read(|db| {
            let played = db.dialect().pick(
                "strftime('%Y-%m-%d %H:%M', r.played_at, 'unixepoch', 'localtime')",
                "to_char(to_timestamp(r.played_at), 'YYYY-MM-DD HH24:MI')",
            );
            let sql = format!(
                "SELECT r.id, r.trainee_id, t.name, r.scenario_id, r.content_hash, r.persona,
                        r.seed, r.choices, r.guess, r.engine_version, r.played_at, r.score,
                        r.outcome, r.minutes, r.session_code, r.seal, {played}, r.rewound_at
                 FROM results r JOIN trainees t ON t.id = r.trainee_id
                 WHERE {}
                 ORDER BY r.played_at, r.id",
                conditions.join(" AND ")
            );
            db.rows(&sql, &values)?.iter().map(result_row).collect()
        })
    }

    /// The content a result was played on.
    pub fn version(&self, hash: &str) -> Result<Option<ContentVersion>, StoreError> {
        let files = self.read(|db| {
            db.row(
                "SELECT files FROM content_versions WHERE hash = ?1",
                &[Value::Text(hash)],
            )?
            .map(|row| row.text(0))
            .transpose()
            .map_err(StoreError::from)
        })?;
        Ok(files
            .and_then(|files| serde_json::from_str(&files).ok())
            .map(|files| ContentVersion { files }))
    }

    /// Starts a team session: everyone who joins meets the same customer variant (one seed).
    /// Without a code, a short one is made up. Codes are unique in the database, so two
    /// classroom servers sharing one can never hand out the same code.
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
        // Each scenario's (or campaign's) version now: the customer everyone in the session
        // meets.
        let mut versions = Vec::new();
        for id in scenarios {
            let version = library
                .version_of(id)
                .or_else(|| library.version_of_campaign(id))
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
        let versions: Vec<ContentVersion> = versions.into_iter().map(|(_, v)| v).collect();
        if !self.insert_session(&session, &versions)? {
            // Another process took the code in the meantime.
            return Err(StoreError::CodeTaken(session.code.clone()));
        }
        Ok(session)
    }

    /// Stores a session with the content versions it plays; false if its code is taken.
    fn insert_session(
        &self,
        session: &Session,
        versions: &[ContentVersion],
    ) -> Result<bool, StoreError> {
        self.write(|db| {
            for version in versions {
                keep_version(db, version, &version.hash())?;
            }
            let scenarios = serde_json::to_string(&session.scenarios).unwrap_or_default();
            let pinned = serde_json::to_string(&session.versions).unwrap_or_default();
            let made = db.execute(
                "INSERT INTO sessions (code, seed, scenarios, created_at, versions, ended_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT DO NOTHING",
                &[
                    Value::Text(&session.code),
                    Value::Int(session.seed as i64),
                    Value::Text(&scenarios),
                    Value::Int(session.created_at),
                    Value::Text(&pinned),
                    session.ended_at.into(),
                ],
            )?;
            Ok(made == 1)
        })
    }

    /// Ends a session: it keeps its results and takes no more.
    pub fn end_session(&self, code: &str) -> Result<Session, StoreError> {
        let code = code.trim().to_uppercase();
        self.write(|db| {
            db.execute(
                "UPDATE sessions SET ended_at = ?1 WHERE code = ?2 AND ended_at IS NULL",
                &[Value::Int(now()), Value::Text(&code)],
            )?;
            Ok(())
        })?;
        self.session(&code)?.ok_or(StoreError::NoSession(code))
    }

    /// Takes result `id` off session `code`'s board: a trainer's action. The row stays, so the
    /// same result sent again is known and not counted.
    pub fn remove_result(&self, code: &str, id: i64) -> Result<(), StoreError> {
        let code = code.trim().to_uppercase();
        let removed = self.write(|db| {
            Ok(db.execute(
                "UPDATE results SET removed_at = ?1
                 WHERE id = ?2 AND session_code = ?3 AND removed_at IS NULL",
                &[Value::Int(now()), Value::Int(id), Value::Text(&code)],
            )?)
        })?;
        if removed == 0 {
            return Err(StoreError::NoResult { code, id });
        }
        Ok(())
    }

    /// How many of session `code`'s results were taken off its board.
    pub fn removed_count(&self, code: &str) -> Result<i64, StoreError> {
        self.read(|db| {
            let row = db.row(
                "SELECT count(*) FROM results WHERE session_code = ?1 AND removed_at IS NOT NULL",
                &[Value::Text(code)],
            )?;
            Ok(row.map(|row| row.int(0)).transpose()?.unwrap_or(0))
        })
    }

    /// The session with this code (any case).
    pub fn session(&self, code: &str) -> Result<Option<Session>, StoreError> {
        let code = code.trim().to_uppercase();
        self.read(|db| {
            db.row(
                "SELECT code, seed, scenarios, created_at, versions, ended_at FROM sessions
                 WHERE code = ?1",
                &[Value::Text(&code)],
            )?
            .map(|row| session_row(&row))
            .transpose()
        })
    }

    /// Every session, newest first.
    pub fn sessions(&self) -> Result<Vec<Session>, StoreError> {
        self.read(|db| {
            let sql = db.dialect().pick(
                "SELECT code, seed, scenarios, created_at, versions, ended_at FROM sessions
                 ORDER BY created_at DESC, rowid DESC",
                "SELECT code, seed, scenarios, created_at, versions, ended_at FROM sessions
                 ORDER BY created_at DESC, seq DESC",
            );
            db.rows(sql, &[])?.iter().map(session_row).collect()
        })
    }

    /// Keeps a result for its classroom server until the server has it (again: no change).
    pub fn outbox_keep(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.write(|db| {
            db.execute(
                "INSERT INTO outbox (result_id, server, session, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT DO NOTHING",
                &[
                    Value::Text(&entry.result_id),
                    Value::Text(&entry.server),
                    Value::Text(&entry.session),
                    Value::Text(&entry.body),
                    Value::Int(now()),
                ],
            )?;
            Ok(())
        })
    }

    /// The server has the result (or refused it for good): it leaves the outbox.
    pub fn outbox_sent(&self, result_id: &str) -> Result<(), StoreError> {
        self.write(|db| {
            db.execute(
                "DELETE FROM outbox WHERE result_id = ?1",
                &[Value::Text(result_id)],
            )?;
            Ok(())
        })
    }

    pub fn outbox_failed(&self, result_id: &str, why: &str) -> Result<(), StoreError> {
        self.write(|db| {
            db.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE result_id = ?1",
                &[Value::Text(result_id), Value::Text(why)],
            )?;
            Ok(())
        })
    }

    /// Results waiting to be sent, oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        self.read(|db| {
            let sql = db.dialect().pick(
                "SELECT result_id, server, session, body, attempts, last_error FROM outbox
                 ORDER BY created_at, rowid",
                "SELECT result_id, server, session, body, attempts, last_error FROM outbox
                 ORDER BY created_at, seq",
            );
            db.rows(sql, &[])?
                .iter()
                .map(|row| {
                    Ok(OutboxEntry {
                        result_id: row.text(0)?,
                        server: row.text(1)?,
                        session: row.text(2)?,
                        body: row.text(3)?,
                        attempts: row.int(4)?,
                        last_error: row.opt_text(5)?,
                    })
                })
                .collect()
        })
    }

    /// A remembered setting, such as the last trainee on this computer.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let key = format!("setting.{key}");
        self.read(|db| {
            Ok(db
                .row(
                    "SELECT value FROM meta WHERE key = ?1",
                    &[Value::Text(&key)],
                )?
                .map(|row| row.text(0))
                .transpose()?)
        })
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let key = format!("setting.{key}");
        self.write(|db| {
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[Value::Text(&key), Value::Text(value)],
            )?;
            Ok(())
        })
    }
}

/// Keeps the texts of a content version, once per version, so results on it can always be
/// replayed.
fn keep_version(db: &mut dyn Exec, version: &ContentVersion, hash: &str) -> Result<(), StoreError> {
    // Kept once: most results are played on a version already stored, and writing out its
    // files (the catalogue alone is tens of kilobytes) was most of the cost of a result.
    let kept = db.row(
        "SELECT 1 FROM content_versions WHERE hash = ?1",
        &[Value::Text(hash)],
    )?;
    if kept.is_some() {
        return Ok(());
    }
    let files = serde_json::to_string(&version.files).unwrap_or_default();
    db.execute(
        "INSERT INTO content_versions (hash, files) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        &[Value::Text(hash), Value::Text(&files)],
    )?;
    Ok(())
}

fn trainee_row(row: &Row) -> Result<Trainee, StoreError> {
    Ok(Trainee {
        id: row.int(0)?,
        name: row.text(1)?,
    })
}

fn result_row(row: &Row) -> Result<StoredResult, StoreError> {
    Ok(StoredResult {
        id: row.int(0)?,
        trainee_id: row.int(1)?,
        trainee: row.text(2)?,
        scenario: row.text(3)?,
        content_hash: row.text(4)?,
        persona: row.text(5)?,
        seed: row.int(6)? as u64,
        choices: row.text(7)?,
        guess: row.opt_text(8)?,
        engine_version: row.text(9)?,
        played_at: row.int(10)?,
        score: row.int(11)?,
        outcome: row.text(12)?,
        minutes: row.int(13)?,
        session: row.opt_text(14)?,
        seal: row.text(15)?,
        played: row.opt_text(16)?.unwrap_or_default(),
        // A number too large to be a decision reads as none, and the seal no longer matches.
        rewound_at: row.opt_int(17)?.and_then(|at| u32::try_from(at).ok()),
    })
}

fn session_row(row: &Row) -> Result<Session, StoreError> {
    Ok(Session {
        code: row.text(0)?,
        seed: row.int(1)? as u64,
        scenarios: serde_json::from_str(&row.text(2)?).unwrap_or_default(),
        created_at: row.int(3)?,
        versions: serde_json::from_str(&row.text(4)?).unwrap_or_default(),
        ended_at: row.opt_int(5)?,
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
