//! Small server-side settings kept in the database.

use super::{portable, Backend as _};
use crate::server::store::now_ms;

const WEBHOOK_TOKEN: &str = "webhook_token";

portable! {
    pub async fn webhook_token(&self) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(WEBHOOK_TOKEN)
            .fetch_optional(self.writes())
            .await
    }

    pub async fn set_webhook_token(&self, token: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(WEBHOOK_TOKEN)
        .bind(token)
        .bind(now_ms())
        .execute(self.writes())
        .await?;
        Ok(())
    }
}
