//! `/api/v1/alerts…`: the alert inbox, and acknowledging or resolving one
//! alert (a `read+write` token whose account may edit).

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;

use super::paging::{cursor, json_with_etag, page_size, Cursor};
use super::problem::{not_found, EditRefusals, Problem, Refusals};
use super::reader::Reader;
use super::types::{AlertList, AlertStateFilter};
use crate::model::AlertView;
use crate::server::app::audit;
use crate::server::http::AppState;
use crate::server::store::alerts::AlertAction;
use crate::server::store::now_ms;
use crate::server::store::prelude::*;

/// The query parameters of `GET /api/v1/alerts`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertsQuery {
    /// Which alerts (default `open`).
    #[param(inline)]
    pub state: Option<AlertStateFilter>,
    /// Only this rule's alerts.
    pub rule: Option<i64>,
    /// Alerts per page, 1 to 500 (default 100).
    pub limit: Option<u32>,
    /// `next_cursor` of the page before.
    pub cursor: Option<String>,
}

/// A page of alerts as `reader` may read them.
pub async fn find_alerts(
    state: &AppState,
    reader: &Reader,
    params: &AlertsQuery,
) -> Result<AlertList, Problem> {
    let wanted = params.state.unwrap_or(AlertStateFilter::Open).state();
    let limit = page_size(params.limit, 100, 500);
    let offset = cursor(params.cursor.as_deref(), |c| match c {
        Cursor::AlertsOffset { offset } => Some(offset),
        _ => None,
    })?
    .unwrap_or(0);
    let mut alerts = state
        .store
        .alerts(wanted, params.rule, None, offset, limit + 1)
        .await?;
    let more = alerts.len() as i64 > limit;
    alerts.truncate(limit as usize);
    if let Some(r) = &reader.lens {
        for alert in &mut alerts {
            r.notice(&mut alert.reason);
        }
    }
    Ok(AlertList {
        alerts,
        next_cursor: more.then(|| {
            Cursor::AlertsOffset {
                offset: offset + limit,
            }
            .encode()
        }),
    })
}

/// List alerts
///
/// Alerts the rules opened, most recently matched first.
#[utoipa::path(
    get,
    path = "/alerts",
    tag = "alerts",
    operation_id = "list_alerts",
    params(AlertsQuery),
    responses(
        (status = 200, description = "One page of alerts", body = AlertList),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
        (status = 400, description = "A parameter does not read", body = Problem, content_type = "application/problem+json"),
        Refusals,
    )
)]
pub async fn list_alerts(
    State(state): State<AppState>,
    reader: Reader,
    Query(params): Query<AlertsQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let list = find_alerts(&state, &reader, &params).await?;
    Ok(json_with_etag(&headers, &list))
}

/// Acknowledge an alert
///
/// Someone is on it: the alert stops counting as open.
#[utoipa::path(
    post,
    path = "/alerts/{alert_id}/acknowledge",
    tag = "alerts",
    operation_id = "acknowledge_alert",
    params(("alert_id" = i64, Path, description = "The alert's id")),
    responses(
        (status = 200, description = "The alert, acknowledged", body = AlertView),
        (status = 404, description = "No such alert", body = Problem, content_type = "application/problem+json"),
        EditRefusals,
    )
)]
pub async fn acknowledge_alert(
    State(state): State<AppState>,
    reader: Reader,
    Path(alert_id): Path<i64>,
) -> Result<Json<AlertView>, Problem> {
    act(
        &state,
        &reader,
        alert_id,
        AlertAction::Acknowledge,
        "acknowledge",
    )
    .await
}

/// Resolve an alert
#[utoipa::path(
    post,
    path = "/alerts/{alert_id}/resolve",
    tag = "alerts",
    operation_id = "resolve_alert",
    params(("alert_id" = i64, Path, description = "The alert's id")),
    responses(
        (status = 200, description = "The alert, resolved", body = AlertView),
        (status = 404, description = "No such alert", body = Problem, content_type = "application/problem+json"),
        EditRefusals,
    )
)]
pub async fn resolve_alert(
    State(state): State<AppState>,
    reader: Reader,
    Path(alert_id): Path<i64>,
) -> Result<Json<AlertView>, Problem> {
    act(&state, &reader, alert_id, AlertAction::Resolve, "resolve").await
}

async fn act(
    state: &AppState,
    reader: &Reader,
    id: i64,
    action: AlertAction,
    verb: &str,
) -> Result<Json<AlertView>, Problem> {
    if !state.store.act_on_alert(id, action, now_ms()).await? {
        return Err(not_found("alert"));
    }
    if let Err(e) = state.alerts.announce(&state.store, &[]).await {
        tracing::warn!(error = %e, "could not announce an alert change");
    }
    let target = format!("alert {id}");
    let summary = format!("{verb}d the alert through the API");
    let action_name = format!("alert.{verb}");
    audit::record(
        &state.store,
        &reader.caller.actor(),
        &action_name,
        &target,
        &summary,
    )
    .await;
    let mut alert = state
        .store
        .alert(id)
        .await?
        .ok_or_else(|| not_found("alert"))?;
    if let Some(r) = &reader.lens {
        r.notice(&mut alert.reason);
    }
    Ok(Json(alert))
}
