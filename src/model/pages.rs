//! What each page loads through its server function.

use serde::{Deserialize, Serialize};

use super::{CallSummary, ConnectInfo, Delivery, TimelineItem};

/// `/`: live calls on top, then one page of past calls, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallsPage {
    pub live: Vec<CallSummary>,
    pub past: Vec<CallSummary>,
    pub page: u32,
    pub has_more: bool,
    /// Newest event id at load time: the live stream resumes after it.
    pub cursor: i64,
    /// Server clock (epoch ms) at load time, so durations render the same on
    /// the server and in the browser until the browser's clock takes over.
    pub now: i64,
    /// Where platforms should POST events, as this server was reached.
    pub connect: ConnectInfo,
}

/// `/calls/{id}`: the call and its whole timeline, in timeline order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallTimeline {
    pub call: CallSummary,
    pub items: Vec<TimelineItem>,
    pub cursor: i64,
    pub now: i64,
}

/// `/deliveries`: one page of the delivery log, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveriesPage {
    pub deliveries: Vec<Delivery>,
    pub page: u32,
    pub has_more: bool,
}
