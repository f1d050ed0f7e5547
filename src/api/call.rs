//! Loads one window of a call's timeline (`before` a place, or the one
//! holding event `at`, else the newest); `None` when the call is unknown.

use leptos::prelude::*;

use crate::model::{CallTimeline, TimelinePoint};

#[server(endpoint = "load_call")]
pub async fn load_call(
    call_id: String,
    before: Option<TimelinePoint>,
    at: Option<i64>,
) -> Result<Option<CallTimeline>, ServerFnError> {
    use crate::server::views;
    let state = views::signed_in_state()?;
    let before = match (before, at) {
        (None, Some(event)) => views::window_holding(&state.store, &call_id, event)
            .await
            .map_err(|e| views::internal("the call", e))?,
        (before, _) => before,
    };
    views::call_timeline(
        &state.store,
        &call_id,
        before,
        state.config.stale_after_ms(),
    )
    .await
    .map_err(|e| views::internal("the call", e))
}
