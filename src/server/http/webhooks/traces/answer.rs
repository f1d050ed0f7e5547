//! OTLP/HTTP's answers, in the request's encoding: 200 with an export
//! response (its partial success counting the spans not taken), or a
//! failure status with a `google.rpc.Status` body (and `Retry-After` on a
//! 503, which exporters honour).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceResponse,
};
use prost::Message;
use serde::Serialize;

use super::decode::Encoding;
use crate::server::http::error::ApiError;

/// `google.rpc.Status`, which OTLP/HTTP failures carry. Not among the
/// OpenTelemetry protos, so declared here: two fields.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
struct Status {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    message: String,
}

/// 200: the spans are stored, but for `rejected` of them, as `why` says.
pub fn stored(encoding: Encoding, rejected: usize, why: &str) -> Response {
    let answer = ExportTraceServiceResponse {
        partial_success: (rejected > 0).then(|| ExportTracePartialSuccess {
            rejected_spans: i64::try_from(rejected).unwrap_or(i64::MAX),
            error_message: why.to_string(),
        }),
    };
    let body = match encoding {
        Encoding::Protobuf => answer.encode_to_vec(),
        // OTLP/JSON leaves an unset message out, as protobuf's mapping does.
        Encoding::Json if answer.partial_success.is_none() => b"{}".to_vec(),
        Encoding::Json => serde_json::to_vec(&answer).unwrap_or_default(),
    };
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, encoding.content_type())],
        body,
    )
        .into_response()
}

/// A refusal, as OTLP/HTTP answers one.
pub fn refused(encoding: Encoding, rejection: ApiError) -> Response {
    let status = Status {
        code: grpc_code(rejection.status),
        message: format!("{}: {}", rejection.error, rejection.detail),
    };
    let body = match encoding {
        Encoding::Protobuf => status.encode_to_vec(),
        Encoding::Json => serde_json::to_vec(&status).unwrap_or_default(),
    };
    let mut response = (
        rejection.status,
        [(header::CONTENT_TYPE, encoding.content_type())],
        body,
    )
        .into_response();
    if let Some(secs) = rejection.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, secs.into());
    }
    response
}

/// The gRPC code closest to an HTTP status, as `google.rpc.Status` says.
fn grpc_code(status: StatusCode) -> i32 {
    match status {
        StatusCode::BAD_REQUEST | StatusCode::UNSUPPORTED_MEDIA_TYPE => 3, // INVALID_ARGUMENT
        StatusCode::UNAUTHORIZED => 16,                                    // UNAUTHENTICATED
        StatusCode::FORBIDDEN => 7,                                        // PERMISSION_DENIED
        StatusCode::PAYLOAD_TOO_LARGE => 8,                                // RESOURCE_EXHAUSTED
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => 14, // UNAVAILABLE
        _ => 13,                                                           // INTERNAL
    }
}
