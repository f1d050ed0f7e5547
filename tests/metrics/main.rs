//! Operating calltrail: `/metrics` through the real router — who may scrape
//! it, that its numbers move with real deliveries and live streams, and that
//! an independent Prometheus parser (the PyPI `prometheus_client`, which
//! `.ci/setup` installs) reads it — and `/readyz` before and after the
//! database stops taking writes.
//!
//! Metrics are one set per process; every test here holds `SERIAL`, so the
//! counts one test sees move only with what that test does.
//!
//! A binary of its own, apart from `tests/it/`: the Prometheus recorder is
//! process-global (`calltrail::server::app::prometheus::install`, which every app's
//! router calls), so any other test in the same process would move the
//! counters these tests assert exactly.

#[path = "../it/common/mod.rs"]
mod common;

mod access;
mod counters;
mod parser;
mod ready;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use sqlx::SqlitePool;
use tokio::sync::Mutex;

use common::{bare_app, exchange, TestApp};

pub static SERIAL: Mutex<()> = Mutex::const_new(());

pub const TOKEN: &str = "metrics-token-0123456789";
pub const ACCEPTED: &[(&str, &str)] = &[("outcome", "accepted"), ("status", "200")];

/// `GET /metrics` from `peer` (none: a peer the server was not told).
pub fn scrape_from(peer: Option<&str>, authorization: Option<&str>) -> Request<Body> {
    let mut request = Request::get("/metrics");
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let mut request = request.body(Body::empty()).unwrap();
    if let Some(peer) = peer {
        let addr = SocketAddr::new(peer.parse().unwrap(), 45678);
        request.extensions_mut().insert(ConnectInfo(addr));
    }
    request
}

/// The exposition text, as a local client gets it.
pub async fn scrape(app: &TestApp) -> String {
    let (status, headers, text) = exchange(app, scrape_from(Some("127.0.0.1"), None)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let content_type = headers["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    text
}

/// The value of sample `name` whose labels include `labels`; 0 when absent.
pub fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((series, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let (series_name, label_text) = match series.split_once('{') {
            Some((n, rest)) => (n, rest.trim_end_matches('}')),
            None => (series, ""),
        };
        let has = |(k, v): &(&str, &str)| {
            label_text
                .split(',')
                .any(|pair| pair == format!("{k}=\"{v}\""))
        };
        if series_name == name && labels.iter().all(has) {
            return value.parse().unwrap();
        }
    }
    0.0
}

/// An app whose `CALLTRAIL_DB` is the test database's real file.
pub async fn app_on_file(pool: SqlitePool) -> TestApp {
    let db = pool.connect_options().get_filename().to_path_buf();
    bare_app(pool, |c| {
        c.db = calltrail::server::config::Database::Sqlite(db)
    })
    .await
}
