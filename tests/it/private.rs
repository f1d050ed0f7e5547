//! Private means private: without a session, no spelling of any page, data
//! or stream path returns a call id, a transcript, a delivery body or the
//! webhook token — and server functions refuse even when called in-process,
//! as a server render calls them.

use crate::common;
use crate::common::{app_with, exchange, fixture, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use leptos::prelude::{provide_context, Owner};
use leptos::reactive::computed::ScopedFuture;
use sqlx::SqlitePool;

use calltrail::server::config::Secret;

const TOKEN: &str = "private-webhook-token-0123456789";
/// What must never reach a visitor without a session.
const SECRETS: [&str; 5] = [
    "abc123",                           // the fixture call's id
    "Hello, how can I help you today?", // its transcript
    "delivery-body-marker-7c1e",        // a refused delivery's body
    TOKEN,
    "call_7f3a9c2e",
];

async fn app_with_data(pool: SqlitePool) -> TestApp {
    let app = app_with(pool, |config| {
        config.webhook.auth = None;
        config.webhook.token = Some(Secret(TOKEN.into()));
    })
    .await;
    for body in [
        fixture("conversation-update.json"),
        common::call_sequence()[0].clone(),
        r#"{"delivery-body-marker-7c1e": "#.to_string(),
    ] {
        let request = Request::post(format!("/webhooks/infer?token={TOKEN}"))
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap();
        exchange(&app, request).await;
    }
    app
}

/// Page and data paths, each in many spellings a router might normalise.
fn spellings() -> Vec<String> {
    let paths = [
        "/",
        "/calls/abc123",
        "/calls/call_7f3a9c2e",
        "/deliveries",
        "/deliveries/1/body",
        "/deliveries/3/body",
        "/events/1/body",
        "/recordings/elevenlabs/conv_1",
        "/events/2/body",
        "/api/load_event_body",
        "/settings",
        "/api/live/calls",
        "/api/live/calls/abc123",
        "/api/load_calls",
        "/api/load_call",
        "/api/load_deliveries",
        "/api/rotate_webhook_token",
        "/api/load_viewer",
        "/api/load_settings",
        "/alerts",
        "/alerts/rules",
        "/automations",
        "/api/live/alerts",
        "/api/load_alerts",
        "/api/load_rules",
        "/api/load_automations",
        "/alerts/1/act",
        "/alerts/issues/act",
        "/api/load_issues",
        "/alerts/rules/1",
        "/alerts/rules/1/delete",
        "/automations/channels",
        "/automations/channels/1/test",
        "/automations/destinations",
        "/automations/destinations/1/replay",
        "/automations/destinations/1/pause",
        "/automations/destinations/1/test",
        "/settings/password",
        "/automations/outbox/1/redeliver",
        "/export",
        "/insights",
        "/export/fixture",
        "/views",
        "/views/1/delete",
        "/api/send_test_event",
        "/api/live/deliveries",
    ];
    let mut all = Vec::new();
    for path in paths {
        let rest = path.trim_start_matches('/');
        let first = rest.chars().next().unwrap_or('x');
        let encoded_first = format!("%{:02X}{}", first as u8, rest.get(1..).unwrap_or(""));
        all.extend([
            path.to_string(),
            format!("{path}/"),
            format!("{path}//"),
            format!("{path}/."),
            format!("{path}/./"),
            format!("{path}/x/.."),
            format!("{path}?page=1"),
            format!("{path};x"),
            format!("{path}%2F"),
            format!("{path}/index.html"),
            format!("/./{rest}"),
            format!("/x/../{rest}"),
            format!("/x/%2e%2e/{rest}"),
            format!("/%2e/{rest}"),
            format!("//{rest}"),
            format!("/{encoded_first}"),
            format!("/{}", rest.to_uppercase()),
            format!("/pkg/../{rest}"),
            format!("/api/../{rest}"),
            format!("/webhooks/infer/../{rest}"),
            format!("/healthz/../{rest}"),
            format!("/login/../{rest}"),
            format!("/favicon.svg/../{rest}"),
        ]);
    }
    all.extend(
        [
            "/calls",
            "/calls/",
            "/calls/abc123%2F",
            "/calls%2Fabc123",
            "/calls/./abc123",
            "/calls/x/../abc123",
            "/login/",
            "/setup/",
            "/no-such-page",
            "/index.html",
            "/%2e%2e/deliveries",
            "/deliveries/..%2F..%2Fdeliveries",
        ]
        .map(String::from),
    );
    all
}

fn request(method: &Method, uri: &str) -> Option<Request<Body>> {
    let builder = Request::builder().method(method.clone()).uri(uri);
    let request = if method == Method::POST {
        builder
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("page=1&call_id=abc123"))
    } else {
        builder.header("accept", "text/html").body(Body::empty())
    };
    // A spelling `http` cannot even parse cannot be sent either.
    request.ok()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn no_spelling_of_a_path_shows_anything_without_a_session(pool: SqlitePool) {
    let app = app_with_data(pool).await;
    // The data is there for someone signed in.
    let (status, _, page) = exchange(
        &app,
        Request::get("/calls/abc123")
            .header("cookie", &app.cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Hello, how can I help you today?"));

    let mut tried = 0;
    for uri in spellings() {
        for method in [Method::GET, Method::HEAD, Method::POST] {
            let Some(request) = request(&method, &uri) else {
                continue;
            };
            tried += 1;
            let (status, headers, body) = exchange(&app, request).await;
            for secret in SECRETS {
                assert!(
                    !body.contains(secret),
                    "{method} {uri} ({status}) shows {secret:?}: {body:.300}"
                );
            }
            let location = headers
                .get("location")
                .map(|l| l.to_str().unwrap().to_string());
            match status {
                StatusCode::SEE_OTHER => {
                    let to = location.unwrap_or_default();
                    assert!(to.starts_with("/login?next="), "{method} {uri} → {to}");
                }
                StatusCode::UNAUTHORIZED
                | StatusCode::NOT_FOUND
                | StatusCode::METHOD_NOT_ALLOWED => {
                    assert!(
                        !body.contains("<html") && !body.contains("<!DOCTYPE"),
                        "{method} {uri} ({status}) renders the app: {body:.300}"
                    );
                }
                other => panic!("{method} {uri} answered {other} without a session"),
            }
        }
    }
    assert!(tried > 1000, "only {tried} requests were tried");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn signed_in_unknown_paths_get_the_apps_not_found_page(pool: SqlitePool) {
    let app = app_with_data(pool).await;
    let (status, _, page) = exchange(
        &app,
        Request::get("/no-such-page")
            .header("cookie", &app.cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        page.contains("There is no page at this address."),
        "{page:.300}"
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn static_assets_stay_public(pool: SqlitePool) {
    let (app, _site) = common::app_with_site(pool).await;
    for (uri, body) in [("/pkg/calltrail.css", "body{}"), ("/favicon.svg", "<svg/>")] {
        let (status, _, text) =
            exchange(&app, Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!((status, text.as_str()), (StatusCode::OK, body), "{uri}");
    }
    for uri in ["/pkg/missing.js", "/pkg/../favicon.svg", "/pkg/"] {
        let (status, _, text) =
            exchange(&app, Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(!text.contains("<html"), "{uri}");
    }
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn server_functions_refuse_without_a_signed_in_user_even_in_process(pool: SqlitePool) {
    let app = app_with_data(pool).await;
    let owner = Owner::new();
    owner.with(|| provide_context(app.state.clone()));
    let calls = owner
        .with(|| ScopedFuture::new(calltrail::server_fns::load_calls(1, None, None)))
        .await;
    let call = owner
        .with(|| {
            ScopedFuture::new(calltrail::server_fns::load_call(
                "abc123".into(),
                None,
                None,
                false,
            ))
        })
        .await;
    let deliveries = owner
        .with(|| {
            ScopedFuture::new(calltrail::server_fns::load_deliveries(
                1,
                Default::default(),
            ))
        })
        .await;
    let rotate = owner
        .with(|| ScopedFuture::new(calltrail::server_fns::rotate_webhook_token()))
        .await;
    let settings = owner
        .with(|| ScopedFuture::new(calltrail::server_fns::load_settings()))
        .await;
    for (name, error) in [
        ("load_calls", calls.err()),
        ("load_call", call.err()),
        ("load_deliveries", deliveries.err()),
        ("rotate_webhook_token", rotate.err()),
        ("load_settings", settings.err()),
    ] {
        let error = error.unwrap_or_else(|| panic!("{name} answered without a user"));
        assert!(
            error.to_string().contains("not signed in"),
            "{name}: {error}"
        );
    }
    // The token was not rotated.
    assert_eq!(
        app.state.webhook_auth.current_token().as_deref(),
        Some(TOKEN)
    );
}
