//! The report's conversations: every address pair by bytes. In memory when the analysis kept
//! every pair there; otherwise built in one pass over the pairs merged from disk, written back as
//! runs sorted by bytes, and merged again as it is read, so no more than a run's worth is held.

use std::cmp::Ordering;
use std::io;
use std::path::PathBuf;

use rustc_hash::FxHashMap;

use super::summary::Conversation;
use crate::analyze::aggregate::{add_endpoints, ConvKey, ConvStats, EndpointStats};
use crate::analyze::conv_archive::{decode_ip, encode_ip, for_each_pair};
use crate::analyze::runs::{for_each_chunk_of, merge_runs, write_run, RunRecord};
use crate::analyze::Analysis;
use crate::decode::{to_ip, Addr};

/// Conversations per run written while building the table from disk.
const RUN_ROWS: usize = 1 << 16;

/// Every conversation, by bytes (most first), then by addresses.
pub struct ConversationTable {
    resident: Vec<Conversation>,
    runs: Vec<PathBuf>,
    len: u64,
    top: Vec<Conversation>,
    _dir: Option<tempfile::TempDir>,
}

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

impl ConversationTable {
    /// The conversations of `analysis`, keeping the first `top` at hand; and, when the pairs
    /// were read from disk, the endpoints counted on the way (otherwise `None`: the caller
    /// counts them from the table, beside this).
    #[allow(clippy::type_complexity)]
    pub fn build(
        analysis: &Analysis,
        top: usize,
    ) -> io::Result<(
        ConversationTable,
        Option<FxHashMap<(u8, Addr), EndpointStats>>,
    )> {
        let t = &analysis.total;
        if t.conv_archive.records() == 0 {
            let mut resident: Vec<Conversation> = t
                .conversations
                .iter()
                .map(|(k, c)| row(analysis, k, c))
                .collect();
            resident.sort_by(by_bytes);
            let table = ConversationTable {
                top: resident.iter().take(top).cloned().collect(),
                len: resident.len() as u64,
                resident,
                runs: Vec::new(),
                _dir: None,
            };
            return Ok((table, None));
        }
        let dir = crate::analyze::archive::spill_dir(t.conv_archive.root())?;
        let mut endpoints = FxHashMap::default();
        let mut chunk: Vec<Conversation> = Vec::with_capacity(RUN_ROWS);
        let mut biggest: Vec<Conversation> = Vec::new();
        let mut runs = Vec::new();
        let mut len = 0u64;
        let mut failed: Option<io::Error> = None;
        for_each_pair(t, |k, c| {
            add_endpoints(&mut endpoints, k, c);
            let r = row(analysis, k, c);
            len += 1;
            if top > 0 && (biggest.len() < top || by_bytes(&r, &biggest[top - 1]).is_lt()) {
                biggest.push(r.clone());
                if biggest.len() >= 2 * top {
                    biggest.sort_by(by_bytes);
                    biggest.truncate(top);
                }
            }
            chunk.push(r);
            if chunk.len() == RUN_ROWS && failed.is_none() {
                chunk.sort_by(by_bytes);
                match write_run(dir.path(), "conversations", &chunk) {
                    Ok(p) => runs.push(p),
                    Err(e) => failed = Some(e),
                }
                chunk.clear();
            }
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
        if !chunk.is_empty() {
            chunk.sort_by(by_bytes);
            runs.push(write_run(dir.path(), "conversations", &chunk)?);
        }
        biggest.sort_by(by_bytes);
        biggest.truncate(top);
        let table = ConversationTable {
            resident: Vec::new(),
            runs,
            len,
            top: biggest,
            _dir: Some(dir),
        };
        Ok((table, Some(endpoints)))
    }

    /// Number of conversations.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The biggest conversations, as many as asked for when the table was built.
    pub fn top(&self) -> &[Conversation] {
        &self.top
    }

    /// Calls `each` with consecutive slices of at most `max` conversations, all in table order.
    pub fn for_each_chunk(
        &self,
        max: usize,
        each: impl FnMut(&[Conversation]) -> io::Result<()>,
    ) -> io::Result<()> {
        for_each_chunk_of(&self.resident, &self.runs, max, each, |push| {
            merge_runs(&self.runs, by_bytes, push)
        })
    }
}

impl RunRecord for Conversation {
    const SIZE: usize = 2 * 17 + 8 * 8;

    fn encode(&self, out: &mut Vec<u8>) {
        encode_ip(out, self.address_a);
        encode_ip(out, self.address_b);
        for v in [
            self.packets_a_to_b,
            self.bytes_a_to_b,
            self.packets_b_to_a,
            self.bytes_b_to_a,
            self.packets,
            self.bytes,
            self.rel_start_s.to_bits(),
            self.duration_s.to_bits(),
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let u = |i: usize| -> Option<u64> {
            let at = 34 + 8 * i;
            Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
        };
        Some(Conversation {
            address_a: decode_ip(bytes.get(..17)?)?,
            address_b: decode_ip(bytes.get(17..34)?)?,
            packets_a_to_b: u(0)?,
            bytes_a_to_b: u(1)?,
            packets_b_to_a: u(2)?,
            bytes_b_to_a: u(3)?,
            packets: u(4)?,
            bytes: u(5)?,
            rel_start_s: f64::from_bits(u(6)?),
            duration_s: f64::from_bits(u(7)?),
        })
    }
}
