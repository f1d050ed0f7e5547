//! One kind of throttle record (per account, per network, per pair) in a map
//! of bounded size, so a flood of fresh keys costs memory only up to a cap.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

/// Failures older than this (since the last one) are forgotten.
pub const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);

/// How failures turn into waits: `free` failures cost nothing, then each
/// one doubles the wait, from `first` up to `max`.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub free: u32,
    pub first: Duration,
    pub max: Duration,
}

impl Policy {
    pub fn wait(&self, failures: u32) -> Duration {
        if failures < self.free {
            return Duration::ZERO;
        }
        let doublings = (failures - self.free).min(20);
        self.first.saturating_mul(1 << doublings).min(self.max)
    }
}

#[derive(Debug, Clone, Copy)]
struct Record {
    failures: u32,
    last: Instant,
}

impl Record {
    fn live(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.last) < FORGET_AFTER
    }
}

#[derive(Debug)]
pub struct Table<K> {
    records: HashMap<K, Record>,
    cap: usize,
    policy: Policy,
}

impl<K: Hash + Eq + Clone> Table<K> {
    pub fn new(policy: Policy, cap: usize) -> Self {
        Table {
            records: HashMap::new(),
            cap: cap.max(1),
            policy,
        }
    }

    /// Failures still remembered for `key`.
    #[cfg(test)]
    pub fn failures(&self, key: &K, now: Instant) -> u32 {
        self.records
            .get(key)
            .filter(|r| r.live(now))
            .map_or(0, |r| r.failures)
    }

    /// How long `key` must still wait before its next attempt.
    pub fn wait(&self, key: &K, now: Instant) -> Duration {
        match self.records.get(key).filter(|r| r.live(now)) {
            Some(r) => (r.last + self.policy.wait(r.failures)).saturating_duration_since(now),
            None => Duration::ZERO,
        }
    }

    /// Counts a failure for `key` now; the failures counted before it.
    pub fn count(&mut self, key: K, now: Instant) -> u32 {
        if !self.records.contains_key(&key) && self.records.len() >= self.cap {
            self.make_room(now);
        }
        let record = self.records.entry(key).or_insert(Record {
            failures: 0,
            last: now,
        });
        if !record.live(now) {
            record.failures = 0;
        }
        let before = record.failures;
        record.failures = before.saturating_add(1);
        record.last = now;
        before
    }

    /// Takes back one failure counted by `count` (the attempt turned out
    /// not to be one).
    pub fn uncount(&mut self, key: &K) {
        if let Some(record) = self.records.get_mut(key) {
            record.failures = record.failures.saturating_sub(1);
            if record.failures == 0 {
                self.records.remove(key);
            }
        }
    }

    pub fn clear(&mut self, key: &K) {
        self.records.remove(key);
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Drops forgotten records; if the table is still full, drops the record
    /// touched longest ago. Evicting (rather than refusing new keys) keeps
    /// sign-in open to everyone during a flood; what is lost is the oldest
    /// evidence, and whoever can fill the table holds that many keys anyway,
    /// while the other tables and the hashing limit still slow them. The scan
    /// is linear, but only runs when the table is full.
    fn make_room(&mut self, now: Instant) {
        self.records.retain(|_, r| r.live(now));
        if self.records.len() < self.cap {
            return;
        }
        let oldest = self
            .records
            .iter()
            .min_by_key(|(_, r)| r.last)
            .map(|(k, _)| k.clone());
        if let Some(oldest) = oldest {
            self.records.remove(&oldest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        free: 2,
        first: Duration::from_secs(1),
        max: Duration::from_secs(5),
    };

    #[test]
    fn waits_start_after_the_free_failures_and_double_up_to_the_max() {
        let waits: Vec<u64> = (0..7).map(|n| POLICY.wait(n).as_secs()).collect();
        assert_eq!(waits, [0, 0, 1, 2, 4, 5, 5]);
        let mut table = Table::new(POLICY, 10);
        let t0 = Instant::now();
        assert_eq!(table.count("a", t0), 0);
        assert_eq!(table.count("a", t0), 1);
        assert_eq!(table.wait(&"a", t0), Duration::from_secs(1));
        table.uncount(&"a");
        assert_eq!(table.failures(&"a", t0), 1);
        assert_eq!(table.wait(&"a", t0), Duration::ZERO);
        let later = t0 + FORGET_AFTER;
        assert_eq!(table.failures(&"a", later), 0);
        assert_eq!(table.count("a", later), 0);
    }

    #[test]
    fn a_full_table_drops_forgotten_records_then_the_oldest() {
        let mut table = Table::new(POLICY, 100);
        let t0 = Instant::now();
        for i in 0..250u32 {
            table.count(i, t0 + Duration::from_millis(u64::from(i)));
            assert!(table.len() <= 100, "{} records after {i}", table.len());
        }
        assert_eq!(table.len(), 100);
        // The newest keys stayed; the oldest went first.
        assert_eq!(table.failures(&249, t0), 1);
        assert_eq!(table.failures(&149, t0), 0);
        // Once everything is forgotten, one new key empties the table.
        table.count(1000, t0 + FORGET_AFTER + Duration::from_secs(1));
        assert_eq!(table.len(), 1);
    }
}
