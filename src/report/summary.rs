//! The run's summary: `summary.json`'s schema, built from an [`Analysis`].
//!
//! Keys are stable: a change that renames or removes one bumps [`SCHEMA_VERSION`].

use std::collections::BTreeMap;
use std::io;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::conversations::{conversation_tables, endpoint_table, ConversationTable, EndpointTable};
pub use super::conversations::{Conversation, Talker};
pub use super::services::{DnsSummary, NameCount, ServerPort, ServiceCount, UnusualPort};
use super::services::{LogDigest, ServiceTally};
use crate::analyze::anomaly::{self, dns_tunnel, Hunt, Internal};
use crate::analyze::app::{Log, LogRow};
use crate::analyze::{Analysis, Anomaly, Distribution, FlowRecord, PortStats, Stats};
use crate::decode::{ip_proto, linktype, tcp_flags, Layer, Proto};
use crate::store::{FlowTable, SortedRows, Top};
use crate::text::time::rfc3339_ns;

/// Version of the `summary.json` schema.
pub const SCHEMA_VERSION: u32 = 2;

/// Protocols always listed in `protocols`, even at zero.
pub const CORE_PROTOCOLS: [Proto; 10] = [
    Proto::Eth,
    Proto::Vlan,
    Proto::Sll,
    Proto::Ip,
    Proto::Ipv6,
    Proto::Tcp,
    Proto::Udp,
    Proto::Icmp,
    Proto::Icmpv6,
    Proto::Arp,
];

/// Edges of the packet-size histogram, as in `tshark -z plen,tree`.
pub const SIZE_EDGES: [u64; 10] = [0, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120];

/// `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Schema version of this document.
    pub schema_version: u32,
    /// The program that wrote it.
    pub tool: Tool,
    /// Frames.
    pub packets: u64,
    /// Bytes on the wire (sum of original lengths).
    pub bytes: u64,
    /// Bytes in the files (sum of captured lengths).
    pub captured_bytes: u64,
    /// Earliest frame time, RFC 3339 UTC with nanoseconds.
    pub first_timestamp: Option<String>,
    /// Latest frame time.
    pub last_timestamp: Option<String>,
    /// Latest minus earliest, seconds.
    pub duration_s: f64,
    /// Frames per second over the duration.
    pub packets_per_s: f64,
    /// Bits on the wire per second over the duration.
    pub bits_per_s: f64,
    /// Time-series interval, seconds.
    pub interval_s: f64,
    /// Frames per link type.
    pub link_types: Vec<LinkTypeSummary>,
    /// Per input file.
    pub files: Vec<FileSummary>,
    /// Files in folders that were not captures.
    pub skipped_files: Vec<Skipped>,
    /// Inputs holding the same packets as an earlier input (a copy in another format or
    /// compressed); both are counted.
    pub duplicate_files: Vec<DuplicateFile>,
    /// Frames and bytes per protocol at any layer, keyed by Wireshark display-filter name.
    pub protocols: BTreeMap<&'static str, ProtoCount>,
    /// Frame sizes (original length), bytes.
    pub packet_sizes: PacketSizes,
    /// Gaps between consecutive frames.
    pub interarrival: Interarrival,
    /// TCP.
    pub tcp: TcpSummary,
    /// Traffic per service the application layer found, by Zeek's name.
    pub services: BTreeMap<&'static str, ServiceCount>,
    /// Services found on ports they are not known on.
    pub unusual_ports: Vec<UnusualPort>,
    /// DNS in numbers (dns.csv).
    pub dns: DnsSummary,
    /// Names asked of DNS, the most asked first.
    pub top_domains: Vec<NameCount>,
    /// Server names of TLS and QUIC ClientHellos.
    pub top_server_names: Vec<NameCount>,
    /// HTTP Host headers.
    pub top_http_hosts: Vec<NameCount>,
    /// HTTP User-Agent headers.
    pub top_user_agents: Vec<NameCount>,
    /// Rows of each application log.
    pub log_rows: BTreeMap<&'static str, u64>,
    /// ICMP and ICMPv6.
    pub icmp: IcmpSummary,
    /// Flows (5-tuples).
    pub flows: FlowsSummary,
    /// Addresses by bytes sent plus received.
    pub top_talkers: Vec<Talker>,
    /// Server (responder) ports by bytes, with the services found on them; ports.csv lists
    /// every port at either end.
    pub top_ports: Vec<ServerPort>,
    /// Address pairs by bytes.
    pub top_conversations: Vec<Conversation>,
    /// Distinct IP address pairs (all of `conversations.csv`).
    pub conversations_total: u64,
    /// Distinct IP addresses (all of `endpoints.csv`).
    pub endpoints_total: u64,
    /// Port scans, sweeps, floods and unusual mixes (thresholds in `src/analyze/anomaly.rs`).
    pub anomalies: Vec<Anomaly>,
    /// Frames that could not be decoded past some layer.
    pub undecoded: Undecoded,
    /// IP reassembly.
    pub fragments: Fragments,
    /// Every input error, with its file and byte offset.
    pub errors: Vec<InputError>,
}

/// Name and version of the writer.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// "netanalyzer".
    pub name: &'static str,
    /// Crate version.
    pub version: &'static str,
}

/// Frames of one link type.
#[derive(Debug, Clone, Serialize)]
pub struct LinkTypeSummary {
    /// LINKTYPE_* value.
    pub linktype: u16,
    /// libpcap's name.
    pub name: &'static str,
    /// Whether netanalyzer decodes inside it.
    pub decoded: bool,
    /// Frames.
    pub packets: u64,
    /// Bytes.
    pub bytes: u64,
}

/// One input file.
#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    /// Path.
    pub path: String,
    /// "pcap", "pcapng", or null when unrecognised.
    pub format: Option<crate::read::Format>,
    /// Compressed (gzip, zstd or xz).
    pub compressed: bool,
    /// "zstd" or "xz"; absent for plain and gzip inputs (gzip was the only compression when
    /// `compressed` came, so a summary of a `.gz` reads as before).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<crate::read::Compression>,
    /// Size on disk.
    pub size_bytes: u64,
    /// Frames per link type.
    pub link_types: Vec<LinkTypeSummary>,
    /// Frames.
    pub packets: u64,
    /// Bytes on the wire.
    pub bytes: u64,
    /// Earliest frame.
    pub first_timestamp: Option<String>,
    /// Latest frame.
    pub last_timestamp: Option<String>,
    /// Errors (at most one: reading stops at the damage).
    pub errors: Vec<crate::read::ReadError>,
}

/// An input whose packets are those of an earlier input.
#[derive(Debug, Clone, Serialize)]
pub struct DuplicateFile {
    /// The later input.
    pub path: String,
    /// The earlier input with the same packets.
    pub same_as: String,
}

/// A file passed over.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// Path.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// Frames and bytes.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ProtoCount {
    /// Frames containing the protocol.
    pub frames: u64,
    /// Their bytes on the wire.
    pub bytes: u64,
}

/// Frame-size distribution.
#[derive(Debug, Clone, Serialize)]
pub struct PacketSizes {
    /// Distribution statistics, bytes.
    #[serde(flatten)]
    pub stats: Stats,
    /// Frames per size range.
    pub histogram: Vec<SizeBucket>,
}

/// Frames whose size falls in `[from, to]`.
#[derive(Debug, Clone, Serialize)]
pub struct SizeBucket {
    /// Smallest size, bytes.
    pub from: u64,
    /// Largest size, bytes (null: no upper bound).
    pub to: Option<u64>,
    /// Frames.
    pub packets: u64,
}

/// Inter-arrival statistics, seconds.
#[derive(Debug, Clone, Serialize)]
pub struct Interarrival {
    /// Gap statistics, seconds.
    #[serde(flatten)]
    pub stats: Stats,
    /// Mean absolute difference of consecutive gaps, seconds (RFC 3550-style jitter).
    pub jitter: Option<f64>,
    /// Frames stamped earlier than the frame before them.
    pub out_of_order: u64,
}

/// TCP summary.
#[derive(Debug, Clone, Serialize)]
pub struct TcpSummary {
    /// Frames with each flag set.
    pub flags: BTreeMap<&'static str, u64>,
    /// Connections whose SYN, SYN-ACK and ACK were seen in order.
    pub handshakes: u64,
    /// SYN to handshake ACK, seconds.
    pub handshake_rtt: Stats,
    /// Connections per Zeek `conn_state`.
    pub conn_states: BTreeMap<&'static str, u64>,
}

/// ICMP summary.
#[derive(Debug, Clone, Serialize)]
pub struct IcmpSummary {
    /// Echo requests (ICMP type 8, ICMPv6 128).
    pub echo_requests: u64,
    /// Echo replies (0, 129).
    pub echo_replies: u64,
    /// Requests answered by a reply with the same identifier and sequence number.
    pub echo_matched: u64,
    /// Request-to-reply time, seconds.
    pub rtt: Stats,
    /// Frames per type, keyed "icmp:TYPE" or "icmpv6:TYPE".
    pub types: BTreeMap<String, u64>,
}

/// Flow counts.
#[derive(Debug, Clone, Serialize)]
pub struct FlowsSummary {
    /// Flows.
    pub total: u64,
    /// Flows per IP protocol.
    pub by_protocol: BTreeMap<String, u64>,
    /// Frames of flows lost because finished flows could not be written to disk.
    pub untracked_packets: u64,
    /// Flows finished early because more than `--max-flows` were open at once.
    pub finished_early: u64,
    /// Flows ended by their idle timeout (`--tcp-timeout`, `--udp-timeout`, `--icmp-timeout`)
    /// before the end of the input.
    pub timed_out: u64,
}

/// One transport port.
#[derive(Debug, Clone, Serialize)]
pub struct PortSummary {
    /// "tcp", "udp" or "sctp".
    pub protocol: &'static str,
    /// Port number.
    pub port: u16,
    /// Frames with it at either end.
    pub packets: u64,
    /// Their bytes.
    pub bytes: u64,
}

/// Frames decoded only partly.
#[derive(Debug, Clone, Serialize)]
pub struct Undecoded {
    /// Stopped in the link-layer header (cut short or malformed).
    pub link: u64,
    /// Stopped in the IP/ARP header.
    pub network: u64,
    /// Stopped in the TCP/UDP/ICMP header.
    pub transport: u64,
    /// Stopped in a tunnel header.
    pub tunnel: u64,
    /// Of a link type netanalyzer does not look inside (still counted in totals).
    pub unsupported_link_type: u64,
}

/// IP datagrams that arrived in fragments.
#[derive(Debug, Clone, Serialize)]
pub struct Fragments {
    /// Datagrams joined from their fragments (their contents are counted in the frame that
    /// completed each, as Wireshark does).
    pub reassembled: u64,
    /// Datagrams still missing a fragment at the end.
    pub incomplete: u64,
    /// Datagrams given up to bound memory.
    pub given_up: u64,
}

/// An input error.
#[derive(Debug, Clone, Serialize)]
pub struct InputError {
    /// File.
    pub file: String,
    /// Byte offset.
    pub offset: u64,
    /// What was wrong.
    pub message: String,
}

/// Tables and summary, computed once from an analysis.
pub struct Report {
    /// The summary document.
    pub summary: Summary,
    /// Every flow, by start time (read from disk in part when the run spilled flows).
    pub flows: FlowTable,
    /// The flows with the most IP bytes, as many as the summary's top lists.
    pub top_flows: Vec<FlowRecord>,
    /// SYN-to-ACK times of the TCP handshakes seen in order.
    pub handshake_rtt: Distribution,
    /// Every conversation, by bytes (read from disk in part when the run wrote pairs there).
    pub conversations: ConversationTable,
    /// Every address, by bytes (read from disk in part when the run wrote pairs there).
    pub endpoints: EndpointTable,
    /// Every port, by bytes.
    pub ports: Vec<PortSummary>,
    /// Every server port, by bytes.
    pub server_ports: Vec<ServerPort>,
    /// The application layer's logs, in [`Log::ALL`] order, each in time order.
    pub logs: Vec<SortedRows<LogRow>>,
}

fn ns_to_s(ns: i64) -> f64 {
    ns as f64 / 1e9
}

fn linktype_summaries(list: impl Iterator<Item = (u16, u64, u64)>) -> Vec<LinkTypeSummary> {
    let mut out: Vec<LinkTypeSummary> = list
        .map(|(lt, packets, bytes)| LinkTypeSummary {
            linktype: lt,
            name: linktype::name(lt),
            decoded: linktype::is_decoded(lt),
            packets,
            bytes,
        })
        .collect();
    out.sort_by_key(|l| l.linktype);
    out
}

impl Report {
    /// Builds the summary and tables; lists in the summary are cut to `top` entries; the
    /// detectors take `inside` for the network's own addresses.
    pub fn build(analysis: &Analysis, top: usize, inside: &Internal) -> io::Result<Report> {
        let t = &analysis.total;
        let duration_ns = match (t.min_ts, t.max_ts) {
            (Some(a), Some(b)) => b - a,
            _ => 0,
        };
        let duration_s = ns_to_s(duration_ns);
        let per_s = |v: f64| {
            if duration_s > 0.0 {
                v / duration_s
            } else {
                0.0
            }
        };

        let mut protocols = BTreeMap::new();
        for p in Proto::ALL {
            let [frames, bytes] = t.protos[p as usize];
            if frames > 0 || CORE_PROTOCOLS.contains(&p) {
                protocols.insert(p.name(), ProtoCount { frames, bytes });
            }
        }

        let size_counts = t.sizes.buckets(&SIZE_EDGES);
        let histogram = SIZE_EDGES
            .iter()
            .enumerate()
            .map(|(i, &from)| SizeBucket {
                from,
                to: SIZE_EDGES.get(i + 1).map(|e| e - 1),
                packets: size_counts[i],
            })
            .collect();
        let mut size_stats = Stats {
            count: t.sizes.count(),
            ..Stats::default()
        };
        if t.packets > 0 {
            let q = |p| t.sizes.quantile(p).map(|v| v as f64);
            size_stats.min = q(0.0);
            size_stats.max = q(1.0);
            size_stats.mean = Some(t.bytes as f64 / t.packets as f64);
            size_stats.p50 = q(0.5);
            size_stats.p90 = q(0.9);
            size_stats.p99 = q(0.99);
        }

        let ia = &t.interarrival;
        let interarrival = Interarrival {
            stats: ia.gaps.stats(1e9),
            jitter: (ia.jitter_terms > 0)
                .then(|| (ia.jitter_sum as f64 / ia.jitter_terms as f64).round() / 1e9),
            out_of_order: ia.negative,
        };

        // The tables are independent: build them side by side.
        let ((flows, conversations), endpoints) = rayon::join(
            || rayon::join(|| t.flow_table(), || conversation_tables(analysis, top)),
            || (t.conv_archive.records() == 0).then(|| endpoint_table(&t.endpoints(), top)),
        );
        let flows = flows?;
        let (conversations, counted) = conversations?;
        // Pairs read from disk: their endpoints were counted on the way.
        let endpoints = match (endpoints, counted) {
            (Some(e), _) | (None, Some(e)) => e,
            (None, None) => endpoint_table(&FxHashMap::default(), top),
        };
        let logs = Log::ALL
            .iter()
            .map(|&l| t.logs.table(l))
            .collect::<io::Result<Vec<_>>>()?;
        let log_digest = LogDigest::of(&logs, top)?;
        let FlowDigest {
            services,
            conn_states,
            by_protocol,
            handshake_rtt,
            hunt,
            ports,
            top_flows,
        } = FlowDigest::of(&flows, top, inside)?;
        let (mut findings, mut spans) = hunt.findings(t);
        if !spans.is_empty() {
            flows.for_each_chunk(1 << 16, |chunk| {
                chunk.iter().for_each(|f| spans.add(f));
                Ok(())
            })?;
            spans.apply(&mut findings);
        }
        findings.extend(dns_tunnel::findings(&logs[0], inside)?);
        let server_ports = services.server_ports();
        let unusual_ports = services.unusual_ports();

        let flags = tcp_flags::NAMES
            .iter()
            .zip(t.tcp_flags)
            .map(|(n, c)| (*n, c))
            .collect();
        let mut types = BTreeMap::new();
        for (&(version, ty), &n) in &t.icmp_types {
            let family = if version == 6 { "icmpv6" } else { "icmp" };
            types.insert(format!("{family}:{ty}"), n);
        }

        let files: Vec<FileSummary> = analysis
            .files
            .iter()
            .map(|f| FileSummary {
                path: f.path.display().to_string(),
                format: f.format,
                compressed: f.compression.is_some(),
                compression: f
                    .compression
                    .filter(|c| *c != crate::read::Compression::Gzip),
                size_bytes: f.size_bytes,
                link_types: linktype_summaries(
                    f.linktypes.iter().map(|l| (l.linktype, l.packets, l.bytes)),
                ),
                packets: f.packets,
                bytes: f.bytes,
                first_timestamp: f.first_ts.map(rfc3339_ns),
                last_timestamp: f.last_ts.map(rfc3339_ns),
                errors: f.error.iter().cloned().collect(),
            })
            .collect();
        let errors = analysis
            .files
            .iter()
            .filter_map(|f| {
                f.error.as_ref().map(|e| InputError {
                    file: f.path.display().to_string(),
                    offset: e.offset,
                    message: e.message.clone(),
                })
            })
            .collect();
        let stop = |l: Layer| t.stops[l as usize];

        let summary = Summary {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "netanalyzer",
                version: env!("CARGO_PKG_VERSION"),
            },
            packets: t.packets,
            bytes: t.bytes,
            captured_bytes: t.captured_bytes,
            first_timestamp: t.min_ts.map(rfc3339_ns),
            last_timestamp: t.max_ts.map(rfc3339_ns),
            duration_s,
            packets_per_s: per_s(t.packets as f64),
            bits_per_s: per_s(t.bytes as f64 * 8.0),
            interval_s: ns_to_s(analysis.interval_ns),
            link_types: linktype_summaries(t.linktypes.iter().copied()),
            files,
            skipped_files: analysis
                .skipped
                .iter()
                .map(|(p, r)| Skipped {
                    path: p.display().to_string(),
                    reason: r.clone(),
                })
                .collect(),
            duplicate_files: analysis
                .duplicate_files()
                .into_iter()
                .map(|(later, earlier)| DuplicateFile {
                    path: analysis.files[later].path.display().to_string(),
                    same_as: analysis.files[earlier].path.display().to_string(),
                })
                .collect(),
            protocols,
            packet_sizes: PacketSizes {
                stats: size_stats,
                histogram,
            },
            interarrival,
            tcp: TcpSummary {
                flags,
                handshakes: handshake_rtt.count,
                handshake_rtt: handshake_rtt.stats(1e9),
                conn_states,
            },
            icmp: IcmpSummary {
                echo_requests: t.echo_requests,
                echo_replies: t.echo_replies,
                echo_matched: t.echo_rtt.count,
                rtt: t.echo_rtt.stats(1e9),
                types,
            },
            flows: FlowsSummary {
                total: flows.len(),
                by_protocol,
                untracked_packets: t.flows_untracked,
                finished_early: t.flows_finished_early,
                timed_out: t.flows_timed_out,
            },
            top_talkers: endpoints.top().iter().take(top).cloned().collect(),
            top_ports: server_ports.iter().take(top).cloned().collect(),
            services: services.services(),
            unusual_ports: unusual_ports.clone(),
            dns: log_digest.dns,
            top_domains: log_digest.top_domains,
            top_server_names: log_digest.top_server_names,
            top_http_hosts: log_digest.top_http_hosts,
            top_user_agents: log_digest.top_user_agents,
            log_rows: log_digest.rows,
            top_conversations: conversations.top().iter().take(top).cloned().collect(),
            conversations_total: conversations.len(),
            endpoints_total: endpoints.len(),
            anomalies: {
                findings.extend(unusual_ports.iter().map(UnusualPort::finding));
                anomaly::rank(&mut findings);
                findings
            },
            undecoded: Undecoded {
                link: stop(Layer::Link),
                network: stop(Layer::Network),
                transport: stop(Layer::Transport),
                tunnel: stop(Layer::Tunnel),
                unsupported_link_type: t.undecoded_linktype,
            },
            fragments: Fragments {
                reassembled: t.reassembled,
                incomplete: t.reassembler.pending() as u64,
                given_up: t.reassembler.given_up,
            },
            errors,
        };
        Ok(Report {
            summary,
            flows,
            top_flows,
            handshake_rtt,
            conversations,
            endpoints,
            ports,
            server_ports,
            logs,
        })
    }
}

/// What the report needs from every flow, gathered in one pass in start order.
struct FlowDigest {
    services: ServiceTally,
    conn_states: BTreeMap<&'static str, u64>,
    by_protocol: BTreeMap<String, u64>,
    handshake_rtt: Distribution,
    hunt: Hunt,
    ports: Vec<PortSummary>,
    top_flows: Vec<FlowRecord>,
}

impl FlowDigest {
    fn of(flows: &FlowTable, top: usize, inside: &Internal) -> io::Result<FlowDigest> {
        let mut traffic = TrafficTally::new(top);
        let mut kinds = KindTally::new(inside);
        let mut services = ServiceTally::default();
        flows.for_each_chunk(1 << 16, |chunk| {
            // Parts of the work side by side, each over every flow: no partial tables to
            // merge, and each count sees the flows in table order.
            rayon::join(
                || chunk.iter().for_each(|f| traffic.add(f)),
                || {
                    chunk.iter().for_each(|f| {
                        kinds.add(f);
                        services.add(f);
                    })
                },
            );
            Ok(())
        })?;
        if kinds.hunt.needs_recount() {
            flows.for_each_chunk(1 << 16, |chunk| {
                chunk.iter().for_each(|f| kinds.hunt.recount(f));
                Ok(())
            })?;
        }
        let TrafficTally { ports, biggest, .. } = traffic;
        let by_protocol = (0u8..=255)
            .zip(kinds.by_proto)
            .filter(|&(_, n)| n > 0)
            .map(|(proto, n)| (proto_label(proto), n))
            .collect();
        let top_flows = biggest
            .into_sorted()
            .into_iter()
            .map(|(_, _, f)| f)
            .collect();
        let mut ports: Vec<PortSummary> = ports
            .into_iter()
            .map(|((proto, port), s)| PortSummary {
                protocol: ip_proto::name(proto).unwrap_or("other"),
                port,
                packets: s.packets,
                bytes: s.bytes,
            })
            .collect();
        ports.sort_by(|a, b| {
            b.bytes
                .cmp(&a.bytes)
                .then_with(|| (a.protocol, a.port).cmp(&(b.protocol, b.port)))
        });
        Ok(FlowDigest {
            services,
            conn_states: kinds.conn_states,
            by_protocol,
            handshake_rtt: kinds.handshake_rtt,
            hunt: kinds.hunt,
            ports,
            top_flows,
        })
    }
}

/// Bytes, then position in the table, of a flow among the biggest.
type SizedFlow = (u64, u64, FlowRecord);

/// Traffic by port and the biggest flows.
struct TrafficTally {
    ports: FxHashMap<(u8, u16), PortStats>,
    biggest: Top<SizedFlow>,
    seq: u64,
}

impl TrafficTally {
    fn new(top: usize) -> TrafficTally {
        // Biggest first; of equal size, the one earlier in the table.
        let by_size = |a: &SizedFlow, b: &SizedFlow| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        TrafficTally {
            ports: FxHashMap::default(),
            biggest: Top::new(top, by_size),
            seq: 0,
        }
    }

    fn add(&mut self, f: &FlowRecord) {
        if matches!(f.proto, ip_proto::TCP | ip_proto::UDP | ip_proto::SCTP) {
            // A frame counts once for each of its two ports, once when they are equal.
            let packets = f.orig_pkts + f.resp_pkts;
            let second = (f.resp_p != f.orig_p).then_some(f.resp_p);
            for port in std::iter::once(f.orig_p).chain(second) {
                let p = self.ports.entry((f.proto, port)).or_default();
                p.packets += packets;
                p.bytes += f.frame_bytes;
            }
        }
        // A later flow comes first only with more bytes: no record is copied to ask.
        let bytes = f.orig_ip_bytes + f.resp_ip_bytes;
        if self.biggest.bar().is_none_or(|bar| bytes > bar.0) {
            let row = (bytes, self.seq, f.clone());
            if self.biggest.wants(&row) {
                self.biggest.push(row);
            }
        }
        self.seq += 1;
    }
}

/// Flows by protocol and TCP state, handshake times and the evidence of scans.
struct KindTally {
    conn_states: BTreeMap<&'static str, u64>,
    by_proto: [u64; 256],
    handshake_rtt: Distribution,
    hunt: Hunt,
}

impl KindTally {
    fn new(inside: &Internal) -> KindTally {
        KindTally {
            conn_states: BTreeMap::new(),
            by_proto: [0; 256],
            handshake_rtt: Distribution::default(),
            hunt: Hunt::new(inside),
        }
    }

    fn add(&mut self, f: &FlowRecord) {
        if f.proto == ip_proto::TCP {
            *self.conn_states.entry(f.conn_state).or_insert(0) += 1;
        }
        self.by_proto[usize::from(f.proto)] += 1;
        if let Some(rtt) = f.handshake_rtt_ns {
            self.handshake_rtt.add(rtt.max(0) as u64);
        }
        self.hunt.add(f);
    }
}

/// Address pairs by bytes.
/// "tcp", "udp", … or the protocol number.
pub fn proto_label(p: u8) -> String {
    ip_proto::name(p)
        .map(str::to_string)
        .unwrap_or_else(|| p.to_string())
}
