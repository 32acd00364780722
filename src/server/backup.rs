//! Backups of the embedded database: `vitalboard backup PATH` copies it
//! while the server runs; `vitalboard restore PATH` puts a copy back while
//! no server runs. PostgreSQL is backed up with its own tools (README).

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, Statement};

use crate::platform::StartupError;
use crate::platform::db::{Backend, backend_of, sqlite_path};

const NOT_SQLITE: &str = "backup and restore copy the embedded SQLite database; \
     back PostgreSQL up with pg_dump and restore it with pg_restore (see README)";

/// The file of the embedded database at `url`.
fn database_file(url: &str) -> Result<PathBuf, StartupError> {
    if backend_of(url)? != Backend::Sqlite {
        return Err(StartupError::Config(NOT_SQLITE.into()));
    }
    sqlite_path(url)
        .map(PathBuf::from)
        .ok_or_else(|| StartupError::Config(format!("DATABASE_URL {url} names no database file")))
}

/// A file beside the database: its name with `suffix` appended.
fn beside(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The lock a serving process holds on its embedded database, so that a
/// restore (or a second server) cannot replace the file under it. `None`
/// for PostgreSQL and an in-memory database. Released when dropped, or
/// when the process ends.
pub fn hold(url: &str) -> Result<Option<File>, StartupError> {
    if backend_of(url)? != Backend::Sqlite {
        return Ok(None);
    }
    let Some(database) = sqlite_path(url).map(PathBuf::from) else {
        return Ok(None);
    };
    let lock = beside(&database, ".lock");
    if let Some(folder) = database.parent().filter(|f| !f.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|e| {
            StartupError::Database(format!(
                "cannot create the data folder {}: {e}",
                folder.display()
            ))
        })?;
    }
    let file = File::create(&lock).map_err(|e| {
        StartupError::Database(format!("cannot create the lock {}: {e}", lock.display()))
    })?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Err(StartupError::Database(format!(
            "a vitalboard server is running on {}; stop it first",
            database.display()
        ))),
        Err(TryLockError::Error(e)) => Err(StartupError::Database(format!(
            "cannot lock {}: {e}",
            lock.display()
        ))),
    }
}

/// Writes a consistent copy of the embedded database at `url` to `to`,
/// which must not exist yet; the server may go on writing meanwhile.
pub async fn backup(url: &str, to: &Path) -> Result<String, StartupError> {
    let database = database_file(url)?;
    if !database.exists() {
        return Err(StartupError::Database(format!(
            "there is no database at {}",
            database.display()
        )));
    }
    if to.exists() {
        return Err(StartupError::Config(format!(
            "{} already exists; name a new file for the backup",
            to.display()
        )));
    }
    let target = to
        .to_str()
        .ok_or_else(|| StartupError::Config(format!("{} is not a UTF-8 path", to.display())))?;
    let db = Database::connect(format!("sqlite://{}?mode=ro", database.display()))
        .await
        .map_err(|e| StartupError::Database(format!("cannot open {}: {e}", database.display())))?;
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        "VACUUM INTO ?",
        [target.into()],
    ))
    .await
    .map_err(|e| StartupError::Database(format!("cannot write {}: {e}", to.display())))?;
    db.close().await.ok();
    let copy = check(to).await?;
    Ok(format!(
        "backed up {} to {} ({copy})",
        database.display(),
        to.display()
    ))
}

/// Checks that `copy` is a whole vitalboard database this version can
/// open: intact, and with no migration it does not know.
async fn check(copy: &Path) -> Result<String, StartupError> {
    let bad = |why: String| StartupError::Database(format!("{} {why}", copy.display()));
    if !copy.is_file() {
        return Err(bad("is not a file".into()));
    }
    let not_sqlite = |e: sea_orm::DbErr| bad(format!("is not an SQLite database: {e}"));
    let db = Database::connect(format!("sqlite://{}?mode=ro", copy.display()))
        .await
        .map_err(not_sqlite)?;
    let backend = db.get_database_backend();
    let intact = db
        .query_one_raw(Statement::from_string(backend, "PRAGMA integrity_check"))
        .await
        .map_err(not_sqlite)?
        .and_then(|row| row.try_get_by_index::<String>(0).ok());
    if intact.as_deref() != Some("ok") {
        return Err(bad(format!("is damaged: {}", intact.unwrap_or_default())));
    }
    let applied: Vec<String> = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await
        .map_err(|_| bad("is not a vitalboard database (it has no migrations)".into()))?
        .into_iter()
        .filter_map(|row| row.try_get_by_index::<String>(0).ok())
        .collect();
    db.close().await.ok();
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    if let Some(unknown) = applied.iter().find(|v| !known.contains(v)) {
        return Err(bad(format!(
            "was written by a newer vitalboard (migration {unknown} is unknown here); \
             restore it with that version"
        )));
    }
    Ok(if applied.len() == known.len() {
        format!("all {} migrations", known.len())
    } else {
        format!(
            "{} of {} migrations; a server started on it applies the rest",
            applied.len(),
            known.len()
        )
    })
}

/// Replaces the embedded database at `url` with the copy at `from`, after
/// checking it. Refused while a server runs on it. The replaced database
/// is kept beside it.
pub async fn restore(url: &str, from: &Path) -> Result<String, StartupError> {
    let database = database_file(url)?;
    let _lock = hold(url)?;
    let copy = check(from).await?;
    let staged = beside(&database, ".restoring");
    std::fs::copy(from, &staged)
        .map_err(|e| StartupError::Database(format!("cannot copy {}: {e}", from.display())))?;
    let kept = beside(
        &database,
        &format!(".replaced-{}", chrono::Utc::now().format("%Y%m%dT%H%M%SZ")),
    );
    let mut done = format!(
        "restored {} from {} ({copy})",
        database.display(),
        from.display()
    );
    if database.exists() {
        std::fs::rename(&database, &kept).map_err(|e| {
            StartupError::Database(format!("cannot move {} aside: {e}", database.display()))
        })?;
        done.push_str(&format!("; the database it replaced is {}", kept.display()));
    }
    // A journal of the replaced database would be replayed into the copy.
    for journal in ["-wal", "-shm"] {
        let stale = beside(&database, journal);
        if stale.exists() {
            std::fs::rename(&stale, beside(&kept, journal)).map_err(|e| {
                StartupError::Database(format!("cannot move {} aside: {e}", stale.display()))
            })?;
        }
    }
    std::fs::rename(&staged, &database)
        .map_err(|e| StartupError::Database(format!("cannot put the copy in place: {e}")))?;
    Ok(done)
}
