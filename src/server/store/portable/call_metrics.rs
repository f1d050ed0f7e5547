//! The voice metrics read model: one row per call, written by the metrics
//! runner; the cursor's position is written with the last group of a pass.

use std::collections::HashMap;

use sqlx::{QueryBuilder, Row};

use super::{portable, Backend as _, Dialect, IdSequence};
use crate::model::metrics::CallMetrics;

/// The cursor the metrics runner follows over `events`.
pub const METRICS: &str = "metrics";

portable! {
    pub async fn calls_touched_after(
        &self,
        position: i64,
    ) -> Result<(Vec<String>, Option<i64>), sqlx::Error> {
        let horizon = self.horizon(IdSequence::Events).await?;
        let rows = sqlx::query(
            "SELECT call_id, MAX(id) AS last FROM events WHERE id > $1 AND id <= $2
             GROUP BY call_id ORDER BY last",
        )
        .bind(position)
        .bind(horizon)
        .fetch_all(self.reader())
        .await?;
        let mut calls = Vec::with_capacity(rows.len());
        let mut newest = None;
        for row in rows {
            calls.push(row.try_get("call_id")?);
            let last: i64 = row.try_get("last")?;
            newest = Some(newest.map_or(last, |n: i64| n.max(last)));
        }
        Ok((calls, newest))
    }

    pub async fn save_call_metrics(
        &self,
        measured: &[(String, CallMetrics)],
        position: Option<i64>,
    ) -> Result<(), sqlx::Error> {
        let mut conn = self.write_turn().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        for (call_id, m) in measured {
            let detail = serde_json::to_string(m).map_err(|e| sqlx::Error::Encode(e.into()))?;
            sqlx::query(
                "INSERT INTO call_metrics (call_id, latency_p50_ms, latency_estimated,
                     stall_ms, interruption_rate, agent_talk_share, tool_error_rate, detail)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (call_id) DO UPDATE SET latency_p50_ms = excluded.latency_p50_ms,
                     latency_estimated = excluded.latency_estimated, stall_ms = excluded.stall_ms,
                     interruption_rate = excluded.interruption_rate,
                     agent_talk_share = excluded.agent_talk_share,
                     tool_error_rate = excluded.tool_error_rate, detail = excluded.detail",
            )
            .bind(call_id)
            .bind(m.latency.value.map(|l| l.p50_ms))
            .bind(!m.latency.is_trusted())
            .bind(m.stall_ms.value)
            .bind(m.interruptions.value.map(|i| i.per_agent_turn))
            .bind(m.talk.value.and_then(|t| t.agent_share()))
            .bind(m.tool_error_rate())
            .bind(detail)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM call_tools WHERE call_id = $1")
                .bind(call_id)
                .execute(&mut *tx)
                .await?;
            for tool in m.tools.value.iter().flatten() {
                sqlx::query(
                    "INSERT INTO call_tools (call_id, function, calls, errors) VALUES ($1, $2, $3, $4)",
                )
                .bind(call_id)
                .bind(&tool.function)
                .bind(i64::from(tool.calls))
                .bind(i64::from(tool.errors))
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("DELETE FROM call_latency_parts WHERE call_id = $1")
                .bind(call_id)
                .execute(&mut *tx)
                .await?;
            for part in &m.latency_parts {
                sqlx::query("INSERT INTO call_latency_parts (call_id, part, ms) VALUES ($1, $2, $3)")
                    .bind(call_id)
                    .bind(part.part.key())
                    .bind(part.ms)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        if let Some(position) = position {
            Self::move_cursor(&mut tx, METRICS, position).await?;
        }
        tx.commit().await
    }

    pub async fn call_metrics(
        &self,
        call_ids: &[&str],
    ) -> Result<HashMap<String, CallMetrics>, sqlx::Error> {
        let mut found = HashMap::new();
        for chunk in call_ids.chunks(500) {
            let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new(
                "SELECT call_id, detail FROM call_metrics WHERE call_id IN (",
            );
            let mut ids = sql.separated(", ");
            for id in chunk {
                ids.push_bind(*id);
            }
            sql.push(")");
            for row in sql.build().fetch_all(self.reader()).await? {
                let detail: String = row.try_get("detail")?;
                let metrics =
                    serde_json::from_str(&detail).map_err(|e| sqlx::Error::Decode(e.into()))?;
                found.insert(row.try_get("call_id")?, metrics);
            }
        }
        Ok(found)
    }
}
