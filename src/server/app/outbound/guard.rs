//! The SSRF guard: destinations and channels may not reach loopback, private,
//! link-local or other internal addresses unless
//! `CALLTRAIL_ALLOW_PRIVATE_DESTINATIONS=true`. A URL's or SMTP server's host
//! is checked when it is saved (an address written there) and again at every
//! connection (what a name resolves to then, and only an address so checked
//! is connected to), so a name that later resolves inward is refused too.
//! Redirects are never followed (see `send.rs`).

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::Host;

use super::internal::is_internal;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("{0:?} is not a URL")]
    NotUrl(String),
    #[error("{0:?} is not a host name or address")]
    NotHost(String),
    #[error("only http:// and https:// URLs can be sent to")]
    Scheme,
    #[error("the URL has no host")]
    NoHost,
    #[error("{0} does not resolve to an address")]
    Unresolved(String),
    #[error("{0} is a loopback or private address; set CALLTRAIL_ALLOW_PRIVATE_DESTINATIONS=true to allow it")]
    Private(IpAddr),
    #[error("{0} resolves only to loopback or private addresses; set CALLTRAIL_ALLOW_PRIVATE_DESTINATIONS=true to allow it")]
    PrivateName(String),
}

/// Checks a destination URL as written: scheme, host, and an address host.
pub fn check_url(url: &str, allow_private: bool) -> Result<reqwest::Url, GuardError> {
    let parsed = reqwest::Url::parse(url.trim()).map_err(|_| GuardError::NotUrl(url.into()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(GuardError::Scheme);
    }
    check_host(&parsed.host().ok_or(GuardError::NoHost)?, allow_private)?;
    Ok(parsed)
}

/// Checks a server's host as written (an SMTP relay's: a name, or an
/// address, IPv6 with or without brackets) as [`check_url`] checks a URL's.
pub fn check_server(host: &str, allow_private: bool) -> Result<(), GuardError> {
    let host = host.trim();
    let parsed = match host.parse::<Ipv6Addr>() {
        Ok(ip) => Host::Ipv6(ip),
        Err(_) => Host::parse(host).map_err(|_| GuardError::NotHost(host.into()))?,
    };
    check_host(&parsed, allow_private)
}

/// Refuses an address host that is internal; a name passes here and is
/// judged by what it resolves to at each connection ([`resolve`]).
fn check_host<S>(host: &Host<S>, allow_private: bool) -> Result<(), GuardError> {
    let ip = match *host {
        Host::Ipv4(ip) => IpAddr::V4(ip),
        Host::Ipv6(ip) => IpAddr::V6(ip),
        Host::Domain(_) => return Ok(()),
    };
    if !allow_private && is_internal(ip) {
        return Err(GuardError::Private(ip));
    }
    Ok(())
}

/// The addresses `host` resolves to that may be reached (all of them when
/// private targets are allowed). Connect only to these: resolving the name
/// again could give another answer (DNS rebinding).
pub async fn resolve(
    host: &str,
    port: u16,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, GuardError> {
    let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| GuardError::Unresolved(host.into()))?
        .collect();
    if resolved.is_empty() {
        return Err(GuardError::Unresolved(host.into()));
    }
    let allowed: Vec<SocketAddr> = resolved
        .into_iter()
        .filter(|a| allow_private || !is_internal(a.ip()))
        .collect();
    if allowed.is_empty() {
        return Err(GuardError::PrivateName(host.into()));
    }
    Ok(allowed)
}

/// A resolver for reqwest that drops internal addresses, so a connection
/// is only ever made to an address the guard allows.
#[derive(Debug, Clone, Default)]
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let addrs = resolve(name.as_str(), 0, false).await?;
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

    #[test]
    fn ipv6_forms_carrying_an_internal_ipv4_address_are_refused() {
        let loopback = IpAddr::from([127, 0, 0, 1]);
        for (url, refused) in [
            ("http://[::127.0.0.1]/", "::7f00:1"),
            ("http://[::ffff:0:127.0.0.1]/", "::ffff:0:7f00:1"),
            ("http://[64:ff9b::127.0.0.1]/", "64:ff9b::7f00:1"),
            ("http://[64:ff9b:1::127.0.0.1]/", "64:ff9b:1::7f00:1"),
            ("http://[2002:7f00:1::1]/", "2002:7f00:1::1"),
            (
                "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
                "2001:0:4136:e378:8000:63bf:80ff:fffe",
            ),
        ] {
            let refused: IpAddr = refused.parse().unwrap();
            assert_ne!(refused, loopback);
            assert_eq!(
                check_url(url, false),
                Err(GuardError::Private(refused)),
                "{url}"
            );
            assert!(check_url(url, true).is_ok(), "{url} refused when allowed");
        }
        // The same forms carrying a public address still pass.
        for url in [
            "http://[64:ff9b::8.8.8.8]/",
            "http://[2002:808:808::1]/",
            "http://[::ffff:0:8.8.8.8]/",
        ] {
            assert!(check_url(url, false).is_ok(), "{url} refused");
        }
    }

    #[test]
    fn smtp_servers_are_checked_as_urls_are() {
        for host in [
            "127.0.0.1",
            " 10.0.0.5 ",
            "127.1",
            "::1",
            "[::1]",
            "::ffff:0:127.0.0.1",
            "169.254.169.254",
        ] {
            assert!(
                matches!(check_server(host, false), Err(GuardError::Private(_))),
                "{host} was let through"
            );
            assert_eq!(check_server(host, true), Ok(()), "{host}");
        }
        for host in ["smtp.example.com", "8.8.8.8", "2606:4700::1111"] {
            assert_eq!(check_server(host, false), Ok(()), "{host}");
        }
        assert_eq!(
            check_server("smtp example", false),
            Err(GuardError::NotHost("smtp example".into()))
        );
    }

    #[tokio::test]
    async fn names_that_resolve_inward_are_refused() {
        assert_eq!(
            resolve("localhost", 80, false).await,
            Err(GuardError::PrivateName("localhost".into()))
        );
        let allowed = resolve("localhost", 80, true).await.unwrap();
        assert!(allowed
            .iter()
            .all(|a| a.ip().is_loopback() && a.port() == 80));
    }
}
