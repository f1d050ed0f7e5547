//! IP allowlists and the client address behind trusted proxies.

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

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// The address a request came from: the socket's peer, or — when the peer is
/// a trusted proxy — the nearest untrusted hop in `X-Forwarded-For`.
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, trusted: &Networks) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut nearest = peer;
    for hop in header.rsplit(',').map(str::trim) {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(ip) => nearest = ip.to_canonical(),
            Ok(ip) => return ip.to_canonical(),
            // An unreadable hop: trust nothing beyond it.
            Err(_) => return nearest,
        }
    }
    nearest
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
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxies = Networks::parse("10.0.0.1").unwrap();
        let xff = Some("203.0.113.9, 198.51.100.2");
        // Not a trusted peer: the header is ignored.
        assert_eq!(client_ip(ip("192.0.2.1"), xff, &proxies), ip("192.0.2.1"));
        // Trusted peer: the nearest hop it reports.
        assert_eq!(client_ip(ip("10.0.0.1"), xff, &proxies), ip("198.51.100.2"));
        // Chained trusted proxies are skipped.
        let chain = Networks::parse("10.0.0.0/24").unwrap();
        assert_eq!(
            client_ip(ip("10.0.0.1"), Some("198.51.100.2, 10.0.0.5"), &chain),
            ip("198.51.100.2")
        );
        // No header, or garbage: the proxy itself.
        assert_eq!(client_ip(ip("10.0.0.1"), None, &proxies), ip("10.0.0.1"));
        assert_eq!(
            client_ip(ip("10.0.0.1"), Some("nonsense"), &proxies),
            ip("10.0.0.1")
        );
    }
}
