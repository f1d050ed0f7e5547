//! Reading a request body up to a limit while keeping what arrived, so even an
//! oversized delivery leaves its beginning in the delivery log.

use axum::body::Body;
use axum::http::{header, HeaderMap};
use futures::StreamExt;

/// The body passed the limit; `prefix` holds its first `limit` bytes (empty
/// when the declared length alone was too large).
pub struct TooLarge {
    pub prefix: Vec<u8>,
}

pub async fn read_limited(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Vec<u8>, TooLarge> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(TooLarge { prefix: Vec::new() });
    }
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    while let Some(chunk) = stream.next().await {
        // A broken connection leaves what arrived; parsing then says what is wrong.
        let Ok(chunk) = chunk else { break };
        if buf.len() + chunk.len() > limit {
            let room = limit - buf.len();
            buf.extend_from_slice(&chunk[..room]);
            return Err(TooLarge { prefix: buf });
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}
