//! The SQL behind `calltrail backup` and `calltrail restore`: a consistent
//! copy of a database that may be in use (`VACUUM INTO`, which reads one
//! snapshot and never blocks the writer), and the checks a file must pass
//! before it replaces the database.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteLockingMode};
use sqlx::{ConnectOptions, Connection, SqliteConnection};

/// Why a file cannot be backed up or restored.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{}: {why}", path.display())]
    NotCalltrail { path: PathBuf, why: String },
    #[error("the path {} is not valid UTF-8", .0.display())]
    Path(PathBuf),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("applying calltrail's migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// What a calltrail database holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contents {
    pub calls: i64,
    pub events: i64,
    pub deliveries: i64,
}

/// Tables every calltrail database has.
const TABLES: [&str; 4] = ["_sqlx_migrations", "calls", "events", "deliveries"];

/// Writes a consistent copy of the database at `db` (which must exist, and
/// may be in use) to the new file `target`. SQLite refuses a `target` that
/// exists and is not empty.
pub async fn vacuum_into(db: &Path, target: &Path) -> Result<(), BackupError> {
    let target = std::path::absolute(target).map_err(sqlx::Error::Io)?;
    let into = target
        .to_str()
        .ok_or_else(|| BackupError::Path(target.clone()))?;
    let mut conn = open(db).await?;
    sqlx::query("VACUUM INTO ?")
        .bind(into)
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

/// Makes the file at `path` ready to be the database: checks it is an intact
/// calltrail database, applies any migrations it lacks, and turns on
/// incremental vacuum (rewriting the file) when it was made without.
pub async fn prepare_restore(path: &Path) -> Result<Contents, BackupError> {
    let not_calltrail = |why: String| BackupError::NotCalltrail {
        path: path.to_path_buf(),
        why,
    };
    let mut conn = open(path).await?;
    let check: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| not_calltrail(format!("not a readable SQLite database ({e})")))?;
    if check != "ok" {
        return Err(not_calltrail(format!("the file is damaged ({check})")));
    }
    for table in TABLES {
        let found: Option<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?")
                .bind(table)
                .fetch_optional(&mut conn)
                .await?;
        if found.is_none() {
            return Err(not_calltrail(format!(
                "not a calltrail database (it has no `{table}` table)"
            )));
        }
    }
    // Refuses a file from a newer calltrail, or with altered migrations.
    sqlx::migrate!("./migrations/sqlite").run(&mut conn).await?;
    let auto_vacuum: i64 = sqlx::query_scalar("PRAGMA auto_vacuum")
        .fetch_one(&mut conn)
        .await?;
    if auto_vacuum != 2 {
        sqlx::query("PRAGMA auto_vacuum = INCREMENTAL")
            .execute(&mut conn)
            .await?;
        sqlx::query("VACUUM").execute(&mut conn).await?;
    }
    let contents = contents(&mut conn).await?;
    conn.close().await?;
    Ok(contents)
}

/// The rows a calltrail database holds.
pub async fn read_contents(path: &Path) -> Result<Contents, BackupError> {
    let mut conn = open(path).await?;
    let contents = contents(&mut conn).await?;
    conn.close().await?;
    Ok(contents)
}

async fn contents(conn: &mut SqliteConnection) -> Result<Contents, sqlx::Error> {
    let (calls, events, deliveries) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM calls), (SELECT COUNT(*) FROM events),
                (SELECT COUNT(*) FROM deliveries)",
    )
    .fetch_one(conn)
    .await?;
    Ok(Contents {
        calls,
        events,
        deliveries,
    })
}

/// True when another connection has the database at `db` open — a running
/// server keeps one open. Asks for an exclusive lock, without waiting.
pub async fn in_use(db: &Path) -> Result<bool, sqlx::Error> {
    let mut conn = SqliteConnectOptions::new()
        .filename(db)
        .locking_mode(SqliteLockingMode::Exclusive)
        .busy_timeout(Duration::ZERO)
        .connect()
        .await?;
    let busy = match conn.begin_with("BEGIN EXCLUSIVE").await {
        Ok(tx) => {
            tx.rollback().await?;
            false
        }
        Err(sqlx::Error::Database(e)) if is_busy(e.code().as_deref()) => true,
        Err(e) => return Err(e),
    };
    conn.close().await?;
    Ok(busy)
}

/// SQLITE_BUSY and SQLITE_LOCKED, with their extended codes.
fn is_busy(code: Option<&str>) -> bool {
    code.and_then(|c| c.parse::<i32>().ok())
        .is_some_and(|c| matches!(c & 0xff, 5 | 6))
}

/// One connection to an existing database file, never creating one.
async fn open(path: &Path) -> Result<SqliteConnection, sqlx::Error> {
    SqliteConnectOptions::new()
        .filename(path)
        .busy_timeout(Duration::from_secs(5))
        .connect()
        .await
}
