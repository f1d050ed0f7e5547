//! What a call page shows: a window of its timeline, and an event's body.

use crate::model::clip::{self, BodyView};
use crate::model::{CallTimeline, TimelinePoint};
use crate::server::store::prelude::*;
use crate::server::store::{self, now_ms, Store};

/// Timeline items a call page shows at once; earlier ones are a link away.
pub const TIMELINE_WINDOW: usize = 200;
/// Events after the one a link points at that its window shows too.
const SHOWN_AFTER: usize = 10;

/// Where the window that shows event `event_id` ends (`?before=`), when
/// the newest window does not hold it: a link to an old event of a long
/// call (an alert's, a search hit's) opens where the event is in view,
/// with the events around it. `None` opens the newest window.
pub async fn window_holding(
    store: &Store,
    call_id: &str,
    event_id: i64,
) -> Result<Option<TimelinePoint>, store::Error> {
    let Some(after) = store
        .points_after(call_id, event_id, TIMELINE_WINDOW as i64)
        .await?
    else {
        return Ok(None);
    };
    if after.len() < TIMELINE_WINDOW {
        return Ok(None);
    }
    Ok(after.get(SHOWN_AFTER).copied())
}

/// Where the first window of a finished call ends (`?before=`), when it
/// has more events than a window holds: a long ended call opens at its
/// start, as a reviewer reads it. `None` opens the newest window.
pub async fn first_window(
    store: &Store,
    call_id: &str,
) -> Result<Option<TimelinePoint>, store::Error> {
    match store.call(call_id).await? {
        Some(call) if !call.is_live() => store.nth_point(call_id, TIMELINE_WINDOW as i64).await,
        _ => Ok(None),
    }
}

pub async fn call_timeline(
    store: &Store,
    call_id: &str,
    before: Option<TimelinePoint>,
    stale_after_ms: i64,
) -> Result<Option<CallTimeline>, store::Error> {
    let Some(call) = store.call(call_id).await? else {
        return Ok(None);
    };
    let mut items = store
        .timeline_window(call_id, before, TIMELINE_WINDOW as i64 + 1)
        .await?;
    let earlier = if items.len() > TIMELINE_WINDOW {
        items.remove(0);
        items.first().map(TimelinePoint::of)
    } else {
        None
    };
    // The newest id read, so the live stream resumes exactly after what is shown.
    let cursor = items
        .iter()
        .map(|i| i.id)
        .max()
        .unwrap_or(0)
        .max(call.last_event_id);
    let metrics = store.call_metrics(&[call_id]).await?.remove(call_id);
    Ok(Some(CallTimeline {
        call,
        items,
        earlier,
        before,
        cursor,
        now: now_ms(),
        stale_after_ms,
        metrics,
        raw: true,
        review: Default::default(),
        desk: Default::default(),
        shares: None,
        new_share: None,
    }))
}

/// An event's stored body as a timeline item's "raw JSON" shows it once
/// opened; `None` when there is no such event.
pub async fn event_body(store: &Store, event_id: i64) -> Result<Option<BodyView>, store::Error> {
    let raw = store.event_body(event_id).await?;
    Ok(raw.as_deref().map(clip::body))
}
