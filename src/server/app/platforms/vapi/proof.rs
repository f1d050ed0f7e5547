//! Vapi's own proofs that a delivery came from it, checked on its route
//! when a secret is configured:
//! - the `x-vapi-secret` header (its legacy secret, or a bearer credential
//!   sent under that name without prefix) equal to the secret;
//! - its HMAC credential with the defaults: `x-signature` holding the hex
//!   HMAC-SHA256 of `{x-timestamp}.{body}` (an `sha256=` prefix is
//!   allowed), the timestamp within 5 min (seconds or milliseconds).

use axum::http::HeaderMap;

use crate::server::app::platforms::proof::{
    fresh, header, hmac_hex, same, PlatformDenied, PlatformKeys,
};

const SECRET_HEADER: &str = "x-vapi-secret";
const SIGNATURE_HEADER: &str = "x-signature";
const TIMESTAMP_HEADER: &str = "x-timestamp";

/// Whether a Vapi secret of either kind is configured.
pub fn configured(keys: &PlatformKeys) -> bool {
    keys.vapi_secret.is_some() || keys.vapi_hmac.is_some()
}

/// Vapi's checks: each configured one must pass. `required`: when
/// none is configured, refuse (the operator asked for signatures).
pub fn check(
    keys: &PlatformKeys,
    headers: &HeaderMap,
    body: &[u8],
    now_ms: i64,
    required: bool,
) -> Result<(), PlatformDenied> {
    if required && !configured(keys) {
        return Err(PlatformDenied::NotConfigured(
            "CALLTRAIL_VAPI_SECRET or CALLTRAIL_VAPI_HMAC_SECRET",
        ));
    }
    if let Some(secret) = &keys.vapi_secret {
        let offered =
            header(headers, SECRET_HEADER).ok_or(PlatformDenied::Missing(SECRET_HEADER))?;
        if !same(offered.as_bytes(), secret.0.as_bytes()) {
            return Err(PlatformDenied::WrongSecret(SECRET_HEADER));
        }
    }
    if let Some(secret) = &keys.vapi_hmac {
        let offered =
            header(headers, SIGNATURE_HEADER).ok_or(PlatformDenied::Missing(SIGNATURE_HEADER))?;
        let timestamp =
            header(headers, TIMESTAMP_HEADER).ok_or(PlatformDenied::Missing(TIMESTAMP_HEADER))?;
        let at: i64 = timestamp
            .trim()
            .parse()
            .map_err(|_| PlatformDenied::Malformed(TIMESTAMP_HEADER, "not a number"))?;
        // Seconds or milliseconds: Vapi's documentation does not say.
        let at_ms = if at < 100_000_000_000 { at * 1000 } else { at };
        fresh(at_ms, now_ms)?;
        let expected = signature(&secret.0, timestamp.trim(), body);
        let offered = offered.trim();
        let offered = offered.strip_prefix("sha256=").unwrap_or(offered);
        if !same(offered.to_ascii_lowercase().as_bytes(), expected.as_bytes()) {
            return Err(PlatformDenied::NoMatch("Vapi"));
        }
    }
    Ok(())
}

/// Vapi's HMAC credential with its defaults: hex HMAC-SHA256 of `{timestamp}.{body}`.
pub fn signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    hmac_hex(secret, &[timestamp.as_bytes(), b".", body])
}

/// The headers a simulated delivery carries, signed as Vapi signs.
pub fn sign(keys: &PlatformKeys, at_ms: i64, body: &[u8]) -> Vec<(&'static str, String)> {
    let mut headers = Vec::new();
    if let Some(secret) = &keys.vapi_secret {
        headers.push((SECRET_HEADER, secret.0.clone()));
    }
    if let Some(secret) = &keys.vapi_hmac {
        let at = at_ms.to_string();
        headers.push((SIGNATURE_HEADER, signature(&secret.0, &at, body)));
        headers.push((TIMESTAMP_HEADER, at));
    }
    headers
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;

    use super::*;
    use crate::server::app::platforms::proof::test_support::{headers, keys, NOW};
    use crate::server::config::Secret;

    #[test]
    fn vapi_hmac_takes_its_documented_defaults() {
        // Worked out independently: secret, time and body give this hex.
        let body = br#"{"message":{"type":"hang"}}"#;
        let expected = "35c889a5417a37865cabcd02cb1c0b4af466f074eccfc09fd882986284d02ae6";
        assert_eq!(signature("test-secret", "1777647921950", body), expected);
        let at = 1_777_647_921_950;
        let h = headers(&[
            (SIGNATURE_HEADER, expected),
            (TIMESTAMP_HEADER, "1777647921950"),
        ]);
        assert_eq!(check(&keys(), &h, body, at, false), Ok(()));
        let prefixed = format!("sha256={expected}");
        let h = headers(&[
            (SIGNATURE_HEADER, &prefixed),
            (TIMESTAMP_HEADER, "1777647921950"),
        ]);
        assert_eq!(check(&keys(), &h, body, at, false), Ok(()));
        assert_eq!(
            check(&keys(), &h, br#"{"message":{"type":"hung"}}"#, at, false),
            Err(PlatformDenied::NoMatch("Vapi"))
        );
    }

    #[test]
    fn the_vapi_secret_header_must_match() {
        let keys = PlatformKeys {
            vapi_secret: Some(Secret("s3cret-value".into())),
            ..PlatformKeys::default()
        };
        let ok = headers(&[(SECRET_HEADER, "s3cret-value")]);
        assert_eq!(check(&keys, &ok, b"{}", NOW, true), Ok(()));
        let wrong = headers(&[(SECRET_HEADER, "s3cret-valuf")]);
        assert_eq!(
            check(&keys, &wrong, b"{}", NOW, false),
            Err(PlatformDenied::WrongSecret(SECRET_HEADER))
        );
        assert_eq!(
            check(&keys, &HeaderMap::new(), b"{}", NOW, false),
            Err(PlatformDenied::Missing(SECRET_HEADER))
        );
    }
}
