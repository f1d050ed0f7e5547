//! The MCP server's tools and its one resource: the API's reads, answered
//! as short text for a model (see [`super::compact`]), each through the
//! same token, permission check and redaction as the API.

use axum::http::request::Parts;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::Extension;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ContentBlock, Implementation, ListResourceTemplatesResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult,
    ResourceContents, ResourceTemplate, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{tool, tool_handler, tool_router, ErrorData, RoleServer, ServerHandler};

use super::params::{CallMetrics, GetCall, GetEvent, ListAlerts, SearchCalls};
use super::{compact, reads};
use crate::server::http::api::alerts::{find_alerts, AlertsQuery};
use crate::server::http::api::caller::ApiCaller;
use crate::server::http::api::calls::{find_calls, query_of, CallsQuery};
use crate::server::http::api::problem::Problem;
use crate::server::http::api::reader::Reader;
use crate::server::http::api::types::AlertStateFilter;
use crate::server::http::page_data::insights_page;
use crate::server::http::AppState;

/// The resource that holds a call's timeline.
const TIMELINE: &str = "calltrail://calls/{id}/timeline";

/// The MCP server of one calltrail (one is made per request; it holds
/// only the server's shared state).
#[derive(Clone)]
pub struct Calltrail {
    state: AppState,
    tool_router: ToolRouter<Self>,
}

/// What a tool answers: text, or a tool error the model can read.
type Answer = Result<CallToolResult, ErrorData>;

#[tool_router]
impl Calltrail {
    pub fn new(state: AppState) -> Self {
        Calltrail {
            state,
            tool_router: Self::tool_router(),
        }
    }

    #[tool(
        description = "Find calls with the calls list's query language. One line per call: id, source, status, start, length, agent, end reason, problems, latency, the caller's first words."
    )]
    async fn search_calls(
        &self,
        Parameters(args): Parameters<SearchCalls>,
        Extension(parts): Extension<Parts>,
    ) -> Answer {
        let reader = reader(&self.state, &parts)?;
        let params = CallsQuery {
            q: args.query,
            since: args.since,
            sort: None,
            limit: Some(args.limit.unwrap_or(20)),
            cursor: args.cursor,
        };
        answer(
            find_calls(&self.state, &reader, &params, 100)
                .await
                .map(|list| compact::calls(&list)),
        )
    }

    #[tool(
        description = "One call: who, when, how it ended, metrics, then its timeline one event a line (turns, tool calls with arguments and results, errors, interruptions, latency parts). Long calls come in parts: pass the cursor given to continue."
    )]
    async fn get_call(
        &self,
        Parameters(args): Parameters<GetCall>,
        Extension(parts): Extension<Parts>,
    ) -> Answer {
        let reader = reader(&self.state, &parts)?;
        answer(
            reads::timeline_text(
                &self.state,
                &reader,
                &args.id,
                args.around_event,
                args.cursor.as_deref(),
            )
            .await,
        )
    }

    #[tool(
        description = "One event in full: what calltrail understood, and the payload it was stored from (when your role may read raw payloads)."
    )]
    async fn get_event(
        &self,
        Parameters(args): Parameters<GetEvent>,
        Extension(parts): Extension<Parts>,
    ) -> Answer {
        let reader = reader(&self.state, &parts)?;
        answer(reads::event_text(&self.state, &reader, args.id).await)
    }

    #[tool(
        description = "Alerts the rules opened, most recent first: id, state, rule, count, reason, call."
    )]
    async fn list_alerts(
        &self,
        Parameters(args): Parameters<ListAlerts>,
        Extension(parts): Extension<Parts>,
    ) -> Answer {
        let reader = reader(&self.state, &parts)?;
        let state = match args.state.as_deref().map(str::trim) {
            None | Some("") | Some("open") => AlertStateFilter::Open,
            Some("acknowledged") => AlertStateFilter::Acknowledged,
            Some("snoozed") => AlertStateFilter::Snoozed,
            Some("resolved") => AlertStateFilter::Resolved,
            Some("all") => AlertStateFilter::All,
            Some(other) => {
                return refuse(&format!(
                    "state {other:?}: use open, acknowledged, snoozed, resolved or all"
                ))
            }
        };
        let params = AlertsQuery {
            state: Some(state),
            rule: None,
            limit: Some(100),
            cursor: args.cursor,
        };
        answer(
            find_alerts(&self.state, &reader, &params)
                .await
                .map(|list| compact::alerts(&list.alerts, list.next_cursor.as_deref())),
        )
    }

    #[tool(
        description = "Aggregates over the calls a query selects: how many, how they ended, latency by part (p50/p95), tools by failures."
    )]
    async fn call_metrics(
        &self,
        Parameters(args): Parameters<CallMetrics>,
        Extension(parts): Extension<Parts>,
    ) -> Answer {
        let reader = reader(&self.state, &parts)?;
        let figures = async {
            let (text, _) = query_of(&reader, args.query.as_deref(), args.since.as_deref())?;
            let page =
                insights_page(&self.state.store, Some(text), self.state.stale_after_ms()).await?;
            Ok::<_, Problem>(compact::metrics(&page))
        };
        answer(figures.await)
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Calltrail {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_resources().build())
            .with_server_info(Implementation::new("calltrail", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "calltrail records voice-AI agent calls. search_calls finds calls (calls list query language); \
                 get_call reads one call's timeline (pass the cursor it gives to read on); get_event shows one \
                 event in full; list_alerts and call_metrics give alerts and aggregates. The resource \
                 calltrail://calls/{id}/timeline is get_call's first part.",
            )
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(vec![
            ResourceTemplate::new(TIMELINE, "call-timeline")
                .with_description(
                    "One call's heading and timeline, one event a line (as get_call gives it)",
                )
                .with_mime_type("text/plain"),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let parts = context
            .extensions
            .get::<Parts>()
            .ok_or_else(|| ErrorData::internal_error("the request's token is missing", None))?;
        let reader = reader(&self.state, parts)?;
        let id = request
            .uri
            .strip_prefix("calltrail://calls/")
            .and_then(|rest| rest.strip_suffix("/timeline"))
            .map(|id| {
                percent_encoding::percent_decode_str(id)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .filter(|id| !id.is_empty())
            .ok_or_else(|| {
                ErrorData::resource_not_found(format!("no such resource: {}", request.uri), None)
            })?;
        match reads::timeline_text(&self.state, &reader, &id, None, None).await {
            Ok(text) => {
                Ok(ReadResourceResult::new(vec![
                    ResourceContents::text(text, request.uri.clone()).with_mime_type("text/plain")
                ])
                .into())
            }
            Err(problem) if problem.status == 404 => Err(ErrorData::resource_not_found(
                format!("there is no call {id:?}"),
                None,
            )),
            Err(problem) => Err(protocol_error(problem)),
        }
    }
}

/// The reader the token check found for this request.
fn reader(state: &AppState, parts: &Parts) -> Result<Reader, ErrorData> {
    let caller = parts
        .extensions
        .get::<ApiCaller>()
        .cloned()
        .ok_or_else(|| ErrorData::internal_error("the request's token is missing", None))?;
    Ok(Reader::new(state, caller))
}

/// A tool's text, or a problem the model can act on as a tool error;
/// the server's own failures are protocol errors.
fn answer(result: Result<String, Problem>) -> Answer {
    match result {
        Ok(text) => Ok(CallToolResult::success(vec![ContentBlock::text(text)])),
        Err(problem) if problem.status < 500 => {
            refuse(&format!("{}: {}", problem.title, problem.detail))
        }
        Err(problem) => Err(protocol_error(problem)),
    }
}

fn refuse(said: &str) -> Answer {
    Ok(CallToolResult::error(vec![ContentBlock::text(
        said.to_string(),
    )]))
}

fn protocol_error(problem: Problem) -> ErrorData {
    ErrorData::internal_error(format!("{}: {}", problem.title, problem.detail), None)
}
