//! One captured frame to the layers in it, laxly, the way Wireshark dissects it.
//!
//! [`decode`] walks link, network, transport and tunnel headers and fills a [`Frame`]: the set of
//! protocols present at any layer (so an ICMP error quoting a UDP header counts for `udp`, as in
//! `tshark -Y udp`), and the outermost IP header with its transport header, which is what flows,
//! conversations and talkers are keyed on. A header cut short or malformed stops the walk and is
//! recorded in [`Frame::stop`]; it is data to count, never an error. Nothing is allocated.
//!
//! The bytes of each header are read through the views in [`crate::wire`]; this module decides
//! which header follows which, a file per layer: `link.rs`, `network.rs` (with fragments and the
//! dispatch of IP payloads), `transport.rs` and `tunnel.rs`. The types it fills are in `frame.rs`.

mod frame;
mod link;
mod network;
mod proto;
mod transport;
mod tunnel;

pub use crate::wire::numbers::{ip_proto, linktype};
pub use crate::wire::tcp::flags as tcp_flags;
pub use frame::{to_ip, Addr, Flow, FragmentInfo, Frame, IpLayer, Layer, MAX_IP_LAYERS};
pub use proto::{Proto, ProtoSet};

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

/// The state of one walk over a frame.
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

/// Tunnels nest; a frame crafted to nest forever stops here.
const MAX_DEPTH: u8 = 100;

impl Decoder<'_> {
    /// Where `part`, a slice of the frame being decoded, starts in it.
    #[inline]
    fn offset_of(&self, part: &[u8]) -> u32 {
        (part.as_ptr() as usize).saturating_sub(self.base) as u32
    }

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

    /// Counts one more nested header; false when the frame nests too deep to follow.
    #[inline]
    fn descend(&mut self) -> bool {
        if self.depth >= MAX_DEPTH {
            return false;
        }
        self.depth += 1;
        true
    }

    /// Decodes an ICMP error's quoted datagram: its protocols count, its flow fields do not.
    fn quoted(&mut self, decode: impl FnOnce(&mut Self)) {
        let saved = self.in_error;
        self.in_error = true;
        decode(self);
        self.in_error = saved;
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_protocols;
