//! Frames of an office network's traffic: addresses, link-layer wrapping, sessions.

use std::io;

use etherparse::{Icmpv4Type, IpHeaders, PacketBuilder, PacketBuilderStep};

use crate::decode::linktype;

/// 2026-11-02T09:00:00Z, where the samples' clocks start.
pub(super) const EPOCH_NS: i64 = 1_793_610_000_000_000_000;

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.next_u64() % (hi - lo)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// An IP address of either family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ip {
    /// IPv4.
    V4([u8; 4]),
    /// IPv6.
    V6([u8; 16]),
}

/// How a datagram is carried on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Ethernet II.
    Ethernet,
    /// Ethernet with an 802.1Q tag.
    Vlan(u16),
    /// Ethernet with an 802.1ad service tag and an 802.1Q customer tag.
    QinQ(u16, u16),
    /// Linux cooked capture v1.
    Sll,
    /// Linux cooked capture v2.
    Sll2,
    /// BSD loopback (host byte order, little-endian here).
    Null,
    /// Raw IP (LINKTYPE_RAW).
    Raw,
    /// Raw IPv4 or IPv6 (LINKTYPE_IPV4 / LINKTYPE_IPV6 by the datagram's version).
    RawByVersion,
}

/// One frame of a sample: when, which link type, what bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SampleFrame {
    /// Capture time, ns since the epoch.
    pub ts_ns: i64,
    /// LINKTYPE_* value.
    pub linktype: u16,
    /// The frame.
    pub data: Vec<u8>,
}

pub(super) fn mac(ip: &Ip) -> [u8; 6] {
    let b = match ip {
        Ip::V4(a) => [a[0], a[1], a[2], a[3]],
        Ip::V6(a) => [a[12], a[13], a[14], a[15]],
    };
    [0x02, 0x00, b[0], b[1], b[2], b[3]]
}

pub(super) fn ip_step(src: Ip, dst: Ip, ttl: u8) -> PacketBuilderStep<IpHeaders> {
    match (src, dst) {
        (Ip::V4(s), Ip::V4(d)) => PacketBuilder::ipv4(s, d, ttl),
        (Ip::V6(s), Ip::V6(d)) => PacketBuilder::ipv6(s, d, ttl),
        // Mixed families never occur in the scenarios; keep the source family.
        (Ip::V4(s), Ip::V6(_)) => PacketBuilder::ipv4(s, [0; 4], ttl),
        (Ip::V6(s), Ip::V4(_)) => PacketBuilder::ipv6(s, [0; 16], ttl),
    }
}

pub(super) fn build_err(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("building a sample frame: {e}"))
}

/// Wraps an IP datagram (or, for `ethertype` other than IP, any payload) in a link layer.
pub fn wrap(link: Link, src: &Ip, dst: &Ip, ethertype: u16, payload: &[u8]) -> (u16, Vec<u8>) {
    let mut out = Vec::with_capacity(payload.len() + 24);
    let ethernet_header = |out: &mut Vec<u8>, tags: &[(u16, u16)]| {
        out.extend_from_slice(&mac(dst));
        out.extend_from_slice(&mac(src));
        for &(tpid, id) in tags {
            out.extend_from_slice(&tpid.to_be_bytes());
            out.extend_from_slice(&id.to_be_bytes());
        }
        out.extend_from_slice(&ethertype.to_be_bytes());
    };
    let lt = match link {
        Link::Ethernet => {
            ethernet_header(&mut out, &[]);
            linktype::ETHERNET
        }
        Link::Vlan(id) => {
            ethernet_header(&mut out, &[(0x8100, id)]);
            linktype::ETHERNET
        }
        Link::QinQ(outer, inner) => {
            ethernet_header(&mut out, &[(0x88a8, outer), (0x8100, inner)]);
            linktype::ETHERNET
        }
        Link::Sll => {
            out.extend_from_slice(&[0, 4, 0, 1, 0, 6]);
            out.extend_from_slice(&mac(src));
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(&ethertype.to_be_bytes());
            linktype::LINUX_SLL
        }
        Link::Sll2 => {
            out.extend_from_slice(&ethertype.to_be_bytes());
            out.extend_from_slice(&[0, 0, 0, 0, 0, 2, 0, 1, 4, 6]);
            out.extend_from_slice(&mac(src));
            out.extend_from_slice(&[0, 0]);
            linktype::LINUX_SLL2
        }
        Link::Null => {
            let family: u32 = if ethertype == 0x86dd { 30 } else { 2 };
            out.extend_from_slice(&family.to_le_bytes());
            linktype::NULL
        }
        Link::Raw => linktype::RAW,
        Link::RawByVersion => {
            if ethertype == 0x86dd {
                linktype::IPV6
            } else {
                linktype::IPV4
            }
        }
    };
    out.extend_from_slice(payload);
    if lt == linktype::ETHERNET && out.len() < 60 {
        out.resize(60, 0); // Ethernet pads short frames
    }
    (lt, out)
}

/// What one session puts on the wire.
pub(super) struct Session<'a> {
    pub(super) link: Link,
    pub(super) client: Ip,
    pub(super) server: Ip,
    pub(super) rng: &'a mut Rng,
    pub(super) ts: i64,
    pub(super) out: &'a mut Vec<SampleFrame>,
}

impl Session<'_> {
    pub(super) fn ethertype(&self) -> u16 {
        match self.client {
            Ip::V4(_) => 0x0800,
            Ip::V6(_) => 0x86dd,
        }
    }

    pub(super) fn push(&mut self, from_client: bool, datagram: Vec<u8>) {
        let (src, dst) = if from_client {
            (self.client, self.server)
        } else {
            (self.server, self.client)
        };
        let (lt, data) = wrap(self.link, &src, &dst, self.ethertype(), &datagram);
        self.out.push(SampleFrame {
            ts_ns: self.ts,
            linktype: lt,
            data,
        });
    }

    pub(super) fn wait(&mut self, lo_us: u64, hi_us: u64) {
        self.ts += self.rng.range(lo_us, hi_us) as i64 * 1000;
    }

    pub(super) fn endpoints(&self, from_client: bool) -> (Ip, Ip) {
        if from_client {
            (self.client, self.server)
        } else {
            (self.server, self.client)
        }
    }

    pub(super) fn payload(&mut self, len: usize) -> Vec<u8> {
        let seed = self.rng.next_u64();
        (0..len)
            .map(|i| (seed.rotate_left(i as u32 % 64) as u8) | 0x20)
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn tcp(
        &mut self,
        from_client: bool,
        ports: (u16, u16),
        seq: u32,
        ack: Option<u32>,
        flags: &str,
        payload: &[u8],
    ) -> io::Result<()> {
        let (src, dst) = self.endpoints(from_client);
        let (sp, dp) = if from_client {
            ports
        } else {
            (ports.1, ports.0)
        };
        let mut step = ip_step(src, dst, 64).tcp(sp, dp, seq, 64240);
        for f in flags.chars() {
            step = match f {
                'S' => step.syn(),
                'F' => step.fin(),
                'R' => step.rst(),
                'P' => step.psh(),
                _ => step,
            };
        }
        if let Some(a) = ack {
            step = step.ack(a);
        }
        let mut out = Vec::new();
        step.write(&mut out, payload).map_err(build_err)?;
        self.push(from_client, out);
        Ok(())
    }

    /// A handshake from the SYNs' sequence numbers `c` and `s`, `half_rtt_us` each way;
    /// returns the numbers the data starts at.
    pub(super) fn tcp_open(
        &mut self,
        ports: (u16, u16),
        c: u32,
        s: u32,
        half_rtt_us: u64,
    ) -> io::Result<(u32, u32)> {
        self.tcp(true, ports, c, None, "S", &[])?;
        self.wait(half_rtt_us, half_rtt_us + 1);
        self.tcp(false, ports, s, Some(c.wrapping_add(1)), "S", &[])?;
        let (c, s) = (c.wrapping_add(1), s.wrapping_add(1));
        self.wait(half_rtt_us, half_rtt_us + 1);
        self.tcp(true, ports, c, Some(s), "", &[])?;
        Ok((c, s))
    }

    /// An orderly close by the client at sequence numbers `c` and `s`: FIN, FIN, ACK,
    /// `half_rtt_us` apart.
    pub(super) fn tcp_close(
        &mut self,
        ports: (u16, u16),
        c: u32,
        s: u32,
        half_rtt_us: u64,
    ) -> io::Result<()> {
        self.tcp(true, ports, c, Some(s), "F", &[])?;
        self.wait(half_rtt_us, half_rtt_us + 1);
        self.tcp(false, ports, s, Some(c.wrapping_add(1)), "F", &[])?;
        self.wait(half_rtt_us, half_rtt_us + 1);
        self.tcp(
            true,
            ports,
            c.wrapping_add(1),
            Some(s.wrapping_add(1)),
            "",
            &[],
        )
    }

    /// A whole TCP connection: handshake, request/response exchanges, orderly close.
    pub(super) fn tcp_connection(
        &mut self,
        dport: u16,
        exchanges: usize,
        mss: usize,
    ) -> io::Result<()> {
        let ports = (self.rng.range(32768, 61000) as u16, dport);
        let (c, s) = (self.rng.next_u64() as u32, self.rng.next_u64() as u32);
        let rtt = self.rng.range(200, 40_000);
        let (mut c, mut s) = self.tcp_open(ports, c, s, rtt / 2)?;
        for _ in 0..exchanges {
            self.wait(50, 2_000);
            let len = self.rng.range(60, 600) as usize;
            let request = self.payload(len);
            self.tcp(true, ports, c, Some(s), "P", &request)?;
            c = c.wrapping_add(request.len() as u32);
            self.wait(rtt / 2, rtt);
            self.tcp(false, ports, s, Some(c), "", &[])?;
            let mut remaining = self.rng.range(200, 20_000) as usize;
            while remaining > 0 {
                let len = remaining.min(mss);
                let body = self.payload(len);
                self.wait(10, 300);
                let flags = if remaining == len { "P" } else { "" };
                self.tcp(false, ports, s, Some(c), flags, &body)?;
                s = s.wrapping_add(len as u32);
                remaining -= len;
            }
            self.wait(20, 500);
            self.tcp(true, ports, c, Some(s), "", &[])?;
        }
        self.wait(100, 5_000);
        self.tcp_close(ports, c, s, rtt / 2)
    }

    /// A SYN answered by RST/ACK (a closed port), or by nothing at all.
    pub(super) fn rejected_or_unanswered(&mut self, dport: u16, answered: bool) -> io::Result<()> {
        let ports = (self.rng.range(32768, 61000) as u16, dport);
        let seq = self.rng.next_u64() as u32;
        self.tcp(true, ports, seq, None, "S", &[])?;
        if answered {
            self.wait(100, 2_000);
            self.tcp(false, ports, 0, Some(seq.wrapping_add(1)), "R", &[])?;
        }
        Ok(())
    }

    pub(super) fn udp(
        &mut self,
        from_client: bool,
        ports: (u16, u16),
        payload: &[u8],
    ) -> io::Result<()> {
        let (src, dst) = self.endpoints(from_client);
        let (sp, dp) = if from_client {
            ports
        } else {
            (ports.1, ports.0)
        };
        let mut out = Vec::new();
        ip_step(src, dst, 64)
            .udp(sp, dp)
            .write(&mut out, payload)
            .map_err(build_err)?;
        self.push(from_client, out);
        Ok(())
    }

    /// A DNS query and its answer.
    pub(super) fn dns(&mut self) -> io::Result<()> {
        self.dns_lookup(&[b"example", b"org"], false)
    }

    /// A DNS query for the A record of the name of `labels`, answered with an address, or with
    /// NXDOMAIN and no answer when `nx`.
    pub(super) fn dns_lookup(&mut self, labels: &[&[u8]], nx: bool) -> io::Result<()> {
        let ports = (self.rng.range(1024, 65535) as u16, 53);
        let id = self.rng.next_u64() as u16;
        let name = String::from_utf8_lossy(&labels.join(&b'.')).into_owned();
        let query = super::app::dns_query(id, &name, 1);
        self.udp(true, ports, &query)?;
        self.wait(300, 30_000);
        let mut answer = query.clone();
        answer[2] = 0x81;
        if nx {
            answer[3] = 0x83;
        } else {
            answer[3] = 0x80;
            answer[7] = 1;
            answer.extend_from_slice(&[
                0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 93, 184, 215, 14,
            ]);
        }
        self.udp(false, ports, &answer)
    }

    /// ICMP or ICMPv6 echo requests, each answered unless `lost`.
    pub(super) fn ping(&mut self, count: u16, lost: bool) -> io::Result<()> {
        let id = self.rng.next_u64() as u16;
        for seq in 1..=count {
            let data = self.payload(56);
            let (c, s) = (self.client, self.server);
            let mut out = Vec::new();
            let request = ip_step(c, s, 64);
            match c {
                Ip::V4(_) => request.icmpv4_echo_request(id, seq).write(&mut out, &data),
                Ip::V6(_) => request.icmpv6_echo_request(id, seq).write(&mut out, &data),
            }
            .map_err(build_err)?;
            self.push(true, out);
            if !lost {
                self.wait(200, 20_000);
                let mut out = Vec::new();
                let reply = ip_step(s, c, 64);
                match c {
                    Ip::V4(_) => reply.icmpv4_echo_reply(id, seq).write(&mut out, &data),
                    Ip::V6(_) => reply.icmpv6_echo_reply(id, seq).write(&mut out, &data),
                }
                .map_err(build_err)?;
                self.push(false, out);
            }
            self.wait(100_000, 100_001);
        }
        Ok(())
    }

    /// A UDP datagram to a closed port, answered by ICMP port unreachable quoting it.
    pub(super) fn port_unreachable(&mut self) -> io::Result<()> {
        let ports = (self.rng.range(33000, 34000) as u16, 33434);
        let mut probe = Vec::new();
        ip_step(self.client, self.server, 64)
            .udp(ports.0, ports.1)
            .write(&mut probe, &[0; 12])
            .map_err(build_err)?;
        self.push(true, probe.clone());
        self.wait(100, 5_000);
        let mut out = Vec::new();
        ip_step(self.server, self.client, 64)
            .icmpv4(Icmpv4Type::DestinationUnreachable(
                etherparse::icmpv4::DestUnreachableHeader::Port,
            ))
            .write(&mut out, &probe[..28])
            .map_err(build_err)?;
        self.push(false, out);
        Ok(())
    }

    /// An ARP request and its reply (IPv4 sessions on link types that carry ARP).
    pub(super) fn arp(&mut self) {
        let (Ip::V4(c), Ip::V4(s)) = (self.client, self.server) else {
            return;
        };
        if matches!(self.link, Link::Null | Link::Raw | Link::RawByVersion) {
            return;
        }
        let body = |op: u8, sha: [u8; 6], spa: [u8; 4], tha: [u8; 6], tpa: [u8; 4]| {
            let mut b = vec![0, 1, 8, 0, 6, 4, 0, op];
            b.extend_from_slice(&sha);
            b.extend_from_slice(&spa);
            b.extend_from_slice(&tha);
            b.extend_from_slice(&tpa);
            b
        };
        let (cm, sm) = (mac(&self.client), mac(&self.server));
        let request = body(1, cm, c, [0; 6], s);
        let (lt, data) = wrap(self.link, &self.client, &self.server, 0x0806, &request);
        self.out.push(SampleFrame {
            ts_ns: self.ts,
            linktype: lt,
            data,
        });
        self.wait(50, 1_000);
        let reply = body(2, sm, s, cm, c);
        let (lt, data) = wrap(self.link, &self.server, &self.client, 0x0806, &reply);
        self.out.push(SampleFrame {
            ts_ns: self.ts,
            linktype: lt,
            data,
        });
    }

    /// One UDP datagram sent as two IPv4 fragments.
    pub(super) fn fragmented_udp(&mut self) -> io::Result<()> {
        let payload = self.payload(1800);
        let mut whole = Vec::new();
        ip_step(self.client, self.server, 64)
            .udp(5004, 5004)
            .write(&mut whole, &payload)
            .map_err(build_err)?;
        let ihl = usize::from(whole[0] & 0x0f) * 4;
        let data = &whole[ihl..];
        let split = 1480;
        for (offset, chunk, more) in [(0, &data[..split], true), (split, &data[split..], false)] {
            let mut frag = whole[..ihl].to_vec();
            let total = (ihl + chunk.len()) as u16;
            frag[2..4].copy_from_slice(&total.to_be_bytes());
            let field = ((offset / 8) as u16) | if more { 0x2000 } else { 0 };
            frag[6..8].copy_from_slice(&field.to_be_bytes());
            frag[10..12].copy_from_slice(&[0, 0]);
            let sum = ipv4_checksum(&frag[..ihl]);
            frag[10..12].copy_from_slice(&sum.to_be_bytes());
            frag.extend_from_slice(chunk);
            self.push(true, frag);
            self.wait(5, 50);
        }
        Ok(())
    }
}

pub(super) fn ipv4_checksum(header: &[u8]) -> u16 {
    let mut sum: u32 = header
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

pub(super) fn v4(last: u8, net: [u8; 3]) -> Ip {
    Ip::V4([net[0], net[1], net[2], last])
}

pub(super) fn v6(group: u16, last: u8) -> Ip {
    let mut a = [0u8; 16];
    a[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
    a[4..6].copy_from_slice(&group.to_be_bytes());
    a[15] = last;
    Ip::V6(a)
}

/// The traffic of one sample: a few seconds of an office network's mix.
pub(super) fn office_traffic(
    link_for: &dyn Fn(usize) -> Link,
    seed: u64,
) -> io::Result<Vec<SampleFrame>> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    let clients: Vec<Ip> = (10..16).map(|i| v4(i, [10, 1, 0])).collect();
    let web = v4(10, [192, 0, 2]);
    let web2 = v4(7, [198, 51, 100]);
    let resolver = v4(53, [192, 0, 2]);
    let mut start = EPOCH_NS;
    let mut next = |rng: &mut Rng| {
        start += rng.range(20_000, 400_000) as i64 * 1000;
        start
    };
    for i in 0..28 {
        let client = clients[i % clients.len()];
        let ts = next(&mut rng);
        let mut s = Session {
            link: link_for(i),
            client,
            server: resolver,
            rng: &mut rng,
            ts,
            out: &mut out,
        };
        match i % 7 {
            0 | 3 => {
                s.server = if i % 2 == 0 { web } else { web2 };
                s.tcp_connection(if i % 2 == 0 { 443 } else { 80 }, 1 + i % 3, 1448)?;
            }
            1 | 4 => s.dns()?,
            2 => {
                s.server = web2;
                s.ping(3, i == 9)?;
            }
            5 => {
                s.server = web;
                s.rejected_or_unanswered(23 + i as u16, i % 2 == 0)?;
                s.arp();
            }
            _ => {
                s.server = web2;
                if i == 6 {
                    s.fragmented_udp()?;
                }
                s.port_unreachable()?;
            }
        }
    }
    // IPv6: two connections, a ping, a DNS exchange.
    for i in 0..4 {
        let ts = next(&mut rng);
        let mut s = Session {
            link: link_for(100 + i),
            client: v6(1, 0x10 + i as u8),
            server: v6(2, 0x80),
            rng: &mut rng,
            ts,
            out: &mut out,
        };
        if i == 2 {
            s.ping(2, false)?;
        } else if i == 3 {
            s.server = v6(2, 0x53);
            s.dns()?;
        } else {
            s.tcp_connection(443, 2, 1428)?;
        }
    }
    out.sort();
    Ok(out)
}
