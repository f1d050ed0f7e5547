//! DNS rebinding defence: a web page the operator visits can point its own
//! host name at 127.0.0.1 and then talk to a local calltrail as if it were
//! same-origin. Such requests still name the attacker's host, so only hosts
//! this server is known by are served: `localhost`, IP addresses (a rebinding
//! attack needs a DNS name), the public URL's host and `CALLTRAIL_ALLOWED_HOSTS`.

use std::net::Ipv4Addr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::HOST;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::server::http::error::ApiError;
/// The host names (lower case, no port) the dashboard answers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    /// `localhost`, the host of `public_url` and each name in `extra`
    /// (comma-separated; ports are ignored).
    pub fn new(public_url: Option<&str>, extra: Option<&str>) -> Self {
        let mut names = vec!["localhost".to_string()];
        let public_host = public_url.map(|url| {
            let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
            let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
            let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
            authority.to_string()
        });
        let extra = extra.unwrap_or_default().split(',').map(str::to_string);
        names.extend(
            public_host
                .into_iter()
                .chain(extra)
                .filter_map(|h| hostname(&h).map(str::to_ascii_lowercase)),
        );
        names.sort();
        names.dedup();
        AllowedHosts(names)
    }

    /// Whether a request naming `host` (a `Host` header value) may be served.
    pub fn allows(&self, host: &str) -> bool {
        let Some(name) = hostname(host) else {
            return false;
        };
        if name.starts_with('[') || name.parse::<Ipv4Addr>().is_ok() {
            return true;
        }
        let name = name.to_ascii_lowercase();
        self.0.contains(&name)
    }
}

/// The host name of a `host[:port]` value, without a trailing dot; IPv6
/// literals keep their brackets. `None` for an empty or malformed value.
fn hostname(value: &str) -> Option<&str> {
    let value = value.trim();
    let name = if value.starts_with('[') {
        let end = value.find(']')?;
        &value[..=end]
    } else {
        match value.rsplit_once(':') {
            Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
            Some(_) => return None,
            None => value,
        }
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    let valid = !name.is_empty()
        && (name.starts_with('[')
            || name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')));
    valid.then_some(name)
}

/// Refuses requests naming a host this server is not known by with `421`.
/// Requests with no host at all are not from a browser and pass.
pub async fn check_host(
    State(allowed): State<Arc<AllowedHosts>>,
    request: Request,
    next: Next,
) -> Response {
    let named = request
        .headers()
        .get(HOST)
        .map(|h| String::from_utf8_lossy(h.as_bytes()).into_owned())
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    match named {
        Some(host) if !allowed.allows(&host) => {
            tracing::warn!(host = %host.chars().take(100).collect::<String>(), "refused a request for an unknown host");
            ApiError::new(
                StatusCode::MISDIRECTED_REQUEST,
                "unknown host",
                "this calltrail does not answer to that host name; \
                 add it to CALLTRAIL_ALLOWED_HOSTS or set CALLTRAIL_PUBLIC_URL",
            )
            .into_response()
        }
        _ => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_addresses_and_configured_names_are_allowed() {
        let hosts = AllowedHosts::new(
            Some("https://Calls.Example.com:8443/base"),
            Some("dash.internal, other.example:80"),
        );
        for ok in [
            "localhost",
            "localhost:3000",
            "LOCALHOST.",
            "127.0.0.1:3000",
            "10.1.2.3",
            "[::1]:3000",
            "calls.example.com",
            "calls.example.com:443",
            "dash.internal",
            "other.example",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for refused in [
            "evil.example",
            "evil.example:3000",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "calls.example.com.evil.example",
            "",
            "local host",
            "localhost:x",
        ] {
            assert!(!hosts.allows(refused), "{refused}");
        }
    }

    #[test]
    fn without_settings_only_localhost_and_addresses() {
        let hosts = AllowedHosts::new(None, None);
        assert!(hosts.allows("localhost:3000"));
        assert!(hosts.allows("192.0.2.1:3000"));
        assert!(!hosts.allows("calltrail.example"));
    }
}
