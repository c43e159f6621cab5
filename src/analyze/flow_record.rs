//! A finished flow, as a line of Zeek's `conn.log`: oriented originator to responder, with
//! `conn_state` and `history` as Zeek defines them, and the Community ID.

use std::net::IpAddr;

use crate::decode::{ip_proto, tcp_flags as tf, to_ip};

use super::community_id::{community_id, CommunityId};
use super::flows::{FlowKey, FlowPartial};
use super::short_text::ShortText;

/// Zeek's history: `^` and at most 16 letters.
pub type History = ShortText<17>;

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
    /// The services the application layer found.
    pub services: super::app::Services,
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
        let (o, flipped) = originator(key, p);
        let r = 1 - o;
        let ends = [key.lo(), key.hi()];
        let mut history = History::new();
        if flipped {
            history.push(b'^');
        }
        for (dir, letter) in p.history() {
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
            services: p.services,
        }
    }

    /// The `conn_state` called `name`, as a record holds it; `None` when no record has it.
    pub fn known_conn_state(name: &str) -> Option<&'static str> {
        CONN_STATES.iter().copied().find(|s| *s == name)
    }
}

/// The direction (0: lo to hi) the originator sent in: the first packet's, unless it is a
/// SYN-ACK (then the flow is `flipped`).
pub fn originator(key: &FlowKey, p: &FlowPartial) -> (usize, bool) {
    let flipped =
        key.proto == ip_proto::TCP && p.first_flags & (tf::SYN | tf::ACK) == (tf::SYN | tf::ACK);
    let first = p.first_dir as usize;
    (if flipped { 1 - first } else { first }, flipped)
}

/// A flow's identity in the logs that join with flows.csv: its Community ID and endpoints,
/// originator first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowId {
    /// Community ID v1.
    pub community_id: CommunityId,
    /// Originator address.
    pub orig_h: IpAddr,
    /// Originator port.
    pub orig_p: u16,
    /// Responder address.
    pub resp_h: IpAddr,
    /// Responder port.
    pub resp_p: u16,
    /// IP protocol.
    pub proto: u8,
}

impl FlowId {
    /// The identity of the flow `key` as its partial `p` orients it.
    pub fn of(key: &FlowKey, p: &FlowPartial) -> FlowId {
        let (o, _) = originator(key, p);
        let ends = [key.lo(), key.hi()];
        let (orig, resp) = (ends[o], ends[1 - o]);
        let (orig_h, resp_h) = (to_ip(key.version, orig.0), to_ip(key.version, resp.0));
        FlowId {
            community_id: community_id(
                octets(orig_h).as_ref(),
                octets(resp_h).as_ref(),
                key.proto,
                orig.1,
                resp.1,
            ),
            orig_h,
            orig_p: orig.1,
            resp_h,
            resp_p: resp.1,
            proto: key.proto,
        }
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
    use crate::decode::Flow;

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
