//! Records to metrics: decode a window of records in parallel (a mapped file's parts are walked
//! and decoded at once, in `parts`; a gzip stream's records come in batches), fold each part or
//! batch into a partial [`Aggregate`], merge the partials in record order.
//!
//! Memory is bounded by the window (a few parts or batches) plus the tables that grow with
//! distinct keys, each capped by [`Limits`]; no per-packet table is ever held.

mod aggregate;
mod anomaly;
mod community_id;
mod echoes;
mod flow_record;
mod flows;
mod hist;
mod interarrival;
mod interval_top;
mod pairs;
mod parts;
mod reassembly;
mod shards;
mod short_text;
mod tables;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use aggregate::{Aggregate, BatchBuffers, Context, Limits, PortStats};
pub use anomaly::{Anomaly, Evidence};
pub use flow_record::FlowRecord;
pub use flows::{FlowKey, FlowPartial};
pub use hist::{Distribution, LogHist, Stats};
pub use pairs::{add_endpoints, ConvKey, ConvStats, EndpointStats};

use crate::decode::{decode_into, Frame};
use crate::read::{self, CaptureReader, Format, ReadError, Record};

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
    /// Batches per window of a gzip stream (a multiple of the worker count keeps every core
    /// busy); for a mapped file, the fewest parts planned ahead of the merge.
    pub batches_per_window: usize,
    /// Count the top N addresses and ports of every interval (0: off; for InfluxDB).
    pub interval_top: usize,
    /// Where flows finished early are written (the system's temporary folder when `None`).
    pub spill_dir: Option<PathBuf>,
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
            spill_dir: None,
        }
    }
}

/// Frames and bytes of one link type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkTypeCount {
    /// LINKTYPE_* value.
    pub linktype: u16,
    /// Frames.
    pub packets: u64,
    /// Bytes on the wire.
    pub bytes: u64,
}

/// What one input file held.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The path as given or found.
    pub path: PathBuf,
    /// Container format, when recognised.
    pub format: Option<Format>,
    /// Whether it was gzip-compressed.
    pub compressed: bool,
    /// Size on disk.
    pub size_bytes: u64,
    /// Frames per link type.
    pub linktypes: Vec<LinkTypeCount>,
    /// Frames read.
    pub packets: u64,
    /// Bytes on the wire.
    pub bytes: u64,
    /// Earliest frame time.
    pub first_ts: Option<i64>,
    /// Latest frame time.
    pub last_ts: Option<i64>,
    /// Why reading stopped early, if it did.
    pub error: Option<ReadError>,
}

impl FileReport {
    /// The report of `path` before anything is read from it.
    pub fn empty(path: PathBuf) -> FileReport {
        FileReport {
            path,
            format: None,
            compressed: false,
            size_bytes: 0,
            linktypes: Vec::new(),
            packets: 0,
            bytes: 0,
            first_ts: None,
            last_ts: None,
            error: None,
        }
    }
}

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

/// One batch of frames as columns (outermost IP and transport), in capture order: the rows of
/// `packets.parquet`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PacketColumns {
    /// Capture time, ns since the epoch.
    pub ts: Vec<i64>,
    /// Length on the wire.
    pub len: Vec<u32>,
    /// Captured length.
    pub caplen: Vec<u32>,
    /// LINKTYPE_* value.
    pub linktype: Vec<u16>,
    /// Protocols present, one bit per [`crate::decode::Proto`].
    pub protos: Vec<u64>,
    /// Outer source (IP version 0: none).
    pub src: Vec<(u8, u128)>,
    /// Outer destination.
    pub dst: Vec<(u8, u128)>,
    /// Outer transport protocol.
    pub ip_proto: Vec<u8>,
    /// Source port (ICMP: type); 0 without a transport header.
    pub sport: Vec<u16>,
    /// Destination port (ICMP: code).
    pub dport: Vec<u16>,
    /// TCP flags.
    pub tcp_flags: Vec<u16>,
}

impl PacketColumns {
    fn push(&mut self, rec: &Record, frame: &Frame) {
        let o = &frame.outer;
        let ip = o.ip_version != 0;
        let transport = ip && o.has_transport;
        self.ts.push(rec.ts_ns);
        self.len.push(rec.origlen);
        self.caplen.push(rec.caplen);
        self.linktype.push(rec.linktype);
        self.protos.push(frame.protos.bits());
        self.src
            .push(if ip { (o.ip_version, o.src) } else { (0, 0) });
        self.dst
            .push(if ip { (o.ip_version, o.dst) } else { (0, 0) });
        self.ip_proto.push(if ip { o.ip_proto } else { 0 });
        self.sport.push(if transport { o.sport } else { 0 });
        self.dport.push(if transport { o.dport } else { 0 });
        self.tcp_flags.push(if transport { o.tcp_flags } else { 0 });
    }
}

/// Receives each batch's [`PacketColumns`], in capture order.
pub type PacketSink<'a> = &'a mut (dyn FnMut(PacketColumns) + Send);

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
    let inputs = read::discover(paths);
    let mut files: Vec<(Option<i64>, PathBuf)> = inputs
        .files
        .into_iter()
        .map(|p| (read::first_timestamp(&p), p))
        .collect();
    // Time order; files with no readable frame keep their place at the end.
    files.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.1.cmp(&b.1)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.1.cmp(&b.1),
    });
    let base_ts = files.iter().find_map(|f| f.0).unwrap_or(0);
    let ctx = Context {
        base_ts,
        interval_ns: opts.interval_ns.max(1),
        collect_packets: packets.is_some(),
        interval_top: opts.interval_top,
    };
    let mut total = Aggregate::default();
    total.conv_archive.set_limit(opts.limits.max_conversations);
    if let Some(dir) = &opts.spill_dir {
        total.finished.set_root(dir.clone());
        total.conv_archive.set_root(dir.clone());
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
    for (_, path) in files {
        reports.push(analyze_file(
            &path,
            &ctx,
            opts,
            &mut total,
            progress,
            &mut packets,
        ));
    }
    Analysis {
        total,
        files: reports,
        skipped: inputs.skipped,
        interval_ns: ctx.interval_ns,
        base_ts,
    }
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
    rayon::scope(|_| read_file(path, ctx, opts, total, progress, packets))
}

fn read_file(
    path: &Path,
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
    let mut reader = match CaptureReader::open(path) {
        Ok(r) => r,
        Err(e) => {
            report.error = Some(e);
            return report;
        }
    };
    report.format = Some(reader.format());
    reader.set_batch_bytes(opts.batch_bytes);
    report.compressed = reader.compressed();
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
                absorb(folded.drain(..), &mut report, total, packets, &opts.limits);
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
    absorb(
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

/// Merges a window's partials, in record order, into the file's report and the running total,
/// handing their packet rows to the sink first.
fn absorb(
    partials: impl Iterator<Item = Aggregate>,
    report: &mut FileReport,
    total: &mut Aggregate,
    packets: &mut Option<PacketSink<'_>>,
    limits: &Limits,
) {
    for p in partials {
        absorb_one(p, report, total, packets, limits);
    }
}

/// [`absorb`] for one aggregate, whose event lists and histograms come back for another batch.
fn absorb_one(
    mut partial: Aggregate,
    report: &mut FileReport,
    total: &mut Aggregate,
    packets: &mut Option<PacketSink<'_>>,
    limits: &Limits,
) -> BatchBuffers {
    if let Some(sink) = packets.as_mut() {
        sink(std::mem::take(&mut partial.packet_rows));
    }
    file_summary_add(report, &partial);
    total.merge_keeping_buffers(partial, limits)
}

fn file_summary_add(report: &mut FileReport, p: &Aggregate) {
    report.packets += p.packets;
    report.bytes += p.bytes;
    if let Some(m) = p.min_ts {
        report.first_ts = Some(report.first_ts.map_or(m, |f| f.min(m)));
    }
    if let Some(m) = p.max_ts {
        report.last_ts = Some(report.last_ts.map_or(m, |f| f.max(m)));
    }
    for &(linktype, packets, bytes) in &p.linktypes {
        match report.linktypes.iter_mut().find(|l| l.linktype == linktype) {
            Some(l) => {
                l.packets += packets;
                l.bytes += bytes;
            }
            None => report.linktypes.push(LinkTypeCount {
                linktype,
                packets,
                bytes,
            }),
        }
    }
}

/// How many records ahead of the decoder their first bytes are asked for.
const PREFETCH_RECORDS: usize = 8;

/// Decodes and folds one batch of records; runs on a worker thread.
pub fn fold_batch(buf: &[u8], batch: &[Record], ctx: &Context) -> Aggregate {
    let mut agg = batch_aggregate(batch.len(), ctx, BatchBuffers::default());
    let mut frame = Frame::default();
    for (i, rec) in batch.iter().enumerate() {
        if let Some(ahead) = batch.get(i + PREFETCH_RECORDS) {
            // Headers up to TCP's fit in the frame's first 64 bytes: at most two cache lines.
            read::prefetch(buf, ahead.data_offset);
            read::prefetch(buf, ahead.data_offset + 63);
        }
        fold_record(&mut agg, &mut frame, buf, rec, ctx);
    }
    agg.finish();
    agg
}

/// An empty aggregate for a batch of about `records` records, filling `buffers`.
fn batch_aggregate(records: usize, ctx: &Context, buffers: BatchBuffers) -> Aggregate {
    // About one flow and one address pair per frame.
    let mut agg = Aggregate::for_batch(buffers, records);
    agg.interval_talkers.top = ctx.interval_top;
    agg.interval_ports.top = ctx.interval_top;
    agg
}

/// Decodes the frame of `rec` into `frame` and counts it in `agg`.
#[inline(always)]
fn fold_record(agg: &mut Aggregate, frame: &mut Frame, buf: &[u8], rec: &Record, ctx: &Context) {
    let start = rec.data_offset.min(buf.len());
    let end = (start + rec.caplen as usize).min(buf.len());
    decode_into(frame, rec.linktype, &buf[start..end]);
    agg.add(ctx, rec, frame);
    if let Some(info) = &frame.fragment {
        let interval = (rec.ts_ns - ctx.base_ts).div_euclid(ctx.interval_ns);
        agg.fragments.push(reassembly::Piece::new(
            info,
            &buf[start..end],
            rec.ts_ns,
            u64::from(rec.origlen),
            interval,
            frame.protos.bits(),
        ));
    }
    if ctx.collect_packets {
        agg.packet_rows.push(rec, frame);
    }
}
