//! Exfiltration and volume outliers: a host inside sending far more to one outside address
//! than it receives back, than an absolute floor, and than the network's hosts send out in
//! all.
//!
//! Copies between two hosts inside (a backup to a NAS) are never counted: inside is what
//! [`Internal`] says.

use std::net::IpAddr;

use rustc_hash::FxHashMap;

use super::scan::CountSketch;
use super::{keyed_hash, mad, median, ramp, round3, Anomaly, Internal, REPORTED};
use crate::analyze::community_id::CommunityId;
use crate::analyze::flow_record::FlowRecord;

/// Bytes sent to one outside address below which nothing is an upload worth a finding.
pub const FLOOR: u64 = 10_000_000;
/// Pairs held exactly at most before bytes per pair are counted in a sketch and the flows read
/// a second time for the pairs that may reach [`FLOOR`].
const EXACT_BUDGET: usize = 1 << 20;
/// The sketch counts bytes in units of this many (its counters are 16-bit, saturating).
const SKETCH_UNIT: u64 = 1 << 10;

/// What one host sent to and got from one outside address.
#[derive(Debug, Clone, Copy)]
struct Transfer {
    sent: u64,
    received: u64,
    flows: u64,
    first: i64,
    last: i64,
    example: CommunityId,
}

/// Bytes between hosts inside and addresses outside, gathered one flow at a time.
#[derive(Debug)]
pub struct Uploads {
    inside: Internal,
    budget: usize,
    pairs: FxHashMap<(IpAddr, IpAddr), Transfer>,
    sketch: Option<Box<CountSketch>>,
    /// Bytes each host inside sent outside in all.
    sent_out: FxHashMap<IpAddr, u64>,
}

impl Uploads {
    /// Uploads from the hosts `inside`.
    pub fn new(inside: Internal) -> Uploads {
        Uploads {
            inside,
            budget: EXACT_BUDGET,
            pairs: FxHashMap::default(),
            sketch: None,
            sent_out: FxHashMap::default(),
        }
    }

    /// `(host inside, address outside, bytes sent, bytes received)` of `f`, if it crosses.
    fn crossing(&self, f: &FlowRecord) -> Option<(IpAddr, IpAddr, u64, u64)> {
        if self.inside.contains(f.orig_h) && self.inside.is_outside(f.resp_h) {
            Some((f.orig_h, f.resp_h, f.orig_bytes, f.resp_bytes))
        } else if self.inside.contains(f.resp_h) && self.inside.is_outside(f.orig_h) {
            Some((f.resp_h, f.orig_h, f.resp_bytes, f.orig_bytes))
        } else {
            None
        }
    }

    fn pair_hash(pair: (IpAddr, IpAddr)) -> u64 {
        keyed_hash((5u8, pair))
    }

    fn sketch_units(bytes: u64) -> usize {
        bytes.div_ceil(SKETCH_UNIT) as usize
    }

    /// Takes one finished flow into account.
    pub fn add(&mut self, f: &FlowRecord) {
        let Some((host, peer, sent, received)) = self.crossing(f) else {
            return;
        };
        *self.sent_out.entry(host).or_default() += sent;
        if let Some(sketch) = &mut self.sketch {
            sketch.add(Self::pair_hash((host, peer)), Self::sketch_units(sent));
            return;
        }
        self.keep((host, peer), f, sent, received);
        if self.pairs.len() > self.budget {
            let mut sketch = Box::new(CountSketch::new());
            for (pair, t) in self.pairs.drain() {
                sketch.add(Self::pair_hash(pair), Self::sketch_units(t.sent));
            }
            self.pairs.shrink_to_fit();
            self.sketch = Some(sketch);
        }
    }

    fn keep(&mut self, pair: (IpAddr, IpAddr), f: &FlowRecord, sent: u64, received: u64) {
        let end = f.start_ns + f.duration_ns;
        let t = self.pairs.entry(pair).or_insert(Transfer {
            sent: 0,
            received: 0,
            flows: 0,
            first: f.start_ns,
            last: end,
            example: f.community_id,
        });
        t.sent += sent;
        t.received += received;
        t.flows += 1;
        t.first = t.first.min(f.start_ns);
        t.last = t.last.max(end);
    }

    /// Whether [`Uploads::recount`] must see every flow again before the findings.
    pub fn needs_recount(&self) -> bool {
        self.sketch.is_some()
    }

    /// Takes one flow into account a second time, keeping the pairs that may reach the floor.
    pub fn recount(&mut self, f: &FlowRecord) {
        let Some((host, peer, sent, received)) = self.crossing(f) else {
            return;
        };
        let Some(sketch) = &self.sketch else { return };
        let units = sketch.estimate(Self::pair_hash((host, peer)));
        // A saturated counter may hide any number of bytes.
        if units as u64 * SKETCH_UNIT >= FLOOR || units == usize::from(u16::MAX) {
            self.keep((host, peer), f, sent, received);
        }
    }

    /// The findings.
    pub fn findings(self) -> Vec<Anomaly> {
        let mut totals: Vec<f64> = self.sent_out.values().map(|&b| b as f64).collect();
        totals.sort_by(f64::total_cmp);
        let (typical, spread) = (median(&totals), 1.4826 * mad(&totals));
        let mut out = Vec::new();
        for ((host, peer), t) in self.pairs {
            if t.sent < FLOOR {
                continue;
            }
            let size_part = (0.5 + 0.25 * (t.sent as f64 / FLOOR as f64).log2()).min(1.0);
            let outbound_share = t.sent as f64 / (t.sent + t.received).max(1) as f64;
            let asymmetry_part = ramp(outbound_share, 0.5, 0.8);
            // Against every host's total sent outside: robust z, spread at least a megabyte.
            let z = (t.sent as f64 - typical) / spread.max(1e6);
            let peers_part = ramp(z, 3.0, 10.0);
            let score = size_part * asymmetry_part * (0.6 + 0.4 * peers_part);
            if score < REPORTED {
                continue;
            }
            let host_total = self.sent_out.get(&host).copied().unwrap_or(t.sent);
            let seconds = (t.last - t.first) as f64 / 1e9;
            let detail = format!(
                "{host} sent {:.1} MB to {peer} in {} over {} flows and got {:.1} MB back; \
                 hosts inside send {:.1} MB out in all (median)",
                t.sent as f64 / 1e6,
                human_duration(seconds),
                t.flows,
                t.received as f64 / 1e6,
                typical / 1e6,
            );
            out.push(
                Anomaly::new("exfiltration", score, t.sent, detail)
                    .about(host)
                    .with_peer(peer)
                    .between(t.first, t.last)
                    .with("bytes_sent", t.sent)
                    .with("bytes_received", t.received)
                    .with("flows_count", t.flows)
                    .with("seconds", round3(seconds))
                    .with("outbound_share", round3(outbound_share))
                    .with("host_sent_outside", host_total)
                    .with("hosts_sent_outside_median", typical as u64)
                    .with("hosts_sent_outside_mad", round3(spread / 1.4826))
                    .with("robust_z", round3(z))
                    .with("floor", FLOOR)
                    .with("size_score", round3(size_part))
                    .with("asymmetry_score", round3(asymmetry_part))
                    .with("peers_score", round3(peers_part))
                    .with("flows", vec![t.example.as_str().to_string()]),
            );
        }
        out
    }
}

fn human_duration(seconds: f64) -> String {
    if seconds < 120.0 {
        format!("{seconds:.0} s")
    } else if seconds < 7200.0 {
        format!("{:.1} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}
