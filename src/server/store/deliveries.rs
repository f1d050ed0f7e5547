//! Reading the delivery log: pages of it with the start of each body, and
//! one delivery's whole body.

use sqlx::{FromRow, QueryBuilder, Row, Sqlite};

use super::Store;
use crate::model::{Delivery, DeliveryFilter, DeliveryOutcome, BODY_PREVIEW_BYTES};

/// Deliveries (`d`) with the event (`e`) whose `raw` is the body of those
/// that keep none of their own: each body is stored once.
const WITH_BODY: &str = "deliveries d LEFT JOIN events e ON d.body IS NULL AND e.id = d.event_id";
/// A delivery's body, as bytes, wherever it is kept.
const BODY: &str = "COALESCE(d.body, CAST(e.raw AS BLOB))";

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
    body_len: i64,
    body_truncated: bool,
    kind: Option<String>,
    preview: Option<String>,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = String;

    fn try_from(r: DeliveryRow) -> Result<Self, String> {
        Ok(Delivery {
            id: r.id,
            received_at: r.received_at,
            source: r.source,
            remote_addr: r.remote_addr,
            content_type: r.content_type,
            webhook_id: r.webhook_id,
            outcome: DeliveryOutcome::try_from(r.outcome)?,
            http_status: r.http_status,
            error: r.error,
            detail: r.detail,
            call_id: r.call_id,
            event_id: r.event_id,
            // Bodies are kept as bytes; show them as text whatever they hold.
            body: String::from_utf8_lossy(&r.body).into_owned(),
            body_len: r.body_len,
            body_truncated: r.body_truncated,
            kind: r.kind,
            preview: r.preview.filter(|p| !p.is_empty()),
        })
    }
}

impl Store {
    /// One page of the delivery log, newest first, each body cut to its start.
    pub async fn deliveries(&self, offset: i64, limit: i64) -> Result<Vec<Delivery>, sqlx::Error> {
        self.find_deliveries(&DeliveryFilter::default(), offset, limit)
            .await
    }

    /// One page of the deliveries `filter` keeps, newest first.
    pub async fn find_deliveries(
        &self,
        filter: &DeliveryFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<Delivery>, sqlx::Error> {
        let mut sql = kept_by(filter);
        sql.push(" ORDER BY d.id DESC LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        self.fetch_deliveries(sql).await
    }

    /// Up to `limit` deliveries `filter` keeps that came after delivery
    /// `after`, oldest first: what a live delivery log has not shown yet.
    pub async fn deliveries_since(
        &self,
        filter: &DeliveryFilter,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Delivery>, sqlx::Error> {
        let mut sql = kept_by(filter);
        sql.push(" AND d.id > ")
            .push_bind(after)
            .push(" ORDER BY d.id LIMIT ")
            .push_bind(limit);
        self.fetch_deliveries(sql).await
    }

    /// The id of the newest delivery (0 when there is none).
    pub async fn latest_delivery_id(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM deliveries")
            .fetch_one(&self.read)
            .await
    }

    async fn fetch_deliveries(
        &self,
        mut sql: QueryBuilder<'_, Sqlite>,
    ) -> Result<Vec<Delivery>, sqlx::Error> {
        let rows: Vec<DeliveryRow> = sql.build_query_as().fetch_all(&self.read).await?;
        rows.into_iter()
            .map(|row| Delivery::try_from(row).map_err(super::decode))
            .collect()
    }
}

/// The deliveries `filter` keeps, each with the start of its body, its
/// event's kind and text (` AND …` may follow).
fn kept_by(filter: &DeliveryFilter) -> QueryBuilder<'static, Sqlite> {
    let mut sql = QueryBuilder::<Sqlite>::new(format!(
        "SELECT d.id, d.received_at, d.source, d.remote_addr, d.content_type, d.webhook_id,
                d.outcome, d.http_status, d.error, d.detail, d.call_id, d.event_id,
                substr({BODY}, 1, "
    ));
    sql.push_bind(BODY_PREVIEW_BYTES as i64).push(format!(
        ") AS body, length({BODY}) AS body_len, d.body_truncated, ev.kind AS kind,
            (SELECT t.body FROM event_search_text t WHERE t.id = d.event_id) AS preview
         FROM {WITH_BODY} LEFT JOIN events ev ON ev.id = d.event_id WHERE 1"
    ));
    if let Some(outcome) = filter.outcome {
        sql.push(" AND d.outcome = ").push_bind(outcome.as_str());
    }
    if let Some(status) = filter.status {
        sql.push(" AND d.http_status = ").push_bind(status);
    }
    if let Some(kind) = &filter.kind {
        sql.push(" AND ev.kind = ").push_bind(kind.clone());
    }
    if let Some(call) = &filter.call {
        sql.push(" AND d.call_id = ").push_bind(call.clone());
    }
    if let Some(text) = &filter.text {
        sql.push(format!(" AND instr(lower(CAST({BODY} AS TEXT)), lower("))
            .push_bind(text.clone())
            .push(")) > 0");
    }
    sql
}

impl Store {
    /// One delivery's whole body as text (invalid UTF-8 replaced), if it exists.
    pub async fn delivery_body(&self, id: i64) -> Result<Option<String>, sqlx::Error> {
        let body: Option<Option<Vec<u8>>> =
            sqlx::query_scalar(&format!("SELECT {BODY} FROM {WITH_BODY} WHERE d.id = ?"))
                .bind(id)
                .fetch_optional(&self.read)
                .await?;
        Ok(body.map(|b| String::from_utf8_lossy(&b.unwrap_or_default()).into_owned()))
    }
}

/// One accepted delivery of a call, as a fixture replays it.
pub struct Replayable {
    pub received_at: i64,
    pub body: String,
}

impl Store {
    /// The deliveries that made a call's timeline (accepted ones), in the
    /// order they arrived, with their bodies as delivered.
    pub async fn call_deliveries(&self, call_id: &str) -> Result<Vec<Replayable>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT d.received_at, CAST({BODY} AS TEXT) AS body FROM {WITH_BODY}
             WHERE d.call_id = ? AND d.outcome = 'accepted' ORDER BY d.id"
        ))
        .bind(call_id)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(Replayable {
                    received_at: row.try_get("received_at")?,
                    body: row.try_get("body")?,
                })
            })
            .collect()
    }
}
