//! One event of a call, normalized from whatever the platform sent.

use serde::{Deserialize, Serialize};

use super::latency::PartMs;
use serde_json::Value;

pub use super::transfer::TransferStage;

/// Who spoke a turn. Platforms disagree on names ("bot", "assistant"), so they
/// are folded into these; anything else is kept as it came.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Agent,
    User,
    System,
    Other(String),
}

impl Role {
    pub fn from_wire(role: &str) -> Self {
        match role.trim().to_ascii_lowercase().as_str() {
            "agent" | "bot" | "assistant" | "ai" => Role::Agent,
            "user" | "customer" | "human" | "caller" => Role::User,
            "system" => Role::System,
            _ => Role::Other(role.to_string()),
        }
    }

    pub fn label(&self) -> &str {
        match self {
            Role::Agent => "Agent",
            Role::User => "User",
            Role::System => "System",
            Role::Other(name) => name,
        }
    }

    pub fn css_class(&self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::User => "user",
            Role::System => "system",
            Role::Other(_) => "other",
        }
    }
}

/// What happened, by kind. Unknown event types are kept, not rejected.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventDetail {
    Message {
        role: Role,
        text: String,
    },
    ToolCall {
        function: String,
        arguments: Value,
        response: Option<Value>,
        /// Set when the response reads as a failure; the text to show.
        error: Option<String>,
    },
    /// The platform asked for a tool to run (Vapi and Retell send the
    /// request and its result apart; the result is a `ToolCall`).
    ToolRequest {
        function: String,
        arguments: Value,
    },
    Interruption {
        /// The partial transcript up to the cut.
        text: String,
        /// Seconds from call start at which the speech was cut.
        at_seconds: Option<f64>,
        /// Who was cut off, only when the payload says so.
        who: Option<Role>,
    },
    Hang {
        after_seconds: Option<f64>,
        message: Option<String>,
    },
    Transfer {
        transfer_type: Option<String>,
        destination: Option<String>,
        label: Option<String>,
        /// How far the transfer got; a stored transfer without one was done.
        #[serde(default, skip_serializing_if = "TransferStage::is_done")]
        stage: TransferStage,
    },
    End {
        ended_by: Option<String>,
    },
    Report {
        summary: Option<String>,
        transcript: Option<String>,
        recording_url: Option<String>,
        stereo_recording_url: Option<String>,
        duration_ms: Option<i64>,
        ended_reason: Option<String>,
        cost: Option<f64>,
        started_at: Option<i64>,
        /// The platform's verdict on the call ("true", a score, …).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        success: Option<String>,
        /// The caller's sentiment, when the platform judged it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sentiment: Option<String>,
        /// When each turn was spoken, as the report lists them: the only
        /// source of when a turn ended.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        turns: Vec<ReportTurn>,
    },
    /// What the platform says about the call rather than in it — it
    /// started, rang, switched language, a turn began: one system line.
    Signal {
        /// The platform's name for the event (`status-update`, `call_started`).
        event_type: String,
        /// What it says, in words ("ringing", "language changed to es").
        text: String,
        /// Fine-grained signals (speech started and stopped, partial
        /// transcripts) that repeat what the turns show: hidden unless asked.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        chatter: bool,
    },
    /// How long one response took to be heard, and in which parts, as the
    /// source reports them (on the call page, beside the answer).
    Latency {
        /// Which response: events naming the same one are merged.
        response: String,
        /// The silence the caller heard, when this event carries it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        heard_ms: Option<i64>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        parts: Vec<PartMs>,
    },
    Unknown {
        event_type: String,
    },
}

/// One turn as an end-of-call report times it (ms from the call's start).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportTurn {
    pub role: Role,
    pub start_ms: i64,
    /// How long it was spoken, when the report says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<i64>,
}

impl EventDetail {
    /// The short name stored in the `events.kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            EventDetail::Message { .. } => "message",
            EventDetail::ToolCall { .. } => "tool_call",
            EventDetail::ToolRequest { .. } => "tool_request",
            EventDetail::Interruption { .. } => "interruption",
            EventDetail::Hang { .. } => "hang",
            EventDetail::Transfer { .. } => "transfer",
            EventDetail::End { .. } => "end",
            EventDetail::Report { .. } => "report",
            EventDetail::Signal { .. } => "signal",
            EventDetail::Latency { .. } => "latency",
            EventDetail::Unknown { .. } => "unknown",
        }
    }

    /// calltrail's own name for what happened, the same on every platform:
    /// what forwarding destinations filter by and the envelope's `kind`.
    /// A failed tool call is a `tool_error`.
    pub fn forward_kind(&self) -> &'static str {
        match self {
            EventDetail::Message { .. } => "turn",
            EventDetail::ToolCall { error: Some(_), .. } => "tool_error",
            EventDetail::ToolCall { .. } => "tool_call",
            EventDetail::ToolRequest { .. } => "tool_request",
            EventDetail::Interruption { .. } => "interruption",
            EventDetail::Hang { .. } => "hang",
            EventDetail::Transfer { .. } => "transfer",
            EventDetail::End { .. } => "end",
            EventDetail::Report { .. } => "report",
            EventDetail::Signal { .. } => "signal",
            EventDetail::Latency { .. } => "latency",
            EventDetail::Unknown { .. } => "other",
        }
    }

    /// Whether a destination that takes `wanted` (a [`FORWARD_KINDS`] name,
    /// or an Infer event type as older destinations stored) takes this.
    /// `tool_call` takes failed tool calls too.
    pub fn forwarded_as(&self, wanted: &str) -> bool {
        let kind = self.forward_kind();
        wanted == kind
            || (wanted == "tool_call" && kind == "tool_error")
            || wanted == self.event_type()
    }

    /// The platform's name for this type of event (Infer's), which
    /// forwarding filters and `match` rules name.
    pub fn event_type(&self) -> &str {
        match self {
            EventDetail::Message { .. } => "conversation-update",
            EventDetail::ToolCall { .. } => "tool-call",
            EventDetail::ToolRequest { .. } => "tool-calls",
            EventDetail::Interruption { .. } => "user-interrupted",
            EventDetail::Hang { .. } => "hang-notification",
            EventDetail::Transfer { .. } => "transfer-call",
            EventDetail::End { .. } => "end-call",
            EventDetail::Report { .. } => "end-of-call-report",
            EventDetail::Latency { .. } => "latency",
            EventDetail::Signal { event_type, .. } | EventDetail::Unknown { event_type } => {
                event_type
            }
        }
    }
}

impl EventDetail {
    /// A fine-grained line the timeline hides unless asked: a speech
    /// signal, a span that told nothing else, a latency figure (which the
    /// answer it measured shows).
    pub fn is_chatter(&self) -> bool {
        matches!(
            self,
            EventDetail::Signal { chatter: true, .. } | EventDetail::Latency { .. }
        )
    }

    /// The detail with tool arguments and results left out (null): what
    /// voice metrics read of a call, which never looks at either.
    pub fn without_tool_payloads(self) -> EventDetail {
        match self {
            EventDetail::ToolCall {
                function,
                response,
                error,
                ..
            } => EventDetail::ToolCall {
                function,
                arguments: Value::Null,
                response: response.map(|_| Value::Null),
                error,
            },
            EventDetail::ToolRequest { function, .. } => EventDetail::ToolRequest {
                function,
                arguments: Value::Null,
            },
            other => other,
        }
    }

    /// What of the event full-text search reads: what was said, a tool's
    /// name, arguments, result and error, a transfer's target, a report's
    /// summary (the fields migration 0010's `event_search_text` view reads,
    /// in its order).
    pub fn search_text(&self) -> String {
        fn json(v: &Value) -> String {
            match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            }
        }
        let parts: Vec<String> = match self {
            EventDetail::Message { text, .. } | EventDetail::Interruption { text, .. } => {
                vec![text.clone()]
            }
            EventDetail::ToolCall {
                function,
                arguments,
                response,
                error,
            } => vec![
                function.clone(),
                json(arguments),
                response.as_ref().map(json).unwrap_or_default(),
                error.clone().unwrap_or_default(),
            ],
            EventDetail::ToolRequest {
                function,
                arguments,
            } => vec![function.clone(), json(arguments)],
            EventDetail::Hang { .. }
            | EventDetail::End { .. }
            | EventDetail::Latency { .. }
            | EventDetail::Unknown { .. } => {
                vec![]
            }
            EventDetail::Transfer {
                destination, label, ..
            } => vec![
                destination.clone().unwrap_or_default(),
                label.clone().unwrap_or_default(),
            ],
            EventDetail::Report { summary, .. } => vec![summary.clone().unwrap_or_default()],
            EventDetail::Signal { text, .. } => vec![text.clone()],
        };
        parts
            .iter()
            .filter(|p| !p.is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The kinds a forwarding destination can take, with their names for people.
pub const FORWARD_KINDS: [(&str, &str); 11] = [
    ("turn", "turns"),
    ("tool_call", "tool calls (failed ones too)"),
    ("tool_error", "failed tool calls"),
    ("tool_request", "tool requests"),
    ("hang", "hangs"),
    ("interruption", "interruptions"),
    ("transfer", "transfers"),
    ("end", "call ends"),
    ("report", "end-of-call reports"),
    ("signal", "system lines"),
    ("latency", "response latencies"),
];

/// One stored event as the timeline shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineItem {
    /// Row id: unique, increasing in commit order; the SSE `id`.
    pub id: i64,
    pub call_id: String,
    /// Best time the event carries (epoch ms), else its arrival.
    pub occurred_at: i64,
    pub seconds_from_start: Option<f64>,
    pub received_at: i64,
    pub detail: EventDetail,
    /// The body as delivered; empty on a page, which fetches it on demand.
    pub raw: String,
    /// Whether a page shows this item in part ([`super::clip`]): it then
    /// links to the whole stored body.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub clipped: bool,
}

impl TimelineItem {
    /// Timeline order: best time, then arrival (row id).
    pub fn sort_key(&self) -> (i64, i64) {
        (self.occurred_at, self.id)
    }

    /// Offset from the call's start in ms, preferring the payload's own
    /// seconds-from-start over a difference of clocks.
    pub fn offset_ms(&self, call_started_at: i64) -> i64 {
        match self.seconds_from_start {
            Some(s) => (s * 1000.0).round() as i64,
            None => self.occurred_at - call_started_at,
        }
    }
}

/// The element id of an event's timeline item (`e42`): links to the event
/// end in `#e42`.
pub fn event_anchor(id: i64) -> String {
    format!("e{id}")
}

/// What a live call page receives for each new event: the item and the call's
/// summary after it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiveUpdate {
    pub item: TimelineItem,
    pub call: super::CallSummary,
}

impl LiveUpdate {
    /// The update as a call page receives it: the item bounded and without
    /// its body ([`super::clip::item`]).
    pub fn shown(&self) -> LiveUpdate {
        LiveUpdate {
            item: super::clip::item(&self.item),
            call: self.call.clone(),
        }
    }
}

/// Insert `item` into a timeline kept in [`TimelineItem::sort_key`] order,
/// ignoring an item already present. Returns whether it was inserted.
pub fn insert_sorted(items: &mut Vec<TimelineItem>, item: TimelineItem) -> bool {
    if items.iter().any(|i| i.id == item.id) {
        return false;
    }
    let at = items.partition_point(|i| i.sort_key() < item.sort_key());
    items.insert(at, item);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, occurred_at: i64) -> TimelineItem {
        TimelineItem {
            id,
            call_id: "c".into(),
            occurred_at,
            seconds_from_start: None,
            received_at: 0,
            detail: EventDetail::End { ended_by: None },
            raw: "{}".into(),
            clipped: false,
        }
    }

    #[test]
    fn roles_fold_platform_names() {
        assert_eq!(Role::from_wire("bot"), Role::Agent);
        assert_eq!(Role::from_wire("Assistant"), Role::Agent);
        assert_eq!(Role::from_wire("user"), Role::User);
        assert_eq!(Role::from_wire("system"), Role::System);
        assert_eq!(
            Role::from_wire("moderator"),
            Role::Other("moderator".into())
        );
    }

    #[test]
    fn insert_sorted_places_late_items_by_time_then_id() {
        let mut items = vec![item(1, 100), item(2, 300)];
        assert!(insert_sorted(&mut items, item(3, 200)));
        assert!(insert_sorted(&mut items, item(4, 300)));
        assert!(!insert_sorted(&mut items, item(3, 200)));
        let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
        assert_eq!(ids, vec![1, 3, 2, 4]);
    }

    #[test]
    fn forward_kinds_are_the_same_on_every_platform() {
        let failed = EventDetail::ToolCall {
            function: "book".into(),
            arguments: Value::Null,
            response: None,
            error: Some("down".into()),
        };
        assert_eq!(failed.forward_kind(), "tool_error");
        assert!(failed.forwarded_as("tool_error"));
        assert!(
            failed.forwarded_as("tool_call"),
            "tool calls include failed ones"
        );
        assert!(failed.forwarded_as("tool-call"), "Infer's name still works");
        assert!(!failed.forwarded_as("hang"));
        let turn = EventDetail::Message {
            role: Role::User,
            text: "hi".into(),
        };
        assert!(turn.forwarded_as("turn") && !turn.forwarded_as("tool_error"));
    }

    #[test]
    fn offset_prefers_seconds_from_start() {
        let mut i = item(1, 10_500);
        assert_eq!(i.offset_ms(10_000), 500);
        i.seconds_from_start = Some(1.25);
        assert_eq!(i.offset_ms(10_000), 1250);
    }
}
