//! Shared links: a read-only view of one call for someone without an
//! account, until it expires or is revoked.

use serde::{Deserialize, Serialize};

use crate::model::time::{DAY_MS, HOUR_MS};
use crate::model::CallTimeline;

/// How long a shared link may work: `(value, label, ms)`.
pub const SHARE_LIFETIMES: [(&str, &str, i64); 5] = [
    ("1h", "1 hour", HOUR_MS),
    ("1d", "1 day", DAY_MS),
    ("7d", "7 days", 7 * DAY_MS),
    ("14d", "14 days", 14 * DAY_MS),
    ("30d", "30 days", 30 * DAY_MS),
];

/// A lifetime's ms, from its value in the list.
pub fn parse_share_lifetime(value: &str) -> Option<i64> {
    SHARE_LIFETIMES
        .iter()
        .find(|(v, _, _)| *v == value.trim())
        .map(|(_, _, ms)| *ms)
}

/// A shared link as its call's page lists it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareLink {
    pub id: i64,
    pub call_id: String,
    pub made_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    /// Callers' sensitive data redacted, as a restricted viewer reads it.
    pub redacted: bool,
    pub views: i64,
    pub last_viewed_at: Option<i64>,
}

impl ShareLink {
    /// Whether the link opens the call at `now`.
    pub fn works(&self, now: i64) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

/// What a shared link shows: the call, read-only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharedCall {
    pub timeline: CallTimeline,
    pub expires_at: i64,
    pub redacted: bool,
}
