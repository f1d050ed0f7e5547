//! What `/alerts`, `/alerts/rules` and `/automations` show.

use super::Paging;
use crate::model::{AlertState, AlertsPage, AutomationsPage, ChannelView, RuleView};
use crate::server::app::outbound::channel::ChannelConfig;
use crate::server::config::ServeConfig;
use crate::server::store;
use crate::server::store::prelude::*;
use crate::server::store::{now_ms, Store};

/// Alerts per page on `/alerts`.
pub const ALERTS_PER_PAGE: u32 = 50;
/// Attempts `/automations` lists.
pub const ATTEMPTS_SHOWN: i64 = 50;

pub async fn alerts_page(
    store: &Store,
    state: Option<AlertState>,
    rule: Option<i64>,
    page: u32,
) -> Result<AlertsPage, store::Error> {
    let paging = Paging::new(page, ALERTS_PER_PAGE);
    let (alerts, has_more) = paging.split(
        store
            .alerts(state, rule, paging.offset, paging.limit)
            .await?,
    );
    let rules = store
        .rules()
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    Ok(AlertsPage {
        alerts,
        state,
        rule,
        rules,
        open: store.open_alerts().await?,
        page: paging.page,
        has_more,
        now: now_ms(),
    })
}

pub async fn rules_page(store: &Store) -> Result<Vec<RuleView>, store::Error> {
    store.rule_views().await
}

pub async fn automations_page(
    store: &Store,
    config: &ServeConfig,
) -> Result<AutomationsPage, store::Error> {
    let channels = store
        .channels()
        .await?
        .into_iter()
        .map(|c| ChannelView {
            target: match ChannelConfig::from_stored(c.kind, &c.config) {
                Ok(config) => config.target(),
                Err(e) => e.to_string(),
            },
            id: c.id,
            name: c.name,
            kind: c.kind,
            tested_at: c.tested_at,
            test_result: c.test_result,
        })
        .collect();
    Ok(AutomationsPage {
        destinations: store.destination_views().await?,
        channels,
        attempts: store.attempt_views(ATTEMPTS_SHOWN).await?,
        private_allowed: config.outbound.allow_private_destinations,
        now: now_ms(),
    })
}
