//! Alert rules and the channels each one notifies.

use sqlx::Row;

use super::{portable, Backend as _};
use crate::model::{RuleSpec, RuleView};
use crate::server::store::effects::Hit;

/// A rule as the evaluator uses it.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub id: i64,
    pub name: String,
    pub spec: RuleSpec,
    pub enabled: bool,
    pub cooldown_secs: i64,
    /// Channels notified when one of its alerts opens.
    pub channels: Vec<i64>,
}

impl Rule {
    /// A match of this rule, keyed by `key`; it notifies the rule's channels
    /// when it opens an alert.
    pub fn hit(
        &self,
        key: String,
        call_id: Option<String>,
        event_id: Option<i64>,
        reason: String,
        count: Option<i64>,
    ) -> Hit {
        Hit {
            rule_id: self.id,
            key,
            call_id,
            event_id,
            cause: crate::model::cause_of(&reason),
            reason,
            count,
            cooldown_ms: self.cooldown_secs * 1000,
            channels: self.channels.clone(),
        }
    }
}

/// What a rule is set to: a form or the provisioning file fills it in.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSettings {
    pub name: String,
    pub spec: RuleSpec,
    pub enabled: bool,
    pub cooldown_secs: i64,
    pub channels: Vec<i64>,
}

fn spec_of(json: &str) -> Result<RuleSpec, sqlx::Error> {
    serde_json::from_str(json).map_err(crate::server::store::decode)
}

fn json_of(spec: &RuleSpec) -> String {
    serde_json::to_string(spec).expect("a rule spec serializes")
}

portable! {
    pub async fn rules(&self) -> Result<Vec<Rule>, sqlx::Error> {
        let links: Vec<(i64, i64)> =
            sqlx::query_as("SELECT rule_id, channel_id FROM rule_channels ORDER BY channel_id")
                .fetch_all(self.reader())
                .await?;
        let rows =
            sqlx::query("SELECT id, name, spec, enabled, cooldown_secs FROM rules ORDER BY id")
                .fetch_all(self.reader())
                .await?;
        rows.into_iter()
            .map(|r| {
                let id: i64 = r.get("id");
                Ok(Rule {
                    id,
                    name: r.get("name"),
                    spec: spec_of(r.get("spec"))?,
                    enabled: r.get("enabled"),
                    cooldown_secs: r.get("cooldown_secs"),
                    channels: links
                        .iter()
                        .filter(|(rule, _)| *rule == id)
                        .map(|(_, channel)| *channel)
                        .collect(),
                })
            })
            .collect()
    }

    pub async fn rule_views(&self) -> Result<Vec<RuleView>, sqlx::Error> {
        let channels: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM channels ORDER BY name")
                .fetch_all(self.reader())
                .await?;
        Ok(self
            .rules()
            .await?
            .into_iter()
            .map(|rule| RuleView {
                channels: channels
                    .iter()
                    .map(|(id, name)| (*id, name.clone(), rule.channels.contains(id)))
                    .collect(),
                id: rule.id,
                name: rule.name,
                spec: rule.spec,
                enabled: rule.enabled,
                cooldown_secs: rule.cooldown_secs,
            })
            .collect())
    }

    pub async fn save_rule(
        &self,
        id: Option<i64>,
        settings: &RuleSettings,
    ) -> Result<i64, sqlx::Error> {
        let mut conn = self.write_turn().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let id: i64 = match id {
            Some(id) => {
                sqlx::query(
                    "UPDATE rules SET name = $2, kind = $3, spec = $4, enabled = $5, cooldown_secs = $6
                     WHERE id = $1",
                )
                .bind(id)
                .bind(&settings.name)
                .bind(settings.spec.kind())
                .bind(json_of(&settings.spec))
                .bind(settings.enabled)
                .bind(settings.cooldown_secs)
                .execute(&mut *tx)
                .await?;
                id
            }
            None => {
                sqlx::query_scalar(
                    "INSERT INTO rules (name, kind, spec, enabled, cooldown_secs) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, spec = excluded.spec,
                        enabled = excluded.enabled, cooldown_secs = excluded.cooldown_secs
                     RETURNING id",
                )
                .bind(&settings.name)
                .bind(settings.spec.kind())
                .bind(json_of(&settings.spec))
                .bind(settings.enabled)
                .bind(settings.cooldown_secs)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        sqlx::query("DELETE FROM rule_channels WHERE rule_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for channel in &settings.channels {
            sqlx::query("INSERT INTO rule_channels (rule_id, channel_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",)
                .bind(id)
                .bind(channel)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    pub async fn delete_rule(&self, id: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM rules WHERE id = $1")
            .bind(id)
            .execute(&mut *self.write_turn().await?)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
