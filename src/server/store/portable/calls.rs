//! Reading the `calls` read model, which the writer keeps current inside
//! each batch's transaction (`write/calls.rs`): the calls list and the live
//! streams read it.

use super::{portable, Backend as _, IdSequence};
use crate::model::CallSummary;
use crate::server::store::rows::CALL_COLUMNS as COLUMNS;

portable! {
    pub async fn call(&self, call_id: &str) -> Result<Option<CallSummary>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM calls WHERE call_id = $1"))
            .bind(call_id)
            .fetch_optional(self.reader())
            .await
    }

    pub async fn live_calls(&self) -> Result<Vec<CallSummary>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM calls WHERE status = 'live' ORDER BY started_at DESC, call_id LIMIT 500"
        ))
        .fetch_all(self.reader())
        .await
    }

    pub async fn has_agent_calls(&self) -> Result<bool, sqlx::Error> {
        // Exactly as `CallSummary::is_sample` tells (LIKE would ignore case).
        sqlx::query_scalar(
            "SELECT EXISTS(SELECT 1 FROM calls WHERE substr(call_id, 1, length($1)) != $1)",
        )
        .bind(crate::model::SAMPLE_PREFIX)
        .fetch_one(self.reader())
        .await
    }

    pub async fn past_calls(
        &self,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<CallSummary>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM calls WHERE status <> 'live'
             ORDER BY started_at DESC, call_id LIMIT $1 OFFSET $2"
        ))
        .bind(limit)
        .bind(offset)
        .fetch_all(self.reader())
        .await
    }

    pub async fn calls_active_since(
        &self,
        since: i64,
        limit: i64,
    ) -> Result<Vec<CallSummary>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM calls WHERE last_received_at >= $1
             ORDER BY last_received_at DESC LIMIT $2"
        ))
        .bind(since)
        .bind(limit)
        .fetch_all(self.reader())
        .await
    }

    pub async fn calls_changed_after(
        &self,
        after_event_id: i64,
        limit: i64,
    ) -> Result<Vec<CallSummary>, sqlx::Error> {
        let horizon = self.horizon(IdSequence::Events).await?;
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM calls WHERE last_event_id > $1 AND last_event_id <= $3
             ORDER BY last_event_id LIMIT $2"
        ))
        .bind(after_event_id)
        .bind(limit)
        .bind(horizon)
        .fetch_all(self.reader())
        .await
    }

    /// The newest event id a cursor may start from: every event up to it
    /// is committed.
    pub async fn latest_event_id(&self) -> Result<i64, sqlx::Error> {
        let horizon = self.horizon(IdSequence::Events).await?;
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events WHERE id <= $1")
            .bind(horizon)
            .fetch_one(self.reader())
            .await
    }
}
