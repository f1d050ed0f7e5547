//! Migrations move a database made by an older calltrail to the current
//! schema without losing a row: here, a database at the schema before each
//! body was stored once (migrations 0001–0003), filled as that version
//! filled it, then opened by the current store; and one from before calls
//! kept their caller and agent (0001–0015).

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::SqlitePool;

use calltrail::model::{DeliveryOutcome, EventDetail};
use calltrail::server::config::Database;
use calltrail::server::store::prelude::*;
use calltrail::server::store::Store;

const BODY: &str = r#"{"type":"conversation-update","call_id":"old-call","metadata":{"role":"user","message":"hello"}}"#;
const REPEAT: &str = r#"{"type":"conversation-update","call_id":"old-call","metadata":{"role":"user","message":"hello"},"retry":1}"#;

/// A database at schema version `last` (older migrations only).
async fn old_database(path: &Path, last: i64) -> SqlitePool {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal);
    let pool = SqlitePool::connect_with(options).await.unwrap();
    let mut migrator = sqlx::migrate!("./migrations/sqlite");
    let older: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|m| m.version <= last)
        .cloned()
        .collect();
    assert_eq!(older.len() as i64, last, "migrations 1..={last} exist");
    migrator.migrations = Cow::Owned(older);
    Migrator::run(&migrator, &pool).await.unwrap();
    pool
}

#[tokio::test]
async fn a_database_from_before_bodies_were_stored_once_keeps_every_row_and_body() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("calltrail.db");
    let pool = old_database(&db, 3).await;
    // As the previous writer stored them: the event with its raw body, and
    // each delivery with its own copy of the body.
    let normalized = serde_json::to_string(&EventDetail::Unknown {
        event_type: "conversation-update".into(),
    })
    .unwrap();
    sqlx::query(
        "INSERT INTO events (id, call_id, source, kind, occurred_at, received_at, dedup_key, normalized, raw)
         VALUES (7, 'old-call', 'infer', 'unknown', 1000, 1000, 'sha256:x', ?, ?)",
    )
    .bind(&normalized)
    .bind(BODY)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO calls (call_id, source, status, started_at, last_event_at, last_event_id, n_events)
         VALUES ('old-call', 'infer', 'live', 1000, 1000, 7, 1)",
    )
    .execute(&pool)
    .await
    .unwrap();
    for (id, outcome, status, event_id, body) in [
        (1, "accepted", 200, Some(7), BODY.as_bytes()),
        (2, "duplicate", 200, Some(7), REPEAT.as_bytes()),
        (3, "rejected", 400, None, b"not json".as_slice()),
    ] {
        sqlx::query(
            "INSERT INTO deliveries (id, received_at, source, outcome, http_status, call_id, event_id, body)
             VALUES (?, 1000, 'infer', ?, ?, 'old-call', ?, ?)",
        )
        .bind(id)
        .bind(outcome)
        .bind(status)
        .bind(event_id)
        .bind(body)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;

    let store = Store::open(&Database::Sqlite(db.clone()), Arc::new(|_| {}))
        .await
        .unwrap();
    let deliveries = store.deliveries(0, 10).await.unwrap();
    let seen: Vec<_> = deliveries
        .iter()
        .map(|d| (d.id, d.outcome, d.event_id, d.body.as_str(), d.body_len))
        .collect();
    assert_eq!(
        seen,
        [
            (3, DeliveryOutcome::Rejected, None, "not json", 8),
            (
                2,
                DeliveryOutcome::Duplicate,
                Some(7),
                REPEAT,
                REPEAT.len() as i64
            ),
            (
                1,
                DeliveryOutcome::Accepted,
                Some(7),
                BODY,
                BODY.len() as i64
            ),
        ]
    );
    for (id, body) in [(1, BODY), (2, REPEAT), (3, "not json")] {
        assert_eq!(
            store.delivery_body(id).await.unwrap().as_deref(),
            Some(body)
        );
    }
    let timeline = store.timeline("old-call").await.unwrap();
    assert_eq!(timeline.len(), 1);
    assert_eq!((timeline[0].id, timeline[0].raw.as_str()), (7, BODY));
    assert_eq!(store.call("old-call").await.unwrap().unwrap().n_events, 1);
    store.close().await;

    // The accepted delivery's copy is gone from the file: the body is kept once.
    let pool = SqlitePool::connect_with(SqliteConnectOptions::new().filename(&db))
        .await
        .unwrap();
    let copies: Vec<(i64, bool)> =
        sqlx::query_as("SELECT id, body IS NULL FROM deliveries ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(copies, [(1, true), (2, false), (3, false)]);
    pool.close().await;
}

/// Calls stored before calltrail kept who was on them get their caller and
/// agent from their events' bodies when the database is upgraded.
#[tokio::test]
async fn calls_stored_before_parties_were_kept_get_them_from_their_events() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("calltrail.db");
    let pool = old_database(&db, 15).await;
    let fixture = |path: &str| {
        let (platform, name) = path.split_once('/').unwrap();
        std::fs::read_to_string(format!(
            "{}/src/server/app/platforms/{platform}/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let events = [
        // A part of a history (no call object), then a whole body.
        ("v", "vapi", r#"{"role":"user","message":"hi"}"#.to_string()),
        ("v", "vapi", fixture("vapi/hang.json")),
        (
            "r",
            "retell",
            fixture("retell/call_ended_not_connected.json"),
        ),
        ("i", "infer", fixture("infer/tool-call.json")),
        // Retell's older envelope; a blank field gives way to the next.
        (
            "d",
            "retell",
            r#"{"event":"call_started","data":{"call_id":"d","from_number":" +14155550123 ","agent_name":" ","to_number":"+18885550100"}}"#.to_string(),
        ),
    ];
    for (n, (call, source, raw)) in events.iter().enumerate() {
        sqlx::query(
            "INSERT INTO events (call_id, source, kind, occurred_at, received_at, dedup_key, normalized, raw)
             VALUES (?, ?, 'unknown', 1000, 1000, ?, '{}', ?)",
        )
        .bind(call)
        .bind(source)
        .bind(format!("k{n}"))
        .bind(raw)
        .execute(&pool)
        .await
        .unwrap();
    }
    for (call, source) in [
        ("v", "vapi"),
        ("r", "retell"),
        ("i", "infer"),
        ("d", "retell"),
    ] {
        sqlx::query(
            "INSERT INTO calls (call_id, source, status, started_at, last_event_at, last_event_id)
             VALUES (?, ?, 'ended', 1000, 1000, 1)",
        )
        .bind(call)
        .bind(source)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;

    let store = Store::open(&Database::Sqlite(db.clone()), Arc::new(|_| {}))
        .await
        .unwrap();
    let parties = |c: calltrail::model::CallSummary| (c.caller, c.agent);
    let named = |caller: &str, agent: &str| (Some(caller.to_string()), Some(agent.to_string()));
    assert_eq!(
        parties(store.call("v").await.unwrap().unwrap()),
        named("+14155550142", "Northwind Support Line")
    );
    assert_eq!(
        parties(store.call("r").await.unwrap().unwrap()),
        named("+14155550177", "Northwind Support (Ava)")
    );
    assert_eq!(
        parties(store.call("i").await.unwrap().unwrap()),
        (None, None)
    );
    assert_eq!(
        parties(store.call("d").await.unwrap().unwrap()),
        named("+14155550123", "+18885550100")
    );
}

/// Event and delivery ids only grow: once the newest rows are deleted (by
/// retention, after a quiet spell), the next rows do not take their ids,
/// which cursors and browsers have already passed.
#[sqlx::test(migrations = "migrations/sqlite")]
async fn deleting_the_newest_rows_frees_no_id(pool: SqlitePool) {
    let event = |key: &'static str| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO events (call_id, source, kind, occurred_at, received_at, dedup_key, normalized, raw)
             VALUES ('c', 'infer', 'unknown', 0, 0, ?, '{}', '{}') RETURNING id",
        )
        .bind(key)
    };
    let delivery = || {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO deliveries (received_at, source, outcome, http_status, body)
             VALUES (0, 'infer', 'rejected', 400, x'00') RETURNING id",
        )
    };
    let first = event("a").fetch_one(&pool).await.unwrap();
    let second = event("b").fetch_one(&pool).await.unwrap();
    let logged = delivery().fetch_one(&pool).await.unwrap();
    sqlx::query("DELETE FROM events WHERE id = ?")
        .bind(second)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM deliveries")
        .execute(&pool)
        .await
        .unwrap();
    assert!(first < second);
    assert_eq!(event("c").fetch_one(&pool).await.unwrap(), second + 1);
    assert_eq!(delivery().fetch_one(&pool).await.unwrap(), logged + 1);
}
