//! A notification channel's settings, by kind, as stored (JSON) and as the
//! provisioning file and the form give them.

use serde::{Deserialize, Serialize};

use super::guard::{check_server, check_url, GuardError};
use crate::model::ChannelKind;
use crate::server::app::webhook_auth::signature::SigningKey;

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ChannelConfig {
    /// A Slack-compatible incoming webhook.
    Slack {
        url: String,
    },
    /// JSON to any URL, signed (Standard Webhooks) when a secret is set.
    Webhook {
        url: String,
        #[serde(default)]
        secret: Option<String>,
    },
    Email(EmailConfig),
}

/// SMTP settings of an email channel.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    pub host: String,
    /// Default: 587 for STARTTLS, 465 for TLS, 25 without.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: Tls,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    pub from: String,
    pub to: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tls {
    /// Plain connection upgraded with STARTTLS (required).
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS).
    Tls,
    /// No encryption: only for a relay on a trusted network.
    None,
}

impl EmailConfig {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            Tls::Starttls => 587,
            Tls::Tls => 465,
            Tls::None => 25,
        })
    }
}

impl std::fmt::Debug for ChannelConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets and passwords stay out of logs.
        write!(
            f,
            "ChannelConfig({}: {})",
            self.kind().as_str(),
            self.target()
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    #[error("the channel's settings are not valid: {0}")]
    Invalid(String),
    #[error(transparent)]
    Url(#[from] GuardError),
}

impl ChannelConfig {
    pub fn kind(&self) -> ChannelKind {
        match self {
            ChannelConfig::Slack { .. } => ChannelKind::Slack,
            ChannelConfig::Webhook { .. } => ChannelKind::Webhook,
            ChannelConfig::Email(_) => ChannelKind::Email,
        }
    }

    /// Where it sends, without secrets: the URL's host, or the recipients.
    pub fn target(&self) -> String {
        match self {
            ChannelConfig::Slack { url } | ChannelConfig::Webhook { url, .. } => {
                reqwest::Url::parse(url)
                    .ok()
                    .and_then(|u| u.host_str().map(String::from))
                    .unwrap_or_else(|| url.clone())
            }
            ChannelConfig::Email(e) => e.to.join(", "),
        }
    }

    /// Checks the settings before they are saved.
    pub fn validate(&self, allow_private: bool) -> Result<(), ChannelError> {
        match self {
            ChannelConfig::Slack { url } => {
                check_url(url, allow_private)?;
            }
            ChannelConfig::Webhook { url, secret } => {
                check_url(url, allow_private)?;
                if let Some(secret) = secret {
                    SigningKey::parse(secret).map_err(|e| ChannelError::Invalid(e.to_string()))?;
                }
            }
            ChannelConfig::Email(e) => {
                if e.host.trim().is_empty() {
                    return Err(ChannelError::Invalid("the SMTP host is empty".into()));
                }
                check_server(&e.host, allow_private)?;
                if e.to.is_empty() {
                    return Err(ChannelError::Invalid(
                        "an email channel needs a recipient".into(),
                    ));
                }
                for address in e.to.iter().chain([&e.from]) {
                    address.parse::<lettre::Address>().map_err(|_| {
                        ChannelError::Invalid(format!("{address:?} is not an email address"))
                    })?;
                }
            }
        }
        Ok(())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("channel settings serialize")
    }

    /// A stored channel's settings; they must be of the stored kind.
    pub fn from_stored(kind: ChannelKind, json: &str) -> Result<Self, ChannelError> {
        let config: ChannelConfig =
            serde_json::from_str(json).map_err(|e| ChannelError::Invalid(e.to_string()))?;
        if config.kind() != kind {
            return Err(ChannelError::Invalid(format!(
                "stored as {} but its settings are {}",
                kind.as_str(),
                config.kind().as_str()
            )));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_unknown_keys_are_refused() {
        let json = r#"{"kind":"webhook","url":"https://hooks.example.com/x"}"#;
        let config = ChannelConfig::from_stored(ChannelKind::Webhook, json).unwrap();
        assert_eq!(config.target(), "hooks.example.com");
        assert!(ChannelConfig::from_stored(ChannelKind::Slack, json).is_err());
        let typo = r#"{"kind":"webhook","url":"https://x.example","secet":"whsec_x"}"#;
        assert!(ChannelConfig::from_stored(ChannelKind::Webhook, typo).is_err());
    }

    #[test]
    fn validation_catches_bad_urls_secrets_and_addresses() {
        let hook = |url: &str, secret: Option<&str>| ChannelConfig::Webhook {
            url: url.into(),
            secret: secret.map(String::from),
        };
        assert!(hook("https://x.example/", None).validate(false).is_ok());
        assert!(hook("http://127.0.0.1/", None).validate(false).is_err());
        assert!(hook("http://127.0.0.1/", None).validate(true).is_ok());
        assert!(hook("https://x.example/", Some("nope"))
            .validate(false)
            .is_err());
        let email = ChannelConfig::Email(EmailConfig {
            host: "smtp.example.com".into(),
            port: None,
            tls: Tls::Starttls,
            username: None,
            password: None,
            from: "calltrail@example.com".into(),
            to: vec!["not an address".into()],
        });
        assert!(email.validate(false).is_err());
        let ChannelConfig::Email(e) = &email else {
            unreachable!()
        };
        assert_eq!(e.port(), 587);
    }

    #[test]
    fn an_smtp_server_on_an_internal_address_is_refused_when_saved() {
        let email = |host: &str| {
            ChannelConfig::Email(EmailConfig {
                host: host.into(),
                port: Some(25),
                tls: Tls::None,
                username: None,
                password: None,
                from: "calltrail@example.com".into(),
                to: vec!["oncall@example.com".into()],
            })
        };
        let loopback = "127.0.0.1".parse().unwrap();
        assert_eq!(
            email("127.0.0.1").validate(false),
            Err(ChannelError::Url(GuardError::Private(loopback)))
        );
        assert_eq!(
            email("[::ffff:0:127.0.0.1]").validate(false),
            Err(ChannelError::Url(GuardError::Private(
                "::ffff:0:7f00:1".parse().unwrap()
            )))
        );
        assert_eq!(email("127.0.0.1").validate(true), Ok(()));
        // A name is judged by what it resolves to when mail is sent.
        assert_eq!(email("smtp.example.com").validate(false), Ok(()));
    }
}
