//! Vapi's and Retell's own proofs that a delivery came from them, each
//! checked on its platform's route when its secret is configured:
//! - Retell: `x-retell-signature: v=<epoch ms>,d=<hex>`, HMAC-SHA256 with
//!   the API key over the raw body followed by the `v` digits, within 5 min;
//! - Vapi: the `x-vapi-secret` header (its legacy secret, or a bearer
//!   credential sent under that name without prefix) equal to the secret;
//! - Vapi's HMAC credential with its defaults: `x-signature` holding the
//!   hex HMAC-SHA256 of `{x-timestamp}.{body}` (an `sha256=` prefix is
//!   allowed), the timestamp within 5 min (seconds or milliseconds).

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

use crate::server::config::Secret;

/// How far a signed time may be from the server's clock, in milliseconds.
const TOLERANCE_MS: i64 = 5 * 60 * 1000;
const RETELL_HEADER: &str = "x-retell-signature";
const VAPI_SECRET_HEADER: &str = "x-vapi-secret";
const VAPI_SIGNATURE_HEADER: &str = "x-signature";
const VAPI_TIMESTAMP_HEADER: &str = "x-timestamp";

/// The platforms' secrets, as configured.
#[derive(Clone, Default)]
pub struct PlatformKeys {
    pub vapi_secret: Option<Secret>,
    pub vapi_hmac: Option<Secret>,
    pub retell_api_key: Option<Secret>,
}

impl std::fmt::Debug for PlatformKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformKeys")
            .field("vapi_secret", &self.vapi_secret.is_some())
            .field("vapi_hmac", &self.vapi_hmac.is_some())
            .field("retell_api_key", &self.retell_api_key.is_some())
            .finish()
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
    #[error("the signed time is {0} s away from the server clock (tolerance 300 s)")]
    Stale(i64),
    #[error("the {0} signature does not match the body")]
    NoMatch(&'static str),
}

impl PlatformKeys {
    pub fn vapi_configured(&self) -> bool {
        self.vapi_secret.is_some() || self.vapi_hmac.is_some()
    }

    /// Vapi's checks: each configured one must pass. `required`: when
    /// none is configured, refuse (the operator asked for signatures).
    pub fn check_vapi(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now_ms: i64,
        required: bool,
    ) -> Result<(), PlatformDenied> {
        if required && !self.vapi_configured() {
            return Err(PlatformDenied::NotConfigured(
                "CALLTRAIL_VAPI_SECRET or CALLTRAIL_VAPI_HMAC_SECRET",
            ));
        }
        if let Some(secret) = &self.vapi_secret {
            let offered = header(headers, VAPI_SECRET_HEADER)
                .ok_or(PlatformDenied::Missing(VAPI_SECRET_HEADER))?;
            if !same(offered.as_bytes(), secret.0.as_bytes()) {
                return Err(PlatformDenied::WrongSecret(VAPI_SECRET_HEADER));
            }
        }
        if let Some(secret) = &self.vapi_hmac {
            let signature = header(headers, VAPI_SIGNATURE_HEADER)
                .ok_or(PlatformDenied::Missing(VAPI_SIGNATURE_HEADER))?;
            let timestamp = header(headers, VAPI_TIMESTAMP_HEADER)
                .ok_or(PlatformDenied::Missing(VAPI_TIMESTAMP_HEADER))?;
            let at: i64 = timestamp
                .trim()
                .parse()
                .map_err(|_| PlatformDenied::Malformed(VAPI_TIMESTAMP_HEADER, "not a number"))?;
            // Seconds or milliseconds: Vapi's documentation does not say.
            let at_ms = if at < 100_000_000_000 { at * 1000 } else { at };
            fresh(at_ms, now_ms)?;
            let expected = vapi_signature(&secret.0, timestamp.trim(), body);
            let offered = signature.trim();
            let offered = offered.strip_prefix("sha256=").unwrap_or(offered);
            if !same(offered.to_ascii_lowercase().as_bytes(), expected.as_bytes()) {
                return Err(PlatformDenied::NoMatch("Vapi"));
            }
        }
        Ok(())
    }

    /// Retell's signature, when its API key is configured (or `required`).
    pub fn check_retell(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now_ms: i64,
        required: bool,
    ) -> Result<(), PlatformDenied> {
        let Some(key) = &self.retell_api_key else {
            return match required {
                true => Err(PlatformDenied::NotConfigured("CALLTRAIL_RETELL_API_KEY")),
                false => Ok(()),
            };
        };
        let value = header(headers, RETELL_HEADER).ok_or(PlatformDenied::Missing(RETELL_HEADER))?;
        let (stamp, digest) = parse_retell(value)?;
        let at: i64 = stamp
            .parse()
            .map_err(|_| PlatformDenied::Malformed(RETELL_HEADER, "v= is not a number"))?;
        fresh(at, now_ms)?;
        let expected = retell_digest(&key.0, stamp, body);
        if !same(digest.to_ascii_lowercase().as_bytes(), expected.as_bytes()) {
            return Err(PlatformDenied::NoMatch("Retell"));
        }
        Ok(())
    }
}

/// `v=<digits>,d=<64 hex digits>` → (the digits, the hex).
fn parse_retell(value: &str) -> Result<(&str, &str), PlatformDenied> {
    let malformed = |why| PlatformDenied::Malformed(RETELL_HEADER, why);
    let (v, d) = value
        .trim()
        .split_once(',')
        .ok_or(malformed("expected v=…,d=…"))?;
    let stamp = v.strip_prefix("v=").ok_or(malformed("no v="))?;
    let digest = d.strip_prefix("d=").ok_or(malformed("no d="))?;
    if stamp.is_empty() || !stamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed("v= is not a number"));
    }
    if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(malformed("d= is not 64 hex digits"));
    }
    Ok((stamp, digest))
}

fn fresh(at_ms: i64, now_ms: i64) -> Result<(), PlatformDenied> {
    let skew = now_ms.saturating_sub(at_ms);
    if skew.abs() > TOLERANCE_MS {
        return Err(PlatformDenied::Stale(skew / 1000));
    }
    Ok(())
}

/// Retell's digest: hex HMAC-SHA256(key, body ++ timestamp digits).
pub fn retell_digest(api_key: &str, stamp: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(api_key.as_bytes()).expect("any key length");
    mac.update(body);
    mac.update(stamp.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Retell's header for `body` signed at `now_ms` (the simulator signs with it).
pub fn retell_signature(api_key: &str, now_ms: i64, body: &[u8]) -> String {
    let stamp = now_ms.to_string();
    format!("v={stamp},d={}", retell_digest(api_key, &stamp, body))
}

/// Vapi's HMAC credential with its defaults: hex HMAC-SHA256 of `{timestamp}.{body}`.
pub fn vapi_signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Compares digests, so neither content nor length leaks through timing.
fn same(a: &[u8], b: &[u8]) -> bool {
    Sha256::digest(a).ct_eq(&Sha256::digest(b)).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000_000;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    fn keys() -> PlatformKeys {
        PlatformKeys {
            vapi_secret: None,
            vapi_hmac: Some(Secret("test-secret".into())),
            retell_api_key: Some(Secret("test-api-key".into())),
        }
    }

    #[test]
    fn retells_own_test_vector_verifies() {
        // From Retell's SDK tests: this body, key and time give this digest.
        let body = br#"{"event":"call_ended"}"#;
        let digest = "07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e";
        assert_eq!(retell_digest("test-api-key", "1700000000000", body), digest);
        let h = headers(&[(RETELL_HEADER, &format!("v=1700000000000,d={digest}"))]);
        assert_eq!(keys().check_retell(&h, body, NOW, false), Ok(()));
    }

    #[test]
    fn retell_refuses_tampering_staleness_and_junk() {
        let body = br#"{"event":"call_ended"}"#;
        let signed = retell_signature("test-api-key", NOW, body);
        let h = headers(&[(RETELL_HEADER, &signed)]);
        assert_eq!(keys().check_retell(&h, body, NOW + 1000, false), Ok(()));
        assert_eq!(
            keys().check_retell(&h, br#"{"event":"call_started"}"#, NOW, false),
            Err(PlatformDenied::NoMatch("Retell"))
        );
        assert_eq!(
            keys().check_retell(&h, body, NOW + 301_000, false),
            Err(PlatformDenied::Stale(301))
        );
        let junk = headers(&[(RETELL_HEADER, "v=1,d=zz")]);
        assert!(matches!(
            keys().check_retell(&junk, body, NOW, false),
            Err(PlatformDenied::Malformed(..))
        ));
        assert_eq!(
            keys().check_retell(&HeaderMap::new(), body, NOW, false),
            Err(PlatformDenied::Missing(RETELL_HEADER))
        );
        let none = PlatformKeys::default();
        assert_eq!(
            none.check_retell(&HeaderMap::new(), body, NOW, false),
            Ok(())
        );
        assert_eq!(
            none.check_retell(&HeaderMap::new(), body, NOW, true),
            Err(PlatformDenied::NotConfigured("CALLTRAIL_RETELL_API_KEY"))
        );
    }

    #[test]
    fn vapi_hmac_takes_its_documented_defaults() {
        // Worked out independently: secret, time and body give this hex.
        let body = br#"{"message":{"type":"hang"}}"#;
        let expected = "35c889a5417a37865cabcd02cb1c0b4af466f074eccfc09fd882986284d02ae6";
        assert_eq!(
            vapi_signature("test-secret", "1777647921950", body),
            expected
        );
        let at = 1_777_647_921_950;
        let h = headers(&[
            (VAPI_SIGNATURE_HEADER, expected),
            (VAPI_TIMESTAMP_HEADER, "1777647921950"),
        ]);
        assert_eq!(keys().check_vapi(&h, body, at, false), Ok(()));
        let prefixed = format!("sha256={expected}");
        let h = headers(&[
            (VAPI_SIGNATURE_HEADER, &prefixed),
            (VAPI_TIMESTAMP_HEADER, "1777647921950"),
        ]);
        assert_eq!(keys().check_vapi(&h, body, at, false), Ok(()));
        assert_eq!(
            keys().check_vapi(&h, br#"{"message":{"type":"hung"}}"#, at, false),
            Err(PlatformDenied::NoMatch("Vapi"))
        );
    }

    #[test]
    fn the_vapi_secret_header_must_match() {
        let keys = PlatformKeys {
            vapi_secret: Some(Secret("s3cret-value".into())),
            ..PlatformKeys::default()
        };
        let ok = headers(&[(VAPI_SECRET_HEADER, "s3cret-value")]);
        assert_eq!(keys.check_vapi(&ok, b"{}", NOW, true), Ok(()));
        let wrong = headers(&[(VAPI_SECRET_HEADER, "s3cret-valuf")]);
        assert_eq!(
            keys.check_vapi(&wrong, b"{}", NOW, false),
            Err(PlatformDenied::WrongSecret(VAPI_SECRET_HEADER))
        );
        assert_eq!(
            keys.check_vapi(&HeaderMap::new(), b"{}", NOW, false),
            Err(PlatformDenied::Missing(VAPI_SECRET_HEADER))
        );
    }
}
