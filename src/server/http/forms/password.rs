//! Changing one's own password from `/settings`: the current one first,
//! the new one twice. Every other session of the account ends; this one
//! stays signed in.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use tower_sessions::Session;

use super::{back, storage, Fields};
use crate::model::{FormError, Notice};
use crate::server::app::audit;
use crate::server::http::auth::actor::Acting;
use crate::server::http::auth::{self, password};
use crate::server::http::AppState;
use crate::server::store::prelude::*;

const PAGE: &str = "/settings";

/// `POST /settings/password`: `current`, `new`, `confirm`.
pub async fn change(
    State(state): State<AppState>,
    acting: Acting,
    session: Session,
    body: Bytes,
) -> Response {
    let user = &acting.user;
    let fields = Fields::parse(&body);
    let (current, new, confirm) = (
        fields.get("current").unwrap_or_default().to_string(),
        fields.get("new").unwrap_or_default().to_string(),
        fields.get("confirm").unwrap_or_default().to_string(),
    );
    if new != confirm {
        return back(PAGE, None, Err(FormError::PasswordsDiffer));
    }
    if password::check_new(&user.username, &new).is_err() {
        return back(PAGE, None, Err(FormError::PasswordTooShort));
    }
    let account = match state.store.user_by_id(user.id).await {
        Ok(Some(account)) => account,
        Ok(None) => return back(PAGE, None, Err(FormError::PasswordWrong)),
        Err(e) => return back(PAGE, None, Err(storage(e))),
    };
    match password::verify(current, Some(account.password_hash.clone())).await {
        Ok(true) => {}
        Ok(false) => return back(PAGE, None, Err(FormError::PasswordWrong)),
        Err(_) => return back(PAGE, None, Err(FormError::Storage)),
    }
    let hash = password::hash(new).await;
    let outcome = match state.store.set_password(&account.username, &hash).await {
        Ok(true) => {
            let summary = "changed their own password; other sessions signed out";
            audit::record(
                &state.store,
                &acting.actor,
                "user.password",
                &account.username,
                summary,
            )
            .await;
            if let Err(e) = auth::sign_in(&session, &account).await {
                tracing::warn!(error = %e, "could not renew the session after a password change");
            }
            Ok(Notice::PasswordChanged)
        }
        Ok(false) => Err(FormError::PasswordWrong),
        Err(e) => Err(storage(e)),
    };
    back(PAGE, None, outcome)
}
