//! `calltrail alerts [--state open|acknowledged|snoozed|resolved|all]`:
//! the alert inbox, most recently matched first.

use std::io::Write;

use super::{exit, Failure, Server};
use crate::server::config::AlertsArgs;
use crate::server::http::api::types::AlertList;

pub async fn run(args: AlertsArgs) -> anyhow::Result<()> {
    let server = Server::from_args(&args.client)?;
    let state = args.state.trim().to_ascii_lowercase();
    if !["open", "acknowledged", "snoozed", "resolved", "all"].contains(&state.as_str()) {
        return Err(Failure::new(
            exit::USAGE,
            format!("--state {state:?}: choose open, acknowledged, snoozed, resolved or all"),
        )
        .into());
    }
    let mut alerts = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query = vec![("state", state.clone()), ("limit", "500".to_string())];
        if let Some(c) = &cursor {
            query.push(("cursor", c.clone()));
        }
        let page: AlertList = server.json(server.get("/api/v1/alerts", &query)).await?;
        alerts.extend(page.alerts);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let mut out = std::io::stdout().lock();
    if !args.json && alerts.is_empty() {
        eprintln!("no {state} alert");
    }
    for alert in &alerts {
        if args.json {
            writeln!(out, "{}", serde_json::to_string(alert)?)?;
            continue;
        }
        let seen = chrono::DateTime::from_timestamp_millis(alert.last_seen_at)
            .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M").to_string());
        let times = if alert.count > 1 {
            format!(" ×{}", alert.count)
        } else {
            String::new()
        };
        writeln!(
            out,
            "{seen}  #{:<5} {:<12} {}{times}: {}{}",
            alert.id,
            alert.state.as_str(),
            alert.rule_name,
            alert.reason,
            alert
                .call_id
                .as_deref()
                .map_or_else(String::new, |c| format!("  (call {c})"))
        )?;
    }
    Ok(())
}
