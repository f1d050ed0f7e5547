//! Checkpoints off the ingest path. SQLite copies the write-ahead log back
//! into the database file (a checkpoint, with an fsync of the database)
//! inside whichever commit crosses `wal_autocheckpoint` pages: under load,
//! one webhook batch in a few dozen would pay for it. Instead this task runs
//! a PASSIVE checkpoint a few times a second on a connection of its own,
//! which never blocks the writer; the writer's own threshold is raised to a
//! safety net for when this task falls behind.

use std::time::Duration;

use sqlx::SqlitePool;
use tokio::task::JoinHandle;

/// How often the log is copied back.
const EVERY: Duration = Duration::from_millis(250);
/// Pages the writer lets the log reach before it checkpoints itself.
pub const WRITER_AUTOCHECKPOINT: u32 = 16_384;

/// Checkpoints every [`EVERY`] until `pool` is closed.
pub fn spawn(pool: SqlitePool) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if pool.is_closed() {
                return;
            }
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
            {
                if pool.is_closed() {
                    return;
                }
                tracing::warn!(error = %e, "background checkpoint failed");
            }
        }
    })
}
