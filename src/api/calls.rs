//! Loads the calls list.

use leptos::prelude::*;

use crate::model::CallsPage;

#[server]
pub async fn load_calls(page: u32) -> Result<CallsPage, ServerFnError> {
    use crate::server::views;
    let state = views::state()?;
    let webhook_url = views::webhook_url().await;
    views::calls_page(&state.store, page, webhook_url)
        .await
        .map_err(|e| views::internal("the calls", e))
}
