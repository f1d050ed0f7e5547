//! Reading a database file that a server (another process) writes: what
//! the crash check and the bench verify after the fact. Read-only; opening
//! the file recovers it from its write-ahead log, as a restart would.

use std::collections::HashMap;
use std::path::Path;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::SqlitePool;

async fn open(db: &Path) -> Result<SqlitePool, sqlx::Error> {
    SqlitePool::connect_with(SqliteConnectOptions::new().filename(db)).await
}

/// Every stored event's dedup key.
pub async fn dedup_keys(db: &Path) -> Result<Vec<String>, sqlx::Error> {
    let pool = open(db).await?;
    let keys = sqlx::query_scalar("SELECT dedup_key FROM events")
        .fetch_all(&pool)
        .await;
    pool.close().await;
    keys
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
pub async fn stored_events(db: &Path, call_prefix: &str) -> Result<Stored, sqlx::Error> {
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

/// How many events of each kind are stored.
pub async fn event_kinds(db: &Path) -> Result<HashMap<String, u64>, sqlx::Error> {
    let pool = open(db).await?;
    let rows: Result<Vec<(String, i64)>, _> =
        sqlx::query_as("SELECT kind, COUNT(*) FROM events GROUP BY kind")
            .fetch_all(&pool)
            .await;
    pool.close().await;
    Ok(rows?.into_iter().map(|(k, n)| (k, n as u64)).collect())
}
