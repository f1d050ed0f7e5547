//! Loads `/insights`.

use leptos::prelude::*;

use super::PageError;

use crate::model::insights::InsightsPage;

#[server(endpoint = "load_insights")]
pub async fn load_insights(q: Option<String>) -> Result<InsightsPage, PageError> {
    use crate::server::http::page_data;
    let state = page_data::permitted_state("load_insights")?;
    page_data::restricted::check_query(&state, q.as_deref())?;
    let mut page = page_data::insights_page(&state.store, q, state.stale_after_ms())
        .await
        .map_err(|e| page_data::internal("the insights", e))?;
    // An agent's name may be a phone line, which a restricted viewer reads redacted.
    if page_data::restricted::lens(&state).is_some() {
        page.flags.by_agent.clear();
    }
    Ok(page)
}
