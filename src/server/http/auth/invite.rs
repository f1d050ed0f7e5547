//! `POST /invite/{token}`: a one-time link used — an invitation makes the
//! account (name and password chosen here), a reset link sets the account's
//! new password (signing out its sessions) — and the person is signed in.
//! Works without JavaScript: every answer is a redirect.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

use super::{password, sign_in};
use crate::server::app::accounts::link_hash;
use crate::server::app::audit::{self, Actor};
use crate::server::http::client_address::ClientIp;
use crate::server::http::AppState;
use crate::server::store::invitations::Redeemed;
use crate::server::store::prelude::*;

#[derive(Deserialize)]
pub struct LinkForm {
    /// The new account's name (an invitation only).
    #[serde(default)]
    username: String,
    password: String,
    confirm: String,
}

pub async fn redeem(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    session: Session,
    Form(form): Form<LinkForm>,
) -> Response {
    let back =
        |error: &str| Redirect::to(&format!("/invite/{token}?error={error}")).into_response();
    let hash = link_hash(&token);
    let link = match state.store.pending_link(&hash).await {
        Ok(Some(link)) => link,
        Ok(None) => return back("expired"),
        Err(e) => {
            tracing::error!(error = %e, "could not read a link");
            return back("unavailable");
        }
    };
    let inviting = link.purpose == "invite";
    let username = match (inviting, &link.username) {
        (true, _) => form.username.trim().to_string(),
        (false, Some(name)) => name.clone(),
        (false, None) => return back("expired"),
    };
    if form.password != form.confirm {
        return back("mismatch");
    }
    if password::check_new(&username, &form.password).is_err() {
        return back("invalid");
    }
    let secret = password::hash(form.password).await;
    let user = match state.store.redeem_link(&hash, &username, &secret).await {
        Ok(Redeemed::Done(user)) => user,
        Ok(Redeemed::NameTaken) => return back("taken"),
        Ok(Redeemed::Invalid) => return back("expired"),
        Err(e) => {
            tracing::error!(error = %e, "could not use a link");
            return back("unavailable");
        }
    };
    let actor = Actor::new(user.username.clone(), ip);
    let (action, summary) = match inviting {
        true => (
            "user.join",
            format!("joined through an invitation as {}", user.role),
        ),
        false => (
            "user.password-reset",
            "set a new password through a reset link".to_string(),
        ),
    };
    audit::record(&state.store, &actor, action, &user.username, &summary).await;
    if let Err(e) = sign_in(&session, &user).await {
        tracing::error!(error = %e, "could not start a session");
        return Redirect::to("/login").into_response();
    }
    Redirect::to("/").into_response()
}
