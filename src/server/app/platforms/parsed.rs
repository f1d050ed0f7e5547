//! What every platform's parser makes: a delivery becomes one or more events
//! of one call, each with what identifies it (so a platform that re-sends a
//! whole history, or retries, never stores an event twice).

use serde_json::Value;

use crate::model::EventDetail;

/// An event understood well enough to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedEvent {
    pub call_id: String,
    /// Best time the event carries, in epoch ms.
    pub occurred_at: Option<i64>,
    pub seconds_from_start: Option<f64>,
    pub detail: EventDetail,
}

/// One event of a delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub event: ParsedEvent,
    /// What identifies the event within its call, for deduplication; `None`
    /// when the delivery itself does (its `webhook-id`, else its body).
    pub key: Option<String>,
    /// The part of the body the event comes from; `None` when it is the
    /// whole body.
    pub part: Option<Value>,
}

impl Item {
    /// The whole delivery as one event.
    pub fn whole(event: ParsedEvent) -> Self {
        Item {
            event,
            key: None,
            part: None,
        }
    }

    /// One event of the delivery, identified within its call by `key`.
    pub fn keyed(event: ParsedEvent, key: &str) -> Self {
        Item {
            event,
            key: Some(key.to_string()),
            part: None,
        }
    }
}

/// Why a JSON body cannot become an event (the 422 cases).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the body is JSON but not an object")]
    NotAnObject,
    #[error("no usable call_id: {0}")]
    CallId(&'static str),
    #[error("no {0} object: this route takes {1}")]
    Envelope(&'static str, &'static str),
}

const MAX_CALL_ID_LEN: usize = 200;

/// A call id as sent, checked: a non-empty string (or number) of at most
/// 200 characters with no control characters.
pub fn valid_call_id(value: Option<&Value>) -> Result<String, ParseError> {
    let id = match value {
        None | Some(Value::Null) => return Err(ParseError::CallId("the field is missing")),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => return Err(ParseError::CallId("it must be a string")),
    };
    if id.is_empty() {
        return Err(ParseError::CallId("it is empty"));
    }
    if id.len() > MAX_CALL_ID_LEN {
        return Err(ParseError::CallId("it is longer than 200 characters"));
    }
    if id.chars().any(char::is_control) {
        return Err(ParseError::CallId("it contains control characters"));
    }
    Ok(id)
}
