//! `/api/v1/deliveries`: the delivery log (every webhook and trace export
//! as it arrived), with the log page's filters; not for restricted viewers.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::paging::{cursor, json_with_etag, page_size, Cursor};
use super::problem::{Problem, Refusals};
use super::reader::Reader;
use super::types::DeliveryList;
use crate::model::{DeliveryFilter, DeliveryOutcome};
use crate::server::http::AppState;
use crate::server::store::prelude::*;

/// The query parameters of `GET /api/v1/deliveries`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// `accepted`, `duplicate` or `rejected`.
    #[param(value_type = Option<String>)]
    pub outcome: Option<DeliveryOutcome>,
    /// The HTTP status calltrail answered with.
    pub status: Option<i64>,
    /// The kind of event stored (`message`, `tool_call`, …).
    pub kind: Option<String>,
    /// The call's id.
    pub call: Option<String>,
    /// Text the body contains (any case).
    pub text: Option<String>,
    /// Deliveries per page, 1 to 500 (default 100).
    pub limit: Option<u32>,
    /// `next_cursor` of the page before.
    pub cursor: Option<String>,
}

/// List deliveries
///
/// The delivery log, newest first: each request with its outcome, status,
/// the start of its body and the event it stored.
#[utoipa::path(
    get,
    path = "/deliveries",
    tag = "deliveries",
    operation_id = "list_deliveries",
    params(DeliveriesQuery),
    responses(
        (status = 200, description = "One page of the delivery log", body = DeliveryList),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
        (status = 400, description = "A parameter does not read", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's account may not read the delivery log", body = Problem, content_type = "application/problem+json"),
        Refusals,
    )
)]
pub async fn list_deliveries(
    State(state): State<AppState>,
    _reader: Reader,
    Query(params): Query<DeliveriesQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let limit = page_size(params.limit, 100, 500);
    let before = cursor(params.cursor.as_deref(), |c| match c {
        Cursor::DeliveriesBefore { id } => Some(id),
        _ => None,
    })?;
    let blank = |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let filter = DeliveryFilter {
        outcome: params.outcome,
        status: params.status,
        kind: blank(params.kind),
        call: blank(params.call),
        text: blank(params.text),
    };
    let mut deliveries = state
        .store
        .deliveries_before(&filter, before, limit + 1)
        .await?;
    let more = deliveries.len() as i64 > limit;
    deliveries.truncate(limit as usize);
    let next_cursor = match deliveries.last() {
        Some(last) if more => Some(Cursor::DeliveriesBefore { id: last.id }.encode()),
        _ => None,
    };
    Ok(json_with_etag(
        &headers,
        &DeliveryList {
            deliveries,
            next_cursor,
        },
    ))
}
