//! The voice platforms calltrail takes webhooks from, and what their
//! parsers share: a delivery becomes one or more events of one call, each
//! with what identifies it (so a platform that re-sends a whole history, or
//! retries, never stores an event twice).

use serde_json::Value;

use super::{infer, retell, vapi};
use crate::model::EventDetail;

/// A platform, by the route its webhooks arrive on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    Infer,
    Vapi,
    Retell,
}

impl Platform {
    pub const ALL: [Platform; 3] = [Platform::Infer, Platform::Vapi, Platform::Retell];

    /// The name stored with its deliveries and calls, and its route's last segment.
    pub fn source(self) -> &'static str {
        match self {
            Platform::Infer => "infer",
            Platform::Vapi => "vapi",
            Platform::Retell => "retell",
        }
    }

    /// The platform a stored `source` names.
    pub fn from_source(source: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.source() == source)
    }

    /// What a delivery's JSON becomes: never empty.
    pub fn parse(self, body: &Value) -> Result<Vec<Item>, ParseError> {
        match self {
            Platform::Infer => Ok(vec![Item::whole(infer::parse(body)?)]),
            Platform::Vapi => vapi::parse(body),
            Platform::Retell => retell::parse(body),
        }
    }
}

impl From<crate::server::config::SimulatedPlatform> for Platform {
    fn from(p: crate::server::config::SimulatedPlatform) -> Self {
        use crate::server::config::SimulatedPlatform as S;
        match p {
            S::Infer => Platform::Infer,
            S::Vapi => Platform::Vapi,
            S::Retell => Platform::Retell,
        }
    }
}

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

/// The platforms' fixtures (`tests/fixtures/<platform>/`), for the parsers' tests.
#[cfg(test)]
pub mod fixtures {
    use serde_json::Value;

    fn dir(platform: &str) -> String {
        format!("{}/tests/fixtures/{platform}", env!("CARGO_MANIFEST_DIR"))
    }

    /// `tests/fixtures/<platform>/<name>.json`, parsed.
    pub fn load(platform: &str, name: &str) -> Value {
        let path = format!("{}/{name}.json", dir(platform));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_str(&text).expect("fixture is JSON")
    }

    /// The dedup keys of the events a fixture of `platform` makes, in order.
    pub fn keys(platform: super::Platform, name: &str) -> Vec<String> {
        platform
            .parse(&load(platform.source(), name))
            .unwrap()
            .into_iter()
            .filter_map(|i| i.key)
            .collect()
    }

    /// The names of every fixture of `platform`.
    pub fn names(platform: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir(platform))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter_map(|n| n.strip_suffix(".json").map(str::to_string))
            .collect();
        names.sort();
        names
    }
}
