//! The settings of alerts, automations and their deliveries (the outbound
//! worker reads them; `serve` flattens them into its flags).

use std::path::PathBuf;

use clap::Args;

/// Settings of alerts and automations.
#[derive(Debug, Clone, Args)]
pub struct OutboundConfig {
    /// A TOML file of channels, rules and destinations applied at start-up.
    #[arg(long, env = "CALLTRAIL_PROVISION")]
    pub provision: Option<PathBuf>,
    /// Let destinations and channels reach loopback and private addresses.
    #[arg(long, env = "CALLTRAIL_ALLOW_PRIVATE_DESTINATIONS")]
    pub allow_private_destinations: bool,
    /// Hours a forward or notification is retried before it is given up.
    #[arg(long, env = "CALLTRAIL_FORWARD_RETRY_HOURS", default_value_t = 24)]
    pub forward_retry_hours: u32,
    /// First wait before a retry, in ms (it doubles after each failure).
    #[arg(
        long,
        env = "CALLTRAIL_FORWARD_RETRY_BASE_MS",
        default_value_t = 1000,
        hide = true
    )]
    pub forward_retry_base_ms: u32,
}

impl Default for OutboundConfig {
    fn default() -> Self {
        OutboundConfig {
            provision: None,
            allow_private_destinations: false,
            forward_retry_hours: 24,
            forward_retry_base_ms: 1000,
        }
    }
}
