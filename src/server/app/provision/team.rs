//! The provisioning file's `[[user]]` entries: each account's role, set at
//! start-up. An account the file names that does not exist yet is made
//! without a password: it signs in through single sign-on, or after
//! `calltrail user reset-password` or an admin's reset link.

use anyhow::{bail, Context};
use serde::Deserialize;

use crate::model::AccountRole;
use crate::server::store::prelude::*;
use crate::server::store::users::AccountChange;
use crate::server::store::Store;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionedUser {
    pub name: String,
    /// admin, editor, viewer or restricted (strict).
    #[serde(deserialize_with = "role")]
    pub role: AccountRole,
}

fn role<'de, D: serde::Deserializer<'de>>(d: D) -> Result<AccountRole, D::Error> {
    let name = String::deserialize(d)?;
    AccountRole::parse(&name).map_err(serde::de::Error::custom)
}

pub(super) async fn apply_users(users: &[ProvisionedUser], store: &Store) -> anyhow::Result<()> {
    for user in users {
        let name = user.name.trim();
        match store.user_by_name(name).await? {
            Some(found) if found.role == user.role => {}
            Some(found) => match store.set_role(found.id, user.role).await? {
                AccountChange::Changed => {
                    tracing::info!(user = name, role = %user.role, "the provisioning file set a role")
                }
                AccountChange::LastAdmin => {
                    bail!("user {name:?}: the file would leave no enabled admin; keep one admin")
                }
                AccountChange::NoSuchUser => {}
            },
            None => {
                store
                    .create_user(name, "!no-password", user.role)
                    .await
                    .with_context(|| format!("user {name:?}"))?;
                tracing::info!(
                    user = name,
                    role = %user.role,
                    "the provisioning file made an account with no password yet"
                );
            }
        }
    }
    Ok(())
}
