//! Logging what the refusal limiter counted: one `rate limited` row per
//! sender and window, written when the sender's next window starts and by a
//! periodic flush, with a last flush at shutdown, so no count is lost when a
//! flood stops.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::refusal_limit::{RefusalLimiter, Summary};
use crate::model::format::datetime;
use crate::server::store::{now_ms, NewDelivery, Store};

/// How often ended windows are looked for.
const FLUSH_EVERY: Duration = Duration::from_secs(10);
/// The `error` of a summary row.
pub const RATE_LIMITED: &str = "rate limited";

/// Writes one summary row; a failure is logged with the count it held.
pub async fn write(store: &Store, summary: Summary) {
    let detail = format!(
        "{} more refused deliveries from {} between {} and {} were counted, not stored",
        summary.counted,
        summary.sender,
        datetime(summary.first_at),
        datetime(summary.last_at),
    );
    let delivery = NewDelivery {
        received_at: summary.last_at,
        // Counted refusals may have come on any platform's route.
        source: "webhooks".to_string(),
        remote_addr: summary.sender.remote_addr(),
        content_type: None,
        webhook_id: None,
        body: Vec::new(),
        body_truncated: false,
        http_status: summary.status,
    };
    let logged = store
        .writer()
        .store_rejected(delivery, RATE_LIMITED, &detail)
        .await;
    if let Err(e) = logged {
        tracing::error!(error = %e, %detail, "could not log a summary of refused deliveries");
    }
}

impl RefusalLimiter {
    /// Logs the windows that have ended by now.
    pub async fn flush_ended(&self, store: &Store) {
        for summary in self.take_ended(now_ms()) {
            write(store, summary).await;
        }
    }

    /// Logs every window's count so far and forgets them all.
    pub async fn flush_all(&self, store: &Store) {
        for summary in self.take_all() {
            write(store, summary).await;
        }
    }
}

/// The periodic flush; [`RefusalFlush::finish`] stops it after a last flush.
pub struct RefusalFlush {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

/// Starts flushing `limiter`'s ended windows into `store`.
pub fn spawn_flush(limiter: Arc<RefusalLimiter>, store: Store) -> RefusalFlush {
    let (stop, mut stopped) = oneshot::channel();
    let task = tokio::spawn(async move {
        let mut every = tokio::time::interval(FLUSH_EVERY);
        loop {
            tokio::select! {
                _ = every.tick() => limiter.flush_ended(&store).await,
                _ = &mut stopped => break,
            }
        }
        limiter.flush_all(&store).await;
    });
    RefusalFlush { stop, task }
}

impl RefusalFlush {
    /// Call once no more requests are served: logs what is still counted.
    pub async fn finish(self) {
        let _ = self.stop.send(());
        if let Err(e) = self.task.await {
            tracing::error!(error = %e, "the refused-delivery flush failed");
        }
    }
}
