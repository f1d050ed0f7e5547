//! The webhook token: generated once and kept in the database (and rotated
//! from the dashboard), or set by `CALLTRAIL_WEBHOOK_TOKEN`; compared in
//! constant time.

use std::sync::{Arc, RwLock};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

use super::WebhookAuth;
use crate::server::store;
use crate::server::store::prelude::*;
use crate::server::store::Store;

/// Shortest token accepted from configuration.
pub const MIN_LEN: usize = 16;

/// A fresh random token: 32 bytes, URL-safe, so it can sit in a query string as is.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The current token, shared by the ingest route and the dashboard's rotate action.
#[derive(Clone)]
pub struct CurrentToken(Arc<RwLock<String>>);

impl CurrentToken {
    pub fn new(token: String) -> Self {
        CurrentToken(Arc::new(RwLock::new(token)))
    }

    pub fn get(&self) -> String {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn set(&self, token: String) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = token;
    }

    /// Compares digests, so neither the content nor the length leaks through timing.
    pub fn matches(&self, offered: &str) -> bool {
        let expected = Sha256::digest(self.get().as_bytes());
        let offered = Sha256::digest(offered.as_bytes());
        expected.ct_eq(&offered).into()
    }
}

/// The stored token, or a fresh one, stored now, on the first start.
pub(super) async fn load_or_generate(store: &Store) -> Result<CurrentToken, store::Error> {
    let token = match store.webhook_token().await? {
        Some(token) => token,
        None => {
            let token = generate();
            store.set_webhook_token(&token).await?;
            tracing::info!("generated a webhook token; the dashboard shows the URL to use");
            token
        }
    };
    Ok(CurrentToken::new(token))
}

impl WebhookAuth {
    /// The token senders must present, when the token check is on.
    pub fn current_token(&self) -> Option<String> {
        self.token
            .as_ref()
            .filter(|_| self.checks.token)
            .map(CurrentToken::get)
    }

    /// Replaces the generated token; the old one stops working at once.
    pub async fn rotate_token(&self, store: &Store) -> Result<(), RotateError> {
        let Some(current) = self.token.as_ref().filter(|_| self.checks.token) else {
            return Err(RotateError::NotInUse);
        };
        if self.token_from_env {
            return Err(RotateError::FromEnvironment);
        }
        let fresh = generate();
        store.set_webhook_token(&fresh).await?;
        current.set(fresh);
        tracing::info!("the webhook token was rotated");
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    #[error("the webhook token is not in use (CALLTRAIL_WEBHOOK_AUTH leaves it out)")]
    NotInUse,
    #[error("the webhook token is set by CALLTRAIL_WEBHOOK_TOKEN; change it there and restart")]
    FromEnvironment,
    #[error("the new token could not be saved: {0}")]
    Database(#[from] store::Error),
}

impl std::fmt::Debug for CurrentToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CurrentToken(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_long_distinct_and_url_safe() {
        let (a, b) = (generate(), generate());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    #[test]
    fn matches_only_the_current_token() {
        let token = CurrentToken::new("first-token-0123456789".into());
        assert!(token.matches("first-token-0123456789"));
        assert!(!token.matches("first-token-012345678"));
        assert!(!token.matches(""));
        token.set("second-token-0123456789".into());
        assert!(!token.matches("first-token-0123456789"));
        assert!(token.matches("second-token-0123456789"));
    }
}
