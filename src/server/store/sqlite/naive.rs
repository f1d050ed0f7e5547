//! The bench's naive baseline: what most hand-written webhook receivers do —
//! one autocommit INSERT per request into SQLite in WAL mode with its
//! default `synchronous=NORMAL`, on one connection — kept in a database
//! file of its own so it never touches calltrail's.

use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

pub struct NaiveLog(SqlitePool);

impl NaiveLog {
    pub async fn open(path: &Path) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS events (
                 id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL,
                 call_id TEXT, type TEXT, body TEXT NOT NULL)",
        )
        .execute(&pool)
        .await?;
        Ok(NaiveLog(pool))
    }

    /// One row, committed on its own.
    pub async fn insert(
        &self,
        received_at: i64,
        call_id: Option<&str>,
        kind: Option<&str>,
        body: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO events (received_at, call_id, type, body) VALUES (?, ?, ?, ?)")
            .bind(received_at)
            .bind(call_id)
            .bind(kind)
            .bind(body)
            .execute(&self.0)
            .await?;
        Ok(())
    }
}
