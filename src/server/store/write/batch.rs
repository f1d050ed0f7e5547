//! One batch, one transaction: each event inserted unless its dedup key is
//! already stored, each delivery logged, and each touched call's row
//! written once, after its events. Statements are prepared once and cached
//! on the connection.

use std::collections::HashMap;

use rusqlite::{params, Connection, Transaction, TransactionBehavior};

use super::calls::{self, CallCache, Indexed, Touched};
use super::job::{Job, NewDelivery, NewEvent, Stored};
use crate::model::{DeliveryOutcome, LiveUpdate, TimelineItem};

const INSERT_EVENT: &str = "INSERT INTO events
    (call_id, source, kind, occurred_at, seconds_from_start, received_at, dedup_key, normalized, raw)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (dedup_key) DO NOTHING";

const STORED_EVENT: &str = "SELECT id FROM events WHERE dedup_key = ?";

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
            Job::Event(delivery, event) => {
                let (stored, update) = write_event(&tx, cache, delivery, *event)?;
                if let Some((before, update)) = update {
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
                let log = DeliveryLog {
                    outcome: DeliveryOutcome::Rejected,
                    error: Some(&error),
                    detail: Some(&detail),
                    call_id: None,
                    event_id: None,
                    body: Some(&delivery.body),
                };
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

fn write_event(
    tx: &Transaction<'_>,
    cache: &mut CallCache,
    delivery: NewDelivery,
    event: NewEvent,
) -> rusqlite::Result<(Stored, Option<Fresh>)> {
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
        // A repeat keeps its own body: it may differ from the first.
        let log = DeliveryLog::ok(DeliveryOutcome::Duplicate, &event.call_id, existing)
            .with_body(event.raw.as_bytes());
        let delivery_id = insert_delivery(tx, &delivery, log)?;
        let stored = Stored::Duplicate {
            delivery_id,
            event_id: existing,
        };
        return Ok((stored, None));
    }

    let event_id = tx.last_insert_rowid();
    // The delivery's body is the event's `raw`: stored once, there.
    let log = DeliveryLog::ok(DeliveryOutcome::Accepted, &event.call_id, event_id);
    let delivery_id = insert_delivery(tx, &delivery, log)?;
    let item = TimelineItem {
        id: event_id,
        call_id: event.call_id,
        occurred_at: event.occurred_at,
        seconds_from_start: event.seconds_from_start,
        received_at: delivery.received_at,
        detail: event.detail,
        raw: event.raw,
    };
    let (before, call) = cache.apply(tx, &delivery.source, &item)?;
    let stored = Stored::Accepted {
        delivery_id,
        event_id,
    };
    Ok((stored, Some((before, LiveUpdate { item, call }))))
}

/// How a delivery ended, for its log row.
struct DeliveryLog<'a> {
    outcome: DeliveryOutcome,
    error: Option<&'a str>,
    detail: Option<&'a str>,
    call_id: Option<&'a str>,
    event_id: Option<i64>,
    /// None when the body is the event's `raw`.
    body: Option<&'a [u8]>,
}

impl<'a> DeliveryLog<'a> {
    fn ok(outcome: DeliveryOutcome, call_id: &'a str, event_id: i64) -> Self {
        DeliveryLog {
            outcome,
            error: None,
            detail: None,
            call_id: Some(call_id),
            event_id: Some(event_id),
            body: None,
        }
    }

    fn with_body(self, body: &'a [u8]) -> Self {
        DeliveryLog {
            body: Some(body),
            ..self
        }
    }
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
