//! Per-batch partial aggregates and their merge.
//!
//! A batch of records is folded into an [`Aggregate`] by one worker with no shared state; the
//! partials of a window are then merged into the running total in record order. Every field merges
//! exactly: counters add, maps merge key by key, and the inter-arrival statistics that span two
//! batches are completed at the seam from each side's first and last timestamps
//! (`interarrival.rs`); ICMP echo exchanges are matched across batches (`echoes.rs`). The flow and
//! conversation tables are the exception: a batch keeps its packets as events, sorted by the
//! shard of their key (`shards.rs`), and the merge applies them to the running tables, all shards
//! at once (`tables.rs`), and writes what they cannot keep to disk ([`crate::store`]).

use rustc_hash::FxHashMap;

use rayon::prelude::*;

use super::app::{LogRow, Payloads, Reassembled};
use super::echoes::{merge_echoes, Echo, EchoEvent, EchoKey};
use super::flow_record::FlowRecord;
use super::flows::{FlowEvent, FlowKey, FlowPartial, IdleTimeouts};
use super::hist::{Distribution, LinearHist};
use super::interarrival::InterArrival;
use super::packets::PacketColumns;
use super::pairs::{add_endpoints, ConvEvent, ConvKey, ConvStats, EndpointStats};
use super::shards::{ShardedEvents, Shards, SHARDS};
use super::tables::{
    self, attach_payload, push_conversation, push_flow, Overflow, Sessions, ShardClocks,
};
use crate::decode::{ip_proto, Addr, Flow, Frame, Proto};
use crate::read::Record;
use crate::store::{ConvArchive, FlowArchive, FlowTable, LogArchive};

/// Counters of one time interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// Frames.
    pub packets: u64,
    /// Bytes on the wire.
    pub bytes: u64,
    /// Frames per protocol, indexed by `Proto as usize`.
    pub proto_packets: [u64; Proto::COUNT],
}

impl Default for Bucket {
    fn default() -> Self {
        Bucket {
            packets: 0,
            bytes: 0,
            proto_packets: [0; Proto::COUNT],
        }
    }
}

/// Traffic on one transport port (either end).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PortStats {
    /// Frames with this port as source or destination.
    pub packets: u64,
    /// Their bytes.
    pub bytes: u64,
}

/// Limits on the tables that grow with the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most flows held in memory at once; beyond, the half idle longest are finished early and
    /// kept on disk ([`crate::store::FlowArchive`]).
    pub max_flows: usize,
    /// Most address pairs held in memory; beyond, a shard's pairs are written to disk and
    /// added back when the report is made ([`crate::store::ConvArchive`]).
    pub max_conversations: usize,
    /// Most unanswered ICMP echo requests remembered.
    pub max_echoes: usize,
    /// When an idle flow ends.
    pub idle: IdleTimeouts,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_flows: 112_000,
            max_conversations: 200_000,
            max_echoes: 100_000,
            idle: IdleTimeouts::default(),
        }
    }
}

/// Everything counted over a run of consecutive records.
#[derive(Debug, Default)]
pub struct Aggregate {
    /// Frames.
    pub packets: u64,
    /// Bytes on the wire (sum of original lengths).
    pub bytes: u64,
    /// Bytes captured (sum of captured lengths).
    pub captured_bytes: u64,
    /// Time of the first record, in record order.
    pub first_ts: Option<i64>,
    /// Time of the last record, in record order.
    pub last_ts: Option<i64>,
    /// Earliest timestamp.
    pub min_ts: Option<i64>,
    /// Latest timestamp.
    pub max_ts: Option<i64>,
    /// Frames and bytes per link type.
    pub linktypes: Vec<(u16, u64, u64)>,
    /// Frames and bytes per protocol, indexed by `Proto as usize`.
    pub protos: [[u64; 2]; Proto::COUNT],
    /// Frames whose decoding stopped at each layer, indexed as [`crate::decode::Layer::ALL`].
    pub stops: [u64; 4],
    /// Frames of link types the decoder does not look inside.
    pub undecoded_linktype: u64,
    /// Frame sizes (original length).
    pub sizes: LinearHist,
    /// Inter-arrival times.
    pub interarrival: InterArrival,
    /// Frames with each TCP flag set, in [`crate::decode::tcp_flags::NAMES`] order.
    pub tcp_flags: [u64; 9],
    /// Frames per ICMP type: (IP version, type) -> count.
    pub icmp_types: FxHashMap<(u8, u8), u64>,
    /// Per-interval counters, keyed by interval index from the run's first frame.
    pub timeseries: FxHashMap<i64, Bucket>,
    /// The interval being filled: frames come mostly in time order, so most land in the same
    /// interval as the frame before them and skip the map.
    current_interval: Option<(i64, Bucket)>,
    /// Per-address-pair counters (in the running total).
    pub conversations: Shards<ConvKey, ConvStats>,
    /// Per-flow partials (in the running total).
    pub flows: Shards<FlowKey, FlowPartial>,
    /// Each flow shard's capture clock, which ends idle flows (in the running total).
    pub(super) flow_clocks: ShardClocks,
    /// This batch's frames for the conversation table, applied by the merge.
    pub conv_events: ShardedEvents<ConvEvent>,
    /// This batch's packets for the flow table, applied by the merge.
    pub flow_events: ShardedEvents<FlowEvent>,
    /// This batch's payloads for the application layer, read by the merge.
    pub payloads: Payloads,
    /// The shard of the innermost flow of the frame added last: its event is that shard's last.
    pub(super) innermost_shard: Option<usize>,
    /// Each open flow's application-layer session (in the running total).
    pub sessions: Sessions,
    /// Run the application layer on the datagrams reassembled here (in the running total;
    /// batches keep their payloads as [`Context::app`] says).
    pub app: bool,
    /// Rows of the application layer's logs (in the running total).
    pub logs: LogArchive,
    /// ICMP echo exchanges not yet matched.
    pub echoes: FxHashMap<EchoKey, Echo>,
    /// This batch's echo requests and replies in record order, matched by the merge (as flows
    /// are): matched within the batch, an exchange that spans batches was counted differently
    /// by batches of other sizes.
    pub echo_events: Vec<EchoEvent>,
    /// Matched echo round trips, ns.
    pub echo_rtt: Distribution,
    /// Echo requests seen.
    pub echo_requests: u64,
    /// Echo replies seen.
    pub echo_replies: u64,
    /// Frames of flows lost because they could not be written to disk.
    pub flows_untracked: u64,
    /// Flows ended by their idle timeout before the end of the input.
    pub flows_timed_out: u64,
    /// Flows finished early because a shard of the flow table was full.
    pub flows_finished_early: u64,
    /// Frames of address pairs lost because they could not be written to disk.
    pub addresses_untracked: u64,
    /// Echo requests forgotten because the echo table was full.
    pub echoes_untracked: u64,
    /// This batch's frames as rows, when [`Context::collect_packets`] is set; taken out before
    /// the merge.
    pub packet_rows: PacketColumns,
    /// This batch's whole IP fragments, reassembled during the merge.
    pub fragments: Vec<super::reassembly::Piece>,
    /// Datagrams waiting for fragments (in the running total).
    pub reassembler: super::reassembly::Reassembler,
    /// Flows finished early to bound memory (in the running total).
    pub finished: FlowArchive,
    /// Address pairs written to disk to bound memory (in the running total).
    pub conv_archive: ConvArchive,
    /// Why finished flows could not be written to disk, if they could not.
    pub spill_error: Option<String>,
    /// Datagrams reassembled.
    pub reassembled: u64,
    /// Addresses (sent plus received) per interval, when [`Context::interval_top`] is set.
    pub interval_talkers: super::interval_top::IntervalCounts<(u8, Addr)>,
    /// TCP/UDP/SCTP ports per interval, likewise.
    pub interval_ports: super::interval_top::IntervalCounts<(u8, u16)>,
}

/// The memory of a batch's aggregate that is worth keeping from one batch to the next (see
/// [`Aggregate::merge_keeping_buffers`]): its event lists and histograms, emptied.
#[derive(Debug, Default)]
pub struct BatchBuffers {
    flows: ShardedEvents<FlowEvent>,
    payloads: Payloads,
    conversations: ShardedEvents<ConvEvent>,
    sizes: LinearHist,
    interarrival: InterArrival,
    echo_rtt: Distribution,
}

impl Aggregate {
    /// An empty aggregate for a batch that fills `buffers`, with room for about `events` events.
    pub fn for_batch(mut buffers: BatchBuffers, events: usize) -> Aggregate {
        buffers.flows.reserve(events);
        buffers.conversations.reserve(events);
        Aggregate {
            flow_events: buffers.flows,
            payloads: buffers.payloads,
            conv_events: buffers.conversations,
            sizes: buffers.sizes,
            interarrival: buffers.interarrival,
            echo_rtt: buffers.echo_rtt,
            ..Aggregate::default()
        }
    }
}

/// What every worker needs to know to place a frame.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// Time of the run's first frame: intervals count from here, as `tshark -z io,stat` does.
    pub base_ts: i64,
    /// Interval length, ns.
    pub interval_ns: i64,
    /// Keep every frame's row for `packets.parquet`.
    pub collect_packets: bool,
    /// Count the top N addresses and ports per interval (0: off).
    pub interval_top: usize,
    /// Run the application layer (services and logs).
    pub app: bool,
}

impl Aggregate {
    /// Folds one frame in.
    #[inline]
    pub fn add(&mut self, ctx: &Context, rec: &Record, frame: &Frame) {
        self.innermost_shard = None;
        let len = u64::from(rec.origlen);
        let ts = rec.ts_ns;
        self.packets += 1;
        self.bytes += len;
        self.captured_bytes += u64::from(rec.caplen);
        match self.last_ts {
            Some(prev) => self.interarrival.add_gap(prev, ts),
            None => self.first_ts = Some(ts),
        }
        self.last_ts = Some(ts);
        self.min_ts = Some(self.min_ts.map_or(ts, |m| m.min(ts)));
        self.max_ts = Some(self.max_ts.map_or(ts, |m| m.max(ts)));
        match self.linktypes.iter_mut().find(|l| l.0 == rec.linktype) {
            Some(l) => {
                l.1 += 1;
                l.2 += len;
            }
            None => self.linktypes.push((rec.linktype, 1, len)),
        }
        if !crate::decode::linktype::is_decoded(rec.linktype) {
            self.undecoded_linktype += 1;
        }
        if let Some(layer) = frame.stop {
            self.stops[layer as usize] += 1;
        }
        self.sizes.add(len);

        let interval = (ts - ctx.base_ts).div_euclid(ctx.interval_ns);
        if self
            .current_interval
            .as_ref()
            .is_none_or(|c| c.0 != interval)
        {
            self.flush_interval();
            self.current_interval = Some((interval, Bucket::default()));
        }
        let Some((_, bucket)) = self.current_interval.as_mut() else {
            return;
        };
        bucket.packets += 1;
        bucket.bytes += len;
        let mut bits = frame.protos.bits();
        while bits != 0 {
            let p = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            self.protos[p][0] += 1;
            self.protos[p][1] += len;
            bucket.proto_packets[p] += 1;
        }

        self.add_addresses(ts, len, frame);
        self.add_transport(ts, len, frame);
        if ctx.interval_top > 0 {
            self.add_interval_tops(interval, len, frame);
        }
    }

    fn add_interval_tops(&mut self, interval: i64, len: u64, frame: &Frame) {
        if let Some(layer) = frame.ip_layers().first() {
            self.interval_talkers
                .add(interval, (layer.version, layer.src), len);
            if layer.dst != layer.src {
                self.interval_talkers
                    .add(interval, (layer.version, layer.dst), len);
            }
        }
        let o = &frame.outer;
        if o.ip_version != 0
            && o.has_transport
            && matches!(o.ip_proto, ip_proto::TCP | ip_proto::UDP | ip_proto::SCTP)
        {
            self.interval_ports
                .add(interval, (o.ip_proto, o.sport), len);
            if o.dport != o.sport {
                self.interval_ports
                    .add(interval, (o.ip_proto, o.dport), len);
            }
        }
    }

    /// Moves the interval being filled into the map.
    fn flush_interval(&mut self) {
        if let Some((k, v)) = self.current_interval.take() {
            let b = self.timeseries.entry(k).or_default();
            b.packets += v.packets;
            b.bytes += v.bytes;
            for (x, y) in b.proto_packets.iter_mut().zip(v.proto_packets) {
                *x += y;
            }
        }
    }

    /// Ends filling: every counter is in its table.
    pub fn finish(&mut self) {
        self.flush_interval();
    }

    fn add_addresses(&mut self, ts: i64, len: u64, frame: &Frame) {
        for layer in frame.ip_layers() {
            self.count_conversation(layer, ts, len);
        }
    }

    /// Adds one frame of `len` bytes at `ts` to the conversation of `layer`'s addresses.
    #[inline]
    fn count_conversation(&mut self, layer: &crate::decode::IpLayer, ts: i64, len: u64) {
        push_conversation(&mut self.conv_events, layer, ts, len);
    }

    fn add_transport(&mut self, ts: i64, len: u64, frame: &Frame) {
        // The innermost flow comes last.
        for flow in frame.flows() {
            self.innermost_shard = push_flow(&mut self.flow_events, flow, ts, len);
        }
        // TCP flags and ICMP are about the traffic itself: the innermost transport.
        let inner = frame.innermost();
        if !inner.has_transport {
            return;
        }
        match inner.ip_proto {
            ip_proto::TCP => {
                for (i, count) in self.tcp_flags.iter_mut().enumerate() {
                    *count += u64::from(inner.tcp_flags >> i & 1);
                }
            }
            ip_proto::ICMP | ip_proto::ICMPV6 => self.add_icmp(ts, inner),
            _ => {}
        }
    }

    fn add_icmp(&mut self, ts: i64, frame: &Flow) {
        let icmp_type = frame.sport as u8;
        *self
            .icmp_types
            .entry((frame.ip_version, icmp_type))
            .or_default() += 1;
        let (request, reply) = if frame.ip_version == 6 {
            (128, 129)
        } else {
            (8, 0)
        };
        let (requester, responder, is_request) = if icmp_type == request {
            self.echo_requests += 1;
            (frame.src, frame.dst, true)
        } else if icmp_type == reply {
            self.echo_replies += 1;
            (frame.dst, frame.src, false)
        } else {
            return;
        };
        let key = EchoKey {
            version: frame.ip_version,
            requester,
            responder,
            id: frame.icmp_id,
            seq: frame.icmp_seq,
        };
        self.echo_events.push(EchoEvent {
            key,
            ts,
            is_request,
        });
    }

    /// Adds `later`, the aggregate of the batch of records right after this one's, respecting
    /// `limits`. A batch's flows and conversations are events, applied here to this aggregate's
    /// tables; `later` has no tables of its own.
    pub fn merge(&mut self, later: Aggregate, limits: &Limits) {
        self.merge_keeping_buffers(later, limits, &[]);
    }

    /// [`Aggregate::merge`], handing back `later`'s event lists and histograms emptied, for
    /// another batch to fill: allocated afresh for each batch, their pages would go back to the
    /// system and fault in again. `source` is the buffer `later` was read from, when its
    /// payloads were [borrowed](Payloads::borrow_from_source) from it.
    pub fn merge_keeping_buffers(
        &mut self,
        mut later: Aggregate,
        limits: &Limits,
        source: &[u8],
    ) -> BatchBuffers {
        debug_assert!(
            later.flows.is_empty() && later.conversations.is_empty(),
            "only a batch's aggregate is merged into a running total"
        );
        self.flush_interval();
        later.flush_interval();
        let newest_interval = later.timeseries.keys().copied().max();
        let seam = self.last_ts.zip(later.first_ts);
        self.interarrival.merge(&later.interarrival, seam);
        self.packets += later.packets;
        self.bytes += later.bytes;
        self.captured_bytes += later.captured_bytes;
        self.first_ts = self.first_ts.or(later.first_ts);
        self.last_ts = later.last_ts.or(self.last_ts);
        self.min_ts = min_opt(self.min_ts, later.min_ts);
        self.max_ts = self.max_ts.max(later.max_ts);
        for (lt, n, b) in later.linktypes {
            match self.linktypes.iter_mut().find(|l| l.0 == lt) {
                Some(l) => {
                    l.1 += n;
                    l.2 += b;
                }
                None => self.linktypes.push((lt, n, b)),
            }
        }
        for (a, b) in self.protos.iter_mut().zip(later.protos) {
            a[0] += b[0];
            a[1] += b[1];
        }
        for (a, b) in self.stops.iter_mut().zip(later.stops) {
            *a += b;
        }
        self.undecoded_linktype += later.undecoded_linktype;
        self.sizes.merge(&later.sizes);
        for (a, b) in self.tcp_flags.iter_mut().zip(later.tcp_flags) {
            *a += b;
        }
        for (k, v) in later.icmp_types {
            *self.icmp_types.entry(k).or_default() += v;
        }
        for (k, v) in later.timeseries {
            let b = self.timeseries.entry(k).or_default();
            b.packets += v.packets;
            b.bytes += v.bytes;
            for (x, y) in b.proto_packets.iter_mut().zip(v.proto_packets) {
                *x += y;
            }
        }
        // A datagram reassembled here counts for its flows where the frame that completed it
        // stands among the batch's own (so in file order, however the file was cut into
        // batches), and for its conversations after them (their counters do not depend on the
        // order).
        let mut datagram_flows: Vec<([u32; SHARDS], ShardedEvents<FlowEvent>)> = Vec::new();
        let mut datagram_convs = ShardedEvents::default();
        let mut reassembled = Reassembled::default();
        for piece in &later.fragments {
            if let Some(datagram) = self.reassembler.add(piece) {
                let mut flows = ShardedEvents::default();
                self.add_datagram(
                    piece,
                    &datagram,
                    &mut flows,
                    &mut datagram_convs,
                    &mut reassembled,
                );
                datagram_flows.push((piece.flow_events_before, flows));
            }
        }
        let interleaved =
            (!datagram_flows.is_empty()).then(|| interleave(&later.flow_events, &datagram_flows));
        let none = ShardedEvents::default();
        self.apply_events(
            [interleaved.as_ref().unwrap_or(&later.flow_events), &none],
            [&later.conv_events, &datagram_convs],
            &later.payloads,
            &reassembled,
            source,
            limits,
        );
        if later.interval_talkers.top > 0 {
            let newest = newest_interval.unwrap_or(0);
            self.interval_talkers.merge(later.interval_talkers, newest);
            self.interval_ports.merge(later.interval_ports, newest);
        }
        self.finished.append(later.finished);
        self.echoes_untracked += merge_echoes(
            &mut self.echoes,
            later.echo_events,
            limits.max_echoes,
            &mut self.echo_rtt,
        );
        self.echo_rtt.merge(&later.echo_rtt);
        self.echo_requests += later.echo_requests;
        self.echo_replies += later.echo_replies;
        self.flows_untracked += later.flows_untracked;
        self.flows_timed_out += later.flows_timed_out;
        self.flows_finished_early += later.flows_finished_early;
        self.addresses_untracked += later.addresses_untracked;
        self.echoes_untracked += later.echoes_untracked;
        self.reassembled += later.reassembled;
        let mut buffers = BatchBuffers {
            flows: later.flow_events,
            payloads: later.payloads,
            conversations: later.conv_events,
            sizes: later.sizes,
            interarrival: later.interarrival,
            echo_rtt: later.echo_rtt,
        };
        buffers.flows.clear();
        buffers.payloads.clear();
        buffers.conversations.clear();
        buffers.sizes.clear();
        buffers.interarrival.clear();
        buffers.echo_rtt.clear();
        buffers
    }

    /// Counts what a reassembled datagram holds for the frame that completed it; its flows and
    /// conversations become events for [`Aggregate::apply_events`].
    fn add_datagram(
        &mut self,
        last: &super::reassembly::Piece,
        payload: &[u8],
        flows: &mut ShardedEvents<FlowEvent>,
        conversations: &mut ShardedEvents<ConvEvent>,
        reassembled: &mut Reassembled,
    ) {
        let k = &last.key;
        let inside = crate::decode::decode_datagram(k.version, k.src, k.dst, k.proto, payload);
        self.reassembled += 1;
        let extra = inside.protos.bits() & !last.protos;
        let mut bits = extra;
        let bucket = self.timeseries.entry(last.interval).or_default();
        while bits != 0 {
            let p = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            self.protos[p][0] += 1;
            self.protos[p][1] += last.frame_len;
            bucket.proto_packets[p] += 1;
        }
        for layer in inside.ip_layers().iter().skip(1) {
            push_conversation(conversations, layer, last.ts, last.frame_len);
        }
        for flow in inside.flows() {
            let shard = push_flow(flows, flow, last.ts, last.frame_len);
            if let Some(shard) = shard.filter(|_| self.app) {
                attach_payload(flows, shard, reassembled.keep(flow, shard, payload));
            }
        }
    }

    /// Adds a batch's flow and conversation events to the running tables, each list in turn,
    /// all shards at once; then writes to disk the flows finished early beyond the limit and the
    /// pairs of full shards.
    fn apply_events(
        &mut self,
        flow_lists: [&ShardedEvents<FlowEvent>; 2],
        conv_lists: [&ShardedEvents<ConvEvent>; 2],
        payloads: &Payloads,
        reassembled: &Reassembled,
        source: &[u8],
        limits: &Limits,
    ) {
        let Overflow {
            evicted,
            timed_out,
            pairs,
            rows,
        } = tables::apply_events(
            &mut self.flows,
            &mut self.conversations,
            &mut self.sessions,
            &mut self.flow_clocks,
            flow_lists,
            conv_lists,
            payloads,
            reassembled,
            source,
            limits,
        );
        self.add_rows(rows);
        if !pairs.is_empty() {
            let frames: u64 = pairs.iter().map(|(_, c)| c.packets[0] + c.packets[1]).sum();
            if let Err(e) = self.conv_archive.spill(pairs) {
                self.addresses_untracked += frames;
                self.spill_error
                    .get_or_insert_with(|| format!("cannot write address pairs to disk: {e}"));
            }
        }
        if evicted.is_empty() {
            return;
        }
        self.flows_timed_out += timed_out as u64;
        self.flows_finished_early += (evicted.len() - timed_out) as u64;
        let records: Vec<FlowRecord> = evicted
            .par_iter()
            .map(|(k, f)| FlowRecord::finish(k, f))
            .collect();
        if let Err(e) = self.finished.spill(records) {
            self.flows_untracked += evicted
                .iter()
                .map(|(_, f)| f.packets[0] + f.packets[1])
                .sum::<u64>();
            self.spill_error
                .get_or_insert_with(|| format!("cannot write finished flows to disk: {e}"));
        }
    }

    /// Per-address counters, derived from the conversations (each frame's IP headers count for
    /// their source's sent and their destination's received traffic).
    pub fn endpoints(&self) -> FxHashMap<(u8, Addr), EndpointStats> {
        let mut out: FxHashMap<(u8, Addr), EndpointStats> = FxHashMap::default();
        for (k, c) in self.conversations.iter() {
            add_endpoints(&mut out, k, c);
        }
        out
    }
}

impl Aggregate {
    /// Calls `each` once per address pair of the run, those written to disk included, with its
    /// counters over the whole run (see [`ConvArchive::for_each_pair`]).
    pub fn for_each_pair(&self, each: impl FnMut(&ConvKey, &ConvStats)) -> std::io::Result<()> {
        self.conv_archive
            .for_each_pair(self.conversations.iter(), each)
    }

    /// Finishes the application layer's sessions of the flows still open: their last rows are
    /// written and their services set. The end of the run: a payload read after this starts a
    /// new session.
    pub fn finish_sessions(&mut self) {
        let rows: Vec<Vec<LogRow>> = self
            .flows
            .maps
            .par_iter_mut()
            .zip(self.sessions.par_iter_mut())
            .map(|(flows, sessions)| {
                let mut rows = Vec::new();
                super::app::finish_all(flows, sessions, &mut rows);
                rows
            })
            .collect();
        self.add_rows(rows.into_iter().flatten());
    }

    /// Counts the open flows idle past their timeout at the end of the input as timed out.
    pub fn count_idle_at_end(&mut self, idle: &IdleTimeouts) {
        self.flows_timed_out += tables::idle_past_timeout(&self.flows, &self.flow_clocks, idle);
    }

    fn add_rows(&mut self, rows: impl IntoIterator<Item = LogRow>) {
        if let Err(e) = self.logs.extend(rows) {
            self.spill_error
                .get_or_insert_with(|| format!("cannot write log rows to disk: {e}"));
        }
    }

    /// Every flow of the run, still open or finished early, in start order (see
    /// [`FlowTable::build`]).
    pub fn flow_table(&self) -> std::io::Result<FlowTable> {
        FlowTable::build(&self.finished, self.flows.iter())
    }

    /// Frames of `p`.
    pub fn frames_with(&self, p: Proto) -> u64 {
        self.protos[p as usize][0]
    }
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}
/// The batch's flow events with the flows of each datagram it completed placed, shard by shard,
/// after the events counted before the datagram's last fragment.
fn interleave(
    batch: &ShardedEvents<FlowEvent>,
    datagrams: &[([u32; SHARDS], ShardedEvents<FlowEvent>)],
) -> ShardedEvents<FlowEvent> {
    let mut out = ShardedEvents::default();
    for (shard, list) in out.lists.iter_mut().enumerate() {
        let own = &batch.lists[shard];
        let mut taken = 0;
        for (before, flows) in datagrams {
            let at = (before[shard] as usize).clamp(taken, own.len());
            list.extend_from_slice(&own[taken..at]);
            list.extend_from_slice(&flows.lists[shard]);
            taken = at;
        }
        list.extend_from_slice(&own[taken..]);
    }
    out
}
