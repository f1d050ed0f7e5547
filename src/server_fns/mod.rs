//! Server functions: one per page, each a thin call into
//! [`crate::server::http::page_data`], which holds the tested logic.

mod access;
mod alerts;
mod call;
mod calls;
mod deliveries;
mod error;
mod export;
mod insights;
mod review;
mod settings;
mod users;

pub use access::{
    load_sign_in, load_viewer, rotate_webhook_token, send_test_event, setup_needs_code, LoadSignIn,
    LoadViewer, RotateWebhookToken, SendTestEvent, SetupNeedsCode,
};
pub use alerts::{
    load_alerts, load_automations, load_issues, load_rules, LoadAlerts, LoadAutomations,
    LoadIssues, LoadRules,
};
pub use call::{load_call, load_event_body, LoadCall, LoadEventBody};
pub use calls::{load_calls, LoadCalls};
pub use deliveries::{load_deliveries, LoadDeliveries};
pub use error::PageError;
pub use export::{load_export_progress, LoadExportProgress};
pub use insights::{load_insights, LoadInsights};
pub use review::{
    load_comparison, load_queues, load_search_comparison, load_shared_call, LoadComparison,
    LoadQueues, LoadSearchComparison, LoadSharedCall,
};
pub use settings::{load_settings, LoadSettings};
pub use users::{
    load_audit, load_invite, load_tokens, load_users, LoadAudit, LoadInvite, LoadTokens, LoadUsers,
};
