//! Standard Webhooks signatures (<https://www.standardwebhooks.com>):
//! HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{raw body}` with a
//! `whsec_`-prefixed base64 secret, sent as `v1,<base64>` entries.
//!
//! The MAC is computed once per secret, whatever the header holds, and only
//! the first [`MAX_ENTRIES`] well-formed `v1` entries are compared with it, so
//! a header stuffed with entries costs no more than a short one.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq as _};

/// How far a signature's timestamp may be from the server's clock.
pub const TOLERANCE_SECS: i64 = 5 * 60;
/// Well-formed `v1` entries of a `webhook-signature` header compared; later
/// ones are ignored. Senders list one per active secret, so a few suffice.
pub const MAX_ENTRIES: usize = 8;
/// Bytes of an HMAC-SHA256 tag; a `v1` entry that decodes to another length
/// is not well-formed.
const TAG_LEN: usize = 32;

/// A signing key, decoded from its `whsec_…` form.
#[derive(Clone)]
pub struct SigningKey(Vec<u8>);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(***)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("a webhook secret is empty")]
    Empty,
    #[error("a webhook secret must start with whsec_")]
    Prefix,
    #[error("a webhook secret is not valid base64 after whsec_")]
    Base64,
    #[error("a webhook secret must hold at least 16 bytes (it holds {0})")]
    TooShort(usize),
}

impl SigningKey {
    pub fn parse(secret: &str) -> Result<Self, KeyError> {
        let secret = secret.trim();
        if secret.is_empty() {
            return Err(KeyError::Empty);
        }
        let encoded = secret.strip_prefix("whsec_").ok_or(KeyError::Prefix)?;
        let bytes = STANDARD.decode(encoded).map_err(|_| KeyError::Base64)?;
        if bytes.len() < 16 {
            return Err(KeyError::TooShort(bytes.len()));
        }
        Ok(SigningKey(bytes))
    }

    fn mac(&self, id: &str, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }

    /// The `webhook-signature` value for a delivery (the simulator and tests sign with it).
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let tag = self
            .mac(id, &timestamp.to_string(), body)
            .finalize()
            .into_bytes();
        format!("v1,{}", STANDARD.encode(tag))
    }
}

/// Why a signature was not accepted; said in the delivery log only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the {0} header is missing")]
    Missing(&'static str),
    #[error("webhook-timestamp is not a number of seconds")]
    BadTimestamp,
    #[error(
        "webhook-timestamp is {0} s away from the server clock (tolerance {TOLERANCE_SECS} s)"
    )]
    Stale(i64),
    #[error("webhook-signature has no well-formed v1 signature")]
    Malformed,
    #[error(
        "no signature matches the body with any configured secret (only the first \
         {MAX_ENTRIES} well-formed v1 entries are checked)"
    )]
    NoMatch,
}

/// The three Standard Webhooks headers of a delivery.
pub struct Signed<'a> {
    pub id: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
}

/// Verifies `signed` over the raw `body` at `now` (seconds) with any of `keys`.
pub fn verify(
    keys: &[SigningKey],
    signed: &Signed<'_>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let id = signed.id.ok_or(SignatureError::Missing("webhook-id"))?;
    let timestamp = signed
        .timestamp
        .ok_or(SignatureError::Missing("webhook-timestamp"))?;
    let header = signed
        .signature
        .ok_or(SignatureError::Missing("webhook-signature"))?;
    let at: i64 = timestamp
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    let skew = now.saturating_sub(at);
    if skew.abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale(skew));
    }
    let candidates: Vec<Vec<u8>> = header
        .split_whitespace()
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|b64| STANDARD.decode(b64).ok())
        .filter(|tag| tag.len() == TAG_LEN)
        .take(MAX_ENTRIES)
        .collect();
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    // One MAC per secret; every comparison runs, in constant time, so timing
    // says nothing about which entry or secret matched.
    let mut matched = Choice::from(0);
    for key in keys {
        let expected = key.mac(id, timestamp, body).finalize().into_bytes();
        for tag in &candidates {
            matched |= expected.as_slice().ct_eq(tag);
        }
    }
    if bool::from(matched) {
        Ok(())
    } else {
        Err(SignatureError::NoMatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const NOW: i64 = 1_700_000_000;

    fn check(
        key: &SigningKey,
        id: &str,
        ts: &str,
        sig: &str,
        body: &[u8],
    ) -> Result<(), SignatureError> {
        let signed = Signed {
            id: Some(id),
            timestamp: Some(ts),
            signature: Some(sig),
        };
        verify(std::slice::from_ref(key), &signed, body, NOW)
    }

    #[test]
    fn known_vector_from_the_standard_webhooks_spec() {
        // The example in the Standard Webhooks reference implementation's tests.
        let key = SigningKey::parse(SECRET).unwrap();
        let sig = key.sign(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn accepts_own_signature_and_rejects_tampering() {
        let key = SigningKey::parse(SECRET).unwrap();
        let sig = key.sign("msg_1", NOW, b"{}");
        assert_eq!(check(&key, "msg_1", &NOW.to_string(), &sig, b"{}"), Ok(()));
        assert_eq!(
            check(&key, "msg_1", &NOW.to_string(), &sig, b"{ }"),
            Err(SignatureError::NoMatch)
        );
        assert_eq!(
            check(&key, "msg_2", &NOW.to_string(), &sig, b"{}"),
            Err(SignatureError::NoMatch)
        );
        let late = key.sign("msg_1", NOW - 360, b"{}");
        assert_eq!(
            check(&key, "msg_1", &(NOW - 360).to_string(), &late, b"{}"),
            Err(SignatureError::Stale(360))
        );
        assert_eq!(
            check(&key, "msg_1", &NOW.to_string(), "v1,", b"{}"),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            check(&key, "msg_1", &NOW.to_string(), "v1,!!notbase64", b"{}"),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            check(&key, "msg_1", "yesterday", &sig, b"{}"),
            Err(SignatureError::BadTimestamp)
        );
        // Several signatures: any match is enough.
        let many = format!("v1,AAAA {sig} v2,zzz");
        assert_eq!(check(&key, "msg_1", &NOW.to_string(), &many, b"{}"), Ok(()));
    }

    #[test]
    fn only_the_first_well_formed_entries_are_compared() {
        let key = SigningKey::parse(SECRET).unwrap();
        let sig = key.sign("msg_1", NOW, b"{}");
        let bogus = |n: usize| vec![format!("v1,{}", STANDARD.encode([7u8; 32])); n].join(" ");
        let ts = NOW.to_string();
        // Within the first MAX_ENTRIES: accepted.
        let early = format!("{} {sig}", bogus(MAX_ENTRIES - 1));
        assert_eq!(check(&key, "msg_1", &ts, &early, b"{}"), Ok(()));
        // Entries that are not well-formed do not use up the allowance.
        let junk = vec!["v1,AAAA v2,zzz v1,!!"; 20].join(" ");
        assert_eq!(
            check(&key, "msg_1", &ts, &format!("{junk} {sig}"), b"{}"),
            Ok(())
        );
        // After MAX_ENTRIES well-formed bogus ones: never looked at.
        let late = format!("{} {sig}", bogus(MAX_ENTRIES));
        let refused = check(&key, "msg_1", &ts, &late, b"{}").unwrap_err();
        assert_eq!(refused, SignatureError::NoMatch);
        assert!(refused
            .to_string()
            .contains("first 8 well-formed v1 entries"));
    }

    #[test]
    fn secrets_are_checked_when_parsed() {
        assert_eq!(SigningKey::parse("").unwrap_err(), KeyError::Empty);
        assert_eq!(
            SigningKey::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap_err(),
            KeyError::Prefix
        );
        assert_eq!(
            SigningKey::parse("whsec_%%%").unwrap_err(),
            KeyError::Base64
        );
        assert_eq!(
            SigningKey::parse("whsec_c2hvcnQ=").unwrap_err(),
            KeyError::TooShort(5)
        );
    }
}
