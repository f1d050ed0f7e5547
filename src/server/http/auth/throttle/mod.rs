//! Sign-in brute-force throttling. An attempt is counted as a failure the
//! moment it is admitted (before the slow password check), so parallel
//! guesses cannot all slip through the free allowance; a success takes it back.
//! Three records: the account from one network (strict), one network for any
//! account (looser), and the account from anywhere, which only slows attempts,
//! so a stranger cannot lock the real owner out.

mod key;
mod table;

use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use key::Net;
use table::{Policy, Table};

/// The account from one network (or from an unknown one): 5 free failures.
const PER_PAIR: Policy = Policy {
    free: 5,
    first: Duration::from_secs(1),
    max: Duration::from_secs(15 * 60),
};
/// One network, whatever the account: 20 free failures.
const PER_NETWORK: Policy = Policy {
    free: 20,
    first: Duration::from_secs(1),
    max: Duration::from_secs(15 * 60),
};
/// The account from anywhere: after 10 failures each attempt is delayed, never refused.
const PER_ACCOUNT: Policy = Policy {
    free: 10,
    first: Duration::from_millis(250),
    max: Duration::from_secs(2),
};
/// Records kept per table; see `Table::make_room` for what happens past it.
const CAPACITY: usize = 10_000;

type Pair = (String, Option<Net>);

/// An admitted attempt, already counted as a failure until told otherwise.
#[derive(Debug)]
pub struct Attempt {
    account: String,
    net: Option<Net>,
}

impl Attempt {
    fn pair(&self) -> Pair {
        (self.account.clone(), self.net)
    }
}

#[derive(Debug)]
pub enum Admission {
    /// Go on after sleeping `delay` (the account-wide slow-down).
    Admitted { attempt: Attempt, delay: Duration },
    /// Come back after `wait`; nothing was counted.
    Refused { wait: Duration },
}

#[derive(Debug)]
struct Tables {
    pairs: Table<Pair>,
    networks: Table<Net>,
    accounts: Table<String>,
}

#[derive(Debug)]
pub struct Throttle {
    tables: Mutex<Tables>,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::with_capacity(CAPACITY)
    }
}

impl Throttle {
    fn with_capacity(cap: usize) -> Self {
        Throttle {
            tables: Mutex::new(Tables {
                pairs: Table::new(PER_PAIR, cap),
                networks: Table::new(PER_NETWORK, cap),
                accounts: Table::new(PER_ACCOUNT, cap),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Tables> {
        self.tables.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Admits and counts an attempt for `username` from `ip` (`None`: an
    /// unknown address, which is its own pair but has no network record).
    pub fn admit(&self, username: &str, ip: Option<IpAddr>, now: Instant) -> Admission {
        let attempt = Attempt {
            account: key::account(username),
            net: ip.map(Net::of),
        };
        let mut tables = self.lock();
        let pair = attempt.pair();
        let network_wait = attempt
            .net
            .map_or(Duration::ZERO, |net| tables.networks.wait(&net, now));
        let wait = tables.pairs.wait(&pair, now).max(network_wait);
        if !wait.is_zero() {
            return Admission::Refused { wait };
        }
        tables.pairs.count(pair, now);
        if let Some(net) = attempt.net {
            tables.networks.count(net, now);
        }
        let before = tables.accounts.count(attempt.account.clone(), now);
        Admission::Admitted {
            attempt,
            delay: PER_ACCOUNT.wait(before),
        }
    }

    /// The password was right: the pair starts afresh, and this attempt is
    /// taken back from the network and account-wide counts.
    pub fn succeeded(&self, attempt: &Attempt) {
        let mut tables = self.lock();
        tables.pairs.clear(&attempt.pair());
        Self::uncount_wider(&mut tables, attempt);
    }

    /// No password was checked (the server was busy or its database down):
    /// the attempt is not held against anyone.
    pub fn withdraw(&self, attempt: &Attempt) {
        let mut tables = self.lock();
        tables.pairs.uncount(&attempt.pair());
        Self::uncount_wider(&mut tables, attempt);
    }

    fn uncount_wider(tables: &mut Tables, attempt: &Attempt) {
        if let Some(net) = &attempt.net {
            tables.networks.uncount(net);
        }
        tables.accounts.uncount(&attempt.account);
    }
}

#[cfg(test)]
mod tests;
