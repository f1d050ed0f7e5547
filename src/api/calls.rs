//! Loads the calls list.

use leptos::prelude::*;

use crate::model::CallsPage;

#[server(endpoint = "load_calls")]
pub async fn load_calls(
    page: u32,
    q: Option<String>,
    sort: Option<String>,
) -> Result<CallsPage, ServerFnError> {
    use crate::server::views;
    let state = views::signed_in_state()?;
    let connect = views::connect_info(&state).await;
    let user = views::current_user().map(|u| u.id);
    views::calls_page(
        &state.store,
        page,
        (q, sort),
        connect,
        state.config.stale_after_ms(),
        user,
    )
    .await
    .map_err(|e| views::internal("the calls", e))
}
