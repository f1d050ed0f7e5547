//! Everything calltrail sends out: forwarded events and alert notifications,
//! from the durable outbox, retried with backoff, every attempt logged, and
//! never to internal addresses unless allowed.

pub mod channel;
pub mod destinations;
mod email;
pub mod envelope;
pub mod guard;
mod internal;
pub mod notification;
pub mod retry;
pub mod send;
mod worker;

pub use send::{Answer, Sender};
pub use worker::spawn;

pub use crate::server::config::OutboundConfig;
use retry::RetryPolicy;

/// How long and how often a forward or notification is retried.
pub fn retry_policy(config: &OutboundConfig) -> RetryPolicy {
    RetryPolicy {
        base_ms: i64::from(config.forward_retry_base_ms.max(1)),
        window_ms: i64::from(config.forward_retry_hours) * 60 * 60 * 1000,
    }
}
