//! Small server-side settings kept in the database.

use super::{now_ms, Store};

const WEBHOOK_TOKEN: &str = "webhook_token";

impl Store {
    pub async fn webhook_token(&self) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
            .bind(WEBHOOK_TOKEN)
            .fetch_optional(&self.auth)
            .await
    }

    pub async fn set_webhook_token(&self, token: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(WEBHOOK_TOKEN)
        .bind(token)
        .bind(now_ms())
        .execute(&self.auth)
        .await?;
        Ok(())
    }
}
