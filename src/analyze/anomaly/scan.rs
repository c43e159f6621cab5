//! Port scans, host and ping sweeps, SYN floods and unusual protocol mixes, counted from the
//! attempts that failed, with fixed, documented thresholds.

use std::net::IpAddr;

use rustc_hash::FxHashMap;

use super::{keyed_hash, round3, Anomaly};
use crate::analyze::aggregate::Aggregate;
use crate::analyze::flow_record::FlowRecord;
use crate::decode::{ip_proto, Proto};

/// Distinct ports one source probed without an established connection before it is a port scan.
pub const PORT_SCAN_PORTS: usize = 25;
/// Distinct hosts one source probed on one port (or pinged) before it is a sweep.
pub const SWEEP_HOSTS: usize = 25;
/// Half-open connections to one destination before it is a SYN flood.
pub const SYN_FLOOD_HALF_OPEN: usize = 500;
/// Share of IP frames that are ICMP/ICMPv6 above which the mix is flagged.
pub const ICMP_SHARE: f64 = 0.2;
/// Share of frames decoded only partly above which the capture is flagged.
pub const UNDECODED_SHARE: f64 = 0.05;

/// Connection states in which the responder never completed a handshake.
fn unanswered(state: &str) -> bool {
    matches!(state, "S0" | "REJ" | "RSTOS0" | "RSTR" | "SH" | "OTH")
}

/// What one flow shows, if anything: the probe and half-open observations of [`Evidence`].
#[derive(Debug, Clone, Copy)]
enum Observation {
    /// A source tried a port without completing a connection.
    Port(IpAddr, u16),
    /// A source tried a port on a host.
    Host((IpAddr, u16), IpAddr),
    /// A source pinged a host.
    Ping(IpAddr, IpAddr),
    /// A destination received a connection attempt that was never answered.
    HalfOpen(IpAddr),
}

impl Observation {
    /// Calls `each` with every observation of `f`.
    #[inline]
    fn of(f: &FlowRecord, mut each: impl FnMut(Observation)) {
        match f.proto {
            ip_proto::TCP if unanswered(f.conn_state) && f.orig_bytes == 0 => {
                each(Observation::Port(f.orig_h, f.resp_p));
                each(Observation::Host((f.orig_h, f.resp_p), f.resp_h));
                if f.conn_state == "S0" {
                    each(Observation::HalfOpen(f.resp_h));
                }
            }
            ip_proto::ICMP | ip_proto::ICMPV6 if matches!(f.orig_p, 8 | 128) => {
                each(Observation::Ping(f.orig_h, f.resp_h));
            }
            _ => {}
        }
    }

    /// The count its key must reach to be a finding.
    fn threshold(self) -> usize {
        match self {
            Observation::Port(..) => PORT_SCAN_PORTS,
            Observation::Host(..) | Observation::Ping(..) => SWEEP_HOSTS,
            Observation::HalfOpen(_) => SYN_FLOOD_HALF_OPEN,
        }
    }

    /// The hash of what it counts for (the source, the source and port, the destination).
    fn key_hash(self) -> u64 {
        match self {
            Observation::Port(src, _) => keyed_hash((0u8, src)),
            Observation::Host(key, _) => keyed_hash((1u8, key)),
            Observation::Ping(src, _) => keyed_hash((2u8, src)),
            Observation::HalfOpen(dst) => keyed_hash((3u8, dst)),
        }
    }
}

/// Observations held in memory at most before [`Evidence`] counts keys in a sketch instead and
/// reads the flows a second time for the keys that may reach a threshold.
const EXACT_BUDGET: usize = 1 << 20;

/// What the flows seen so far show, gathered one flow at a time.
///
/// Exact in memory while the observations are few. A flood of spoofed sources makes a key of
/// nearly every flow; past [`EXACT_BUDGET`] observations the keys are counted in a
/// [`CountSketch`] (which never undercounts), and [`Evidence::recount`] takes the flows again,
/// keeping only the keys that may reach their threshold. The findings are the same either way.
#[derive(Debug)]
pub struct Evidence {
    /// Observations held exactly at most ([`EXACT_BUDGET`] but in tests).
    budget: usize,
    exact: Probes,
    sketch: Option<Box<CountSketch>>,
}

/// The observations counted exactly.
#[derive(Debug, Default)]
struct Probes {
    ports_probed: DistinctPairs<IpAddr, u16>,
    hosts_probed: DistinctPairs<(IpAddr, u16), IpAddr>,
    pinged: DistinctPairs<IpAddr, IpAddr>,
    half_open: FxHashMap<IpAddr, usize>,
}

impl Probes {
    fn insert(&mut self, o: Observation) {
        match o {
            Observation::Port(src, port) => self.ports_probed.insert(src, port),
            Observation::Host(key, dst) => self.hosts_probed.insert(key, dst),
            Observation::Ping(src, dst) => self.pinged.insert(src, dst),
            Observation::HalfOpen(dst) => *self.half_open.entry(dst).or_default() += 1,
        }
    }

    fn len(&self) -> usize {
        self.ports_probed.pairs.len()
            + self.hosts_probed.pairs.len()
            + self.pinged.pairs.len()
            + self.half_open.len()
    }

    /// Every key counted so far, once per distinct value (half-open connections once each).
    fn into_sketch(self) -> CountSketch {
        let mut sketch = CountSketch::new();
        let Probes {
            mut ports_probed,
            mut hosts_probed,
            mut pinged,
            half_open,
        } = self;
        ports_probed.dedup();
        hosts_probed.dedup();
        pinged.dedup();
        for &(src, port) in &ports_probed.pairs {
            sketch.add(Observation::Port(src, port).key_hash(), 1);
        }
        for &(key, dst) in &hosts_probed.pairs {
            sketch.add(Observation::Host(key, dst).key_hash(), 1);
        }
        for &(src, dst) in &pinged.pairs {
            sketch.add(Observation::Ping(src, dst).key_hash(), 1);
        }
        for (dst, n) in half_open {
            sketch.add(Observation::HalfOpen(dst).key_hash(), n);
        }
        sketch
    }
}

impl Default for Evidence {
    fn default() -> Self {
        Evidence {
            budget: EXACT_BUDGET,
            exact: Probes::default(),
            sketch: None,
        }
    }
}

impl Evidence {
    /// Takes one finished flow into account.
    pub fn add(&mut self, f: &FlowRecord) {
        match &mut self.sketch {
            Some(sketch) => Observation::of(f, |o| sketch.add(o.key_hash(), 1)),
            None => {
                Observation::of(f, |o| self.exact.insert(o));
                if self.exact.len() > self.budget {
                    let exact = std::mem::take(&mut self.exact);
                    self.sketch = Some(Box::new(exact.into_sketch()));
                }
            }
        }
    }

    /// Whether [`Evidence::recount`] must see every flow again before the findings.
    pub fn needs_recount(&self) -> bool {
        self.sketch.is_some()
    }

    /// Takes one flow into account a second time: only the keys that may reach their
    /// threshold, exactly. Call for every flow, after every flow went through
    /// [`Evidence::add`].
    pub fn recount(&mut self, f: &FlowRecord) {
        let Some(sketch) = &self.sketch else {
            return;
        };
        Observation::of(f, |o| {
            if sketch.estimate(o.key_hash()) >= o.threshold() {
                self.exact.insert(o);
            }
        });
    }

    /// The findings for the flows added and the run's totals, most severe first.
    pub fn findings(self, total: &Aggregate) -> Vec<Anomaly> {
        let Probes {
            ports_probed,
            hosts_probed,
            pinged,
            half_open,
        } = self.exact;
        let mut out = Vec::new();
        for (src, n) in ports_probed.counts_at_least(PORT_SCAN_PORTS) {
            let detail = format!("{src} tried {n} ports without completing a connection");
            out.push(counted("port_scan", PORT_SCAN_PORTS, n, detail).about(src));
        }
        for ((src, port), n) in hosts_probed.counts_at_least(SWEEP_HOSTS) {
            let detail = format!("{src} probed TCP port {port} on {n} hosts");
            let a = counted("host_sweep", SWEEP_HOSTS, n, detail);
            out.push(a.about(src).with("port", port));
        }
        for (src, n) in pinged.counts_at_least(SWEEP_HOSTS) {
            let detail = format!("{src} sent echo requests to {n} hosts");
            out.push(counted("ping_sweep", SWEEP_HOSTS, n, detail).about(src));
        }
        let mut half_open: Vec<(IpAddr, usize)> = half_open
            .into_iter()
            .filter(|&(_, n)| n >= SYN_FLOOD_HALF_OPEN)
            .collect();
        half_open.sort_unstable();
        for (dst, n) in half_open {
            let detail = format!("{dst} received {n} connection attempts that were never answered");
            out.push(counted("syn_flood", SYN_FLOOD_HALF_OPEN, n, detail).about(dst));
        }
        let ip_frames = total.frames_with(Proto::Ip) + total.frames_with(Proto::Ipv6);
        let icmp_frames = total.frames_with(Proto::Icmp) + total.frames_with(Proto::Icmpv6);
        if ip_frames >= 1000 && icmp_frames as f64 > ICMP_SHARE * ip_frames as f64 {
            let share = icmp_frames as f64 / ip_frames as f64;
            let detail = format!(
                "{:.1}% of IP frames are ICMP/ICMPv6 (more than {:.0}%)",
                share * 100.0,
                ICMP_SHARE * 100.0
            );
            let score = 0.6 + 0.4 * ((share - ICMP_SHARE) / (1.0 - ICMP_SHARE));
            out.push(
                Anomaly::new("icmp_heavy", score.min(0.79), icmp_frames, detail)
                    .with("feature", "icmp_share")
                    .with("observed", round3(share))
                    .with("threshold", ICMP_SHARE),
            );
        }
        let undecoded: u64 = total.stops.iter().sum();
        if total.packets >= 100 && undecoded as f64 > UNDECODED_SHARE * total.packets as f64 {
            let share = undecoded as f64 / total.packets as f64;
            let detail = format!(
                "{undecoded} of {} frames are cut short or malformed at some layer",
                total.packets
            );
            out.push(
                Anomaly::new("malformed_frames", 0.4 + 0.19 * share, undecoded, detail)
                    .with("feature", "undecoded_share")
                    .with("observed", round3(share))
                    .with("threshold", UNDECODED_SHARE),
            );
        }
        if let (Some(first), Some(last)) = (total.min_ts, total.max_ts) {
            for a in &mut out {
                if a.subject.is_none() {
                    a.start = Some(first);
                    a.end = Some(last);
                }
            }
        }
        out
    }
}

/// A finding of `n` distinct things where `threshold` make one: medium at the threshold,
/// high at twice it, sure at four times.
fn counted(kind: &'static str, threshold: usize, n: usize, detail: String) -> Anomaly {
    let ratio = n as f64 / threshold as f64;
    let score = 0.6 + 0.2 * ratio.log2();
    Anomaly::new(kind, score, n as u64, detail)
        .with("threshold", threshold)
        .with("observed", n)
}

/// The time window and example flows of the scan findings, gathered in a pass over the flows
/// after the findings are known.
#[derive(Debug, Default)]
pub struct ScanSpans {
    spans: FxHashMap<SpanKey, Span>,
}

/// What a scan finding is about: its kind, its subject, and for a sweep its port.
type SpanKey = (&'static str, IpAddr, u16);

#[derive(Debug)]
struct Span {
    start: i64,
    end: i64,
    examples: Vec<String>,
}

/// Community IDs a finding lists at most.
pub const EXAMPLES: usize = 5;

/// The key of finding `a`'s span (none for a capture-wide finding).
fn span_key(a: &Anomaly) -> Option<SpanKey> {
    let port = a.evidence.get("port").and_then(|p| p.as_u64()).unwrap_or(0) as u16;
    Some((a.kind, a.subject?, port))
}

impl ScanSpans {
    /// Spans to gather for `findings`; none when no finding is a scan.
    pub fn of(findings: &[Anomaly]) -> ScanSpans {
        let spans = findings
            .iter()
            .filter_map(span_key)
            .map(|key| {
                let empty = Span {
                    start: i64::MAX,
                    end: i64::MIN,
                    examples: Vec::new(),
                };
                (key, empty)
            })
            .collect();
        ScanSpans { spans }
    }

    /// Whether there is anything to gather.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Takes one flow into account.
    pub fn add(&mut self, f: &FlowRecord) {
        Observation::of(f, |o| {
            let key = match o {
                Observation::Port(src, _) => ("port_scan", src, 0),
                Observation::Host((src, port), _) => ("host_sweep", src, port),
                Observation::Ping(src, _) => ("ping_sweep", src, 0),
                Observation::HalfOpen(dst) => ("syn_flood", dst, 0),
            };
            if let Some(span) = self.spans.get_mut(&key) {
                span.start = span.start.min(f.start_ns);
                span.end = span.end.max(f.start_ns + f.duration_ns);
                if span.examples.len() < EXAMPLES {
                    span.examples.push(f.community_id.as_str().to_string());
                }
            }
        });
    }

    /// Puts the windows and examples into `findings`.
    pub fn apply(self, findings: &mut [Anomaly]) {
        for a in findings {
            if let Some(span) = span_key(a).and_then(|key| self.spans.get(&key)) {
                if span.start <= span.end {
                    a.start = Some(span.start);
                    a.end = Some(span.end);
                }
                a.evidence
                    .insert("flows".into(), span.examples.clone().into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_pairs_count_each_value_once_per_key_in_key_order() {
        let mut d = DistinctPairs::default();
        for i in 0..20_000u32 {
            d.insert(i % 3, (i % 7) as u16);
            d.insert(i % 3, (i % 7) as u16);
        }
        d.insert(9, 1);
        let (at_least_one, at_least_two) = (d.clone(), d);
        assert_eq!(
            at_least_one.counts_at_least(1),
            vec![(0, 7), (1, 7), (2, 7), (9, 1)]
        );
        assert_eq!(
            at_least_two.counts_at_least(2),
            vec![(0, 7), (1, 7), (2, 7)]
        );
    }

    /// The findings for a run, most severe first.
    fn find(total: &Aggregate, flows: &[FlowRecord]) -> Vec<Anomaly> {
        let mut evidence = Evidence::default();
        for f in flows {
            evidence.add(f);
        }
        evidence.findings(total)
    }

    /// The findings when at most `budget` observations are held exactly, the flows taken a
    /// second time as the report does.
    fn find_within(total: &Aggregate, flows: &[FlowRecord], budget: usize) -> Vec<Anomaly> {
        let mut evidence = Evidence {
            budget,
            ..Evidence::default()
        };
        for f in flows {
            evidence.add(f);
        }
        if evidence.needs_recount() {
            for f in flows {
                evidence.recount(f);
            }
        }
        assert_eq!(evidence.sketch.is_some(), flows.len() > budget);
        evidence.findings(total)
    }

    #[test]
    fn findings_are_the_same_when_the_evidence_outgrows_memory() {
        let mut flows = Vec::new();
        // Spoofed sources, one attempt each, at one victim: a SYN flood and no scanner.
        for i in 0..3000u32 {
            let [_, b, c, d] = i.to_be_bytes();
            flows.push(probe([100, b, c, d], [198, 51, 100, 7], 80, "S0"));
        }
        // A scanner retrying: 24 ports twice (not a scan) and another with 70 ports.
        for p in 0..48 {
            flows.push(probe([192, 0, 2, 1], [198, 51, 100, 9], 1 + p % 24, "REJ"));
        }
        for p in 0..70 {
            flows.push(probe([192, 0, 2, 2], [198, 51, 100, 9], 1000 + p, "S0"));
        }
        // A sweep of port 22, and a ping sweep.
        for h in 0..55u8 {
            flows.push(probe([192, 0, 2, 4], [10, 8, 0, h], 22, "REJ"));
        }
        for h in 0..60u8 {
            let mut f = probe([192, 0, 2, 3], [10, 9, 0, h], 0, "OTH");
            f.proto = ip_proto::ICMP;
            f.orig_p = 8;
            flows.push(f);
        }
        let total = Aggregate::default();
        let exact = find_within(&total, &flows, usize::MAX);
        let kinds: Vec<_> = exact.iter().map(|a| (a.kind, a.count)).collect();
        assert_eq!(
            kinds,
            [
                ("port_scan", 70),
                ("host_sweep", 55),
                ("ping_sweep", 60),
                ("syn_flood", 3000)
            ]
        );
        for budget in [0, 10, 2000] {
            assert_eq!(
                find_within(&total, &flows, budget),
                exact,
                "budget {budget}"
            );
        }
    }

    #[test]
    fn the_sketch_never_counts_below_the_truth() {
        let mut sketch = CountSketch::new();
        let key = |i: u32| Observation::HalfOpen(IpAddr::from(i.to_be_bytes()));
        for i in 0..200_000u32 {
            sketch.add(key(i).key_hash(), 1 + (i % 3) as usize);
        }
        for i in 0..200_000u32 {
            let n = sketch.estimate(key(i).key_hash());
            assert!(n > (i % 3) as usize, "{i}: {n}");
        }
        assert_eq!(sketch.estimate(key(7).key_hash()), 2);
    }

    fn probe(src: [u8; 4], dst: [u8; 4], port: u16, state: &'static str) -> FlowRecord {
        FlowRecord {
            start_ns: 0,
            duration_ns: 0,
            proto: ip_proto::TCP,
            orig_h: IpAddr::from(src),
            orig_p: 40000,
            resp_h: IpAddr::from(dst),
            resp_p: port,
            orig_bytes: 0,
            resp_bytes: 0,
            conn_state: state,
            history: "S".into(),
            orig_pkts: 1,
            orig_ip_bytes: 40,
            resp_pkts: 0,
            resp_ip_bytes: 0,
            community_id: Default::default(),
            handshake_rtt_ns: None,
            frame_bytes: 54,
            services: crate::analyze::app::Services::NONE,
        }
    }

    #[test]
    fn a_port_scan_is_found_and_normal_traffic_is_not() {
        let scanner = [192, 0, 2, 66];
        let target = [198, 51, 100, 1];
        let mut flows: Vec<FlowRecord> = (1..=60)
            .map(|p| probe(scanner, target, p, if p % 2 == 0 { "REJ" } else { "S0" }))
            .collect();
        // A busy but healthy client: many established connections.
        flows.extend((1..=100).map(|p| probe([10, 0, 0, 1], target, 443 + p, "SF")));
        let found = find(&Aggregate::default(), &flows);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].kind, "port_scan");
        assert_eq!(found[0].subject, Some(IpAddr::from(scanner)));
        assert_eq!(found[0].count, 60);
    }

    #[test]
    fn a_sweep_of_one_port_across_hosts() {
        let flows: Vec<FlowRecord> = (1..=55)
            .map(|h| probe([192, 0, 2, 66], [10, 0, 1, h], 22, "S0"))
            .collect();
        let found = find(&Aggregate::default(), &flows);
        assert!(found
            .iter()
            .any(|a| a.kind == "host_sweep" && a.count == 55));
        assert!(!found.iter().any(|a| a.kind == "port_scan"));
    }
}

/// Distinct `(key, value)` pairs, counted per key at the end. A flat list sorted now and then
/// rather than a set per key: a flood of spoofed sources makes a key of nearly every flow, and
/// a set apiece costs an allocation and a tree each. Duplicates are removed whenever the list
/// has doubled, so it holds at most twice the distinct pairs.
#[derive(Debug, Clone)]
struct DistinctPairs<K, V> {
    pairs: Vec<(K, V)>,
    /// Length after the last removal of duplicates.
    distinct: usize,
}

impl<K, V> Default for DistinctPairs<K, V> {
    fn default() -> Self {
        DistinctPairs {
            pairs: Vec::new(),
            distinct: 0,
        }
    }
}

impl<K: Ord + Copy, V: Ord + Copy> DistinctPairs<K, V> {
    fn insert(&mut self, key: K, value: V) {
        self.pairs.push((key, value));
        if self.pairs.len() >= 2 * self.distinct + 4096 {
            self.dedup();
        }
    }

    fn dedup(&mut self) {
        self.pairs.sort_unstable();
        self.pairs.dedup();
        self.distinct = self.pairs.len();
    }

    /// Each key with at least `min` distinct values, with their number, in key order.
    fn counts_at_least(mut self, min: usize) -> Vec<(K, usize)> {
        self.dedup();
        let mut out = Vec::new();
        for run in self.pairs.chunk_by(|a, b| a.0 == b.0) {
            if run.len() >= min {
                out.push((run[0].0, run.len()));
            }
        }
        out
    }
}

/// Counts per key in little fixed memory, never below the true count: a count-min sketch with
/// conservative update (only the smallest of a key's counters grow), so that keys which share
/// counters overcount each other little.
pub(super) struct CountSketch {
    rows: Vec<u16>,
}

impl std::fmt::Debug for CountSketch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CountSketch").finish_non_exhaustive()
    }
}

const SKETCH_DEPTH: usize = 4;
const SKETCH_WIDTH_BITS: u32 = 22;

impl CountSketch {
    pub(super) fn new() -> CountSketch {
        CountSketch {
            rows: vec![0; SKETCH_DEPTH << SKETCH_WIDTH_BITS],
        }
    }

    /// The counter of each row for the hash `h`.
    #[inline]
    fn cells(h: u64) -> [usize; SKETCH_DEPTH] {
        let (h1, h2) = (h as u32, (h >> 32) as u32 | 1);
        let mask = (1u32 << SKETCH_WIDTH_BITS) - 1;
        std::array::from_fn(|row| {
            let col = h1.wrapping_add((row as u32).wrapping_mul(h2)) & mask;
            (row << SKETCH_WIDTH_BITS) | col as usize
        })
    }

    /// Counts `n` more for the key of hash `h`.
    pub(super) fn add(&mut self, h: u64, n: usize) {
        let cells = Self::cells(h);
        let least = cells.iter().map(|&c| self.rows[c]).min().unwrap_or(0);
        let to = least.saturating_add(n.min(usize::from(u16::MAX)) as u16);
        for c in cells {
            self.rows[c] = self.rows[c].max(to);
        }
    }

    /// At least the count of the key of hash `h`.
    pub(super) fn estimate(&self, h: u64) -> usize {
        let cells = Self::cells(h);
        usize::from(cells.iter().map(|&c| self.rows[c]).min().unwrap_or(0))
    }
}

/// SplitMix64's finalizer: spreads a weak hash's bits over all 64.
#[inline]
pub(super) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
