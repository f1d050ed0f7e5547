//! What `/settings` shows: the database's size and contents, and the
//! retention limits in force with the variable that changes each.

use crate::model::settings::thousands;
use crate::model::{RetentionSetting, SettingsPage};
use crate::server::app::platforms;
use crate::server::app::redaction::Redaction;
use crate::server::config::ServeConfig;
use crate::server::store;
use crate::server::store::prelude::*;
use crate::server::store::Store;

pub async fn settings_page(
    store: &Store,
    config: &ServeConfig,
    redaction: &Redaction,
) -> Result<SettingsPage, store::Error> {
    let own = store.source_retention().await?;
    let source_retention = platforms::listed()
        .0
        .into_iter()
        .map(|p| {
            let days = own.iter().find(|(s, _)| *s == p.name).map(|(_, d)| *d);
            (p.name.to_string(), p.label.to_string(), days)
        })
        .collect();
    let (mode, sources) = redaction.modes();
    Ok(SettingsPage {
        database: store.usage().await?,
        retention: retention_settings(config),
        source_retention,
        redaction: (
            mode.as_str().to_string(),
            sources
                .into_iter()
                .map(|(s, m)| (s, m.as_str().to_string()))
                .collect(),
        ),
    })
}

/// The limits on what is kept, as configured (0 turns each off).
pub fn retention_settings(config: &ServeConfig) -> Vec<RetentionSetting> {
    let setting =
        |what: &str, limit: Option<String>, when_off: &str, variable: &str| RetentionSetting {
            what: what.into(),
            limit,
            when_off: when_off.into(),
            variable: variable.into(),
        };
    let on = |n: u64| Some(n).filter(|n| *n > 0);
    vec![
        setting(
            "Ended calls",
            on(config.retention_days.into())
                .map(|d| format!("deleted {} after their last event", days(d))),
            "kept forever",
            "CALLTRAIL_RETENTION_DAYS",
        ),
        setting(
            "Events stored",
            on(config.max_events).map(|n| {
                format!(
                    "at most {}; the least recently active ended calls go first",
                    count(n)
                )
            }),
            "no limit",
            "CALLTRAIL_MAX_EVENTS",
        ),
        setting(
            "Delivery log",
            on(config.delivery_retention_days.into())
                .map(|d| format!("rows older than {} are deleted", days(d))),
            "kept forever",
            "CALLTRAIL_DELIVERY_RETENTION_DAYS",
        ),
        setting(
            "Delivery log rows",
            on(config.delivery_max_rows).map(|n| format!("the newest {} are kept", count(n))),
            "no limit",
            "CALLTRAIL_DELIVERY_MAX_ROWS",
        ),
    ]
}

fn days(n: u64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{} days", count(n))
    }
}

fn count(n: u64) -> String {
    thousands(i64::try_from(n).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_each_limit_is_and_which_variable_sets_it() {
        let mut config = ServeConfig::for_tests("x.db".into());
        config.retention_days = 1;
        config.max_events = 2_500_000;
        config.delivery_retention_days = 0;
        let settings = retention_settings(&config);
        let shown: Vec<(&str, Option<&str>)> = settings
            .iter()
            .map(|s| (s.variable.as_str(), s.limit.as_deref()))
            .collect();
        assert_eq!(
            shown,
            vec![
                (
                    "CALLTRAIL_RETENTION_DAYS",
                    Some("deleted 1 day after their last event")
                ),
                (
                    "CALLTRAIL_MAX_EVENTS",
                    Some("at most 2,500,000; the least recently active ended calls go first")
                ),
                ("CALLTRAIL_DELIVERY_RETENTION_DAYS", None),
                (
                    "CALLTRAIL_DELIVERY_MAX_ROWS",
                    Some("the newest 100,000 are kept")
                ),
            ]
        );
        assert_eq!(settings[2].when_off, "kept forever");
    }
}
