//! The writer's thread: waits for work, takes everything queued (up to a
//! batch) into one transaction, then publishes and answers every waiter.
//! Work that arrives during a commit forms the next batch, so batches grow
//! with the load whatever the speed of the rest of the request path.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;
use sqlx::SqlitePool;

use super::calls::CallCache;
use super::{batch, WriteTurn};
use crate::server::store::job::{Publish, WriteError};
use crate::server::store::writer::Intake;

/// Everything the thread owns.
pub(super) struct State {
    pub conn: Connection,
    /// The store's write pool, closed when the store is: then the writer stops.
    pub store: SqlitePool,
    pub turn: WriteTurn,
    pub publish: Publish,
    pub calls: CallCache,
}

/// The writer's connection, set up as every calltrail connection is: an
/// acknowledged event must survive power loss (`synchronous=FULL`).
pub(super) fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // These return the value set, so they are read, not executed.
    conn.query_row("PRAGMA journal_size_limit = 67108864", [], |_| Ok(()))?;
    let autocheckpoint = crate::server::store::sqlite::checkpoint::WRITER_AUTOCHECKPOINT;
    conn.query_row(
        &format!("PRAGMA wal_autocheckpoint = {autocheckpoint}"),
        [],
        |_| Ok(()),
    )?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

/// Commits batches until every `Writer` is gone, the store is closed
/// (`Writer::stop`) or a batch finds its pool closed; the connection closes
/// when this returns.
pub(super) fn run(mut state: State, mut intake: Intake) {
    while let Some(mut batch) = futures::executor::block_on(intake.next()) {
        if state.store.is_closed() {
            tracing::error!("the database was closed; the writer stops");
            batch.refuse(WriteError::Stopped);
            return;
        }
        let jobs = std::mem::take(&mut batch.jobs);
        let committed = {
            let _turn = state.turn.blocking_lock();
            // Holding the turn, no retention transaction is in flight.
            state.calls.forget_removed();
            batch::commit(&mut state.conn, &mut state.calls, jobs)
        };
        let committed = match committed {
            Ok((results, updates)) => {
                if !updates.is_empty() {
                    (state.publish)(updates);
                }
                Ok(results)
            }
            Err(e) => {
                // Rolled back: the cached rows may hold what was not committed.
                state.calls.clear();
                Err(e)
            }
        };
        batch.answer(committed);
    }
}
