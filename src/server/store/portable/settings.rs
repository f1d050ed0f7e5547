//! Small server-side settings kept in the database.

use super::{portable, Backend as _};
use crate::server::store::now_ms;

const WEBHOOK_TOKEN: &str = "webhook_token";
/// Days each source's calls are kept, when not the installation's.
const SOURCE_RETENTION: &str = "source_retention_days";
/// "1" when admins let viewers review calls.
const VIEWERS_REVIEW: &str = "viewers_review";

portable! {
    pub async fn webhook_token(&self) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(WEBHOOK_TOKEN)
            .fetch_optional(self.writes())
            .await
    }

    pub async fn source_retention(&self) -> Result<Vec<(String, u32)>, sqlx::Error> {
        let json: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(SOURCE_RETENTION)
            .fetch_optional(self.writes())
            .await?;
        match json {
            Some(json) => serde_json::from_str(&json).map_err(crate::server::store::decode),
            None => Ok(Vec::new()),
        }
    }

    pub async fn set_source_retention(&self, days: &[(String, u32)]) -> Result<(), sqlx::Error> {
        let json = serde_json::to_string(days).expect("pairs serialize");
        self.set_setting(SOURCE_RETENTION, &json).await
    }

    pub async fn viewers_review(&self) -> Result<bool, sqlx::Error> {
        let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(VIEWERS_REVIEW)
            .fetch_optional(self.reader())
            .await?;
        match value.as_deref() {
            None | Some("0") => Ok(false),
            Some("1") => Ok(true),
            Some(other) => Err(crate::server::store::decode(format!("{VIEWERS_REVIEW} = {other:?}"))),
        }
    }

    pub async fn set_viewers_review(&self, on: bool) -> Result<(), sqlx::Error> {
        self.set_setting(VIEWERS_REVIEW, if on { "1" } else { "0" }).await
    }

    pub async fn set_webhook_token(&self, token: &str) -> Result<(), sqlx::Error> {
        self.set_setting(WEBHOOK_TOKEN, token).await
    }

    async fn set_setting(&self, key: &str, value: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(value)
        .bind(now_ms())
        .execute(self.writes())
        .await?;
        Ok(())
    }
}
