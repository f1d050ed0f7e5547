//! kill -9 right after events are acknowledged, with alert rules and a
//! forwarding destination set up by a provisioning file: after a restart,
//! every acknowledged event is still forwarded and every alert still
//! notified — exactly once each, by webhook-id.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::json;

use calltrail::server::cli::child::{ServerProcess, TOKEN};

#[derive(Clone, Default)]
struct Receiver {
    up: Arc<AtomicBool>,
    /// (route, webhook-id) of each accepted request.
    got: Arc<Mutex<Vec<(String, String)>>>,
}

async fn receive(
    State(r): State<Receiver>,
    UrlPath(route): UrlPath<String>,
    headers: HeaderMap,
) -> StatusCode {
    if !r.up.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let id = headers["webhook-id"].to_str().unwrap().to_string();
    r.got.lock().unwrap().push((route, id));
    StatusCode::OK
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_after_commit_loses_no_forward_and_no_alert() {
    let receiver = Receiver::default();
    let app = Router::new()
        .route("/{route}", post(receive))
        .with_state(receiver.clone());
    let base = crate::common::receiver::serve(app).await;

    let dir = tempfile::tempdir().unwrap();
    let provision = dir.path().join("provision.toml");
    std::fs::write(
        &provision,
        format!(
            r#"
[[channel]]
name = "ops"
kind = "webhook"
url = "{base}/notify"

[[rule]]
kind = "tool-error"
channels = ["ops"]

[[destination]]
name = "sink"
url = "{base}/events"
"#
        ),
    )
    .unwrap();
    let env = [
        ("CALLTRAIL_PROVISION", provision.to_str().unwrap()),
        ("CALLTRAIL_ALLOW_PRIVATE_DESTINATIONS", "true"),
        ("CALLTRAIL_FORWARD_RETRY_BASE_MS", "50"),
    ];
    let exe = Path::new(env!("CARGO_BIN_EXE_calltrail"));
    let db = dir.path().join("crash.db");
    let server = ServerProcess::start(exe, &db, &env).await.unwrap();

    // The receiver is down: nothing can be forwarded before the kill.
    let client = reqwest::Client::new();
    let calls = 20;
    let mut acknowledged = HashMap::new();
    for call in 0..calls {
        // A function of its own per call: each call's failure is an issue
        // of its own, so each notifies.
        let function = format!("book_{}", char::from(b'a' + call as u8));
        for n in 0..3 {
            let body = json!({"type": "tool-call", "call_id": format!("crash-{call}"),
                "timestamp": "2025-04-12T14:32:00Z",
                "metadata": {"functionName": function, "arguments": {"n": n}, "error": "down"}});
            let response = client
                .post(format!("{}/webhooks/infer", server.base))
                .bearer_auth(TOKEN)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let answer: serde_json::Value =
                serde_json::from_str(&response.text().await.unwrap()).unwrap();
            let id = answer["event_id"].as_i64().unwrap();
            acknowledged.insert(format!("evt_{id}"), format!("crash-{call}"));
        }
    }
    server.kill_hard().await.unwrap();

    receiver.up.store(true, Ordering::SeqCst);
    let server = ServerProcess::start(exe, &db, &env).await.unwrap();
    let mut events = HashSet::new();
    let mut notifications = HashSet::new();
    for _ in 0..400 {
        let got = receiver.got.lock().unwrap().clone();
        events = got
            .iter()
            .filter(|(r, _)| r == "events")
            .map(|(_, id)| id.clone())
            .collect();
        notifications = got
            .iter()
            .filter(|(r, _)| r == "notify")
            .map(|(_, id)| id.clone())
            .collect();
        if events.len() == acknowledged.len() && notifications.len() == calls {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.stop().await.unwrap();
    let wanted: HashSet<String> = acknowledged.keys().cloned().collect();
    assert_eq!(events, wanted, "every acknowledged event is forwarded");
    assert_eq!(
        notifications.len(),
        calls,
        "one alert per call notifies once: {notifications:?}"
    );
}
