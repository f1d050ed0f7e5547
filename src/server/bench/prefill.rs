//! Filling the database fast, straight through SQLite, so reads can be
//! measured at scale (a 10,000-event call, a million events) without posting
//! each event. Rows are copies of a template event the server stored.

use std::path::Path;
use std::time::{Duration, Instant};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::SqlitePool;

/// Adds `calls` ended calls named `{prefix}{n}`, `per_call` events each.
pub async fn calls(db: &Path, prefix: &str, calls: i64, per_call: i64) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let options = SqliteConnectOptions::new()
        .filename(db)
        .busy_timeout(Duration::from_secs(30));
    let pool = SqlitePool::connect_with(options).await?;
    let mut tx = pool.begin().await?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1)
         INSERT INTO events (call_id, source, kind, occurred_at, seconds_from_start, received_at,
                             dedup_key, normalized, raw)
         SELECT ?2 || (i / ?3), t.source, t.kind, t.occurred_at + (i % ?3) * 1000,
                (i % ?3), t.received_at, ?2 || 'copy-' || i, t.normalized, t.raw
         FROM n, (SELECT * FROM events ORDER BY id LIMIT 1) AS t",
    )
    .bind(calls * per_call)
    .bind(prefix)
    .bind(per_call)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO calls (call_id, source, status, started_at, ended_at, last_event_at,
                            last_event_id, n_events, n_messages)
         SELECT call_id, 'infer', 'ended', MIN(occurred_at), MAX(occurred_at), MAX(occurred_at),
                MAX(id), COUNT(*), COUNT(*)
         FROM events WHERE call_id LIKE ?1 || '%' GROUP BY call_id",
    )
    .bind(prefix)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    pool.close().await;
    Ok(started.elapsed())
}
