//! Recording rule hits on their alerts: each (rule, key) of a pass is read
//! once, its first hit decides (open, reopen or bump) and the rest only add
//! to the count — under load one call matches the same rule many times a
//! pass, and that costs two statements, not two per hit.

use std::collections::HashMap;

use sqlx::{Row, SqliteConnection};

use super::effects::Hit;
use crate::model::{AlertState, OnMatch, Standing};

/// Records a pass's hits in order; returns the alerts that opened (or
/// opened again): those notify.
pub(super) async fn record_hits(
    tx: &mut SqliteConnection,
    hits: &[Hit],
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut opened = Vec::new();
    for group in by_alert(hits) {
        let (first, rest) = group.split_first().expect("groups are not empty");
        if let Some(id) = record_hit(tx, first, now).await? {
            opened.push(id);
        }
        if !rest.is_empty() {
            bump_again(tx, rest, now).await?;
        }
    }
    Ok(opened)
}

/// The hits grouped by the alert they land on, groups in the order of
/// their first hit, hits in their own order.
fn by_alert(hits: &[Hit]) -> Vec<Vec<&Hit>> {
    let mut groups: Vec<Vec<&Hit>> = Vec::new();
    let mut index: HashMap<(i64, &str), usize> = HashMap::new();
    for hit in hits {
        let at = *index
            .entry((hit.rule_id, hit.key.as_str()))
            .or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
        groups[at].push(hit);
    }
    groups
}

/// The hits after the first of a group: once the first has opened,
/// reopened or bumped the alert, each of these is a bump.
async fn bump_again(tx: &mut SqliteConnection, rest: &[&Hit], now: i64) -> Result<(), sqlx::Error> {
    let last = rest.last().expect("rest is not empty");
    let last_event = rest.iter().rev().find_map(|h| h.event_id);
    sqlx::query(
        "UPDATE alerts SET count = COALESCE(?3, count + ?4), last_seen_at = ?5,
            last_event_id = COALESCE(?6, last_event_id)
         WHERE rule_id = ?1 AND key = ?2",
    )
    .bind(last.rule_id)
    .bind(&last.key)
    .bind(last.count)
    .bind(rest.len() as i64)
    .bind(now)
    .bind(last_event)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Opens, reopens or bumps the hit's alert; returns its id when it notifies.
async fn record_hit(
    tx: &mut SqliteConnection,
    hit: &Hit,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let existing = sqlx::query(
        "SELECT id, state, resolved_at, snoozed_until, last_event_id FROM alerts
         WHERE rule_id = ? AND key = ?",
    )
    .bind(hit.rule_id)
    .bind(&hit.key)
    .fetch_optional(&mut *tx)
    .await?;
    let standing = existing
        .as_ref()
        .map(|r| -> Result<_, sqlx::Error> {
            Ok(Standing {
                state: AlertState::try_from(r.get::<String, _>("state")).map_err(super::decode)?,
                resolved_at: r.get("resolved_at"),
                snoozed_until: r.get("snoozed_until"),
            })
        })
        .transpose()?;
    // The same event never counts twice (a timer seeing the same quiet call).
    if let (Some(row), Some(event)) = (&existing, hit.event_id) {
        if row.get::<Option<i64>, _>("last_event_id") == Some(event) {
            return Ok(None);
        }
    }
    let decision = OnMatch::decide(standing, now, hit.cooldown_ms);
    let id: i64 =
        match (decision, existing) {
            (OnMatch::Open, _) | (_, None) => sqlx::query_scalar(
                "INSERT INTO alerts (rule_id, key, call_id, event_id, last_event_id, reason, state,
                    count, opened_at, last_seen_at)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5, 'open', ?6, ?7, ?7) RETURNING id",
            )
            .bind(hit.rule_id)
            .bind(&hit.key)
            .bind(&hit.call_id)
            .bind(hit.event_id)
            .bind(&hit.reason)
            .bind(hit.count.unwrap_or(1))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?,
            (OnMatch::Reopen, Some(row)) => {
                let id: i64 = row.get("id");
                sqlx::query(
                    "UPDATE alerts SET state = 'open', resolved_at = NULL, snoozed_until = NULL,
                    event_id = COALESCE(?2, event_id), last_event_id = COALESCE(?2, last_event_id),
                    reason = ?3, count = COALESCE(?4, count + 1), opened_at = ?5, last_seen_at = ?5
                 WHERE id = ?1",
                )
                .bind(id)
                .bind(hit.event_id)
                .bind(&hit.reason)
                .bind(hit.count)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                id
            }
            (OnMatch::Bump, Some(row)) => {
                let id: i64 = row.get("id");
                sqlx::query(
                    "UPDATE alerts SET count = COALESCE(?2, count + 1), last_seen_at = ?3,
                    last_event_id = COALESCE(?4, last_event_id)
                 WHERE id = ?1",
                )
                .bind(id)
                .bind(hit.count)
                .bind(now)
                .bind(hit.event_id)
                .execute(&mut *tx)
                .await?;
                return Ok(None);
            }
        };
    for channel in &hit.channels {
        sqlx::query(
            "INSERT INTO outbox (channel_id, message_id, call_id, alert_id, state, created_at,
                next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5)",
        )
        .bind(channel)
        .bind(format!("ntf_{id}_{now}_{channel}"))
        .bind(&hit.call_id)
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    Ok(Some(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(rule_id: i64, key: &str, event_id: i64) -> Hit {
        Hit {
            rule_id,
            key: key.into(),
            call_id: Some(key.into()),
            event_id: Some(event_id),
            reason: format!("event {event_id}"),
            count: None,
            cooldown_ms: 0,
            channels: vec![],
        }
    }

    #[test]
    fn hits_group_by_rule_and_key_in_first_seen_order() {
        let hits = [
            hit(1, "a", 10),
            hit(2, "a", 10),
            hit(1, "b", 11),
            hit(1, "a", 12),
            hit(1, "b", 13),
        ];
        let groups: Vec<Vec<i64>> = by_alert(&hits)
            .iter()
            .map(|g| {
                g.iter()
                    .map(|h| h.event_id.unwrap() * 10 + h.rule_id)
                    .collect()
            })
            .collect();
        assert_eq!(groups, vec![vec![101, 121], vec![102], vec![111, 131]]);
    }
}
