//! Where a flow event's payload lies, for the application layer. Every TCP and UDP payload
//! travels with its packet's flow event, whatever the batch: what a session reads must not
//! depend on where batches begin (the session, which knows what it still needs, drops the
//! rest), and the merge finds the session through the flow it is already updating. Where the
//! batch was read from a buffer that outlives its merge (a mapped file), the payloads are where
//! they lie in it; otherwise they are copied, by shard.

use crate::analyze::shards::SHARDS;
use crate::decode::{ip_proto, Flow};

/// Bytes of one payload copied at most: enough for a TLS record of a ClientHello or an HTTP head
/// in one segment; the rest is known by its length.
pub const MAX_COPY: usize = 4096;

/// `PayloadRef::at` points into the datagrams reassembled during the merge.
const REASSEMBLED: u64 = 1 << 63;

/// The kept bytes of one packet's payload: none when `kept` is 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PayloadRef {
    /// Offset in the source buffer, the shard's copied bytes or (with the top bit) the shard's
    /// reassembled datagrams.
    at: u64,
    /// Bytes kept (the captured part of the payload, at most [`MAX_COPY`]).
    pub kept: u32,
}

impl PayloadRef {
    /// The kept bytes, out of the bytes of the event's batch and shard.
    #[inline]
    pub fn data<'a>(&self, bytes: ShardBytes<'a>) -> &'a [u8] {
        let (from, at) = if self.at & REASSEMBLED != 0 {
            (bytes.reassembled, self.at & !REASSEMBLED)
        } else {
            (bytes.batch, self.at)
        };
        let Ok(start) = usize::try_from(at) else {
            return &[];
        };
        from.get(start..start + self.kept as usize)
            .unwrap_or_default()
    }
}

/// The bytes a shard's payload references point into.
#[derive(Debug, Clone, Copy)]
pub struct ShardBytes<'a> {
    /// The batch's: its source buffer when borrowed, else the shard's copies.
    pub batch: &'a [u8],
    /// Payloads of datagrams reassembled from fragments during the merge.
    pub reassembled: &'a [u8],
}

/// The captured payload of `flow`, whose frame's captured bytes are `frame`: empty unless TCP or
/// UDP.
#[inline]
fn captured<'a>(flow: &Flow, frame: &'a [u8]) -> &'a [u8] {
    if flow.payload_len == 0
        || !flow.has_transport
        || !matches!(flow.ip_proto, ip_proto::TCP | ip_proto::UDP)
    {
        return &[];
    }
    let Some(captured) = frame.get(flow.payload_at as usize..) else {
        return &[];
    };
    let captured = &captured[..captured.len().min(flow.payload_len as usize)];
    &captured[..captured.len().min(MAX_COPY)]
}

/// Appends `kept` to `bytes`; the reference to it carries `tag` in its offset's top bit.
fn copy(bytes: &mut Vec<u8>, kept: &[u8], tag: u64) -> PayloadRef {
    let at = bytes.len() as u64 | tag;
    bytes.extend_from_slice(kept);
    PayloadRef {
        at,
        kept: kept.len() as u32,
    }
}

/// A batch's payload bytes, by shard, where they are not borrowed from the source.
#[derive(Debug, Clone)]
pub struct Payloads {
    /// The copied bytes of each shard's events.
    bytes: [Vec<u8>; SHARDS],
    /// Events point into the source buffer instead of `bytes`.
    borrowed: bool,
}

impl Default for Payloads {
    fn default() -> Self {
        Payloads {
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

    /// Keeps the payload of `flow` (of `shard`), whose frame's captured bytes are `frame`, at
    /// `frame_at` in the batch's source buffer.
    #[inline]
    pub(crate) fn keep(
        &mut self,
        flow: &Flow,
        shard: usize,
        frame: &[u8],
        frame_at: usize,
    ) -> PayloadRef {
        let kept = captured(flow, frame);
        if kept.is_empty() {
            return PayloadRef::default();
        }
        if !self.borrowed {
            return copy(&mut self.bytes[shard], kept, 0);
        }
        PayloadRef {
            at: (frame_at + flow.payload_at as usize) as u64,
            kept: kept.len() as u32,
        }
    }

    /// Empties the byte lists, keeping their memory.
    pub fn clear(&mut self) {
        for bytes in &mut self.bytes {
            bytes.clear();
        }
    }
}

/// Payloads of datagrams the merge reassembled from fragments, by shard.
#[derive(Debug, Clone)]
pub struct Reassembled {
    bytes: [Vec<u8>; SHARDS],
}

impl Default for Reassembled {
    fn default() -> Self {
        Reassembled {
            bytes: std::array::from_fn(|_| Vec::new()),
        }
    }
}

impl Reassembled {
    /// Keeps the payload of `flow` (of `shard`), decoded from the reassembled `datagram`.
    pub(crate) fn keep(&mut self, flow: &Flow, shard: usize, datagram: &[u8]) -> PayloadRef {
        let kept = captured(flow, datagram);
        if kept.is_empty() {
            return PayloadRef::default();
        }
        copy(&mut self.bytes[shard], kept, REASSEMBLED)
    }

    /// The bytes of `shard`.
    pub fn of(&self, shard: usize) -> &[u8] {
        &self.bytes[shard]
    }
}
