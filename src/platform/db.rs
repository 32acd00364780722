//! Database connection: SQLite (embedded, default) or PostgreSQL.

use std::path::Path;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, TransactionTrait,
};

use super::StartupError;
use crate::error::AppError;

/// Which database a `DATABASE_URL` points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Tells the backend from the URL's scheme; anything else is refused with
/// a message that lists what is allowed.
pub fn backend_of(url: &str) -> Result<Backend, StartupError> {
    let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or(url);
    match scheme {
        "sqlite" => Ok(Backend::Sqlite),
        "postgres" | "postgresql" => Ok(Backend::Postgres),
        other => Err(StartupError::Config(format!(
            "DATABASE_URL has the unknown scheme '{other}'; use sqlite://PATH or postgres://USER@HOST/DB"
        ))),
    }
}

/// The file path of an SQLite URL (`sqlite://data/x.db?mode=rwc` → `data/x.db`).
pub fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Connects, then applies every pending migration.
pub async fn connect(url: &str) -> Result<DatabaseConnection, StartupError> {
    let backend = backend_of(url)?;
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if backend == Backend::Sqlite {
        if let Some(path) = sqlite_path(url) {
            prepare_data_folder(path)?;
        }
        options.map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
        });
    }
    let db = Database::connect(options)
        .await
        .map_err(|e| StartupError::Database(format!("cannot connect to {}: {e}", redact(url))))?;
    Migrator::up(&db, None)
        .await
        .map_err(|e| StartupError::Migration(e.to_string()))?;
    Ok(db)
}

/// Begins a transaction that will write. On SQLite it takes the database's
/// write lock at once, waiting its turn: a transaction that reads before it
/// writes could otherwise fail when another one commits in between.
async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let txn = db.begin().await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        txn.execute_unprepared("DELETE FROM events WHERE 0").await?;
    }
    Ok(txn)
}

/// Runs a change in one write transaction: `change` writes the rows, the
/// history and the events of the change; then it is committed and the
/// buses are woken. When `change` fails, nothing of it is kept.
pub async fn write<T>(
    db: &DatabaseConnection,
    change: impl AsyncFnOnce(&DatabaseTransaction) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let started = std::time::Instant::now();
    let txn = begin_write(db).await?;
    let done = change(&txn).await?;
    super::events::commit(txn).await?;
    metrics::histogram!("vitalboard_write_seconds").record(started.elapsed().as_secs_f64());
    Ok(done)
}

fn prepare_data_folder(path: &str) -> Result<(), StartupError> {
    let Some(folder) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    else {
        return Ok(());
    };
    std::fs::create_dir_all(folder).map_err(|e| {
        StartupError::Database(format!(
            "cannot create the data folder {}: {e}",
            folder.display()
        ))
    })?;
    let probe = folder.join(".vitalboard-write-test");
    std::fs::write(&probe, b"")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| {
            StartupError::Database(format!(
                "the data folder {} is not writable: {e}",
                folder.display()
            ))
        })
}

/// The URL without its password, fit for a log line.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Connections of the pool: open, and of those idle.
pub fn pool_use(db: &DatabaseConnection) -> (u32, usize) {
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    }
}

/// A short name of the connected database, for logs and the status page.
pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Sqlite => "SQLite",
        DbBackend::Postgres => "PostgreSQL",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert_eq!(backend_of("sqlite://data/x.db").unwrap(), Backend::Sqlite);
        assert_eq!(backend_of("sqlite::memory:").unwrap(), Backend::Sqlite);
        assert_eq!(backend_of("postgres://u@h/db").unwrap(), Backend::Postgres);
        assert_eq!(
            backend_of("postgresql://u@h/db").unwrap(),
            Backend::Postgres
        );
        let err = backend_of("mysql://u@h/db").unwrap_err().to_string();
        assert!(err.contains("unknown scheme 'mysql'"), "{err}");
    }

    #[test]
    fn sqlite_paths() {
        assert_eq!(
            sqlite_path("sqlite://data/x.db?mode=rwc"),
            Some("data/x.db")
        );
        assert_eq!(sqlite_path("sqlite:///tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://bob:secret@h/db"),
            "postgres://bob:***@h/db"
        );
        assert_eq!(redact("postgres://bob@h/db"), "postgres://bob@h/db");
        assert_eq!(redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
