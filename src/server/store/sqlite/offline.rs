//! Reading a database file that a server (another process) writes: what
//! the crash check and the bench verify after the fact. Read-only; opening
//! the file recovers it from its write-ahead log, as a restart would.

use std::collections::HashMap;
use std::path::Path;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::SqlitePool;

use crate::server::store::Error;

async fn open(db: &Path) -> Result<SqlitePool, sqlx::Error> {
    SqlitePool::connect_with(SqliteConnectOptions::new().filename(db)).await
}

/// The statements that swap the search index for a view that takes rows
/// and keeps none (every other statement of ingest the same).
const WITHOUT_SEARCH_INDEX: [&str; 4] = [
    "DROP TRIGGER event_text_remove",
    "DROP TABLE event_text",
    "CREATE VIEW event_text (rowid, body) AS SELECT 0, '' WHERE 0",
    "CREATE TRIGGER event_text_swallow INSTEAD OF INSERT ON event_text BEGIN SELECT 1; END",
];

/// Swaps the search index of a stopped server's (migrated) database for
/// one that keeps nothing: what `bench --only index` compares against.
pub async fn drop_search_index(db: &Path) -> Result<(), Error> {
    let pool = open(db).await?;
    for sql in WITHOUT_SEARCH_INDEX {
        sqlx::query(sql).execute(&pool).await?;
    }
    pool.close().await;
    Ok(())
}

/// The metrics runner's cursor and the newest event's id, read from a
/// running server's database (0 for either when there is none).
pub async fn metrics_progress(db: &Path) -> Result<(i64, i64), Error> {
    let pool =
        SqlitePool::connect_with(SqliteConnectOptions::new().filename(db).read_only(true)).await?;
    let progress = sqlx::query_as(
        "SELECT COALESCE((SELECT position FROM cursors WHERE name = 'metrics'), 0),
                COALESCE((SELECT MAX(id) FROM events), 0)",
    )
    .fetch_one(&pool)
    .await;
    pool.close().await;
    Ok(progress?)
}

/// Every stored event's dedup key.
pub async fn dedup_keys(db: &Path) -> Result<Vec<String>, Error> {
    let pool = open(db).await?;
    let keys = sqlx::query_scalar("SELECT dedup_key FROM events")
        .fetch_all(&pool)
        .await;
    pool.close().await;
    Ok(keys?)
}

/// What the bench checks its acknowledgements against.
pub struct Stored {
    /// Event ids of each call whose id starts with the prefix, in commit order.
    pub by_call: HashMap<String, Vec<i64>>,
    /// Deliveries logged as repeats of a stored event.
    pub duplicate_deliveries: i64,
}

impl Stored {
    pub fn events(&self) -> usize {
        self.by_call.values().map(Vec::len).sum()
    }
}

/// The events of the calls whose ids start with `call_prefix`.
pub async fn stored_events(db: &Path, call_prefix: &str) -> Result<Stored, Error> {
    let pool = open(db).await?;
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT call_id, id FROM events WHERE substr(call_id, 1, length(?1)) = ?1 ORDER BY id",
    )
    .bind(call_prefix)
    .fetch_all(&pool)
    .await?;
    let duplicate_deliveries =
        sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE outcome = 'duplicate'")
            .fetch_one(&pool)
            .await?;
    pool.close().await;
    let mut by_call: HashMap<String, Vec<i64>> = HashMap::new();
    for (call, id) in rows {
        by_call.entry(call).or_default().push(id);
    }
    Ok(Stored {
        by_call,
        duplicate_deliveries,
    })
}

/// How many deliveries of the calls whose ids start with `call_prefix`
/// were stored as new events.
pub async fn accepted_deliveries(db: &Path, call_prefix: &str) -> Result<u64, Error> {
    let pool = open(db).await?;
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM deliveries
         WHERE outcome = 'accepted' AND substr(call_id, 1, length(?1)) = ?1",
    )
    .bind(call_prefix)
    .fetch_one(&pool)
    .await?;
    pool.close().await;
    Ok(u64::try_from(n).unwrap_or_default())
}

/// How many events of each kind are stored.
pub async fn event_kinds(db: &Path) -> Result<HashMap<String, u64>, Error> {
    let pool = open(db).await?;
    let rows: Result<Vec<(String, i64)>, _> =
        sqlx::query_as("SELECT kind, COUNT(*) FROM events GROUP BY kind")
            .fetch_all(&pool)
            .await;
    pool.close().await;
    Ok(rows?.into_iter().map(|(k, n)| (k, n as u64)).collect())
}

/// How many ended calls had their last event before `at` (epoch ms): what
/// retention by age has still to delete.
pub async fn ended_calls_before(db: &Path, at: i64) -> Result<i64, Error> {
    let pool =
        SqlitePool::connect_with(SqliteConnectOptions::new().filename(db).read_only(true)).await?;
    let n = sqlx::query_scalar(
        "SELECT COUNT(*) FROM calls WHERE status != 'live' AND last_event_at < ?1",
    )
    .bind(at)
    .fetch_one(&pool)
    .await;
    pool.close().await;
    Ok(n?)
}
