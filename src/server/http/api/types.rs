//! What `/api/v1` answers with: the shapes its OpenAPI document describes,
//! and what `calltrail calls`, `call`, `tail` and `alerts` read back.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::metrics::CallMetrics;
use crate::model::review::ReviewMarks;
use crate::model::{AlertState, AlertView, CallSummary, Delivery, EventDetail, TimelineItem};

/// A call: what the calls list shows of it, with its voice metrics.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Call {
    #[serde(flatten)]
    pub summary: CallSummary,
    /// Latency, silences, interruptions, talk share, tools, ending; `null`
    /// until the call is measured (a few seconds after its events).
    #[schema(value_type = Option<Object>)]
    pub metrics: Option<CallMetrics>,
    /// What reviewers concluded: flag reasons, mean score, who marked it
    /// reviewed, how many notes.
    #[serde(default)]
    pub review: ReviewMarks,
}

/// One page of calls.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CallList {
    pub calls: Vec<Call>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// One event of a call, as calltrail understood it; `kind` says which
/// fields follow (`message`: role and text, `tool_call`: function,
/// arguments, response and error, `interruption`, `latency`, …).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Event {
    /// Unique and increasing in the order events were stored.
    pub id: i64,
    pub call_id: String,
    /// Epoch ms: the best time the event carries, else its arrival.
    pub occurred_at: i64,
    pub seconds_from_start: Option<f64>,
    /// Epoch ms, this server's clock.
    pub received_at: i64,
    #[serde(flatten)]
    pub detail: EventDetail,
}

impl From<TimelineItem> for Event {
    fn from(item: TimelineItem) -> Self {
        Event {
            id: item.id,
            call_id: item.call_id,
            occurred_at: item.occurred_at,
            seconds_from_start: item.seconds_from_start,
            received_at: item.received_at,
            detail: item.detail,
        }
    }
}

/// A call and one page of its events, in timeline order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CallTimeline {
    pub call: Call,
    pub events: Vec<Event>,
    /// Pass as `cursor` for the events after these; `null` when none follow yet.
    pub next_cursor: Option<String>,
}

/// One page of the delivery log, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeliveryList {
    pub deliveries: Vec<Delivery>,
    pub next_cursor: Option<String>,
}

/// One page of alerts, most recently matched first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AlertList {
    pub alerts: Vec<AlertView>,
    pub next_cursor: Option<String>,
}

/// Which alerts to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertStateFilter {
    Open,
    Acknowledged,
    Snoozed,
    Resolved,
    All,
}

impl AlertStateFilter {
    pub fn state(self) -> Option<AlertState> {
        match self {
            AlertStateFilter::Open => Some(AlertState::Open),
            AlertStateFilter::Acknowledged => Some(AlertState::Acknowledged),
            AlertStateFilter::Snoozed => Some(AlertState::Snoozed),
            AlertStateFilter::Resolved => Some(AlertState::Resolved),
            AlertStateFilter::All => None,
        }
    }
}
