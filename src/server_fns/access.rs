//! Who is signed in, whether first-run setup needs its code, and the
//! webhook token's rotate action.

use leptos::prelude::*;

use super::PageError;

use crate::model::accounts::SignInOptions;
use crate::model::{ConnectInfo, TestEvent, Viewer};

/// The signed-in account; `None` on the sign-in pages.
#[server(endpoint = "load_viewer")]
pub async fn load_viewer() -> Result<Option<Viewer>, PageError> {
    use crate::server::http::page_data;
    let state = page_data::state()?;
    page_data::viewer(&state)
        .await
        .map_err(|e| page_data::internal("your account", e))
}

/// How the sign-in page offers to sign in (no session needed).
#[server(endpoint = "sign_in_options")]
pub async fn load_sign_in() -> Result<SignInOptions, PageError> {
    use crate::server::http::page_data;
    let state = page_data::state()?;
    Ok(SignInOptions {
        single_sign_on: state.sign_on.as_ref().map(|s| s.label.clone()),
        passwords: state.config.sso.passwords,
    })
}

/// Whether first-run setup asks for the code the server printed at start-up.
#[server(endpoint = "setup_needs_code")]
pub async fn setup_needs_code() -> Result<bool, PageError> {
    use crate::server::{http::auth::setup_code, http::page_data};
    let state = page_data::state()?;
    Ok(match use_context::<axum::http::request::Parts>() {
        Some(parts) => setup_code::asks_request(&state, &parts),
        None => state.setup_code.is_some(),
    })
}

/// Replaces the webhook token and returns the new connection details.
#[server(endpoint = "rotate_webhook_token")]
pub async fn rotate_webhook_token() -> Result<ConnectInfo, PageError> {
    use crate::server::http::page_data;
    let state = page_data::permitted_state("rotate_webhook_token")?;
    state
        .webhook_auth
        .rotate_token(&state.store)
        .await
        .map_err(page_data::rotate_refused)?;
    let said = "replaced the webhook token; the old one no longer works";
    page_data::audit(&state, "settings.webhook-token", "webhook token", said).await;
    Ok(page_data::connect_info(&state).await)
}

/// Posts a sample event through the webhook route, as an agent would.
#[server(endpoint = "send_test_event")]
pub async fn send_test_event() -> Result<TestEvent, PageError> {
    use crate::server::{http::page_data, http::test_event};
    let state = page_data::permitted_state("send_test_event")?;
    Ok(test_event::send(&state).await)
}
