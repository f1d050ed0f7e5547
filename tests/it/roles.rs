//! Every route × every role: each page, server function, stream, form and
//! export answers each of the four roles and an anonymous visitor as this
//! file's own table says, in every spelling of its path. The routes are
//! found, not listed by hand: the app's pages, the registered server
//! functions and the permission table must each have a row here, so a new
//! route without one fails — and so does a route mounted outside the guard.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::routing::post;
use axum::Router;
use leptos_axum::generate_route_list;
use sqlx::SqlitePool;
use tower::ServiceExt;

use crate::api::permissions::TOKEN_EXPECT;
use crate::common::{self, app_with, exchange, fixture, TestApp};
use calltrail::model::AccountRole;
use calltrail::server::http::auth::{password, permits};
use calltrail::server::store::prelude::*;
use calltrail::shell::App;

/// Who may: the least trusted role that may use the route (`None`: any
/// signed-in account).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Least {
    Anyone,
    Restricted,
    Viewer,
    Editor,
    Admin,
}

/// This test's own table, written apart from the server's.
const EXPECT: &[(&str, &str, Least)] = &[
    ("GET", "/", Least::Restricted),
    ("GET", "/calls/*", Least::Restricted),
    ("GET", "/insights", Least::Restricted),
    ("GET", "/alerts", Least::Restricted),
    ("GET", "/alerts/rules", Least::Restricted),
    ("GET", "/automations", Least::Restricted),
    ("GET", "/deliveries", Least::Viewer),
    ("GET", "/settings", Least::Anyone),
    ("GET", "/settings/tokens", Least::Anyone),
    ("GET", "/settings/users", Least::Admin),
    ("GET", "/settings/audit", Least::Admin),
    ("GET", "/review", Least::Restricted),
    ("GET", "/compare", Least::Restricted),
    ("GET", "/compare/ticked", Least::Restricted),
    ("GET", "/deliveries/{}/body", Least::Viewer),
    ("GET", "/events/{}/body", Least::Viewer),
    ("GET", "/recordings/{}/{}", Least::Viewer),
    ("GET", "/export", Least::Restricted),
    ("GET", "/export/fixture", Least::Viewer),
    ("GET", "/settings/audit/export", Least::Admin),
    ("GET", "/api/live/calls", Least::Restricted),
    ("GET", "/api/live/calls/{}", Least::Restricted),
    ("GET", "/api/live/alerts", Least::Restricted),
    ("GET", "/api/live/deliveries", Least::Viewer),
    ("POST", "/api/load_viewer", Least::Anyone),
    ("POST", "/api/setup_needs_code", Least::Anyone),
    ("POST", "/api/load_settings", Least::Anyone),
    ("POST", "/api/load_calls", Least::Restricted),
    ("POST", "/api/load_call", Least::Restricted),
    ("POST", "/api/load_alerts", Least::Restricted),
    ("POST", "/api/load_issues", Least::Restricted),
    ("POST", "/api/load_rules", Least::Restricted),
    ("POST", "/api/load_automations", Least::Restricted),
    ("POST", "/api/load_insights", Least::Restricted),
    ("POST", "/api/load_export_progress", Least::Restricted),
    ("POST", "/api/load_deliveries", Least::Viewer),
    ("POST", "/api/load_event_body", Least::Viewer),
    ("POST", "/api/send_test_event", Least::Editor),
    ("POST", "/api/rotate_webhook_token", Least::Admin),
    ("POST", "/api/load_tokens", Least::Anyone),
    ("POST", "/api/load_users", Least::Admin),
    ("POST", "/api/load_audit", Least::Admin),
    ("POST", "/api/load_queues", Least::Restricted),
    ("POST", "/api/load_comparison", Least::Restricted),
    ("POST", "/api/load_search_comparison", Least::Restricted),
    ("POST", "/settings/password", Least::Anyone),
    ("POST", "/settings/tokens", Least::Anyone),
    ("POST", "/settings/tokens/{}/revoke", Least::Anyone),
    ("POST", "/alerts/{}/act", Least::Editor),
    ("POST", "/alerts/issues/act", Least::Editor),
    ("POST", "/alerts/rules", Least::Editor),
    ("POST", "/alerts/rules/{}", Least::Editor),
    ("POST", "/alerts/rules/{}/delete", Least::Editor),
    ("POST", "/automations/channels", Least::Editor),
    ("POST", "/automations/channels/{}/test", Least::Editor),
    ("POST", "/automations/channels/{}/delete", Least::Editor),
    ("POST", "/automations/destinations", Least::Editor),
    ("POST", "/automations/destinations/{}/test", Least::Editor),
    ("POST", "/automations/destinations/{}/pause", Least::Editor),
    ("POST", "/automations/destinations/{}/resume", Least::Editor),
    ("POST", "/automations/destinations/{}/replay", Least::Editor),
    ("POST", "/automations/destinations/{}/delete", Least::Editor),
    ("POST", "/automations/outbox/{}/redeliver", Least::Editor),
    ("POST", "/views", Least::Editor),
    ("POST", "/views/{}/delete", Least::Editor),
    ("POST", "/settings/users/invite", Least::Admin),
    ("POST", "/settings/users/links/{}/revoke", Least::Admin),
    ("POST", "/settings/users/{}/role", Least::Admin),
    ("POST", "/settings/users/{}/disable", Least::Admin),
    ("POST", "/settings/users/{}/enable", Least::Admin),
    ("POST", "/settings/users/{}/reset", Least::Admin),
    ("POST", "/settings/delete-call", Least::Admin),
    ("POST", "/settings/retention", Least::Admin),
    // Reviewing: viewers only when an admin lets them (tests/it/review/).
    ("POST", "/review/notes", Least::Editor),
    ("POST", "/review/notes/{}", Least::Editor),
    ("POST", "/review/notes/{}/delete", Least::Editor),
    ("POST", "/review/flag", Least::Editor),
    ("POST", "/review/verdict", Least::Editor),
    ("POST", "/review/queues/{}/next", Least::Editor),
    ("POST", "/review/queues", Least::Editor),
    ("POST", "/review/queues/{}/delete", Least::Editor),
    ("POST", "/review/shares", Least::Editor),
    ("POST", "/review/shares/{}/revoke", Least::Editor),
    ("POST", "/review/reasons", Least::Admin),
    ("POST", "/review/reasons/retire", Least::Admin),
    ("POST", "/review/viewers", Least::Admin),
];

/// Routes open on purpose (signing in), left out of the table.
const SIGN_IN_PAGES: [&str; 7] = [
    "/login",
    "/setup",
    "/invite/{}",
    "/api/load_invite",
    "/api/sign_in_options",
    // A shared link's call (tests/it/review/shares.rs).
    "/share/{}",
    "/api/load_shared_call",
];

const PASSWORD: &str = "a long enough password";

/// The accounts: an admin (the app's own) and one of each other role.
struct Accounts(Vec<(Option<AccountRole>, Option<String>)>);

async fn accounts(app: &TestApp) -> Accounts {
    let mut all = vec![
        (None, None),
        (Some(AccountRole::Admin), Some(app.cookie.clone())),
    ];
    let hash = password::hash(PASSWORD.to_string()).await;
    for role in [
        AccountRole::Editor,
        AccountRole::Viewer,
        AccountRole::Restricted,
    ] {
        let name = format!("{role}-account");
        app.state
            .store
            .create_user(&name, &hash, role)
            .await
            .unwrap()
            .unwrap();
        let cookie = common::sign_in(&app.router, &name, PASSWORD).await;
        all.push((Some(role), Some(cookie.expect("signs in"))));
    }
    Accounts(all)
}

fn allowed(role: AccountRole, least: Least) -> bool {
    let rank = |r: AccountRole| match r {
        AccountRole::Admin => 4,
        AccountRole::Editor => 3,
        AccountRole::Viewer => 2,
        AccountRole::Restricted => 1,
    };
    let needed = match least {
        Least::Anyone | Least::Restricted => 1,
        Least::Viewer => 2,
        Least::Editor => 3,
        Least::Admin => 4,
    };
    rank(role) >= needed
}

/// A route's path with sample values, in spellings a router might normalise.
fn spellings(pattern: &str) -> Vec<String> {
    let path = pattern.replace("{}", "1").replace('*', "abc123");
    let rest = path.trim_start_matches('/').to_string();
    let mut all = vec![
        path.clone(),
        format!("{path}/"),
        format!("/{rest}").replace('/', "//"),
        format!("/x/../{rest}"),
        format!("/{}", rest.to_uppercase()),
    ];
    if let Some(first) = rest.chars().next() {
        all.push(format!("/%{:02X}{}", first as u8, &rest[1..]));
    }
    all.dedup();
    all
}

/// Sends one request and reads its status (a stream's body is not read).
async fn status_of(router: &Router, method: &str, uri: &str, cookie: Option<&str>) -> StatusCode {
    let mut request = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(uri)
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let Ok(request) = request.body(Body::from("page=1&call_id=abc123")) else {
        return StatusCode::BAD_REQUEST;
    };
    router.clone().oneshot(request).await.unwrap().status()
}

/// Every (row, account, spelling) whose answer is not what the row says,
/// and every discovered route without a row.
async fn check(router: &Router, accounts: &Accounts, rows: &[(&str, &str, Least)]) -> Vec<String> {
    let mut failures = Vec::new();
    for (method, pattern, least) in rows {
        for uri in spellings(pattern) {
            for (role, cookie) in &accounts.0 {
                let status = status_of(router, method, &uri, cookie.as_deref()).await;
                let ok = match role {
                    None => matches!(status, StatusCode::SEE_OTHER | StatusCode::UNAUTHORIZED),
                    Some(role) if allowed(*role, *least) => {
                        !matches!(status, StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED)
                    }
                    Some(_) => status == StatusCode::FORBIDDEN,
                };
                // A spelling the router itself turns away is closed to all.
                let turned_away = uri != spellings(pattern)[0]
                    && matches!(
                        status,
                        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
                    )
                    && role.is_some_and(|r| allowed(r, *least));
                if !ok && !turned_away {
                    let who = role.map_or("anonymous".to_string(), |r| r.to_string());
                    failures.push(format!("{method} {uri} as {who}: {status}"));
                }
            }
        }
    }
    failures
}

/// Routes the app has that the table has no row for.
fn unlisted() -> Vec<String> {
    // The API and MCP routes answer tokens, not sessions: their own table.
    let listed = |method: &str, pattern: &str| {
        EXPECT.iter().any(|(m, p, _)| *m == method && *p == pattern)
            || SIGN_IN_PAGES.contains(&pattern)
            || TOKEN_EXPECT
                .iter()
                .any(|(m, p, ..)| *m == method && *p == pattern)
    };
    let mut found: Vec<(String, String)> = generate_route_list(App)
        .iter()
        .map(|route| {
            // `/invite/:token` or `/invite/{token}`: one segment, as the table writes it.
            let path = route
                .path()
                .split('/')
                .map(
                    |s| match s.starts_with(':') || (s.starts_with('{') && !s.starts_with("{*")) {
                        true => "{}",
                        false => s,
                    },
                )
                .collect::<Vec<_>>()
                .join("/");
            let pattern = match path.find("/*").or_else(|| path.find("/{*")) {
                Some(i) => format!("{}/*", &path[..i]),
                None => path,
            };
            ("GET".to_string(), pattern)
        })
        .collect();
    found.extend(
        leptos::server_fn::axum::server_fn_paths()
            .map(|(path, method)| (method.to_string(), path.to_string())),
    );
    found.extend(
        permits::PERMITS
            .iter()
            .map(|(m, p, _)| (m.to_string(), p.to_string())),
    );
    found
        .into_iter()
        .filter(|(m, p)| !listed(m, p))
        .map(|(m, p)| format!("{m} {p} has no row in the route × role table"))
        .collect()
}

async fn app_with_data(pool: SqlitePool) -> TestApp {
    let app = app_with(pool, |config| config.webhook.auth = None).await;
    for body in [fixture("conversation-update.json")] {
        let request = Request::post("/webhooks/infer")
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap();
        exchange(&app, request).await;
    }
    app
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn every_route_answers_every_role_as_the_table_says(pool: SqlitePool) {
    let app = app_with_data(pool).await;
    let accounts = accounts(&app).await;
    let mut failures = unlisted();
    failures.extend(check(&app.router, &accounts, EXPECT).await);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_route_outside_the_guard_fails_the_check(pool: SqlitePool) {
    let app = app_with_data(pool).await;
    let accounts = accounts(&app).await;
    // Added after the guard's layer, so the guard never sees it.
    let router = app
        .router
        .clone()
        .route("/automations/unguarded-test", post(|| async { "changed" }));
    let row = [("POST", "/automations/unguarded-test", Least::Editor)];
    let failures = check(&router, &accounts, &row).await;
    assert!(
        failures
            .iter()
            .any(|f| f == "POST /automations/unguarded-test as anonymous: 200 OK"),
        "{failures:?}"
    );
    assert!(
        failures
            .iter()
            .any(|f| f == "POST /automations/unguarded-test as viewer: 200 OK"),
        "{failures:?}"
    );
}
