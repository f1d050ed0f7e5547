//! Who is calling the API (`/api/v1`) or the MCP server (`/mcp`): the
//! bearer token is checked before anything else, then the route's action
//! is looked up in the same permission table as the pages
//! ([`permits`]) and must be allowed
//! by both the account's role and the token's scope. Refusals and a
//! token's first use in an hour go to the audit log; each token is held to
//! a rate.

use std::net::IpAddr;
use std::num::NonZeroU32;

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::problem::Problem;
use crate::model::tokens::token_may;
use crate::model::Action;
use crate::server::app::api_tokens::{self, Caller, Refused};
use crate::server::app::audit::{self, Actor};
use crate::server::http::auth::permits::{self, Need};
use crate::server::http::auth::CurrentUser;
use crate::server::http::client_address::client_ip;
use crate::server::http::error::ApiError;
use crate::server::http::AppState;

/// The token behind an API request, as the check found it.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub caller: Caller,
    pub address: Option<IpAddr>,
}

impl ApiCaller {
    /// The account, as the rest of the edge knows a signed-in one.
    pub fn user(&self) -> CurrentUser {
        CurrentUser {
            id: self.caller.user_id,
            username: self.caller.username.clone(),
            role: self.caller.role,
        }
    }

    /// Whether this token may do `action` (its account's role and its scope).
    pub fn may(&self, action: Action) -> bool {
        token_may(self.caller.role, self.caller.scope, action)
    }

    /// The audit log's actor: the account, through its token.
    pub fn actor(&self) -> Actor {
        let name = format!(
            "{} (token {:?})",
            self.caller.username, self.caller.token_name
        );
        Actor::new(name, self.address)
    }
}

/// Each token's allowance of requests.
pub struct ApiRate {
    limiter: DefaultKeyedRateLimiter<i64>,
}

impl ApiRate {
    /// `per_minute` requests a minute per token, in bursts of a tenth of it.
    pub fn new(per_minute: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(per_minute.get() / 10).unwrap_or(NonZeroU32::MIN);
        ApiRate {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst)),
        }
    }

    /// `None` when token `id` may go on, else the seconds to wait.
    fn wait(&self, id: i64) -> Option<u32> {
        self.limiter.check_key(&id).err().map(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() as u32 + 1
        })
    }
}

/// The middleware in front of `/api/v1` and `/mcp`.
pub async fn require_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let address = client_ip(&parts, &state);
    let Some(secret) = bearer(&parts.headers) else {
        return unauthorized(
            "missing token",
            "send an API token as `Authorization: Bearer <token>` (make one at /settings/tokens)",
        );
    };
    let caller = match api_tokens::check(&state.store, secret).await {
        Ok(Ok(caller)) => ApiCaller { caller, address },
        Ok(Err(refused)) => return refuse(&state, &refused, address).await,
        Err(e) => return Problem::from(e).into_response(),
    };
    if let Some(secs) = state.api_rate.wait(caller.caller.token_id) {
        return rate_limited(&state, secs);
    }
    if caller.caller.first_use_in_a_while {
        let summary = "used the token (its first use in an hour)";
        let target = format!("token {:?}", caller.caller.token_name);
        audit::record(&state.store, &caller.actor(), "token.use", &target, summary).await;
    }
    let action = match permits::needed(&parts.method, parts.uri.path()) {
        Need::Permit(action) => action,
        Need::Open => Action::Administer,
    };
    if !caller.may(action) {
        let detail = not_permitted(&caller, action);
        let target = format!("{} {}", parts.method, parts.uri.path());
        audit::record(
            &state.store,
            &caller.actor(),
            "token.forbidden",
            &target,
            &detail,
        )
        .await;
        return Problem::from(ApiError::forbidden("not permitted", detail)).into_response();
    }
    parts.extensions.insert(caller.user());
    parts.extensions.insert(caller);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if !response.headers().contains_key(CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    }
    response
}

/// A real token that does not work: `401`, and an audit entry — held to
/// the token's rate like its working requests, so a forgotten job that
/// keeps sending a revoked token fills neither the log nor the database.
async fn refuse(state: &AppState, refused: &Refused, address: Option<IpAddr>) -> Response {
    if let Some((id, name)) = refused.token() {
        if let Some(secs) = state.api_rate.wait(id) {
            return rate_limited(state, secs);
        }
        let target = format!("token {name:?}");
        let summary = format!("refused: {refused}");
        let actor = Actor::new("(a token)", address);
        audit::record(&state.store, &actor, "token.refused", &target, &summary).await;
    }
    unauthorized("invalid token", &refused_detail(refused))
}

fn rate_limited(state: &AppState, secs: u32) -> Response {
    let detail = format!(
        "this token made more than {} requests in a minute; retry in {secs} s",
        state.config.api_rate_per_minute
    );
    Problem::from(ApiError::busy("rate limited", detail, secs)).into_response()
}

/// The token of `Authorization: Bearer …`.
fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn refused_detail(refused: &Refused) -> String {
    match refused {
        Refused::Unknown => "the token is not one of this server's (check CALLTRAIL_TOKEN)".into(),
        other => format!("{other}; make a new one at /settings/tokens"),
    }
}

/// Why a token may not do `action`, in words.
fn not_permitted(caller: &ApiCaller, action: Action) -> String {
    let scope = caller.caller.scope;
    if !scope.allows(action) {
        return match action {
            Action::Edit => {
                format!("the token's scope is {scope}: changes need a read+write token")
            }
            _ => "no API token may do this; use the dashboard".into(),
        };
    }
    format!(
        "the token's account is a {} and may not do this",
        caller.caller.role.label().to_lowercase()
    )
}

fn unauthorized(error: &'static str, detail: &str) -> Response {
    let mut response = Problem::from(ApiError::new(
        StatusCode::UNAUTHORIZED,
        error,
        detail.to_string(),
    ))
    .into_response();
    response.headers_mut().insert(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"calltrail\""),
    );
    response
}
