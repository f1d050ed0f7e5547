//! Loads the calls list.

use leptos::prelude::*;

use super::PageError;

use crate::model::CallsPage;

#[server(endpoint = "load_calls")]
pub async fn load_calls(
    page: u32,
    q: Option<String>,
    sort: Option<String>,
) -> Result<CallsPage, PageError> {
    use crate::server::http::page_data;
    let state = page_data::permitted_state("load_calls")?;
    let connect = page_data::connect_info(&state).await;
    let user = page_data::current_user().map(|u| u.id);
    page_data::restricted::check_query(&state, q.as_deref())?;
    let lens = page_data::restricted::lens(&state);
    let mut calls = page_data::calls_page(
        &state.store,
        page,
        (q, sort),
        connect,
        state.stale_after_ms(),
        user,
    )
    .await
    .map_err(|e| page_data::internal("the calls", e))?;
    if let Some(lens) = lens {
        page_data::restricted::calls(&lens, &mut calls);
    }
    Ok(calls)
}
