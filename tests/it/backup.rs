//! `calltrail backup` and `calltrail restore`: a consistent copy while the
//! app writes, never over an existing file; a restore that checks what it
//! puts in place and refuses while the database is open.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::common::events::said;
use crate::common::{app, call_sequence, file_pool, post};
use axum::http::StatusCode;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::SqlitePool;

use calltrail::server::cli::backup::{backup, restore};
use calltrail::server::config::Database;
use calltrail::server::store::prelude::*;
use calltrail::server::store::Store;

async fn open(path: &Path) -> Store {
    Store::open(&Database::Sqlite(path.to_path_buf()), Arc::new(|_| {}))
        .await
        .unwrap()
}

/// Event ids and the calls' event counts, read with a pool of its own.
async fn event_ids(path: &Path) -> (Vec<i64>, i64) {
    let pool = SqlitePool::connect_with(SqliteConnectOptions::new().filename(path))
        .await
        .unwrap();
    let ids = sqlx::query_scalar("SELECT id FROM events ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    let counted: i64 = sqlx::query_scalar("SELECT COALESCE(SUM(n_events), 0) FROM calls")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    (ids, counted)
}

fn turn(call_id: &str, n: usize) -> String {
    said(call_id, "agent", &format!("turn {n}"))
        .time(1_780_000_000_000 + n as i64)
        .body()
}

#[tokio::test]
async fn backup_while_the_app_writes_holds_every_event_acknowledged_before_it() {
    if crate::common::pg::skip_on_postgres(
        "backup::backup_while_the_app_writes_holds_every_event_acknowledged_before_it",
        "file backups are SQLite's; PostgreSQL's are pg_dump's",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("calltrail.db");
    let app = Arc::new(app(file_pool(&db).await).await);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let mut senders = Vec::new();
    for sender in 0..4 {
        let (app, acked) = (app.clone(), acked.clone());
        senders.push(tokio::spawn(async move {
            for n in 0..150 {
                let (status, body) = post(&app, &turn(&format!("call-{sender}"), n)).await;
                assert_eq!(status, StatusCode::OK);
                let id = body["event_id"].as_i64().expect("an event id");
                acked.lock().unwrap().push(id);
            }
        }));
    }
    while acked.lock().unwrap().len() < 100 {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    let before: Vec<i64> = acked.lock().unwrap().clone();
    let target = dir.path().join("backups/calltrail-backup.db");
    let contents = backup(&db, &target).await.unwrap();
    let during = acked.lock().unwrap().len();
    for sender in senders {
        sender.await.unwrap();
    }
    assert!(during < 600, "the writes were over before the backup ended");

    let (ids, counted) = event_ids(&target).await;
    assert_eq!(contents.events, ids.len() as i64);
    assert_eq!(
        counted,
        ids.len() as i64,
        "calls and events from one moment"
    );
    for id in &before {
        assert!(
            ids.binary_search(id).is_ok(),
            "acknowledged event {id} is missing"
        );
    }
    // A snapshot: exactly the events committed up to its newest one.
    let (all, _) = event_ids(&db).await;
    assert_eq!(all.len(), 600);
    let newest = *ids.last().unwrap();
    let committed: Vec<i64> = all.into_iter().filter(|id| *id <= newest).collect();
    assert_eq!(ids, committed);

    // It opens as a calltrail database with those events.
    let copy = open(&target).await;
    assert_eq!(copy.usage().await.unwrap().events, ids.len() as i64);
    assert!(copy.call("call-0").await.unwrap().is_some());
}

#[tokio::test]
async fn backup_refuses_to_overwrite_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("calltrail.db");
    let _app = app(file_pool(&db).await).await;
    let target = dir.path().join("taken.db");
    std::fs::write(&target, "keep me").unwrap();
    let error = backup(&db, &target).await.unwrap_err().to_string();
    assert!(error.contains("already exists"), "{error}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");

    let missing = backup(&dir.path().join("nope.db"), &dir.path().join("b.db")).await;
    let error = missing.unwrap_err().to_string();
    assert!(error.contains("there is no database"), "{error}");
    assert!(!dir.path().join("b.db").exists());
}

#[tokio::test]
async fn restore_puts_a_backup_in_place_with_the_same_calls_and_events() {
    if crate::common::pg::skip_on_postgres(
        "backup::restore_puts_a_backup_in_place_with_the_same_calls_and_events",
        "file backups are SQLite's; PostgreSQL's are pg_dump's",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("calltrail.db");
    let app = app(file_pool(&db).await).await;
    for line in call_sequence() {
        post(&app, &line).await;
    }
    post(&app, &turn("second", 1)).await;
    let saved = dir.path().join("saved.db");
    backup(&db, &saved).await.unwrap();

    let target = dir.path().join("new/calltrail.db");
    let restored = restore(&saved, &target).await.unwrap();
    assert!(restored.previous.is_none());
    assert_eq!((restored.contents.calls, restored.contents.events), (2, 14));

    let store = open(&target).await;
    for id in ["call_7f3a9c2e", "second"] {
        let original = app.state.store.call(id).await.unwrap();
        assert_eq!(store.call(id).await.unwrap(), original, "{id}");
    }
    assert_eq!(event_ids(&target).await, event_ids(&db).await);
    // The source was made without incremental vacuum; the restored file has it.
    assert!(!app.state.store.usage().await.unwrap().incremental_vacuum);
    assert!(store.usage().await.unwrap().incremental_vacuum);
}

#[tokio::test]
async fn restore_refuses_while_the_database_is_open_and_keeps_what_it_replaces() {
    if crate::common::pg::skip_on_postgres(
        "backup::restore_refuses_while_the_database_is_open_and_keeps_what_it_replaces",
        "file backups are SQLite's; PostgreSQL's are pg_dump's",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("calltrail.db");
    let pool = file_pool(&db).await;
    let app = app(pool.clone()).await;
    post(&app, &turn("kept", 1)).await;
    let saved = dir.path().join("saved.db");
    backup(&db, &saved).await.unwrap();
    post(&app, &turn("after-backup", 1)).await;

    let error = restore(&saved, &db).await.unwrap_err().to_string();
    assert!(error.contains("is open in another process"), "{error}");
    assert!(app
        .state
        .store
        .call("after-backup")
        .await
        .unwrap()
        .is_some());
    assert!(!PathBuf::from(format!("{}.restoring", db.display())).exists());

    // Stopped: the backup goes in, the database it replaces is moved aside.
    // (Closing the store closes the writer's own connection too.)
    app.state.store.close().await;
    let restored = restore(&saved, &db).await.unwrap();
    let previous = restored.previous.expect("the old database is kept");
    assert!(previous.to_string_lossy().contains(".before-restore-"));
    let store = open(&db).await;
    assert!(store.call("kept").await.unwrap().is_some());
    assert!(store.call("after-backup").await.unwrap().is_none());
    let old = open(&previous).await;
    assert!(old.call("after-backup").await.unwrap().is_some());
}

#[tokio::test]
async fn restore_refuses_files_that_are_not_calltrail_databases() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("calltrail.db");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database at all, just some words ".repeat(100)).unwrap();
    let other = dir.path().join("other.db");
    let pool = SqlitePool::connect_with(
        SqliteConnectOptions::new()
            .filename(&other)
            .create_if_missing(true),
    )
    .await
    .unwrap();
    sqlx::query("CREATE TABLE notes (body TEXT)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    for (file, why) in [
        (&text, "not a readable SQLite database"),
        (&other, "not a calltrail database"),
        (&dir.path().join("missing.db"), "there is no backup"),
    ] {
        let error = format!("{:#}", restore(file, &target).await.unwrap_err());
        assert!(error.contains(why), "{}: {error}", file.display());
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !left.iter().any(|f| f.starts_with("calltrail.db")),
        "{left:?}"
    );
}
