//! `GET /readyz`: whether this server can take webhooks now — its writer task
//! runs and the database takes a write — so a load balancer or orchestrator
//! sends traffic only where "2xx means committed" can hold. `/healthz` stays
//! the cheaper liveness check.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::server::http::AppState;

/// Longest the write check may wait for SQLite's write lock.
const WRITE_CHECK: Duration = Duration::from_secs(5);

/// `GET /readyz`
pub async fn readyz(State(state): State<AppState>) -> Response {
    if !state.store.writer().is_running() {
        return unready("the writer has stopped; restart calltrail");
    }
    match tokio::time::timeout(WRITE_CHECK, state.store.check_writable()).await {
        Ok(Ok(())) => (StatusCode::OK, Json(json!({"status": "ready"}))).into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: the database cannot be written");
            unready("the database cannot be written")
        }
        Err(_) => {
            tracing::warn!("readiness: the database write lock was not free in time");
            unready("the database is busy: its write lock was not free in time")
        }
    }
}

fn unready(detail: &str) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({"status": "unavailable", "detail": detail})),
    )
        .into_response()
}
