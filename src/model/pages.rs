//! What each page loads through its server function.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::metrics::CallMetrics;
use super::{
    CallSummary, ConnectInfo, Delivery, DeliveryFilter, SavedView, SearchResults, Sort,
    TimelineItem,
};

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
    /// A live call quiet this long (ms) counts as stale.
    pub stale_after_ms: i64,
    /// Whether any call came from a connected agent (not the demo or a test
    /// event): until then the Connect panel stays open.
    pub agent_connected: bool,
    /// Set when the list was asked for with a query (`?q=`): the calls it
    /// selects, in place of the live and past sections.
    pub search: Option<SearchResults>,
    /// The signed-in account's saved views.
    pub saved: Vec<SavedView>,
    /// The order of the results (`?sort=`).
    pub sort: Sort,
    /// The voice metrics of the calls shown that have been measured.
    pub metrics: HashMap<String, CallMetrics>,
    /// What reviewers concluded about the calls shown that have a review.
    #[serde(default)]
    pub review: HashMap<String, super::review::ReviewMarks>,
}

/// `/calls/{id}`: the call and one window of its timeline (the newest, or
/// the one before `?before=`), in timeline order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallTimeline {
    pub call: CallSummary,
    pub items: Vec<TimelineItem>,
    /// Where the window before this one ends, when there are earlier events.
    pub earlier: Option<TimelinePoint>,
    /// Where this window ends, when it is not the newest.
    pub before: Option<TimelinePoint>,
    pub cursor: i64,
    pub now: i64,
    /// A live call quiet this long (ms) counts as stale.
    pub stale_after_ms: i64,
    /// The call's voice metrics as last measured (none before the first
    /// measurement).
    pub metrics: Option<CallMetrics>,
    /// The viewer may open raw payloads, recordings and fixtures.
    pub raw: bool,
    /// What reviewers concluded about the call.
    #[serde(default)]
    pub review: super::review::CallReview,
    /// What the reader may do about it (nothing on a shared link).
    #[serde(default)]
    pub desk: super::review::ReviewDesk,
    /// The call's shared links, for a reader who may share it.
    #[serde(default)]
    pub shares: Option<Vec<super::review::ShareLink>>,
    /// A shared link just made, shown once.
    #[serde(default)]
    pub new_share: Option<String>,
}

/// Whether the page's viewer may open raw payloads and recordings: the call
/// page provides it to its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawAccess(pub bool);

impl RawAccess {
    /// What the page provided; nothing provided means no.
    pub fn here() -> bool {
        leptos::prelude::use_context::<RawAccess>().is_some_and(|r| r.0)
    }
}

/// A place in a call's timeline: events sort by time, then by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TimelinePoint {
    pub at: i64,
    pub id: i64,
}

impl TimelinePoint {
    pub fn of(item: &TimelineItem) -> Self {
        TimelinePoint {
            at: item.occurred_at,
            id: item.id,
        }
    }

    /// As the `?before=` parameter: `at.id`.
    pub fn to_param(self) -> String {
        format!("{}.{}", self.at, self.id)
    }

    pub fn parse(param: &str) -> Option<Self> {
        let (at, id) = param.split_once('.')?;
        Some(TimelinePoint {
            at: at.parse().ok()?,
            id: id.parse().ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::TimelinePoint;

    #[test]
    fn points_round_trip_as_parameters() {
        let p = TimelinePoint {
            at: 1_700_000_000_123,
            id: 42,
        };
        assert_eq!(TimelinePoint::parse(&p.to_param()), Some(p));
        assert_eq!(TimelinePoint::parse("12"), None);
        assert_eq!(TimelinePoint::parse("a.b"), None);
        assert!(TimelinePoint { at: 1, id: 9 } < TimelinePoint { at: 2, id: 1 });
    }
}

/// `/deliveries`: one page of the delivery log, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveriesPage {
    pub filter: DeliveryFilter,
    pub deliveries: Vec<Delivery>,
    pub page: u32,
    pub has_more: bool,
    /// The newest delivery id at load time: the live log resumes after it.
    pub cursor: i64,
    /// What traced frameworks sent that no mapper reads (first page only).
    pub unmapped: Vec<crate::model::unmapped::Unmapped>,
}
