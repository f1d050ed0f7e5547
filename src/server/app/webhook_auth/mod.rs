//! Who may post webhooks: a token (query or Bearer), Standard Webhooks
//! signatures (Vapi's and Retell's own on their routes), and an IP allowlist — each optional, all combinable, and an
//! open endpoint only when configured so explicitly. The client address the
//! allowlist checks is resolved by `server::client`.

mod check;
mod config;
mod connect;
pub mod signature;
pub mod token;

use axum::http::StatusCode;

use crate::server::app::network::Networks;
pub use crate::server::app::platforms::{PlatformDenied, PlatformKeys};
use crate::server::config::WebhookConfig;
use crate::server::store::Store;
pub use check::Incoming;
pub use signature::{SignatureError, SigningKey};
pub use token::{CurrentToken, RotateError};

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
    platforms: PlatformKeys,
    allow: Option<Networks>,
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
    #[error("signature: {0}")]
    Platform(#[from] PlatformDenied),
    #[error("CALLTRAIL_WEBHOOK_AUTH asks only for signatures, which OTLP exporters cannot make: add `token` (or `ip`) to it to take traces")]
    CannotSign,
}

impl Denied {
    pub fn status(&self) -> StatusCode {
        match self {
            Denied::Address(_) => StatusCode::FORBIDDEN,
            _ => StatusCode::UNAUTHORIZED,
        }
    }
}

impl WebhookAuth {
    /// Reads the configuration, refusing anything malformed, and loads (or
    /// generates and stores) the webhook token when the token check is on.
    pub async fn load(config: &WebhookConfig, store: &Store) -> anyhow::Result<Self> {
        let mut auth = Self::from_config(config)?;
        if auth.checks.token && auth.token.is_none() {
            auth.token = Some(token::load_or_generate(store).await?);
        }
        Ok(auth)
    }

    /// Vapi's and Retell's secrets (the demo sends and signs with them).
    pub fn platform_keys(&self) -> PlatformKeys {
        self.platforms.clone()
    }

    /// The first signing key, when signatures are required (the demo signs with it).
    pub fn signing_key(&self) -> Option<SigningKey> {
        self.keys.first().filter(|_| self.checks.signature).cloned()
    }
}

#[cfg(test)]
mod tests;
