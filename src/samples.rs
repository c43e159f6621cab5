//! The project's own captures: deterministic sample files for every supported format and link
//! type, and large realistic captures for benchmarks.
//!
//! Frames are built with `etherparse` and written with `pcap-file`, code independent of our
//! readers and decoder, so that reading the samples back checks ours (and tshark checks both).
//! The same seed always gives the same bytes.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use etherparse::{Icmpv4Type, IpHeaders, PacketBuilder, PacketBuilderStep};
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::{DataLink, Endianness, TsResolution};

use crate::decode::linktype;

/// 2026-11-02T09:00:00Z, where the samples' clocks start.
const EPOCH_NS: i64 = 1_793_610_000_000_000_000;

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

fn mac(ip: &Ip) -> [u8; 6] {
    let b = match ip {
        Ip::V4(a) => [a[0], a[1], a[2], a[3]],
        Ip::V6(a) => [a[12], a[13], a[14], a[15]],
    };
    [0x02, 0x00, b[0], b[1], b[2], b[3]]
}

fn ip_step(src: Ip, dst: Ip, ttl: u8) -> PacketBuilderStep<IpHeaders> {
    match (src, dst) {
        (Ip::V4(s), Ip::V4(d)) => PacketBuilder::ipv4(s, d, ttl),
        (Ip::V6(s), Ip::V6(d)) => PacketBuilder::ipv6(s, d, ttl),
        // Mixed families never occur in the scenarios; keep the source family.
        (Ip::V4(s), Ip::V6(_)) => PacketBuilder::ipv4(s, [0; 4], ttl),
        (Ip::V6(s), Ip::V4(_)) => PacketBuilder::ipv6(s, [0; 16], ttl),
    }
}

fn build_err(e: impl std::fmt::Display) -> io::Error {
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
struct Session<'a> {
    link: Link,
    client: Ip,
    server: Ip,
    rng: &'a mut Rng,
    ts: i64,
    out: &'a mut Vec<SampleFrame>,
}

impl Session<'_> {
    fn ethertype(&self) -> u16 {
        match self.client {
            Ip::V4(_) => 0x0800,
            Ip::V6(_) => 0x86dd,
        }
    }

    fn push(&mut self, from_client: bool, datagram: Vec<u8>) {
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

    fn wait(&mut self, lo_us: u64, hi_us: u64) {
        self.ts += self.rng.range(lo_us, hi_us) as i64 * 1000;
    }

    fn endpoints(&self, from_client: bool) -> (Ip, Ip) {
        if from_client {
            (self.client, self.server)
        } else {
            (self.server, self.client)
        }
    }

    fn payload(&mut self, len: usize) -> Vec<u8> {
        let seed = self.rng.next_u64();
        (0..len)
            .map(|i| (seed.rotate_left(i as u32 % 64) as u8) | 0x20)
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn tcp(
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

    /// A whole TCP connection: handshake, request/response exchanges, orderly close.
    fn tcp_connection(&mut self, dport: u16, exchanges: usize, mss: usize) -> io::Result<()> {
        let ports = (self.rng.range(32768, 61000) as u16, dport);
        let (mut c, mut s) = (self.rng.next_u64() as u32, self.rng.next_u64() as u32);
        let rtt = self.rng.range(200, 40_000);
        self.tcp(true, ports, c, None, "S", &[])?;
        self.wait(rtt / 2, rtt / 2 + 1);
        self.tcp(false, ports, s, Some(c.wrapping_add(1)), "S", &[])?;
        c = c.wrapping_add(1);
        s = s.wrapping_add(1);
        self.wait(rtt / 2, rtt / 2 + 1);
        self.tcp(true, ports, c, Some(s), "", &[])?;
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
        self.tcp(true, ports, c, Some(s), "F", &[])?;
        self.wait(rtt / 2, rtt / 2 + 1);
        self.tcp(false, ports, s, Some(c.wrapping_add(1)), "F", &[])?;
        self.wait(rtt / 2, rtt / 2 + 1);
        self.tcp(
            true,
            ports,
            c.wrapping_add(1),
            Some(s.wrapping_add(1)),
            "",
            &[],
        )
    }

    /// A SYN answered by RST/ACK (a closed port), or by nothing at all.
    fn rejected_or_unanswered(&mut self, dport: u16, answered: bool) -> io::Result<()> {
        let ports = (self.rng.range(32768, 61000) as u16, dport);
        let seq = self.rng.next_u64() as u32;
        self.tcp(true, ports, seq, None, "S", &[])?;
        if answered {
            self.wait(100, 2_000);
            self.tcp(false, ports, 0, Some(seq.wrapping_add(1)), "R", &[])?;
        }
        Ok(())
    }

    fn udp(&mut self, from_client: bool, ports: (u16, u16), payload: &[u8]) -> io::Result<()> {
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
    fn dns(&mut self) -> io::Result<()> {
        let ports = (self.rng.range(1024, 65535) as u16, 53);
        let id = self.rng.next_u64() as u16;
        let mut query = id.to_be_bytes().to_vec();
        query.extend_from_slice(&[1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        query.extend_from_slice(b"\x07example\x03org\x00\x00\x01\x00\x01");
        self.udp(true, ports, &query)?;
        self.wait(300, 30_000);
        let mut answer = query.clone();
        answer[2] = 0x81;
        answer[3] = 0x80;
        answer[7] = 1;
        answer.extend_from_slice(&[
            0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 93, 184, 215, 14,
        ]);
        self.udp(false, ports, &answer)
    }

    /// ICMP or ICMPv6 echo requests, each answered unless `lost`.
    fn ping(&mut self, count: u16, lost: bool) -> io::Result<()> {
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
    fn port_unreachable(&mut self) -> io::Result<()> {
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
    fn arp(&mut self) {
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
    fn fragmented_udp(&mut self) -> io::Result<()> {
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

fn ipv4_checksum(header: &[u8]) -> u16 {
    let mut sum: u32 = header
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn v4(last: u8, net: [u8; 3]) -> Ip {
    Ip::V4([net[0], net[1], net[2], last])
}

fn v6(group: u16, last: u8) -> Ip {
    let mut a = [0u8; 16];
    a[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
    a[4..6].copy_from_slice(&group.to_be_bytes());
    a[15] = last;
    Ip::V6(a)
}

/// The traffic of one sample: a few seconds of an office network's mix.
fn office_traffic(link_for: &dyn Fn(usize) -> Link, seed: u64) -> io::Result<Vec<SampleFrame>> {
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

/// Writes frames of one link type as a classic pcap file.
fn write_pcap(
    path: &Path,
    frames: &[SampleFrame],
    endianness: Endianness,
    ts_resolution: TsResolution,
) -> io::Result<()> {
    let datalink = DataLink::from(u32::from(frames.first().map_or(1, |f| f.linktype)));
    let header = PcapHeader {
        version_major: 2,
        version_minor: 4,
        ts_correction: 0,
        ts_accuracy: 0,
        snaplen: 262_144,
        datalink,
        ts_resolution,
        endianness,
    };
    let file = BufWriter::new(File::create(path)?);
    let mut writer = PcapWriter::with_header(file, header).map_err(io::Error::other)?;
    for f in frames {
        let ts = Duration::from_nanos(f.ts_ns as u64);
        let packet = PcapPacket::new(ts, f.data.len() as u32, &f.data);
        writer.write_packet(&packet).map_err(io::Error::other)?;
    }
    writer.into_writer().flush()
}

/// A pcapng file written block by block in the byte order of the section being written:
/// sections, interfaces of different link types and timestamp resolutions, Enhanced, obsolete
/// and Simple Packet Blocks, comments. The samples here and the reader's tests use it.
pub(crate) struct PcapNgBuilder {
    pub(crate) out: Vec<u8>,
    big_endian: bool,
}

impl PcapNgBuilder {
    pub(crate) fn new() -> PcapNgBuilder {
        PcapNgBuilder {
            out: Vec::new(),
            big_endian: false,
        }
    }

    fn u16(&self, v: u16) -> [u8; 2] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    pub(crate) fn u32(&self, v: u32) -> [u8; 4] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    /// A block of any type around `body`, padded to 4 bytes.
    pub(crate) fn block(&mut self, block_type: u32, body: &[u8]) {
        let mut body = body.to_vec();
        while !body.len().is_multiple_of(4) {
            body.push(0);
        }
        let len = (body.len() + 12) as u32;
        let (t, l) = (self.u32(block_type), self.u32(len));
        self.out.extend_from_slice(&t);
        self.out.extend_from_slice(&l);
        self.out.extend_from_slice(&body);
        self.out.extend_from_slice(&l);
    }

    fn option(&self, code: u16, value: &[u8], body: &mut Vec<u8>) {
        body.extend_from_slice(&self.u16(code));
        body.extend_from_slice(&self.u16(value.len() as u16));
        body.extend_from_slice(value);
        while !body.len().is_multiple_of(4) {
            body.push(0);
        }
    }

    /// A Section Header Block, with a comment option when `comment` is given.
    pub(crate) fn section(&mut self, big_endian: bool, comment: Option<&str>) {
        self.big_endian = big_endian;
        let mut body = self.u32(0x1A2B_3C4D).to_vec();
        body.extend_from_slice(&self.u16(1));
        body.extend_from_slice(&self.u16(0));
        body.extend_from_slice(&[0xff; 8]);
        if let Some(comment) = comment {
            self.option(1, comment.as_bytes(), &mut body);
            self.option(0, &[], &mut body);
        }
        self.block(0x0A0D_0D0A, &body);
    }

    /// An Interface Description Block.
    pub(crate) fn interface(&mut self, linktype: u16, tsresol: Option<u8>, name: Option<&str>) {
        let mut body = self.u16(linktype).to_vec();
        body.extend_from_slice(&self.u16(0));
        body.extend_from_slice(&self.u32(0));
        if let Some(name) = name {
            self.option(2, name.as_bytes(), &mut body);
        }
        if let Some(r) = tsresol {
            self.option(9, &[r], &mut body);
        }
        self.option(0, &[], &mut body);
        self.block(1, &body);
    }

    /// An Enhanced Packet Block, or the obsolete Packet Block when `obsolete`; `ticks` in the
    /// interface's time unit.
    pub(crate) fn packet(
        &mut self,
        iface: u32,
        ticks: u64,
        data: &[u8],
        orig_len: u32,
        comment: Option<&str>,
        obsolete: bool,
    ) {
        let mut body = if obsolete {
            let mut b = self.u16(iface as u16).to_vec();
            b.extend_from_slice(&self.u16(0));
            b
        } else {
            self.u32(iface).to_vec()
        };
        body.extend_from_slice(&self.u32((ticks >> 32) as u32));
        body.extend_from_slice(&self.u32(ticks as u32));
        body.extend_from_slice(&self.u32(data.len() as u32));
        body.extend_from_slice(&self.u32(orig_len));
        body.extend_from_slice(data);
        while !body.len().is_multiple_of(4) {
            body.push(0);
        }
        if let Some(c) = comment {
            self.option(1, c.as_bytes(), &mut body);
            self.option(0, &[], &mut body);
        }
        self.block(if obsolete { 2 } else { 6 }, &body);
    }

    fn enhanced(&mut self, iface: u32, units: u64, frame: &SampleFrame, comment: Option<&str>) {
        let ticks = (frame.ts_ns as u128 * u128::from(units) / 1_000_000_000) as u64;
        let len = frame.data.len() as u32;
        self.packet(iface, ticks, &frame.data, len, comment, false);
    }

    /// A Simple Packet Block.
    pub(crate) fn simple(&mut self, data: &[u8]) {
        let mut body = self.u32(data.len() as u32).to_vec();
        body.extend_from_slice(data);
        self.block(3, &body);
    }
}

/// The folder of `samples/` that holds other formats of captures found beside it.
pub const FORMATS_DIR: &str = "formats";

/// Writes the sample captures into `dir`; returns their paths.
pub fn write_samples(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let mut emit = |name: &str, bytes: Option<&[u8]>| -> PathBuf {
        let path = dir.join(name);
        if let Some(b) = bytes {
            let _ = std::fs::write(&path, b);
        }
        written.push(path.clone());
        path
    };

    // Ethernet with VLAN and QinQ tags mixed in: microsecond little-endian; in `formats/`, the
    // same traffic as nanosecond big-endian and gzip-compressed, for the readers' tests (apart,
    // so that analyzing `samples/*.pcap*` counts each kind of traffic once).
    let ethernet_mix = |i: usize| match i % 9 {
        4 => Link::Vlan(100),
        7 => Link::QinQ(200, 10),
        _ => Link::Ethernet,
    };
    let office = office_traffic(&ethernet_mix, 7)?;
    let p = emit("office-ethernet.pcap", None);
    write_pcap(&p, &office, Endianness::Little, TsResolution::MicroSecond)?;
    std::fs::create_dir_all(dir.join(FORMATS_DIR))?;
    let p = emit(&format!("{FORMATS_DIR}/office-ethernet-ns-be.pcap"), None);
    write_pcap(&p, &office, Endianness::Big, TsResolution::NanoSecond)?;
    let plain = std::fs::read(dir.join("office-ethernet.pcap"))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain)?;
    emit(
        &format!("{FORMATS_DIR}/office-ethernet.pcap.gz"),
        Some(&gz.finish()?),
    );

    for (name, link, seed) in [
        ("linux-sll.pcap", Link::Sll, 11),
        ("linux-sll2.pcap", Link::Sll2, 12),
        ("bsd-loopback.pcap", Link::Null, 13),
        ("raw-ip.pcap", Link::Raw, 14),
    ] {
        let frames = office_traffic(&|_| link, seed)?;
        let p = emit(name, None);
        write_pcap(&p, &frames, Endianness::Little, TsResolution::MicroSecond)?;
    }

    // Raw IPv4 (228) and raw IPv6 (229) need one file each: a pcap has one link type.
    let raw = office_traffic(&|_| Link::RawByVersion, 15)?;
    for (name, lt) in [
        ("raw-ipv4.pcap", linktype::IPV4),
        ("raw-ipv6.pcap", linktype::IPV6),
    ] {
        let frames: Vec<SampleFrame> = raw.iter().filter(|f| f.linktype == lt).cloned().collect();
        let p = emit(name, None);
        write_pcap(&p, &frames, Endianness::Little, TsResolution::MicroSecond)?;
    }

    let p = emit("multi-interface.pcapng", None);
    std::fs::write(&p, multi_interface_pcapng()?)?;

    let p = emit("tunnels.pcap", None);
    write_pcap(
        &p,
        &tunnel_frames()?,
        Endianness::Little,
        TsResolution::MicroSecond,
    )?;
    Ok(written)
}

/// Two sections (little- then big-endian), interfaces of three link types with microsecond,
/// nanosecond and power-of-two timestamp resolutions, Simple Packet Blocks and comments.
fn multi_interface_pcapng() -> io::Result<Vec<u8>> {
    let eth = office_traffic(&|_| Link::Ethernet, 21)?;
    let raw = office_traffic(&|_| Link::Raw, 22)?;
    let sll = office_traffic(&|_| Link::Sll, 23)?;
    let mut b = PcapNgBuilder::new();
    b.section(false, Some("netanalyzer sample: section 1"));
    b.interface(linktype::ETHERNET, None, Some("eth0"));
    b.interface(linktype::RAW, Some(9), Some("tun0"));
    let mut merged: Vec<(i64, u32, &SampleFrame)> = eth
        .iter()
        .take(120)
        .map(|f| (f.ts_ns, 0, f))
        .chain(raw.iter().take(120).map(|f| (f.ts_ns + 1_000, 1, f)))
        .collect();
    merged.sort_by_key(|m| (m.0, m.1));
    for (i, (_, iface, f)) in merged.iter().enumerate() {
        let units = if *iface == 0 {
            1_000_000
        } else {
            1_000_000_000
        };
        let comment = (i % 50 == 0).then_some("a frame with a comment");
        b.enhanced(*iface, units, f, comment);
    }
    b.section(true, Some("netanalyzer sample: section 2, big-endian"));
    b.interface(linktype::LINUX_SLL, Some(0x80 | 20), Some("any"));
    for f in sll.iter().take(60) {
        let shifted = SampleFrame {
            ts_ns: f.ts_ns + 10_000_000_000,
            ..f.clone()
        };
        b.enhanced(0, 1 << 20, &shifted, None);
    }
    b.section(
        false,
        Some("netanalyzer sample: section 3, simple packet blocks"),
    );
    b.interface(linktype::ETHERNET, None, Some("eth1"));
    for f in eth.iter().skip(120).take(10) {
        b.simple(&f.data);
    }
    Ok(b.out)
}

/// Datagrams inside tunnels: GRE, IP-in-IP, 6in4, VXLAN, MPLS, PPPoE, GTP-U.
fn tunnel_frames() -> io::Result<Vec<SampleFrame>> {
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

fn ether_of(v6: bool) -> u16 {
    if v6 {
        0x86dd
    } else {
        0x0800
    }
}

/// An IPv4 header with protocol `proto` around `payload`.
fn outer_ip(src: Ip, dst: Ip, proto: u8, payload: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
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

/// Writes a capture of `packets` frames of a realistic mix for benchmarks: mostly TCP
/// connections, with DNS, ICMP, IPv6 and VLAN-tagged traffic, many hosts and flows, frame sizes
/// from 60 to 1514 bytes. Memory stays small whatever the size (sessions are generated as the
/// clock reaches them).
pub fn write_bench(path: &Path, packets: u64, seed: u64) -> io::Result<()> {
    let mut rng = Rng::new(seed);
    let header = PcapHeader {
        datalink: DataLink::ETHERNET,
        snaplen: 262_144,
        ..PcapHeader::default()
    };
    let file = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut writer = PcapWriter::with_header(file, header).map_err(io::Error::other)?;
    let mut pending: BinaryHeap<Reverse<(i64, u64, Vec<u8>)>> = BinaryHeap::new();
    let mut order = 0u64;
    let mut next_start = EPOCH_NS;
    let mut written = 0;
    let mut scratch = Vec::new();
    while written < packets {
        while pending
            .peek()
            .is_none_or(|Reverse((ts, _, _))| next_start <= *ts)
        {
            scratch.clear();
            bench_session(&mut rng, next_start, &mut scratch)?;
            for f in scratch.drain(..) {
                order += 1;
                pending.push(Reverse((f.ts_ns, order, f.data)));
            }
            // About 20,000 new sessions a second.
            next_start += rng.range(1, 100) as i64 * 1000;
        }
        let Some(Reverse((ts, _, data))) = pending.pop() else {
            break;
        };
        let packet = PcapPacket::new(Duration::from_nanos(ts as u64), data.len() as u32, &data);
        writer.write_packet(&packet).map_err(io::Error::other)?;
        written += 1;
    }
    writer.into_writer().flush()
}

fn bench_session(rng: &mut Rng, ts: i64, out: &mut Vec<SampleFrame>) -> io::Result<()> {
    let host = rng.range(0, 50_000) as u32;
    let v6_client = rng.chance(0.1);
    let link = if rng.chance(0.1) {
        Link::Vlan(rng.range(1, 4095) as u16)
    } else {
        Link::Ethernet
    };
    let (client, server) = if v6_client {
        (v6(1, host as u8), v6(2, rng.range(1, 250) as u8))
    } else {
        (
            Ip::V4([10, (host >> 16) as u8 + 1, (host >> 8) as u8, host as u8]),
            Ip::V4([192, 0, 2, rng.range(1, 250) as u8]),
        )
    };
    let mut s = Session {
        link,
        client,
        server,
        rng,
        ts,
        out,
    };
    let pick = s.rng.range(0, 100);
    match pick {
        0..=69 => {
            let exchanges = s.rng.range(1, 4) as usize;
            s.tcp_connection(443, exchanges, 1448)
        }
        70..=84 => s.dns(),
        85..=91 => {
            let lost = s.rng.chance(0.1);
            s.ping(2, lost)
        }
        92..=96 => {
            let port = s.rng.range(1, 1024) as u16;
            s.rejected_or_unanswered(port, true)
        }
        _ => {
            let ports = (s.rng.range(1024, 65535) as u16, 5004);
            for _ in 0..20 {
                let body = s.payload(172);
                s.udp(true, ports, &body)?;
                s.wait(20_000, 20_001);
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic() {
        let link = |_| Link::Ethernet;
        let a = office_traffic(&link, 5).expect("frames");
        let b = office_traffic(&link, 5).expect("frames");
        assert_eq!(a, b);
        assert!(a.len() > 100);
        assert!(a.windows(2).all(|w| w[0].ts_ns <= w[1].ts_ns));
    }
}
