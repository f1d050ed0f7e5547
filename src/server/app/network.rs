//! Lists of IP networks (`10.0.0.0/8, 192.0.2.7, ::1`), shared by the webhook
//! allowlist and the trusted proxies of client-address resolution.

use std::net::IpAddr;

use ipnet::IpNet;

/// A list of networks, parsed from `10.0.0.0/8, 192.0.2.7, ::1`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Networks(Vec<IpNet>);

impl Networks {
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let net = match entry.parse::<IpNet>() {
                Ok(net) => net,
                Err(_) => entry
                    .parse::<IpAddr>()
                    .map(IpNet::from)
                    .map_err(|_| format!("{entry:?} is neither an IP address nor a CIDR"))?,
            };
            nets.push(net);
        }
        if nets.is_empty() {
            return Err("the list is empty".into());
        }
        Ok(Networks(nets))
    }

    /// True when `ip` (an IPv4-mapped IPv6 address counts as IPv4) is in a network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn parses_cidrs_and_plain_addresses() {
        let nets = Networks::parse("10.0.0.0/8, 192.0.2.7,2001:db8::/32").unwrap();
        assert!(nets.contains(ip("10.1.2.3")));
        assert!(nets.contains(ip("192.0.2.7")));
        assert!(!nets.contains(ip("192.0.2.8")));
        assert!(nets.contains(ip("2001:db8::1")));
        // An IPv4 client seen on a dual-stack socket.
        assert!(nets.contains(ip("::ffff:10.9.9.9")));
        assert!(Networks::parse("10.0.0.0/33").is_err());
        assert!(Networks::parse("example.com").is_err());
        assert!(Networks::parse(" , ").is_err());
    }

    #[test]
    fn the_empty_default_contains_nothing() {
        assert!(!Networks::default().contains(ip("127.0.0.1")));
    }
}
