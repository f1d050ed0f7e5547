//! What the settings page shows of the database, on PostgreSQL: its size
//! as PostgreSQL reports it, and the rows kept. Space that deleted rows
//! leave is PostgreSQL's (autovacuum) to reuse, so nothing is reclaimed here.

use super::PgStore;
use crate::model::DatabaseInfo;
use crate::server::store::portable::counts::Room;

impl PgStore {
    /// Sizes and row counts, read from one snapshot.
    pub async fn usage(&self) -> Result<DatabaseInfo, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let (name, bytes): (String, i64) =
            sqlx::query_as("SELECT current_database(), pg_database_size(current_database())")
                .fetch_one(&mut *tx)
                .await?;
        let counts = Self::counts(&mut tx).await?;
        tx.commit().await?;
        // No write-ahead log or free pages to show: PostgreSQL's own.
        Ok(counts.in_room(Room {
            path: format!("PostgreSQL database {name}"),
            file_bytes: bytes,
            wal_bytes: 0,
            free_bytes: 0,
            incremental_vacuum: true,
        }))
    }

    /// Nothing to give back: PostgreSQL's autovacuum reuses the room.
    pub async fn reclaim_free_pages(&self) -> Result<u64, sqlx::Error> {
        Ok(0)
    }
}
