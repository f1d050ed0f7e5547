//! The MCP server at `/mcp` (Streamable HTTP, with the official Rust SDK
//! `rmcp`), for coding agents: the same API tokens, the same permission
//! check and redaction as `/api/v1`, answers bounded in size. It is
//! stateless — each POST is answered with JSON, no session is kept — so
//! any instance behind a load balancer can answer any request.

mod compact;
mod params;
mod reads;
mod tools;

use std::sync::Arc;

use axum::body::Body;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::middleware::{from_fn_with_state, map_response};
use axum::response::Response;
use axum::Router;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::json;

use super::api::caller::require_token;
use super::api::problem::{Problem, CONTENT_TYPE as PROBLEM};
use crate::server::http::AppState;

pub use compact::BUDGET;

/// Where the MCP server answers.
pub const PATH: &str = "/mcp";

/// `/mcp`, behind the API's token check.
pub fn routes(state: &AppState) -> Router<AppState> {
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        // Tokens, not cookies, sign each request, so a page another site
        // points at this server (DNS rebinding) has nothing to send: no
        // Host check is needed (the dashboard's does not cover /mcp either).
        .disable_allowed_hosts();
    let server = {
        let state = state.clone();
        StreamableHttpService::new(
            move || Ok(tools::Calltrail::new(state.clone())),
            Arc::new(NeverSessionManager::default()),
            config,
        )
    };
    Router::new()
        .route_service(PATH, server)
        .route_layer(from_fn_with_state(state.clone(), require_token))
        // Outside the check, so its refusals are rewritten.
        .route_layer(map_response(as_json_rpc))
}

/// A refusal of the token check as a JSON-RPC error, which MCP clients
/// show as it is (a problem document would read as "Server returned an error").
async fn as_json_rpc(response: Response) -> Response {
    let is_problem = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == PROBLEM.as_bytes());
    if !is_problem {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let message = match serde_json::from_slice::<Problem>(&bytes) {
        Ok(problem) => format!("{}: {}", problem.title, problem.detail),
        Err(_) => "refused".to_string(),
    };
    let error =
        json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32001, "message": message}});
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(error.to_string()))
}
