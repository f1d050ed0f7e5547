//! Refused deliveries from one client address are stored individually only up
//! to a rate; past it they are counted, and the count is logged as one summary
//! row per address and window, so a flood of bad requests cannot fill the
//! disk. The table of addresses is bounded; the sender's answer is unchanged.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::sync::Mutex;

use ipnet::{IpNet, Ipv6Net};

/// Refused deliveries stored individually per address and window.
pub const STORED_PER_WINDOW: u32 = 60;
/// Length of a window, which starts at an address's first refusal.
pub const WINDOW_MS: i64 = 60_000;
/// Addresses tracked at once; refusals from any further ones share one window.
pub const MAX_TRACKED: usize = 4096;

/// Whom a window counts for: one IPv4 address, one IPv6 /64 (what one host
/// or site usually holds), or a shared bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sender {
    Address(IpNet),
    /// The server was not told the peer.
    Unknown,
    /// Any address once [`MAX_TRACKED`] are tracked.
    Untracked,
}

impl Sender {
    fn of(ip: Option<IpAddr>) -> Self {
        match ip.map(|ip| ip.to_canonical()) {
            None => Sender::Unknown,
            Some(IpAddr::V4(v4)) => Sender::Address(IpNet::from(IpAddr::V4(v4))),
            Some(IpAddr::V6(v6)) => match Ipv6Net::new(v6, 64) {
                Ok(net) => Sender::Address(IpNet::V6(net.trunc())),
                Err(_) => Sender::Address(IpNet::from(IpAddr::V6(v6))),
            },
        }
    }

    /// The address for the log's `remote_addr` column.
    pub fn remote_addr(&self) -> Option<String> {
        match self {
            Sender::Address(_) => Some(self.to_string()),
            _ => None,
        }
    }
}

impl fmt::Display for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sender::Address(IpNet::V4(net)) => write!(f, "{}", net.addr()),
            Sender::Address(net) => write!(f, "{net}"),
            Sender::Unknown => f.write_str("an unknown address"),
            Sender::Untracked => write!(f, "addresses beyond the {MAX_TRACKED} tracked at once"),
        }
    }
}

/// Refused deliveries that were counted, not stored, in one window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub sender: Sender,
    pub counted: u64,
    /// When the first and last of them arrived (epoch ms).
    pub first_at: i64,
    pub last_at: i64,
    /// The status the last of them was answered with.
    pub status: u16,
}

/// What to do with one refused delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admission {
    /// Store this delivery's own row.
    pub store: bool,
    /// The sender's previous window ended with deliveries counted: log them.
    pub ended: Option<Summary>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started_at: i64,
    stored: u32,
    counted: u64,
    first_at: i64,
    last_at: i64,
    status: u16,
}

impl Window {
    fn new(now: i64) -> Self {
        Window {
            started_at: now,
            stored: 0,
            counted: 0,
            first_at: now,
            last_at: now,
            status: 0,
        }
    }

    fn ended(&self, now: i64) -> bool {
        now.saturating_sub(self.started_at) >= WINDOW_MS
    }

    fn summary(&self, sender: Sender) -> Option<Summary> {
        (self.counted > 0).then_some(Summary {
            sender,
            counted: self.counted,
            first_at: self.first_at,
            last_at: self.last_at,
            status: self.status,
        })
    }
}

/// The in-memory windows, one per sender.
#[derive(Debug, Default)]
pub struct RefusalLimiter {
    windows: Mutex<HashMap<Sender, Window>>,
}

impl RefusalLimiter {
    /// Decides whether a delivery from `ip`, refused with `status` at `now`
    /// (epoch ms), is stored or only counted.
    pub fn admit(&self, ip: Option<IpAddr>, status: u16, now: i64) -> Admission {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let mut sender = Sender::of(ip);
        if !windows.contains_key(&sender) && windows.len() >= MAX_TRACKED {
            sender = Sender::Untracked;
        }
        let window = windows.entry(sender).or_insert_with(|| Window::new(now));
        let mut ended = None;
        if window.ended(now) {
            ended = window.summary(sender);
            *window = Window::new(now);
        }
        if window.stored < STORED_PER_WINDOW {
            window.stored += 1;
            return Admission { store: true, ended };
        }
        if window.counted == 0 {
            window.first_at = now;
        }
        window.counted += 1;
        window.last_at = now;
        window.status = status;
        Admission {
            store: false,
            ended,
        }
    }

    /// Forgets the windows that have ended by `now`, returning what they counted.
    pub fn take_ended(&self, now: i64) -> Vec<Summary> {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let mut summaries = Vec::new();
        windows.retain(|sender, window| {
            if !window.ended(now) {
                return true;
            }
            summaries.extend(window.summary(*sender));
            false
        });
        summaries
    }

    /// Forgets every window, returning what they counted (at shutdown).
    pub fn take_all(&self) -> Vec<Summary> {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows
            .drain()
            .filter_map(|(sender, window)| window.summary(sender))
            .collect()
    }

    /// Senders tracked now.
    pub fn tracked(&self) -> usize {
        self.windows.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_000_000_000;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn past_the_rate_deliveries_are_counted_and_summarised_when_the_window_ends() {
        let limiter = RefusalLimiter::default();
        for i in 0..STORED_PER_WINDOW {
            assert!(limiter.admit(ip("192.0.2.1"), 401, T0 + i64::from(i)).store);
        }
        for i in 0..40 {
            let admission = limiter.admit(ip("192.0.2.1"), 401, T0 + 100 + i);
            assert_eq!(
                admission,
                Admission {
                    store: false,
                    ended: None
                }
            );
        }
        // Another address has its own window.
        assert!(limiter.admit(ip("192.0.2.2"), 403, T0 + 200).store);
        // The next window: stored again, and the last one's count comes out.
        let next = limiter.admit(ip("192.0.2.1"), 401, T0 + WINDOW_MS);
        assert!(next.store);
        let summary = next.ended.expect("the counted deliveries are summarised");
        assert_eq!(summary.counted, 40);
        assert_eq!((summary.first_at, summary.last_at), (T0 + 100, T0 + 139));
        assert_eq!(summary.sender.to_string(), "192.0.2.1");
        assert_eq!(summary.status, 401);
        // Nothing was counted for the other address, so no summary.
        assert!(limiter.take_ended(T0 + 200 + WINDOW_MS).is_empty());
    }

    #[test]
    fn ipv6_addresses_share_a_window_per_64() {
        let limiter = RefusalLimiter::default();
        for i in 0..(STORED_PER_WINDOW + 5) {
            // A different address in the same /64 each time.
            let addr = format!("2001:db8:1:2::{:x}", i + 1);
            limiter.admit(ip(&addr), 401, T0);
        }
        let other = limiter.admit(ip("2001:db8:1:3::1"), 401, T0);
        assert!(other.store, "another /64 is another sender");
        let summaries = limiter.take_all();
        assert_eq!(summaries.len(), 1);
        assert_eq!(summaries[0].counted, 5);
        assert_eq!(summaries[0].sender.to_string(), "2001:db8:1:2::/64");
        assert_eq!(limiter.tracked(), 0);
    }

    #[test]
    fn the_table_is_bounded_and_ended_windows_are_forgotten() {
        let limiter = RefusalLimiter::default();
        for i in 0..(MAX_TRACKED as u32 + 100) {
            let addr = std::net::Ipv4Addr::from(0x0a00_0000 + i);
            limiter.admit(Some(IpAddr::V4(addr)), 401, T0);
        }
        assert_eq!(
            limiter.tracked(),
            MAX_TRACKED + 1,
            "the rest share one window"
        );
        assert!(limiter.take_ended(T0 + WINDOW_MS - 1).is_empty());
        assert_eq!(limiter.tracked(), MAX_TRACKED + 1);
        limiter.take_ended(T0 + WINDOW_MS);
        assert_eq!(limiter.tracked(), 0);
    }
}
