//! Keeping the delivery log bounded: rows older than
//! `CALLTRAIL_DELIVERY_RETENTION_DAYS` or beyond the newest
//! `CALLTRAIL_DELIVERY_MAX_ROWS` are deleted by a background task, in small
//! batches so the event writer never waits long for the database.
//!
//! Deleting a delivery row never loses an event: an event keeps its own raw
//! body and normalized form in `events`, and nothing refers to a delivery row
//! (the reference runs the other way, `deliveries.event_id`).

use std::time::Duration;

use super::{portable, Backend as _};

use crate::model::time::DAY_MS;

/// Rows deleted per statement; each statement holds the write lock briefly.
const BATCH: i64 = 500;
/// Pause between batches, so queued event writes go first.
const PAUSE: Duration = Duration::from_millis(20);

/// How much of the delivery log to keep; `None` is no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryRetention {
    pub max_age_days: Option<u32>,
    pub max_rows: Option<u64>,
}

portable! {
    pub async fn delete_old_deliveries(
        &self,
        before: Option<i64>,
        keep: Option<u64>,
        batch: i64,
    ) -> Result<u64, sqlx::Error> {
        // With no limit: a time before every row, an offset past every row.
        let before = before.unwrap_or(i64::MIN);
        let keep = keep.map_or(i64::MAX, |k| i64::try_from(k).unwrap_or(i64::MAX));
        let deleted = sqlx::query(
            "DELETE FROM deliveries WHERE id IN (
                 SELECT id FROM deliveries
                 WHERE received_at < $1
                    OR id <= (SELECT id FROM deliveries ORDER BY id DESC LIMIT 1 OFFSET $2)
                 ORDER BY id LIMIT $3)",
        )
        .bind(before)
        .bind(keep)
        .bind(batch)
        .execute(&mut *self.write_turn().await?)
        .await?;
        Ok(deleted.rows_affected())
    }

    pub async fn enforce_delivery_retention(
        &self,
        retention: DeliveryRetention,
        now: i64,
    ) -> Result<u64, sqlx::Error> {
        let before = retention
            .max_age_days
            .map(|days| now.saturating_sub(i64::from(days).saturating_mul(DAY_MS)));
        if before.is_none() && retention.max_rows.is_none() {
            return Ok(0);
        }
        let mut total = 0;
        loop {
            let deleted = self
                .delete_old_deliveries(before, retention.max_rows, BATCH)
                .await?;
            total += deleted;
            if deleted < BATCH as u64 {
                break;
            }
            tokio::time::sleep(PAUSE).await;
        }
        // Sent forwards and notifications, with their attempts, are kept as
        // long as the deliveries.
        if let Some(before) = before {
            while self.prune_outbox(before, BATCH).await? == BATCH as u64 {
                tokio::time::sleep(PAUSE).await;
            }
        }
        Ok(total)
    }
}
