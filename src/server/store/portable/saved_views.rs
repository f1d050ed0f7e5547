//! Saved views: an account's named queries of the calls list.

use super::{portable, Backend as _};
use crate::server::store::now_ms;

use crate::model::SavedView;

/// Most views one account keeps.
pub const MAX_VIEWS: i64 = 50;

portable! {
    pub async fn saved_views(&self, user_id: i64) -> Result<Vec<SavedView>, sqlx::Error> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, name, q FROM saved_views WHERE user_id = $1 ORDER BY name COLLATE NOCASE",
        )
        .bind(user_id)
        .fetch_all(self.reader())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, q)| SavedView { id, name, q })
            .collect())
    }

    pub async fn save_view(&self, user_id: i64, name: &str, q: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO saved_views (user_id, name, q, created_at)
             SELECT $1, $2, $3, $4
             WHERE (SELECT count(*) FROM saved_views WHERE user_id = $1 AND name != $2) < $5
             ON CONFLICT (user_id, name) DO UPDATE SET q = excluded.q",
        )
        .bind(user_id)
        .bind(name)
        .bind(q)
        .bind(now_ms())
        .bind(MAX_VIEWS)
        .execute(&mut *self.write_turn().await?)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn delete_view(&self, user_id: i64, id: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM saved_views WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&mut *self.write_turn().await?)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
