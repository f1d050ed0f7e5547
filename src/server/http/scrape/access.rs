//! Who may read `/metrics`: anyone on this machine (a loopback client, after
//! trusted proxies are taken into account), and others only with the bearer
//! token `CALLTRAIL_METRICS_TOKEN`, compared in constant time. Without that
//! token set, nobody else may, so numbers about the server never leak by default.

use std::net::IpAddr;

use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

use crate::server::config::Secret;

/// The answer to a request for `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Allowed,
    /// Not on this machine, and no token is configured: 403.
    NoTokenConfigured,
    /// Not on this machine, and the bearer token is missing or wrong: 401.
    BadToken,
}

/// Decides for a client at `client` (`None`: unknown, so not this machine)
/// sending `headers`, when the configured token is `token`. An empty token
/// counts as none, or an empty bearer would match it.
pub fn allows(client: Option<IpAddr>, headers: &HeaderMap, token: Option<&Secret>) -> Access {
    if client.is_some_and(|ip| ip.to_canonical().is_loopback()) {
        return Access::Allowed;
    }
    let Some(expected) = token.map(|t| t.0.as_str()).filter(|t| !t.is_empty()) else {
        return Access::NoTokenConfigured;
    };
    match bearer(headers) {
        Some(offered) if same(offered, expected) => Access::Allowed,
        _ => Access::BadToken,
    }
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
}

/// Compares digests, so neither the content nor the length leaks through timing.
fn same(offered: &str, expected: &str) -> bool {
    Sha256::digest(offered.as_bytes())
        .ct_eq(&Sha256::digest(expected.as_bytes()))
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "scrape-token-0123456789";

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("an IP address"))
    }

    fn with_auth(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            value.parse().expect("a header value"),
        );
        headers
    }

    fn secret(s: &str) -> Secret {
        Secret(s.to_string())
    }

    #[test]
    fn loopback_clients_need_no_token() {
        let none = HeaderMap::new();
        for client in ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"] {
            assert_eq!(allows(ip(client), &none, None), Access::Allowed, "{client}");
            let token = secret(TOKEN);
            assert_eq!(
                allows(ip(client), &none, Some(&token)),
                Access::Allowed,
                "{client}"
            );
        }
    }

    #[test]
    fn others_are_refused_without_a_configured_token() {
        let none = HeaderMap::new();
        for client in [
            "203.0.113.9",
            "10.0.0.1",
            "::ffff:203.0.113.9",
            "2001:db8::1",
        ] {
            assert_eq!(
                allows(ip(client), &none, None),
                Access::NoTokenConfigured,
                "{client}"
            );
        }
        // An unknown peer is not this machine.
        assert_eq!(allows(None, &none, None), Access::NoTokenConfigured);
        // An empty configured token is no token: an empty bearer must not match it.
        let empty = secret("");
        assert_eq!(
            allows(ip("203.0.113.9"), &with_auth("Bearer "), Some(&empty)),
            Access::NoTokenConfigured
        );
    }

    #[test]
    fn others_need_the_right_bearer_token() {
        let token = secret(TOKEN);
        let client = ip("203.0.113.9");
        let check = |headers: &HeaderMap| allows(client, headers, Some(&token));
        assert_eq!(check(&HeaderMap::new()), Access::BadToken);
        assert_eq!(check(&with_auth("Bearer wrong")), Access::BadToken);
        assert_eq!(
            check(&with_auth(&format!("Bearer {TOKEN}x"))),
            Access::BadToken
        );
        assert_eq!(
            check(&with_auth(&format!("Basic {TOKEN}"))),
            Access::BadToken
        );
        assert_eq!(check(&with_auth(TOKEN)), Access::BadToken);
        assert_eq!(
            check(&with_auth(&format!("Bearer {TOKEN}"))),
            Access::Allowed
        );
        assert_eq!(
            check(&with_auth(&format!("bearer  {TOKEN} "))),
            Access::Allowed
        );
        assert_eq!(
            allows(None, &with_auth(&format!("Bearer {TOKEN}")), Some(&token)),
            Access::Allowed
        );
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same(TOKEN, TOKEN));
        assert!(!same(TOKEN, &TOKEN[..TOKEN.len() - 1]));
        assert!(!same("", TOKEN));
        assert!(!same("scrape-token-0123456788", TOKEN));
    }
}
