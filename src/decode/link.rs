//! Link-layer headers: the capture's link type, Ethernet and what ethertypes lead to (tags,
//! MPLS, PPP, MACsec, bridging).

use super::{linktype, Decoder, Layer, Proto};
use crate::wire::numbers::{arphrd, ethertype, loopback_family, ppp_protocol, sll_protocol};
use crate::wire::{
    cisco_metadata, ethernet, ip, llc, loopback, macsec, mpls, pbb, ppp, pppoe, sll, sll2, vlan,
    vntag,
};

impl Decoder<'_> {
    pub(super) fn link(&mut self, linktype: u16, b: &[u8]) {
        match linktype {
            linktype::ETHERNET => self.ethernet(b),
            linktype::RAW | linktype::RAW_BSD12 | linktype::RAW_BSD14 => self.raw_ip(b),
            linktype::IPV4 => self.ipv4(b),
            linktype::IPV6 => self.ipv6(b),
            linktype::LINUX_SLL => self.sll(b),
            linktype::LINUX_SLL2 => self.sll2(b),
            linktype::NULL => self.loopback(b, false),
            linktype::LOOP => self.loopback(b, true),
            linktype::PPP | linktype::PPP_HDLC => self.ppp(b),
            linktype::PPP_ETHER => self.pppoe_session(b),
            _ => {}
        }
    }

    pub(super) fn ethernet(&mut self, b: &[u8]) {
        self.mark(Proto::Eth);
        let Ok(eth) = ethernet::Header::new_checked(b) else {
            return self.stop(Layer::Link);
        };
        let type_or_length = eth.type_or_length();
        if ethernet::is_length(type_or_length) {
            // 802.3 with a length field: LLC follows, or Novell's raw 802.3 (IPX).
            let payload = eth.length_bounded_payload();
            if ethernet::is_novell_raw(payload) {
                return;
            }
            self.llc(payload)
        } else {
            self.ethertype(type_or_length, eth.payload())
        }
    }

    fn llc(&mut self, b: &[u8]) {
        self.mark(Proto::Llc);
        let Ok(llc) = llc::Header::new_checked(b) else {
            return self.stop(Layer::Link);
        };
        if !llc.is_snap() {
            return;
        }
        let Ok(snap) = llc.snap() else {
            return self.stop(Layer::Link);
        };
        if snap.oui() == 0 {
            self.ethertype(snap.protocol_id(), snap.payload());
        }
    }

    pub(super) fn ethertype(&mut self, ethertype: u16, b: &[u8]) {
        if !self.descend() {
            return;
        }
        match ethertype {
            ethertype::IPV4 => self.ip_by_version(b),
            ethertype::IPV6 => self.ipv6(b),
            ethertype::ARP | ethertype::RARP => self.arp(b),
            ethertype::QINQ => {
                self.mark(Proto::Ieee8021ad);
                self.vlan_tag(b);
            }
            ethertype::VLAN => self.vlan(b),
            t if ethertype::QINQ_OLD.contains(&t) => self.vlan(b),
            ethertype::MPLS | ethertype::MPLS_MULTICAST => self.mpls(b),
            ethertype::PPPOE_DISCOVERY => self.mark(Proto::Pppoed),
            ethertype::PPPOE_SESSION => self.pppoe_session(b),
            ethertype::TEB => self.ethernet(b),
            ethertype::PPP => self.ppp(b),
            ethertype::PBB => {
                self.mark(Proto::Ieee8021ah);
                let Ok(itag) = pbb::Header::new_checked(b) else {
                    return self.stop(Layer::Link);
                };
                self.ethertype(itag.customer_ethertype(), itag.payload());
            }
            ethertype::VNTAG => {
                let Ok(tag) = vntag::Header::new_checked(b) else {
                    return self.stop(Layer::Link);
                };
                self.ethertype(tag.ethertype(), tag.payload());
            }
            ethertype::CISCO_METADATA => {
                let Ok(meta) = cisco_metadata::Header::new_checked(b) else {
                    return self.stop(Layer::Link);
                };
                self.ethertype(meta.ethertype(), meta.payload());
            }
            ethertype::NSH => self.nsh(b),
            ethertype::MACSEC => self.macsec(b),
            _ => {}
        }
    }

    /// MACsec: only integrity-protected (unencrypted, unmodified) payloads can be followed.
    fn macsec(&mut self, b: &[u8]) {
        self.mark(Proto::Macsec);
        let Ok(sectag) = macsec::Header::new_checked(b) else {
            return self.stop(Layer::Link);
        };
        if !sectag.is_plain() {
            return;
        }
        let Ok(protected) = sectag.protected() else {
            return self.stop(Layer::Link);
        };
        self.ethertype(protected.ethertype, protected.payload);
    }

    fn vlan(&mut self, b: &[u8]) {
        self.mark(Proto::Vlan);
        self.vlan_tag(b);
    }

    fn vlan_tag(&mut self, b: &[u8]) {
        let Ok(tag) = vlan::Header::new_checked(b) else {
            return self.stop(Layer::Link);
        };
        let type_or_length = tag.type_or_length();
        if ethernet::is_length(type_or_length) {
            self.llc(tag.length_bounded_payload());
        } else {
            self.ethertype(type_or_length, tag.payload());
        }
    }

    pub(super) fn mpls(&mut self, b: &[u8]) {
        self.mark(Proto::Mpls);
        let Ok(stack) = mpls::Stack::new_checked(b) else {
            return self.stop(Layer::Link);
        };
        let payload = stack.payload();
        match ip::version(payload) {
            None => {}
            Some(4) => self.ipv4(payload),
            Some(6) => self.ipv6(payload),
            // A pseudowire control word, then Ethernet.
            Some(0) if payload.len() >= mpls::CONTROL_WORD_LEN => {
                self.ethernet(&payload[mpls::CONTROL_WORD_LEN..])
            }
            Some(_) => self.ethernet(payload),
        }
    }

    fn pppoe_session(&mut self, b: &[u8]) {
        self.mark(Proto::Pppoes);
        let Ok(session) = pppoe::Header::new_checked(b) else {
            return self.stop(Layer::Link);
        };
        self.ppp(session.length_bounded_payload());
    }

    fn ppp(&mut self, b: &[u8]) {
        self.mark(Proto::Ppp);
        let Ok(frame) = ppp::Header::parse(b) else {
            return self.stop(Layer::Link);
        };
        match frame.protocol {
            ppp_protocol::IPV4 => self.ipv4(frame.payload),
            ppp_protocol::IPV6 => self.ipv6(frame.payload),
            ppp_protocol::MPLS | ppp_protocol::MPLS_MULTICAST => self.mpls(frame.payload),
            _ => {}
        }
    }

    fn sll(&mut self, b: &[u8]) {
        self.mark(Proto::Sll);
        let Ok(sll) = sll::Header::new_checked(b) else {
            return self.stop(Layer::Link);
        };
        self.sll_payload(sll.hatype(), sll.protocol(), sll.payload());
    }

    fn sll2(&mut self, b: &[u8]) {
        self.mark(Proto::Sll);
        let Ok(sll) = sll2::Header::new_checked(b) else {
            return self.stop(Layer::Link);
        };
        self.sll_payload(sll.hatype(), sll.protocol(), sll.payload());
    }

    fn sll_payload(&mut self, hatype: u16, protocol: u16, b: &[u8]) {
        match (hatype, protocol) {
            (arphrd::NETLINK, _) => {}
            (arphrd::IPGRE, p) => self.ethertype(p, b),
            (_, sll_protocol::LLC) => self.llc(b),
            (_, p) if p <= sll_protocol::MAX_LINUX_TYPE => {}
            (_, p) => self.ethertype(p, b),
        }
    }

    fn loopback(&mut self, b: &[u8], network_order: bool) {
        self.mark(Proto::Null);
        let Ok(header) = loopback::Header::new_checked(b) else {
            return self.stop(Layer::Link);
        };
        let family = if network_order {
            header.family_network_order()
        } else {
            header.family_host_order()
        };
        // Wireshark's rule: a value too big for a family is an Ethernet type from an old capture.
        if !network_order && family > u32::from(ethertype::MAX_LENGTH) {
            return self.ethertype(family as u16, header.payload());
        }
        match family {
            loopback_family::INET => self.ipv4(header.payload()),
            f if loopback_family::INET6.contains(&f) => self.ipv6(header.payload()),
            _ => {}
        }
    }

    fn raw_ip(&mut self, b: &[u8]) {
        match ip::version(b) {
            Some(4) => self.ipv4(b),
            Some(6) => self.ipv6(b),
            _ => self.stop(Layer::Network),
        }
    }
}
