//! Protocol numbers: the values one header uses to say which header follows it.
//!
//! Constants rather than enums, so an unknown value is just a number to match on (it is data, not
//! an error), and a match on them compiles to a jump table.

/// Link-layer header types (LINKTYPE_* values) the decoder understands.
pub mod linktype {
    /// BSD loopback, host byte order.
    pub const NULL: u16 = 0;
    /// Ethernet.
    pub const ETHERNET: u16 = 1;
    /// PPP.
    pub const PPP: u16 = 9;
    /// Raw IP on some BSDs.
    pub const RAW_BSD12: u16 = 12;
    /// Raw IP on OpenBSD.
    pub const RAW_BSD14: u16 = 14;
    /// PPP in HDLC-like framing.
    pub const PPP_HDLC: u16 = 50;
    /// PPPoE sessions without an Ethernet header.
    pub const PPP_ETHER: u16 = 51;
    /// Raw IPv4 or IPv6.
    pub const RAW: u16 = 101;
    /// BSD loopback, network byte order.
    pub const LOOP: u16 = 108;
    /// Linux cooked capture v1.
    pub const LINUX_SLL: u16 = 113;
    /// Raw IPv4.
    pub const IPV4: u16 = 228;
    /// Raw IPv6.
    pub const IPV6: u16 = 229;
    /// Linux cooked capture v2.
    pub const LINUX_SLL2: u16 = 276;

    /// Whether the decoder looks inside frames of this link type.
    pub fn is_decoded(lt: u16) -> bool {
        matches!(
            lt,
            NULL | ETHERNET
                | PPP
                | RAW_BSD12
                | RAW_BSD14
                | PPP_HDLC
                | PPP_ETHER
                | RAW
                | LOOP
                | LINUX_SLL
                | IPV4
                | IPV6
                | LINUX_SLL2
        )
    }

    /// The name libpcap and capinfos give a link type.
    pub fn name(lt: u16) -> &'static str {
        match lt {
            NULL => "null",
            ETHERNET => "ether",
            PPP => "ppp",
            RAW_BSD12 | RAW_BSD14 | RAW => "rawip",
            PPP_HDLC => "ppp_hdlc",
            PPP_ETHER => "pppoes",
            LOOP => "loop",
            LINUX_SLL => "linux-sll",
            IPV4 => "rawip4",
            IPV6 => "rawip6",
            LINUX_SLL2 => "linux-sll2",
            6 => "ieee802_5",
            8 => "slip",
            10 => "fddi",
            104 => "c-hdlc",
            105 => "ieee802_11",
            107 => "frelay",
            119 => "ieee802_11_prism",
            127 => "ieee802_11_radiotap",
            143 => "docsis",
            147..=162 => "user",
            189 => "usb_linux",
            195 => "ieee802_15_4",
            220 => "usb_linux_mmapped",
            231 => "dbus",
            239 => "nflog",
            249 => "usbpcap",
            _ => "other",
        }
    }
}

/// IP protocol numbers the decoder follows.
pub mod ip_proto {
    /// ICMP.
    pub const ICMP: u8 = 1;
    /// IGMP.
    pub const IGMP: u8 = 2;
    /// IPv4 in IP.
    pub const IPIP: u8 = 4;
    /// TCP.
    pub const TCP: u8 = 6;
    /// UDP.
    pub const UDP: u8 = 17;
    /// IPv6 in IP.
    pub const IPV6: u8 = 41;
    /// GRE.
    pub const GRE: u8 = 47;
    /// ESP.
    pub const ESP: u8 = 50;
    /// AH.
    pub const AH: u8 = 51;
    /// ICMPv6.
    pub const ICMPV6: u8 = 58;
    /// PIM.
    pub const PIM: u8 = 103;
    /// SCTP.
    pub const SCTP: u8 = 132;

    /// Short lower-case name, or `None` for numbers without one.
    pub fn name(p: u8) -> Option<&'static str> {
        Some(match p {
            ICMP => "icmp",
            IGMP => "igmp",
            IPIP => "ipip",
            TCP => "tcp",
            UDP => "udp",
            IPV6 => "ipv6",
            GRE => "gre",
            ESP => "esp",
            AH => "ah",
            ICMPV6 => "icmpv6",
            PIM => "pim",
            SCTP => "sctp",
            _ => return None,
        })
    }
}

/// Ethertypes (IEEE 802 numbers) the decoder follows.
pub mod ethertype {
    /// Values up to this are 802.3 lengths, not types.
    pub const MAX_LENGTH: u16 = 1500;
    /// IPv4 (Wireshark's "ip" dissector, which also takes version 6).
    pub const IPV4: u16 = 0x0800;
    /// ARP.
    pub const ARP: u16 = 0x0806;
    /// Transparent Ethernet bridging (Ethernet in GRE).
    pub const TEB: u16 = 0x6558;
    /// Reverse ARP.
    pub const RARP: u16 = 0x8035;
    /// 802.1Q VLAN tag.
    pub const VLAN: u16 = 0x8100;
    /// IPv6.
    pub const IPV6: u16 = 0x86dd;
    /// PPP.
    pub const PPP: u16 = 0x880b;
    /// MPLS unicast.
    pub const MPLS: u16 = 0x8847;
    /// MPLS multicast.
    pub const MPLS_MULTICAST: u16 = 0x8848;
    /// PPPoE discovery.
    pub const PPPOE_DISCOVERY: u16 = 0x8863;
    /// PPPoE session.
    pub const PPPOE_SESSION: u16 = 0x8864;
    /// 802.1ad service tag (QinQ).
    pub const QINQ: u16 = 0x88a8;
    /// ERSPAN type I and II (in GRE).
    pub const ERSPAN2: u16 = 0x88be;
    /// ERSPAN type III (in GRE).
    pub const ERSPAN3: u16 = 0x22eb;
    /// Pre-standard QinQ tags.
    pub const QINQ_OLD: [u16; 3] = [0x9100, 0x9200, 0x9300];
    /// MACsec (802.1AE).
    pub const MACSEC: u16 = 0x88e5;
    /// 802.1ah provider backbone bridging I-TAG.
    pub const PBB: u16 = 0x88e7;
    /// Cisco MetaData (security group tags).
    pub const CISCO_METADATA: u16 = 0x8909;
    /// Cisco VN-Tag.
    pub const VNTAG: u16 = 0x8926;
    /// Network Service Header.
    pub const NSH: u16 = 0x894f;
    /// WCCP redirection (in GRE).
    pub const WCCP: u16 = 0x883e;
}

/// Well-known UDP and TCP ports whose payload the decoder looks into.
pub mod port {
    /// DNS.
    pub const DNS: u16 = 53;
    /// VXLAN.
    pub const VXLAN: u16 = 4789;
    /// Geneve.
    pub const GENEVE: u16 = 6081;
    /// GTP user plane.
    pub const GTP_U: u16 = 2152;
    /// Teredo.
    pub const TEREDO: u16 = 3544;
    /// GRE in UDP.
    pub const GRE: u16 = 4754;
    /// MPLS in UDP.
    pub const MPLS: u16 = 6635;
}

/// PPP protocol field values.
pub mod ppp_protocol {
    /// IPv4.
    pub const IPV4: u16 = 0x0021;
    /// IPv6.
    pub const IPV6: u16 = 0x0057;
    /// MPLS unicast.
    pub const MPLS: u16 = 0x0281;
    /// MPLS multicast.
    pub const MPLS_MULTICAST: u16 = 0x0283;
}

/// Linux ARPHRD_* hardware types, as in a cooked capture's header.
pub mod arphrd {
    /// GRE over IP.
    pub const IPGRE: u16 = 778;
    /// Netlink.
    pub const NETLINK: u16 = 824;
}

/// Linux cooked-capture protocol values that are not ethertypes (those are up to 0x00ff).
pub mod sll_protocol {
    /// Values up to this are Linux's own packet types, not ethertypes.
    pub const MAX_LINUX_TYPE: u16 = 0x00ff;
    /// 802.2 LLC frames.
    pub const LLC: u16 = 0x0004;
}

/// Address families in a BSD loopback header, by operating system.
pub mod loopback_family {
    /// IPv4 everywhere.
    pub const INET: u32 = 2;
    /// IPv6 on Linux, NetBSD, OpenBSD, BSD/OS (10, 24), FreeBSD and DragonFly (28) and macOS (30).
    pub const INET6: [u32; 4] = [10, 24, 28, 30];
}

/// Network Service Header next-protocol values.
pub mod nsh_next {
    /// IPv4.
    pub const IPV4: u8 = 1;
    /// IPv6.
    pub const IPV6: u8 = 2;
    /// Ethernet.
    pub const ETHERNET: u8 = 3;
    /// MPLS.
    pub const MPLS: u8 = 5;
}

/// ICMP (RFC 792) message types.
pub mod icmp_type {
    /// Echo reply.
    pub const ECHO_REPLY: u8 = 0;
    /// Echo request.
    pub const ECHO_REQUEST: u8 = 8;
    /// Error messages, which quote the datagram they are about: destination unreachable, source
    /// quench, redirect, time exceeded, parameter problem.
    pub const ERRORS: [u8; 5] = [3, 4, 5, 11, 12];
}

/// ICMPv6 (RFC 4443, 4861) message types.
pub mod icmpv6_type {
    /// Error messages, which quote the packet they are about: destination unreachable, packet too
    /// big, time exceeded, parameter problem.
    pub const ERRORS: std::ops::RangeInclusive<u8> = 1..=4;
    /// Echo request.
    pub const ECHO_REQUEST: u8 = 128;
    /// Echo reply.
    pub const ECHO_REPLY: u8 = 129;
    /// Redirect, whose options may quote the redirected packet.
    pub const REDIRECT: u8 = 137;
}

/// IPv6 extension headers (next-header values) that other headers follow.
pub mod ipv6_ext_header {
    /// Headers with the common layout (next header, length in 8-octet units beyond the first):
    /// hop-by-hop options, routing, destination options, mobility, HIP, shim6 and the two
    /// experimental values.
    pub const GENERIC: [u8; 8] = [0, 43, 60, 135, 139, 140, 253, 254];
    /// The fragment header.
    pub const FRAGMENT: u8 = 44;
}
