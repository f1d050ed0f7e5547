//! Loads one window of a call's timeline; `None` when the call is unknown.

use leptos::prelude::*;

use crate::model::{CallTimeline, TimelinePoint};

#[server(endpoint = "load_call")]
pub async fn load_call(
    call_id: String,
    before: Option<TimelinePoint>,
) -> Result<Option<CallTimeline>, ServerFnError> {
    use crate::server::views;
    let state = views::signed_in_state()?;
    views::call_timeline(
        &state.store,
        &call_id,
        before,
        state.config.stale_after_ms(),
    )
    .await
    .map_err(|e| views::internal("the call", e))
}
