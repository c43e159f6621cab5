//! What the decoder finds in a frame: its protocols, its flows and its IP headers.

use super::proto::ProtoSet;
use crate::wire::numbers::ip_proto;

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
    /// Where the transport payload starts in the frame's captured bytes (TCP and UDP; for a
    /// reassembled datagram, in the datagram's bytes).
    pub payload_at: u32,
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
