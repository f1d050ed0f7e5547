//! The single writer: ingest hands it deliveries and waits for their commit.
//! It runs on a thread of its own with its own SQLite connection (rusqlite,
//! on the same SQLite library as sqlx), drains whatever is queued into one
//! transaction (group commit), so many concurrent webhooks cost one fsync,
//! and publishes what it stored only after the commit.
//!
//! Why a thread and not sqlx: sqlx runs every statement on its own worker
//! thread and hands each one back and forth; at three statements per event
//! those hand-offs, not SQLite, bounded ingest (see the bench).

mod batch;
mod calls;
mod job;
mod thread;

use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot, watch};

pub use calls::CallsRemoved;
pub use job::{NewDelivery, NewEvent, Stored};

use crate::model::LiveUpdate;
use job::Job;

/// Deliveries waiting for the writer before senders wait for room.
const QUEUE: usize = 4096;

/// Called after each commit with the stored events, in commit order.
pub type Publish = Arc<dyn Fn(Vec<LiveUpdate>) + Send + Sync>;

/// Turns at SQLite's write lock: the writer thread holds it for each batch,
/// and background jobs on the `write` pool (retention, reclaiming space) for
/// each of their short transactions, so neither ever waits in SQLite's
/// busy handler, which sleeps in steps of milliseconds.
pub type WriteTurn = Arc<tokio::sync::Mutex<()>>;

#[derive(Debug, Clone, thiserror::Error)]
pub enum WriteError {
    #[error("the database could not take the write: {0}")]
    Database(Arc<rusqlite::Error>),
    #[error("the writer has stopped")]
    Stopped,
}

type Reply = oneshot::Sender<Result<Stored, WriteError>>;

/// Handle to the writer thread; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<(Job, Reply)>,
    /// Retention tells the writer through this that cached call rows went.
    calls_removed: CallsRemoved,
    /// Closes when the thread has ended and its connection is closed.
    running: watch::Receiver<()>,
    stop: Arc<watch::Sender<bool>>,
    /// Until when (epoch ms) ingest counts as saturated: see [`Writer::saturated`].
    busy_until: Arc<AtomicI64>,
}

impl Writer {
    /// Opens the writer's connection to the (migrated) database at `path`
    /// and starts its thread. The writer stops once `store` is closed.
    pub(super) fn spawn(
        path: &Path,
        store: SqlitePool,
        turn: WriteTurn,
        publish: Publish,
    ) -> std::io::Result<Self> {
        let conn = thread::open(path).map_err(std::io::Error::other)?;
        let (queue, rx) = mpsc::channel(QUEUE);
        let calls_removed = CallsRemoved::default();
        let (running_tx, running) = watch::channel(());
        let (stop, stop_rx) = watch::channel(false);
        let busy_until = Arc::new(AtomicI64::new(0));
        let state = thread::State {
            busy_until: busy_until.clone(),
            conn,
            store,
            turn,
            publish,
            calls: calls::CallCache::new(&calls_removed),
            stop: stop_rx,
            _running: running_tx,
        };
        std::thread::Builder::new()
            .name("calltrail-writer".into())
            .spawn(move || thread::run(state, rx))?;
        Ok(Writer {
            queue,
            calls_removed,
            running,
            stop: Arc::new(stop),
            busy_until,
        })
    }

    /// Retention deleted or changed call rows; called inside that
    /// transaction, before it commits.
    pub(in crate::server::store) fn calls_removed(&self) {
        self.calls_removed.mark();
    }

    /// Stores a delivery's events (each unless it is a repeat) and logs the
    /// delivery; returns once all are committed.
    pub async fn store_event(
        &self,
        delivery: NewDelivery,
        event: NewEvent,
        more: Vec<NewEvent>,
    ) -> Result<Stored, WriteError> {
        self.submit(Job::Event(delivery, Box::new(event), more))
            .await
    }

    /// Logs a delivery that was refused, with why (`error`, `detail`).
    pub async fn store_rejected(
        &self,
        delivery: NewDelivery,
        error: &str,
        detail: &str,
    ) -> Result<Stored, WriteError> {
        self.submit(Job::Rejected {
            delivery,
            error: error.to_string(),
            detail: detail.to_string(),
        })
        .await
    }

    /// False once the writer thread has ended: nothing can be stored any more.
    pub fn is_running(&self) -> bool {
        !self.queue.is_closed()
    }

    /// Ends the thread once what is queued now has been committed, and
    /// resolves when its connection to the database is closed.
    pub(in crate::server::store) async fn stop(&self) {
        let _ = self.stop.send(true);
        self.stopped().await;
    }

    /// Resolves once the thread has ended and its connection is closed.
    pub async fn stopped(&self) {
        let mut running = self.running.clone();
        while running.changed().await.is_ok() {}
    }

    /// Deliveries waiting for the writer now.
    /// True while webhooks arrive faster than one at a time: the writer
    /// recently committed a batch of [`thread::BUSY_BATCH`] or more. Work
    /// that can wait (forwarding) then waits, so acknowledging comes first.
    pub fn saturated(&self) -> bool {
        self.busy_until.load(Ordering::Relaxed) > crate::server::store::now_ms()
    }

    pub fn queued(&self) -> usize {
        self.queue.max_capacity() - self.queue.capacity()
    }

    async fn submit(&self, job: Job) -> Result<Stored, WriteError> {
        let (tx, rx) = oneshot::channel();
        self.queue
            .send((job, tx))
            .await
            .map_err(|_| WriteError::Stopped)?;
        rx.await.unwrap_or(Err(WriteError::Stopped))
    }
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
