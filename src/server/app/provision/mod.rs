//! Provisioning: channels, rules, destinations, accounts' roles and
//! redaction declared in a TOML file
//! (`CALLTRAIL_PROVISION`) and applied at start-up, each matched by name —
//! a rule's name defaults to its kind, so `kind = "tool-error"` sets the
//! built-in rule. What the file sets wins over edits made in the UI; what
//! it leaves out is left alone. See docs/alerts.md for a full example.

use std::path::Path;

use anyhow::{anyhow, bail, Context};
use serde::Deserialize;

use crate::model::{Condition, RuleSpec};
use crate::server::app::alerts::condition::Compiled;
use crate::server::app::outbound::channel::ChannelConfig;
use crate::server::app::outbound::guard::check_url;
use crate::server::app::redaction::{Redaction, RedactionFile};
use crate::server::store::automation::DestinationSettings;
use crate::server::store::prelude::*;
use crate::server::store::rules::RuleSettings;
use crate::server::store::{now_ms, Store};

#[derive(Debug, Default, PartialEq)]
pub struct Provision {
    pub channels: Vec<(String, ChannelConfig)>,
    pub rules: Vec<ProvisionedRule>,
    pub destinations: Vec<ProvisionedDestination>,
    pub users: Vec<team::ProvisionedUser>,
    pub redaction: Option<RedactionFile>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProvisionedRule {
    pub name: String,
    pub spec: RuleSpec,
    pub enabled: bool,
    pub cooldown_secs: i64,
    pub channels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionedDestination {
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub condition: Option<Condition>,
    #[serde(default)]
    pub paused: bool,
    /// Forward callers' sensitive data redacted.
    #[serde(default)]
    pub redact: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    channel: Vec<toml::Table>,
    #[serde(default)]
    rule: Vec<toml::Table>,
    #[serde(default)]
    destination: Vec<ProvisionedDestination>,
    #[serde(default)]
    user: Vec<team::ProvisionedUser>,
    #[serde(default)]
    redaction: Option<RedactionFile>,
}

impl Provision {
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let file: File = toml::from_str(text)?;
        let mut provision = Provision {
            destinations: file.destination,
            users: file.user,
            redaction: file.redaction,
            ..Provision::default()
        };
        for (i, mut table) in file.channel.into_iter().enumerate() {
            let name = take_string(&mut table, "name")
                .ok_or_else(|| anyhow!("channel {} has no name", i + 1))?;
            let config = ChannelConfig::deserialize(toml::Value::Table(table))
                .with_context(|| format!("channel {name:?}"))?;
            provision.channels.push((name, config));
        }
        for (i, mut table) in file.rule.into_iter().enumerate() {
            let name = take_string(&mut table, "name");
            let enabled = match table.remove("enabled") {
                Some(v) => v
                    .as_bool()
                    .ok_or_else(|| anyhow!("rule {}: enabled must be true or false", i + 1))?,
                None => true,
            };
            let cooldown_secs = match table.remove("cooldown_secs") {
                Some(v) => v
                    .as_integer()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| anyhow!("rule {}: cooldown_secs must be a number ≥ 0", i + 1))?,
                None => 300,
            };
            let channels: Vec<String> = match table.remove("channels") {
                Some(v) => v
                    .try_into()
                    .map_err(|_| anyhow!("rule {}: channels must be a list of names", i + 1))?,
                None => Vec::new(),
            };
            let spec = RuleSpec::deserialize(toml::Value::Table(table)).with_context(|| {
                format!(
                    "rule {}",
                    name.clone().unwrap_or_else(|| (i + 1).to_string())
                )
            })?;
            provision.rules.push(ProvisionedRule {
                name: name.unwrap_or_else(|| spec.kind().to_string()),
                spec,
                enabled,
                cooldown_secs,
                channels,
            });
        }
        Ok(provision)
    }

    /// Checks everything the file sets, before any of it is stored.
    pub fn validate(&self, allow_private: bool) -> anyhow::Result<()> {
        if let Some(redaction) = &self.redaction {
            Redaction::configure("display", "all", Some(redaction)).context("[redaction]")?;
        }
        for (name, config) in &self.channels {
            config
                .validate(allow_private)
                .with_context(|| format!("channel {name:?}"))?;
        }
        for d in &self.destinations {
            check_url(&d.url, allow_private)
                .with_context(|| format!("destination {:?}", d.name))?;
            if let Some(c) = &d.condition {
                Compiled::new(c).with_context(|| format!("destination {:?}", d.name))?;
            }
        }
        for r in &self.rules {
            if let Some(c) = r.spec.condition() {
                Compiled::new(&c).with_context(|| format!("rule {:?}", r.name))?;
            }
            for channel in &r.channels {
                if !self.channels.iter().any(|(name, _)| name == channel) {
                    bail!(
                        "rule {:?} names the channel {channel:?}, which the file does not declare",
                        r.name
                    );
                }
            }
        }
        Ok(())
    }

    /// Stores what the file declares.
    pub async fn apply(&self, store: &Store) -> anyhow::Result<()> {
        team::apply_users(&self.users, store).await?;
        let now = now_ms();
        let mut channel_ids = Vec::new();
        for (name, config) in &self.channels {
            let id = store
                .save_channel(name, config.kind(), &config.to_json(), now)
                .await?;
            channel_ids.push((name.as_str(), id));
        }
        for d in &self.destinations {
            let settings = DestinationSettings {
                name: d.name.clone(),
                url: d.url.clone(),
                events: d.events.clone(),
                condition: d.condition.clone(),
                secret: d.secret.clone(),
                redact: d.redact,
            };
            let id = store.save_destination(&settings, now).await?;
            store
                .set_destination_paused(id, d.paused.then_some("paused by the provisioning file"))
                .await?;
        }
        for r in &self.rules {
            let channels = r
                .channels
                .iter()
                .filter_map(|name| {
                    channel_ids
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, id)| *id)
                })
                .collect();
            let settings = RuleSettings {
                name: r.name.clone(),
                spec: r.spec.clone(),
                enabled: r.enabled,
                cooldown_secs: r.cooldown_secs,
                channels,
            };
            store.save_rule(None, &settings).await?;
        }
        Ok(())
    }
}

fn take_string(table: &mut toml::Table, key: &str) -> Option<String> {
    match table.remove(key) {
        Some(toml::Value::String(s)) => Some(s),
        Some(other) => {
            table.insert(key.into(), other);
            None
        }
        None => None,
    }
}

/// Reads, checks and applies the file at `path`; returns what it says, for
/// what is kept in memory rather than stored (redaction).
pub async fn apply_file(
    path: &Path,
    store: &Store,
    allow_private: bool,
) -> anyhow::Result<Provision> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the provisioning file {}", path.display()))?;
    let provision = Provision::parse(&text)
        .and_then(|p| p.validate(allow_private).map(|()| p))
        .with_context(|| format!("in the provisioning file {}", path.display()))?;
    provision.apply(store).await?;
    tracing::info!(
        channels = provision.channels.len(),
        rules = provision.rules.len(),
        destinations = provision.destinations.len(),
        users = provision.users.len(),
        "applied the provisioning file {}",
        path.display()
    );
    Ok(provision)
}

mod team;
#[cfg(test)]
mod tests;
