//! `calltrail migrate-data`: a SQLite installation moved into PostgreSQL,
//! every call, event, delivery, account and rule with it. Runs when the
//! tests run on PostgreSQL (`CALLTRAIL_TEST_PG`).

use std::sync::Arc;

use axum::http::StatusCode;
use tokio::sync::watch;

use crate::common::{assemble, call_sequence, pg, post};
use calltrail::server::app::live::Hub;
use calltrail::server::config::Database;
use calltrail::server::store::move_data::{move_data, MoveError};
use calltrail::server::store::prelude::*;
use calltrail::server::store::Store;

#[tokio::test]
async fn a_sqlite_installation_moves_to_postgres_whole() {
    let Some(server) =
        pg::server_or_skip("move_data::a_sqlite_installation_moves_to_postgres_whole")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.db");
    // An installation with calls, an account and a saved view.
    let (stop, stopping) = watch::channel(false);
    let hub = Hub::new(stopping);
    let store = Store::open(&Database::Sqlite(file.clone()), hub.publisher())
        .await
        .unwrap();
    let app = assemble(store, hub, stop, |_| {}).await;
    for line in call_sequence() {
        let (status, body) = post(&app, &line).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, _) = post(&app, "not json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let old = &app.state.store;
    let user = old.create_first_user("ann", "hash").await.unwrap().unwrap();
    assert!(old
        .save_view(user.id, "mine", "has:tool_error")
        .await
        .unwrap());
    // The newest call goes (as retention would delete it): its ids must
    // not be handed out again after the move.
    let gone = "call-gone";
    let late = r#"{"type":"conversation-update","call_id":"call-gone","timestamp":"2025-04-12T14:40:00Z","metadata":{"role":"agent","message":"bye","time":1744469000000}}"#;
    let (_, last) = post(&app, late).await;
    let last_id = last["event_id"].as_i64().unwrap();
    let sqlite =
        sqlx::SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(&file))
            .await
            .unwrap();
    for sql in [
        "DELETE FROM deliveries WHERE call_id = 'call-gone'",
        "DELETE FROM events WHERE call_id = 'call-gone'",
        "DELETE FROM calls WHERE call_id = 'call-gone'",
    ] {
        sqlx::query(sql).execute(&sqlite).await.unwrap();
    }
    sqlite.close().await;
    let calls = old.past_calls(0, 100).await.unwrap();
    let live = old.live_calls().await.unwrap();
    let call_id = calls.iter().chain(&live).next().unwrap().call_id.clone();
    let timeline = old.timeline(&call_id).await.unwrap();
    let deliveries = old.deliveries(0, 100).await.unwrap();
    let newest = old.latest_event_id().await.unwrap();
    assert!(newest > 0);
    old.close().await;
    drop(app);

    let url = pg::fresh_database(&server).await;
    let counts = move_data(&file, &url).await.unwrap();
    let rows = |t: &str| counts.iter().find(|(n, _)| *n == t).unwrap().1;
    assert_eq!(rows("events"), timeline.len() as i64);
    assert_eq!(rows("deliveries"), deliveries.len() as i64);
    assert_eq!(rows("users"), 1);
    assert_eq!(rows("rules"), 8, "the built-in rules, as SQLite kept them");

    // The PostgreSQL store reads back what SQLite held, ids and all.
    let moved = pg::store_on(&url, Arc::new(|_| {})).await;
    assert_eq!(moved.past_calls(0, 100).await.unwrap(), calls);
    assert_eq!(moved.live_calls().await.unwrap(), live);
    assert_eq!(moved.timeline(&call_id).await.unwrap(), timeline);
    assert_eq!(moved.deliveries(0, 100).await.unwrap(), deliveries);
    assert_eq!(
        moved.user_by_name("ann").await.unwrap().unwrap().id,
        user.id
    );
    assert_eq!(moved.saved_views(user.id).await.unwrap().len(), 1);
    // Cursors start after the moved events, not before them: the id
    // sequences are set past them but not used yet.
    assert_eq!(moved.latest_event_id().await.unwrap(), newest);
    // Search finds the moved text; new rows get ids after the moved ones.
    assert!(moved.call(gone).await.unwrap().is_none());
    let other = moved
        .create_user("bob", "hash", calltrail::model::AccountRole::Viewer)
        .await
        .unwrap()
        .unwrap();
    assert!(other.id > user.id);
    // The next event gets an id after every one SQLite ever gave, the
    // deleted call's included.
    let (stop, stopping) = watch::channel(false);
    let hub = Hub::new(stopping);
    let app = assemble(pg::store_on(&url, hub.publisher()).await, hub, stop, |_| {}).await;
    let (_, next) = post(
        &app,
        &call_sequence()[0].replace("\"call_id\"", "\"x\":1,\"call_id\""),
    )
    .await;
    assert!(
        next["event_id"].as_i64().unwrap() > last_id,
        "{next} after {last_id}"
    );

    // A second move into the same database is refused: it holds data now.
    let again = move_data(&file, &url).await.unwrap_err();
    assert!(matches!(again, MoveError::NotEmpty(_)), "{again}");
}
