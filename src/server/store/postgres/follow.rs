//! Live fan-out across instances. Every batch any instance commits sends
//! a notification carrying only its newest event id; each instance's
//! follower then reads the events after its own cursor, in id order, and
//! publishes them to its browsers. A notification lost (a dropped
//! connection, an instance busy) loses nothing: the follower also looks
//! every [`POLL`] and after reconnecting, and its cursor, not the
//! notification, says what is new, as `Last-Event-ID` does for a browser.
//! It reads only up to the horizon (`horizon.rs`): an event of a batch
//! still in flight on another instance holds back those after it, which
//! are published in order once it commits.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::{watch, Notify};

use super::horizon::horizon;
use crate::model::{CallSummary, LiveUpdate, TimelineItem};
use crate::server::store::job::Publish;
use crate::server::store::portable::IdSequence;
use crate::server::store::rows::{EventRow, CALL_COLUMNS, EVENT_COLUMNS};

/// The channel commits are announced on.
pub(super) const CHANNEL: &str = "calltrail_events";
/// How often the follower looks without being told.
const POLL: Duration = Duration::from_secs(1);
/// Events read and published at a time.
const PAGE: i64 = 500;

/// Handle to this instance's follower; cheap to clone.
#[derive(Clone)]
pub(super) struct Follower {
    wake: Arc<Notify>,
    stop: Arc<watch::Sender<bool>>,
    done: watch::Receiver<()>,
}

impl Follower {
    /// Starts following from the newest event stored now.
    pub(super) async fn start(pool: &PgPool, publish: Publish) -> Result<Self, sqlx::Error> {
        let cursor = latest_event_id(pool).await?;
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        let wake = Arc::new(Notify::new());
        let (stop, mut stopping) = watch::channel(false);
        let (done_tx, done) = watch::channel(());
        let mut task = Task {
            pool: pool.clone(),
            publish,
            cursor,
        };
        let woken = wake.clone();
        tokio::spawn(async move {
            let _done = done_tx;
            loop {
                let failed = tokio::select! {
                    biased;
                    _ = stopping.wait_for(|s| *s) => break,
                    told = listener.try_recv() => match told {
                        // Published already: this instance's own batch, read when poked.
                        Ok(Some(n)) if n.payload().parse().is_ok_and(|id: i64| id <= task.cursor) => {
                            continue
                        }
                        // `None`: the connection dropped; the next call reconnects.
                        Ok(_) => false,
                        Err(e) => {
                            tracing::warn!(error = %e, "listening for new events failed; retrying");
                            true
                        }
                    },
                    _ = woken.notified() => false,
                    _ = tokio::time::sleep(POLL) => false,
                };
                if failed {
                    tokio::time::sleep(POLL).await;
                }
                if let Err(e) = task.catch_up().await {
                    tracing::warn!(error = %e, "reading new events failed; retrying");
                }
            }
            // Whatever committed before the store closed is published.
            let _ = task.catch_up().await;
        });
        Ok(Follower {
            wake,
            stop: Arc::new(stop),
            done,
        })
    }

    /// This instance committed a batch: look now rather than wait for the
    /// notification's round trip.
    pub(super) fn poke(&self) {
        self.wake.notify_one();
    }

    /// Stops following, once what is committed is published.
    pub(super) async fn stop(&self) {
        let _ = self.stop.send(true);
        let mut done = self.done.clone();
        while done.changed().await.is_ok() {}
    }
}

struct Task {
    pool: PgPool,
    publish: Publish,
    /// The newest event id published.
    cursor: i64,
}

impl Task {
    /// Publishes every event committed after the cursor, in id order, each
    /// with its call's row as it stands now.
    async fn catch_up(&mut self) -> Result<(), sqlx::Error> {
        loop {
            let upto = horizon(&self.pool, IdSequence::Events).await?;
            let rows: Vec<EventRow> = sqlx::query_as(&format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE id > $1 AND id <= $3 ORDER BY id LIMIT $2"
            ))
            .bind(self.cursor)
            .bind(PAGE)
            .bind(upto)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last().map(|r| r.id) else {
                return Ok(());
            };
            let items: Vec<TimelineItem> = rows.into_iter().map(TimelineItem::from).collect();
            let mut ids: Vec<&str> = items.iter().map(|i| i.call_id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            let calls: Vec<CallSummary> = sqlx::query_as(&format!(
                "SELECT {CALL_COLUMNS} FROM calls WHERE call_id = ANY($1)"
            ))
            .bind(&ids)
            .fetch_all(&self.pool)
            .await?;
            let updates = items
                .into_iter()
                .filter_map(|item| {
                    // A call deleted since (retention) has nothing to show.
                    let call = calls.iter().find(|c| c.call_id == item.call_id)?.clone();
                    Some(LiveUpdate { item, call })
                })
                .collect::<Vec<_>>();
            self.cursor = last;
            if !updates.is_empty() {
                (self.publish)(updates);
            }
        }
    }
}

/// The newest event id stored up to the horizon.
pub(super) async fn latest_event_id(pool: &PgPool) -> Result<i64, sqlx::Error> {
    let upto = horizon(pool, IdSequence::Events).await?;
    sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events WHERE id <= $1")
        .bind(upto)
        .fetch_one(pool)
        .await
}
