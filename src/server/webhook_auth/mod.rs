//! Who may post webhooks: a token (query or Bearer), Standard Webhooks
//! signatures, and an IP allowlist — each optional, all combinable, and an
//! open endpoint only when configured so explicitly.

pub mod network;
pub mod signature;
pub mod token;

use std::net::IpAddr;

use anyhow::{bail, Context};
use axum::extract::Query;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use serde::Deserialize;

use super::config::WebhookConfig;
use super::store::Store;
use crate::model::ConnectInfo;
pub use network::Networks;
pub use signature::{SignatureError, SigningKey};
pub use token::CurrentToken;

/// Which checks a webhook must pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checks {
    pub token: bool,
    pub signature: bool,
    pub ip: bool,
}

impl Checks {
    pub fn open(&self) -> bool {
        !(self.token || self.signature || self.ip)
    }
}

/// The webhook authentication in force, built once at start-up.
#[derive(Debug, Clone)]
pub struct WebhookAuth {
    pub checks: Checks,
    token: Option<CurrentToken>,
    token_from_env: bool,
    keys: Vec<SigningKey>,
    allow: Option<Networks>,
    proxies: Networks,
}

/// Why a delivery was refused. The sender gets a generic answer; the delivery
/// log, which only signed-in users read, keeps this.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("the sender's address {0} is not in CALLTRAIL_WEBHOOK_ALLOW_IPS")]
    Address(String),
    #[error("no webhook token was sent (?token= or Authorization: Bearer)")]
    NoToken,
    #[error("the webhook token does not match")]
    WrongToken,
    #[error("signature: {0}")]
    Signature(#[from] SignatureError),
}

impl Denied {
    pub fn status(&self) -> StatusCode {
        match self {
            Denied::Address(_) => StatusCode::FORBIDDEN,
            _ => StatusCode::UNAUTHORIZED,
        }
    }
}

/// The parts of a request the checks look at.
pub struct Incoming<'a> {
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
    pub client_ip: Option<IpAddr>,
    pub body: &'a [u8],
}

impl WebhookAuth {
    /// Reads the configuration, refusing anything malformed, and loads (or
    /// generates and stores) the webhook token when the token check is on.
    pub async fn load(config: &WebhookConfig, store: &Store) -> anyhow::Result<Self> {
        let mut auth = Self::from_config(config)?;
        if auth.checks.token && auth.token.is_none() {
            let token = match store.webhook_token().await? {
                Some(token) => token,
                None => {
                    let token = token::generate();
                    store.set_webhook_token(&token).await?;
                    tracing::info!("generated a webhook token; the dashboard shows the URL to use");
                    token
                }
            };
            auth.token = Some(CurrentToken::new(token));
        }
        Ok(auth)
    }

    /// Everything but the stored token.
    pub fn from_config(config: &WebhookConfig) -> anyhow::Result<Self> {
        let keys = match &config.secrets {
            None => Vec::new(),
            Some(list) => list
                .0
                .split(',')
                .map(SigningKey::parse)
                .collect::<Result<_, _>>()
                .context("CALLTRAIL_WEBHOOK_SECRET")?,
        };
        let allow = match &config.allow_ips {
            None => None,
            Some(list) => Some(
                Networks::parse(list)
                    .map_err(anyhow::Error::msg)
                    .context("CALLTRAIL_WEBHOOK_ALLOW_IPS")?,
            ),
        };
        let proxies = match &config.trusted_proxies {
            None => Networks::default(),
            Some(list) => Networks::parse(list)
                .map_err(anyhow::Error::msg)
                .context("CALLTRAIL_TRUSTED_PROXIES")?,
        };
        let checks = parse_checks(config.auth.as_deref(), !keys.is_empty(), allow.is_some())?;
        let token = match &config.token {
            Some(_) if !checks.token => {
                bail!(
                    "CALLTRAIL_WEBHOOK_TOKEN is set but CALLTRAIL_WEBHOOK_AUTH leaves out `token`"
                )
            }
            Some(t) if t.0.trim().len() < token::MIN_LEN || t.0.contains(char::is_whitespace) => {
                bail!(
                    "CALLTRAIL_WEBHOOK_TOKEN must be at least {} characters with no spaces",
                    token::MIN_LEN
                )
            }
            Some(t) => Some(CurrentToken::new(t.0.clone())),
            None => None,
        };
        Ok(WebhookAuth {
            checks,
            token_from_env: token.is_some(),
            token,
            keys,
            allow,
            proxies,
        })
    }

    /// The client's address: the peer, or what a trusted proxy forwarded.
    pub fn client_ip(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        peer.map(|peer| network::client_ip(peer, forwarded, &self.proxies))
    }

    /// Runs every configured check; `now` is the server clock in seconds.
    pub fn check(&self, request: &Incoming<'_>, now: i64) -> Result<(), Denied> {
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
        if self.checks.signature {
            let signed = signature::Signed {
                id: standard_header(request.headers, "id"),
                timestamp: standard_header(request.headers, "timestamp"),
                signature: standard_header(request.headers, "signature"),
            };
            signature::verify(&self.keys, &signed, request.body, now)?;
        }
        Ok(())
    }

    /// Replaces the generated token; the old one stops working at once.
    pub async fn rotate_token(&self, store: &Store) -> Result<(), RotateError> {
        let Some(current) = self.token.as_ref().filter(|_| self.checks.token) else {
            return Err(RotateError::NotInUse);
        };
        if self.token_from_env {
            return Err(RotateError::FromEnvironment);
        }
        let fresh = token::generate();
        store.set_webhook_token(&fresh).await?;
        current.set(fresh);
        tracing::info!("the webhook token was rotated");
        Ok(())
    }

    /// What the "Connect your agent" panel shows, for a server reached at `base_url`.
    pub fn connect_info(&self, base_url: &str) -> ConnectInfo {
        let base = format!("{}/webhooks/infer", base_url.trim_end_matches('/'));
        let token = self.current_token();
        ConnectInfo {
            webhook_url: match &token {
                Some(t) => format!("{base}?token={t}"),
                None => base,
            },
            token_required: token.is_some(),
            token_from_env: self.token_from_env,
            signature_required: self.checks.signature,
            ip_allowlist: self.checks.ip,
            open: self.checks.open(),
        }
    }

    /// The token senders must present, when the token check is on.
    pub fn current_token(&self) -> Option<String> {
        self.token
            .as_ref()
            .filter(|_| self.checks.token)
            .map(CurrentToken::get)
    }

    /// The first signing key, when signatures are required (the demo signs with it).
    pub fn signing_key(&self) -> Option<SigningKey> {
        self.keys.first().filter(|_| self.checks.signature).cloned()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    #[error("the webhook token is not in use (CALLTRAIL_WEBHOOK_AUTH leaves it out)")]
    NotInUse,
    #[error("the webhook token is set by CALLTRAIL_WEBHOOK_TOKEN; change it there and restart")]
    FromEnvironment,
    #[error("the new token could not be saved: {0}")]
    Database(#[from] sqlx::Error),
}

fn parse_checks(list: Option<&str>, has_keys: bool, has_allowlist: bool) -> anyhow::Result<Checks> {
    let Some(list) = list.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok(Checks {
            token: true,
            signature: has_keys,
            ip: has_allowlist,
        });
    };
    let mut checks = Checks::default();
    let mut none = false;
    for name in list
        .split([',', '+', ' '])
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        match name.to_ascii_lowercase().as_str() {
            "none" => none = true,
            "token" => checks.token = true,
            "signature" => checks.signature = true,
            "ip" => checks.ip = true,
            other => bail!(
                "CALLTRAIL_WEBHOOK_AUTH: unknown check {other:?} (use token, signature, ip, or none)"
            ),
        }
    }
    if none && !checks.open() {
        bail!("CALLTRAIL_WEBHOOK_AUTH: `none` cannot be combined with other checks");
    }
    if checks.signature && !has_keys {
        bail!(
            "CALLTRAIL_WEBHOOK_AUTH asks for `signature` but CALLTRAIL_WEBHOOK_SECRET is not set"
        );
    }
    if checks.ip && !has_allowlist {
        bail!("CALLTRAIL_WEBHOOK_AUTH asks for `ip` but CALLTRAIL_WEBHOOK_ALLOW_IPS is not set");
    }
    if has_keys && !checks.signature {
        bail!("CALLTRAIL_WEBHOOK_SECRET is set but CALLTRAIL_WEBHOOK_AUTH leaves out `signature`");
    }
    if has_allowlist && !checks.ip {
        bail!("CALLTRAIL_WEBHOOK_ALLOW_IPS is set but CALLTRAIL_WEBHOOK_AUTH leaves out `ip`");
    }
    Ok(checks)
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// Tokens offered as `?token=` and as `Authorization: Bearer`.
fn offered_tokens(uri: &Uri, headers: &HeaderMap) -> Vec<String> {
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

#[cfg(test)]
mod tests;
