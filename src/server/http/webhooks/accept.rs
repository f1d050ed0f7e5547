//! What a delivery that passed the sender's checks becomes: the events to
//! store, each with its dedup key, or the reason it is refused.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::Rejection;
use crate::server::app::platforms::{Item, Platform};
use crate::server::http::AppState;
use crate::server::store::{NewDelivery, NewEvent};

/// The headers a delivery is judged by, whole (the log keeps them capped).
pub(super) struct Sent {
    pub(super) content_type: Option<String>,
    pub(super) webhook_id: Option<String>,
}

/// Checks a delivery and turns it into the events to store, or says why
/// not. A lone event takes the body: it is stored once, as the event's
/// `raw`; a delivery of several keeps it, each event the part it comes from.
pub(super) fn accept(
    state: &AppState,
    platform: Platform,
    delivery: &mut NewDelivery,
    sent: &Sent,
) -> Result<(NewEvent, Vec<NewEvent>), Rejection> {
    if delivery.body_truncated {
        return Err(Rejection::too_large(super::body_limit(state, platform)));
    }
    if !is_json_content_type(sent.content_type.as_deref()) {
        // The detail quotes the header as the log keeps it: capped.
        return Err(Rejection::content_type(delivery.content_type.as_deref()));
    }
    let value: Value =
        serde_json::from_slice(&delivery.body).map_err(|e| Rejection::not_json(&e))?;
    let mut items = platform
        .parse(&value)
        .map_err(|e| Rejection::unprocessable(&e))?
        .into_iter();
    let first = items.next().expect("a parsed delivery has an event");
    let parties = platform.parties(&value);
    let more: Vec<Item> = items.collect();
    // The whole header: two long ids that share a beginning are distinct.
    // Only an event without a key of its own needs this, and its `raw` is
    // then the whole body: the hash is taken only when it is used.
    let delivery_key = |body: &[u8]| match &sent.webhook_id {
        Some(id) => format!("webhook-id:{id}"),
        None => format!("sha256:{}", hex::encode(Sha256::digest(body))),
    };
    let event = |item: Item, raw: String| {
        let dedup_key = match &item.key {
            Some(key) => format!("{}:{}:{key}", platform.source(), item.event.call_id),
            None => delivery_key(raw.as_bytes()),
        };
        NewEvent {
            occurred_at: item.event.occurred_at.unwrap_or(delivery.received_at),
            seconds_from_start: item.event.seconds_from_start,
            call_id: item.event.call_id,
            dedup_key,
            detail: item.event.detail,
            parties: parties.clone(),
            raw,
            redactions: 0,
        }
    };
    if more.is_empty() && first.part.is_none() {
        // The body parsed as JSON, so it is valid UTF-8: no copy is made.
        let body = String::from_utf8(std::mem::take(&mut delivery.body))
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        return Ok((event(first, body), Vec::new()));
    }
    let body = String::from_utf8_lossy(&delivery.body).into_owned();
    let raw = |item: &Item| match &item.part {
        Some(part) => part.to_string(),
        None => body.clone(),
    };
    let first_raw = raw(&first);
    let more = more
        .into_iter()
        .map(|item| {
            let r = raw(&item);
            event(item, r)
        })
        .collect();
    Ok((event(first, first_raw), more))
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
