//! Deleting one call on an admin's word: its events (and so their search
//! entries), the deliveries that brought them or name it, its metrics, its
//! alerts and its queued forwards and notifications, in small write
//! transactions that take turns with ingest, as retention does.

use super::call_retention::{Purged, BATCH};
use super::{portable, Backend as _};

portable! {
    /// Deletes the call `call_id` and everything about it; `None` when
    /// there is no such call.
    pub async fn delete_call_now(&self, call_id: &str) -> Result<Option<Purged>, sqlx::Error> {
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM calls WHERE call_id = $1)")
            .bind(call_id)
            .fetch_one(self.reader())
            .await?;
        if !exists {
            return Ok(None);
        }
        let mut total = Purged::default();
        loop {
            let mut conn = self.write_turn().await?;
            let mut tx = Self::begin_write(&mut conn).await?;
            let step = Self::delete_call(&mut tx, call_id, BATCH).await?;
            total += step;
            let done = step.calls == 1;
            if done {
                for table in ["alerts", "outbox", "deliveries"] {
                    let gone = sqlx::query(&format!("DELETE FROM {table} WHERE call_id = $1"))
                        .bind(call_id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    if table == "deliveries" {
                        total.deliveries += gone;
                    }
                }
            }
            tx.commit().await?;
            self.call_rows_changed();
            if done {
                return Ok(Some(total));
            }
        }
    }
}
