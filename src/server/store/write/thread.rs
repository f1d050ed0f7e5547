//! The writer's thread: waits for work, takes everything queued (up to a
//! batch) into one transaction, then publishes and answers every waiter.
//! Work that arrives during a commit forms the next batch, so batches grow
//! with the load whatever the speed of the rest of the request path.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use sqlx::SqlitePool;
use tokio::sync::{mpsc, watch};

use super::calls::CallCache;
use super::job::Job;
use super::{batch, Publish, Reply, WriteError, WriteTurn};
use crate::server::metrics;

/// Most deliveries committed in one transaction.
const MAX_BATCH: usize = 512;
/// A batch this large means webhooks are queueing for the writer: ingest
/// is saturated for [`BUSY_FOR_MS`] after it.
pub(super) const BUSY_BATCH: usize = 8;
const BUSY_FOR_MS: i64 = 250;

/// Everything the thread owns.
pub(super) struct State {
    pub conn: Connection,
    /// The store's write pool, closed when the store is: then the writer stops.
    pub store: SqlitePool,
    pub turn: WriteTurn,
    pub publish: Publish,
    pub calls: CallCache,
    /// Turns true when the store is closed.
    pub stop: watch::Receiver<bool>,
    /// Set after each large batch: [`super::Writer::saturated`].
    pub busy_until: std::sync::Arc<std::sync::atomic::AtomicI64>,
    /// Dropped when the thread ends, however it ends: [`super::Writer::stopped`].
    pub _running: watch::Sender<()>,
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
    let autocheckpoint = crate::server::store::checkpoint::WRITER_AUTOCHECKPOINT;
    conn.query_row(
        &format!("PRAGMA wal_autocheckpoint = {autocheckpoint}"),
        [],
        |_| Ok(()),
    )?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

/// Commits batches until every `Writer` is gone, the store is closed
/// ([`super::Writer::stop`]) or a batch finds its pool closed; the
/// connection closes when this returns.
pub(super) fn run(mut state: State, mut rx: mpsc::Receiver<(Job, Reply)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = next(&mut rx, &mut state.stop) {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(queued) => batch.push(queued),
                Err(_) => break,
            }
        }
        if batch.len() >= BUSY_BATCH {
            state.busy_until.store(
                crate::server::store::now_ms() + BUSY_FOR_MS,
                std::sync::atomic::Ordering::Relaxed,
            );
        }
        let (jobs, replies): (Vec<Job>, Vec<Reply>) = batch.drain(..).unzip();
        if state.store.is_closed() {
            tracing::error!("the database was closed; the writer stops");
            for reply in replies {
                let _ = reply.send(Err(WriteError::Stopped));
            }
            return;
        }
        let started = Instant::now();
        let committed = {
            let _turn = state.turn.blocking_lock();
            // Holding the turn, no retention transaction is in flight.
            state.calls.forget_removed();
            batch::commit(&mut state.conn, &mut state.calls, jobs)
        };
        match committed {
            Ok((results, updates)) => {
                metrics::batch_committed(&results, started.elapsed());
                if !updates.is_empty() {
                    (state.publish)(updates);
                }
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
            }
            Err(e) => {
                // Rolled back: the cached rows may hold what was not committed.
                state.calls.clear();
                tracing::error!(error = %e, "write batch failed");
                let e = WriteError::Database(Arc::new(e));
                for reply in replies {
                    let _ = reply.send(Err(e.clone()));
                }
            }
        }
    }
}

/// Waits for the next job; `None` once the queue has closed or the writer
/// was asked to stop.
fn next(
    rx: &mut mpsc::Receiver<(Job, Reply)>,
    stop: &mut watch::Receiver<bool>,
) -> Option<(Job, Reply)> {
    futures::executor::block_on(async {
        tokio::select! {
            biased;
            job = rx.recv() => job,
            _ = stop.wait_for(|stop| *stop) => None,
        }
    })
}
