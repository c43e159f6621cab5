//! Transport headers: TCP, UDP (and the tunnels and DNS it leads to by port), SCTP, ICMP and
//! ICMPv6 with the datagrams their errors quote.

use super::{Decoder, Layer, Proto, Slot};
use crate::wire::numbers::{icmp_type, icmpv6_type, port};
use crate::wire::{icmp, ndp, sctp, tcp, udp};

impl Decoder<'_> {
    pub(super) fn tcp(&mut self, b: &[u8], reported: u32, slot: Slot) {
        self.mark(Proto::Tcp);
        let Ok(h) = tcp::Header::new_checked(b) else {
            return self.stop(Layer::Transport);
        };
        if h.header_len() as u32 > reported {
            return self.stop(Layer::Transport);
        }
        let (sport, dport) = (h.source_port(), h.destination_port());
        let payload_len = reported - h.header_len() as u32;
        let payload_at = self.offset_of(h.payload());
        if let Some(f) = self.flow(slot) {
            f.payload_at = payload_at;
            f.has_transport = true;
            f.sport = sport;
            f.dport = dport;
            f.tcp_flags = h.flags();
            f.tcp_window = h.window();
            f.tcp_seq = h.sequence();
            f.payload_len = payload_len;
        }
        if payload_len > 0 && (sport == port::DNS || dport == port::DNS) {
            self.mark(Proto::Dns);
        }
    }

    pub(super) fn udp(&mut self, b: &[u8], reported: u32, slot: Slot) {
        self.mark(Proto::Udp);
        let Ok(h) = udp::Header::new_checked(b) else {
            return self.stop(Layer::Transport);
        };
        let (sport, dport) = (h.source_port(), h.destination_port());
        let udp_len = u32::from(h.length());
        let header_len = udp::HEADER_LEN as u32;
        // Wireshark trusts the UDP length when it fits the IP payload; 0 over IPv6 is a
        // jumbogram, any other length below the header's is malformed.
        let len = if udp_len == 0 && self.ip_version == 6 {
            reported
        } else if udp_len < header_len {
            if let Some(f) = self.flow(slot) {
                f.has_transport = true;
                f.sport = sport;
                f.dport = dport;
            }
            return self.stop(Layer::Transport);
        } else {
            udp_len.min(reported)
        };
        let payload_len = len.saturating_sub(header_len);
        let payload_at = self.offset_of(h.payload());
        if let Some(f) = self.flow(slot) {
            f.payload_at = payload_at;
            f.has_transport = true;
            f.sport = sport;
            f.dport = dport;
            f.payload_len = payload_len;
        }
        if payload_len == 0 {
            return;
        }
        let captured = h.payload();
        let payload = &captured[..(len as usize - udp::HEADER_LEN).min(captured.len())];
        let (low, high) = if sport <= dport {
            (sport, dport)
        } else {
            (dport, sport)
        };
        // Wireshark tries the lower port's dissector first, then the higher one's.
        for p in [low, high] {
            match p {
                port::DNS => return self.mark(Proto::Dns),
                port::VXLAN => return self.vxlan(payload),
                port::GENEVE => return self.geneve(payload),
                port::GTP_U => return self.gtp_u(payload),
                port::TEREDO => return self.teredo(payload),
                port::GRE => return self.gre(payload),
                port::MPLS => return self.mpls(payload),
                _ => {}
            }
        }
    }

    pub(super) fn sctp(&mut self, b: &[u8], reported: u32, slot: Slot) {
        self.mark(Proto::Sctp);
        let Ok(h) = sctp::Header::new_checked(b) else {
            return self.stop(Layer::Transport);
        };
        if let Some(f) = self.flow(slot) {
            f.has_transport = true;
            f.sport = h.source_port();
            f.dport = h.destination_port();
            f.payload_len = reported.saturating_sub(sctp::HEADER_LEN as u32);
        }
    }

    pub(super) fn icmp(&mut self, b: &[u8], reported: u32, slot: Slot, v6: bool) {
        self.mark(if v6 { Proto::Icmpv6 } else { Proto::Icmp });
        let Ok(h) = icmp::Header::new_checked(b) else {
            return self.stop(Layer::Transport);
        };
        let (kind, code) = (h.message_type(), h.code());
        let (echo, error) = if v6 {
            (
                matches!(kind, icmpv6_type::ECHO_REQUEST | icmpv6_type::ECHO_REPLY),
                icmpv6_type::ERRORS.contains(&kind),
            )
        } else {
            (
                matches!(kind, icmp_type::ECHO_REQUEST | icmp_type::ECHO_REPLY),
                icmp_type::ERRORS.contains(&kind),
            )
        };
        if let Some(f) = self.flow(slot) {
            f.has_transport = true;
            f.sport = u16::from(kind);
            f.dport = u16::from(code);
            f.payload_len = reported.saturating_sub(icmp::FULL_HEADER_LEN as u32);
            if echo {
                if let Some((id, seq)) = h.echo_ident_sequence() {
                    f.icmp_id = id;
                    f.icmp_seq = seq;
                }
            }
        }
        if v6 && kind == icmpv6_type::REDIRECT {
            return self.icmpv6_redirected_header(h.message());
        }
        let quote = h.body();
        if error && !quote.is_empty() {
            self.quoted(|d| if v6 { d.ipv6(quote) } else { d.ipv4(quote) });
        }
    }

    /// The Redirected Header option of an ICMPv6 Redirect quotes the redirected packet.
    fn icmpv6_redirected_header(&mut self, message: &[u8]) {
        let Some(options) = message.get(ndp::REDIRECT_OPTIONS_START..) else {
            return;
        };
        let redirected = ndp::options(options).find(|o| o.kind == ndp::OPT_REDIRECTED_HEADER);
        if let Some(option) = redirected {
            self.quoted(|d| d.ipv6(option.data()));
        }
    }
}
