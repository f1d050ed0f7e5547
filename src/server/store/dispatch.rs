//! [`Store`]'s methods: each one the interface the rest of the server
//! uses, handed to the backend the store runs on. The list is the contract
//! both backends implement, method for method, grouped by area; each
//! method is documented here, once (the implementations carry no copy).

use std::collections::HashMap;

use super::alerts::AlertAction;
use super::automation::{Channel, Destination, DestinationSettings};
use super::call_retention::{CallRetention, Purged};
use super::effects::Effects;
use super::outbox::{Attempt, Due};
use super::retention::DeliveryRetention;
use super::rules::{Rule, RuleSettings};
use super::{Error, Insights, Replayable, SearchAt, SearchFrom as From, Store, User};
use crate::model::metrics::CallMetrics;
use crate::model::query::Query;
use crate::model::{
    AlertState, AlertView, AttemptView, CallSummary, ChannelKind, DatabaseInfo, Delivery,
    DeliveryFilter, DestinationView, RuleView, SavedView, SearchHit, TimelineItem, TimelinePoint,
};

/// Writes, for each method listed, one that calls the backend's method of
/// the same name and arguments.
macro_rules! on_backend {
    ($($(#[$doc:meta])* pub async fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*) => {
        impl Store {
            $(
                $(#[$doc])*
                pub async fn $name(&self $(, $arg: $ty)*) -> $ret {
                    Ok(match self {
                        Store::Sqlite(s) => s.$name($($arg),*).await?,
                        Store::Postgres(p) => p.$name($($arg),*).await?,
                    })
                }
            )*
        }
    };
}

on_backend! {
    // alerts
    /// Alerts newest first (by last match), filtered by state and rule.
    pub async fn alerts(&self, state: Option<AlertState>, rule: Option<i64>, offset: i64, limit: i64) -> Result<Vec<AlertView>, Error>;
    pub async fn alert(&self, id: i64) -> Result<Option<AlertView>, Error>;
    /// Alerts waiting for someone: open ones.
    pub async fn open_alerts(&self) -> Result<i64, Error>;
    /// Applies `action` to alert `id`; false when there is no such alert.
    pub async fn act_on_alert(&self, id: i64, action: AlertAction, now: i64) -> Result<bool, Error>;
    /// Snoozed alerts whose snooze ran out open again; returns how many.
    pub async fn wake_snoozed(&self, now: i64) -> Result<u64, Error>;

    // automation
    pub async fn channels(&self) -> Result<Vec<Channel>, Error>;
    pub async fn channel(&self, id: i64) -> Result<Option<Channel>, Error>;
    /// Adds a channel, or sets the one of the same name; returns its id.
    pub async fn save_channel(&self, name: &str, kind: ChannelKind, config: &str, now: i64) -> Result<i64, Error>;
    pub async fn delete_channel(&self, id: i64) -> Result<bool, Error>;
    /// Keeps what the receiver answered to the last "Send test".
    pub async fn record_channel_test(&self, id: i64, at: i64, result: &str) -> Result<(), Error>;
    pub async fn destinations(&self) -> Result<Vec<Destination>, Error>;
    pub async fn destination(&self, id: i64) -> Result<Option<Destination>, Error>;
    /// Adds a destination, or sets the one of the same name; returns its id.
    pub async fn save_destination(&self, settings: &DestinationSettings, now: i64) -> Result<i64, Error>;
    pub async fn delete_destination(&self, id: i64) -> Result<bool, Error>;
    /// Pauses (with why) or resumes a destination; false when there is none.
    pub async fn set_destination_paused(&self, id: i64, paused: Option<&str>) -> Result<bool, Error>;

    // call_metrics
    /// The calls with events after `position`, and the id of the newest
    /// event (none when there is none).
    pub async fn calls_touched_after(&self, position: i64) -> Result<(Vec<String>, Option<i64>), Error>;
    /// Stores the metrics of some calls and, when given, moves the metrics
    /// cursor to `position`, in one transaction.
    pub async fn save_call_metrics(&self, measured: &[(String, CallMetrics)], position: Option<i64>) -> Result<(), Error>;
    /// The stored metrics of each of `call_ids` that has been measured.
    /// A stored measurement this build cannot read is an error.
    pub async fn call_metrics(&self, call_ids: &[&str]) -> Result<HashMap<String, CallMetrics>, Error>;

    // call_retention
    /// Deletes every call past `retention` at `now` (epoch ms), `batch`
    /// events per transaction, oldest ended calls first; returns what went.
    pub async fn enforce_call_retention(&self, retention: CallRetention, now: i64, batch: i64) -> Result<Purged, Error>;

    // calls
    pub async fn call(&self, call_id: &str) -> Result<Option<CallSummary>, Error>;
    /// Calls still in progress, newest first.
    pub async fn live_calls(&self) -> Result<Vec<CallSummary>, Error>;
    /// Whether any call came from outside calltrail (not a sample it made).
    pub async fn has_agent_calls(&self) -> Result<bool, Error>;
    /// One page of finished calls, newest first; `limit + 1` rows are asked for
    /// so the caller knows whether there is a next page.
    pub async fn past_calls(&self, offset: i64, limit: i64) -> Result<Vec<CallSummary>, Error>;
    /// Calls changed by events after `after_event_id`, in the order they changed:
    /// what a reconnecting calls list missed.
    pub async fn calls_changed_after(&self, after_event_id: i64, limit: i64) -> Result<Vec<CallSummary>, Error>;
    /// The newest event id stored: where a live stream starts.
    pub async fn latest_event_id(&self) -> Result<i64, Error>;

    // deliveries
    /// One page of the delivery log, newest first, each body cut to its start.
    pub async fn deliveries(&self, offset: i64, limit: i64) -> Result<Vec<Delivery>, Error>;
    /// One page of the deliveries `filter` keeps, newest first.
    pub async fn find_deliveries(&self, filter: &DeliveryFilter, offset: i64, limit: i64) -> Result<Vec<Delivery>, Error>;
    /// Up to `limit` deliveries `filter` keeps that came after delivery
    /// `after`, oldest first: what a live delivery log has not shown yet.
    pub async fn deliveries_since(&self, filter: &DeliveryFilter, after: i64, limit: i64) -> Result<Vec<Delivery>, Error>;
    /// The id of the newest delivery (0 when there is none).
    pub async fn latest_delivery_id(&self) -> Result<i64, Error>;
    /// One delivery's whole body as text (invalid UTF-8 replaced), if it exists.
    pub async fn delivery_body(&self, id: i64) -> Result<Option<String>, Error>;
    /// The deliveries that made a call's timeline (accepted ones), in the
    /// order they arrived, with their bodies as delivered.
    pub async fn call_deliveries(&self, call_id: &str) -> Result<Vec<Replayable>, Error>;

    // effects
    /// Where the cursor `name` stands (the last event id handled).
    pub async fn cursor(&self, name: &str) -> Result<i64, Error>;
    /// Records a pass's effects and moves the cursor, in one transaction.
    /// Returns the alerts that opened (or opened again): those notify.
    pub async fn apply_effects(&self, effects: &Effects, now: i64) -> Result<Vec<i64>, Error>;
    /// The number of hang notifications of a call up to event `upto`.
    pub async fn hangs_up_to(&self, call_id: &str, upto: i64) -> Result<i64, Error>;
    /// How often a call had called `function` up to event `upto`.
    pub async fn calls_of_function_up_to(&self, call_id: &str, function: &str, upto: i64) -> Result<i64, Error>;
    /// Live calls whose newest event arrived at or before `arrived_before`:
    /// (call id, newest event id, when it arrived).
    pub async fn quiet_live_calls(&self, arrived_before: i64) -> Result<Vec<(String, i64, i64)>, Error>;
    /// Deliveries logged after `after_id`: (id, received at, accepted?).
    pub async fn deliveries_after(&self, after_id: i64, limit: i64) -> Result<Vec<(i64, i64, String)>, Error>;
    /// The newest delivery's id and the newest accepted event's arrival.
    pub async fn delivery_marks(&self) -> Result<(i64, Option<i64>), Error>;

    // events
    /// A call's timeline, in timeline order (best time, then arrival).
    pub async fn timeline(&self, call_id: &str) -> Result<Vec<TimelineItem>, Error>;
    /// A call's timeline as voice metrics read it, in timeline order:
    /// without bodies, and tool calls without their arguments and results
    /// ([`crate::model::EventDetail::without_tool_payloads`]), each trimmed as it is
    /// parsed, so a call of 1 MiB events is measured in little memory.
    pub async fn timeline_to_measure(&self, call_id: &str) -> Result<Vec<TimelineItem>, Error>;
    /// Up to `limit` of a call's events just before `before` (the newest when
    /// `None`), in timeline order, as a page shows them: without their bodies
    /// (`raw` is empty; read one with `event_body`) and each bounded
    /// ([`clip::page`](crate::model::clip::page)), parsed one at a time, so a window of 1 MiB events
    /// never sits whole in memory.
    pub async fn timeline_window(&self, call_id: &str, before: Option<TimelinePoint>, limit: i64) -> Result<Vec<TimelineItem>, Error>;
    /// The body event `id` was stored from, as delivered.
    pub async fn event_body(&self, id: i64) -> Result<Option<String>, Error>;
    /// Up to `limit` places of the events after event `event_id` in its
    /// call's time order; `None` when the call has no such event.
    pub async fn points_after(&self, call_id: &str, event_id: i64, limit: i64) -> Result<Option<Vec<TimelinePoint>>, Error>;
    /// A call's events stored after `after_id`, in commit order: what a
    /// reconnecting or lagging call page missed.
    pub async fn events_after(&self, call_id: &str, after_id: i64, limit: i64) -> Result<Vec<TimelineItem>, Error>;
    /// A call's events stored after `after_id`, in commit order: at most
    /// `limit`, and only as many as fit in `max_bytes` of stored text (at
    /// least one), so a step of an export stays small whatever the bodies'
    /// size. Also whether more follow.
    pub async fn events_after_within(&self, call_id: &str, after_id: i64, limit: i64, max_bytes: i64) -> Result<(Vec<TimelineItem>, bool), Error>;
    /// Events of every call stored after `after_id`, in commit order: what
    /// the effects cursor has not handled yet.
    pub async fn events_since(&self, after_id: i64, limit: i64) -> Result<Vec<TimelineItem>, Error>;
    /// The id just before the first event that arrived at or after `at`
    /// (a replay from a time starts after it).
    pub async fn event_id_before(&self, at: i64) -> Result<i64, Error>;

    // insights
    pub async fn insights(&self, query: &Query, at: SearchAt) -> Result<Insights, Error>;

    // outbox
    /// Up to `limit` rows due at `now` that may go now (of them at most
    /// `forwards` forwards), alert notifications first (a backlog of
    /// forwards never holds an alert back); for each destination not
    /// paused, the oldest pending row of each call (order per call). Rows
    /// in `busy` (being sent, or sent and not yet recorded) are left out; of
    /// those, the ones in `delivered` no longer hold back the next row of
    /// their call. Each query looks at the oldest `WINDOW` (512) rows of one
    /// queue, so its cost never follows the backlog.
    pub async fn due_outbox(&self, now: i64, limit: i64, forwards: i64, busy: &[i64], delivered: &[i64]) -> Result<Due, Error>;

    // outbox/queue
    /// Deletes up to `batch` finished rows (delivered or given up) done
    /// before `before`, with their attempts; returns how many went.
    pub async fn prune_outbox(&self, before: i64, batch: i64) -> Result<u64, Error>;
    /// Queues `events` (event id, call id) for a destination again, marked
    /// as replays; returns how many.
    pub async fn queue_replay(&self, destination_id: i64, events: &[(i64, String)], now: i64) -> Result<u64, Error>;
    /// Sends one outbox row's message again, as a new replay row; returns
    /// the new row's id, or `None` when there is no such row.
    pub async fn redeliver(&self, outbox_id: i64, now: i64) -> Result<Option<i64>, Error>;

    // outbox/record
    /// Logs attempts and moves their rows on, in one transaction (two
    /// statements, whatever the number of attempts).
    pub async fn record_attempts(&self, attempts: &[Attempt]) -> Result<(), Error>;

    // outbox/views
    /// Each destination with its delivery health.
    pub async fn destination_views(&self) -> Result<Vec<DestinationView>, Error>;
    /// The newest attempts, newest first.
    pub async fn attempt_views(&self, limit: i64) -> Result<Vec<AttemptView>, Error>;

    // retention
    /// Deletes at most `batch` of the oldest delivery rows that are received
    /// before `before` (epoch ms) or not among the newest `keep` rows; returns
    /// how many went.
    pub async fn delete_old_deliveries(&self, before: Option<i64>, keep: Option<u64>, batch: i64) -> Result<u64, Error>;
    /// Deletes every delivery row past `retention` at `now` (epoch ms), batch
    /// by batch; returns how many went.
    pub async fn enforce_delivery_retention(&self, retention: DeliveryRetention, now: i64) -> Result<u64, Error>;

    // rules
    /// Every rule, by id, with its channels.
    pub async fn rules(&self) -> Result<Vec<Rule>, Error>;
    /// Every rule as the rules page shows it, with every channel ticked or not.
    pub async fn rule_views(&self) -> Result<Vec<RuleView>, Error>;
    /// Sets rule `id` (or a new rule when `None`, or the rule of the same
    /// name when `by_name`) to `settings`; returns its id.
    pub async fn save_rule(&self, id: Option<i64>, settings: &RuleSettings) -> Result<i64, Error>;
    /// Deletes a rule and its alerts; false when there was none.
    pub async fn delete_rule(&self, id: i64) -> Result<bool, Error>;

    // saved_views
    /// The account's saved views, by name.
    pub async fn saved_views(&self, user_id: i64) -> Result<Vec<SavedView>, Error>;
    /// Saves `q` as `name` (replacing the query of a view of that name);
    /// `false` when the account already has [`MAX_VIEWS`](super::portable::saved_views::MAX_VIEWS) others.
    pub async fn save_view(&self, user_id: i64, name: &str, q: &str) -> Result<bool, Error>;
    /// Deletes one of the account's views; `false` when it has no such view.
    pub async fn delete_view(&self, user_id: i64, id: i64) -> Result<bool, Error>;

    // search
    /// One page of the calls `query` selects, newest first (`limit + 1`
    /// asked for, so the caller knows whether more follow), each with its
    /// first text hit when the query searched words.
    pub async fn search_calls(&self, query: &Query, at: SearchAt, from: From, limit: i64) -> Result<Vec<SearchHit>, Error>;
    /// How many calls `query` selects.
    pub async fn count_calls(&self, query: &Query, at: SearchAt) -> Result<i64, Error>;

    // settings
    pub async fn webhook_token(&self) -> Result<Option<String>, Error>;
    pub async fn set_webhook_token(&self, token: &str) -> Result<(), Error>;

    // space
    /// Sizes and row counts, read from a consistent snapshot.
    pub async fn usage(&self) -> Result<DatabaseInfo, Error>;
    /// Gives the file's free pages back to the file system, a step at a
    /// time; returns how many went. Does nothing on a database created
    /// without incremental vacuum.
    pub async fn reclaim_free_pages(&self) -> Result<u64, Error>;

    // users
    pub async fn has_users(&self) -> Result<bool, Error>;
    /// Creates the first account; `None` when an account already exists
    /// (so two racing first-run requests cannot both create an admin).
    pub async fn create_first_user(&self, username: &str, password_hash: &str) -> Result<Option<User>, Error>;
    /// Creates an account; `None` when the name is taken.
    pub async fn create_user(&self, username: &str, password_hash: &str) -> Result<Option<User>, Error>;
    /// Sets a new password, which signs out every session of the account.
    /// False when there is no such user.
    pub async fn set_password(&self, username: &str, password_hash: &str) -> Result<bool, Error>;
    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>, Error>;
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>, Error>;
}
