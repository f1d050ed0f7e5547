//! The PostgreSQL writer: a task that takes the queued deliveries in
//! batches from the shared intake and commits each batch in one
//! transaction (group commit).
//!
//! Every instance's writer takes the same transaction-scoped advisory lock
//! before its batch, so batches commit one at a time across instances, in
//! the order their ids were handed out. That keeps what SQLite's single
//! writer gives for free: a reader that sees event N has seen every event
//! before it, so the id cursors (live streams, alerts, forwarding) never
//! skip one committed late. A call's row is read inside the lock, folded
//! and written back, so two instances never fold from the same stale row.

use std::collections::HashMap;

use sqlx::{PgPool, Postgres, Transaction};

use super::follow::{Follower, CHANNEL};
use crate::model::{CallSummary, TimelineItem};
use crate::server::store::job::{DeliveryLog, Job, NewDelivery, NewEvent, Stored};
use crate::server::store::rows::{CALL_COLUMNS, COLUMN_COUNT};
use crate::server::store::writer::Writer;

/// The advisory lock key all writers take ("calltrail" in ASCII, cut to 64 bits).
const WRITER_LOCK: i64 = 0x63_616c_6c74_7261;

type Tx<'a> = Transaction<'a, Postgres>;

/// Starts this instance's writer; it stops once the store is closed.
pub(super) fn spawn(pool: PgPool, follower: Follower) -> Writer {
    let (writer, mut intake) = Writer::queue();
    tokio::spawn(async move {
        while let Some(mut batch) = intake.next().await {
            let jobs = std::mem::take(&mut batch.jobs);
            let committed = commit(&pool, jobs).await;
            if committed.is_ok() {
                follower.poke();
            }
            batch.answer(committed);
        }
    });
    writer
}

/// Commits `jobs` in one transaction; returns what became of each, in order.
pub(super) async fn commit(pool: &PgPool, jobs: Vec<Job>) -> Result<Vec<Stored>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(WRITER_LOCK)
        .execute(&mut *tx)
        .await?;
    let mut results = Vec::with_capacity(jobs.len());
    // Each call's row as it stands after the batch, written once at the end.
    let mut calls = Calls::default();
    for job in jobs {
        let stored = match job {
            Job::Event(delivery, event, more) => {
                write_events(&mut tx, &mut calls, &delivery, *event, more).await?
            }
            Job::Rejected {
                delivery,
                error,
                detail,
            } => {
                let log = DeliveryLog::rejected(&error, &detail, &delivery.body);
                log.stored(insert_delivery(&mut tx, &delivery, log).await?)
            }
        };
        results.push(stored);
    }
    calls.save(&mut tx).await?;
    if let Some(newest) = calls.newest_event {
        // Sent when the transaction commits, and only if it does.
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(newest.to_string())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(results)
}

/// Stores a delivery's events (each unless stored before) and logs it once.
async fn write_events(
    tx: &mut Tx<'_>,
    calls: &mut Calls,
    delivery: &NewDelivery,
    first: NewEvent,
    more: Vec<NewEvent>,
) -> Result<Stored, sqlx::Error> {
    let lone = more.is_empty();
    let call_id = first.call_id.clone();
    let (mut new_id, mut old_id, mut repeat_body) = (None, None, None);
    for event in std::iter::once(first).chain(more) {
        match write_event(tx, calls, delivery, event).await? {
            Ok(id) => new_id = new_id.or(Some(id)),
            Err((id, raw)) => {
                old_id = old_id.or(Some(id));
                repeat_body = repeat_body.or(Some(raw));
            }
        }
    }
    let log = DeliveryLog::of_events(&call_id, new_id, old_id, &delivery.body, lone, &repeat_body);
    let delivery_id = insert_delivery(tx, delivery, log).await?;
    Ok(log.stored(delivery_id))
}

/// Stores one event: `Ok(id)` when new, `Err((id, raw))` when an event of
/// the same dedup key was stored before (with this repeat's own `raw`).
async fn write_event(
    tx: &mut Tx<'_>,
    calls: &mut Calls,
    delivery: &NewDelivery,
    event: NewEvent,
) -> Result<Result<i64, (i64, String)>, sqlx::Error> {
    let normalized =
        serde_json::to_string(&event.detail).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO events
            (call_id, source, kind, occurred_at, seconds_from_start, received_at, dedup_key, normalized, raw)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
    )
    .bind(&event.call_id)
    .bind(&delivery.source)
    .bind(event.detail.kind())
    .bind(event.occurred_at)
    .bind(event.seconds_from_start)
    .bind(delivery.received_at)
    .bind(&event.dedup_key)
    .bind(&normalized)
    .bind(&event.raw)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(event_id) = inserted else {
        let existing: i64 = sqlx::query_scalar("SELECT id FROM events WHERE dedup_key = $1")
            .bind(&event.dedup_key)
            .fetch_one(&mut **tx)
            .await?;
        return Ok(Err((existing, event.raw)));
    };
    let text = event.detail.search_text();
    if !text.is_empty() {
        sqlx::query("INSERT INTO event_text (event_id, body) VALUES ($1, $2)")
            .bind(event_id)
            .bind(&text)
            .execute(&mut **tx)
            .await?;
    }
    let item = TimelineItem {
        id: event_id,
        call_id: event.call_id,
        occurred_at: event.occurred_at,
        seconds_from_start: event.seconds_from_start,
        received_at: delivery.received_at,
        detail: event.detail,
        raw: event.raw,
    };
    calls
        .apply(tx, &delivery.source, &item, &event.parties)
        .await?;
    Ok(Ok(event_id))
}

async fn insert_delivery(
    tx: &mut Tx<'_>,
    d: &NewDelivery,
    log: DeliveryLog<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO deliveries
            (received_at, source, remote_addr, content_type, webhook_id, outcome, http_status, error,
             detail, call_id, event_id, body, body_truncated)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(d.received_at)
    .bind(&d.source)
    .bind(&d.remote_addr)
    .bind(&d.content_type)
    .bind(&d.webhook_id)
    .bind(log.outcome.as_str())
    .bind(i64::from(d.http_status))
    .bind(log.error)
    .bind(log.detail)
    .bind(log.call_id)
    .bind(log.event_id)
    .bind(log.body)
    .bind(d.body_truncated)
    .fetch_one(&mut **tx)
    .await
}

/// The call rows a batch touches: read once (inside the writers' lock),
/// folded in memory, written once at the end.
#[derive(Default)]
struct Calls {
    rows: HashMap<String, CallSummary>,
    newest_event: Option<i64>,
}

impl Calls {
    async fn apply(
        &mut self,
        tx: &mut Tx<'_>,
        source: &str,
        item: &TimelineItem,
        parties: &crate::model::Parties,
    ) -> Result<(), sqlx::Error> {
        self.newest_event = Some(item.id);
        if let Some(call) = self.rows.get_mut(&item.call_id) {
            call.apply(item);
            call.meet(parties);
            return Ok(());
        }
        let stored: Option<CallSummary> = sqlx::query_as(&format!(
            "SELECT {CALL_COLUMNS} FROM calls WHERE call_id = $1"
        ))
        .bind(&item.call_id)
        .fetch_optional(&mut **tx)
        .await?;
        let mut call = match stored {
            Some(mut call) => {
                call.apply(item);
                call
            }
            None => CallSummary::new(source, item),
        };
        call.meet(parties);
        self.rows.insert(call.call_id.clone(), call);
        Ok(())
    }

    async fn save(&self, tx: &mut Tx<'_>) -> Result<(), sqlx::Error> {
        for c in self.rows.values() {
            sqlx::query(&UPSERT)
                .bind(&c.call_id)
                .bind(&c.source)
                .bind(c.status.as_str())
                .bind(c.started_at)
                .bind(c.ended_at)
                .bind(c.last_event_at)
                .bind(c.last_event_id)
                .bind(&c.ended_by)
                .bind(&c.end_reason)
                .bind(&c.summary)
                .bind(&c.recording_url)
                .bind(c.duration_ms)
                .bind(&c.last_speaker)
                .bind(c.last_spoke_at)
                .bind(c.n_events)
                .bind(c.n_messages)
                .bind(c.n_tool_calls)
                .bind(c.n_tool_errors)
                .bind(c.n_hangs)
                .bind(c.n_interruptions)
                .bind(c.n_transfers)
                .bind(c.last_received_at)
                .bind(&c.first_user_text)
                .bind(c.first_user_at)
                .bind(&c.caller)
                .bind(&c.agent)
                .bind(&c.waiting_tool)
                .bind(c.waiting_since)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}

/// The whole row, inserted or replacing the stored one.
static UPSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let marks: Vec<String> = (1..=COLUMN_COUNT).map(|i| format!("${i}")).collect();
    let sets: Vec<String> = CALL_COLUMNS
        .split(',')
        .map(str::trim)
        .skip(1)
        .map(|c| format!("{c} = EXCLUDED.{c}"))
        .collect();
    format!(
        "INSERT INTO calls ({CALL_COLUMNS}) VALUES ({}) ON CONFLICT (call_id) DO UPDATE SET {}",
        marks.join(", "),
        sets.join(", ")
    )
});
