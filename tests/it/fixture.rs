//! A call exported as a fixture and sent again with `simulate --from`'s
//! sender makes the same timeline on another server.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use sqlx::SqlitePool;

use crate::common::{app, call_sequence, exchange, file_pool, post, TestApp};
use calltrail::server::app::webhook_auth::PlatformKeys;
use calltrail::server::cli::simulate::{client, replay, Target};
use calltrail::server::http::fixture;
use calltrail::server::store::prelude::*;

/// What a timeline shows of each event (ids and arrival times differ
/// between servers; everything the event says must not).
async fn timeline(app: &TestApp, call_id: &str) -> Vec<(i64, Option<f64>, String, String)> {
    app.state
        .store
        .timeline(call_id)
        .await
        .unwrap()
        .into_iter()
        .map(|i| {
            (
                i.occurred_at,
                i.seconds_from_start,
                serde_json::to_string(&i.detail).unwrap(),
                i.raw,
            )
        })
        .collect()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn an_exported_call_replays_into_the_same_timeline(pool: SqlitePool) {
    let first = app(pool).await;
    let lines = call_sequence();
    for line in &lines {
        let (status, answer) = post(&first, line).await;
        assert!(status.is_success(), "{answer}");
    }
    let call_id = "call_7f3a9c2e";
    let request = Request::get(format!("/export/fixture?call={call_id}"))
        .header(header::COOKIE, &first.cookie)
        .body(Body::empty())
        .unwrap();
    let (status, headers, text) = exchange(&first, request).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"call_7f3a9c2e.fixture.jsonl\""
    );
    let exported = fixture::read(&text).unwrap();
    assert_eq!(exported.deliveries.len(), lines.len());
    assert_eq!(exported.deliveries[0].at_ms, 0);
    assert!(exported
        .deliveries
        .windows(2)
        .all(|w| w[0].at_ms <= w[1].at_ms));
    assert_eq!(exported.deliveries[3].body, lines[3]);

    // Another server, reached over HTTP as `simulate --from` reaches one.
    let dir = tempfile::tempdir().unwrap();
    let second = app(file_pool(&dir.path().join("second.db")).await).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhooks/infer", listener.local_addr().unwrap());
    let router = second.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let target = Target {
        platform: exported.platform,
        url,
        token: None,
        key: None,
        platform_keys: PlatformKeys::default(),
    };
    let tally = replay::send(&client().unwrap(), &target, &exported, 0.0).await;
    assert_eq!((tally.accepted, tally.failed), (lines.len() as u64, 0));
    assert_eq!(
        timeline(&second, call_id).await,
        timeline(&first, call_id).await
    );

    // Sent again, every delivery is recognised as one it already has.
    let again = replay::send(&client().unwrap(), &target, &exported, 0.0).await;
    assert_eq!(again.duplicate, lines.len() as u64);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn an_unknown_call_has_no_fixture_and_strangers_get_none(pool: SqlitePool) {
    let app = app(pool).await;
    let request = Request::get("/export/fixture?call=nope")
        .header(header::COOKIE, &app.cookie)
        .body(Body::empty())
        .unwrap();
    let (status, _, _) = exchange(&app, request).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let anonymous = Request::get("/export/fixture?call=nope")
        .body(Body::empty())
        .unwrap();
    let (status, _, _) = exchange(&app, anonymous).await;
    assert_ne!(status, StatusCode::OK);
    assert_ne!(status, StatusCode::NOT_FOUND);
}
