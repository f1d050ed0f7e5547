//! Single sign-on as calltrail uses it: the provider, discovered on first
//! use (a provider that is down at start-up does not stop calltrail; the
//! next sign-in tries again), and how a verified identity becomes an
//! account — found by issuer and subject, made at its first sign-in, its
//! role set from its groups when roles are mapped.

use tokio::sync::RwLock;

use super::{Identity, ProviderSettings, Sso, SsoError};
use crate::model::AccountRole;
use crate::server::config::ServeConfig;
use crate::server::store::prelude::*;
use crate::server::store::users::{AccountChange, User};
use crate::server::store::{self, Store};

pub struct SignOn {
    settings: ProviderSettings,
    /// Discovered at the first sign-in; forgotten when a token's signature
    /// fails, so keys the provider rotated are read again.
    provider: RwLock<Option<Sso>>,
    default_role: AccountRole,
    role_groups: Vec<(AccountRole, String)>,
    /// What the sign-in button says after "Sign in with".
    pub label: String,
}

/// Why an identity does not sign in.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("the account is disabled")]
    Disabled,
    #[error("no free account name for {0:?}")]
    NoFreeName(String),
    #[error(transparent)]
    Store(#[from] store::Error),
}

impl SignOn {
    /// Single sign-on as configured; `None` when no issuer is set.
    pub fn from_config(config: &ServeConfig) -> anyhow::Result<Option<SignOn>> {
        let sso = &config.sso;
        let Some(issuer) = &sso.issuer else {
            return Ok(None);
        };
        let (Some(client_id), Some(secret)) = (&sso.client_id, &sso.client_secret) else {
            anyhow::bail!(
                "CALLTRAIL_OIDC_ISSUER is set: set CALLTRAIL_OIDC_CLIENT_ID and CALLTRAIL_OIDC_CLIENT_SECRET too"
            );
        };
        let redirect_url = match &sso.redirect_url {
            Some(url) => url.clone(),
            None => format!("{}/sso/callback", config.base_url()),
        };
        Ok(Some(SignOn {
            settings: ProviderSettings {
                issuer: issuer.clone(),
                client_id: client_id.clone(),
                client_secret: secret.0.clone(),
                redirect_url,
                groups_claim: Some(sso.groups_claim.clone()).filter(|c| !c.is_empty()),
                scopes: sso.scopes.split_whitespace().map(str::to_string).collect(),
            },
            provider: RwLock::new(None),
            default_role: sso.default_role,
            role_groups: sso.role_map().map_err(anyhow::Error::msg)?,
            label: sso.label.clone(),
        }))
    }

    /// The provider, discovered now if it was not yet.
    pub async fn provider(&self) -> Result<Sso, SsoError> {
        if let Some(sso) = self.provider.read().await.as_ref() {
            return Ok(sso.clone());
        }
        let mut slot = self.provider.write().await;
        if let Some(sso) = slot.as_ref() {
            return Ok(sso.clone());
        }
        let sso = Sso::discover(self.settings.clone()).await?;
        *slot = Some(sso.clone());
        Ok(sso)
    }

    /// Discovers the provider again at the next sign-in (its keys may have
    /// changed).
    pub async fn forget_provider(&self) {
        *self.provider.write().await = None;
    }

    /// The role `groups` give, when roles are mapped from groups: the most
    /// trusted one any group names, else the default role.
    pub fn role_for(&self, groups: &[String]) -> Option<AccountRole> {
        if self.role_groups.is_empty() {
            return None;
        }
        let named = self
            .role_groups
            .iter()
            .filter(|(_, group)| groups.contains(group))
            .map(|(role, _)| *role)
            .min();
        Some(named.unwrap_or(self.default_role))
    }

    /// The account `identity` signs in to: found by issuer and subject (its
    /// role brought in line with its groups), or made now.
    pub async fn account(&self, store: &Store, identity: &Identity) -> Result<User, AccountError> {
        let key = format!("{} {}", identity.issuer, identity.subject);
        let wanted = self.role_for(&identity.groups);
        if let Some(user) = store.user_by_sso(&key).await? {
            if user.is_disabled() {
                return Err(AccountError::Disabled);
            }
            return match wanted {
                Some(role) if role != user.role => match store.set_role(user.id, role).await? {
                    AccountChange::Changed => Ok(User { role, ..user }),
                    _ => {
                        tracing::warn!(
                            user = user.username,
                            "kept the role: it is the last enabled admin"
                        );
                        Ok(user)
                    }
                },
                _ => Ok(user),
            };
        }
        let role = wanted.unwrap_or(self.default_role);
        let base = plain_name(&identity.username);
        // A name another account has gets a number: the identity, not the
        // name, is what signs in.
        for n in 1..=50 {
            let name = if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            if let Some(user) = store.create_sso_user(&name, &key, role).await? {
                tracing::info!(user = user.username, %role, "made an account at its first single sign-on");
                return Ok(user);
            }
            if let Some(user) = store.user_by_sso(&key).await? {
                // Made meanwhile by a sign-in of the same identity.
                return Ok(user);
            }
        }
        Err(AccountError::NoFreeName(base))
    }
}

/// The provider's name for someone, made fit for an account name.
fn plain_name(name: &str) -> String {
    let name: String = name
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(48)
        .collect();
    if name.is_empty() {
        "sso-user".into()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign_on(groups: Option<&str>) -> SignOn {
        let mut config = ServeConfig::for_tests("x.db".into());
        config.sso.issuer = Some("http://127.0.0.1:1".into());
        config.sso.client_id = Some("calltrail".into());
        config.sso.client_secret = Some(crate::server::config::Secret("s".into()));
        config.sso.role_groups = groups.map(str::to_string);
        SignOn::from_config(&config).unwrap().unwrap()
    }

    #[test]
    fn the_most_trusted_role_a_group_names_wins() {
        let s = sign_on(Some("admin=ops, editor=support,restricted=contractors"));
        let groups = |g: &[&str]| g.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            s.role_for(&groups(&["support", "ops"])),
            Some(AccountRole::Admin)
        );
        assert_eq!(
            s.role_for(&groups(&["contractors"])),
            Some(AccountRole::Restricted)
        );
        assert_eq!(s.role_for(&groups(&["sales"])), Some(AccountRole::Viewer));
        assert_eq!(sign_on(None).role_for(&groups(&["ops"])), None);
    }

    #[test]
    fn a_wrong_mapping_or_missing_client_is_an_error() {
        let mut config = ServeConfig::for_tests("x.db".into());
        config.sso.issuer = Some("http://127.0.0.1:1".into());
        assert!(SignOn::from_config(&config).is_err());
        config.sso.client_id = Some("c".into());
        config.sso.client_secret = Some(crate::server::config::Secret("s".into()));
        config.sso.role_groups = Some("owner=x".into());
        assert!(SignOn::from_config(&config).is_err());
        config.sso.role_groups = Some("admin".into());
        assert!(SignOn::from_config(&config).is_err());
    }
}
