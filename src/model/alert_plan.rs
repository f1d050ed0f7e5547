//! How a pass's rule hits land on their alerts: the hits grouped by the
//! alert they land on, and what each group does to it (open, reopen, add
//! to its count, or nothing), decided once by its first hit against the
//! alert as it stands. Pure policy: the store reads the alerts and writes
//! the outcome in one transaction.

use std::collections::HashMap;

use crate::model::{OnMatch, Standing};

/// A rule matched: its alert is keyed by rule and `key` (a call id, or a
/// time window).
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub rule_id: i64,
    pub key: String,
    pub call_id: Option<String>,
    pub event_id: Option<i64>,
    pub reason: String,
    /// The issue it belongs to with its rule ([`crate::model::cause_of`]).
    pub cause: String,
    /// The count to record (window rules count deliveries); `None` adds one.
    pub count: Option<i64>,
    pub cooldown_ms: i64,
    /// Channels to notify when this opens the alert.
    pub channels: Vec<i64>,
}

/// An alert as a pass finds it.
#[derive(Clone, Debug, PartialEq)]
pub struct Existing {
    pub id: i64,
    pub standing: Standing,
    pub last_event_id: Option<i64>,
}

/// What one group of hits does to its alert.
#[derive(Clone, Debug, PartialEq)]
pub enum Plan {
    /// Open (`None`: no alert yet) or reopen it with the first hit; the
    /// rest, if any, bump it.
    Open(Option<i64>),
    /// Add to the count (or set it: window rules count themselves).
    Bump(Bump),
    /// Nothing new (a timer seeing the same quiet call again).
    Nothing,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Bump {
    pub id: i64,
    pub add: i64,
    pub set: Option<i64>,
    pub last_event_id: Option<i64>,
}

/// The hits grouped by the alert they land on, groups in the order of
/// their first hit, hits in their own order.
pub fn by_alert(hits: &[Hit]) -> Vec<Vec<&Hit>> {
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

/// What a group does, decided by its first hit against the alert as it stands.
pub fn plan(alert: Option<&Existing>, group: &[&Hit], now: i64) -> Plan {
    let first = group[0];
    let Some(alert) = alert else {
        return Plan::Open(None);
    };
    // The same event never counts twice.
    let counted = match first.event_id {
        Some(event) if alert.last_event_id == Some(event) => &group[1..],
        _ => group,
    };
    match OnMatch::decide(Some(alert.standing), now, first.cooldown_ms) {
        OnMatch::Open | OnMatch::Reopen if counted.len() == group.len() => {
            Plan::Open(Some(alert.id))
        }
        _ => bump_of(alert.id, counted).map_or(Plan::Nothing, Plan::Bump),
    }
}

/// `hits` as one bump of alert `id`, when there are any.
pub fn bump_of(id: i64, hits: &[&Hit]) -> Option<Bump> {
    let last = hits.last()?;
    Some(Bump {
        id,
        add: hits.len() as i64,
        set: last.count,
        last_event_id: hits.iter().rev().find_map(|h| h.event_id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AlertState;

    fn hit(rule_id: i64, key: &str, event_id: i64) -> Hit {
        Hit {
            rule_id,
            key: key.into(),
            call_id: Some(key.into()),
            event_id: Some(event_id),
            reason: format!("event {event_id}"),
            cause: "event #".into(),
            count: None,
            cooldown_ms: 60_000,
            channels: vec![],
        }
    }

    fn alert(state: AlertState, resolved_at: Option<i64>, last_event_id: i64) -> Existing {
        Existing {
            id: 7,
            standing: Standing {
                state,
                resolved_at,
                snoozed_until: None,
            },
            last_event_id: Some(last_event_id),
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

    #[test]
    fn a_group_opens_reopens_or_bumps_by_its_first_hit() {
        let (a, b, c) = (hit(1, "k", 20), hit(1, "k", 21), hit(1, "k", 22));
        let group = [&a, &b, &c];
        assert_eq!(plan(None, &group, 1_000), Plan::Open(None));
        let open = alert(AlertState::Open, None, 5);
        assert_eq!(
            plan(Some(&open), &group, 1_000),
            Plan::Bump(Bump {
                id: 7,
                add: 3,
                set: None,
                last_event_id: Some(22)
            })
        );
        // Resolved past its cool-down: the first hit reopens it.
        let resolved = alert(AlertState::Resolved, Some(0), 5);
        assert_eq!(plan(Some(&resolved), &group, 61_000), Plan::Open(Some(7)));
        // Within the cool-down: counted, still resolved.
        assert!(matches!(
            plan(Some(&resolved), &group, 30_000),
            Plan::Bump(_)
        ));
        // The event the alert last counted is not counted again.
        let seen = alert(AlertState::Open, None, 20);
        assert_eq!(
            plan(Some(&seen), &[&a], 1_000),
            Plan::Nothing,
            "a timer seeing the same quiet call"
        );
        assert!(matches!(
            plan(Some(&seen), &group, 1_000),
            Plan::Bump(Bump { add: 2, .. })
        ));
    }
}
