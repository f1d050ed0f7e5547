//! Exports under way, by the id the page that started each gave it, so the
//! page can say how far it has gone while the browser downloads. Entries
//! stay a minute after their export ends; there are never many.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::model::export::ExportProgress;

/// How long a finished export's progress can still be read.
const KEPT: Duration = Duration::from_secs(60);
/// At most this many are followed at once (the oldest finished go first).
const MOST: usize = 200;

#[derive(Clone, Default)]
pub struct Exports(Arc<Mutex<HashMap<String, (ExportProgress, Instant)>>>);

impl Exports {
    /// Follows a new export of `total` calls under `id`.
    pub fn start(&self, id: String, total: i64) -> Tracker {
        let mut all = self.lock();
        all.retain(|_, (p, at)| !p.finished || at.elapsed() < KEPT);
        if all.len() >= MOST {
            if let Some(oldest) = all
                .iter()
                .min_by_key(|(_, (_, at))| *at)
                .map(|(k, _)| k.clone())
            {
                all.remove(&oldest);
            }
        }
        let progress = ExportProgress {
            total,
            ..ExportProgress::default()
        };
        all.insert(id.clone(), (progress, Instant::now()));
        Tracker {
            exports: self.clone(),
            id,
            done: false,
        }
    }

    pub fn get(&self, id: &str) -> Option<ExportProgress> {
        self.lock().get(id).map(|(p, _)| p.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (ExportProgress, Instant)>> {
        // A panic while holding it left plain counters: still usable.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn update(&self, id: &str, change: impl FnOnce(&mut ExportProgress)) {
        if let Some((p, at)) = self.lock().get_mut(id) {
            change(p);
            *at = Instant::now();
        }
    }
}

/// One export's progress; dropped before it finished (the download was
/// cancelled, or storage failed), the export counts as failed.
pub struct Tracker {
    exports: Exports,
    id: String,
    done: bool,
}

impl Tracker {
    pub fn wrote(&self, calls: i64) {
        self.exports.update(&self.id, |p| p.done += calls);
    }

    pub fn finish(mut self) {
        self.done = true;
        self.exports.update(&self.id, |p| p.finished = true);
    }
}

impl Drop for Tracker {
    fn drop(&mut self) {
        if !self.done {
            self.exports.update(&self.id, |p| {
                p.finished = true;
                p.failed = true;
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_is_followed_until_it_ends_and_a_dropped_one_failed() {
        let exports = Exports::default();
        let tracker = exports.start("a".into(), 3);
        tracker.wrote(2);
        assert_eq!(exports.get("a").unwrap().done, 2);
        assert!(!exports.get("a").unwrap().finished);
        tracker.finish();
        let p = exports.get("a").unwrap();
        assert!(p.finished && !p.failed);

        drop(exports.start("b".into(), 5));
        assert!(exports.get("b").unwrap().failed);
        assert_eq!(exports.get("c"), None);
    }
}
