//! Alerts: what a rule found, keyed by rule and call (or time window), and
//! where each one stands — open, acknowledged, snoozed or resolved.

use serde::{Deserialize, Serialize};

use super::RuleSpec;

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    Open,
    Acknowledged,
    Snoozed,
    Resolved,
}

impl AlertState {
    pub const ALL: [AlertState; 4] = [
        AlertState::Open,
        AlertState::Acknowledged,
        AlertState::Snoozed,
        AlertState::Resolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Open => "open",
            AlertState::Acknowledged => "acknowledged",
            AlertState::Snoozed => "snoozed",
            AlertState::Resolved => "resolved",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AlertState::Open => "Open",
            AlertState::Acknowledged => "Acknowledged",
            AlertState::Snoozed => "Snoozed",
            AlertState::Resolved => "Resolved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == s)
    }
}

/// A stored state; an unknown one is an error.
impl TryFrom<String> for AlertState {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or_else(|| format!("unknown alert state {s:?}"))
    }
}

/// Where an existing alert stands when its rule matches again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub state: AlertState,
    pub resolved_at: Option<i64>,
    pub snoozed_until: Option<i64>,
}

/// What a match does to the alert of its rule and key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnMatch {
    /// No alert yet: open one and notify.
    Open,
    /// A resolved alert past its cool-down (or a snooze that ran out while
    /// it matched again): open it again and notify.
    Reopen,
    /// Count the match, change nothing else, notify nobody.
    Bump,
}

impl OnMatch {
    pub fn decide(existing: Option<Standing>, now: i64, cooldown_ms: i64) -> OnMatch {
        let Some(s) = existing else {
            return OnMatch::Open;
        };
        match s.state {
            AlertState::Open | AlertState::Acknowledged => OnMatch::Bump,
            AlertState::Snoozed if s.snoozed_until.is_some_and(|until| until <= now) => {
                OnMatch::Reopen
            }
            AlertState::Snoozed => OnMatch::Bump,
            AlertState::Resolved
                if s.resolved_at
                    .unwrap_or(i64::MIN)
                    .saturating_add(cooldown_ms)
                    <= now =>
            {
                OnMatch::Reopen
            }
            AlertState::Resolved => OnMatch::Bump,
        }
    }

    pub fn notifies(self) -> bool {
        !matches!(self, OnMatch::Bump)
    }
}

/// One alert as the inbox shows it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertView {
    pub id: i64,
    pub rule_id: i64,
    pub rule_name: String,
    /// The rule's kind (`RuleSpec::kind`): what a call-less alert is about.
    pub rule_kind: String,
    pub call_id: Option<String>,
    pub event_id: Option<i64>,
    pub reason: String,
    pub state: AlertState,
    pub count: i64,
    pub opened_at: i64,
    pub last_seen_at: i64,
    pub snoozed_until: Option<i64>,
}

impl AlertView {
    /// The dashboard path of what the alert is about: its event (or
    /// call), or for the webhook rules, the delivery log.
    pub fn link(&self) -> Option<String> {
        match (&self.call_id, self.rule_kind.as_str()) {
            (Some(call), _) => Some(event_link(call, self.event_id)),
            (None, "webhook-auth-failures") => Some("/deliveries?outcome=rejected".into()),
            (None, "webhook-silence") => Some("/deliveries".into()),
            (None, _) => None,
        }
    }
}

/// `/calls/{id}`, with `?at={event}#e{event}` when an event is named.
pub fn event_link(call_id: &str, event_id: Option<i64>) -> String {
    let call = super::format::url_segment(call_id);
    match event_id {
        // `?at=` opens the window holding the event, however old it is.
        Some(id) => format!("/calls/{call}?at={id}#{}", super::event_anchor(id)),
        None => format!("/calls/{call}"),
    }
}

/// A rule as `/alerts/rules` lists and edits it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleView {
    pub id: i64,
    pub name: String,
    pub spec: RuleSpec,
    pub enabled: bool,
    pub cooldown_secs: i64,
    /// Every channel, and whether this rule notifies it.
    pub channels: Vec<(i64, String, bool)>,
}

/// `/alerts`: one page of alerts, newest first, filtered by state and rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertsPage {
    pub alerts: Vec<AlertView>,
    pub state: Option<AlertState>,
    pub rule: Option<i64>,
    /// The issue's cause, when the page shows one issue's alerts.
    pub cause: Option<String>,
    /// Every rule (id, name), for the filter.
    pub rules: Vec<(i64, String)>,
    pub open: i64,
    pub page: u32,
    pub has_more: bool,
    pub now: i64,
}

/// What the live alert stream sends: the open count, and the alert that
/// just opened, if one did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertNotice {
    pub open: i64,
    pub opened: Option<AlertView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(state: AlertState) -> Standing {
        Standing {
            state,
            resolved_at: None,
            snoozed_until: None,
        }
    }

    #[test]
    fn a_first_match_opens_and_repeats_only_bump() {
        assert_eq!(OnMatch::decide(None, 0, 0), OnMatch::Open);
        for state in [AlertState::Open, AlertState::Acknowledged] {
            assert_eq!(OnMatch::decide(Some(standing(state)), 10, 0), OnMatch::Bump);
        }
        assert!(OnMatch::Open.notifies() && OnMatch::Reopen.notifies());
        assert!(!OnMatch::Bump.notifies());
    }

    #[test]
    fn a_resolved_alert_reopens_only_after_its_cooldown() {
        let resolved = Standing {
            resolved_at: Some(1_000),
            ..standing(AlertState::Resolved)
        };
        assert_eq!(OnMatch::decide(Some(resolved), 1_500, 1_000), OnMatch::Bump);
        assert_eq!(
            OnMatch::decide(Some(resolved), 2_000, 1_000),
            OnMatch::Reopen
        );
    }

    #[test]
    fn a_snooze_holds_until_it_runs_out() {
        let snoozed = Standing {
            snoozed_until: Some(5_000),
            ..standing(AlertState::Snoozed)
        };
        assert_eq!(OnMatch::decide(Some(snoozed), 4_999, 0), OnMatch::Bump);
        assert_eq!(OnMatch::decide(Some(snoozed), 5_000, 0), OnMatch::Reopen);
    }

    #[test]
    fn stored_states_are_strict() {
        assert_eq!(
            AlertState::try_from("acknowledged".to_string()),
            Ok(AlertState::Acknowledged)
        );
        assert!(AlertState::try_from("closed".to_string()).is_err());
    }

    #[test]
    fn links_point_at_the_event() {
        assert_eq!(event_link("abc 1", Some(7)), "/calls/abc%201?at=7#e7");
        assert_eq!(event_link("abc", None), "/calls/abc");
        let alert = |call: Option<&str>, kind: &str| AlertView {
            id: 1,
            rule_id: 1,
            rule_name: "r".into(),
            rule_kind: kind.into(),
            call_id: call.map(str::to_string),
            event_id: None,
            reason: String::new(),
            state: AlertState::Open,
            count: 1,
            opened_at: 0,
            last_seen_at: 0,
            snoozed_until: None,
        };
        assert_eq!(alert(Some("c"), "hang").link().as_deref(), Some("/calls/c"));
        assert_eq!(
            alert(None, "webhook-auth-failures").link().as_deref(),
            Some("/deliveries?outcome=rejected")
        );
        assert_eq!(
            alert(None, "webhook-silence").link().as_deref(),
            Some("/deliveries")
        );
    }
}
