//! The dashboard's other edges: hosts it answers to (DNS rebinding), HSTS,
//! the first-run setup code, the delivery log's body previews, and live
//! streams that end with their session and are capped per session.

use std::net::SocketAddr;
use std::time::Duration;

use crate::common;
use crate::common::{app, app_with, bare_app, exchange, get, post, TestApp};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use sqlx::SqlitePool;
use tower::ServiceExt;

use calltrail::server::config::ServeConfig;
use calltrail::server::http::auth::setup_code;
use calltrail::server::http::router::router;
use calltrail::server::store::prelude::*;

fn with_host(mut request: Request<Body>, host: &'static str) -> Request<Body> {
    request.headers_mut().insert("host", host.parse().unwrap());
    request
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_dashboard_answers_only_to_hosts_it_is_known_by(pool: SqlitePool) {
    let app = app_with(pool, |config| {
        config.public_url = Some("https://calls.example.com".into());
        config.allowed_hosts = Some("dash.internal".into());
    })
    .await;
    for host in [
        "localhost:3000",
        "127.0.0.1:3000",
        "[::1]:3000",
        "calls.example.com",
        "dash.internal:8080",
    ] {
        let (status, _, _) = exchange(&app, with_host(get("/", &app.cookie), host)).await;
        assert_eq!(status, StatusCode::OK, "{host}");
    }
    for host in [
        "evil.example",
        "evil.example:3000",
        "calls.example.com.evil.example",
    ] {
        let (status, _, body) = exchange(&app, with_host(get("/", &app.cookie), host)).await;
        assert_eq!(status, StatusCode::MISDIRECTED_REQUEST, "{host}");
        assert!(body.contains("CALLTRAIL_ALLOWED_HOSTS"), "{body}");
        // First-run setup and sign-in are covered too.
        let setup = with_host(get("/setup", ""), host);
        assert_eq!(
            exchange(&app, setup).await.0,
            StatusCode::MISDIRECTED_REQUEST
        );
    }
    // Webhooks come from platforms under any name; their own checks apply.
    let webhook = with_host(
        common::webhook(common::fixture("conversation-update.json")),
        "evil.example",
    );
    assert_eq!(exchange(&app, webhook).await.0, StatusCode::OK);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn hsts_only_when_the_public_url_is_https(pool: SqlitePool) {
    let https = app_with(pool.clone(), |c| {
        c.public_url = Some("https://calls.example.com".into())
    })
    .await;
    let (_, headers, _) = exchange(&https, get("/login", "")).await;
    assert_eq!(headers["strict-transport-security"], "max-age=31536000");
    let plain = app(pool).await;
    let (_, headers, _) = exchange(&plain, get("/login", "")).await;
    assert!(!headers.contains_key("strict-transport-security"));
}

fn setup_form(code: &str) -> Request<Body> {
    Request::post("/setup")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "username=ada&password=longenough&confirm=longenough&code={code}"
        )))
        .unwrap()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn first_run_on_a_network_address_needs_the_printed_code(pool: SqlitePool) {
    let bare = bare_app(pool, |_| {}).await;
    let mut state = bare.state.clone();
    state.setup_code = Some("Code-0123456".into());
    let app = TestApp {
        router: router(state.clone()),
        state,
        cookie: String::new(),
        stop: bare.stop,
        pg_url: bare.pg_url,
    };
    let (_, _, page) = exchange(&app, get("/setup", "")).await;
    assert!(page.contains("name=\"code\""), "the page asks for the code");
    let (status, headers, _) = exchange(&app, setup_form("wrong")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/setup?error=code");
    assert!(!app.state.store.has_users().await.unwrap());
    let (_, headers, _) = exchange(&app, setup_form("Code-0123456")).await;
    assert_eq!(headers["location"], "/");
    assert!(app.state.store.has_users().await.unwrap());
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn on_localhost_setup_needs_no_code(pool: SqlitePool) {
    let app = bare_app(pool, |_| {}).await;
    let (_, _, page) = exchange(&app, get("/setup", "")).await;
    assert!(!page.contains("name=\"code\""));
    let (_, headers, _) = exchange(&app, setup_form("")).await;
    assert_eq!(headers["location"], "/");
}

/// `request` as the socket's peer `peer` sent it, with `headers`.
fn from_peer(
    mut request: Request<Body>,
    peer: &str,
    headers: &[(&'static str, &str)],
) -> Request<Body> {
    let peer: SocketAddr = peer.parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    for (name, value) in headers {
        request.headers_mut().insert(*name, value.parse().unwrap());
    }
    request
}

/// A first-run app as `serve` starts it on loopback, configured by `configure`.
async fn first_run_app(pool: SqlitePool, configure: impl FnOnce(&mut ServeConfig)) -> TestApp {
    let bare = bare_app(pool, configure).await;
    let mut state = bare.state.clone();
    state.setup_code = setup_code::for_first_run(&state).await.unwrap();
    TestApp {
        router: router(state.clone()),
        state,
        cookie: String::new(),
        stop: bare.stop,
        pg_url: bare.pg_url,
    }
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn behind_a_proxy_first_run_needs_the_printed_code(pool: SqlitePool) {
    // docs/install.md's service set-up: loopback, a reverse proxy, a public URL.
    let app = first_run_app(pool, |c| {
        c.public_url = Some("https://calls.example.com".into())
    })
    .await;
    let code = app.state.setup_code.clone().expect("a code is printed");
    let proxied = [
        ("host", "calls.example.com"),
        ("x-forwarded-for", "203.0.113.7"),
    ];
    let (_, _, page) = exchange(
        &app,
        from_peer(get("/setup", ""), "127.0.0.1:41000", &proxied),
    )
    .await;
    assert!(page.contains("name=\"code\""), "the page asks for the code");
    let takeover = from_peer(setup_form(""), "127.0.0.1:41000", &proxied);
    let (_, headers, _) = exchange(&app, takeover).await;
    assert_eq!(headers["location"], "/setup?error=code");
    assert!(!app.state.store.has_users().await.unwrap());
    // Not even from the machine itself, while a public URL is set.
    let local = from_peer(setup_form("guess"), "127.0.0.1:41001", &[]);
    assert_eq!(
        exchange(&app, local).await.1["location"],
        "/setup?error=code"
    );
    let operator = from_peer(setup_form(&code), "127.0.0.1:41000", &proxied);
    assert_eq!(exchange(&app, operator).await.1["location"], "/");
    assert!(app.state.store.has_users().await.unwrap());
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn an_undeclared_proxy_on_loopback_still_meets_the_code(pool: SqlitePool) {
    // No public URL, no trusted proxies: only a direct local request goes
    // without the code; one carrying a proxy's headers does not.
    let app = first_run_app(pool, |_| {}).await;
    assert!(
        app.state.setup_code.is_some(),
        "the code is printed on loopback too"
    );
    for forwarded in [
        ("x-forwarded-for", "203.0.113.7"),
        ("forwarded", "for=203.0.113.7"),
        ("x-real-ip", "203.0.113.7"),
    ] {
        let proxied = from_peer(setup_form(""), "127.0.0.1:41000", &[forwarded]);
        let (_, headers, _) = exchange(&app, proxied).await;
        assert_eq!(headers["location"], "/setup?error=code", "{forwarded:?}");
    }
    let remote = from_peer(setup_form(""), "192.0.2.8:41000", &[]);
    assert_eq!(
        exchange(&app, remote).await.1["location"],
        "/setup?error=code"
    );
    let (_, _, page) = exchange(&app, from_peer(get("/setup", ""), "127.0.0.1:41000", &[])).await;
    assert!(
        !page.contains("name=\"code\""),
        "a direct local request is not asked"
    );
    let direct = from_peer(setup_form(""), "127.0.0.1:41000", &[]);
    assert_eq!(exchange(&app, direct).await.1["location"], "/");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_delivery_log_previews_bodies_and_links_the_whole(pool: SqlitePool) {
    let app = app(pool).await;
    let big = format!(
        "{{\"call_id\": \"big\", \"pad\": \"{}\", oops",
        "x".repeat(10_000)
    );
    assert_eq!(post(&app, &big).await.0, StatusCode::BAD_REQUEST);
    let page = calltrail::server::http::page_data::deliveries_page(
        &app.state.store,
        1,
        Default::default(),
    )
    .await
    .unwrap();
    let logged = &page.deliveries[0];
    assert_eq!(logged.body.len(), calltrail::model::BODY_PREVIEW_BYTES);
    assert_eq!(logged.body_len, big.len() as i64);
    assert!(logged.body_cut());
    let (_, _, html) = exchange(&app, get("/deliveries", &app.cookie)).await;
    assert!(
        !html.contains(&"x".repeat(3_000)),
        "the page holds the preview only"
    );
    assert!(html.contains(&format!("/deliveries/{}/body", logged.id)));

    let uri = format!("/deliveries/{}/body", logged.id);
    let (status, headers, body) = exchange(&app, get(&uri, &app.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
    assert_eq!(body, big);
    let (status, _, body) = exchange(&app, get(&uri, "")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(!body.contains("xxxx"));
    assert_eq!(
        exchange(&app, get("/deliveries/999999/body", &app.cookie))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

async fn open_stream(app: &TestApp, cookie: &str) -> (StatusCode, Body) {
    let response = app
        .router
        .clone()
        .oneshot(get("/api/live/calls", cookie))
        .await
        .unwrap();
    (response.status(), response.into_body())
}

/// Reads the stream until it ends; false if it is still open after `limit`.
async fn ends_within(body: &mut Body, limit: Duration) -> bool {
    tokio::time::timeout(limit, async {
        while let Some(frame) = body.frame().await {
            if frame.is_err() {
                break;
            }
        }
    })
    .await
    .is_ok()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_live_stream_ends_when_its_session_signs_out(pool: SqlitePool) {
    let app = app(pool).await;
    let (status, mut stream) = open_stream(&app, &app.cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !ends_within(&mut stream, Duration::from_millis(2_500)).await,
        "a signed-in stream stays open"
    );
    let logout = Request::post("/logout")
        .header("cookie", &app.cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(exchange(&app, logout).await.0, StatusCode::SEE_OTHER);
    assert!(
        ends_within(&mut stream, Duration::from_secs(6)).await,
        "the stream ended after sign-out"
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_session_holds_a_limited_number_of_streams(pool: SqlitePool) {
    let app = app_with(pool, |c| c.max_streams_per_session = 2).await;
    let (first, one) = open_stream(&app, &app.cookie).await;
    let (second, _two) = open_stream(&app, &app.cookie).await;
    assert_eq!((first, second), (StatusCode::OK, StatusCode::OK));
    let (third, body) = open_stream(&app, &app.cookie).await;
    assert_eq!(third, StatusCode::TOO_MANY_REQUESTS);
    let text = body.collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&text).contains("CALLTRAIL_MAX_STREAMS_PER_SESSION"));
    drop(one);
    let (again, _) = open_stream(&app, &app.cookie).await;
    assert_eq!(again, StatusCode::OK, "a closed stream frees its slot");
}

/// A tool call whose arguments nest `depth` objects deep.
fn nested_tool_call(call_id: &str, depth: usize) -> String {
    let arguments = format!("{}\"bottom\"{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    format!(
        r#"{{"type":"tool-call","call_id":"{call_id}","timestamp":"2025-04-12T14:32:00Z","metadata":{{"functionName":"deep","arguments":{arguments}}}}}"#
    )
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn deeply_nested_arguments_fold_into_text_and_never_break_a_page(pool: SqlitePool) {
    let app = app(pool).await;
    // 10,000 levels: refused with a reason, not stored half-read.
    let (status, body) = post(&app, &nested_tool_call("deep-10000", 10_000)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("recursion limit"),
        "{body}"
    );
    // The deepest JSON that parses (its arguments 120 deep, the body 122)
    // once made the page's hydration data unreadable in the browser.
    let (status, _) = post(&app, &nested_tool_call("deep-120", 120)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, page) = exchange(&app, get("/calls/deep-120", &app.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    let folded = "{&quot;a&quot;:{&quot;a&quot;:";
    let html_folded = "{\"a\":{\"a\":";
    assert!(
        page.contains(folded) || page.contains(html_folded),
        "the deep rest shows as text"
    );
    assert!(page.contains("Open the whole stored event"));
    // The data the browser hydrates from reads back whole.
    let timeline = calltrail::server::http::page_data::call_timeline(
        &app.state.store,
        "deep-120",
        None,
        60_000,
    )
    .await
    .unwrap()
    .unwrap();
    let data = serde_json::to_string(&timeline).unwrap();
    let read: calltrail::model::CallTimeline = serde_json::from_str(&data).unwrap();
    assert_eq!(read.items, timeline.items);
    assert!(read.items[0].clipped);
}
