//! `/api/v1/stream` and `/api/v1/calls/{call_id}/stream`: new events as
//! Server-Sent Events, of the calls a query selects or of one call. Each
//! message is one event as JSON with its id as the SSE `id`; a client that
//! reconnects with `Last-Event-ID` gets what it missed first, from the
//! database, so nothing is skipped or sent twice. The token is checked
//! again every few seconds: a revoked token's stream ends.

use std::convert::Infallible;
use std::time::Duration;

use async_stream::stream;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event as Sse, KeepAlive};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;
use utoipa::IntoParams;

use super::calls::query_of;
use super::problem::{not_found, Problem, Refusals};
use super::reader::Reader;
use super::types::Event;
use crate::model::query::Query as CallQuery;
use crate::model::TimelineItem;
use crate::server::app::api_tokens;
use crate::server::http::error::ApiError;
use crate::server::http::AppState;
use crate::server::store::prelude::*;
use crate::server::store::{self, now_ms, SearchAt};

/// Events read from the database per step of a catch-up.
const BATCH: i64 = 500;
/// How often a stream checks that its token still works.
const RECHECK: Duration = Duration::from_secs(5);
/// How often an idle stream sends a comment, so proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The query parameters of `GET /api/v1/stream`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// Follow the calls this query selects (as the search bar takes it);
    /// empty: every call.
    pub q: Option<String>,
    /// Start after this event id (`Last-Event-ID` wins); default: now.
    pub after: Option<i64>,
}

/// The query parameters of `GET /api/v1/calls/{call_id}/stream`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallStreamQuery {
    /// Start after this event id (`Last-Event-ID` wins); default: the
    /// call's first event.
    pub after: Option<i64>,
}

/// Follow calls
///
/// New events of the calls a query selects, as they are stored:
/// `text/event-stream`, each message an `Event` with its id as the SSE
/// `id`. Reconnect with `Last-Event-ID` to resume without a gap. The first
/// message, `event: ready`, carries where the stream starts as its `id`.
#[utoipa::path(
    get,
    path = "/stream",
    tag = "calls",
    operation_id = "stream_events",
    params(StreamQuery, ("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event id")),
    responses(
        (status = 200, description = "Server-Sent Events, each an `Event` as JSON", content_type = "text/event-stream", body = Event),
        (status = 400, description = "The query does not read", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's account reads calls redacted and the query asks for a sensitive value", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The token has as many streams open as it may", body = Problem, content_type = "application/problem+json"),
        Refusals,
    )
)]
pub async fn stream_events(
    State(state): State<AppState>,
    reader: Reader,
    Query(params): Query<StreamQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let (_, query) = query_of(&reader, params.q.as_deref(), None)?;
    let after = match resume_point(&headers, params.after) {
        Some(after) => after,
        None => state.store.latest_event_id().await?,
    };
    follow(state, reader, headers, Scope::Query(query), after)
}

/// Follow one call
///
/// A call's events as they are stored, from its first (or after
/// `Last-Event-ID`): `text/event-stream`, each message an `Event`.
#[utoipa::path(
    get,
    path = "/calls/{call_id}/stream",
    tag = "calls",
    operation_id = "stream_call",
    params(("call_id" = String, Path, description = "The call's id"), CallStreamQuery, ("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event id")),
    responses(
        (status = 200, description = "Server-Sent Events, each an `Event` as JSON", content_type = "text/event-stream", body = Event),
        (status = 404, description = "No such call", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The token has as many streams open as it may", body = Problem, content_type = "application/problem+json"),
        Refusals,
    )
)]
pub async fn stream_call(
    State(state): State<AppState>,
    reader: Reader,
    Path(call_id): Path<String>,
    Query(params): Query<CallStreamQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let Some(call) = state.store.call(&call_id).await? else {
        return Err(not_found("call"));
    };
    let after = resume_point(&headers, params.after).unwrap_or(0);
    let scope = Scope::Call {
        call_id,
        source: call.source,
    };
    follow(state, reader, headers, scope, after)
}

/// Where a client resumes: its `Last-Event-ID` (one that does not read is
/// as good as none), else `?after=`; `None` when it says neither.
fn resume_point(headers: &HeaderMap, after: Option<i64>) -> Option<i64> {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(after)
        .map(|id| id.max(0))
}

/// Which events a stream sends.
enum Scope {
    Query(CallQuery),
    Call { call_id: String, source: String },
}

impl Scope {
    /// What was stored after event `after`, at most a batch: the messages
    /// to send (id, JSON), the last id looked at, and whether more follow.
    async fn missed(
        &self,
        state: &AppState,
        reader: &Reader,
        after: i64,
    ) -> Result<(Vec<(i64, String)>, i64, bool), store::Error> {
        let call_id = match self {
            Scope::Call { call_id, .. } => Some(call_id.as_str()),
            Scope::Query(_) => None,
        };
        let items = state
            .store
            .events_after_without_bodies(call_id, after, BATCH)
            .await?;
        let full = items.len() as i64 == BATCH;
        let seen = items.last().map_or(after, |i| i.id);
        let sources = self.sources(state, &items).await?;
        let messages = items
            .into_iter()
            .filter_map(|mut item| {
                let source = sources.iter().find(|(id, _)| *id == item.call_id)?;
                reader.event(&source.1, &mut item);
                let id = item.id;
                let json = serde_json::to_string(&Event::from(item)).ok()?;
                Some((id, json))
            })
            .collect();
        Ok((messages, seen, full))
    }

    /// The calls of `items` this stream follows, with their sources.
    async fn sources(
        &self,
        state: &AppState,
        items: &[TimelineItem],
    ) -> Result<Vec<(String, String)>, store::Error> {
        match self {
            Scope::Call { call_id, source } => Ok(vec![(call_id.clone(), source.clone())]),
            Scope::Query(query) => {
                let mut ids: Vec<&str> = items.iter().map(|i| i.call_id.as_str()).collect();
                ids.sort_unstable();
                ids.dedup();
                let at = SearchAt {
                    now_ms: now_ms(),
                    stale_after_ms: state.stale_after_ms(),
                };
                state.store.calls_matching(query, at, &ids).await
            }
        }
    }
}

/// The stream: catch up from the database, then again whenever the hub
/// says something was committed; end when the server stops or the token
/// stops working (or its account's role changes: the client reconnects
/// and reads as the account now may).
fn follow(
    state: AppState,
    reader: Reader,
    headers: HeaderMap,
    scope: Scope,
    mut last: i64,
) -> Result<Response, Problem> {
    // A token holds as many streams at once as a session may.
    let holder = format!("token:{}", reader.caller.caller.token_id);
    let Some(slot) = state
        .streams
        .slots
        .take(&holder, state.config.max_streams_per_session)
    else {
        let detail = format!(
            "this token has {} streams open already; close one first",
            state.config.max_streams_per_session
        );
        return Err(ApiError::busy("too many streams", detail, 5).into());
    };
    let secret = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .map(|(_, token)| token.trim().to_string())
        .unwrap_or_default();
    let mut rx = match &scope {
        Scope::Call { call_id, .. } => state.hub.subscribe_call(call_id),
        Scope::Query(_) => state.hub.subscribe(),
    };
    let stream = stream! {
        // Held while the stream lives, however it ends.
        let _slot = slot;
        yield Ok::<_, Infallible>(Sse::default().retry(Duration::from_secs(1)).comment("calltrail events"));
        // Where the stream starts, so a client that reconnects before any
        // event came resumes from here (`Last-Event-ID`), not from "now".
        yield Ok(Sse::default().event("ready").id(last.to_string()).data(format!("{{\"after\":{last}}}")));
        let mut recheck = tokio::time::interval(RECHECK);
        recheck.tick().await;
        loop {
            loop {
                match scope.missed(&state, &reader, last).await {
                    Ok((messages, seen, full)) => {
                        for (id, json) in messages {
                            yield Ok(Sse::default().id(id.to_string()).data(json));
                        }
                        last = seen;
                        if !full {
                            break;
                        }
                    }
                    Err(e) => {
                        // Ending the stream makes the client reconnect and resume.
                        tracing::warn!(error = %e, "an API stream's catch-up failed; closing it");
                        return;
                    }
                }
            }
            tokio::select! {
                _ = state.hub.stopping() => return,
                _ = recheck.tick() => {
                    match api_tokens::check(&state.store, &secret).await {
                        Ok(Ok(now)) if now.role == reader.caller.caller.role => {}
                        Ok(_) => return,
                        Err(e) => tracing::warn!(error = %e, "could not check an API stream's token"),
                    }
                }
                received = rx.recv() => match received {
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                },
            }
        }
    };
    Ok(axum::response::sse::Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response())
}
