//! The API's one error shape: RFC 9457 problem details
//! (`application/problem+json`), made from the edge's [`ApiError`], so a
//! status means the same on the API as everywhere else.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::server::http::error::ApiError;

/// What went wrong (RFC 9457).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: `title` and `status` say what happened.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short and stable: what a client matches on (`not found`,
    /// `invalid token`, `not permitted`, `bad query`, …).
    pub title: String,
    /// The HTTP status, repeated.
    pub status: u16,
    /// What exactly was wrong, for the person reading it.
    pub detail: String,
    /// Seconds after which the same request may succeed (also `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u32>,
}

/// The problem content type.
pub const CONTENT_TYPE: &str = "application/problem+json";

impl From<ApiError> for Problem {
    fn from(e: ApiError) -> Self {
        Problem {
            kind: "about:blank".into(),
            title: e.error.to_string(),
            status: e.status.as_u16(),
            detail: e.detail.into_owned(),
            retry_after: e.retry_after,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry = self.retry_after;
        let mut response = (status, Json(self)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if let Some(secs) = retry {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<crate::server::store::Error> for Problem {
    fn from(e: crate::server::store::Error) -> Self {
        tracing::error!(error = %e, "an API request could not be answered from the database");
        ApiError::from(e).into()
    }
}

/// 400 `bad request`: the request itself is wrong, as `detail` says.
pub fn bad_request(error: &'static str, detail: impl Into<String>) -> Problem {
    ApiError::bad_request(error, detail.into()).into()
}

/// 404: there is no `what` with that id.
pub fn not_found(what: &str) -> Problem {
    ApiError::not_found(what).into()
}

/// A problem answer as the OpenAPI document describes it.
fn described(description: &str) -> utoipa::openapi::Response {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            CONTENT_TYPE,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

const NO_TOKEN: &str =
    "No token, or one that does not work (revoked, expired, its account disabled)";
const RATE: &str = "The token's rate is used up: retry after `Retry-After`";

/// What every API route may answer besides its own: no working token, or
/// a token past its rate.
pub struct Refusals;

impl utoipa::IntoResponses for Refusals {
    fn responses(
    ) -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::Response>> {
        utoipa::openapi::ResponsesBuilder::new()
            .response("401", described(NO_TOKEN))
            .response("429", described(RATE))
            .build()
            .into()
    }
}

/// What every route that changes something may answer besides its own:
/// [`Refusals`], and a token whose scope or account may not change things.
pub struct EditRefusals;

impl utoipa::IntoResponses for EditRefusals {
    fn responses(
    ) -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::Response>> {
        utoipa::openapi::ResponsesBuilder::new()
            .response("401", described(NO_TOKEN))
            .response(
                "403",
                described("A read token, or a token of an account that may not edit"),
            )
            .response("429", described(RATE))
            .build()
            .into()
    }
}
