//! Findings worth a look: port scans, host sweeps, SYN floods, and unusual protocol mixes,
//! derived from the finished flows and totals with fixed, documented thresholds.

use std::net::IpAddr;

use rustc_hash::FxHashMap;

use serde::Serialize;

use super::aggregate::Aggregate;
use super::flow_record::FlowRecord;
use crate::decode::{ip_proto, Proto};

/// Distinct ports one source probed without an established connection before it is a port scan.
pub const PORT_SCAN_PORTS: usize = 50;
/// Distinct hosts one source probed on one port (or pinged) before it is a sweep.
pub const SWEEP_HOSTS: usize = 50;
/// Half-open connections to one destination before it is a SYN flood.
pub const SYN_FLOOD_HALF_OPEN: usize = 500;
/// Share of IP frames that are ICMP/ICMPv6 above which the mix is flagged.
pub const ICMP_SHARE: f64 = 0.2;
/// Share of frames decoded only partly above which the capture is flagged.
pub const UNDECODED_SHARE: f64 = 0.05;

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Anomaly {
    /// `port_scan`, `host_sweep`, `ping_sweep`, `syn_flood`, `icmp_heavy`, `malformed_frames`,
    /// `service_on_unusual_port` (from the application layer).
    pub kind: &'static str,
    /// `high`, `medium` or `low`.
    pub severity: &'static str,
    /// The address the finding is about (null for capture-wide findings).
    pub subject: Option<IpAddr>,
    /// How many ports, hosts, connections or frames.
    pub count: u64,
    /// One sentence for a person.
    pub detail: String,
}

/// Connection states in which the responder never completed a handshake.
fn unanswered(state: &str) -> bool {
    matches!(state, "S0" | "REJ" | "RSTOS0" | "RSTR" | "SH" | "OTH")
}

/// What the flows seen so far show, gathered one flow at a time.
#[derive(Debug, Default)]
pub struct Evidence {
    ports_probed: DistinctPairs<IpAddr, u16>,
    hosts_probed: DistinctPairs<(IpAddr, u16), IpAddr>,
    pinged: DistinctPairs<IpAddr, IpAddr>,
    half_open: FxHashMap<IpAddr, usize>,
}

impl Evidence {
    /// Takes one finished flow into account.
    pub fn add(&mut self, f: &FlowRecord) {
        match f.proto {
            ip_proto::TCP if unanswered(f.conn_state) && f.orig_bytes == 0 => {
                self.ports_probed.insert(f.orig_h, f.resp_p);
                self.hosts_probed.insert((f.orig_h, f.resp_p), f.resp_h);
                if f.conn_state == "S0" {
                    *self.half_open.entry(f.resp_h).or_default() += 1;
                }
            }
            ip_proto::ICMP | ip_proto::ICMPV6 if matches!(f.orig_p, 8 | 128) => {
                self.pinged.insert(f.orig_h, f.resp_h);
            }
            _ => {}
        }
    }

    /// The findings for the flows added and the run's totals, most severe first.
    pub fn findings(self, total: &Aggregate) -> Vec<Anomaly> {
        let Evidence {
            ports_probed,
            hosts_probed,
            pinged,
            half_open,
        } = self;
        let mut out = Vec::new();
        let mut about = |kind, severity, subject, count: usize, detail| {
            out.push(Anomaly {
                kind,
                severity,
                subject: Some(subject),
                count: count as u64,
                detail,
            })
        };
        for (src, n) in ports_probed.counts() {
            if n >= PORT_SCAN_PORTS {
                let detail = format!("{src} tried {n} ports without completing a connection");
                about("port_scan", "high", src, n, detail);
            }
        }
        for ((src, port), n) in hosts_probed.counts() {
            if n >= SWEEP_HOSTS {
                let detail = format!("{src} probed TCP port {port} on {n} hosts");
                about("host_sweep", "high", src, n, detail);
            }
        }
        for (src, n) in pinged.counts() {
            if n >= SWEEP_HOSTS {
                let detail = format!("{src} sent echo requests to {n} hosts");
                about("ping_sweep", "medium", src, n, detail);
            }
        }
        let mut half_open: Vec<(IpAddr, usize)> = half_open.into_iter().collect();
        half_open.sort_unstable();
        for (dst, n) in half_open {
            if n >= SYN_FLOOD_HALF_OPEN {
                let detail =
                    format!("{dst} received {n} connection attempts that were never answered");
                about("syn_flood", "high", dst, n, detail);
            }
        }
        let ip_frames = total.frames_with(Proto::Ip) + total.frames_with(Proto::Ipv6);
        let icmp_frames = total.frames_with(Proto::Icmp) + total.frames_with(Proto::Icmpv6);
        if ip_frames >= 1000 && icmp_frames as f64 > ICMP_SHARE * ip_frames as f64 {
            out.push(Anomaly {
                kind: "icmp_heavy",
                severity: "medium",
                subject: None,
                count: icmp_frames,
                detail: format!(
                    "{:.1}% of IP frames are ICMP/ICMPv6 (more than {:.0}%)",
                    icmp_frames as f64 * 100.0 / ip_frames as f64,
                    ICMP_SHARE * 100.0
                ),
            });
        }
        let undecoded: u64 = total.stops.iter().sum();
        if total.packets >= 100 && undecoded as f64 > UNDECODED_SHARE * total.packets as f64 {
            out.push(Anomaly {
                kind: "malformed_frames",
                severity: "low",
                subject: None,
                count: undecoded,
                detail: format!(
                    "{undecoded} of {} frames are cut short or malformed at some layer",
                    total.packets
                ),
            });
        }
        let rank = |s: &str| match s {
            "high" => 0,
            "medium" => 1,
            _ => 2,
        };
        out.sort_by(|a, b| {
            rank(a.severity)
                .cmp(&rank(b.severity))
                .then(b.count.cmp(&a.count))
        });
        out
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
        assert_eq!(d.counts(), vec![(0, 7), (1, 7), (2, 7), (9, 1)]);
    }

    /// The findings for a run, most severe first.
    fn find(total: &Aggregate, flows: &[FlowRecord]) -> Vec<Anomaly> {
        let mut evidence = Evidence::default();
        for f in flows {
            evidence.add(f);
        }
        evidence.findings(total)
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
#[derive(Debug)]
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

    /// Each key with its number of distinct values, in key order.
    fn counts(mut self) -> Vec<(K, usize)> {
        self.dedup();
        let mut out: Vec<(K, usize)> = Vec::new();
        for (k, _) in self.pairs {
            match out.last_mut() {
                Some((last, n)) if *last == k => *n += 1,
                _ => out.push((k, 1)),
            }
        }
        out
    }
}
