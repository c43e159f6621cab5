//! Address pairs beyond memory: when a shard of the conversation table holds more than its share
//! of [`crate::analyze::Limits::max_conversations`], its pairs are written to disk as a run sorted by key
//! and the shard starts empty. The report merges the runs and what is still in memory by key,
//! adding up the counters of a pair seen in several, so the totals are exact at any input size.

use std::io;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use super::folders::{spill_dir, spill_folder};
use super::runs::{merge_runs_by_key, put_u64s, u64_at, write_run, RunRecord};
use crate::analyze::pairs::{ConvKey, ConvStats};
use crate::decode::Addr;

/// Runs of address pairs written to disk.
#[derive(Debug, Default, Clone)]
pub struct ConvArchive {
    root: Option<PathBuf>,
    /// Most pairs in memory (`Limits::max_conversations`), once set.
    limit: Option<usize>,
    dir: Option<Arc<tempfile::TempDir>>,
    runs: Vec<PathBuf>,
    records: u64,
}

impl ConvArchive {
    /// Runs go into a temporary folder inside `root` (the system's temporary folder if unset).
    pub fn set_root(&mut self, root: PathBuf) {
        self.root = Some(root);
    }

    /// Records the run's limit on pairs in memory, which also bounds the endpoints counted in
    /// memory when the report reads the pairs back.
    pub fn set_limit(&mut self, pairs: usize) {
        self.limit = Some(pairs.max(1));
    }

    /// The limit set by [`ConvArchive::set_limit`].
    pub fn limit(&self) -> Option<usize> {
        self.limit
    }

    /// Where the runs go (the system's temporary folder when `None`).
    pub fn root(&self) -> Option<&std::path::Path> {
        self.root.as_deref()
    }

    /// Pairs written to disk (a pair written twice counts twice).
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Sorts `pairs` by key and writes them as one run.
    pub fn spill(&mut self, mut pairs: Vec<(ConvKey, ConvStats)>) -> io::Result<()> {
        if pairs.is_empty() {
            return Ok(());
        }
        pairs.sort_unstable_by_key(|p| p.0);
        let dir = spill_folder(&mut self.dir, self.root.as_deref())?;
        self.runs.push(write_run(dir.path(), "pairs", &pairs)?);
        self.records += pairs.len() as u64;
        Ok(())
    }

    /// Calls `each` once per address pair, those in `resident` (still in memory) and those
    /// written to disk, with its counters over the whole run: in key order when pairs were
    /// written to disk, in `resident`'s order otherwise.
    pub fn for_each_pair<'a>(
        &self,
        resident: impl Iterator<Item = (&'a ConvKey, &'a ConvStats)>,
        mut each: impl FnMut(&ConvKey, &ConvStats),
    ) -> io::Result<()> {
        if self.runs.is_empty() {
            for (k, c) in resident {
                each(k, c);
            }
            return Ok(());
        }
        // What is still in memory becomes the last run: a pair's first frame is in its earliest
        // run.
        let own = spill_dir(self.root.as_deref())?;
        let mut resident: Vec<(ConvKey, ConvStats)> = resident.map(|(k, c)| (*k, *c)).collect();
        resident.sort_unstable_by_key(|p| p.0);
        let mut runs = self.runs.clone();
        runs.push(write_run(own.path(), "pairs", &resident)?);
        drop(resident);
        merge_runs_by_key(
            &runs,
            |p: &(ConvKey, ConvStats)| p.0,
            combine,
            |(k, c)| {
                each(&k, &c);
                Ok(())
            },
        )
    }
}

/// Adds `later`, the same pair's counters from a later run, to `earlier`.
fn combine((_, c): &mut (ConvKey, ConvStats), (_, later): &(ConvKey, ConvStats)) {
    for d in 0..2 {
        c.packets[d] += later.packets[d];
        c.bytes[d] += later.bytes[d];
    }
    c.first_ts = c.first_ts.min(later.first_ts);
    c.last_ts = c.last_ts.max(later.last_ts);
}

impl RunRecord for (ConvKey, ConvStats) {
    fn encode(&self, out: &mut Vec<u8>) {
        let (k, c) = self;
        out.push(k.version);
        let (a, b): (Addr, Addr) = (k.a, k.b);
        out.extend_from_slice(&a.to_le_bytes());
        out.extend_from_slice(&b.to_le_bytes());
        put_u64s(
            out,
            &[
                c.packets[0],
                c.packets[1],
                c.bytes[0],
                c.bytes[1],
                c.first_ts as u64,
                c.last_ts as u64,
            ],
        );
        out.push(c.first_dir);
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let u128_at = |at: usize| {
            Some(u128::from_le_bytes(
                bytes.get(at..at + 16)?.try_into().ok()?,
            ))
        };
        let key = ConvKey {
            version: *bytes.first()?,
            a: u128_at(1)?,
            b: u128_at(17)?,
        };
        let stats = ConvStats {
            packets: [u64_at(bytes, 33)?, u64_at(bytes, 41)?],
            bytes: [u64_at(bytes, 49)?, u64_at(bytes, 57)?],
            first_ts: u64_at(bytes, 65)? as i64,
            last_ts: u64_at(bytes, 73)? as i64,
            first_dir: *bytes.get(81)?,
        };
        Some((key, stats))
    }
}

/// Bytes of an address in a run record: the version, then 16 bytes (IPv4 in the first 4).
pub fn encode_ip(out: &mut Vec<u8>, ip: IpAddr) {
    let mut b = [0u8; 17];
    match ip {
        IpAddr::V4(v4) => {
            b[0] = 4;
            b[1..5].copy_from_slice(&v4.octets());
        }
        IpAddr::V6(v6) => {
            b[0] = 6;
            b[1..17].copy_from_slice(&v6.octets());
        }
    }
    out.extend_from_slice(&b);
}

/// Reads what [`encode_ip`] wrote.
pub fn decode_ip(bytes: &[u8]) -> Option<IpAddr> {
    let b = bytes.get(..17)?;
    match b[0] {
        4 => Some(IpAddr::from(<[u8; 4]>::try_from(&b[1..5]).ok()?)),
        6 => Some(IpAddr::from(<[u8; 16]>::try_from(&b[1..17]).ok()?)),
        _ => None,
    }
}
