//! The account behind a dashboard request, with its address: what the audit
//! log records as the actor.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::CurrentUser;
use crate::server::app::audit::Actor;
use crate::server::http::client_address::client_ip;
use crate::server::http::error::ApiError;
use crate::server::http::AppState;

/// The signed-in account (the guard put it in the request) and its address.
pub struct Acting {
    pub user: CurrentUser,
    pub actor: Actor,
}

impl FromRequestParts<AppState> for Acting {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        // Behind the guard there is always an account; a route mounted
        // elsewhere by mistake refuses rather than act as nobody.
        let Some(user) = parts.extensions.get::<CurrentUser>().cloned() else {
            return Err(ApiError::not_signed_in().into_response());
        };
        let actor = Actor::new(user.username.clone(), client_ip(parts, state));
        Ok(Acting { user, actor })
    }
}
