//! Callers' sensitive data, redacted where it must be and nowhere else: a
//! restricted viewer reaches none of it — page, live stream, search, export
//! — while no id, timestamp or invalid card is touched; at ingest the
//! database itself never holds it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::json;
use sqlx::SqlitePool;
use tower::ServiceExt;

use crate::common::{self, app_with, deliver, page_as, TestApp};
use calltrail::model::AccountRole;
use calltrail::server::http::auth::password;
use calltrail::server::store::automation::DestinationSettings;
use calltrail::server::store::now_ms;
use calltrail::server::store::prelude::*;

const CALL: &str = "123e4567-e89b-12d3-a456-426614174000";

/// What must not reach a restricted viewer, nor the database at ingest.
const SENSITIVE: [&str; 6] = [
    "415-555-0123",
    "4111 1111 1111 1111",
    "ann.lee@example.com",
    "123-45-6789",
    "+1 212 555 0199",
    "1600 Pennsylvania Avenue",
];

/// What must come through untouched everywhere.
const KEPT: [&str; 4] = [
    CALL,
    "4111 1111 1111 1112", // not a card: its Luhn check fails
    "ord_4155550123",
    "2025-04-12T14:32:00Z",
];

async fn deliver_call(app: &TestApp) {
    let said = [
        "My number is 415-555-0123 and my card is 4111 1111 1111 1111.",
        "The old card 4111 1111 1111 1112 was refused; write to ann.lee@example.com.",
        "My social is 123-45-6789, I live at 1600 Pennsylvania Avenue.",
    ];
    for (i, text) in said.iter().enumerate() {
        deliver(
            app,
            json!({"type": "conversation-update", "call_id": CALL,
                   "timestamp": format!("2025-04-12T14:32:0{i}Z"),
                   "metadata": {"role": "user", "message": text, "secondsFromStart": i}}),
        )
        .await;
    }
    deliver(
        app,
        json!({"type": "tool-call", "call_id": CALL, "timestamp": "2025-04-12T14:32:00Z",
               "metadata": {"functionName": "lookup_order",
                            "arguments": {"order_id": "ord_4155550123", "phone": "+1 212 555 0199",
                                          "created_at": "2025-04-12T14:32:00Z"}}}),
    )
    .await;
}

async fn account(app: &TestApp, role: AccountRole) -> String {
    let name = format!("{role}-reader");
    let hash = password::hash("a long enough password".into()).await;
    app.state
        .store
        .create_user(&name, &hash, role)
        .await
        .unwrap()
        .unwrap();
    common::sign_in(&app.router, &name, "a long enough password")
        .await
        .unwrap()
}

/// What a live stream sends within a second of opening.
async fn stream_text(app: &TestApp, uri: &str, cookie: &str) -> String {
    let request = Request::get(uri)
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    let mut body = response.into_body();
    let mut text = String::new();
    while let Ok(Some(Ok(frame))) = tokio::time::timeout(Duration::from_secs(1), body.frame()).await
    {
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
    }
    text
}

fn none_of(what: &str, text: &str) {
    for value in SENSITIVE {
        assert!(!text.contains(value), "{what} shows {value:?}");
    }
}

fn all_of(what: &str, text: &str, values: &[&str]) {
    for value in values {
        assert!(text.contains(value), "{what} lost {value:?}: {text:.2000}");
    }
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_restricted_viewer_reaches_no_sensitive_value_and_every_id(pool: SqlitePool) {
    let app = app_with(pool, |_| {}).await;
    deliver_call(&app).await;
    let restricted = account(&app, AccountRole::Restricted).await;
    let viewer = account(&app, AccountRole::Viewer).await;
    let page = format!("/calls/{CALL}");

    let (status, html) = page_as(&app, Some(&restricted), &page).await;
    assert_eq!(status, StatusCode::OK);
    none_of("the call page", &html);
    all_of("the call page", &html, &KEPT);
    all_of(
        "the call page",
        &html,
        &["[phone]", "[card]", "[email]", "[ssn]", "[address]"],
    );
    // A viewer reads it whole.
    let (_, whole) = page_as(&app, Some(&viewer), &page).await;
    all_of("a viewer's call page", &whole, &SENSITIVE[..4]);

    let live = stream_text(&app, &format!("/api/live/calls/{CALL}"), &restricted).await;
    assert!(live.contains("[card]"), "{live:.500}");
    none_of("the call's live stream", &live);
    all_of("the call's live stream", &live, &KEPT[..2]);
    let list = stream_text(&app, "/api/live/calls", &restricted).await;
    assert!(list.contains(CALL));
    none_of("the calls stream", &list);

    for uri in [
        "/export?format=jsonl&q=",
        "/export?format=csv&q=",
        "/export?format=json&q=",
    ] {
        let (status, text) = page_as(&app, Some(&restricted), uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        none_of(uri, &text);
        assert!(text.contains(CALL), "{uri}");
    }
    let (_, jsonl) = page_as(&app, Some(&restricted), "/export?format=jsonl&q=").await;
    all_of("the events export", &jsonl, &KEPT);

    // Search: snippets are redacted, and a search for a sensitive value is refused.
    let (_, found) = page_as(&app, Some(&restricted), "/?q=card").await;
    assert!(found.contains(CALL), "{found:.500}");
    none_of("search results", &found);
    let (_, probe) = page_as(&app, Some(&restricted), "/?q=%22415-555-0123%22").await;
    assert!(
        probe.contains("cannot search for a phone number"),
        "{probe:.500}"
    );
    assert!(!probe.contains(CALL));

    // Counted per call, and searchable.
    let call = app.state.store.call(CALL).await.unwrap().unwrap();
    assert_eq!(call.n_redacted, 6);
    let (_, redacted) = page_as(&app, Some(&viewer), "/?q=has:redacted").await;
    assert!(redacted.contains(CALL), "{redacted:.500}");
}

/// Every row of every table, as text.
async fn everything_stored(app: &TestApp, pool: &SqlitePool) -> String {
    if let Some(url) = &app.pg_url {
        let pg = sqlx::PgPool::connect(url).await.unwrap();
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
        )
        .fetch_all(&pg)
        .await
        .unwrap();
        let mut all = String::new();
        for table in tables {
            let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT t::text FROM {table} t"))
                .fetch_all(&pg)
                .await
                .unwrap();
            all.push_str(&rows.join("\n"));
        }
        return all;
    }
    let file: String =
        sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
            .fetch_one(pool)
            .await
            .unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    if let Ok(wal) = std::fs::read(format!("{file}-wal")) {
        bytes.extend(wal);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn at_ingest_the_database_never_holds_a_sensitive_value(pool: SqlitePool) {
    let app = app_with(pool.clone(), |config| config.redaction = "ingest".into()).await;
    deliver_call(&app).await;
    // A refused delivery's body is logged redacted too.
    let (status, _) = common::post(&app, "{\"call me\": \"415-555-0123\"").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let stored = everything_stored(&app, &pool).await;
    none_of("the database", &stored);
    all_of("the database", &stored, &KEPT);
    assert!(stored.contains("[phone]") && stored.contains("[card]"));
    // Even an admin reads the redacted text: it cannot be undone.
    let (_, html) = page_as(&app, Some(&app.cookie), &format!("/calls/{CALL}")).await;
    none_of("an admin's call page", &html);
}

/// A receiver that keeps each body it is sent; its URL and what it got.
async fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let keep = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: String| {
            let keep = keep.clone();
            async move {
                keep.lock().unwrap().push(body);
                StatusCode::OK
            }
        }),
    );
    (format!("{}/hook", common::receiver::serve(app).await), got)
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn forwards_follow_the_destinations_setting(pool: SqlitePool) {
    let app = app_with(pool, |c| {
        c.outbound.allow_private_destinations = true;
        c.outbound.forward_retry_base_ms = 20;
    })
    .await;
    common::start_side_effects(&app);
    let (plain_url, plain) = receiver().await;
    let (redacted_url, redacted) = receiver().await;
    for (name, url, redact) in [("plain", plain_url, false), ("private", redacted_url, true)] {
        let settings = DestinationSettings {
            name: name.into(),
            url,
            events: Vec::new(),
            condition: None,
            secret: None,
            redact,
        };
        app.state
            .store
            .save_destination(&settings, now_ms())
            .await
            .unwrap();
    }
    deliver_call(&app).await;
    for _ in 0..200 {
        if plain.lock().unwrap().len() >= 4 && redacted.lock().unwrap().len() >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sent = redacted.lock().unwrap().join("\n");
    let whole = plain.lock().unwrap().join("\n");
    assert_eq!(redacted.lock().unwrap().len(), 4, "{sent}");
    none_of("a redacting destination's forwards", &sent);
    all_of("a redacting destination's forwards", &sent, &KEPT);
    all_of("a plain destination's forwards", &whole, &SENSITIVE[..5]);
}
