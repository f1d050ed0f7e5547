//! How far an id cursor may read without skipping a late commit, while the
//! instances' writers commit in parallel.
//!
//! Ids come from sequences, so two writers' batches can commit out of id
//! order: a reader that saw id 12 (committed) must not move past 10, taken
//! by a batch still running. Each batch therefore marks, before it takes any
//! id, the sequence's last value at that moment (every id it takes will be
//! above it), with a transaction-scoped shared advisory lock whose key
//! encodes that value. Locks are visible to every session at once and go
//! only after the transaction's commit is visible, so a reader that
//!
//! 1. reads the sequence's last value `h` (every id up to it handed out),
//! 2. then reads the smallest mark `m` of the batches still running,
//!
//! may read every id up to `min(h, m)`: a batch with an id at or below `h`
//! took it before step 1, marked itself before that, and so is either seen
//! running in step 2 (its mark is below its ids) or has committed (its rows
//! are visible to any statement after step 2) or rolled back. The steps are
//! two statements because PostgreSQL does not promise the order in which
//! one statement's subqueries run.
//!
//! The keys are negative: every other advisory lock calltrail takes has a
//! positive key.

use sqlx::PgPool;

use crate::server::store::portable::IdSequence;

/// The sequence behind `ids`, as SQL.
fn sequence(ids: IdSequence) -> &'static str {
    match ids {
        IdSequence::Events => "pg_get_serial_sequence('events', 'id')::regclass",
        IdSequence::Deliveries => "pg_get_serial_sequence('deliveries', 'id')::regclass",
    }
}

/// What a mark adds to twice the last value: odd for events, even for
/// deliveries, never 0. A mark's key is minus that sum.
fn offset(ids: IdSequence) -> i64 {
    match ids {
        IdSequence::Events => 1,
        IdSequence::Deliveries => 2,
    }
}

/// The table whose ids come from the sequence of `ids`.
fn table(ids: IdSequence) -> &'static str {
    match ids {
        IdSequence::Events => "events",
        IdSequence::Deliveries => "deliveries",
    }
}

/// The newest id taken from the sequence of `ids` so far; 0 when none was
/// taken since it was set (a lower bound: enough for a mark).
fn last_value(ids: IdSequence) -> String {
    format!("COALESCE(pg_sequence_last_value({}), 0)", sequence(ids))
}

/// SQL that marks the rest of its transaction as a writer that takes ids of
/// every sequence after now; it must run before the transaction takes any.
pub(super) fn marks() -> String {
    [IdSequence::Events, IdSequence::Deliveries]
        .map(|ids| {
            format!(
                "pg_advisory_xact_lock_shared(-(2 * {} + {}))",
                last_value(ids),
                offset(ids)
            )
        })
        .join(", ")
}

/// The newest id of `ids` below which every id handed out has committed or
/// been given up (see the module's text).
pub(super) async fn horizon(pool: &PgPool, ids: IdSequence) -> Result<i64, sqlx::Error> {
    // A sequence set but not used since (`migrate-data` sets it past the
    // ids it copied) has handed out nothing: every stored id was written
    // as it is, and committed.
    let handed_out: i64 = sqlx::query_scalar(&format!(
        "SELECT COALESCE(pg_sequence_last_value({}), (SELECT MAX(id) FROM {}), 0)",
        sequence(ids),
        table(ids)
    ))
    .fetch_one(pool)
    .await?;
    let running: Option<i64> = sqlx::query_scalar(
        "SELECT MIN((mark - 1) / 2) FROM (
            SELECT -((classid::int8 << 32) | objid::int8) AS mark FROM pg_locks
            WHERE locktype = 'advisory' AND objsubid = 1
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
         ) held
         WHERE mark > 0 AND mark % 2 = $1",
    )
    .bind(offset(ids) % 2)
    .fetch_one(pool)
    .await?;
    Ok(running.map_or(handed_out, |m| m.min(handed_out)))
}
