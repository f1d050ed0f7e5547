//! How much room the database takes, what it holds, and giving the pages
//! that deleting rows frees back to the file system (incremental vacuum), a
//! few at a time so the event writer barely notices.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::SqliteConnection;

use super::SqliteStore;
use crate::model::DatabaseInfo;
use crate::server::store::portable::counts::Room;
use crate::server::store::portable::Backend as _;

/// Pages given back per statement (4 KiB each): one short write transaction.
const VACUUM_STEP: i64 = 64;
/// Pause between steps, so queued event writes go first.
const PAUSE: Duration = Duration::from_millis(20);

/// Where SQLite keeps the write-ahead log of the database at `db`: beside
/// it, named `<db>-wal`.
pub fn wal_path(db: &Path) -> PathBuf {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    PathBuf::from(wal)
}

impl SqliteStore {
    pub async fn usage(&self) -> Result<DatabaseInfo, sqlx::Error> {
        let mut tx = self.read.begin().await?;
        let file: String =
            sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                .fetch_one(&mut *tx)
                .await?;
        let page_size = pragma(&mut tx, "page_size").await?;
        let free_pages = pragma(&mut tx, "freelist_count").await?;
        let auto_vacuum = pragma(&mut tx, "auto_vacuum").await?;
        let counts = Self::counts(&mut tx).await?;
        tx.commit().await?;
        let file = Some(PathBuf::from(file)).filter(|f| !f.as_os_str().is_empty());
        let size = |path: Option<PathBuf>| {
            let bytes = path
                .and_then(|p| std::fs::metadata(p).ok())
                .map_or(0, |m| m.len());
            i64::try_from(bytes).unwrap_or(i64::MAX)
        };
        Ok(counts.in_room(Room {
            path: file
                .as_ref()
                .map_or_else(|| "(in memory)".into(), |f| f.display().to_string()),
            file_bytes: size(file.clone()),
            wal_bytes: size(file.as_deref().map(wal_path)),
            free_bytes: free_pages.saturating_mul(page_size),
            incremental_vacuum: auto_vacuum == 2,
        }))
    }

    pub async fn reclaim_free_pages(&self) -> Result<u64, sqlx::Error> {
        if pragma(&mut *self.write.acquire().await?, "auto_vacuum").await? != 2 {
            return Ok(0);
        }
        let mut total = 0;
        loop {
            // Event batches and these steps take turns at the write lock.
            let mut conn = self.write_turn().await?;
            let free = pragma(&mut conn, "freelist_count").await?;
            if free == 0 {
                return Ok(total);
            }
            sqlx::query(&format!("PRAGMA incremental_vacuum({VACUUM_STEP})"))
                .execute(&mut *conn)
                .await?;
            drop(conn);
            total += free.min(VACUUM_STEP).unsigned_abs();
            if free <= VACUUM_STEP {
                return Ok(total);
            }
            tokio::time::sleep(PAUSE).await;
        }
    }
}

/// A pragma's single number, such as `page_size`.
async fn pragma(conn: &mut SqliteConnection, name: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!("PRAGMA {name}"))
        .fetch_one(conn)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wal_sits_beside_the_database() {
        assert_eq!(
            wal_path(Path::new("data/calltrail.db")),
            PathBuf::from("data/calltrail.db-wal")
        );
    }
}
