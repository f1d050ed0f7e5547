//! Accounts and sessions through the real router: first-run setup, sign-in,
//! the guard (redirects for pages, 401 for server functions and streams),
//! sign-out, password resets, throttling, cross-site refusal, and the
//! security headers pages carry.

use crate::common;
use crate::common::{app, bare_app, exchange, post, sign_in, TestApp, ADMIN, ADMIN_PASSWORD};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use calltrail::server::config::Secret;
use calltrail::server::http::auth::{ensure_admin, password};
use calltrail::server::store::prelude::*;
use sqlx::SqlitePool;

fn get(uri: &str, cookie: &str) -> Request<Body> {
    let mut request = Request::get(uri);
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    request.body(Body::empty()).unwrap()
}

fn form(uri: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn server_fn(name: &str, cookie: &str) -> Request<Body> {
    let mut request = Request::post(format!("/api/{name}"))
        .header("content-type", "application/x-www-form-urlencoded");
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    request.body(Body::from("page=1")).unwrap()
}

async fn location(app: &TestApp, request: Request<Body>) -> (StatusCode, String) {
    let (status, headers, _) = exchange(app, request).await;
    let location = headers
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location)
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn first_run_creates_the_admin_once(pool: SqlitePool) {
    let app = bare_app(pool, |_| {}).await;
    assert_eq!(
        location(&app, get("/", "")).await,
        (StatusCode::SEE_OTHER, "/setup".into())
    );
    assert_eq!(location(&app, get("/login", "")).await.1, "/setup");

    let (status, where_to) = location(
        &app,
        form(
            "/setup",
            "username=ada&password=longenough&confirm=different",
        ),
    )
    .await;
    assert_eq!(
        (status, where_to.as_str()),
        (StatusCode::SEE_OTHER, "/setup?error=mismatch")
    );

    let (status, headers, _) = exchange(
        &app,
        form(
            "/setup",
            "username=ada&password=longenough&confirm=longenough",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/");
    let cookie = headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let (status, _, body) = exchange(&app, get("/", &cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("ada"), "the layout names the account");

    // Once an account exists, setup is closed to everyone.
    assert_eq!(location(&app, get("/setup", "")).await.1, "/login");
    let (_, where_to) = location(
        &app,
        form(
            "/setup",
            "username=eve&password=longenough&confirm=longenough",
        ),
    )
    .await;
    assert_eq!(where_to, "/login");
    assert!(app.state.store.user_by_name("eve").await.unwrap().is_none());
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn without_a_session_pages_redirect_and_data_answers_401(pool: SqlitePool) {
    let app = app(pool).await;
    post(&app, &common::fixture("conversation-update.json")).await;
    assert_eq!(
        location(&app, get("/calls/abc123?x=1", "")).await,
        (
            StatusCode::SEE_OTHER,
            "/login?next=/calls/abc123%3Fx%3D1".into()
        )
    );
    for request in [
        get("/api/live/calls", ""),
        get("/api/live/calls/abc123", ""),
        server_fn("load_calls", ""),
        server_fn("load_deliveries", ""),
    ] {
        let uri = request.uri().to_string();
        let (status, _, body) = exchange(&app, request).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        assert!(body.contains("not signed in"), "{uri}: {body}");
    }
    // Health and webhooks stay open to their callers.
    assert_eq!(exchange(&app, get("/healthz", "")).await.0, StatusCode::OK);

    // With the session, the same requests work.
    assert_eq!(
        exchange(&app, server_fn("load_calls", &app.cookie)).await.0,
        StatusCode::OK
    );
    let (status, _, page) = exchange(&app, get("/calls/abc123", &app.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("abc123"));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn wrong_passwords_are_refused_and_then_throttled(pool: SqlitePool) {
    let app = app(pool).await;
    assert_eq!(sign_in(&app.router, ADMIN, "wrong password").await, None);
    assert_eq!(sign_in(&app.router, "nobody", ADMIN_PASSWORD).await, None);
    let (_, where_to) = location(
        &app,
        form("/login", "username=admin&password=nope&next=/deliveries"),
    )
    .await;
    assert_eq!(where_to, "/login?error=invalid&next=/deliveries");
    for _ in 0..3 {
        sign_in(&app.router, ADMIN, "still wrong").await;
    }
    // Five failures for the account: even the right password must wait.
    let (_, where_to) = location(
        &app,
        form("/login", "username=admin&password=correct+horse+battery"),
    )
    .await;
    assert!(
        where_to.starts_with("/login?error=throttled&wait="),
        "{where_to}"
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn signing_out_or_resetting_the_password_ends_sessions(pool: SqlitePool) {
    let app = app(pool).await;
    let (status, headers, _) = exchange(&app, {
        let mut r = form("/logout", "");
        r.headers_mut()
            .insert("cookie", app.cookie.parse().unwrap());
        r
    })
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/login?signed_out=1");
    assert_eq!(
        exchange(&app, get("/api/live/calls", &app.cookie)).await.0,
        StatusCode::UNAUTHORIZED
    );

    let cookie = sign_in(&app.router, ADMIN, ADMIN_PASSWORD).await.unwrap();
    assert_eq!(
        exchange(&app, server_fn("load_calls", &cookie)).await.0,
        StatusCode::OK
    );
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let hash = password::hash("a brand new password".into()).await;
    assert!(app.state.store.set_password(ADMIN, &hash).await.unwrap());
    assert_eq!(
        exchange(&app, server_fn("load_calls", &cookie)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert!(sign_in(&app.router, ADMIN, "a brand new password")
        .await
        .is_some());
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn cross_site_server_function_calls_are_refused(pool: SqlitePool) {
    let app = app(pool).await;
    let mut request = server_fn("load_calls", &app.cookie);
    request
        .headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(exchange(&app, request).await.0, StatusCode::FORBIDDEN);
    let mut request = server_fn("rotate_webhook_token", &app.cookie);
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    request
        .headers_mut()
        .insert("host", "localhost:3000".parse().unwrap());
    assert_eq!(exchange(&app, request).await.0, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn pages_carry_a_nonce_csp_and_render_transcripts_as_text(pool: SqlitePool) {
    let app = app(pool).await;
    let hostile = common::fixture("conversation-update.json").replace(
        "Hello, how can I help you today?",
        "<img src=x onerror=alert(1)>",
    );
    assert_eq!(post(&app, &hostile).await.0, StatusCode::OK);
    let (status, headers, page) = exchange(&app, get("/calls/abc123", &app.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!page.contains("<img src=x"));

    let csp = headers["content-security-policy"].to_str().unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the CSP");
    assert!(nonce.len() >= 16);
    assert!(
        page.contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry the nonce"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert_eq!(headers["x-frame-options"], "DENY");
    let (_, headers, _) = exchange(&app, get("/login", "")).await;
    assert!(headers.contains_key("content-security-policy"));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_admin_comes_from_the_environment_when_there_is_none(pool: SqlitePool) {
    let app = bare_app(pool, |_| {}).await;
    let mut config = (*app.state.config).clone();
    config.admin_user = Some("ops".into());
    config.admin_password = Some(Secret("from-the-environment".into()));
    ensure_admin(&app.state.store, &config).await.unwrap();
    assert!(sign_in(&app.router, "ops", "from-the-environment")
        .await
        .is_some());
    // A second start does not touch the existing account.
    config.admin_password = Some(Secret("another-password".into()));
    ensure_admin(&app.state.store, &config).await.unwrap();
    assert!(sign_in(&app.router, "ops", "another-password")
        .await
        .is_none());
}

/// The login form, posted from `peer` (as if from that socket).
fn login_from(peer: &str, username: &str, password: &str) -> Request<Body> {
    use axum::extract::ConnectInfo;
    let mut request = form(
        "/login",
        &format!("username={username}&password={password}&next=/deliveries"),
    );
    let addr: std::net::SocketAddr = peer.parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(addr));
    request
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn parallel_wrong_guesses_cannot_all_pass_the_throttle(pool: SqlitePool) {
    let app = app(pool).await;
    let guesses = (0..12).map(|i| {
        let body = format!("username=admin&password=guess{i}&next=/deliveries");
        location(&app, form("/login", &body))
    });
    let answers = futures::future::join_all(guesses).await;
    let invalid = answers
        .iter()
        .filter(|(_, l)| l == "/login?error=invalid&next=/deliveries")
        .count();
    let throttled = answers
        .iter()
        .filter(|(_, l)| l.starts_with("/login?error=throttled&wait="))
        .count();
    assert_eq!((invalid, throttled), (5, 7), "{answers:?}");
    assert_eq!(sign_in(&app.router, ADMIN, ADMIN_PASSWORD).await, None);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn oversized_credentials_are_refused_as_wrong(pool: SqlitePool) {
    let app = app(pool).await;
    let huge = "a".repeat(100_000);
    let (status, where_to) = location(
        &app,
        form(
            "/login",
            &format!("username={huge}&password=correct+horse+battery&next=/deliveries"),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(where_to, "/login?error=invalid&next=/deliveries");

    // A password past the cap is refused even when it is the right one.
    let long = "p".repeat(password::MAX_PASSWORD_BYTES + 1);
    let hash = password::hash(long.clone()).await;
    assert!(app.state.store.set_password(ADMIN, &hash).await.unwrap());
    assert_eq!(sign_in(&app.router, ADMIN, &long).await, None);
    let at_cap = "q".repeat(password::MAX_PASSWORD_BYTES);
    let hash = password::hash(at_cap.clone()).await;
    assert!(app.state.store.set_password(ADMIN, &hash).await.unwrap());
    assert!(sign_in(&app.router, ADMIN, &at_cap).await.is_some());
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_stranger_guessing_from_elsewhere_slows_but_cannot_lock_out_the_admin(pool: SqlitePool) {
    let app = app(pool).await;
    // Twelve wrong guesses, each from another address: none is throttled.
    for i in 0..12 {
        let peer = format!("198.51.100.{i}:40000");
        let (_, where_to) = location(&app, login_from(&peer, ADMIN, "guess")).await;
        assert_eq!(
            where_to, "/login?error=invalid&next=/deliveries",
            "guess {i}"
        );
    }
    // The admin, from home, still gets in.
    let (_, where_to) = location(
        &app,
        login_from("[2001:db8:7:7::1]:443", ADMIN, "correct+horse+battery"),
    )
    .await;
    assert_eq!(where_to, "/deliveries");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn guesses_from_one_ipv6_64_count_together(pool: SqlitePool) {
    let app = app(pool).await;
    // Changing the low 64 bits of the address does not reset the count.
    for i in 0..5 {
        let peer = format!("[2001:db8:9:9::{:x}]:443", i + 1);
        let (_, where_to) = location(&app, login_from(&peer, ADMIN, "guess")).await;
        assert_eq!(
            where_to, "/login?error=invalid&next=/deliveries",
            "guess {i}"
        );
    }
    let (_, where_to) = location(
        &app,
        login_from("[2001:db8:9:9:abcd::1]:443", ADMIN, "correct+horse+battery"),
    )
    .await;
    assert!(
        where_to.starts_with("/login?error=throttled&wait="),
        "{where_to}"
    );
    // The next /64 over is someone else.
    let (_, where_to) = location(
        &app,
        login_from("[2001:db8:9:a::1]:443", ADMIN, "correct+horse+battery"),
    )
    .await;
    assert_eq!(where_to, "/deliveries");
}
