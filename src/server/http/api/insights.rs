//! `/api/v1/insights`: the figures the insights page draws — calls, ends,
//! latency, tools and latency parts over time — for the calls a query selects.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::calls::query_of;
use super::paging::json_with_etag;
use super::problem::{Problem, Refusals};
use super::reader::Reader;
use crate::server::http::page_data::insights_page;
use crate::server::http::AppState;

/// The query parameters of `GET /api/v1/insights`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InsightsQuery {
    /// A query as the calls list's search bar takes it; empty: every call.
    pub q: Option<String>,
    /// Only calls started this recently: `30m`, `1h`, `7d`.
    pub since: Option<String>,
}

/// Insights
///
/// Aggregates over the calls a query selects: per time step, the calls,
/// how they ended and their latency; per tool, calls and failures; per
/// latency part, its spread. `total` counts every call selected; `cut`
/// says older time steps were left out.
#[utoipa::path(
    get,
    path = "/insights",
    tag = "insights",
    operation_id = "get_insights",
    params(InsightsQuery),
    responses(
        (status = 200, description = "The figures", body = Object),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
        (status = 400, description = "The query does not read", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's account reads calls redacted and the query asks for a sensitive value", body = Problem, content_type = "application/problem+json"),
        Refusals,
    )
)]
pub async fn get_insights(
    State(state): State<AppState>,
    reader: Reader,
    Query(params): Query<InsightsQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let (text, _) = query_of(&reader, params.q.as_deref(), params.since.as_deref())?;
    let page = insights_page(&state.store, Some(text), state.stale_after_ms()).await?;
    Ok(json_with_etag(&headers, &page))
}
