//! One-time links: an invitation makes a new account with the role it was
//! made for; a reset link sets an existing account's password. Each is kept
//! as the hash of its secret, works once, and only until it expires.

use sqlx::FromRow;

use super::users::{User, USER_COLUMNS};
use super::{portable, Backend as _};
use crate::model::AccountRole;
use crate::server::store::now_ms;

/// A link as made, before anyone used it.
#[derive(Debug, Clone)]
pub enum LinkFor {
    /// A new account with this role.
    Invite(AccountRole),
    /// A new password for this account.
    Reset(i64),
}

/// A link still waiting to be used.
#[derive(Debug, Clone, FromRow)]
pub struct Invitation {
    pub id: i64,
    pub purpose: String,
    pub role: Option<String>,
    pub user_id: Option<i64>,
    /// The account a reset link is for.
    pub username: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// What using a link did.
#[derive(Debug, Clone)]
pub enum Redeemed {
    /// The account made or whose password was set.
    Done(User),
    /// Unknown, used already, or expired.
    Invalid,
    /// An invitation, but the name is taken (the link still works).
    NameTaken,
}

const PENDING: &str =
    "SELECT i.id, i.purpose, i.role, i.user_id, u.username, i.created_at, i.expires_at
     FROM invitations i LEFT JOIN users u ON u.id = i.user_id
     WHERE i.used_at IS NULL AND i.expires_at > $1";

portable! {
    pub async fn create_link(
        &self,
        token_hash: &str,
        link: LinkFor,
        created_by: Option<i64>,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        let (purpose, role, user_id) = match link {
            LinkFor::Invite(role) => ("invite", Some(role.as_str()), None),
            LinkFor::Reset(id) => ("reset", None, Some(id)),
        };
        sqlx::query(
            "INSERT INTO invitations (token_hash, purpose, role, user_id, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token_hash)
        .bind(purpose)
        .bind(role)
        .bind(user_id)
        .bind(created_by)
        .bind(now_ms())
        .bind(expires_at)
        .execute(self.writes())
        .await?;
        Ok(())
    }

    /// The link with this hash, while it can still be used.
    pub async fn pending_link(&self, token_hash: &str) -> Result<Option<Invitation>, sqlx::Error> {
        sqlx::query_as(&format!("{PENDING} AND i.token_hash = $2"))
            .bind(now_ms())
            .bind(token_hash)
            .fetch_optional(self.writes())
            .await
    }

    /// Every link still waiting, newest first.
    pub async fn pending_links(&self) -> Result<Vec<Invitation>, sqlx::Error> {
        sqlx::query_as(&format!("{PENDING} ORDER BY i.created_at DESC"))
            .bind(now_ms())
            .fetch_all(self.writes())
            .await
    }

    /// Uses the link: in one transaction, marks it used and makes the
    /// account (`username`, for an invitation) or sets its password.
    pub async fn redeem_link(
        &self,
        token_hash: &str,
        username: &str,
        password_hash: &str,
    ) -> Result<Redeemed, sqlx::Error> {
        let now = now_ms();
        let mut tx = self.writes().begin().await?;
        Self::alone_on(&mut tx, "users").await?;
        let link: Option<(i64, String, Option<String>, Option<i64>)> = sqlx::query_as(
            "UPDATE invitations SET used_at = $2
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
             RETURNING id, purpose, role, user_id",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let user: Option<User> = match link {
            None => return Ok(Redeemed::Invalid),
            Some((_, purpose, role, _)) if purpose == "invite" => {
                sqlx::query_as(&format!(
                    "INSERT INTO users (username, password_hash, created_at, password_changed_at, role)
                     VALUES ($1, $2, $3, $3, $4) ON CONFLICT (username) DO NOTHING
                     RETURNING {USER_COLUMNS}"
                ))
                .bind(username)
                .bind(password_hash)
                .bind(now)
                .bind(role)
                .fetch_optional(&mut *tx)
                .await?
            }
            Some((_, _, _, user_id)) => {
                sqlx::query_as(&format!(
                    "UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1
                     RETURNING {USER_COLUMNS}"
                ))
                .bind(user_id)
                .bind(password_hash)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?
            }
        };
        match user {
            Some(user) => {
                tx.commit().await?;
                Ok(Redeemed::Done(user))
            }
            // Rolled back: the link stays unused.
            None => Ok(Redeemed::NameTaken),
        }
    }

    /// Withdraws a link before it is used.
    pub async fn revoke_link(&self, id: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("UPDATE invitations SET expires_at = 0 WHERE id = $1 AND used_at IS NULL")
            .bind(id)
            .execute(self.writes())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
