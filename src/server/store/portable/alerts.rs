//! Reading alerts for the inbox, and the inbox's actions on them.

use sqlx::FromRow;

use super::{portable, Backend as _};
use crate::model::{AlertState, AlertView};

#[derive(FromRow)]
pub(super) struct AlertRow {
    id: i64,
    rule_id: i64,
    rule_name: String,
    rule_kind: String,
    call_id: Option<String>,
    event_id: Option<i64>,
    reason: String,
    state: String,
    count: i64,
    opened_at: i64,
    last_seen_at: i64,
    snoozed_until: Option<i64>,
}

impl TryFrom<AlertRow> for AlertView {
    type Error = sqlx::Error;
    fn try_from(r: AlertRow) -> Result<Self, Self::Error> {
        Ok(AlertView {
            id: r.id,
            rule_id: r.rule_id,
            rule_name: r.rule_name,
            rule_kind: r.rule_kind,
            call_id: r.call_id,
            event_id: r.event_id,
            reason: r.reason,
            state: AlertState::try_from(r.state).map_err(crate::server::store::decode)?,
            count: r.count,
            opened_at: r.opened_at,
            last_seen_at: r.last_seen_at,
            snoozed_until: r.snoozed_until,
        })
    }
}

/// Alerts (`a`) with their rule's name and kind.
pub(super) const SELECT_ALERTS: &str =
    "SELECT a.id, a.rule_id, r.name AS rule_name, r.kind AS rule_kind, a.call_id,
    a.event_id, a.reason, a.state, a.count, a.opened_at, a.last_seen_at, a.snoozed_until
    FROM alerts a JOIN rules r ON r.id = a.rule_id";

/// What a person does to an alert from the inbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertAction {
    Acknowledge,
    Resolve,
    /// Quiet until this time (epoch ms), then open again.
    Snooze {
        until: i64,
    },
    Reopen,
}

impl AlertAction {
    /// The state it leaves an alert in, with when it was resolved and how
    /// long it is snoozed.
    pub fn outcome(self, now: i64) -> (AlertState, Option<i64>, Option<i64>) {
        match self {
            AlertAction::Acknowledge => (AlertState::Acknowledged, None, None),
            AlertAction::Resolve => (AlertState::Resolved, Some(now), None),
            AlertAction::Snooze { until } => (AlertState::Snoozed, None, Some(until)),
            AlertAction::Reopen => (AlertState::Open, None, None),
        }
    }
}

portable! {
    pub async fn alerts(
        &self,
        state: Option<AlertState>,
        rule: Option<i64>,
        cause: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<AlertView>, sqlx::Error> {
        let rows: Vec<AlertRow> = sqlx::query_as(&format!(
            "{SELECT_ALERTS} WHERE ($1 IS NULL OR a.state = $1) AND ($2 IS NULL OR a.rule_id = $2)
             AND ($5 IS NULL OR a.cause = $5)
             ORDER BY a.last_seen_at DESC, a.id DESC LIMIT $3 OFFSET $4"
        ))
        .bind(state.map(AlertState::as_str))
        .bind(rule)
        .bind(limit)
        .bind(offset)
        .bind(cause)
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(AlertView::try_from).collect()
    }

    pub async fn alert(&self, id: i64) -> Result<Option<AlertView>, sqlx::Error> {
        let row: Option<AlertRow> = sqlx::query_as(&format!("{SELECT_ALERTS} WHERE a.id = $1"))
            .bind(id)
            .fetch_optional(self.reader())
            .await?;
        row.map(AlertView::try_from).transpose()
    }

    pub async fn open_alerts(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM alerts WHERE state = 'open'")
            .fetch_one(self.reader())
            .await
    }

    pub async fn act_on_alert(
        &self,
        id: i64,
        action: AlertAction,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let (state, resolved_at, snoozed_until) = action.outcome(now);
        let done = sqlx::query(
            "UPDATE alerts SET state = $2, resolved_at = $3, snoozed_until = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(state.as_str())
        .bind(resolved_at)
        .bind(snoozed_until)
        .execute(&mut *self.write_turn().await?)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn resolve_standing(
        &self,
        rule_id: i64,
        key: &str,
        now: i64,
    ) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE alerts SET state = 'resolved', resolved_at = $3, snoozed_until = NULL
             WHERE rule_id = $1 AND key = $2 AND state <> 'resolved'",
        )
        .bind(rule_id)
        .bind(key)
        .bind(now)
        .execute(&mut *self.write_turn().await?)
        .await?;
        Ok(done.rows_affected())
    }

    pub async fn wake_snoozed(&self, now: i64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE alerts SET state = 'open', snoozed_until = NULL
             WHERE state = 'snoozed' AND snoozed_until <= $1",
        )
        .bind(now)
        .execute(&mut *self.write_turn().await?)
        .await?;
        Ok(done.rows_affected())
    }
}
