//! What each MCP tool takes: its arguments, with the descriptions a model
//! reads in the tool's input schema.

use rmcp::schemars;
use serde::Deserialize;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct SearchCalls {
    /// Calls list query: words, "phrases", has:tool_error|hang|interruption|transfer, tool:NAME, status:live|ended, agent:, caller:, source:, duration>120, -term. Empty: all calls.
    #[serde(default)]
    pub query: Option<String>,
    /// Only calls started this recently: 30m, 1h, 7d.
    #[serde(default)]
    pub since: Option<String>,
    /// Calls to return, 1-100 (default 20).
    #[serde(default)]
    pub limit: Option<u32>,
    /// The cursor a previous answer gave.
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct GetCall {
    /// The call's id.
    pub id: String,
    /// Start a few events before this event id instead of at the beginning.
    #[serde(default)]
    pub around_event: Option<i64>,
    /// The cursor a previous answer gave.
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct GetEvent {
    /// The event id (the [id] of a get_call line).
    pub id: i64,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ListAlerts {
    /// open (default), acknowledged, snoozed, resolved or all.
    #[serde(default)]
    pub state: Option<String>,
    /// The cursor a previous answer gave.
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct CallMetrics {
    /// Calls list query selecting the calls (empty: all).
    #[serde(default)]
    pub query: Option<String>,
    /// Only calls started this recently: 30m, 1h, 7d.
    #[serde(default)]
    pub since: Option<String>,
}
