//! The reasons a call or an item may be flagged for: a list admins keep.

use super::{portable, Backend as _};
use crate::model::review::Reason;
use crate::server::store::now_ms;

portable! {
    /// The reasons on the list, in its order.
    pub async fn flag_reasons(&self) -> Result<Vec<Reason>, sqlx::Error> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT code, label FROM flag_reasons WHERE retired_at IS NULL ORDER BY position, code",
        )
        .fetch_all(self.reader())
        .await?;
        Ok(rows.into_iter().map(|(code, label)| Reason { code, label }).collect())
    }

    /// Adds a reason at the end of the list (or brings a retired one
    /// back); false when it is on the list already.
    pub async fn add_flag_reason(&self, code: &str, label: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            // `WHERE TRUE`: SQLite would read ON CONFLICT as a join's ON.
            "INSERT INTO flag_reasons (code, label, position)
             SELECT $1, $2, coalesce(max(position), 0) + 1 FROM flag_reasons WHERE TRUE
             ON CONFLICT (code) DO UPDATE SET label = excluded.label, retired_at = NULL,
                 position = excluded.position
             WHERE flag_reasons.retired_at IS NOT NULL",
        )
        .bind(code)
        .bind(label)
        .execute(&mut *self.write_turn().await?)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Takes a reason off the list; flags given keep it. False when it is
    /// not on the list.
    pub async fn retire_flag_reason(&self, code: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE flag_reasons SET retired_at = $2 WHERE code = $1 AND retired_at IS NULL",
        )
        .bind(code)
        .bind(now_ms())
        .execute(&mut *self.write_turn().await?)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
