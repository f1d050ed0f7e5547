//! ElevenLabs' own proof that a delivery came from it, checked on its route
//! when its webhook secret is configured: `ElevenLabs-Signature:
//! t=<unix seconds>,v0=<hex>`, HMAC-SHA256 with the secret (as given) over
//! `<t>.<raw body>`, within 30 minutes (its SDKs' tolerance).

use crate::server::app::platforms::proof::{
    fresh_within, hmac_hex, same, Offered, PlatformDenied, PlatformKeys,
};
use crate::server::config::SecretSetting;

/// The secret ElevenLabs shows when a workspace webhook is created.
pub const SECRET: SecretSetting = SecretSetting {
    flag: "elevenlabs-secret",
    env: "CALLTRAIL_ELEVENLABS_SECRET",
    serve_help: "The ElevenLabs webhook's secret: `/webhooks/elevenlabs` takes only deliveries whose `ElevenLabs-Signature` it verifies",
    simulate_help: "Signs each ElevenLabs webhook as ElevenLabs does (`ElevenLabs-Signature`)",
};

const HEADER: &str = "elevenlabs-signature";
const TOLERANCE_MS: i64 = 30 * 60 * 1000;

/// ElevenLabs' signature, when its secret is configured (or `required`).
pub fn check(keys: &PlatformKeys, delivery: Offered<'_>) -> Result<(), PlatformDenied> {
    let Some(secret) = keys.get(&SECRET) else {
        return match delivery.required {
            true => Err(PlatformDenied::NotConfigured(SECRET.env)),
            false => Ok(()),
        };
    };
    let (stamp, offered) = parse_header(delivery.header("ElevenLabs-Signature")?)?;
    let at: i64 = stamp
        .parse()
        .map_err(|_| PlatformDenied::Malformed("ElevenLabs-Signature", "t= is not a number"))?;
    fresh_within(at.saturating_mul(1000), delivery.now_ms, TOLERANCE_MS)?;
    let expected = digest(&secret.0, stamp, delivery.body);
    if !same(offered.as_bytes(), expected.as_bytes()) {
        return Err(PlatformDenied::NoMatch("ElevenLabs"));
    }
    Ok(())
}

/// `t=<digits>,v0=<64 hex>`, in either order → (the digits, the hex).
fn parse_header(value: &str) -> Result<(&str, &str), PlatformDenied> {
    let malformed = |why| PlatformDenied::Malformed("ElevenLabs-Signature", why);
    let mut stamp = None;
    let mut digest = None;
    for part in value.trim().split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => stamp = Some(t),
            Some(("v0", d)) => digest = digest.or(Some(d)),
            _ => {}
        }
    }
    let stamp = stamp.ok_or(malformed("no t="))?;
    let digest = digest.ok_or(malformed("no v0="))?;
    if stamp.is_empty() || !stamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed("t= is not a number"));
    }
    if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(malformed("v0= is not 64 hex digits"));
    }
    Ok((stamp, digest))
}

/// ElevenLabs' digest: hex HMAC-SHA256(secret, `<t>.<body>`).
fn digest(secret: &str, stamp: &str, body: &[u8]) -> String {
    hmac_hex(secret, &[stamp.as_bytes(), b".", body])
}

/// The headers a simulated delivery carries, signed as ElevenLabs signs.
pub fn sign(keys: &PlatformKeys, at_ms: i64, body: &[u8]) -> Vec<(&'static str, String)> {
    keys.get(&SECRET)
        .into_iter()
        .map(|secret| {
            let stamp = (at_ms / 1000).to_string();
            let header = format!("t={stamp},v0={}", digest(&secret.0, &stamp, body));
            (HEADER, header)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;

    use super::*;
    use crate::server::app::platforms::proof::test_support::{headers, offered};

    const SECRET_TEXT: &str = "wsec_example_secret_0123456789abcdef";

    fn keys() -> PlatformKeys {
        PlatformKeys::default().with(&SECRET, SECRET_TEXT)
    }

    #[test]
    fn the_sdks_vector_verifies() {
        // Computed by ElevenLabs' own SDKs (elevenlabs-js 2.73.0 and
        // elevenlabs 2.78.0 agree): this secret, time and body give this.
        let body = br#"{"type":"call_initiation_failure","event_timestamp":1759931652,"data":{"conversation_id":"conv_4801k70gqzh4fv2rd8m5wz3pyt9x","failure_reason":"busy"}}"#;
        let header = "t=1759931653,v0=c3c6ee59f17b4dcd338b01567e644109b30fdd042d3c1b55d98372a2dc94412e";
        let h = headers(&[(HEADER, header)]);
        let now = 1_759_931_653_000 + 60_000;
        assert_eq!(check(&keys(), offered(&h, body, now, false)), Ok(()));
        let ours = sign(&keys(), 1_759_931_653_000, body);
        assert_eq!(ours, vec![(HEADER, header.to_string())]);
    }

    #[test]
    fn elevenlabs_refuses_tampering_staleness_and_junk() {
        let body = br#"{"type":"post_call_audio"}"#;
        let now = 1_700_000_000_000;
        let (_, signed) = sign(&keys(), now, body).remove(0);
        let h = headers(&[(HEADER, &signed)]);
        assert_eq!(check(&keys(), offered(&h, body, now + 29 * 60_000, false)), Ok(()));
        assert_eq!(
            check(&keys(), offered(&h, br#"{"type":"post_call_audio "}"#, now, false)),
            Err(PlatformDenied::NoMatch("ElevenLabs"))
        );
        assert_eq!(
            check(&keys(), offered(&h, body, now + 31 * 60_000, false)),
            Err(PlatformDenied::Stale(31 * 60, 30 * 60))
        );
        let junk = headers(&[(HEADER, "t=1,v0=zz")]);
        assert!(matches!(
            check(&keys(), offered(&junk, body, now, false)),
            Err(PlatformDenied::Malformed(..))
        ));
        assert_eq!(
            check(&keys(), offered(&HeaderMap::new(), body, now, false)),
            Err(PlatformDenied::Missing("ElevenLabs-Signature"))
        );
        let none = PlatformKeys::default();
        assert_eq!(check(&none, offered(&HeaderMap::new(), body, now, false)), Ok(()));
        assert_eq!(
            check(&none, offered(&HeaderMap::new(), body, now, true)),
            Err(PlatformDenied::NotConfigured("CALLTRAIL_ELEVENLABS_SECRET"))
        );
    }
}
