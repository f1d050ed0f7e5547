//! Retention of calls: ended calls past `CALLTRAIL_RETENTION_DAYS` and the
//! least recently active ended calls past `CALLTRAIL_MAX_EVENTS` go whole,
//! with their events and deliveries; live calls stay; freed pages go back.

use std::collections::BTreeSet;

use crate::common::events::{end, turn};
use crate::common::{app, post, TestApp};
use axum::http::StatusCode;
use serde_json::json;
use sqlx::sqlite::{SqliteAutoVacuum, SqliteConnectOptions, SqliteJournalMode};
use sqlx::SqlitePool;

use calltrail::server::store::call_retention::{CallRetention, Purged};
use calltrail::server::store::prelude::*;

const DAY: i64 = 24 * 60 * 60 * 1000;
const NOW: i64 = 1_780_000_000_000;

fn transfer(call_id: &str, at_ms: i64) -> String {
    json!({"type": "transfer-call", "call_id": call_id, "timestamp": at_ms,
           "metadata": {"transfer_type": "cold", "transferred_to": "+15550100", "label": "Support"}})
    .to_string()
}

/// Posts `turns` turns a second apart from `start`, then `ending` (if any);
/// returns the events stored.
async fn call(app: &TestApp, id: &str, start: i64, turns: usize, ending: Option<&str>) -> i64 {
    for n in 0..turns {
        let (status, _) = post(app, &turn(id, start + n as i64 * 1000, n)).await;
        assert_eq!(status, StatusCode::OK);
    }
    let at = start + turns as i64 * 1000;
    match ending {
        Some("end") => assert_eq!(post(app, &end(id, at)).await.0, StatusCode::OK),
        Some(_) => assert_eq!(post(app, &transfer(id, at)).await.0, StatusCode::OK),
        None => return turns as i64,
    }
    turns as i64 + 1
}

async fn call_ids(pool: &SqlitePool) -> BTreeSet<String> {
    sqlx::query_scalar("SELECT call_id FROM calls")
        .fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

async fn count(pool: &SqlitePool, sql: &str, call_id: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(call_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn stored(pool: &SqlitePool, call_id: &str) -> (i64, i64) {
    (
        count(
            pool,
            "SELECT COUNT(*) FROM events WHERE call_id = ?",
            call_id,
        )
        .await,
        count(
            pool,
            "SELECT COUNT(*) FROM deliveries WHERE call_id = ?",
            call_id,
        )
        .await,
    )
}

fn days(n: u32) -> CallRetention {
    CallRetention {
        max_age_days: Some(n),
        max_events: None,
        per_source: Vec::new(),
    }
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn retention_deletes_exactly_the_ended_calls_past_the_age(pool: SqlitePool) {
    if crate::common::pg::skip_on_postgres(
        "retention::retention_deletes_exactly_the_ended_calls_past_the_age",
        "sets its rows up in the SQLite test database",
    ) {
        return;
    }
    let app = app(pool.clone()).await;
    call(&app, "old-ended", NOW - 40 * DAY, 4, Some("end")).await;
    call(&app, "old-transferred", NOW - 31 * DAY, 1, Some("transfer")).await;
    call(&app, "old-live", NOW - 90 * DAY, 3, None).await;
    call(&app, "new-ended", NOW - 29 * DAY, 2, Some("end")).await;
    // Started long ago, but its last event is recent.
    call(&app, "long-ended", NOW - 45 * DAY, 1, None).await;
    post(&app, &end("long-ended", NOW - 5 * DAY)).await;
    // A retried delivery (logged as a duplicate) and a refused one.
    let (_, body) = post(&app, &turn("old-ended", NOW - 40 * DAY, 0)).await;
    assert_eq!(body["status"], "duplicate");
    assert_eq!(post(&app, "not json").await.0, StatusCode::BAD_REQUEST);
    let kept = ["long-ended", "new-ended", "old-live"];
    let before: Vec<(i64, i64)> = futures::future::join_all(kept.map(|id| stored(&pool, id))).await;
    assert_eq!(stored(&pool, "old-ended").await, (5, 6));
    let deliveries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries")
        .fetch_one(&pool)
        .await
        .unwrap();

    // Two events per transaction: the first call spans three of them.
    let purged = app
        .state
        .store
        .enforce_call_retention(days(30), NOW, 2)
        .await
        .unwrap();

    assert_eq!(
        purged,
        Purged {
            calls: 2,
            events: 5 + 2,
            deliveries: 6 + 2
        }
    );
    assert_eq!(call_ids(&pool).await, kept.map(String::from).into());
    for id in ["old-ended", "old-transferred"] {
        assert_eq!(stored(&pool, id).await, (0, 0), "{id}");
    }
    let after: Vec<(i64, i64)> = futures::future::join_all(kept.map(|id| stored(&pool, id))).await;
    assert_eq!(after, before);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, deliveries - 8, "the refused delivery stays");

    // Nothing more is past the age; a late event starts its call afresh
    // (the writer forgot the deleted row it had cached).
    let again = app
        .state
        .store
        .enforce_call_retention(days(30), NOW, 2)
        .await;
    assert_eq!(again.unwrap(), Purged::default());
    post(&app, &turn("old-ended", NOW - DAY, 9)).await;
    let call = app.state.store.call("old-ended").await.unwrap().unwrap();
    assert_eq!((call.n_events, call.n_messages), (1, 1));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn max_events_deletes_the_least_recently_active_ended_calls_whole(pool: SqlitePool) {
    if crate::common::pg::skip_on_postgres(
        "retention::max_events_deletes_the_least_recently_active_ended_calls_whole",
        "reads the SQLite test database directly",
    ) {
        return;
    }
    let app = app(pool.clone()).await;
    let live = call(&app, "a-live", NOW - 9 * DAY, 5, None).await;
    let first = call(&app, "b-ended", NOW - 8 * DAY, 2, Some("end")).await;
    let second = call(&app, "c-ended", NOW - 7 * DAY, 3, Some("transfer")).await;
    let third = call(&app, "d-ended", NOW - 6 * DAY, 1, Some("end")).await;
    assert_eq!((live, first, second, third), (5, 3, 4, 2));
    let store = &app.state.store;
    let limit = |n| CallRetention {
        max_age_days: None,
        max_events: Some(n),
        per_source: Vec::new(),
    };

    // 14 stored, 9 allowed: b (3) is not enough, b and c (7) are; c spans
    // two transactions and goes whole although 5 would do.
    let purged = store
        .enforce_call_retention(limit(9), NOW, 2)
        .await
        .unwrap();
    assert_eq!((purged.calls, purged.events), (2, 7));
    assert_eq!(
        call_ids(&pool).await,
        ["a-live", "d-ended"].map(String::from).into()
    );
    assert_eq!(stored(&pool, "c-ended").await, (0, 0));

    // Under the limit: nothing goes.
    let purged = store
        .enforce_call_retention(limit(7), NOW, 2)
        .await
        .unwrap();
    assert_eq!(purged, Purged::default());

    // However low the limit, the live call stays.
    let purged = store
        .enforce_call_retention(limit(1), NOW, 2)
        .await
        .unwrap();
    assert_eq!((purged.calls, purged.events), (1, 2));
    assert_eq!(call_ids(&pool).await, ["a-live"].map(String::from).into());
    assert_eq!(stored(&pool, "a-live").await, (5, 5));

    // Both off: nothing is touched.
    call(&app, "e-ended", NOW - 400 * DAY, 1, Some("end")).await;
    let off = store
        .enforce_call_retention(CallRetention::default(), NOW, 2)
        .await;
    assert_eq!(off.unwrap(), Purged::default());
    assert_eq!(call_ids(&pool).await.len(), 2);
}

#[tokio::test]
async fn freed_pages_go_back_to_the_file_system() {
    if crate::common::pg::skip_on_postgres(
        "retention::freed_pages_go_back_to_the_file_system",
        "SQLite's free pages; PostgreSQL's autovacuum reuses its own",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteConnectOptions::new()
        .filename(dir.path().join("calltrail.db"))
        .create_if_missing(true)
        .auto_vacuum(SqliteAutoVacuum::Incremental)
        .journal_mode(SqliteJournalMode::Wal);
    let pool = SqlitePool::connect_with(options).await.unwrap();
    sqlx::migrate!("./migrations/sqlite")
        .run(&pool)
        .await
        .unwrap();
    let app = app(pool.clone()).await;
    let text = "x".repeat(8_000);
    for i in 0..60 {
        let body = json!({"type": "conversation-update", "call_id": "big",
            "metadata": {"role": "agent", "message": format!("{i} {text}"), "time": NOW - 40 * DAY + i}});
        assert_eq!(post(&app, &body.to_string()).await.0, StatusCode::OK);
    }
    post(&app, &end("big", NOW - 40 * DAY + 100)).await;
    let store = &app.state.store;
    let full = store.usage().await.unwrap();
    assert!(full.incremental_vacuum);
    // The search index merges its segments as it grows, leaving a few free pages.
    assert!(
        full.free_bytes < 60 * 8_000 / 4,
        "{} bytes free",
        full.free_bytes
    );
    let before = checkpointed_size(&pool, &dir).await;

    let purged = store.enforce_call_retention(days(30), NOW, 300).await;
    assert_eq!(purged.unwrap().events, 61);
    let indexed: i64 = sqlx::query_scalar("SELECT count(*) FROM event_text")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(indexed, 0, "purged events leave the search index too");
    let freed = store.usage().await.unwrap().free_bytes - full.free_bytes;
    assert!(freed > 60 * 8_000, "only {freed} bytes freed");

    let pages = store.reclaim_free_pages().await.unwrap();
    assert!(pages * 4096 >= 60 * 8_000, "{pages} pages given back");
    assert_eq!(store.usage().await.unwrap().free_bytes, 0);
    let after = checkpointed_size(&pool, &dir).await;
    assert!(
        after + 60 * 8_000 < before,
        "the file went from {before} to {after} bytes"
    );
}

/// The database file's size once the write-ahead log is folded into it.
async fn checkpointed_size(pool: &SqlitePool, dir: &tempfile::TempDir) -> u64 {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(pool)
        .await
        .unwrap();
    std::fs::metadata(dir.path().join("calltrail.db"))
        .unwrap()
        .len()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_source_keeps_its_calls_for_days_of_its_own(pool: SqlitePool) {
    let app = app(pool.clone()).await;
    call(&app, "old-ended", NOW - 40 * DAY, 2, Some("end")).await;
    call(&app, "new-ended", NOW - 20 * DAY, 2, Some("end")).await;
    let store = &app.state.store;
    // Infer keeps 90 days: the installation's 30 do not apply to it.
    let longer = CallRetention {
        per_source: vec![("infer".into(), 90)],
        ..days(30)
    };
    let purged = store.enforce_call_retention(longer, NOW, 2).await.unwrap();
    assert_eq!(purged.calls, 0);
    // Infer keeps 10 days, whatever the installation says.
    let shorter = CallRetention {
        max_age_days: None,
        max_events: None,
        per_source: vec![("infer".into(), 10)],
    };
    let purged = store.enforce_call_retention(shorter, NOW, 2).await.unwrap();
    assert_eq!(purged.calls, 2);
    assert!(store.call("new-ended").await.unwrap().is_none());
}
