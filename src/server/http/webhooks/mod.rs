//! The webhook routes, and OTLP's `/v1/traces` beside them. Every request is logged as a delivery (past a rate,
//! refused ones from one address are counted instead); an event is
//! acknowledged (2xx) only once it is committed. The address allowlist and
//! the token are checked before the body is read, so a stranger failing them
//! costs no body on disk; the signature, which covers the body, after.

mod accept;
mod body;
mod headers;
mod rejection;
mod traces;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::json;

use crate::model::DeliveryOutcome;
use crate::server::app::ingest::refusal_summary;
use crate::server::app::platforms::{self, Platform};
use crate::server::app::prometheus;
use crate::server::app::webhook_auth::Incoming;
use crate::server::http::client_address::client_ip;
use crate::server::http::AppState;
use crate::server::store::{now_ms, NewDelivery, NewEvent, Stored};
use accept::{accept, Sent};
pub use rejection::Rejection;

/// The answer to a delivery once its event is stored (or found stored).
const STORED: StatusCode = StatusCode::OK;
/// Bytes of a body refused by its signature kept in the log: enough to see
/// what it was, without letting strangers fill the disk.
const UNAUTHENTICATED_BODY_KEPT: usize = 64 * 1024;

/// What became of a delivery, for the metrics: the delivery log's outcome,
/// or `None` when storage failed and the sender was told to retry.
type Outcome = Option<DeliveryOutcome>;

/// `POST /webhooks/{name}`, one route for each platform.
pub fn routes() -> Router<AppState> {
    platforms::ALL
        .iter()
        .copied()
        .fold(Router::new(), |router, platform| {
            router.route(
                &format!("/webhooks/{}", platform.source()),
                post(
                    move |State(state): State<AppState>, request: Request| async move {
                        webhook(&state, platform, request).await
                    },
                ),
            )
        })
        .route("/v1/traces", post(traces::traces))
}

/// Answers one delivery for `platform`, as its route does.
pub async fn webhook(state: &AppState, platform: Platform, request: Request) -> Response {
    let started = Instant::now();
    let (outcome, response) = receive(state, platform, request).await;
    // Every answer passes here, so each delivery is counted once.
    prometheus::webhook_answered(outcome, response.status(), started.elapsed());
    response
}

async fn receive(state: &AppState, platform: Platform, request: Request) -> (Outcome, Response) {
    let limit = body_limit(state, platform);
    let arrived = match arrive(state, platform.source(), limit, Signs::Yes, request).await {
        Ok(arrived) => arrived,
        Err(refused) => return (Some(DeliveryOutcome::Rejected), refused.into_response()),
    };
    let Arrived {
        mut delivery,
        sent,
        parts,
        client_ip,
    } = arrived;
    let incoming = Incoming {
        uri: &parts.uri,
        headers: &parts.headers,
        client_ip,
    };
    let signed =
        state
            .webhook_auth
            .check_body(&incoming, &delivery.body, delivery.received_at, platform);
    if let Err(denied) = signed {
        if delivery.body.len() > UNAUTHENTICATED_BODY_KEPT {
            delivery.body.truncate(UNAUTHENTICATED_BODY_KEPT);
            delivery.body_truncated = true;
        }
        let reason = denied.to_string();
        let refused = unproven(state, client_ip, delivery, denied.status(), &reason).await;
        return (Some(DeliveryOutcome::Rejected), refused.into_response());
    }
    match accept(state, platform, &mut delivery, &sent) {
        Ok((event, more)) => store(state, delivery, event, more).await,
        Err(rejection) => {
            // A sender that proved who it is has every refused body kept:
            // its malformed events are data to fix, not a flood to shed.
            let unproven = state.webhook_auth.checks.open().then_some(client_ip);
            let detail = rejection.detail.clone();
            refuse(state, unproven, delivery, rejection, &detail).await
        }
    }
}

/// A request that passed the checks needing no body, its body read (up to
/// the limit: past it, what arrived, marked truncated).
struct Arrived {
    delivery: NewDelivery,
    sent: Sent,
    parts: Parts,
    client_ip: Option<IpAddr>,
}

/// Whether a route's senders can sign their bodies.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Signs {
    Yes,
    /// OTLP exporters: where only signatures are asked, nothing gets in.
    No,
}

/// Reads a request to `source`'s route: the address and token checks
/// first, so a stranger failing them costs no body on disk; then the body.
/// A refusal is logged, and given back for the route to answer.
async fn arrive(
    state: &AppState,
    source: &str,
    limit: usize,
    signs: Signs,
    request: Request,
) -> Result<Arrived, Rejection> {
    let received_at = now_ms();
    let (parts, body) = request.into_parts();
    let client_ip = client_ip(&parts, state);
    let sent = Sent {
        content_type: headers::text(&parts.headers, header::CONTENT_TYPE.as_str()),
        webhook_id: headers::text(&parts.headers, "webhook-id"),
    };
    let mut delivery = NewDelivery {
        received_at,
        source: source.to_string(),
        remote_addr: client_ip.map(|ip| ip.to_string()),
        content_type: sent.content_type.as_deref().map(headers::capped),
        webhook_id: sent.webhook_id.as_deref().map(headers::capped),
        body: Vec::new(),
        body_truncated: false,
        http_status: STORED.as_u16(),
    };
    let incoming = Incoming {
        uri: &parts.uri,
        headers: &parts.headers,
        client_ip,
    };
    let checked = match signs {
        Signs::Yes => state.webhook_auth.check_sender(&incoming),
        Signs::No => state.webhook_auth.check_unsigned_sender(&incoming),
    };
    if let Err(denied) = checked {
        // Nothing of the body is kept, which the log says when there was one.
        delivery.body_truncated = may_have_body(&parts.headers);
        let reason = format!("{denied}; the body was not read");
        return Err(unproven(state, client_ip, delivery, denied.status(), &reason).await);
    }
    (delivery.body, delivery.body_truncated) =
        match body::read_limited(&parts.headers, body, limit).await {
            Ok(bytes) => (bytes, false),
            Err(body::TooLarge { prefix }) => (prefix, true),
        };
    Ok(Arrived {
        delivery,
        sent,
        parts,
        client_ip,
    })
}

/// The largest body `platform`'s route takes: `CALLTRAIL_BODY_LIMIT`, or
/// more for a platform whose deliveries carry recordings (when senders
/// prove who they are before their body is read).
fn body_limit(state: &AppState, platform: Platform) -> usize {
    let configured = state.config.body_limit;
    match platform.body_limit {
        // Read before the signature is checked: only for a sender proven by
        // its token or address.
        Some(larger) if state.webhook_auth.sender_proven() => larger.max(configured),
        _ => configured,
    }
}

/// True unless the request says its body is empty.
fn may_have_body(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        != Some(0)
}

/// Logs a delivery whose sender did not prove who it is (`status`: 401
/// or 403), its refusals counted against its address; the refusal to
/// answer with.
async fn unproven(
    state: &AppState,
    client_ip: Option<IpAddr>,
    delivery: NewDelivery,
    status: StatusCode,
    reason: &str,
) -> Rejection {
    let rejection = Rejection::unauthenticated(status);
    log_refusal(state, Some(client_ip), delivery, &rejection, reason).await;
    rejection
}

/// Logs a refused delivery (no event made) and answers the sender. A
/// sender that did not prove who it is (`unproven`: its address) has only
/// so many refusals logged a minute; past that they are counted.
async fn refuse(
    state: &AppState,
    unproven: Option<Option<IpAddr>>,
    delivery: NewDelivery,
    rejection: Rejection,
    logged_detail: &str,
) -> (Outcome, Response) {
    log_refusal(state, unproven, delivery, &rejection, logged_detail).await;
    (Some(DeliveryOutcome::Rejected), rejection.into_response())
}

/// Logs a refused delivery, as [`refuse`] does, leaving the answer to the
/// caller.
async fn log_refusal(
    state: &AppState,
    unproven: Option<Option<IpAddr>>,
    mut delivery: NewDelivery,
    rejection: &Rejection,
    logged_detail: &str,
) {
    let status = rejection.status.as_u16();
    delivery.http_status = status;
    if let Some(client_ip) = unproven {
        let admission = state
            .refusals
            .admit(client_ip, status, delivery.received_at);
        if let Some(summary) = admission.ended {
            refusal_summary::write(&state.store, summary).await;
        }
        if !admission.store {
            tracing::debug!(
                status,
                error = rejection.error,
                "delivery rejected (counted)"
            );
            return;
        }
    }
    state.redaction.refused_body(&mut delivery);
    let waited = Duration::from_secs(state.config.ack_timeout_secs);
    let logging = state
        .store
        .writer()
        .store_rejected(delivery, rejection.error, logged_detail);
    match tokio::time::timeout(waited, logging).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => tracing::error!(error = %e, "could not log a rejected delivery"),
        Err(_) => tracing::error!("a rejected delivery was not logged within the ack timeout"),
    }
    tracing::info!(status, error = rejection.error, "delivery rejected");
}

async fn store(
    state: &AppState,
    delivery: NewDelivery,
    event: NewEvent,
    more: Vec<NewEvent>,
) -> (Outcome, Response) {
    let call_id = event.call_id.clone();
    match commit(state, delivery, event, more).await {
        Ok(Committed {
            outcome,
            event_id,
            delivery_id,
        }) => {
            let body = json!({
                "status": outcome.as_str(),
                "call_id": call_id,
                "event_id": event_id,
                "delivery_id": delivery_id,
            });
            (Some(outcome), (STORED, Json(body)).into_response())
        }
        Err(rejection) => (None, rejection.into_response()),
    }
}

/// A delivery's events on disk: what became of them.
struct Committed {
    outcome: DeliveryOutcome,
    event_id: i64,
    delivery_id: i64,
}

/// Stores a delivery's events; a 503 (retry) when the database cannot.
async fn commit(
    state: &AppState,
    mut delivery: NewDelivery,
    mut event: NewEvent,
    mut more: Vec<NewEvent>,
) -> Result<Committed, Rejection> {
    let mut events: Vec<&mut NewEvent> =
        std::iter::once(&mut event).chain(more.iter_mut()).collect();
    state.redaction.on_ingest(&mut delivery, &mut events);
    let call_id = event.call_id.clone();
    let waited = Duration::from_secs(state.config.ack_timeout_secs);
    let writing = state.store.writer().store_event(delivery, event, more);
    let Ok(stored) = tokio::time::timeout(waited, writing).await else {
        // Still queued: it may commit yet, and its retry is then a duplicate.
        tracing::warn!(call_id, "an event was not committed within the ack timeout");
        return Err(Rejection::storage(&format!(
            "the database did not commit the event within {} s; retry later",
            waited.as_secs()
        )));
    };
    let (outcome, event_id, delivery_id) = match stored {
        Ok(Stored::Accepted {
            event_id,
            delivery_id,
        }) => (DeliveryOutcome::Accepted, event_id, delivery_id),
        Ok(Stored::Duplicate {
            event_id,
            delivery_id,
        }) => (DeliveryOutcome::Duplicate, event_id, delivery_id),
        Ok(Stored::Rejected { .. }) => {
            return Err(Rejection::storage("the event was not stored"));
        }
        Err(e) => {
            tracing::error!(error = %e, call_id, "could not store an event");
            return Err(Rejection::storage(
                "the database could not take the write; retry later",
            ));
        }
    };
    Ok(Committed {
        outcome,
        event_id,
        delivery_id,
    })
}
