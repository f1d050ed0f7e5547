//! Why the webhook route refuses a delivery, and the status that tells the
//! sender what to do (a 503 asks it to retry).

use axum::http::StatusCode;

use crate::server::app::platforms::ParseError;
use crate::server::http::error::ApiError;

/// A refused delivery: the edge's one error type, with the webhook's own
/// reasons below.
pub type Rejection = ApiError;

impl ApiError {
    pub fn too_large(limit: usize) -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body too large",
            format!("the body is over the limit of {limit} bytes (CALLTRAIL_BODY_LIMIT)"),
        )
    }

    pub fn content_type(got: Option<&str>) -> Self {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported content type",
            format!(
                "expected Content-Type: application/json, got {}",
                got.map_or("none".to_string(), |c| format!("{c:?}"))
            ),
        )
    }

    pub fn not_json(e: &serde_json::Error) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid JSON", e.to_string())
    }

    pub fn unprocessable(e: &ParseError) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not an event",
            e.to_string(),
        )
    }

    /// 401 for missing or wrong credentials, 403 for a refused address; the
    /// detail helps a legitimate operator without saying which check failed.
    pub fn unauthenticated(status: StatusCode) -> Self {
        ApiError::new(
            status,
            "unauthenticated",
            "the webhook was not accepted: check the URL (with its token) or the signing \
             secret this sender uses; the calltrail delivery log says what failed",
        )
    }

    /// 503 with `Retry-After`: the event could not be stored now.
    pub fn storage(detail: &str) -> Self {
        ApiError {
            detail: detail.to_string().into(),
            ..ApiError::unavailable("storage unavailable")
        }
    }
}
