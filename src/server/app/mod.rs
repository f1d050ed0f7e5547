//! What calltrail does, apart from HTTP: ingest and platform parsing, webhook
//! authentication, alerts, forwarding and notifications, voice metrics,
//! provisioning, and the background work after each commit.
//! It may import `config`, `store` and `model`; never `http` or `cli`.

pub mod accounts;
pub mod alerts;
pub mod api_tokens;
pub mod audit;
pub mod call_metrics;
pub mod export_progress;
pub mod ingest;
pub mod live;
pub mod network;
pub mod outbound;
pub mod platforms;
pub mod prometheus;
pub mod provision;
pub mod redaction;
pub mod retention;
pub mod review;
pub mod side_effects;
pub mod sso;
pub mod webhook_auth;
