//! Every API route × every role × both scopes: what each token may do is
//! what the permission table (the same one the pages answer by) and the
//! token's scope say together, and nothing answers without a token.

use axum::http::{Method, StatusCode};
use sqlx::SqlitePool;

use super::{status, token};
use crate::common::app;
use calltrail::model::tokens::TokenScope;
use calltrail::model::AccountRole;

/// `(method, pattern as the permission table writes it, a sample URI,
/// least role, whether it changes something)`. This test's own table,
/// written apart from the server's.
pub const TOKEN_EXPECT: &[(&str, &str, &str, AccountRole, bool)] = &[
    (
        "GET",
        "/api/v1/calls",
        "/api/v1/calls",
        AccountRole::Restricted,
        false,
    ),
    (
        "GET",
        "/api/v1/calls/*",
        "/api/v1/calls/abc",
        AccountRole::Restricted,
        false,
    ),
    (
        "GET",
        "/api/v1/calls/*",
        "/api/v1/calls/abc/stream",
        AccountRole::Restricted,
        false,
    ),
    (
        "GET",
        "/api/v1/stream",
        "/api/v1/stream",
        AccountRole::Restricted,
        false,
    ),
    (
        "GET",
        "/api/v1/events/{}",
        "/api/v1/events/1",
        AccountRole::Restricted,
        false,
    ),
    (
        "GET",
        "/api/v1/events/{}/body",
        "/api/v1/events/1/body",
        AccountRole::Viewer,
        false,
    ),
    (
        "GET",
        "/api/v1/deliveries",
        "/api/v1/deliveries",
        AccountRole::Viewer,
        false,
    ),
    (
        "GET",
        "/api/v1/alerts",
        "/api/v1/alerts",
        AccountRole::Restricted,
        false,
    ),
    (
        "POST",
        "/api/v1/alerts/{}/acknowledge",
        "/api/v1/alerts/1/acknowledge",
        AccountRole::Editor,
        true,
    ),
    (
        "POST",
        "/api/v1/alerts/{}/resolve",
        "/api/v1/alerts/1/resolve",
        AccountRole::Editor,
        true,
    ),
    (
        "GET",
        "/api/v1/rules",
        "/api/v1/rules",
        AccountRole::Restricted,
        false,
    ),
    (
        "POST",
        "/api/v1/rules",
        "/api/v1/rules",
        AccountRole::Editor,
        true,
    ),
    (
        "PUT",
        "/api/v1/rules/{}",
        "/api/v1/rules/1",
        AccountRole::Editor,
        true,
    ),
    (
        "DELETE",
        "/api/v1/rules/{}",
        "/api/v1/rules/1",
        AccountRole::Editor,
        true,
    ),
    (
        "GET",
        "/api/v1/destinations",
        "/api/v1/destinations",
        AccountRole::Restricted,
        false,
    ),
    (
        "POST",
        "/api/v1/destinations",
        "/api/v1/destinations",
        AccountRole::Editor,
        true,
    ),
    (
        "PUT",
        "/api/v1/destinations/{}",
        "/api/v1/destinations/1",
        AccountRole::Editor,
        true,
    ),
    (
        "POST",
        "/api/v1/destinations/{}/pause",
        "/api/v1/destinations/1/pause",
        AccountRole::Editor,
        true,
    ),
    (
        "POST",
        "/api/v1/destinations/{}/resume",
        "/api/v1/destinations/1/resume",
        AccountRole::Editor,
        true,
    ),
    (
        "DELETE",
        "/api/v1/destinations/{}",
        "/api/v1/destinations/1",
        AccountRole::Editor,
        true,
    ),
    (
        "GET",
        "/api/v1/insights",
        "/api/v1/insights",
        AccountRole::Restricted,
        false,
    ),
    ("POST", "/mcp", "/mcp", AccountRole::Restricted, false),
];

fn rank(role: AccountRole) -> u8 {
    match role {
        AccountRole::Admin => 4,
        AccountRole::Editor => 3,
        AccountRole::Viewer => 2,
        AccountRole::Restricted => 1,
    }
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn every_api_route_answers_every_token_as_the_table_says(pool: SqlitePool) {
    let app = app(pool).await;
    let mut tokens = Vec::new();
    for role in AccountRole::ALL {
        for scope in TokenScope::ALL {
            tokens.push((role, scope, token(&app, role, scope).await));
        }
    }
    let mut failures = Vec::new();
    for (method, _, uri, least, writes) in TOKEN_EXPECT {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let (answer, _) = status(&app, method.clone(), uri, None, None).await;
        if answer != StatusCode::UNAUTHORIZED {
            failures.push(format!("{method} {uri} without a token: {answer}"));
        }
        for (role, scope, token) in &tokens {
            let (answer, _) = status(&app, method.clone(), uri, Some(token), None).await;
            let may = rank(*role) >= rank(*least) && (!writes || *scope == TokenScope::ReadWrite);
            let ok = match may {
                true => !matches!(answer, StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED),
                false => answer == StatusCode::FORBIDDEN,
            };
            if !ok {
                failures.push(format!("{method} {uri} as {role} ({scope}): {answer}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
