//! Reading a call's events back as timeline items.

use super::{portable, Backend as _, IdSequence};
use crate::model::{clip, TimelineItem, TimelinePoint};
use crate::server::store::rows::{EventRow, EVENT_COLUMNS as COLUMNS, EVENT_COLUMNS_WITHOUT_BODY};

portable! {
    pub async fn timeline(&self, call_id: &str) -> Result<Vec<TimelineItem>, sqlx::Error> {
        let rows: Vec<EventRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM events WHERE call_id = $1 ORDER BY occurred_at, id"
        ))
        .bind(call_id)
        .fetch_all(self.reader())
        .await?;
        Ok(rows.into_iter().map(TimelineItem::from).collect())
    }

    pub async fn timeline_to_measure(&self, call_id: &str) -> Result<Vec<TimelineItem>, sqlx::Error> {
        let rows: Vec<EventRow> = sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS_WITHOUT_BODY} FROM events WHERE call_id = $1 ORDER BY occurred_at, id"
        ))
        .bind(call_id)
        .fetch_all(self.reader())
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let mut item = TimelineItem::from(row);
                item.detail = item.detail.without_tool_payloads();
                item
            })
            .collect())
    }

    pub async fn timeline_window(
        &self,
        call_id: &str,
        before: Option<TimelinePoint>,
        limit: i64,
    ) -> Result<Vec<TimelineItem>, sqlx::Error> {
        let before = before.unwrap_or(TimelinePoint {
            at: i64::MAX,
            id: i64::MAX,
        });
        let rows: Vec<EventRow> = sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS_WITHOUT_BODY} FROM events WHERE call_id = $1 AND (occurred_at, id) < ($2, $3)
             ORDER BY occurred_at DESC, id DESC LIMIT $4"
        ))
        .bind(call_id)
        .bind(before.at)
        .bind(before.id)
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        // Newest first, each parsed only as it is bounded.
        Ok(clip::page(rows.into_iter().map(TimelineItem::from)))
    }

    pub async fn timeline_after(
        &self,
        call_id: &str,
        after: Option<TimelinePoint>,
        limit: i64,
    ) -> Result<Vec<TimelineItem>, sqlx::Error> {
        let after = after.unwrap_or(TimelinePoint {
            at: i64::MIN,
            id: i64::MIN,
        });
        let rows: Vec<EventRow> = sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS_WITHOUT_BODY} FROM events WHERE call_id = $1 AND (occurred_at, id) > ($2, $3)
             ORDER BY occurred_at, id LIMIT $4"
        ))
        .bind(call_id)
        .bind(after.at)
        .bind(after.id)
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        Ok(rows.into_iter().map(TimelineItem::from).collect())
    }

    pub async fn event(&self, id: i64) -> Result<Option<TimelineItem>, sqlx::Error> {
        let row: Option<EventRow> = sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS_WITHOUT_BODY} FROM events WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.reader())
        .await?;
        Ok(row.map(TimelineItem::from))
    }

    pub async fn event_body(&self, id: i64) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT raw FROM events WHERE id = $1")
            .bind(id)
            .fetch_optional(self.reader())
            .await
    }

    pub async fn nth_point(
        &self,
        call_id: &str,
        n: i64,
    ) -> Result<Option<TimelinePoint>, sqlx::Error> {
        let point: Option<(i64, i64)> = sqlx::query_as(
            "SELECT occurred_at, id FROM events WHERE call_id = $1
             ORDER BY occurred_at, id LIMIT 1 OFFSET $2",
        )
        .bind(call_id)
        .bind(n)
        .fetch_optional(self.reader())
        .await?;
        Ok(point.map(|(at, id)| TimelinePoint { at, id }))
    }

    pub async fn points_after(
        &self,
        call_id: &str,
        event_id: i64,
        limit: i64,
    ) -> Result<Option<Vec<TimelinePoint>>, sqlx::Error> {
        let event: Option<(i64, i64)> =
            sqlx::query_as("SELECT occurred_at, id FROM events WHERE id = $1 AND call_id = $2")
                .bind(event_id)
                .bind(call_id)
                .fetch_optional(self.reader())
                .await?;
        let Some((at, id)) = event else {
            return Ok(None);
        };
        let after: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT occurred_at, id FROM events WHERE call_id = $1 AND (occurred_at, id) > ($2, $3)
             ORDER BY occurred_at, id LIMIT $4",
        )
        .bind(call_id)
        .bind(at)
        .bind(id)
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        Ok(Some(
            after
                .into_iter()
                .map(|(at, id)| TimelinePoint { at, id })
                .collect(),
        ))
    }

    pub async fn events_after(
        &self,
        call_id: &str,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<TimelineItem>, sqlx::Error> {
        let horizon = self.horizon(IdSequence::Events).await?;
        let rows: Vec<EventRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM events WHERE call_id = $1 AND id > $2 AND id <= $4
             ORDER BY id LIMIT $3"
        ))
        .bind(call_id)
        .bind(after_id)
        .bind(limit)
        .bind(horizon)
        .fetch_all(self.reader())
        .await?;
        Ok(rows.into_iter().map(TimelineItem::from).collect())
    }

    pub async fn events_after_within(
        &self,
        call_id: &str,
        after_id: i64,
        limit: i64,
        max_bytes: i64,
    ) -> Result<(Vec<TimelineItem>, bool), sqlx::Error> {
        let sizes: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, CAST(length(raw) + length(normalized) AS BIGINT) FROM events
             WHERE call_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(call_id)
        .bind(after_id)
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        let (mut upto, mut taken, mut bytes) = (after_id, 0, 0);
        for &(id, size) in &sizes {
            if taken > 0 && bytes + size > max_bytes {
                break;
            }
            (upto, taken, bytes) = (id, taken + 1, bytes + size);
        }
        let more = taken < sizes.len() || sizes.len() as i64 == limit;
        if taken == 0 {
            return Ok((Vec::new(), false));
        }
        let rows: Vec<EventRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM events WHERE call_id = $1 AND id > $2 AND id <= $3 ORDER BY id"
        ))
        .bind(call_id)
        .bind(after_id)
        .bind(upto)
        .fetch_all(self.reader())
        .await?;
        Ok((rows.into_iter().map(TimelineItem::from).collect(), more))
    }

    pub async fn events_since(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<TimelineItem>, sqlx::Error> {
        let horizon = self.horizon(IdSequence::Events).await?;
        let rows: Vec<EventRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM events WHERE id > $1 AND id <= $3 ORDER BY id LIMIT $2"
        ))
        .bind(after_id)
        .bind(limit)
        .bind(horizon)
        .fetch_all(self.reader())
        .await?;
        Ok(rows.into_iter().map(TimelineItem::from).collect())
    }

    pub async fn events_after_without_bodies(
        &self,
        call_id: Option<&str>,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<TimelineItem>, sqlx::Error> {
        let horizon = self.horizon(IdSequence::Events).await?;
        let rows: Vec<EventRow> = match call_id {
            Some(call_id) => {
                sqlx::query_as(&format!(
                    "SELECT {EVENT_COLUMNS_WITHOUT_BODY} FROM events
                     WHERE call_id = $1 AND id > $2 AND id <= $4 ORDER BY id LIMIT $3"
                ))
                .bind(call_id)
                .bind(after_id)
                .bind(limit)
                .bind(horizon)
                .fetch_all(self.reader())
                .await?
            }
            None => {
                sqlx::query_as(&format!(
                    "SELECT {EVENT_COLUMNS_WITHOUT_BODY} FROM events
                     WHERE id > $1 AND id <= $3 ORDER BY id LIMIT $2"
                ))
                .bind(after_id)
                .bind(limit)
                .bind(horizon)
                .fetch_all(self.reader())
                .await?
            }
        };
        Ok(rows.into_iter().map(TimelineItem::from).collect())
    }

    /// Where a cursor starts to read the events received from `at` on: at
    /// the horizon at the latest, so an event still in flight is read too.
    pub async fn event_id_before(&self, at: i64) -> Result<i64, sqlx::Error> {
        let horizon = self.horizon(IdSequence::Events).await?;
        let first: Option<i64> =
            sqlx::query_scalar("SELECT MIN(id) FROM events WHERE received_at >= $1")
                .bind(at)
                .fetch_one(self.reader())
                .await?;
        let before = match first {
            Some(id) => id - 1,
            None => {
                sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
                    .fetch_one(self.reader())
                    .await?
            }
        };
        Ok(before.min(horizon))
    }
}
