//! `/api/v1/rules…`: alert rules — read; added, changed and deleted with
//! a `read+write` token of an account that may edit, checked as the rules
//! page checks them.

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
use crate::model::RuleSpec;
use crate::server::app::alerts::condition::Compiled;
use crate::server::app::audit;
use crate::server::http::AppState;
use crate::server::store::prelude::*;
use crate::server::store::rules::{Rule as StoredRule, RuleSettings};

/// The kinds of rule that may be added (the others are built in, once
/// each), as on the rules page.
const ADDED_KINDS: [&str; 2] = ["match", "rate"];

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
        Refusals,
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
        (status = 400, description = "The rule does not read, or is not a match or rate rule", body = Problem, content_type = "application/problem+json"),
        EditRefusals,
    )
)]
pub async fn create_rule(
    State(state): State<AppState>,
    reader: Reader,
    body: Bytes,
) -> Result<Response, Problem> {
    let settings = json_body::<RuleInput>(&body)?.settings()?;
    if !ADDED_KINDS.contains(&settings.spec.kind()) {
        return Err(bad_request(
            "bad rule",
            format!(
                "a {} rule is built in, once: change it with PUT /api/v1/rules/{{id}}; new rules are match or rate rules",
                settings.spec.kind()
            ),
        ));
    }
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
        (status = 404, description = "No such rule", body = Problem, content_type = "application/problem+json"),
        EditRefusals,
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
    if settings.name != before.name || settings.spec.kind() != before.spec.kind() {
        return Err(bad_request(
            "bad rule",
            format!(
                "a rule keeps its name and kind ({:?}, {}); add another rule for another",
                before.name,
                before.spec.kind()
            ),
        ));
    }
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
        (status = 404, description = "No such rule", body = Problem, content_type = "application/problem+json"),
        EditRefusals,
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
