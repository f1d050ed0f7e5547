//! A call's shared links: make one (shown once, through the session, on the
//! call page this returns to) and revoke one. Both are audited.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use tower_sessions::Session;

use super::review::to_call;
use super::{storage, Fields};
use crate::model::review::{parse_share_lifetime, SHARE_LIFETIMES};
use crate::model::{FormError, Notice};
use crate::server::app::{audit, review};
use crate::server::http::auth::actor::Acting;
use crate::server::http::page_data::NEW_SHARE;
use crate::server::http::AppState;
use crate::server::store::now_ms;
use crate::server::store::prelude::*;

/// `POST /review/shares`: `call_id`, `expires` (`1h` … `30d`), `redacted`
/// (a checkbox).
pub async fn create(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let call_id = fields.get("call_id").unwrap_or_default().to_string();
    let outcome = async {
        let call = state.store.call(&call_id).await.map_err(storage)?;
        if call.is_none() {
            return Err(FormError::NoSuchCall);
        }
        let expires = fields.get("expires").unwrap_or_default();
        let lifetime = parse_share_lifetime(expires).ok_or(FormError::ShareLifetimeInvalid)?;
        let redacted = fields.ticked("redacted");
        let now = now_ms();
        let secret = review::share(
            &state.store,
            &call_id,
            redacted,
            acting.user.id,
            now,
            lifetime,
        )
        .await
        .map_err(storage)?;
        // Shown once, on the page this redirects to; only the hash is kept.
        let made = (call_id.clone(), review::share_path(&secret));
        if let Err(e) = session.insert(NEW_SHARE, made).await {
            tracing::error!(error = %e, "could not keep a new shared link for the page");
            return Err(FormError::Storage);
        }
        let label = SHARE_LIFETIMES
            .iter()
            .find(|(v, _, _)| *v == expires)
            .map_or(expires, |(_, label, _)| label);
        let summary = format!(
            "shared the call for {label}{}",
            if redacted { ", redacted" } else { "" }
        );
        audit::record(
            &state.store,
            &acting.actor,
            "share.create",
            &call_id,
            &summary,
        )
        .await;
        Ok(Notice::ShareMade)
    }
    .await;
    to_call(&call_id, None, outcome)
}

/// `POST /review/shares/{id}/revoke`: `call_id`.
pub async fn revoke(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let call_id = fields.get("call_id").unwrap_or_default().to_string();
    let outcome = match state.store.revoke_share(&call_id, id, now_ms()).await {
        Ok(true) => {
            let said = format!("revoked shared link {id}");
            audit::record(&state.store, &acting.actor, "share.revoke", &call_id, &said).await;
            Ok(Notice::ShareRevoked)
        }
        Ok(false) => Err(FormError::NoSuchShare),
        Err(e) => Err(storage(e)),
    };
    to_call(&call_id, None, outcome)
}
