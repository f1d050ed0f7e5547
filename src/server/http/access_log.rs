//! One `info` line per answered request (target `calltrail::access`): method,
//! path, status and milliseconds, so an operator sees traffic in either log
//! format. The path is logged without its query, which may hold the webhook
//! token, and without the secret of a one-time or shared link
//! (`/share/…`, `/invite/…`). For a live stream the time is until its
//! headers were sent.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

/// The tracing target of the access log, to filter it on its own (`RUST_LOG`).
pub const TARGET: &str = "calltrail::access";

/// Middleware: answers the request, then logs it.
pub async fn access_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = without_secret(request.uri().path());
    let response = next.run(request).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(
        target: TARGET,
        method = %method,
        path,
        status = response.status().as_u16(),
        latency_ms = (latency_ms * 1000.0).round() / 1000.0,
        "request"
    );
    response
}

/// `path` with the secret of a link (the segment after `/share/` or
/// `/invite/`) replaced by `…`.
fn without_secret(path: &str) -> String {
    for prefix in ["/share/", "/invite/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let tail = rest.find('/').map_or("", |at| &rest[at..]);
            return format!("{prefix}…{tail}");
        }
    }
    path.to_owned()
}

#[cfg(test)]
mod tests {
    use std::io;

    #[test]
    fn link_secrets_stay_out_of_the_log() {
        assert_eq!(super::without_secret("/share/AbC_123"), "/share/…");
        assert_eq!(super::without_secret("/invite/xyz/more"), "/invite/…/more");
        assert_eq!(super::without_secret("/calls/c1"), "/calls/c1");
    }
    use std::sync::{Arc, Mutex};

    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::middleware::from_fn;
    use axum::routing::post;
    use axum::Router;
    use serde_json::Value;
    use tower::ServiceExt as _;

    use super::*;

    /// Collects what the JSON log writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn one_json_line_per_request_without_the_query() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_writer(move || writer.clone())
            .finish();
        let _default = tracing::subscriber::set_default(subscriber);
        let app = Router::new()
            .route("/webhooks/infer", post(|| async { StatusCode::ACCEPTED }))
            .layer(from_fn(access_log));
        let request = Request::post("/webhooks/infer?token=secret-in-query")
            .body(Body::empty())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::ACCEPTED);

        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(!text.contains("secret-in-query"), "{text}");
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .filter(|l: &Value| l["target"] == TARGET)
            .collect();
        assert_eq!(lines.len(), 1, "{text}");
        let line = &lines[0];
        assert_eq!(line["level"], "INFO");
        let fields = &line["fields"];
        assert_eq!(fields["method"], "POST");
        assert_eq!(fields["path"], "/webhooks/infer");
        assert_eq!(fields["status"], 202);
        assert!(
            fields["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0),
            "{line}"
        );
    }
}
