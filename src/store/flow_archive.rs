//! Flows finished before the end of the input, kept on disk so that memory does not grow with
//! the number of flows.
//!
//! Flows idle past their timeout ([`crate::analyze::IdleTimeouts`]) end, and when a shard of the
//! flow table holds more than its eighth of [`crate::analyze::Limits::max_flows`], its half idle
//! longest (by capture time) is finished early: the records are sorted by start time and
//! written as one *run* to a temporary file. A later packet of such a flow starts a new flow. The
//! report then reads every flow, resident and spilled, in one merge by start time
//! ([`FlowTable`]).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::folders::{spill_dir, SpillPlace};
use super::runs::{write_run, SortedRows};
use crate::analyze::{FlowKey, FlowPartial, FlowRecord};

/// The flows spilled so far.
#[derive(Debug, Clone, Default)]
pub struct FlowArchive {
    /// Where the runs are written; it also keeps the folders of archives appended to this one.
    place: SpillPlace,
    runs: Vec<PathBuf>,
    records: u64,
}

/// The order of flows in every table: by start time, then Community ID.
fn by_start(a: &FlowRecord, b: &FlowRecord) -> std::cmp::Ordering {
    a.start_ns
        .cmp(&b.start_ns)
        .then_with(|| a.community_id.cmp(&b.community_id))
}

impl FlowArchive {
    /// Spill files go into a temporary folder inside `root` (the output folder, typically: the
    /// system's temporary folder may be memory).
    pub fn set_root(&mut self, root: PathBuf) {
        self.place.root = Some(root);
    }

    /// Why the runs moved to the system's temporary folder, if they did.
    pub fn moved(&self) -> Option<&str> {
        self.place.moved.as_deref()
    }

    /// Flows spilled.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Writes `flows` as one run.
    pub fn spill(&mut self, mut flows: Vec<FlowRecord>) -> io::Result<()> {
        if flows.is_empty() {
            return Ok(());
        }
        flows.sort_unstable_by(by_start);
        let run = self.place.write(|dir| write_run(dir, "flows", &flows))?;
        self.records += flows.len() as u64;
        self.runs.push(run);
        Ok(())
    }

    /// Takes the runs of `other` (an archive merged into this one).
    pub fn append(&mut self, other: FlowArchive) {
        self.runs.extend(other.runs);
        self.records += other.records;
        // The other archive's folder must live as long as this one.
        self.place.keep.extend(other.place.dir);
        self.place.keep.extend(other.place.keep);
    }
}

/// Sorts `flows` by start and writes them as a run in `dir`.
fn write_flows(dir: &Path, mut flows: Vec<FlowRecord>) -> io::Result<PathBuf> {
    flows.sort_unstable_by(by_start);
    write_run(dir, "flows", &flows)
}

/// How many flows ahead of the one being finished their memory is asked for.
const PREFETCH_FLOWS: usize = 8;

/// Every flow of a run, resident and spilled, read in start order.
pub struct FlowTable {
    /// In memory when nothing was spilled; otherwise all on disk (the open flows too).
    rows: SortedRows<FlowRecord>,
    len: u64,
}

impl FlowTable {
    /// The flows of a run: those still `open`, finished now, and those in its `archive`.
    ///
    /// When flows were spilled, the open ones are written to disk too, a chunk at a time, so
    /// that building the report holds no more flows in memory than the analysis did.
    pub fn build<'a>(
        archive: &FlowArchive,
        open: impl Iterator<Item = (&'a FlowKey, &'a FlowPartial)>,
    ) -> io::Result<FlowTable> {
        // Each flow with its start, read in the tables' own order, so that sorting by start
        // follows no pointers.
        let mut open: Vec<(i64, &FlowKey, &FlowPartial)> =
            open.map(|(k, p)| (p.first_ts, k, p)).collect();
        let mut dirs: Vec<_> = archive.place.dir.iter().cloned().collect();
        dirs.extend(archive.place.keep.iter().cloned());
        let mut runs = archive.runs.clone();
        let mut spilled = archive.records;
        let finish = |chunk: &[(i64, &FlowKey, &FlowPartial)]| -> Vec<FlowRecord> {
            chunk
                .par_iter()
                .enumerate()
                .map(|(i, (_, k, p))| {
                    // The flows are read in start order, which is not the table's: ask for
                    // those a few places ahead, so that their cache misses overlap.
                    if let Some((_, _, ahead)) = chunk.get(i + PREFETCH_FLOWS) {
                        crate::read::prefetch_value(*ahead);
                    }
                    FlowRecord::finish(k, p)
                })
                .collect()
        };
        let mut resident = Vec::new();
        if archive.records == 0 {
            // Sort the references by start, finish the flows in that order, then order the
            // flows that started together by Community ID: a pass over sorted records, which
            // never moves a few-hundred-byte record more than once.
            open.par_sort_unstable_by_key(|(start, _, _)| *start);
            resident = finish(&open);
            resident.sort_by(by_start);
        } else {
            // A folder of this table's own: its files go when the report does.
            let own = Arc::new(spill_dir(archive.place.root.as_deref())?);
            for chunk in open.chunks(1 << 16) {
                runs.push(write_flows(own.path(), finish(chunk))?);
                spilled += chunk.len() as u64;
            }
            dirs.push(own);
        }
        let len = resident.len() as u64 + spilled;
        let rows = if runs.is_empty() {
            SortedRows::resident(resident, by_start)
        } else {
            SortedRows::on_disk(runs, by_start, dirs)
        };
        Ok(FlowTable { rows, len })
    }

    /// Number of flows.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Calls `each` with consecutive slices of at most `max` flows, all flows in start order.
    pub fn for_each_chunk(
        &self,
        max: usize,
        each: impl FnMut(&[FlowRecord]) -> io::Result<()>,
    ) -> io::Result<()> {
        self.rows.for_each_chunk(max, each)
    }
}
