//! Network-layer headers: IPv4, IPv6 with its extension headers, AH, ARP; fragments; and the
//! dispatch of an IP payload to the transport or tunnel it carries.

use super::frame::{Addr, Flow, FragmentInfo, IpLayer};
use super::{ip_proto, Decoder, Fragment, Layer, Proto, Slot};
use crate::wire::numbers::ipv6_ext_header;
use crate::wire::{ah, arp, ip, ipv4, ipv6, ipv6_ext};

/// An IPv4 address in its IPv4-mapped IPv6 form.
#[inline]
fn mapped(v4: u32) -> Addr {
    0xffff_0000_0000 | u128::from(v4)
}

impl Decoder<'_> {
    /// Ethertype 0x0800 goes to Wireshark's "ip" dissector, which hands version 6 to IPv6.
    pub(super) fn ip_by_version(&mut self, b: &[u8]) {
        if ip::version(b) == Some(6) {
            self.mark(Proto::Ip);
            return self.ipv6(b);
        }
        self.ipv4(b)
    }

    pub(super) fn arp(&mut self, b: &[u8]) {
        self.mark(Proto::Arp);
        if arp::Header::new_checked(b).is_err() {
            self.stop(Layer::Network);
        }
    }

    pub(super) fn ipv4(&mut self, b: &[u8]) {
        self.mark(Proto::Ip);
        let Ok(h) = ipv4::Header::new_checked(b) else {
            return self.stop(Layer::Network);
        };
        let protocol = h.protocol();
        let offset = h.fragment_offset();
        let slot = self.claim_network(4, mapped(h.source()), mapped(h.destination()));
        if let Some(f) = self.flow(slot) {
            f.ip_len = h.datagram_len() as u32;
            f.ip_proto = protocol;
            f.later_fragment = offset != 0;
        }
        let fragment = Fragment {
            later: offset != 0,
            more: h.more_fragments(),
            offset,
            id: u32::from(h.ident()),
        };
        self.ip_version = 4;
        self.after_ip(
            protocol,
            h.payload(),
            h.payload_len() as u32,
            fragment,
            slot,
        );
    }

    pub(super) fn ipv6(&mut self, b: &[u8]) {
        // Wireshark's IPv6 dissector refuses a header whose version is not 6 (the frame shows
        // as data); an empty one it takes and reports malformed.
        if ip::version(b).is_some_and(|v| v != 6) {
            return self.stop(Layer::Network);
        }
        self.mark(Proto::Ipv6);
        let Ok(h) = ipv6::Header::new_checked(b) else {
            return self.stop(Layer::Network);
        };
        let payload_len = h.payload_len();
        let slot = self.claim_network(6, h.source(), h.destination());
        if let Some(f) = self.flow(slot) {
            f.ip_len = payload_len as u32 + ipv6::HEADER_LEN as u32;
        }
        let packet = h.packet();
        let mut next = h.next_header();
        let mut at = ipv6::HEADER_LEN;
        let mut reported = payload_len;
        let mut fragment = Fragment::default();
        // Extension headers, each bounded by the captured bytes.
        loop {
            let len = match next {
                n if ipv6_ext_header::GENERIC.contains(&n) => {
                    let Ok(ext) = ipv6_ext::Header::new_checked(&packet[at..]) else {
                        return self.stop(Layer::Network);
                    };
                    next = ext.next_header();
                    ext.header_len()
                }
                ipv6_ext_header::FRAGMENT => {
                    let Ok(frag) = ipv6_ext::Fragment::new_checked(&packet[at..]) else {
                        return self.stop(Layer::Network);
                    };
                    fragment = Fragment {
                        later: frag.offset() != 0,
                        more: frag.more_fragments(),
                        offset: frag.offset(),
                        id: frag.ident(),
                    };
                    next = frag.next_header();
                    ipv6_ext::FRAGMENT_HEADER_LEN
                }
                ip_proto::AH => {
                    self.mark(Proto::Ah);
                    let Ok(ext) = ipv6_ext::Header::new_checked(&packet[at..]) else {
                        return self.stop(Layer::Network);
                    };
                    next = ext.next_header();
                    ah::header_len(ext.length())
                }
                _ => break,
            };
            at += len;
            reported = reported.saturating_sub(len);
            if at > packet.len() {
                return self.stop(Layer::Network);
            }
        }
        if let Some(f) = self.flow(slot) {
            f.ip_proto = next;
            f.later_fragment = fragment.later;
        }
        self.ip_version = 6;
        self.after_ip(next, &packet[at..], reported as u32, fragment, slot);
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
    pub(super) fn flow(&mut self, slot: Slot) -> Option<&mut Flow> {
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
    pub(super) fn after_ip(
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
        if reported == 0 || !self.descend() {
            return;
        }
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

    fn note_fragment(&mut self, protocol: u8, payload: &[u8], fragment: Fragment, slot: Slot) {
        let Some(ip) = self.flow(slot).copied() else {
            return;
        };
        if self.frame.fragment.is_some() {
            return;
        }
        let start = self.offset_of(payload) as usize;
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
        let Ok(h) = ah::Header::new_checked(b) else {
            return self.stop(Layer::Network);
        };
        if let Some(f) = self.flow(slot) {
            f.ip_proto = h.next_header();
        }
        self.after_ip(
            h.next_header(),
            h.payload(),
            reported.saturating_sub(h.header_len() as u32),
            Fragment::default(),
            slot,
        );
    }
}
