//! `/api/v1/calls…` and `/api/v1/events/…`: calls found with the calls
//! list's query language, one call's timeline a page at a time, one event,
//! and the body an event was stored from.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use super::paging::{cursor, json_with_etag, page_size, Cursor};
use super::problem::{bad_request, not_found, Problem, Refusals};
use super::reader::Reader;
use super::types::{Call, CallList, CallTimeline, Event};
use crate::model::query::Query as CallQuery;
use crate::model::{Sort, TimelinePoint};
use crate::server::app::audit;
use crate::server::http::error::ApiError;
use crate::server::http::AppState;
use crate::server::store::prelude::*;
use crate::server::store::{now_ms, SearchAt, SearchFrom};

/// The query parameters of `GET /api/v1/calls`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallsQuery {
    /// A query as the calls list's search bar takes it, e.g.
    /// `has:tool_error agent:sales "refund"`; empty: every call.
    pub q: Option<String>,
    /// Only calls started this recently: `30m`, `1h`, `7d`.
    pub since: Option<String>,
    /// `started` (the default, newest first), `duration`, `latency`,
    /// `stall`, `interruptions`, `talk` or `tool_errors`; `.asc` for
    /// smallest first.
    pub sort: Option<String>,
    /// Calls per page, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the page before.
    pub cursor: Option<String>,
}

/// The query a request asks for: `q` and `since` together, read strictly.
/// A reader who sees calls redacted may not search for a sensitive value
/// itself (the calls it selects, or their count, would tell who holds it):
/// every route and tool that takes a query reads it here.
pub fn query_of(
    reader: &Reader,
    q: Option<&str>,
    since: Option<&str>,
) -> Result<(String, CallQuery), Problem> {
    let mut text = q.unwrap_or_default().trim().to_string();
    if let Some(since) = since.map(str::trim).filter(|s| !s.is_empty()) {
        let span = since.trim_start_matches('-');
        text = format!("{text} started>-{span}").trim().to_string();
    }
    let query = CallQuery::parse(&text).map_err(|e| bad_request("bad query", e.to_string()))?;
    if reader.asks_for_sensitive(&text) {
        return Err(ApiError::forbidden(
            "not permitted",
            "this token's account reads calls redacted, so it cannot search for a phone number, e-mail address, card or other such value",
        )
        .into());
    }
    Ok((text, query))
}

/// The calls a query selects, a page at a time.
pub async fn find_calls(
    state: &AppState,
    reader: &Reader,
    params: &CallsQuery,
    max: u32,
) -> Result<CallList, Problem> {
    let (_, query) = query_of(reader, params.q.as_deref(), params.since.as_deref())?;
    let sort_text = params
        .sort
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let sort = sort_text
        .map_or(Ok(Sort::default()), Sort::parse)
        .map_err(|e| bad_request("bad sort", e))?;
    let limit = page_size(params.limit, 50, max);
    let by_start = sort == Sort::default();
    let sort_name = sort_text.unwrap_or("started").to_string();
    let from = cursor(params.cursor.as_deref(), |c| match c {
        Cursor::CallsAfter {
            started_at,
            call_id,
        } if by_start => Some(SearchFrom::After(started_at, call_id)),
        Cursor::CallsOffset { sort: s, offset } if !by_start && s == sort_name => {
            Some(SearchFrom::Offset(offset, sort))
        }
        _ => None,
    })?
    .unwrap_or(SearchFrom::Offset(0, sort));
    let offset = match &from {
        SearchFrom::Offset(offset, _) => *offset,
        SearchFrom::After(..) => 0,
    };
    let at = SearchAt {
        now_ms: now_ms(),
        stale_after_ms: state.stale_after_ms(),
    };
    let mut hits = state
        .store
        .search_calls(&query, at, from, limit + 1)
        .await?;
    let more = hits.len() as i64 > limit;
    hits.truncate(limit as usize);
    let next_cursor = match hits.last() {
        Some(last) if more => Some(if by_start {
            Cursor::CallsAfter {
                started_at: last.call.started_at,
                call_id: last.call.call_id.clone(),
            }
        } else {
            Cursor::CallsOffset {
                sort: sort_name,
                offset: offset + limit,
            }
        }),
        _ => None,
    };
    let ids: Vec<&str> = hits.iter().map(|h| h.call.call_id.as_str()).collect();
    let mut metrics = state.store.call_metrics(&ids).await?;
    let owned: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
    let mut marks = state.store.review_marks(&owned).await?;
    let calls = hits
        .into_iter()
        .map(|hit| {
            let mut summary = hit.call;
            reader.call(&mut summary);
            Call {
                metrics: metrics.remove(&summary.call_id),
                review: marks.remove(&summary.call_id).unwrap_or_default(),
                summary,
            }
        })
        .collect();
    Ok(CallList {
        calls,
        next_cursor: next_cursor.map(|c| c.encode()),
    })
}

/// List calls
///
/// The calls a query selects, as the calls list's search bar finds them,
/// a page at a time (follow `next_cursor`).
#[utoipa::path(
    get,
    path = "/calls",
    tag = "calls",
    operation_id = "list_calls",
    params(CallsQuery),
    responses(
        (status = 200, description = "One page of calls", body = CallList),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
        (status = 400, description = "The query, sort or cursor does not read", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token may not search for this", body = Problem, content_type = "application/problem+json"),
        Refusals,
    )
)]
pub async fn list_calls(
    State(state): State<AppState>,
    reader: Reader,
    Query(params): Query<CallsQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let list = find_calls(&state, &reader, &params, 500).await?;
    Ok(json_with_etag(&headers, &list))
}

/// The query parameters of `GET /api/v1/calls/{call_id}`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimelineQuery {
    /// Events per page, 1 to 1,000 (default 200).
    pub limit: Option<u32>,
    /// `next_cursor` of the page before.
    pub cursor: Option<String>,
}

/// One call's summary, metrics and a page of its events from `after`.
pub async fn call_page(
    state: &AppState,
    reader: &Reader,
    call_id: &str,
    after: Option<TimelinePoint>,
    limit: i64,
) -> Result<Option<CallTimeline>, Problem> {
    let Some(mut summary) = state.store.call(call_id).await? else {
        return Ok(None);
    };
    let mut items = state
        .store
        .timeline_after(call_id, after, limit + 1)
        .await?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    let next = items.last().map(TimelinePoint::of);
    // Noted once per read of the call, on its first page.
    if after.is_none() {
        reader.note_unredacted(state, &summary).await;
    }
    for item in &mut items {
        reader.event(&summary.source, item);
    }
    reader.call(&mut summary);
    let metrics = state.store.call_metrics(&[call_id]).await?.remove(call_id);
    // The last page of a live call still gets a cursor: more may come.
    let next_cursor = match next {
        Some(p) if more || summary.is_live() => Some(Cursor::Events { at: p.at, id: p.id }),
        None if summary.is_live() => after.map(|p| Cursor::Events { at: p.at, id: p.id }),
        _ => None,
    };
    Ok(Some(CallTimeline {
        call: Call {
            review: state
                .store
                .review_marks(std::slice::from_ref(&summary.call_id))
                .await?
                .remove(&summary.call_id)
                .unwrap_or_default(),
            summary,
            metrics,
        },
        events: items.into_iter().map(Event::from).collect(),
        next_cursor: next_cursor.map(|c| c.encode()),
    }))
}

/// The place a timeline cursor stands at.
pub fn timeline_cursor(text: Option<&str>) -> Result<Option<TimelinePoint>, Problem> {
    cursor(text, |c| match c {
        Cursor::Events { at, id } => Some(TimelinePoint { at, id }),
        _ => None,
    })
}

/// Get a call
///
/// The call's summary and voice metrics, and its events in timeline order,
/// a page at a time (follow `next_cursor`; a live call's last page has
/// one too, for what comes next, though an event arriving late with an
/// earlier time sorts before it: follow a live call with its stream).
#[utoipa::path(
    get,
    path = "/calls/{call_id}",
    tag = "calls",
    operation_id = "get_call",
    params(("call_id" = String, Path, description = "The call's id (percent-encode a `/`)"), TimelineQuery),
    responses(
        (status = 200, description = "The call and a page of its events", body = CallTimeline),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
        (status = 400, description = "The cursor does not read", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such call", body = Problem, content_type = "application/problem+json"),
        Refusals,
    )
)]
pub async fn get_call(
    State(state): State<AppState>,
    reader: Reader,
    Path(call_id): Path<String>,
    Query(params): Query<TimelineQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let after = timeline_cursor(params.cursor.as_deref())?;
    let limit = page_size(params.limit, 200, 1000);
    match call_page(&state, &reader, &call_id, after, limit).await? {
        Some(page) => Ok(json_with_etag(&headers, &page)),
        None => Err(not_found("call")),
    }
}

/// One event as `reader` may see it.
pub async fn find_event(
    state: &AppState,
    reader: &Reader,
    id: i64,
) -> Result<Option<Event>, Problem> {
    let Some(mut item) = state.store.event(id).await? else {
        return Ok(None);
    };
    if let Some(call) = state.store.call(&item.call_id).await? {
        reader.event(&call.source, &mut item);
        reader.note_unredacted(state, &call).await;
    }
    Ok(Some(Event::from(item)))
}

/// Get an event
#[utoipa::path(
    get,
    path = "/events/{event_id}",
    tag = "calls",
    operation_id = "get_event",
    params(("event_id" = i64, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The event", body = Event),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
        (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json"),
        Refusals,
    )
)]
pub async fn get_event(
    State(state): State<AppState>,
    reader: Reader,
    Path(event_id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    match find_event(&state, &reader, event_id).await? {
        Some(event) => Ok(json_with_etag(&headers, &event)),
        None => Err(not_found("event")),
    }
}

/// Get an event's raw body
///
/// The body the event was stored from, as the platform sent it (not for
/// restricted viewers' tokens). Each read is in the audit log.
#[utoipa::path(
    get,
    path = "/events/{event_id}/body",
    tag = "calls",
    operation_id = "get_event_body",
    params(("event_id" = i64, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The stored body", content_type = "application/json", body = Object),
        (status = 403, description = "The token's account may not read raw payloads", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json"),
        Refusals,
    )
)]
pub async fn get_event_body(
    State(state): State<AppState>,
    reader: Reader,
    Path(event_id): Path<i64>,
) -> Result<Response, Problem> {
    let Some(body) = state.store.event_body(event_id).await? else {
        return Err(not_found("event"));
    };
    let said = "opened the event's raw body through the API";
    let target = format!("event {event_id}");
    audit::record(
        &state.store,
        &reader.caller.actor(),
        "raw.view",
        &target,
        said,
    )
    .await;
    let kind = if serde_json::from_str::<serde::de::IgnoredAny>(&body).is_ok() {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    };
    Ok(([(header::CONTENT_TYPE, kind)], body).into_response())
}
