//! An OTLP/HTTP trace export as sent: protobuf or JSON, gzip-compressed or
//! not, read into the collector's request type.

use std::io::Read;

use axum::http::{header, HeaderMap, StatusCode};
use flate2::read::GzDecoder;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

use crate::server::app::platforms::spans;
use crate::server::http::error::ApiError;

/// The two encodings OTLP/HTTP defines; an answer uses the request's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Protobuf,
    Json,
}

impl Encoding {
    /// The encoding a `Content-Type` names; `None` for any other type.
    pub fn of(content_type: Option<&str>) -> Option<Encoding> {
        let essence = content_type?.split(';').next()?.trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/x-protobuf" | "application/protobuf" => Some(Encoding::Protobuf),
            "application/json" => Some(Encoding::Json),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Encoding::Protobuf => "application/x-protobuf",
            Encoding::Json => "application/json",
        }
    }
}

/// The request's encoding, or 415 naming the two OTLP takes.
pub fn encoding(content_type: Option<&str>) -> Result<Encoding, ApiError> {
    Encoding::of(content_type).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported content type",
            format!(
                "OTLP/HTTP takes Content-Type: application/x-protobuf or application/json, got {}",
                content_type.map_or("none".to_string(), |c| format!("{c:?}"))
            ),
        )
    })
}

/// The body without its `Content-Encoding`: gzip is undone (to at most
/// `limit` bytes, else 413), identity kept, anything else refused.
pub fn decompress(headers: &HeaderMap, body: &[u8], limit: usize) -> Result<Vec<u8>, ApiError> {
    let coding = headers.get(header::CONTENT_ENCODING).map(|v| {
        String::from_utf8_lossy(v.as_bytes())
            .trim()
            .to_ascii_lowercase()
    });
    match coding.as_deref() {
        None | Some("") | Some("identity") => Ok(body.to_vec()),
        Some("gzip") => {
            let mut out = Vec::new();
            GzDecoder::new(body)
                .take(limit as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| {
                    ApiError::bad_request(
                        "invalid gzip",
                        format!("the gzip body does not decompress: {e}"),
                    )
                })?;
            if out.len() > limit {
                return Err(ApiError::too_large(limit));
            }
            Ok(out)
        }
        Some(other) => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported content encoding",
            format!("Content-Encoding {other:?}: OTLP/HTTP sends gzip or nothing"),
        )),
    }
}

/// The export request a body holds, or 400 saying why it does not.
pub fn request(encoding: Encoding, body: &[u8]) -> Result<ExportTraceServiceRequest, ApiError> {
    match encoding {
        Encoding::Protobuf => ExportTraceServiceRequest::decode(body).map_err(|e| {
            ApiError::bad_request("invalid protobuf", format!("not an OTLP trace export: {e}"))
        }),
        Encoding::Json => spans::from_json(body).map_err(|e| {
            ApiError::bad_request(
                "invalid JSON",
                format!("not an OTLP/JSON trace export: {e}"),
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::write::GzEncoder;
    use flate2::Compression;

    use super::*;

    #[test]
    fn the_two_otlp_content_types_and_nothing_else() {
        assert_eq!(
            Encoding::of(Some("application/x-protobuf")),
            Some(Encoding::Protobuf)
        );
        assert_eq!(
            Encoding::of(Some("Application/JSON; charset=utf-8")),
            Some(Encoding::Json)
        );
        assert_eq!(Encoding::of(Some("text/plain")), None);
        assert_eq!(
            encoding(None).unwrap_err().status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
    }

    #[test]
    fn gzip_is_undone_within_the_limit() {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(&[b'a'; 1000]).unwrap();
        let body = gz.finish().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_ENCODING, "gzip".parse().unwrap());
        assert_eq!(decompress(&headers, &body, 1000).unwrap().len(), 1000);
        assert_eq!(
            decompress(&headers, &body, 999).unwrap_err().status,
            StatusCode::PAYLOAD_TOO_LARGE
        );
        assert_eq!(
            decompress(&headers, b"not gzip", 1000).unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
        headers.insert(header::CONTENT_ENCODING, "br".parse().unwrap());
        assert_eq!(
            decompress(&headers, b"", 1000).unwrap_err().status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
    }

    #[test]
    fn bad_bodies_are_400s() {
        assert_eq!(
            request(Encoding::Json, b"{").unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            request(Encoding::Protobuf, &[0xff, 0xff])
                .unwrap_err()
                .status,
            StatusCode::BAD_REQUEST
        );
        let empty = request(Encoding::Json, b"{}").unwrap();
        assert!(empty.resource_spans.is_empty());
    }
}
