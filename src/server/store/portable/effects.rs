//! What committed events cause, recorded durably: the alerts rules raise, the
//! notifications and forwards they queue, and the cursor over `events` that
//! says how far that has gone — all in one transaction, so a crash between
//! an event's commit and its side effects neither loses nor repeats one.

use super::{portable, Backend as _, Dialect, IdSequence};

/// The cursor over `events` that the rules follow.
pub const EFFECTS: &str = "effects";
/// The cursor over `events` that queuing forwards follows (it waits while
/// ingest is saturated, so it may stand behind [`EFFECTS`]).
pub const FORWARDS: &str = "forwards";

pub use crate::model::alert_plan::Hit;

/// An event to forward to a destination.
#[derive(Clone, Debug, PartialEq)]
pub struct Forward {
    pub destination_id: i64,
    pub event_id: i64,
    pub call_id: String,
}

/// Everything one pass of the effects runner found.
#[derive(Clone, Debug, Default)]
pub struct Effects {
    /// A cursor's new position (its name and the last event handled),
    /// when the pass read events.
    pub cursor: Option<(&'static str, i64)>,
    pub hits: Vec<Hit>,
    pub forwards: Vec<Forward>,
    pub replay: bool,
}

/// The `webhook-id` of an event's forward: the same for every delivery of
/// it, so receivers can deduplicate.
pub fn event_message_id(event_id: i64) -> String {
    format!("evt_{event_id}")
}

portable! {
    /// Stores where the cursor `name` stands, in the transaction that did
    /// what it passed.
    pub(in crate::server::store) async fn move_cursor(
        tx: &mut <Self as Dialect>::Conn,
        name: &str,
        position: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO cursors (name, position) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET position = excluded.position",
        )
        .bind(name)
        .bind(position)
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// Queues forwards in one statement (one JSON parameter, not a statement
    /// per row: a busy pass queues thousands).
    pub(in crate::server::store) async fn queue_forwards(
        tx: &mut <Self as Dialect>::Conn,
        forwards: &[Forward],
        replay: bool,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        if forwards.is_empty() {
            return Ok(());
        }
        let rows: Vec<(i64, i64, &str, String)> = forwards
            .iter()
            .map(|f| {
                (
                    f.destination_id,
                    f.event_id,
                    f.call_id.as_str(),
                    event_message_id(f.event_id),
                )
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO outbox (destination_id, event_id, call_id, message_id, replay, state,
                created_at, next_attempt_at)
             SELECT CAST(j.value ->> 0 AS BIGINT), CAST(j.value ->> 1 AS BIGINT), j.value ->> 2,
                j.value ->> 3, $2, 'pending', $1, $1
             FROM {}",
            Self::json_rows("$3", "j")
        ))
        .bind(now)
        .bind(replay)
        .bind(serde_json::to_string(&rows).expect("rows serialize"))
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    pub async fn cursor(&self, name: &str) -> Result<i64, sqlx::Error> {
        let position: Option<i64> =
            sqlx::query_scalar("SELECT position FROM cursors WHERE name = $1")
                .bind(name)
                .fetch_optional(self.reader())
                .await?;
        Ok(position.unwrap_or(0))
    }

    pub async fn apply_effects(
        &self,
        effects: &Effects,
        now: i64,
    ) -> Result<Vec<i64>, sqlx::Error> {
        if effects.cursor.is_none() && effects.hits.is_empty() && effects.forwards.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.write_turn().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let opened = Self::record_hits(&mut tx, &effects.hits, now).await?;
        Self::queue_forwards(&mut tx, &effects.forwards, effects.replay, now).await?;
        if let Some((name, position)) = effects.cursor {
            Self::move_cursor(&mut tx, name, position).await?;
        }
        tx.commit().await?;
        Ok(opened)
    }

    pub async fn hangs_up_to(&self, call_id: &str, upto: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM events WHERE call_id = $1 AND kind = 'hang' AND id <= $2",
        )
        .bind(call_id)
        .bind(upto)
        .fetch_one(self.reader())
        .await
    }

    pub async fn calls_of_function_up_to(
        &self,
        call_id: &str,
        function: &str,
        upto: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            &format!(
                "SELECT COUNT(*) FROM events WHERE call_id = $1 AND kind = 'tool_call' AND id <= $2
                 AND {} = $3",
                Self::json_field("normalized", "function")
            ),
        )
        .bind(call_id)
        .bind(upto)
        .bind(function)
        .fetch_one(self.reader())
        .await
    }

    pub async fn quiet_live_calls(
        &self,
        arrived_before: i64,
    ) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT c.call_id, c.last_event_id, e.received_at FROM calls c
             JOIN events e ON e.id = c.last_event_id
             WHERE c.status = 'live' AND e.received_at <= $1 LIMIT 1000",
        )
        .bind(arrived_before)
        .fetch_all(self.reader())
        .await
    }

    pub async fn deliveries_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<(i64, i64, String)>, sqlx::Error> {
        let horizon = self.horizon(IdSequence::Deliveries).await?;
        sqlx::query_as(
            "SELECT id, received_at, outcome FROM deliveries WHERE id > $1 AND id <= $3
             ORDER BY id LIMIT $2",
        )
        .bind(after_id)
        .bind(limit)
        .bind(horizon)
        .fetch_all(self.reader())
        .await
    }

    pub async fn delivery_marks(&self) -> Result<(i64, Option<i64>), sqlx::Error> {
        let horizon = self.horizon(IdSequence::Deliveries).await?;
        let last_delivery: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM deliveries WHERE id <= $1")
                .bind(horizon)
                .fetch_one(self.reader())
                .await?;
        let last_event: Option<i64> =
            sqlx::query_scalar("SELECT received_at FROM events ORDER BY id DESC LIMIT 1")
                .fetch_optional(self.reader())
                .await?;
        Ok((last_delivery, last_event))
    }
}
