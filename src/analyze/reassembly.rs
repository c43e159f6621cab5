//! IP reassembly, in record order: fragments captured whole are collected per batch and joined
//! during the in-order merge; the frame that completes a datagram gets the protocols inside it
//! (as Wireshark counts them, with its default of reassembling), and the datagram joins its flow.
//!
//! Memory is bounded: at most [`MAX_PENDING_BYTES`] of fragment data wait for their datagram;
//! past that the oldest incomplete datagram is given up and counted.

use rustc_hash::FxHashMap;

use crate::decode::{Addr, FragmentInfo};

/// Most bytes of fragments waiting for the rest of their datagram.
pub const MAX_PENDING_BYTES: usize = 64 * 1024 * 1024;
/// Largest datagram reassembled (IPv4's limit; IPv6 jumbograms are not fragmented).
const MAX_DATAGRAM: u32 = 65_535;

/// A datagram's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DatagramKey {
    /// IP version.
    pub version: u8,
    /// Source.
    pub src: Addr,
    /// Destination.
    pub dst: Addr,
    /// Identification.
    pub id: u32,
    /// Transport protocol.
    pub proto: u8,
}

/// One fragment with what its frame already counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Which datagram.
    pub key: DatagramKey,
    /// Data offset in the datagram.
    pub offset: u32,
    /// More fragments follow.
    pub more: bool,
    /// The fragment's data.
    pub data: Vec<u8>,
    /// Its frame's time.
    pub ts: i64,
    /// Its frame's length on the wire.
    pub frame_len: u64,
    /// Its frame's time-series interval.
    pub interval: i64,
    /// Protocols its frame already counted ([`crate::decode::ProtoSet`] bits).
    pub protos: u64,
    /// Flow events of its batch, per shard, up to and including its frame's: where the flows
    /// of the datagram it completes go among them.
    pub flow_events_before: [u32; super::shards::SHARDS],
}

impl Piece {
    /// The piece of `info` in `frame_data`.
    pub fn new(
        info: &FragmentInfo,
        frame_data: &[u8],
        ts: i64,
        frame_len: u64,
        interval: i64,
        protos: u64,
    ) -> Piece {
        let start = info.data_start as usize;
        let end = start + info.data_len as usize;
        Piece {
            key: DatagramKey {
                version: info.version,
                src: info.src,
                dst: info.dst,
                id: info.id,
                proto: info.proto,
            },
            offset: info.offset,
            more: info.more,
            data: frame_data.get(start..end).unwrap_or(&[]).to_vec(),
            ts,
            frame_len,
            interval,
            protos,
            flow_events_before: [0; super::shards::SHARDS],
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Pending {
    pieces: Vec<(u32, Vec<u8>)>,
    total: Option<u32>,
    bytes: usize,
    order: u64,
}

/// Datagrams waiting for fragments.
#[derive(Debug, Clone, Default)]
pub struct Reassembler {
    pending: FxHashMap<DatagramKey, Pending>,
    bytes: usize,
    next_order: u64,
    /// Datagrams given up to stay within [`MAX_PENDING_BYTES`].
    pub given_up: u64,
}

impl Reassembler {
    /// Adds a fragment; returns the datagram's payload when this fragment completes it.
    pub fn add(&mut self, piece: &Piece) -> Option<Vec<u8>> {
        let end = piece.offset.checked_add(piece.data.len() as u32)?;
        if end > MAX_DATAGRAM {
            return None;
        }
        let order = self.next_order;
        let p = self.pending.entry(piece.key).or_insert_with(|| Pending {
            order,
            ..Pending::default()
        });
        self.next_order += 1;
        if !piece.more {
            p.total = Some(end);
        }
        p.pieces.push((piece.offset, piece.data.clone()));
        p.bytes += piece.data.len();
        self.bytes += piece.data.len();
        let done = p.total.and_then(|total| assemble(&mut p.pieces, total));
        if done.is_some() {
            if let Some(p) = self.pending.remove(&piece.key) {
                self.bytes -= p.bytes;
            }
        }
        while self.bytes > MAX_PENDING_BYTES {
            let Some(oldest) = self
                .pending
                .iter()
                .min_by_key(|(_, p)| p.order)
                .map(|(k, _)| *k)
            else {
                break;
            };
            if let Some(p) = self.pending.remove(&oldest) {
                self.bytes -= p.bytes;
                self.given_up += 1;
            }
        }
        done
    }

    /// Datagrams still incomplete.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}

/// The datagram when the pieces cover `0..total` without a gap (overlaps: the first wins).
fn assemble(pieces: &mut [(u32, Vec<u8>)], total: u32) -> Option<Vec<u8>> {
    pieces.sort_by_key(|p| p.0);
    let mut covered = 0u32;
    for (offset, data) in pieces.iter() {
        if *offset > covered {
            return None;
        }
        covered = covered.max(offset + data.len() as u32);
    }
    if covered < total {
        return None;
    }
    let mut out = vec![0u8; total as usize];
    let mut filled = 0u32;
    for (offset, data) in pieces.iter() {
        let end = (offset + data.len() as u32).min(total);
        if end > filled {
            let from = filled.max(*offset);
            out[from as usize..end as usize]
                .copy_from_slice(&data[(from - offset) as usize..(end - offset) as usize]);
            filled = end;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(offset: u32, more: bool, data: &[u8]) -> Piece {
        Piece {
            key: DatagramKey {
                version: 4,
                src: 1,
                dst: 2,
                id: 7,
                proto: 17,
            },
            offset,
            more,
            data: data.to_vec(),
            ts: 0,
            frame_len: 0,
            interval: 0,
            protos: 0,
            flow_events_before: [0; crate::analyze::shards::SHARDS],
        }
    }

    #[test]
    fn in_order_out_of_order_and_overlapping() {
        let mut r = Reassembler::default();
        assert_eq!(r.add(&piece(0, true, &[1; 8])), None);
        assert_eq!(
            r.add(&piece(8, false, &[2; 4])),
            Some([[1; 8].as_slice(), &[2; 4]].concat())
        );
        assert_eq!(r.pending(), 0);
        assert_eq!(r.add(&piece(8, false, &[2; 4])), None);
        assert_eq!(
            r.add(&piece(0, true, &[1; 10])),
            Some([[1u8; 10].as_slice(), &[2; 2]].concat())
        );
        assert_eq!(r.add(&piece(16, false, &[3; 4])), None);
        assert_eq!(r.add(&piece(0, true, &[1; 8])), None, "a gap at 8..16");
        assert_eq!(r.pending(), 1);
    }
}
