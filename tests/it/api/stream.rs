//! The API's live streams: a query's new events (others left out), resumed
//! with `Last-Event-ID` without a gap, and one call's events from its start.

use axum::body::Body;
use axum::http::Request;
use sqlx::SqlitePool;

use super::token;
use crate::common::events::said;
use crate::common::sse::{self, read};
use crate::common::{app, deliver, TestApp};
use calltrail::model::tokens::TokenScope;
use calltrail::model::AccountRole;

/// Opens an API stream signed with `token`; its body.
async fn open(app: &TestApp, uri: &str, token: &str, last_event_id: Option<i64>) -> Body {
    let request = Request::get(uri).header("authorization", format!("Bearer {token}"));
    sse::open(app, request, last_event_id).await
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_stream_sends_a_querys_new_events_and_resumes_without_gaps(pool: SqlitePool) {
    let app = app(pool).await;
    let token = token(&app, AccountRole::Viewer, TokenScope::Read).await;
    deliver(&app, said("before", "user", "refund please").json()).await;
    let mut body = open(&app, "/api/v1/stream?q=refund", &token, None).await;
    deliver(&app, said("other", "user", "weather today").json()).await;
    deliver(&app, said("wanted", "user", "a refund for my order").json()).await;
    deliver(&app, said("wanted", "agent", "of course").json()).await;
    let got = read(&mut body, 2).await;
    assert_eq!(
        got[0].1["call_id"], "wanted",
        "old events and other calls are not sent"
    );
    assert_eq!(got[0].1["text"], "a refund for my order");
    assert_eq!(got[1].1["text"], "of course");
    drop(body);

    // Resumed after the first: the second again, then what came since.
    deliver(&app, said("wanted", "user", "thanks").json()).await;
    let mut body = open(&app, "/api/v1/stream?q=refund", &token, Some(got[0].0)).await;
    let again = read(&mut body, 2).await;
    assert_eq!(again.iter().map(|m| m.0).collect::<Vec<_>>()[0], got[1].0);
    assert_eq!(again[1].1["text"], "thanks");

    // One call's stream, from its start.
    let mut body = open(&app, "/api/v1/calls/wanted/stream", &token, None).await;
    let all = read(&mut body, 3).await;
    assert_eq!(
        all.iter()
            .map(|m| m.1["text"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["a refund for my order", "of course", "thanks"]
    );
}
