//! A batch's TCP and UDP payloads for the application layer, by shard, for the shard that
//! holds the flow. Every payload is kept, whatever the batch: what a session reads must not
//! depend on where batches begin (the session, which knows what it still needs, drops the
//! rest). Where the batch was read from a buffer that outlives its merge (a mapped file), the
//! payloads are where they lie in it; otherwise they are copied.

use crate::analyze::flows::FlowKey;
use crate::analyze::shards::{shard_of, SHARDS};
use crate::analyze::tables::KeyedFlow;
use crate::decode::{ip_proto, Flow};

/// Bytes of one payload copied at most: enough for a TLS record of a ClientHello or an HTTP head
/// in one segment; the rest is known by its length.
pub const MAX_COPY: usize = 4096;

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
    /// Where the bytes are: in the shard's byte list, or in the source buffer.
    pub at: u64,
    /// Bytes kept (the captured part of the payload, at most [`MAX_COPY`]).
    pub copied: u32,
    /// TCP flags.
    pub tcp_flags: u16,
    /// Direction (0: lo to hi).
    pub dir: u8,
}

impl PayloadEvent {
    /// The kept bytes, out of `bytes` ([`Payloads::bytes_of`] the event's shard).
    #[inline]
    pub fn data<'a>(&self, bytes: &'a [u8]) -> &'a [u8] {
        let Ok(start) = usize::try_from(self.at) else {
            return &[];
        };
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
    /// Events point into the source buffer instead of `bytes`.
    borrowed: bool,
}

impl Default for Payloads {
    fn default() -> Self {
        Payloads {
            lists: std::array::from_fn(|_| Vec::new()),
            bytes: std::array::from_fn(|_| Vec::new()),
            borrowed: false,
        }
    }
}

impl Payloads {
    /// Keeps payloads where they lie in the buffer the batch is read from, which the merge is
    /// given: a mapped file outlives the merge of its batches.
    pub fn borrow_from_source(&mut self) {
        self.borrowed = true;
    }

    /// The bytes the events of `shard` point into: the shard's byte list, or `source`, the
    /// buffer the batch was read from, when borrowed.
    pub fn bytes_of<'a>(&'a self, shard: usize, source: &'a [u8]) -> &'a [u8] {
        if self.borrowed {
            source
        } else {
            &self.bytes[shard]
        }
    }

    /// Keeps the payload of `flow` (keyed as `keyed`), whose frame's captured bytes are `frame`,
    /// at `frame_at` in the batch's source buffer, seen at `ts`.
    #[inline]
    pub(crate) fn push(
        &mut self,
        flow: &Flow,
        keyed: KeyedFlow,
        frame: &[u8],
        frame_at: usize,
        ts: i64,
    ) {
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
        let KeyedFlow { key, dir, hash } = keyed;
        let shard = shard_of(hash);
        let copied = &captured[..captured.len().min(MAX_COPY)];
        let at = if self.borrowed {
            (frame_at + flow.payload_at as usize) as u64
        } else {
            let bytes = &mut self.bytes[shard];
            let at = bytes.len() as u64;
            bytes.extend_from_slice(copied);
            at
        };
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

    /// Whether nothing was kept.
    pub fn is_empty(&self) -> bool {
        self.lists.iter().all(Vec::is_empty)
    }

    /// Empties the lists, keeping their memory.
    pub fn clear(&mut self) {
        for list in &mut self.lists {
            list.clear();
        }
        for bytes in &mut self.bytes {
            bytes.clear();
        }
    }
}
