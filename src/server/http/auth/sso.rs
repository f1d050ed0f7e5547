//! `/sso/start` and `/sso/callback`: signing in through the OpenID Provider.
//! The attempt's state, nonce and PKCE verifier wait in the server-side
//! session between the two (never in the URL or a cookie of their own);
//! every refusal ends on the sign-in page with a reason and in the audit log.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::guard::safe_next;
use super::sign_in;
use crate::model::format::query_path;
use crate::server::app::audit::{self, Actor};
use crate::server::app::sso::{AccountError, Pending, SsoError};
use crate::server::http::client_address::ClientIp;
use crate::server::http::error::ApiError;
use crate::server::http::AppState;

/// Where the session keeps a sign-in attempt under way.
const ATTEMPT: &str = "sso_attempt";
/// Who the audit log names for a sign-in that did not get as far as an account.
const SOMEONE: &str = "(single sign-on)";

#[derive(Serialize, Deserialize)]
struct Attempt {
    pending: Pending,
    next: String,
}

#[derive(Deserialize)]
pub struct Start {
    #[serde(default)]
    next: String,
}

/// `GET /sso/start?next=`: off to the provider.
pub async fn start(
    State(state): State<AppState>,
    session: Session,
    Query(start): Query<Start>,
) -> Response {
    let Some(sign_on) = &state.sign_on else {
        return ApiError::not_found("single sign-on").into_response();
    };
    let provider = match sign_on.provider().await {
        Ok(provider) => provider,
        Err(e) => {
            tracing::error!(error = %e, "single sign-on: the provider cannot be reached");
            return refused("sso-unavailable", &start.next);
        }
    };
    let (url, pending) = provider.begin();
    let attempt = Attempt {
        pending,
        next: safe_next(&start.next).to_string(),
    };
    if let Err(e) = session.insert(ATTEMPT, attempt).await {
        tracing::error!(error = %e, "single sign-on: could not keep the attempt in the session");
        return refused("unavailable", &start.next);
    }
    Redirect::to(url.as_str()).into_response()
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /sso/callback?code=&state=`: the provider's answer, checked, and
/// the person signed in to their account (made now at a first sign-in).
pub async fn callback(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    Query(answer): Query<Callback>,
) -> Response {
    let Some(sign_on) = &state.sign_on else {
        return ApiError::not_found("single sign-on").into_response();
    };
    let someone = Actor::new(SOMEONE, ip);
    let failed = |why: String| {
        let store = state.store.clone();
        let someone = someone.clone();
        async move {
            audit::record(
                &store,
                &someone,
                "auth.sign-in-failed",
                "single sign-on",
                &why,
            )
            .await;
        }
    };
    // Used once: a replayed callback finds no attempt.
    let attempt = match session.remove::<Attempt>(ATTEMPT).await {
        Ok(Some(attempt)) => attempt,
        Ok(None) => {
            failed("refused: no sign-in attempt under way in this session".into()).await;
            return refused("sso-expired", "/");
        }
        Err(e) => {
            tracing::error!(error = %e, "single sign-on: could not read the session");
            return refused("unavailable", "/");
        }
    };
    let next = attempt.next;
    let (Some(code), Some(returned_state)) = (answer.code, answer.state) else {
        let why = answer.error.unwrap_or_else(|| "no code".into());
        failed(format!("refused by the provider: {why}")).await;
        return refused("sso-refused", &next);
    };
    let provider = match sign_on.provider().await {
        Ok(provider) => provider,
        Err(e) => {
            tracing::error!(error = %e, "single sign-on: the provider cannot be reached");
            return refused("sso-unavailable", &next);
        }
    };
    let identity = match provider
        .finish(&attempt.pending, &returned_state, &code)
        .await
    {
        Ok(identity) => identity,
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on refused");
            if e == SsoError::BadSignature {
                // Maybe the provider rotated its keys: read them again next time.
                sign_on.forget_provider().await;
            }
            failed(format!("refused: {e}")).await;
            return refused("sso-invalid", &next);
        }
    };
    let user = match sign_on.account(&state.store, &identity).await {
        Ok(user) => user,
        Err(AccountError::Disabled) => {
            let actor = Actor::new(identity.username.clone(), ip);
            let why = "refused: the account is disabled";
            audit::record(
                &state.store,
                &actor,
                "auth.sign-in-failed",
                &identity.username,
                why,
            )
            .await;
            return refused("disabled", &next);
        }
        Err(e) => {
            tracing::error!(error = %e, "single sign-on: could not find or make the account");
            return refused("unavailable", &next);
        }
    };
    if let Err(e) = sign_in(&session, &user).await {
        tracing::error!(error = %e, "could not start a session");
        return refused("unavailable", &next);
    }
    let actor = Actor::new(user.username.clone(), ip);
    let how = format!(
        "signed in through single sign-on ({}) as {}",
        identity.issuer, user.role
    );
    audit::record(&state.store, &actor, "auth.sign-in", &user.username, &how).await;
    Redirect::to(safe_next(&next)).into_response()
}

fn refused(error: &str, next: &str) -> Response {
    Redirect::to(&format!(
        "/login?error={error}&next={}",
        query_path(safe_next(next))
    ))
    .into_response()
}
