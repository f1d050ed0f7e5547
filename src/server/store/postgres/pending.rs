//! What the PostgreSQL backend does not do yet: each method here answers
//! with an error that says so, which the pages show. Methods leave this
//! list as they are ported.

use std::collections::HashMap;

use super::PgStore;
use crate::model::metrics::CallMetrics;
use crate::model::query::Query;
use crate::model::*;
use crate::server::store::call_retention::{CallRetention, Purged};
use crate::server::store::effects::Effects;
use crate::server::store::outbox::{Attempt, Due};
use crate::server::store::{Insights, SearchAt, SearchFrom as From};

/// The error a method not ported yet answers with.
fn not_yet(what: &str) -> sqlx::Error {
    sqlx::Error::Configuration(
        format!("{what} is not available on PostgreSQL yet: run calltrail on SQLite for it").into(),
    )
}

/// Writes, for each method listed, one that answers [`not_yet`].
macro_rules! not_yet {
    ($($(#[$doc:meta])* pub async fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*) => {
        impl PgStore {
            $(
                pub async fn $name(&self $(, $arg: $ty)*) -> $ret {
                    let _ = ($($arg,)*);
                    Err(not_yet(stringify!($name)))
                }
            )*
        }
    };
}

not_yet! {
    // call_metrics
    /// The calls with events after `position`, and the id of the newest
    /// event (none when there is none).
    pub async fn calls_touched_after(&self, position: i64) -> Result<(Vec<String>, Option<i64>), sqlx::Error>;
    /// Stores the metrics of some calls and, when given, moves the metrics
    /// cursor to `position`, in one transaction.
    pub async fn save_call_metrics(&self, measured: &[(String, CallMetrics)], position: Option<i64>) -> Result<(), sqlx::Error>;
    /// The stored metrics of each of `call_ids` that has been measured.
    /// A stored measurement this build cannot read is an error.
    pub async fn call_metrics(&self, call_ids: &[&str]) -> Result<HashMap<String, CallMetrics>, sqlx::Error>;

    // call_retention
    /// Deletes every call past `retention` at `now` (epoch ms), `batch`
    /// events per transaction, oldest ended calls first; returns what went.
    pub async fn enforce_call_retention(&self, retention: CallRetention, now: i64, batch: i64) -> Result<Purged, sqlx::Error>;

    // effects
    /// Where the cursor `name` stands (the last event id handled).
    pub async fn cursor(&self, name: &str) -> Result<i64, sqlx::Error>;
    /// Records a pass's effects and moves the cursor, in one transaction.
    /// Returns the alerts that opened (or opened again): those notify.
    pub async fn apply_effects(&self, effects: &Effects, now: i64) -> Result<Vec<i64>, sqlx::Error>;
    /// The number of hang notifications of a call up to event `upto`.
    pub async fn hangs_up_to(&self, call_id: &str, upto: i64) -> Result<i64, sqlx::Error>;
    /// How often a call had called `function` up to event `upto`.
    pub async fn calls_of_function_up_to(&self, call_id: &str, function: &str, upto: i64) -> Result<i64, sqlx::Error>;
    /// Live calls whose newest event arrived at or before `arrived_before`:
    /// (call id, newest event id, when it arrived).
    pub async fn quiet_live_calls(&self, arrived_before: i64) -> Result<Vec<(String, i64, i64)>, sqlx::Error>;
    /// Deliveries logged after `after_id`: (id, received at, accepted?).
    pub async fn deliveries_after(&self, after_id: i64, limit: i64) -> Result<Vec<(i64, i64, String)>, sqlx::Error>;
    /// The newest delivery's id and the newest accepted event's arrival.
    pub async fn delivery_marks(&self) -> Result<(i64, Option<i64>), sqlx::Error>;

    // insights
    pub async fn insights(&self, query: &Query, at: SearchAt) -> Result<Insights, sqlx::Error>;

    // outbox
    /// Up to `limit` rows due at `now` that may go now (of them at most
    /// `forwards` forwards), alert notifications first (a backlog of
    /// forwards never holds an alert back); for each destination not
    /// paused, the oldest pending row of each call (order per call). Rows
    /// in `busy` (being sent, or sent and not yet recorded) are left out; of
    /// those, the ones in `delivered` no longer hold back the next row of
    /// their call. Each query looks at the oldest [`WINDOW`] rows of one
    /// queue, so its cost never follows the backlog.
    pub async fn due_outbox(&self, now: i64, limit: i64, forwards: i64, busy: &[i64], delivered: &[i64]) -> Result<Due, sqlx::Error>;

    // outbox/queue
    /// Deletes up to `batch` finished rows (delivered or given up) done
    /// before `before`, with their attempts; returns how many went.
    pub async fn prune_outbox(&self, before: i64, batch: i64) -> Result<u64, sqlx::Error>;
    /// Queues `events` (event id, call id) for a destination again, marked
    /// as replays; returns how many.
    pub async fn queue_replay(&self, destination_id: i64, events: &[(i64, String)], now: i64) -> Result<u64, sqlx::Error>;
    /// Sends one outbox row's message again, as a new replay row; returns
    /// the new row's id, or `None` when there is no such row.
    pub async fn redeliver(&self, outbox_id: i64, now: i64) -> Result<Option<i64>, sqlx::Error>;

    // outbox/record
    /// Logs attempts and moves their rows on, in one transaction (two
    /// statements, whatever the number of attempts).
    pub async fn record_attempts(&self, attempts: &[Attempt]) -> Result<(), sqlx::Error>;

    // outbox/views
    /// Each destination with its delivery health.
    pub async fn destination_views(&self) -> Result<Vec<DestinationView>, sqlx::Error>;
    /// The newest attempts, newest first.
    pub async fn attempt_views(&self, limit: i64) -> Result<Vec<AttemptView>, sqlx::Error>;

    // search
    /// One page of the calls `query` selects, newest first (`limit + 1`
    /// asked for, so the caller knows whether more follow), each with its
    /// first text hit when the query searched words.
    pub async fn search_calls(&self, query: &Query, at: SearchAt, from: From, limit: i64) -> Result<Vec<SearchHit>, sqlx::Error>;
    /// How many calls `query` selects.
    pub async fn count_calls(&self, query: &Query, at: SearchAt) -> Result<i64, sqlx::Error>;

    // space
    /// Sizes and row counts, read from a consistent snapshot.
    pub async fn usage(&self) -> Result<DatabaseInfo, sqlx::Error>;
    /// Gives the file's free pages back to the file system, a step at a
    /// time; returns how many went. Does nothing on a database created
    /// without incremental vacuum.
    pub async fn reclaim_free_pages(&self) -> Result<u64, sqlx::Error>;

    // users
}
