//! `GET /metrics`: the Prometheus text exposition, after the access rule.
//! What is cheaper to look at than to track (file sizes, the writer's queue)
//! is read at scrape time.

mod access;

use std::io::ErrorKind;
use std::path::Path;

use ::metrics::gauge;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::server::app::prometheus::{install, DATABASE_BYTES, QUEUED, WAL_BYTES};
use crate::server::http::client_address::ClientIp;
use crate::server::http::error::ApiError;
use crate::server::http::AppState;
use crate::server::store::space;
pub use access::{allows, Access};

/// The content type of Prometheus' text format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// `GET /metrics`
pub async fn scrape(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
) -> Response {
    match allows(client, &headers, state.config.metrics_token.as_ref()) {
        Access::Allowed => {}
        Access::NoTokenConfigured => {
            return ApiError::forbidden(
                "forbidden",
                "metrics are served to this machine only; set CALLTRAIL_METRICS_TOKEN \
                 and send it as Authorization: Bearer to scrape from elsewhere",
            )
            .into_response()
        }
        Access::BadToken => {
            return (
                [(header::WWW_AUTHENTICATE, "Bearer")],
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthenticated",
                    "send the metrics token (CALLTRAIL_METRICS_TOKEN) as Authorization: Bearer",
                ),
            )
                .into_response()
        }
    }
    let handle = install();
    gauge!(QUEUED).set(state.store.writer().queued() as f64);
    // A PostgreSQL database's size is PostgreSQL's to report.
    if let Some(db) = state.config.db.sqlite_file() {
        gauge!(DATABASE_BYTES).set(file_size(db).await as f64);
        gauge!(WAL_BYTES).set(file_size(&space::wal_path(db)).await as f64);
    }
    ([(header::CONTENT_TYPE, TEXT_FORMAT)], handle.render()).into_response()
}

/// Bytes in the file at `path`; 0 when there is none (the WAL is removed
/// when the last connection closes cleanly).
async fn file_size(path: &Path) -> u64 {
    match tokio::fs::metadata(path).await {
        Ok(meta) => meta.len(),
        Err(e) if e.kind() == ErrorKind::NotFound => 0,
        Err(e) => {
            tracing::warn!(error = %e, path = %path.display(), "cannot read a database file's size");
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn file_sizes_are_read_and_a_missing_file_is_empty() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let db = dir.path().join("metrics-size.db");
        std::fs::write(&db, [0u8; 1234]).expect("write a file");
        assert_eq!(file_size(&db).await, 1234);
        assert_eq!(file_size(&space::wal_path(&db)).await, 0);
    }
}
