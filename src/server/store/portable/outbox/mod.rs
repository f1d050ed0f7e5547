//! The outbox: events queued for destinations and alerts for channels, each
//! sent at least once, in order per call and destination, every attempt logged.

use sqlx::Row;

mod queue;
mod record;
mod views;

use super::{portable, Backend as _, Dialect};

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
    /// An event to a destination; `event` is `None` when it is gone
    /// (deleted by retention).
    Event {
        destination_id: i64,
        url: String,
        secret: Option<String>,
        /// The destination asks for callers' sensitive data redacted.
        redact: bool,
        event_id: i64,
        event: Option<Forwarded>,
    },
    /// An alert to a channel.
    Alert { channel_id: i64, alert_id: i64 },
}

/// What a forward carries of its event: the envelope's parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Forwarded {
    /// The platform the call came from.
    pub source: String,
    pub occurred_at: i64,
    /// The event as calltrail read it (`EventDetail` as JSON).
    pub normalized: String,
    /// The body as delivered.
    pub raw: String,
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

/// What may be sent now, and when the next waiting row falls due.
#[derive(Debug, Default)]
pub struct Due {
    pub items: Vec<OutboxItem>,
    /// The earliest retry time among the rows looked at that were not due.
    pub next_at: Option<i64>,
}

impl Due {
    fn saw(&mut self, window: &[(i64, Option<String>, i64)], now: i64) {
        let waiting = window
            .iter()
            .map(|(_, _, at)| *at)
            .filter(|at| *at > now)
            .min();
        self.next_at = self.next_at.into_iter().chain(waiting).min();
    }
}

portable! {
    /// An outbox row's common columns, with what it sends.
    fn item(r: &<<Self as Dialect>::Db as sqlx::Database>::Row, target: Target) -> OutboxItem {
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

    pub async fn due_outbox(
        &self,
        now: i64,
        limit: i64,
        forwards: i64,
        busy: &[i64],
        delivered: &[i64],
    ) -> Result<Due, sqlx::Error> {
        let mut due = Due::default();
        let window = self.queue_window(None).await?;
        due.saw(&window, now);
        let picked: Vec<i64> = window
            .iter()
            .filter(|(id, _, at)| *at <= now && !busy.contains(id))
            .map(|(id, _, _)| *id)
            .take(limit.max(0) as usize)
            .collect();
        if !picked.is_empty() {
            let rows = sqlx::query(
                &format!(
                    "SELECT id, message_id, replay, attempts, created_at, call_id, channel_id, alert_id
                     FROM outbox WHERE id IN (SELECT CAST(j.value AS BIGINT) FROM {}) ORDER BY id",
                    Self::json_scalars("$1", "j")
                ),
            )
            .bind(serde_json::to_string(&picked).expect("ids serialize"))
            .fetch_all(self.reader())
            .await?;
            due.items.extend(rows.into_iter().map(|r| {
                let target = Target::Alert {
                    channel_id: r.get("channel_id"),
                    alert_id: r.get("alert_id"),
                };
                Self::item(&r, target)
            }));
        }
        let until = (due.items.len() as i64 + forwards).min(limit);
        if until <= due.items.len() as i64 {
            // No room for forwards: their queues are not read at all.
            return Ok(due);
        }
        let active: Vec<(i64, String, Option<String>, bool)> = sqlx::query_as(
            "SELECT id, url, secret, redact FROM destinations WHERE NOT paused ORDER BY id",
        )
        .fetch_all(self.reader())
        .await?;
        for (destination_id, url, secret, redact) in active {
            let room = until - due.items.len() as i64;
            // The oldest pending rows: a call's earlier rows are among them,
            // so its next row (its head) is found here, in order.
            let window = self.queue_window(Some(destination_id)).await?;
            due.saw(&window, now);
            let heads = heads(&window, now, busy, delivered, room.max(0) as usize);
            if heads.is_empty() {
                continue;
            }
            let rows = sqlx::query(
                &format!(
                    "SELECT o.id, o.message_id, o.replay, o.attempts, o.created_at, o.call_id,
                        o.event_id, e.raw, e.normalized, e.occurred_at, c.source
                     FROM outbox o LEFT JOIN events e ON e.id = o.event_id
                     LEFT JOIN calls c ON c.call_id = o.call_id
                     WHERE o.id IN (SELECT CAST(j.value AS BIGINT) FROM {}) ORDER BY o.id",
                    Self::json_scalars("$1", "j")
                ),
            )
            .bind(serde_json::to_string(&heads).expect("ids serialize"))
            .fetch_all(self.reader())
            .await?;
            due.items.extend(rows.into_iter().map(|r| {
                let target = Target::Event {
                    destination_id,
                    url: url.clone(),
                    secret: secret.clone(),
                    redact,
                    event_id: r.get("event_id"),
                    event: r.get::<Option<String>, _>("raw").map(|raw| Forwarded {
                        source: r.get::<Option<String>, _>("source").unwrap_or_default(),
                        occurred_at: r.get::<Option<i64>, _>("occurred_at").unwrap_or_default(),
                        normalized: r.get::<Option<String>, _>("normalized").unwrap_or_default(),
                        raw,
                    }),
                };
                Self::item(&r, target)
            }));
        }
        Ok(due)
    }

    /// The oldest [`WINDOW`] pending rows of a destination's queue (of the
    /// channels' with `None`): (id, call id, next attempt).
    async fn queue_window(
        &self,
        destination: Option<i64>,
    ) -> Result<Vec<(i64, Option<String>, i64)>, sqlx::Error> {
        let which = match destination {
            Some(_) => "destination_id = $1",
            None => "destination_id IS NULL",
        };
        sqlx::query_as(&format!(
            "SELECT id, call_id, next_attempt_at FROM outbox {}
             WHERE {which} AND state = 'pending' ORDER BY id LIMIT $2",
            Self::through_index("outbox_queue")
        ))
            .bind(destination)
            .bind(WINDOW)
            .fetch_all(self.reader())
            .await
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
