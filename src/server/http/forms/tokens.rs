//! `/settings/tokens`' forms: make an API token (shown once, through the
//! session, on the page this returns to) and revoke one. Everyone makes
//! and revokes their own; admins may revoke anyone's. Both are audited.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use tower_sessions::Session;

use super::{back, storage, Fields};
use crate::model::tokens::{parse_lifetime, TokenScope};
use crate::model::{Action, FormError, Notice};
use crate::server::app::{api_tokens, audit};
use crate::server::http::auth::actor::Acting;
use crate::server::http::page_data::NEW_TOKEN;
use crate::server::http::AppState;
use crate::server::store::prelude::*;

const PAGE: &str = "/settings/tokens";
/// The longest name a token may have.
const NAME_CHARS: usize = 60;

/// `POST /settings/tokens`: `name`, `scope`, `expires` (`30d`, `never`…).
pub async fn create(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let outcome = async {
        let name = fields
            .get("name")
            .filter(|n| n.chars().count() <= NAME_CHARS)
            .ok_or(FormError::TokenNeedsName)?;
        let scope = TokenScope::parse(fields.get("scope").unwrap_or_default())
            .map_err(|_| FormError::NoSuchScope)?;
        let lifetime = parse_lifetime(fields.get("expires").unwrap_or_default())
            .map_err(|_| FormError::LifetimeInvalid)?;
        let token = api_tokens::create(&state.store, acting.user.id, name, scope, lifetime)
            .await
            .map_err(storage)?;
        // Shown once, on the page this redirects to; only the hash is kept.
        if let Err(e) = session.insert(NEW_TOKEN, token).await {
            tracing::error!(error = %e, "could not keep a new token for the page");
            return Err(FormError::Storage);
        }
        let summary = format!("made the {scope} token {name:?}");
        let target = &acting.user.username;
        audit::record(
            &state.store,
            &acting.actor,
            "token.create",
            target,
            &summary,
        )
        .await;
        Ok(Notice::TokenMade)
    }
    .await;
    back(PAGE, None, outcome)
}

/// `POST /settings/tokens/{id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
) -> Response {
    let owner = (!acting.user.role.may(Action::Administer)).then_some(acting.user.id);
    let outcome = match state.store.revoke_token(id, owner).await {
        Ok(Some(name)) => {
            let summary = format!("revoked the token {name:?}");
            let target = format!("token {id}");
            audit::record(
                &state.store,
                &acting.actor,
                "token.revoke",
                &target,
                &summary,
            )
            .await;
            Ok(Notice::TokenRevoked)
        }
        Ok(None) => Err(FormError::NoSuchToken),
        Err(e) => Err(storage(e)),
    };
    back(PAGE, None, outcome)
}
