//! The `calltrail` commands: `serve` (which wires every layer together),
//! `simulate`, `user`, `bench`, `crash-check`, `backup`, `restore` and
//! `migrate-data`. The top layer: it may import everything below.

pub mod backup;
pub mod bench;
pub mod child;
pub mod client;
pub mod crash_check;
pub mod demo;
pub mod memory;
pub mod serve;
pub mod simulate;
pub mod tokens;
pub mod users;

use std::ffi::OsString;

use crate::server::app::platforms;
use crate::server::config::Cli;

/// The command line, with every platform's secret settings.
pub fn command() -> clap::Command {
    Cli::command_with(&platforms::secret_settings())
}

/// Parses `args` (the program's name first).
pub fn try_parse_from<I, T>(args: I) -> clap::error::Result<Cli>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    Cli::try_parse_with(&platforms::secret_settings(), args)
}

/// Parses the process's arguments; on a mistake, says so and exits.
pub fn parse() -> Cli {
    try_parse_from(std::env::args_os()).unwrap_or_else(|e| e.exit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::app::platforms::{retell, vapi};
    use crate::server::config::Command;

    #[test]
    fn each_platforms_secrets_are_settings_of_serve_and_simulate() {
        let serve = |args: &[&str]| match try_parse_from(args).unwrap() {
            Cli {
                command: Some(Command::Serve(config)),
                ..
            } => config.webhook.platform_keys,
            Cli {
                command: None,
                serve,
                ..
            } => serve.webhook.platform_keys,
            other => panic!("{other:?}"),
        };
        let expected = platforms::PlatformKeys::default().with(&vapi::proof::SECRET, "s1");
        assert_eq!(serve(&["calltrail", "--vapi-secret", "s1"]), expected);
        assert_eq!(serve(&["calltrail", "serve", "--vapi-secret=s1"]), expected);

        let cli = try_parse_from(["calltrail", "simulate", "--retell-api-key", "k1"]).unwrap();
        let Some(Command::Simulate(config)) = cli.command else {
            panic!("not simulate")
        };
        let key = config.platform_keys.get(&retell::proof::API_KEY);
        assert_eq!(key.map(|k| k.0.as_str()), Some("k1"));
        assert_eq!(
            format!("{:?}", config.platform_keys),
            r#"{"retell-api-key"}"#
        );

        let mut command = command();
        command.build();
        let simulate = command.find_subcommand("simulate").unwrap();
        let arg = simulate
            .get_arguments()
            .find(|a| a.get_id() == "retell-api-key")
            .unwrap();
        assert_eq!(
            arg.get_env().and_then(|e| e.to_str()),
            Some("CALLTRAIL_RETELL_API_KEY")
        );
        assert!(arg
            .get_help()
            .unwrap()
            .to_string()
            .starts_with("Signs each Retell event"));
    }
}
