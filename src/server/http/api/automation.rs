//! `/api/v1/rules…` and `/api/v1/destinations…`: alert rules (read; add,
//! change and delete with a `read+write` token) and forwarding destinations
//! (read without their signing secrets; add, change, pause, resume and
//! delete, checked as the automations form checks them).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::paging::{json_body, json_with_etag};
use super::problem::{bad_request, not_found, Problem};
use super::reader::Reader;
use crate::model::RuleSpec;
use crate::server::app::alerts::condition::Compiled;
use crate::server::app::audit;
use crate::server::app::outbound::destinations::{checked, ConditionRequest, DestinationRequest};
use crate::server::http::error::ApiError;
use crate::server::http::AppState;
use crate::server::store::automation::{Destination, DestinationSettings};
use crate::server::store::now_ms;
use crate::server::store::prelude::*;
use crate::server::store::rules::{Rule as StoredRule, RuleSettings};

/// An alert rule.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Rule {
    pub id: i64,
    pub name: String,
    /// What the rule matches: `kind` and that kind's options, as the rules
    /// page sets them (see the rules documentation).
    #[schema(value_type = Object)]
    pub spec: RuleSpec,
    pub enabled: bool,
    pub cooldown_secs: i64,
    /// The channels notified when one of its alerts opens.
    pub channels: Vec<i64>,
}

impl From<StoredRule> for Rule {
    fn from(rule: StoredRule) -> Self {
        Rule {
            id: rule.id,
            name: rule.name,
            spec: rule.spec,
            enabled: rule.enabled,
            cooldown_secs: rule.cooldown_secs,
            channels: rule.channels,
        }
    }
}

/// A rule to add, or a rule's new settings.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RuleInput {
    pub name: String,
    #[schema(value_type = Object)]
    pub spec: Value,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "five_minutes")]
    pub cooldown_secs: i64,
    #[serde(default)]
    pub channels: Vec<i64>,
}

fn yes() -> bool {
    true
}

fn five_minutes() -> i64 {
    300
}

impl RuleInput {
    fn settings(self) -> Result<RuleSettings, Problem> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(bad_request("bad rule", "a rule needs a name"));
        }
        let spec: RuleSpec = serde_json::from_value(self.spec)
            .map_err(|e| bad_request("bad rule", format!("the spec does not read: {e}")))?;
        if let Some(condition) = spec.condition() {
            Compiled::new(&condition).map_err(|e| {
                bad_request("bad rule", format!("the condition does not compile: {e}"))
            })?;
        }
        Ok(RuleSettings {
            name,
            spec,
            enabled: self.enabled,
            cooldown_secs: self.cooldown_secs.max(0),
            channels: self.channels,
        })
    }
}

/// List rules
#[utoipa::path(
    get,
    path = "/rules",
    tag = "automation",
    operation_id = "list_rules",
    responses(
        (status = 200, description = "Every alert rule", body = Vec<Rule>),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
        (status = 401, description = "No token, or one that does not work", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_rules(
    State(state): State<AppState>,
    _reader: Reader,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let rules: Vec<Rule> = state
        .store
        .rules()
        .await?
        .into_iter()
        .map(Rule::from)
        .collect();
    Ok(json_with_etag(&headers, &rules))
}

/// Add a rule
#[utoipa::path(
    post,
    path = "/rules",
    tag = "automation",
    operation_id = "create_rule",
    request_body = RuleInput,
    responses(
        (status = 201, description = "The rule, added", body = Rule),
        (status = 400, description = "The rule does not read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or one that does not work", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token, or an account that may not edit", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_rule(
    State(state): State<AppState>,
    reader: Reader,
    body: Bytes,
) -> Result<Response, Problem> {
    let settings = json_body::<RuleInput>(&body)?.settings()?;
    let id = state.store.save_rule(None, &settings).await?;
    let summary = format!("added through the API: {}", settings.spec.describe());
    audit::record(
        &state.store,
        &reader.caller.actor(),
        "rule.create",
        &settings.name,
        &summary,
    )
    .await;
    let rule = saved(&state, id).await?;
    Ok((StatusCode::CREATED, Json(rule)).into_response())
}

/// Change a rule
#[utoipa::path(
    put,
    path = "/rules/{rule_id}",
    tag = "automation",
    operation_id = "update_rule",
    params(("rule_id" = i64, Path, description = "The rule's id")),
    request_body = RuleInput,
    responses(
        (status = 200, description = "The rule, changed", body = Rule),
        (status = 400, description = "The rule does not read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or one that does not work", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token, or an account that may not edit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such rule", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_rule(
    State(state): State<AppState>,
    reader: Reader,
    Path(rule_id): Path<i64>,
    body: Bytes,
) -> Result<Json<Rule>, Problem> {
    let settings = json_body::<RuleInput>(&body)?.settings()?;
    let before = stored(&state, rule_id).await?;
    state.store.save_rule(Some(rule_id), &settings).await?;
    let summary = format!(
        "through the API: {} → {}",
        before.spec.describe(),
        settings.spec.describe()
    );
    audit::record(
        &state.store,
        &reader.caller.actor(),
        "rule.update",
        &before.name,
        &summary,
    )
    .await;
    Ok(Json(saved(&state, rule_id).await?))
}

/// Delete a rule
///
/// The rule and its alerts.
#[utoipa::path(
    delete,
    path = "/rules/{rule_id}",
    tag = "automation",
    operation_id = "delete_rule",
    params(("rule_id" = i64, Path, description = "The rule's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No token, or one that does not work", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token, or an account that may not edit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such rule", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_rule(
    State(state): State<AppState>,
    reader: Reader,
    Path(rule_id): Path<i64>,
) -> Result<StatusCode, Problem> {
    let rule = stored(&state, rule_id).await?;
    if !state.store.delete_rule(rule_id).await? {
        return Err(not_found("rule"));
    }
    let said = "deleted through the API, with its alerts";
    audit::record(
        &state.store,
        &reader.caller.actor(),
        "rule.delete",
        &rule.name,
        said,
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

async fn stored(state: &AppState, id: i64) -> Result<StoredRule, Problem> {
    let rules = state.store.rules().await?;
    rules
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| not_found("rule"))
}

async fn saved(state: &AppState, id: i64) -> Result<Rule, Problem> {
    stored(state, id).await.map(Rule::from)
}

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
        (status = 401, description = "No token, or one that does not work", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token, or an account that may not edit", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A destination of that name exists (change it with PUT)", body = Problem, content_type = "application/problem+json"),
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
        (status = 401, description = "No token, or one that does not work", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token, or an account that may not edit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such destination", body = Problem, content_type = "application/problem+json"),
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
        (status = 401, description = "No token, or one that does not work", body = Problem, content_type = "application/problem+json"),
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
        (status = 401, description = "No token, or one that does not work", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token, or an account that may not edit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such destination", body = Problem, content_type = "application/problem+json"),
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
        (status = 401, description = "No token, or one that does not work", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token, or an account that may not edit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such destination", body = Problem, content_type = "application/problem+json"),
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
        (status = 401, description = "No token, or one that does not work", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token, or an account that may not edit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such destination", body = Problem, content_type = "application/problem+json"),
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
