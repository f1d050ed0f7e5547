//! `POST /v1/traces`: OTLP/HTTP trace exports from the frameworks that
//! trace their calls (LiveKit Agents, Pipecat). Authenticated and logged as
//! a webhook is; each span's events stored before the 200, a retried span
//! stored once. A body that is not an export is a 400, a type OTLP does not
//! define a 415, an oversized one a 413, a database that cannot take the
//! write a 503 with `Retry-After`; spans of no framework calltrail reads
//! are counted as rejected in the 200's partial success, and logged.

mod answer;
mod decode;

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::{arrive, commit, log_refusal, Arrived, Outcome, Rejection, Sent, Signs};
use crate::model::{DeliveryOutcome, Parties};
use crate::server::app::platforms::spans::{self, Mapped, OTLP};
use crate::server::app::platforms::TRACERS;
use crate::server::app::prometheus;
use crate::server::http::AppState;
use crate::server::store::prelude::*;
use crate::server::store::{NewDelivery, NewEvent};
use decode::Encoding;

/// The route's handler.
pub async fn traces(State(state): State<AppState>, request: Request) -> Response {
    let started = Instant::now();
    let (outcome, response) = receive(&state, request).await;
    prometheus::webhook_answered(outcome, response.status(), started.elapsed());
    response
}

async fn receive(state: &AppState, request: Request) -> (Outcome, Response) {
    // Failures answer in the request's encoding, JSON when it names none.
    let encoding = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| Encoding::of(v.to_str().ok()))
        .unwrap_or(Encoding::Json);
    let limit = state.config.body_limit;
    let Arrived {
        mut delivery,
        sent,
        parts,
        client_ip,
    } = match arrive(state, OTLP, limit, Signs::No, request).await {
        Ok(arrived) => arrived,
        Err(refused) => {
            let answer = answer::refused(encoding, refused);
            return (Some(DeliveryOutcome::Rejected), answer);
        }
    };
    let unproven = state.webhook_auth.checks.open().then_some(client_ip);
    let mut mapped = match read(state, &parts.headers, &mut delivery, &sent) {
        Ok(mapped) => mapped,
        Err(rejection) => {
            let detail = rejection.detail.clone();
            log_refusal(state, unproven, delivery, &rejection, &detail).await;
            return (
                Some(DeliveryOutcome::Rejected),
                answer::refused(encoding, rejection),
            );
        }
    };
    let why = match mapped.rejected {
        0 => String::new(),
        n => format!(
            "{n} span(s) from no framework calltrail reads ({}), or without the ids and start \
             time OTLP requires; the calltrail delivery log keeps the export",
            frameworks()
        ),
    };
    let rejected = mapped.rejected;
    let unmapped = std::mem::take(&mut mapped.unmapped);
    let Some(tracer) = mapped.tracer.filter(|_| !mapped.items.is_empty()) else {
        // Valid, but nothing calltrail can show (no span, or none of a
        // framework it reads): logged, and said so.
        let said = match rejected {
            0 => "the export holds no spans".to_string(),
            _ => why.clone(),
        };
        let none = Rejection::new(StatusCode::OK, "no known spans", said.clone());
        log_refusal(state, unproven, delivery, &none, &said).await;
        return (
            Some(DeliveryOutcome::Rejected),
            answer::stored(encoding, rejected, &why),
        );
    };
    delivery.source = tracer.info.name.to_string();
    let mut events = new_events(&delivery, mapped).into_iter();
    let first = events.next().expect("each item is an event");
    match commit(state, delivery, first, events.collect()).await {
        Ok(committed) => {
            // The report is a diagnosis, not the delivery: a failure to
            // add to it is logged, and the spans stay acknowledged. A
            // retried export is not counted again.
            let fresh = committed.outcome == DeliveryOutcome::Accepted;
            let noted = match fresh {
                true => state.store.note_unmapped(&unmapped).await,
                false => Ok(()),
            };
            if let Err(e) = noted {
                tracing::warn!(error = %e, "could not add to the unmapped report");
            }
            (
                Some(committed.outcome),
                answer::stored(encoding, rejected, &why),
            )
        }
        Err(rejection) => (None, answer::refused(encoding, rejection)),
    }
}

/// The export a delivery holds, mapped; its log keeps it as JSON (a
/// protobuf export is logged in OTLP's JSON form, which a person can read).
fn read(
    state: &AppState,
    headers: &HeaderMap,
    delivery: &mut NewDelivery,
    sent: &Sent,
) -> Result<Mapped, Rejection> {
    let limit = state.config.body_limit;
    if delivery.body_truncated {
        return Err(Rejection::too_large(limit));
    }
    let encoding = decode::encoding(sent.content_type.as_deref())?;
    let body = decode::decompress(headers, &delivery.body, limit)?;
    let request = decode::request(encoding, &body)?;
    let spans = spans::span_count(&request);
    if spans > spans::MAX_SPANS {
        return Err(Rejection::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too many spans",
            format!(
                "{spans} spans in one export; calltrail takes up to {} (lower the exporter's batch size)",
                spans::MAX_SPANS
            ),
        ));
    }
    delivery.body = match encoding {
        Encoding::Json => body,
        Encoding::Protobuf => serde_json::to_vec(&request).unwrap_or(body),
    };
    let join = state.config.trace_call_attribute.as_deref();
    Ok(spans::map(&request, delivery.received_at, join))
}

/// The frameworks `/v1/traces` reads, by name: "LiveKit Agents, Pipecat".
fn frameworks() -> String {
    let labels: Vec<&str> = TRACERS.iter().map(|t| t.info.label.as_ref()).collect();
    labels.join(", ")
}

/// The events to store, each keyed within its call by the span it comes
/// from. An export that makes one event is stored once, as that event's
/// `raw` (as a webhook's lone event is): there, the whole export.
fn new_events(delivery: &NewDelivery, mut mapped: Mapped) -> Vec<NewEvent> {
    if let [item] = &mut mapped.items[..] {
        item.part = None;
    }
    mapped
        .items
        .into_iter()
        .map(|item| {
            let call_id = item.event.call_id;
            let key = item.key.unwrap_or_default();
            NewEvent {
                dedup_key: format!("{}:{call_id}:{key}", delivery.source),
                occurred_at: item.event.occurred_at.unwrap_or(delivery.received_at),
                seconds_from_start: item.event.seconds_from_start,
                detail: item.event.detail,
                parties: Parties::default(),
                raw: item.part.map_or_else(
                    || String::from_utf8_lossy(&delivery.body).into_owned(),
                    |p| p.to_string(),
                ),
                call_id,
                redactions: 0,
            }
        })
        .collect()
}
