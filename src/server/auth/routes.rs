//! The sign-in forms post here: first-run setup, login and logout. Each
//! answers with a redirect, so they work with or without JavaScript.

use std::time::Instant;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

use super::guard::safe_next;
use super::{password, sign_in};
use crate::model::format::query_path;
use crate::server::client::ClientIp;
use crate::server::AppState;

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    Form(form): Form<LoginForm>,
) -> Response {
    let username = form.username.trim();
    let next = safe_next(&form.next);
    let back = |error: &str| {
        Redirect::to(&format!("/login?error={error}&next={}", query_path(next))).into_response()
    };
    if let Err(wait) = state.throttle.check(username, ip, Instant::now()) {
        tracing::warn!(username, ip = ?ip, "sign-in throttled");
        return Redirect::to(&format!(
            "/login?error=throttled&wait={}&next={}",
            wait.as_secs().max(1),
            query_path(next)
        ))
        .into_response();
    }
    let user = match state.store.user_by_name(username).await {
        Ok(user) => user,
        Err(e) => {
            tracing::error!(error = %e, "could not read accounts");
            return back("unavailable");
        }
    };
    // With no such account this checks against a decoy hash, so it takes as long.
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let valid = password::verify(form.password, hash).await;
    match user {
        Some(user) if valid => {
            state.throttle.succeeded(username);
            if let Err(e) = sign_in(&session, &user).await {
                tracing::error!(error = %e, "could not start a session");
                return back("unavailable");
            }
            tracing::info!(username = user.username, "signed in");
            Redirect::to(next).into_response()
        }
        _ => {
            state.throttle.failed(username, ip, Instant::now());
            tracing::info!(username, ip = ?ip, "sign-in refused");
            back("invalid")
        }
    }
}

#[derive(Deserialize)]
pub struct SetupForm {
    username: String,
    password: String,
    confirm: String,
}

/// `POST /setup`: creates the first account, only while there is none.
pub async fn setup(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<SetupForm>,
) -> Response {
    let back = |error: &str| Redirect::to(&format!("/setup?error={error}")).into_response();
    match state.store.has_users().await {
        Ok(false) => {}
        Ok(true) => return Redirect::to("/login").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not read accounts");
            return back("unavailable");
        }
    }
    if form.password != form.confirm {
        return back("mismatch");
    }
    if password::check_new(&form.username, &form.password).is_err() {
        return back("invalid");
    }
    let hash = password::hash(form.password).await;
    match state
        .store
        .create_first_user(form.username.trim(), &hash)
        .await
    {
        Ok(Some(user)) => {
            tracing::info!(username = user.username, "created the admin account");
            if let Err(e) = sign_in(&session, &user).await {
                tracing::error!(error = %e, "could not start a session");
                return Redirect::to("/login").into_response();
            }
            Redirect::to("/").into_response()
        }
        Ok(None) => Redirect::to("/login").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not create the admin account");
            back("unavailable")
        }
    }
}

/// `POST /logout`
pub async fn logout(session: Session) -> Response {
    if let Err(e) = session.flush().await {
        tracing::warn!(error = %e, "could not end a session");
    }
    Redirect::to("/login?signed_out=1").into_response()
}
