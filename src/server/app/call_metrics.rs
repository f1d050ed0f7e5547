//! The metrics runner: follows the `metrics` cursor over committed events
//! and measures again each call that got new ones (from its whole timeline,
//! once per pass however many events it got), storing the measurements and
//! then the cursor's new position. It waits while ingest is saturated (a
//! webhook's answer comes first) and catches up after; at start-up it
//! measures whatever the cursor has not reached, every stored call on the
//! first start after the upgrade. It stops between calls when the server
//! stops; what it had not stored is measured again at the next start.

use std::time::Duration;

use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::model::metrics::{compute, CallMetrics};
use crate::server::app::live::Hub;
use crate::server::store;
use crate::server::store::prelude::*;
use crate::server::store::{Store, METRICS};

/// Calls measured per transaction.
const CALLS_PER_SAVE: usize = 500;
/// The shortest time between passes: a live call is measured again at most
/// this often, however many events it gets.
const GATHER: Duration = Duration::from_secs(1);

/// Starts the runner; it stops when `stopping` turns true.
pub fn spawn(store: Store, hub: &Hub, mut stopping: watch::Receiver<bool>) -> JoinHandle<()> {
    let mut commits = hub.subscribe();
    tokio::spawn(async move {
        loop {
            if let Err(e) = catch_up_until(&store, &stopping).await {
                tracing::error!(error = %e, "measuring calls failed; retrying");
            }
            let stopped = async {
                let _ = stopping.wait_for(|stop| *stop).await;
            };
            tokio::select! {
                _ = stopped => break,
                received = commits.recv() => {
                    if matches!(received, Err(broadcast::error::RecvError::Closed)) {
                        break;
                    }
                }
            }
            // Gather what else commits, and let a burst of ingest pass.
            loop {
                tokio::time::sleep(GATHER).await;
                if *stopping.borrow() {
                    return;
                }
                if !store.writer().saturated() {
                    break;
                }
            }
            while commits.try_recv().is_ok() {}
        }
    })
}

/// Measures every call with events after the cursor.
pub async fn catch_up(store: &Store) -> Result<(), store::Error> {
    let (_never, running) = watch::channel(false);
    catch_up_until(store, &running).await
}

async fn catch_up_until(
    store: &Store,
    stopping: &watch::Receiver<bool>,
) -> Result<(), store::Error> {
    let position = store.cursor(METRICS).await?;
    let (calls, newest) = store.calls_touched_after(position).await?;
    let Some(newest) = newest else {
        return Ok(());
    };
    let chunks: Vec<&[String]> = calls.chunks(CALLS_PER_SAVE).collect();
    for (n, chunk) in chunks.iter().enumerate() {
        if *stopping.borrow() {
            return Ok(());
        }
        let mut measured = Vec::with_capacity(chunk.len());
        for call_id in *chunk {
            if let Some(metrics) = measure(store, call_id).await? {
                measured.push((call_id.clone(), metrics));
            }
        }
        // The cursor moves once every touched call is measured.
        let last = n + 1 == chunks.len();
        store
            .save_call_metrics(&measured, last.then_some(newest))
            .await?;
    }
    Ok(())
}

/// A call's metrics from its stored timeline (none when it is gone).
async fn measure(store: &Store, call_id: &str) -> Result<Option<CallMetrics>, store::Error> {
    let Some(call) = store.call(call_id).await? else {
        return Ok(None);
    };
    let items = store.timeline_to_measure(call_id).await?;
    Ok(Some(compute(&items, call.started_at, !call.is_live())))
}
