//! Retell's own proof that a delivery came from it, checked on its route
//! when its API key is configured: `x-retell-signature: v=<epoch ms>,d=<hex>`,
//! HMAC-SHA256 with the API key over the raw body followed by the `v`
//! digits, within 5 min.

use crate::server::app::platforms::proof::{
    fresh, hmac_hex, same, Offered, PlatformDenied, PlatformKeys,
};
use crate::server::config::SecretSetting;

/// A Retell API key with the webhook badge: what signs its deliveries.
pub const API_KEY: SecretSetting = SecretSetting {
    flag: "retell-api-key",
    env: "CALLTRAIL_RETELL_API_KEY",
    serve_help: "A Retell API key with the webhook badge: `/webhooks/retell` takes only deliveries whose `x-retell-signature` it verifies",
    simulate_help: "Signs each Retell event as Retell does (`x-retell-signature`)",
};

const HEADER: &str = "x-retell-signature";

/// Retell's signature, when its API key is configured (or `required`).
pub fn check(keys: &PlatformKeys, delivery: Offered<'_>) -> Result<(), PlatformDenied> {
    let Some(key) = keys.get(&API_KEY) else {
        return match delivery.required {
            true => Err(PlatformDenied::NotConfigured(API_KEY.env)),
            false => Ok(()),
        };
    };
    let value = delivery.header(HEADER)?;
    let (stamp, offered) = parse_header(value)?;
    let at: i64 = stamp
        .parse()
        .map_err(|_| PlatformDenied::Malformed(HEADER, "v= is not a number"))?;
    fresh(at, delivery.now_ms)?;
    let expected = digest(&key.0, stamp, delivery.body);
    if !same(offered.to_ascii_lowercase().as_bytes(), expected.as_bytes()) {
        return Err(PlatformDenied::NoMatch("Retell"));
    }
    Ok(())
}

/// `v=<digits>,d=<64 hex digits>` → (the digits, the hex).
fn parse_header(value: &str) -> Result<(&str, &str), PlatformDenied> {
    let malformed = |why| PlatformDenied::Malformed(HEADER, why);
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

/// Retell's digest: hex HMAC-SHA256(key, body ++ timestamp digits).
pub fn digest(api_key: &str, stamp: &str, body: &[u8]) -> String {
    hmac_hex(api_key, &[body, stamp.as_bytes()])
}

/// Retell's header for `body` signed at `now_ms` (the simulator signs with it).
pub fn signature(api_key: &str, now_ms: i64, body: &[u8]) -> String {
    let stamp = now_ms.to_string();
    format!("v={stamp},d={}", digest(api_key, &stamp, body))
}

/// The headers a simulated delivery carries, signed as Retell signs.
pub fn sign(keys: &PlatformKeys, at_ms: i64, body: &[u8]) -> Vec<(&'static str, String)> {
    keys.get(&API_KEY)
        .into_iter()
        .map(|key| (HEADER, signature(&key.0, at_ms, body)))
        .collect()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;

    use super::*;
    use crate::server::app::platforms::proof::test_support::{headers, offered, NOW};

    fn keys() -> PlatformKeys {
        PlatformKeys::default().with(&API_KEY, "test-api-key")
    }

    #[test]
    fn retells_own_test_vector_verifies() {
        // From Retell's SDK tests: this body, key and time give this digest.
        let body = br#"{"event":"call_ended"}"#;
        let known = "07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e";
        assert_eq!(digest("test-api-key", "1700000000000", body), known);
        let h = headers(&[(HEADER, &format!("v=1700000000000,d={known}"))]);
        assert_eq!(check(&keys(), offered(&h, body, NOW, false)), Ok(()));
    }

    #[test]
    fn retell_refuses_tampering_staleness_and_junk() {
        let body = br#"{"event":"call_ended"}"#;
        let signed = signature("test-api-key", NOW, body);
        let h = headers(&[(HEADER, &signed)]);
        assert_eq!(check(&keys(), offered(&h, body, NOW + 1000, false)), Ok(()));
        assert_eq!(
            check(
                &keys(),
                offered(&h, br#"{"event":"call_started"}"#, NOW, false)
            ),
            Err(PlatformDenied::NoMatch("Retell"))
        );
        assert_eq!(
            check(&keys(), offered(&h, body, NOW + 301_000, false)),
            Err(PlatformDenied::Stale(301, 300))
        );
        let junk = headers(&[(HEADER, "v=1,d=zz")]);
        assert!(matches!(
            check(&keys(), offered(&junk, body, NOW, false)),
            Err(PlatformDenied::Malformed(..))
        ));
        assert_eq!(
            check(&keys(), offered(&HeaderMap::new(), body, NOW, false)),
            Err(PlatformDenied::Missing(HEADER))
        );
        let none = PlatformKeys::default();
        assert_eq!(
            check(&none, offered(&HeaderMap::new(), body, NOW, false)),
            Ok(())
        );
        assert_eq!(
            check(&none, offered(&HeaderMap::new(), body, NOW, true)),
            Err(PlatformDenied::NotConfigured("CALLTRAIL_RETELL_API_KEY"))
        );
    }
}
