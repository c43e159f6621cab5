//! Records to aggregates: one batch of records decoded and folded by one worker, and each
//! folded aggregate counted in its file's report and merged into the running total, in record
//! order.

use super::aggregate::{Aggregate, BatchBuffers, Context, Limits};
use super::file_report::{FileReport, LinkTypeCount};
use super::packets::PacketSink;
use super::reassembly::Piece;
use super::tables::attach_payload;
use crate::decode::{decode_into, Frame};
use crate::read::{self, Record};

/// Merges a window's partials, in record order, into the file's report and the running total,
/// handing their packet rows to the sink first.
pub(super) fn absorb(
    partials: impl Iterator<Item = Aggregate>,
    report: &mut FileReport,
    total: &mut Aggregate,
    packets: &mut Option<PacketSink<'_>>,
    limits: &Limits,
) {
    for p in partials {
        absorb_one(p, report, total, packets, limits, &[]);
    }
}

/// [`absorb`] for one aggregate, whose event lists and histograms come back for another batch.
pub(super) fn absorb_one(
    mut partial: Aggregate,
    report: &mut FileReport,
    total: &mut Aggregate,
    packets: &mut Option<PacketSink<'_>>,
    limits: &Limits,
    source: &[u8],
) -> BatchBuffers {
    if let Some(sink) = packets.as_mut() {
        sink(std::mem::take(&mut partial.packet_rows));
    }
    file_summary_add(report, &partial);
    total.merge_keeping_buffers(partial, limits, source)
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
pub(super) fn batch_aggregate(records: usize, ctx: &Context, buffers: BatchBuffers) -> Aggregate {
    // About one flow and one address pair per frame.
    let mut agg = Aggregate::for_batch(buffers, records);
    agg.interval_talkers.top = ctx.interval_top;
    agg.interval_ports.top = ctx.interval_top;
    agg
}

/// Decodes the frame of `rec` into `frame` and counts it in `agg`.
#[inline(always)]
pub(super) fn fold_record(
    agg: &mut Aggregate,
    frame: &mut Frame,
    buf: &[u8],
    rec: &Record,
    ctx: &Context,
) {
    let start = rec.data_offset.min(buf.len());
    let end = (start + rec.caplen as usize).min(buf.len());
    decode_into(frame, rec.linktype, &buf[start..end]);
    agg.add(ctx, rec, frame);
    if ctx.app {
        if let Some(shard) = agg.innermost_shard {
            let payload = agg
                .payloads
                .keep(frame.innermost(), shard, &buf[start..end], start);
            // The innermost flow's event is the last its shard was given.
            attach_payload(&mut agg.flow_events, shard, payload);
        }
    }
    if let Some(info) = &frame.fragment {
        let interval = (rec.ts_ns - ctx.base_ts).div_euclid(ctx.interval_ns);
        let mut piece = Piece::new(
            info,
            &buf[start..end],
            rec.ts_ns,
            u64::from(rec.origlen),
            interval,
            frame.protos.bits(),
        );
        for (before, list) in piece
            .flow_events_before
            .iter_mut()
            .zip(&agg.flow_events.lists)
        {
            *before = list.len() as u32;
        }
        agg.fragments.push(piece);
    }
    if ctx.collect_packets {
        agg.packet_rows.push(rec, frame);
    }
}
