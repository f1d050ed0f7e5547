//! The calls and what they hold: calls, events, deliveries, search, metrics and insights.

use std::collections::HashMap;

use crate::model::compare::SearchSummary;
use crate::model::metrics::CallMetrics;
use crate::model::query::Query;
use crate::model::unmapped::Unmapped;
use crate::model::{CallSummary, Delivery, DeliveryFilter, SearchHit, TimelineItem, TimelinePoint};
use crate::server::store::{Error, Insights, Replayable, SearchAt, SearchFrom as From, Store};

areas! {
    /// Calls, as the calls list reads them.
    CallStore {
        fn call(&self, call_id: &str) -> Result<Option<CallSummary>, Error>;
        /// Calls still in progress, newest first.
        fn live_calls(&self) -> Result<Vec<CallSummary>, Error>;
        /// Whether any call came from outside calltrail (not a sample it made).
        fn has_agent_calls(&self) -> Result<bool, Error>;
        /// One page of finished calls, newest first; `limit + 1` rows are asked for
        /// so the caller knows whether there is a next page.
        fn past_calls(&self, offset: i64, limit: i64) -> Result<Vec<CallSummary>, Error>;
        /// Calls this server heard from at or after `since` (its own clock),
        /// most recent first, at most `limit`: what rate rules count.
        fn calls_active_since(&self, since: i64, limit: i64) -> Result<Vec<CallSummary>, Error>;
        /// Calls changed by events after `after_event_id`, in the order they changed:
        /// what a reconnecting calls list missed.
        fn calls_changed_after(&self, after_event_id: i64, limit: i64) -> Result<Vec<CallSummary>, Error>;
        /// The newest event id stored: where a live stream starts.
        fn latest_event_id(&self) -> Result<i64, Error>;
    }
    /// Events: writing them, and reading timelines.
    EventStore {
        /// A call's timeline, in timeline order (best time, then arrival).
        fn timeline(&self, call_id: &str) -> Result<Vec<TimelineItem>, Error>;
        /// A call's timeline as voice metrics read it, in timeline order:
        /// without bodies, and tool calls without their arguments and results
        /// ([`crate::model::EventDetail::without_tool_payloads`]), each trimmed as it is
        /// parsed, so a call of 1 MiB events is measured in little memory.
        fn timeline_to_measure(&self, call_id: &str) -> Result<Vec<TimelineItem>, Error>;
        /// Up to `limit` of a call's events just before `before` (the newest when
        /// `None`), in timeline order, as a page shows them: without their bodies
        /// (`raw` is empty; read one with `event_body`) and each bounded
        /// ([`clip::page`](crate::model::clip::page)), parsed one at a time, so a window of 1 MiB events
        /// never sits whole in memory.
        fn timeline_window(&self, call_id: &str, before: Option<TimelinePoint>, limit: i64) -> Result<Vec<TimelineItem>, Error>;
        /// Up to `limit` of a call's events just after `after` (from the first
        /// when `None`), in timeline order, without their bodies (`raw` is
        /// empty) but whole: what the API pages through.
        fn timeline_after(&self, call_id: &str, after: Option<TimelinePoint>, limit: i64) -> Result<Vec<TimelineItem>, Error>;
        /// Event `id`, without its body; `None` when there is none.
        fn event(&self, id: i64) -> Result<Option<TimelineItem>, Error>;
        /// The body event `id` was stored from, as delivered.
        fn event_body(&self, id: i64) -> Result<Option<String>, Error>;
        /// The place of a call's `n`-th event (from 0) in time order; `None`
        /// when it has no more than `n` events.
        fn nth_point(&self, call_id: &str, n: i64) -> Result<Option<TimelinePoint>, Error>;
        /// Up to `limit` places of the events after event `event_id` in its
        /// call's time order; `None` when the call has no such event.
        fn points_after(&self, call_id: &str, event_id: i64, limit: i64) -> Result<Option<Vec<TimelinePoint>>, Error>;
        /// A call's events stored after `after_id`, in commit order: what a
        /// reconnecting or lagging call page missed.
        fn events_after(&self, call_id: &str, after_id: i64, limit: i64) -> Result<Vec<TimelineItem>, Error>;
        /// A call's events stored after `after_id`, in commit order: at most
        /// `limit`, and only as many as fit in `max_bytes` of stored text (at
        /// least one), so a step of an export stays small whatever the bodies'
        /// size. Also whether more follow.
        fn events_after_within(&self, call_id: &str, after_id: i64, limit: i64, max_bytes: i64) -> Result<(Vec<TimelineItem>, bool), Error>;
        /// Events stored after `after_id` (of one call, or of every call for
        /// `None`), in commit order, without their bodies: what an API
        /// stream sends.
        fn events_after_without_bodies(&self, call_id: Option<&str>, after_id: i64, limit: i64) -> Result<Vec<TimelineItem>, Error>;
        /// Events of every call stored after `after_id`, in commit order: what
        /// the effects cursor has not handled yet.
        fn events_since(&self, after_id: i64, limit: i64) -> Result<Vec<TimelineItem>, Error>;
        /// The id just before the first event that arrived at or after `at`
        /// (a replay from a time starts after it).
        fn event_id_before(&self, at: i64) -> Result<i64, Error>;
    }
    /// The delivery log: every webhook as it arrived.
    DeliveryStore {
        /// One page of the delivery log, newest first, each body cut to its start.
        fn deliveries(&self, offset: i64, limit: i64) -> Result<Vec<Delivery>, Error>;
        /// One page of the deliveries `filter` keeps, newest first.
        fn find_deliveries(&self, filter: &DeliveryFilter, offset: i64, limit: i64) -> Result<Vec<Delivery>, Error>;
        /// Up to `limit` deliveries matching `filter` logged before row
        /// `before` (the newest when `None`), newest first: the API's pages.
        fn deliveries_before(&self, filter: &DeliveryFilter, before: Option<i64>, limit: i64) -> Result<Vec<Delivery>, Error>;
        /// Up to `limit` deliveries `filter` keeps that came after delivery
        /// `after`, oldest first: what a live delivery log has not shown yet.
        fn deliveries_since(&self, filter: &DeliveryFilter, after: i64, limit: i64) -> Result<Vec<Delivery>, Error>;
        /// The id of the newest delivery (0 when there is none).
        fn latest_delivery_id(&self) -> Result<i64, Error>;
        /// One delivery's whole body as text (invalid UTF-8 replaced), if it exists.
        fn delivery_body(&self, id: i64) -> Result<Option<String>, Error>;
        /// The deliveries that made a call's timeline (accepted ones), in the
        /// order they arrived, with their bodies as delivered.
        fn call_deliveries(&self, call_id: &str) -> Result<Vec<Replayable>, Error>;
        /// Adds to the report of what traced frameworks sent that no
        /// mapper read (counts added, first example kept).
        fn note_unmapped(&self, found: &[Unmapped]) -> Result<(), Error>;
        /// That report, most recently seen first (at most
        /// [`MAX_LISTED`](crate::server::store::portable::unmapped::MAX_LISTED)).
        fn unmapped(&self) -> Result<Vec<Unmapped>, Error>;
    }
    /// Finding calls with the query language.
    SearchStore {
        /// One page of the calls `query` selects, newest first (`limit + 1`
        /// asked for, so the caller knows whether more follow), each with its
        /// first text hit when the query searched words.
        fn search_calls(&self, query: &Query, at: SearchAt, from: From, limit: i64) -> Result<Vec<SearchHit>, Error>;
        /// How many calls `query` selects.
        fn count_calls(&self, query: &Query, at: SearchAt) -> Result<i64, Error>;
        /// Which of `call_ids` the query selects, with each one's source
        /// (what a live stream of a query's calls sends).
        fn calls_matching(&self, query: &Query, at: SearchAt, call_ids: &[&str]) -> Result<Vec<(String, String)>, Error>;
    }
    /// Voice metrics, measured per call in the background.
    CallMetricsStore {
        /// The calls with events after `position`, and the id of the newest
        /// event (none when there is none).
        fn calls_touched_after(&self, position: i64) -> Result<(Vec<String>, Option<i64>), Error>;
        /// Stores the metrics of some calls and, when given, moves the metrics
        /// cursor to `position`, in one transaction.
        fn save_call_metrics(&self, measured: &[(String, CallMetrics)], position: Option<i64>) -> Result<(), Error>;
        /// The stored metrics of each of `call_ids` that has been measured.
        /// A stored measurement this build cannot read is an error.
        fn call_metrics(&self, call_ids: &[&str]) -> Result<HashMap<String, CallMetrics>, Error>;
    }
    /// Aggregates for the insights page.
    InsightStore {
        fn insights(&self, query: &Query, at: SearchAt) -> Result<Insights, Error>;
        /// The calls `query` selects summed up: counts, outcomes, tools,
        /// the median answer time, flags and scores.
        fn search_summary(&self, query: &Query, at: SearchAt) -> Result<SearchSummary, Error>;
    }
}
