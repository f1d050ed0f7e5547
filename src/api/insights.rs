//! Loads `/insights`.

use leptos::prelude::*;

use crate::model::insights::InsightsPage;

#[server(endpoint = "load_insights")]
pub async fn load_insights(q: Option<String>) -> Result<InsightsPage, ServerFnError> {
    use crate::server::views;
    let state = views::signed_in_state()?;
    views::insights_page(&state.store, q, state.config.stale_after_ms())
        .await
        .map_err(|e| views::internal("the insights", e))
}
