//! The numbers move with what happens: deliveries, commits, live streams.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use calltrail::server::app::live::Hub;
use http_body_util::BodyExt;
use sqlx::SqlitePool;
use tower::ServiceExt;

use crate::common::{app_with_hub, fixture, post};
use crate::{app_on_file, sample, scrape, ACCEPTED, SERIAL};

#[sqlx::test(migrations = "migrations/sqlite")]
async fn counters_move_with_real_deliveries(pool: SqlitePool) {
    let _serial = SERIAL.lock().await;
    let db = pool.connect_options().get_filename().to_path_buf();
    let app = app_on_file(pool).await;
    let before = scrape(&app).await;
    let bodies = ["tool-call.json", "end-call.json", "hang-notification.json"];
    for name in bodies {
        let (status, body) = post(&app, &fixture(name)).await;
        assert_eq!(
            (status, body["status"].as_str()),
            (StatusCode::OK, Some("accepted"))
        );
    }
    let (status, body) = post(&app, &fixture("tool-call.json")).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("duplicate"))
    );
    assert_eq!(post(&app, "{not json").await.0, StatusCode::BAD_REQUEST);
    let after = scrape(&app).await;

    let moved = |name: &str, labels: &[(&str, &str)]| {
        sample(&after, name, labels) - sample(&before, name, labels)
    };
    let deliveries = "calltrail_webhook_deliveries_total";
    assert_eq!(moved(deliveries, ACCEPTED), 3.0, "{after}");
    let duplicate = [("outcome", "duplicate"), ("status", "200")];
    assert_eq!(moved(deliveries, &duplicate), 1.0);
    let rejected = [("outcome", "rejected"), ("status", "400")];
    assert_eq!(moved(deliveries, &rejected), 1.0);
    assert_eq!(moved("calltrail_events_stored_total", &[]), 3.0);
    assert_eq!(
        moved("calltrail_webhook_ack_duration_seconds_count", &[]),
        5.0
    );
    // Each post waited for its commit, so each was a batch of one.
    assert_eq!(moved("calltrail_writer_batch_deliveries_count", &[]), 5.0);
    assert_eq!(moved("calltrail_writer_batch_deliveries_sum", &[]), 5.0);
    assert_eq!(
        moved("calltrail_writer_commit_duration_seconds_count", &[]),
        5.0
    );
    assert_eq!(
        sample(&after, "calltrail_writer_queued_deliveries", &[]),
        0.0
    );

    let size = std::fs::metadata(&db).unwrap().len();
    assert!(size > 0);
    assert_eq!(
        sample(&after, "calltrail_database_size_bytes", &[]),
        size as f64
    );
    let wal = std::fs::metadata(format!("{}-wal", db.display())).map_or(0, |m| m.len());
    assert_eq!(sample(&after, "calltrail_wal_size_bytes", &[]), wal as f64);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn live_clients_and_catch_ups_are_counted(pool: SqlitePool) {
    if crate::common::pg::skip_on_postgres(
        "counters::live_clients_and_catch_ups_are_counted",
        "times a lag against SQLite's publish-at-commit; PostgreSQL publishes from its follower",
    ) {
        return;
    }
    let _serial = SERIAL.lock().await;
    // The hub keeps one update, so a stream not read while two commit falls behind.
    let app = app_with_hub(pool, |_| {}, |stop| Hub::with_capacity(stop, 1)).await;
    let clients = |text: &str| sample(text, "calltrail_live_clients", &[]);
    let catch_ups = |text: &str| sample(text, "calltrail_live_catch_ups_total", &[]);
    let before = scrape(&app).await;

    let request = Request::get("/api/live/calls")
        .header("cookie", &app.cookie)
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let wait = Duration::from_millis(300);
    // The first frame starts the stream.
    let first = tokio::time::timeout(wait, body.frame()).await;
    assert!(matches!(first, Ok(Some(Ok(_)))), "the stream greets");
    assert_eq!(clients(&scrape(&app).await), clients(&before) + 1.0);

    for name in ["tool-call.json", "end-call.json", "transfer-call.json"] {
        assert_eq!(post(&app, &fixture(name)).await.0, StatusCode::OK);
    }
    // Read until the stream waits again: it replayed, then met the lag.
    while let Ok(Some(frame)) = tokio::time::timeout(wait, body.frame()).await {
        frame.unwrap();
    }
    let during = scrape(&app).await;
    assert_eq!(catch_ups(&during), catch_ups(&before) + 1.0, "{during}");

    drop(body);
    assert_eq!(clients(&scrape(&app).await), clients(&before));
}
