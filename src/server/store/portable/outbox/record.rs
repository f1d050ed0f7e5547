//! Recording a batch of attempts: the log, each row's next state, and each
//! destination's health counters — a few statements whatever the batch.

use super::{Attempt, Next};
use crate::server::store::portable::{portable, Backend as _, Dialect};

portable! {
    pub async fn record_attempts(&self, attempts: &[Attempt]) -> Result<(), sqlx::Error> {
        if attempts.is_empty() {
            return Ok(());
        }
        // (outbox id, at, status, latency, response, error, state, next attempt)
        type Row<'a> = (
            i64,
            i64,
            Option<u16>,
            i64,
            Option<&'a str>,
            Option<&'a str>,
            &'static str,
            Option<i64>,
        );
        let rows: Vec<Row> = attempts
            .iter()
            .map(|a| {
                let (state, next_at) = match &a.next {
                    Next::Delivered => ("delivered", None),
                    Next::RetryAt(at) => ("pending", Some(*at)),
                    Next::Failed => ("failed", None),
                    Next::PauseDestination { .. } => ("pending", Some(a.at)),
                };
                (
                    a.outbox_id,
                    a.at,
                    a.status,
                    a.latency_ms,
                    a.response.as_deref(),
                    a.error.as_deref(),
                    state,
                    next_at,
                )
            })
            .collect();
        let rows = serde_json::to_string(&rows).expect("rows serialize");
        let mut conn = self.write_turn().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        sqlx::query(&format!(
            "INSERT INTO attempts (outbox_id, at, status, latency_ms, response, error)
             SELECT CAST(a.value ->> 0 AS BIGINT), CAST(a.value ->> 1 AS BIGINT),
                CAST(a.value ->> 2 AS BIGINT), CAST(a.value ->> 3 AS BIGINT), a.value ->> 4,
                a.value ->> 5
             FROM {}",
            Self::json_rows("$1", "a")
        ))
        .bind(&rows)
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!(
            "UPDATE outbox SET state = a.value ->> 6, attempts = outbox.attempts + 1,
                next_attempt_at = COALESCE(CAST(a.value ->> 7 AS BIGINT), outbox.next_attempt_at),
                done_at = CASE WHEN a.value ->> 6 = 'pending' THEN NULL
                    ELSE CAST(a.value ->> 1 AS BIGINT) END,
                last_error = a.value ->> 5
             FROM {} WHERE outbox.id = CAST(a.value ->> 0 AS BIGINT)",
            Self::json_rows("$1", "a")
        ))
        .bind(&rows)
        .execute(&mut *tx)
        .await?;
        for (destination, health) in health_of(attempts) {
            sqlx::query(
                "UPDATE destinations SET delivered = delivered + $2, failed = failed + $3,
                    last_error = COALESCE($4, last_error), last_error_at = COALESCE($5, last_error_at)
                 WHERE id = $1",
            )
            .bind(destination)
            .bind(health.delivered)
            .bind(health.failed)
            .bind(health.last_error.map(|(_, e)| e))
            .bind(health.last_error.map(|(at, _)| at))
            .execute(&mut *tx)
            .await?;
        }
        for a in attempts {
            if let Next::PauseDestination {
                destination_id,
                reason,
            } = &a.next
            {
                sqlx::query("UPDATE destinations SET paused = TRUE, paused_reason = $2 WHERE id = $1")
                    .bind(destination_id)
                    .bind(reason)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await
    }
}

/// What a batch of attempts changes in each destination's health.
#[derive(Default)]
struct Health<'a> {
    delivered: i64,
    failed: i64,
    /// The newest error: when, and what.
    last_error: Option<(i64, &'a str)>,
}

fn health_of(attempts: &[Attempt]) -> std::collections::BTreeMap<i64, Health<'_>> {
    let mut by = std::collections::BTreeMap::<i64, Health>::new();
    for a in attempts {
        let Some(destination) = a.destination_id else {
            continue;
        };
        let h = by.entry(destination).or_default();
        match a.next {
            Next::Delivered => h.delivered += 1,
            Next::Failed => h.failed += 1,
            _ => {}
        }
        if let Some(e) = a.error.as_deref() {
            if h.last_error.is_none_or(|(at, _)| at <= a.at) {
                h.last_error = Some((a.at, e));
            }
        }
    }
    by
}
