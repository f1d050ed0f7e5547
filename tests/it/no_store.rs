//! Nothing private stays in the browser's cache: every answer behind the
//! session guard — pages, server functions, exports, live streams, form
//! posts, the sign-in pages — says `Cache-Control: no-store`, so after
//! signing out, Back shows no transcript; static files keep their caching.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use sqlx::SqlitePool;
use tower::ServiceExt;

use crate::common;
use crate::common::{get, TestApp};

/// The status and headers only: a live stream's body never ends.
async fn head(app: &TestApp, request: Request<Body>) -> (StatusCode, HeaderMap) {
    let response = app.router.clone().oneshot(request).await.expect("response");
    (response.status(), response.headers().clone())
}

fn form(uri: &str, cookie: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn private_answers_are_not_stored_and_static_files_keep_their_caching(pool: SqlitePool) {
    let (app, _site) = common::app_with_site(pool).await;
    assert_eq!(
        common::post(&app, &common::fixture("conversation-update.json"))
            .await
            .0,
        StatusCode::OK
    );
    let cookie = app.cookie.as_str();

    for (request, status) in [
        (get("/", cookie), StatusCode::OK),
        (get("/calls/abc123", cookie), StatusCode::OK),
        (get("/alerts/rules", cookie), StatusCode::OK),
        (get("/deliveries/1/body", cookie), StatusCode::OK),
        (get("/events/1/body", cookie), StatusCode::OK),
        (
            form("/api/load_event_body", cookie, "event_id=1"),
            StatusCode::OK,
        ),
        (get("/no-such-page", cookie), StatusCode::NOT_FOUND),
        (form("/api/load_calls", cookie, "page=1"), StatusCode::OK),
        (get("/export?q=&format=jsonl", cookie), StatusCode::OK),
        (get("/export?q=a%00b", cookie), StatusCode::BAD_REQUEST),
        (get("/api/live/calls/abc123", cookie), StatusCode::OK),
        (
            form("/views", cookie, "q=refund&name=Refunds"),
            StatusCode::SEE_OTHER,
        ),
        // Signed out: the redirect and the refusal are not kept either.
        (get("/calls/abc123", ""), StatusCode::SEE_OTHER),
        (
            form("/api/load_calls", "", "page=1"),
            StatusCode::UNAUTHORIZED,
        ),
        (get("/login", ""), StatusCode::OK),
    ] {
        let what = format!("{} {}", request.method(), request.uri());
        let (got, headers) = head(&app, request).await;
        assert_eq!(got, status, "{what}");
        assert_eq!(
            headers.get_all("cache-control").iter().collect::<Vec<_>>(),
            ["no-store"],
            "{what}"
        );
    }

    for uri in ["/pkg/calltrail.css", "/favicon.svg", "/healthz"] {
        let (got, headers) = head(&app, get(uri, cookie)).await;
        assert_eq!(got, StatusCode::OK, "{uri}");
        assert!(
            headers
                .get_all("cache-control")
                .iter()
                .all(|v| !v.to_str().unwrap().contains("no-store")),
            "{uri}: {headers:?}"
        );
    }
}
