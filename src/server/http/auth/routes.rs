//! The sign-in forms post here: first-run setup, login and logout. Each
//! answers with a redirect, so they work with or without JavaScript.

use std::time::Instant;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

use super::guard::safe_next;
use super::throttle::Admission;
use super::{password, setup_code, sign_in};
use crate::model::format::query_path;
use crate::server::app::audit::{self, Actor};
use crate::server::http::client_address::ClientIp;
use crate::server::http::error::ApiError;
use crate::server::http::AppState;
use crate::server::store::prelude::*;

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`. The attempt is counted (or refused) before any work;
/// over-long credentials are refused as wrong without a lookup or a hash.
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    Form(form): Form<LoginForm>,
) -> Response {
    let username = password::capped_username(&form.username);
    let next = safe_next(&form.next);
    if !state.config.sso.passwords {
        return Redirect::to(&format!(
            "/login?error=passwords-off&next={}",
            query_path(next)
        ))
        .into_response();
    }
    let back = |error: &str| {
        Redirect::to(&format!("/login?error={error}&next={}", query_path(next))).into_response()
    };
    let (attempt, delay) = match state.throttle.admit(username, ip, Instant::now()) {
        Admission::Admitted { attempt, delay } => (attempt, delay),
        Admission::Refused { wait } => {
            tracing::warn!(username, ip = ?ip, "sign-in throttled");
            return Redirect::to(&format!(
                "/login?error=throttled&wait={}&next={}",
                wait.as_secs().max(1),
                query_path(next)
            ))
            .into_response();
        }
    };
    if !password::within_limits(&form.username, &form.password) {
        tracing::info!(username, ip = ?ip, "sign-in refused: username or password too long");
        return back("invalid");
    }
    if !delay.is_zero() {
        tracing::info!(
            username,
            ?delay,
            "sign-in slowed: many recent failures for the account"
        );
        tokio::time::sleep(delay).await;
    }
    let user = match state.store.user_by_name(username).await {
        Ok(user) => user,
        Err(e) => {
            state.throttle.withdraw(&attempt);
            tracing::error!(error = %e, "could not read accounts");
            return back("unavailable");
        }
    };
    // With no such account this checks against a decoy hash, so it takes as long.
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let valid = match password::verify(form.password, hash).await {
        Ok(valid) => valid,
        Err(busy) => {
            state.throttle.withdraw(&attempt);
            tracing::warn!(username, ip = ?ip, "sign-in turned away: {busy}");
            return busy_response();
        }
    };
    let actor = Actor::new(username, ip);
    match user {
        Some(user) if valid && user.is_disabled() => {
            state.throttle.succeeded(&attempt);
            let why = "refused: the account is disabled";
            audit::record(
                &state.store,
                &actor,
                "auth.sign-in-failed",
                &user.username,
                why,
            )
            .await;
            back("disabled")
        }
        Some(user) if valid => {
            state.throttle.succeeded(&attempt);
            if let Err(e) = sign_in(&session, &user).await {
                tracing::error!(error = %e, "could not start a session");
                return back("unavailable");
            }
            tracing::info!(username = user.username, "signed in");
            let how = format!("signed in with a password as {}", user.role);
            audit::record(&state.store, &actor, "auth.sign-in", &user.username, &how).await;
            Redirect::to(next).into_response()
        }
        _ => {
            tracing::info!(username, ip = ?ip, "sign-in refused");
            let why = "refused: wrong username or password";
            audit::record(&state.store, &actor, "auth.sign-in-failed", username, why).await;
            back("invalid")
        }
    }
}

/// 429 when no turn to check a password came in time (a flood of sign-ins).
fn busy_response() -> Response {
    ApiError::busy(
        "busy",
        "too many sign-ins at once; try again in a few seconds",
        5,
    )
    .into_response()
}

#[derive(Deserialize)]
pub struct SetupForm {
    username: String,
    password: String,
    confirm: String,
    /// The setup code, when the server asks for one (see [`super::setup_code`]).
    #[serde(default)]
    code: String,
}

/// `POST /setup`: creates the first account, only while there is none.
pub async fn setup(
    State(state): State<AppState>,
    setup_code::AsksForCode(asks_code): setup_code::AsksForCode,
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
    if asks_code && !setup_code::accepts(state.setup_code.as_deref(), &form.code) {
        tracing::warn!("refused a first-run setup with a wrong setup code");
        return back("code");
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
