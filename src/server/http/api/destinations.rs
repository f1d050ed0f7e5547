//! `/api/v1/destinations…`: forwarding destinations — read without their
//! signing secrets; added, changed, paused, resumed and deleted with a
//! `read+write` token of an account that may edit, checked as the
//! automations form checks them.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::paging::{json_body, json_with_etag};
use super::problem::{bad_request, not_found, EditRefusals, Problem, Refusals};
use super::reader::Reader;
use crate::server::app::audit;
use crate::server::app::outbound::destinations::{checked, ConditionRequest, DestinationRequest};
use crate::server::http::error::ApiError;
use crate::server::http::AppState;
use crate::server::store::automation::{Destination, DestinationSettings};
use crate::server::store::now_ms;
use crate::server::store::prelude::*;

/// A forwarding destination (its signing secret is never shown).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DestinationOut {
    pub id: i64,
    pub name: String,
    pub url: String,
    /// Event kinds forwarded; empty: all.
    pub events: Vec<String>,
    /// The condition an event must meet, if any.
    #[schema(value_type = Option<Object>)]
    pub condition: Option<Value>,
    /// Whether forwards are signed.
    pub signed: bool,
    pub paused: bool,
    pub paused_reason: Option<String>,
    /// Whether forwards carry callers' sensitive data redacted.
    pub redact: bool,
}

impl From<Destination> for DestinationOut {
    fn from(d: Destination) -> Self {
        DestinationOut {
            id: d.id,
            name: d.name,
            url: d.url,
            events: d.events,
            condition: d
                .condition
                .map(|c| serde_json::to_value(c).unwrap_or(Value::Null)),
            signed: d.secret.is_some(),
            paused: d.paused,
            paused_reason: d.paused_reason,
            redact: d.redact,
        }
    }
}

/// A destination to add, or a destination's new settings.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct DestinationInput {
    pub name: String,
    /// Where forwards are POSTed (http or https; a private address only
    /// with CALLTRAIL_ALLOW_PRIVATE_DESTINATIONS).
    pub url: String,
    /// Event kinds to forward (`message`, `tool_call`, `end`, …); empty: all.
    #[serde(default)]
    pub events: Vec<String>,
    /// Standard Webhooks signing secret (`whsec_…`); on a change, leaving it
    /// out keeps the one the destination has.
    #[serde(default)]
    pub secret: Option<String>,
    /// Only events whose `field` (the text when none) meets `op` (`contains`
    /// when none: `equals`, `matches`, …) `value`.
    #[serde(default)]
    pub condition: Option<ConditionInput>,
    /// Forward callers' sensitive data redacted.
    #[serde(default)]
    pub redact: bool,
}

/// A destination's condition.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ConditionInput {
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub op: Option<String>,
    pub value: String,
}

impl DestinationInput {
    fn settings(self, state: &AppState) -> Result<DestinationSettings, Problem> {
        let request = DestinationRequest {
            name: Some(self.name),
            url: Some(self.url),
            secret: self.secret,
            events: self.events,
            condition: self.condition.map(|c| ConditionRequest {
                field: c.field,
                op: c.op,
                value: c.value,
            }),
            redact: self.redact,
        };
        checked(request, state.config.outbound.allow_private_destinations)
            .map_err(|e| bad_request("bad destination", e.message()))
    }
}

/// A destination in a line for the audit log (whether it signs, never the secret).
fn described(d: &DestinationSettings) -> String {
    let events = if d.events.is_empty() {
        "all events".to_string()
    } else {
        d.events.join(", ")
    };
    let signed = if d.secret.is_some() { ", signed" } else { "" };
    let redacted = if d.redact { ", redacted" } else { "" };
    format!("{} ({events}{signed}{redacted})", d.url)
}

/// Add a destination
#[utoipa::path(
    post,
    path = "/destinations",
    tag = "automation",
    operation_id = "create_destination",
    request_body = DestinationInput,
    responses(
        (status = 201, description = "The destination, added", body = DestinationOut),
        (status = 400, description = "The destination does not read, or its URL is refused", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A destination of that name exists (change it with PUT)", body = Problem, content_type = "application/problem+json"),
        EditRefusals,
    )
)]
pub async fn create_destination(
    State(state): State<AppState>,
    reader: Reader,
    body: Bytes,
) -> Result<Response, Problem> {
    let settings = json_body::<DestinationInput>(&body)?.settings(&state)?;
    let all = state.store.destinations().await?;
    if let Some(same) = all.iter().find(|d| d.name == settings.name) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!(
                "destination {} is named {:?} already: change it with PUT /api/v1/destinations/{}",
                same.id, same.name, same.id
            ),
        )
        .into());
    }
    let id = state.store.save_destination(&settings, now_ms()).await?;
    let summary = format!("added through the API: {}", described(&settings));
    audit::record(
        &state.store,
        &reader.caller.actor(),
        "destination.save",
        &settings.name,
        &summary,
    )
    .await;
    let destination = state
        .store
        .destination(id)
        .await?
        .ok_or_else(|| not_found("destination"))?;
    Ok((StatusCode::CREATED, Json(DestinationOut::from(destination))).into_response())
}

/// Change a destination
#[utoipa::path(
    put,
    path = "/destinations/{destination_id}",
    tag = "automation",
    operation_id = "update_destination",
    params(("destination_id" = i64, Path, description = "The destination's id")),
    request_body = DestinationInput,
    responses(
        (status = 200, description = "The destination, changed", body = DestinationOut),
        (status = 400, description = "The destination does not read, its URL is refused, or it is renamed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such destination", body = Problem, content_type = "application/problem+json"),
        EditRefusals,
    )
)]
pub async fn update_destination(
    State(state): State<AppState>,
    reader: Reader,
    Path(destination_id): Path<i64>,
    body: Bytes,
) -> Result<Json<DestinationOut>, Problem> {
    let mut settings = json_body::<DestinationInput>(&body)?.settings(&state)?;
    let Some(before) = state.store.destination(destination_id).await? else {
        return Err(not_found("destination"));
    };
    if before.name != settings.name {
        return Err(bad_request(
            "bad destination",
            format!("a destination keeps its name ({:?}): add one under the new name and delete this one", before.name),
        ));
    }
    if settings.secret.is_none() {
        settings.secret = before.secret.clone();
    }
    state.store.save_destination(&settings, now_ms()).await?;
    let was = DestinationSettings {
        name: before.name.clone(),
        url: before.url.clone(),
        events: before.events.clone(),
        condition: before.condition.clone(),
        secret: before.secret.clone(),
        redact: before.redact,
    };
    let summary = format!(
        "through the API: {} → {}",
        described(&was),
        described(&settings)
    );
    audit::record(
        &state.store,
        &reader.caller.actor(),
        "destination.save",
        &settings.name,
        &summary,
    )
    .await;
    let destination = state
        .store
        .destination(destination_id)
        .await?
        .ok_or_else(|| not_found("destination"))?;
    Ok(Json(destination.into()))
}

/// List destinations
#[utoipa::path(
    get,
    path = "/destinations",
    tag = "automation",
    operation_id = "list_destinations",
    responses(
        (status = 200, description = "Every forwarding destination", body = Vec<DestinationOut>),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
        Refusals,
    )
)]
pub async fn list_destinations(
    State(state): State<AppState>,
    _reader: Reader,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let list: Vec<DestinationOut> = state
        .store
        .destinations()
        .await?
        .into_iter()
        .map(DestinationOut::from)
        .collect();
    Ok(json_with_etag(&headers, &list))
}

/// Pause a destination
#[utoipa::path(
    post,
    path = "/destinations/{destination_id}/pause",
    tag = "automation",
    operation_id = "pause_destination",
    params(("destination_id" = i64, Path, description = "The destination's id")),
    responses(
        (status = 200, description = "The destination, paused", body = DestinationOut),
        (status = 404, description = "No such destination", body = Problem, content_type = "application/problem+json"),
        EditRefusals,
    )
)]
pub async fn pause_destination(
    State(state): State<AppState>,
    reader: Reader,
    Path(destination_id): Path<i64>,
) -> Result<Json<DestinationOut>, Problem> {
    set_paused(
        &state,
        &reader,
        destination_id,
        Some("paused through the API"),
    )
    .await
}

/// Resume a destination
#[utoipa::path(
    post,
    path = "/destinations/{destination_id}/resume",
    tag = "automation",
    operation_id = "resume_destination",
    params(("destination_id" = i64, Path, description = "The destination's id")),
    responses(
        (status = 200, description = "The destination, running", body = DestinationOut),
        (status = 404, description = "No such destination", body = Problem, content_type = "application/problem+json"),
        EditRefusals,
    )
)]
pub async fn resume_destination(
    State(state): State<AppState>,
    reader: Reader,
    Path(destination_id): Path<i64>,
) -> Result<Json<DestinationOut>, Problem> {
    set_paused(&state, &reader, destination_id, None).await
}

async fn set_paused(
    state: &AppState,
    reader: &Reader,
    id: i64,
    why: Option<&str>,
) -> Result<Json<DestinationOut>, Problem> {
    if !state.store.set_destination_paused(id, why).await? {
        return Err(not_found("destination"));
    }
    let (action, summary) = match why {
        Some(_) => ("destination.pause", "running → paused, through the API"),
        None => ("destination.resume", "paused → running, through the API"),
    };
    let target = format!("destination {id}");
    audit::record(
        &state.store,
        &reader.caller.actor(),
        action,
        &target,
        summary,
    )
    .await;
    let destination = state
        .store
        .destination(id)
        .await?
        .ok_or_else(|| not_found("destination"))?;
    Ok(Json(destination.into()))
}

/// Delete a destination
///
/// The destination and its queue of forwards.
#[utoipa::path(
    delete,
    path = "/destinations/{destination_id}",
    tag = "automation",
    operation_id = "delete_destination",
    params(("destination_id" = i64, Path, description = "The destination's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such destination", body = Problem, content_type = "application/problem+json"),
        EditRefusals,
    )
)]
pub async fn delete_destination(
    State(state): State<AppState>,
    reader: Reader,
    Path(destination_id): Path<i64>,
) -> Result<StatusCode, Problem> {
    let Some(destination) = state.store.destination(destination_id).await? else {
        return Err(not_found("destination"));
    };
    if !state.store.delete_destination(destination_id).await? {
        return Err(not_found("destination"));
    }
    let said = "deleted through the API, with its queue";
    audit::record(
        &state.store,
        &reader.caller.actor(),
        "destination.delete",
        &destination.name,
        said,
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}
