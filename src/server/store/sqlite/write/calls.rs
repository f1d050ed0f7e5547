//! The writer's side of the `calls` read model: the rows it wrote recently,
//! kept in memory so folding an event in needs no read, and each touched
//! call written once per batch, after its events.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};

use rusqlite::{OptionalExtension, Row, Transaction};

use crate::model::{CallStatus, CallSummary, Parties, TimelineItem};
use crate::server::store::rows::{CALL_COLUMNS as COLUMNS, COLUMN_COUNT};

/// Counts transactions of retention that deleted or changed call rows.
#[derive(Clone, Default)]
pub struct CallsRemoved(Arc<AtomicU64>);

impl CallsRemoved {
    pub(in crate::server::store::sqlite) fn mark(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    fn count(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Call rows as the writer last wrote them. Only the writer adds to `calls`;
/// the cache is dropped whenever a transaction fails or retention removed rows.
pub(super) struct CallCache {
    rows: HashMap<String, CallSummary>,
    removed: CallsRemoved,
    seen: u64,
}

impl CallCache {
    /// Rows kept before the cache starts over.
    const LIMIT: usize = 10_000;

    pub(super) fn new(removed: &CallsRemoved) -> Self {
        CallCache {
            rows: HashMap::new(),
            removed: removed.clone(),
            seen: removed.count(),
        }
    }

    pub(super) fn clear(&mut self) {
        self.rows.clear();
    }

    /// Drops every cached row when retention changed `calls` since the last
    /// look (call holding the write turn).
    pub(super) fn forget_removed(&mut self) {
        let now = self.removed.count();
        if now != self.seen {
            self.rows.clear();
            self.seen = now;
        }
    }

    /// Folds a newly stored event, and who its delivery says is on the
    /// call, into its call's row (read from the database on a miss) and returns the row's indexed columns as stored
    /// before (`None` for a new call) and the new summary, which the batch
    /// writes with [`save`] once all its events are in.
    pub(super) fn apply(
        &mut self,
        tx: &Transaction<'_>,
        source: &str,
        item: &TimelineItem,
        (parties, redactions): (&Parties, u32),
    ) -> rusqlite::Result<(Option<Indexed>, CallSummary)> {
        if let Some(call) = self.rows.get_mut(&item.call_id) {
            let before = Indexed::of(call);
            call.apply(item);
            call.meet(parties);
            call.n_redacted += i64::from(redactions);
            return Ok((Some(before), call.clone()));
        }
        let (before, mut call) = match load(tx, &item.call_id)? {
            Some(mut call) => {
                let before = Indexed::of(&call);
                call.apply(item);
                (Some(before), call)
            }
            None => (None, CallSummary::new(source, item)),
        };
        call.meet(parties);
        call.n_redacted += i64::from(redactions);
        if self.rows.len() >= Self::LIMIT {
            self.rows.clear();
        }
        self.rows.insert(call.call_id.clone(), call.clone());
        Ok((before, call))
    }
}

/// The columns of a call row that the list indexes sort by and that rarely
/// change: while they stay, a row is updated without touching those indexes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Indexed(CallStatus, i64);

impl Indexed {
    fn of(call: &CallSummary) -> Self {
        Indexed(call.status, call.started_at)
    }
}

/// A call touched by a batch: its row as stored before, and as it is now.
pub(super) struct Touched {
    pub before: Option<Indexed>,
    pub now: CallSummary,
}

/// Writes each touched call's row as it stands after the batch: an UPDATE
/// of the columns events move when its status and start stayed (the common
/// case, which leaves the list's indexes alone), else the whole row.
pub(super) fn save<'a>(
    tx: &Transaction<'_>,
    calls: impl IntoIterator<Item = &'a Touched>,
) -> rusqlite::Result<()> {
    for Touched { before, now: c } in calls {
        let sql: &str = if *before == Some(Indexed::of(c)) {
            UPDATE_MOVED
        } else {
            &INSERT
        };
        tx.prepare_cached(sql)?.execute(rusqlite::params![
            c.call_id,
            c.source,
            c.status.as_str(),
            c.started_at,
            c.ended_at,
            c.last_event_at,
            c.last_event_id,
            c.ended_by,
            c.end_reason,
            c.summary,
            c.recording_url,
            c.duration_ms,
            c.last_speaker,
            c.last_spoke_at,
            c.n_events,
            c.n_messages,
            c.n_tool_calls,
            c.n_tool_errors,
            c.n_hangs,
            c.n_interruptions,
            c.n_transfers,
            c.last_received_at,
            c.first_user_text,
            c.first_user_at,
            c.caller,
            c.agent,
            c.waiting_tool,
            c.waiting_since,
            c.cost,
            c.n_redacted,
        ])?;
    }
    Ok(())
}

/// Every column but the key, `source` (?2), `status` (?3) and `started_at`
/// (?4); parameters numbered as in [`COLUMNS`], so both statements take the
/// same row.
const UPDATE_MOVED: &str = "UPDATE calls SET ended_at = ?5, last_event_at = ?6, last_event_id = ?7,
    ended_by = ?8, end_reason = ?9, summary = ?10, recording_url = ?11, duration_ms = ?12,
    last_speaker = ?13, last_spoke_at = ?14, n_events = ?15, n_messages = ?16, n_tool_calls = ?17,
    n_tool_errors = ?18, n_hangs = ?19, n_interruptions = ?20, n_transfers = ?21,
    last_received_at = ?22, first_user_text = ?23, first_user_at = ?24,
    caller = ?25, agent = ?26, waiting_tool = ?27, waiting_since = ?28, cost = ?29,
    n_redacted = ?30
    WHERE call_id = ?1";

/// The whole row.
static INSERT: LazyLock<String> = LazyLock::new(|| {
    let marks = vec!["?"; COLUMN_COUNT].join(", ");
    format!("INSERT OR REPLACE INTO calls ({COLUMNS}) VALUES ({marks})")
});

fn load(tx: &Transaction<'_>, call_id: &str) -> rusqlite::Result<Option<CallSummary>> {
    tx.prepare_cached(&format!("SELECT {COLUMNS} FROM calls WHERE call_id = ?"))?
        .query_row([call_id], from_row)
        .optional()
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<CallSummary> {
    let status: String = r.get("status")?;
    let status = CallStatus::try_from(status).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, e.into())
    })?;
    Ok(CallSummary {
        call_id: r.get("call_id")?,
        source: r.get("source")?,
        status,
        started_at: r.get("started_at")?,
        ended_at: r.get("ended_at")?,
        last_event_at: r.get("last_event_at")?,
        last_event_id: r.get("last_event_id")?,
        ended_by: r.get("ended_by")?,
        end_reason: r.get("end_reason")?,
        summary: r.get("summary")?,
        recording_url: r.get("recording_url")?,
        duration_ms: r.get("duration_ms")?,
        last_speaker: r.get("last_speaker")?,
        last_spoke_at: r.get("last_spoke_at")?,
        n_events: r.get("n_events")?,
        n_messages: r.get("n_messages")?,
        n_tool_calls: r.get("n_tool_calls")?,
        n_tool_errors: r.get("n_tool_errors")?,
        n_hangs: r.get("n_hangs")?,
        n_interruptions: r.get("n_interruptions")?,
        n_transfers: r.get("n_transfers")?,
        last_received_at: r.get("last_received_at")?,
        first_user_text: r.get("first_user_text")?,
        first_user_at: r.get("first_user_at")?,
        caller: r.get("caller")?,
        agent: r.get("agent")?,
        waiting_tool: r.get("waiting_tool")?,
        waiting_since: r.get("waiting_since")?,
        cost: r.get("cost")?,
        n_redacted: r.get("n_redacted")?,
    })
}
