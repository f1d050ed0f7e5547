//! The checks a webhook request must pass. Address and token need only the
//! URI, headers and peer, so ingest runs them before reading the body; the
//! signature covers the body and runs once it is read.

use std::net::IpAddr;

use axum::extract::Query;
use axum::http::{header, HeaderMap, Uri};
use serde::Deserialize;

use super::{signature, Denied, WebhookAuth};
use crate::server::app::platforms::{Offered, Platform};

/// The parts of a request the checks look at, besides the body.
pub struct Incoming<'a> {
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
    pub client_ip: Option<IpAddr>,
}

impl WebhookAuth {
    /// The checks that need no body: the address allowlist and the token.
    pub fn check_sender(&self, request: &Incoming<'_>) -> Result<(), Denied> {
        if let Some(allow) = &self.allow {
            match request.client_ip {
                Some(ip) if allow.contains(ip) => {}
                Some(ip) => return Err(Denied::Address(ip.to_string())),
                None => return Err(Denied::Address("unknown".into())),
            }
        }
        if let Some(expected) = self.token.as_ref().filter(|_| self.checks.token) {
            let offered = offered_tokens(request.uri, request.headers);
            if offered.is_empty() {
                return Err(Denied::NoToken);
            }
            if !offered.iter().any(|t| expected.matches(t)) {
                return Err(Denied::WrongToken);
            }
        }
        Ok(())
    }

    /// The checks for a route whose senders cannot sign their bodies (OTLP
    /// exporters): the sender's, and a refusal where signatures are all
    /// that is asked, since none can come.
    pub fn check_unsigned_sender(&self, request: &Incoming<'_>) -> Result<(), Denied> {
        self.check_sender(request)?;
        match self.checks.signature && !self.checks.token && !self.checks.ip {
            true => Err(Denied::CannotSign),
            false => Ok(()),
        }
    }

    /// Whether a sender that passed [`check_sender`](Self::check_sender)
    /// proved who it is before its body is read (a token or an allowed
    /// address): only then may a route take a large body.
    pub fn sender_proven(&self) -> bool {
        self.checks.token || self.checks.ip
    }

    /// The checks over the body; `now_ms` is the server clock. Infer's
    /// route checks Standard Webhooks signatures when they are on; Vapi's
    /// and Retell's check their platform's own scheme when its secret is
    /// set, and refuse when signatures are on and it is not.
    pub fn check_body(
        &self,
        request: &Incoming<'_>,
        body: &[u8],
        now_ms: i64,
        platform: Platform,
    ) -> Result<(), Denied> {
        let required = self.checks.signature;
        match platform.verify {
            Some(verify) => {
                let delivery = Offered {
                    headers: request.headers,
                    body,
                    now_ms,
                    required,
                };
                verify(&self.platforms, delivery)?
            }
            None if required => {
                let signed = signature::Signed {
                    id: standard_header(request.headers, "id"),
                    timestamp: standard_header(request.headers, "timestamp"),
                    signature: standard_header(request.headers, "signature"),
                };
                signature::verify(&self.keys, &signed, body, now_ms / 1000)?;
            }
            None => {}
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// Tokens offered as `?token=` and as `Authorization: Bearer`.
pub(super) fn offered_tokens(uri: &Uri, headers: &HeaderMap) -> Vec<String> {
    let mut offered = Vec::new();
    if let Ok(Query(TokenQuery { token: Some(t) })) = Query::<TokenQuery>::try_from_uri(uri) {
        offered.push(t);
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_string());
    offered.extend(bearer);
    offered
}

/// `webhook-<name>`, or Svix's `svix-<name>` spelling of the same header.
fn standard_header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    [format!("webhook-{name}"), format!("svix-{name}")]
        .iter()
        .find_map(|h| headers.get(h.as_str()))
        .and_then(|v| v.to_str().ok())
}
