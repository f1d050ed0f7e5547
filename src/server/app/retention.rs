//! The retention jobs: the delivery log and the calls kept within their
//! configured limits, now and every ten minutes, on one instance at a time.
//! What is deleted, and how gently, is the store's (`enforce_*`).

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::server::config::ServeConfig;
use crate::server::store::call_retention::{CallRetention, Purged, BATCH};
use crate::server::store::prelude::*;
use crate::server::store::retention::DeliveryRetention;
use crate::server::store::{now_ms, Store, Work};

/// How often the limits are enforced.
const EVERY: Duration = Duration::from_secs(10 * 60);

/// Deletes old deliveries and calls, on one instance at a time (see
/// `store::lead`), until the server stops.
pub fn spawn(store: Store, config: &ServeConfig, stopping: watch::Receiver<bool>) {
    let config = config.clone();
    tokio::spawn(async move {
        while let Some(lead) = store.lead(Work::Retention, stopping.clone()).await {
            let deliveries = spawn_delivery_retention(store.clone(), &config, lead.stop.clone());
            let calls = spawn_call_retention(store.clone(), &config, lead.stop.clone());
            let _ = tokio::join!(deliveries, calls);
            // Stopped: now another instance may lead.
            drop(lead);
        }
    });
}

/// The configured limits of the delivery log; 0 turns a limit off.
pub fn delivery_limits(config: &ServeConfig) -> DeliveryRetention {
    DeliveryRetention {
        max_age_days: Some(config.delivery_retention_days).filter(|d| *d > 0),
        max_rows: Some(config.delivery_max_rows).filter(|n| *n > 0),
    }
}

/// The configured limits of calls kept; 0 turns a limit off.
pub fn call_limits(config: &ServeConfig) -> CallRetention {
    CallRetention {
        max_age_days: Some(config.retention_days).filter(|d| *d > 0),
        max_events: Some(config.max_events).filter(|n| *n > 0),
        per_source: Vec::new(),
    }
}

/// Enforces the delivery log's limits now and every ten minutes, until the
/// server stops.
pub fn spawn_delivery_retention(
    store: Store,
    config: &ServeConfig,
    stopping: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let retention = delivery_limits(config);
    spawn_every(stopping, move || {
        let store = store.clone();
        async move {
            match store.enforce_delivery_retention(retention, now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "old deliveries deleted from the log"),
                Err(e) => tracing::warn!(error = %e, "could not delete old deliveries"),
            }
        }
    })
}

/// Enforces the call limits, then gives freed pages back, now and every ten
/// minutes until the server stops.
pub fn spawn_call_retention(
    store: Store,
    config: &ServeConfig,
    stopping: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let limits = call_limits(config);
    spawn_every(stopping, move || {
        let store = store.clone();
        let mut retention = limits.clone();
        async move {
            // Each source's own days, as an admin last set them.
            match store.source_retention().await {
                Ok(own) => retention.per_source = own,
                Err(e) => tracing::warn!(error = %e, "could not read the sources' retention"),
            }
            match store
                .enforce_call_retention(retention, now_ms(), BATCH)
                .await
            {
                Ok(p) if p == Purged::default() => {}
                Ok(p) => tracing::info!(
                    calls = p.calls,
                    events = p.events,
                    deliveries = p.deliveries,
                    "old calls deleted"
                ),
                Err(e) => tracing::warn!(error = %e, "could not delete old calls"),
            }
            match store.reclaim_free_pages().await {
                Ok(0) => {}
                Ok(pages) => tracing::info!(pages, "free pages given back to the file system"),
                Err(e) => tracing::warn!(error = %e, "could not give free pages back"),
            }
        }
    })
}

/// Runs `job` now and then every ten minutes, until the server stops.
fn spawn_every<F, Fut>(mut stopping: watch::Receiver<bool>, mut job: F) -> JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut every = tokio::time::interval(EVERY);
        loop {
            tokio::select! {
                _ = every.tick() => {}
                _ = stopping.wait_for(|s| *s) => return,
            }
            job().await;
        }
    })
}
