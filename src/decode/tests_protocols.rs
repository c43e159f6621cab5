//! One test per protocol the decoder dissects that the broader tests in `tests.rs` do not reach,
//! on frames put together from literal headers.

use super::*;

fn protos(f: &Frame) -> Vec<&'static str> {
    f.protos.iter().map(Proto::name).collect()
}

fn eth(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut b = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
    b.extend_from_slice(&ethertype.to_be_bytes());
    b.extend_from_slice(payload);
    b
}

fn ipv4(protocol: u8, payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut b = vec![0x45, 0];
    b.extend_from_slice(&total.to_be_bytes());
    b.extend_from_slice(&[0, 1, 0, 0, 64, protocol, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
    b.extend_from_slice(payload);
    b
}

fn ipv6(next: u8, payload: &[u8]) -> Vec<u8> {
    let mut b = vec![0x60, 0, 0, 0];
    b.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    b.extend_from_slice(&[next, 64]);
    b.extend_from_slice(&[0xfe; 16]);
    b.extend_from_slice(&[0x20; 16]);
    b.extend_from_slice(payload);
    b
}

fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&sport.to_be_bytes());
    b.extend_from_slice(&dport.to_be_bytes());
    b.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    b.extend_from_slice(&[0, 0]);
    b.extend_from_slice(payload);
    b
}

/// An inner IPv4/UDP datagram from 10.9.9.9 port 1111 to 10.0.0.2 port 2222.
fn inner_udp() -> Vec<u8> {
    let mut b = ipv4(ip_proto::UDP, &udp(1111, 2222, b"x"));
    b[12..16].copy_from_slice(&[10, 9, 9, 9]);
    b
}

fn assert_inner_udp(f: &Frame) {
    assert_eq!(to_ip(4, f.inner.src).to_string(), "10.9.9.9");
    assert_eq!((f.inner.sport, f.inner.dport), (1111, 2222));
    assert!(f.stop.is_none(), "{:?}", f.stop);
}

fn decoded_eth(ethertype: u16, payload: &[u8]) -> Frame {
    decode(linktype::ETHERNET, &eth(ethertype, payload))
}

#[test]
fn geneve_carries_ethernet() {
    let mut geneve = vec![0x01, 0, 0x65, 0x58, 0, 0, 7, 0, 1, 2, 3, 0];
    geneve.extend_from_slice(&eth(0x0800, &inner_udp()));
    let f = decoded_eth(0x0800, &ipv4(ip_proto::UDP, &udp(5000, 6081, &geneve)));
    assert_eq!(protos(&f), ["eth", "ip", "udp", "geneve"]);
    assert_inner_udp(&f);
    let cut = decoded_eth(
        0x0800,
        &ipv4(ip_proto::UDP, &udp(5000, 6081, &geneve[..10])),
    );
    assert_eq!(cut.stop, Some(Layer::Tunnel));
}

#[test]
fn teredo_carries_ipv6_after_an_origin_indication() {
    let mut teredo = vec![0x00, 0x00, 0x0d, 0x96, 1, 2, 3, 4];
    teredo.extend_from_slice(&ipv6(ip_proto::UDP, &udp(1, 2, b"")));
    let f = decoded_eth(0x0800, &ipv4(ip_proto::UDP, &udp(3544, 40000, &teredo)));
    assert_eq!(protos(&f), ["eth", "ip", "ipv6", "udp", "teredo"]);
    assert_eq!((f.inner.ip_version, f.inner.sport), (6, 1));
    let not_ipv6 = decoded_eth(0x0800, &ipv4(ip_proto::UDP, &udp(3544, 40000, b"hello")));
    assert_eq!(protos(&not_ipv6), ["eth", "ip", "udp"]);
}

#[test]
fn nsh_carries_ipv4_and_a_short_length_stops_at_the_tunnel() {
    let mut nsh = vec![0x00, 0x02, 0x02, 0x01, 0, 0, 1, 255];
    nsh.extend_from_slice(&inner_udp());
    let f = decode(linktype::ETHERNET, &eth(0x894f, &nsh));
    assert_eq!(protos(&f), ["eth", "ip", "udp", "nsh"]);
    assert_eq!(
        to_ip(4, f.outer.src).to_string(),
        "10.9.9.9",
        "the first IP header"
    );
    nsh[1] = 0x01;
    assert_eq!(decoded_eth(0x894f, &nsh).stop, Some(Layer::Tunnel));
}

#[test]
fn macsec_is_followed_only_when_not_encrypted() {
    let mut plain = vec![0x00, 0, 0, 0, 0, 1, 0x08, 0x00];
    plain.extend_from_slice(&inner_udp());
    plain.extend_from_slice(&[0xee; 16]);
    let f = decoded_eth(0x88e5, &plain);
    assert_eq!(protos(&f), ["eth", "ip", "udp", "macsec"]);
    assert_eq!(f.outer.dport, 2222);
    let mut encrypted = plain.clone();
    encrypted[0] = 0x0c;
    assert_eq!(protos(&decoded_eth(0x88e5, &encrypted)), ["eth", "macsec"]);
    assert_eq!(decoded_eth(0x88e5, &plain[..20]).stop, Some(Layer::Link));
}

#[test]
fn pim_register_carries_a_datagram() {
    let mut register = vec![0x21, 0, 0, 0, 0, 0, 0, 0];
    register.extend_from_slice(&inner_udp());
    let f = decoded_eth(0x0800, &ipv4(ip_proto::PIM, &register));
    assert_eq!(protos(&f), ["eth", "ip", "udp", "pim"]);
    assert_inner_udp(&f);
    let hello = decoded_eth(0x0800, &ipv4(ip_proto::PIM, &[0x20, 0, 0, 0, 0, 1, 0, 2]));
    assert_eq!(
        (protos(&hello), hello.inner.ip_version),
        (vec!["eth", "ip", "pim"], 0)
    );
}

#[test]
fn sctp_gives_ports_and_payload_length() {
    let sctp = [0x0b, 0x59, 0x0b, 0x5a, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 4];
    let f = decoded_eth(0x0800, &ipv4(ip_proto::SCTP, &sctp));
    assert_eq!(protos(&f), ["eth", "ip", "sctp"]);
    assert!(f.outer.has_transport);
    assert_eq!(
        (f.outer.sport, f.outer.dport, f.outer.payload_len),
        (2905, 2906, 4)
    );
    let cut = decoded_eth(0x0800, &ipv4(ip_proto::SCTP, &sctp[..11]));
    assert_eq!(cut.stop, Some(Layer::Transport));
}

#[test]
fn erspan_types_one_two_and_three() {
    let mirrored = eth(0x0800, &inner_udp());
    let gre = |flags: u16, protocol: u16, rest: &[u8]| {
        let mut b = flags.to_be_bytes().to_vec();
        b.extend_from_slice(&protocol.to_be_bytes());
        b.extend_from_slice(rest);
        decoded_eth(0x0800, &ipv4(ip_proto::GRE, &b))
    };
    let type1 = gre(0x0000, 0x88be, &mirrored);
    let mut type2_rest = vec![0, 0, 0, 1, 0x10, 0x0a, 0, 0x64, 0, 0, 0, 0];
    type2_rest.extend_from_slice(&mirrored);
    let type2 = gre(0x1000, 0x88be, &type2_rest);
    let mut type3_rest = vec![0x20, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    type3_rest.extend_from_slice(&mirrored);
    let type3 = gre(0x0000, 0x22eb, &type3_rest);
    for f in [&type1, &type2, &type3] {
        assert_eq!(protos(f), ["eth", "ip", "udp", "gre", "erspan"]);
        assert_inner_udp(f);
    }
    assert_eq!(
        gre(0x0000, 0x22eb, &type3_rest[..11]).stop,
        Some(Layer::Tunnel)
    );
    assert_eq!(
        gre(0x1000, 0x88be, &type2_rest[..10]).stop,
        Some(Layer::Tunnel)
    );
}

#[test]
fn wccp_redirects_an_ipv4_datagram_in_gre() {
    let mut gre = vec![0, 0, 0x88, 0x3e, 0, 90, 0, 0];
    gre.extend_from_slice(&inner_udp());
    let f = decoded_eth(0x0800, &ipv4(ip_proto::GRE, &gre));
    assert_eq!(protos(&f), ["eth", "ip", "udp", "gre"]);
    assert_inner_udp(&f);
    let cut = decoded_eth(0x0800, &ipv4(ip_proto::GRE, &gre[..7]));
    assert_eq!(cut.stop, Some(Layer::Tunnel));
}

#[test]
fn pbb_carries_the_customer_frame() {
    let mut itag = vec![0, 0, 1, 0, 2, 0, 0, 0, 0, 3, 2, 0, 0, 0, 0, 4, 0x08, 0x00];
    itag.extend_from_slice(&inner_udp());
    let f = decoded_eth(0x88e7, &itag);
    assert_eq!(protos(&f), ["eth", "ieee8021ah", "ip", "udp"]);
    assert_eq!(f.outer.dport, 2222);
    assert_eq!(decoded_eth(0x88e7, &itag[..17]).stop, Some(Layer::Link));
}

#[test]
fn llc_snap_carries_an_ethertype_and_other_saps_end_the_walk() {
    let datagram = inner_udp();
    let mut snap = vec![0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00];
    snap.extend_from_slice(&datagram);
    let f = decoded_eth(snap.len() as u16, &snap);
    assert_eq!(protos(&f), ["eth", "llc", "ip", "udp"]);
    assert_eq!(f.outer.dport, 2222);
    let stp = decoded_eth(4, &[0x42, 0x42, 0x03, 0]);
    assert_eq!((protos(&stp), stp.stop), (vec!["eth", "llc"], None));
    assert_eq!(decoded_eth(7, &snap[..7]).stop, Some(Layer::Link));
    let ipx = decoded_eth(4, &[0xff, 0xff, 0, 4]);
    assert_eq!(protos(&ipx), ["eth"], "Novell raw 802.3 has no LLC");
}

#[test]
fn vntag_and_cisco_metadata_lead_to_their_ethertype() {
    let datagram = inner_udp();
    let mut vntag = vec![0x80, 1, 0, 2, 0x08, 0x00];
    vntag.extend_from_slice(&datagram);
    let mut metadata = vec![1, 1, 0, 1, 0, 42, 0x08, 0x00];
    metadata.extend_from_slice(&datagram);
    for (ethertype, b) in [(0x8926, &vntag), (0x8909, &metadata)] {
        let f = decoded_eth(ethertype, b);
        assert_eq!(protos(&f), ["eth", "ip", "udp"]);
        assert_eq!(decoded_eth(ethertype, &b[..5]).stop, Some(Layer::Link));
    }
    let mut in_gre = vec![0, 0, 0x89, 0x09, 0x08, 0x00, 1, 1, 0, 1, 0, 42];
    in_gre.extend_from_slice(&datagram);
    let f = decoded_eth(0x0800, &ipv4(ip_proto::GRE, &in_gre));
    assert_eq!(protos(&f), ["eth", "ip", "udp", "gre"]);
    assert_inner_udp(&f);
}

#[test]
fn gtp_u_carries_a_user_datagram_after_its_extension_headers() {
    let mut gtp = vec![
        0x34, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x85, 1, 0x10, 0x05, 0x00,
    ];
    gtp.extend_from_slice(&inner_udp());
    let f = decoded_eth(0x0800, &ipv4(ip_proto::UDP, &udp(2152, 2152, &gtp)));
    assert_eq!(protos(&f), ["eth", "ip", "udp", "gtp"]);
    assert_inner_udp(&f);
    let echo = [0x32, 0x01, 0, 4, 0, 0, 0, 0, 0, 1, 0, 0];
    let signalling = decoded_eth(0x0800, &ipv4(ip_proto::UDP, &udp(2152, 2152, &echo)));
    assert_eq!(signalling.inner.ip_version, 0);
    let cut = decoded_eth(0x0800, &ipv4(ip_proto::UDP, &udp(2152, 2152, &gtp[..14])));
    assert_eq!(cut.stop, Some(Layer::Tunnel));
}

#[test]
fn ah_and_ipv6_extension_headers_lead_to_the_transport() {
    let datagram = udp(7, 9, b"ab");
    let mut ah = vec![ip_proto::UDP, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1];
    ah.extend_from_slice(&[0; 12]);
    ah.extend_from_slice(&datagram);
    let over_v4 = decoded_eth(0x0800, &ipv4(ip_proto::AH, &ah));
    assert_eq!(protos(&over_v4), ["eth", "ip", "udp", "ah"]);
    assert_eq!(
        (over_v4.outer.ip_proto, over_v4.outer.dport),
        (ip_proto::UDP, 9)
    );
    let mut chain = vec![ip_proto::AH, 0, 0, 0, 0, 0, 0, 0]; // hop-by-hop, then AH
    chain.extend_from_slice(&ah);
    let over_v6 = decoded_eth(0x86dd, &ipv6(0, &chain));
    assert_eq!(protos(&over_v6), ["eth", "ipv6", "udp", "ah"]);
    assert_eq!(
        (over_v6.outer.ip_proto, over_v6.outer.payload_len),
        (ip_proto::UDP, 2)
    );
    let cut = decoded_eth(0x0800, &ipv4(ip_proto::AH, &ah[..20]));
    assert_eq!(cut.stop, Some(Layer::Network));
    let overlong = decoded_eth(0x86dd, &ipv6(0, &[ip_proto::UDP, 9, 0, 0, 0, 0, 0, 0]));
    assert_eq!(overlong.stop, Some(Layer::Network));
}

#[test]
fn an_ipv6_fragment_header_sends_a_whole_fragment_to_reassembly() {
    let mut fragment = vec![ip_proto::UDP, 0, 0, 1, 0, 0, 0, 42];
    fragment.extend_from_slice(&udp(7, 9, b"abcdefgh"));
    let f = decoded_eth(0x86dd, &ipv6(ipv6_ext_fragment(), &fragment));
    let info = f.fragment.expect("a fragment to reassemble");
    assert_eq!(
        (info.version, info.id, info.offset, info.more),
        (6, 42, 0, true)
    );
    assert_eq!((info.proto, info.data_len), (ip_proto::UDP, 16));
    assert_eq!(protos(&f), ["eth", "ipv6"], "dissected when reassembled");
}

fn ipv6_ext_fragment() -> u8 {
    crate::wire::numbers::ipv6_ext_header::FRAGMENT
}

#[test]
fn an_icmpv6_redirect_quotes_the_redirected_packet() {
    let quoted = ipv6(ip_proto::UDP, &udp(53, 5353, b"q"));
    let mut redirect = vec![137, 0, 0, 0, 0, 0, 0, 0];
    redirect.extend_from_slice(&[0xaa; 32]); // target and destination
    redirect.extend_from_slice(&[1, 1, 2, 0, 0, 0, 0, 1]); // a link-layer address option
    let words = (8 + quoted.len()).div_ceil(8);
    redirect.extend_from_slice(&[4, words as u8, 0, 0, 0, 0, 0, 0]);
    redirect.extend_from_slice(&quoted);
    redirect.resize(redirect.len() + words * 8 - 8 - quoted.len(), 0);
    let f = decoded_eth(0x86dd, &ipv6(ip_proto::ICMPV6, &redirect));
    assert_eq!(protos(&f), ["eth", "ipv6", "icmpv6", "udp", "dns"]);
    assert_eq!((f.outer.sport, f.outer.ip_proto), (137, ip_proto::ICMPV6));
    assert_eq!(f.inner.ip_version, 0, "a quote is not a flow");
    assert_eq!(f.ip_layers().len(), 1);
}

#[test]
fn arp_ppp_in_hdlc_framing_and_mpls_pseudowires() {
    let arp = decoded_eth(0x0806, &[0, 1, 8, 0, 6, 4, 0, 1]);
    assert_eq!((protos(&arp), arp.stop), (vec!["eth", "arp"], None));
    assert_eq!(decoded_eth(0x0806, &[0, 1, 8]).stop, Some(Layer::Network));
    let mut hdlc = vec![0xff, 0x03, 0x00, 0x21];
    hdlc.extend_from_slice(&inner_udp());
    let ppp = decode(linktype::PPP_HDLC, &hdlc);
    assert_eq!(protos(&ppp), ["ppp", "ip", "udp"]);
    assert_eq!(decode(linktype::PPP, &[0xff, 0x03]).stop, Some(Layer::Link));
    let mut pseudowire = vec![0, 0, 0x11, 64, 0, 0, 0, 0];
    pseudowire.extend_from_slice(&eth(0x0800, &inner_udp()));
    let mpls = decoded_eth(0x8847, &pseudowire);
    assert_eq!(protos(&mpls), ["eth", "mpls", "ip", "udp"]);
    assert_eq!(
        decoded_eth(0x8847, &[0, 0, 0x10, 64]).stop,
        Some(Layer::Link)
    );
}
