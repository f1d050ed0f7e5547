//! Dashboard accounts: their roles, disabling, and the single sign-on
//! identity an account may belong to. Passwords arrive here already hashed.

use sqlx::FromRow;

use super::{portable, Backend as _};
use crate::model::AccountRole;
use crate::server::store::now_ms;

#[derive(Debug, Clone, FromRow)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub password_changed_at: i64,
    /// Strict: a role calltrail does not know is an error, never a default.
    #[sqlx(try_from = "String")]
    pub role: AccountRole,
    pub disabled_at: Option<i64>,
    pub sso_identity: Option<String>,
    pub created_at: i64,
}

impl User {
    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }
}

/// What changing an account's role or standing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    Changed,
    NoSuchUser,
    /// Refused: it would leave no enabled admin.
    LastAdmin,
}

/// The columns every account query reads, in [`User`]'s order.
macro_rules! user_columns {
    () => {
        "id, username, password_hash, password_changed_at, role, disabled_at, sso_identity, created_at"
    };
}

/// The same columns, for queries written with `format!` (the one-time links').
pub(super) const USER_COLUMNS: &str = user_columns!();

/// Keeps a change to one account (`$1`) only while another enabled admin
/// remains, or the account is not an enabled admin.
const LEAVES_AN_ADMIN: &str = "(role <> 'admin' OR disabled_at IS NOT NULL
     OR (SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1) > 0)";

portable! {
    pub async fn has_users(&self) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users)")
            .fetch_one(self.writes())
            .await
    }

    pub async fn create_first_user(
        &self,
        username: &str,
        password_hash: &str,
    ) -> Result<Option<User>, sqlx::Error> {
        self.insert_user(
            concat!(
                "INSERT INTO users (username, password_hash, created_at, password_changed_at, role, sso_identity)
                 SELECT $1, $2, $3, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM users)
                 ON CONFLICT (username) DO NOTHING RETURNING ",
                user_columns!()
            ),
            (username, password_hash, AccountRole::Admin, None),
        )
        .await
    }

    pub async fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        role: AccountRole,
    ) -> Result<Option<User>, sqlx::Error> {
        self.insert_user(
            concat!(
                "INSERT INTO users (username, password_hash, created_at, password_changed_at, role, sso_identity)
                 VALUES ($1, $2, $3, $3, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING ",
                user_columns!()
            ),
            (username, password_hash, role, None),
        )
        .await
    }

    pub async fn create_sso_user(
        &self,
        username: &str,
        identity: &str,
        role: AccountRole,
    ) -> Result<Option<User>, sqlx::Error> {
        // No password signs in to it: the hash is of nothing Argon2 produces.
        self.insert_user(
            concat!(
                "INSERT INTO users (username, password_hash, created_at, password_changed_at, role, sso_identity)
                 VALUES ($1, $2, $3, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING ",
                user_columns!()
            ),
            (username, "!single-sign-on", role, Some(identity)),
        )
        .await
    }

    /// Runs one of the account inserts above (`$1` name, `$2` hash, `$3`
    /// now, `$4` role, `$5` sign-on identity), alone on the accounts table:
    /// PostgreSQL would otherwise let two first-run requests with different
    /// names both find it empty.
    async fn insert_user(
        &self,
        sql: &'static str,
        (username, password_hash, role, identity): (&str, &str, AccountRole, Option<&str>),
    ) -> Result<Option<User>, sqlx::Error> {
        let mut tx = self.writes().begin().await?;
        Self::alone_on(&mut tx, "users").await?;
        let user = sqlx::query_as(sql)
            .bind(username)
            .bind(password_hash)
            .bind(now_ms())
            .bind(role.as_str())
            .bind(identity)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE username = $1",
        )
        .bind(username)
        .bind(password_hash)
        .bind(now_ms())
        .execute(self.writes())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>, sqlx::Error> {
        sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE username = $1"))
            .bind(username)
            .fetch_optional(self.writes())
            .await
    }

    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>, sqlx::Error> {
        sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.writes())
            .await
    }

    pub async fn user_by_sso(&self, identity: &str) -> Result<Option<User>, sqlx::Error> {
        sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE sso_identity = $1"))
            .bind(identity)
            .fetch_optional(self.writes())
            .await
    }

    pub async fn users(&self) -> Result<Vec<User>, sqlx::Error> {
        sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users ORDER BY username"))
            .fetch_all(self.writes())
            .await
    }

    pub async fn set_role(&self, id: i64, role: AccountRole) -> Result<AccountChange, sqlx::Error> {
        let sql = format!(
            "UPDATE users SET role = $2 WHERE id = $1 AND ($2 = 'admin' OR {LEAVES_AN_ADMIN})"
        );
        self.change_account(id, &sql, role.as_str()).await
    }

    /// Disables the account (signing out every session of it) or enables it again.
    pub async fn set_disabled(&self, id: i64, disabled: bool) -> Result<AccountChange, sqlx::Error> {
        let sql = if disabled {
            format!("UPDATE users SET disabled_at = CAST($2 AS BIGINT) WHERE id = $1 AND {LEAVES_AN_ADMIN}")
        } else {
            "UPDATE users SET disabled_at = NULL WHERE id = $1 AND $2 IS NOT NULL".to_string()
        };
        self.change_account(id, &sql, &now_ms().to_string()).await
    }

    /// Runs one account change (`$1` the id, `$2` the value), alone on the
    /// accounts table so two admins demoting each other cannot both pass the
    /// last-admin check.
    async fn change_account(&self, id: i64, sql: &str, value: &str) -> Result<AccountChange, sqlx::Error> {
        let mut tx = self.writes().begin().await?;
        Self::alone_on(&mut tx, "users").await?;
        let done = sqlx::query(sql).bind(id).bind(value).execute(&mut *tx).await?;
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(match (done.rows_affected(), exists) {
            (0, false) => AccountChange::NoSuchUser,
            (0, true) => AccountChange::LastAdmin,
            _ => AccountChange::Changed,
        })
    }
}
