//! The audit log's writing side: who did what to what, from where, with a
//! short before/after summary. An entry that cannot be written is logged as
//! an error (the action itself already happened) — never silently dropped.

use crate::model::accounts::AuditRow;
use crate::server::store::prelude::*;
use crate::server::store::{now_ms, Store};

/// Who acts: a signed-in account, or someone not (yet) signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    /// The client's address as the server resolved it.
    pub address: Option<String>,
}

impl Actor {
    pub fn new(name: impl Into<String>, address: Option<std::net::IpAddr>) -> Self {
        Actor {
            name: name.into(),
            address: address.map(|ip| ip.to_string()),
        }
    }
}

/// Appends one entry: `action` (dotted, e.g. `user.role`), its `target`
/// and what changed.
pub async fn record(store: &Store, actor: &Actor, action: &str, target: &str, summary: &str) {
    let entry = AuditRow {
        at: now_ms(),
        actor: actor.name.clone(),
        address: actor.address.clone(),
        action: action.to_string(),
        target: target.to_string(),
        summary: summary.to_string(),
    };
    if let Err(e) = store.record_audit(&entry).await {
        tracing::error!(error = %e, action, target, actor = actor.name, "could not write an audit log entry");
    } else {
        tracing::info!(action, target, actor = actor.name, summary, "audit");
    }
}
