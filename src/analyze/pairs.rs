//! IP address pairs (conversations) and addresses (endpoints): the keys and counters that the
//! aggregate counts and the conversation archive keeps on disk.

use rustc_hash::FxHashMap;

use crate::decode::Addr;

/// Traffic an IP address sent and received.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EndpointStats {
    /// Frames sent.
    pub tx_packets: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Frames received.
    pub rx_packets: u64,
    /// Bytes received.
    pub rx_bytes: u64,
}

/// An IP address pair in canonical order (`a < b`).
///
/// Packed, as [`super::flows::FlowKey`]: 33 bytes rather than 48.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(C, packed)]
pub struct ConvKey {
    /// IP version.
    pub version: u8,
    /// Lower address.
    pub a: Addr,
    /// Higher address.
    pub b: Addr,
}

impl ConvKey {
    /// The pair of `layer`'s addresses, and the direction of `layer` (0: `a` to `b`).
    #[inline]
    pub fn of(layer: &crate::decode::IpLayer) -> (ConvKey, usize) {
        let (a, b, dir) = if layer.src <= layer.dst {
            (layer.src, layer.dst, 0)
        } else {
            (layer.dst, layer.src, 1)
        };
        let key = ConvKey {
            version: layer.version,
            a,
            b,
        };
        (key, dir)
    }
}

/// Traffic between two addresses; index 0 is `a` to `b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvStats {
    /// Frames per direction.
    pub packets: [u64; 2],
    /// Bytes per direction.
    pub bytes: [u64; 2],
    /// First frame time.
    pub first_ts: i64,
    /// Last frame time.
    pub last_ts: i64,
    /// Direction of the first frame.
    pub first_dir: u8,
}

/// One frame of the conversation `key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvEvent {
    /// The hash of `key`.
    pub hash: u64,
    /// The address pair.
    pub key: ConvKey,
    /// Direction (0: `a` to `b`).
    pub dir: u8,
    /// Capture time.
    pub ts: i64,
    /// Bytes on the wire.
    pub len: u32,
}

impl ConvStats {
    /// Adds one frame.
    #[inline]
    pub(crate) fn add(&mut self, e: &ConvEvent) {
        let dir = usize::from(e.dir);
        self.packets[dir] += 1;
        self.bytes[dir] += u64::from(e.len);
        self.first_ts = self.first_ts.min(e.ts);
        self.last_ts = self.last_ts.max(e.ts);
    }
}

/// Adds the pair `k`'s counters to the endpoints of its two addresses.
pub fn add_endpoints(out: &mut FxHashMap<(u8, Addr), EndpointStats>, k: &ConvKey, c: &ConvStats) {
    let a = out.entry((k.version, k.a)).or_default();
    a.tx_packets += c.packets[0];
    a.tx_bytes += c.bytes[0];
    a.rx_packets += c.packets[1];
    a.rx_bytes += c.bytes[1];
    let b = out.entry((k.version, k.b)).or_default();
    b.tx_packets += c.packets[1];
    b.tx_bytes += c.bytes[1];
    b.rx_packets += c.packets[0];
    b.rx_bytes += c.bytes[0];
}
