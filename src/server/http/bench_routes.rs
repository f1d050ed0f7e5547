//! Routes only `calltrail bench` turns on (`CALLTRAIL_BENCH_NOOP`): the
//! ceiling (a route that only reads and parses the body) and the naive baseline (one
//! autocommit INSERT per request), served by the same server as ingest so
//! the three are compared on equal terms.

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::OnceCell;

use crate::server::store::naive::NaiveLog;
use crate::server::store::now_ms;

#[derive(Clone)]
struct Naive {
    path: PathBuf,
    log: Arc<OnceCell<NaiveLog>>,
}

/// `/bench/noop` and `/bench/naive`; the naive receiver's database is
/// `naive_db`, opened on first use.
pub fn routes<S: Clone + Send + Sync + 'static>(naive_db: PathBuf) -> Router<S> {
    let naive = Naive {
        path: naive_db,
        log: Arc::default(),
    };
    Router::new()
        .route("/bench/noop", post(noop))
        .route("/bench/naive", post(naive_insert).with_state(naive))
}

/// `POST /bench/noop`: reads the body and parses its JSON (as any receiver
/// must), then answers, touching nothing else.
async fn noop(body: Bytes) -> Response {
    match serde_json::from_slice::<Value>(&body) {
        Ok(value) => {
            Json(json!({"status": "ok", "fields": value.as_object().map_or(0, |o| o.len())}))
                .into_response()
        }
        Err(_) => (StatusCode::BAD_REQUEST, "not JSON").into_response(),
    }
}

/// `POST /bench/naive`: parses the JSON and inserts it, one commit per request.
async fn naive_insert(State(naive): State<Naive>, body: Bytes) -> Response {
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "not JSON").into_response();
    };
    let log = match naive
        .log
        .get_or_try_init(|| NaiveLog::open(&naive.path))
        .await
    {
        Ok(log) => log,
        Err(e) => return (StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response(),
    };
    let text = String::from_utf8_lossy(&body);
    let inserted = log
        .insert(
            now_ms(),
            value["call_id"].as_str(),
            value["type"].as_str(),
            &text,
        )
        .await;
    match inserted {
        Ok(()) => Json(json!({"status": "ok"})).into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response(),
    }
}
