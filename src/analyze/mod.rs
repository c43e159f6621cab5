//! Records to metrics: decode a window of records in parallel (a mapped file's parts are walked
//! and decoded at once, in `parts`; a stream's records come in batches), fold each part or
//! batch into a partial [`Aggregate`], merge the partials in record order.
//!
//! Memory is bounded by the window (a few parts or batches) plus the tables that grow with
//! distinct keys, each capped by [`Limits`]; no per-packet table is ever held.

mod aggregate;
pub mod allocator;
pub mod anomaly;
pub mod app;
mod community_id;
mod echoes;
mod file_report;
mod flow_record;
mod flows;
mod fold;
#[doc(hidden)]
pub mod fuzzing;
mod hist;
mod interarrival;
mod interval_top;
mod options;
mod packets;
mod pairs;
mod parts;
mod reassembly;
mod shards;
mod short_text;
mod tables;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use aggregate::{Aggregate, BatchBuffers, Context, Limits, PortStats};
pub use anomaly::{Anomaly, Evidence, Hunt, Internal, Net};
pub use file_report::{FileReport, LinkTypeCount};
pub use flow_record::{FlowId, FlowRecord};
pub use flows::{FlowKey, FlowPartial, IdleTimeouts};
pub use fold::fold_batch;
pub use hist::{Distribution, LogHist, Stats};
pub use options::Options;
pub use packets::{PacketColumns, PacketSink};
pub use pairs::{add_endpoints, ConvKey, ConvStats, EndpointStats};

use crate::read::{self, CaptureReader, ReadError, Record};

/// The merged result of a run.
#[derive(Debug)]
pub struct Analysis {
    /// Everything counted.
    pub total: Aggregate,
    /// Per input file, in the order analyzed (by first timestamp).
    pub files: Vec<FileReport>,
    /// Files in folders that were not captures, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// Interval length of the time series, ns.
    pub interval_ns: i64,
    /// Time the intervals count from (the first frame's).
    pub base_ts: i64,
}

impl Analysis {
    /// Whether any input could not be read whole.
    pub fn has_errors(&self) -> bool {
        self.files.iter().any(|f| f.error.is_some())
    }

    /// Inputs that hold the same packets as an earlier input, as (later, earlier) indexes into
    /// `files`: the same frame count, bytes, first and last timestamps and link types, as a
    /// copy of a capture in another format, byte order or compression has.
    pub fn duplicate_files(&self) -> Vec<(usize, usize)> {
        let fingerprint = |f: &FileReport| {
            let mut linktypes: Vec<_> = f
                .linktypes
                .iter()
                .map(|l| (l.linktype, l.packets, l.bytes))
                .collect();
            linktypes.sort_unstable();
            (f.packets, f.bytes, f.first_ts, f.last_ts, linktypes)
        };
        let mut seen = std::collections::HashMap::new();
        let mut out = Vec::new();
        for (i, f) in self.files.iter().enumerate() {
            if f.packets == 0 {
                continue;
            }
            match seen.entry(fingerprint(f)) {
                std::collections::hash_map::Entry::Occupied(first) => out.push((i, *first.get())),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(i);
                }
            }
        }
        out
    }
}

/// Analyzes the captures at `paths` (files and folders) together.
///
/// `progress` is called with the number of input bytes consumed since its last call.
pub fn analyze_paths(
    paths: &[PathBuf],
    opts: &Options,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Analysis {
    analyze_paths_with(paths, opts, progress, None)
}

/// [`analyze_paths`], also handing every frame as table rows to `packets` when given.
pub fn analyze_paths_with(
    paths: &[PathBuf],
    opts: &Options,
    progress: &mut (dyn FnMut(u64) + Send),
    mut packets: Option<PacketSink<'_>>,
) -> Analysis {
    let inputs = read::discover(paths, opts.walk);
    let files = order_inputs(inputs.files);
    let base_ts = files.iter().filter_map(|f| f.0).min().unwrap_or(0);
    let ctx = Context {
        base_ts,
        interval_ns: opts.interval_ns.max(1),
        collect_packets: packets.is_some(),
        interval_top: opts.interval_top,
        app: opts.app,
    };
    let mut total = Aggregate::default();
    total.app = opts.app;
    total.conv_archive.set_limit(opts.limits.max_conversations);
    if let Some(dir) = &opts.spill_dir {
        total.finished.set_root(dir.clone());
        total.conv_archive.set_root(dir.clone());
        total.logs.set_root(dir.clone());
    }
    let mut reports = Vec::with_capacity(files.len());
    for (missing, why) in inputs.missing {
        reports.push(FileReport {
            error: Some(ReadError {
                offset: 0,
                message: format!("cannot read: {why}"),
                kind: read::ReadErrorKind::Io(why),
            }),
            ..FileReport::empty(missing)
        });
    }
    for (_, input) in files {
        let (path, opened) = match input {
            Input::File(path) => (path, None),
            Input::Pipe(path, opened) => (path, Some(*opened)),
        };
        reports.push(rayon::scope(|_| {
            read_file(
                &path,
                opened,
                &ctx,
                opts,
                &mut total,
                progress,
                &mut packets,
            )
        }));
    }
    total.finish_sessions();
    total.count_idle_at_end(&opts.limits.idle);
    Analysis {
        total,
        files: reports,
        skipped: inputs.skipped,
        interval_ns: ctx.interval_ns,
        base_ts,
    }
}

/// An input to read: a file, or a pipe already opened (it can be opened only once).
enum Input {
    File(PathBuf),
    Pipe(PathBuf, Box<Result<CaptureReader, ReadError>>),
}

/// The inputs with their first timestamps, in the order they are read: files by time (those
/// with no readable frame at the end); a pipe (`-`, a FIFO) is opened here, once, its first
/// timestamp peeked, and it keeps its place in the order given, the files around it ordered.
fn order_inputs(paths: Vec<PathBuf>) -> Vec<(Option<i64>, Input)> {
    let mut pipes = Vec::new();
    let mut files: Vec<(Option<i64>, PathBuf)> = Vec::new();
    for (i, path) in paths.into_iter().enumerate() {
        if read::is_pipe(&path) {
            let mut opened = CaptureReader::open(&path);
            let ts = opened.as_mut().ok().and_then(CaptureReader::peek_timestamp);
            pipes.push((i, (ts, Input::Pipe(path, Box::new(opened)))));
        } else {
            files.push((read::first_timestamp(&path), path));
        }
    }
    files.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.1.cmp(&b.1)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.1.cmp(&b.1),
    });
    let total = files.len() + pipes.len();
    let mut pipes = pipes.into_iter().peekable();
    let mut files = files.into_iter().map(|(ts, p)| (ts, Input::File(p)));
    let mut out = Vec::with_capacity(total);
    for i in 0..total {
        let next = match pipes.next_if(|(at, _)| *at == i) {
            Some((_, pipe)) => Some(pipe),
            None => files.next().or_else(|| pipes.next().map(|(_, p)| p)),
        };
        out.extend(next);
    }
    out
}

/// Reads one file, merging what it holds into `total`.
pub fn analyze_file(
    path: &Path,
    ctx: &Context,
    opts: &Options,
    total: &mut Aggregate,
    progress: &mut (dyn FnMut(u64) + Send),
    packets: &mut Option<PacketSink<'_>>,
) -> FileReport {
    // Run by a worker of the pool: the reading loop hands work to the pool at every window,
    // and a thread outside it would wait to be woken each time.
    rayon::scope(|_| read_file(path, None, ctx, opts, total, progress, packets))
}

/// Reads `path`, or the reader `opened` from it already.
fn read_file(
    path: &Path,
    opened: Option<Result<CaptureReader, ReadError>>,
    ctx: &Context,
    opts: &Options,
    total: &mut Aggregate,
    progress: &mut (dyn FnMut(u64) + Send),
    packets: &mut Option<PacketSink<'_>>,
) -> FileReport {
    let mut report = FileReport {
        size_bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        ..FileReport::empty(path.to_path_buf())
    };
    let mut reader = match opened.unwrap_or_else(|| CaptureReader::open(path)) {
        Ok(r) => r,
        Err(e) => {
            report.error = Some(e);
            return report;
        }
    };
    report.format = Some(reader.format());
    reader.set_batch_bytes(opts.batch_bytes);
    report.compression = reader.compression();
    if parts::analyze_parts(
        &mut reader,
        ctx,
        opts,
        total,
        &mut report,
        progress,
        packets,
    ) {
        total.finish();
        report.error = reader.error().cloned();
        return report;
    }
    let per_batch = opts.batch_size.max(1);
    let new_window = || -> Vec<Vec<Record>> {
        (0..opts.batches_per_window.max(1))
            .map(|_| Vec::with_capacity(per_batch))
            .collect()
    };
    let (mut current, mut next) = (new_window(), new_window());
    let mut chunk = reader.next_window(&mut current, per_batch);
    let mut folded: Vec<Aggregate> = Vec::new();
    let mut reported = 0;
    // Pipeline: while the workers decode one window, this thread merges the window before it
    // and scans the one after it.
    while let Some(bytes) = chunk.take() {
        let buf: &[u8] = (*bytes).as_ref();
        let (partials, following) = rayon::join(
            || {
                current
                    .par_iter()
                    .filter(|b| !b.is_empty())
                    .map(|batch| fold_batch(buf, batch, ctx))
                    .collect::<Vec<Aggregate>>()
            },
            || {
                fold::absorb(folded.drain(..), &mut report, total, packets, &opts.limits);
                reader.next_window(&mut next, per_batch)
            },
        );
        folded = partials;
        chunk = following;
        std::mem::swap(&mut current, &mut next);
        let now = reader.progress();
        progress(now.saturating_sub(reported));
        reported = now;
    }
    fold::absorb(
        folded.into_iter(),
        &mut report,
        total,
        packets,
        &opts.limits,
    );
    total.finish();
    let now = reader.file_len();
    progress(now.saturating_sub(reported));
    report.error = reader.error().cloned();
    report
}
