//! A file read whole (pcap or pcapng) cut into parts that the workers walk and fold at once.
//!
//! Neither format has an index: each record or block header says where the next one starts.
//! Finding the records first and decoding them after loaded each record's first cache line
//! twice, the second time long after the first, and left the finding to one thread. Here the file
//! is cut at guessed record boundaries (a run of plausible headers), each worker walks its part
//! with the state read before the part was cut (pcapng's sections and interfaces) and folds every
//! record as it reaches it, and the parts are then checked in file order: a part is kept only
//! when the walk before it ended exactly on its first record, with the same state. One whose
//! guess was wrong is walked and folded again from the true boundary, and one that stopped before
//! a block that changes the state is walked on from there. So the result is the single walk's,
//! whatever the bytes.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use super::aggregate::{Aggregate, BatchBuffers, Context};
use super::file_report::FileReport;
use super::fold::{absorb_one, batch_aggregate, fold_record};
use super::options::Options;
use super::packets::PacketSink;
use crate::decode::Frame;
use crate::read::{
    CaptureReader, FileBytes, MappedScanner, PartScanner, ReadErrorKind, Record, Scan,
};

/// Bytes searched for a record boundary after each cutting point.
const GUESS_SEARCH: usize = 64 * 1024;

/// Cutting points tried after each other, a part's length apart, before a part is cut anywhere.
const GUESS_TRIES: usize = 4;

/// Parts no smaller than this, whatever the records' size.
pub(super) const MIN_PART_BYTES: usize = 256 * 1024;

/// A part of the file to walk: from `start` (a guessed record boundary, but for the first
/// part) up to the first record at or after `limit`.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    limit: usize,
    /// Records the part is expected to hold, to make room for.
    records: usize,
}

/// What a walk over a [`Span`] found.
struct Part<S> {
    span: Span,
    agg: Aggregate,
    /// Where the walk ended: at or after `span.limit`, or before it when the walk stopped at its
    /// record cap, before a change of state, or for `stop`.
    end: usize,
    /// What stopped the walk (the end of the file, a record cut short, a damaged record).
    stop: Option<Result<Scan, ReadErrorKind>>,
    /// The generation of the state the walk started with.
    generation: u64,
    /// The state the walk ended with.
    scanner: S,
}

/// How parts are walked and folded.
struct Walker<'a> {
    buf: &'a [u8],
    /// The file `buf` maps, asked whether it changed before a part is trusted.
    file: &'a FileBytes,
    ctx: &'a Context,
    /// Records folded into one aggregate at most: bounds a part's memory whatever its bytes.
    max_records: usize,
    /// Event lists and histograms of merged parts, emptied, for the next parts to fill.
    spare: Mutex<Vec<BatchBuffers>>,
}

impl Walker<'_> {
    /// Walks `span` from `from` with `scanner`, folding each record; `from_guess`: `from` is a
    /// guessed boundary and `scanner` the state of an earlier point.
    fn fold<S: PartScanner>(
        &self,
        span: Span,
        from: usize,
        mut scanner: S,
        from_guess: bool,
    ) -> Part<S> {
        let buffers = lock(&self.spare).pop().unwrap_or_default();
        let mut agg = batch_aggregate(span.records.min(self.max_records), self.ctx, buffers);
        agg.payloads.borrow_from_source();
        let mut frame = Frame::default();
        let mut end = from;
        let generation = scanner.generation();
        let (_, stop) = scanner.walk_part(
            self.buf,
            &mut end,
            span.limit,
            self.max_records,
            from_guess,
            |rec: &Record| fold_record(&mut agg, &mut frame, self.buf, rec, self.ctx),
        );
        agg.finish();
        Part {
            span,
            agg,
            end,
            stop,
            generation,
            scanner,
        }
    }
}

/// Merges parts in file order, checking that each starts where the one before it ended.
struct Stitch<S> {
    /// The record boundary where the next part must start.
    pos: usize,
    /// The state there.
    scanner: S,
    /// Records merged.
    records: u64,
    /// What ended the walk, once it has ended.
    ended: Option<Option<Result<Scan, ReadErrorKind>>>,
}

impl<S: PartScanner> Stitch<S> {
    /// Merges `part`, the next in file order, into `total` and `report`: walked again when its
    /// start was guessed wrong or it was walked with another state (a wrong guess costs its part
    /// a second walk), and walked on when it stopped early (at its record cap, before a change
    /// of state).
    fn merge(
        &mut self,
        mut part: Part<S>,
        walker: &Walker<'_>,
        opts: &Options,
        total: &mut Aggregate,
        report: &mut FileReport,
        packets: &mut Option<PacketSink<'_>>,
    ) {
        if self.ended.is_some() {
            return;
        }
        if part.span.start != self.pos || part.generation != self.scanner.generation() {
            part = walker.fold(part.span, self.pos, self.scanner.clone(), false);
        }
        loop {
            if let Some(change) = walker.file.changed() {
                // The part may have read bytes that vanished or changed (read as zeros, or
                // another file's): walk again, from the last part trusted, only the bytes that
                // are as they were.
                return self.merge_before_change(change, walker, opts, total, report, packets);
            }
            self.pos = part.end;
            self.scanner.join(part.scanner);
            self.records += part.agg.packets;
            let buffers = absorb_one(part.agg, report, total, packets, &opts.limits, walker.buf);
            lock(&walker.spare).push(buffers);
            if part.stop.is_some() || part.end >= walker.buf.len() {
                self.ended = Some(part.stop);
                return;
            }
            if part.end >= part.span.limit {
                return;
            }
            // Stopped early: the rest of the span, from where it stopped.
            part = walker.fold(part.span, part.end, self.scanner.clone(), false);
        }
    }
}

impl<S: PartScanner> Stitch<S> {
    /// Ends the walk at a change of the file: the records from the last part merged up to where
    /// the file is still intact are walked and merged, and the change is what ended the walk.
    fn merge_before_change(
        &mut self,
        change: crate::read::Change,
        walker: &Walker<'_>,
        opts: &Options,
        total: &mut Aggregate,
        report: &mut FileReport,
        packets: &mut Option<PacketSink<'_>>,
    ) {
        let intact = change.intact.min(walker.buf.len());
        let within = Walker {
            buf: &walker.buf[..intact],
            file: walker.file,
            ctx: walker.ctx,
            max_records: walker.max_records,
            spare: Mutex::default(),
        };
        while self.pos < intact {
            let span = Span {
                start: self.pos,
                limit: intact,
                records: walker.max_records,
            };
            let part = within.fold(span, self.pos, self.scanner.clone(), false);
            let walked_on = part.end > self.pos;
            self.pos = part.end;
            self.scanner.join(part.scanner);
            self.records += part.agg.packets;
            let _ = absorb_one(part.agg, report, total, packets, &opts.limits, within.buf);
            if part.stop.is_some() || !walked_on {
                break;
            }
        }
        self.ended = Some(Some(Err(change.kind())));
    }
}

/// Analyzes the file of `reader` when it is read whole ([`CaptureReader::mapped_parts`]),
/// merging into `total` and `report`; returns whether it was.
pub(super) fn analyze_parts(
    reader: &mut CaptureReader,
    ctx: &Context,
    opts: &Options,
    total: &mut Aggregate,
    report: &mut FileReport,
    progress: &mut (dyn FnMut(u64) + Send),
    packets: &mut Option<PacketSink<'_>>,
) -> bool {
    analyze_parts_with(
        reader,
        ctx,
        opts,
        MIN_PART_BYTES,
        total,
        report,
        progress,
        packets,
    )
}

/// [`analyze_parts`] with parts of at least `min_part_bytes` (tiny parts for the fuzz targets).
#[allow(clippy::too_many_arguments)]
pub(super) fn analyze_parts_with(
    reader: &mut CaptureReader,
    ctx: &Context,
    opts: &Options,
    min_part_bytes: usize,
    total: &mut Aggregate,
    report: &mut FileReport,
    progress: &mut (dyn FnMut(u64) + Send),
    packets: &mut Option<PacketSink<'_>>,
) -> bool {
    let Some((bytes, scanner, first)) = reader.mapped_parts() else {
        return false;
    };
    let file: &FileBytes = &bytes;
    let mut truncate = truncate_hook(reader.path());
    let progress = &mut |n| {
        if let Some(truncate) = truncate.take() {
            truncate();
        }
        progress(n)
    };
    let sizes = Sizes {
        per_part: opts.batch_size.max(1),
        min_part_bytes: min_part_bytes.max(1),
    };
    let (pos, stop) = match scanner {
        MappedScanner::Pcap(s) => walk_parts(
            file, s, first, sizes, ctx, opts, total, report, reader, progress, packets,
        ),
        MappedScanner::PcapNg(s) => walk_parts(
            file, s, first, sizes, ctx, opts, total, report, reader, progress, packets,
        ),
    };
    reader.walk_ended(pos, stop);
    true
}

/// In a test build, `NETANALYZER_TEST_TRUNCATE=PATH:BYTES` truncates the file at PATH to BYTES
/// once its first part is merged: what a ring buffer reusing the file's name does, at a point a
/// test can choose.
fn truncate_hook(path: &std::path::Path) -> Option<impl FnOnce() + Send> {
    if !cfg!(debug_assertions) {
        return None;
    }
    let hook = std::env::var("NETANALYZER_TEST_TRUNCATE").ok()?;
    let (target, len) = hook.rsplit_once(':')?;
    let len: u64 = len.parse().ok()?;
    if std::path::Path::new(target) != path {
        return None;
    }
    let path = path.to_path_buf();
    Some(move || {
        if let Ok(file) = std::fs::OpenOptions::new().write(true).open(&path) {
            let _ = file.set_len(len);
        }
    })
}

/// Parts folded ahead of the merge at most, per worker: bounds memory, and leaves a worker that
/// finishes a part something to take while the others finish theirs.
const PARTS_AHEAD_PER_WORKER: usize = 2;

/// The merge, and the planning of parts (which needs the state the merge has reached): one
/// worker at a time.
struct Merging<'r, 'p, S> {
    stitch: Stitch<S>,
    /// Number of the next part to merge.
    next: u64,
    /// Parts planned so far, and the offset planned up to.
    planned_parts: u64,
    planned: usize,
    /// Offset of the first record, and the mean length of a record so far.
    first: usize,
    mean_record: usize,
    /// Bytes reported to `progress`.
    reported: u64,
    total: &'r mut Aggregate,
    report: &'r mut FileReport,
    reader: &'r mut CaptureReader,
    progress: &'r mut (dyn FnMut(u64) + Send),
    packets: &'r mut Option<PacketSink<'p>>,
}

/// How large the parts are cut.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    /// Records a part, about.
    per_part: usize,
    /// Bytes a part at least.
    min_part_bytes: usize,
}

/// Parts walked and folded by any worker as soon as planned, merged in file order by whichever
/// worker finds the next one folded: no worker waits for the others at the end of a window.
struct Pipeline<'a, 'r, 'p, S> {
    walker: Walker<'a>,
    opts: &'a Options,
    sizes: Sizes,
    parts_ahead: u64,
    /// Folded parts not yet merged, by number.
    folded: Mutex<BTreeMap<u64, Part<S>>>,
    merging: Mutex<Merging<'r, 'p, S>>,
    /// The walk has ended: parts not yet begun are not walked.
    ended: AtomicBool,
}

impl<'a, S: PartScanner> Pipeline<'a, '_, '_, S> {
    /// Plans parts up to `parts_ahead` beyond the merge and hands them to the workers.
    fn plan<'s>(&'s self, m: &mut Merging<'_, '_, S>, scope: &rayon::ScopeFifo<'s>)
    where
        'a: 's,
    {
        let len = self.walker.buf.len();
        let floor = self.sizes.min_part_bytes;
        let part_bytes =
            (m.mean_record * self.sizes.per_part).clamp(floor, self.opts.batch_bytes.max(floor));
        let mut planned_any = false;
        while m.planned_parts < m.next + self.parts_ahead
            && m.planned < len
            && m.stitch.ended.is_none()
        {
            // Walked with the state known now: a change of state in the parts being merged
            // costs the parts after it a second walk.
            let state = m.stitch.scanner.clone();
            let limit = next_cut(self.walker.buf, &state, m.planned, part_bytes);
            let span = Span {
                start: m.planned,
                limit,
                records: part_bytes / m.mean_record + 16,
            };
            let number = m.planned_parts;
            m.planned = limit;
            m.planned_parts += 1;
            planned_any = true;
            scope.spawn_fifo(move |scope| {
                if self.ended.load(Ordering::Relaxed) {
                    return;
                }
                let part = self.walker.fold(span, span.start, state, true);
                lock(&self.folded).insert(number, part);
                self.merge_ready(scope);
            });
        }
        if planned_any {
            // Pages before the merge are done with (it reads the file again only to walk a part
            // whose guess was wrong, and released pages come back from the page cache); those
            // up to the last part planned will be read.
            let (done, ahead) = (m.stitch.pos, m.planned);
            m.reader.walked_to(done, ahead);
        }
    }

    /// Merges the folded parts that come next, unless another worker is merging; plans more.
    fn merge_ready<'s>(&'s self, scope: &rayon::ScopeFifo<'s>)
    where
        'a: 's,
    {
        loop {
            let Ok(mut m) = self.merging.try_lock() else {
                // The worker merging looks for this part once it is done.
                return;
            };
            loop {
                // Not held during the merge: a worker waiting inside it may fold a part.
                let part = lock(&self.folded).remove(&m.next);
                let Some(part) = part else {
                    break;
                };
                m.next += 1;
                let m = &mut *m;
                m.stitch
                    .merge(part, &self.walker, self.opts, m.total, m.report, m.packets);
                if m.stitch.records > 0 {
                    m.mean_record = ((m.stitch.pos - m.first) / m.stitch.records as usize).max(16);
                }
                let at = m.stitch.pos as u64;
                (m.progress)(at.saturating_sub(m.reported));
                m.reported = at;
                if m.stitch.ended.is_some() {
                    self.ended.store(true, Ordering::Relaxed);
                    lock(&self.folded).clear();
                    return;
                }
                // A part merged makes room for one more: keep the other workers supplied.
                self.plan(m, scope);
            }
            let next = m.next;
            drop(m);
            // A part folded while this worker held the merge found it busy: look again.
            if !lock(&self.folded).contains_key(&next) {
                return;
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A worker that panicked has ended the analysis anyway; the data stays usable.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Walks `buf` from `first` in parts with `scanner`; returns where the walk ended and why.
#[allow(clippy::too_many_arguments)]
fn walk_parts<S: PartScanner>(
    file: &FileBytes,
    mut scanner: S,
    mut first: usize,
    sizes: Sizes,
    ctx: &Context,
    opts: &Options,
    total: &mut Aggregate,
    report: &mut FileReport,
    reader: &mut CaptureReader,
    progress: &mut (dyn FnMut(u64) + Send),
    packets: &mut Option<PacketSink<'_>>,
) -> (usize, Option<Result<Scan, ReadErrorKind>>) {
    let buf: &[u8] = file;
    let per_part = sizes.per_part;
    scanner.settle(buf, &mut first);
    let mean_record = mean_record_len(buf, &scanner, first);
    let pipeline = Pipeline {
        walker: Walker {
            buf,
            file,
            ctx,
            max_records: 2 * per_part,
            spare: Mutex::default(),
        },
        opts,
        sizes,
        parts_ahead: (PARTS_AHEAD_PER_WORKER * rayon::current_num_threads())
            .max(opts.batches_per_window)
            .max(1) as u64,
        folded: Mutex::new(BTreeMap::new()),
        merging: Mutex::new(Merging {
            stitch: Stitch {
                pos: first,
                scanner,
                records: 0,
                ended: None,
            },
            next: 0,
            planned_parts: 0,
            planned: first,
            first,
            mean_record,
            reported: 0,
            total,
            report,
            reader,
            progress,
            packets,
        }),
        ended: AtomicBool::new(false),
    };
    rayon::scope_fifo(|scope| {
        pipeline.plan(&mut lock(&pipeline.merging), scope);
        // A part folded before the planning let go of the merge found it busy.
        pipeline.merge_ready(scope);
    });
    let m = pipeline
        .merging
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    (m.progress)((buf.len() as u64).saturating_sub(m.reported));
    (m.stitch.pos, m.stitch.ended.flatten())
}

/// Where the part that starts at `start` should end: at the first guessed record boundary
/// `part_bytes` or more after it, or at the end of the file when there is none.
fn next_cut<S: PartScanner>(buf: &[u8], scanner: &S, start: usize, part_bytes: usize) -> usize {
    let mut at = start.saturating_add(part_bytes);
    for _ in 0..GUESS_TRIES {
        if at >= buf.len() {
            return buf.len();
        }
        if let Some(guess) = scanner.guess_boundary(buf, at, at + GUESS_SEARCH) {
            return guess;
        }
        at = at.saturating_add(part_bytes);
    }
    // Nothing like records here (noise, a stretch of zeros): the next part starts at a cut
    // that is no boundary, and is walked again from the true one if the walk gets there. A
    // search to the end would read the whole file before anything is walked.
    at.min(buf.len())
}

/// The mean length of the first records from `first`, headers included.
fn mean_record_len<S: PartScanner>(buf: &[u8], scanner: &S, first: usize) -> usize {
    let mut pos = first;
    let (walked, _) =
        scanner
            .clone()
            .walk_part(buf, &mut pos, buf.len(), 1024, false, |_: &Record| {});
    if walked == 0 {
        return 1024;
    }
    ((pos - first) / walked).max(16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::fuzzing;
    use crate::read::pcap::fixtures::tricky_file;
    use crate::read::pcap::{PcapScanner, MAGIC_MODIFIED, MAGIC_NSEC, MAGIC_USEC};
    use crate::read::pcapng;
    use crate::read::ReadError;

    /// The error that stops the single walk over `bytes`.
    fn single_walk_error(bytes: &[u8]) -> Option<ReadError> {
        let walked = fuzzing::by_records(bytes, 500).expect("capture");
        walked.error().cloned()
    }

    fn assert_parts_give_the_single_walk(bytes: &[u8]) {
        // Part sizes: the floor (many parts, guesses inside fake headers), and records capped
        // below what a part holds (walks resumed where they stopped).
        if let Err(difference) =
            fuzzing::parts_vs_single_with(bytes, &[1, 300, 100_000], MIN_PART_BYTES)
        {
            panic!("{difference}");
        }
    }

    #[test]
    fn parts_give_the_single_walk_over_fake_headers() {
        for (be, magic) in [
            (false, MAGIC_USEC),
            (true, MAGIC_NSEC),
            (false, MAGIC_MODIFIED),
        ] {
            let bytes = tricky_file(be, magic, 6000);
            assert!(bytes.len() > 12 * MIN_PART_BYTES, "enough for many parts");
            assert_parts_give_the_single_walk(&bytes);
        }
    }

    #[test]
    fn parts_stop_where_the_single_walk_does() {
        let bytes = tricky_file(false, MAGIC_USEC, 6000);
        let mut starts = Vec::new();
        let scanner = PcapScanner::new(crate::read::pcap::PcapHeader::parse(&bytes).expect("pcap"));
        let mut pos = crate::read::pcap::FILE_HEADER_LEN;
        scanner.walk_each(&bytes, &mut pos, bytes.len(), usize::MAX, |r| {
            starts.push(r.data_offset - 16)
        });
        // A damaged record two thirds in.
        let mut damaged = bytes.clone();
        let at = starts[4000];
        damaged[at + 8..at + 12].copy_from_slice(&u32::MAX.to_le_bytes());
        let error = single_walk_error(&damaged);
        assert_eq!(error.as_ref().map(|e| e.offset), Some(at as u64));
        assert_parts_give_the_single_walk(&damaged);
        // A file cut short in the middle of a record.
        let mut cut = bytes.clone();
        cut.truncate(starts[5000] + 19);
        let error = single_walk_error(&cut);
        assert!(matches!(
            error.map(|e| e.kind),
            Some(ReadErrorKind::Truncated { .. })
        ));
        assert_parts_give_the_single_walk(&cut);
        // Nothing after the file header; one record.
        assert_parts_give_the_single_walk(&bytes[..crate::read::pcap::FILE_HEADER_LEN]);
        assert_parts_give_the_single_walk(&bytes[..starts[1]]);
    }

    #[test]
    fn parts_of_noise_give_the_single_walk() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for round in 0..4 {
            let mut bytes = crate::read::pcap::fixtures::file(round % 2 == 1, MAGIC_USEC, &[]);
            // Small lengths now and then, so that noise sometimes reads as records.
            while bytes.len() < 8 * MIN_PART_BYTES {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let word = (state >> 32) as u32;
                let word = if word.is_multiple_of(5) {
                    word % 2000
                } else {
                    word
                };
                bytes.extend(word.to_le_bytes());
            }
            assert_parts_give_the_single_walk(&bytes);
        }
    }

    /// Where each block of a pcapng file starts.
    fn block_starts(bytes: &[u8]) -> Vec<usize> {
        let mut starts = Vec::new();
        let mut at = 0;
        let mut big_endian = false;
        while at + 12 <= bytes.len() {
            starts.push(at);
            if bytes[at..at + 4] == pcapng::SHB_TYPE.to_le_bytes() {
                big_endian = bytes[at + 8] == 0x1A;
            }
            let len: [u8; 4] = bytes[at + 4..at + 8].try_into().expect("4 bytes");
            at += if big_endian {
                u32::from_be_bytes(len)
            } else {
                u32::from_le_bytes(len)
            } as usize;
        }
        starts
    }

    #[test]
    fn pcapng_parts_give_the_single_walk() {
        let bytes = pcapng::fixtures::tricky_file(10_000);
        assert!(bytes.len() > 12 * MIN_PART_BYTES, "enough for many parts");
        assert_parts_give_the_single_walk(&bytes);
        let starts = block_starts(&bytes);
        // A damaged block length two thirds in (the trailer no longer agrees).
        let mut damaged = bytes.clone();
        let at = starts[starts.len() * 2 / 3];
        damaged[at + 4] ^= 0x40;
        let error = single_walk_error(&damaged);
        assert_eq!(error.as_ref().map(|e| e.offset), Some(at as u64));
        assert_parts_give_the_single_walk(&damaged);
        // Cut short inside a block.
        let mut cut = bytes.clone();
        cut.truncate(starts[starts.len() / 2] + 30);
        let error = single_walk_error(&cut);
        assert!(matches!(
            error.map(|e| e.kind),
            Some(ReadErrorKind::Truncated { .. })
        ));
        assert_parts_give_the_single_walk(&cut);
        // Headers only; a damaged interface header; one frame.
        assert_parts_give_the_single_walk(&bytes[..starts[3]]);
        let mut bad_header = bytes[..starts[40]].to_vec();
        bad_header[starts[1] + 4] = 13;
        assert_parts_give_the_single_walk(&bad_header);
        assert_parts_give_the_single_walk(&bytes[..starts[4]]);
    }

    /// Analyzes the file at `path` in parts of `per_part` records, calling `between` once, after
    /// the first part is merged.
    fn by_parts_of_file(
        path: &std::path::Path,
        per_part: usize,
        between: impl FnOnce() + Send,
    ) -> (String, Option<ReadError>) {
        let ctx = fuzzing::context();
        let opts = Options {
            batch_size: per_part,
            batches_per_window: 3,
            ..Options::default()
        };
        let mut reader = CaptureReader::open(path).expect("capture");
        let mut total = Aggregate::default();
        let mut report = FileReport::empty("test.pcap".into());
        let mut rows = Vec::new();
        let mut sink = |cols: crate::analyze::PacketColumns| rows.push(cols);
        let mut between = Some(between);
        let walked = analyze_parts(
            &mut reader,
            &ctx,
            &opts,
            &mut total,
            &mut report,
            &mut |_| {
                if let Some(f) = between.take() {
                    f()
                }
            },
            &mut Some(&mut sink),
        );
        assert!(walked, "a mapped file is walked in parts");
        total.finish();
        (
            fuzzing::digest(&total, &fuzzing::merged(rows)),
            reader.error().cloned(),
        )
    }

    #[test]
    fn a_file_truncated_between_parts_counts_the_records_before_the_cut() {
        for bytes in [
            tricky_file(false, MAGIC_USEC, 6000),
            pcapng::fixtures::tricky_file(10_000),
        ] {
            let dir = tempfile::tempdir().expect("temporary folder");
            let path = dir.path().join("ring.pcap");
            std::fs::write(&path, &bytes).expect("write");
            // Mid-record, well after the first part.
            let cut = bytes.len() / 2 + 7;
            let (got, error) = by_parts_of_file(&path, 300, || {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .expect("open to truncate");
                file.set_len(cut as u64).expect("truncate");
            });
            let error = error.expect("the change is an error");
            assert_eq!(
                error.kind,
                ReadErrorKind::Changed {
                    was: bytes.len() as u64,
                    now: cut as u64
                }
            );
            assert_eq!(error.offset, cut as u64, "named where the file changed");
            let expected = fuzzing::by_records(&bytes[..cut], 500)
                .expect("capture")
                .digest;
            assert!(got == expected, "the records before the cut, all of them");
        }
    }

    #[test]
    fn a_file_that_grows_while_read_is_named_at_its_old_end() {
        let bytes = tricky_file(false, MAGIC_USEC, 6000);
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("growing.pcap");
        std::fs::write(&path, &bytes).expect("write");
        let (got, error) = by_parts_of_file(&path, 300, || {
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .expect("open to append");
            file.write_all(&[0; 100]).expect("append");
        });
        let error = error.expect("the change is an error");
        assert!(
            matches!(error.kind, ReadErrorKind::Changed { now, .. } if now == bytes.len() as u64 + 100)
        );
        assert_eq!(error.offset, bytes.len() as u64);
        let expected = fuzzing::by_records(&bytes, 500).expect("capture").digest;
        assert!(got == expected, "every record of the file as it was");
    }
}
