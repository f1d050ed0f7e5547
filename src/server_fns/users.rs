//! Loads the users page, the audit log, what a one-time link does, and
//! the API tokens page.

use leptos::prelude::*;

use super::PageError;

use crate::model::accounts::{AuditPage, InviteView, UsersPage};
use crate::model::tokens::TokensPage;

/// Every account and waiting link, with the link just made (once).
#[server(endpoint = "load_users")]
pub async fn load_users() -> Result<UsersPage, PageError> {
    use crate::server::http::page_data;
    use tower_sessions::Session;
    let state = page_data::permitted_state("load_users")?;
    let you = page_data::current_user().map_or(0, |u| u.id);
    let session = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Session>().cloned());
    let new_path = match session {
        Some(session) => session
            .remove::<String>(page_data::NEW_LINK)
            .await
            .ok()
            .flatten(),
        None => None,
    };
    let new_link = match new_path {
        Some(path) => Some(format!("{}{path}", page_data::base_url(&state).await)),
        None => None,
    };
    page_data::users_page(&state.store, you, new_link)
        .await
        .map_err(|e| page_data::internal("the accounts", e))
}

/// One page of the audit log, filtered by actor, action (or its start) and text.
#[server(endpoint = "load_audit")]
pub async fn load_audit(
    page: u32,
    actor: Option<String>,
    action: Option<String>,
    text: Option<String>,
) -> Result<AuditPage, PageError> {
    use crate::server::http::page_data;
    let state = page_data::permitted_state("load_audit")?;
    page_data::audit_page(
        &state.store,
        page,
        page_data::audit_filter(actor, action, text),
    )
    .await
    .map_err(|e| page_data::internal("the audit log", e))
}

/// What the link with this secret does, while it works (no session needed:
/// the link is how a new colleague gets one).
#[server(endpoint = "load_invite")]
pub async fn load_invite(token: String) -> Result<Option<InviteView>, PageError> {
    use crate::server::http::page_data;
    let state = page_data::state()?;
    page_data::invite_view(&state.store, &token)
        .await
        .map_err(|e| page_data::internal("the link", e))
}

/// The account's API tokens (an admin's: everyone's), with the token just
/// made (once).
#[server(endpoint = "load_tokens")]
pub async fn load_tokens() -> Result<TokensPage, PageError> {
    use crate::server::http::page_data;
    use tower_sessions::Session;
    let state = page_data::permitted_state("load_tokens")?;
    let Some(you) = page_data::current_user() else {
        return Err(PageError::NotSignedIn);
    };
    let session = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Session>().cloned());
    let new_token = match session {
        Some(session) => session
            .remove::<String>(page_data::NEW_TOKEN)
            .await
            .ok()
            .flatten(),
        None => None,
    };
    page_data::tokens_page(&state.store, &you, new_token)
        .await
        .map_err(|e| page_data::internal("the tokens", e))
}
