//! Loads one window of a call's timeline (`before` a place, or the one
//! holding event `at`, else the newest); `None` when the call is unknown.

use leptos::prelude::*;

use super::PageError;

use crate::model::clip::BodyView;
use crate::model::{CallTimeline, TimelinePoint};

#[server(endpoint = "load_call")]
pub async fn load_call(
    call_id: String,
    before: Option<TimelinePoint>,
    at: Option<i64>,
    newest: bool,
) -> Result<Option<CallTimeline>, PageError> {
    use crate::server::http::page_data;
    let state = page_data::permitted_state("load_call")?;
    let before = match (before, at) {
        (None, Some(event)) => page_data::window_holding(&state.store, &call_id, event)
            .await
            .map_err(|e| page_data::internal("the call", e))?,
        // A finished call opens at its start, unless the newest are asked for.
        (None, None) if !newest => page_data::first_window(&state.store, &call_id)
            .await
            .map_err(|e| page_data::internal("the call", e))?,
        (before, _) => before,
    };
    let timeline = page_data::call_timeline(&state.store, &call_id, before, state.stale_after_ms())
        .await
        .map_err(|e| page_data::internal("the call", e))?;
    let Some(mut timeline) = timeline else {
        return Ok(None);
    };
    timeline.raw = page_data::may(crate::model::Action::ReadRaw);
    page_data::restricted::as_seen(&state, &mut timeline).await;
    if let Some(user) = page_data::current_user() {
        let new_share = take_new_share(&call_id).await;
        page_data::add_review(&state, &user, &mut timeline, new_share)
            .await
            .map_err(|e| page_data::internal("the call's review", e))?;
    }
    Ok(Some(timeline))
}

/// The shared link just made (its call and path), taken from the session:
/// it is shown once.
#[cfg(feature = "ssr")]
async fn take_new_share(call_id: &str) -> Option<(String, String)> {
    use crate::server::http::page_data;
    let session = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<tower_sessions::Session>().cloned())?;
    let made: (String, String) = session.get(page_data::NEW_SHARE).await.ok().flatten()?;
    // Only the page of the call it was made for takes it.
    if made.0 != call_id {
        return None;
    }
    let _ = session
        .remove::<(String, String)>(page_data::NEW_SHARE)
        .await;
    Some(made)
}

/// An event's stored body, pretty-printed and cut at
/// [`clip::BODY_CHARS`](crate::model::clip::BODY_CHARS): what a timeline
/// item's "raw JSON" shows once opened. `None` when there is no such event.
#[server(endpoint = "load_event_body")]
pub async fn load_event_body(event_id: i64) -> Result<Option<BodyView>, PageError> {
    use crate::server::http::page_data;
    let state = page_data::permitted_state("load_event_body")?;
    let said = "opened the event's raw body";
    page_data::audit(&state, "raw.view", &format!("event {event_id}"), said).await;
    page_data::event_body(&state.store, event_id)
        .await
        .map_err(|e| page_data::internal("the event", e))
}
