//! Shared links to one call, kept by the hash of their secret.

use sqlx::FromRow;

use super::{portable, Backend as _};
use crate::model::review::ShareLink;

/// A shared link as a visit reads it.
#[derive(Debug, Clone, FromRow)]
pub struct SharedTo {
    pub id: i64,
    pub call_id: String,
    pub redacted: bool,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

#[derive(FromRow)]
struct LinkRow {
    id: i64,
    call_id: String,
    made_by: String,
    created_at: i64,
    expires_at: i64,
    revoked_at: Option<i64>,
    redacted: bool,
    views: i64,
    last_viewed_at: Option<i64>,
}

impl From<LinkRow> for ShareLink {
    fn from(r: LinkRow) -> Self {
        ShareLink {
            id: r.id,
            call_id: r.call_id,
            made_by: r.made_by,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
            redacted: r.redacted,
            views: r.views,
            last_viewed_at: r.last_viewed_at,
        }
    }
}

portable! {
    /// Keeps a new link to `call_id`; returns its id.
    pub async fn create_share(
        &self,
        call_id: &str,
        token_hash: &str,
        redacted: bool,
        created_by: i64,
        created_at: i64,
        expires_at: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO share_links (call_id, token_hash, redacted, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(call_id)
        .bind(token_hash)
        .bind(redacted)
        .bind(created_by)
        .bind(created_at)
        .bind(expires_at)
        .fetch_one(&mut *self.write_turn().await?)
        .await
    }

    /// The link with this hash, revoked or expired ones included.
    pub async fn shared_to(&self, token_hash: &str) -> Result<Option<SharedTo>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, call_id, redacted, expires_at, revoked_at FROM share_links WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.reader())
        .await
    }

    /// Counts a view of link `id` at `now`.
    pub async fn note_share_view(&self, id: i64, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE share_links SET views = views + 1, last_viewed_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(&mut *self.write_turn().await?)
            .await?;
        Ok(())
    }

    /// The call's links, newest first.
    pub async fn shares_of(&self, call_id: &str) -> Result<Vec<ShareLink>, sqlx::Error> {
        let rows: Vec<LinkRow> = sqlx::query_as(
            "SELECT s.id, s.call_id, u.username AS made_by, s.created_at, s.expires_at,
                    s.revoked_at, s.redacted, s.views, s.last_viewed_at
             FROM share_links s JOIN users u ON u.id = s.created_by
             WHERE s.call_id = $1 ORDER BY s.id DESC",
        )
        .bind(call_id)
        .fetch_all(self.reader())
        .await?;
        Ok(rows.into_iter().map(ShareLink::from).collect())
    }

    /// Revokes a working link of `call_id`; false when there is none.
    pub async fn revoke_share(&self, call_id: &str, id: i64, now: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE share_links SET revoked_at = $3 WHERE id = $1 AND call_id = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(call_id)
        .bind(now)
        .execute(&mut *self.write_turn().await?)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
