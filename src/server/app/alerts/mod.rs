//! Alerts and the side effects of committed events: rules evaluated on every
//! event from a durable cursor (`runner`), timed rules on a clock (`timed`),
//! and the live notices that tell open pages an alert opened.

pub mod condition;
mod cursor;
pub mod evaluate;
pub mod filter;
mod replay;
mod runner;
mod tally;
mod timed;

use std::sync::Arc;

use tokio::sync::{broadcast, Notify};

use crate::model::AlertNotice;
use crate::server::app::live::to_json;
use crate::server::store;
use crate::server::store::Store;

use crate::server::store::prelude::*;
pub use replay::{replay, ReplayFrom};
pub use runner::{spawn, Runner};

/// Tells open pages about alerts: each message is an [`AlertNotice`] as JSON.
#[derive(Clone)]
pub struct AlertHub {
    sender: broadcast::Sender<Arc<str>>,
    /// Woken when rows are added to the outbox, so they go out at once.
    pub outbox: Arc<Notify>,
}

impl Default for AlertHub {
    fn default() -> Self {
        AlertHub {
            sender: broadcast::channel(256).0,
            outbox: Arc::default(),
        }
    }
}

impl AlertHub {
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<str>> {
        self.sender.subscribe()
    }

    /// Sends the open count now, with each alert in `opened` (or once
    /// without one, when an alert changed state).
    pub async fn announce(&self, store: &Store, opened: &[i64]) -> Result<(), store::Error> {
        if self.sender.receiver_count() == 0 {
            return Ok(());
        }
        let open = store.open_alerts().await?;
        if opened.is_empty() {
            let _ = self
                .sender
                .send(to_json(&AlertNotice { open, opened: None }));
        }
        for id in opened {
            if let Some(alert) = store.alert(*id).await? {
                let _ = self.sender.send(to_json(&AlertNotice {
                    open,
                    opened: Some(alert),
                }));
            }
        }
        Ok(())
    }
}
