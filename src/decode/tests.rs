//! Decoder tests on frames built by etherparse, an encoder we did not write, and on literal bytes.

use super::*;
use etherparse::PacketBuilder;

const MAC_A: [u8; 6] = [2, 0, 0, 0, 0, 1];
const MAC_B: [u8; 6] = [2, 0, 0, 0, 0, 2];

fn build(builder: etherparse::PacketBuilderStep<etherparse::UdpHeader>, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    builder.write(&mut out, payload).expect("write");
    out
}

fn protos(f: &Frame) -> Vec<&'static str> {
    f.protos.iter().map(Proto::name).collect()
}

#[test]
fn ethernet_qinq_ipv4_udp_dns() {
    let frame = build(
        PacketBuilder::ethernet2(MAC_A, MAC_B)
            .double_vlan(
                etherparse::VlanId::try_new(10).expect("id"),
                etherparse::VlanId::try_new(20).expect("id"),
            )
            .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
            .udp(40000, 53),
        b"query",
    );
    let f = decode(linktype::ETHERNET, &frame);
    assert_eq!(
        protos(&f),
        ["eth", "vlan", "ieee8021ad", "ip", "udp", "dns"]
    );
    assert_eq!(f.outer.ip_version, 4);
    assert_eq!(to_ip(4, f.outer.src).to_string(), "10.0.0.1");
    assert_eq!(
        (f.outer.sport, f.outer.dport, f.outer.payload_len),
        (40000, 53, 5)
    );
    assert!(f.stop.is_none());
}

#[test]
fn ipv6_tcp_flags_and_payload() {
    let mut out = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv6([0xfe; 16], [0x20; 16], 64)
        .tcp(443, 50000, 7, 1024)
        .syn()
        .ack(9)
        .write(&mut out, &[1, 2, 3])
        .expect("write");
    let f = decode(linktype::ETHERNET, &out);
    assert_eq!(protos(&f), ["eth", "ipv6", "tcp"]);
    assert_eq!(f.outer.tcp_flags, tcp_flags::SYN | tcp_flags::ACK);
    assert_eq!(
        (f.outer.payload_len, f.outer.tcp_window, f.outer.ip_len),
        (3, 1024, 40 + 20 + 3)
    );
}

#[test]
fn icmp_error_quoting_udp_counts_udp_but_keys_on_the_outer_header() {
    let quoted = build(
        PacketBuilder::ipv4([192, 0, 2, 9], [198, 51, 100, 7], 1).udp(1234, 33434),
        &[],
    );
    let mut out = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv4([198, 51, 100, 1], [192, 0, 2, 9], 64)
        .icmpv4(etherparse::Icmpv4Type::TimeExceeded(
            etherparse::icmpv4::TimeExceededCode::TtlExceededInTransit,
        ))
        .write(&mut out, &quoted)
        .expect("write");
    let f = decode(linktype::ETHERNET, &out);
    assert_eq!(protos(&f), ["eth", "ip", "icmp", "udp"]);
    assert_eq!(to_ip(4, f.outer.src).to_string(), "198.51.100.1");
    assert_eq!(f.outer.ip_proto, ip_proto::ICMP);
    assert_eq!(f.inner.ip_version, 0, "a quoted datagram is not a flow");
    assert_eq!(f.ip_layers().len(), 1);
    assert_eq!(f.outer.icmp_type(), Some(11));
}

#[test]
fn vxlan_and_gre_tunnels_are_followed() {
    let inner = build(
        PacketBuilder::ethernet2(MAC_B, MAC_A)
            .ipv4([172, 16, 0, 1], [172, 16, 0, 2], 64)
            .udp(1, 2),
        b"x",
    );
    let mut vx = vec![0x08, 0, 0, 0, 0, 0, 1, 0];
    vx.extend(&inner);
    let outer = build(
        PacketBuilder::ethernet2(MAC_A, MAC_B)
            .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
            .udp(55555, 4789),
        &vx,
    );
    let f = decode(linktype::ETHERNET, &outer);
    assert_eq!(protos(&f), ["eth", "ip", "udp", "vxlan"]);
    assert_eq!(to_ip(4, f.outer.src).to_string(), "10.0.0.1");
    assert_eq!(f.outer.dport, 4789);
    assert_eq!(to_ip(4, f.inner.src).to_string(), "172.16.0.1");
    assert_eq!((f.inner.sport, f.inner.dport), (1, 2));
    assert_eq!(f.ip_layers().len(), 2);

    // GRE (key present) carrying IPv4 carrying ICMP echo.
    let mut gre = vec![0x20, 0x00, 0x08, 0x00, 0, 0, 0, 42];
    let mut icmp = Vec::new();
    PacketBuilder::ipv4([1, 1, 1, 1], [2, 2, 2, 2], 9)
        .icmpv4_echo_request(7, 8)
        .write(&mut icmp, &[])
        .expect("write");
    gre.extend(&icmp);
    let mut ip = vec![
        0x45,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        64,
        ip_proto::GRE,
        0,
        0,
        9,
        9,
        9,
        9,
        8,
        8,
        8,
        8,
    ];
    let total = (ip.len() + gre.len()) as u16;
    ip[2..4].copy_from_slice(&total.to_be_bytes());
    ip.extend(&gre);
    let f = decode(linktype::RAW, &ip);
    assert_eq!(protos(&f), ["ip", "icmp", "gre"]);
    assert_eq!(f.outer.ip_proto, ip_proto::GRE);
    assert!(!f.outer.has_transport);
    assert_eq!(f.innermost().icmp_type(), Some(8));
}

#[test]
fn sll_sll2_null_loop_and_raw() {
    let ip = build(
        PacketBuilder::ipv4([1, 2, 3, 4], [5, 6, 7, 8], 1).udp(9, 10),
        &[],
    );
    let mut sll = vec![0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00];
    sll.extend(&ip);
    assert_eq!(
        protos(&decode(linktype::LINUX_SLL, &sll)),
        ["sll", "ip", "udp"]
    );
    let mut sll2 = vec![
        0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0,
    ];
    sll2.extend(&ip);
    assert_eq!(
        protos(&decode(linktype::LINUX_SLL2, &sll2)),
        ["sll", "ip", "udp"]
    );
    let mut null = 2u32.to_le_bytes().to_vec();
    null.extend(&ip);
    assert_eq!(
        protos(&decode(linktype::NULL, &null)),
        ["null", "ip", "udp"]
    );
    let mut null_be = 2u32.to_be_bytes().to_vec();
    null_be.extend(&ip);
    assert_eq!(
        protos(&decode(linktype::NULL, &null_be)),
        ["null", "ip", "udp"]
    );
    assert_eq!(
        protos(&decode(linktype::LOOP, &null_be)),
        ["null", "ip", "udp"]
    );
    assert_eq!(protos(&decode(linktype::IPV4, &ip)), ["ip", "udp"]);
}

#[test]
fn truncated_headers_stop_at_their_layer() {
    let frame = build(
        PacketBuilder::ethernet2(MAC_A, MAC_B)
            .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
            .udp(1, 2),
        &[0; 10],
    );
    assert_eq!(
        decode(linktype::ETHERNET, &frame[..10]).stop,
        Some(Layer::Link)
    );
    let f = decode(linktype::ETHERNET, &frame[..20]);
    assert_eq!(
        (f.stop, protos(&f)),
        (Some(Layer::Network), vec!["eth", "ip"])
    );
    let f = decode(linktype::ETHERNET, &frame[..38]);
    assert_eq!(f.stop, Some(Layer::Transport));
    assert_eq!(protos(&f), ["eth", "ip", "udp"]);
}

#[test]
fn whole_fragments_are_left_to_reassembly_and_cut_ones_are_dissected_as_wireshark_does() {
    let mut first = build(
        PacketBuilder::ipv4([1, 1, 1, 1], [2, 2, 2, 2], 9).udp(5, 53),
        &[0; 16],
    );
    first[6] = 0x20; // MF, offset 0
    let f = decode(linktype::RAW, &first);
    assert_eq!(protos(&f), ["ip"]);
    let info = f.fragment.expect("a whole fragment is reported");
    assert_eq!(
        (info.offset, info.more, info.proto),
        (0, true, ip_proto::UDP)
    );
    assert_eq!((info.data_start, info.data_len), (20, 24));
    let mut last = first.clone();
    last[6] = 0x00;
    last[7] = 0x03; // offset 24, no MF
    let f = decode(linktype::RAW, &last);
    assert_eq!(protos(&f), ["ip"]);
    assert_eq!(f.fragment.map(|i| (i.offset, i.more)), Some((24, false)));
    assert!(f.outer.later_fragment && !f.outer.has_transport);

    // The datagram once joined: its transport, as the completing frame will count it.
    let joined = decode_datagram(4, f.outer.src, f.outer.dst, ip_proto::UDP, &first[20..]);
    assert_eq!(protos(&joined), ["udp", "dns"]);
    assert_eq!((joined.outer.sport, joined.outer.dport), (5, 53));

    // Cut short by the snapshot length, the first fragment is not reassembled but dissected.
    let cut = decode(linktype::RAW, &first[..30]);
    assert_eq!(protos(&cut), ["ip", "udp", "dns"]);
    assert!(cut.fragment.is_none());
}

#[test]
fn pppoe_and_mpls() {
    let ip = build(
        PacketBuilder::ipv4([1, 1, 1, 1], [2, 2, 2, 2], 9).udp(5, 6),
        &[],
    );
    let mut eth = vec![0u8; 12];
    eth.extend(0x8864u16.to_be_bytes());
    eth.extend([0x11, 0, 0, 1]);
    eth.extend(((ip.len() + 2) as u16).to_be_bytes());
    eth.extend(0x0021u16.to_be_bytes());
    eth.extend(&ip);
    let f = decode(linktype::ETHERNET, &eth);
    assert_eq!(protos(&f), ["eth", "pppoes", "ppp", "ip", "udp"]);

    let mut mpls = vec![0u8; 12];
    mpls.extend(0x8847u16.to_be_bytes());
    mpls.extend([0, 0, 0x10, 64, 0, 0, 0x21, 64]); // two labels, bottom of stack on the second
    mpls.extend(&ip);
    let f = decode(linktype::ETHERNET, &mpls);
    assert_eq!(protos(&f), ["eth", "mpls", "ip", "udp"]);
}

#[test]
fn unknown_link_types_decode_nothing() {
    let f = decode(127, &[0; 64]);
    assert_eq!(f, Frame::default());
}

mod no_panic {
    use super::*;
    use proptest::prelude::*;

    const LINK_TYPES: [u16; 13] = [0, 1, 9, 12, 14, 50, 51, 101, 108, 113, 228, 229, 276];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn decoding_arbitrary_bytes_never_panics(lt in proptest::sample::select(LINK_TYPES.to_vec()), bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let f = decode(lt, &bytes);
            prop_assert!(f.ip_layers().len() <= MAX_IP_LAYERS);
        }

        #[test]
        fn a_reused_frame_decodes_like_a_fresh_one(
            lt in proptest::sample::select(LINK_TYPES.to_vec()),
            first in proptest::collection::vec(any::<u8>(), 0..200),
            second in proptest::collection::vec(any::<u8>(), 0..200),
        ) {
            let mut reused = decode(lt, &first);
            decode_into(&mut reused, lt, &second);
            let fresh = decode(lt, &second);
            prop_assert_eq!(reused.protos, fresh.protos);
            prop_assert_eq!(reused.stop, fresh.stop);
            prop_assert_eq!(reused.ip_layers(), fresh.ip_layers());
            let flows = |f: &Frame| f.flows().copied().collect::<Vec<_>>();
            prop_assert_eq!(flows(&reused), flows(&fresh));
        }

        #[test]
        fn decoding_mutated_real_frames_never_panics(flip in proptest::collection::vec((0usize..120, any::<u8>()), 1..8), cut in 0usize..140) {
            let mut frame = Vec::new();
            PacketBuilder::ethernet2(MAC_A, MAC_B)
                .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
                .tcp(1, 2, 3, 4)
                .write(&mut frame, &[0x55; 60])
                .expect("write");
            for (at, v) in flip {
                if let Some(b) = frame.get_mut(at) {
                    *b = v;
                }
            }
            frame.truncate(cut);
            let _ = decode(linktype::ETHERNET, &frame);
        }
    }
}

#[test]
fn a_frame_decoded_into_a_used_frame_shows_nothing_of_the_one_before() {
    let mut tcp = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
        .tcp(40000, 80, 7, 1024)
        .syn()
        .write(&mut tcp, b"")
        .expect("write");
    // An ARP request: no IP, no transport.
    let mut arp = vec![0xff; 6];
    arp.extend(MAC_A);
    arp.extend([0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1]);
    arp.extend(MAC_A);
    arp.extend([10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2]);
    let mut frame = Frame::default();
    decode_into(&mut frame, linktype::ETHERNET, &tcp);
    assert!(frame.innermost().has_transport);
    decode_into(&mut frame, linktype::ETHERNET, &arp);
    let fresh = decode(linktype::ETHERNET, &arp);
    assert_eq!(
        (frame.protos, frame.stop, frame.outer, frame.inner),
        (fresh.protos, fresh.stop, fresh.outer, fresh.inner)
    );
    assert_eq!(frame.ip_layers(), fresh.ip_layers());
    assert!(
        !frame.innermost().has_transport,
        "the TCP header of the frame before"
    );
    assert_eq!(frame.innermost().tcp_flags, 0);
}
