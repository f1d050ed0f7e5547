//! The SSE streams: messages carry event ids, `Last-Event-ID` (or `?after=`)
//! resumes exactly after what the client saw, and new events arrive live.

use std::time::Duration;

use crate::common;
use crate::common::sse::{self, read};
use crate::common::{app, call_sequence, post, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use calltrail::server::app::live::Hub;
use http_body_util::BodyExt;
use sqlx::SqlitePool;

/// Opens a dashboard stream as the signed-in admin; its body.
async fn open(app: &TestApp, uri: &str, last_event_id: Option<i64>) -> Body {
    let request = Request::get(uri).header("cookie", &app.cookie);
    sse::open(app, request, last_event_id).await
}

/// Opens the fixture call's stream on its first connection: `?after=`.
async fn open_fixture_call_after(app: &TestApp, after: i64) -> Body {
    open(
        app,
        &format!("/api/live/calls/call_7f3a9c2e?after={after}"),
        None,
    )
    .await
}

async fn post_sequence(app: &TestApp, lines: &[String]) -> Vec<i64> {
    let mut ids = Vec::new();
    for line in lines {
        let (status, body) = post(app, line).await;
        assert_eq!(status, StatusCode::OK);
        ids.push(body["event_id"].as_i64().unwrap());
    }
    ids
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn call_stream_resumes_after_last_event_id(pool: SqlitePool) {
    let app = app(pool).await;
    let lines = call_sequence();
    let ids = post_sequence(&app, &lines[..5]).await;

    // A browser that saw the first two events reconnects.
    let mut body = open(&app, "/api/live/calls/call_7f3a9c2e", Some(ids[1])).await;
    let replayed = read(&mut body, 3).await;
    let got: Vec<i64> = replayed.iter().map(|(id, _)| *id).collect();
    assert_eq!(got, ids[2..5].to_vec());
    assert_eq!(replayed[2].1["item"]["detail"]["kind"], "tool_call");
    assert_eq!(replayed[2].1["call"]["n_tool_calls"], 1);

    // Then new events arrive live, in commit order.
    let more = post_sequence(&app, &lines[5..7]).await;
    let live = read(&mut body, 2).await;
    assert_eq!(live.iter().map(|(id, _)| *id).collect::<Vec<_>>(), more);
    assert_eq!(live[1].1["item"]["detail"]["kind"], "interruption");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn call_stream_skips_other_calls_and_honours_after(pool: SqlitePool) {
    let app = app(pool).await;
    let lines = call_sequence();
    let ids = post_sequence(&app, &lines[..3]).await;
    let mut body = open_fixture_call_after(&app, ids[2]).await;
    // an event of another call, then one of this call
    post(&app, &common::fixture("end-call.json")).await;
    let next = post_sequence(&app, &lines[3..4]).await;
    let got = read(&mut body, 1).await;
    assert_eq!(got[0].0, next[0]);
    assert_eq!(got[0].1["item"]["call_id"], "call_7f3a9c2e");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn calls_stream_replays_changed_calls_then_follows(pool: SqlitePool) {
    let app = app(pool).await;
    let lines = call_sequence();
    let first = post_sequence(&app, &lines[..2]).await;
    post(&app, &common::fixture("end-call.json")).await;

    let mut body = open(&app, &format!("/api/live/calls?after={}", first[0]), None).await;
    let replayed = read(&mut body, 2).await;
    let calls: Vec<&str> = replayed
        .iter()
        .map(|(_, c)| c["call_id"].as_str().unwrap())
        .collect();
    assert_eq!(calls, vec!["call_7f3a9c2e", "abc123"]);
    assert_eq!(replayed[1].1["status"], "ended");

    let more = post_sequence(&app, &lines[2..3]).await;
    let live = read(&mut body, 1).await;
    assert_eq!(live[0].0, more[0]);
    assert_eq!(live[0].1["n_messages"], 3);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_subscriber_that_falls_behind_is_caught_up_without_gaps(pool: SqlitePool) {
    // The hub keeps only 2 updates; the stream is not read while 12 are committed.
    let app = common::app_with_hub(pool, |_| {}, |stop| Hub::with_capacity(stop, 2)).await;
    let lines = call_sequence();
    let first = post_sequence(&app, &lines[..1]).await;
    let mut body = open_fixture_call_after(&app, first[0]).await;
    // Reading the greeting lets the stream run its first catch-up (nothing yet).
    let _ = tokio::time::timeout(Duration::from_millis(200), read(&mut body, 1)).await;
    let ids = post_sequence(&app, &lines[1..]).await;
    let got: Vec<i64> = read(&mut body, ids.len())
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(got, ids);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn streams_end_on_shutdown(pool: SqlitePool) {
    let app = app(pool).await;
    let mut body = open(&app, "/api/live/calls", None).await;
    app.stop.send(true).unwrap();
    let end = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(frame) = body.frame().await {
            frame.unwrap();
        }
    })
    .await;
    assert!(end.is_ok(), "the stream did not end on shutdown");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_call_channel_exists_only_while_someone_watches(pool: SqlitePool) {
    let app = app(pool).await;
    let lines = call_sequence();
    post_sequence(&app, &lines[..1]).await;
    assert_eq!(app.state.hub.watched_calls(), 0);
    let mut body = open_fixture_call_after(&app, 0).await;
    read(&mut body, 1).await;
    assert_eq!(app.state.hub.watched_calls(), 1);
    drop(body);
    // The next event of that call notices nobody listens and drops the
    // channel (on PostgreSQL, once the follower has published it: soon
    // after the webhook's answer, not before it).
    post_sequence(&app, &lines[1..2]).await;
    for _ in 0..100 {
        if app.state.hub.watched_calls() == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(app.state.hub.watched_calls(), 0);
}
