//! Retention of calls: ended calls whose last event is older than
//! `CALLTRAIL_RETENTION_DAYS`, and the least recently active ended calls while
//! more than `CALLTRAIL_MAX_EVENTS` events are stored, are deleted whole with
//! their events and deliveries. A background task does it in small write
//! transactions, taking turns with the writer's event batches, with pauses
//! between them, so ingest never waits long; live
//! calls are never deleted. Afterwards the freed pages go back to the file
//! system (on SQLite: `sqlite/space.rs`).

use std::time::{Duration, Instant};

use super::{portable, Backend as _, Dialect};
use crate::model::time::DAY_MS;

/// Events deleted per transaction (with their deliveries). A call's rows lie
/// scattered among other calls', so each costs about a page written; 100
/// hold the write connection, which event writes then wait for, a few ms.
pub const BATCH: i64 = 100;
/// Least pause between transactions, so queued event writes go first; a slow
/// transaction is followed by a pause twice its length.
const PAUSE: Duration = Duration::from_millis(20);

/// How many calls to keep; `None` is no limit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallRetention {
    pub max_age_days: Option<u32>,
    pub max_events: Option<u64>,
    /// Sources kept for days of their own instead of `max_age_days` (the
    /// event limit still counts their calls).
    pub per_source: Vec<(String, u32)>,
}

impl CallRetention {
    pub fn is_off(&self) -> bool {
        self.max_age_days.is_none() && self.max_events.is_none() && self.per_source.is_empty()
    }
}

/// What a purge deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub calls: u64,
    pub events: u64,
    pub deliveries: u64,
}

impl std::ops::AddAssign for Purged {
    fn add_assign(&mut self, other: Purged) {
        self.calls += other.calls;
        self.events += other.events;
        self.deliveries += other.deliveries;
    }
}

/// Where a purge stands between its transactions.
struct Purge {
    /// Ended calls whose last event is before this (epoch ms) go, but for
    /// the sources of `own`.
    before: Option<i64>,
    /// Sources with a retention of their own, and their `before`.
    own: Vec<(String, i64)>,
    /// Events still to delete to get down to the event limit.
    excess: i64,
    /// A call too large for one transaction, partly deleted, and its last
    /// event's time when it was chosen: it goes whole, unless an event came
    /// in between (then it is chosen again, or kept, like any other call).
    current: Option<(String, i64)>,
}

/// An ended call chosen to go.
#[derive(sqlx::FromRow)]
struct Candidate {
    call_id: String,
    n_events: i64,
    last_event_at: i64,
}

portable! {
    /// The call to delete next, if any must go: the one in progress, else the
    /// least recently active ended call when it is past the age or the event
    /// count is over the limit. Never a live call.
    async fn next_call(
        tx: &mut <Self as Dialect>::Conn,
        purge: &mut Purge,
    ) -> Result<Option<Candidate>, sqlx::Error> {
        const COLUMNS: &str = "call_id, n_events, last_event_at";
        if let Some((call_id, chosen_at)) = &purge.current {
            let call: Option<Candidate> = sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM calls WHERE call_id = $1 AND status <> 'live'"
            ))
            .bind(call_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(call) = call.filter(|c| c.last_event_at == *chosen_at) {
                return Ok(Some(call));
            }
            purge.current = None;
        }
        let chosen = Self::past_age(tx, purge).await?;
        let chosen = match chosen {
            Some(call) => Some(call),
            None if purge.excess > 0 => sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM calls WHERE status <> 'live'
                 ORDER BY last_event_at, call_id LIMIT 1"
            ))
            .fetch_optional(&mut *tx)
            .await?,
            None => None,
        };
        let Some(call) = chosen else {
            return Ok(None);
        };
        purge.excess -= call.n_events;
        purge.current = Some((call.call_id.clone(), call.last_event_at));
        Ok(Some(call))
    }

    /// The least recently active ended call past its age: its source's own
    /// retention, else the installation's (for the other sources).
    async fn past_age(
        tx: &mut <Self as Dialect>::Conn,
        purge: &Purge,
    ) -> Result<Option<Candidate>, sqlx::Error> {
        const COLUMNS: &str = "call_id, n_events, last_event_at";
        for (source, before) in &purge.own {
            let call: Option<Candidate> = sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM calls WHERE status <> 'live' AND source = $1
                   AND last_event_at < $2 ORDER BY last_event_at, call_id LIMIT 1"
            ))
            .bind(source)
            .bind(before)
            .fetch_optional(&mut *tx)
            .await?;
            if call.is_some() {
                return Ok(call);
            }
        }
        let Some(before) = purge.before else {
            return Ok(None);
        };
        let others: Vec<String> = (0..purge.own.len()).map(|i| format!("${}", i + 2)).collect();
        let except = match others.is_empty() {
            true => String::new(),
            false => format!("AND source NOT IN ({})", others.join(", ")),
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM calls WHERE status <> 'live' AND last_event_at < $1 {except}
             ORDER BY last_event_at, call_id LIMIT 1"
        );
        let mut query = sqlx::query_as(&sql).bind(before);
        for (source, _) in &purge.own {
            query = query.bind(source);
        }
        query.fetch_optional(&mut *tx).await
    }

    /// Deletes at most `budget` of the call's events (oldest first) with their
    /// deliveries, and the call itself once none are left (`calls` is then 1).
    pub(super) async fn delete_call(
        tx: &mut <Self as Dialect>::Conn,
        call_id: &str,
        budget: i64,
    ) -> Result<Purged, sqlx::Error> {
        // The first event that does not fit in this transaction.
        let cut: Option<i64> =
            sqlx::query_scalar("SELECT id FROM events WHERE call_id = $1 ORDER BY id LIMIT 1 OFFSET $2")
                .bind(call_id)
                .bind(budget)
                .fetch_optional(&mut *tx)
                .await?;
        let cut = cut.unwrap_or(i64::MAX);
        // The deliveries first: they are found through the events' ids.
        let deliveries = sqlx::query(
            "DELETE FROM deliveries WHERE event_id IN
                 (SELECT id FROM events WHERE call_id = $1 AND id < $2)",
        )
        .bind(call_id)
        .bind(cut)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let events = sqlx::query("DELETE FROM events WHERE call_id = $1 AND id < $2")
            .bind(call_id)
            .bind(cut)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let calls = if cut == i64::MAX {
            for table in [
                "call_metrics",
                "call_tools",
                "call_latency_parts",
                "review_notes",
                "review_flags",
                "reviews",
                "share_links",
                "review_queue_calls",
            ] {
                sqlx::query(&format!("DELETE FROM {table} WHERE call_id = $1"))
                    .bind(call_id)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("DELETE FROM calls WHERE call_id = $1")
                .bind(call_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        } else {
            // The row stays, counting what is left, until its last event goes.
            sqlx::query(&format!(
                "UPDATE calls SET n_events = {}(n_events - $1, 0) WHERE call_id = $2",
                Self::GREATEST
            ))
                .bind(i64::try_from(events).unwrap_or(i64::MAX))
                .bind(call_id)
                .execute(&mut *tx)
                .await?;
            0
        };
        Ok(Purged {
            calls,
            events,
            deliveries,
        })
    }

    pub async fn enforce_call_retention(
        &self,
        retention: CallRetention,
        now: i64,
        batch: i64,
    ) -> Result<Purged, sqlx::Error> {
        if retention.is_off() {
            return Ok(Purged::default());
        }
        let excess = match retention.max_events {
            Some(max) => {
                let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
                    .fetch_one(self.reader())
                    .await?;
                stored.saturating_sub(i64::try_from(max).unwrap_or(i64::MAX))
            }
            None => 0,
        };
        let before = |days: u32| now.saturating_sub(i64::from(days).saturating_mul(DAY_MS));
        let mut purge = Purge {
            before: retention.max_age_days.map(before),
            own: retention
                .per_source
                .iter()
                .map(|(source, days)| (source.clone(), before(*days)))
                .collect(),
            excess,
            current: None,
        };
        let mut total = Purged::default();
        loop {
            let (purged, done, held) = self.purge_batch(&mut purge, batch.max(1)).await?;
            total += purged;
            if done {
                return Ok(total);
            }
            tokio::time::sleep(PAUSE.max(held * 2)).await;
        }
    }

    /// One write transaction: deletes up to `batch` events of the calls that
    /// go next; true when nothing more has to go, and how long it held the
    /// write lock. It waits for its turn behind the writer's batch in flight.
    async fn purge_batch(
        &self,
        purge: &mut Purge,
        batch: i64,
    ) -> Result<(Purged, bool, Duration), sqlx::Error> {
        let mut conn = self.write_turn().await?;
        let started = Instant::now();
        let mut tx = Self::begin_write(&mut conn).await?;
        let mut purged = Purged::default();
        let mut budget = batch;
        let done = loop {
            let Some(call) = Self::next_call(&mut tx, purge).await? else {
                break true;
            };
            let step = Self::delete_call(&mut tx, &call.call_id, budget).await?;
            if step.calls == 1 {
                purge.current = None;
            }
            budget -= i64::try_from(step.events).unwrap_or(i64::MAX);
            purged += step;
            if budget <= 0 {
                break false;
            }
        };
        if purged != Purged::default() {
            self.call_rows_changed();
        }
        tx.commit().await?;
        Ok((purged, done, started.elapsed()))
    }
}
