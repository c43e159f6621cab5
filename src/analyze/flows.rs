//! Zeek-style connections: one record per 5-tuple, with `conn_state` and `history` as Zeek's
//! `conn.log` defines them, and the Community ID.
//!
//! A flow is keyed on its endpoints in canonical order (lower address/port first), so batches
//! that see it in either direction agree; who originated it is decided only when it is finished,
//! from its first packet, as Zeek does (a first packet that is a SYN-ACK flips it: `^`).

use std::net::IpAddr;

use crate::decode::{ip_proto, tcp_flags as tf, to_ip, Addr, Flow};

use super::community_id::{community_id, icmp_ports, CommunityId};
use super::short_text::ShortText;

/// Zeek's history: `^` and at most 16 letters.
pub type History = ShortText<17>;

/// A flow's canonical key.
///
/// Packed: 38 bytes rather than the 80 that aligning each address to 16 bytes takes, which
/// makes the flow tables a sixth smaller and their growth and merges that much cheaper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(C, packed(2))]
pub struct FlowKey {
    /// IP version.
    pub version: u8,
    /// IP protocol.
    pub proto: u8,
    lo_addr: Addr,
    lo_port: u16,
    hi_addr: Addr,
    hi_port: u16,
}

impl FlowKey {
    /// The lower (address, port) endpoint.
    pub fn lo(&self) -> (Addr, u16) {
        (self.lo_addr, self.lo_port)
    }

    /// The higher endpoint.
    pub fn hi(&self) -> (Addr, u16) {
        (self.hi_addr, self.hi_port)
    }

    /// The key of the flow `frame` belongs to and the frame's direction (0: lo to hi), or `None`
    /// when the frame carries no IP datagram whose ports can be known.
    #[inline]
    pub fn of(frame: &Flow) -> Option<(FlowKey, usize)> {
        if frame.ip_version == 0 || frame.later_fragment {
            return None;
        }
        let mut one_way = false;
        let (sport, dport) = match frame.ip_proto {
            ip_proto::TCP | ip_proto::UDP | ip_proto::SCTP if frame.has_transport => {
                (frame.sport, frame.dport)
            }
            ip_proto::ICMP | ip_proto::ICMPV6 if frame.has_transport => {
                // A reply's (type, counterpart) is its request's reversed, so both directions of
                // an exchange sort to the same key, as in Community ID.
                let v6 = frame.ip_proto == ip_proto::ICMPV6;
                let (t, other, one) = icmp_ports(v6, frame.sport as u8, frame.dport as u8);
                one_way = one;
                (t, other)
            }
            ip_proto::TCP | ip_proto::UDP | ip_proto::SCTP | ip_proto::ICMP | ip_proto::ICMPV6 => {
                return None
            }
            _ => (0, 0),
        };
        let src = (frame.src, sport);
        let dst = (frame.dst, dport);
        let (lo, hi, dir) = if src <= dst || one_way {
            (src, dst, 0)
        } else {
            (dst, src, 1)
        };
        let key = FlowKey {
            version: frame.ip_version,
            proto: frame.ip_proto,
            lo_addr: lo.0,
            lo_port: lo.1,
            hi_addr: hi.0,
            hi_port: hi.1,
        };
        Some((key, dir))
    }
}

/// History letters, in Zeek's meaning; stored with bit 7 set for the hi-to-lo direction.
const H_SYN: u8 = b'S';
const H_SYNACK: u8 = b'H';
const H_ACK: u8 = b'A';
const H_DATA: u8 = b'D';
const H_FIN: u8 = b'F';
const H_RST: u8 = b'R';
const H_MULTI: u8 = b'Q';
const H_ZERO_WINDOW: u8 = b'W';
const DIR_BIT: u8 = 0x80;

/// What the packets of one flow seen so far add up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowPartial {
    /// Time of the first packet.
    pub first_ts: i64,
    /// Time of the last packet.
    pub last_ts: i64,
    /// Direction of the first packet.
    pub first_dir: u8,
    /// TCP flags of the first packet.
    pub first_flags: u16,
    /// Packets per direction (0: lo to hi).
    pub packets: [u64; 2],
    /// IP bytes (IP header length field) per direction.
    pub ip_bytes: [u64; 2],
    /// Frame bytes on the wire per direction.
    pub frame_bytes: [u64; 2],
    /// Transport payload bytes per direction.
    pub payload: [u64; 2],
    /// Union of TCP flags per direction.
    pub flags: [u16; 2],
    /// Time of the first SYN without ACK per direction.
    pub syn_ts: [i64; 2],
    /// Time of the first SYN-ACK per direction.
    pub synack_ts: [i64; 2],
    /// Time of the first non-SYN packet with ACK per direction.
    pub ack_ts: [i64; 2],
    /// TCP payload bytes by sequence numbers, per direction.
    pub seq_span: [SeqSpan; 2],
    history: [u8; 16],
    history_len: u8,
}

/// The sequence-number span a TCP sender's payload covered, as Zeek measures `orig_bytes`:
/// retransmissions do not count twice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeqSpan {
    /// Sequence number of the first SYN.
    pub syn: Option<u32>,
    /// Sequence number of the first segment with payload.
    pub first: Option<u32>,
    /// Highest sequence number + payload length seen (wrapping, relative to `first`).
    pub end: Option<u32>,
}

impl SeqSpan {
    #[inline]
    fn add(&mut self, syn: bool, seq: u32, payload: u32) {
        if syn && self.syn.is_none() {
            self.syn = Some(seq);
        }
        if payload == 0 {
            return;
        }
        let first = *self.first.get_or_insert(seq);
        let end = seq.wrapping_add(payload);
        self.end = Some(match self.end {
            Some(e) if e.wrapping_sub(first) >= end.wrapping_sub(first) => e,
            _ => end,
        });
    }

    /// Adds `later`, the same sender seen in a later batch.
    fn merge(&mut self, later: &SeqSpan) {
        self.syn = self.syn.or(later.syn);
        let Some(first) = self.first.or(later.first) else {
            return;
        };
        self.first = Some(first);
        self.end = match (self.end, later.end) {
            (Some(a), Some(b)) if a.wrapping_sub(first) >= b.wrapping_sub(first) => Some(a),
            (_, Some(b)) => Some(b),
            (a, None) => a,
        };
    }

    /// Payload bytes the span covers, or `None` when it is not usable (no payload, or the
    /// segments lie before the start by more than half the sequence space).
    pub fn bytes(&self) -> Option<u64> {
        let end = self.end?;
        let start = match self.syn {
            Some(isn) => isn.wrapping_add(1),
            None => self.first?,
        };
        let span = end.wrapping_sub(start);
        (span < 1 << 31).then_some(u64::from(span))
    }
}

/// What a flow needs of one packet: taken by the worker that decoded it, added to the flow by
/// the shard that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Capture time.
    pub ts: i64,
    /// Frame bytes on the wire.
    pub frame_len: u32,
    /// Datagram length from the IP header.
    pub ip_len: u32,
    /// Transport payload length.
    pub payload_len: u32,
    /// TCP sequence number.
    pub tcp_seq: u32,
    /// TCP flags.
    pub tcp_flags: u16,
    /// TCP window field.
    pub tcp_window: u16,
    /// Transport protocol.
    pub ip_proto: u8,
    /// Direction (0: lo to hi).
    pub dir: u8,
}

impl Segment {
    /// The segment of `frame`, sent in direction `dir` at `ts`, `frame_len` bytes on the wire.
    #[inline]
    pub fn of(ts: i64, dir: usize, frame_len: u64, frame: &Flow) -> Segment {
        Segment {
            ts,
            // A frame's original length is a 32-bit field in every capture format.
            frame_len: u32::try_from(frame_len).unwrap_or(u32::MAX),
            ip_len: frame.ip_len,
            payload_len: frame.payload_len,
            tcp_seq: frame.tcp_seq,
            tcp_flags: frame.tcp_flags,
            tcp_window: frame.tcp_window,
            ip_proto: frame.ip_proto,
            dir: dir as u8,
        }
    }
}

/// One packet of the flow `key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowEvent {
    /// The hash of `key`.
    pub hash: u64,
    /// The flow.
    pub key: FlowKey,
    /// The packet.
    pub segment: Segment,
}

impl FlowPartial {
    /// A flow that starts with `frame`, sent in direction `dir`, at `ts`.
    #[inline]
    pub fn new(ts: i64, dir: usize, frame_len: u64, frame: &Flow) -> FlowPartial {
        FlowPartial::start(&Segment::of(ts, dir, frame_len, frame))
    }

    /// A flow that starts with `s`.
    #[inline]
    pub fn start(s: &Segment) -> FlowPartial {
        let mut f = FlowPartial {
            first_ts: s.ts,
            last_ts: s.ts,
            first_dir: s.dir,
            first_flags: s.tcp_flags,
            packets: [0; 2],
            ip_bytes: [0; 2],
            frame_bytes: [0; 2],
            payload: [0; 2],
            flags: [0; 2],
            syn_ts: [i64::MAX; 2],
            synack_ts: [i64::MAX; 2],
            ack_ts: [i64::MAX; 2],
            seq_span: [SeqSpan::default(); 2],
            history: [0; 16],
            history_len: 0,
        };
        f.add_segment(s);
        f
    }

    /// Adds one packet of direction `dir`, `frame_len` bytes on the wire.
    #[inline]
    pub fn add(&mut self, ts: i64, dir: usize, frame_len: u64, frame: &Flow) {
        self.add_segment(&Segment::of(ts, dir, frame_len, frame));
    }

    /// Adds one packet.
    #[inline]
    pub fn add_segment(&mut self, s: &Segment) {
        let (ts, dir) = (s.ts, usize::from(s.dir));
        self.last_ts = self.last_ts.max(ts);
        self.packets[dir] += 1;
        self.frame_bytes[dir] += u64::from(s.frame_len);
        self.ip_bytes[dir] += u64::from(s.ip_len);
        self.payload[dir] += u64::from(s.payload_len);
        match s.ip_proto {
            ip_proto::TCP => self.add_tcp(s),
            ip_proto::UDP if s.payload_len > 0 => self.event(dir, H_DATA),
            _ => {}
        }
    }

    fn add_tcp(&mut self, s: &Segment) {
        let (ts, dir) = (s.ts, usize::from(s.dir));
        let f = s.tcp_flags;
        self.flags[dir] |= f;
        self.seq_span[dir].add(f & tf::SYN != 0, s.tcp_seq, s.payload_len);
        let syn = f & tf::SYN != 0;
        let ack = f & tf::ACK != 0;
        if syn {
            if ack {
                self.synack_ts[dir] = self.synack_ts[dir].min(ts);
                self.event(dir, H_SYNACK);
            } else {
                self.syn_ts[dir] = self.syn_ts[dir].min(ts);
                self.event(dir, H_SYN);
            }
            if f & (tf::FIN | tf::RST) != 0 {
                self.event(dir, H_MULTI);
            }
        } else if ack {
            self.ack_ts[dir] = self.ack_ts[dir].min(ts);
        }
        if ack && s.payload_len == 0 && f & (tf::SYN | tf::FIN | tf::RST) == 0 {
            self.event(dir, H_ACK);
        }
        if s.payload_len > 0 {
            self.event(dir, H_DATA);
        }
        if f & tf::FIN != 0 {
            self.event(dir, H_FIN);
        }
        if f & tf::RST != 0 {
            self.event(dir, H_RST);
        }
        if s.tcp_window == 0 && f & (tf::SYN | tf::RST) == 0 {
            self.event(dir, H_ZERO_WINDOW);
        }
    }

    /// Records the first occurrence of `letter` in direction `dir`.
    #[inline]
    fn event(&mut self, dir: usize, letter: u8) {
        let tagged = if dir == 1 { letter | DIR_BIT } else { letter };
        let len = self.history_len as usize;
        if self.history[..len].contains(&tagged) || len == self.history.len() {
            return;
        }
        self.history[len] = tagged;
        self.history_len += 1;
    }

    /// Adds `later`, the same flow seen in a later batch.
    pub fn merge(&mut self, later: &FlowPartial) {
        self.last_ts = self.last_ts.max(later.last_ts);
        for d in 0..2 {
            self.packets[d] += later.packets[d];
            self.ip_bytes[d] += later.ip_bytes[d];
            self.frame_bytes[d] += later.frame_bytes[d];
            self.payload[d] += later.payload[d];
            self.flags[d] |= later.flags[d];
            self.syn_ts[d] = self.syn_ts[d].min(later.syn_ts[d]);
            self.synack_ts[d] = self.synack_ts[d].min(later.synack_ts[d]);
            self.ack_ts[d] = self.ack_ts[d].min(later.ack_ts[d]);
            self.seq_span[d].merge(&later.seq_span[d]);
        }
        for &h in &later.history[..later.history_len as usize] {
            let (dir, letter) = ((h & DIR_BIT != 0) as usize, h & !DIR_BIT);
            self.event(dir, letter);
        }
    }
}

/// A finished flow, oriented originator to responder.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowRecord {
    /// Time of the first packet, ns.
    pub start_ns: i64,
    /// Last minus first packet time, ns.
    pub duration_ns: i64,
    /// IP protocol.
    pub proto: u8,
    /// Originator address.
    pub orig_h: IpAddr,
    /// Originator port (ICMP: type).
    pub orig_p: u16,
    /// Responder address.
    pub resp_h: IpAddr,
    /// Responder port (ICMP: code or counterpart type).
    pub resp_p: u16,
    /// Payload bytes from the originator.
    pub orig_bytes: u64,
    /// Payload bytes from the responder.
    pub resp_bytes: u64,
    /// Zeek's connection state.
    pub conn_state: &'static str,
    /// Zeek's history string.
    pub history: History,
    /// Packets from the originator.
    pub orig_pkts: u64,
    /// IP bytes from the originator.
    pub orig_ip_bytes: u64,
    /// Packets from the responder.
    pub resp_pkts: u64,
    /// IP bytes from the responder.
    pub resp_ip_bytes: u64,
    /// Community ID v1.
    pub community_id: CommunityId,
    /// SYN to the originator's first ACK, when the three-way handshake was seen in order.
    pub handshake_rtt_ns: Option<i64>,
    /// Frame bytes on the wire, both directions (for the ports table).
    pub frame_bytes: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TcpState {
    Inactive,
    SynSent,
    SynAckSent,
    Partial,
    Established,
    Closed,
    Reset,
}

impl FlowRecord {
    /// Orients and finishes a flow.
    pub fn finish(key: &FlowKey, p: &FlowPartial) -> FlowRecord {
        let tcp = key.proto == ip_proto::TCP;
        let flipped = tcp && p.first_flags & (tf::SYN | tf::ACK) == (tf::SYN | tf::ACK);
        let o = if flipped {
            1 - p.first_dir as usize
        } else {
            p.first_dir as usize
        };
        let r = 1 - o;
        let ends = [key.lo(), key.hi()];
        let mut history = History::new();
        if flipped {
            history.push(b'^');
        }
        for &h in &p.history[..p.history_len as usize] {
            let dir = (h & DIR_BIT != 0) as usize;
            let letter = h & !DIR_BIT;
            history.push(if dir == o {
                letter
            } else {
                letter.to_ascii_lowercase()
            });
        }
        let handshake = p.ack_ts[o] != i64::MAX
            && p.syn_ts[o] < p.synack_ts[r]
            && p.synack_ts[r] <= p.ack_ts[o];
        let conn_state = match key.proto {
            ip_proto::TCP => tcp_conn_state(p, o, r, handshake, &history),
            ip_proto::UDP => match (p.packets[o] > 0, p.packets[r] > 0) {
                (true, true) => "SF",
                (true, false) => "S0",
                (false, true) => "SHR",
                (false, false) => "OTH",
            },
            _ => "OTH",
        };
        let (orig, resp) = (ends[o], ends[r]);
        let (orig_h, resp_h) = (to_ip(key.version, orig.0), to_ip(key.version, resp.0));
        let (orig_octets, resp_octets) = (octets(orig_h), octets(resp_h));
        FlowRecord {
            start_ns: p.first_ts,
            duration_ns: p.last_ts - p.first_ts,
            proto: key.proto,
            orig_h,
            orig_p: orig.1,
            resp_h,
            resp_p: resp.1,
            orig_bytes: sent_bytes(key, p, o),
            resp_bytes: sent_bytes(key, p, r),
            conn_state,
            history,
            orig_pkts: p.packets[o],
            orig_ip_bytes: p.ip_bytes[o],
            resp_pkts: p.packets[r],
            resp_ip_bytes: p.ip_bytes[r],
            community_id: community_id(
                orig_octets.as_ref(),
                resp_octets.as_ref(),
                key.proto,
                orig.1,
                resp.1,
            ),
            handshake_rtt_ns: handshake.then(|| p.ack_ts[o] - p.syn_ts[o]),
            frame_bytes: p.frame_bytes[0] + p.frame_bytes[1],
        }
    }

    /// The `conn_state` called `name`, as a record holds it; `None` when no record has it.
    pub fn known_conn_state(name: &str) -> Option<&'static str> {
        CONN_STATES.iter().copied().find(|s| *s == name)
    }
}

/// An address's bytes in network order, 4 or 16 of them.
fn octets(a: IpAddr) -> Octets {
    match a {
        IpAddr::V4(v4) => Octets::V4(v4.octets()),
        IpAddr::V6(v6) => Octets::V6(v6.octets()),
    }
}

enum Octets {
    V4([u8; 4]),
    V6([u8; 16]),
}

impl AsRef<[u8]> for Octets {
    fn as_ref(&self) -> &[u8] {
        match self {
            Octets::V4(b) => b,
            Octets::V6(b) => b,
        }
    }
}

/// Every `conn_state` a record can have.
const CONN_STATES: [&str; 13] = [
    "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH",
];

/// Payload bytes sent in direction `d`: by sequence numbers for TCP (as Zeek), else summed.
fn sent_bytes(key: &FlowKey, p: &FlowPartial, d: usize) -> u64 {
    if key.proto == ip_proto::TCP {
        if let Some(bytes) = p.seq_span[d].bytes() {
            return bytes;
        }
    }
    p.payload[d]
}

/// Zeek's `conn_state` from each endpoint's TCP state, derived from the flags it sent.
fn tcp_conn_state(
    p: &FlowPartial,
    o: usize,
    r: usize,
    handshake: bool,
    history: &str,
) -> &'static str {
    use TcpState::*;
    let state = |d: usize| {
        let f = p.flags[d];
        if f & tf::RST != 0 {
            Reset
        } else if f & tf::FIN != 0 {
            Closed
        } else if handshake {
            Established
        } else if p.synack_ts[d] != i64::MAX {
            SynAckSent
        } else if p.syn_ts[d] != i64::MAX {
            SynSent
        } else if p.packets[d] > 0 {
            Partial
        } else {
            Inactive
        }
    };
    let (os, rs) = (state(o), state(r));
    let o_inactive = matches!(os, Inactive | Partial);
    let r_inactive = matches!(rs, Inactive | Partial);
    if rs == Reset {
        if matches!(os, SynSent | SynAckSent)
            || (os == Reset && p.payload[o] == 0 && p.payload[r] == 0)
        {
            "REJ"
        } else if o_inactive {
            "RSTRH"
        } else {
            "RSTR"
        }
    } else if os == Reset {
        if r_inactive {
            if is_syn_then_reset(history) {
                "RSTOS0"
            } else {
                "OTH"
            }
        } else {
            "RSTO"
        }
    } else if rs == Closed && os == Closed {
        "SF"
    } else if os == Closed {
        if r_inactive {
            "SH"
        } else {
            "S2"
        }
    } else if rs == Closed {
        if o_inactive {
            "SHR"
        } else {
            "S3"
        }
    } else if os == SynSent && rs == Inactive {
        "S0"
    } else if os == Established && rs == Established {
        "S1"
    } else {
        "OTH"
    }
}

/// Zeek's `/^\^?S[^HAFGIQ]*R.*/`: the originator sent a SYN and then a RST, nothing in between
/// that shows the responder answered.
fn is_syn_then_reset(history: &str) -> bool {
    let h = history.strip_prefix('^').unwrap_or(history);
    let Some(rest) = h.strip_prefix('S') else {
        return false;
    };
    for c in rest.chars() {
        match c {
            'R' => return true,
            'H' | 'A' | 'F' | 'G' | 'I' | 'Q' => return false,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(src: u8, dst: u8, sport: u16, dport: u16, flags: u16, payload: u32) -> Flow {
        Flow {
            ip_version: 4,
            src: 0xffff_0a00_0000 | u128::from(src),
            dst: 0xffff_0a00_0000 | u128::from(dst),
            ip_proto: ip_proto::TCP,
            has_transport: true,
            sport,
            dport,
            tcp_flags: flags,
            tcp_window: 1000,
            payload_len: payload,
            ip_len: 40 + payload,
            ..Flow::default()
        }
    }

    fn run(frames: &[Flow], split: usize) -> FlowRecord {
        let mut parts: Vec<(FlowKey, FlowPartial)> = Vec::new();
        for (base, chunk) in [(0, &frames[..split]), (split, &frames[split..])] {
            let mut part: Option<(FlowKey, FlowPartial)> = None;
            for (i, f) in chunk.iter().enumerate() {
                let (key, dir) = FlowKey::of(f).expect("flow");
                let ts = (base + i + 1) as i64 * 1000;
                match &mut part {
                    Some((_, p)) => p.add(ts, dir, 60, f),
                    None => part = Some((key, FlowPartial::new(ts, dir, 60, f))),
                }
            }
            parts.extend(part);
        }
        let (key, mut whole) = parts[0];
        for (k, p) in &parts[1..] {
            assert_eq!(*k, key);
            whole.merge(p);
        }
        FlowRecord::finish(&key, &whole)
    }

    const SYN: u16 = tf::SYN;
    const SA: u16 = tf::SYN | tf::ACK;
    const ACK: u16 = tf::ACK;
    const FA: u16 = tf::FIN | tf::ACK;

    #[test]
    fn a_normal_connection_is_sf_with_zeeks_history_in_any_split() {
        let at = |mut f: Flow, seq: u32| {
            f.tcp_seq = seq;
            f
        };
        let frames = [
            at(tcp(1, 2, 40000, 80, SYN, 0), 1000),
            at(tcp(2, 1, 80, 40000, SA, 0), 5000),
            at(tcp(1, 2, 40000, 80, ACK, 0), 1001),
            at(tcp(1, 2, 40000, 80, ACK | tf::PSH, 100), 1001),
            at(tcp(2, 1, 80, 40000, ACK, 0), 5001),
            at(tcp(2, 1, 80, 40000, ACK | tf::PSH, 500), 5001),
            at(tcp(1, 2, 40000, 80, FA, 0), 1101),
            at(tcp(2, 1, 80, 40000, FA, 0), 5501),
            at(tcp(1, 2, 40000, 80, ACK, 0), 1102),
        ];
        for split in 0..=frames.len() {
            let rec = run(&frames, split);
            assert_eq!(rec.conn_state, "SF");
            assert_eq!(rec.history, "ShADadFf");
            assert_eq!(rec.orig_p, 40000);
            assert_eq!((rec.orig_bytes, rec.resp_bytes), (100, 500));
            assert_eq!((rec.orig_pkts, rec.resp_pkts), (5, 4));
            assert_eq!(rec.handshake_rtt_ns, Some(2000));
        }
    }

    #[test]
    fn retransmitted_payload_counts_once_as_in_zeek() {
        let mut syn = tcp(1, 2, 40000, 80, SYN, 0);
        syn.tcp_seq = 999;
        let mut data = tcp(1, 2, 40000, 80, ACK | tf::PSH, 100);
        data.tcp_seq = 1000;
        let mut more = tcp(1, 2, 40000, 80, ACK | tf::PSH, 50);
        more.tcp_seq = 1100;
        let frames = [syn, data, data, more];
        for split in 0..=frames.len() {
            let rec = run(&frames, split);
            assert_eq!(rec.orig_bytes, 150, "split {split}");
            assert_eq!(rec.orig_pkts, 4);
        }
        // Across the 2^32 wrap.
        let mut a = tcp(1, 2, 1, 2, ACK, 10);
        a.tcp_seq = u32::MAX - 4;
        let mut b = tcp(1, 2, 1, 2, ACK, 10);
        b.tcp_seq = 5;
        assert_eq!(run(&[a, b], 1).orig_bytes, 20);
    }

    #[test]
    fn states_of_rejected_unanswered_and_midstream_flows() {
        let rej = [tcp(1, 2, 4, 22, SYN, 0), tcp(2, 1, 22, 4, tf::RST | ACK, 0)];
        assert_eq!(run(&rej, 1).conn_state, "REJ");
        let s0 = [tcp(1, 2, 4, 22, SYN, 0), tcp(1, 2, 4, 22, SYN, 0)];
        assert_eq!(run(&s0, 1).conn_state, "S0");
        let oth = [tcp(1, 2, 4, 22, ACK, 10), tcp(2, 1, 22, 4, ACK, 0)];
        assert_eq!(run(&oth, 0).conn_state, "OTH");
        let rstos0 = [tcp(1, 2, 4, 22, SYN, 0), tcp(1, 2, 4, 22, tf::RST, 0)];
        assert_eq!(run(&rstos0, 2).conn_state, "RSTOS0");
    }

    #[test]
    fn a_first_packet_that_is_a_syn_ack_flips_the_originator() {
        let frames = [tcp(2, 1, 80, 40000, SA, 0), tcp(1, 2, 40000, 80, ACK, 0)];
        let rec = run(&frames, 1);
        assert_eq!(rec.orig_p, 40000);
        assert!(rec.history.starts_with('^'));
    }
}
