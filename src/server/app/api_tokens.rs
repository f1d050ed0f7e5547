//! API tokens: their secrets, and whether the one a request carries works.
//! A token acts as its account within its scope, with the account's role
//! as it is now but never above the role it had when the token was made.

use crate::model::tokens::{acting_role, TokenScope};
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
    /// The role the token acts with ([`acting_role`]).
    pub role: AccountRole,
    /// The token's first use in an hour (or ever): worth an audit entry.
    pub first_use_in_a_while: bool,
}

/// Why a token does not work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the token is not one of this server's")]
    Unknown,
    #[error("the token {name:?} was revoked")]
    Revoked { id: i64, name: String },
    #[error("the token {name:?} expired")]
    Expired { id: i64, name: String },
    #[error("the account of the token {name:?} is disabled")]
    Disabled { id: i64, name: String },
}

impl Refused {
    /// The token's id and name, when the secret was a real token.
    pub fn token(&self) -> Option<(i64, &str)> {
        match self {
            Refused::Unknown => None,
            Refused::Revoked { id, name }
            | Refused::Expired { id, name }
            | Refused::Disabled { id, name } => Some((*id, name)),
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
    // Only the request that notes the use may call it a first use, so
    // parallel first requests write one audit entry; noting it is
    // bookkeeping, which never fails the request.
    let touched = holder
        .last_used_at
        .is_none_or(|at| at < now - NOTE_USE_EVERY_MS)
        && match store
            .touch_token(holder.id, now, now - NOTE_USE_EVERY_MS)
            .await
        {
            Ok(touched) => touched,
            Err(e) => {
                tracing::warn!(error = %e, token = holder.id, "could not note a token's use");
                false
            }
        };
    Ok(Ok(Caller {
        token_id: holder.id,
        first_use_in_a_while: touched
            && holder
                .last_used_at
                .is_none_or(|at| at < now - AUDIT_USE_AFTER_MS),
        token_name: holder.name,
        scope: holder.scope,
        user_id: holder.user_id,
        username: holder.username,
        role: acting_role(holder.role, holder.made_as),
    }))
}

fn refusal(holder: &TokenHolder, now: i64) -> Option<Refused> {
    let (id, name) = (holder.id, holder.name.clone());
    if holder.revoked_at.is_some() {
        Some(Refused::Revoked { id, name })
    } else if holder.expires_at.is_some_and(|at| at <= now) {
        Some(Refused::Expired { id, name })
    } else if holder.disabled_at.is_some() {
        Some(Refused::Disabled { id, name })
    } else {
        None
    }
}
