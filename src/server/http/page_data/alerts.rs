//! What `/alerts`, `/alerts/rules` and `/automations` show.

use std::collections::HashMap;

use super::Paging;
use crate::model::issues::{self, IssueFilter};
use crate::model::{AlertState, AlertsPage, AutomationsPage, ChannelView, IssuesPage, RuleView};
use crate::server::app::outbound::channel::ChannelConfig;
use crate::server::config::ServeConfig;
use crate::server::store;
use crate::server::store::prelude::*;
use crate::server::store::{now_ms, Store};

/// Alerts per page on `/alerts`.
pub const ALERTS_PER_PAGE: u32 = 50;
/// Attempts `/automations` lists.
pub const ATTEMPTS_SHOWN: i64 = 50;

/// Issues per page on `/alerts`.
pub const ISSUES_PER_PAGE: u32 = 50;

/// `/alerts`: the issues, each with its sparkline.
pub async fn issues_page(
    store: &Store,
    filter: IssueFilter,
    page: u32,
) -> Result<IssuesPage, store::Error> {
    let paging = Paging::new(page, ISSUES_PER_PAGE);
    let (mut issues, has_more) =
        paging.split(store.issues(&filter, paging.offset, paging.limit).await?);
    let now = now_ms();
    let day_ago = now - issues::SPARK_HOURS as i64 * 3_600_000;
    // Each issue's openings, gathered once, not searched for per issue.
    let mut opened: HashMap<(i64, String), Vec<i64>> = HashMap::new();
    for (rule, cause, at) in store.issue_openings(&filter, day_ago).await? {
        opened.entry((rule, cause)).or_default().push(at);
    }
    for issue in &mut issues {
        let at = opened.get(&(issue.rule_id, issue.cause.clone()));
        issue.spark = issues::spark(at.map_or(&[][..], Vec::as_slice), now);
    }
    Ok(IssuesPage {
        issues,
        state: filter.state,
        rule: filter.rule,
        with_demo: filter.with_demo,
        rules: rule_names(store).await?,
        open: store.open_alerts().await?,
        page: paging.page,
        has_more,
        now,
    })
}

async fn rule_names(store: &Store) -> Result<Vec<(i64, String)>, store::Error> {
    Ok(store
        .rules()
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect())
}

/// The alerts of one issue (`cause`), or of every issue.
pub async fn alerts_page(
    store: &Store,
    state: Option<AlertState>,
    rule: Option<i64>,
    cause: Option<String>,
    page: u32,
) -> Result<AlertsPage, store::Error> {
    let paging = Paging::new(page, ALERTS_PER_PAGE);
    let (alerts, has_more) = paging.split(
        store
            .alerts(state, rule, cause.as_deref(), paging.offset, paging.limit)
            .await?,
    );
    Ok(AlertsPage {
        alerts,
        state,
        rule,
        cause,
        rules: rule_names(store).await?,
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
