//! The PostgreSQL writer: a task that takes the queued deliveries in
//! batches from the shared intake and commits each batch in one
//! transaction (group commit), in a few statements whatever its size: the
//! batch's ids are taken from the sequences at once, then every event,
//! search text, delivery and call row goes in with one statement each
//! (`rows.rs`, `calls.rs`). Round trips, not PostgreSQL's work, are what a
//! batch costs.
//!
//! Instances' batches commit in parallel. Each batch holds the writers'
//! advisory lock shared, so the other writes that need the writers to
//! themselves (retention, `begin_write`) take it exclusively and wait for
//! the batches in flight. Two batches folding the same call take turns on
//! that call alone (`calls.rs`). Since batches now commit out of id order,
//! each marks itself before it takes ids, and the id cursors (live streams,
//! alerts, forwarding, metrics) read only up to the horizon those marks
//! give (`../horizon.rs`): nothing committed late is skipped.

mod calls;
mod rows;

use std::collections::{HashMap, HashSet};

use sqlx::{PgPool, Postgres, Transaction};

use super::follow::{Follower, CHANNEL};
use super::horizon;
use crate::model::TimelineItem;
use crate::server::store::job::{DeliveryLog, Job, NewDelivery, NewEvent, Stored};
use crate::server::store::writer::Writer;
use rows::{EventRow, LoggedDelivery};

/// The advisory lock key all writers take ("calltrail" in ASCII, cut to 64 bits).
const WRITER_LOCK: i64 = 0x63_616c_6c74_7261;

/// Starts a transaction that has the writers' lock to itself: it waits for
/// the batches in flight, and new ones wait for it (retention takes it, so
/// it never deletes a call row a batch is folding). A writer that waits
/// longer than this for it gives up (the senders of a batch are answered
/// with an error and retry) rather than hang behind an instance that
/// vanished mid-transaction, which PostgreSQL ends after `IDLE` of silence.
pub(in crate::server::store) async fn begin_locked(
    conn: &mut sqlx::PgConnection,
) -> Result<Tx<'_>, sqlx::Error> {
    begin(conn, "pg_advisory_xact_lock($1)").await
}

/// Starts a batch's transaction: the writers' lock shared with the other
/// batches, and marked for the id cursors before it takes any id.
async fn begin_batch(conn: &mut sqlx::PgConnection) -> Result<Tx<'_>, sqlx::Error> {
    let locks = format!("pg_advisory_xact_lock_shared($1), {}", horizon::marks());
    begin(conn, &locks).await
}

/// A transaction with this session's limits that takes `locks` (SQL, `$1`
/// the writers' lock's key) in the same round trip.
async fn begin<'c>(conn: &'c mut sqlx::PgConnection, locks: &str) -> Result<Tx<'c>, sqlx::Error> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    sqlx::query(&format!(
        "SELECT set_config('lock_timeout', '30s', true),
            set_config('idle_in_transaction_session_timeout', '20s', true),
            {locks}"
    ))
    .bind(WRITER_LOCK)
    .execute(&mut *tx)
    .await?;
    Ok(tx)
}

type Tx<'a> = Transaction<'a, Postgres>;

/// Starts this instance's writer; it stops once the store is closed.
pub(super) fn spawn(pool: PgPool, follower: Follower) -> Writer {
    let (writer, mut intake) = Writer::queue();
    tokio::spawn(async move {
        while let Some(mut batch) = intake.next().await {
            let jobs = std::mem::take(&mut batch.jobs);
            match commit(&pool, &jobs).await {
                Ok(results) => {
                    follower.poke();
                    batch.answer(Ok::<_, sqlx::Error>(results));
                }
                // One delivery the database refuses must not fail the
                // others that happened to share its batch.
                Err(e) if jobs.len() > 1 => {
                    tracing::warn!(error = %e, jobs = jobs.len(), "a write batch failed; writing its deliveries one by one");
                    let mut each = Vec::with_capacity(jobs.len());
                    for job in &jobs {
                        let one = commit(&pool, std::slice::from_ref(job)).await;
                        each.push(one.map(|mut stored| stored.remove(0)));
                    }
                    follower.poke();
                    batch.answer_each(each);
                }
                Err(e) => batch.answer(Err::<Vec<Stored>, _>(e)),
            }
        }
    });
    writer
}

/// Commits `jobs` in one transaction; returns what became of each, in order.
pub(super) async fn commit(pool: &PgPool, jobs: &[Job]) -> Result<Vec<Stored>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let mut tx = begin_batch(&mut conn).await?;
    let events: Vec<(usize, &NewDelivery, &NewEvent)> = jobs
        .iter()
        .enumerate()
        .flat_map(|(j, job)| match job {
            Job::Event(delivery, first, more) => std::iter::once(&**first)
                .chain(more)
                .map(|e| (j, delivery, e))
                .collect::<Vec<_>>(),
            Job::Rejected { .. } => Vec::new(),
        })
        .collect();
    let (event_ids, delivery_ids) = rows::next_ids(&mut tx, events.len(), jobs.len()).await?;

    // Every event in one statement; a repeat (stored before, or earlier in
    // this batch) is not inserted and takes the stored event's id.
    let rows: Vec<EventRow> = events
        .iter()
        .zip(&event_ids)
        .map(|((_, d, e), id)| EventRow::new(*id, d, e))
        .collect::<Result<_, _>>()?;
    let inserted: HashSet<i64> = rows::insert_events(&mut tx, &rows).await?;
    let mut first_of: HashMap<&str, i64> = HashMap::new();
    for (row, id) in rows.iter().zip(&event_ids) {
        if inserted.contains(id) {
            first_of.insert(row.dedup_key, *id);
        }
    }
    let repeats: Vec<&str> = rows
        .iter()
        .filter(|r| !first_of.contains_key(r.dedup_key))
        .map(|r| r.dedup_key)
        .collect();
    let stored_before = rows::ids_of(&mut tx, &repeats).await?;

    // What each job's events came to: the first stored now and the first
    // stored before (events are in job order).
    let mut per_job: Vec<(Option<i64>, Option<i64>)> = vec![(None, None); jobs.len()];
    let mut fresh = Vec::new();
    for ((j, delivery, event), id) in events.iter().zip(&event_ids) {
        let (new_id, old_id) = &mut per_job[*j];
        if inserted.contains(id) {
            fresh.push((*delivery, *event, *id));
            new_id.get_or_insert(*id);
            continue;
        }
        let stored = first_of
            .get(event.dedup_key.as_str())
            .or_else(|| stored_before.get(event.dedup_key.as_str()))
            .copied()
            .ok_or_else(|| sqlx::Error::Protocol(format!("event {} vanished", event.dedup_key)))?;
        old_id.get_or_insert(stored);
    }
    rows::index_text(&mut tx, &fresh).await?;
    calls::fold(&mut tx, &fresh).await?;

    // Each delivery's log row, and what its sender is told.
    let mut logged = Vec::with_capacity(jobs.len());
    for ((job, (new_id, old_id)), id) in jobs.iter().zip(&per_job).zip(&delivery_ids) {
        let (delivery, log) = match job {
            Job::Rejected {
                delivery,
                error,
                detail,
            } => (
                delivery,
                DeliveryLog::rejected(error, detail, &delivery.body),
            ),
            Job::Event(delivery, first, more) => {
                // A lone event that repeats one stored before keeps its own
                // body in its log row: it may differ from the first.
                let repeat_body = new_id.is_none().then_some(first.raw.as_str());
                let log = DeliveryLog::of_events(
                    &first.call_id,
                    *new_id,
                    *old_id,
                    &delivery.body,
                    more.is_empty(),
                    repeat_body,
                );
                (delivery, log)
            }
        };
        logged.push(LoggedDelivery {
            id: *id,
            delivery,
            log,
        });
    }
    let results = logged.iter().map(|l| l.log.stored(l.id)).collect();
    // The newest event is announced when the transaction commits, and only
    // if it does (with the deliveries' statement: one round trip less).
    let newest = fresh.iter().map(|(_, _, id)| *id).max();
    rows::insert_deliveries(&mut tx, &logged, newest.map(|id| (CHANNEL, id))).await?;
    tx.commit().await?;
    Ok(results)
}

/// A newly stored event as a timeline item.
fn item(delivery: &NewDelivery, event: &NewEvent, id: i64) -> TimelineItem {
    TimelineItem {
        id,
        call_id: event.call_id.clone(),
        occurred_at: event.occurred_at,
        seconds_from_start: event.seconds_from_start,
        received_at: delivery.received_at,
        detail: event.detail.clone(),
        raw: event.raw.clone(),
        clipped: false,
    }
}
