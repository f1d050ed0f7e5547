//! The SQLite writer: a thread of its own with its own connection
//! (rusqlite, on the same SQLite library as sqlx) takes the queued
//! deliveries in batches from the shared [`Intake`] and commits each batch
//! in one transaction (group commit), so many concurrent webhooks cost one
//! fsync, and publishes what it stored only after the commit.
//!
//! Why a thread and not sqlx: sqlx runs every statement on its own worker
//! thread and hands each one back and forth; at three statements per event
//! those hand-offs, not SQLite, bounded ingest (see the bench).

mod batch;
mod calls;
mod thread;

use std::path::Path;
use std::sync::Arc;

use sqlx::SqlitePool;

pub use calls::CallsRemoved;

use crate::server::store::job::{Job, NewDelivery, NewEvent, Publish};
use crate::server::store::writer::Writer;

/// Turns at SQLite's write lock: the writer thread holds it for each batch,
/// and background jobs on the `write` pool (retention, reclaiming space) for
/// each of their short transactions, so neither ever waits in SQLite's
/// busy handler, which sleeps in steps of milliseconds.
pub type WriteTurn = Arc<tokio::sync::Mutex<()>>;

/// Opens the writer's connection to the (migrated) database at `path` and
/// starts its thread, which stops once `store` is closed. Retention marks
/// `calls_removed` when it deleted or changed call rows the writer caches.
pub(super) fn spawn(
    path: &Path,
    store: SqlitePool,
    turn: WriteTurn,
    publish: Publish,
    calls_removed: &CallsRemoved,
) -> std::io::Result<Writer> {
    let conn = thread::open(path).map_err(std::io::Error::other)?;
    let (writer, intake) = Writer::queue();
    let state = thread::State {
        conn,
        store,
        turn,
        publish,
        calls: calls::CallCache::new(calls_removed),
    };
    std::thread::Builder::new()
        .name("calltrail-writer".into())
        .spawn(move || thread::run(state, intake))?;
    Ok(writer)
}

/// Stores `events` in transactions of [`FILL_BATCH`] through the same code
/// as the writer (rows, call folding), on a connection of its own: how the
/// bench fills a database fast without posting each event. Blocking.
pub fn fill(
    path: &Path,
    events: impl IntoIterator<Item = (NewDelivery, NewEvent)>,
) -> rusqlite::Result<usize> {
    let mut conn = thread::open(path)?;
    let mut cache = calls::CallCache::new(&CallsRemoved::default());
    let mut stored = 0;
    let mut events = events.into_iter().peekable();
    while events.peek().is_some() {
        let jobs: Vec<Job> = events
            .by_ref()
            .take(FILL_BATCH)
            .map(|(delivery, event)| Job::Event(delivery, Box::new(event), Vec::new()))
            .collect();
        stored += batch::commit(&mut conn, &mut cache, jobs)?.0.len();
    }
    Ok(stored)
}

/// Events per transaction of [`fill`].
const FILL_BATCH: usize = 10_000;
