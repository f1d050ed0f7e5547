//! Who is signed in, and the webhook token's rotate action.

use leptos::prelude::*;

use crate::model::{ConnectInfo, Viewer};

/// The signed-in account; `None` on the sign-in pages.
#[server(endpoint = "load_viewer")]
pub async fn load_viewer() -> Result<Option<Viewer>, ServerFnError> {
    use crate::server::views;
    let state = views::state()?;
    Ok(views::viewer(&state))
}

/// Replaces the webhook token and returns the new connection details.
#[server(endpoint = "rotate_webhook_token")]
pub async fn rotate_webhook_token() -> Result<ConnectInfo, ServerFnError> {
    use crate::server::views;
    let state = views::state()?;
    state
        .webhook_auth
        .rotate_token(&state.store)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    Ok(views::connect_info(&state).await)
}
