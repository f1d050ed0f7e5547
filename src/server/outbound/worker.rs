//! The outbox worker: takes due rows (the oldest pending row of each call per
//! destination, so each call's events arrive in order), sends many at once,
//! and records the attempts in batches.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch, Notify};
use tokio::task::JoinHandle;

use super::send::Sender;
use crate::server::store::outbox::Attempt;
use crate::server::store::{now_ms, Store};

/// Messages in flight at once.
const IN_FLIGHT: usize = 32;
/// The longest the worker sleeps without looking at the outbox.
const IDLE: Duration = Duration::from_millis(IDLE_MS as u64);
const IDLE_MS: i64 = 1000;
/// The shortest sleep between two looks.
const POLL_MS: i64 = 20;

/// Starts the worker; it stops when `stopping` turns true (attempts in
/// flight then are tried again after a restart: at least once).
pub fn spawn(
    store: Store,
    sender: Sender,
    wake: Arc<Notify>,
    mut stopping: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let (done_tx, mut done) = mpsc::channel::<Attempt>(IN_FLIGHT * 2);
        let mut busy: HashSet<i64> = HashSet::new();
        loop {
            if busy.len() < IN_FLIGHT {
                let ids: Vec<i64> = busy.iter().copied().collect();
                let room = (IN_FLIGHT - busy.len()) as i64;
                match store.due_outbox(now_ms(), room, &ids).await {
                    Ok(items) => {
                        for item in items {
                            busy.insert(item.id);
                            let sender = sender.clone();
                            let done_tx = done_tx.clone();
                            tokio::spawn(async move {
                                let _ = done_tx.send(sender.deliver(&item).await).await;
                            });
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "reading the outbox failed; retrying"),
                }
            }
            // Until the next row falls due; a due row that waits behind an
            // earlier one of its call is looked at again shortly, not in a spin.
            let sleep = match store.next_outbox_due().await {
                Ok(Some(at)) => {
                    Duration::from_millis((at - now_ms()).clamp(POLL_MS, IDLE_MS) as u64)
                }
                _ => IDLE,
            };
            tokio::select! {
                _ = async { let _ = stopping.wait_for(|stop| *stop).await; } => break,
                _ = wake.notified() => {}
                _ = tokio::time::sleep(sleep) => {}
                Some(first) = done.recv() => {
                    let mut attempts = vec![first];
                    while let Ok(more) = done.try_recv() {
                        attempts.push(more);
                    }
                    for a in &attempts {
                        busy.remove(&a.outbox_id);
                    }
                    if let Err(e) = store.record_attempts(&attempts).await {
                        // The rows stay pending and are sent again: at least once.
                        tracing::error!(error = %e, "recording send attempts failed");
                    }
                }
            }
        }
    })
}
