//! The webhook route, driven with `oneshot`: acceptance, duplicates, and every
//! kind of bad input, each checked in the delivery log too.

use crate::common;
use crate::common::{app, app_with, call_sequence, fixture, post, send, webhook};
use axum::http::{Request, StatusCode};
use serde_json::json;
use sqlx::SqlitePool;

use calltrail::model::{CallStatus, DeliveryOutcome, EventDetail};
use calltrail::server::store::prelude::*;

#[sqlx::test(migrations = "migrations/sqlite")]
async fn every_fixture_is_accepted_and_stored(pool: SqlitePool) {
    let app = app(pool).await;
    for name in [
        "conversation-update.json",
        "tool-call.json",
        "user-interrupted.json",
        "hang-notification.json",
        "transfer-call.json",
        "end-call.json",
        "end-of-call-report.json",
    ] {
        let (status, body) = post(&app, &fixture(name)).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
        assert_eq!(body["status"], "accepted", "{name}");
        assert!(body["event_id"].as_i64().unwrap() > 0);
    }
    let store = &app.state.store;
    let kinds: Vec<&str> = store
        .timeline("abc123")
        .await
        .unwrap()
        .iter()
        .map(|i| i.detail.kind())
        .collect();
    assert_eq!(kinds.len(), 6);
    let report = store.timeline("call123").await.unwrap();
    assert!(matches!(report[0].detail, EventDetail::Report { .. }));
    let call = store.call("call123").await.unwrap().unwrap();
    assert_eq!(call.status, CallStatus::Ended);
    assert_eq!(call.duration_ms, Some(7734));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_repeated_body_is_a_duplicate_and_stored_once(pool: SqlitePool) {
    let app = app(pool).await;
    let body = fixture("tool-call.json");
    let (_, first) = post(&app, &body).await;
    let (status, second) = post(&app, &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(second["status"], "duplicate");
    assert_eq!(second["event_id"], first["event_id"]);
    let store = &app.state.store;
    assert_eq!(store.timeline("abc123").await.unwrap().len(), 1);
    assert_eq!(store.call("abc123").await.unwrap().unwrap().n_tool_calls, 1);
    let log = store.deliveries(0, 10).await.unwrap();
    let outcomes: Vec<DeliveryOutcome> = log.iter().map(|d| d.outcome).collect();
    assert_eq!(
        outcomes,
        vec![DeliveryOutcome::Duplicate, DeliveryOutcome::Accepted]
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn webhook_id_header_decides_identity(pool: SqlitePool) {
    let app = app(pool).await;
    let with_id = |id: &str, body: &str| {
        Request::post("/webhooks/infer")
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .body(body.to_string().into())
            .unwrap()
    };
    let a = fixture("end-call.json");
    let b = a.replace("\"user\"", "\"agent\"");
    assert_eq!(
        send(&app, with_id("msg_1", &a)).await.1["status"],
        "accepted"
    );
    // same id, different body: still the same delivery
    assert_eq!(
        send(&app, with_id("msg_1", &b)).await.1["status"],
        "duplicate"
    );
    // same body, another id: a distinct delivery
    assert_eq!(
        send(&app, with_id("msg_2", &a)).await.1["status"],
        "accepted"
    );
    let log = app.state.store.deliveries(0, 10).await.unwrap();
    assert_eq!(log[0].webhook_id.as_deref(), Some("msg_2"));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn unknown_event_types_are_accepted(pool: SqlitePool) {
    let app = app(pool).await;
    let (status, body) = post(
        &app,
        r#"{"type":"speech-started","call_id":"c9","metadata":{}}"#,
    )
    .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("accepted"))
    );
    let items = app.state.store.timeline("c9").await.unwrap();
    assert_eq!(
        items[0].detail,
        EventDetail::Unknown {
            event_type: "speech-started".into()
        }
    );
}

async fn assert_rejected(
    app: &common::TestApp,
    request: Request<axum::body::Body>,
    status: StatusCode,
    error: &str,
) {
    let (got, body) = send(app, request).await;
    assert_eq!(got, status, "{body}");
    assert_eq!(body["error"], error);
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    let logged = &app.state.store.deliveries(0, 1).await.unwrap()[0];
    assert_eq!(logged.outcome, DeliveryOutcome::Rejected);
    assert_eq!(logged.http_status, i64::from(status.as_u16()));
    assert_eq!(logged.error.as_deref(), Some(error));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn bad_input_gets_the_right_status_and_is_logged(pool: SqlitePool) {
    let app = app(pool).await;
    assert_rejected(
        &app,
        webhook("{not json"),
        StatusCode::BAD_REQUEST,
        "invalid JSON",
    )
    .await;
    let logged = &app.state.store.deliveries(0, 1).await.unwrap()[0];
    assert_eq!(logged.body, "{not json");

    let text = Request::post("/webhooks/infer")
        .header("content-type", "text/plain")
        .body(fixture("end-call.json").into())
        .unwrap();
    assert_rejected(
        &app,
        text,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported content type",
    )
    .await;
    let missing = Request::post("/webhooks/infer")
        .body(fixture("end-call.json").into())
        .unwrap();
    assert_rejected(
        &app,
        missing,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported content type",
    )
    .await;

    assert_rejected(
        &app,
        webhook("[1,2,3]"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not an event",
    )
    .await;
    assert_rejected(
        &app,
        webhook(r#"{"type":"end-call"}"#),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not an event",
    )
    .await;
    assert_rejected(
        &app,
        webhook(r#"{"call_id":""}"#),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not an event",
    )
    .await;
    assert!(app.state.store.timeline("").await.unwrap().is_empty());
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn bodies_over_the_limit_get_413_and_their_start_is_kept(pool: SqlitePool) {
    let app = app_with(pool, |c| c.body_limit = 64).await;
    let big = json!({"type": "conversation-update", "call_id": "c", "metadata": {"message": "x".repeat(500)}}).to_string();
    // streamed without a length: cut while reading
    let stream = futures::stream::iter(vec![Ok::<_, std::io::Error>(big.clone())]);
    let request = Request::post("/webhooks/infer")
        .header("content-type", "application/json")
        .body(axum::body::Body::from_stream(stream))
        .unwrap();
    assert_rejected(
        &app,
        request,
        StatusCode::PAYLOAD_TOO_LARGE,
        "body too large",
    )
    .await;
    let logged = &app.state.store.deliveries(0, 1).await.unwrap()[0];
    assert!(logged.body_truncated);
    assert_eq!(logged.body, big[..64]);
    // declared too long up front
    let declared = Request::post("/webhooks/infer")
        .header("content-type", "application/json")
        .header("content-length", big.len())
        .body(big.into())
        .unwrap();
    assert_rejected(
        &app,
        declared,
        StatusCode::PAYLOAD_TOO_LARGE,
        "body too large",
    )
    .await;
}

async fn fixture_call_summary(app: &common::TestApp) -> calltrail::model::CallSummary {
    let call = app.state.store.call("call_7f3a9c2e").await.unwrap();
    call.expect("the fixture call is stored")
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_fixture_call_builds_its_summary(pool: SqlitePool) {
    let app = app(pool).await;
    for line in call_sequence() {
        assert_eq!(post(&app, &line).await.0, StatusCode::OK);
    }
    let call = fixture_call_summary(&app).await;
    assert_eq!(call.status, CallStatus::Transferred);
    assert_eq!(call.ended_by.as_deref(), Some("agent"));
    assert_eq!(
        (
            call.n_events,
            call.n_messages,
            call.n_tool_calls,
            call.n_tool_errors,
            call.n_hangs,
            call.n_interruptions,
            call.n_transfers
        ),
        (13, 7, 2, 1, 1, 1, 1)
    );
    // 16:02:11.900 minus 0.9 s from start
    assert_eq!(
        calltrail::model::format::datetime(call.started_at),
        "2026-03-14 16:02:11 UTC"
    );
    assert_eq!(call.duration_at(0), 32_000);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn out_of_order_events_are_shown_in_time_order(pool: SqlitePool) {
    let app = app(pool).await;
    let lines = call_sequence();
    // deliver in reverse
    for line in lines.iter().rev() {
        assert_eq!(post(&app, line).await.0, StatusCode::OK);
    }
    let items = app.state.store.timeline("call_7f3a9c2e").await.unwrap();
    let times: Vec<i64> = items.iter().map(|i| i.occurred_at).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    assert!(
        matches!(&items[0].detail, EventDetail::Message { text, .. } if text.starts_with("Hi, this is Ava"))
    );
    assert!(matches!(
        items.last().unwrap().detail,
        EventDetail::End { .. }
    ));
    // the call did not come back to life from the early turns arriving last
    let call = fixture_call_summary(&app).await;
    assert_eq!(call.status, CallStatus::Transferred);
    assert_eq!(call.last_speaker.as_deref(), Some("Agent"));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn healthz_answers(pool: SqlitePool) {
    let app = app(pool).await;
    let (status, body) = send(
        &app,
        Request::get("/healthz")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn long_header_values_are_stored_capped(pool: SqlitePool) {
    if crate::common::pg::skip_on_postgres(
        "ingest::long_header_values_are_stored_capped",
        "reads the SQLite test database directly",
    ) {
        return;
    }
    let app = app_with(pool, |c| {
        c.webhook.auth = Some("token".into());
        c.webhook.token = Some(calltrail::server::config::Secret(
            "test-token-0123456789abcdef".into(),
        ));
    })
    .await;
    let long_id = |end: &str| format!("{}{end}", "i".repeat(10 * 1024));
    let request = |token: &str, id: &str, content_type: &str| {
        Request::post(format!("/webhooks/infer?token={token}"))
            .header("content-type", content_type)
            .header("webhook-id", id)
            .body(fixture("end-call.json").into())
            .unwrap()
    };
    // Refused: nothing of the headers beyond the cap is kept.
    let long_type = format!("application/json; x={}", "t".repeat(10 * 1024));
    let (status, _) = send(&app, request("wrong", &long_id("a"), &long_type)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Accepted: the log is capped, but identity is the whole header, so two
    // ids that differ only past the cap are two deliveries.
    let token = "test-token-0123456789abcdef";
    let (_, first) = send(&app, request(token, &long_id("a"), "application/json")).await;
    let (_, second) = send(&app, request(token, &long_id("b"), "application/json")).await;
    assert_eq!(
        (first["status"].as_str(), second["status"].as_str()),
        (Some("accepted"), Some("accepted"))
    );
    let logged: Vec<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT webhook_id, content_type FROM deliveries ORDER BY id")
            .fetch_all(&common::session_pool(&app.state.store))
            .await
            .unwrap();
    assert_eq!(logged.len(), 3);
    let cut = format!("{}… [cut: 10241 bytes sent]", "i".repeat(256));
    for (webhook_id, _) in &logged {
        assert_eq!(webhook_id.as_deref(), Some(cut.as_str()));
    }
    let content_type = logged[0].1.as_deref().unwrap();
    assert!(content_type.len() < 300, "{} bytes", content_type.len());
    assert!(content_type.ends_with(&format!("[cut: {} bytes sent]", long_type.len())));
}

/// Adds `n` rejected delivery rows received at `at` (epoch ms).
async fn add_deliveries(pool: &SqlitePool, n: usize, at: i64) {
    for _ in 0..n {
        sqlx::query(
            "INSERT INTO deliveries (received_at, source, outcome, http_status, body)
             VALUES (?, 'infer', 'rejected', 401, x'')",
        )
        .bind(at)
        .execute(pool)
        .await
        .unwrap();
    }
}

async fn delivery_ids(pool: &SqlitePool) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM deliveries ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn retention_deletes_exactly_the_deliveries_past_the_limits(pool: SqlitePool) {
    if crate::common::pg::skip_on_postgres(
        "ingest::retention_deletes_exactly_the_deliveries_past_the_limits",
        "sets its rows up in the SQLite test database",
    ) {
        return;
    }
    use calltrail::server::store::now_ms;
    use calltrail::server::store::retention::DeliveryRetention;

    let app = app(pool.clone()).await;
    let store = &app.state.store;
    let now = now_ms();
    let day = 24 * 60 * 60 * 1000;
    // An accepted event whose delivery row is old: the row goes, the event stays.
    assert_eq!(
        post(&app, &fixture("end-call.json")).await.0,
        StatusCode::OK
    );
    sqlx::query("UPDATE deliveries SET received_at = ?")
        .bind(now - 40 * day)
        .execute(&pool)
        .await
        .unwrap();
    add_deliveries(&pool, 2, now - 31 * day).await; // ids 2, 3: too old
    add_deliveries(&pool, 1, now - 29 * day).await; // id 4: young enough
    add_deliveries(&pool, 6, now).await; // ids 5..=10
    let limits = DeliveryRetention {
        max_age_days: Some(30),
        max_rows: Some(5),
    };
    let deleted = store.enforce_delivery_retention(limits, now).await.unwrap();
    assert_eq!(deleted, 5);
    assert_eq!(delivery_ids(&pool).await, vec![6, 7, 8, 9, 10]);
    assert_eq!(store.timeline("abc123").await.unwrap().len(), 1);
    // Nothing more to do; limits of 0 (none) delete nothing.
    assert_eq!(
        store.enforce_delivery_retention(limits, now).await.unwrap(),
        0
    );
    let none = DeliveryRetention {
        max_age_days: None,
        max_rows: None,
    };
    assert_eq!(
        store
            .enforce_delivery_retention(none, now + 400 * day)
            .await
            .unwrap(),
        0
    );
    assert_eq!(delivery_ids(&pool).await.len(), 5);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn retention_works_through_a_large_log_in_batches(pool: SqlitePool) {
    if crate::common::pg::skip_on_postgres(
        "ingest::retention_works_through_a_large_log_in_batches",
        "sets its rows up in the SQLite test database",
    ) {
        return;
    }
    use calltrail::server::store::retention::DeliveryRetention;

    let app = app(pool.clone()).await;
    let mut tx = pool.begin().await.unwrap();
    for i in 0..1_234_i64 {
        sqlx::query(
            "INSERT INTO deliveries (received_at, source, outcome, http_status, body)
             VALUES (?, 'infer', 'rejected', 401, x'')",
        )
        .bind(1_000 + i)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let limits = DeliveryRetention {
        max_age_days: None,
        max_rows: Some(100),
    };
    let deleted = app
        .state
        .store
        .enforce_delivery_retention(limits, 2_000)
        .await
        .unwrap();
    assert_eq!(deleted, 1_134);
    let ids = delivery_ids(&pool).await;
    assert_eq!(ids, (1_135..=1_234).collect::<Vec<i64>>());
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn text_holding_a_nul_escape_is_stored_on_either_engine(pool: SqlitePool) {
    let app = app(pool).await;
    // `\u0000` is valid JSON; PostgreSQL's text cannot hold the character.
    let body = r#"{"type":"conversation-update","call_id":"nul-call","timestamp":"2025-04-12T14:32:30Z","metadata":{"role":"user","message":"refund\u0000please","time":1744364970174}}"#;
    let (status, stored) = post(&app, body).await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    assert_eq!(stored["status"], "accepted");
    let call = app.state.store.call("nul-call").await.unwrap().unwrap();
    let first = call.first_user_text.expect("the caller's first words");
    assert!(
        first == "refund\u{0}please" || first == "refund\u{FFFD}please",
        "{first:?}"
    );
    let timeline = app.state.store.timeline("nul-call").await.unwrap();
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].raw, body);
}

/// Three tool calls of `pad` bytes each in call `call_id`.
async fn padded_events(app: &common::TestApp, call_id: &str, pad: usize) {
    for i in 0..3 {
        let body = json!({
            "type": "tool-call", "call_id": call_id,
            "timestamp": format!("2025-04-12T14:32:0{i}Z"),
            "metadata": {"functionName": "f", "arguments": {"pad": "x".repeat(pad)}},
        });
        assert_eq!(post(app, &body.to_string()).await.0, StatusCode::OK);
    }
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn an_export_step_reads_events_by_bytes_not_only_by_count(pool: SqlitePool) {
    let app = app(pool).await;
    padded_events(&app, "padded", 100_000).await;
    let store = &app.state.store;
    // Each event holds ~200 KB (body and normalized detail): 450 KB fits two.
    let (two, more) = store
        .events_after_within("padded", 0, 100, 450_000)
        .await
        .unwrap();
    assert_eq!((two.len(), more), (2, true));
    assert!(two[0].raw.len() > 100_000);
    // One always comes, however small the budget.
    let (one, more) = store
        .events_after_within("padded", two[1].id, 100, 1)
        .await
        .unwrap();
    assert_eq!((one.len(), more), (1, false));
    let (none, more) = store
        .events_after_within("padded", one[0].id, 100, 1)
        .await
        .unwrap();
    assert_eq!((none.len(), more), (0, false));
    // The count still bounds a step.
    let (counted, more) = store
        .events_after_within("padded", 0, 2, i64::MAX)
        .await
        .unwrap();
    assert_eq!((counted.len(), more), (2, true));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_page_window_reads_no_bodies_and_one_body_reads_whole(pool: SqlitePool) {
    let app = app(pool).await;
    padded_events(&app, "windowed", 10_000).await;
    let store = &app.state.store;
    let window = store.timeline_window("windowed", None, 10).await.unwrap();
    assert_eq!(window.len(), 3);
    assert!(window.iter().all(|i| i.raw.is_empty()));
    let body = store.event_body(window[0].id).await.unwrap().unwrap();
    assert!(body.contains(&"x".repeat(10_000)));
    assert_eq!(store.event_body(-1).await.unwrap(), None);
}
