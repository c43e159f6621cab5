//! Beacons: a host inside calling the same outside address at a steady rhythm with steady
//! sizes, as implants poll their controllers.
//!
//! Scored as RITA scores them (activecm/rita, `analysis/beacons.go`): four parts of equal
//! weight, each 0..1:
//! - timestamps: Bowley's skew and the median absolute deviation of the gaps between
//!   connections (in whole seconds, as RITA counts them);
//! - data sizes: the same two of the connections' sizes;
//! - histogram: the connections counted in 24 bins over the capture; flat (little variation)
//!   or two-level (a beacon that alternates) scores high;
//! - duration: how much of the capture the connections span, or the longest run of bins
//!   with a connection against 12.
//!
//! RITA reads a day in hourly bins; here the 24 bins divide the capture, whatever its length.
//! Then the score is lowered for servers many of the network's hosts call regularly (update
//! servers, telemetry, a CDN): periodic by design and not one host's secret. Protocols that poll by
//! design (DNS, NTP, DHCP, name services, SNMP, syslog) are not counted at all; DNS has its
//! own detector.

use std::net::IpAddr;

use rustc_hash::{FxHashMap, FxHashSet};

use super::scan::CountSketch;
use super::{
    keyed_hash, mad, median, popularity_penalty, quantile, round3, Anomaly, Internal, REPORTED,
};
use crate::analyze::app::Service;
use crate::analyze::community_id::CommunityId;
use crate::analyze::flow_record::FlowRecord;
use crate::decode::ip_proto;

/// Connections between one pair before its rhythm is scored.
pub const MIN_CONNECTIONS: usize = 6;
/// The score below which the pair's RITA score is no finding at all (the finding's score
/// counts from here to 1).
pub const RITA_FLOOR: f64 = 0.7;
/// Connections held in memory at most before pairs are counted in a sketch and the flows read
/// a second time for the pairs that have enough.
const EXACT_BUDGET: usize = 1 << 21;

/// Histogram bins over the capture (RITA's 24 hours).
const BINS: usize = 24;
/// RITA's defaults: the frequency histogram's bin as a share of the tallest bar, the bars the
/// bimodal fit may leave out, the bars it needs, the bars the duration score needs and the
/// ideal run of consecutive bars.
const MODE_SENSITIVITY: f64 = 0.05;
const BIMODAL_OUTLIERS: usize = 1;
const BIMODAL_MIN_BARS: usize = 11;
const DURATION_MIN_BARS: usize = 6;
const IDEAL_RUN: usize = 12;

/// One pair's connections.
#[derive(Debug, Default)]
struct Series {
    /// Start (ns) and IP bytes both ways of each connection.
    conns: Vec<(i64, u64)>,
    example: CommunityId,
}

/// The connections of every inside-to-outside pair, gathered one flow at a time.
#[derive(Debug)]
pub struct Beacons {
    inside: Internal,
    budget: usize,
    stored: usize,
    series: FxHashMap<(IpAddr, IpAddr), Series>,
    /// Pairs counted once the connections outgrew the budget.
    sketch: Option<Box<CountSketch>>,
    /// The inside hosts that called out.
    clients: FxHashSet<IpAddr>,
}

impl Beacons {
    /// Beacons from the hosts `inside` calls out.
    pub fn new(inside: Internal) -> Beacons {
        Beacons {
            inside,
            budget: EXACT_BUDGET,
            stored: 0,
            series: FxHashMap::default(),
            sketch: None,
            clients: FxHashSet::default(),
        }
    }

    /// The pair `f` counts for, if any.
    fn pair(&self, f: &FlowRecord) -> Option<(IpAddr, IpAddr)> {
        let polls_by_design = [
            Service::Dns,
            Service::Ntp,
            Service::Dhcp,
            Service::Dhcpv6,
            Service::Mdns,
            Service::Llmnr,
            Service::Netbios,
            Service::Ssdp,
            Service::Snmp,
            Service::Syslog,
        ];
        let counted = matches!(f.proto, ip_proto::TCP | ip_proto::UDP)
            && self.inside.contains(f.orig_h)
            && self.inside.is_outside(f.resp_h)
            && !polls_by_design.iter().any(|&s| f.services.contains(s));
        counted.then_some((f.orig_h, f.resp_h))
    }

    fn pair_hash(pair: (IpAddr, IpAddr)) -> u64 {
        keyed_hash((4u8, pair))
    }

    /// Takes one finished flow into account.
    pub fn add(&mut self, f: &FlowRecord) {
        let Some(pair) = self.pair(f) else { return };
        self.clients.insert(pair.0);
        if let Some(sketch) = &mut self.sketch {
            sketch.add(Self::pair_hash(pair), 1);
            return;
        }
        self.keep(pair, f);
        if self.stored > self.budget {
            let mut sketch = Box::new(CountSketch::new());
            for (pair, s) in self.series.drain() {
                sketch.add(Self::pair_hash(pair), s.conns.len());
            }
            self.series.shrink_to_fit();
            self.stored = 0;
            self.sketch = Some(sketch);
        }
    }

    fn keep(&mut self, pair: (IpAddr, IpAddr), f: &FlowRecord) {
        let s = self.series.entry(pair).or_insert_with(|| Series {
            conns: Vec::new(),
            example: f.community_id,
        });
        s.conns
            .push((f.start_ns, f.orig_ip_bytes + f.resp_ip_bytes));
        self.stored += 1;
    }

    /// Whether [`Beacons::recount`] must see every flow again before the findings.
    pub fn needs_recount(&self) -> bool {
        self.sketch.is_some()
    }

    /// Takes one flow into account a second time, keeping the pairs that may have enough
    /// connections. Call for every flow, after every flow went through [`Beacons::add`].
    pub fn recount(&mut self, f: &FlowRecord) {
        let Some(pair) = self.pair(f) else { return };
        let Some(sketch) = &self.sketch else { return };
        if sketch.estimate(Self::pair_hash(pair)) >= MIN_CONNECTIONS {
            self.keep(pair, f);
        }
    }

    /// The findings, for a capture from `first` to `last` (ns).
    pub fn findings(self, first: i64, last: i64) -> Vec<Anomaly> {
        // The clients that call each server regularly (enough times to be scored).
        let mut callers_of: FxHashMap<IpAddr, usize> = FxHashMap::default();
        for ((_, server), s) in &self.series {
            if s.conns.len() >= MIN_CONNECTIONS {
                *callers_of.entry(*server).or_default() += 1;
            }
        }
        let clients = self.clients.len();
        let span = Span::of(first, last);
        let mut out = Vec::new();
        for ((client, server), s) in self.series {
            if s.conns.len() < MIN_CONNECTIONS {
                continue;
            }
            let Some(rhythm) = Rhythm::of(&s.conns, span) else {
                continue;
            };
            let callers = callers_of.get(&server).copied().unwrap_or(1);
            let popularity = popularity_penalty(callers, clients);
            let adjusted = rhythm.score - popularity;
            let score = (adjusted - RITA_FLOOR) / (1.0 - RITA_FLOOR);
            if score < REPORTED {
                continue;
            }
            let n = s.conns.len();
            let detail = format!(
                "{client} contacted {server} {n} times, every {:.1} s ± {:.1} s, {} bytes each time",
                rhythm.gap_median, rhythm.gap_mad, rhythm.size_median as u64
            );
            let start = s.conns.iter().map(|c| c.0).min().unwrap_or(first);
            let end = s.conns.iter().map(|c| c.0).max().unwrap_or(last);
            out.push(
                Anomaly::new("beacon", score, n as u64, detail)
                    .about(client)
                    .with_peer(server)
                    .between(start, end)
                    .with("connections", n)
                    .with("interval_median_s", round3(rhythm.gap_median))
                    .with("interval_mad_s", round3(rhythm.gap_mad))
                    .with("interval_skew", round3(rhythm.gap_skew))
                    .with("bytes_median", rhythm.size_median)
                    .with("bytes_mad", rhythm.size_mad)
                    .with("timestamp_score", round3(rhythm.ts))
                    .with("size_score", round3(rhythm.ds))
                    .with("histogram_score", round3(rhythm.hist))
                    .with("duration_score", round3(rhythm.dur))
                    .with("rita_score", round3(rhythm.score))
                    .with("clients_of_server", callers)
                    .with("popularity_penalty", round3(popularity))
                    .with("flows", vec![s.example.as_str().to_string()]),
            );
        }
        out
    }
}

/// The capture's span in whole seconds, as RITA's timestamps are.
#[derive(Debug, Clone, Copy)]
struct Span {
    first: i64,
    last: i64,
}

impl Span {
    fn of(first_ns: i64, last_ns: i64) -> Span {
        Span {
            first: first_ns.div_euclid(1_000_000_000),
            last: last_ns.div_euclid(1_000_000_000),
        }
    }
}

/// RITA's scores of one pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rhythm {
    /// The four parts' mean.
    pub score: f64,
    /// Timestamp, data size, histogram and duration scores.
    pub ts: f64,
    /// Data size score.
    pub ds: f64,
    /// Histogram score.
    pub hist: f64,
    /// Duration score.
    pub dur: f64,
    gap_median: f64,
    gap_mad: f64,
    gap_skew: f64,
    size_median: f64,
    size_mad: f64,
}

impl Rhythm {
    /// The scores of connections `conns` (start ns, bytes) in a capture spanning `span`; none
    /// when there are fewer than three gaps of a second or more.
    fn of(conns: &[(i64, u64)], span: Span) -> Option<Rhythm> {
        let mut ts: Vec<i64> = conns
            .iter()
            .map(|c| c.0.div_euclid(1_000_000_000))
            .collect();
        ts.sort_unstable();
        let mut gaps: Vec<f64> = ts
            .windows(2)
            .map(|w| (w[1] - w[0]) as f64)
            .filter(|&g| g > 0.0)
            .collect();
        if gaps.len() < 3 || span.last <= span.first {
            return None;
        }
        gaps.sort_by(f64::total_cmp);
        let mut sizes: Vec<f64> = conns.iter().map(|c| c.1 as f64).collect();
        sizes.sort_by(f64::total_cmp);
        let (ts_score, gap_skew) = statistical_score(&gaps, 1.0);
        let (ds_score, _) = statistical_score(&sizes, 0.0);
        let bars = histogram(&ts, span);
        let (total_bars, longest_run) = bar_counts(&bars);
        let hist = cv_score(&bars).max(bimodal_score(&bars, total_bars));
        let dur = duration_score(span, ts[0], ts[ts.len() - 1], total_bars, longest_run);
        let score = round3((ts_score + ds_score + hist + dur) / 4.0);
        Some(Rhythm {
            score,
            ts: ts_score,
            ds: ds_score,
            hist,
            dur,
            gap_median: median(&gaps),
            gap_mad: mad(&gaps),
            gap_skew,
            size_median: median(&sizes),
            size_mad: mad(&sizes),
        })
    }
}

/// The mean of the skew score and the dispersion score of sorted `values`, and the skew.
fn statistical_score(values: &[f64], default_mad_score: f64) -> (f64, f64) {
    let (q1, q2, q3) = quartiles(values);
    let den = q3 - q1;
    let skew = if den >= 10.0 && q2 != q1 && q2 != q3 {
        (q1 + q3 - 2.0 * q2) / den
    } else {
        0.0
    };
    let skew_score = 1.0 - skew.abs();
    let m = median(values);
    let mut mad_score = if m >= 1.0 {
        (m - mad(values)) / m
    } else {
        default_mad_score
    };
    if mad_score.is_nan() || mad_score < 0.0 {
        mad_score = 0.0;
    }
    (round3((skew_score + mad_score) / 2.0), skew)
}

/// Quartiles as RITA's statistics library takes them: the medians of the lower and upper
/// halves, the middle value left out of both when the count is odd.
fn quartiles(sorted: &[f64]) -> (f64, f64, f64) {
    let n = sorted.len();
    let half = n / 2;
    let (lower, upper) = if n.is_multiple_of(2) {
        (&sorted[..half], &sorted[half..])
    } else {
        (&sorted[..half], &sorted[half + 1..])
    };
    (
        quantile(lower, 0.5),
        quantile(sorted, 0.5),
        quantile(upper, 0.5),
    )
}

/// The connections per bin over the capture.
fn histogram(ts: &[i64], span: Span) -> [u32; BINS] {
    let width = (span.last - span.first) as f64 / BINS as f64;
    let mut bars = [0u32; BINS];
    for &t in ts {
        let bin = ((t - span.first) as f64 / width).floor();
        bars[(bin.max(0.0) as usize).min(BINS - 1)] += 1;
    }
    bars
}

/// Bars with a connection, and the longest run of them (wrapping from the end to the start).
fn bar_counts(bars: &[u32; BINS]) -> (usize, usize) {
    let total = bars.iter().filter(|&&b| b > 0).count();
    let (mut longest, mut run) = (0, 0);
    for i in 0..2 * BINS {
        if bars[i % BINS] > 0 {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    (total, longest.min(BINS))
}

/// 1 less the coefficient of variation of the bars (0 when it is above 1).
fn cv_score(bars: &[u32; BINS]) -> f64 {
    let total: u32 = bars.iter().sum();
    if total == 0 {
        return 0.0;
    }
    let mean = f64::from(total) / BINS as f64;
    let var = bars
        .iter()
        .map(|&b| (f64::from(b) - mean).powi(2))
        .sum::<f64>()
        / BINS as f64;
    let cv = var.sqrt() / mean;
    if cv > 1.0 {
        0.0
    } else {
        round3(1.0 - cv)
    }
}

/// The share of bars whose heights fall in the two commonest height bins, once enough bars
/// are there to tell.
fn bimodal_score(bars: &[u32; BINS], total_bars: usize) -> f64 {
    if total_bars < BIMODAL_MIN_BARS {
        return 0.0;
    }
    let tallest = bars.iter().copied().max().unwrap_or(0);
    let bin = (f64::from(tallest) * MODE_SENSITIVITY).ceil().max(1.0);
    let mut heights: FxHashMap<u64, usize> = FxHashMap::default();
    for &b in bars.iter().filter(|&&b| b > 0) {
        *heights
            .entry((f64::from(b) / bin).floor() as u64)
            .or_default() += 1;
    }
    let mut counts: Vec<usize> = heights.into_values().collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    let top_two = counts.iter().take(2).sum::<usize>();
    let kept = total_bars.saturating_sub(BIMODAL_OUTLIERS).max(1);
    round3((top_two as f64 / kept as f64).min(1.0))
}

/// The larger of the capture's coverage and the longest run of bars against the ideal,
/// once enough bars are there.
fn duration_score(span: Span, first: i64, last: i64, total_bars: usize, run: usize) -> f64 {
    if total_bars < DURATION_MIN_BARS || last <= first {
        return 0.0;
    }
    let ceil3 = |x: f64| ((x * 1000.0).ceil() / 1000.0).min(1.0);
    let coverage = ceil3((last - first) as f64 / (span.last - span.first) as f64);
    let consistency = ceil3(run as f64 / IDEAL_RUN as f64);
    coverage.max(consistency)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    fn score(conns: &[(i64, u64)], first: i64, last: i64) -> Rhythm {
        Rhythm::of(conns, Span::of(first, last)).expect("enough gaps")
    }

    #[test]
    fn a_steady_rhythm_scores_near_one_and_a_random_one_does_not() {
        let steady: Vec<(i64, u64)> = (0..60).map(|i| (i * 60 * S, 512)).collect();
        let r = score(&steady, 0, 3600 * S);
        assert_eq!((r.ts, r.ds), (1.0, 1.0));
        assert!(r.score >= 0.95, "{r:?}");
        // Bursts of visits with long quiet gaps, of any size: a person browsing.
        let mut rng = crate::samples::Rng::new(7);
        let mut t = 0;
        let browsing: Vec<(i64, u64)> = (0..60)
            .map(|_| {
                t += if rng.chance(0.7) {
                    rng.range(1, 20)
                } else {
                    rng.range(100, 900)
                } as i64
                    * S;
                (t, rng.range(500, 200_000))
            })
            .collect();
        let r = score(&browsing, 0, t);
        assert!(r.score < RITA_FLOOR, "{r:?}");
    }

    #[test]
    fn quartiles_leave_the_middle_value_out_when_the_count_is_odd() {
        assert_eq!(quartiles(&[1.0, 2.0, 3.0, 4.0, 5.0]), (1.5, 3.0, 4.5));
        assert_eq!(quartiles(&[1.0, 2.0, 3.0, 4.0]), (1.5, 2.5, 3.5));
    }

    #[test]
    fn skew_needs_a_spread_of_ten_seconds() {
        // Q1 = 1.5, Q2 = 2, Q3 = 8: skewed, but the spread is under ten.
        let (score, skew) = statistical_score(&[1.0, 2.0, 2.0, 2.0, 7.0, 9.0], 1.0);
        assert_eq!(skew, 0.0);
        assert!(score > 0.5);
    }

    #[test]
    fn an_alternating_beacon_fits_two_levels() {
        let mut bars = [0u32; BINS];
        for (i, b) in bars.iter_mut().enumerate() {
            *b = if i % 2 == 0 { 10 } else { 30 };
        }
        assert_eq!(bimodal_score(&bars, BINS), 1.0);
        assert!(cv_score(&bars) < 0.6);
    }
}
