//! The outbox: events queued for destinations and alerts for channels, each
//! sent at least once, in order per call and destination, every attempt logged.

use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::effects::{queue_forwards, Forward};
use super::Store;
use crate::model::{AttemptView, DestinationView, Sending};

/// One queued message, ready to send.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxItem {
    pub id: i64,
    pub message_id: String,
    pub replay: bool,
    pub attempts: i64,
    pub created_at: i64,
    pub call_id: Option<String>,
    pub target: Target,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// An event to a destination; `raw` is `None` when the event is gone
    /// (deleted by retention).
    Event {
        destination_id: i64,
        url: String,
        secret: Option<String>,
        event_id: i64,
        raw: Option<String>,
    },
    /// An alert to a channel.
    Alert { channel_id: i64, alert_id: i64 },
}

/// How an attempt ended, and so what happens to its row.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    Delivered,
    /// Try again at this time.
    RetryAt(i64),
    /// Given up: retried for too long, or nothing left to send.
    Failed,
    /// The receiver said the destination is gone (410): the destination is
    /// paused and the row waits for it to resume.
    PauseDestination {
        destination_id: i64,
        reason: String,
    },
}

/// One attempt, as the log keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    pub outbox_id: i64,
    /// The destination of a forward (its health counts it); `None` for a
    /// notification.
    pub destination_id: Option<i64>,
    pub at: i64,
    pub status: Option<u16>,
    pub latency_ms: i64,
    pub response: Option<String>,
    pub error: Option<String>,
    pub next: Next,
}

/// Pending rows of a destination looked at per query, oldest first: every
/// call's next row is among them unless older rows of other calls fill it,
/// and then those go first. It bounds each query's cost whatever the backlog.
const WINDOW: i64 = 512;

/// The rows of `window` (id, call, next attempt; oldest pending first) that
/// may go now: due, not `busy`, and the first of their call still pending
/// (rows in `delivered` no longer count); at most `room`.
fn heads(
    window: &[(i64, Option<String>, i64)],
    now: i64,
    busy: &[i64],
    delivered: &[i64],
    room: usize,
) -> Vec<i64> {
    let mut held: std::collections::HashSet<&Option<String>> = std::collections::HashSet::new();
    let mut heads = Vec::new();
    for (id, call, next_at) in window {
        if heads.len() >= room {
            break;
        }
        if delivered.contains(id) {
            continue;
        }
        // Whatever this row is, the later rows of its call wait for it.
        if !held.insert(call) {
            continue;
        }
        if *next_at <= now && !busy.contains(id) {
            heads.push(*id);
        }
    }
    heads
}

/// What a batch of attempts changes in each destination's health.
#[derive(Default)]
struct Health<'a> {
    delivered: i64,
    failed: i64,
    /// The newest error: when, and what.
    last_error: Option<(i64, &'a str)>,
}

fn health_of(attempts: &[Attempt]) -> std::collections::BTreeMap<i64, Health<'_>> {
    let mut by = std::collections::BTreeMap::<i64, Health>::new();
    for a in attempts {
        let Some(destination) = a.destination_id else {
            continue;
        };
        let h = by.entry(destination).or_default();
        match a.next {
            Next::Delivered => h.delivered += 1,
            Next::Failed => h.failed += 1,
            _ => {}
        }
        if let Some(e) = a.error.as_deref() {
            if h.last_error.is_none_or(|(at, _)| at <= a.at) {
                h.last_error = Some((a.at, e));
            }
        }
    }
    by
}

/// An outbox row's common columns, with what it sends.
fn item(r: &SqliteRow, target: Target) -> OutboxItem {
    OutboxItem {
        id: r.get("id"),
        message_id: r.get("message_id"),
        replay: r.get("replay"),
        attempts: r.get("attempts"),
        created_at: r.get("created_at"),
        call_id: r.get("call_id"),
        target,
    }
}

impl Store {
    /// Up to `limit` rows due at `now` that may go now (of them at most
    /// `forwards` forwards), alert notifications first (a backlog of
    /// forwards never holds an alert back); for each
    /// destination not paused, the oldest pending row of each call (order
    /// per call). Rows in `busy` (being sent, or sent and not yet recorded)
    /// are left out; of those, the ones in `delivered` no longer hold back
    /// the next row of their call. Each query looks at the oldest
    /// [`WINDOW`] rows of one queue, so its cost never follows the backlog.
    pub async fn due_outbox(
        &self,
        now: i64,
        limit: i64,
        forwards: i64,
        busy: &[i64],
        delivered: &[i64],
    ) -> Result<Vec<OutboxItem>, sqlx::Error> {
        let (busy_ids, delivered_ids) = (busy, delivered);
        let busy = serde_json::to_string(busy).expect("ids serialize");
        let mut items: Vec<OutboxItem> = sqlx::query(
            "SELECT id, message_id, replay, attempts, created_at, call_id, channel_id, alert_id
             FROM outbox INDEXED BY outbox_queue
             WHERE destination_id IS NULL AND state = 'pending' AND next_attempt_at <= ?1
               AND id NOT IN (SELECT value FROM json_each(?3))
             ORDER BY id LIMIT ?2",
        )
        .bind(now)
        .bind(limit)
        .bind(&busy)
        .fetch_all(&self.read)
        .await?
        .into_iter()
        .map(|r| {
            let target = Target::Alert {
                channel_id: r.get("channel_id"),
                alert_id: r.get("alert_id"),
            };
            item(&r, target)
        })
        .collect();
        let active: Vec<(i64, String, Option<String>)> =
            sqlx::query_as("SELECT id, url, secret FROM destinations WHERE paused = 0 ORDER BY id")
                .fetch_all(&self.read)
                .await?;
        let until = items.len() as i64 + forwards;
        for (destination_id, url, secret) in active {
            let room = until.min(limit) - items.len() as i64;
            if room <= 0 {
                break;
            }
            // The oldest pending rows: a call's earlier rows are among them,
            // so its next row (its head) is found here, in order.
            let window: Vec<(i64, Option<String>, i64)> = sqlx::query_as(
                "SELECT id, call_id, next_attempt_at FROM outbox INDEXED BY outbox_queue
                 WHERE destination_id = ? AND state = 'pending' ORDER BY id LIMIT ?",
            )
            .bind(destination_id)
            .bind(WINDOW)
            .fetch_all(&self.read)
            .await?;
            let heads = heads(&window, now, busy_ids, delivered_ids, room as usize);
            if heads.is_empty() {
                continue;
            }
            let rows = sqlx::query(
                "SELECT o.id, o.message_id, o.replay, o.attempts, o.created_at, o.call_id,
                        o.event_id, e.raw
                 FROM outbox o LEFT JOIN events e ON e.id = o.event_id
                 WHERE o.id IN (SELECT value FROM json_each(?)) ORDER BY o.id",
            )
            .bind(serde_json::to_string(&heads).expect("ids serialize"))
            .fetch_all(&self.read)
            .await?;
            items.extend(rows.into_iter().map(|r| {
                let target = Target::Event {
                    destination_id,
                    url: url.clone(),
                    secret: secret.clone(),
                    event_id: r.get("event_id"),
                    raw: r.get("raw"),
                };
                item(&r, target)
            }));
        }
        Ok(items)
    }

    /// When the next pending row falls due (a paused destination's rows
    /// count too: the worker then looks again shortly).
    pub async fn next_outbox_due(&self) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'")
            .fetch_one(&self.read)
            .await
    }

    /// Logs attempts and moves their rows on, in one transaction (two
    /// statements, whatever the number of attempts).
    pub async fn record_attempts(&self, attempts: &[Attempt]) -> Result<(), sqlx::Error> {
        if attempts.is_empty() {
            return Ok(());
        }
        // (outbox id, at, status, latency, response, error, state, next attempt)
        type Row<'a> = (
            i64,
            i64,
            Option<u16>,
            i64,
            Option<&'a str>,
            Option<&'a str>,
            &'static str,
            Option<i64>,
        );
        let rows: Vec<Row> = attempts
            .iter()
            .map(|a| {
                let (state, next_at) = match &a.next {
                    Next::Delivered => ("delivered", None),
                    Next::RetryAt(at) => ("pending", Some(*at)),
                    Next::Failed => ("failed", None),
                    Next::PauseDestination { .. } => ("pending", Some(a.at)),
                };
                (
                    a.outbox_id,
                    a.at,
                    a.status,
                    a.latency_ms,
                    a.response.as_deref(),
                    a.error.as_deref(),
                    state,
                    next_at,
                )
            })
            .collect();
        let rows = serde_json::to_string(&rows).expect("rows serialize");
        let mut conn = self.write_turn().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        sqlx::query(
            "INSERT INTO attempts (outbox_id, at, status, latency_ms, response, error)
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5
             FROM json_each(?1)",
        )
        .bind(&rows)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE outbox SET state = a.value ->> 6, attempts = outbox.attempts + 1,
                next_attempt_at = COALESCE(a.value ->> 7, outbox.next_attempt_at),
                done_at = CASE WHEN a.value ->> 6 = 'pending' THEN NULL ELSE a.value ->> 1 END,
                last_error = a.value ->> 5
             FROM json_each(?1) AS a WHERE outbox.id = a.value ->> 0",
        )
        .bind(&rows)
        .execute(&mut *tx)
        .await?;
        for (destination, health) in health_of(attempts) {
            sqlx::query(
                "UPDATE destinations SET delivered = delivered + ?2, failed = failed + ?3,
                    last_error = COALESCE(?4, last_error), last_error_at = COALESCE(?5, last_error_at)
                 WHERE id = ?1",
            )
            .bind(destination)
            .bind(health.delivered)
            .bind(health.failed)
            .bind(health.last_error.map(|(_, e)| e))
            .bind(health.last_error.map(|(at, _)| at))
            .execute(&mut *tx)
            .await?;
        }
        for a in attempts {
            if let Next::PauseDestination {
                destination_id,
                reason,
            } = &a.next
            {
                sqlx::query("UPDATE destinations SET paused = 1, paused_reason = ?2 WHERE id = ?1")
                    .bind(destination_id)
                    .bind(reason)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await
    }

    /// Deletes up to `batch` finished rows (delivered or given up) done
    /// before `before`, with their attempts; returns how many went.
    pub async fn prune_outbox(&self, before: i64, batch: i64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "DELETE FROM outbox WHERE id IN (
                 SELECT id FROM outbox WHERE state != 'pending' AND done_at < ?1 LIMIT ?2)",
        )
        .bind(before)
        .bind(batch)
        .execute(&mut *self.write_turn().await?)
        .await?;
        Ok(done.rows_affected())
    }

    /// Queues `events` (event id, call id) for a destination again, marked
    /// as replays; returns how many.
    pub async fn queue_replay(
        &self,
        destination_id: i64,
        events: &[(i64, String)],
        now: i64,
    ) -> Result<u64, sqlx::Error> {
        let forwards: Vec<Forward> = events
            .iter()
            .map(|(event_id, call_id)| Forward {
                destination_id,
                event_id: *event_id,
                call_id: call_id.clone(),
            })
            .collect();
        let mut conn = self.write_turn().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        queue_forwards(&mut tx, &forwards, true, now).await?;
        tx.commit().await?;
        Ok(events.len() as u64)
    }

    /// Sends one outbox row's message again, as a new replay row; returns
    /// the new row's id, or `None` when there is no such row.
    pub async fn redeliver(&self, outbox_id: i64, now: i64) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO outbox (destination_id, channel_id, message_id, call_id, event_id,
                alert_id, replay, state, created_at, next_attempt_at)
             SELECT destination_id, channel_id, message_id, call_id, event_id, alert_id, 1,
                'pending', ?2, ?2 FROM outbox WHERE id = ?1
             RETURNING id",
        )
        .bind(outbox_id)
        .bind(now)
        .fetch_optional(&mut *self.write_turn().await?)
        .await
    }

    /// Each destination with its delivery health.
    pub async fn destination_views(&self) -> Result<Vec<DestinationView>, sqlx::Error> {
        let destinations = self.destinations().await?;
        let mut views = Vec::with_capacity(destinations.len());
        for d in destinations {
            let r = sqlx::query(
                "SELECT d.delivered, d.failed, d.last_error,
                    (SELECT COUNT(*) FROM outbox INDEXED BY outbox_queue
                     WHERE destination_id = d.id AND state = 'pending') AS pending,
                    (SELECT created_at FROM outbox INDEXED BY outbox_queue
                     WHERE destination_id = d.id AND state = 'pending' ORDER BY id LIMIT 1) AS oldest
                 FROM destinations d WHERE d.id = ?",
            )
            .bind(d.id)
            .fetch_one(&self.read)
            .await?;
            let last_error: Option<String> = r.get("last_error");
            views.push(DestinationView {
                id: d.id,
                name: d.name,
                url: d.url,
                events: d.events,
                condition: d.condition.map(|c| c.describe("events")),
                signed: d.secret.is_some(),
                paused: d.paused,
                paused_reason: d.paused_reason,
                delivered: r.get("delivered"),
                failed: r.get("failed"),
                pending: r.get("pending"),
                oldest_pending_at: r.get("oldest"),
                last_error,
            });
        }
        Ok(views)
    }

    /// The newest attempts, newest first.
    pub async fn attempt_views(&self, limit: i64) -> Result<Vec<AttemptView>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT a.id, a.outbox_id, a.at, a.status, a.latency_ms, a.response, a.error,
                    o.call_id, o.replay, o.event_id, o.alert_id, d.name AS destination, c.name AS channel
             FROM attempts a JOIN outbox o ON o.id = a.outbox_id
             LEFT JOIN destinations d ON d.id = o.destination_id
             LEFT JOIN channels c ON c.id = o.channel_id
             ORDER BY a.id DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let sending = match r.get::<Option<String>, _>("destination") {
                    Some(destination) => Sending::Event {
                        destination,
                        event_id: r.get::<Option<i64>, _>("event_id").unwrap_or(0),
                    },
                    None => Sending::Alert {
                        channel: r.get::<Option<String>, _>("channel").unwrap_or_default(),
                        alert_id: r.get::<Option<i64>, _>("alert_id").unwrap_or(0),
                    },
                };
                AttemptView {
                    id: r.get("id"),
                    outbox_id: r.get("outbox_id"),
                    sending,
                    call_id: r.get("call_id"),
                    replay: r.get("replay"),
                    at: r.get("at"),
                    status: r.get("status"),
                    latency_ms: r.get("latency_ms"),
                    response: r.get("response"),
                    error: r.get("error"),
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::heads;

    #[test]
    fn each_call_goes_in_order_one_row_at_a_time() {
        let call = |c: &str| Some(c.to_string());
        let window = vec![
            (1, call("a"), 0),
            (2, call("b"), 0),
            (3, call("a"), 0),
            (4, call("c"), 500), // retrying later: c waits
            (5, call("c"), 0),
            (6, call("d"), 0),
            (7, call("b"), 0),
        ];
        assert_eq!(heads(&window, 100, &[], &[], 10), vec![1, 2, 6]);
        // a's first row is being sent: a waits; b's first was delivered: b goes on.
        assert_eq!(heads(&window, 100, &[1], &[2], 10), vec![6, 7]);
        assert_eq!(heads(&window, 1000, &[], &[], 10), vec![1, 2, 4, 6]);
        assert_eq!(heads(&window, 100, &[], &[], 2), vec![1, 2]);
    }
}
