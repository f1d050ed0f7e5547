//! The webhook route. Every request is logged as a delivery; an event is
//! acknowledged (2xx) only once it is committed.

mod body;
pub mod infer;
mod rejection;
pub mod timestamp;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::client::client_ip;
use super::store::{now_ms, NewDelivery, NewEvent, Stored};
use super::webhook_auth::Incoming;
use super::AppState;
pub use rejection::Rejection;

const SOURCE_INFER: &str = "infer";
/// Bytes of an unauthenticated delivery's body kept in the log: enough to see
/// what it was, without letting strangers fill the disk.
const UNAUTHENTICATED_BODY_KEPT: usize = 64 * 1024;

/// `POST /webhooks/infer`
pub async fn infer_webhook(State(state): State<AppState>, request: Request) -> Response {
    let received_at = now_ms();
    let (parts, body) = request.into_parts();
    let (body, body_truncated) =
        match body::read_limited(&parts.headers, body, state.config.body_limit).await {
            Ok(bytes) => (bytes, false),
            Err(body::TooLarge { prefix }) => (prefix, true),
        };
    let client_ip = client_ip(&parts, &state);
    let mut delivery = NewDelivery {
        received_at,
        source: SOURCE_INFER.to_string(),
        remote_addr: client_ip.map(|ip| ip.to_string()),
        content_type: header_text(&parts.headers, header::CONTENT_TYPE.as_str()),
        webhook_id: header_text(&parts.headers, "webhook-id"),
        body,
        body_truncated,
    };

    let incoming = Incoming {
        uri: &parts.uri,
        headers: &parts.headers,
        client_ip,
        body: &delivery.body,
    };
    if let Err(denied) = state.webhook_auth.check(&incoming, received_at / 1000) {
        // The log keeps the reason for the operator; the sender learns only
        // that its credentials were not accepted.
        let rejection = Rejection::unauthenticated(denied.status());
        let reason = denied.to_string();
        if delivery.body.len() > UNAUTHENTICATED_BODY_KEPT {
            delivery.body.truncate(UNAUTHENTICATED_BODY_KEPT);
            delivery.body_truncated = true;
        }
        return refuse(&state, delivery, rejection, &reason).await;
    }
    match accept(&state, &delivery) {
        Ok(event) => store(&state, delivery, event).await,
        Err(rejection) => {
            let detail = rejection.detail.clone();
            refuse(&state, delivery, rejection, &detail).await
        }
    }
}

/// Logs a refused delivery (body kept, no event made) and answers the sender.
async fn refuse(
    state: &AppState,
    delivery: NewDelivery,
    rejection: Rejection,
    logged_detail: &str,
) -> Response {
    let logged = state
        .store
        .writer()
        .store_rejected(
            delivery,
            rejection.status.as_u16(),
            rejection.error,
            logged_detail,
        )
        .await;
    if let Err(e) = logged {
        tracing::error!(error = %e, "could not log a rejected delivery");
    }
    tracing::info!(
        status = rejection.status.as_u16(),
        error = rejection.error,
        "delivery rejected"
    );
    rejection.into_response()
}

/// Checks a delivery and turns it into an event to store, or says why not.
fn accept(state: &AppState, delivery: &NewDelivery) -> Result<NewEvent, Rejection> {
    if delivery.body_truncated {
        return Err(Rejection::too_large(state.config.body_limit));
    }
    if !is_json_content_type(delivery.content_type.as_deref()) {
        return Err(Rejection::content_type(delivery.content_type.as_deref()));
    }
    let value: Value =
        serde_json::from_slice(&delivery.body).map_err(|e| Rejection::not_json(&e))?;
    let parsed = infer::parse(&value).map_err(|e| Rejection::unprocessable(&e))?;
    let dedup_key = match &delivery.webhook_id {
        Some(id) => format!("webhook-id:{id}"),
        None => format!("sha256:{}", hex::encode(Sha256::digest(&delivery.body))),
    };
    Ok(NewEvent {
        occurred_at: parsed.occurred_at.unwrap_or(delivery.received_at),
        seconds_from_start: parsed.seconds_from_start,
        call_id: parsed.call_id,
        dedup_key,
        detail: parsed.detail,
        // The body parsed as JSON, so it is valid UTF-8.
        raw: String::from_utf8_lossy(&delivery.body).into_owned(),
    })
}

async fn store(state: &AppState, delivery: NewDelivery, event: NewEvent) -> Response {
    let call_id = event.call_id.clone();
    match state.store.writer().store_event(delivery, event).await {
        Ok(Stored::Accepted { event_id, delivery_id }) => (
            StatusCode::OK,
            Json(json!({"status": "accepted", "call_id": call_id, "event_id": event_id, "delivery_id": delivery_id})),
        )
            .into_response(),
        Ok(Stored::Duplicate { event_id, delivery_id }) => (
            StatusCode::OK,
            Json(json!({"status": "duplicate", "call_id": call_id, "event_id": event_id, "delivery_id": delivery_id})),
        )
            .into_response(),
        Ok(Stored::Rejected { .. }) => Rejection::storage("the event was not stored").into_response(),
        Err(e) => {
            tracing::error!(error = %e, call_id, "could not store an event");
            Rejection::storage("the database could not take the write; retry later").into_response()
        }
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string())
        .filter(|v| !v.is_empty())
}

/// `application/json`, any `+json` type, with or without parameters.
fn is_json_content_type(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else { return false };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::is_json_content_type;

    #[test]
    fn json_content_types() {
        assert!(is_json_content_type(Some("application/json")));
        assert!(is_json_content_type(Some(
            "Application/JSON; charset=utf-8"
        )));
        assert!(is_json_content_type(Some("application/cloudevents+json")));
        assert!(!is_json_content_type(Some("text/plain")));
        assert!(!is_json_content_type(Some(
            "application/x-www-form-urlencoded"
        )));
        assert!(!is_json_content_type(None));
    }
}
