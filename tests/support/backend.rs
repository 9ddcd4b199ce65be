//! The two databases the store runs on, for tests that must hold on both: the SQLite file in a
//! throwaway data folder, and a fresh database on the PostgreSQL server named by
//! `SALESDOJO_TEST_POSTGRES` (CI starts one; elsewhere the PostgreSQL runs say they skipped).

use std::sync::atomic::{AtomicUsize, Ordering};

use salesdojo::store::db::Location;
use salesdojo::store::{DB_FILE, Opened, Store};

use super::TempDir;

/// The PostgreSQL server for tests: `postgres://user:password@127.0.0.1:PORT/postgres`.
pub const POSTGRES_ENV: &str = "SALESDOJO_TEST_POSTGRES";

pub enum Backend {
    Sqlite(TempDir),
    Postgres {
        /// The server's maintenance database, where test databases are made and dropped.
        admin: String,
        /// This test's own database.
        url: String,
        name: String,
        /// The data folder, for what stays on the laptop (exports, the trainer token).
        data: TempDir,
    },
}

/// The address of the test server, if one was given. Under CI (CI=true) it must be given.
pub fn postgres_server(needed_for: &str) -> Option<String> {
    let url = std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty());
    if url.is_none() {
        let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(!in_ci, "CI must set {POSTGRES_ENV} for {needed_for}");
        eprintln!("skipped: {POSTGRES_ENV} is not set, so {needed_for} cannot run on PostgreSQL");
    }
    url
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (server, _) = url.rsplit_once('/').expect("a database address");
    format!("{server}/{name}")
}

impl Backend {
    pub fn sqlite() -> Backend {
        Backend::Sqlite(TempDir::new())
    }

    /// A database of its own on the test server, dropped with it; `None` (said) without one.
    pub fn postgres() -> Option<Backend> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let admin = postgres_server("the store's tests")?;
        let name = format!(
            "salesdojo_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut client = postgres::Client::connect(&admin, postgres::NoTls)
            .expect("the test PostgreSQL server answers");
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("a test database");
        let url = with_database(&admin, &name);
        Some(Backend::Postgres {
            admin,
            url,
            name,
            data: TempDir::new(),
        })
    }

    pub fn location(&self) -> Location {
        match self {
            Backend::Sqlite(dir) => Location::Folder(dir.path().to_path_buf()),
            Backend::Postgres { url, .. } => Location::Postgres(url.clone()),
        }
    }

    /// What a writer process is given: the data folder or the database's address.
    pub fn address(&self) -> String {
        match self {
            Backend::Sqlite(dir) => dir.path().display().to_string(),
            Backend::Postgres { url, .. } => url.clone(),
        }
    }

    /// The data folder (`--data-dir`): on SQLite, where the results are.
    pub fn data_dir(&self) -> &std::path::Path {
        match self {
            Backend::Sqlite(dir) | Backend::Postgres { data: dir, .. } => dir.path(),
        }
    }

    /// What `--database` is given: the address, or nothing for the data folder's file.
    pub fn database(&self) -> Option<String> {
        match self {
            Backend::Sqlite(_) => None,
            Backend::Postgres { url, .. } => Some(url.clone()),
        }
    }

    pub fn open(&self) -> Opened {
        Store::open_at(&self.location()).expect("the store opens")
    }

    pub fn store(&self) -> Store {
        self.open().store
    }

    /// Runs SQL on the database behind the store's back, as a person with a database tool.
    pub fn edit(&self, sql: &str) {
        match self {
            Backend::Sqlite(dir) => rusqlite::Connection::open(dir.path().join(DB_FILE))
                .unwrap()
                .execute_batch(sql)
                .unwrap(),
            Backend::Postgres { url, .. } => postgres::Client::connect(url, postgres::NoTls)
                .unwrap()
                .batch_execute(sql)
                .unwrap(),
        }
    }
}

impl Backend {
    /// The first column of each row `sql` reads, as text, straight from the database.
    pub fn texts(&self, sql: &str) -> Vec<String> {
        match self {
            Backend::Sqlite(dir) => {
                let db = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
                let mut query = db.prepare(sql).unwrap();
                query
                    .query_map([], |row| row.get(0))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap()
            }
            Backend::Postgres { url, .. } => postgres::Client::connect(url, postgres::NoTls)
                .unwrap()
                .query(sql, &[])
                .unwrap()
                .iter()
                .map(|row| row.get(0))
                .collect(),
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Backend::Postgres { admin, name, .. } = self
            && let Ok(mut client) = postgres::Client::connect(admin, postgres::NoTls)
        {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// Each named test function, taking `&Backend`, run once on each database:
/// `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name(&$crate::support::backend::Backend::sqlite());
            }

            #[test]
            fn postgres() {
                if let Some(backend) = $crate::support::backend::Backend::postgres() {
                    super::$name(&backend);
                }
            }
        }
    )*};
}
