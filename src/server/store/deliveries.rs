//! Reading the delivery log.

use sqlx::FromRow;

use super::Store;
use crate::model::{Delivery, DeliveryOutcome};

#[derive(FromRow)]
struct DeliveryRow {
    id: i64,
    received_at: i64,
    source: String,
    remote_addr: Option<String>,
    content_type: Option<String>,
    webhook_id: Option<String>,
    outcome: String,
    http_status: i64,
    error: Option<String>,
    detail: Option<String>,
    call_id: Option<String>,
    event_id: Option<i64>,
    body: Vec<u8>,
    body_truncated: bool,
}

impl From<DeliveryRow> for Delivery {
    fn from(r: DeliveryRow) -> Self {
        Delivery {
            id: r.id,
            received_at: r.received_at,
            source: r.source,
            remote_addr: r.remote_addr,
            content_type: r.content_type,
            webhook_id: r.webhook_id,
            outcome: DeliveryOutcome::try_from(r.outcome).unwrap_or(DeliveryOutcome::Rejected),
            http_status: r.http_status,
            error: r.error,
            detail: r.detail,
            call_id: r.call_id,
            event_id: r.event_id,
            // Bodies are kept as bytes; show them as text whatever they hold.
            body: String::from_utf8_lossy(&r.body).into_owned(),
            body_truncated: r.body_truncated,
        }
    }
}

impl Store {
    /// One page of the delivery log, newest first.
    pub async fn deliveries(&self, offset: i64, limit: i64) -> Result<Vec<Delivery>, sqlx::Error> {
        let rows: Vec<DeliveryRow> = sqlx::query_as(
            "SELECT id, received_at, source, remote_addr, content_type, webhook_id, outcome, http_status,
                    error, detail, call_id, event_id, body, body_truncated
             FROM deliveries ORDER BY id DESC LIMIT ? OFFSET ?",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(Delivery::from).collect())
    }
}
