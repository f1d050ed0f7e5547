//! The metrics runner: follows the `metrics` cursor over committed events
//! and measures again each call that got new ones (from its whole timeline),
//! storing the measurements with the cursor's new position. It waits while
//! ingest is saturated (a webhook's answer comes first) and catches up
//! after; at start-up it measures whatever the cursor has not reached, every
//! stored call on the first start after the upgrade.

use std::time::Duration;

use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::model::metrics::{compute, CallMetrics};
use crate::server::live::Hub;
use crate::server::store::{Store, METRICS};

/// Events read per pass.
const BATCH: i64 = 5_000;
/// The shortest time between passes: a live call is measured again at most
/// this often, however many events it gets.
const GATHER: Duration = Duration::from_secs(1);

/// Starts the runner; it stops when `stopping` turns true.
pub fn spawn(store: Store, hub: &Hub, mut stopping: watch::Receiver<bool>) -> JoinHandle<()> {
    let mut commits = hub.subscribe();
    tokio::spawn(async move {
        loop {
            match catch_up(&store).await {
                Ok(()) => {}
                Err(e) => tracing::error!(error = %e, "measuring calls failed; retrying"),
            }
            tokio::select! {
                _ = async { let _ = stopping.wait_for(|stop| *stop).await; } => break,
                received = commits.recv() => {
                    if matches!(received, Err(broadcast::error::RecvError::Closed)) {
                        break;
                    }
                }
            }
            tokio::time::sleep(GATHER).await;
            while store.writer().saturated() {
                tokio::time::sleep(GATHER).await;
            }
            while commits.try_recv().is_ok() {}
        }
    })
}

/// Measures every call with events after the cursor.
pub async fn catch_up(store: &Store) -> Result<(), sqlx::Error> {
    loop {
        let position = store.cursor(METRICS).await?;
        let (calls, last, more) = store.calls_touched_after(position, BATCH).await?;
        let Some(last) = last else { return Ok(()) };
        let mut measured = Vec::with_capacity(calls.len());
        for call_id in calls {
            if let Some(metrics) = measure(store, &call_id).await? {
                measured.push((call_id, metrics));
            }
        }
        store.save_call_metrics(&measured, last).await?;
        if !more {
            return Ok(());
        }
    }
}

/// A call's metrics from its stored timeline (none when it is gone).
async fn measure(store: &Store, call_id: &str) -> Result<Option<CallMetrics>, sqlx::Error> {
    let Some(call) = store.call(call_id).await? else {
        return Ok(None);
    };
    let items = store.timeline(call_id).await?;
    Ok(Some(compute(&items, call.started_at, !call.is_live())))
}
