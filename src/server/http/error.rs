//! The one error answer of the HTTP edge: a status that tells the client
//! what to do, the body `{"error", "detail"}` ([`ErrorBody`]), and
//! `Retry-After` whenever trying again later is the remedy. Handlers return
//! it; which status a failure gets is decided here, nowhere else.

use std::borrow::Cow;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::model::error_body::{ErrorBody, NOT_SIGNED_IN};
use crate::server::store;

/// Seconds a client is asked to wait after the database did not answer.
const STORAGE_RETRY_SECS: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    /// Short, stable reason: what a client matches on.
    pub error: &'static str,
    /// What exactly was wrong, for the person reading it.
    pub detail: Cow<'static, str>,
    /// Seconds after which the same request may succeed.
    pub retry_after: Option<u32>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        error: &'static str,
        detail: impl Into<Cow<'static, str>>,
    ) -> Self {
        ApiError {
            status,
            error,
            detail: detail.into(),
            retry_after: None,
        }
    }

    /// Asks the client to try again after `secs` seconds.
    pub fn retry_after(mut self, secs: u32) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// 404: there is no `what` with the id asked for.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not found",
            format!("there is no {what} with that id"),
        )
    }

    /// 401: the request needs a session.
    pub fn not_signed_in() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            NOT_SIGNED_IN,
            "sign in at /login first",
        )
    }

    /// 503: the database (under `error`, e.g. "storage unavailable") did
    /// not answer; retry shortly.
    pub fn unavailable(error: &'static str) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            error,
            "the database does not answer; retry",
        )
        .retry_after(STORAGE_RETRY_SECS)
    }

    /// 400: the request itself is wrong, as `detail` says.
    pub fn bad_request(error: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error, detail)
    }

    /// 403: refused whoever asks this way.
    pub fn forbidden(error: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::FORBIDDEN, error, detail)
    }

    /// 429: too many at once; retry after `secs`.
    pub fn busy(error: &'static str, detail: impl Into<Cow<'static, str>>, secs: u32) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, error, detail).retry_after(secs)
    }
}

/// A store failure as the client sees it: 503 with `Retry-After` when the
/// database may answer again soon, 409 for a conflicting change, else 500.
/// What went wrong is logged by whoever turns it into a response.
impl From<store::Error> for ApiError {
    fn from(e: store::Error) -> Self {
        match e {
            store::Error::Unavailable(_) => ApiError::unavailable("storage unavailable"),
            store::Error::Conflict(_) => ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                "the change conflicts with what is stored",
            ),
            store::Error::Corrupt(_) | store::Error::Failed(_) => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "storage failed",
                "the database could not do this; the server log has details",
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(ErrorBody {
            error: self.error.to_string(),
            detail: self.detail.into_owned(),
        });
        match self.retry_after {
            Some(secs) => {
                (self.status, [(header::RETRY_AFTER, secs.to_string())], body).into_response()
            }
            None => (self.status, body).into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn answer(error: ApiError) -> (StatusCode, Option<String>, ErrorBody) {
        let response = error.into_response();
        let status = response.status();
        let retry = response
            .headers()
            .get(header::RETRY_AFTER)
            .map(|v| v.to_str().unwrap().to_string());
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        (status, retry, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test]
    async fn each_kind_of_error_has_its_status() {
        let cases = [
            (ApiError::not_found("event"), 404, None, "not found"),
            (ApiError::not_signed_in(), 401, None, "not signed in"),
            (
                ApiError::unavailable("sessions unavailable"),
                503,
                Some("1"),
                "sessions unavailable",
            ),
            (
                ApiError::bad_request("bad export request", "no"),
                400,
                None,
                "bad export request",
            ),
            (
                ApiError::forbidden("forbidden", "no"),
                403,
                None,
                "forbidden",
            ),
            (ApiError::busy("busy", "later", 5), 429, Some("5"), "busy"),
        ];
        for (error, status, retry, code) in cases {
            let (got, got_retry, body) = answer(error).await;
            assert_eq!(got.as_u16(), status, "{code}");
            assert_eq!(got_retry.as_deref(), retry, "{code}");
            assert_eq!(body.error, code);
            assert!(!body.detail.is_empty());
        }
    }

    #[tokio::test]
    async fn store_errors_answer_by_what_the_client_can_do() {
        let unavailable = ApiError::from(store::Error::Unavailable("pool timed out".into()));
        let (status, retry, body) = answer(unavailable).await;
        assert_eq!((status.as_u16(), retry.as_deref()), (503, Some("1")));
        assert_eq!(body.error, "storage unavailable");
        let corrupt = ApiError::from(store::Error::corrupt("unknown call status \"x\""));
        let (status, retry, body) = answer(corrupt).await;
        assert_eq!((status.as_u16(), retry), (500, None));
        assert!(
            !body.detail.contains("unknown call status"),
            "internals stay in the log"
        );
    }
}
