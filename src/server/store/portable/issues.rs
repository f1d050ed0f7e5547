//! Alerts read as issues (every alert of a rule with the same cause), and
//! the inbox's actions on a whole issue.

use sqlx::FromRow;

use super::alerts::AlertAction;
use super::{portable, Backend as _, Dialect};
use crate::model::issues::{state_of, IssueFilter};
use crate::model::{AlertState, IssueView, SAMPLE_PREFIX};

#[derive(FromRow)]
struct IssueRow {
    rule_id: i64,
    rule_name: String,
    rule_kind: String,
    cause: String,
    alerts: i64,
    calls: i64,
    first_seen: i64,
    last_seen: i64,
    open: i64,
    snoozed: i64,
    acknowledged: i64,
    latest: i64,
}

#[derive(FromRow)]
struct Latest {
    id: i64,
    reason: String,
    call_id: Option<String>,
    event_id: Option<i64>,
}

/// How many of an issue's alerts stand where, as SQL over `alerts a`.
const TALLY: &str = "CAST(SUM(CASE WHEN a.state = 'open' THEN 1 ELSE 0 END) AS BIGINT)";
const SNOOZED: &str = "CAST(SUM(CASE WHEN a.state = 'snoozed' THEN 1 ELSE 0 END) AS BIGINT)";
const ACKED: &str = "CAST(SUM(CASE WHEN a.state = 'acknowledged' THEN 1 ELSE 0 END) AS BIGINT)";

/// An alert's call is a demo call's (or it has none): for leaving them out.
const NOT_DEMO: &str = "($2 OR a.call_id IS NULL OR substr(a.call_id, 1, 5) <> $3)";

portable! {
    pub async fn issues(
        &self,
        filter: &IssueFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<IssueView>, sqlx::Error> {
        debug_assert_eq!(SAMPLE_PREFIX.len(), 5);
        let state = format!(
            "CASE WHEN {TALLY} > 0 THEN 'open' WHEN {SNOOZED} > 0 THEN 'snoozed'
             WHEN {ACKED} > 0 THEN 'acknowledged' ELSE 'resolved' END"
        );
        let rows: Vec<IssueRow> = sqlx::query_as(&format!(
            "SELECT a.rule_id, r.name AS rule_name, r.kind AS rule_kind, a.cause,
                COUNT(*) AS alerts, COUNT(DISTINCT a.call_id) AS calls,
                MIN(a.opened_at) AS first_seen, MAX(a.last_seen_at) AS last_seen,
                {TALLY} AS open, {SNOOZED} AS snoozed, {ACKED} AS acknowledged,
                MAX(a.id) AS latest
             FROM alerts a JOIN rules r ON r.id = a.rule_id
             WHERE ($1 IS NULL OR a.rule_id = $1) AND {NOT_DEMO}
             GROUP BY a.rule_id, r.name, r.kind, a.cause
             HAVING ($4 IS NULL OR {state} = $4)
             ORDER BY MAX(a.last_seen_at) DESC, MAX(a.id) DESC LIMIT $5 OFFSET $6"
        ))
        .bind(filter.rule)
        .bind(filter.with_demo)
        .bind(SAMPLE_PREFIX)
        .bind(filter.state.map(AlertState::as_str))
        .bind(limit)
        .bind(offset)
        .fetch_all(self.reader())
        .await?;
        let ids: Vec<[i64; 1]> = rows.iter().map(|r| [r.latest]).collect();
        let latest: Vec<Latest> = sqlx::query_as(&format!(
            "SELECT a.id, a.reason, a.call_id, a.event_id
             FROM {} JOIN alerts a ON a.id = CAST(j.value ->> 0 AS BIGINT)",
            Self::json_rows("$1", "j")
        ))
        .bind(serde_json::to_string(&ids).expect("ids serialize"))
        .fetch_all(self.reader())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let last = latest.iter().find(|l| l.id == r.latest);
                IssueView {
                    state: state_of(r.open, r.snoozed, r.acknowledged),
                    unresolved: r.open + r.snoozed + r.acknowledged,
                    rule_id: r.rule_id,
                    rule_name: r.rule_name,
                    rule_kind: r.rule_kind,
                    reason: last.map_or_else(|| r.cause.clone(), |l| l.reason.clone()),
                    cause: r.cause,
                    alerts: r.alerts,
                    calls: r.calls,
                    first_seen: r.first_seen,
                    last_seen: r.last_seen,
                    spark: Vec::new(),
                    latest_call: last.and_then(|l| l.call_id.clone()),
                    latest_event: last.and_then(|l| l.event_id),
                }
            })
            .collect())
    }

    pub async fn issue_openings(
        &self,
        filter: &IssueFilter,
        since: i64,
    ) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT a.rule_id, a.cause, a.opened_at FROM alerts a
             WHERE a.opened_at >= $1 AND ($4 IS NULL OR a.rule_id = $4) AND {NOT_DEMO}
             ORDER BY a.opened_at DESC LIMIT 100000"
        ))
        .bind(since)
        .bind(filter.with_demo)
        .bind(SAMPLE_PREFIX)
        .bind(filter.rule)
        .fetch_all(self.reader())
        .await
    }

    pub async fn act_on_issue(
        &self,
        rule_id: i64,
        cause: &str,
        action: AlertAction,
        now: i64,
    ) -> Result<u64, sqlx::Error> {
        let (state, resolved_at, snoozed_until) = action.outcome(now);
        // Reopening takes every alert of the issue; the rest leave the
        // resolved ones as they are.
        let done = sqlx::query(
            "UPDATE alerts SET state = $3, resolved_at = $4, snoozed_until = $5
             WHERE rule_id = $1 AND cause = $2 AND ($6 OR state <> 'resolved')",
        )
        .bind(rule_id)
        .bind(cause)
        .bind(state.as_str())
        .bind(resolved_at)
        .bind(snoozed_until)
        .bind(action == AlertAction::Reopen)
        .execute(&mut *self.write_turn().await?)
        .await?;
        Ok(done.rows_affected())
    }
}
