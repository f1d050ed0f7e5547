//! What `/automations` shows of the outbox: each destination's health and
//! the newest attempts.

use sqlx::Row;

use crate::model::{AttemptView, DestinationView, Sending};
use crate::server::store::portable::{portable, Backend as _, Dialect};

portable! {
    pub async fn destination_views(&self) -> Result<Vec<DestinationView>, sqlx::Error> {
        let destinations = self.destinations().await?;
        let mut views = Vec::with_capacity(destinations.len());
        for d in destinations {
            let queue = Self::through_index("outbox_queue");
            let r = sqlx::query(&format!(
                "SELECT d.delivered, d.failed, d.last_error,
                    (SELECT COUNT(*) FROM outbox {queue}
                     WHERE destination_id = d.id AND state = 'pending') AS pending,
                    (SELECT created_at FROM outbox {queue}
                     WHERE destination_id = d.id AND state = 'pending' ORDER BY id LIMIT 1) AS oldest
                 FROM destinations d WHERE d.id = $1",
            ))
            .bind(d.id)
            .fetch_one(self.reader())
            .await?;
            let last_error: Option<String> = r.get("last_error");
            views.push(DestinationView {
                id: d.id,
                name: d.name,
                url: d.url,
                events: d.events,
                condition: d.condition.map(|c| c.describe("events")),
                signed: d.secret.is_some(),
                redact: d.redact,
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

    pub async fn attempt_views(&self, limit: i64) -> Result<Vec<AttemptView>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT a.id, a.outbox_id, a.at, a.status, a.latency_ms, a.response, a.error,
                    o.call_id, o.replay, o.event_id, o.alert_id, d.name AS destination, c.name AS channel
             FROM attempts a JOIN outbox o ON o.id = a.outbox_id
             LEFT JOIN destinations d ON d.id = o.destination_id
             LEFT JOIN channels c ON c.id = o.channel_id
             ORDER BY a.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.reader())
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
