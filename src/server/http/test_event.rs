//! "Send a test event": one sample delivery through the real webhook path —
//! the same handler, sender checks, parser and writer an agent's delivery
//! meets — so a person setting calltrail up sees an event arrive.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::http::{header, Method};
use serde_json::json;

use crate::model::{TestEvent, SAMPLE_PREFIX};
use crate::server::app::platforms::Platform;
use crate::server::http::webhooks;
use crate::server::http::AppState;
use crate::server::store::now_ms;

/// Words the sample turn says.
const SAID: &str = "This is a test event from calltrail: your webhook path works.";

/// Sends the sample and tells what the webhook route answered.
pub async fn send(state: &AppState) -> TestEvent {
    let now = now_ms();
    let call_id = format!("{SAMPLE_PREFIX}test_{now:x}");
    let body = json!({
        "type": "conversation-update",
        "call_id": call_id,
        "timestamp": chrono::DateTime::from_timestamp_millis(now).map(|t| t.to_rfc3339()),
        "metadata": {"role": "agent", "message": SAID, "time": now, "secondsFromStart": 0.0},
    })
    .to_string();
    let response = webhooks::webhook(state, Platform::INFER, request(state, body)).await;
    let status = response.status();
    let answer = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    TestEvent {
        call_id,
        accepted: status.is_success(),
        answer: format!("HTTP {} {}", status.as_u16(), answer.trim()),
    }
}

/// The delivery as an agent on this machine would send it, with the
/// current token and, when signatures are required, a valid signature.
fn request(state: &AppState, body: String) -> Request {
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri("/webhooks/infer")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = state.webhook_auth.current_token() {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if let Some(key) = state.webhook_auth.signing_key() {
        let id = format!("msg_test_{:x}", now_ms());
        let at = now_ms() / 1000;
        builder = builder
            .header("webhook-signature", key.sign(&id, at, body.as_bytes()))
            .header("webhook-id", id)
            .header("webhook-timestamp", at.to_string());
    }
    let mut request = builder
        .body(Body::from(body))
        .expect("a request built from valid parts");
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 0))));
    request
}
