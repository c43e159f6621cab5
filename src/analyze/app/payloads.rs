//! What a worker keeps of a batch's payloads for the application layer: the first payloads of
//! each flow direction in the batch, and any later one that starts a DNS, QUIC or HTTP message,
//! copied, by shard, for the shard that holds the flow.

use crate::analyze::flows::FlowKey;
use crate::analyze::shards::{hash_of, shard_of, SHARDS};
use crate::decode::{ip_proto, Flow};

/// Payloads of each direction of a flow copied per batch, whatever they hold.
pub const FIRST_PAYLOADS: u8 = 16;

/// Bytes of one payload copied at most: enough for a TLS record of a ClientHello or an HTTP head
/// in one segment; the rest is known by its length.
pub const MAX_COPY: usize = 4096;

/// Slots of the per-batch budget: flows of a batch that share a slot share a budget.
const BUDGET_SLOTS: usize = 4096;

/// One payload of a flow.
#[derive(Debug, Clone, Copy)]
pub struct PayloadEvent {
    /// The hash of `key`.
    pub hash: u64,
    /// The flow.
    pub key: FlowKey,
    /// Capture time.
    pub ts: i64,
    /// TCP sequence number of the first payload byte.
    pub seq: u32,
    /// Payload length by the headers.
    pub len: u32,
    /// Where the copied bytes are in the shard's byte list.
    pub at: u32,
    /// Bytes copied (the captured part of the payload, at most [`MAX_COPY`]).
    pub copied: u32,
    /// TCP flags.
    pub tcp_flags: u16,
    /// Direction (0: lo to hi).
    pub dir: u8,
}

impl PayloadEvent {
    /// The copied bytes, out of `bytes`, the shard's byte list they were copied to.
    #[inline]
    pub fn data<'a>(&self, bytes: &'a [u8]) -> &'a [u8] {
        let start = self.at as usize;
        bytes
            .get(start..start + self.copied as usize)
            .unwrap_or_default()
    }
}

/// A batch's payloads, by shard, each list in record order.
#[derive(Debug, Clone)]
pub struct Payloads {
    /// Events, indexed by shard.
    pub lists: [Vec<PayloadEvent>; SHARDS],
    /// The copied bytes of each shard's events.
    pub bytes: [Vec<u8>; SHARDS],
    /// Per slot of flow hashes: the hash's upper bits and the payloads copied per direction.
    budget: Vec<(u32, [u8; 2])>,
}

impl Default for Payloads {
    fn default() -> Self {
        Payloads {
            lists: std::array::from_fn(|_| Vec::new()),
            bytes: std::array::from_fn(|_| Vec::new()),
            budget: Vec::new(),
        }
    }
}

impl Payloads {
    /// Keeps the payload of `flow`, whose frame's captured bytes are `frame`, seen at `ts`, when
    /// the application layer may want it.
    #[inline]
    pub fn push(&mut self, flow: &Flow, frame: &[u8], ts: i64) {
        if flow.payload_len == 0
            || !flow.has_transport
            || !matches!(flow.ip_proto, ip_proto::TCP | ip_proto::UDP)
        {
            return;
        }
        let Some(captured) = frame.get(flow.payload_at as usize..) else {
            return;
        };
        let captured = &captured[..captured.len().min(flow.payload_len as usize)];
        if captured.is_empty() {
            return;
        }
        let Some((key, dir)) = FlowKey::of(flow) else {
            return;
        };
        let hash = hash_of(&key);
        if !self.within_budget(hash, dir) && !starts_a_message(flow.ip_proto, captured) {
            return;
        }
        let shard = shard_of(hash);
        let copied = &captured[..captured.len().min(MAX_COPY)];
        let bytes = &mut self.bytes[shard];
        let at = bytes.len() as u32;
        bytes.extend_from_slice(copied);
        self.lists[shard].push(PayloadEvent {
            hash,
            key,
            ts,
            seq: flow.tcp_seq,
            len: flow.payload_len,
            at,
            copied: copied.len() as u32,
            tcp_flags: flow.tcp_flags,
            dir: dir as u8,
        });
    }

    /// Counts a payload against its flow direction's budget for the batch; whether it is
    /// within it.
    #[inline]
    fn within_budget(&mut self, hash: u64, dir: usize) -> bool {
        if self.budget.is_empty() {
            self.budget.resize(BUDGET_SLOTS, (0, [0; 2]));
        }
        let slot = &mut self.budget[(hash as usize) & (BUDGET_SLOTS - 1)];
        let tag = (hash >> 32) as u32 | 1;
        if slot.0 != tag {
            *slot = (tag, [0; 2]);
        }
        let count = &mut slot.1[dir];
        if *count >= FIRST_PAYLOADS {
            return false;
        }
        *count += 1;
        true
    }

    /// Whether nothing was kept.
    pub fn is_empty(&self) -> bool {
        self.lists.iter().all(Vec::is_empty)
    }

    /// Empties the lists and the budget, keeping their memory.
    pub fn clear(&mut self) {
        for list in &mut self.lists {
            list.clear();
        }
        for bytes in &mut self.bytes {
            bytes.clear();
        }
        self.budget.iter_mut().for_each(|s| *s = (0, [0; 2]));
    }
}

/// Whether a payload past the budget starts a message the logs count one by one: a DNS message
/// or QUIC long-header packet in a datagram, an HTTP request or response head in a segment.
#[inline]
fn starts_a_message(proto: u8, b: &[u8]) -> bool {
    if proto == ip_proto::UDP {
        return b[0] & 0xc0 == 0xc0 || crate::wire::dns::looks_like(b);
    }
    crate::wire::http::looks_like_request(b) || crate::wire::http::looks_like_response(b)
}
