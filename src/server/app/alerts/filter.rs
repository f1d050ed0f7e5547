//! Which events a forwarding destination takes: its kinds (calltrail's,
//! the same on every platform; all when none are named) and its optional
//! condition.

use serde_json::Value;

use super::condition::Compiled;
use crate::model::TimelineItem;
use crate::server::store;
use crate::server::store::automation::Destination;
use crate::server::store::prelude::*;
use crate::server::store::Store;

/// A destination ready to filter events.
pub struct Filter {
    pub destination: Destination,
    condition: Option<Compiled>,
}

impl Filter {
    /// `None` when the destination's stored condition does not compile.
    pub fn new(destination: Destination) -> Option<Self> {
        let condition = match destination.condition.as_ref().map(Compiled::new) {
            Some(Err(e)) => {
                tracing::warn!(destination = %destination.name, error = %e, "skipping a destination");
                return None;
            }
            Some(Ok(c)) => Some(c),
            None => None,
        };
        Some(Filter {
            destination,
            condition,
        })
    }

    /// Every destination's filter.
    pub async fn load(store: &Store) -> Result<Vec<Filter>, store::Error> {
        Ok(store
            .destinations()
            .await?
            .into_iter()
            .filter_map(Filter::new)
            .collect())
    }

    /// Whether filtering reads an event's stored body: any condition may
    /// (a field of its JSON, or the text of an event calltrail does not
    /// understand).
    pub fn reads_raw(&self) -> bool {
        self.condition.is_some()
    }

    pub fn needs_body(&self) -> bool {
        self.condition.as_ref().is_some_and(Compiled::needs_body)
    }

    pub fn passes(&self, item: &TimelineItem, body: &Value) -> bool {
        let d = &self.destination;
        (d.events.is_empty() || d.events.iter().any(|t| item.detail.forwarded_as(t)))
            && self.condition.as_ref().is_none_or(|c| c.holds(item, body))
    }
}
