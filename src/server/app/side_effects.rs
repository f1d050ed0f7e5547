//! Where side effects run: the alert rules' runner, the metrics runner and
//! the outbox worker, on a thread of their own with its own runtime, at a
//! lower CPU priority than the rest of the server. A burst of webhooks is
//! acknowledged first; rules, metrics and forwards keep up when there is
//! room and catch up after (they follow durable cursors and an outbox, so
//! falling behind loses nothing).

use std::thread::JoinHandle;

use tokio::sync::watch;

use crate::server::app::live::Hub;
use crate::server::app::{alerts, call_metrics, outbound};
use crate::server::store::{Store, Work};

/// How much lower the side-effect thread's priority is (nice value).
const NICENESS: i32 = 10;

/// What the side effects work with.
pub struct SideEffects {
    pub store: Store,
    /// Committed updates, which the runners follow.
    pub hub: Hub,
    /// Live alert notices, and the outbox worker's wake-up.
    pub alerts: alerts::AlertHub,
    pub sender: outbound::Sender,
}

/// Starts the runner and the worker; the thread ends once `stopping` turns
/// true and both have stopped (the runner stores its cursor first).
pub fn start(
    effects: SideEffects,
    stopping: watch::Receiver<bool>,
) -> std::io::Result<JoinHandle<()>> {
    let SideEffects {
        store,
        hub,
        alerts: alerts_hub,
        sender,
    } = effects;
    std::thread::Builder::new()
        .name("calltrail-effects".into())
        .spawn(move || {
            lower_priority();
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(error = %e, "cannot start the side-effect runtime; alerts and forwarding are off");
                    return;
                }
            };
            runtime.block_on(async move {
                // One instance at a time runs them (see `store::lead`).
                while let Some(lead) = store.lead(Work::SideEffects, stopping.clone()).await {
                    let stop = lead.stop.clone();
                    let wake = alerts_hub.outbox.clone();
                    let runner =
                        alerts::spawn(store.clone(), &hub, alerts_hub.clone(), stop.clone());
                    let metrics = call_metrics::spawn(store.clone(), &hub, stop.clone());
                    let worker = outbound::spawn(store.clone(), sender.clone(), wake, stop);
                    let _ = tokio::join!(runner, metrics, worker);
                    // Stopped: now another instance may lead.
                    drop(lead);
                    if *stopping.borrow() {
                        break;
                    }
                }
            });
        })
}

fn lower_priority() {
    // On Linux the nice value belongs to the thread that sets it.
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::process::setpriority_process(None, NICENESS) {
        tracing::debug!(error = %e, "could not lower the side-effect thread's priority");
    }
}
