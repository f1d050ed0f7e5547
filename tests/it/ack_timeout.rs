//! A webhook whose commit cannot happen in time: answered 503 with
//! Retry-After once the ack timeout has passed, never later, never a 2xx;
//! the write stays queued, and once it commits the sender's retry is a
//! duplicate — stored once.

use std::time::{Duration, Instant};

use axum::http::{header, StatusCode};
use sqlx::{Connection, Executor, PgConnection, SqlitePool};

use crate::common::{app_with, exchange, fixture, post, webhook, TestApp};
use calltrail::server::store::prelude::*;

/// Another connection holding the database's write lock, as a long
/// transaction of another process (or a stalled disk) would.
enum Holder {
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    Postgres(PgConnection),
}

impl Holder {
    async fn take(app: &TestApp, pool: &SqlitePool) -> Holder {
        match &app.pg_url {
            Some(url) => {
                let mut conn = PgConnection::connect(url).await.unwrap();
                conn.execute("BEGIN").await.unwrap();
                conn.execute("LOCK TABLE deliveries IN EXCLUSIVE MODE")
                    .await
                    .unwrap();
                Holder::Postgres(conn)
            }
            None => {
                let mut conn = pool.acquire().await.unwrap();
                conn.execute("BEGIN IMMEDIATE").await.unwrap();
                Holder::Sqlite(conn)
            }
        }
    }

    async fn release(self) {
        match self {
            Holder::Postgres(mut conn) => conn.execute("ROLLBACK").await.map(drop),
            Holder::Sqlite(mut conn) => conn.execute("ROLLBACK").await.map(drop),
        }
        .unwrap();
    }
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_commit_past_the_ack_timeout_is_a_503_and_its_retry_a_duplicate(pool: SqlitePool) {
    let app = app_with(pool.clone(), |config| config.ack_timeout_secs = 1).await;
    let body = fixture("tool-call.json");
    let holder = Holder::take(&app, &pool).await;

    let started = Instant::now();
    let (status, headers, answer) = exchange(&app, webhook(body.clone())).await;
    let took = started.elapsed();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{answer}");
    assert!(headers.contains_key(header::RETRY_AFTER), "{headers:?}");
    assert!(answer.contains("within 1 s"), "{answer}");
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(3),
        "answered after {took:?}"
    );

    // The lock goes; the queued write commits, then the retry behind it.
    holder.release().await;
    let (status, retried) = post(&app, &body).await;
    assert_eq!(status, StatusCode::OK, "{retried}");
    assert_eq!(retried["status"], "duplicate");
    let stored = app.state.store.timeline("abc123").await.unwrap();
    assert_eq!(stored.len(), 1);
}
