//! How to analyze: interval length, table limits, batch sizes, where to spill.

use std::path::PathBuf;

use super::aggregate::Limits;

/// How to analyze.
#[derive(Debug, Clone)]
pub struct Options {
    /// Length of a time-series interval, ns.
    pub interval_ns: i64,
    /// Caps on the tables that grow with the input.
    pub limits: Limits,
    /// Records per batch handed to one worker.
    pub batch_size: usize,
    /// Bytes of frames per batch at most, whatever the record count.
    pub batch_bytes: usize,
    /// Batches per window of a stream (a multiple of the worker count keeps every core
    /// busy); for a mapped file, the fewest parts planned ahead of the merge.
    pub batches_per_window: usize,
    /// Count the top N addresses and ports of every interval (0: off; for InfluxDB).
    pub interval_top: usize,
    /// Run the application layer: services, and the dns, tls, quic, http and ssh logs.
    pub app: bool,
    /// Where flows finished early are written (the system's temporary folder when `None`).
    pub spill_dir: Option<PathBuf>,
    /// How folders among the inputs are walked.
    pub walk: crate::read::Walk,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            interval_ns: 1_000_000_000,
            limits: Limits::default(),
            batch_size: 32 * 1024,
            // Large frames end a batch before its record count does: a window then maps tens
            // of MB of the file rather than hundreds, which bounds peak RSS.
            batch_bytes: 8 << 20,
            batches_per_window: 2 * rayon::current_num_threads(),
            interval_top: 0,
            app: true,
            spill_dir: None,
            walk: crate::read::Walk::default(),
        }
    }
}
