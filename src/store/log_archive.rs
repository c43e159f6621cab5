//! The application layer's log rows, kept on disk beyond a bound so that memory does not grow
//! with the number of DNS queries, HTTP requests or TLS connections: rows are held per log
//! until [`RESIDENT_ROWS`] of them wait, then sorted and written as a run; the report reads
//! each log back in one merge in time order ([`LogArchive::table`]).

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use super::folders::SpillPlace;
use super::runs::{write_run, SortedRows};
use crate::analyze::app::logs::row_order;
use crate::analyze::app::{Log, LogRow};

/// Rows held in memory, all logs together, before they are written to disk.
pub const RESIDENT_ROWS: usize = 1 << 16;

/// Every log's rows so far.
#[derive(Debug, Clone, Default)]
pub struct LogArchive {
    place: SpillPlace,
    resident: Vec<LogRow>,
    /// Runs per log, in [`Log::ALL`] order.
    runs: [Vec<PathBuf>; 5],
    counts: [u64; 5],
}

impl LogArchive {
    /// Spill files go into a temporary folder inside `root`.
    pub fn set_root(&mut self, root: PathBuf) {
        self.place.root = Some(root);
    }

    /// Rows of each log, in [`Log::ALL`] order.
    pub fn counts(&self) -> [u64; 5] {
        self.counts
    }

    /// Adds rows; writes the resident ones to disk when there are too many.
    pub fn extend(&mut self, rows: impl IntoIterator<Item = LogRow>) -> io::Result<()> {
        for row in rows {
            self.counts[index(row.log)] += 1;
            self.resident.push(row);
        }
        if self.resident.len() >= RESIDENT_ROWS {
            self.spill()?;
        }
        Ok(())
    }

    /// Writes the resident rows to disk, a run per log; when that fails they stay in memory.
    fn spill(&mut self) -> io::Result<()> {
        let mut rows = std::mem::take(&mut self.resident);
        rows.par_sort_unstable_by(|a, b| a.log.cmp(&b.log).then_with(|| row_order(a, b)));
        let mut written: Vec<(usize, PathBuf)> = Vec::new();
        for log in Log::ALL {
            let from = rows.partition_point(|r| r.log < log);
            let to = rows.partition_point(|r| r.log <= log);
            if from == to {
                continue;
            }
            let part = &rows[from..to];
            match self.place.write(|dir| write_run(dir, log.name(), part)) {
                Ok(run) => written.push((index(log), run)),
                Err(e) => {
                    for (_, run) in written {
                        let _ = std::fs::remove_file(run);
                    }
                    self.resident = rows;
                    return Err(e);
                }
            }
        }
        for (i, run) in written {
            self.runs[i].push(run);
        }
        Ok(())
    }

    /// Takes the rows and runs of `other`.
    pub fn append(&mut self, other: LogArchive) {
        for (a, b) in self.runs.iter_mut().zip(other.runs) {
            a.extend(b);
        }
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        self.resident.extend(other.resident);
        self.place.keep.extend(other.place.dir);
        self.place.keep.extend(other.place.keep);
    }

    /// The rows of `log`, in time order.
    pub fn table(&self, log: Log) -> io::Result<SortedRows<LogRow>> {
        let mut resident: Vec<LogRow> = self
            .resident
            .iter()
            .filter(|r| r.log == log)
            .cloned()
            .collect();
        resident.par_sort_unstable_by(row_order);
        let runs = &self.runs[index(log)];
        if runs.is_empty() {
            return Ok(SortedRows::resident(resident, row_order));
        }
        let mut dirs: Vec<Arc<tempfile::TempDir>> = self.place.dir.iter().cloned().collect();
        dirs.extend(self.place.keep.iter().cloned());
        let mut runs = runs.clone();
        if !resident.is_empty() {
            let own = Arc::new(super::spill_dir(self.place.root.as_deref())?);
            runs.push(write_run(own.path(), log.name(), &resident)?);
            dirs.push(own);
        }
        Ok(SortedRows::on_disk(runs, row_order, dirs))
    }
}

fn index(log: Log) -> usize {
    Log::ALL.iter().position(|l| *l == log).unwrap_or(0)
}
