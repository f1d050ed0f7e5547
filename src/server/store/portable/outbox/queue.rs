//! Putting messages back in the queue (replay, redeliver) and taking
//! finished ones out (pruning).

use crate::server::store::portable::effects::Forward;
use crate::server::store::portable::{portable, Backend as _};

portable! {
    pub async fn prune_outbox(&self, before: i64, batch: i64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "DELETE FROM outbox WHERE id IN (
                 SELECT id FROM outbox WHERE state <> 'pending' AND done_at < $1 LIMIT $2)",
        )
        .bind(before)
        .bind(batch)
        .execute(&mut *self.write_turn().await?)
        .await?;
        Ok(done.rows_affected())
    }

    pub async fn queue_replay(
        &self,
        destination_id: i64,
        events: &[(i64, String)],
        now: i64,
    ) -> Result<u64, sqlx::Error> {
        let forwards: Vec<Forward> = events
            .iter()
            .map(|(event_id, call_id)| Forward {
                destination_id,
                event_id: *event_id,
                call_id: call_id.clone(),
            })
            .collect();
        let mut conn = self.write_turn().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        Self::queue_forwards(&mut tx, &forwards, true, now).await?;
        tx.commit().await?;
        Ok(events.len() as u64)
    }

    pub async fn redeliver(&self, outbox_id: i64, now: i64) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO outbox (destination_id, channel_id, message_id, call_id, event_id,
                alert_id, replay, state, created_at, next_attempt_at)
             SELECT destination_id, channel_id, message_id, call_id, event_id, alert_id, TRUE,
                'pending', $2, $2 FROM outbox WHERE id = $1
             RETURNING id",
        )
        .bind(outbox_id)
        .bind(now)
        .fetch_optional(&mut *self.write_turn().await?)
        .await
    }
}
