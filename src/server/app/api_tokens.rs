//! API tokens: their secrets, and whether the one a request carries works.
//! A token acts as its account with the account's role as it is now (a
//! demoted account's tokens are demoted with it), within its scope.

use crate::model::tokens::TokenScope;
use crate::model::AccountRole;
use crate::server::app::accounts::{link_hash, new_link_secret};
use crate::server::store::api_tokens::TokenHolder;
use crate::server::store::prelude::*;
use crate::server::store::{self, now_ms, Store};

/// What every token starts with, so a leaked one is recognisable (secret
/// scanners, logs) and never taken for a password.
pub const PREFIX: &str = "ctk_";
/// A token's last use is noted at most this often (ms).
const NOTE_USE_EVERY_MS: i64 = 60_000;
/// A token's use is written to the audit log when it was not used for this long (ms).
const AUDIT_USE_AFTER_MS: i64 = 3_600_000;

/// The account a working token acts as, and the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub token_id: i64,
    pub token_name: String,
    pub scope: TokenScope,
    pub user_id: i64,
    pub username: String,
    pub role: AccountRole,
    /// The token's first use in an hour (or ever): worth an audit entry.
    pub first_use_in_a_while: bool,
}

/// Why a token does not work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the token is not one of this server's")]
    Unknown,
    #[error("the token {0:?} was revoked")]
    Revoked(String),
    #[error("the token {0:?} expired")]
    Expired(String),
    #[error("the account of the token {0:?} is disabled")]
    Disabled(String),
}

impl Refused {
    /// The token's name, when the secret was a real token.
    pub fn token_name(&self) -> Option<&str> {
        match self {
            Refused::Unknown => None,
            Refused::Revoked(name) | Refused::Expired(name) | Refused::Disabled(name) => Some(name),
        }
    }
}

/// A new token's secret (shown once) and the hash that is kept.
pub fn new_token() -> (String, String) {
    let (secret, _) = new_link_secret();
    let token = format!("{PREFIX}{secret}");
    let hash = link_hash(&token);
    (token, hash)
}

/// Makes a token for account `user_id`; returns the secret, shown once.
pub async fn create(
    store: &Store,
    user_id: i64,
    name: &str,
    scope: TokenScope,
    lifetime_ms: Option<i64>,
) -> Result<String, store::Error> {
    let (token, hash) = new_token();
    let expires_at = lifetime_ms.map(|ms| now_ms() + ms);
    store
        .create_token(user_id, name, scope, &hash, expires_at)
        .await?;
    Ok(token)
}

/// Whether `secret` is a working token, and whose; notes its use.
pub async fn check(store: &Store, secret: &str) -> Result<Result<Caller, Refused>, store::Error> {
    let Some(holder) = store.token_holder(&link_hash(secret.trim())).await? else {
        return Ok(Err(Refused::Unknown));
    };
    let now = now_ms();
    if let Some(refused) = refusal(&holder, now) {
        return Ok(Err(refused));
    }
    if holder
        .last_used_at
        .is_none_or(|at| at < now - NOTE_USE_EVERY_MS)
    {
        store
            .touch_token(holder.id, now, now - NOTE_USE_EVERY_MS)
            .await?;
    }
    Ok(Ok(Caller {
        token_id: holder.id,
        first_use_in_a_while: holder
            .last_used_at
            .is_none_or(|at| at < now - AUDIT_USE_AFTER_MS),
        token_name: holder.name,
        scope: holder.scope,
        user_id: holder.user_id,
        username: holder.username,
        role: holder.role,
    }))
}

fn refusal(holder: &TokenHolder, now: i64) -> Option<Refused> {
    let name = || holder.name.clone();
    if holder.revoked_at.is_some() {
        Some(Refused::Revoked(name()))
    } else if holder.expires_at.is_some_and(|at| at <= now) {
        Some(Refused::Expired(name()))
    } else if holder.disabled_at.is_some() {
        Some(Refused::Disabled(name()))
    } else {
        None
    }
}
