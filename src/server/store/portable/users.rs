//! Dashboard accounts. Passwords arrive here already hashed.

use sqlx::FromRow;

use super::{portable, Backend as _};
use crate::server::store::now_ms;

#[derive(Debug, Clone, FromRow)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub password_changed_at: i64,
}

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
            "INSERT INTO users (username, password_hash, created_at, password_changed_at)
             SELECT $1, $2, $3, $3 WHERE NOT EXISTS (SELECT 1 FROM users)
             ON CONFLICT (username) DO NOTHING
             RETURNING id, username, password_hash, password_changed_at",
            username,
            password_hash,
        )
        .await
    }

    pub async fn create_user(
        &self,
        username: &str,
        password_hash: &str,
    ) -> Result<Option<User>, sqlx::Error> {
        self.insert_user(
            "INSERT INTO users (username, password_hash, created_at, password_changed_at)
             VALUES ($1, $2, $3, $3) ON CONFLICT (username) DO NOTHING
             RETURNING id, username, password_hash, password_changed_at",
            username,
            password_hash,
        )
        .await
    }

    /// Runs one of the account inserts above (`$1` name, `$2` hash, `$3`
    /// now), alone on the accounts table: PostgreSQL would otherwise let two
    /// first-run requests with different names both find it empty.
    async fn insert_user(
        &self,
        sql: &'static str,
        username: &str,
        password_hash: &str,
    ) -> Result<Option<User>, sqlx::Error> {
        let mut tx = self.writes().begin().await?;
        Self::alone_on(&mut tx, "users").await?;
        let user = sqlx::query_as(sql)
            .bind(username)
            .bind(password_hash)
            .bind(now_ms())
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
        sqlx::query_as(
            "SELECT id, username, password_hash, password_changed_at FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(self.writes())
        .await
    }

    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, username, password_hash, password_changed_at FROM users WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.writes())
        .await
    }
}
