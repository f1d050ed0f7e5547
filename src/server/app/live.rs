//! The live hub: committed updates fan out to whoever follows them (the
//! SSE streams in `http::live`, the alert and metrics runners).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::{broadcast, watch};

use crate::model::LiveUpdate;

/// Updates a subscriber may fall behind by before it is caught up from SQLite.
const CAPACITY: usize = 4096;

/// A committed update as the streams send it: its item bounded as a page
/// shows it ([`LiveUpdate::shown`]), so the channels' buffers (up to
/// [`CAPACITY`] updates each) keep kilobytes an update rather than bodies of
/// up to 1 MiB; serialized at most once per form, however many subscribers
/// forward it.
pub struct Published {
    pub update: LiveUpdate,
    full: OnceLock<Arc<str>>,
    summary: OnceLock<Arc<str>>,
}

impl Published {
    fn new(update: LiveUpdate) -> Self {
        Published {
            update: update.shown(),
            full: OnceLock::new(),
            summary: OnceLock::new(),
        }
    }

    /// The whole update (item and call summary), for a call's page.
    pub fn full_json(&self) -> Arc<str> {
        self.full.get_or_init(|| to_json(&self.update)).clone()
    }

    /// The call summary only, for the calls list.
    pub fn summary_json(&self) -> Arc<str> {
        self.summary
            .get_or_init(|| to_json(&self.update.call))
            .clone()
    }
}

/// `value` as JSON, as the streams send it (`null`, logged, if it cannot be).
pub fn to_json<T: serde::Serialize>(value: &T) -> Arc<str> {
    serde_json::to_string(value)
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "could not serialize a live update");
            "null".to_string()
        })
        .into()
}

type Channel = broadcast::Sender<Arc<Published>>;

/// Fans committed updates out: every update to the calls list's channel, and
/// each call's updates only to the channel of that call, which exists while
/// someone watches it. A page watching one call never wakes for the others.
#[derive(Clone)]
pub struct Hub {
    all: Channel,
    /// Ids of calls whose review (notes, flags, verdicts) changed.
    reviews: broadcast::Sender<Arc<str>>,
    calls: Arc<Mutex<HashMap<String, Channel>>>,
    capacity: usize,
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
        let (all, _) = broadcast::channel(capacity);
        let (reviews, _) = broadcast::channel(capacity);
        Hub {
            all,
            reviews,
            calls: Arc::default(),
            capacity,
            shutdown,
        }
    }

    /// Publishes committed updates, in commit order.
    pub fn publish(&self, updates: Vec<LiveUpdate>) {
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        for update in updates {
            let update = Arc::new(Published::new(update));
            if let Some(channel) = calls.get(&update.update.item.call_id) {
                if channel.send(update.clone()).is_err() {
                    // Its last watcher left.
                    calls.remove(&update.update.item.call_id);
                }
            }
            // No subscriber is not an error: nobody is watching.
            let _ = self.all.send(update);
        }
    }

    /// The callback the store's writer calls after each commit.
    pub fn publisher(&self) -> crate::server::store::Publish {
        let hub = self.clone();
        Arc::new(move |updates| hub.publish(updates))
    }

    /// Says that call `call_id`'s review changed (its page's streams then
    /// send the review as it is now).
    pub fn review_changed(&self, call_id: &str) {
        // No subscriber is not an error: nobody is watching.
        let _ = self.reviews.send(call_id.into());
    }

    /// Ids of calls whose review changed.
    pub fn subscribe_reviews(&self) -> broadcast::Receiver<Arc<str>> {
        self.reviews.subscribe()
    }

    /// Every update (the calls list).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Published>> {
        self.all.subscribe()
    }

    /// One call's updates only.
    pub fn subscribe_call(&self, call_id: &str) -> broadcast::Receiver<Arc<Published>> {
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        calls.retain(|_, channel| channel.receiver_count() > 0);
        calls
            .entry(call_id.to_string())
            .or_insert_with(|| broadcast::channel(self.capacity).0)
            .subscribe()
    }

    /// Calls with a channel now (watched, or not yet noticed as unwatched).
    pub fn watched_calls(&self) -> usize {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Resolves when the server is shutting down.
    pub async fn stopping(&self) {
        let mut shutdown = self.shutdown.clone();
        let _ = shutdown.wait_for(|stop| *stop).await;
    }
}
