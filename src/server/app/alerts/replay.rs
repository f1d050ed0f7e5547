//! Replaying to a destination: a call's events, or every event since a
//! time, that pass its filter are queued again, marked as replays.

use serde_json::Value;

use super::filter::Filter;
use crate::server::store;
use crate::server::store::prelude::*;
use crate::server::store::{now_ms, Store};

/// The most events one replay queues.
pub const MAX_REPLAY: usize = 100_000;
const BATCH: i64 = 1000;

pub enum ReplayFrom {
    Call(String),
    /// Events that arrived at or after this time (epoch ms).
    Since(i64),
}

/// Queues the replay; returns how many events it queued (`None` when there
/// is no such destination).
pub async fn replay(
    store: &Store,
    destination_id: i64,
    from: ReplayFrom,
) -> Result<Option<u64>, store::Error> {
    let Some(filter) = store
        .destination(destination_id)
        .await?
        .and_then(Filter::new)
    else {
        return Ok(None);
    };
    let mut queued = 0;
    let pick = |items: Vec<crate::model::TimelineItem>| -> Vec<(i64, String)> {
        items
            .into_iter()
            .filter(|item| {
                let body: Value = serde_json::from_str(&item.raw).unwrap_or(Value::Null);
                filter.passes(item, &body)
            })
            .map(|item| (item.id, item.call_id))
            .collect()
    };
    match from {
        ReplayFrom::Call(call_id) => {
            let mut items = store.timeline(&call_id).await?;
            items.sort_by_key(|i| i.id);
            let events = pick(items);
            queued += store
                .queue_replay(destination_id, &events, now_ms())
                .await?;
        }
        ReplayFrom::Since(at) => {
            let mut after = store.event_id_before(at).await?;
            loop {
                let items = store.events_since(after, BATCH).await?;
                let Some(last) = items.last().map(|i| i.id) else {
                    break;
                };
                after = last;
                let full = items.len() as i64 == BATCH;
                let events = pick(items);
                queued += store
                    .queue_replay(destination_id, &events, now_ms())
                    .await?;
                if !full || queued as usize >= MAX_REPLAY {
                    break;
                }
            }
        }
    }
    Ok(Some(queued))
}
