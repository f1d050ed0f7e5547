//! What the platforms' own proofs that a delivery came from them share: the
//! configured secrets, why a proof was refused, and the checks of time and
//! digest every scheme makes. Each scheme is in its platform's folder
//! (`vapi/proof.rs`, `retell/proof.rs`).

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

pub use crate::server::config::PlatformKeys;

/// How far a signed time may be from the server's clock, in milliseconds.
const TOLERANCE_MS: i64 = 5 * 60 * 1000;

/// A delivery as a platform's proof sees it.
#[derive(Clone, Copy)]
pub struct Offered<'a> {
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// The server's clock, epoch ms.
    pub now_ms: i64,
    /// Signatures are required: a platform whose secret is not set refuses.
    pub required: bool,
}

impl<'a> Offered<'a> {
    /// A header's text, or that it is missing.
    pub fn header(&self, name: &'static str) -> Result<&'a str, PlatformDenied> {
        header(self.headers, name).ok_or(PlatformDenied::Missing(name))
    }
}

/// Why a platform's proof was not accepted; said in the delivery log only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformDenied {
    #[error("CALLTRAIL_WEBHOOK_AUTH asks for signed webhooks, and {0} is not set to check this platform's")]
    NotConfigured(&'static str),
    #[error("the {0} header is missing")]
    Missing(&'static str),
    #[error("the {0} header does not match the configured secret")]
    WrongSecret(&'static str),
    #[error("the {0} header is not well-formed ({1})")]
    Malformed(&'static str, &'static str),
    #[error("the signed time is {0} s away from the server clock (tolerance {1} s)")]
    Stale(i64, i64),
    #[error("the {0} signature does not match the body")]
    NoMatch(&'static str),
}

/// Refuses a signed time more than 5 minutes from the server's clock.
pub fn fresh(at_ms: i64, now_ms: i64) -> Result<(), PlatformDenied> {
    fresh_within(at_ms, now_ms, TOLERANCE_MS)
}

/// Refuses a signed time more than `tolerance_ms` from the server's clock
/// (a platform whose own SDK allows more than 5 minutes).
pub fn fresh_within(at_ms: i64, now_ms: i64, tolerance_ms: i64) -> Result<(), PlatformDenied> {
    let skew = now_ms.saturating_sub(at_ms);
    if skew.abs() > tolerance_ms {
        return Err(PlatformDenied::Stale(skew / 1000, tolerance_ms / 1000));
    }
    Ok(())
}

/// Hex HMAC-SHA256 of `parts`, in order, under `key`.
pub fn hmac_hex(key: &str, parts: &[&[u8]]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    for part in parts {
        mac.update(part);
    }
    hex::encode(mac.finalize().into_bytes())
}

/// A header's value, when it is text.
fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Compares digests, so neither content nor length leaks through timing.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    Sha256::digest(a).ct_eq(&Sha256::digest(b)).into()
}

#[cfg(test)]
pub mod test_support {
    use axum::http::HeaderMap;

    use super::Offered;

    pub const NOW: i64 = 1_700_000_000_000;

    pub fn offered<'a>(
        headers: &'a HeaderMap,
        body: &'a [u8],
        now_ms: i64,
        required: bool,
    ) -> Offered<'a> {
        Offered {
            headers,
            body,
            now_ms,
            required,
        }
    }

    pub fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }
}
