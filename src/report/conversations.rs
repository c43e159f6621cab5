//! The report's conversations and endpoints, by bytes. In memory when the analysis kept every
//! address pair there; otherwise built in one pass over the pairs merged from disk, written back
//! as runs sorted by bytes and merged again as they are read, so no more than a run's worth of
//! either table is held (endpoints are counted in memory up to a limit, then in runs too).

use std::cmp::Ordering;
use std::io;
use std::net::IpAddr;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::analyze::{add_endpoints, Analysis, ConvKey, ConvStats, EndpointStats};
use crate::decode::{to_ip, Addr};
use crate::store::{
    spill_dir, Decoder, Encoder, EndpointRuns, RunRecord, SortedBuilder, SortedTable,
};

/// One address.
#[derive(Debug, Clone, Serialize)]
pub struct Talker {
    /// IP address.
    pub address: IpAddr,
    /// Frames sent plus received.
    pub packets: u64,
    /// Bytes sent plus received.
    pub bytes: u64,
    /// Frames sent.
    pub tx_packets: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Frames received.
    pub rx_packets: u64,
    /// Bytes received.
    pub rx_bytes: u64,
}

/// One address pair; A is the source of the pair's first frame.
#[derive(Debug, Clone, Serialize)]
pub struct Conversation {
    /// Address A.
    pub address_a: IpAddr,
    /// Address B.
    pub address_b: IpAddr,
    /// Frames A to B.
    pub packets_a_to_b: u64,
    /// Bytes A to B.
    pub bytes_a_to_b: u64,
    /// Frames B to A.
    pub packets_b_to_a: u64,
    /// Bytes B to A.
    pub bytes_b_to_a: u64,
    /// All frames.
    pub packets: u64,
    /// All bytes.
    pub bytes: u64,
    /// First frame, seconds after the run's first frame.
    pub rel_start_s: f64,
    /// Last minus first frame, seconds.
    pub duration_s: f64,
}

/// Endpoints counted in memory at most while reading pairs from disk, unless the run's limit on
/// pairs says otherwise; beyond, they are written out as a run sorted by address and added up
/// at the end.
const MAX_RESIDENT_ENDPOINTS: usize = 1 << 18;

/// Every conversation, by bytes (most first), then by addresses.
pub type ConversationTable = SortedTable<Conversation>;

/// Every address, by bytes sent plus received (most first), then by address.
pub type EndpointTable = SortedTable<Talker>;

/// The order of the table: bytes, most first, then addresses.
fn by_bytes(a: &Conversation, b: &Conversation) -> Ordering {
    b.bytes
        .cmp(&a.bytes)
        .then_with(|| (&a.address_a, &a.address_b).cmp(&(&b.address_a, &b.address_b)))
}

/// The report's row of pair `k`.
fn row(analysis: &Analysis, k: &ConvKey, c: &ConvStats) -> Conversation {
    let (a, b, ab, ba) = if c.first_dir == 0 {
        (k.a, k.b, 0, 1)
    } else {
        (k.b, k.a, 1, 0)
    };
    Conversation {
        address_a: to_ip(k.version, a),
        address_b: to_ip(k.version, b),
        packets_a_to_b: c.packets[ab],
        bytes_a_to_b: c.bytes[ab],
        packets_b_to_a: c.packets[ba],
        bytes_b_to_a: c.bytes[ba],
        packets: c.packets[0] + c.packets[1],
        bytes: c.bytes[0] + c.bytes[1],
        rel_start_s: (c.first_ts - analysis.base_ts) as f64 / 1e9,
        duration_s: (c.last_ts - c.first_ts) as f64 / 1e9,
    }
}

/// The order of the endpoints table.
pub fn by_talker_bytes(a: &Talker, b: &Talker) -> Ordering {
    b.bytes
        .cmp(&a.bytes)
        .then_with(|| a.address.cmp(&b.address))
}

/// The report's row of address `key`.
pub fn talker(key: &(u8, Addr), e: &EndpointStats) -> Talker {
    Talker {
        address: to_ip(key.0, key.1),
        packets: e.tx_packets + e.rx_packets,
        bytes: e.tx_bytes + e.rx_bytes,
        tx_packets: e.tx_packets,
        tx_bytes: e.tx_bytes,
        rx_packets: e.rx_packets,
        rx_bytes: e.rx_bytes,
    }
}

/// The endpoints table of per-address counts held in memory.
pub fn endpoint_table(counts: &FxHashMap<(u8, Addr), EndpointStats>, top: usize) -> EndpointTable {
    let rows = counts.iter().map(|(k, e)| talker(k, e)).collect();
    SortedTable::from_vec(rows, by_talker_bytes, top)
}

/// The conversations of `analysis`, keeping the first `top` of each table at hand; and, when
/// the pairs were read from disk, the endpoints counted on the way (otherwise `None`: the
/// caller counts them from the table in memory, beside this).
pub fn conversation_tables(
    analysis: &Analysis,
    top: usize,
) -> io::Result<(ConversationTable, Option<EndpointTable>)> {
    let t = &analysis.total;
    if t.conv_archive.records() == 0 {
        let rows = t
            .conversations
            .maps
            .par_iter()
            .flat_map_iter(|shard| shard.iter().map(|(k, c)| row(analysis, k, c)))
            .collect();
        return Ok((SortedTable::from_vec(rows, by_bytes, top), None));
    }
    let dir = Arc::new(spill_dir(t.conv_archive.root())?);
    let mut conversations = SortedBuilder::new(Arc::clone(&dir), by_bytes, top);
    let mut counts = FxHashMap::default();
    let mut count_runs = EndpointRuns::new(Arc::clone(&dir));
    let max_counts = t.conv_archive.limit().unwrap_or(MAX_RESIDENT_ENDPOINTS);
    let mut failed: Option<io::Error> = None;
    t.for_each_pair(|k, c| {
        add_endpoints(&mut counts, k, c);
        let mut step = || -> io::Result<()> {
            conversations.push(row(analysis, k, c))?;
            if counts.len() > max_counts {
                count_runs.spill(&mut counts)?;
            }
            Ok(())
        };
        if failed.is_none() {
            failed = step().err();
        }
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    let conversations = conversations.finish()?;
    if count_runs.is_empty() {
        return Ok((conversations, Some(endpoint_table(&counts, top))));
    }
    count_runs.spill(&mut counts)?;
    let mut endpoints = SortedBuilder::new(dir, by_talker_bytes, top);
    count_runs.for_each(|k, e| endpoints.push(talker(k, e)))?;
    Ok((conversations, Some(endpoints.finish()?)))
}

impl RunRecord for Talker {
    fn encode(&self, out: &mut Encoder<'_>) {
        out.ip(self.address);
        let t = self;
        out.u64s(&[
            t.packets,
            t.bytes,
            t.tx_packets,
            t.tx_bytes,
            t.rx_packets,
            t.rx_bytes,
        ]);
    }

    fn decode(r: &mut Decoder<'_>) -> Option<Self> {
        Some(Talker {
            address: r.ip()?,
            packets: r.u64()?,
            bytes: r.u64()?,
            tx_packets: r.u64()?,
            tx_bytes: r.u64()?,
            rx_packets: r.u64()?,
            rx_bytes: r.u64()?,
        })
    }
}

impl RunRecord for Conversation {
    fn encode(&self, out: &mut Encoder<'_>) {
        out.ip(self.address_a);
        out.ip(self.address_b);
        let c = self;
        out.u64s(&[
            c.packets_a_to_b,
            c.bytes_a_to_b,
            c.packets_b_to_a,
            c.bytes_b_to_a,
            c.packets,
            c.bytes,
        ]);
        out.f64(c.rel_start_s);
        out.f64(c.duration_s);
    }

    fn decode(r: &mut Decoder<'_>) -> Option<Self> {
        Some(Conversation {
            address_a: r.ip()?,
            address_b: r.ip()?,
            packets_a_to_b: r.u64()?,
            bytes_a_to_b: r.u64()?,
            packets_b_to_a: r.u64()?,
            bytes_b_to_a: r.u64()?,
            packets: r.u64()?,
            bytes: r.u64()?,
            rel_start_s: r.f64()?,
            duration_s: r.f64()?,
        })
    }
}
