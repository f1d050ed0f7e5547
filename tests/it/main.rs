//! The integration tests, one binary: each module is one area (its own
//! file), and `common` holds the app over a test database, the webhook
//! builders and the local receiver they share. One binary links the server
//! once instead of once per file; only what needs a process of its own
//! (`tests/metrics/`: the Prometheus recorder is one per process) is apart.
//!
//! Run one area with a filter: `cargo test --features ssr --test it alerts::`.

mod common;

mod ack_timeout;
mod alerts;
mod api;
mod auth;
mod automation_pages;
mod backup;
mod child;
mod crash;
mod docs;
mod edges;
mod effects_crash;
mod elevenlabs;
mod fixture;
mod forwarding;
mod glance;
mod horizon;
mod ingest;
mod insights;
mod layers;
mod listen;
mod live;
mod measure;
mod migrate;
mod move_data;
mod no_store;
mod notices;
mod notifications;
mod platforms;
mod private;
mod purge_latency;
mod query_limits;
mod redaction;
mod renders;
mod retention;
mod review;
mod roles;
mod scale_out;
mod search;
mod settings;
mod sso;
mod team;
mod traces;
mod views;
mod webhook_auth;
