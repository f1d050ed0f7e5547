//! Which addresses count as internal for the SSRF guard — including IPv6
//! addresses that only carry an IPv4 address (transition forms), which are
//! judged by the IPv4 address a connection to them ends up at.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::LazyLock;

use crate::server::app::network::Networks;

/// Networks no destination may reach by default: "this" network, private
/// (RFC 1918), shared (CGNAT), loopback, link-local (cloud metadata),
/// IETF and benchmarking ranges, multicast and reserved; and their IPv6
/// counterparts, with the local-use NAT64 prefix (RFC 8215), whose IPv4
/// part sits where the local operator chose and so cannot be judged.
static INTERNAL: LazyLock<Networks> = LazyLock::new(|| {
    Networks::parse(
        "0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16, 172.16.0.0/12,
         192.0.0.0/24, 192.168.0.0/16, 198.18.0.0/15, 224.0.0.0/4, 240.0.0.0/4,
         ::/128, ::1/128, 64:ff9b:1::/48, 100::/64, fc00::/7, fe80::/10, ff00::/8",
    )
    .expect("the internal networks parse")
});

/// True when `ip`, or the IPv4 address it carries, is internal.
pub fn is_internal(ip: IpAddr) -> bool {
    INTERNAL.contains(ip) || embedded_v4(ip).is_some_and(|v4| INTERNAL.contains(v4.into()))
}

/// The IPv4 address an IPv6 transition address leads to: a NAT64 gateway,
/// a 6to4 or Teredo relay or the host's own stack forwards what is sent to
/// it there, so an internal IPv4 address inside must not pass as public.
fn embedded_v4(ip: IpAddr) -> Option<Ipv4Addr> {
    let IpAddr::V6(v6) = ip else {
        return None;
    };
    let [_, _, a, b, c, d, _, _, _, _, _, _, w, x, y, z] = v6.octets();
    let last = Ipv4Addr::new(w, x, y, z);
    match v6.segments() {
        // IPv4-compatible `::a.b.c.d`, -mapped `::ffff:a.b.c.d` and
        // -translated `::ffff:0:a.b.c.d` (SIIT).
        [0, 0, 0, 0, 0, 0 | 0xffff, _, _] | [0, 0, 0, 0, 0xffff, 0, _, _] => Some(last),
        // NAT64's well-known prefix `64:ff9b::/96` (RFC 6052).
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(last),
        // 6to4: `2002:aabb:ccdd::/48` is the network behind a.b.c.d.
        [0x2002, ..] => Some(Ipv4Addr::new(a, b, c, d)),
        // Teredo `2001:0::/32`: the client's address, bits inverted, last.
        [0x2001, 0, ..] => Some(Ipv4Addr::from(!u32::from(last))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How a transition form writes an IPv4 address.
    type Form = fn(Ipv4Addr) -> String;

    fn internal(s: &str) -> bool {
        is_internal(s.parse().expect("an address"))
    }

    #[test]
    fn transition_forms_are_judged_by_the_ipv4_address_they_carry() {
        // Each form carrying 127.0.0.1, 10.0.0.1 and 169.254.169.254 is
        // internal; the same form carrying 8.8.8.8 is not.
        let forms: [(&str, Form); 6] = [
            ("IPv4-compatible", |v4| format!("::{v4}")),
            ("IPv4-mapped", |v4| format!("::ffff:{v4}")),
            ("IPv4-translated", |v4| format!("::ffff:0:{v4}")),
            ("NAT64", |v4| format!("64:ff9b::{v4}")),
            ("6to4", |v4| {
                let [a, b, c, d] = v4.octets();
                format!("2002:{a:02x}{b:02x}:{c:02x}{d:02x}::1")
            }),
            ("Teredo", |v4| {
                let [a, b, c, d] = (!u32::from(v4)).to_be_bytes();
                format!("2001:0:4136:e378:8000:63bf:{a:02x}{b:02x}:{c:02x}{d:02x}")
            }),
        ];
        for (name, form) in forms {
            for inside in ["127.0.0.1", "10.0.0.1", "169.254.169.254"] {
                let ip = form(inside.parse().unwrap());
                assert!(internal(&ip), "{name} {ip} (carrying {inside}) passed");
            }
            let ip = form("8.8.8.8".parse().unwrap());
            assert!(!internal(&ip), "{name} {ip} (carrying 8.8.8.8) refused");
        }
    }

    #[test]
    fn the_forms_as_written_in_the_report() {
        assert_eq!(
            embedded_v4("::127.0.0.1".parse().unwrap()),
            Some(Ipv4Addr::LOCALHOST)
        );
        assert_eq!(
            embedded_v4("::ffff:0:127.0.0.1".parse().unwrap()),
            Some(Ipv4Addr::LOCALHOST)
        );
        assert_eq!(
            embedded_v4("64:ff9b::7f00:1".parse().unwrap()),
            Some(Ipv4Addr::LOCALHOST)
        );
        assert_eq!(
            embedded_v4("2002:7f00:1::".parse().unwrap()),
            Some(Ipv4Addr::LOCALHOST)
        );
        assert_eq!(
            embedded_v4("2001:0:4136:e378:8000:63bf:80ff:fffe".parse().unwrap()),
            Some(Ipv4Addr::LOCALHOST)
        );
        for ip in [
            "::127.0.0.1",
            "::ffff:0:127.0.0.1",
            "64:ff9b::127.0.0.1",
            "2002:7f00:1::",
            // Local-use NAT64, wherever the IPv4 part sits, public or not.
            "64:ff9b:1::7f00:1",
            "64:ff9b:1:7f00:0:100::",
            "64:ff9b:1::808:808",
        ] {
            assert!(internal(ip), "{ip} passed");
        }
    }

    #[test]
    fn ordinary_addresses_are_judged_as_before() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
        ] {
            assert!(internal(ip), "{ip} passed");
        }
        for ip in ["8.8.8.8", "2001:4860:4860::8888", "2606:4700::1111"] {
            assert!(!internal(ip), "{ip} refused");
        }
    }
}
