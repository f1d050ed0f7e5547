//! `/settings`: how much room the database takes, what it holds, and the
//! retention limits in force (read from the environment at start-up).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettingsPage {
    pub database: DatabaseInfo,
    pub retention: Vec<RetentionSetting>,
    /// Every source with the days its calls are kept, when an admin set
    /// days of its own (else the installation's retention holds).
    pub source_retention: Vec<(String, String, Option<u32>)>,
    /// When callers' sensitive data is redacted: the installation's mode,
    /// and each source with another.
    pub redaction: (String, Vec<(String, String)>),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatabaseInfo {
    /// The SQLite file, as the server opened it.
    pub path: String,
    pub file_bytes: i64,
    /// The write-ahead log beside it (`-wal`), folded into the file by checkpoints.
    pub wal_bytes: i64,
    /// Room deleted rows left inside the file.
    pub free_bytes: i64,
    /// Free room goes back to the file system by itself.
    pub incremental_vacuum: bool,
    pub calls: i64,
    pub live_calls: i64,
    pub events: i64,
    pub deliveries: i64,
    /// The last event of the least recently active call (epoch ms).
    pub oldest_call_at: Option<i64>,
}

impl DatabaseInfo {
    pub fn total_bytes(&self) -> i64 {
        self.file_bytes.saturating_add(self.wal_bytes)
    }
}

/// One limit on what is kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetentionSetting {
    /// What it limits, e.g. "Ended calls".
    pub what: String,
    /// The limit in force, e.g. "deleted 30 days after their last event";
    /// `None` when it is off.
    pub limit: Option<String>,
    /// What being off means, e.g. "kept forever".
    pub when_off: String,
    /// The environment variable that sets it.
    pub variable: String,
}

/// `1,234,567`
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A database size: `512 B`, `3.4 KB`, `12.0 MB`, `2.5 GB`.
pub fn size(bytes: i64) -> String {
    const GB: i64 = 1024 * 1024 * 1024;
    if bytes >= GB {
        format!("{:.1} GB", bytes as f64 / GB as f64)
    } else {
        super::format::bytes(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(-45_000), "-45,000");
    }

    #[test]
    fn sizes_reach_gigabytes() {
        assert_eq!(size(4096), "4.0 KB");
        assert_eq!(size(3 * 1024 * 1024 * 1024 / 2), "1.5 GB");
    }
}
