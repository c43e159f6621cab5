//! Which addresses are the network's own: the private ranges (RFC 1918, RFC 4193), loopback
//! and link-local, and the networks a user names with `--internal`. Everything else that is a
//! unicast address is outside; multicast and broadcast are neither (no one is on the other end).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// The inside of the network.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Internal {
    /// Networks named by the user, beside the private ranges.
    extra: Vec<Net>,
}

/// One network: an address and a prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Net {
    addr: IpAddr,
    prefix: u8,
}

impl FromStr for Net {
    type Err = String;

    fn from_str(s: &str) -> Result<Net, String> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{s:?} is not an address or a network like 192.0.2.0/24"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|&p| p <= max)
                .ok_or_else(|| format!("{s:?}: the prefix length must be 0 to {max}"))?,
        };
        Ok(Net { addr, prefix })
    }
}

impl Net {
    fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

impl Internal {
    /// The private ranges and `extra`.
    pub fn new(extra: Vec<Net>) -> Internal {
        Internal { extra }
    }

    /// Whether `ip` is one of the network's own addresses.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let own = match ip {
            IpAddr::V4(a) => a.is_private() || a.is_loopback() || a.is_link_local(),
            IpAddr::V6(a) => {
                let first = a.segments()[0];
                a.is_loopback()
                    || first & 0xfe00 == 0xfc00 // unique local, RFC 4193
                    || first & 0xffc0 == 0xfe80 // link-local
                    || a.to_ipv4_mapped().is_some_and(|v4| self.contains(IpAddr::V4(v4)))
            }
        };
        own || self.extra.iter().any(|n| n.contains(ip))
    }

    /// Whether `ip` is a unicast address outside the network.
    pub fn is_outside(&self, ip: IpAddr) -> bool {
        !self.contains(ip) && is_unicast(ip)
    }
}

/// Whether anyone in particular is at `ip`: not multicast, broadcast or unspecified.
pub fn is_unicast(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => !(a.is_multicast() || a.is_broadcast() || a == Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(a) => !(a.is_multicast() || a == Ipv6Addr::UNSPECIFIED),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    #[test]
    fn private_ranges_and_named_networks_are_inside() {
        let inside = Internal::new(vec!["198.51.100.0/24".parse().expect("test value")]);
        for a in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.9.9",
            "fd00::1",
            "fe80::1",
        ] {
            assert!(inside.contains(ip(a)), "{a}");
        }
        assert!(inside.contains(ip("198.51.100.77")));
        assert!(!inside.contains(ip("198.51.101.1")));
        assert!(inside.is_outside(ip("203.0.113.9")));
        assert!(inside.is_outside(ip("2001:db8::1")));
        for a in ["224.0.0.251", "255.255.255.255", "ff02::fb", "0.0.0.0"] {
            assert!(!inside.is_outside(ip(a)), "{a}");
        }
    }

    #[test]
    fn networks_parse_or_say_why_not() {
        assert_eq!(
            "2001:db8::/32".parse::<Net>().expect("test value").prefix,
            32,
            "an IPv6 network"
        );
        assert_eq!("192.0.2.7".parse::<Net>().expect("test value").prefix, 32);
        assert!("192.0.2.0/33"
            .parse::<Net>()
            .expect_err("invalid")
            .contains("0 to 32"));
        assert!("example".parse::<Net>().is_err());
        assert!("0.0.0.0/0"
            .parse::<Net>()
            .expect("test value")
            .contains(ip("8.8.8.8")));
    }
}
