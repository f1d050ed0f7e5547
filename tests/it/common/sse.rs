//! Reading a Server-Sent Events body in a test: each message's id and JSON
//! data, in order. Messages without both (comments, `retry`) and named
//! `event: ready` messages (where an API stream starts) are skipped.

use std::time::Duration;

use axum::body::Body;
use axum::http::request::Builder;
use axum::http::StatusCode;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use super::TestApp;

/// Opens a stream with `request` (its URI and credentials), resuming with
/// `Last-Event-ID` when given; its body.
pub async fn open(app: &TestApp, request: Builder, last_event_id: Option<i64>) -> Body {
    let request = match last_event_id {
        Some(id) => request.header("last-event-id", id.to_string()),
        None => request,
    };
    let response = app
        .router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    response.into_body()
}

/// Reads messages until `n` have arrived (each within 5 s).
pub async fn read(body: &mut Body, n: usize) -> Vec<(i64, Value)> {
    let mut text = String::new();
    let mut messages = Vec::new();
    while messages.len() < n {
        let frame = tokio::time::timeout(Duration::from_secs(5), body.frame())
            .await
            .expect("a message within 5 s")
            .expect("stream open")
            .expect("frame");
        let Ok(data) = frame.into_data() else {
            continue;
        };
        text.push_str(std::str::from_utf8(&data).unwrap());
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            if block.lines().any(|l| l == "event: ready") {
                continue;
            }
            let id = block
                .lines()
                .find_map(|l| l.strip_prefix("id: "))
                .map(|v| v.parse().unwrap());
            let data = block.lines().find_map(|l| l.strip_prefix("data: "));
            if let (Some(id), Some(data)) = (id, data) {
                messages.push((id, serde_json::from_str(data).unwrap()));
            }
        }
    }
    messages
}
