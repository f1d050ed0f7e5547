//! The SQLite backend (the default): opening the database file, the single
//! writer thread that commits events in groups, and the read queries behind
//! the pages and live streams.

pub mod backup;
mod checkpoint;
pub mod naive;
pub mod offline;
mod search;
pub mod space;
mod write;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteAutoVacuum, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, SqlitePool};
use tokio::sync::OwnedMutexGuard;

use super::job::Publish;
use super::portable::{Backend, IdSequence};
use super::writer::Writer;
pub use write::fill;

/// Read access, the handle to the writer task, and a small read-write pool
/// for the rare writes that are not events (accounts, sessions, settings).
#[derive(Clone)]
pub struct SqliteStore {
    read: SqlitePool,
    writer: Writer,
    /// Retention tells the writer through this that cached call rows went.
    calls_removed: write::CallsRemoved,
    auth: SqlitePool,
    /// One connection for background writes (retention, reclaiming space);
    /// each transaction on it first takes the writer's turn.
    write: SqlitePool,
    turn: write::WriteTurn,
}

/// A connection of the `write` pool, holding the writer's turn: while it
/// lives, the writer thread waits, instead of polling SQLite's write lock.
pub(in crate::server::store) struct Turn {
    conn: PoolConnection<Sqlite>,
    _turn: OwnedMutexGuard<()>,
}

impl std::ops::Deref for Turn {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &Self::Target {
        &self.conn
    }
}

impl std::ops::DerefMut for Turn {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.conn
    }
}

impl SqliteStore {
    /// One instance: there is nobody else to tell.
    pub async fn announce_review(&self, call_id: &str) -> Result<bool, sqlx::Error> {
        let _ = call_id;
        Ok(false)
    }

    /// Opens (creating if missing) the database file at `path`, applies the
    /// migrations and starts the writer task. `publish` is called with each
    /// committed batch, in commit order.
    pub async fn open(path: &Path, publish: Publish) -> Result<Self, sqlx::Error> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // An acknowledged event must survive power loss.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5))
            // The WAL is checkpointed in the background (`checkpoint.rs`);
            // after a checkpoint the file is truncated back to this size.
            .pragma("journal_size_limit", "67108864")
            .foreign_keys(true);
        // Set before the first table exists, so a new database can give the
        // pages retention frees back to the file system (`space.rs`); an
        // older database keeps its mode until it is restored from a backup.
        let write_pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone().auto_vacuum(SqliteAutoVacuum::Incremental))
            .await?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&write_pool)
            .await?;
        let auth = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options.clone())
            .await?;
        // One connection stays open while the server runs, which is how
        // `calltrail restore` tells that the database is in use.
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .connect_with(options.read_only(true))
            .await?;
        let turn = write::WriteTurn::default();
        let calls_removed = write::CallsRemoved::default();
        let writer = write::spawn(
            path,
            write_pool.clone(),
            turn.clone(),
            publish,
            &calls_removed,
        )
        .map_err(sqlx::Error::Io)?;
        checkpoint::spawn(auth.clone());
        Ok(SqliteStore {
            calls_removed,
            read,
            writer,
            auth,
            write: write_pool,
            turn,
        })
    }

    /// A store over one existing, migrated pool on a database file (tests
    /// use this with `#[sqlx::test(migrations = "migrations/sqlite")]`); the writer opens its own connection
    /// to that file.
    pub fn from_pool(pool: SqlitePool, publish: Publish) -> Result<Self, sqlx::Error> {
        let path = pool.connect_options().get_filename().to_path_buf();
        let turn = write::WriteTurn::default();
        let calls_removed = write::CallsRemoved::default();
        let writer = write::spawn(&path, pool.clone(), turn.clone(), publish, &calls_removed)
            .map_err(sqlx::Error::Io)?;
        Ok(SqliteStore {
            calls_removed,
            read: pool.clone(),
            writer,
            auth: pool.clone(),
            write: pool,
            turn,
        })
    }

    pub fn writer(&self) -> &Writer {
        &self.writer
    }

    /// The pool the session store keeps its table in.
    pub fn session_pool(&self) -> SqlitePool {
        self.auth.clone()
    }

    /// Closes every connection to the database: the writer's, once what is
    /// queued has committed, then the pools'.
    pub async fn close(&self) {
        self.writer.stop().await;
        for pool in [&self.read, &self.auth, &self.write] {
            // A connection handed back while `close` ran can be left idle;
            // closing again closes it (a few tries at most).
            for _ in 0..50 {
                pool.close().await;
                if pool.size() == 0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.read).await.is_ok()
    }

    /// Ok when the database would take a write now: takes SQLite's write
    /// lock (`BEGIN IMMEDIATE`, as the writer does) and lets it go, writing nothing.
    pub async fn check_writable(&self) -> Result<(), sqlx::Error> {
        let mut conn = self.auth.acquire().await?;
        let tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
        tx.rollback().await
    }
}

impl Backend for SqliteStore {
    type Turn = Turn;

    /// The read-only pool: what portable reads run on.
    fn reader(&self) -> &SqlitePool {
        &self.read
    }

    /// The read-write pool for the writes that are not events.
    fn writes(&self) -> &SqlitePool {
        &self.auth
    }

    /// A connection for a background write, once the writer's batch in
    /// flight (if any) has committed; the writer waits while it is held.
    async fn write_turn(&self) -> Result<Turn, sqlx::Error> {
        let turn = self.turn.clone().lock_owned().await;
        let conn = self.write.acquire().await?;
        Ok(Turn { conn, _turn: turn })
    }

    /// A write transaction that takes SQLite's write lock at once (as the
    /// writer does), so it never fails half-way on a busy database.
    async fn begin_write(
        conn: &mut sqlx::SqliteConnection,
    ) -> Result<sqlx::Transaction<'_, Sqlite>, sqlx::Error> {
        sqlx::Connection::begin_with(conn, "BEGIN IMMEDIATE").await
    }

    /// Nothing to do: SQLite runs one write transaction at a time.
    async fn alone_on(_tx: &mut sqlx::SqliteConnection, _table: &str) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// Retention deleted or changed call rows: the writer drops its cache.
    fn call_rows_changed(&self) {
        self.calls_removed.mark();
    }

    /// No limit: one writer commits ids in order, so a reader that sees
    /// one has seen every id before it.
    async fn horizon(&self, _ids: IdSequence) -> Result<i64, sqlx::Error> {
        Ok(i64::MAX)
    }
}
