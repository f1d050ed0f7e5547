//! Cursors and `ETag`s: how the API pages through lists and lets a client
//! skip a read that has not changed.
//!
//! A cursor is opaque to clients (base64 of a small JSON value) and tied to
//! the list it came from: the calls list by start keeps its place by the
//! last call's start and id (new calls never shift it); sorted by a metric,
//! it keeps an offset (a metric changes as calls are measured, so no key
//! would hold still either); timelines and the delivery log by their last
//! row.

use axum::http::header::{ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::problem::{bad_request, Problem};

/// Where the next page of a list starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
pub enum Cursor {
    /// Calls by start, newest first: after this call.
    CallsAfter { started_at: i64, call_id: String },
    /// Calls in another order (`sort`, as asked): skip this many.
    CallsOffset { sort: String, offset: i64 },
    /// A timeline: after this place.
    Events { at: i64, id: i64 },
    /// The delivery log: before this row.
    DeliveriesBefore { id: i64 },
    /// Alerts: skip this many.
    AlertsOffset { offset: i64 },
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("a cursor serializes"))
    }

    /// Reads a cursor a client sent back; a broken one (or one that
    /// could not have come from here, like a negative offset) is the
    /// client's error.
    pub fn decode(text: &str) -> Result<Cursor, Problem> {
        URL_SAFE_NO_PAD
            .decode(text.trim())
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Cursor>(&bytes).ok())
            .filter(|cursor| match cursor {
                Cursor::CallsOffset { offset, .. } | Cursor::AlertsOffset { offset } => {
                    *offset >= 0
                }
                _ => true,
            })
            .ok_or_else(|| {
                bad_request(
                    "bad cursor",
                    "the cursor is not one this server gave out; start again without it",
                )
            })
    }
}

/// A cursor the request may carry, which must be one of the kinds `want` accepts.
pub fn cursor<T>(
    text: Option<&str>,
    want: impl FnOnce(Cursor) -> Option<T>,
) -> Result<Option<T>, Problem> {
    match text.filter(|t| !t.trim().is_empty()) {
        None => Ok(None),
        Some(text) => want(Cursor::decode(text)?).map(Some).ok_or_else(|| {
            bad_request(
                "bad cursor",
                "the cursor belongs to another list or order; start again without it",
            )
        }),
    }
}

/// Rows per page: `limit` when asked for (at least 1, at most `max`), else `default`.
pub fn page_size(limit: Option<u32>, default: u32, max: u32) -> i64 {
    i64::from(limit.unwrap_or(default).clamp(1, max))
}

/// `value` as JSON with a strong `ETag` (a hash of the body); `304 Not
/// Modified` when the client's `If-None-Match` names it.
pub fn json_with_etag<T: Serialize>(headers: &HeaderMap, value: &T) -> Response {
    let body = serde_json::to_vec(value).expect("an API answer serializes");
    let tag = format!("\"{}\"", hex::encode(&Sha256::digest(&body)[..16]));
    let tag_value = HeaderValue::from_str(&tag).expect("hex is a header value");
    let matches = headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| {
            let t = t.trim();
            t == "*" || t.trim_start_matches("W/") == tag
        });
    if matches {
        return (StatusCode::NOT_MODIFIED, [(ETAG, tag_value)]).into_response();
    }
    (
        [
            (ETAG, tag_value),
            (
                axum::http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
        ],
        body,
    )
        .into_response()
}

/// A JSON body a client sent, with a problem that says what is wrong.
pub fn json_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    serde_json::from_slice(bytes)
        .map_err(|e| bad_request("bad body", format!("the JSON body does not read: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_strangers() {
        let c = Cursor::CallsAfter {
            started_at: 5,
            call_id: "a/b c".into(),
        };
        assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        assert!(Cursor::decode("not a cursor").is_err());
        let forged = Cursor::AlertsOffset { offset: -5 }.encode();
        assert!(Cursor::decode(&forged).is_err());
        let other = Cursor::Events { at: 1, id: 2 }.encode();
        let calls = cursor(Some(&other), |c| match c {
            Cursor::CallsAfter { .. } => Some(()),
            _ => None,
        });
        assert_eq!(calls.unwrap_err().status, 400);
    }

    #[test]
    fn an_unchanged_answer_is_not_sent_again() {
        let first = json_with_etag(&HeaderMap::new(), &[1, 2, 3]);
        assert_eq!(first.status(), StatusCode::OK);
        let tag = first.headers()[ETAG].clone();
        let mut headers = HeaderMap::new();
        headers.insert(IF_NONE_MATCH, tag);
        assert_eq!(
            json_with_etag(&headers, &[1, 2, 3]).status(),
            StatusCode::NOT_MODIFIED
        );
        assert_eq!(json_with_etag(&headers, &[1, 2]).status(), StatusCode::OK);
    }
}
