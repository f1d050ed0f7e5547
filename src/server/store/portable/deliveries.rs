//! Reading the delivery log: pages of it with the start of each body, and
//! one delivery's whole body.

use sqlx::{FromRow, QueryBuilder, Row};

use super::{portable, Backend as _, Dialect, IdSequence};
use crate::model::{Delivery, DeliveryFilter, DeliveryOutcome, BODY_PREVIEW_BYTES};

/// Deliveries (`d`) with the event (`e`) whose `raw` is the body of those
/// that keep none of their own: each body is stored once.
const WITH_BODY: &str = "deliveries d LEFT JOIN events e ON d.body IS NULL AND e.id = d.event_id";
/// A delivery's body: its own, or its event's `raw` when stored once, there.
fn body<S: Dialect>() -> String {
    format!("COALESCE(d.body, {})", S::bytes_of_text("e.raw"))
}

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

portable! {
    pub async fn deliveries(&self, offset: i64, limit: i64) -> Result<Vec<Delivery>, sqlx::Error> {
        self.find_deliveries(&DeliveryFilter::default(), offset, limit)
            .await
    }

    pub async fn find_deliveries(
        &self,
        filter: &DeliveryFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<Delivery>, sqlx::Error> {
        let mut sql = kept_by::<Self>(filter);
        sql.push(" ORDER BY d.id DESC LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        self.fetch_deliveries(sql).await
    }

    pub async fn deliveries_before(
        &self,
        filter: &DeliveryFilter,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Delivery>, sqlx::Error> {
        let mut sql = kept_by::<Self>(filter);
        sql.push(" AND d.id < ")
            .push_bind(before.unwrap_or(i64::MAX))
            .push(" ORDER BY d.id DESC LIMIT ")
            .push_bind(limit);
        self.fetch_deliveries(sql).await
    }

    pub async fn deliveries_since(
        &self,
        filter: &DeliveryFilter,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Delivery>, sqlx::Error> {
        let horizon = self.horizon(IdSequence::Deliveries).await?;
        let mut sql = kept_by::<Self>(filter);
        sql.push(" AND d.id > ")
            .push_bind(after)
            .push(" AND d.id <= ")
            .push_bind(horizon)
            .push(" ORDER BY d.id LIMIT ")
            .push_bind(limit);
        self.fetch_deliveries(sql).await
    }

    /// The newest delivery id a cursor may start from: every delivery up
    /// to it is committed.
    pub async fn latest_delivery_id(&self) -> Result<i64, sqlx::Error> {
        let horizon = self.horizon(IdSequence::Deliveries).await?;
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM deliveries WHERE id <= $1")
            .bind(horizon)
            .fetch_one(self.reader())
            .await
    }

    async fn fetch_deliveries(
        &self,
        mut sql: QueryBuilder<'_, <Self as Dialect>::Db>,
    ) -> Result<Vec<Delivery>, sqlx::Error> {
        let rows: Vec<DeliveryRow> = sql.build_query_as().fetch_all(self.reader()).await?;
        rows.into_iter()
            .map(|row| Delivery::try_from(row).map_err(crate::server::store::decode))
            .collect()
    }
}

/// The deliveries `filter` keeps, each with the start of its body, its
/// event's kind and text (` AND …` may follow).
fn kept_by<S: Dialect>(filter: &DeliveryFilter) -> QueryBuilder<'static, S::Db>
where
    i64: for<'q> sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    String: for<'q> sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
{
    let body = body::<S>();
    let mut sql = QueryBuilder::<S::Db>::new(format!(
        "SELECT d.id, d.received_at, d.source, d.remote_addr, d.content_type, d.webhook_id,
                d.outcome, d.http_status, d.error, d.detail, d.call_id, d.event_id,
                substr({body}, 1, CAST("
    ));
    sql.push_bind(BODY_PREVIEW_BYTES as i64).push(format!(
        " AS INTEGER)) AS body, CAST(length({body}) AS BIGINT) AS body_len, d.body_truncated,
            ev.kind AS kind, (SELECT t.body FROM event_search_text t WHERE t.id = d.event_id) AS preview
         FROM {WITH_BODY} LEFT JOIN events ev ON ev.id = d.event_id WHERE TRUE"
    ));
    if let Some(outcome) = filter.outcome {
        sql.push(" AND d.outcome = ")
            .push_bind(outcome.as_str().to_string());
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
        let (before, after) = S::contains_ignoring_case(&body);
        sql.push(format!(" AND {before}"))
            .push_bind(text.clone())
            .push(after);
    }
    sql
}

portable! {
    pub async fn delivery_body(&self, id: i64) -> Result<Option<String>, sqlx::Error> {
        let body: Option<Option<Vec<u8>>> =
            sqlx::query_scalar(&format!("SELECT {} FROM {WITH_BODY} WHERE d.id = $1", body::<Self>()))
                .bind(id)
                .fetch_optional(self.reader())
                .await?;
        Ok(body.map(|b| String::from_utf8_lossy(&b.unwrap_or_default()).into_owned()))
    }
}

/// One accepted delivery of a call, as a fixture replays it.
pub struct Replayable {
    pub received_at: i64,
    pub body: String,
}

portable! {
    pub async fn call_deliveries(&self, call_id: &str) -> Result<Vec<Replayable>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT d.received_at, {} AS body FROM {WITH_BODY}
             WHERE d.call_id = $1 AND d.outcome = 'accepted' ORDER BY d.id",
            Self::text_of_bytes(&body::<Self>())
        ))
        .bind(call_id)
        .fetch_all(self.reader())
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
