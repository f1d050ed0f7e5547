//! API tokens, kept as the hash of their secret, with the account each acts
//! as, when it was last used, and whether it was revoked.

use sqlx::FromRow;

use super::{portable, Backend as _};
use crate::model::tokens::{TokenScope, TokenView};
use crate::model::AccountRole;
use crate::server::store::now_ms;

/// A token as a request's check reads it: the token and its account, as
/// they are now (a token of a disabled account, or revoked, or expired,
/// is found but does not work).
#[derive(Debug, Clone, FromRow)]
pub struct TokenHolder {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub scope: TokenScope,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
    /// The account's role when the token was made: its ceiling.
    #[sqlx(try_from = "String")]
    pub made_as: AccountRole,
    pub user_id: i64,
    pub username: String,
    /// The account's role now.
    #[sqlx(try_from = "String")]
    pub role: AccountRole,
    pub disabled_at: Option<i64>,
}

#[derive(Debug, Clone, FromRow)]
struct TokenRow {
    id: i64,
    name: String,
    #[sqlx(try_from = "String")]
    scope: TokenScope,
    #[sqlx(try_from = "String")]
    role: AccountRole,
    owner: String,
    created_at: i64,
    expires_at: Option<i64>,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl From<TokenRow> for TokenView {
    fn from(row: TokenRow) -> Self {
        TokenView {
            id: row.id,
            name: row.name,
            scope: row.scope,
            made_as: row.role,
            owner: row.owner,
            created_at: row.created_at,
            expires_at: row.expires_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        }
    }
}

const LISTED: &str = "SELECT t.id, t.name, t.scope, t.role, u.username AS owner, t.created_at,
            t.expires_at, t.last_used_at, t.revoked_at
     FROM api_tokens t JOIN users u ON u.id = t.user_id";

portable! {
    pub async fn create_token(
        &self,
        user_id: i64,
        name: &str,
        scope: TokenScope,
        token_hash: &str,
        expires_at: Option<i64>,
    ) -> Result<i64, sqlx::Error> {
        // The account's role now becomes the token's ceiling.
        sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, scope, role, token_hash, created_at, expires_at)
             SELECT id, $2, $3, role, $4, $5, $6 FROM users WHERE id = $1 RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(scope.as_str())
        .bind(token_hash)
        .bind(now_ms())
        .bind(expires_at)
        .fetch_one(self.writes())
        .await
    }

    pub async fn token_holder(&self, token_hash: &str) -> Result<Option<TokenHolder>, sqlx::Error> {
        sqlx::query_as(
            "SELECT t.id, t.name, t.scope, t.expires_at, t.revoked_at, t.last_used_at,
                    t.role AS made_as, u.id AS user_id, u.username, u.role, u.disabled_at
             FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.writes())
        .await
    }

    pub async fn touch_token(&self, id: i64, now: i64, unless_after: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE api_tokens SET last_used_at = $2
             WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
        )
        .bind(id)
        .bind(now)
        .bind(unless_after)
        .execute(self.writes())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn tokens(&self, owner: Option<i64>) -> Result<Vec<TokenView>, sqlx::Error> {
        let rows: Vec<TokenRow> = match owner {
            Some(user_id) => {
                sqlx::query_as(&format!("{LISTED} WHERE t.user_id = $1 ORDER BY t.created_at DESC, t.id DESC"))
                    .bind(user_id)
                    .fetch_all(self.reader())
                    .await?
            }
            None => {
                sqlx::query_as(&format!("{LISTED} ORDER BY t.created_at DESC, t.id DESC"))
                    .fetch_all(self.reader())
                    .await?
            }
        };
        Ok(rows.into_iter().map(TokenView::from).collect())
    }

    pub async fn revoke_token(&self, id: i64, owner: Option<i64>) -> Result<Option<String>, sqlx::Error> {
        let now = now_ms();
        match owner {
            Some(user_id) => {
                sqlx::query_scalar(
                    "UPDATE api_tokens SET revoked_at = $2
                     WHERE id = $1 AND revoked_at IS NULL AND user_id = $3 RETURNING name",
                )
                .bind(id)
                .bind(now)
                .bind(user_id)
                .fetch_optional(self.writes())
                .await
            }
            None => {
                sqlx::query_scalar(
                    "UPDATE api_tokens SET revoked_at = $2
                     WHERE id = $1 AND revoked_at IS NULL RETURNING name",
                )
                .bind(id)
                .bind(now)
                .fetch_optional(self.writes())
                .await
            }
        }
    }
}
