//! One request that reached a webhook route, and what calltrail did with it.

use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryOutcome {
    Accepted,
    Duplicate,
    Rejected,
}

impl Delivery {
    /// True when the log shows only the start of the stored body.
    pub fn body_cut(&self) -> bool {
        self.body_len > self.body.len() as i64
    }
}

impl DeliveryOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryOutcome::Accepted => "accepted",
            DeliveryOutcome::Duplicate => "duplicate",
            DeliveryOutcome::Rejected => "rejected",
        }
    }
}

impl TryFrom<String> for DeliveryOutcome {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        match s.as_str() {
            "accepted" => Ok(DeliveryOutcome::Accepted),
            "duplicate" => Ok(DeliveryOutcome::Duplicate),
            "rejected" => Ok(DeliveryOutcome::Rejected),
            other => Err(format!("unknown delivery outcome {other:?}")),
        }
    }
}

/// Bytes of each body the delivery log shows (and sends to the browser).
pub const BODY_PREVIEW_BYTES: usize = 2048;

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: i64,
    pub received_at: i64,
    pub source: String,
    pub remote_addr: Option<String>,
    pub content_type: Option<String>,
    pub webhook_id: Option<String>,
    pub outcome: DeliveryOutcome,
    pub http_status: i64,
    pub error: Option<String>,
    pub detail: Option<String>,
    pub call_id: Option<String>,
    pub event_id: Option<i64>,
    /// The start of the body as text (invalid UTF-8 replaced), at most
    /// 2,048 bytes (`BODY_PREVIEW_BYTES`); the whole body is at `/deliveries/{id}/body`.
    pub body: String,
    /// The stored body's length in bytes.
    pub body_len: i64,
    /// The sender's body was longer than what was stored (the size limit).
    pub body_truncated: bool,
    /// The kind of event it stored (`message`, `tool_call`, …), if any.
    pub kind: Option<String>,
    /// What that event said, in a line.
    pub preview: Option<String>,
}

/// What the delivery log is narrowed to (`/deliveries?outcome=…`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryFilter {
    pub outcome: Option<DeliveryOutcome>,
    pub status: Option<i64>,
    /// An event kind, as stored (`message`, `tool_call`, …).
    pub kind: Option<String>,
    pub call: Option<String>,
    /// Text the body contains (any case).
    pub text: Option<String>,
}

/// The event kinds the filter offers, with their names for people.
pub const EVENT_KINDS: [(&str, &str); 10] = [
    ("message", "turn"),
    ("tool_call", "tool call"),
    ("tool_request", "tool request"),
    ("interruption", "interruption"),
    ("hang", "hang"),
    ("transfer", "transfer"),
    ("end", "end"),
    ("report", "end-of-call report"),
    ("signal", "system line"),
    ("unknown", "not recognised"),
];

impl DeliveryFilter {
    pub fn is_empty(&self) -> bool {
        *self == DeliveryFilter::default()
    }

    /// As URL parameters (`outcome=rejected&text=oops`), for links that keep it.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        let mut add = |key: &str, value: Option<String>| {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                parts.push(format!("{key}={}", super::format::url_segment(&v)));
            }
        };
        add("outcome", self.outcome.map(|o| o.as_str().to_string()));
        add("status", self.status.map(|s| s.to_string()));
        add("kind", self.kind.clone());
        add("call", self.call.clone());
        add("text", self.text.clone());
        parts.join("&")
    }
}
