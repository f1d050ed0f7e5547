//! Automations as `/automations` shows them: notification channels,
//! forwarding destinations with their health, and the log of attempts.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Slack,
    Webhook,
    Email,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 3] =
        [ChannelKind::Slack, ChannelKind::Webhook, ChannelKind::Email];

    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Slack => "slack",
            ChannelKind::Webhook => "webhook",
            ChannelKind::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl TryFrom<String> for ChannelKind {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or_else(|| format!("unknown channel kind {s:?}"))
    }
}

/// A notification channel, without its secrets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelView {
    pub id: i64,
    pub name: String,
    pub kind: ChannelKind,
    /// Where it sends: a URL's host, or the email recipients.
    pub target: String,
    pub tested_at: Option<i64>,
    pub test_result: Option<String>,
}

/// A forwarding destination and how its deliveries are going.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DestinationView {
    pub id: i64,
    pub name: String,
    pub url: String,
    /// Event types forwarded; empty means all.
    pub events: Vec<String>,
    pub condition: Option<String>,
    pub signed: bool,
    /// Forwards carry callers' sensitive data redacted.
    #[serde(default)]
    pub redact: bool,
    pub paused: bool,
    pub paused_reason: Option<String>,
    pub delivered: i64,
    pub failed: i64,
    pub pending: i64,
    pub oldest_pending_at: Option<i64>,
    pub last_error: Option<String>,
}

impl DestinationView {
    /// Share of finished deliveries that arrived, in percent.
    pub fn success_rate(&self) -> Option<f64> {
        let done = self.delivered + self.failed;
        (done > 0).then(|| self.delivered as f64 * 100.0 / done as f64)
    }
}

/// What an outbox row is sending.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Sending {
    Event { destination: String, event_id: i64 },
    Alert { channel: String, alert_id: i64 },
}

/// One attempt to send an outbox row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptView {
    pub id: i64,
    pub outbox_id: i64,
    pub sending: Sending,
    pub call_id: Option<String>,
    pub replay: bool,
    pub at: i64,
    pub status: Option<i64>,
    pub latency_ms: i64,
    pub response: Option<String>,
    pub error: Option<String>,
}

impl AttemptView {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// `/automations`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AutomationsPage {
    pub destinations: Vec<DestinationView>,
    pub channels: Vec<ChannelView>,
    pub attempts: Vec<AttemptView>,
    /// Whether destinations on loopback or private networks are allowed.
    pub private_allowed: bool,
    pub now: i64,
}
