//! The running flow and conversation tables, fed by events: each packet becomes an event for
//! its key's shard ([`push_flow`], [`push_conversation`]), and the merge applies a batch's events
//! to the tables, all shards at once ([`apply_events`]). What a shard cannot keep comes back to
//! the caller for the disk: the flows idle longest, finished early, and a full shard's pairs.

use rayon::prelude::*;

use super::aggregate::Limits;
use super::app::{self, LogRow, PayloadRef, Payloads, Reassembled, ShardBytes};
use super::flows::{FlowEvent, FlowKey, FlowPartial, IdleTimeouts, Segment};
use super::pairs::{ConvEvent, ConvKey, ConvStats};
use super::shards::{hash_of, shard_of, ShardedEvents, Shards, Table, SHARDS};
use crate::decode::{Flow, IpLayer};

/// What the tables could not keep, in shard order.
#[derive(Debug, Default)]
pub(super) struct Overflow {
    /// Flows ended before the end of the input: first those idle past their timeout (`timed_out`
    /// of them), then those a shard could not keep within its share of the flow limit.
    pub(super) evicted: Vec<(FlowKey, FlowPartial)>,
    /// How many of `evicted` ended by their idle timeout.
    pub(super) timed_out: usize,
    /// Address pairs of the shards that held more than their share of the pair limit.
    pub(super) pairs: Vec<(ConvKey, ConvStats)>,
    /// Log rows the application layer wrote.
    pub(super) rows: Vec<LogRow>,
}

/// The application layer's part of the tables: each flow's session, by shard.
pub(super) type Sessions = [app::Sessions; SHARDS];

/// A flow shard's capture clock: the latest capture time of the packets it has applied, in
/// record order. A flow ends when this clock passes its last packet by its idle timeout, so
/// what ends never depends on how the input was cut into batches: on a capture whose times only
/// go forward it is Zeek's rule (a packet more than the timeout after the flow's last starts a
/// new flow), and a shard's idle flows are swept out of memory as its clock advances.
#[derive(Debug, Clone, Copy)]
pub(super) struct ShardClock {
    now: i64,
    /// When the next sweep for idle flows is due.
    next_sweep: i64,
}

impl Default for ShardClock {
    fn default() -> Self {
        ShardClock {
            now: i64::MIN,
            next_sweep: i64::MIN,
        }
    }
}

/// The clocks of the flow shards.
pub(super) type ShardClocks = [ShardClock; SHARDS];

/// Sweeps per shortest timeout of capture time: a flow stays in memory at most a quarter of
/// its timeout longer than it lives.
const SWEEPS_PER_TIMEOUT: i64 = 4;

/// Adds a batch's flow and conversation events to the tables, each list in turn, all shards at
/// once, each shard ending the flows idle past their timeout and keeping its share of
/// `max_flows` flows and `max_conversations` pairs; returns what they could not keep. Each flow's session reads the payloads of its events as the flow is
/// updated: `source` is the buffer the batch was read from, where payloads
/// [borrowed](Payloads::borrow_from_source) from it lie, and `reassembled` holds those of the
/// datagrams reassembled from fragments.
#[allow(clippy::too_many_arguments)]
pub(super) fn apply_events(
    flows: &mut Shards<FlowKey, FlowPartial>,
    conversations: &mut Shards<ConvKey, ConvStats>,
    sessions: &mut Sessions,
    clocks: &mut ShardClocks,
    flow_lists: [&ShardedEvents<FlowEvent>; 2],
    conv_lists: [&ShardedEvents<ConvEvent>; 2],
    payloads: &Payloads,
    reassembled: &Reassembled,
    source: &[u8],
    limits: &Limits,
) -> Overflow {
    // Each shard holds its share of each limit, so what it keeps depends on its keys only.
    let max_flows = limits.max_flows.max(1).div_ceil(SHARDS);
    let max_conversations = limits.max_conversations.div_ceil(SHARDS);
    let idle = limits.idle;
    let outcomes: Vec<Overflow> = flows
        .maps
        .par_iter_mut()
        .zip(conversations.maps.par_iter_mut())
        .zip(sessions.par_iter_mut())
        .zip(clocks.par_iter_mut())
        .enumerate()
        .map(|(shard, (((flows, conversations), sessions), clock))| {
            let bytes = ShardBytes {
                batch: payloads.bytes_of(shard, source),
                reassembled: reassembled.of(shard),
            };
            let mut rows = Vec::new();
            let mut evicted = Vec::new();
            let mut early = Vec::new();
            for list in flow_lists {
                flows.apply_all(
                    &list.lists[shard],
                    |e| e.hash,
                    |flows, e| {
                        clock.now = clock.now.max(e.segment.ts);
                        let mut ended = None;
                        let p = flows.upsert(
                            e.hash,
                            e.key,
                            |f| {
                                if idle.ended(e.key.proto, f.last_ts, clock.now) {
                                    let next = FlowPartial::start(&e.segment);
                                    ended = Some(std::mem::replace(f, next));
                                } else {
                                    f.add_segment(&e.segment);
                                }
                            },
                            || FlowPartial::start(&e.segment),
                        );
                        if let Some(old) = ended {
                            evicted.push((e.key, old));
                        }
                        if e.payload.kept > 0 {
                            app::read_payload(sessions, p, e, e.payload.data(bytes), &mut rows);
                        }
                        // At the packet that crosses the limit, not at the batch's end: which
                        // flows end early must not depend on where the input was cut.
                        if flows.len() > max_flows {
                            early.extend(evict_idle(flows, max_flows));
                        }
                    },
                );
            }
            for list in conv_lists {
                conversations.apply_all(
                    &list.lists[shard],
                    |e| e.hash,
                    |conversations, e| match conversations.get_mut(e.hash, &e.key) {
                        Some(c) => c.add(e),
                        None => {
                            let mut c = ConvStats {
                                packets: [0; 2],
                                bytes: [0; 2],
                                first_ts: e.ts,
                                last_ts: e.ts,
                                first_dir: e.dir,
                            };
                            c.add(e);
                            conversations.insert_new(e.hash, e.key, c);
                        }
                    },
                );
            }
            // A full shard's pairs all go to disk: their counters add up exactly later.
            let pairs = if conversations.len() > max_conversations {
                conversations.drain()
            } else {
                Vec::new()
            };
            if clock.now >= clock.next_sweep {
                if let Some(shortest) = idle.shortest() {
                    let now = clock.now;
                    evicted.extend(flows.extract_if(|k, f| idle.ended(k.proto, f.last_ts, now)));
                    clock.next_sweep = now.saturating_add(shortest / SWEEPS_PER_TIMEOUT);
                } else {
                    clock.next_sweep = i64::MAX;
                }
            }
            let timed_out = evicted.len();
            evicted.append(&mut early);
            app::finish_flows(&mut evicted, sessions, &mut rows);
            Overflow {
                evicted,
                timed_out,
                pairs,
                rows,
            }
        })
        .collect();
    let mut all = Overflow::default();
    for o in outcomes {
        all.evicted.extend(o.evicted);
        all.timed_out += o.timed_out;
        all.pairs.extend(o.pairs);
        all.rows.extend(o.rows);
    }
    all
}

/// Open flows whose shard's clock has passed their last packet by their timeout: at the end of
/// the input they count as timed out, as those a sweep took out before (when a sweep comes
/// depends on where the input was cut; that they are idle past their timeout does not).
pub(super) fn idle_past_timeout(
    flows: &Shards<FlowKey, FlowPartial>,
    clocks: &ShardClocks,
    idle: &IdleTimeouts,
) -> u64 {
    flows
        .maps
        .par_iter()
        .zip(clocks.par_iter())
        .map(|(flows, clock)| {
            flows
                .iter()
                .filter(|(k, f)| idle.ended(k.proto, f.last_ts, clock.now))
                .count() as u64
        })
        .sum()
}

/// When `flows` holds more than `max`, takes out all but the half of `max` seen last (by
/// capture time); of those last seen at the same time, the ones that started first in the
/// shard go first.
fn evict_idle(flows: &mut Table<FlowKey, FlowPartial>, max: usize) -> Vec<(FlowKey, FlowPartial)> {
    if flows.len() <= max {
        return Vec::new();
    }
    let keep = max / 2;
    let evict = flows.len() - keep;
    let mut idle: Vec<i64> = flows.values().map(|f| f.last_ts).collect();
    let cutoff = *idle.select_nth_unstable(evict - 1).1;
    // All flows idle before the cutoff go, and as many at the cutoff as make up the count.
    let mut at_cutoff = evict - idle[..evict].iter().filter(|&&t| t < cutoff).count();
    flows.extract_if(|_, f| {
        if f.last_ts < cutoff {
            true
        } else if f.last_ts == cutoff && at_cutoff > 0 {
            at_cutoff -= 1;
            true
        } else {
            false
        }
    })
}

/// Queues one frame of the conversation of `layer`'s addresses.
#[inline]
pub(super) fn push_conversation(
    events: &mut ShardedEvents<ConvEvent>,
    layer: &IpLayer,
    ts: i64,
    len: u64,
) {
    let (key, dir) = ConvKey::of(layer);
    let hash = hash_of(&key);
    let event = ConvEvent {
        hash,
        key,
        dir: dir as u8,
        ts,
        len: u32::try_from(len).unwrap_or(u32::MAX),
    };
    events.push(shard_of(hash), event);
}

/// Gives the event `push_flow` last queued for `shard` its payload's bytes.
#[inline]
pub(super) fn attach_payload(
    events: &mut ShardedEvents<FlowEvent>,
    shard: usize,
    payload: PayloadRef,
) {
    if payload.kept == 0 {
        return;
    }
    if let Some(e) = events.lists[shard].last_mut() {
        e.payload = payload;
    }
}

/// Queues one packet of `flow`'s flow, when it has one; returns the shard its event went
/// to.
#[inline]
pub(super) fn push_flow(
    events: &mut ShardedEvents<FlowEvent>,
    flow: &Flow,
    ts: i64,
    len: u64,
) -> Option<usize> {
    let (key, dir) = FlowKey::of(flow)?;
    let segment = Segment::of(ts, dir, len, flow);
    let hash = hash_of(&key);
    let shard = shard_of(hash);
    events.push(
        shard,
        FlowEvent {
            hash,
            key,
            segment,
            payload: PayloadRef::default(),
        },
    );
    Some(shard)
}
