//! Shared set-up for the integration tests: an app over a test database, and
//! helpers to send webhooks and read responses.

#![allow(dead_code)]

pub mod events;
pub mod pg;
pub mod receiver;
pub mod sse;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::SqlitePool;
use tokio::sync::watch;
use tower::ServiceExt;

use calltrail::server::app::live::Hub;
use calltrail::server::cli::serve::app_state;
use calltrail::server::config::ServeConfig;
use calltrail::server::http::auth::password;
use calltrail::server::http::router::router;
use calltrail::server::http::AppState;
use calltrail::server::store::prelude::*;
use calltrail::server::store::Store;

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    /// A signed-in session's `Cookie` header value (account `admin`).
    pub cookie: String,
    /// Dropping this would end the live streams; tests keep it.
    pub stop: watch::Sender<bool>,
    /// The PostgreSQL database, when the tests run on PostgreSQL.
    pub pg_url: Option<String>,
}

pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "correct horse battery";

pub async fn app(pool: SqlitePool) -> TestApp {
    app_with(pool, |_| {}).await
}

pub async fn app_with(pool: SqlitePool, configure: impl FnOnce(&mut ServeConfig)) -> TestApp {
    app_with_hub(pool, configure, Hub::new).await
}

/// An app serving a small site of its own from a folder, as
/// `LEPTOS_SITE_ROOT` does: `/pkg/calltrail.css` holds `body{}` and
/// `/favicon.svg` `<svg/>`. The folder lives as long as the returned guard.
pub async fn app_with_site(pool: SqlitePool) -> (TestApp, tempfile::TempDir) {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/calltrail.css"), "body{}").unwrap();
    std::fs::write(site.path().join("favicon.svg"), "<svg/>").unwrap();
    let root = site.path().to_str().unwrap().to_string();
    let app = app_with(pool, |config| config.site_root = Some(root)).await;
    (app, site)
}

/// An app whose live hub is made by `hub` (to choose its capacity), with an
/// admin account signed in.
pub async fn app_with_hub(
    pool: SqlitePool,
    configure: impl FnOnce(&mut ServeConfig),
    hub: impl FnOnce(watch::Receiver<bool>) -> Hub,
) -> TestApp {
    let mut app = bare_app_with_hub(pool, configure, hub).await;
    let hash = password::hash(ADMIN_PASSWORD.to_string()).await;
    app.state
        .store
        .create_first_user(ADMIN, &hash)
        .await
        .expect("create admin");
    app.cookie = sign_in(&app.router, ADMIN, ADMIN_PASSWORD)
        .await
        .expect("the admin signs in");
    app
}

/// An app on its first run: no account yet, nobody signed in.
pub async fn bare_app(pool: SqlitePool, configure: impl FnOnce(&mut ServeConfig)) -> TestApp {
    bare_app_with_hub(pool, configure, Hub::new).await
}

async fn bare_app_with_hub(
    pool: SqlitePool,
    configure: impl FnOnce(&mut ServeConfig),
    hub: impl FnOnce(watch::Receiver<bool>) -> Hub,
) -> TestApp {
    let (stop, stopping) = watch::channel(false);
    let hub = hub(stopping);
    let pg_url = match pg::server_url() {
        Some(server) => Some(pg::fresh_database(&server).await),
        None => None,
    };
    let store = match &pg_url {
        Some(url) => pg::store_on(url, hub.publisher()).await,
        None => {
            Store::from_pool(pool, hub.publisher()).expect("the writer opens the test database")
        }
    };
    let mut app = assemble(store, hub, stop, configure).await;
    app.pg_url = pg_url;
    app
}

/// Another store on `app`'s database, as after a restart (`pool` is the
/// SQLite test database the app was made with).
pub async fn reopen(app: &TestApp, pool: SqlitePool) -> Store {
    match &app.pg_url {
        Some(url) => pg::store_on(url, std::sync::Arc::new(|_| {})).await,
        None => Store::from_pool(pool, std::sync::Arc::new(|_| {})).expect("the store reopens"),
    }
}

/// An app over `store`, whose live updates go to `hub`.
pub async fn assemble(
    store: Store,
    hub: Hub,
    stop: watch::Sender<bool>,
    configure: impl FnOnce(&mut ServeConfig),
) -> TestApp {
    let mut config = ServeConfig::for_tests("unused.db".into());
    configure(&mut config);
    let state = app_state(store, hub, config).await.expect("app state");
    TestApp {
        router: router(state.clone()),
        state,
        cookie: String::new(),
        stop,
        pg_url: None,
    }
}

/// A database file in WAL mode, as the server keeps it, with the migrations.
pub async fn file_pool(path: &std::path::Path) -> SqlitePool {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
    let pool = SqlitePool::connect_with(options).await.unwrap();
    sqlx::migrate!("./migrations/sqlite")
        .run(&pool)
        .await
        .unwrap();
    pool
}

/// Starts the alert rules' runner and the outbox worker, as the server does;
/// they stop with the app.
pub fn start_side_effects(app: &TestApp) {
    calltrail::server::app::side_effects::start(app.state.side_effects(), app.stop.subscribe())
        .expect("the side-effect thread starts");
}

/// Posts the login form; the session cookie when it succeeds.
pub async fn sign_in(router: &Router, username: &str, password: &str) -> Option<String> {
    let form = format!(
        "username={username}&password={}&next=/",
        password.replace(' ', "+")
    );
    let response = router
        .clone()
        .oneshot(
            Request::post("/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    if location.starts_with("/login") {
        return None;
    }
    let set_cookie = response.headers().get("set-cookie")?.to_str().ok()?;
    Some(set_cookie.split(';').next()?.to_string())
}

pub fn fixture(name: &str) -> String {
    let path = format!(
        "{}/src/server/app/platforms/infer/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
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
    let (status, _, body) = exchange(app, request).await;
    let json = serde_json::from_slice(body.as_bytes()).unwrap_or(Value::Null);
    (status, json)
}

/// Sends a request and returns the status, headers and body text.
///
/// Never asks twice: a page may show a secret once. The test server's request
/// limit is 120 s (`ServeConfig::for_tests`) so that a loaded two-core run
/// does not cut a render off.
pub async fn exchange(app: &TestApp, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    answer_of(app, request).await
}

async fn answer_of(app: &TestApp, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let response = app.router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

pub async fn post(app: &TestApp, body: &str) -> (StatusCode, Value) {
    send(app, webhook(body.to_string())).await
}

/// Posts a webhook that must be accepted.
pub async fn deliver(app: &TestApp, body: Value) {
    let (status, answer) = post(app, &body.to_string()).await;
    assert!(status.is_success(), "{answer}");
}

/// `GET uri` with `cookie` as the `Cookie` header (empty: an empty header).
pub fn get(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri)
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap()
}

/// Runs the test Python (`CALLTRAIL_PYTHON`, which .ci/test points at the
/// venv .ci/setup fills; else `python3`) with `args`, feeding it `stdin`;
/// panics with `hint` and its stderr when it fails. Returns its stdout.
pub fn run_python(args: &[&str], stdin: &str, hint: &str) -> Vec<u8> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let python = std::env::var("CALLTRAIL_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut child = Command::new(&python)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running {python}: {e} (set CALLTRAIL_PYTHON; .ci/test does)"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{hint}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The SQLite pool sessions are kept in, for tests that read them directly.
pub fn session_pool(store: &Store) -> SqlitePool {
    match store {
        Store::Sqlite(s) => s.session_pool(),
        Store::Postgres(_) => panic!("this test reads SQLite's session table"),
    }
}

/// Posts a form as the session of `cookie` (none: nobody signed in);
/// returns the status, where it redirects, and the session cookie it set.
pub async fn submit_as(
    app: &TestApp,
    cookie: Option<&str>,
    uri: &str,
    form: &str,
) -> (StatusCode, String, Option<String>) {
    let mut request =
        Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let (status, headers, _) =
        exchange(app, request.body(Body::from(form.to_string())).unwrap()).await;
    let location = headers
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    let set_cookie = headers
        .get("set-cookie")
        .and_then(|c| c.to_str().ok())
        .and_then(|c| c.split(';').next())
        .map(str::to_string);
    (status, location, set_cookie)
}

/// A page as the session of `cookie`: its status and text.
pub async fn page_as(app: &TestApp, cookie: Option<&str>, uri: &str) -> (StatusCode, String) {
    let mut request = Request::get(uri).header("accept", "text/html");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let (status, _, body) = exchange(app, request.body(Body::empty()).unwrap()).await;
    (status, body)
}
