//! Findings worth a look, each with a score in 0..1, a severity, its time window, the numbers
//! behind it and a sentence for a person:
//! - [`scan`]: port scans, host and ping sweeps, SYN floods, unusual protocol mixes;
//! - [`beacon`]: a client calling a server at a steady rhythm (RITA's beacon scores);
//! - [`dns_tunnel`]: many long, random names under one domain from one client;
//! - [`exfil`]: a host sending far more to one outside address than it and its peers do.
//!
//! Which addresses are inside is [`Internal`]'s to say.

pub mod beacon;
pub mod dns_tunnel;
pub mod exfil;
mod internal;
pub mod scan;

use std::net::IpAddr;

use serde::{Serialize, Serializer};

pub use internal::{Internal, Net};
pub use scan::Evidence;

/// A score at or above which a finding is `high`.
pub const HIGH: f64 = 0.8;
/// A score at or above which a finding is `medium` (below it, `low`).
pub const MEDIUM: f64 = 0.6;
/// The least score a detector reports.
pub const REPORTED: f64 = 0.4;

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Anomaly {
    /// `port_scan`, `host_sweep`, `ping_sweep`, `syn_flood`, `beacon`, `dns_tunnel`,
    /// `exfiltration`, `icmp_heavy`, `malformed_frames`, `service_on_unusual_port`.
    pub kind: &'static str,
    /// `high`, `medium` or `low`, from the score ([`HIGH`], [`MEDIUM`]).
    pub severity: &'static str,
    /// How sure, 0..1.
    pub score: f64,
    /// The first evidence's time (null when the finding is about no time in particular).
    #[serde(serialize_with = "rfc3339")]
    pub start: Option<i64>,
    /// The last evidence's time.
    #[serde(serialize_with = "rfc3339")]
    pub end: Option<i64>,
    /// The address the finding is about (null for capture-wide findings).
    pub subject: Option<IpAddr>,
    /// The other side: an address or a domain, when there is one.
    pub peer: Option<String>,
    /// How many ports, hosts, connections, queries, bytes or frames.
    pub count: u64,
    /// The numbers behind it: the features, their observed values, the expected bands, the
    /// score's parts, and Community IDs of flows that show it.
    pub evidence: serde_json::Map<String, serde_json::Value>,
    /// One sentence for a person.
    pub detail: String,
}

impl Anomaly {
    /// A finding of `kind` with `score` (its severity follows), about no time or peer yet.
    pub fn new(kind: &'static str, score: f64, count: u64, detail: String) -> Anomaly {
        let score = (score.clamp(0.0, 1.0) * 1000.0).round() / 1000.0;
        Anomaly {
            kind,
            severity: severity(score),
            score,
            start: None,
            end: None,
            subject: None,
            peer: None,
            count,
            evidence: serde_json::Map::new(),
            detail,
        }
    }

    /// The finding about `subject`.
    pub fn about(mut self, subject: IpAddr) -> Anomaly {
        self.subject = Some(subject);
        self
    }

    /// The finding with `peer` on the other side.
    pub fn with_peer(mut self, peer: impl ToString) -> Anomaly {
        self.peer = Some(peer.to_string());
        self
    }

    /// The finding between `start` and `end` (ns).
    pub fn between(mut self, start: i64, end: i64) -> Anomaly {
        self.start = Some(start);
        self.end = Some(end);
        self
    }

    /// The finding with `value` in its evidence as `name`.
    pub fn with(mut self, name: &str, value: impl Into<serde_json::Value>) -> Anomaly {
        self.evidence.insert(name.to_string(), value.into());
        self
    }
}

/// The severity of a score.
pub fn severity(score: f64) -> &'static str {
    if score >= HIGH {
        "high"
    } else if score >= MEDIUM {
        "medium"
    } else {
        "low"
    }
}

/// Most severe first: by score, then kind, subject and peer, so the order never depends on
/// the order the detectors ran in.
pub fn rank(findings: &mut [Anomaly]) {
    findings.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.count.cmp(&a.count))
            .then(a.kind.cmp(b.kind))
            .then(a.subject.cmp(&b.subject))
            .then(a.peer.cmp(&b.peer))
    });
}

fn rfc3339<S: Serializer>(ts: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match ts {
        Some(ns) => s.serialize_str(&crate::text::time::rfc3339_ns(*ns)),
        None => s.serialize_none(),
    }
}

/// How far `x` is from `lo` towards `hi`, 0..1.
pub(crate) fn ramp(x: f64, lo: f64, hi: f64) -> f64 {
    ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
}

/// How much a finding about a host and a peer is lowered because `users` of the capture's
/// `population` hosts use the same peer: one or two are one host's business; from three,
/// the larger their share, the less the behaviour says (twice the share, at most 0.5).
pub(crate) fn popularity_penalty(users: usize, population: usize) -> f64 {
    if users >= 3 {
        (2.0 * users as f64 / population.max(1) as f64).min(0.5)
    } else {
        0.0
    }
}

/// A hash of `key` with every bit spread: for the detectors' sketches and key tables.
pub(crate) fn keyed_hash(key: impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    key.hash(&mut h);
    scan::mix64(h.finish())
}

/// A number rounded to three decimals, as the evidence shows it.
pub(crate) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The median of sorted `values` (0 for none).
pub(crate) fn median(sorted: &[f64]) -> f64 {
    quantile(sorted, 0.5)
}

/// The `q` quantile of sorted `values` by linear interpolation between the closest ranks
/// (0 for none).
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
            sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
        }
    }
}

/// The median absolute deviation from the median of sorted `values`.
pub(crate) fn mad(sorted: &[f64]) -> f64 {
    let m = median(sorted);
    let mut dev: Vec<f64> = sorted.iter().map(|v| (v - m).abs()).collect();
    dev.sort_by(f64::total_cmp);
    median(&dev)
}

/// Every detector that reads the flows, fed one flow at a time in table order.
#[derive(Debug)]
pub struct Hunt {
    scans: Evidence,
    beacons: beacon::Beacons,
    uploads: exfil::Uploads,
}

impl Hunt {
    /// Detectors for a network whose inside is `inside`.
    pub fn new(inside: &Internal) -> Hunt {
        Hunt {
            scans: Evidence::default(),
            beacons: beacon::Beacons::new(inside.clone()),
            uploads: exfil::Uploads::new(inside.clone()),
        }
    }

    /// Takes one finished flow into account.
    pub fn add(&mut self, f: &crate::analyze::FlowRecord) {
        self.scans.add(f);
        self.beacons.add(f);
        self.uploads.add(f);
    }

    /// Whether [`Hunt::recount`] must see every flow again: some detector outgrew its memory
    /// and counted in a sketch.
    pub fn needs_recount(&self) -> bool {
        self.scans.needs_recount() || self.beacons.needs_recount() || self.uploads.needs_recount()
    }

    /// Takes one flow into account a second time; call for every flow after every
    /// [`Hunt::add`].
    pub fn recount(&mut self, f: &crate::analyze::FlowRecord) {
        self.scans.recount(f);
        self.beacons.recount(f);
        self.uploads.recount(f);
    }

    /// The findings, and the spans of the scan findings still to gather from the flows.
    pub fn findings(self, total: &crate::analyze::Aggregate) -> (Vec<Anomaly>, scan::ScanSpans) {
        let mut out = self.scans.findings(total);
        let spans = scan::ScanSpans::of(&out);
        let (first, last) = (total.min_ts.unwrap_or(0), total.max_ts.unwrap_or(0));
        out.extend(self.beacons.findings(first, last));
        out.extend(self.uploads.findings());
        (out, spans)
    }
}
