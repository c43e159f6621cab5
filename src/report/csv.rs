//! The CSV tables (RFC 4180: comma-separated, CRLF-free `\n` lines, fields quoted when they hold
//! a comma, a quote or a line break; a header row first).

use std::io::{self, Write};

use rayon::prelude::*;

use super::summary::Report;
use crate::analyze::app::logs::ID_COLUMNS;
use crate::analyze::app::{Cell, Log, LogRow};
use crate::analyze::{Analysis, FlowRecord};
use crate::decode::{ip_proto, Proto};
use crate::store::SortedRows;
use crate::text::digits::{push_digits, push_uint};
use crate::text::time::rfc3339_ns;

/// Writes CSV rows to `out`, gathered in a buffer that is handed on in large pieces (a write
/// per row cost more than formatting it).
pub struct CsvWriter<W: Write> {
    out: W,
    buf: Vec<u8>,
    started: bool,
}

/// Buffered text handed to the output once it reaches this size.
const FLUSH_AT: usize = 64 << 10;

impl<W: Write> CsvWriter<W> {
    /// A writer that starts with `header`.
    pub fn new(out: W, header: &[&str]) -> io::Result<CsvWriter<W>> {
        let mut w = CsvWriter::unstarted(out, FLUSH_AT + 512);
        w.row(header.iter().copied())?;
        Ok(w)
    }

    fn unstarted(out: W, capacity: usize) -> CsvWriter<W> {
        CsvWriter {
            out,
            buf: Vec::with_capacity(capacity),
            started: false,
        }
    }

    /// Writes one row of text fields.
    pub fn row<I, S>(&mut self, fields: I) -> io::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for f in fields {
            self.text(f.as_ref().as_bytes());
        }
        self.end_row()
    }

    /// Appends a text field, quoted when it needs to be.
    pub fn text(&mut self, f: impl AsRef<[u8]>) -> &mut Self {
        let f = f.as_ref();
        self.separator();
        if f.iter().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            self.buf.push(b'"');
            for &b in f {
                if b == b'"' {
                    self.buf.push(b'"');
                }
                self.buf.push(b);
            }
            self.buf.push(b'"');
        } else {
            self.buf.extend_from_slice(f);
        }
        self
    }

    /// Appends a field that never needs quoting (numbers, addresses, timestamps).
    pub fn plain(&mut self, f: impl std::fmt::Display) -> &mut Self {
        self.separator();
        let _ = write!(self.buf, "{f}");
        self
    }

    /// Appends an unsigned integer.
    pub fn uint(&mut self, v: impl Into<u64>) -> &mut Self {
        self.separator();
        push_uint(&mut self.buf, v.into());
        self
    }

    /// Appends nanoseconds as seconds with nine decimals.
    pub fn secs(&mut self, ns: i64) -> &mut Self {
        self.separator();
        push_secs(&mut self.buf, ns);
        self
    }

    /// Appends seconds with nine decimals, as `{:.9}` would, without formatting a float: the
    /// value came from whole nanoseconds, and below 10^15 of them (11 days) the float is within
    /// a quarter nanosecond of them, so both ways print the same digits.
    pub fn secs_f64(&mut self, s: f64) -> &mut Self {
        let ns = (s * 1e9).round();
        if ns.abs() < 1.0e15 {
            self.secs(ns as i64)
        } else {
            self.plain(format_args!("{s:.9}"))
        }
    }

    /// Appends an RFC 3339 time.
    pub fn time(&mut self, ns: i64) -> &mut Self {
        self.separator();
        crate::text::time::push_rfc3339_ns(&mut self.buf, ns);
        self
    }

    /// Appends an IP address.
    pub fn ip(&mut self, addr: std::net::IpAddr) -> &mut Self {
        match addr {
            std::net::IpAddr::V4(v4) => {
                self.separator();
                for (i, octet) in v4.octets().into_iter().enumerate() {
                    if i > 0 {
                        self.buf.push(b'.');
                    }
                    push_uint(&mut self.buf, u64::from(octet));
                }
                self
            }
            std::net::IpAddr::V6(v6) => self.plain(v6),
        }
    }

    fn separator(&mut self) {
        if self.started {
            self.buf.push(b',');
        }
        self.started = true;
    }

    /// Ends the row of the fields appended since the last one.
    pub fn end_row(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        self.started = false;
        if self.buf.len() >= FLUSH_AT {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Writes one row per item, formatting blocks of rows on all cores and writing them in
    /// order: the large tables (flows, conversations) are most of the writing time.
    pub fn rows_parallel<T: Sync>(
        &mut self,
        items: &[T],
        row: impl Fn(&mut CsvWriter<Vec<u8>>, &T) -> io::Result<()> + Sync,
    ) -> io::Result<()> {
        const ROWS_PER_BLOCK: usize = 4096;
        // A few blocks per core at a time, so the formatted text held at once stays small.
        let group = ROWS_PER_BLOCK * 4 * rayon::current_num_threads();
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        for items in items.chunks(group) {
            let blocks: Vec<io::Result<Vec<u8>>> = items
                .par_chunks(ROWS_PER_BLOCK)
                .map(|block| {
                    let mut w = CsvWriter::unstarted(Vec::new(), block.len() * 192);
                    for item in block {
                        row(&mut w, item)?;
                    }
                    Ok(w.finish_block())
                })
                .collect();
            for block in blocks {
                self.out.write_all(&block?)?;
            }
        }
        Ok(())
    }

    /// Writes what is buffered, flushes and returns the underlying writer.
    pub fn finish(mut self) -> io::Result<W> {
        if !self.buf.is_empty() {
            self.out.write_all(&self.buf)?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

impl CsvWriter<Vec<u8>> {
    /// Formatted rows stay in the buffer until the end: a block written on another core.
    fn finish_block(self) -> Vec<u8> {
        if self.out.is_empty() {
            self.buf
        } else {
            let mut out = self.out;
            out.extend_from_slice(&self.buf);
            out
        }
    }
}

/// Appends nanoseconds as seconds with nine decimals.
fn push_secs(out: &mut Vec<u8>, ns: i64) {
    if ns < 0 {
        out.push(b'-');
    }
    let abs = ns.unsigned_abs();
    push_uint(out, abs / 1_000_000_000);
    out.push(b'.');
    push_digits::<9>(out, abs % 1_000_000_000);
}

fn secs(ns: i64) -> String {
    let mut out = Vec::with_capacity(24);
    push_secs(&mut out, ns);
    String::from_utf8(out).unwrap_or_default()
}

/// Most intervals written with the empty ones filled in; sparser series list only busy ones.
const MAX_DENSE_INTERVALS: i64 = 1_000_000;

/// `timeseries.csv`: one row per interval from the first frame, like `tshark -z io,stat`.
pub fn timeseries<W: Write>(out: W, analysis: &Analysis) -> io::Result<W> {
    let t = &analysis.total;
    let protos: Vec<Proto> = Proto::ALL
        .into_iter()
        .filter(|&p| t.protos[p as usize][0] > 0)
        .collect();
    let mut header = vec![
        "interval_start".to_string(),
        "rel_start_s".into(),
        "packets".into(),
        "bytes".into(),
        "bits_per_s".into(),
    ];
    header.extend(protos.iter().map(|p| format!("{}_packets", p.name())));
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut w = CsvWriter::new(out, &header_refs)?;
    let mut keys: Vec<i64> = t.timeseries.keys().copied().collect();
    keys.sort_unstable();
    let (Some(&lo), Some(&hi)) = (keys.first(), keys.last()) else {
        return w.finish();
    };
    if hi - lo < MAX_DENSE_INTERVALS {
        keys = (lo..=hi).collect();
    }
    let interval = analysis.interval_ns;
    let empty = Default::default();
    for k in keys {
        let b = t.timeseries.get(&k).unwrap_or(&empty);
        let start = analysis.base_ts + k * interval;
        let mut row = vec![
            rfc3339_ns(start),
            secs(k * interval),
            b.packets.to_string(),
            b.bytes.to_string(),
            format!("{:.0}", b.bytes as f64 * 8.0 / (interval as f64 / 1e9)),
        ];
        row.extend(
            protos
                .iter()
                .map(|&p| b.proto_packets[p as usize].to_string()),
        );
        w.row(row)?;
    }
    w.finish()
}

/// `protocols.csv`.
pub fn protocols<W: Write>(out: W, analysis: &Analysis) -> io::Result<W> {
    let t = &analysis.total;
    let mut w = CsvWriter::new(
        out,
        &["protocol", "frames", "bytes", "frames_pct", "bytes_pct"],
    )?;
    let pct = |v: u64, of: u64| {
        if of == 0 {
            "0.00".to_string()
        } else {
            format!("{:.2}", v as f64 * 100.0 / of as f64)
        }
    };
    for p in Proto::ALL {
        let [frames, bytes] = t.protos[p as usize];
        if frames > 0 {
            w.row([
                p.name().to_string(),
                frames.to_string(),
                bytes.to_string(),
                pct(frames, t.packets),
                pct(bytes, t.bytes),
            ])?;
        }
    }
    w.finish()
}

/// `conversations.csv`: IPv4 and IPv6 address pairs, like `tshark -z conv,ip` and `conv,ipv6`.
pub fn conversations<W: Write>(out: W, report: &Report) -> io::Result<W> {
    let mut w = CsvWriter::new(
        out,
        &[
            "address_a",
            "address_b",
            "packets_a_to_b",
            "bytes_a_to_b",
            "packets_b_to_a",
            "bytes_b_to_a",
            "packets",
            "bytes",
            "rel_start_s",
            "duration_s",
        ],
    )?;
    let row = |w: &mut CsvWriter<Vec<u8>>, c: &super::summary::Conversation| {
        w.ip(c.address_a)
            .ip(c.address_b)
            .uint(c.packets_a_to_b)
            .uint(c.bytes_a_to_b)
            .uint(c.packets_b_to_a)
            .uint(c.bytes_b_to_a)
            .uint(c.packets)
            .uint(c.bytes)
            .secs_f64(c.rel_start_s)
            .secs_f64(c.duration_s)
            .end_row()
    };
    report
        .conversations
        .for_each_chunk(1 << 16, |chunk| w.rows_parallel(chunk, row))?;
    w.finish()
}

/// `flows.csv`: Zeek `conn.log` columns plus the Community ID.
pub fn flows<W: Write>(out: W, report: &Report) -> io::Result<W> {
    let mut w = CsvWriter::new(
        out,
        &[
            "ts",
            "start",
            "id.orig_h",
            "id.orig_p",
            "id.resp_h",
            "id.resp_p",
            "proto",
            "service",
            "duration",
            "orig_bytes",
            "resp_bytes",
            "conn_state",
            "history",
            "orig_pkts",
            "orig_ip_bytes",
            "resp_pkts",
            "resp_ip_bytes",
            "community_id",
        ],
    )?;
    let row = |w: &mut CsvWriter<Vec<u8>>, f: &FlowRecord| {
        w.secs(f.start_ns)
            .time(f.start_ns)
            .ip(f.orig_h)
            .uint(f.orig_p)
            .ip(f.resp_h)
            .uint(f.resp_p);
        match ip_proto::name(f.proto) {
            Some(name) => w.text(name),
            None => w.uint(f.proto),
        }
        .text(
            if f.services.is_empty() {
                std::borrow::Cow::Borrowed("-")
            } else {
                std::borrow::Cow::Owned(f.services.to_string())
            }
            .as_bytes(),
        )
        .secs(f.duration_ns)
        .uint(f.orig_bytes)
        .uint(f.resp_bytes)
        .text(f.conn_state)
        .text(f.history)
        .uint(f.orig_pkts)
        .uint(f.orig_ip_bytes)
        .uint(f.resp_pkts)
        .uint(f.resp_ip_bytes)
        .text(f.community_id)
        .end_row()
    };
    report
        .flows
        .for_each_chunk(1 << 16, |chunk| w.rows_parallel(chunk, row))?;
    w.finish()
}

/// `NAME.csv` of an application log: the row's time and flow, then the log's own columns.
pub fn log<W: Write>(out: W, log: Log, rows: &SortedRows<LogRow>) -> io::Result<W> {
    let mut header: Vec<&str> = ID_COLUMNS.to_vec();
    header.extend_from_slice(log.columns());
    let mut w = CsvWriter::new(out, &header)?;
    let row = |w: &mut CsvWriter<Vec<u8>>, r: &LogRow| {
        w.secs(r.ts_ns)
            .text(r.flow.community_id)
            .ip(r.flow.orig_h)
            .uint(r.flow.orig_p)
            .ip(r.flow.resp_h)
            .uint(r.flow.resp_p);
        match ip_proto::name(r.flow.proto) {
            Some(name) => w.text(name),
            None => w.uint(r.flow.proto),
        };
        let mut text = String::new();
        for cell in &r.cells {
            match cell {
                Cell::Count(n) => w.uint(*n),
                Cell::Interval(ns) => w.secs(*ns),
                other => {
                    text.clear();
                    other.write_to(&mut text);
                    w.text(&text)
                }
            };
        }
        w.end_row()
    };
    rows.for_each_chunk(1 << 16, |chunk| w.rows_parallel(chunk, row))?;
    w.finish()
}

/// `endpoints.csv`, like `tshark -z endpoints,ip`.
pub fn endpoints<W: Write>(out: W, report: &Report) -> io::Result<W> {
    let mut w = CsvWriter::new(
        out,
        &[
            "address",
            "packets",
            "bytes",
            "tx_packets",
            "tx_bytes",
            "rx_packets",
            "rx_bytes",
        ],
    )?;
    let row = |w: &mut CsvWriter<Vec<u8>>, e: &super::summary::Talker| {
        w.ip(e.address)
            .uint(e.packets)
            .uint(e.bytes)
            .uint(e.tx_packets)
            .uint(e.tx_bytes)
            .uint(e.rx_packets)
            .uint(e.rx_bytes)
            .end_row()
    };
    report
        .endpoints
        .for_each_chunk(1 << 16, |chunk| w.rows_parallel(chunk, row))?;
    w.finish()
}

/// `ports.csv`: frames with the port at either end.
pub fn ports<W: Write>(out: W, report: &Report) -> io::Result<W> {
    let mut w = CsvWriter::new(out, &["protocol", "port", "packets", "bytes"])?;
    for p in &report.ports {
        w.text(p.protocol)
            .uint(p.port)
            .uint(p.packets)
            .uint(p.bytes)
            .end_row()?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_from_floats_print_as_the_float_formatter_does() {
        let mut w = CsvWriter::unstarted(Vec::new(), 64);
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for i in 0..100_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let ns = (state >> 14) as i64 % 1_000_000_000_000_000 * if i % 7 == 0 { -1 } else { 1 };
            let s = ns as f64 / 1e9;
            w.buf.clear();
            w.started = false;
            w.secs_f64(s);
            assert_eq!(w.buf, format!("{s:.9}").as_bytes(), "{ns} ns");
        }
    }

    #[test]
    fn quotes_only_when_needed() {
        let mut w = CsvWriter::new(Vec::new(), &["a", "b"]).expect("header");
        w.row(["plain", "with,comma"]).expect("row");
        w.row(["say \"hi\"", "line\nbreak"]).expect("row");
        let out = String::from_utf8(w.finish().expect("finish")).expect("utf8");
        assert_eq!(
            out,
            "a,b\nplain,\"with,comma\"\n\"say \"\"hi\"\"\",\"line\nbreak\"\n"
        );
    }

    #[test]
    fn typed_fields_read_as_their_display_text() {
        let mut w = CsvWriter::new(Vec::new(), &["a"]).expect("header");
        w.ip("10.0.255.1".parse().expect("v4"))
            .ip("2001:db8::1".parse().expect("v6"))
            .uint(0u8)
            .uint(u64::MAX)
            .time(1_700_000_000_123_456_789)
            .end_row()
            .expect("row");
        let out = String::from_utf8(w.finish().expect("finish")).expect("utf8");
        assert_eq!(
            out,
            "a\n10.0.255.1,2001:db8::1,0,18446744073709551615,2023-11-14T22:13:20.123456789Z\n"
        );
    }

    #[test]
    fn integers_print_as_display_does() {
        let mut values = vec![0, 9, 10, 99, 100, 101, 999, 1000, u64::MAX, u64::MAX - 1];
        values.extend((0..20).map(|p| 10u64.pow(p)));
        values.extend((1..20).map(|p| 10u64.pow(p) - 1));
        values.extend((0..10_000).map(|i| i * 7919 + i * i * 104_729));
        for v in values {
            let mut out = Vec::new();
            push_uint(&mut out, v);
            assert_eq!(out, v.to_string().as_bytes());
            let mut padded = Vec::new();
            push_digits::<9>(&mut padded, v);
            assert_eq!(padded, format!("{:09}", v % 1_000_000_000).as_bytes());
            let mut two = Vec::new();
            push_digits::<2>(&mut two, v);
            assert_eq!(two, format!("{:02}", v % 100).as_bytes());
        }
    }

    #[test]
    fn seconds_keep_nanoseconds_and_sign() {
        assert_eq!(secs(1_500_000_001), "1.500000001");
        assert_eq!(secs(-5), "-0.000000005");
    }
}
