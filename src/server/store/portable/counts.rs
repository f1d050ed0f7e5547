//! The rows the settings page counts, read the same way on both engines
//! (inside the caller's snapshot, beside the engine's own size figures).

use super::{portable, Dialect};

/// Rows kept, by kind.
pub(in crate::server::store) struct Counts {
    pub calls: i64,
    pub live_calls: i64,
    /// The last event of the least recently active call (epoch ms).
    pub oldest_call_at: Option<i64>,
    pub events: i64,
    pub deliveries: i64,
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
