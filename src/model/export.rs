//! How far an export has gone, for the page that started it.

use serde::{Deserialize, Serialize};

use super::settings::thousands;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportProgress {
    /// Calls written so far.
    pub done: i64,
    /// Calls the query selected when the export started.
    pub total: i64,
    pub finished: bool,
    /// Set when the export stopped on an error.
    pub failed: bool,
}

impl ExportProgress {
    /// What the page says of it.
    pub fn line(&self) -> String {
        let calls = |n: i64| format!("{} call{}", thousands(n), if n == 1 { "" } else { "s" });
        if self.failed {
            return format!("Export failed after {}; try again.", calls(self.done));
        }
        if self.finished {
            return format!("Export done: {}.", calls(self.done));
        }
        let percent = if self.total > 0 {
            self.done * 100 / self.total
        } else {
            0
        };
        format!(
            "Exporting… {} of {} ({percent} %)",
            thousands(self.done),
            calls(self.total)
        )
    }
}

/// Whether `id` can name an export's progress (a page makes them).
pub fn valid_progress_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 40 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reads_as_a_person_would_say_it() {
        let mut p = ExportProgress {
            done: 9_000,
            total: 20_000,
            ..ExportProgress::default()
        };
        assert_eq!(p.line(), "Exporting… 9,000 of 20,000 calls (45 %)");
        p.finished = true;
        assert_eq!(p.line(), "Export done: 9,000 calls.");
        p.done = 1;
        p.failed = true;
        assert_eq!(p.line(), "Export failed after 1 call; try again.");
        assert!(valid_progress_id("a1B2"));
        assert!(!valid_progress_id("a/b") && !valid_progress_id(""));
    }
}
