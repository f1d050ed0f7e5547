//! The single writer: ingest hands it deliveries and waits for their commit.
//! It drains whatever is queued into one transaction (group commit), so many
//! concurrent webhooks cost one fsync, and publishes what it stored only after
//! the commit.

use std::sync::Arc;
use std::time::Instant;

use sqlx::{Sqlite, SqlitePool, Transaction};
use tokio::sync::{mpsc, oneshot};

use super::calls::{CallCache, CallsRemoved};
use crate::model::{DeliveryOutcome, EventDetail, LiveUpdate, TimelineItem};
use crate::server::metrics;

/// Most deliveries committed in one transaction.
const MAX_BATCH: usize = 512;
/// Deliveries waiting for the writer before senders wait for room.
const QUEUE: usize = 4096;

/// Called after each commit with the stored events, in commit order.
pub type Publish = Arc<dyn Fn(Vec<LiveUpdate>) + Send + Sync>;

/// The request as received, for the delivery log.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub received_at: i64,
    pub source: String,
    pub remote_addr: Option<String>,
    pub content_type: Option<String>,
    pub webhook_id: Option<String>,
    pub body: Vec<u8>,
    pub body_truncated: bool,
}

/// An event ready to store.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub call_id: String,
    pub occurred_at: i64,
    pub seconds_from_start: Option<f64>,
    pub dedup_key: String,
    pub detail: EventDetail,
    pub raw: String,
}

/// What the writer did with a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    Accepted { delivery_id: i64, event_id: i64 },
    Duplicate { delivery_id: i64, event_id: i64 },
    Rejected { delivery_id: i64 },
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the database could not take the write: {0}")]
    Database(#[from] sqlx::Error),
    #[error("the writer has stopped")]
    Stopped,
}

enum Job {
    Event(NewDelivery, Box<NewEvent>),
    Rejected {
        delivery: NewDelivery,
        status: u16,
        error: String,
        detail: String,
    },
}

type Reply = oneshot::Sender<Result<Stored, Arc<sqlx::Error>>>;

/// Handle to the writer task; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<(Job, Reply)>,
    /// Retention tells the writer through this that cached call rows went.
    calls_removed: CallsRemoved,
}

impl Writer {
    pub fn spawn(pool: SqlitePool, publish: Publish) -> Self {
        let (queue, rx) = mpsc::channel(QUEUE);
        let calls_removed = CallsRemoved::default();
        tokio::spawn(run(pool, rx, publish, CallCache::new(&calls_removed)));
        Writer {
            queue,
            calls_removed,
        }
    }

    /// Retention deleted or changed call rows; called inside that
    /// transaction, before it commits.
    pub(super) fn calls_removed(&self) {
        self.calls_removed.mark();
    }

    /// Stores the event (unless it is a repeat) and logs the delivery; returns
    /// once both are committed.
    pub async fn store_event(
        &self,
        delivery: NewDelivery,
        event: NewEvent,
    ) -> Result<Stored, WriteError> {
        self.submit(Job::Event(delivery, Box::new(event))).await
    }

    /// Logs a delivery that was refused, with why.
    pub async fn store_rejected(
        &self,
        delivery: NewDelivery,
        status: u16,
        error: &str,
        detail: &str,
    ) -> Result<Stored, WriteError> {
        self.submit(Job::Rejected {
            delivery,
            status,
            error: error.to_string(),
            detail: detail.to_string(),
        })
        .await
    }

    /// False once the writer task has ended: nothing can be stored any more.
    pub fn is_running(&self) -> bool {
        !self.queue.is_closed()
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
        match rx.await {
            Ok(Ok(stored)) => Ok(stored),
            Ok(Err(e)) => Err(WriteError::Database(clone_error(&e))),
            Err(_) => Err(WriteError::Stopped),
        }
    }
}

/// sqlx errors are not `Clone`; a batch failure is reported to every waiter.
fn clone_error(e: &sqlx::Error) -> sqlx::Error {
    sqlx::Error::Protocol(e.to_string())
}

async fn run(
    pool: SqlitePool,
    mut rx: mpsc::Receiver<(Job, Reply)>,
    publish: Publish,
    mut calls: CallCache,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (jobs, replies): (Vec<Job>, Vec<Reply>) = batch.drain(..).unzip();
        let started = Instant::now();
        match commit(&pool, &mut calls, jobs).await {
            Ok((results, updates)) => {
                metrics::batch_committed(&results, started.elapsed());
                if !updates.is_empty() {
                    publish(updates);
                }
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
            }
            Err(e) => {
                // Rolled back: the cached rows may hold what was not committed.
                calls.clear();
                tracing::error!(error = %e, "write batch failed");
                let e = Arc::new(e);
                for reply in replies {
                    let _ = reply.send(Err(e.clone()));
                }
                // A closed pool never opens again: stop, so senders and
                // readiness learn the writer is gone.
                if pool.is_closed() {
                    tracing::error!("the database pool is closed; the writer stops");
                    return;
                }
            }
        }
    }
}

async fn commit(
    pool: &SqlitePool,
    calls: &mut CallCache,
    jobs: Vec<Job>,
) -> Result<(Vec<Stored>, Vec<LiveUpdate>), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
    // Holding the write lock, no retention transaction is in flight.
    calls.forget_removed();
    let mut results = Vec::with_capacity(jobs.len());
    let mut updates = Vec::new();
    for job in jobs {
        let stored = match job {
            Job::Event(delivery, event) => {
                let (stored, update) = write_event(&mut tx, calls, delivery, *event).await?;
                updates.extend(update);
                stored
            }
            Job::Rejected {
                delivery,
                status,
                error,
                detail,
            } => {
                let log = DeliveryLog {
                    outcome: DeliveryOutcome::Rejected,
                    status,
                    error: Some(&error),
                    detail: Some(&detail),
                    call_id: None,
                    event_id: None,
                };
                let delivery_id = insert_delivery(&mut tx, &delivery, log).await?;
                Stored::Rejected { delivery_id }
            }
        };
        results.push(stored);
    }
    tx.commit().await?;
    Ok((results, updates))
}

async fn write_event(
    tx: &mut Transaction<'_, Sqlite>,
    calls: &mut CallCache,
    delivery: NewDelivery,
    event: NewEvent,
) -> Result<(Stored, Option<LiveUpdate>), sqlx::Error> {
    let normalized =
        serde_json::to_string(&event.detail).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO events (call_id, source, kind, occurred_at, seconds_from_start, received_at, dedup_key, normalized, raw)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (dedup_key) DO NOTHING
         RETURNING id",
    )
    .bind(&event.call_id)
    .bind(&delivery.source)
    .bind(event.detail.kind())
    .bind(event.occurred_at)
    .bind(event.seconds_from_start)
    .bind(delivery.received_at)
    .bind(&event.dedup_key)
    .bind(&normalized)
    .bind(&event.raw)
    .fetch_optional(&mut **tx)
    .await?;

    let Some(event_id) = inserted else {
        let existing: i64 = sqlx::query_scalar("SELECT id FROM events WHERE dedup_key = ?")
            .bind(&event.dedup_key)
            .fetch_one(&mut **tx)
            .await?;
        let log = DeliveryLog::ok(DeliveryOutcome::Duplicate, &event.call_id, existing);
        let delivery_id = insert_delivery(tx, &delivery, log).await?;
        return Ok((
            Stored::Duplicate {
                delivery_id,
                event_id: existing,
            },
            None,
        ));
    };

    let item = TimelineItem {
        id: event_id,
        call_id: event.call_id,
        occurred_at: event.occurred_at,
        seconds_from_start: event.seconds_from_start,
        received_at: delivery.received_at,
        detail: event.detail,
        raw: event.raw,
    };
    let call = super::calls::apply_event(tx, calls, &delivery.source, &item).await?;
    let log = DeliveryLog::ok(DeliveryOutcome::Accepted, &item.call_id, event_id);
    let delivery_id = insert_delivery(tx, &delivery, log).await?;
    Ok((
        Stored::Accepted {
            delivery_id,
            event_id,
        },
        Some(LiveUpdate { item, call }),
    ))
}

/// How a delivery ended, for its log row.
struct DeliveryLog<'a> {
    outcome: DeliveryOutcome,
    status: u16,
    error: Option<&'a str>,
    detail: Option<&'a str>,
    call_id: Option<&'a str>,
    event_id: Option<i64>,
}

impl<'a> DeliveryLog<'a> {
    fn ok(outcome: DeliveryOutcome, call_id: &'a str, event_id: i64) -> Self {
        DeliveryLog {
            outcome,
            status: 200,
            error: None,
            detail: None,
            call_id: Some(call_id),
            event_id: Some(event_id),
        }
    }
}

async fn insert_delivery(
    tx: &mut Transaction<'_, Sqlite>,
    d: &NewDelivery,
    log: DeliveryLog<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO deliveries (received_at, source, remote_addr, content_type, webhook_id, outcome,
                                 http_status, error, detail, call_id, event_id, body, body_truncated)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         RETURNING id",
    )
    .bind(d.received_at)
    .bind(&d.source)
    .bind(&d.remote_addr)
    .bind(&d.content_type)
    .bind(&d.webhook_id)
    .bind(log.outcome.as_str())
    .bind(log.status as i64)
    .bind(log.error)
    .bind(log.detail)
    .bind(log.call_id)
    .bind(log.event_id)
    .bind(&d.body)
    .bind(d.body_truncated)
    .fetch_one(&mut **tx)
    .await
}
