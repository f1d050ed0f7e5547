//! One batch, one transaction: each event inserted unless its dedup key is
//! already stored, each delivery logged, and each touched call's row
//! written once, after its events. Statements are prepared once and cached
//! on the connection.

use std::collections::HashMap;

use rusqlite::{params, Connection, Transaction, TransactionBehavior};

use super::calls::{self, CallCache, Indexed, Touched};
use crate::model::{LiveUpdate, TimelineItem};
use crate::server::store::job::{DeliveryLog, Job, NewDelivery, NewEvent, Stored};

const INSERT_EVENT: &str = "INSERT INTO events
    (call_id, source, kind, occurred_at, seconds_from_start, received_at, dedup_key, normalized, raw)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (dedup_key) DO NOTHING";

const STORED_EVENT: &str = "SELECT id FROM events WHERE dedup_key = ?";

/// The event's text in the search index (same transaction: acknowledged
/// means searchable).
const INDEX_TEXT: &str = "INSERT INTO event_text (rowid, body) VALUES (?, ?)";

const INSERT_DELIVERY: &str = "INSERT INTO deliveries
    (received_at, source, remote_addr, content_type, webhook_id, outcome, http_status, error,
     detail, call_id, event_id, body, body_truncated)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/// Commits `jobs`; returns what became of each, in order, and the live
/// updates of the events stored.
pub(super) fn commit(
    conn: &mut Connection,
    cache: &mut CallCache,
    jobs: Vec<Job>,
) -> rusqlite::Result<(Vec<Stored>, Vec<LiveUpdate>)> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut results = Vec::with_capacity(jobs.len());
    let mut updates = Vec::new();
    // Each call's row as it stands after the batch, written once at the end.
    let mut touched: HashMap<String, Touched> = HashMap::new();
    for job in jobs {
        let stored = match job {
            Job::Event(delivery, event, more) => {
                let (stored, fresh) = write_events(&tx, cache, delivery, *event, more)?;
                for (before, update) in fresh {
                    let now = update.call.clone();
                    touched
                        .entry(now.call_id.clone())
                        .and_modify(|t| t.now = now.clone())
                        .or_insert(Touched { before, now });
                    updates.push(update);
                }
                stored
            }
            Job::Rejected {
                delivery,
                error,
                detail,
            } => {
                let log = DeliveryLog::rejected(&error, &detail, &delivery.body);
                let delivery_id = insert_delivery(&tx, &delivery, log)?;
                Stored::Rejected { delivery_id }
            }
        };
        results.push(stored);
    }
    calls::save(&tx, touched.values())?;
    tx.commit()?;
    Ok((results, updates))
}

/// A newly stored event: its call row's indexed columns before it, and the
/// live update it makes.
type Fresh = (Option<Indexed>, LiveUpdate);

/// Stores a delivery's events and logs it once. A lone event's `raw` is
/// the delivery's body (stored once, there); a delivery of several keeps
/// its body in its log row, each event the part it comes from.
fn write_events(
    tx: &Transaction<'_>,
    cache: &mut CallCache,
    delivery: NewDelivery,
    first: NewEvent,
    more: Vec<NewEvent>,
) -> rusqlite::Result<(Stored, Vec<Fresh>)> {
    let lone = more.is_empty();
    let call_id = first.call_id.clone();
    let mut fresh = Vec::new();
    let (mut new_id, mut old_id, mut repeat_body) = (None, None, None);
    for event in std::iter::once(first).chain(more) {
        match write_event(tx, cache, &delivery, event)? {
            Written::New(id, made) => {
                new_id = new_id.or(Some(id));
                fresh.push(*made);
            }
            Written::Repeat(id, raw) => {
                old_id = old_id.or(Some(id));
                repeat_body = repeat_body.or(Some(raw));
            }
        }
    }
    let log = DeliveryLog::of_events(
        &call_id,
        new_id,
        old_id,
        &delivery.body,
        lone,
        repeat_body.as_deref(),
    );
    let delivery_id = insert_delivery(tx, &delivery, log)?;
    Ok((log.stored(delivery_id), fresh))
}

/// What became of one event: stored now (with its call row's change), or
/// stored before (with the repeat's own `raw`).
enum Written {
    New(i64, Box<Fresh>),
    Repeat(i64, String),
}

fn write_event(
    tx: &Transaction<'_>,
    cache: &mut CallCache,
    delivery: &NewDelivery,
    event: NewEvent,
) -> rusqlite::Result<Written> {
    let normalized = serde_json::to_string(&event.detail)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let inserted = tx.prepare_cached(INSERT_EVENT)?.execute(params![
        event.call_id,
        delivery.source,
        event.detail.kind(),
        event.occurred_at,
        event.seconds_from_start,
        delivery.received_at,
        event.dedup_key,
        normalized,
        event.raw,
    ])?;
    if inserted == 0 {
        let existing: i64 = tx
            .prepare_cached(STORED_EVENT)?
            .query_row([&event.dedup_key], |r| r.get(0))?;
        return Ok(Written::Repeat(existing, event.raw));
    }
    let event_id = tx.last_insert_rowid();
    let text = event.detail.search_text();
    if !text.is_empty() {
        tx.prepare_cached(INDEX_TEXT)?
            .execute(params![event_id, text])?;
    }
    let (parties, redactions) = (event.parties, event.redactions);
    let item = TimelineItem {
        id: event_id,
        call_id: event.call_id,
        occurred_at: event.occurred_at,
        seconds_from_start: event.seconds_from_start,
        received_at: delivery.received_at,
        detail: event.detail,
        raw: event.raw,
        clipped: false,
    };
    let (before, call) = cache.apply(tx, &delivery.source, &item, (&parties, redactions))?;
    Ok(Written::New(
        event_id,
        Box::new((before, LiveUpdate { item, call })),
    ))
}

fn insert_delivery(
    tx: &Transaction<'_>,
    d: &NewDelivery,
    log: DeliveryLog<'_>,
) -> rusqlite::Result<i64> {
    tx.prepare_cached(INSERT_DELIVERY)?.execute(params![
        d.received_at,
        d.source,
        d.remote_addr,
        d.content_type,
        d.webhook_id,
        log.outcome.as_str(),
        d.http_status,
        log.error,
        log.detail,
        log.call_id,
        log.event_id,
        log.body,
        d.body_truncated,
    ])?;
    Ok(tx.last_insert_rowid())
}
