//! The SSRF guard: destinations and channels may not reach loopback, private,
//! link-local or other internal addresses unless
//! `CALLTRAIL_ALLOW_PRIVATE_DESTINATIONS=true`. A URL's host is checked when
//! it is saved (an address written in the URL) and again at every connection
//! (what a name resolves to then), so a name that later resolves inward is
//! refused too. Redirects are never followed (see `send.rs`).

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, LazyLock};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::server::network::Networks;

/// Networks no destination may reach by default: "this" network, private
/// (RFC 1918), shared (CGNAT), loopback, link-local (cloud metadata),
/// IETF and benchmarking ranges, multicast and reserved; and their IPv6
/// counterparts (IPv4-mapped addresses are checked as IPv4).
static INTERNAL: LazyLock<Networks> = LazyLock::new(|| {
    Networks::parse(
        "0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16, 172.16.0.0/12,
         192.0.0.0/24, 192.168.0.0/16, 198.18.0.0/15, 224.0.0.0/4, 240.0.0.0/4,
         ::/128, ::1/128, 64:ff9b::/96, 100::/64, fc00::/7, fe80::/10, ff00::/8",
    )
    .expect("the internal networks parse")
});

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("{0:?} is not a URL")]
    NotUrl(String),
    #[error("only http:// and https:// URLs can be sent to")]
    Scheme,
    #[error("the URL has no host")]
    NoHost,
    #[error("{0} is a loopback or private address; set CALLTRAIL_ALLOW_PRIVATE_DESTINATIONS=true to allow it")]
    Private(IpAddr),
    #[error("{0} resolves only to loopback or private addresses; set CALLTRAIL_ALLOW_PRIVATE_DESTINATIONS=true to allow it")]
    PrivateName(String),
}

pub fn is_internal(ip: IpAddr) -> bool {
    INTERNAL.contains(ip)
}

/// Checks a destination URL as written: scheme, host, and an address host.
pub fn check_url(url: &str, allow_private: bool) -> Result<reqwest::Url, GuardError> {
    let parsed = reqwest::Url::parse(url.trim()).map_err(|_| GuardError::NotUrl(url.into()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(GuardError::Scheme);
    }
    let ip = match parsed.host() {
        None => return Err(GuardError::NoHost),
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(url::Host::Domain(_)) => None,
    };
    match ip {
        Some(ip) if !allow_private && is_internal(ip) => Err(GuardError::Private(ip)),
        _ => Ok(parsed),
    }
}

/// The addresses `host` resolves to that may be reached.
pub async fn resolve_public(host: &str, port: u16) -> Result<Vec<SocketAddr>, GuardError> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| GuardError::PrivateName(host.into()))?
        .filter(|a| !is_internal(a.ip()))
        .collect();
    if addrs.is_empty() {
        return Err(GuardError::PrivateName(host.into()));
    }
    Ok(addrs)
}

/// A resolver for reqwest that drops internal addresses, so a connection
/// is only ever made to an address the guard allows.
#[derive(Debug, Clone, Default)]
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let addrs = resolve_public(name.as_str(), 0).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// The resolver to use: `None` (the system's) when private targets are allowed.
pub fn resolver(allow_private: bool) -> Option<Arc<PublicOnly>> {
    (!allow_private).then(|| Arc::new(PublicOnly))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_refused_by_default() {
        for url in [
            "http://127.0.0.1:8080/hook",
            "http://10.1.2.3/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://[::ffff:192.168.1.1]/",
            "http://0.0.0.0/",
            "http://[fd00::1]/",
        ] {
            assert!(
                matches!(check_url(url, false), Err(GuardError::Private(_))),
                "{url} was let through"
            );
            assert!(check_url(url, true).is_ok(), "{url} refused when allowed");
        }
        assert!(check_url("https://hooks.example.com/x", false).is_ok());
        assert!(check_url("http://8.8.8.8/", false).is_ok());
        assert_eq!(
            check_url("ftp://example.com/", false),
            Err(GuardError::Scheme)
        );
        assert!(matches!(
            check_url("not a url", false),
            Err(GuardError::NotUrl(_))
        ));
    }

    #[tokio::test]
    async fn names_that_resolve_inward_are_refused() {
        assert_eq!(
            resolve_public("localhost", 80).await,
            Err(GuardError::PrivateName("localhost".into()))
        );
    }
}
