//! The application layer in the summary: traffic per service and per server port (from the
//! flows), and the names clients asked for (from the logs: DNS queries, TLS and QUIC server
//! names, HTTP hosts and user agents).

use std::collections::BTreeMap;
use std::io;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::analyze::app::logs::{dns, http, quic, tls};
use crate::analyze::app::{Cell, Log, LogRow, Service, Services};
use crate::analyze::FlowRecord;
use crate::decode::ip_proto;
use crate::store::SortedRows;

/// Distinct names counted at most per list; names first seen beyond it are counted in
/// `untracked` only.
pub const MAX_NAMES: usize = 1 << 20;

/// Traffic of one service.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ServiceCount {
    /// Flows found to speak it.
    pub flows: u64,
    /// Their packets, both directions.
    pub packets: u64,
    /// Their bytes on the wire.
    pub bytes: u64,
}

/// Traffic to one server (responder) port.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ServerPort {
    /// "tcp", "udp" or "sctp".
    pub protocol: &'static str,
    /// The responder's port.
    pub port: u16,
    /// The services found on it, comma-joined (`-` for none).
    pub service: String,
    /// Flows to it.
    pub flows: u64,
    /// Their packets, both directions.
    pub packets: u64,
    /// Their bytes on the wire.
    pub bytes: u64,
}

/// A service found on a port it is not known on: worth a look (ssh on 443, http on 4444).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UnusualPort {
    /// The service.
    pub service: &'static str,
    /// "tcp" or "udp".
    pub protocol: &'static str,
    /// The responder's port.
    pub port: u16,
    /// Flows.
    pub flows: u64,
    /// The first such flow's Community ID.
    pub example: String,
}

impl UnusualPort {
    /// The finding it makes in the summary's anomalies.
    pub fn finding(&self) -> crate::analyze::Anomaly {
        let flows = if self.flows == 1 { "flow" } else { "flows" };
        let detail = format!(
            "{} on {}/{}, a port it is not known on, in {} {flows} (first: {})",
            self.service, self.protocol, self.port, self.flows, self.example
        );
        crate::analyze::Anomaly::new("service_on_unusual_port", 0.6, self.flows, detail)
            .with("service", self.service)
            .with("protocol", self.protocol)
            .with("port", self.port)
            .with("flows", vec![self.example.clone()])
    }
}

/// A name and how often it was seen.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NameCount {
    /// The name.
    pub name: String,
    /// Times seen.
    pub count: u64,
}

/// DNS in numbers.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct DnsSummary {
    /// Rows of dns.csv: queries, and responses whose query was not seen.
    pub transactions: u64,
    /// Transactions with a query.
    pub queries: u64,
    /// Transactions with a response.
    pub responses: u64,
    /// Queries never answered.
    pub unanswered: u64,
    /// Responses by rcode name (the number when it has none).
    pub rcodes: BTreeMap<String, u64>,
}

/// Services and ports, tallied over every flow.
#[derive(Debug, Default)]
pub struct ServiceTally {
    services: BTreeMap<Service, ServiceCount>,
    ports: FxHashMap<(u8, u16), (ServiceCount, Services)>,
    unusual: BTreeMap<(Service, u8, u16), (u64, String)>,
}

impl ServiceTally {
    /// Counts one flow.
    pub fn add(&mut self, f: &FlowRecord) {
        let packets = f.orig_pkts + f.resp_pkts;
        for s in f.services.iter() {
            let c = self.services.entry(s).or_default();
            c.flows += 1;
            c.packets += packets;
            c.bytes += f.frame_bytes;
            if !s.usual_ports().contains(&f.resp_p)
                && matches!(f.proto, ip_proto::TCP | ip_proto::UDP)
            {
                let u = self
                    .unusual
                    .entry((s, f.proto, f.resp_p))
                    .or_insert_with(|| (0, f.community_id.to_string()));
                u.0 += 1;
            }
        }
        if matches!(f.proto, ip_proto::TCP | ip_proto::UDP | ip_proto::SCTP) {
            let (c, services) = self.ports.entry((f.proto, f.resp_p)).or_default();
            c.flows += 1;
            c.packets += packets;
            c.bytes += f.frame_bytes;
            *services = services.union(f.services);
        }
    }

    /// Traffic per service, by name.
    pub fn services(&self) -> BTreeMap<&'static str, ServiceCount> {
        self.services
            .iter()
            .map(|(s, c)| (s.name(), c.clone()))
            .collect()
    }

    /// Server ports by bytes, the most first.
    pub fn server_ports(&self) -> Vec<ServerPort> {
        let mut out: Vec<ServerPort> = self
            .ports
            .iter()
            .map(|(&(proto, port), (c, services))| ServerPort {
                protocol: ip_proto::name(proto).unwrap_or("other"),
                port,
                service: services.to_string(),
                flows: c.flows,
                packets: c.packets,
                bytes: c.bytes,
            })
            .collect();
        out.sort_by(|a, b| {
            b.bytes
                .cmp(&a.bytes)
                .then_with(|| (a.protocol, a.port).cmp(&(b.protocol, b.port)))
        });
        out
    }

    /// Services on ports they are not known on, the most flows first.
    pub fn unusual_ports(&self) -> Vec<UnusualPort> {
        let mut out: Vec<UnusualPort> = self
            .unusual
            .iter()
            .map(|(&(s, proto, port), (flows, example))| UnusualPort {
                service: s.name(),
                protocol: ip_proto::name(proto).unwrap_or("other"),
                port,
                flows: *flows,
                example: example.clone(),
            })
            .collect();
        out.sort_by(|a, b| {
            b.flows
                .cmp(&a.flows)
                .then_with(|| (a.service, a.port).cmp(&(b.service, b.port)))
        });
        out
    }
}

/// Names counted, bounded.
#[derive(Debug, Default)]
struct NameTally {
    counts: FxHashMap<String, u64>,
    untracked: u64,
}

impl NameTally {
    fn add(&mut self, name: &str) {
        if let Some(n) = self.counts.get_mut(name) {
            *n += 1;
        } else if self.counts.len() < MAX_NAMES {
            self.counts.insert(name.to_string(), 1);
        } else {
            self.untracked += 1;
        }
    }

    fn top(&self, n: usize) -> Vec<NameCount> {
        let mut all: Vec<(&String, &u64)> = self.counts.iter().collect();
        all.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        all.into_iter()
            .take(n)
            .map(|(name, &count)| NameCount {
                name: name.clone(),
                count,
            })
            .collect()
    }
}

/// What the summary shows of the logs.
#[derive(Debug, Default)]
pub struct LogDigest {
    /// DNS in numbers.
    pub dns: DnsSummary,
    /// Names asked of DNS.
    pub top_domains: Vec<NameCount>,
    /// TLS and QUIC server names.
    pub top_server_names: Vec<NameCount>,
    /// HTTP Host headers.
    pub top_http_hosts: Vec<NameCount>,
    /// HTTP User-Agent headers.
    pub top_user_agents: Vec<NameCount>,
    /// Rows per log.
    pub rows: BTreeMap<&'static str, u64>,
}

impl LogDigest {
    /// Reads every row of the logs, `tables` in [`Log::ALL`] order, keeping `top` names each.
    pub fn of(tables: &[SortedRows<LogRow>], top: usize) -> io::Result<LogDigest> {
        let mut digest = LogDigest::default();
        let (mut domains, mut servers, mut hosts, mut agents) = (
            NameTally::default(),
            NameTally::default(),
            NameTally::default(),
            NameTally::default(),
        );
        for (log, table) in Log::ALL.into_iter().zip(tables) {
            let mut rows = 0u64;
            table.for_each_chunk(1 << 16, |chunk| {
                rows += chunk.len() as u64;
                for r in chunk {
                    match log {
                        Log::Dns => {
                            let d = &mut digest.dns;
                            d.transactions += 1;
                            if let Some(q) = r.cell(dns::QUERY).as_text() {
                                domains.add(q);
                            }
                            let answered = !matches!(r.cell(dns::RCODE), Cell::Empty);
                            if answered {
                                d.responses += 1;
                                let name = match (r.cell(dns::RCODE_NAME), r.cell(dns::RCODE)) {
                                    (Cell::Text(n), _) => n.clone(),
                                    (_, Cell::Count(n)) => n.to_string(),
                                    _ => "-".to_string(),
                                };
                                *d.rcodes.entry(name).or_insert(0) += 1;
                            }
                            if matches!(r.cell(dns::RTT), Cell::Interval(_)) || !answered {
                                d.queries += 1;
                            }
                            if !answered {
                                d.unanswered += 1;
                            }
                        }
                        Log::Tls => {
                            if let Some(n) = r.cell(tls::SERVER_NAME).as_text() {
                                servers.add(n);
                            }
                        }
                        Log::Quic => {
                            if let Some(n) = r.cell(quic::SERVER_NAME).as_text() {
                                servers.add(n);
                            }
                        }
                        Log::Http => {
                            if let Some(h) = r.cell(http::HOST).as_text() {
                                hosts.add(h);
                            }
                            if let Some(a) = r.cell(http::USER_AGENT).as_text() {
                                agents.add(a);
                            }
                        }
                        Log::Ssh => {}
                    }
                }
                Ok(())
            })?;
            digest.rows.insert(log.name(), rows);
        }
        digest.top_domains = domains.top(top);
        digest.top_server_names = servers.top(top);
        digest.top_http_hosts = hosts.top(top);
        digest.top_user_agents = agents.top(top);
        Ok(digest)
    }
}
