//! Zeek-style connections while they are open: a flow's key and what its packets add up to
//! ([`FlowPartial`]), made into a `FlowRecord` (flow_record.rs) when it is finished.
//!
//! A flow is keyed on its endpoints in canonical order (lower address/port first), so batches
//! that see it in either direction agree; who originated it is decided only when it is finished,
//! from its first packet, as Zeek does (a first packet that is a SYN-ACK flips it: `^`).

use crate::decode::{ip_proto, tcp_flags as tf, Addr, Flow};

use super::app::Services;
use super::community_id::icmp_ports;

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

/// How long a flow may go without a packet, in capture time, before it ends, as Zeek's
/// `tcp_inactivity_timeout`, `udp_inactivity_timeout` and `icmp_inactivity_timeout` end a
/// connection: a later packet with the same key starts a new flow. Other IP protocols take UDP's.
/// 0 turns a timeout off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdleTimeouts {
    /// TCP's, ns.
    pub tcp_ns: i64,
    /// UDP's and other protocols', ns.
    pub udp_ns: i64,
    /// ICMP's and ICMPv6's, ns.
    pub icmp_ns: i64,
}

impl Default for IdleTimeouts {
    /// Zeek's defaults: 5 minutes for TCP, 1 minute for UDP and ICMP.
    fn default() -> Self {
        const MINUTE: i64 = 60_000_000_000;
        IdleTimeouts {
            tcp_ns: 5 * MINUTE,
            udp_ns: MINUTE,
            icmp_ns: MINUTE,
        }
    }
}

impl IdleTimeouts {
    /// No timeouts: a flow lasts as long as its key is seen.
    pub const NEVER: IdleTimeouts = IdleTimeouts {
        tcp_ns: 0,
        udp_ns: 0,
        icmp_ns: 0,
    };

    /// The idle time after which a flow of IP protocol `proto` ends (`i64::MAX` when never).
    #[inline]
    pub fn of(&self, proto: u8) -> i64 {
        let t = match proto {
            ip_proto::TCP => self.tcp_ns,
            ip_proto::ICMP | ip_proto::ICMPV6 => self.icmp_ns,
            _ => self.udp_ns,
        };
        if t > 0 {
            t
        } else {
            i64::MAX
        }
    }

    /// The shortest timeout that is on.
    pub fn shortest(&self) -> Option<i64> {
        [self.tcp_ns, self.udp_ns, self.icmp_ns]
            .into_iter()
            .filter(|&t| t > 0)
            .min()
    }

    /// Whether a flow last seen at `last_ts` has ended by `now`.
    #[inline]
    pub fn ended(&self, proto: u8, last_ts: i64, now: i64) -> bool {
        now.saturating_sub(last_ts) > self.of(proto)
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
    /// The services the application layer found.
    pub services: Services,
    /// The application layer has nothing more to learn of the flow.
    app_done: bool,
    /// The flow's application-layer session in its shard's [`Sessions`](crate::analyze::app::Sessions), plus 1; 0 for none.
    pub(crate) session: u32,
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
    /// Its payload's bytes, for the application layer.
    pub payload: crate::analyze::app::PayloadRef,
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
            services: Services::NONE,
            app_done: false,
            session: 0,
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
        self.services = self.services.union(later.services);
        self.app_done |= later.app_done;
        for &h in &later.history[..later.history_len as usize] {
            let (dir, letter) = ((h & DIR_BIT != 0) as usize, h & !DIR_BIT);
            self.event(dir, letter);
        }
    }

    /// Whether the application layer has nothing more to learn of the flow.
    #[inline]
    pub fn app_done(&self) -> bool {
        self.app_done
    }

    /// Notes that the application layer has nothing more to learn of the flow.
    pub fn set_app_done(&mut self) {
        self.app_done = true;
    }

    /// The history letters in the order first seen, each with its direction (0: lo to hi).
    pub(super) fn history(&self) -> impl Iterator<Item = (usize, u8)> + '_ {
        self.history[..self.history_len as usize]
            .iter()
            .map(|&h| ((h & DIR_BIT != 0) as usize, h & !DIR_BIT))
    }
}
