//! Every frame as a table row, for `packets.parquet` and per-frame points: the columns a batch
//! collects when `Context::collect_packets` is set, handed on batch by batch.

use crate::decode::Frame;
use crate::read::Record;

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
    /// Appends the row of `rec`, decoded into `frame`.
    pub(super) fn push(&mut self, rec: &Record, frame: &Frame) {
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
