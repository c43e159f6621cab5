//! Address pairs beyond memory: when a shard of the conversation table holds more than its share
//! of [`crate::analyze::Limits::max_conversations`], its pairs are written to disk as a run sorted by key
//! and the shard starts empty. The report merges the runs and what is still in memory by key,
//! adding up the counters of a pair seen in several, so the totals are exact at any input size.
//! The endpoints counted from those pairs go to disk likewise when there are too many
//! ([`EndpointRuns`]).

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::folders::{spill_dir, SpillPlace};
use super::runs::{merge_runs_by_key, write_run};
use crate::analyze::{ConvKey, ConvStats, EndpointStats};
use crate::decode::Addr;

/// Runs of address pairs written to disk.
#[derive(Debug, Default, Clone)]
pub struct ConvArchive {
    place: SpillPlace,
    /// Most pairs in memory (`Limits::max_conversations`), once set.
    limit: Option<usize>,
    runs: Vec<PathBuf>,
    records: u64,
}

impl ConvArchive {
    /// Runs go into a temporary folder inside `root` (the system's temporary folder if unset).
    pub fn set_root(&mut self, root: PathBuf) {
        self.place.root = Some(root);
    }

    /// Why the runs moved to the system's temporary folder, if they did.
    pub fn moved(&self) -> Option<&str> {
        self.place.moved.as_deref()
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
        self.place.root.as_deref()
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
        let run = self.place.write(|dir| write_run(dir, "pairs", &pairs))?;
        self.runs.push(run);
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
        let own = spill_dir(self.place.root.as_deref())?;
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

/// Per-address counters too many to hold in memory: runs sorted by address, added up address by
/// address when read back.
pub struct EndpointRuns {
    dir: Arc<tempfile::TempDir>,
    runs: Vec<PathBuf>,
}

impl EndpointRuns {
    /// No runs yet; they will be written into `dir`.
    pub fn new(dir: Arc<tempfile::TempDir>) -> EndpointRuns {
        EndpointRuns {
            dir,
            runs: Vec::new(),
        }
    }

    /// Whether no run was written.
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// Writes `counts`, sorted by address, as a run, and empties them.
    pub fn spill(&mut self, counts: &mut FxHashMap<(u8, Addr), EndpointStats>) -> io::Result<()> {
        let mut rows: Vec<((u8, Addr), EndpointStats)> = counts.drain().collect();
        rows.sort_unstable_by_key(|r| r.0);
        self.runs
            .push(write_run(self.dir.path(), "endpoints", &rows)?);
        Ok(())
    }

    /// Calls `each` once per address of the runs, in address order, with its counters added up
    /// over all of them.
    pub fn for_each(
        &self,
        mut each: impl FnMut(&(u8, Addr), &EndpointStats) -> io::Result<()>,
    ) -> io::Result<()> {
        merge_runs_by_key(
            &self.runs,
            |r: &((u8, Addr), EndpointStats)| r.0,
            |(_, e), (_, later)| {
                e.tx_packets += later.tx_packets;
                e.tx_bytes += later.tx_bytes;
                e.rx_packets += later.rx_packets;
                e.rx_bytes += later.rx_bytes;
            },
            |(k, e)| each(&k, &e),
        )
    }
}
