//! Database connection: SQLite (embedded, default) or PostgreSQL.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, TransactionTrait,
};

use tokio::sync::watch;

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

/// Connections to an embedded database file: one writes at a time (see
/// [`write`]), the others read meanwhile.
const SQLITE_CONNECTIONS: u32 = 4;
/// How much of the database file is mapped into memory, and the page cache
/// of each connection.
const SQLITE_MAP_BYTES: u64 = 1 << 30;
const SQLITE_CACHE_KIB: u64 = 16 * 1024;

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
            // In WAL mode readers do not wait for the one writer; an
            // in-memory database is one per connection, so it keeps one.
            options.max_connections(SQLITE_CONNECTIONS);
        }
        options.map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
                // Pages are read through a memory map and kept in a larger
                // cache than SQLite's default 2 MiB, rather than read with a
                // system call each time: a long stay's indexes span many.
                .pragma("mmap_size", SQLITE_MAP_BYTES.to_string())
                .pragma("cache_size", format!("-{SQLITE_CACHE_KIB}"))
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

/// The one writer of a database: the batch of changes open on it, if any.
/// Changes that wait their turn while a batch is open join it, each in
/// its own savepoint, and are committed together (group commit).
#[derive(Default)]
struct Writer {
    batch: tokio::sync::Mutex<Option<Batch>>,
}

/// Changes run in one transaction, to be committed together.
struct Batch {
    txn: DatabaseTransaction,
    /// `Some(committed)` once the batch is committed or given up.
    done: watch::Sender<Option<bool>>,
    changes: usize,
    /// A savepoint could not be released or rolled back: nothing of the
    /// batch is committed.
    failed: bool,
}

/// The writer of each database this process writes to, by the identity
/// of its connection pool (the connect options every clone of a pool
/// shares).
static WRITERS: LazyLock<std::sync::Mutex<HashMap<usize, Arc<Writer>>>> =
    LazyLock::new(Default::default);

fn writer(db: &DatabaseConnection) -> Arc<Writer> {
    let pool = match db.get_database_backend() {
        DbBackend::Sqlite => {
            Arc::as_ptr(&db.get_sqlite_connection_pool().connect_options()) as usize
        }
        DbBackend::Postgres => {
            Arc::as_ptr(&db.get_postgres_connection_pool().connect_options()) as usize
        }
        _ => 0,
    };
    let mut writers = WRITERS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    writers.entry(pool).or_default().clone()
}

/// Runs a change so that it is kept whole or not at all: `change` writes
/// the rows, the history and the events of the change. Changes arriving
/// together are committed in one transaction, each in a savepoint of its
/// own, so one that fails leaves the others be; every caller is answered
/// once its batch is committed and the buses are woken. When `change`
/// fails, nothing of it is kept and its error is the answer.
pub async fn write<T>(
    db: &DatabaseConnection,
    change: impl AsyncFnOnce(&DatabaseTransaction) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let started = std::time::Instant::now();
    let writer = writer(db);
    let mut slot = writer.batch.lock().await;
    let batch = match &mut *slot {
        Some(batch) => batch,
        empty => {
            let txn = begin_write(db).await?;
            tokio::spawn(commit(writer.clone()));
            empty.insert(Batch {
                txn,
                done: watch::channel(None).0,
                changes: 0,
                failed: false,
            })
        }
    };
    let outcome = match batch.txn.begin().await {
        Ok(savepoint) => match change(&savepoint).await {
            Ok(done) => savepoint.commit().await.map(|()| Ok(done)),
            Err(refused) => savepoint.rollback().await.map(|()| Err(refused)),
        },
        Err(e) => Err(e),
    };
    let outcome = outcome.unwrap_or_else(|e| {
        tracing::error!("a change could not be kept apart from the others of its batch: {e}");
        batch.failed = true;
        Err(AppError::Unavailable)
    });
    batch.changes += 1;
    let mut committed = batch.done.subscribe();
    drop(slot);
    let done = outcome?;
    match committed.wait_for(Option::is_some).await.as_deref() {
        Ok(Some(true)) => {
            metrics::histogram!("vitalboard_write_seconds").record(started.elapsed().as_secs_f64());
            Ok(done)
        }
        _ => Err(AppError::Unavailable),
    }
}

/// Commits the writer's open batch once the changes that were waiting
/// when it began have joined it (the lock is handed on in turn), and
/// answers them all.
async fn commit(writer: Arc<Writer>) {
    let mut slot = writer.batch.lock().await;
    let Some(Batch {
        txn,
        done,
        changes,
        failed,
    }) = slot.take()
    else {
        return;
    };
    let committed = if failed {
        if let Err(e) = txn.rollback().await {
            tracing::error!("a failed batch of {changes} changes could not be rolled back: {e}");
        }
        false
    } else {
        match super::events::commit(txn).await {
            Ok(()) => true,
            Err(e) => {
                tracing::error!("a batch of {changes} changes could not be committed: {e}");
                false
            }
        }
    };
    drop(slot);
    metrics::histogram!("vitalboard_write_batch_changes").record(changes as f64);
    done.send_replace(Some(committed));
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

    /// Five changes that wait while a batch is being committed: they are
    /// committed together, the fourth sees the first not yet committed
    /// from outside, and the third, refused, leaves the others be.
    #[tokio::test]
    async fn changes_waiting_their_turn_are_committed_together_each_with_its_own_answer() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/batch.db?mode=rwc", dir.path().display());
        let db = connect(&url).await.unwrap();
        db.execute_unprepared("CREATE TABLE scratch (n INTEGER PRIMARY KEY)")
            .await
            .unwrap();
        let held = writer(&db);
        let committing = held.batch.lock().await;
        let tasks: Vec<_> = (1..=5)
            .map(|n| {
                let db = db.clone();
                tokio::spawn(async move {
                    let outside = db.clone();
                    write(&db, async |txn| {
                        txn.execute_unprepared(&format!("INSERT INTO scratch VALUES ({n})"))
                            .await?;
                        if n == 3 {
                            return Err(AppError::Conflict("three is refused".into()));
                        }
                        let first_committed = outside
                            .query_one_raw(sea_orm::Statement::from_string(
                                DbBackend::Sqlite,
                                "SELECT n FROM scratch WHERE n = 1",
                            ))
                            .await?
                            .is_some();
                        Ok(first_committed)
                    })
                    .await
                })
            })
            .collect();
        // Every task runs until it waits for the writer.
        tokio::task::yield_now().await;
        drop(committing);
        let mut answers = Vec::new();
        for task in tasks {
            answers.push(task.await.unwrap().map_err(|e| e.to_string()));
        }
        assert_eq!(
            answers,
            [
                Ok(false),
                Ok(false),
                Err("three is refused".to_owned()),
                Ok(false),
                Ok(false)
            ],
            "no change saw the first committed before its own: one batch"
        );
        let kept: Vec<i64> = db
            .query_all_raw(sea_orm::Statement::from_string(
                DbBackend::Sqlite,
                "SELECT n FROM scratch ORDER BY n",
            ))
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get_by_index(0).unwrap())
            .collect();
        assert_eq!(kept, [1, 2, 4, 5]);
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
