//! One captured frame to the layers in it, laxly, the way Wireshark dissects it.
//!
//! [`decode`] walks link, network, transport and tunnel headers and fills a [`Frame`]: the set of
//! protocols present at any layer (so an ICMP error quoting a UDP header counts for `udp`, as in
//! `tshark -Y udp`), and the outermost IP header with its transport header, which is what flows,
//! conversations and talkers are keyed on. A header cut short or malformed stops the walk and is
//! recorded in [`Frame::stop`]; it is data to count, never an error. Nothing is allocated.

mod proto;
mod wire;

pub use proto::{Proto, ProtoSet};
use wire::{be16, be32};

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

/// The layer at which decoding stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// The link-layer header (Ethernet, SLL, VLAN, loopback, PPP, MPLS).
    Link,
    /// The IPv4/IPv6/ARP header.
    Network,
    /// The TCP/UDP/ICMP header.
    Transport,
    /// A tunnel header (GRE, VXLAN, Geneve).
    Tunnel,
}

impl Layer {
    /// All layers, in report order.
    pub const ALL: [Layer; 4] = [Layer::Link, Layer::Network, Layer::Transport, Layer::Tunnel];

    /// Lower-case name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Link => "link",
            Layer::Network => "network",
            Layer::Transport => "transport",
            Layer::Tunnel => "tunnel",
        }
    }
}

/// TCP flag bits as they sit in the header's flags byte, plus NS as bit 8.
pub mod tcp_flags {
    /// FIN.
    pub const FIN: u16 = 0x001;
    /// SYN.
    pub const SYN: u16 = 0x002;
    /// RST.
    pub const RST: u16 = 0x004;
    /// PSH.
    pub const PSH: u16 = 0x008;
    /// ACK.
    pub const ACK: u16 = 0x010;
    /// URG.
    pub const URG: u16 = 0x020;
    /// ECE.
    pub const ECE: u16 = 0x040;
    /// CWR.
    pub const CWR: u16 = 0x080;
    /// NS (ECN nonce).
    pub const NS: u16 = 0x100;
    /// Names in bit order, as in reports.
    pub const NAMES: [&str; 9] = ["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns"];
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

/// An IP address as 128 bits: IPv6 as it is, IPv4 in its IPv4-mapped form.
pub type Addr = u128;

/// Turns an [`Addr`] of IP version `version` into a std address.
pub fn to_ip(version: u8, addr: Addr) -> std::net::IpAddr {
    let v6 = std::net::Ipv6Addr::from(addr);
    match (version, v6.to_ipv4_mapped()) {
        (4, Some(v4)) => std::net::IpAddr::V4(v4),
        _ => std::net::IpAddr::V6(v6),
    }
}

#[inline]
fn v4_addr(b: &[u8]) -> Addr {
    0xffff_0000_0000 | u128::from(be32(b, 0))
}

#[inline]
fn v6_addr(b: &[u8]) -> Addr {
    let mut a = [0u8; 16];
    a.copy_from_slice(&b[..16]);
    u128::from_be_bytes(a)
}

/// One IP header and the transport header directly inside it: what a flow is keyed on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flow {
    /// IP version (0: no IP header).
    pub ip_version: u8,
    /// Source address.
    pub src: Addr,
    /// Destination address.
    pub dst: Addr,
    /// Datagram length from the IP header (IPv6: payload length + 40).
    pub ip_len: u32,
    /// Transport protocol, after IPv6 extension headers.
    pub ip_proto: u8,
    /// The datagram is a fragment that does not carry the transport header.
    pub later_fragment: bool,
    /// The transport header (TCP, UDP, ICMP, ICMPv6, SCTP) was read whole, so the fields below
    /// are valid.
    pub has_transport: bool,
    /// Source port (ICMP: type).
    pub sport: u16,
    /// Destination port (ICMP: code).
    pub dport: u16,
    /// TCP flags ([`tcp_flags`]).
    pub tcp_flags: u16,
    /// TCP window field.
    pub tcp_window: u16,
    /// TCP sequence number.
    pub tcp_seq: u32,
    /// Transport payload length by the headers' own lengths (not the captured bytes).
    pub payload_len: u32,
    /// ICMP/ICMPv6 echo identifier.
    pub icmp_id: u16,
    /// ICMP/ICMPv6 echo sequence number.
    pub icmp_seq: u16,
}

impl Flow {
    /// The ICMP type, when the transport is ICMP or ICMPv6.
    pub fn icmp_type(&self) -> Option<u8> {
        (self.has_transport && matches!(self.ip_proto, ip_proto::ICMP | ip_proto::ICMPV6))
            .then_some(self.sport as u8)
    }
}

/// What the decoder found in one frame.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Frame {
    /// Every protocol present at any layer.
    pub protos: ProtoSet,
    /// Where decoding stopped on a header cut short or malformed.
    pub stop: Option<Layer>,
    /// The outermost IP header and its transport.
    pub outer: Flow,
    /// The innermost IP header inside a tunnel and its transport (`ip_version` 0 when the frame
    /// is not tunnelled). ICMP error quotes are never flows.
    pub inner: Flow,
    /// Every IP header outside ICMP error quotes, outermost first (tunnels add inner ones):
    /// what `tshark -z conv,ip` and `-z endpoints,ip` count.
    pub ip_layers: [IpLayer; MAX_IP_LAYERS],
    /// How many of `ip_layers` are filled.
    pub ip_layer_count: u8,
    /// A whole fragment of an IP datagram, to reassemble.
    pub fragment: Option<FragmentInfo>,
}

/// How many IP headers per frame are kept for conversations.
pub const MAX_IP_LAYERS: usize = 3;

/// One IP header's addresses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IpLayer {
    /// 4 or 6.
    pub version: u8,
    /// Source address.
    pub src: Addr,
    /// Destination address.
    pub dst: Addr,
}

impl Frame {
    /// The IP headers conversations count, outermost first.
    pub fn ip_layers(&self) -> &[IpLayer] {
        &self.ip_layers[..usize::from(self.ip_layer_count)]
    }

    /// The flows this frame belongs to: the outer one, and the tunnelled one when there is one.
    pub fn flows(&self) -> impl Iterator<Item = &Flow> {
        [&self.outer, &self.inner]
            .into_iter()
            .filter(|f| f.ip_version != 0)
    }

    /// The innermost flow: the tunnelled one if any, else the outer one.
    pub fn innermost(&self) -> &Flow {
        if self.inner.ip_version != 0 {
            &self.inner
        } else {
            &self.outer
        }
    }
}

/// Which of a frame's flows a header's fields go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Outer,
    Inner,
    /// Inside an ICMP error quote: counted as protocols only.
    Quoted,
}

/// Where an IP datagram sits in a fragmented one.
#[derive(Debug, Clone, Copy, Default)]
struct Fragment {
    /// Not the first fragment (offset > 0).
    later: bool,
    /// More fragments follow.
    more: bool,
    /// Offset of this fragment's data in the datagram, bytes.
    offset: u32,
    /// The datagram's identification.
    id: u32,
}

/// A fragment captured whole, for reassembly: the datagram it belongs to and where its data
/// lies in the frame.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FragmentInfo {
    /// IP version.
    pub version: u8,
    /// Source address.
    pub src: Addr,
    /// Destination address.
    pub dst: Addr,
    /// Identification (IPv4: 16 bits; IPv6: the fragment header's 32 bits).
    pub id: u32,
    /// Transport protocol of the datagram.
    pub proto: u8,
    /// Offset of this fragment's data in the datagram.
    pub offset: u32,
    /// More fragments follow.
    pub more: bool,
    /// Where the fragment's data starts in the frame.
    pub data_start: u32,
    /// How many bytes of data it carries.
    pub data_len: u32,
}

/// Tunnels nest; a frame crafted to nest forever stops here.
const MAX_DEPTH: u8 = 100;

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_ARP: u16 = 0x0806;
const ETHERTYPE_TEB: u16 = 0x6558;
const ETHERTYPE_RARP: u16 = 0x8035;
const ETHERTYPE_VLAN: u16 = 0x8100;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const ETHERTYPE_PPP: u16 = 0x880b;
const ETHERTYPE_MPLS: u16 = 0x8847;
const ETHERTYPE_MPLS_MC: u16 = 0x8848;
const ETHERTYPE_PPPOED: u16 = 0x8863;
const ETHERTYPE_PPPOES: u16 = 0x8864;
const ETHERTYPE_QINQ: u16 = 0x88a8;
const ETHERTYPE_ERSPAN2: u16 = 0x88be;
const ETHERTYPE_ERSPAN3: u16 = 0x22eb;
const ETHERTYPE_QINQ_OLD: [u16; 3] = [0x9100, 0x9200, 0x9300];
const ETHERTYPE_MACSEC: u16 = 0x88e5;
const ETHERTYPE_PBB: u16 = 0x88e7;
const ETHERTYPE_CISCO_METADATA: u16 = 0x8909;
const ETHERTYPE_VNTAG: u16 = 0x8926;
const ETHERTYPE_NSH: u16 = 0x894f;
const ETHERTYPE_WCCP: u16 = 0x883e;

const UDP_PORT_DNS: u16 = 53;
const UDP_PORT_VXLAN: u16 = 4789;
const UDP_PORT_GENEVE: u16 = 6081;
const UDP_PORT_GTP_U: u16 = 2152;
const UDP_PORT_TEREDO: u16 = 3544;
const UDP_PORT_GRE: u16 = 4754;
const UDP_PORT_MPLS: u16 = 6635;

/// Decodes one frame of link type `linktype`. `data` is the captured bytes; `origlen` the length
/// on the wire.
#[inline]
pub fn decode(linktype: u16, data: &[u8]) -> Frame {
    let mut frame = Frame::default();
    decode_into(&mut frame, linktype, data);
    frame
}

/// [`decode`] into a frame the caller reuses, which saves clearing and copying a few hundred
/// bytes per frame on the hot path. Fields of a flow whose `ip_version` is 0 are stale.
#[inline]
pub fn decode_into(frame: &mut Frame, linktype: u16, data: &[u8]) {
    frame.protos = ProtoSet::default();
    frame.stop = None;
    // Whole flows, not only their IP versions: a frame without IP must not show the transport
    // of the frame decoded before it.
    frame.outer = Flow::default();
    frame.inner = Flow::default();
    frame.ip_layer_count = 0;
    frame.fragment = None;
    let mut d = Decoder {
        frame,
        depth: 0,
        ip_version: 0,
        in_error: false,
        base: data.as_ptr() as usize,
    };
    d.link(linktype, data);
}

/// Decodes a reassembled IP datagram's payload: the protocols inside it, its flow (outer: the
/// datagram's own addresses and transport) and any IP headers tunnelled in it.
pub fn decode_datagram(version: u8, src: Addr, dst: Addr, proto: u8, payload: &[u8]) -> Frame {
    let mut ip_layers = [IpLayer::default(); MAX_IP_LAYERS];
    ip_layers[0] = IpLayer { version, src, dst };
    let mut frame = Frame {
        outer: Flow {
            ip_version: version,
            src,
            dst,
            ip_len: payload.len() as u32 + if version == 6 { 40 } else { 20 },
            ip_proto: proto,
            ..Flow::default()
        },
        ip_layers,
        ip_layer_count: 1,
        ..Frame::default()
    };
    let mut d = Decoder {
        frame: &mut frame,
        depth: 0,
        ip_version: version,
        in_error: false,
        base: payload.as_ptr() as usize,
    };
    d.after_ip(
        proto,
        payload,
        payload.len() as u32,
        Fragment::default(),
        Slot::Outer,
    );
    frame
}

struct Decoder<'f> {
    frame: &'f mut Frame,
    depth: u8,
    /// Version of the IP header whose payload is being decoded.
    ip_version: u8,
    /// Inside the datagram an ICMP error quotes: protocols count, flow fields stay untouched.
    in_error: bool,
    /// Address of the frame's first byte, to place fragments' data.
    base: usize,
}

impl Decoder<'_> {
    #[inline]
    fn mark(&mut self, p: Proto) {
        self.frame.protos.insert(p);
    }

    #[inline]
    fn stop(&mut self, layer: Layer) {
        if self.frame.stop.is_none() {
            self.frame.stop = Some(layer);
        }
    }

    fn link(&mut self, linktype: u16, b: &[u8]) {
        match linktype {
            linktype::ETHERNET => self.ethernet(b),
            linktype::RAW | linktype::RAW_BSD12 | linktype::RAW_BSD14 => self.raw_ip(b),
            linktype::IPV4 => self.ipv4(b),
            linktype::IPV6 => self.ipv6(b),
            linktype::LINUX_SLL => self.sll(b),
            linktype::LINUX_SLL2 => self.sll2(b),
            linktype::NULL => self.null(b, false),
            linktype::LOOP => self.null(b, true),
            linktype::PPP | linktype::PPP_HDLC => self.ppp(b),
            linktype::PPP_ETHER => self.pppoe_session(b),
            _ => {}
        }
    }

    fn ethernet(&mut self, b: &[u8]) {
        self.mark(Proto::Eth);
        if b.len() < 14 {
            return self.stop(Layer::Link);
        }
        let type_or_len = be16(b, 12);
        if type_or_len <= 1500 {
            // 802.3 with a length field: LLC follows, or Novell's raw 802.3 (IPX).
            let len = usize::from(type_or_len).min(b.len() - 14);
            let payload = &b[14..14 + len];
            if payload.len() >= 2 && payload[0] == 0xff && payload[1] == 0xff {
                return;
            }
            self.llc(payload)
        } else {
            self.ethertype(type_or_len, &b[14..])
        }
    }

    fn llc(&mut self, b: &[u8]) {
        self.mark(Proto::Llc);
        if b.len() < 3 {
            return self.stop(Layer::Link);
        }
        // SNAP: DSAP/SSAP 0xAA, UI, then an OUI and an ethertype.
        if b[0] == 0xaa && b[1] == 0xaa {
            if b.len() < 8 {
                return self.stop(Layer::Link);
            }
            let oui = u32::from(b[3]) << 16 | u32::from(b[4]) << 8 | u32::from(b[5]);
            if oui == 0 {
                self.ethertype(be16(b, 6), &b[8..]);
            }
        }
    }

    fn ethertype(&mut self, ethertype: u16, b: &[u8]) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        match ethertype {
            ETHERTYPE_IPV4 => self.ip_by_version(b),
            ETHERTYPE_IPV6 => self.ipv6(b),
            ETHERTYPE_ARP | ETHERTYPE_RARP => self.arp(b),
            ETHERTYPE_QINQ => {
                self.mark(Proto::Ieee8021ad);
                self.vlan_tag(b);
            }
            ETHERTYPE_VLAN => self.vlan(b),
            t if ETHERTYPE_QINQ_OLD.contains(&t) => self.vlan(b),
            ETHERTYPE_MPLS | ETHERTYPE_MPLS_MC => self.mpls(b),
            ETHERTYPE_PPPOED => self.mark(Proto::Pppoed),
            ETHERTYPE_PPPOES => self.pppoe_session(b),
            ETHERTYPE_TEB => self.ethernet(b),
            ETHERTYPE_PPP => self.ppp(b),
            ETHERTYPE_PBB => {
                // The I-TAG, the customer's addresses, then the customer's ethertype.
                self.mark(Proto::Ieee8021ah);
                if b.len() < 18 {
                    return self.stop(Layer::Link);
                }
                self.ethertype(be16(b, 16), &b[18..]);
            }
            ETHERTYPE_VNTAG => {
                if b.len() < 6 {
                    return self.stop(Layer::Link);
                }
                self.ethertype(be16(b, 4), &b[6..]);
            }
            ETHERTYPE_CISCO_METADATA => {
                if b.len() < 8 {
                    return self.stop(Layer::Link);
                }
                self.ethertype(be16(b, 6), &b[8..]);
            }
            ETHERTYPE_NSH => self.nsh(b),
            ETHERTYPE_MACSEC => self.macsec(b),
            _ => {}
        }
    }

    fn nsh(&mut self, b: &[u8]) {
        self.mark(Proto::Nsh);
        if b.len() < 8 {
            return self.stop(Layer::Tunnel);
        }
        let len = usize::from(b[1] & 0x3f) * 4;
        if len < 8 || b.len() < len {
            return self.stop(Layer::Tunnel);
        }
        let payload = &b[len..];
        match b[3] {
            1 => self.ipv4(payload),
            2 => self.ipv6(payload),
            3 => self.ethernet(payload),
            5 => self.mpls(payload),
            _ => {}
        }
    }

    /// MACsec: only integrity-protected (unencrypted, unmodified) payloads can be followed.
    fn macsec(&mut self, b: &[u8]) {
        self.mark(Proto::Macsec);
        const ICV_LEN: usize = 16;
        if b.len() < 6 {
            return self.stop(Layer::Link);
        }
        let tci = b[0];
        let sectag = if tci & 0x20 != 0 { 14 } else { 6 };
        let encrypted_or_changed = tci & 0x0c != 0;
        if encrypted_or_changed {
            return;
        }
        if b.len() < sectag + 2 + ICV_LEN {
            return self.stop(Layer::Link);
        }
        let end = b.len() - ICV_LEN;
        self.ethertype(be16(b, sectag), &b[sectag + 2..end]);
    }

    fn vlan(&mut self, b: &[u8]) {
        self.mark(Proto::Vlan);
        self.vlan_tag(b);
    }

    fn vlan_tag(&mut self, b: &[u8]) {
        if b.len() < 4 {
            return self.stop(Layer::Link);
        }
        let type_or_len = be16(b, 2);
        if type_or_len <= 1500 {
            let len = usize::from(type_or_len).min(b.len() - 4);
            self.llc(&b[4..4 + len]);
        } else {
            self.ethertype(type_or_len, &b[4..]);
        }
    }

    fn mpls(&mut self, b: &[u8]) {
        self.mark(Proto::Mpls);
        let mut at = 0;
        loop {
            if b.len() < at + 4 {
                return self.stop(Layer::Link);
            }
            let bottom = b[at + 2] & 1 != 0;
            at += 4;
            if bottom {
                break;
            }
        }
        let payload = &b[at..];
        let Some(&first) = payload.first() else {
            return;
        };
        match first >> 4 {
            4 => self.ipv4(payload),
            6 => self.ipv6(payload),
            // A pseudowire control word, then Ethernet.
            0 if payload.len() >= 4 => self.ethernet(&payload[4..]),
            _ => self.ethernet(payload),
        }
    }

    fn pppoe_session(&mut self, b: &[u8]) {
        self.mark(Proto::Pppoes);
        if b.len() < 6 {
            return self.stop(Layer::Link);
        }
        let len = usize::from(be16(b, 4)).min(b.len() - 6);
        self.ppp(&b[6..6 + len]);
    }

    fn ppp(&mut self, b: &[u8]) {
        self.mark(Proto::Ppp);
        let mut b = b;
        if b.len() >= 2 && b[0] == 0xff && b[1] == 0x03 {
            b = &b[2..];
        }
        let Some(&first) = b.first() else {
            return self.stop(Layer::Link);
        };
        // Protocol-field compression: a one-byte protocol is odd.
        let (protocol, rest) = if first & 1 == 1 {
            (u16::from(first), &b[1..])
        } else if b.len() >= 2 {
            (be16(b, 0), &b[2..])
        } else {
            return self.stop(Layer::Link);
        };
        match protocol {
            0x0021 => self.ipv4(rest),
            0x0057 => self.ipv6(rest),
            0x0281 | 0x0283 => self.mpls(rest),
            _ => {}
        }
    }

    fn sll(&mut self, b: &[u8]) {
        self.mark(Proto::Sll);
        if b.len() < 16 {
            return self.stop(Layer::Link);
        }
        self.sll_payload(be16(b, 2), be16(b, 14), &b[16..]);
    }

    fn sll2(&mut self, b: &[u8]) {
        self.mark(Proto::Sll);
        if b.len() < 20 {
            return self.stop(Layer::Link);
        }
        self.sll_payload(be16(b, 8), be16(b, 0), &b[20..]);
    }

    fn sll_payload(&mut self, hatype: u16, protocol: u16, b: &[u8]) {
        const ARPHRD_IPGRE: u16 = 778;
        const ARPHRD_NETLINK: u16 = 824;
        match (hatype, protocol) {
            (ARPHRD_NETLINK, _) => {}
            (ARPHRD_IPGRE, p) => self.ethertype(p, b),
            (_, 0x0004) => self.llc(b),
            (_, p) if p <= 0x00ff => {}
            (_, p) => self.ethertype(p, b),
        }
    }

    fn null(&mut self, b: &[u8], network_order: bool) {
        self.mark(Proto::Null);
        if b.len() < 4 {
            return self.stop(Layer::Link);
        }
        let mut family = if network_order {
            be32(b, 0)
        } else {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        };
        // Wireshark's rule: the family is small, so high bits mean the other byte order, and a
        // value too big for a family is an Ethernet type from an old capture.
        if !network_order && family & 0xffff_0000 != 0 {
            family = family.swap_bytes();
        }
        if family > 1500 && !network_order {
            return self.ethertype(family as u16, &b[4..]);
        }
        match family {
            2 => self.ipv4(&b[4..]),
            10 | 24 | 28 | 30 => self.ipv6(&b[4..]),
            _ => {}
        }
    }

    fn raw_ip(&mut self, b: &[u8]) {
        match b.first().map(|v| v >> 4) {
            Some(4) => self.ipv4(b),
            Some(6) => self.ipv6(b),
            _ => self.stop(Layer::Network),
        }
    }

    /// Ethertype 0x0800 goes to Wireshark's "ip" dissector, which hands version 6 to IPv6.
    fn ip_by_version(&mut self, b: &[u8]) {
        if b.first().map(|v| v >> 4) == Some(6) {
            self.mark(Proto::Ip);
            return self.ipv6(b);
        }
        self.ipv4(b)
    }

    fn arp(&mut self, b: &[u8]) {
        self.mark(Proto::Arp);
        if b.len() < 8 {
            self.stop(Layer::Network);
        }
    }

    fn ipv4(&mut self, b: &[u8]) {
        self.mark(Proto::Ip);
        if b.len() < 20 {
            return self.stop(Layer::Network);
        }
        let ihl = usize::from(b[0] & 0x0f) * 4;
        if b[0] >> 4 != 4 || ihl < 20 {
            return self.stop(Layer::Network);
        }
        let mut total = usize::from(be16(b, 2));
        if total == 0 {
            // TCP segmentation offload: the length field is left zero.
            total = b.len();
        }
        if total < ihl {
            return self.stop(Layer::Network);
        }
        if b.len() < ihl {
            return self.stop(Layer::Network);
        }
        let frag = be16(b, 6);
        let more_fragments = frag & 0x2000 != 0;
        let offset = frag & 0x1fff;
        let protocol = b[9];
        let (src, dst) = (v4_addr(&b[12..]), v4_addr(&b[16..]));
        let slot = self.claim_network(4, src, dst);
        if let Some(f) = self.flow(slot) {
            f.ip_len = total as u32;
            f.ip_proto = protocol;
            f.later_fragment = offset != 0;
        }
        let payload = &b[ihl..total.min(b.len())];
        let reported = (total - ihl) as u32;
        let fragment = Fragment {
            later: offset != 0,
            more: more_fragments,
            offset: u32::from(offset) * 8,
            id: u32::from(be16(b, 4)),
        };
        self.ip_version = 4;
        self.after_ip(protocol, payload, reported, fragment, slot);
    }

    fn ipv6(&mut self, b: &[u8]) {
        // Wireshark's IPv6 dissector refuses a header whose version is not 6 (the frame shows
        // as data); an empty one it takes and reports malformed.
        if b.first().is_some_and(|v| v >> 4 != 6) {
            return self.stop(Layer::Network);
        }
        self.mark(Proto::Ipv6);
        if b.len() < 40 {
            return self.stop(Layer::Network);
        }
        let mut payload_len = usize::from(be16(b, 4));
        if payload_len == 0 {
            // A jumbogram or segmentation offload (BIG TCP): the length is the frame's.
            payload_len = b.len() - 40;
        }
        let (src, dst) = (v6_addr(&b[8..]), v6_addr(&b[24..]));
        let slot = self.claim_network(6, src, dst);
        if let Some(f) = self.flow(slot) {
            f.ip_len = payload_len as u32 + 40;
        }
        let end = (40 + payload_len).min(b.len());
        let mut next = b[6];
        let mut at = 40;
        let mut reported = payload_len;
        let mut fragment = Fragment::default();
        // Extension headers, each bounded by the captured bytes.
        loop {
            match next {
                0 | 43 | 60 | 135 | 139 | 140 | 253 | 254 => {
                    if end < at + 2 {
                        return self.stop(Layer::Network);
                    }
                    let len = (usize::from(b[at + 1]) + 1) * 8;
                    next = b[at];
                    at += len;
                    reported = reported.saturating_sub(len);
                }
                44 => {
                    if end < at + 8 {
                        return self.stop(Layer::Network);
                    }
                    let off = be16(b, at + 2);
                    fragment = Fragment {
                        later: off >> 3 != 0,
                        more: off & 1 != 0,
                        offset: u32::from(off >> 3) * 8,
                        id: be32(b, at + 4),
                    };
                    next = b[at];
                    at += 8;
                    reported = reported.saturating_sub(8);
                }
                ip_proto::AH => {
                    self.mark(Proto::Ah);
                    if end < at + 2 {
                        return self.stop(Layer::Network);
                    }
                    let len = (usize::from(b[at + 1]) + 2) * 4;
                    next = b[at];
                    at += len;
                    reported = reported.saturating_sub(len);
                }
                _ => break,
            }
            if at > end {
                return self.stop(Layer::Network);
            }
        }
        if let Some(f) = self.flow(slot) {
            f.ip_proto = next;
            f.later_fragment = fragment.later;
        }
        self.ip_version = 6;
        self.after_ip(next, &b[at..end], reported as u32, fragment, slot);
    }

    /// Records an IP header for conversations and says which flow its fields go to.
    #[inline]
    fn claim_network(&mut self, version: u8, src: Addr, dst: Addr) -> Slot {
        if self.in_error {
            return Slot::Quoted;
        }
        let f = &mut *self.frame;
        if let Some(layer) = f.ip_layers.get_mut(usize::from(f.ip_layer_count)) {
            *layer = IpLayer { version, src, dst };
            f.ip_layer_count += 1;
        }
        let fresh = Flow {
            ip_version: version,
            src,
            dst,
            ..Flow::default()
        };
        if f.outer.ip_version == 0 {
            f.outer = fresh;
            Slot::Outer
        } else {
            f.inner = fresh;
            Slot::Inner
        }
    }

    #[inline]
    fn flow(&mut self, slot: Slot) -> Option<&mut Flow> {
        match slot {
            Slot::Outer => Some(&mut self.frame.outer),
            Slot::Inner => Some(&mut self.frame.inner),
            Slot::Quoted => None,
        }
    }

    /// Dispatches an IP payload. Fragments follow Wireshark's defaults: a fragment captured whole
    /// goes to reassembly, and its datagram's transport header is dissected in the frame that
    /// completes it (taken here to be the last fragment); a fragment cut short by the snapshot
    /// length is not reassembled, so the first one is dissected as it is and the others not.
    fn after_ip(
        &mut self,
        protocol: u8,
        payload: &[u8],
        reported: u32,
        fragment: Fragment,
        slot: Slot,
    ) {
        if fragment.later || fragment.more {
            let whole = payload.len() as u32 >= reported;
            if whole {
                // Reassembly (in record order, in `analyze`) dissects the datagram's transport
                // in the frame that completes it.
                self.note_fragment(protocol, payload, fragment, slot);
                return;
            }
            if fragment.later {
                return;
            }
        }
        if reported == 0 {
            return;
        }
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        match protocol {
            ip_proto::TCP => self.tcp(payload, reported, slot),
            ip_proto::UDP => self.udp(payload, reported, slot),
            ip_proto::ICMP => self.icmp(payload, reported, slot, false),
            ip_proto::ICMPV6 => self.icmp(payload, reported, slot, true),
            ip_proto::IGMP => self.mark(Proto::Igmp),
            ip_proto::SCTP => self.sctp(payload, reported, slot),
            ip_proto::ESP => self.mark(Proto::Esp),
            ip_proto::AH => self.ah(payload, reported, slot),
            ip_proto::IPIP => self.ipv4(payload),
            ip_proto::IPV6 => self.ipv6(payload),
            ip_proto::GRE => self.gre(payload),
            ip_proto::PIM => self.pim(payload),
            _ => {}
        }
    }

    fn pim(&mut self, b: &[u8]) {
        self.mark(Proto::Pim);
        // PIMv2 Register: 4-byte header, 4 bytes of flags, then the registered datagram.
        if b.len() >= 8 && b[0] == 0x21 {
            match b[8..].first().map(|v| v >> 4) {
                Some(4) => self.ipv4(&b[8..]),
                Some(6) => self.ipv6(&b[8..]),
                _ => {}
            }
        }
    }

    fn note_fragment(&mut self, protocol: u8, payload: &[u8], fragment: Fragment, slot: Slot) {
        let Some(ip) = self.flow(slot).copied() else {
            return;
        };
        if self.frame.fragment.is_some() {
            return;
        }
        let start = (payload.as_ptr() as usize).saturating_sub(self.base);
        self.frame.fragment = Some(FragmentInfo {
            version: ip.ip_version,
            src: ip.src,
            dst: ip.dst,
            id: fragment.id,
            proto: protocol,
            offset: fragment.offset,
            more: fragment.more,
            data_start: start as u32,
            data_len: payload.len() as u32,
        });
    }

    fn ah(&mut self, b: &[u8], reported: u32, slot: Slot) {
        self.mark(Proto::Ah);
        if b.len() < 12 {
            return self.stop(Layer::Network);
        }
        let len = (usize::from(b[1]) + 2) * 4;
        if b.len() < len {
            return self.stop(Layer::Network);
        }
        if let Some(f) = self.flow(slot) {
            f.ip_proto = b[0];
        }
        self.after_ip(
            b[0],
            &b[len..],
            reported.saturating_sub(len as u32),
            Fragment::default(),
            slot,
        );
    }

    fn tcp(&mut self, b: &[u8], reported: u32, slot: Slot) {
        self.mark(Proto::Tcp);
        if b.len() < 20 {
            return self.stop(Layer::Transport);
        }
        let header_len = usize::from(b[12] >> 4) * 4;
        if header_len < 20 || header_len as u32 > reported {
            return self.stop(Layer::Transport);
        }
        let sport = be16(b, 0);
        let dport = be16(b, 2);
        let payload_len = reported - header_len as u32;
        if let Some(f) = self.flow(slot) {
            f.has_transport = true;
            f.sport = sport;
            f.dport = dport;
            f.tcp_flags = u16::from(b[13]) | (u16::from(b[12] & 1) << 8);
            f.tcp_window = be16(b, 14);
            f.tcp_seq = be32(b, 4);
            f.payload_len = payload_len;
        }
        if payload_len > 0 && (sport == UDP_PORT_DNS || dport == UDP_PORT_DNS) {
            self.mark(Proto::Dns);
        }
    }

    fn udp(&mut self, b: &[u8], reported: u32, slot: Slot) {
        self.mark(Proto::Udp);
        if b.len() < 8 {
            return self.stop(Layer::Transport);
        }
        let sport = be16(b, 0);
        let dport = be16(b, 2);
        let udp_len = u32::from(be16(b, 4));
        // Wireshark trusts the UDP length when it fits the IP payload; 0 over IPv6 is a
        // jumbogram, any other length below the header's is malformed.
        let len = if udp_len == 0 && self.ip_version == 6 {
            reported
        } else if udp_len < 8 {
            if let Some(f) = self.flow(slot) {
                f.has_transport = true;
                f.sport = sport;
                f.dport = dport;
            }
            return self.stop(Layer::Transport);
        } else if udp_len <= reported {
            udp_len
        } else {
            reported
        };
        let payload_len = len.saturating_sub(8);
        if let Some(f) = self.flow(slot) {
            f.has_transport = true;
            f.sport = sport;
            f.dport = dport;
            f.payload_len = payload_len;
        }
        if payload_len == 0 {
            return;
        }
        let payload = &b[8..b.len().min(len as usize).max(8)];
        let (low, high) = if sport <= dport {
            (sport, dport)
        } else {
            (dport, sport)
        };
        // Wireshark tries the lower port's dissector first, then the higher one's.
        for port in [low, high] {
            match port {
                UDP_PORT_DNS => return self.mark(Proto::Dns),
                UDP_PORT_VXLAN => return self.vxlan(payload),
                UDP_PORT_GENEVE => return self.geneve(payload),
                UDP_PORT_GTP_U => return self.gtp_u(payload),
                UDP_PORT_TEREDO => return self.teredo(payload),
                UDP_PORT_GRE => return self.gre(payload),
                UDP_PORT_MPLS => return self.mpls(payload),
                _ => {}
            }
        }
    }

    fn sctp(&mut self, b: &[u8], reported: u32, slot: Slot) {
        self.mark(Proto::Sctp);
        if b.len() < 12 {
            return self.stop(Layer::Transport);
        }
        if let Some(f) = self.flow(slot) {
            f.has_transport = true;
            f.sport = be16(b, 0);
            f.dport = be16(b, 2);
            f.payload_len = reported.saturating_sub(12);
        }
    }

    fn icmp(&mut self, b: &[u8], reported: u32, slot: Slot, v6: bool) {
        self.mark(if v6 { Proto::Icmpv6 } else { Proto::Icmp });
        if b.len() < 4 {
            return self.stop(Layer::Transport);
        }
        let (icmp_type, code) = (b[0], b[1]);
        let echo = if v6 {
            matches!(icmp_type, 128 | 129)
        } else {
            matches!(icmp_type, 0 | 8)
        };
        if let Some(f) = self.flow(slot) {
            f.has_transport = true;
            f.sport = u16::from(icmp_type);
            f.dport = u16::from(code);
            f.payload_len = reported.saturating_sub(8);
            if echo && b.len() >= 8 {
                f.icmp_id = be16(b, 4);
                f.icmp_seq = be16(b, 6);
            }
        }
        let is_error = if v6 {
            matches!(icmp_type, 1..=4)
        } else {
            matches!(icmp_type, 3 | 4 | 5 | 11 | 12)
        };
        const ICMPV6_REDIRECT: u8 = 137;
        if v6 && icmp_type == ICMPV6_REDIRECT {
            return self.icmpv6_redirected_header(b);
        }
        if is_error && b.len() > 8 {
            let saved = self.in_error;
            self.in_error = true;
            if v6 {
                self.ipv6(&b[8..]);
            } else {
                self.ipv4(&b[8..]);
            }
            self.in_error = saved;
        }
    }

    /// The Redirected Header option of an ICMPv6 Redirect quotes the redirected packet.
    fn icmpv6_redirected_header(&mut self, b: &[u8]) {
        const OPT_REDIRECTED_HEADER: u8 = 4;
        let mut at = 40;
        while b.len() >= at + 8 {
            let len = usize::from(b[at + 1]) * 8;
            if len == 0 {
                return;
            }
            if b[at] == OPT_REDIRECTED_HEADER {
                let end = (at + len).min(b.len());
                let saved = self.in_error;
                self.in_error = true;
                self.ipv6(&b[at + 8..end]);
                self.in_error = saved;
                return;
            }
            at += len;
        }
    }

    fn gre(&mut self, b: &[u8]) {
        self.mark(Proto::Gre);
        if b.len() < 4 {
            return self.stop(Layer::Tunnel);
        }
        let flags = be16(b, 0);
        let protocol = be16(b, 2);
        let mut at = 4;
        if flags & 0x8000 != 0 || flags & 0x4000 != 0 {
            at += 4; // checksum (+ offset) present when C or R is set
        }
        if flags & 0x2000 != 0 {
            at += 4; // key
        }
        if flags & 0x1000 != 0 {
            at += 4; // sequence number
        }
        if flags & 0x0007 == 1 && flags & 0x0080 != 0 {
            at += 4; // enhanced GRE (PPTP) acknowledgment number
        }
        if b.len() < at {
            return self.stop(Layer::Tunnel);
        }
        let payload = &b[at..];
        match protocol {
            ETHERTYPE_ERSPAN2 => {
                // ERSPAN type I has no sequence number and no header; type II has 8 bytes.
                self.mark(Proto::Erspan);
                let skip = if flags & 0x1000 != 0 { 8 } else { 0 };
                if payload.len() < skip {
                    return self.stop(Layer::Tunnel);
                }
                self.ethernet(&payload[skip..]);
            }
            ETHERTYPE_ERSPAN3 => {
                self.mark(Proto::Erspan);
                if payload.len() < 12 {
                    return self.stop(Layer::Tunnel);
                }
                let optional = if payload[11] & 1 != 0 { 8 } else { 0 };
                if payload.len() < 12 + optional {
                    return self.stop(Layer::Tunnel);
                }
                self.ethernet(&payload[12 + optional..]);
            }
            ETHERTYPE_WCCP => {
                // WCCP's redirect header, then the redirected IPv4 datagram.
                if payload.len() < 4 {
                    return self.stop(Layer::Tunnel);
                }
                self.ipv4(&payload[4..]);
            }
            ETHERTYPE_CISCO_METADATA => {
                // In GRE, Cisco MetaData leads with the payload's ethertype.
                if payload.len() < 8 {
                    return self.stop(Layer::Tunnel);
                }
                self.ethertype(be16(payload, 0), &payload[8..]);
            }
            p => self.ethertype(p, payload),
        }
    }

    fn vxlan(&mut self, b: &[u8]) {
        self.mark(Proto::Vxlan);
        if b.len() < 8 {
            return self.stop(Layer::Tunnel);
        }
        self.ethernet(&b[8..]);
    }

    fn gtp_u(&mut self, b: &[u8]) {
        self.mark(Proto::Gtp);
        if b.len() < 8 {
            return self.stop(Layer::Tunnel);
        }
        let flags = b[0];
        if flags >> 5 != 1 {
            return; // GTP' or GTPv2: signalling, no user datagram
        }
        let mut at = 8;
        if flags & 0x07 != 0 {
            // sequence number, N-PDU number and the first extension header type
            if b.len() < 12 {
                return self.stop(Layer::Tunnel);
            }
            let mut next = b[11];
            at = 12;
            while next != 0 {
                let Some(&words) = b.get(at) else {
                    return self.stop(Layer::Tunnel);
                };
                let len = usize::from(words) * 4;
                if len == 0 || b.len() < at + len {
                    return self.stop(Layer::Tunnel);
                }
                next = b[at + len - 1];
                at += len;
            }
        }
        const G_PDU: u8 = 0xff;
        if b[1] != G_PDU {
            return;
        }
        let payload = &b[at..];
        match payload.first().map(|v| v >> 4) {
            Some(4) => self.ipv4(payload),
            Some(6) => self.ipv6(payload),
            _ => {}
        }
    }

    fn teredo(&mut self, b: &[u8]) {
        let mut at = 0;
        if b.len() >= 4 && b[0] == 0 && b[1] == 1 {
            // authentication: id and authentication value lengths, nonce, confirmation
            at = 4 + usize::from(b[2]) + usize::from(b[3]) + 9;
        }
        if b.len() >= at + 2 && b[at] == 0 && b[at + 1] == 0 {
            at += 8; // origin indication
        }
        match b.get(at..) {
            Some(inner) if inner.len() >= 40 && inner[0] >> 4 == 6 => {
                self.mark(Proto::Teredo);
                self.ipv6(inner);
            }
            _ => {}
        }
    }

    fn geneve(&mut self, b: &[u8]) {
        self.mark(Proto::Geneve);
        if b.len() < 8 {
            return self.stop(Layer::Tunnel);
        }
        let options = usize::from(b[0] & 0x3f) * 4;
        if b.len() < 8 + options {
            return self.stop(Layer::Tunnel);
        }
        self.ethertype(be16(b, 2), &b[8 + options..]);
    }
}

#[cfg(test)]
mod tests;
