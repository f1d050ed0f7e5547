//! The JSON errors the webhook route answers with: `{"error", "detail"}` and
//! the status that tells the sender what to do.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::server::app::ingest::ParseError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub status: StatusCode,
    /// Short, stable reason.
    pub error: &'static str,
    /// What exactly was wrong, for the person reading the log.
    pub detail: String,
}

impl Rejection {
    pub fn too_large(limit: usize) -> Self {
        Rejection {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            error: "body too large",
            detail: format!("the body is over the limit of {limit} bytes (CALLTRAIL_BODY_LIMIT)"),
        }
    }

    pub fn content_type(got: Option<&str>) -> Self {
        Rejection {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            error: "unsupported content type",
            detail: format!(
                "expected Content-Type: application/json, got {}",
                got.map_or("none".to_string(), |c| format!("{c:?}"))
            ),
        }
    }

    pub fn not_json(e: &serde_json::Error) -> Self {
        Rejection {
            status: StatusCode::BAD_REQUEST,
            error: "invalid JSON",
            detail: e.to_string(),
        }
    }

    pub fn unprocessable(e: &ParseError) -> Self {
        Rejection {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            error: "not an event",
            detail: e.to_string(),
        }
    }

    /// 401 for missing or wrong credentials, 403 for a refused address; the
    /// detail helps a legitimate operator without saying which check failed.
    pub fn unauthenticated(status: StatusCode) -> Self {
        Rejection {
            status,
            error: "unauthenticated",
            detail: "the webhook was not accepted: check the URL (with its token) or the signing \
                     secret this sender uses; the calltrail delivery log says what failed"
                .to_string(),
        }
    }

    pub fn storage(detail: &str) -> Self {
        Rejection {
            status: StatusCode::SERVICE_UNAVAILABLE,
            error: "storage unavailable",
            detail: detail.to_string(),
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let body = Json(json!({"error": self.error, "detail": self.detail}));
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            (self.status, [(header::RETRY_AFTER, "1")], body).into_response()
        } else {
            (self.status, body).into_response()
        }
    }
}
