//! Loads one call's timeline; `None` when the call is unknown.

use leptos::prelude::*;

use crate::model::CallTimeline;

#[server(endpoint = "load_call")]
pub async fn load_call(call_id: String) -> Result<Option<CallTimeline>, ServerFnError> {
    use crate::server::views;
    let state = views::state()?;
    views::call_timeline(&state.store, &call_id)
        .await
        .map_err(|e| views::internal("the call", e))
}
