//! The rows the settings page counts, read the same way on both engines
//! (inside the caller's snapshot, beside the engine's own size figures).

use super::{portable, Dialect};
use crate::model::DatabaseInfo;

/// Rows kept, by kind.
pub(in crate::server::store) struct Counts {
    pub calls: i64,
    pub live_calls: i64,
    /// The last event of the least recently active call (epoch ms).
    pub oldest_call_at: Option<i64>,
    pub events: i64,
    pub deliveries: i64,
}

/// An engine's own size figures, as the settings page shows them.
pub(in crate::server::store) struct Room {
    pub path: String,
    pub file_bytes: i64,
    pub wal_bytes: i64,
    pub free_bytes: i64,
    pub incremental_vacuum: bool,
}

impl Counts {
    /// What the settings page shows: the engine's room and these rows.
    pub fn in_room(self, room: Room) -> DatabaseInfo {
        DatabaseInfo {
            path: room.path,
            file_bytes: room.file_bytes,
            wal_bytes: room.wal_bytes,
            free_bytes: room.free_bytes,
            incremental_vacuum: room.incremental_vacuum,
            calls: self.calls,
            live_calls: self.live_calls,
            events: self.events,
            deliveries: self.deliveries,
            oldest_call_at: self.oldest_call_at,
        }
    }
}

portable! {
    pub(in crate::server::store) async fn counts(
        conn: &mut <Self as Dialect>::Conn,
    ) -> Result<Counts, sqlx::Error> {
        let (calls, live_calls, oldest_call_at): (i64, i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(CASE WHEN status = 'live' THEN 1 END), MIN(last_event_at)
             FROM calls",
        )
        .fetch_one(&mut *conn)
        .await?;
        let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
            .fetch_one(&mut *conn)
            .await?;
        let deliveries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries")
            .fetch_one(&mut *conn)
            .await?;
        Ok(Counts {
            calls,
            live_calls,
            oldest_call_at,
            events,
            deliveries,
        })
    }
}
