//! Rows both backends read the same way: the columns of `calls` and of
//! `events`, and how an event row becomes a timeline item.

use sqlx::{ColumnIndex, Decode, FromRow, Row, Type};

use crate::model::{CallStatus, CallSummary, EventDetail, TimelineItem};

/// Every column of `calls`, in the order the writer inserts them.
pub(super) const CALL_COLUMNS: &str = "call_id, source, status, started_at, ended_at, last_event_at, last_event_id,
    ended_by, end_reason, summary, recording_url, duration_ms, last_speaker, last_spoke_at, n_events, n_messages,
    n_tool_calls, n_tool_errors, n_hangs, n_interruptions, n_transfers, last_received_at,
    first_user_text, first_user_at, caller, agent, waiting_tool, waiting_since, cost, n_redacted";
/// How many names [`CALL_COLUMNS`] lists.
pub(super) const COLUMN_COUNT: usize = 30;

#[derive(FromRow)]
pub(super) struct EventRow {
    pub(super) id: i64,
    pub(super) call_id: String,
    pub(super) kind: String,
    pub(super) occurred_at: i64,
    pub(super) seconds_from_start: Option<f64>,
    pub(super) received_at: i64,
    pub(super) normalized: String,
    pub(super) raw: String,
}

impl From<EventRow> for TimelineItem {
    fn from(row: EventRow) -> Self {
        // A row written by an older normalizer still shows, as its kind and raw JSON.
        let detail = serde_json::from_str(&row.normalized).unwrap_or(EventDetail::Unknown {
            event_type: row.kind,
        });
        TimelineItem {
            id: row.id,
            call_id: row.call_id,
            occurred_at: row.occurred_at,
            seconds_from_start: row.seconds_from_start,
            received_at: row.received_at,
            detail,
            raw: row.raw,
            clipped: false,
        }
    }
}

/// Every column of `events` an [`EventRow`] reads.
pub(super) const EVENT_COLUMNS: &str =
    "id, call_id, kind, occurred_at, seconds_from_start, received_at, normalized, raw";
/// [`EVENT_COLUMNS`] with an empty body instead of the stored one: what a
/// page reads, which fetches a body only when asked (`event_body`).
pub(super) const EVENT_COLUMNS_WITHOUT_BODY: &str =
    "id, call_id, kind, occurred_at, seconds_from_start, received_at, normalized, '' AS raw";

/// A call's row, from either backend (the model itself knows nothing of
/// the database). A status this build cannot read is an error.
impl<'r, R: Row> FromRow<'r, R> for CallSummary
where
    &'r str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    f64: Decode<'r, R::Database> + Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        Ok(CallSummary {
            call_id: row.try_get("call_id")?,
            source: row.try_get("source")?,
            status: CallStatus::try_from(row.try_get::<String, _>("status")?)
                .map_err(|e| decode("status", e))?,
            started_at: row.try_get("started_at")?,
            ended_at: row.try_get("ended_at")?,
            last_event_at: row.try_get("last_event_at")?,
            last_event_id: row.try_get("last_event_id")?,
            ended_by: row.try_get("ended_by")?,
            end_reason: row.try_get("end_reason")?,
            summary: row.try_get("summary")?,
            recording_url: row.try_get("recording_url")?,
            duration_ms: row.try_get("duration_ms")?,
            last_speaker: row.try_get("last_speaker")?,
            last_spoke_at: row.try_get("last_spoke_at")?,
            n_events: row.try_get("n_events")?,
            n_messages: row.try_get("n_messages")?,
            n_tool_calls: row.try_get("n_tool_calls")?,
            n_tool_errors: row.try_get("n_tool_errors")?,
            n_hangs: row.try_get("n_hangs")?,
            n_interruptions: row.try_get("n_interruptions")?,
            n_transfers: row.try_get("n_transfers")?,
            last_received_at: row.try_get("last_received_at")?,
            first_user_text: row.try_get("first_user_text")?,
            first_user_at: row.try_get("first_user_at")?,
            caller: row.try_get("caller")?,
            agent: row.try_get("agent")?,
            waiting_tool: row.try_get("waiting_tool")?,
            waiting_since: row.try_get("waiting_since")?,
            cost: row.try_get("cost")?,
            n_redacted: row.try_get("n_redacted")?,
        })
    }
}

fn decode(column: &str, e: String) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: e.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::{CALL_COLUMNS, COLUMN_COUNT};

    #[test]
    fn the_column_count_matches_the_list() {
        assert_eq!(CALL_COLUMNS.split(',').count(), COLUMN_COUNT);
    }
}
