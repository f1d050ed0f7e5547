//! The platforms' own secrets. Each platform declares the settings its
//! proof needs in its folder (`server::app::platforms`); `cli` adds them to
//! the command line, so this layer names none of them.

use std::collections::BTreeMap;

use clap::{Arg, ArgMatches, Command};

use super::Secret;

/// A secret a platform's proof needs, set as `--{flag}` or `{env}`.
#[derive(Debug)]
pub struct SecretSetting {
    pub flag: &'static str,
    pub env: &'static str,
    /// What it does on `serve`.
    pub serve_help: &'static str,
    /// What it does on `simulate`.
    pub simulate_help: &'static str,
}

/// The platforms' secrets, as configured.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PlatformKeys(BTreeMap<&'static str, Secret>);

impl PlatformKeys {
    /// The value of a platform's setting, when it is set.
    pub fn get(&self, setting: &SecretSetting) -> Option<&Secret> {
        self.0.get(setting.flag)
    }

    /// Sets a platform's setting (as the command line would).
    pub fn set(&mut self, setting: &SecretSetting, value: &str) {
        self.0.insert(setting.flag, Secret(value.to_string()));
    }

    /// These keys, with a setting set.
    pub fn with(mut self, setting: &SecretSetting, value: &str) -> Self {
        self.set(setting, value);
        self
    }
}

impl std::fmt::Debug for PlatformKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// Which of a setting's two help texts a command shows.
pub type Help = fn(&SecretSetting) -> &'static str;

/// `command` with each setting as an optional, hidden-value argument.
pub fn declare(command: Command, settings: &[&'static SecretSetting], help: Help) -> Command {
    command.args(settings.iter().map(|s| {
        Arg::new(s.flag)
            .long(s.flag)
            .env(s.env)
            .hide_env_values(true)
            .value_name(s.env.strip_prefix("CALLTRAIL_").unwrap_or(s.env))
            .help(help(s))
    }))
}

/// The settings' values in `matches` (of a command they were declared on).
pub fn read(matches: &ArgMatches, settings: &[&'static SecretSetting]) -> PlatformKeys {
    let mut keys = PlatformKeys::default();
    for setting in settings {
        if let Some(value) = matches.get_one::<String>(setting.flag) {
            keys.set(setting, value);
        }
    }
    keys
}
