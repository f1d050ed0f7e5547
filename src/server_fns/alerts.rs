//! Loads the alert inbox, the rules, and the automations page.

use leptos::prelude::*;

use super::PageError;

use crate::model::{AlertsPage, AutomationsPage, IssuesPage, RuleView};

/// `state` is an [`AlertState`](crate::model::AlertState) name; anything
/// else shows every state.
#[server(endpoint = "load_alerts")]
pub async fn load_alerts(
    state: Option<String>,
    rule: Option<i64>,
    cause: Option<String>,
    page: u32,
) -> Result<AlertsPage, PageError> {
    use crate::server::http::page_data;
    let app = page_data::permitted_state("load_alerts")?;
    let state = state.as_deref().and_then(crate::model::AlertState::parse);
    let mut alerts = page_data::alerts_page(&app.store, state, rule, cause, page)
        .await
        .map_err(|e| page_data::internal("the alerts", e))?;
    if let Some(lens) = page_data::restricted::lens(&app) {
        page_data::restricted::alerts(&lens, &mut alerts);
    }
    Ok(alerts)
}

/// The issues `/alerts` lists; demo calls' alerts only `with_demo`.
#[server(endpoint = "load_issues")]
pub async fn load_issues(
    state: Option<String>,
    rule: Option<i64>,
    with_demo: bool,
    page: u32,
) -> Result<IssuesPage, PageError> {
    use crate::server::http::page_data;
    let app = page_data::permitted_state("load_issues")?;
    let filter = crate::model::issues::IssueFilter {
        state: state.as_deref().and_then(crate::model::AlertState::parse),
        rule,
        with_demo,
    };
    let mut issues = page_data::issues_page(&app.store, filter, page)
        .await
        .map_err(|e| page_data::internal("the alerts", e))?;
    if let Some(lens) = page_data::restricted::lens(&app) {
        page_data::restricted::issues(&lens, &mut issues);
    }
    Ok(issues)
}

#[server(endpoint = "load_rules")]
pub async fn load_rules() -> Result<Vec<RuleView>, PageError> {
    use crate::server::http::page_data;
    let app = page_data::permitted_state("load_rules")?;
    page_data::rules_page(&app.store)
        .await
        .map_err(|e| page_data::internal("the alert rules", e))
}

#[server(endpoint = "load_automations")]
pub async fn load_automations() -> Result<AutomationsPage, PageError> {
    use crate::server::http::page_data;
    let app = page_data::permitted_state("load_automations")?;
    page_data::automations_page(&app.store, &app.config)
        .await
        .map_err(|e| page_data::internal("the automations", e))
}
