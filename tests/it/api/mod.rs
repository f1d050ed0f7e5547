//! The API (`/api/v1`), its tokens, its OpenAPI document, the MCP server
//! and the command-line client, tested as their users use them: requests
//! signed with real tokens, an independent validator and a generated client
//! (Python), the official MCP SDK as the client, and the binary itself.

mod calls;
mod cli;
mod lists;
mod mcp;
mod openapi;
pub mod permissions;
mod stream;
mod tokens;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use serde_json::{json, Value};

use crate::common::events::said;
use crate::common::{call_sequence, deliver, exchange, TestApp, ADMIN};
use calltrail::model::tokens::TokenScope;
use calltrail::model::AccountRole;
use calltrail::server::app::api_tokens;
use calltrail::server::store::prelude::*;

/// A token of a new account with `role` (the admin's own for admins).
pub async fn token(app: &TestApp, role: AccountRole, scope: TokenScope) -> String {
    let store = &app.state.store;
    let user = match role {
        AccountRole::Admin => store.user_by_name(ADMIN).await.unwrap().unwrap(),
        role => {
            let name = format!("{role}-{}", rand_suffix());
            store.create_user(&name, "x", role).await.unwrap().unwrap()
        }
    };
    api_tokens::create(store, user.id, "test", scope, None)
        .await
        .unwrap()
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A request signed with `token` (none: unsigned).
pub fn signed(
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Request<Body> {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    match body {
        Some(body) => request
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
        None => request.body(Body::empty()).unwrap(),
    }
}

/// A GET of the API with `token`: status, headers, JSON body.
pub async fn get(app: &TestApp, uri: &str, token: &str) -> (StatusCode, HeaderMap, Value) {
    call(app, Method::GET, uri, Some(token), None).await
}

pub async fn call(
    app: &TestApp,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, HeaderMap, Value) {
    let (status, headers, text) = exchange(app, signed(method, uri, token, body)).await;
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

/// The ids of the calls in a list answer.
pub fn call_ids(list: &Value) -> Vec<String> {
    list["calls"]
        .as_array()
        .unwrap_or_else(|| panic!("not a call list: {list}"))
        .iter()
        .map(|c| c["call_id"].as_str().unwrap().to_string())
        .collect()
}

/// The status and headers of a request, its body left unread (a stream's
/// never ends).
pub async fn status(
    app: &TestApp,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, HeaderMap) {
    use tower::ServiceExt;
    let response = app
        .router
        .clone()
        .oneshot(signed(method, uri, token, body))
        .await
        .unwrap();
    (response.status(), response.headers().clone())
}

/// The fixture call (`dental`, with a tool error), a finished café call
/// about a refund, and a live call.
pub async fn three_calls(app: &TestApp) {
    for line in call_sequence() {
        let mut event: Value = serde_json::from_str(&line).unwrap();
        event["call_id"] = json!("dental");
        deliver(app, event).await;
    }
    let turn = |call: &str, role: &str, text: &str, secs: f64| {
        said(call, role, text)
            .at("2026-03-14T16:02:11Z")
            .secs(secs)
            .json()
    };
    deliver(app, turn("cafe", "user", "I want a refund please", 1.0)).await;
    deliver(app, turn("cafe", "agent", "A refund is on its way", 3.0)).await;
    deliver(
        app,
        json!({"type": "end-call", "call_id": "cafe", "timestamp": "2026-03-14T16:02:20Z",
               "metadata": {"ended_by": "user"}}),
    )
    .await;
    deliver(app, turn("open", "user", "Hello, is anyone there?", 1.0)).await;
}
