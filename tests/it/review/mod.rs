//! Reviewing calls as a team: notes pinned to moments (live for the call's
//! other viewers), flags and scores that search and exports carry, review
//! queues, shared links, and two calls side by side.

mod compare;
mod notes;
mod queues;
mod shares;

use std::time::Duration;

use axum::body::Body;
use axum::http::StatusCode;
use http_body_util::BodyExt;
use serde_json::{json, Value};

use crate::common::{self, call_sequence, deliver, submit_as, TestApp};
use calltrail::model::AccountRole;
use calltrail::server::http::auth::password;
use calltrail::server::store::prelude::*;

const PASSWORD: &str = "a long enough password";

/// A signed-in account of `role` named `name`: its cookie.
pub async fn member(app: &TestApp, name: &str, role: AccountRole) -> String {
    let hash = password::hash(PASSWORD.to_string()).await;
    app.state
        .store
        .create_user(name, &hash, role)
        .await
        .unwrap()
        .unwrap();
    common::sign_in(&app.router, name, PASSWORD)
        .await
        .expect("signs in")
}

/// The fixture call (a tool call that fails, then the caller hangs up),
/// delivered as `call_id`.
pub async fn fixture_call(app: &TestApp, call_id: &str) {
    for line in call_sequence() {
        let mut event: Value = serde_json::from_str(&line).unwrap();
        event["call_id"] = json!(call_id);
        deliver(app, event).await;
    }
}

/// The id of the call's first event of `kind` (`tool_call`, `message`…).
pub async fn event_of(app: &TestApp, call_id: &str, kind: &str) -> i64 {
    app.state
        .store
        .timeline(call_id)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.detail.kind() == kind)
        .unwrap_or_else(|| panic!("{call_id} has a {kind}"))
        .id
}

/// Posts a review form as `cookie`; the status and where it leads.
pub async fn post(app: &TestApp, cookie: &str, uri: &str, form: &str) -> (StatusCode, String) {
    let (status, to, _) = submit_as(app, Some(cookie), uri, form).await;
    (status, to)
}

/// Reads the stream until a review message (a message without an id whose
/// data has `review`) arrives, within 5 s.
pub async fn next_review(body: &mut Body) -> Value {
    let mut text = String::new();
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), body.frame())
            .await
            .expect("a review message within 5 s")
            .expect("stream open")
            .expect("frame");
        let Ok(data) = frame.into_data() else {
            continue;
        };
        text.push_str(std::str::from_utf8(&data).unwrap());
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            if block.lines().any(|l| l.starts_with("id: ")) {
                continue;
            }
            if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) {
                let value: Value = serde_json::from_str(data).unwrap();
                if value.get("review").is_some() {
                    return value["review"].clone();
                }
            }
        }
    }
}
