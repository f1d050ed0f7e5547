//! The versioned JSON API under `/api/v1`, for scripts, `calltrail calls` /
//! `call` / `tail` / `alerts`, and (through the same reads) the MCP server.
//! Every route is registered through `utoipa-axum`'s `routes!`, so each
//! has its entry in the OpenAPI 3.1 document served at
//! `/api/v1/openapi.json`; every route is signed with an API token
//! ([`caller`]) and named in the permission table with its action.

pub mod alerts;
pub mod caller;
pub mod calls;
pub mod deliveries;
pub mod destinations;
pub mod insights;
pub mod paging;
pub mod problem;
pub mod reader;
pub mod rules;
pub mod stream;
pub mod types;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::http::{header, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::routing::{any, get};
use axum::Router;
use tower_http::timeout::TimeoutLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::server::http::AppState;

/// Where the API lives.
pub const PREFIX: &str = "/api/v1";
/// Where its OpenAPI document is served (to anyone: it holds no data).
pub const DOCUMENT_PATH: &str = "/api/v1/openapi.json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "calltrail API",
        description = "Calls, timelines, events, deliveries, alerts, rules, destinations and insights of a calltrail server, for scripts and coding agents. Sign every request with an API token (`Authorization: Bearer …`, made at /settings/tokens): it reads what its account may read (redacted for a restricted viewer), and changes things only with the `read+write` scope. Errors are RFC 9457 problem details."
    ),
    modifiers(&BearerTokens),
    components(schemas(problem::Problem)),
    tags(
        (name = "calls", description = "Calls, their timelines and events, live streams"),
        (name = "alerts", description = "The alert inbox"),
        (name = "automation", description = "Alert rules and forwarding destinations"),
        (name = "deliveries", description = "The delivery log"),
        (name = "insights", description = "Aggregates over calls"),
    )
)]
struct ApiDoc;

/// Every operation is signed with an API token.
struct BearerTokens;

impl Modify for BearerTokens {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("calltrail API token (ctk_…)")
                    .description(Some(
                        "Make one at /settings/tokens, or `calltrail token create`.",
                    ))
                    .build(),
            ),
        );
        openapi.security = Some(vec![SecurityRequirement::new(
            "token",
            Vec::<String>::new(),
        )]);
    }
}

/// The API's routes, each with its spec entry, before the token check:
/// every answer but a stream's within `timeout` (`None`: no limit, for
/// the document alone).
fn documented(timeout: Option<Duration>) -> OpenApiRouter<AppState> {
    let streams = OpenApiRouter::new()
        .routes(routes!(stream::stream_call))
        .routes(routes!(stream::stream_events));
    let answers = answers();
    let answers = match timeout {
        Some(limit) => answers.layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limit,
        )),
        None => answers,
    };
    answers.merge(streams)
}

/// The routes that answer once (everything but the streams).
fn answers() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(calls::list_calls))
        .routes(routes!(calls::get_call))
        .routes(routes!(calls::get_event))
        .routes(routes!(calls::get_event_body))
        .routes(routes!(deliveries::list_deliveries))
        .routes(routes!(alerts::list_alerts))
        .routes(routes!(alerts::acknowledge_alert))
        .routes(routes!(alerts::resolve_alert))
        .routes(routes!(rules::list_rules, rules::create_rule))
        .routes(routes!(rules::update_rule, rules::delete_rule))
        .routes(routes!(
            destinations::list_destinations,
            destinations::create_destination
        ))
        .routes(routes!(
            destinations::update_destination,
            destinations::delete_destination
        ))
        .routes(routes!(destinations::pause_destination))
        .routes(routes!(destinations::resume_destination))
        .routes(routes!(insights::get_insights))
}

/// The API's routes and its document, split apart.
fn parts(timeout: Option<Duration>) -> (Router<AppState>, Document) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(PREFIX, documented(timeout))
        .split_for_parts()
}

/// The OpenAPI document, made once.
pub fn document() -> &'static Document {
    static DOCUMENT: OnceLock<Document> = OnceLock::new();
    DOCUMENT.get_or_init(|| parts(None).1)
}

/// The document as JSON, pretty-printed (what `/api/v1/openapi.json` serves).
pub fn document_json() -> Arc<str> {
    static JSON: OnceLock<Arc<str>> = OnceLock::new();
    JSON.get_or_init(|| {
        document()
            .to_pretty_json()
            .expect("the OpenAPI document serializes")
            .into()
    })
    .clone()
}

/// `/api/v1/…` behind the token check, and the document, open to anyone;
/// any other path under `/api/v1/` is a problem document's `404`, not the
/// dashboard's sign-in.
pub fn routes(state: &AppState) -> Router<AppState> {
    let limit = Duration::from_secs(state.config.request_timeout_secs);
    let (api, _) = parts(Some(limit));
    api.layer(from_fn_with_state(state.clone(), caller::require_token))
        .route("/api/v1/{*rest}", any(no_such_route))
        .route(
            DOCUMENT_PATH,
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    document_json().to_string(),
                )
            }),
        )
}

async fn no_such_route() -> axum::response::Response {
    problem::Problem::from(crate::server::http::error::ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "no such route",
        "the API has no such route: /api/v1/openapi.json lists them",
    ))
    .into_response()
}
