//! Shared set-up for the integration tests: an app over a test database, and
//! helpers to send webhooks and read responses.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::SqlitePool;
use tokio::sync::watch;
use tower::ServiceExt;

use calltrail::server::config::ServeConfig;
use calltrail::server::live::Hub;
use calltrail::server::router::router;
use calltrail::server::serve::app_state;
use calltrail::server::store::Store;
use calltrail::server::AppState;

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    /// Dropping this would end the live streams; tests keep it.
    pub stop: watch::Sender<bool>,
}

pub fn app(pool: SqlitePool) -> TestApp {
    app_with(pool, |_| {})
}

pub fn app_with(pool: SqlitePool, configure: impl FnOnce(&mut ServeConfig)) -> TestApp {
    app_with_hub(pool, configure, Hub::new)
}

/// An app whose live hub is made by `hub` (to choose its capacity).
pub fn app_with_hub(
    pool: SqlitePool,
    configure: impl FnOnce(&mut ServeConfig),
    hub: impl FnOnce(watch::Receiver<bool>) -> Hub,
) -> TestApp {
    let (stop, stopping) = watch::channel(false);
    let hub = hub(stopping);
    let store = Store::from_pools(pool.clone(), pool, hub.publisher());
    let mut config = ServeConfig::for_tests("unused.db".into());
    configure(&mut config);
    let state = app_state(store, hub, config);
    TestApp {
        router: router(state.clone()),
        state,
        stop,
    }
}

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/infer/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

pub fn call_sequence() -> Vec<String> {
    fixture("call-sequence.jsonl")
        .lines()
        .map(str::to_string)
        .collect()
}

pub fn webhook(body: impl Into<Body>) -> Request<Body> {
    Request::post("/webhooks/infer")
        .header("content-type", "application/json")
        .body(body.into())
        .expect("request")
}

/// Sends a request and returns the status and the JSON body.
pub async fn send(app: &TestApp, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}

pub async fn post(app: &TestApp, body: &str) -> (StatusCode, Value) {
    send(app, webhook(body.to_string())).await
}
