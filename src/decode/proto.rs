//! The protocols the decoder recognises, named as Wireshark's display filters name them.

use serde::Serialize;

/// A protocol that can appear at some layer of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[repr(u8)]
pub enum Proto {
    /// Ethernet II and 802.3.
    Eth,
    /// 802.1Q VLAN tags (stacked tags count once per frame).
    Vlan,
    /// 802.1ad service tags (the outer tag of QinQ).
    Ieee8021ad,
    /// 802.1ah provider backbone bridging.
    Ieee8021ah,
    /// Linux cooked capture, v1 and v2.
    Sll,
    /// BSD loopback (NULL and LOOP link types).
    Null,
    /// 802.2 LLC.
    Llc,
    /// MPLS label stack.
    Mpls,
    /// PPPoE discovery.
    Pppoed,
    /// PPPoE session.
    Pppoes,
    /// PPP.
    Ppp,
    /// ARP.
    Arp,
    /// IPv4.
    Ip,
    /// IPv6.
    Ipv6,
    /// ICMP.
    Icmp,
    /// ICMPv6.
    Icmpv6,
    /// IGMP.
    Igmp,
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// SCTP.
    Sctp,
    /// IPsec ESP.
    Esp,
    /// IPsec AH.
    Ah,
    /// GRE.
    Gre,
    /// ERSPAN inside GRE.
    Erspan,
    /// VXLAN.
    Vxlan,
    /// Geneve.
    Geneve,
    /// DNS over UDP or TCP port 53.
    Dns,
    /// GTP (GPRS tunnelling).
    Gtp,
    /// Teredo (IPv6 over UDP).
    Teredo,
    /// PIM.
    Pim,
    /// Network Service Header.
    Nsh,
    /// MACsec.
    Macsec,
}

impl Proto {
    /// Every protocol, in report order.
    pub const ALL: [Proto; 32] = [
        Proto::Eth,
        Proto::Vlan,
        Proto::Ieee8021ad,
        Proto::Ieee8021ah,
        Proto::Sll,
        Proto::Null,
        Proto::Llc,
        Proto::Mpls,
        Proto::Pppoed,
        Proto::Pppoes,
        Proto::Ppp,
        Proto::Arp,
        Proto::Ip,
        Proto::Ipv6,
        Proto::Icmp,
        Proto::Icmpv6,
        Proto::Igmp,
        Proto::Tcp,
        Proto::Udp,
        Proto::Sctp,
        Proto::Esp,
        Proto::Ah,
        Proto::Gre,
        Proto::Erspan,
        Proto::Vxlan,
        Proto::Geneve,
        Proto::Dns,
        Proto::Gtp,
        Proto::Teredo,
        Proto::Pim,
        Proto::Nsh,
        Proto::Macsec,
    ];
    /// Number of protocols.
    pub const COUNT: usize = Proto::ALL.len();

    /// Wireshark's display-filter name.
    pub fn name(self) -> &'static str {
        match self {
            Proto::Eth => "eth",
            Proto::Vlan => "vlan",
            Proto::Ieee8021ad => "ieee8021ad",
            Proto::Ieee8021ah => "ieee8021ah",
            Proto::Sll => "sll",
            Proto::Null => "null",
            Proto::Llc => "llc",
            Proto::Mpls => "mpls",
            Proto::Pppoed => "pppoed",
            Proto::Pppoes => "pppoes",
            Proto::Ppp => "ppp",
            Proto::Arp => "arp",
            Proto::Ip => "ip",
            Proto::Ipv6 => "ipv6",
            Proto::Icmp => "icmp",
            Proto::Icmpv6 => "icmpv6",
            Proto::Igmp => "igmp",
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
            Proto::Sctp => "sctp",
            Proto::Esp => "esp",
            Proto::Ah => "ah",
            Proto::Gre => "gre",
            Proto::Erspan => "erspan",
            Proto::Vxlan => "vxlan",
            Proto::Geneve => "geneve",
            Proto::Dns => "dns",
            Proto::Gtp => "gtp",
            Proto::Teredo => "teredo",
            Proto::Pim => "pim",
            Proto::Nsh => "nsh",
            Proto::Macsec => "macsec",
        }
    }

    /// The protocol a Wireshark display-filter name stands for.
    pub fn from_name(name: &str) -> Option<Proto> {
        Proto::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// A set of protocols, one bit each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProtoSet(u64);

impl ProtoSet {
    /// Adds `p`.
    #[inline]
    pub fn insert(&mut self, p: Proto) {
        self.0 |= 1 << p as u8;
    }

    /// Whether `p` is in the set.
    #[inline]
    pub fn contains(self, p: Proto) -> bool {
        self.0 & (1 << p as u8) != 0
    }

    /// The protocols in the set, in [`Proto::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Proto> {
        Proto::ALL.into_iter().filter(move |p| self.contains(*p))
    }

    /// The raw bits, bit `p as u8` for protocol `p`.
    #[inline]
    pub fn bits(self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_bits_are_distinct() {
        let mut set = ProtoSet::default();
        for p in Proto::ALL {
            assert_eq!(Proto::from_name(p.name()), Some(p));
            assert!(!set.contains(p));
            set.insert(p);
        }
        assert_eq!(set.iter().count(), Proto::COUNT);
    }
}
