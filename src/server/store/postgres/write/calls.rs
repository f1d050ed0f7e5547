//! The `calls` read model in the batch's transaction: the rows of the calls
//! the batch touches are read once, each new event is folded in, and every
//! row is written back with one statement. Batches in flight at once (other
//! instances') take turns on each call they share: a call's lock is held
//! from before its row is read until the commit, so no two batches fold
//! from the same stale row.

use std::collections::HashMap;

use super::rows::pg_text;
use super::{item, Tx};
use crate::model::CallSummary;
use crate::server::store::job::{NewDelivery, NewEvent};
use crate::server::store::rows::CALL_COLUMNS;

/// Folds the batch's new events (in order) into their calls' rows.
pub(super) async fn fold(
    tx: &mut Tx<'_>,
    fresh: &[(&NewDelivery, &NewEvent, i64)],
) -> Result<(), sqlx::Error> {
    if fresh.is_empty() {
        return Ok(());
    }
    let mut ids: Vec<&str> = fresh.iter().map(|(_, e, _)| e.call_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    take_turns(tx, &ids).await?;
    let stored: Vec<CallSummary> = sqlx::query_as(&format!(
        "SELECT {CALL_COLUMNS} FROM calls WHERE call_id = ANY($1)"
    ))
    .bind(&ids)
    .fetch_all(&mut **tx)
    .await?;
    let mut calls: HashMap<String, CallSummary> =
        stored.into_iter().map(|c| (c.call_id.clone(), c)).collect();
    for (delivery, event, id) in fresh {
        let item = item(delivery, event, *id);
        let call = calls
            .entry(event.call_id.clone())
            .and_modify(|call| call.apply(&item))
            .or_insert_with(|| CallSummary::new(&delivery.source, &item));
        call.meet(&event.parties);
        call.n_redacted += i64::from(event.redactions);
    }
    save(tx, calls.values().collect()).await
}

/// The advisory lock namespace of calls' turns ("call" in ASCII); its keys
/// are two numbers, so they never meet the writers' single-number keys.
const CALL_TURNS: i32 = 0x6361_6c6c;

/// Waits for this transaction's turn on each of `calls` (all batches take
/// them in the same order, so two never wait for each other). Calls whose
/// ids hash alike share a turn, which costs only a wait.
async fn take_turns(tx: &mut Tx<'_>, calls: &[&str]) -> Result<(), sqlx::Error> {
    sqlx::query(
        "SELECT pg_advisory_xact_lock($1, turn) FROM (
            SELECT DISTINCT hashtext(call_id) AS turn FROM UNNEST($2::text[]) call_id ORDER BY turn
         ) turns",
    )
    .bind(CALL_TURNS)
    .bind(calls)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes each row whole, inserted or replacing the stored one.
async fn save(tx: &mut Tx<'_>, calls: Vec<&CallSummary>) -> Result<(), sqlx::Error> {
    let text = |f: fn(&CallSummary) -> Option<&str>| {
        calls.iter().map(|c| f(c).map(pg_text)).collect::<Vec<_>>()
    };
    let int = |f: fn(&CallSummary) -> Option<i64>| calls.iter().map(|c| f(c)).collect::<Vec<_>>();
    let sets: Vec<String> = CALL_COLUMNS
        .split(',')
        .map(str::trim)
        .skip(1)
        .map(|c| format!("{c} = EXCLUDED.{c}"))
        .collect();
    sqlx::query(&format!(
        "INSERT INTO calls ({CALL_COLUMNS})
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int8[], $5::int8[],
            $6::int8[], $7::int8[], $8::text[], $9::text[], $10::text[], $11::text[], $12::int8[],
            $13::text[], $14::int8[], $15::int8[], $16::int8[], $17::int8[], $18::int8[],
            $19::int8[], $20::int8[], $21::int8[], $22::int8[], $23::text[], $24::int8[],
            $25::text[], $26::text[], $27::text[], $28::int8[], $29::float8[], $30::int8[])
         ON CONFLICT (call_id) DO UPDATE SET {}",
        sets.join(", ")
    ))
    .bind(text(|c| Some(&c.call_id)))
    .bind(text(|c| Some(&c.source)))
    .bind(text(|c| Some(c.status.as_str())))
    .bind(int(|c| Some(c.started_at)))
    .bind(int(|c| c.ended_at))
    .bind(int(|c| Some(c.last_event_at)))
    .bind(int(|c| Some(c.last_event_id)))
    .bind(text(|c| c.ended_by.as_deref()))
    .bind(text(|c| c.end_reason.as_deref()))
    .bind(text(|c| c.summary.as_deref()))
    .bind(text(|c| c.recording_url.as_deref()))
    .bind(int(|c| c.duration_ms))
    .bind(text(|c| c.last_speaker.as_deref()))
    .bind(int(|c| c.last_spoke_at))
    .bind(int(|c| Some(c.n_events)))
    .bind(int(|c| Some(c.n_messages)))
    .bind(int(|c| Some(c.n_tool_calls)))
    .bind(int(|c| Some(c.n_tool_errors)))
    .bind(int(|c| Some(c.n_hangs)))
    .bind(int(|c| Some(c.n_interruptions)))
    .bind(int(|c| Some(c.n_transfers)))
    .bind(int(|c| Some(c.last_received_at)))
    .bind(text(|c| c.first_user_text.as_deref()))
    .bind(int(|c| c.first_user_at))
    .bind(text(|c| c.caller.as_deref()))
    .bind(text(|c| c.agent.as_deref()))
    .bind(text(|c| c.waiting_tool.as_deref()))
    .bind(int(|c| c.waiting_since))
    .bind(calls.iter().map(|c| c.cost).collect::<Vec<_>>())
    .bind(int(|c| Some(c.n_redacted)))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
