//! How a record is laid out in a run file: its fields one after another, numbers little-endian,
//! in the order its [`RunRecord`] impl names them. The run file holds each record after its
//! length, so a record's bytes need not say where it ends; a record that does not use them all
//! is damaged. The records of the analysis (flows, address pairs, per-address counters) are
//! written here; the report's rows name their fields beside their types.

use std::net::IpAddr;

use crate::analyze::app::{Cell, Log, LogRow};
use crate::analyze::{ConvKey, ConvStats, EndpointStats, FlowId, FlowRecord};
use crate::decode::Addr;

/// A record that can be written to a run and read back.
pub trait RunRecord: Sized {
    /// Writes the record's fields.
    fn encode(&self, out: &mut Encoder<'_>);
    /// Reads the fields [`RunRecord::encode`] wrote, in the same order; `None` when they make
    /// no record.
    fn decode(fields: &mut Decoder<'_>) -> Option<Self>;
}

/// Appends the bytes of `record` to `out`.
pub(super) fn encode_into<T: RunRecord>(record: &T, out: &mut Vec<u8>) {
    record.encode(&mut Encoder { out });
}

/// The record of exactly `bytes`: `None` when they make none, or more than one.
pub(super) fn decode_exact<T: RunRecord>(bytes: &[u8]) -> Option<T> {
    let mut fields = Decoder { bytes, at: 0 };
    let record = T::decode(&mut fields)?;
    (fields.at == bytes.len()).then_some(record)
}

/// Writes the fields of one record.
pub struct Encoder<'a> {
    out: &'a mut Vec<u8>,
}

impl Encoder<'_> {
    /// A byte.
    pub fn u8(&mut self, v: u8) {
        self.out.push(v);
    }

    /// A 16-bit number.
    pub fn u16(&mut self, v: u16) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }

    /// A 32-bit number.
    pub fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }

    /// A 64-bit number.
    pub fn u64(&mut self, v: u64) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }

    /// Numbers in turn.
    pub fn u64s(&mut self, values: &[u64]) {
        for &v in values {
            self.u64(v);
        }
    }

    /// A signed 64-bit number.
    pub fn i64(&mut self, v: i64) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }

    /// A float, exactly (its bits).
    pub fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }

    /// A 128-bit number (an [`Addr`]).
    pub fn u128(&mut self, v: u128) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }

    /// An address: its version, then its 4 or 16 bytes.
    pub fn ip(&mut self, ip: IpAddr) {
        match ip {
            IpAddr::V4(v4) => {
                self.out.push(4);
                self.out.extend_from_slice(&v4.octets());
            }
            IpAddr::V6(v6) => {
                self.out.push(6);
                self.out.extend_from_slice(&v6.octets());
            }
        }
    }

    /// A string: its length, then its bytes.
    pub fn text(&mut self, t: &str) {
        self.out.extend_from_slice(&(t.len() as u32).to_le_bytes());
        self.out.extend_from_slice(t.as_bytes());
    }
}

/// Reads the fields of one record, in the order they were written; each is `None` when the
/// bytes end before it.
pub struct Decoder<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Decoder<'a> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let field = self.bytes.get(self.at..self.at + N)?.try_into().ok()?;
        self.at += N;
        Some(field)
    }

    /// A byte.
    pub fn u8(&mut self) -> Option<u8> {
        Some(self.take::<1>()?[0])
    }

    /// A 16-bit number.
    pub fn u16(&mut self) -> Option<u16> {
        self.take().map(u16::from_le_bytes)
    }

    /// A 64-bit number.
    pub fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_le_bytes)
    }

    /// A 32-bit number.
    pub fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }

    /// A signed 64-bit number.
    pub fn i64(&mut self) -> Option<i64> {
        self.take().map(i64::from_le_bytes)
    }

    /// A float.
    pub fn f64(&mut self) -> Option<f64> {
        self.u64().map(f64::from_bits)
    }

    /// A 128-bit number.
    pub fn u128(&mut self) -> Option<u128> {
        self.take().map(u128::from_le_bytes)
    }

    /// An address; `None` also when its version is neither 4 nor 6.
    pub fn ip(&mut self) -> Option<IpAddr> {
        match self.u8()? {
            4 => self.take::<4>().map(IpAddr::from),
            6 => self.take::<16>().map(IpAddr::from),
            _ => None,
        }
    }

    /// A string; `None` also when it is not UTF-8.
    pub fn text(&mut self) -> Option<&'a str> {
        let len = u32::from_le_bytes(self.take()?) as usize;
        let text = std::str::from_utf8(self.bytes.get(self.at..self.at + len)?).ok()?;
        self.at += len;
        Some(text)
    }
}

impl RunRecord for LogRow {
    fn encode(&self, out: &mut Encoder<'_>) {
        out.u8(Log::ALL.iter().position(|l| *l == self.log).unwrap_or(0) as u8);
        out.i64(self.ts_ns);
        out.text(&self.flow.community_id);
        out.ip(self.flow.orig_h);
        out.u16(self.flow.orig_p);
        out.ip(self.flow.resp_h);
        out.u16(self.flow.resp_p);
        out.u8(self.flow.proto);
        out.u32(self.cells.len() as u32);
        for cell in &self.cells {
            match cell {
                Cell::Empty => out.u8(0),
                Cell::Text(t) => {
                    out.u8(1);
                    out.text(t);
                }
                Cell::Count(n) => {
                    out.u8(2);
                    out.u64(*n);
                }
                Cell::Interval(ns) => {
                    out.u8(3);
                    out.i64(*ns);
                }
                Cell::Bool(b) => {
                    out.u8(4);
                    out.u8(u8::from(*b));
                }
                Cell::List(items) => {
                    out.u8(5);
                    out.u32(items.len() as u32);
                    for item in items {
                        out.text(item);
                    }
                }
            }
        }
    }

    fn decode(r: &mut Decoder<'_>) -> Option<Self> {
        let log = *Log::ALL.get(usize::from(r.u8()?))?;
        let ts_ns = r.i64()?;
        let flow = FlowId {
            community_id: r.text()?.into(),
            orig_h: r.ip()?,
            orig_p: r.u16()?,
            resp_h: r.ip()?,
            resp_p: r.u16()?,
            proto: r.u8()?,
        };
        let n = r.u32()? as usize;
        // Each cell takes a byte at least: a count larger than the record is damage.
        let mut cells = Vec::with_capacity(n.min(64));
        for _ in 0..n {
            cells.push(match r.u8()? {
                0 => Cell::Empty,
                1 => Cell::Text(r.text()?.to_string()),
                2 => Cell::Count(r.u64()?),
                3 => Cell::Interval(r.i64()?),
                4 => Cell::Bool(r.u8()? != 0),
                5 => {
                    let items = r.u32()? as usize;
                    let mut list = Vec::with_capacity(items.min(64));
                    for _ in 0..items {
                        list.push(r.text()?.to_string());
                    }
                    Cell::List(list)
                }
                _ => return None,
            });
        }
        Some(LogRow {
            log,
            ts_ns,
            flow,
            cells,
        })
    }
}

impl RunRecord for FlowRecord {
    fn encode(&self, out: &mut Encoder<'_>) {
        out.i64(self.start_ns);
        out.i64(self.duration_ns);
        out.u8(self.proto);
        out.ip(self.orig_h);
        out.u16(self.orig_p);
        out.ip(self.resp_h);
        out.u16(self.resp_p);
        out.u64s(&[
            self.orig_bytes,
            self.resp_bytes,
            self.orig_pkts,
            self.orig_ip_bytes,
            self.resp_pkts,
            self.resp_ip_bytes,
            self.frame_bytes,
        ]);
        out.text(self.conn_state);
        out.text(&self.history);
        out.text(&self.community_id);
        match self.handshake_rtt_ns {
            Some(rtt) => {
                out.u8(1);
                out.i64(rtt);
            }
            None => out.u8(0),
        }
        out.u64(self.services.bits());
    }

    fn decode(r: &mut Decoder<'_>) -> Option<Self> {
        Some(FlowRecord {
            start_ns: r.i64()?,
            duration_ns: r.i64()?,
            proto: r.u8()?,
            orig_h: r.ip()?,
            orig_p: r.u16()?,
            resp_h: r.ip()?,
            resp_p: r.u16()?,
            orig_bytes: r.u64()?,
            resp_bytes: r.u64()?,
            orig_pkts: r.u64()?,
            orig_ip_bytes: r.u64()?,
            resp_pkts: r.u64()?,
            resp_ip_bytes: r.u64()?,
            frame_bytes: r.u64()?,
            conn_state: FlowRecord::known_conn_state(r.text()?)?,
            history: r.text()?.into(),
            community_id: r.text()?.into(),
            handshake_rtt_ns: match r.u8()? {
                0 => None,
                _ => Some(r.i64()?),
            },
            services: crate::analyze::app::Services::from_bits(r.u64()?),
        })
    }
}

impl RunRecord for (ConvKey, ConvStats) {
    fn encode(&self, out: &mut Encoder<'_>) {
        let (k, c) = self;
        let (a, b): (Addr, Addr) = (k.a, k.b);
        out.u8(k.version);
        out.u128(a);
        out.u128(b);
        out.u64s(&[c.packets[0], c.packets[1], c.bytes[0], c.bytes[1]]);
        out.i64(c.first_ts);
        out.i64(c.last_ts);
        out.u8(c.first_dir);
    }

    fn decode(r: &mut Decoder<'_>) -> Option<Self> {
        let key = ConvKey {
            version: r.u8()?,
            a: r.u128()?,
            b: r.u128()?,
        };
        let stats = ConvStats {
            packets: [r.u64()?, r.u64()?],
            bytes: [r.u64()?, r.u64()?],
            first_ts: r.i64()?,
            last_ts: r.i64()?,
            first_dir: r.u8()?,
        };
        Some((key, stats))
    }
}

impl RunRecord for ((u8, Addr), EndpointStats) {
    fn encode(&self, out: &mut Encoder<'_>) {
        let ((version, addr), e) = self;
        out.u8(*version);
        out.u128(*addr);
        out.u64s(&[e.tx_packets, e.tx_bytes, e.rx_packets, e.rx_bytes]);
    }

    fn decode(r: &mut Decoder<'_>) -> Option<Self> {
        let key = (r.u8()?, r.u128()?);
        let stats = EndpointStats {
            tx_packets: r.u64()?,
            tx_bytes: r.u64()?,
            rx_packets: r.u64()?,
            rx_bytes: r.u64()?,
        };
        Some((key, stats))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_of<T: RunRecord>(record: &T) -> Vec<u8> {
        let mut out = Vec::new();
        encode_into(record, &mut out);
        out
    }

    /// `record` reads back as written, and its bytes cut short anywhere or followed by more make
    /// no record (and no panic).
    fn reads_back<T: RunRecord + PartialEq + std::fmt::Debug>(record: &T) {
        let bytes = bytes_of(record);
        assert_eq!(decode_exact::<T>(&bytes).as_ref(), Some(record));
        for end in 0..bytes.len() {
            assert!(decode_exact::<T>(&bytes[..end]).is_none(), "cut at {end}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode_exact::<T>(&longer).is_none());
    }

    fn flow() -> FlowRecord {
        FlowRecord {
            start_ns: 1_700_000_000_123_456_789,
            duration_ns: 2_000,
            proto: 6,
            orig_h: "10.0.0.1".parse().expect("address"),
            orig_p: 40000,
            resp_h: "10.0.0.2".parse().expect("address"),
            resp_p: 80,
            orig_bytes: 100,
            resp_bytes: 500,
            conn_state: "SF",
            history: "ShADadFf".into(),
            orig_pkts: 5,
            orig_ip_bytes: 300,
            resp_pkts: 4,
            resp_ip_bytes: 660,
            community_id: "1:LQU9qZlK+B5F3KDmev6m5PMibrg=".into(),
            handshake_rtt_ns: Some(2_000),
            frame_bytes: 1_234,
            services: crate::analyze::app::Services::parse("ssl,smtp").expect("services"),
        }
    }

    #[test]
    fn flows_read_back_as_written() {
        let v4 = flow();
        reads_back(&v4);
        let mut v6 = v4.clone();
        v6.orig_h = "2001:db8::1".parse().expect("address");
        v6.resp_h = "2001:db8::2".parse().expect("address");
        v6.conn_state = "RSTOS0";
        v6.history = "Sr".into();
        v6.handshake_rtt_ns = None;
        reads_back(&v6);
        // A state no record has is damage, not a new state.
        let mut bytes = bytes_of(&v4);
        let at = bytes
            .windows(2)
            .position(|w| w == b"SF")
            .expect("the state's bytes");
        bytes[at] = b'X';
        assert!(decode_exact::<FlowRecord>(&bytes).is_none());
    }

    #[test]
    fn pairs_and_endpoints_read_back_as_written() {
        let key = ConvKey {
            version: 6,
            a: (0x2001_0db8 << 96) | 1,
            b: u128::MAX,
        };
        let stats = ConvStats {
            packets: [3, 0],
            bytes: [180, 0],
            first_ts: -5,
            last_ts: i64::MAX,
            first_dir: 1,
        };
        reads_back(&(key, stats));
        let counts = EndpointStats {
            tx_packets: 1,
            tx_bytes: 2,
            rx_packets: 3,
            rx_bytes: u64::MAX,
        };
        reads_back(&((4u8, 0xffff_0a00_0001u128), counts));
    }
}
