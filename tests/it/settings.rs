//! `/settings`: the database's real size and counts, the retention in force,
//! only for a signed-in user.

use crate::common::{app_with, call_sequence, exchange, post};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use sqlx::SqlitePool;

use calltrail::model::settings::thousands;
use calltrail::server::http::page_data;

#[sqlx::test(migrations = "migrations/sqlite")]
async fn settings_view_reports_real_counts_and_sizes(pool: SqlitePool) {
    if crate::common::pg::skip_on_postgres(
        "settings::settings_view_reports_real_counts_and_sizes",
        "measures the SQLite file",
    ) {
        return;
    }
    let app = app_with(pool, |config| {
        config.retention_days = 14;
        config.max_events = 2_000_000;
    })
    .await;
    let empty = page_data::settings_page(&app.state.store, &app.state.config, &app.state.redaction)
        .await
        .unwrap();
    assert_eq!(
        (
            empty.database.calls,
            empty.database.events,
            empty.database.deliveries
        ),
        (0, 0, 0)
    );
    assert_eq!(empty.database.oldest_call_at, None);

    let lines = call_sequence();
    for line in &lines {
        post(&app, line).await;
    }
    post(&app, &lines[0]).await; // a duplicate delivery
    post(&app, "not json").await; // a refused one
    post(
        &app,
        r#"{"type":"conversation-update","call_id":"other","metadata":{"role":"user","message":"hi"}}"#,
    )
    .await;

    let page = page_data::settings_page(&app.state.store, &app.state.config, &app.state.redaction)
        .await
        .unwrap();
    let db = &page.database;
    assert_eq!((db.calls, db.live_calls), (2, 1));
    assert_eq!(db.events, lines.len() as i64 + 1);
    assert_eq!(db.deliveries, lines.len() as i64 + 3);
    let file = std::fs::metadata(&db.path).expect("the path shown is the database file");
    assert_eq!(db.file_bytes, file.len() as i64);
    assert!(db.file_bytes >= 4096);
    assert_eq!(db.total_bytes(), db.file_bytes + db.wal_bytes);
    assert!(db.oldest_call_at.is_some());
    let retention: Vec<(&str, Option<&str>)> = page
        .retention
        .iter()
        .map(|s| (s.variable.as_str(), s.limit.as_deref()))
        .collect();
    assert_eq!(
        &retention[..2],
        &[
            (
                "CALLTRAIL_RETENTION_DAYS",
                Some("deleted 14 days after their last event")
            ),
            (
                "CALLTRAIL_MAX_EVENTS",
                Some("at most 2,000,000; the least recently active ended calls go first")
            ),
        ]
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn settings_page_renders_signed_in_and_redirects_without_a_session(pool: SqlitePool) {
    let app = app_with(pool, |_| {}).await;
    for line in call_sequence() {
        post(&app, &line).await;
    }
    let (status, _, page) = exchange(
        &app,
        Request::get("/settings")
            .header("cookie", &app.cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let events = call_sequence().len() as i64;
    for text in [
        "<h1>Settings</h1>",
        &format!(r#"data-testid="db-events">{}<"#, thousands(events)),
        r#"data-testid="db-calls">1<"#,
        "CALLTRAIL_RETENTION_DAYS",
        "off — kept forever",
        "CALLTRAIL_DELIVERY_RETENTION_DAYS",
        "rows older than 30 days are deleted",
        "calltrail backup FILE",
        r#"href="/settings""#,
    ] {
        assert!(page.contains(text), "{text:?} is missing from {page:.3000}");
    }

    let (status, headers, page) = exchange(
        &app,
        Request::get("/settings")
            .header("accept", "text/html")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/login?next=/settings");
    assert!(!page.contains("CALLTRAIL_RETENTION_DAYS"));
}
