//! What a sign-in attempt is counted against: the account name, capped and
//! folded so variants share one record, and the client's network, so an IPv6
//! client cannot dodge its record by hopping between its own addresses.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

use crate::server::http::auth::password::capped_username;

/// A client's network: an IPv4 address, or an IPv6 /64 (what one host or
/// one customer usually holds; IPv4-mapped IPv6 counts as the IPv4 address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Net(IpAddr);

impl Net {
    pub fn of(ip: IpAddr) -> Net {
        match ip {
            IpAddr::V4(v4) => Net(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Net(IpAddr::V4(v4)),
                None => Net(IpAddr::V6(Ipv6Addr::from(
                    u128::from(v6) & !u128::from(u64::MAX),
                ))),
            },
        }
    }
}

impl fmt::Display for Net {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

/// The account key: trimmed, at most `MAX_USERNAME_CHARS` characters (so a
/// megabyte of username never becomes a map key), lower-cased.
pub fn account(username: &str) -> String {
    capped_username(username).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::http::auth::password::MAX_USERNAME_CHARS;

    fn net(ip: &str) -> Net {
        Net::of(ip.parse().expect("a test address"))
    }

    #[test]
    fn ipv6_addresses_are_grouped_by_64_and_ipv4_stays_whole() {
        assert_eq!(net("2001:db8:1:2::1"), net("2001:db8:1:2:ffff:ee:dd:cc"));
        assert_ne!(net("2001:db8:1:2::1"), net("2001:db8:1:3::1"));
        assert_eq!(net("2001:db8:1:2::1").to_string(), "2001:db8:1:2::/64");
        assert_ne!(net("192.0.2.1"), net("192.0.2.2"));
        assert_eq!(net("::ffff:192.0.2.1"), net("192.0.2.1"));
        assert_eq!(net("::ffff:192.0.2.1").to_string(), "192.0.2.1");
    }

    #[test]
    fn account_keys_are_trimmed_folded_and_capped() {
        assert_eq!(account("  Admin "), "admin");
        let long = "É".repeat(100_000);
        let key = account(&long);
        assert_eq!(key.chars().count(), MAX_USERNAME_CHARS);
        assert_eq!(key, "é".repeat(MAX_USERNAME_CHARS));
    }
}
