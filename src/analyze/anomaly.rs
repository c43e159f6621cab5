//! Findings worth a look: port scans, host sweeps, SYN floods, and unusual protocol mixes,
//! derived from the finished flows and totals with fixed, documented thresholds.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

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
    ports_probed: BTreeMap<IpAddr, BTreeSet<u16>>,
    hosts_probed: BTreeMap<(IpAddr, u16), BTreeSet<IpAddr>>,
    pinged: BTreeMap<IpAddr, BTreeSet<IpAddr>>,
    half_open: BTreeMap<IpAddr, usize>,
}

impl Evidence {
    /// Takes one finished flow into account.
    pub fn add(&mut self, f: &FlowRecord) {
        match f.proto {
            ip_proto::TCP if unanswered(f.conn_state) && f.orig_bytes == 0 => {
                self.ports_probed
                    .entry(f.orig_h)
                    .or_default()
                    .insert(f.resp_p);
                self.hosts_probed
                    .entry((f.orig_h, f.resp_p))
                    .or_default()
                    .insert(f.resp_h);
                if f.conn_state == "S0" {
                    *self.half_open.entry(f.resp_h).or_default() += 1;
                }
            }
            ip_proto::ICMP | ip_proto::ICMPV6 if matches!(f.orig_p, 8 | 128) => {
                self.pinged.entry(f.orig_h).or_default().insert(f.resp_h);
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
        for (src, ports) in ports_probed {
            let n = ports.len();
            if n >= PORT_SCAN_PORTS {
                let detail = format!("{src} tried {n} ports without completing a connection");
                about("port_scan", "high", src, n, detail);
            }
        }
        for ((src, port), hosts) in hosts_probed {
            let n = hosts.len();
            if n >= SWEEP_HOSTS {
                let detail = format!("{src} probed TCP port {port} on {n} hosts");
                about("host_sweep", "high", src, n, detail);
            }
        }
        for (src, hosts) in pinged {
            let n = hosts.len();
            if n >= SWEEP_HOSTS {
                let detail = format!("{src} sent echo requests to {n} hosts");
                about("ping_sweep", "medium", src, n, detail);
            }
        }
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
