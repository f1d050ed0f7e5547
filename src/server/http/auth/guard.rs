//! The guard in front of the dashboard: pages redirect to sign-in, server
//! functions and live streams answer 401, and the sign-in pages themselves
//! send a signed-in person (or a first-run visitor) where they belong.
//! Nothing it lets through is kept in the browser's cache.

use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::permits::{self, Need};
use super::{current_user, CurrentUser};
use crate::model::format::query_path;
use crate::server::http::error::ApiError;
use crate::server::http::AppState;
use crate::server::store::prelude::*;

/// Lets a request through, or turns it away, as the module says; every
/// answer is `Cache-Control: no-store`, so after signing out, Back or a
/// shared computer's cache shows no transcript, call or setting.
pub async fn require_session(
    State(state): State<AppState>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    let mut response = admit(&state, &session, request, next).await;
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn admit(state: &AppState, session: &Session, mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_get = request.method() == Method::GET;
    let need = permits::needed(request.method(), path);
    let user = match current_user(&state.store, session, state.config.session_max_hours).await {
        Ok(user) => user,
        Err(e) => {
            tracing::error!(error = %e, "could not read the session");
            return unavailable();
        }
    };
    let has_users = || async { state.store.has_users().await.unwrap_or(true) };
    let allowed = match (need, &user) {
        (Need::Permit(action), Some(user)) => {
            permits::allowed(&state.store, user.role, action).await
        }
        _ => false,
    };
    match (path, need, user) {
        ("/login" | "/setup", _, Some(_)) if is_get => Redirect::to("/").into_response(),
        ("/login", _, None) if is_get && !has_users().await => {
            Redirect::to("/setup").into_response()
        }
        ("/setup", _, None) if is_get && has_users().await => {
            Redirect::to("/login").into_response()
        }
        (_, Need::Open, user) => {
            if let Some(user) = user {
                request.extensions_mut().insert(user);
            }
            next.run(request).await
        }
        (_, Need::Permit(_), Some(user)) if allowed => {
            request.extensions_mut().insert(user);
            next.run(request).await
        }
        (p, _, Some(user)) => not_permitted(p, &user),
        (p, _, None) if p.starts_with("/api/") => ApiError::not_signed_in().into_response(),
        (_, _, None) if !has_users().await => Redirect::to("/setup").into_response(),
        (_, _, None) => {
            let wanted = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
            Redirect::to(&format!("/login?next={}", query_path(wanted))).into_response()
        }
    }
}

/// 403 for a signed-in account whose role may not do this: JSON for the
/// API, a short page for a browser.
fn not_permitted(path: &str, user: &CurrentUser) -> Response {
    tracing::info!(username = user.username, role = %user.role, path, "refused: not permitted");
    if path.starts_with("/api/") {
        return ApiError::forbidden(
            "not permitted",
            format!(
                "a {} account may not do this",
                user.role.label().to_lowercase()
            ),
        )
        .into_response();
    }
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not permitted · calltrail</title>\
         <link rel=\"stylesheet\" href=\"/pkg/calltrail.css\"></head><body><main><h1>Not permitted</h1>\
         <p>Your account ({}) may not open this page or do this. Ask an admin if you need it.</p>\
         <p><a href=\"/\">Back to calls</a></p></main></body></html>",
        user.role.label()
    );
    (
        StatusCode::FORBIDDEN,
        [(CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

fn unavailable() -> Response {
    ApiError::unavailable("sessions unavailable").into_response()
}

/// Where to go after signing in: a plain local path only, never another
/// site. Browsers strip tabs and newlines from URLs and read `\` as `/`, so
/// `/<TAB>/evil.example` would become `//evil.example`. Paths the guard
/// sends here are percent-encoded ASCII, so anything but visible ASCII (any
/// control, whitespace or non-ASCII character), a backslash, or a second
/// leading slash sends the person to `/` instead.
pub fn safe_next(next: &str) -> &str {
    let plain = next.starts_with('/')
        && !next.starts_with("//")
        && next.chars().all(|c| c.is_ascii_graphic() && c != '\\');
    if plain {
        next
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_kept_local() {
        assert_eq!(safe_next("/calls/abc?x=1"), "/calls/abc?x=1");
        assert_eq!(safe_next("/calls/a%20b"), "/calls/a%20b");
        assert_eq!(safe_next("/"), "/");
        for hostile in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/ /evil.example",
            "/\u{a0}/evil.example",
            "/\u{200b}/evil.example",
            "/\u{0}/evil.example",
            "/x\\..\\\\evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(hostile), "/", "{hostile:?}");
        }
    }
}
