//! An analysis as InfluxDB line protocol, with bounded tag cardinality and the packets' own
//! timestamps (nanoseconds), so that loading the same capture twice writes the same series keys
//! and timestamps and the second load overwrites the first.
//!
//! | measurement | tags | fields | time |
//! | --- | --- | --- | --- |
//! | `traffic` | capture | packets, bytes, bits_per_s, PROTO_packets | each interval's start |
//! | `protocols` | capture, protocol | frames, bytes | first frame |
//! | `talkers` | capture, address | packets, bytes, tx_*/rx_*, rank (top `--top`) | first frame |
//! | `ports` | capture, protocol, port | packets, bytes, rank (top `--top`) | first frame |
//! | `interval_talkers` | capture, address | packets, bytes, rank (top `--top` of each interval) | interval start |
//! | `interval_ports` | capture, protocol, port | packets, bytes, rank (likewise) | interval start |
//! | `conn_states` | capture, state | flows | first frame |
//! | `summary` | capture | totals, rates, RTTs, counts | first frame |

use std::fmt::Write as _;

use std::collections::BTreeMap;
use std::io;

use rustc_hash::FxHashMap;

use crate::analyze::app::logs::{dns, quic, tls};
use crate::analyze::app::{Log, Service};
use crate::analyze::Analysis;
use crate::decode::Proto;
use crate::report::Report;

/// Escapes a measurement name, tag key or tag value.
pub fn escape_tag(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, ',' | '=' | ' ' | '\\') {
            out.push('\\');
        }
        if c == '\n' || c == '\r' {
            out.push(' ');
            continue;
        }
        out.push(c);
    }
    out
}

/// Timestamp precision of the written points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Precision {
    /// Nanoseconds (the default).
    #[default]
    Nanoseconds,
    /// Microseconds.
    Microseconds,
    /// Milliseconds.
    Milliseconds,
    /// Seconds.
    Seconds,
}

impl Precision {
    /// Parses `ns`/`n`, `us`/`u`, `ms`, `s`.
    pub fn parse(s: &str) -> Option<Precision> {
        Some(match s.trim() {
            "ns" | "n" => Precision::Nanoseconds,
            "us" | "u" | "µs" => Precision::Microseconds,
            "ms" => Precision::Milliseconds,
            "s" => Precision::Seconds,
            _ => return None,
        })
    }

    /// Nanoseconds per unit.
    pub fn divisor(self) -> i64 {
        match self {
            Precision::Nanoseconds => 1,
            Precision::Microseconds => 1_000,
            Precision::Milliseconds => 1_000_000,
            Precision::Seconds => 1_000_000_000,
        }
    }

    /// The `precision` parameter of the 2.x API.
    pub fn v2(self) -> &'static str {
        match self {
            Precision::Nanoseconds => "ns",
            Precision::Microseconds => "us",
            Precision::Milliseconds => "ms",
            Precision::Seconds => "s",
        }
    }

    /// The `precision` parameter of the 1.x API.
    pub fn v1(self) -> &'static str {
        match self {
            Precision::Nanoseconds => "n",
            Precision::Microseconds => "u",
            Precision::Milliseconds => "ms",
            Precision::Seconds => "s",
        }
    }
}

/// A point being built.
struct Point {
    line: String,
    fields: usize,
}

impl Point {
    fn new(measurement: &str, tags: &[(&str, &str)]) -> Point {
        let mut line = escape_tag(measurement);
        for (k, v) in tags {
            let _ = write!(line, ",{}={}", escape_tag(k), escape_tag(v));
        }
        line.push(' ');
        Point { line, fields: 0 }
    }

    fn sep(&mut self) {
        if self.fields > 0 {
            self.line.push(',');
        }
        self.fields += 1;
    }

    fn int(mut self, key: &str, v: u64) -> Point {
        self.sep();
        let _ = write!(self.line, "{}={v}i", escape_tag(key));
        self
    }

    fn float(mut self, key: &str, v: f64) -> Point {
        if v.is_finite() {
            self.sep();
            let _ = write!(self.line, "{}={v}", escape_tag(key));
        }
        self
    }

    fn text(mut self, key: &str, v: &str) -> Point {
        self.sep();
        let escaped = v.replace('\\', "\\\\").replace('"', "\\\"");
        let _ = write!(self.line, "{}=\"{escaped}\"", escape_tag(key));
        self
    }

    fn opt(self, key: &str, v: Option<f64>) -> Point {
        match v {
            Some(x) => self.float(key, x),
            None => self,
        }
    }

    fn at(mut self, ts_ns: i64, precision: Precision) -> String {
        let _ = write!(self.line, " {}", ts_ns.div_euclid(precision.divisor()));
        self.line
    }
}

/// `capture_packets` lines for one batch of frames: tags `capture` and `protocol` (the outer
/// transport, `arp`, or `other`), fields `src`, `dst`, `sport`, `dport`, `len`, `caplen`,
/// `tcp_flags`. Frames stamped to the microsecond are spread over that microsecond's nanoseconds
/// by their position (`seq` mod 1000), so that frames sharing a timestamp do not overwrite one
/// another in InfluxDB; `seq` counts frames from the start of the run.
pub fn packet_lines(
    rows: &crate::analyze::PacketColumns,
    first_seq: u64,
    capture: &str,
    precision: Precision,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for i in 0..rows.ts.len() {
        let (version, src) = rows.src[i];
        let (_, dst) = rows.dst[i];
        let protocol = if version == 0 {
            if rows.protos[i] >> (Proto::Arp as u8) & 1 == 1 {
                "arp"
            } else {
                "other"
            }
        } else {
            crate::decode::ip_proto::name(rows.ip_proto[i]).unwrap_or("other")
        };
        let mut ts = rows.ts[i];
        if ts % 1000 == 0 {
            ts += ((first_seq + i as u64) % 1000) as i64;
        }
        let mut p = Point::new(
            "capture_packets",
            &[("capture", capture), ("protocol", protocol)],
        );
        if version != 0 {
            p.sep();
            let _ = write!(
                p.line,
                "src=\"{}\",dst=\"{}\"",
                crate::decode::to_ip(version, src),
                crate::decode::to_ip(version, dst)
            );
            p.fields += 1;
        }
        let line = p
            .int("sport", u64::from(rows.sport[i]))
            .int("dport", u64::from(rows.dport[i]))
            .int("len", u64::from(rows.len[i]))
            .int("caplen", u64::from(rows.caplen[i]))
            .int("tcp_flags", u64::from(rows.tcp_flags[i]))
            .at(ts, precision);
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Every line for `analysis`, tagged `capture=NAME`, with the `top` names per interval; reads
/// the flows and logs again (from disk where the run spilled them).
pub fn lines(
    analysis: &Analysis,
    report: &Report,
    capture: &str,
    precision: Precision,
    top: usize,
) -> io::Result<Vec<String>> {
    let t = &analysis.total;
    let s = &report.summary;
    let tag = [("capture", capture)];
    let mut out = Vec::new();
    let first = t.min_ts.unwrap_or(analysis.base_ts);

    let protos: Vec<Proto> = Proto::ALL
        .into_iter()
        .filter(|&p| t.protos[p as usize][0] > 0)
        .collect();
    let mut keys: Vec<&i64> = t.timeseries.keys().collect();
    keys.sort_unstable();
    let interval_s = analysis.interval_ns as f64 / 1e9;
    for k in keys {
        let b = &t.timeseries[k];
        let mut p = Point::new("traffic", &tag)
            .int("packets", b.packets)
            .int("bytes", b.bytes)
            .float("bits_per_s", b.bytes as f64 * 8.0 / interval_s);
        for &proto in &protos {
            p = p.int(
                &format!("{}_packets", proto.name()),
                b.proto_packets[proto as usize],
            );
        }
        out.push(p.at(analysis.base_ts + k * analysis.interval_ns, precision));
    }
    for (name, c) in &s.protocols {
        if c.frames > 0 {
            out.push(
                Point::new("protocols", &[("capture", capture), ("protocol", name)])
                    .int("frames", c.frames)
                    .int("bytes", c.bytes)
                    .at(first, precision),
            );
        }
    }
    for (rank, e) in s.top_talkers.iter().enumerate() {
        let address = e.address.to_string();
        out.push(
            Point::new("talkers", &[("capture", capture), ("address", &address)])
                .int("packets", e.packets)
                .int("bytes", e.bytes)
                .int("tx_packets", e.tx_packets)
                .int("tx_bytes", e.tx_bytes)
                .int("rx_packets", e.rx_packets)
                .int("rx_bytes", e.rx_bytes)
                .int("rank", rank as u64 + 1)
                .at(first, precision),
        );
    }
    for (rank, p) in s.top_ports.iter().enumerate() {
        let port = p.port.to_string();
        out.push(
            Point::new(
                "ports",
                &[
                    ("capture", capture),
                    ("protocol", p.protocol),
                    ("port", &port),
                ],
            )
            .int("packets", p.packets)
            .int("bytes", p.bytes)
            .int("rank", rank as u64 + 1)
            .at(first, precision),
        );
    }
    let interval_start = |i: i64| analysis.base_ts + i * analysis.interval_ns;
    for (interval, top) in t.interval_talkers.top_per_interval() {
        for (rank, ((version, addr), [packets, bytes])) in top.into_iter().enumerate() {
            let address = crate::decode::to_ip(version, addr).to_string();
            out.push(
                Point::new(
                    "interval_talkers",
                    &[("capture", capture), ("address", &address)],
                )
                .int("packets", packets)
                .int("bytes", bytes)
                .int("rank", rank as u64 + 1)
                .at(interval_start(interval), precision),
            );
        }
    }
    for (interval, top) in t.interval_ports.top_per_interval() {
        for (rank, ((proto, port), [packets, bytes])) in top.into_iter().enumerate() {
            let protocol = crate::decode::ip_proto::name(proto).unwrap_or("other");
            let port = port.to_string();
            out.push(
                Point::new(
                    "interval_ports",
                    &[
                        ("capture", capture),
                        ("protocol", protocol),
                        ("port", &port),
                    ],
                )
                .int("packets", packets)
                .int("bytes", bytes)
                .int("rank", rank as u64 + 1)
                .at(interval_start(interval), precision),
            );
        }
    }
    for (state, n) in &s.tcp.conn_states {
        out.push(
            Point::new("conn_states", &[("capture", capture), ("state", state)])
                .int("flows", *n)
                .at(first, precision),
        );
    }
    out.push(
        Point::new("summary", &tag)
            .int("packets", s.packets)
            .int("bytes", s.bytes)
            .int("captured_bytes", s.captured_bytes)
            .float("duration_s", s.duration_s)
            .float("packets_per_s", s.packets_per_s)
            .float("bits_per_s", s.bits_per_s)
            .int("flows", s.flows.total)
            .int("conversations", s.conversations_total)
            .int("endpoints", s.endpoints_total)
            .int("tcp_handshakes", s.tcp.handshakes)
            .opt("tcp_handshake_rtt_p50_s", s.tcp.handshake_rtt.p50)
            .opt("tcp_handshake_rtt_p99_s", s.tcp.handshake_rtt.p99)
            .int("icmp_echo_matched", s.icmp.echo_matched)
            .opt("icmp_rtt_p50_s", s.icmp.rtt.p50)
            .opt("icmp_rtt_p99_s", s.icmp.rtt.p99)
            .opt("packet_size_mean", s.packet_sizes.stats.mean)
            .opt("interarrival_jitter_s", s.interarrival.jitter)
            .int("errors", s.errors.len() as u64)
            .int("anomalies", s.anomalies.len() as u64)
            .at(first, precision),
    );
    for a in &s.anomalies {
        let subject = a
            .subject
            .map(|s| s.to_string())
            .unwrap_or_else(|| "-".into());
        let peer = a.peer.clone().unwrap_or_else(|| "-".into());
        let start = a.start.unwrap_or(first);
        let end = a.end.unwrap_or(start);
        out.push(
            Point::new(
                "anomalies",
                &[
                    ("capture", capture),
                    ("kind", a.kind),
                    ("severity", a.severity),
                    ("subject", &subject),
                    ("peer", &peer),
                ],
            )
            .float("score", a.score)
            .int("count", a.count)
            .float("duration_s", (end - start) as f64 / 1e9)
            .text("detail", &a.detail)
            .at(start, precision),
        );
    }
    service_lines(analysis, report, capture, precision, &mut out)?;
    name_lines(analysis, report, capture, precision, top, &mut out)?;
    Ok(out)
}

/// `services`: per interval and service, the flows that began in it and their packets and
/// bytes (a flow counts whole in the interval of its first packet, as Zeek's conn.log rows
/// are stamped with their start).
fn service_lines(
    analysis: &Analysis,
    report: &Report,
    capture: &str,
    precision: Precision,
    out: &mut Vec<String>,
) -> io::Result<()> {
    let mut by_interval: BTreeMap<(i64, Service), [u64; 3]> = BTreeMap::new();
    report.flows.for_each_chunk(1 << 16, |chunk| {
        for f in chunk {
            let interval = (f.start_ns - analysis.base_ts).div_euclid(analysis.interval_ns);
            for s in f.services.iter() {
                let c = by_interval.entry((interval, s)).or_default();
                c[0] += 1;
                c[1] += f.orig_pkts + f.resp_pkts;
                c[2] += f.frame_bytes;
            }
        }
        Ok(())
    })?;
    for ((interval, service), [flows, packets, bytes]) in by_interval {
        out.push(
            Point::new(
                "services",
                &[("capture", capture), ("service", service.name())],
            )
            .int("flows", flows)
            .int("packets", packets)
            .int("bytes", bytes)
            .at(
                analysis.base_ts + interval * analysis.interval_ns,
                precision,
            ),
        );
    }
    Ok(())
}

/// `interval_names`: per interval, the `--top` names queried of DNS (`kind=domain`) and the
/// TLS and QUIC server names (`kind=server_name`), by how often they were seen in it.
fn name_lines(
    analysis: &Analysis,
    report: &Report,
    capture: &str,
    precision: Precision,
    top: usize,
    out: &mut Vec<String>,
) -> io::Result<()> {
    if top == 0 {
        return Ok(());
    }
    let interval_of = |ts: i64| (ts - analysis.base_ts).div_euclid(analysis.interval_ns);
    for (kind, logs) in [
        ("domain", &[(Log::Dns, dns::QUERY)][..]),
        (
            "server_name",
            &[(Log::Tls, tls::SERVER_NAME), (Log::Quic, quic::SERVER_NAME)][..],
        ),
    ] {
        let mut counts: BTreeMap<i64, FxHashMap<String, u64>> = BTreeMap::new();
        for &(log, column) in logs {
            let Some(table) = Log::ALL
                .iter()
                .position(|&l| l == log)
                .and_then(|i| report.logs.get(i))
            else {
                continue;
            };
            // The logs are in time order: an interval's tally is cut to its top names once
            // the rows have moved past it, so memory holds one interval's names at a time
            // (two logs merged need the second's rows added to the cut lists).
            table.for_each_chunk(1 << 16, |chunk| {
                for r in chunk {
                    if let Some(name) = r.cell(column).as_text() {
                        let names = counts.entry(interval_of(r.ts_ns)).or_default();
                        match names.get_mut(name) {
                            Some(n) => *n += 1,
                            None => {
                                names.insert(name.to_string(), 1);
                            }
                        }
                    }
                }
                let newest = counts.keys().next_back().copied();
                for (&interval, names) in counts.iter_mut() {
                    if Some(interval) != newest && names.len() > MAX_NAMES_PER_INTERVAL {
                        cut_to_top(names, MAX_NAMES_PER_INTERVAL);
                    }
                }
                Ok(())
            })?;
        }
        for (interval, names) in counts {
            let mut names: Vec<(String, u64)> = names.into_iter().collect();
            names.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            for (rank, (name, count)) in names.into_iter().take(top).enumerate() {
                out.push(
                    Point::new(
                        "interval_names",
                        &[("capture", capture), ("kind", kind), ("name", &name)],
                    )
                    .int("count", count)
                    .int("rank", rank as u64 + 1)
                    .at(
                        analysis.base_ts + interval * analysis.interval_ns,
                        precision,
                    ),
                );
            }
        }
    }
    Ok(())
}

/// Distinct names an interval keeps once the rows have moved past it.
const MAX_NAMES_PER_INTERVAL: usize = 4096;

/// Keeps the `n` most seen of `names`.
fn cut_to_top(names: &mut FxHashMap<String, u64>, n: usize) {
    let mut all: Vec<(String, u64)> = names.drain().collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    names.extend(all.into_iter().take(n));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_field_types() {
        assert_eq!(escape_tag("a b,c=d"), "a\\ b\\,c\\=d");
        let line = Point::new("traffic", &[("capture", "my cap")])
            .int("packets", 3)
            .float("rate", 1.5)
            .float("nan", f64::NAN)
            .at(1_000, Precision::Nanoseconds);
        assert_eq!(line, "traffic,capture=my\\ cap packets=3i,rate=1.5 1000");
    }
}
