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
use rmcp::{schemars, tool, tool_handler, tool_router, ErrorData, RoleServer, ServerHandler};
use serde::Deserialize;

use super::compact;
use crate::model::{Action, TimelinePoint};
use crate::server::http::api::alerts::{find_alerts, AlertsQuery};
use crate::server::http::api::caller::ApiCaller;
use crate::server::http::api::calls::{
    call_page, find_calls, find_event, query_of, timeline_cursor, CallsQuery,
};
use crate::server::http::api::paging::Cursor;
use crate::server::http::api::problem::Problem;
use crate::server::http::api::reader::Reader;
use crate::server::http::api::types::AlertStateFilter;
use crate::server::http::page_data::insights_page;
use crate::server::http::AppState;
use crate::server::store::prelude::*;

/// The resource that holds a call's timeline.
const TIMELINE: &str = "calltrail://calls/{id}/timeline";
/// Events read per step while filling an answer.
const STEP: i64 = 400;
/// Events shown before the one `around_event` names.
const CONTEXT: i64 = 5;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct SearchCalls {
    /// Calls list query: words, "phrases", has:tool_error|hang|interruption|transfer, tool:NAME, status:live|ended, agent:, caller:, source:, duration>120, -term. Empty: all calls.
    #[serde(default)]
    pub query: Option<String>,
    /// Only calls started this recently: 30m, 1h, 7d.
    #[serde(default)]
    pub since: Option<String>,
    /// Calls to return, 1-100 (default 20).
    #[serde(default)]
    pub limit: Option<u32>,
    /// The cursor a previous answer gave.
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct GetCall {
    /// The call's id.
    pub id: String,
    /// Start a few events before this event id instead of at the beginning.
    #[serde(default)]
    pub around_event: Option<i64>,
    /// The cursor a previous answer gave.
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct GetEvent {
    /// The event id (the [id] of a get_call line).
    pub id: i64,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ListAlerts {
    /// open (default), acknowledged, snoozed, resolved or all.
    #[serde(default)]
    pub state: Option<String>,
    /// The cursor a previous answer gave.
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct CallMetrics {
    /// Calls list query selecting the calls (empty: all).
    #[serde(default)]
    pub query: Option<String>,
    /// Only calls started this recently: 30m, 1h, 7d.
    #[serde(default)]
    pub since: Option<String>,
}

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
            self.timeline_text(&reader, &args.id, args.around_event, args.cursor.as_deref())
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
        answer(self.event_text(&reader, args.id).await)
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
        reader(&self.state, &parts)?;
        let figures = async {
            let (text, _) = query_of(args.query.as_deref(), args.since.as_deref())?;
            let page =
                insights_page(&self.state.store, Some(text), self.state.stale_after_ms()).await?;
            Ok::<_, Problem>(compact::metrics(&page))
        };
        answer(figures.await)
    }
}

impl Calltrail {
    /// A call's heading (on its first part) and as many events as fit.
    async fn timeline_text(
        &self,
        reader: &Reader,
        id: &str,
        around: Option<i64>,
        cursor: Option<&str>,
    ) -> Result<String, Problem> {
        let mut after = timeline_cursor(cursor)?;
        if let (None, Some(event)) = (after, around) {
            after = self.before_event(id, event).await?;
        }
        let first = cursor.is_none();
        let Some(page) = call_page(&self.state, reader, id, after, STEP).await? else {
            return Err(crate::server::http::api::problem::not_found("call"));
        };
        let (text, left_out) = compact::timeline(&page, first);
        let next = match left_out {
            // The first event that did not fit: the next part starts just before it.
            Some(i) => {
                let e = &page.events[i];
                Some(
                    Cursor::Events {
                        at: e.occurred_at,
                        id: e.id - 1,
                    }
                    .encode(),
                )
            }
            None if page.events.len() as i64 == STEP => page.next_cursor.clone(),
            None => None,
        };
        Ok(match next {
            Some(cursor) => {
                format!("{text}more: call get_call again with id and cursor=\"{cursor}\"")
            }
            None if page.call.summary.is_live() => {
                format!("{text}(the call is still going: more may come)")
            }
            None => format!("{text}(end of the call's events)"),
        })
    }

    /// Where to start so that `event` comes after a few of the events before it.
    async fn before_event(
        &self,
        call_id: &str,
        event: i64,
    ) -> Result<Option<TimelinePoint>, Problem> {
        let Some(item) = self.state.store.event(event).await? else {
            return Err(crate::server::http::api::problem::not_found("event"));
        };
        if item.call_id != call_id {
            return Err(crate::server::http::api::problem::bad_request(
                "bad event",
                format!("event {event} is not one of call {call_id}'s"),
            ));
        }
        let at = TimelinePoint::of(&item);
        let before = self
            .state
            .store
            .timeline_window(call_id, Some(at), CONTEXT)
            .await?;
        let start = before.first().map_or(at, TimelinePoint::of);
        Ok(Some(TimelinePoint {
            at: start.at,
            id: start.id - 1,
        }))
    }

    async fn event_text(&self, reader: &Reader, id: i64) -> Result<String, Problem> {
        let Some(event) = find_event(&self.state, reader, id).await? else {
            return Err(crate::server::http::api::problem::not_found("event"));
        };
        let understood = serde_json::to_string_pretty(&event).unwrap_or_default();
        let mut out = compact::Bounded::new();
        out.push(&format!(
            "event {id} of call {}, as calltrail understood it:",
            event.call_id
        ));
        out.push(&understood);
        if !reader.caller.may(Action::ReadRaw) {
            return Ok(out.close("(the payload it was stored from is not shown: this token's account reads calls redacted)"));
        }
        let Some(body) = self.state.store.event_body(id).await? else {
            return Ok(out.into_text());
        };
        let target = format!("event {id}");
        let said = "opened the event's raw body through MCP";
        crate::server::app::audit::record(
            &self.state.store,
            &reader.caller.actor(),
            "raw.view",
            &target,
            said,
        )
        .await;
        let pretty = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or(body);
        out.push("the payload it was stored from:");
        if !out.push(&pretty) {
            let room = compact::BUDGET.saturating_sub(understood.len() + 400);
            let cut: String = pretty.chars().take(room).collect();
            return Ok(out.close(&format!("{cut}\n… (cut: the payload is {} bytes; GET /api/v1/events/{id}/body has it whole)", pretty.len())));
        }
        Ok(out.into_text())
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
        match self.timeline_text(&reader, &id, None, None).await {
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
