//! The address a request came from — the socket's peer, or what a trusted
//! proxy (`CALLTRAIL_TRUSTED_PROXIES`) says in `X-Forwarded-For` — resolved in
//! one place, because the webhook allowlist, the refusal limiter and sign-in
//! throttling must all agree on who the client is.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use anyhow::Context;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;

use crate::server::app::network::Networks;
use crate::server::http::AppState;

/// Resolves client addresses, built once from `CALLTRAIL_TRUSTED_PROXIES`.
#[derive(Debug, Clone, Default)]
pub struct ClientResolver {
    proxies: Networks,
}

impl ClientResolver {
    /// `trusted_proxies` is the setting's value; none means no proxy is believed.
    pub fn from_config(trusted_proxies: Option<&str>) -> anyhow::Result<Self> {
        let proxies = match trusted_proxies {
            None => Networks::default(),
            Some(list) => Networks::parse(list)
                .map_err(anyhow::Error::msg)
                .context("CALLTRAIL_TRUSTED_PROXIES")?,
        };
        Ok(ClientResolver { proxies })
    }

    /// The client's address (`None` when the server was not told the peer, as
    /// in tests that do not set one).
    pub fn resolve(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        peer.map(|peer| self.resolve_peer(peer, headers))
    }

    /// The peer itself, or — when it is a trusted proxy — the nearest hop in
    /// `X-Forwarded-For` that is not a trusted proxy.
    ///
    /// Every `X-Forwarded-For` line counts, in order: a proxy that appends a
    /// line of its own leaves what the client sent in the earlier lines, so
    /// reading only the first would believe the client.
    fn resolve_peer(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.proxies.contains(peer) {
            return peer;
        }
        let hops = forwarded_hops(headers);
        let mut nearest = peer;
        for hop in hops.iter().rev() {
            match hop.and_then(|h| h.parse::<IpAddr>().ok()) {
                Some(ip) if self.proxies.contains(ip) => nearest = ip.to_canonical(),
                Some(ip) => return ip.to_canonical(),
                // An unreadable hop: trust nothing beyond it.
                None => return nearest,
            }
        }
        nearest
    }
}

/// Every hop of every `X-Forwarded-For` line, first line first; a line that is
/// not text counts as one unreadable hop.
fn forwarded_hops(headers: &HeaderMap) -> Vec<Option<&str>> {
    let mut hops = Vec::new();
    for line in headers.get_all("x-forwarded-for") {
        match line.to_str() {
            Ok(text) => hops.extend(text.split(',').map(|h| Some(h.trim()))),
            Err(_) => hops.push(None),
        }
    }
    hops
}

/// The client's IP (`None` when the server was not told the peer, as in tests).
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(ClientIp(client_ip(parts, state)))
    }
}

/// The client address of a request, through the server's resolver.
pub fn client_ip(parts: &Parts, state: &AppState) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    state.client.resolve(peer, &parts.headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn resolver(proxies: &str) -> ClientResolver {
        ClientResolver::from_config(Some(proxies)).unwrap()
    }

    fn xff(lines: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append("x-forwarded-for", line.parse().unwrap());
        }
        headers
    }

    fn resolve(r: &ClientResolver, peer: &str, lines: &[&str]) -> IpAddr {
        r.resolve(Some(ip(peer)), &xff(lines)).unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxies = resolver("10.0.0.1");
        let hops = ["203.0.113.9, 198.51.100.2"];
        // Not a trusted peer: the header is ignored.
        assert_eq!(resolve(&proxies, "192.0.2.1", &hops), ip("192.0.2.1"));
        // Trusted peer: the nearest hop it reports.
        assert_eq!(resolve(&proxies, "10.0.0.1", &hops), ip("198.51.100.2"));
        // Chained trusted proxies are skipped.
        let chain = resolver("10.0.0.0/24");
        assert_eq!(
            resolve(&chain, "10.0.0.1", &["198.51.100.2, 10.0.0.5"]),
            ip("198.51.100.2")
        );
        // No header, or garbage: the proxy itself.
        assert_eq!(resolve(&proxies, "10.0.0.1", &[]), ip("10.0.0.1"));
        assert_eq!(resolve(&proxies, "10.0.0.1", &["nonsense"]), ip("10.0.0.1"));
        // No peer at all: unknown.
        assert_eq!(proxies.resolve(None, &xff(&hops)), None);
    }

    #[test]
    fn every_forwarded_for_line_counts_nearest_last() {
        let proxies = resolver("10.0.0.1");
        // The client forged the first line; the proxy appended the second.
        let lines = ["10.9.9.9", "198.51.100.7"];
        assert_eq!(resolve(&proxies, "10.0.0.1", &lines), ip("198.51.100.7"));
        // Two trusted proxies, each appending its own line.
        let chain = resolver("10.0.0.0/24");
        let lines = ["1.1.1.1", "198.51.100.7", "10.0.0.5"];
        assert_eq!(resolve(&chain, "10.0.0.1", &lines), ip("198.51.100.7"));
        // An unreadable line stops the walk at the last trusted hop.
        let mut headers = xff(&["198.51.100.7"]);
        headers.append(
            "x-forwarded-for",
            axum::http::HeaderValue::from_bytes(b"\xff").unwrap(),
        );
        headers.append("x-forwarded-for", "10.0.0.5".parse().unwrap());
        assert_eq!(
            chain.resolve(Some(ip("10.0.0.1")), &headers),
            Some(ip("10.0.0.5"))
        );
    }

    #[test]
    fn a_malformed_proxy_list_is_refused() {
        let err = ClientResolver::from_config(Some("10.0.0.0/33")).unwrap_err();
        assert!(format!("{err:#}").contains("CALLTRAIL_TRUSTED_PROXIES"));
        assert!(ClientResolver::from_config(None).is_ok());
    }
}
