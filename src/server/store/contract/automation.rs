//! What calltrail does with events: rules, alerts, the side-effects pass, channels, destinations and the outbox.

use crate::model::issues::IssueFilter;
use crate::model::{
    AlertState, AlertView, AttemptView, ChannelKind, DestinationView, IssueView, RuleView,
};
use crate::server::store::alerts::AlertAction;
use crate::server::store::automation::{Channel, Destination, DestinationSettings};
use crate::server::store::effects::Effects;
use crate::server::store::outbox::{Attempt, Due};
use crate::server::store::rules::{Rule, RuleSettings};
use crate::server::store::{Error, Store};

areas! {
    /// Alert rules.
    RuleStore {
        /// Every rule, by id, with its channels.
        fn rules(&self) -> Result<Vec<Rule>, Error>;
        /// Every rule as the rules page shows it, with every channel ticked or not.
        fn rule_views(&self) -> Result<Vec<RuleView>, Error>;
        /// Sets rule `id` (or a new rule when `None`, or the rule of the same
        /// name when `by_name`) to `settings`; returns its id.
        fn save_rule(&self, id: Option<i64>, settings: &RuleSettings) -> Result<i64, Error>;
        /// Deletes a rule and its alerts; false when there was none.
        fn delete_rule(&self, id: i64) -> Result<bool, Error>;
    }
    /// Alerts the rules opened, and what people did with them.
    AlertStore {
        /// Alerts newest first (by last match), filtered by state, rule and cause.
        fn alerts(&self, state: Option<AlertState>, rule: Option<i64>, cause: Option<&str>, offset: i64, limit: i64) -> Result<Vec<AlertView>, Error>;
        /// Issues (alerts grouped by rule and cause) most recently seen
        /// first, without their sparklines.
        fn issues(&self, filter: &IssueFilter, offset: i64, limit: i64) -> Result<Vec<IssueView>, Error>;
        /// When each alert the filter keeps opened, since `since`: (rule, cause, opened at).
        fn issue_openings(&self, filter: &IssueFilter, since: i64) -> Result<Vec<(i64, String, i64)>, Error>;
        /// Applies `action` to every alert of an issue that is not resolved
        /// (to all of them for a reopen); returns how many it changed.
        fn act_on_issue(&self, rule_id: i64, cause: &str, action: AlertAction, now: i64) -> Result<u64, Error>;
        fn alert(&self, id: i64) -> Result<Option<AlertView>, Error>;
        /// Alerts waiting for someone: open ones.
        fn open_alerts(&self) -> Result<i64, Error>;
        /// Applies `action` to alert `id`; false when there is no such alert.
        fn act_on_alert(&self, id: i64, action: AlertAction, now: i64) -> Result<bool, Error>;
        /// Resolves the alert of `rule_id` and `key` unless it is resolved
        /// already (a rate back under its line); returns how many changed.
        fn resolve_standing(&self, rule_id: i64, key: &str, now: i64) -> Result<u64, Error>;
        /// Snoozed alerts whose snooze ran out open again; returns how many.
        fn wake_snoozed(&self, now: i64) -> Result<u64, Error>;
    }
    /// What the side-effects pass reads and records (alerts, forwards, notifications).
    EffectStore {
        /// Where the cursor `name` stands (the last event id handled).
        fn cursor(&self, name: &str) -> Result<i64, Error>;
        /// Records a pass's effects and moves the cursor, in one transaction.
        /// Returns the alerts that opened (or opened again): those notify.
        fn apply_effects(&self, effects: &Effects, now: i64) -> Result<Vec<i64>, Error>;
        /// The number of hang notifications of a call up to event `upto`.
        fn hangs_up_to(&self, call_id: &str, upto: i64) -> Result<i64, Error>;
        /// How often a call had called `function` up to event `upto`.
        fn calls_of_function_up_to(&self, call_id: &str, function: &str, upto: i64) -> Result<i64, Error>;
        /// Live calls whose newest event arrived at or before `arrived_before`:
        /// (call id, newest event id, when it arrived).
        fn quiet_live_calls(&self, arrived_before: i64) -> Result<Vec<(String, i64, i64)>, Error>;
        /// Deliveries logged after `after_id`: (id, received at, accepted?).
        fn deliveries_after(&self, after_id: i64, limit: i64) -> Result<Vec<(i64, i64, String)>, Error>;
        /// The newest delivery's id and the newest accepted event's arrival.
        fn delivery_marks(&self) -> Result<(i64, Option<i64>), Error>;
    }
    /// Channels (where notifications go) and destinations (where events are forwarded).
    AutomationStore {
        fn channels(&self) -> Result<Vec<Channel>, Error>;
        fn channel(&self, id: i64) -> Result<Option<Channel>, Error>;
        /// Adds a channel, or sets the one of the same name; returns its id.
        fn save_channel(&self, name: &str, kind: ChannelKind, config: &str, now: i64) -> Result<i64, Error>;
        fn delete_channel(&self, id: i64) -> Result<bool, Error>;
        /// Keeps what the receiver answered to the last "Send test".
        fn record_channel_test(&self, id: i64, at: i64, result: &str) -> Result<(), Error>;
        fn destinations(&self) -> Result<Vec<Destination>, Error>;
        fn destination(&self, id: i64) -> Result<Option<Destination>, Error>;
        /// Adds a destination, or sets the one of the same name; returns its id.
        fn save_destination(&self, settings: &DestinationSettings, now: i64) -> Result<i64, Error>;
        fn delete_destination(&self, id: i64) -> Result<bool, Error>;
        /// Pauses (with why) or resumes a destination; false when there is none.
        fn set_destination_paused(&self, id: i64, paused: Option<&str>) -> Result<bool, Error>;
    }
    /// The outbox: forwards and notifications waiting to be sent, sent, or given up.
    OutboxStore {
        /// Up to `limit` rows due at `now` that may go now (of them at most
        /// `forwards` forwards), alert notifications first (a backlog of
        /// forwards never holds an alert back); for each destination not
        /// paused, the oldest pending row of each call (order per call). Rows
        /// in `busy` (being sent, or sent and not yet recorded) are left out; of
        /// those, the ones in `delivered` no longer hold back the next row of
        /// their call. Each query looks at the oldest `WINDOW` (512) rows of one
        /// queue, so its cost never follows the backlog.
        fn due_outbox(&self, now: i64, limit: i64, forwards: i64, busy: &[i64], delivered: &[i64]) -> Result<Due, Error>;
        // queue
        /// Deletes up to `batch` finished rows (delivered or given up) done
        /// before `before`, with their attempts; returns how many went.
        fn prune_outbox(&self, before: i64, batch: i64) -> Result<u64, Error>;
        /// Queues `events` (event id, call id) for a destination again, marked
        /// as replays; returns how many.
        fn queue_replay(&self, destination_id: i64, events: &[(i64, String)], now: i64) -> Result<u64, Error>;
        /// Sends one outbox row's message again, as a new replay row; returns
        /// the new row's id, or `None` when there is no such row.
        fn redeliver(&self, outbox_id: i64, now: i64) -> Result<Option<i64>, Error>;
        // record
        /// Logs attempts and moves their rows on, in one transaction (two
        /// statements, whatever the number of attempts).
        fn record_attempts(&self, attempts: &[Attempt]) -> Result<(), Error>;
        // views
        /// Each destination with its delivery health.
        fn destination_views(&self) -> Result<Vec<DestinationView>, Error>;
        /// The newest attempts, newest first.
        fn attempt_views(&self, limit: i64) -> Result<Vec<AttemptView>, Error>;
    }
}
