//! Notification channels and forwarding destinations: their settings.

use sqlx::FromRow;

use super::{portable, Backend as _};
use crate::server::store::decode;

use crate::model::{ChannelKind, Condition};

/// A channel with its settings (`config` is the kind's JSON, secrets included).
#[derive(Clone, Debug, PartialEq)]
pub struct Channel {
    pub id: i64,
    pub name: String,
    pub kind: ChannelKind,
    pub config: String,
    pub tested_at: Option<i64>,
    pub test_result: Option<String>,
}

/// A forwarding destination.
#[derive(Clone, Debug, PartialEq)]
pub struct Destination {
    pub id: i64,
    pub name: String,
    pub url: String,
    /// Event types forwarded; empty: all.
    pub events: Vec<String>,
    pub condition: Option<Condition>,
    pub secret: Option<String>,
    pub paused: bool,
    pub paused_reason: Option<String>,
    /// Forwards carry callers' sensitive data redacted.
    pub redact: bool,
}

/// A destination's settings, as a form or the provisioning file gives them.
#[derive(Clone, Debug, PartialEq)]
pub struct DestinationSettings {
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
    pub condition: Option<Condition>,
    pub secret: Option<String>,
    /// Redact callers' sensitive data from what is forwarded.
    pub redact: bool,
}

#[derive(FromRow)]
struct ChannelRow {
    id: i64,
    name: String,
    kind: String,
    config: String,
    tested_at: Option<i64>,
    test_result: Option<String>,
}

impl TryFrom<ChannelRow> for Channel {
    type Error = sqlx::Error;
    fn try_from(r: ChannelRow) -> Result<Self, sqlx::Error> {
        Ok(Channel {
            id: r.id,
            name: r.name,
            kind: ChannelKind::try_from(r.kind).map_err(decode)?,
            config: r.config,
            tested_at: r.tested_at,
            test_result: r.test_result,
        })
    }
}

const CHANNEL_COLUMNS: &str = "id, name, kind, config, tested_at, test_result";
const DESTINATION_COLUMNS: &str =
    "id, name, url, events, condition, secret, paused, paused_reason, redact";

#[derive(FromRow)]
struct DestinationRow {
    id: i64,
    name: String,
    url: String,
    events: Option<String>,
    condition: Option<String>,
    secret: Option<String>,
    paused: bool,
    paused_reason: Option<String>,
    redact: bool,
}

impl TryFrom<DestinationRow> for Destination {
    type Error = sqlx::Error;
    fn try_from(r: DestinationRow) -> Result<Self, sqlx::Error> {
        Ok(Destination {
            id: r.id,
            name: r.name,
            url: r.url,
            events: match r.events {
                Some(json) => serde_json::from_str(&json).map_err(decode)?,
                None => Vec::new(),
            },
            condition: r
                .condition
                .map(|json| serde_json::from_str(&json).map_err(decode))
                .transpose()?,
            secret: r.secret,
            paused: r.paused,
            paused_reason: r.paused_reason,
            redact: r.redact,
        })
    }
}

portable! {
    pub async fn channels(&self) -> Result<Vec<Channel>, sqlx::Error> {
        let rows: Vec<ChannelRow> = sqlx::query_as(&format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels ORDER BY name"
        ))
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(Channel::try_from).collect()
    }

    pub async fn channel(&self, id: i64) -> Result<Option<Channel>, sqlx::Error> {
        let row: Option<ChannelRow> = sqlx::query_as(&format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.reader())
        .await?;
        row.map(Channel::try_from).transpose()
    }

    pub async fn save_channel(
        &self,
        name: &str,
        kind: ChannelKind,
        config: &str,
        now: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO channels (name, kind, config, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, config = excluded.config
             RETURNING id",
        )
        .bind(name)
        .bind(kind.as_str())
        .bind(config)
        .bind(now)
        .fetch_one(&mut *self.write_turn().await?)
        .await
    }

    pub async fn delete_channel(&self, id: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM channels WHERE id = $1")
            .bind(id)
            .execute(&mut *self.write_turn().await?)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn record_channel_test(
        &self,
        id: i64,
        at: i64,
        result: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE channels SET tested_at = $2, test_result = $3 WHERE id = $1")
            .bind(id)
            .bind(at)
            .bind(result)
            .execute(&mut *self.write_turn().await?)
            .await?;
        Ok(())
    }

    pub async fn destinations(&self) -> Result<Vec<Destination>, sqlx::Error> {
        let rows: Vec<DestinationRow> = sqlx::query_as(&format!(
            "SELECT {DESTINATION_COLUMNS} FROM destinations ORDER BY name"
        ))
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(Destination::try_from).collect()
    }

    pub async fn destination(&self, id: i64) -> Result<Option<Destination>, sqlx::Error> {
        let row: Option<DestinationRow> = sqlx::query_as(&format!(
            "SELECT {DESTINATION_COLUMNS} FROM destinations WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.reader())
        .await?;
        row.map(Destination::try_from).transpose()
    }

    pub async fn save_destination(
        &self,
        settings: &DestinationSettings,
        now: i64,
    ) -> Result<i64, sqlx::Error> {
        let events = (!settings.events.is_empty())
            .then(|| serde_json::to_string(&settings.events).expect("strings serialize"));
        let condition = settings
            .condition
            .as_ref()
            .map(|c| serde_json::to_string(c).expect("a condition serializes"));
        sqlx::query_scalar(
            "INSERT INTO destinations (name, url, events, condition, secret, created_at, redact)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (name) DO UPDATE SET url = excluded.url, events = excluded.events,
                condition = excluded.condition, secret = excluded.secret, redact = excluded.redact
             RETURNING id",
        )
        .bind(&settings.name)
        .bind(&settings.url)
        .bind(events)
        .bind(condition)
        .bind(&settings.secret)
        .bind(now)
        .bind(settings.redact)
        .fetch_one(&mut *self.write_turn().await?)
        .await
    }

    pub async fn delete_destination(&self, id: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM destinations WHERE id = $1")
            .bind(id)
            .execute(&mut *self.write_turn().await?)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn set_destination_paused(
        &self,
        id: i64,
        paused: Option<&str>,
    ) -> Result<bool, sqlx::Error> {
        let done =
            sqlx::query("UPDATE destinations SET paused = $2, paused_reason = $3 WHERE id = $1")
                .bind(id)
                .bind(paused.is_some())
                .bind(paused)
                .execute(&mut *self.write_turn().await?)
                .await?;
        Ok(done.rows_affected() > 0)
    }
}
