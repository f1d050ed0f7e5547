//! The writer's queue, the same for both backends: ingest hands the
//! [`Writer`] deliveries and waits until they are committed; the backend's
//! writer takes them from the [`Intake`] in batches (group commit), commits
//! each batch in one transaction and answers every waiter.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot, watch};

use super::job::{Job, NewDelivery, NewEvent, Reply, Stored, WriteError};
use super::{now_ms, Store};

/// Deliveries waiting for the writer before senders wait for room.
const QUEUE: usize = 4096;
/// Most deliveries committed in one transaction.
const MAX_BATCH: usize = 512;
/// A batch this large means webhooks are queueing for the writer: ingest
/// is saturated for [`BUSY_FOR_MS`] after it.
pub(super) const BUSY_BATCH: usize = 8;
const BUSY_FOR_MS: i64 = 250;

/// Handle to the writer; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<(Job, Reply)>,
    /// Closes when the writer has ended and its connection is closed.
    running: watch::Receiver<()>,
    stop: Arc<watch::Sender<bool>>,
    /// Until when (epoch ms) ingest counts as saturated: see [`Writer::saturated`].
    busy_until: Arc<AtomicI64>,
}

/// The writer's side of the queue.
pub(super) struct Intake {
    rx: mpsc::Receiver<(Job, Reply)>,
    stop: watch::Receiver<bool>,
    busy_until: Arc<AtomicI64>,
    /// Dropped when the writer ends, however it ends: [`Writer::stopped`].
    _running: watch::Sender<()>,
}

/// Jobs taken together, and where each one's result goes.
pub(super) struct Batch {
    pub jobs: Vec<Job>,
    replies: Vec<Reply>,
    started: Instant,
}

impl Writer {
    /// A queue: the handle, and the intake the backend's writer drains.
    pub(super) fn queue() -> (Writer, Intake) {
        let (queue, rx) = mpsc::channel(QUEUE);
        let (running_tx, running) = watch::channel(());
        let (stop, stop_rx) = watch::channel(false);
        let busy_until = Arc::new(AtomicI64::new(0));
        let writer = Writer {
            queue,
            running,
            stop: Arc::new(stop),
            busy_until: busy_until.clone(),
        };
        let intake = Intake {
            rx,
            stop: stop_rx,
            busy_until,
            _running: running_tx,
        };
        (writer, intake)
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

    /// False once the writer has ended: nothing can be stored any more.
    pub fn is_running(&self) -> bool {
        !self.queue.is_closed()
    }

    /// Ends the writer once what is queued now has been committed, and
    /// resolves when its connection to the database is closed.
    pub(super) async fn stop(&self) {
        let _ = self.stop.send(true);
        self.stopped().await;
    }

    /// Resolves once the writer has ended and its connection is closed.
    pub async fn stopped(&self) {
        let mut running = self.running.clone();
        while running.changed().await.is_ok() {}
    }

    /// True while webhooks arrive faster than one at a time: the writer
    /// recently committed a batch of [`BUSY_BATCH`] or more. Work that can
    /// wait (forwarding) then waits, so acknowledging comes first.
    pub fn saturated(&self) -> bool {
        self.busy_until.load(Ordering::Relaxed) > now_ms()
    }

    /// Deliveries waiting for the writer now.
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

impl Intake {
    /// Waits for work, then takes everything queued (up to a batch); `None`
    /// once every [`Writer`] is gone or the writer was asked to stop. Work
    /// that arrives during a commit forms the next batch, so batches grow
    /// with the load whatever the speed of the rest of the request path.
    pub(super) async fn next(&mut self) -> Option<Batch> {
        let first = tokio::select! {
            biased;
            job = self.rx.recv() => job?,
            _ = self.stop.wait_for(|stop| *stop) => return None,
        };
        let mut taken = vec![first];
        while taken.len() < MAX_BATCH {
            match self.rx.try_recv() {
                Ok(queued) => taken.push(queued),
                Err(_) => break,
            }
        }
        if taken.len() >= BUSY_BATCH {
            self.busy_until
                .store(now_ms() + BUSY_FOR_MS, Ordering::Relaxed);
        }
        let (jobs, replies) = taken.into_iter().unzip();
        Some(Batch {
            jobs,
            replies,
            started: Instant::now(),
        })
    }
}

impl Batch {
    /// Answers every waiter: with what became of its job once the batch
    /// committed, else with why it did not.
    pub(super) fn answer<E>(self, committed: Result<Vec<Stored>, E>)
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        match committed {
            Ok(results) => {
                observed(&results, self.started.elapsed());
                for (reply, result) in self.replies.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "write batch failed");
                self.refuse(WriteError::Database(Arc::new(e)));
            }
        }
    }

    /// Answers each waiter with what became of its own job, written on its
    /// own after the batch as a whole failed.
    pub(super) fn answer_each<E>(self, results: Vec<Result<Stored, E>>)
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        let stored: Vec<Stored> = results
            .iter()
            .filter_map(|r| r.as_ref().ok().cloned())
            .collect();
        observed(&stored, self.started.elapsed());
        for (reply, result) in self.replies.into_iter().zip(results) {
            let _ = reply.send(result.map_err(|e| {
                tracing::error!(error = %e, "a delivery could not be written");
                WriteError::Database(Arc::new(e))
            }));
        }
    }

    /// Answers every waiter with `error`: the batch was not written.
    pub(super) fn refuse(self, error: WriteError) {
        for reply in self.replies {
            let _ = reply.send(Err(error.clone()));
        }
    }
}

impl Store {
    pub fn writer(&self) -> &Writer {
        match self {
            Store::Sqlite(s) => s.writer(),
            Store::Postgres(p) => p.writer(),
        }
    }

    /// Closes every connection to the database: the writer's, once what is
    /// queued has committed, then the pools'.
    pub async fn close(&self) {
        match self {
            Store::Sqlite(s) => s.close().await,
            Store::Postgres(p) => p.close().await,
        }
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        match self {
            Store::Sqlite(s) => s.ping().await,
            Store::Postgres(p) => p.ping().await,
        }
    }

    /// Ok when the database would take a write now, writing nothing.
    pub async fn check_writable(&self) -> Result<(), sqlx::Error> {
        match self {
            Store::Sqlite(s) => s.check_writable().await,
            Store::Postgres(p) => p.check_writable().await,
        }
    }
}

/// What is told of every commit: the results stored and how long the batch
/// took (the Prometheus recorder counts them; the store knows nothing of it).
pub type CommitObserver = fn(&[Stored], Duration);

static OBSERVER: OnceLock<CommitObserver> = OnceLock::new();

/// Sets the observer told of every commit, in this process, once; later
/// calls change nothing.
pub fn observe_commits(observer: CommitObserver) {
    let _ = OBSERVER.set(observer);
}

fn observed(batch: &[Stored], took: Duration) {
    if let Some(observer) = OBSERVER.get() {
        observer(batch, took);
    }
}
