//! The batch's rows, each kind written with one statement: the columns go
//! as arrays and `UNNEST` turns them back into rows.

use std::collections::{HashMap, HashSet};

use super::Tx;
use crate::server::store::job::{DeliveryLog, NewDelivery, NewEvent};

/// `text` as PostgreSQL can keep it: a `text` value cannot hold U+0000
/// (SQLite's can), so each becomes U+FFFD, the replacement character. Only
/// text decoded from JSON escapes (`\u0000`) can hold one.
pub(super) fn pg_text(text: &str) -> String {
    text.replace('\0', "\u{FFFD}")
}

/// New ids for `events` events and `deliveries` deliveries, each ascending,
/// taken from the tables' sequences in one round trip.
pub(super) async fn next_ids(
    tx: &mut Tx<'_>,
    events: usize,
    deliveries: usize,
) -> Result<(Vec<i64>, Vec<i64>), sqlx::Error> {
    let (events, deliveries): (Option<Vec<i64>>, Option<Vec<i64>>) = sqlx::query_as(
        "SELECT
            (SELECT array_agg(id ORDER BY id) FROM (SELECT nextval(pg_get_serial_sequence('events', 'id')) AS id
                FROM generate_series(1, $1)) e),
            (SELECT array_agg(id ORDER BY id) FROM (SELECT nextval(pg_get_serial_sequence('deliveries', 'id')) AS id
                FROM generate_series(1, $2)) d)",
    )
    .bind(events as i64)
    .bind(deliveries as i64)
    .fetch_one(&mut **tx)
    .await?;
    Ok((events.unwrap_or_default(), deliveries.unwrap_or_default()))
}

/// An event as its row.
pub(super) struct EventRow<'a> {
    id: i64,
    call_id: &'a str,
    source: &'a str,
    kind: &'static str,
    occurred_at: i64,
    seconds_from_start: Option<f64>,
    received_at: i64,
    pub dedup_key: &'a str,
    normalized: String,
    raw: &'a str,
}

impl<'a> EventRow<'a> {
    pub fn new(id: i64, d: &'a NewDelivery, e: &'a NewEvent) -> Result<Self, sqlx::Error> {
        Ok(EventRow {
            id,
            call_id: &e.call_id,
            source: &d.source,
            kind: e.detail.kind(),
            occurred_at: e.occurred_at,
            seconds_from_start: e.seconds_from_start,
            received_at: d.received_at,
            dedup_key: &e.dedup_key,
            normalized: serde_json::to_string(&e.detail)
                .map_err(|e| sqlx::Error::Encode(e.into()))?,
            raw: &e.raw,
        })
    }
}

/// Inserts `rows` unless their dedup key is stored (before, or by an earlier
/// row of the same batch); returns the ids inserted.
pub(super) async fn insert_events(
    tx: &mut Tx<'_>,
    rows: &[EventRow<'_>],
) -> Result<HashSet<i64>, sqlx::Error> {
    if rows.is_empty() {
        return Ok(HashSet::new());
    }
    // In key order, as every batch inserts: two batches in flight with the
    // same events wait for each other's keys in one order, never in a
    // cycle. The sort is stable, so of a key repeated in the batch the
    // first (lowest id) is the one inserted.
    let mut rows: Vec<&EventRow> = rows.iter().collect();
    rows.sort_by_key(|r| r.dedup_key);
    let ids: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO events (id, call_id, source, kind, occurred_at, seconds_from_start,
            received_at, dedup_key, normalized, raw)
         SELECT * FROM UNNEST($1::int8[], $2::text[], $3::text[], $4::text[], $5::int8[],
            $6::float8[], $7::int8[], $8::text[], $9::text[], $10::text[])
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
    )
    .bind(rows.iter().map(|r| r.id).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.call_id).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.source).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.kind).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.occurred_at).collect::<Vec<_>>())
    .bind(
        rows.iter()
            .map(|r| r.seconds_from_start)
            .collect::<Vec<_>>(),
    )
    .bind(rows.iter().map(|r| r.received_at).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.dedup_key).collect::<Vec<_>>())
    .bind(
        rows.iter()
            .map(|r| r.normalized.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(rows.iter().map(|r| r.raw).collect::<Vec<_>>())
    .fetch_all(&mut **tx)
    .await?;
    Ok(ids.into_iter().collect())
}

/// The ids of the events stored under `keys`.
pub(super) async fn ids_of(
    tx: &mut Tx<'_>,
    keys: &[&str],
) -> Result<HashMap<String, i64>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT dedup_key, id FROM events WHERE dedup_key = ANY($1)")
            .bind(keys)
            .fetch_all(&mut **tx)
            .await?;
    Ok(rows.into_iter().collect())
}

/// The text of each new event in the search index (same transaction:
/// acknowledged means searchable).
pub(super) async fn index_text(
    tx: &mut Tx<'_>,
    fresh: &[(&NewDelivery, &NewEvent, i64)],
) -> Result<(), sqlx::Error> {
    let (ids, bodies): (Vec<i64>, Vec<String>) = fresh
        .iter()
        .map(|(_, e, id)| (*id, pg_text(&e.detail.search_text())))
        .filter(|(_, text)| !text.is_empty())
        .unzip();
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO event_text (event_id, body) SELECT * FROM UNNEST($1::int8[], $2::text[])",
    )
    .bind(ids)
    .bind(bodies)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A delivery and how it ended, with the id taken for it.
pub(super) struct LoggedDelivery<'a> {
    pub id: i64,
    pub delivery: &'a NewDelivery,
    pub log: DeliveryLog<'a>,
}

/// Inserts the deliveries' log rows and, with `notify` (a channel and the
/// newest event id), sends that notification at commit in the same
/// statement.
pub(super) async fn insert_deliveries(
    tx: &mut Tx<'_>,
    rows: &[LoggedDelivery<'_>],
    notify: Option<(&str, i64)>,
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let (channel, newest) = notify.unzip();
    sqlx::query(
        "WITH logged AS (
            INSERT INTO deliveries (id, received_at, source, remote_addr, content_type, webhook_id,
                outcome, http_status, error, detail, call_id, event_id, body, body_truncated)
            SELECT * FROM UNNEST($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[],
                $6::text[], $7::text[], $8::int8[], $9::text[], $10::text[], $11::text[],
                $12::int8[], $13::bytea[], $14::bool[])
         )
         SELECT pg_notify($15, $16) WHERE $15 IS NOT NULL",
    )
    .bind(rows.iter().map(|r| r.id).collect::<Vec<_>>())
    .bind(
        rows.iter()
            .map(|r| r.delivery.received_at)
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|r| r.delivery.source.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|r| r.delivery.remote_addr.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|r| r.delivery.content_type.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|r| r.delivery.webhook_id.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|r| r.log.outcome.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|r| i64::from(r.delivery.http_status))
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|r| r.log.error.map(pg_text))
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|r| r.log.detail.map(pg_text))
            .collect::<Vec<_>>(),
    )
    .bind(rows.iter().map(|r| r.log.call_id).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.log.event_id).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.log.body).collect::<Vec<_>>())
    .bind(
        rows.iter()
            .map(|r| r.delivery.body_truncated)
            .collect::<Vec<_>>(),
    )
    .bind(channel)
    .bind(newest.map(|id| id.to_string()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
