//! When a failed send is tried again: exponential backoff with jitter,
//! capped at an hour between tries, until the message is older than the
//! retry window (24 h by default).

use crate::server::store::outbox::Next;

/// The longest wait between two tries.
const MAX_DELAY_MS: i64 = 60 * 60 * 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Wait after the first failure; doubles after each.
    pub base_ms: i64,
    /// How long after it was queued a message is still tried.
    pub window_ms: i64,
}

impl RetryPolicy {
    /// What follows the `attempts`-th failed try (1 for the first) of a
    /// message queued at `created_at`; `jitter` in [0, 1) spreads retries
    /// of many messages apart (±20 %).
    pub fn after_failure(&self, attempts: i64, created_at: i64, now: i64, jitter: f64) -> Next {
        let exponent = (attempts - 1).clamp(0, 30) as u32;
        let delay = self
            .base_ms
            .saturating_mul(1_i64 << exponent)
            .min(MAX_DELAY_MS);
        let delay = (delay as f64 * (0.8 + 0.4 * jitter.clamp(0.0, 1.0))) as i64;
        let at = now + delay.max(1);
        if at > created_at + self.window_ms {
            Next::Failed
        } else {
            Next::RetryAt(at)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy {
        base_ms: 1_000,
        window_ms: 24 * 60 * 60 * 1000,
    };

    #[test]
    fn waits_double_with_jitter_and_are_capped() {
        assert_eq!(POLICY.after_failure(1, 0, 0, 0.5), Next::RetryAt(1_000));
        assert_eq!(POLICY.after_failure(4, 0, 0, 0.5), Next::RetryAt(8_000));
        assert_eq!(POLICY.after_failure(4, 0, 0, 0.0), Next::RetryAt(6_400));
        assert_eq!(
            POLICY.after_failure(4, 0, 0, 0.999_999),
            Next::RetryAt(9_599)
        );
        assert_eq!(
            POLICY.after_failure(40, 0, 0, 0.5),
            Next::RetryAt(MAX_DELAY_MS)
        );
    }

    #[test]
    fn gives_up_past_the_window() {
        let day = POLICY.window_ms;
        assert_eq!(POLICY.after_failure(20, 0, day - 10, 0.5), Next::Failed);
        assert!(matches!(
            POLICY.after_failure(20, 0, day - MAX_DELAY_MS * 2, 0.5),
            Next::RetryAt(_)
        ));
    }
}
