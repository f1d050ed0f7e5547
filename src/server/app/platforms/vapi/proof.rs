//! Vapi's own proofs that a delivery came from it, checked on its route
//! when a secret is configured:
//! - the `x-vapi-secret` header (its legacy secret, or a bearer credential
//!   sent under that name without prefix) equal to the secret;
//! - its HMAC credential with the defaults: `x-signature` holding the hex
//!   HMAC-SHA256 of `{x-timestamp}.{body}` (an `sha256=` prefix is
//!   allowed), the timestamp within 5 min (seconds or milliseconds).

use crate::server::app::platforms::proof::{
    fresh, hmac_hex, same, Offered, PlatformDenied, PlatformKeys,
};
use crate::server::config::SecretSetting;

/// Vapi's shared secret (or a bearer credential's).
pub const SECRET: SecretSetting = SecretSetting {
    flag: "vapi-secret",
    env: "CALLTRAIL_VAPI_SECRET",
    serve_help: "Vapi's secret: `/webhooks/vapi` takes only deliveries whose `x-vapi-secret` header holds it",
    simulate_help: "Sent as Vapi's `x-vapi-secret` header with each Vapi event",
};

/// The secret of a Vapi HMAC credential.
pub const HMAC_SECRET: SecretSetting = SecretSetting {
    flag: "vapi-hmac-secret",
    env: "CALLTRAIL_VAPI_HMAC_SECRET",
    serve_help: "The secret of a Vapi HMAC credential (SHA-256, default headers and format): `/webhooks/vapi` takes only deliveries it signed",
    simulate_help: "Signs each Vapi event as a Vapi HMAC credential with this secret does (`x-signature`)",
};

const SECRET_HEADER: &str = "x-vapi-secret";
const SIGNATURE_HEADER: &str = "x-signature";
const TIMESTAMP_HEADER: &str = "x-timestamp";

/// Whether a Vapi secret of either kind is configured.
pub fn configured(keys: &PlatformKeys) -> bool {
    keys.get(&SECRET).is_some() || keys.get(&HMAC_SECRET).is_some()
}

/// Vapi's checks: each configured one must pass. `required`: when
/// none is configured, refuse (the operator asked for signatures).
pub fn check(keys: &PlatformKeys, delivery: Offered<'_>) -> Result<(), PlatformDenied> {
    if delivery.required && !configured(keys) {
        return Err(PlatformDenied::NotConfigured(
            "CALLTRAIL_VAPI_SECRET or CALLTRAIL_VAPI_HMAC_SECRET",
        ));
    }
    if let Some(secret) = keys.get(&SECRET) {
        let offered = delivery.header(SECRET_HEADER)?;
        if !same(offered.as_bytes(), secret.0.as_bytes()) {
            return Err(PlatformDenied::WrongSecret(SECRET_HEADER));
        }
    }
    if let Some(secret) = keys.get(&HMAC_SECRET) {
        let offered = delivery.header(SIGNATURE_HEADER)?;
        let timestamp = delivery.header(TIMESTAMP_HEADER)?;
        let at: i64 = timestamp
            .trim()
            .parse()
            .map_err(|_| PlatformDenied::Malformed(TIMESTAMP_HEADER, "not a number"))?;
        // Seconds or milliseconds: Vapi's documentation does not say.
        let at_ms = if at < 100_000_000_000 { at * 1000 } else { at };
        fresh(at_ms, delivery.now_ms)?;
        let expected = signature(&secret.0, timestamp.trim(), delivery.body);
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
    if let Some(secret) = keys.get(&SECRET) {
        headers.push((SECRET_HEADER, secret.0.clone()));
    }
    if let Some(secret) = keys.get(&HMAC_SECRET) {
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
    use crate::server::app::platforms::proof::test_support::{headers, offered, NOW};

    fn keys() -> PlatformKeys {
        PlatformKeys::default().with(&HMAC_SECRET, "test-secret")
    }

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
        assert_eq!(check(&keys(), offered(&h, body, at, false)), Ok(()));
        let prefixed = format!("sha256={expected}");
        let h = headers(&[
            (SIGNATURE_HEADER, &prefixed),
            (TIMESTAMP_HEADER, "1777647921950"),
        ]);
        assert_eq!(check(&keys(), offered(&h, body, at, false)), Ok(()));
        assert_eq!(
            check(
                &keys(),
                offered(&h, br#"{"message":{"type":"hung"}}"#, at, false)
            ),
            Err(PlatformDenied::NoMatch("Vapi"))
        );
    }

    #[test]
    fn the_vapi_secret_header_must_match() {
        let keys = PlatformKeys::default().with(&SECRET, "s3cret-value");
        let ok = headers(&[(SECRET_HEADER, "s3cret-value")]);
        assert_eq!(check(&keys, offered(&ok, b"{}", NOW, true)), Ok(()));
        let wrong = headers(&[(SECRET_HEADER, "s3cret-valuf")]);
        assert_eq!(
            check(&keys, offered(&wrong, b"{}", NOW, false)),
            Err(PlatformDenied::WrongSecret(SECRET_HEADER))
        );
        assert_eq!(
            check(&keys, offered(&HeaderMap::new(), b"{}", NOW, false)),
            Err(PlatformDenied::Missing(SECRET_HEADER))
        );
    }
}
