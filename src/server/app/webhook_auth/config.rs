//! Turning `CALLTRAIL_WEBHOOK_*` settings into the checks in force, refusing
//! anything malformed or contradictory at start-up rather than guessing.

use anyhow::{bail, Context};

use super::token::{self, CurrentToken};
use super::{Checks, SigningKey, WebhookAuth};
use crate::server::app::network::Networks;
use crate::server::config::WebhookConfig;

impl WebhookAuth {
    /// Everything but the stored token.
    pub fn from_config(config: &WebhookConfig) -> anyhow::Result<Self> {
        let keys = match &config.secrets {
            None => Vec::new(),
            Some(list) => list
                .0
                .split(',')
                .map(SigningKey::parse)
                .collect::<Result<_, _>>()
                .context("CALLTRAIL_WEBHOOK_SECRET")?,
        };
        let allow = match &config.allow_ips {
            None => None,
            Some(list) => Some(
                Networks::parse(list)
                    .map_err(anyhow::Error::msg)
                    .context("CALLTRAIL_WEBHOOK_ALLOW_IPS")?,
            ),
        };
        let checks = parse_checks(config.auth.as_deref(), !keys.is_empty(), allow.is_some())?;
        let token = match &config.token {
            Some(_) if !checks.token => {
                bail!(
                    "CALLTRAIL_WEBHOOK_TOKEN is set but CALLTRAIL_WEBHOOK_AUTH leaves out `token`"
                )
            }
            Some(t) if t.0.trim().len() < token::MIN_LEN || t.0.contains(char::is_whitespace) => {
                bail!(
                    "CALLTRAIL_WEBHOOK_TOKEN must be at least {} characters with no spaces",
                    token::MIN_LEN
                )
            }
            Some(t) => Some(CurrentToken::new(t.0.clone())),
            None => None,
        };
        let platforms = config.platform_keys.clone();
        Ok(WebhookAuth {
            checks,
            token_from_env: token.is_some(),
            token,
            keys,
            platforms,
            allow,
        })
    }
}

/// `CALLTRAIL_WEBHOOK_AUTH`, checked against what else is configured.
pub(super) fn parse_checks(
    list: Option<&str>,
    has_keys: bool,
    has_allowlist: bool,
) -> anyhow::Result<Checks> {
    let Some(list) = list.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok(Checks {
            token: true,
            signature: has_keys,
            ip: has_allowlist,
        });
    };
    let mut checks = Checks::default();
    let mut none = false;
    for name in list
        .split([',', '+', ' '])
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        match name.to_ascii_lowercase().as_str() {
            "none" => none = true,
            "token" => checks.token = true,
            "signature" => checks.signature = true,
            "ip" => checks.ip = true,
            other => bail!(
                "CALLTRAIL_WEBHOOK_AUTH: unknown check {other:?} (use token, signature, ip, or none)"
            ),
        }
    }
    if none && !checks.open() {
        bail!("CALLTRAIL_WEBHOOK_AUTH: `none` cannot be combined with other checks");
    }
    if checks.signature && !has_keys {
        bail!(
            "CALLTRAIL_WEBHOOK_AUTH asks for `signature` but CALLTRAIL_WEBHOOK_SECRET is not set"
        );
    }
    if checks.ip && !has_allowlist {
        bail!("CALLTRAIL_WEBHOOK_AUTH asks for `ip` but CALLTRAIL_WEBHOOK_ALLOW_IPS is not set");
    }
    if has_keys && !checks.signature {
        bail!("CALLTRAIL_WEBHOOK_SECRET is set but CALLTRAIL_WEBHOOK_AUTH leaves out `signature`");
    }
    if has_allowlist && !checks.ip {
        bail!("CALLTRAIL_WEBHOOK_ALLOW_IPS is set but CALLTRAIL_WEBHOOK_AUTH leaves out `ip`");
    }
    Ok(checks)
}
