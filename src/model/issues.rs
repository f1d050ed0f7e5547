//! Alerts grouped into issues, Sentry-style: every alert of one rule with
//! the same cause — its reason with the numbers and ids that differ from
//! call to call taken out — is one issue, with the calls it touched, when
//! it was first and last seen, how often lately, and where it stands.

use serde::{Deserialize, Serialize};

use super::AlertState;

/// An alert reason as its issue's cause: digits become `#`, and words that
/// look like ids (long, with digits) become `…`, so "Tool listOpenSlots
/// failed: upstream timeout after 8000 ms" on any call is one cause.
pub fn cause_of(reason: &str) -> String {
    reason
        .split(' ')
        .map(|word| {
            let digits = word.chars().filter(char::is_ascii_digit).count();
            if word.len() >= 12 && digits >= 3 {
                "…".to_string()
            } else {
                collapse_digits(word)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn collapse_digits(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut in_number = false;
    for c in word.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

/// One issue as `/alerts` lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssueView {
    pub rule_id: i64,
    pub rule_name: String,
    pub rule_kind: String,
    /// The cause ([`cause_of`]) that, with the rule, names the issue.
    pub cause: String,
    /// The latest alert's reason, as it was worded.
    pub reason: String,
    /// Alerts in it (one per call, or per window for timed rules).
    pub alerts: i64,
    /// Distinct calls among them.
    pub calls: i64,
    pub first_seen: i64,
    pub last_seen: i64,
    pub state: AlertState,
    /// Alerts not resolved.
    pub unresolved: i64,
    /// Alerts opened per hour over the last day, oldest first.
    pub spark: Vec<u32>,
    /// The latest alert's call, when it has one: one click to an example.
    pub latest_call: Option<String>,
    pub latest_event: Option<i64>,
}

/// Hours the sparkline spans, one bar each.
pub const SPARK_HOURS: usize = 24;

impl IssueView {
    /// How the issue is named in a form: `rule_id:cause`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.rule_id, self.cause)
    }

    /// `/alerts?rule=…&cause=…`: the issue's alerts, each with its call.
    pub fn alerts_href(&self) -> String {
        format!(
            "/alerts?rule={}&cause={}",
            self.rule_id,
            super::format::url_segment(&self.cause)
        )
    }
}

/// An issue named in a form (`rule_id:cause`).
pub fn parse_key(key: &str) -> Option<(i64, String)> {
    let (rule, cause) = key.split_once(':')?;
    Some((rule.parse().ok()?, cause.to_string()))
}

/// Where an issue stands, from how many of its alerts stand where: open
/// while any is open; else snoozed, acknowledged, resolved in that order.
pub fn state_of(open: i64, snoozed: i64, acknowledged: i64) -> AlertState {
    if open > 0 {
        AlertState::Open
    } else if snoozed > 0 {
        AlertState::Snoozed
    } else if acknowledged > 0 {
        AlertState::Acknowledged
    } else {
        AlertState::Resolved
    }
}

/// The sparkline's bars: alerts opened in each of the last
/// [`SPARK_HOURS`] hours before `now`, oldest first.
pub fn spark(opened: &[i64], now: i64) -> Vec<u32> {
    const HOUR: i64 = 3_600_000;
    let mut bars = vec![0u32; SPARK_HOURS];
    for at in opened {
        let ago = (now - at).div_euclid(HOUR);
        if (0..SPARK_HOURS as i64).contains(&ago) {
            bars[SPARK_HOURS - 1 - ago as usize] += 1;
        }
    }
    bars
}

/// Which issues `/alerts` shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IssueFilter {
    pub state: Option<AlertState>,
    pub rule: Option<i64>,
    /// Whether alerts of demo calls count (they are left out by default).
    pub with_demo: bool,
}

/// `/alerts`: the issues, most recently seen first, filtered by state and
/// rule; demo calls left out unless asked for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssuesPage {
    pub issues: Vec<IssueView>,
    pub state: Option<AlertState>,
    pub rule: Option<i64>,
    pub with_demo: bool,
    /// Every rule (id, name), for the filter.
    pub rules: Vec<(i64, String)>,
    pub open: i64,
    pub page: u32,
    pub has_more: bool,
    pub now: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_failure_on_any_call_is_one_cause() {
        let a = cause_of("Tool listOpenSlots failed: upstream timeout after 8000 ms");
        let b = cause_of("Tool listOpenSlots failed: upstream timeout after 12000 ms");
        assert_eq!(a, b);
        assert_eq!(a, "Tool listOpenSlots failed: upstream timeout after # ms");
        assert_eq!(
            cause_of("No event for 2m 5s (last one at 2026-12-07 02:00:01 UTC)"),
            "No event for #m #s (last one at #-#-# #:#:# UTC)"
        );
        assert_eq!(
            cause_of("order 5b6f2c1e-8a43-4d7f-9e21 not found"),
            "order … not found"
        );
        assert_ne!(
            cause_of("Tool book failed: timeout"),
            cause_of("Tool lookup failed: timeout")
        );
    }

    #[test]
    fn an_issue_is_open_while_any_alert_is() {
        assert_eq!(state_of(1, 2, 3), AlertState::Open);
        assert_eq!(state_of(0, 1, 3), AlertState::Snoozed);
        assert_eq!(state_of(0, 0, 3), AlertState::Acknowledged);
        assert_eq!(state_of(0, 0, 0), AlertState::Resolved);
    }

    #[test]
    fn the_sparkline_counts_the_last_day_by_hour() {
        let now = 100 * 3_600_000;
        let bars = spark(
            &[now - 1, now - 2, now - 3_600_001, now - 30 * 3_600_000],
            now,
        );
        assert_eq!(bars.len(), SPARK_HOURS);
        assert_eq!(bars[23], 2);
        assert_eq!(bars[22], 1);
        assert_eq!(bars.iter().sum::<u32>(), 3);
    }

    #[test]
    fn keys_round_trip() {
        assert_eq!(parse_key("3:Tool a: b"), Some((3, "Tool a: b".to_string())));
        assert_eq!(parse_key("x:y"), None);
    }
}
