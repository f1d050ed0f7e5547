//! Login brute-force throttling, per account and per client address: a few
//! free attempts, then each failure doubles the wait before the next try.
//! Failures are forgotten after a quiet quarter of an hour.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed attempts allowed before waiting starts.
const FREE_PER_ACCOUNT: u32 = 5;
const FREE_PER_ADDRESS: u32 = 20;
/// Longest wait imposed.
const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// Failures older than this (since the last one) are forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(IpAddr),
}

#[derive(Debug, Clone, Copy)]
struct Record {
    failures: u32,
    last: Instant,
    until: Instant,
}

#[derive(Debug, Default)]
pub struct Throttle {
    records: Mutex<HashMap<Key, Record>>,
}

impl Throttle {
    /// `Err(wait)` while the account or the address must wait.
    pub fn check(&self, username: &str, ip: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        let wait = keys(username, ip)
            .filter_map(|k| records.get(&k))
            .filter_map(|r| r.until.checked_duration_since(now))
            .max();
        match wait {
            Some(wait) if !wait.is_zero() => Err(wait),
            _ => Ok(()),
        }
    }

    pub fn failed(&self, username: &str, ip: Option<IpAddr>, now: Instant) {
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        records.retain(|_, r| now.duration_since(r.last) < FORGET_AFTER);
        for key in keys(username, ip) {
            let free = match key {
                Key::Account(_) => FREE_PER_ACCOUNT,
                Key::Address(_) => FREE_PER_ADDRESS,
            };
            let record = records.entry(key).or_insert(Record {
                failures: 0,
                last: now,
                until: now,
            });
            record.failures += 1;
            record.last = now;
            if record.failures >= free {
                let doublings = (record.failures - free).min(10);
                let wait = Duration::from_secs(1 << doublings).min(MAX_WAIT);
                record.until = now + wait;
            }
        }
    }

    /// A successful sign-in clears the account's record (not the address's).
    pub fn succeeded(&self, username: &str) {
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        records.remove(&Key::Account(username.to_lowercase()));
    }
}

fn keys(username: &str, ip: Option<IpAddr>) -> impl Iterator<Item = Key> {
    std::iter::once(Key::Account(username.trim().to_lowercase())).chain(ip.map(Key::Address))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_waits_after_five_failures_and_longer_after_more() {
        let throttle = Throttle::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..4 {
            throttle.failed("admin", Some(ip), t0);
        }
        assert_eq!(throttle.check("admin", Some(ip), t0), Ok(()));
        throttle.failed("Admin", Some(ip), t0);
        assert_eq!(
            throttle.check("admin", Some(ip), t0),
            Err(Duration::from_secs(1))
        );
        // Another account from another address is not affected.
        assert_eq!(
            throttle.check("bob", Some("192.0.2.2".parse().unwrap()), t0),
            Ok(())
        );
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(throttle.check("admin", Some(ip), t1), Ok(()));
        throttle.failed("admin", Some(ip), t1);
        assert_eq!(
            throttle.check("admin", None, t1),
            Err(Duration::from_secs(2))
        );
        throttle.succeeded("ADMIN");
        assert_eq!(throttle.check("admin", None, t1), Ok(()));
    }

    #[test]
    fn one_address_guessing_many_accounts_is_slowed() {
        let throttle = Throttle::default();
        let ip: IpAddr = "192.0.2.9".parse().unwrap();
        let t0 = Instant::now();
        for i in 0..20 {
            throttle.failed(&format!("user{i}"), Some(ip), t0);
        }
        assert!(throttle.check("someone-new", Some(ip), t0).is_err());
        assert_eq!(throttle.check("someone-new", None, t0), Ok(()));
    }

    #[test]
    fn failures_are_forgotten_after_a_quiet_while() {
        let throttle = Throttle::default();
        let t0 = Instant::now();
        for _ in 0..6 {
            throttle.failed("admin", None, t0);
        }
        let later = t0 + FORGET_AFTER + Duration::from_secs(1);
        assert_eq!(throttle.check("admin", None, later), Ok(()));
        throttle.failed("admin", None, later);
        assert_eq!(throttle.check("admin", None, later), Ok(()));
    }
}
