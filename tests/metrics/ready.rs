//! `/readyz`: ready while the writer runs and the database takes a write.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use sqlx::SqlitePool;

use crate::common::{bare_app, fixture, post, send};
use crate::SERIAL;

#[sqlx::test(migrations = "migrations/sqlite")]
async fn ready_until_the_database_cannot_take_writes(pool: SqlitePool) {
    if crate::common::pg::skip_on_postgres(
        "ready::ready_until_the_database_cannot_take_writes",
        "locks the SQLite file to make writes fail",
    ) {
        return;
    }
    let _serial = SERIAL.lock().await;
    let app = bare_app(pool.clone(), |_| {}).await;
    let readyz = || Request::get("/readyz").body(Body::empty()).unwrap();
    let (status, body) = send(&app, readyz()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "ready");

    pool.close().await;
    let (status, body) = send(&app, readyz()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["detail"], "the database cannot be written");
    // A delivery that cannot be stored stops the writer for good.
    assert_eq!(
        post(&app, &fixture("end-call.json")).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    let mut detail = Value::Null;
    for _ in 0..50 {
        let (status, body) = send(&app, readyz()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        detail = body["detail"].clone();
        if detail
            .as_str()
            .is_some_and(|d| d.contains("writer has stopped"))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(detail, "the writer has stopped; restart calltrail");
}
