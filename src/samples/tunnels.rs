//! The tunnel sample's frames.

use super::*;

/// Datagrams inside tunnels: GRE, IP-in-IP, 6in4, VXLAN, MPLS, PPPoE, GTP-U.
pub(super) fn tunnel_frames() -> io::Result<Vec<SampleFrame>> {
    let mut rng = Rng::new(31);
    let outer_a = v4(1, [203, 0, 113]);
    let outer_b = v4(2, [203, 0, 113]);
    let inner = office_traffic(&|_| Link::Raw, 32)?;
    let mut out = Vec::new();
    for (i, f) in inner.iter().enumerate().take(140) {
        let datagram = &f.data;
        let v6_inner = datagram.first().is_some_and(|b| b >> 4 == 6);
        let kind = i % 7;
        let (ethertype, payload) = match kind {
            0 => {
                let mut p = Vec::new();
                let proto: u16 = if v6_inner { 0x86dd } else { 0x0800 };
                let mut gre = vec![0x00, 0x00];
                gre.extend_from_slice(&proto.to_be_bytes());
                gre.extend_from_slice(datagram);
                outer_ip(outer_a, outer_b, 47, &gre, &mut p)?;
                (0x0800, p)
            }
            1 => {
                let mut p = Vec::new();
                outer_ip(
                    outer_a,
                    outer_b,
                    if v6_inner { 41 } else { 4 },
                    datagram,
                    &mut p,
                )?;
                (0x0800, p)
            }
            2 => {
                let (_, inner_eth) = wrap(
                    Link::Ethernet,
                    &outer_a,
                    &outer_b,
                    ether_of(v6_inner),
                    datagram,
                );
                let mut vx = vec![0x08, 0, 0, 0, 0, 0x12, 0x34, 0];
                vx.extend_from_slice(&inner_eth);
                let mut p = Vec::new();
                ip_step(outer_a, outer_b, 64)
                    .udp(rng.range(49152, 65535) as u16, 4789)
                    .write(&mut p, &vx)
                    .map_err(build_err)?;
                (0x0800, p)
            }
            3 => {
                let mut p = vec![0x00, 0x01, 0x21, 0x40, 0x00, 0x02, 0x11, 0x40];
                p[6] = 0x01; // second label is the bottom of the stack
                p.extend_from_slice(datagram);
                (0x8847, p)
            }
            4 => {
                let mut p = vec![0x11, 0x00, 0x00, 0x2a];
                p.extend_from_slice(&((datagram.len() + 2) as u16).to_be_bytes());
                p.extend_from_slice(if v6_inner {
                    &[0x00, 0x57]
                } else {
                    &[0x00, 0x21]
                });
                p.extend_from_slice(datagram);
                (0x8864, p)
            }
            5 => {
                let mut gtp = vec![0x30, 0xff];
                gtp.extend_from_slice(&(datagram.len() as u16).to_be_bytes());
                gtp.extend_from_slice(&0x0000_1234u32.to_be_bytes());
                gtp.extend_from_slice(datagram);
                let mut p = Vec::new();
                ip_step(outer_a, outer_b, 64)
                    .udp(2152, 2152)
                    .write(&mut p, &gtp)
                    .map_err(build_err)?;
                (0x0800, p)
            }
            _ => (ether_of(v6_inner), datagram.clone()),
        };
        let (lt, data) = wrap(Link::Ethernet, &outer_a, &outer_b, ethertype, &payload);
        out.push(SampleFrame {
            ts_ns: f.ts_ns,
            linktype: lt,
            data,
        });
    }
    // PPPoE discovery opens the session.
    let padi = [0x11, 0x09, 0x00, 0x00, 0x00, 0x04, 0x01, 0x01, 0x00, 0x00];
    let (lt, data) = wrap(Link::Ethernet, &outer_b, &outer_a, 0x8863, &padi);
    out.insert(
        0,
        SampleFrame {
            ts_ns: out.first().map_or(EPOCH_NS, |f| f.ts_ns - 1000),
            linktype: lt,
            data,
        },
    );
    Ok(out)
}

pub(super) fn ether_of(v6: bool) -> u16 {
    if v6 {
        0x86dd
    } else {
        0x0800
    }
}

/// An IPv4 header with protocol `proto` around `payload`.
pub(super) fn outer_ip(
    src: Ip,
    dst: Ip,
    proto: u8,
    payload: &[u8],
    out: &mut Vec<u8>,
) -> io::Result<()> {
    let (Ip::V4(s), Ip::V4(d)) = (src, dst) else {
        return Err(build_err("outer tunnel addresses are IPv4"));
    };
    let total = (20 + payload.len()) as u16;
    let mut h = vec![0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, proto, 0, 0];
    h[2..4].copy_from_slice(&total.to_be_bytes());
    h.extend_from_slice(&s);
    h.extend_from_slice(&d);
    let sum = ipv4_checksum(&h);
    h[10..12].copy_from_slice(&sum.to_be_bytes());
    out.extend_from_slice(&h);
    out.extend_from_slice(payload);
    Ok(())
}
