//! Live updates: committed events are published to a hub, and browsers follow
//! them over Server-Sent Events. A stream that falls behind, or reconnects with
//! `Last-Event-ID`, is caught up from the database, so nothing is skipped.

mod sse;

use std::sync::Arc;

use tokio::sync::{broadcast, watch};

use crate::model::LiveUpdate;

pub use sse::{call_stream, calls_stream};

/// Updates a subscriber may fall behind by before it is caught up from SQLite.
const CAPACITY: usize = 4096;

#[derive(Clone)]
pub struct Hub {
    updates: broadcast::Sender<Arc<LiveUpdate>>,
    shutdown: watch::Receiver<bool>,
}

impl Hub {
    /// A hub whose streams end when `shutdown` turns true.
    pub fn new(shutdown: watch::Receiver<bool>) -> Self {
        Self::with_capacity(shutdown, CAPACITY)
    }

    /// A hub that keeps `capacity` updates for slow subscribers (tests use a
    /// small one to make subscribers fall behind).
    pub fn with_capacity(shutdown: watch::Receiver<bool>, capacity: usize) -> Self {
        let (updates, _) = broadcast::channel(capacity);
        Hub { updates, shutdown }
    }

    /// Publishes committed updates, in commit order.
    pub fn publish(&self, updates: Vec<LiveUpdate>) {
        for update in updates {
            // No subscriber is not an error: nobody is watching.
            let _ = self.updates.send(Arc::new(update));
        }
    }

    /// The callback the store's writer calls after each commit.
    pub fn publisher(&self) -> crate::server::store::Publish {
        let hub = self.clone();
        Arc::new(move |updates| hub.publish(updates))
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<LiveUpdate>> {
        self.updates.subscribe()
    }

    /// Resolves when the server is shutting down.
    pub async fn stopping(&self) {
        let mut shutdown = self.shutdown.clone();
        let _ = shutdown.wait_for(|stop| *stop).await;
    }
}
