//! Forwarding committed events to destinations, end to end through the real
//! runner and outbox worker: a flaky receiver still gets every event, in
//! order per call; signatures verify with an independent library; replays
//! say so; 410 pauses; internal addresses are refused unless allowed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common;
use crate::common::{app_with, post, TestApp};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post as post_route;
use axum::Router;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use sqlx::SqlitePool;

use calltrail::server::store::automation::DestinationSettings;
use calltrail::server::store::now_ms;
use calltrail::server::store::prelude::*;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[derive(Clone, Debug)]
struct Received {
    headers: HeaderMap,
    body: String,
}

#[derive(Clone)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    rng: Arc<Mutex<rand::rngs::StdRng>>,
    /// Share of requests answered 500, and of those stalled before a 200.
    fail: f64,
    stall: f64,
    status: StatusCode,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
    let roll: f64 = r.rng.lock().unwrap().random();
    if roll < r.fail {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    if roll < r.fail + r.stall {
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    if r.status.is_success() {
        r.got.lock().unwrap().push(Received { headers, body });
    }
    r.status
}

/// A local receiver; returns its URL and what it accepted, in order.
async fn receiver(
    fail: f64,
    stall: f64,
    status: StatusCode,
) -> (String, Arc<Mutex<Vec<Received>>>) {
    let state = Receiver {
        got: Arc::default(),
        rng: Arc::new(Mutex::new(rand::rngs::StdRng::seed_from_u64(7))),
        fail,
        stall,
        status,
    };
    let got = state.got.clone();
    let app = Router::new()
        .route("/hook", post_route(receive))
        .with_state(state);
    (format!("{}/hook", common::receiver::serve(app).await), got)
}

async fn forwarding_app(pool: SqlitePool, allow_private: bool) -> TestApp {
    let app = app_with(pool, |c| {
        c.outbound.allow_private_destinations = allow_private;
        c.outbound.forward_retry_base_ms = 20;
    })
    .await;
    common::start_side_effects(&app);
    app
}

async fn destination(app: &TestApp, name: &str, url: &str, events: &[&str]) -> i64 {
    let settings = DestinationSettings {
        name: name.into(),
        url: url.into(),
        events: events.iter().map(|e| e.to_string()).collect(),
        condition: None,
        secret: Some(SECRET.into()),
        redact: false,
    };
    app.state
        .store
        .save_destination(&settings, now_ms())
        .await
        .unwrap()
}

fn message(call: &str, n: usize) -> String {
    json!({"type": "conversation-update", "call_id": call, "timestamp": "2025-04-12T14:32:00Z",
        "metadata": {"role": "user", "message": format!("turn {n}"), "secondsFromStart": n}})
    .to_string()
}

/// Waits until `got` holds `n` distinct webhook-ids.
async fn until_received(got: &Arc<Mutex<Vec<Received>>>, n: usize) -> Vec<Received> {
    for _ in 0..600 {
        let now = got.lock().unwrap().clone();
        let mut ids: Vec<&str> = now.iter().map(|r| header(r, "webhook-id")).collect();
        ids.sort();
        ids.dedup();
        if ids.len() >= n {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the receiver got {} of {n}", got.lock().unwrap().len());
}

fn header<'a>(r: &'a Received, name: &str) -> &'a str {
    r.headers
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

fn event_id(r: &Received) -> i64 {
    header(r, "webhook-id")
        .trim_start_matches("evt_")
        .parse()
        .unwrap()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_flaky_receiver_gets_every_event_in_order_per_call(pool: SqlitePool) {
    let app = forwarding_app(pool, true).await;
    let (url, got) = receiver(0.3, 0.2, StatusCode::OK).await;
    destination(&app, "flaky", &url, &[]).await;
    let calls = ["a", "b", "c", "d"];
    for n in 0..10 {
        for call in calls {
            assert_eq!(post(&app, &message(call, n)).await.0, StatusCode::OK);
        }
    }
    let received = until_received(&got, 40).await;

    let mut per_call: HashMap<String, Vec<i64>> = HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for r in &received {
        if !seen.insert(header(r, "webhook-id").to_string()) {
            continue; // a redelivery, deduplicated by its webhook-id
        }
        let body: Value = serde_json::from_str(&r.body).unwrap();
        per_call
            .entry(body["call_id"].as_str().unwrap().to_string())
            .or_default()
            .push(event_id(r));
    }
    for call in calls {
        let ids = &per_call[call];
        assert_eq!(ids.len(), 10, "call {call}: {ids:?}");
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "call {call} out of order: {ids:?}"
        );
        let stored: Vec<i64> = app
            .state
            .store
            .timeline(call)
            .await
            .unwrap()
            .iter()
            .map(|i| i.id)
            .collect();
        assert_eq!(ids, &stored);
    }
    // Every delivery verifies with the standardwebhooks package.
    let sample = &received[0];
    let script = "import sys, json\nfrom standardwebhooks.webhooks import Webhook\n\
        h = json.loads(sys.argv[2])\nWebhook(sys.argv[1]).verify(sys.stdin.read(), h)\nprint('ok')";
    let headers = json!({
        "webhook-id": header(sample, "webhook-id"),
        "webhook-timestamp": header(sample, "webhook-timestamp"),
        "webhook-signature": header(sample, "webhook-signature"),
    });
    let out = common::run_python(
        &["-c", script, SECRET, &headers.to_string()],
        &sample.body,
        "verifying a forward",
    );
    assert_eq!(String::from_utf8_lossy(&out).trim(), "ok");
    // A body changed in transit does not verify.
    let tampered = std::panic::catch_unwind(|| {
        common::run_python(
            &["-c", script, SECRET, &headers.to_string()],
            &sample.body.replace("turn", "tune"),
            "tampered",
        )
    });
    assert!(tampered.is_err(), "a tampered body verified");
    // The log shows failures and successes.
    let attempts = app.state.store.attempt_views(1000).await.unwrap();
    assert!(attempts.iter().any(|a| a.status == Some(500)));
    assert!(attempts.iter().filter(|a| a.succeeded()).count() >= 40);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn filters_and_replays(pool: SqlitePool) {
    let app = forwarding_app(pool, true).await;
    let (url, got) = receiver(0.0, 0.0, StatusCode::OK).await;
    let id = destination(&app, "tools", &url, &["tool-call"]).await;
    post(&app, &message("r", 1)).await;
    let tool = json!({"type": "tool-call", "call_id": "r", "timestamp": "2025-04-12T14:32:00Z",
        "metadata": {"functionName": "book", "arguments": {}}});
    post(&app, &tool.to_string()).await;
    let first = until_received(&got, 1).await;
    assert_eq!(first.len(), 1, "only the tool call passes the filter");
    assert_eq!(header(&first[0], "calltrail-replay"), "");
    // The envelope says whose event it is; the body goes on as it came.
    let sent: Value = serde_json::from_str(&first[0].body).unwrap();
    assert_eq!(sent["version"], 1);
    assert_eq!(sent["call_id"], "r");
    assert_eq!(sent["source"], "infer");
    assert_eq!(sent["kind"], "tool_call");
    assert_eq!(sent["occurred_at"], "2025-04-12T14:32:00.000Z");
    assert_eq!(sent["detail"]["function"], "book");
    assert_eq!(sent["body"], tool, "the body goes on as it came");

    let tool_id = event_id(&first[0]);
    app.state
        .store
        .queue_replay(id, &[(tool_id, "r".into())], now_ms())
        .await
        .unwrap();
    app.state.alerts.outbox.notify_one();
    for _ in 0..100 {
        if got.lock().unwrap().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let all = got.lock().unwrap().clone();
    assert_eq!(all.len(), 2);
    assert_eq!(header(&all[1], "calltrail-replay"), "1");
    assert_eq!(
        header(&all[1], "webhook-id"),
        header(&all[0], "webhook-id"),
        "receivers can deduplicate"
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn gone_pauses_the_destination(pool: SqlitePool) {
    let app = forwarding_app(pool, true).await;
    let (url, _) = receiver(0.0, 0.0, StatusCode::GONE).await;
    let id = destination(&app, "gone", &url, &[]).await;
    post(&app, &message("g", 1)).await;
    for _ in 0..100 {
        if app
            .state
            .store
            .destination(id)
            .await
            .unwrap()
            .unwrap()
            .paused
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let d = app.state.store.destination_views().await.unwrap().remove(0);
    assert!(d.paused, "{d:?}");
    assert_eq!(
        d.paused_reason.as_deref(),
        Some("the receiver answered 410 Gone")
    );
    assert_eq!(
        d.pending, 1,
        "the event waits for the destination to resume"
    );
}

/// The attempt log once the first attempt is in it (5 s at most).
async fn first_attempts(app: &TestApp) -> Vec<calltrail::model::AttemptView> {
    for _ in 0..100 {
        let attempts = app.state.store.attempt_views(10).await.unwrap();
        if !attempts.is_empty() {
            return attempts;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no attempt was made within 5 s");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn internal_addresses_are_refused_by_default(pool: SqlitePool) {
    let app = forwarding_app(pool, false).await;
    let (url, got) = receiver(0.0, 0.0, StatusCode::OK).await;
    destination(&app, "inside", &url, &[]).await;
    post(&app, &message("s", 1)).await;
    let attempts = first_attempts(&app).await;
    let error = attempts[0].error.clone().unwrap_or_default();
    assert!(error.contains("loopback or private"), "{error}");
    assert!(got.lock().unwrap().is_empty());
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn redirects_are_not_followed(pool: SqlitePool) {
    let app = forwarding_app(pool, true).await;
    // The redirect's target would accept anything.
    let (target, reached) = receiver(0.0, 0.0, StatusCode::OK).await;
    let redirect = Router::new().route(
        "/hook",
        post_route(move || {
            let target = target.clone();
            async move { (StatusCode::TEMPORARY_REDIRECT, [("location", target)]) }
        }),
    );
    let url = format!("{}/hook", common::receiver::serve(redirect).await);
    destination(&app, "moved", &url, &[]).await;
    post(&app, &message("m", 1)).await;
    let attempts = first_attempts(&app).await;
    assert_eq!(attempts[0].status, Some(307), "{attempts:?}");
    assert!(!attempts[0].succeeded());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        reached.lock().unwrap().is_empty(),
        "the redirect was followed"
    );
}

/// "Send test" posts a test event in the forwards' envelope, signed.
#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_destination_test_sends_a_signed_test_envelope(pool: SqlitePool) {
    let app = forwarding_app(pool, true).await;
    let (url, got) = receiver(0.0, 0.0, StatusCode::OK).await;
    let id = destination(&app, "crm", &url, &[]).await;
    let request = axum::http::Request::post(format!("/automations/destinations/{id}/test"))
        .header("cookie", &app.cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, headers, _) = common::exchange(&app, request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers["location"],
        "/automations?notice=destination-tested"
    );
    let sent = until_received(&got, 1).await;
    let body: Value = serde_json::from_str(&sent[0].body).unwrap();
    assert_eq!(body["kind"], "test");
    assert_eq!(body["version"], 1);
    assert!(
        !header(&sent[0], "webhook-signature").is_empty(),
        "signed as forwards are"
    );

    let (url, _) = receiver(0.0, 0.0, StatusCode::INTERNAL_SERVER_ERROR).await;
    let failing = destination(&app, "down", &url, &[]).await;
    let request = axum::http::Request::post(format!("/automations/destinations/{failing}/test"))
        .header("cookie", &app.cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let (_, headers, _) = common::exchange(&app, request).await;
    assert_eq!(
        headers["location"],
        "/automations?error=destination-test-failed"
    );
}
