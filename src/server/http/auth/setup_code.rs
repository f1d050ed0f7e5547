//! The first-run setup code. While there is no account, whoever reaches
//! `/setup` first becomes the admin. So the server prints a one-time code
//! at start-up (as Jupyter does) and `/setup` asks for it, unless the
//! request plainly comes from the server's own machine: a loopback peer,
//! with no proxy's forwarding headers, while the server listens on loopback
//! and neither a public URL nor trusted proxies are set. Behind a reverse
//! proxy (docs/install.md's service set-up: loopback, a proxy and
//! `CALLTRAIL_PUBLIC_URL`) every peer is loopback, so the peer alone would
//! let the first remote visitor in: any sign of a proxy asks for the code.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

use crate::server::app::webhook_auth::token;
use crate::server::config::ServeConfig;
use crate::server::http::AppState;
use crate::server::store::prelude::*;

/// Characters of the generated code.
const LEN: usize = 12;

/// Headers a proxy adds: a request holding any came through one.
const FORWARDING_HEADERS: [&str; 5] = [
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-real-ip",
];

/// A fresh code while there is no account; it is printed for the operator.
pub async fn for_first_run(state: &AppState) -> anyhow::Result<Option<Arc<str>>> {
    if state.store.has_users().await? {
        return Ok(None);
    }
    let code: String = token::generate().chars().take(LEN).collect();
    let where_from = match local_only(&state.config) {
        true => "from another machine or through a proxy",
        false => "",
    };
    tracing::warn!(
        "no account yet: create the admin account at /setup with the setup code {code} {where_from}"
    );
    Ok(Some(code.into()))
}

/// Whether `/setup` asks a request from `peer` with `headers` for the code
/// (`expected`, none once an account existed at start-up).
pub fn asks(
    expected: Option<&str>,
    config: &ServeConfig,
    peer: Option<IpAddr>,
    headers: &HeaderMap,
) -> bool {
    let from_this_machine = local_only(config)
        && peer.is_some_and(|ip| ip.to_canonical().is_loopback())
        && !FORWARDING_HEADERS.iter().any(|h| headers.contains_key(*h));
    expected.is_some() && !from_this_machine
}

/// Whether `/setup` asks the request of `parts` for the code.
pub fn asks_request(state: &AppState, parts: &Parts) -> bool {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    asks(
        state.setup_code.as_deref(),
        &state.config,
        peer,
        &parts.headers,
    )
}

/// Whether `/setup` asks this request for the code ([`asks_request`]).
pub struct AsksForCode(pub bool);

impl FromRequestParts<AppState> for AsksForCode {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(AsksForCode(asks_request(state, parts)))
    }
}

/// Whether only this machine can reach the server directly: it listens on
/// loopback, with no public URL and no trusted proxy configured.
fn local_only(config: &ServeConfig) -> bool {
    config.addr.ip().is_loopback()
        && config.public_url.is_none()
        && config.webhook.trusted_proxies.is_none()
}

/// Whether `offered` is the code `expected` (or no code is needed).
pub fn accepts(expected: Option<&str>, offered: &str) -> bool {
    let Some(expected) = expected else {
        return true;
    };
    let expected = Sha256::digest(expected.as_bytes());
    let offered = Sha256::digest(offered.trim().as_bytes());
    expected.ct_eq(&offered).into()
}

#[cfg(test)]
mod tests {
    use super::accepts;

    #[test]
    fn only_the_printed_code_is_accepted() {
        assert!(accepts(None, ""));
        assert!(accepts(Some("Ab3dEf6hIj9k"), "Ab3dEf6hIj9k"));
        assert!(accepts(Some("Ab3dEf6hIj9k"), " Ab3dEf6hIj9k\n"));
        assert!(!accepts(Some("Ab3dEf6hIj9k"), "ab3def6hij9k"));
        assert!(!accepts(Some("Ab3dEf6hIj9k"), ""));
        assert!(!accepts(Some("Ab3dEf6hIj9k"), "Ab3dEf6hIj9"));
    }
}
