//! The reads behind `get_call`, the timeline resource and `get_event`:
//! text a model reads, bounded, with a cursor to read on.

use super::compact;
use crate::model::{Action, TimelinePoint};
use crate::server::http::api::calls::{call_page, find_event, timeline_cursor};
use crate::server::http::api::paging::Cursor;
use crate::server::http::api::problem::{bad_request, not_found, Problem};
use crate::server::http::api::reader::Reader;
use crate::server::http::AppState;
use crate::server::store::prelude::*;

/// Events read per step while filling an answer.
const STEP: i64 = 400;
/// Events shown before the one `around_event` names.
const CONTEXT: i64 = 5;

/// A call's heading (on its first part) and as many events as fit.
pub async fn timeline_text(
    state: &AppState,
    reader: &Reader,
    id: &str,
    around: Option<i64>,
    cursor: Option<&str>,
) -> Result<String, Problem> {
    let mut after = timeline_cursor(cursor)?;
    if let (None, Some(event)) = (after, around) {
        after = before_event(state, id, event).await?;
    }
    let first = cursor.is_none();
    let Some(page) = call_page(state, reader, id, after, STEP).await? else {
        return Err(not_found("call"));
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
        // A full page, or a live call's last: more follow, or may.
        None => page.next_cursor.clone(),
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
pub async fn before_event(
    state: &AppState,
    call_id: &str,
    event: i64,
) -> Result<Option<TimelinePoint>, Problem> {
    let Some(item) = state.store.event(event).await? else {
        return Err(not_found("event"));
    };
    if item.call_id != call_id {
        return Err(bad_request(
            "bad event",
            format!("event {event} is not one of call {call_id}'s"),
        ));
    }
    let at = TimelinePoint::of(&item);
    let before = state
        .store
        .timeline_window(call_id, Some(at), CONTEXT)
        .await?;
    let start = before.first().map_or(at, TimelinePoint::of);
    Ok(Some(TimelinePoint {
        at: start.at,
        id: start.id - 1,
    }))
}

pub async fn event_text(state: &AppState, reader: &Reader, id: i64) -> Result<String, Problem> {
    let Some(event) = find_event(state, reader, id).await? else {
        return Err(not_found("event"));
    };
    let understood = serde_json::to_string_pretty(&event).unwrap_or_default();
    let mut out = compact::Bounded::new();
    out.push(&format!(
        "event {id} of call {}, as calltrail understood it:",
        event.call_id
    ));
    let whole = format!("(cut: GET /api/v1/events/{id} has the event whole)");
    if !out.push_cut(&understood, &whole) {
        return Ok(out.into_text());
    }
    if !reader.caller.may(Action::ReadRaw) {
        return Ok(out.close("(the payload it was stored from is not shown: this token's account reads calls redacted)"));
    }
    let Some(body) = state.store.event_body(id).await? else {
        return Ok(out.into_text());
    };
    let target = format!("event {id}");
    let said = "opened the event's raw body through MCP";
    crate::server::app::audit::record(
        &state.store,
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
    let note = format!(
        "… (cut: the payload is {} bytes; GET /api/v1/events/{id}/body has it whole)",
        pretty.len()
    );
    out.push_cut(&pretty, &note);
    Ok(out.into_text())
}
