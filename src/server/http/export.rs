//! `GET /export?q=…&format=csv|json|jsonl`: exactly what a calls-list query
//! selects, streamed page by page (memory stays flat whatever the size):
//! calls as CSV or a JSON array, or their events as JSON lines.

use async_stream::stream;
use axum::body::{Body, Bytes};
use axum::extract::{Query as Params, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::model::export::valid_progress_id;
use crate::model::format::iso;
use crate::model::query::Query;
use crate::model::review::ReviewMarks;
use crate::model::{CallSummary, Sort, TimelineItem};
use std::sync::Arc;

use crate::server::app::audit;
use crate::server::app::export_progress::Tracker;
use crate::server::app::redaction::Redaction;
use crate::server::http::auth::actor::Acting;
use crate::server::http::error::ApiError;
use crate::server::http::page_data::restricted::lens_of;
use crate::server::http::AppState;
use crate::server::store::prelude::*;
use crate::server::store::{now_ms, SearchAt, SearchFrom, Store};

/// Calls read per step.
const CALLS_PER_STEP: i64 = 500;
/// Events of one call read per step, at most.
const EVENTS_PER_STEP: i64 = 2_000;
/// Stored text of one call's events read per step, at most (at least one
/// event): events may be 1 MiB each, so a count alone could hold gigabytes.
const STEP_BYTES: i64 = 8 * 1024 * 1024;

#[derive(Deserialize)]
pub struct ExportParams {
    #[serde(default)]
    q: String,
    format: Option<String>,
    /// An id the page gave this export, to follow its progress by.
    progress: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Json,
    Jsonl,
}

pub async fn export(
    State(state): State<AppState>,
    acting: Acting,
    Params(params): Params<ExportParams>,
) -> Response {
    let format = match params.format.as_deref().unwrap_or("csv") {
        "csv" => Format::Csv,
        "json" => Format::Json,
        "jsonl" => Format::Jsonl,
        other => return refuse(format!("unknown format {other:?}: use csv, json or jsonl")),
    };
    let query = match Query::parse(&params.q) {
        Ok(q) => q,
        Err(e) => return refuse(format!("the query cannot be read: {e}")),
    };
    let at = SearchAt {
        now_ms: now_ms(),
        stale_after_ms: state.stale_after_ms(),
    };
    let (kind, name) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "calltrail-calls.csv"),
        Format::Json => ("application/json", "calltrail-calls.json"),
        Format::Jsonl => ("application/x-ndjson", "calltrail-events.jsonl"),
    };
    let tracker = match params.progress {
        Some(id) if valid_progress_id(&id) => match state.store.count_calls(&query, at).await {
            Ok(total) => Some(state.exports.start(id, total)),
            Err(e) => {
                tracing::error!(error = %e, "counting an export's calls failed");
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "could not read the calls",
                )
                    .into_response();
            }
        },
        Some(_) => return refuse("a progress id is 1 to 40 letters and digits".into()),
        None => None,
    };
    let what = match format {
        Format::Csv => "calls as CSV",
        Format::Json => "calls as JSON",
        Format::Jsonl => "events as JSON lines",
    };
    let said = format!("exported the {what} of the query {:?}", params.q);
    audit::record(
        &state.store,
        &acting.actor,
        "export.calls",
        &params.q,
        &said,
    )
    .await;
    // A restricted viewer's export is redacted as their pages are.
    let restricted = lens_of(&state, &acting.user);
    let body = Body::from_stream(chunks(
        state.store.clone(),
        (query, at),
        format,
        tracker,
        restricted,
    ));
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

fn refuse(detail: String) -> Response {
    ApiError::bad_request("bad export request", detail).into_response()
}

/// The export, a step of calls at a time. A storage failure midway ends the
/// stream with an error, so the download fails rather than looking complete.
fn chunks(
    store: Store,
    (query, at): (Query, SearchAt),
    format: Format,
    tracker: Option<Tracker>,
    restricted: Option<Arc<Redaction>>,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> {
    stream! {
        match format {
            Format::Csv => yield Ok(Bytes::from(csv_line(&CSV_HEADER.map(String::from)))),
            Format::Json => yield Ok(Bytes::from_static(b"[")),
            Format::Jsonl => {}
        }
        let mut from = SearchFrom::Offset(0, Sort::default());
        let mut first = true;
        loop {
            let mut hits = match store.search_calls(&query, at, from, CALLS_PER_STEP).await {
                Ok(hits) => hits,
                Err(e) => {
                    yield Err(std::io::Error::other(e));
                    return;
                }
            };
            let done = (hits.len() as i64) < CALLS_PER_STEP;
            // Keyset, not offset: calls arriving meanwhile shift nothing.
            from = match hits.last() {
                Some(last) => SearchFrom::After(last.call.started_at, last.call.call_id.clone()),
                None => SearchFrom::Offset(0, Sort::default()),
            };
            let mut out = String::new();
            if let Some(r) = &restricted {
                for hit in &mut hits {
                    r.call_for_restricted(&mut hit.call);
                }
            }
            let ids: Vec<String> = hits.iter().map(|h| h.call.call_id.clone()).collect();
            let marks = match format {
                Format::Jsonl => Default::default(),
                _ => match store.review_marks(&ids).await {
                    Ok(marks) => marks,
                    Err(e) => {
                        yield Err(std::io::Error::other(e));
                        return;
                    }
                },
            };
            let none = ReviewMarks::default();
            for hit in &hits {
                let review = marks.get(&hit.call.call_id).unwrap_or(&none);
                match format {
                    Format::Csv => out.push_str(&csv_line(&csv_row(&hit.call, review))),
                    Format::Json => {
                        if !first {
                            out.push(',');
                        }
                        let row = ExportedCall { call: &hit.call, review };
                        out.push_str(&serde_json::to_string(&row).unwrap_or_default());
                    }
                    Format::Jsonl => {
                        let mut after = 0;
                        loop {
                            let step = store
                                .events_after_within(&hit.call.call_id, after, EVENTS_PER_STEP, STEP_BYTES)
                                .await;
                            let (mut events, more) = match step {
                                Ok(step) => step,
                                Err(e) => {
                                    yield Err(std::io::Error::other(e));
                                    return;
                                }
                            };
                            if let Some(r) = &restricted {
                                for event in &mut events {
                                    r.item_for_restricted(&hit.call.source, event);
                                }
                            }
                            for event in &events {
                                out.push_str(&event_line(event));
                            }
                            match events.last() {
                                Some(last) if more => after = last.id,
                                _ => break,
                            }
                            yield Ok(Bytes::from(std::mem::take(&mut out)));
                        }
                    }
                }
                first = false;
            }
            if !out.is_empty() {
                yield Ok(Bytes::from(out));
            }
            if let Some(tracker) = &tracker {
                tracker.wrote(hits.len() as i64);
            }
            if done {
                break;
            }
        }
        if format == Format::Json {
            yield Ok(Bytes::from_static(b"]\n"));
        }
        if let Some(tracker) = tracker {
            tracker.finish();
        }
    }
}

pub(crate) const CSV_HEADER: [&str; 23] = [
    "call_id",
    "source",
    "status",
    "started_at",
    "ended_at",
    "duration_s",
    "ended_by",
    "end_reason",
    "events",
    "turns",
    "tool_calls",
    "tool_errors",
    "hangs",
    "interruptions",
    "transfers",
    "headline",
    "caller",
    "agent",
    "recording_url",
    "flags",
    "score",
    "reviewed_by",
    "notes",
];

/// A call's CSV record: its row, then what reviewers concluded (flag
/// reasons and reviewers space-separated, the mean score).
pub(crate) fn csv_row(c: &CallSummary, review: &ReviewMarks) -> [String; 23] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        c.call_id.clone(),
        c.source.clone(),
        c.status.as_str().to_string(),
        iso(c.started_at),
        c.ended_at.map(iso).unwrap_or_default(),
        c.duration_ms
            .or(c.ended_at.map(|e| e - c.started_at))
            .map(|ms| format!("{:.1}", ms as f64 / 1000.0))
            .unwrap_or_default(),
        opt(&c.ended_by),
        opt(&c.end_reason),
        c.n_events.to_string(),
        c.n_messages.to_string(),
        c.n_tool_calls.to_string(),
        c.n_tool_errors.to_string(),
        c.n_hangs.to_string(),
        c.n_interruptions.to_string(),
        c.n_transfers.to_string(),
        c.headline().unwrap_or_default().to_string(),
        opt(&c.caller),
        opt(&c.agent),
        opt(&c.recording_url),
        review.flags.join(" "),
        review.score_text(),
        review.reviewed_by.join(" "),
        review.notes.to_string(),
    ]
}

/// A call as the JSON export writes it: its row and its review.
#[derive(serde::Serialize)]
struct ExportedCall<'a> {
    #[serde(flatten)]
    call: &'a CallSummary,
    review: &'a ReviewMarks,
}

/// One CSV record (RFC 4180): a field with a comma, quote or line break is
/// quoted, its quotes doubled (a dozen lines do not need the `csv` crate).
/// A field a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or
/// carriage return first) is prefixed with `'`: callers' words are data.
pub(crate) fn csv_line(fields: &[String]) -> String {
    let mut line = fields
        .iter()
        .map(|f| {
            let f = &if f.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{f}")
            } else {
                f.clone()
            };
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// One event as a JSON line: what calltrail made of it and the body as sent.
/// Every time in it is ISO 8601 UTC (a report's start too).
fn event_line(e: &TimelineItem) -> String {
    let mut detail = json!(e.detail);
    if let Some(at) = detail.get_mut("started_at") {
        if let Some(ms) = at.as_i64() {
            *at = json!(iso(ms));
        }
    }
    let mut line = json!({
        "id": e.id,
        "call_id": e.call_id,
        "kind": e.detail.kind(),
        "occurred_at": iso(e.occurred_at),
        "seconds_from_start": e.seconds_from_start,
        "received_at": iso(e.received_at),
        "detail": detail,
        "raw": e.raw,
    })
    .to_string();
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::csv_line;

    #[test]
    fn csv_quotes_only_what_needs_it() {
        let line = csv_line(&[
            "a".into(),
            "b,c".into(),
            "say \"hi\"".into(),
            "two\nlines".into(),
            "".into(),
        ]);
        assert_eq!(line, "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n");
        let formulas = csv_line(&["=1+1".into(), "@SUM(A1)".into(), "-2".into(), "+x".into()]);
        assert_eq!(formulas, "'=1+1,'@SUM(A1),'-2,'+x\r\n");
    }
}
