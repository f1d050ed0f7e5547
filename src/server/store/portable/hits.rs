//! Recording a pass's rule hits on their alerts in a few statements, not a
//! few per hit: under load one call matches the same rule many times a
//! pass, and the writer waits while this runs. Every alert the pass touches
//! is read in one query; what each group of hits does is decided by
//! `model::alert_plan`; every bump is written in one statement. Opening and
//! reopening — rare, and they notify — go one by one.

use std::collections::HashMap;

use sqlx::Row;

use super::{portable, Dialect};
use crate::model::alert_plan::{bump_of, by_alert, plan, Bump, Existing, Hit, Plan};
use crate::model::{AlertState, Standing};

portable! {
    /// Records a pass's hits; returns the alerts that opened (or opened
    /// again): those notify.
    pub(super) async fn record_hits(
        tx: &mut <Self as Dialect>::Conn,
        hits: &[Hit],
        now: i64,
    ) -> Result<Vec<i64>, sqlx::Error> {
        if hits.is_empty() {
            return Ok(Vec::new());
        }
        let groups = by_alert(hits);
        let found = Self::existing(tx, &groups).await?;
        let mut opened = Vec::new();
        let mut bumps = Vec::new();
        for group in &groups {
            let first = group[0];
            let alert = found.get(&(first.rule_id, first.key.clone()));
            match plan(alert, group, now) {
                Plan::Open(reopen) => {
                    let (id, notified) = Self::open_alert(tx, first, reopen, now).await?;
                    if notified {
                        opened.push(id);
                    }
                    if let Some(rest) = bump_of(id, &group[1..]) {
                        bumps.push(rest);
                    }
                }
                Plan::Bump(bump) => bumps.push(bump),
                Plan::Nothing => {}
            }
        }
        Self::bump_all(tx, &bumps, now).await?;
        Ok(opened)
    }

    /// The alerts the groups land on, by (rule, key), read in one query.
    async fn existing(
        tx: &mut <Self as Dialect>::Conn,
        groups: &[Vec<&Hit>],
    ) -> Result<HashMap<(i64, String), Existing>, sqlx::Error> {
        let keys: Vec<(i64, &str)> = groups
            .iter()
            .map(|g| (g[0].rule_id, g[0].key.as_str()))
            .collect();
        let rows = sqlx::query(
            &format!(
                "SELECT a.id, a.rule_id, a.key, a.state, a.resolved_at, a.snoozed_until, a.last_event_id
                 FROM {} JOIN alerts a ON a.rule_id = CAST(j.value ->> 0 AS BIGINT) AND a.key = j.value ->> 1",
                Self::json_rows("$1", "j")
            ),
        )
        .bind(serde_json::to_string(&keys).expect("keys serialize"))
        .fetch_all(&mut *tx)
        .await?;
        rows.iter()
            .map(|r| {
                let state = AlertState::try_from(r.get::<String, _>("state")).map_err(crate::server::store::decode)?;
                let alert = Existing {
                    id: r.get("id"),
                    standing: Standing {
                        state,
                        resolved_at: r.get("resolved_at"),
                        snoozed_until: r.get("snoozed_until"),
                    },
                    last_event_id: r.get("last_event_id"),
                };
                Ok(((r.get("rule_id"), r.get("key")), alert))
            })
            .collect()
    }

    /// Every bump of the pass, in one statement.
    async fn bump_all(tx: &mut <Self as Dialect>::Conn, bumps: &[Bump], now: i64) -> Result<(), sqlx::Error> {
        if bumps.is_empty() {
            return Ok(());
        }
        let rows: Vec<(i64, i64, Option<i64>, Option<i64>)> = bumps
            .iter()
            .map(|b| (b.id, b.add, b.set, b.last_event_id))
            .collect();
        sqlx::query(
            &format!(
                "UPDATE alerts SET count = COALESCE(CAST(j.value ->> 2 AS BIGINT), count + CAST(j.value ->> 1 AS BIGINT)),
                    last_seen_at = $1, last_event_id = COALESCE(CAST(j.value ->> 3 AS BIGINT), last_event_id)
                 FROM {} WHERE alerts.id = CAST(j.value ->> 0 AS BIGINT)",
                Self::json_rows("$2", "j")
            ),
        )
        .bind(now)
        .bind(serde_json::to_string(&rows).expect("rows serialize"))
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// The issue `hit` joins as it stands: the state (and snoozing) of
    /// another of its rule's alerts with its cause that is not resolved,
    /// open before snoozed before acknowledged; `None` when there is none.
    /// Each state is one probe of `alerts_by_cause_state`: an issue of a
    /// hundred thousand alerts is looked up as fast as one of a few.
    async fn standing_issue(
        tx: &mut <Self as Dialect>::Conn,
        hit: &Hit,
        reopen: Option<i64>,
    ) -> Result<Option<(AlertState, Option<i64>)>, sqlx::Error> {
        for state in [AlertState::Open, AlertState::Snoozed, AlertState::Acknowledged] {
            let found: Option<Option<i64>> = sqlx::query_scalar(
                "SELECT snoozed_until FROM alerts
                 WHERE rule_id = $1 AND cause = $2 AND state = $3 AND id <> $4 LIMIT 1",
            )
            .bind(hit.rule_id)
            .bind(&hit.cause)
            .bind(state.as_str())
            .bind(reopen.unwrap_or(0))
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(snoozed_until) = found {
                return Ok(Some((state, snoozed_until)));
            }
        }
        Ok(None)
    }

    /// Opens the hit's alert (`reopen`: the one that stands, resolved or
    /// snoozed) and queues its notifications; returns its id, and whether
    /// it notified. The alert joins its issue as the issue stands: into an
    /// acknowledged or snoozed issue it comes acknowledged or snoozed, and
    /// only an issue with no other alert standing (new, or resolved again)
    /// notifies.
    async fn open_alert(
        tx: &mut <Self as Dialect>::Conn,
        hit: &Hit,
        reopen: Option<i64>,
        now: i64,
    ) -> Result<(i64, bool), sqlx::Error> {
        let issue = Self::standing_issue(tx, hit, reopen).await?;
        let notifies = issue.is_none();
        let (state, snoozed_until) = issue.unwrap_or((AlertState::Open, None));
        let state = state.as_str();
        let id: i64 =
            match reopen {
                None => sqlx::query_scalar(
                    "INSERT INTO alerts (rule_id, key, call_id, event_id, last_event_id, reason, cause,
                        state, snoozed_until, count, opened_at, last_seen_at)
                     VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
                )
                .bind(hit.rule_id)
                .bind(&hit.key)
                .bind(&hit.call_id)
                .bind(hit.event_id)
                .bind(&hit.reason)
                .bind(&hit.cause)
                .bind(state)
                .bind(snoozed_until)
                .bind(hit.count.unwrap_or(1))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?,
                Some(id) => {
                    sqlx::query(
                        "UPDATE alerts SET state = $6, resolved_at = NULL, snoozed_until = $7,
                        event_id = COALESCE($2, event_id), last_event_id = COALESCE($2, last_event_id),
                        reason = $3, cause = $8, count = COALESCE($4, count + 1), opened_at = $5,
                        last_seen_at = $5
                     WHERE id = $1",
                    )
                    .bind(id)
                    .bind(hit.event_id)
                    .bind(&hit.reason)
                    .bind(hit.count)
                    .bind(now)
                    .bind(state)
                    .bind(snoozed_until)
                    .bind(&hit.cause)
                    .execute(&mut *tx)
                    .await?;
                    id
                }
            };
        if notifies {
            for channel in &hit.channels {
                sqlx::query(
                    "INSERT INTO outbox (channel_id, message_id, call_id, alert_id, state, created_at,
                        next_attempt_at)
                     VALUES ($1, $2, $3, $4, 'pending', $5, $5)",
                )
                .bind(channel)
                .bind(format!("ntf_{id}_{now}_{channel}"))
                .bind(&hit.call_id)
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
        Ok((id, notifies))
    }
}
