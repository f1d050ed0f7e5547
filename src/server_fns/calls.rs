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
    let lens = page_data::restricted::lens(&state);
    if let (Some(lens), Some(q)) = (&lens, &q) {
        if page_data::restricted::asks_for_sensitive(lens, q) {
            return Err(PageError::Refused(
                "Your account reads calls with sensitive data redacted, so it cannot search for a phone number, e-mail address, card or other such value.".into(),
            ));
        }
    }
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
