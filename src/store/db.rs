//! The two databases the store can keep results in: the embedded SQLite file in the data folder
//! (the default), or a PostgreSQL server the company runs. The store writes its SQL once, in
//! SQLite's spelling with numbered parameters (`?1`); this module runs it on either, and hands
//! back rows the store reads the same way. Values only ever travel as parameters.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use postgres::types::{IsNull, ToSql as PgToSql, Type, to_sql_checked};
use rusqlite::types::{ToSqlOutput, ValueRef};

/// Where results are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// `salesdojo.db` in this data folder.
    Folder(PathBuf),
    /// A PostgreSQL database, `postgres://user:password@host:5432/dbname`.
    Postgres(String),
}

impl Location {
    /// `database` (from `--database` or `SALESDOJO_DATABASE`) when given, else the data folder.
    pub fn choose(database: Option<&str>, data_dir: &Path) -> Result<Location, String> {
        match database.map(str::trim).filter(|url| !url.is_empty()) {
            None => Ok(Location::Folder(data_dir.to_path_buf())),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                postgres::Config::from_str(url).map_err(|err| {
                    format!("the database address {} cannot be read: {err}", redact(url))
                })?;
                Ok(Location::Postgres(url.to_string()))
            }
            Some(other) => Err(format!(
                "the database address \"{}\" is not a PostgreSQL one: give \
                 postgres://user:password@host:5432/dbname, or leave it out to keep results in \
                 the data folder",
                redact(other)
            )),
        }
    }

    /// How messages name it: the file, or the server and database without the password.
    pub fn describe(&self) -> String {
        match self {
            Location::Folder(dir) => dir.join(super::DB_FILE).display().to_string(),
            Location::Postgres(url) => redact(url),
        }
    }
}

/// A PostgreSQL address with its password left out, for messages and logs.
pub fn redact(url: &str) -> String {
    let Ok(config) = postgres::Config::from_str(url) else {
        // Not readable as an address: keep only what precedes any credentials.
        return match url.split_once('@') {
            Some((scheme_and_user, host)) => {
                let scheme = scheme_and_user.split("://").next().unwrap_or_default();
                format!("{scheme}://…@{host}")
            }
            None => url.to_string(),
        };
    };
    let host = config
        .get_hosts()
        .first()
        .map(|host| match host {
            postgres::config::Host::Tcp(name) if name.contains(':') => format!("[{name}]"),
            postgres::config::Host::Tcp(name) => name.clone(),
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".into());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config
        .get_user()
        .map(|u| format!("{u}@"))
        .unwrap_or_default();
    let dbname = config.get_dbname().unwrap_or_default();
    format!("postgres://{user}{host}:{port}/{dbname}")
}

/// What went wrong in a database.
#[derive(Debug)]
pub enum DbError {
    Sqlite(rusqlite::Error),
    Postgres(postgres::Error),
    /// A column holds something the store never writes there (a hand edit).
    Column(String),
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::Sqlite(err) => err.fmt(f),
            // The server's own words ("password authentication failed for user …"), or what
            // failed and why ("error connecting to server: Connection refused").
            DbError::Postgres(err) => match err.as_db_error() {
                Some(said) => f.write_str(said.message()),
                None => {
                    err.fmt(f)?;
                    let mut cause = std::error::Error::source(err);
                    while let Some(why) = cause {
                        write!(f, ": {why}")?;
                        cause = why.source();
                    }
                    Ok(())
                }
            },
            DbError::Column(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for DbError {}

impl From<rusqlite::Error> for DbError {
    fn from(err: rusqlite::Error) -> Self {
        DbError::Sqlite(err)
    }
}

impl From<postgres::Error> for DbError {
    fn from(err: postgres::Error) -> Self {
        DbError::Postgres(err)
    }
}

/// A value passed to a statement.
#[derive(Clone, Copy, Debug)]
pub enum Value<'a> {
    Int(i64),
    Text(&'a str),
    Null,
}

impl From<i64> for Value<'_> {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(text: &'a str) -> Self {
        Value::Text(text)
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(text: &'a String) -> Self {
        Value::Text(text)
    }
}

impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            Value::Int(n) => ToSqlOutput::Borrowed(ValueRef::Integer(n)),
            Value::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
        })
    }
}

impl PgToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            Value::Int(n) if *ty == Type::INT4 => i32::try_from(n)?.to_sql(ty, out),
            Value::Int(n) => n.to_sql(ty, out),
            Value::Text(text) => text.to_sql(ty, out),
            Value::Null => Ok(IsNull::Yes),
        }
    }

    fn accepts(ty: &Type) -> bool {
        [Type::INT4, Type::INT8, Type::TEXT, Type::VARCHAR].contains(ty)
    }

    to_sql_checked!();
}

/// A column's value in a row read back.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Null,
    Int(i64),
    Text(String),
}

/// One row read back, the same from either database.
#[derive(Debug)]
pub struct Row(Vec<Cell>);

impl Row {
    fn cell(&self, at: usize) -> Result<&Cell, DbError> {
        self.0
            .get(at)
            .ok_or_else(|| DbError::Column(format!("column {at} is missing")))
    }

    pub fn opt_int(&self, at: usize) -> Result<Option<i64>, DbError> {
        match self.cell(at)? {
            Cell::Null => Ok(None),
            Cell::Int(n) => Ok(Some(*n)),
            Cell::Text(_) => Err(DbError::Column(format!(
                "column {at} holds text, not a number"
            ))),
        }
    }

    pub fn int(&self, at: usize) -> Result<i64, DbError> {
        self.opt_int(at)?
            .ok_or_else(|| DbError::Column(format!("column {at} is empty")))
    }

    pub fn opt_text(&self, at: usize) -> Result<Option<String>, DbError> {
        match self.cell(at)? {
            Cell::Null => Ok(None),
            Cell::Text(text) => Ok(Some(text.clone())),
            Cell::Int(_) => Err(DbError::Column(format!(
                "column {at} holds a number, not text"
            ))),
        }
    }

    pub fn text(&self, at: usize) -> Result<String, DbError> {
        self.opt_text(at)?
            .ok_or_else(|| DbError::Column(format!("column {at} is empty")))
    }
}

/// Runs statements on one database, inside a transaction or not.
pub trait Exec {
    fn dialect(&self) -> Dialect;
    fn rows(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Row>, DbError>;
    /// The number of rows changed.
    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64, DbError>;
    /// Several statements without parameters (a migration).
    fn batch(&mut self, sql: &str) -> Result<(), DbError>;

    fn row(&mut self, sql: &str, values: &[Value]) -> Result<Option<Row>, DbError> {
        Ok(self.rows(sql, values)?.into_iter().next())
    }
}

/// Where the two databases spell a statement differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    pub fn pick<'s>(self, sqlite: &'s str, postgres: &'s str) -> &'s str {
        match self {
            Dialect::Sqlite => sqlite,
            Dialect::Postgres => postgres,
        }
    }
}

struct SqliteExec<'c>(&'c rusqlite::Connection);

impl Exec for SqliteExec<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn rows(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Row>, DbError> {
        let mut statement = self.0.prepare_cached(sql)?;
        let columns = statement.column_count();
        let mut rows = statement.query(rusqlite::params_from_iter(values))?;
        let mut read = Vec::new();
        while let Some(row) = rows.next()? {
            let mut cells = Vec::with_capacity(columns);
            for at in 0..columns {
                cells.push(match row.get_ref(at)? {
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(n) => Cell::Int(n),
                    ValueRef::Text(bytes) => Cell::Text(String::from_utf8_lossy(bytes).into()),
                    ValueRef::Real(_) | ValueRef::Blob(_) => {
                        return Err(DbError::Column(format!(
                            "column {at} holds neither text nor a whole number"
                        )));
                    }
                });
            }
            read.push(Row(cells));
        }
        Ok(read)
    }

    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64, DbError> {
        let mut statement = self.0.prepare_cached(sql)?;
        Ok(statement.execute(rusqlite::params_from_iter(values))? as u64)
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        Ok(self.0.execute_batch(sql)?)
    }
}

struct PostgresExec<'c, C: postgres::GenericClient> {
    client: &'c mut C,
    prepared: &'c mut HashMap<String, postgres::Statement>,
}

impl<C: postgres::GenericClient> PostgresExec<'_, C> {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, DbError> {
        if let Some(statement) = self.prepared.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(&numbered_for_postgres(sql))?;
        self.prepared.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }
}

impl<C: postgres::GenericClient> Exec for PostgresExec<'_, C> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn rows(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Row>, DbError> {
        let statement = self.statement(sql)?;
        let params: Vec<&(dyn PgToSql + Sync)> =
            values.iter().map(|v| v as &(dyn PgToSql + Sync)).collect();
        let rows = self.client.query(&statement, &params)?;
        rows.iter().map(postgres_row).collect()
    }

    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64, DbError> {
        let statement = self.statement(sql)?;
        let params: Vec<&(dyn PgToSql + Sync)> =
            values.iter().map(|v| v as &(dyn PgToSql + Sync)).collect();
        Ok(self.client.execute(&statement, &params)?)
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        Ok(self.client.batch_execute(sql)?)
    }
}

fn postgres_row(row: &postgres::Row) -> Result<Row, DbError> {
    let mut cells = Vec::with_capacity(row.len());
    for (at, column) in row.columns().iter().enumerate() {
        let ty = column.type_();
        let cell = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(at)?.map(Cell::Int)
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(at)?
                .map(|n| Cell::Int(n.into()))
        } else if *ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(at)?
                .map(|b| Cell::Int(b.into()))
        } else {
            row.try_get::<_, Option<String>>(at)?.map(Cell::Text)
        };
        cells.push(cell.unwrap_or(Cell::Null));
    }
    Ok(Row(cells))
}

/// `?1` → `$1`: the store's statements are written with SQLite's numbered parameters.
fn numbered_for_postgres(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

/// An open connection to either database.
pub enum Connection {
    Sqlite(rusqlite::Connection),
    Postgres(Box<PostgresConnection>),
}

pub struct PostgresConnection {
    config: postgres::Config,
    client: RefCell<postgres::Client>,
    /// Statements prepared on this connection, by their SQLite spelling.
    prepared: RefCell<HashMap<String, postgres::Statement>>,
}

impl PostgresConnection {
    /// The client, connected again if the server dropped the connection (a restart, a network
    /// blip): a classroom server outlives such moments rather than failing every request after.
    fn client(&self) -> Result<std::cell::RefMut<'_, postgres::Client>, DbError> {
        let mut client = self.client.borrow_mut();
        if client.is_closed() {
            *client = self.config.connect(postgres::NoTls)?;
            self.prepared.borrow_mut().clear();
        }
        Ok(client)
    }
}

/// How long to wait for a PostgreSQL server to answer a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl Connection {
    pub fn postgres(url: &str) -> Result<Connection, DbError> {
        let mut config = postgres::Config::from_str(url)?;
        config.connect_timeout(CONNECT_TIMEOUT);
        config.application_name("salesdojo");
        let client = config.connect(postgres::NoTls)?;
        Ok(Connection::Postgres(Box::new(PostgresConnection {
            config,
            client: RefCell::new(client),
            prepared: RefCell::new(HashMap::new()),
        })))
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Connection::Sqlite(_) => Dialect::Sqlite,
            Connection::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Statements outside a transaction: each on its own.
    pub fn read<T, E: From<DbError>>(
        &self,
        work: impl FnOnce(&mut dyn Exec) -> Result<T, E>,
    ) -> Result<T, E> {
        match self {
            Connection::Sqlite(conn) => work(&mut SqliteExec(conn)),
            Connection::Postgres(pg) => work(&mut PostgresExec {
                client: &mut *pg.client()?,
                prepared: &mut pg.prepared.borrow_mut(),
            }),
        }
    }

    /// Statements in one transaction: all of them or none. On SQLite it takes the write lock
    /// before reading anything (another writer is waited for); on PostgreSQL, unique
    /// constraints keep two servers writing at once from storing the same thing twice.
    pub fn write<T, E: From<DbError>>(
        &self,
        work: impl FnOnce(&mut dyn Exec) -> Result<T, E>,
    ) -> Result<T, E> {
        match self {
            Connection::Sqlite(conn) => {
                let tx = rusqlite::Transaction::new_unchecked(
                    conn,
                    rusqlite::TransactionBehavior::Immediate,
                )
                .map_err(DbError::from)?;
                let done = work(&mut SqliteExec(&tx))?;
                tx.commit().map_err(DbError::from)?;
                Ok(done)
            }
            Connection::Postgres(pg) => {
                let mut client = pg.client()?;
                let mut tx = client.transaction().map_err(DbError::from)?;
                let done = work(&mut PostgresExec {
                    client: &mut tx,
                    prepared: &mut pg.prepared.borrow_mut(),
                })?;
                tx.commit().map_err(DbError::from)?;
                Ok(done)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_renumbered_for_postgres_and_nothing_else_changes() {
        assert_eq!(
            numbered_for_postgres("SELECT a FROM t WHERE b = ?1 AND c > ?12 AND d = '?'"),
            "SELECT a FROM t WHERE b = $1 AND c > $12 AND d = '?'"
        );
    }

    #[test]
    fn passwords_never_appear_in_messages() {
        let shown = redact("postgres://dojo:s3cret@db.example.test:5433/results");
        assert_eq!(shown, "postgres://dojo@db.example.test:5433/results");
        let bad = Location::choose(Some("mysql://dojo:s3cret@host/db"), Path::new("."));
        assert!(!bad.unwrap_err().contains("s3cret"));
    }

    #[test]
    fn without_an_address_results_stay_in_the_data_folder() {
        let dir = Path::new("/some/folder");
        assert_eq!(
            Location::choose(None, dir),
            Ok(Location::Folder(dir.into()))
        );
        assert_eq!(
            Location::choose(Some("  "), dir),
            Ok(Location::Folder(dir.into()))
        );
        assert!(matches!(
            Location::choose(Some("postgresql://u@127.0.0.1/db"), dir),
            Ok(Location::Postgres(_))
        ));
    }
}
