//! Tunnels: GRE (and the ERSPAN, WCCP and Cisco MetaData it carries), VXLAN, Geneve, GTP-U,
//! Teredo, NSH and PIM Register, each leading back to a link or network header.

use super::{Decoder, Layer, Proto};
use crate::wire::numbers::{ethertype, nsh_next};
use crate::wire::{cisco_metadata, erspan, geneve, gre, gtp, ip, nsh, pim, teredo, vxlan, wccp};

impl Decoder<'_> {
    pub(super) fn nsh(&mut self, b: &[u8]) {
        self.mark(Proto::Nsh);
        let Ok(h) = nsh::Header::new_checked(b) else {
            return self.stop(Layer::Tunnel);
        };
        let payload = h.payload();
        match h.next_protocol() {
            nsh_next::IPV4 => self.ipv4(payload),
            nsh_next::IPV6 => self.ipv6(payload),
            nsh_next::ETHERNET => self.ethernet(payload),
            nsh_next::MPLS => self.mpls(payload),
            _ => {}
        }
    }

    pub(super) fn pim(&mut self, b: &[u8]) {
        self.mark(Proto::Pim);
        let Some(datagram) = pim::Header::new_checked(b)
            .ok()
            .and_then(|h| h.registered())
        else {
            return;
        };
        self.ip_in_tunnel(datagram);
    }

    pub(super) fn gre(&mut self, b: &[u8]) {
        self.mark(Proto::Gre);
        let Ok(h) = gre::Header::new_checked(b) else {
            return self.stop(Layer::Tunnel);
        };
        let payload = h.payload();
        match h.protocol() {
            ethertype::ERSPAN2 => {
                self.mark(Proto::Erspan);
                // Type I has no sequence number and no ERSPAN header; type II has both.
                if !h.has_sequence() {
                    return self.ethernet(payload);
                }
                match erspan::Header::type2(payload) {
                    Ok(span) => self.ethernet(span.payload()),
                    Err(_) => self.stop(Layer::Tunnel),
                }
            }
            ethertype::ERSPAN3 => {
                self.mark(Proto::Erspan);
                match erspan::Header::type3(payload) {
                    Ok(span) => self.ethernet(span.payload()),
                    Err(_) => self.stop(Layer::Tunnel),
                }
            }
            ethertype::WCCP => match wccp::Header::new_checked(payload) {
                Ok(redirect) => self.ipv4(redirect.payload()),
                Err(_) => self.stop(Layer::Tunnel),
            },
            ethertype::CISCO_METADATA => match cisco_metadata::InGre::new_checked(payload) {
                Ok(meta) => self.ethertype(meta.ethertype(), meta.payload()),
                Err(_) => self.stop(Layer::Tunnel),
            },
            p => self.ethertype(p, payload),
        }
    }

    pub(super) fn vxlan(&mut self, b: &[u8]) {
        self.mark(Proto::Vxlan);
        match vxlan::Header::new_checked(b) {
            Ok(h) => self.ethernet(h.payload()),
            Err(_) => self.stop(Layer::Tunnel),
        }
    }

    pub(super) fn gtp_u(&mut self, b: &[u8]) {
        self.mark(Proto::Gtp);
        let Ok(h) = gtp::Header::new_checked(b) else {
            return self.stop(Layer::Tunnel);
        };
        if h.version() != 1 {
            return; // GTP' or GTPv2: signalling, no user datagram
        }
        let Ok(payload) = h.payload() else {
            return self.stop(Layer::Tunnel);
        };
        if h.message_type() == gtp::G_PDU {
            self.ip_in_tunnel(payload);
        }
    }

    pub(super) fn teredo(&mut self, b: &[u8]) {
        if let Some(inner) = teredo::ipv6_packet(b) {
            self.mark(Proto::Teredo);
            self.ipv6(inner);
        }
    }

    pub(super) fn geneve(&mut self, b: &[u8]) {
        self.mark(Proto::Geneve);
        match geneve::Header::new_checked(b) {
            Ok(h) => self.ethertype(h.protocol(), h.payload()),
            Err(_) => self.stop(Layer::Tunnel),
        }
    }

    /// An IP datagram a tunnel carries without saying its version; anything else is left alone.
    fn ip_in_tunnel(&mut self, b: &[u8]) {
        match ip::version(b) {
            Some(4) => self.ipv4(b),
            Some(6) => self.ipv6(b),
            _ => {}
        }
    }
}
