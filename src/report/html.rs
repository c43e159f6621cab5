//! `report.html`: one self-contained page (inline CSS, SVG and a few lines of JavaScript, nothing
//! fetched) for a person: the header facts, charts, sortable tables, findings and errors.
//!
//! Its size is bounded whatever the input: the time series is folded to at most
//! [`MAX_POINTS`] points and every table is cut to `--top` rows.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::summary::{proto_label, Report, ServiceCount, Summary};
use super::svg::{self, esc, si};
use crate::analyze::{Analysis, LogHist};
use crate::decode::Proto;
use crate::text::time::rfc3339_ns;

/// Most points drawn in a time chart.
pub const MAX_POINTS: usize = 600;

const STYLE: &str = r#"
:root { --bg:#ffffff; --fg:#1d2330; --muted:#5b6475; --grid:#e3e6ec; --card:#f6f7f9; --accent:#0072B2; --bad:#b3261e; }
@media (prefers-color-scheme: dark) {
  :root { --bg:#14171c; --fg:#e6e9ef; --muted:#9aa3b2; --grid:#2c323c; --card:#1c2027; --accent:#56B4E9; --bad:#ff8a80; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px; background: var(--bg); color: var(--fg);
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid var(--grid); padding-bottom: 4px; }
.muted { color: var(--muted); }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; margin: 16px 0; }
.fact { background: var(--card); border-radius: 8px; padding: 10px 12px; }
.fact b { display: block; font-size: 18px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 14px; }
figure.chart { margin: 0; background: var(--card); border-radius: 8px; padding: 6px; break-inside: avoid; }
svg { width: 100%; height: auto; display: block; }
svg text { fill: var(--fg); font: 12px system-ui, sans-serif; }
svg text.title { font-size: 14px; font-weight: 600; text-anchor: middle; }
svg text.tick { fill: var(--muted); font-size: 11px; }
svg text.axis { fill: var(--muted); }
svg line.grid { stroke: var(--grid); stroke-width: 1; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--grid); white-space: nowrap; }
th { white-space: normal; vertical-align: bottom; }
td.wrap { white-space: normal; overflow-wrap: anywhere; min-width: 12ch; font-size: 12px; }
td.n, th.n { text-align: right; }
th { cursor: pointer; user-select: none; position: sticky; top: 0; background: var(--bg); }
th:hover { color: var(--accent); }
th[aria-sort="ascending"]::after { content: " \25B2"; } th[aria-sort="descending"]::after { content: " \25BC"; }
.scroll { overflow-x: auto; }
.scroll[data-overflow] { box-shadow: inset -14px 0 10px -10px var(--muted); }
.bad { color: var(--bad); }
.sev-high { color: var(--bad); font-weight: 600; } .sev-medium { color: #E69F00; }
@media print { body { max-width: none; padding: 0; } th { position: static; } .charts { display: block; } figure.chart { margin-bottom: 12px; } }
"#;

const SCRIPT: &str = r#"
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, col) {
    th.addEventListener('click', function () {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-v') || a.cells[col].textContent;
        var y = b.cells[col].getAttribute('data-v') || b.cells[col].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
// A table wider than the page scrolls sideways: mark it, so its edge shows a shadow.
document.querySelectorAll('div.scroll').forEach(function (d) {
  if (d.scrollWidth > d.clientWidth + 1) { d.setAttribute('data-overflow', 'true'); }
});
document.body.setAttribute('data-ready', 'true');
"#;

fn human_bytes(v: f64) -> String {
    format!("{}B", si(v))
}

/// Decade buckets for durations in ns: "<1 µs", "1–10 µs", …, "≥10 s".
fn decades(h: &LogHist) -> Vec<(String, f64)> {
    const EDGES: [(u64, &str); 9] = [
        (0, "<1µs"),
        (1_000, "1–10µs"),
        (10_000, "10–100µs"),
        (100_000, "0.1–1ms"),
        (1_000_000, "1–10ms"),
        (10_000_000, "10–100ms"),
        (100_000_000, "0.1–1s"),
        (1_000_000_000, "1–10s"),
        (10_000_000_000, "≥10s"),
    ];
    let edges: Vec<u64> = EDGES.iter().map(|e| e.0).collect();
    let counts = h.buckets(&edges);
    EDGES
        .iter()
        .zip(counts)
        .map(|(e, c)| (e.1.to_string(), c as f64))
        .collect()
}

struct Table<'a> {
    id: &'a str,
    headers: &'a [(&'a str, bool)],
    rows: Vec<Vec<(String, Option<f64>)>>,
    /// Columns whose long values (IPv6 addresses, Community IDs, messages) may wrap, so the
    /// table fits the page.
    wrap: &'a [usize],
}

fn table(out: &mut String, t: Table<'_>) {
    let _ = write!(
        out,
        r#"<div class="scroll"><table class="sortable" id="{}"><thead><tr>"#,
        t.id
    );
    for (h, numeric) in t.headers {
        let _ = write!(
            out,
            r#"<th{}>{}</th>"#,
            if *numeric { r#" class="n""# } else { "" },
            esc(h)
        );
    }
    out.push_str("</tr></thead><tbody>");
    for row in t.rows {
        out.push_str("<tr>");
        for (col, (text, value)) in row.into_iter().enumerate() {
            let wrap = t.wrap.contains(&col);
            match (value, wrap) {
                (Some(v), _) => {
                    let _ = write!(out, r#"<td class="n" data-v="{v}">{}</td>"#, esc(&text));
                }
                (None, true) => {
                    let _ = write!(out, r#"<td class="wrap">{}</td>"#, esc(&text));
                }
                (None, false) => {
                    let _ = write!(out, "<td>{}</td>", esc(&text));
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>\n");
}

/// A flow's start: `09:00:02.465380` within one day, `11-02 09:00:02.465380` across days.
fn start_label(ns: i64, one_day: bool) -> String {
    let stamp = rfc3339_ns(ns);
    if one_day {
        stamp[11..26].to_string()
    } else {
        stamp[5..26].replace('T', " ")
    }
}

fn num(v: u64) -> (String, Option<f64>) {
    (v.to_string(), Some(v as f64))
}

fn text(s: impl Into<String>) -> (String, Option<f64>) {
    (s.into(), None)
}

/// Bars of the protocol chart; beyond, the rest share one "N others" bar.
const SHOWN_PROTOCOLS: usize = 12;

/// Writes the page.
pub fn write<W: Write>(
    mut out: W,
    analysis: &Analysis,
    report: &Report,
    top: usize,
) -> io::Result<W> {
    let s = &report.summary;
    let t = &analysis.total;
    let mut h = String::with_capacity(256 * 1024);
    let title = match s.files.as_slice() {
        [one] => one.path.clone(),
        files => format!("{} capture files", files.len()),
    };
    let _ = write!(
        h,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><title>netanalyzer: {t}</title><style>{STYLE}</style></head><body>"#,
        t = esc(&title)
    );
    let _ = write!(
        h,
        r#"<h1>Traffic report: {}</h1><p class="muted">{} .. {} · written by netanalyzer {}</p>"#,
        esc(&title),
        esc(s.first_timestamp.as_deref().unwrap_or("no frames")),
        esc(s.last_timestamp.as_deref().unwrap_or("")),
        s.tool.version
    );

    // The facts.
    h.push_str(r#"<div class="facts">"#);
    let links: Vec<String> = s
        .link_types
        .iter()
        .map(|l| format!("{} ({})", l.name, l.linktype))
        .collect();
    let error_count = s.errors.len();
    let facts = [
        ("packets", s.packets.to_string(), "frames"),
        ("bytes", human_bytes(s.bytes as f64), "on the wire"),
        (
            "duration",
            format!("{:.3} s", s.duration_s),
            "first to last frame",
        ),
        (
            "packet rate",
            format!("{}/s", si(s.packets_per_s)),
            "average",
        ),
        ("bit rate", format!("{}bit/s", si(s.bits_per_s)), "average"),
        ("flows", s.flows.total.to_string(), "5-tuples"),
        ("files", s.files.len().to_string(), "inputs"),
        ("errors", error_count.to_string(), "damaged inputs"),
    ];
    for (label, value, note) in facts {
        let class = if label == "errors" && error_count > 0 {
            " bad"
        } else {
            ""
        };
        let _ = write!(
            h,
            r#"<div class="fact"><span class="muted">{label}</span><b class="{class}" data-fact="{label}">{}</b><span class="muted">{note}</span></div>"#,
            esc(&value)
        );
    }
    h.push_str("</div>");
    let _ = write!(
        h,
        r#"<p class="muted">Link types: {}</p>"#,
        esc(&links.join(", "))
    );

    // Charts.
    h.push_str(r#"<h2>Charts</h2><div class="charts">"#);
    let (times, stacks, bits) = throughput(analysis);
    let base = analysis.base_ts;
    if times.len() >= 2 {
        h.push_str(&svg::stacked_area(
            "chart-packets",
            "Packets per second by protocol",
            &times,
            &stacks,
            "packets/s",
            base,
        ));
        let marks: Vec<svg::Mark> = s
            .anomalies
            .iter()
            .filter_map(|a| {
                a.subject?;
                let (start, end) = (a.start?, a.end?);
                Some(svg::Mark {
                    from: (start - base) as f64 / 1e9,
                    to: (end - base) as f64 / 1e9,
                    severity: a.severity,
                    text: format!("{} ({}, {:.2}): {}", a.kind, a.severity, a.score, a.detail),
                })
            })
            .collect();
        h.push_str(&svg::line(
            "chart-bits",
            "Throughput (shaded: the findings' windows)",
            &times,
            &bits,
            "bits/s",
            base,
            &marks,
        ));
    }
    let mut protos: Vec<(String, f64)> = s
        .protocols
        .iter()
        .filter(|(_, c)| c.frames > 0)
        .map(|(n, c)| (n.to_string(), c.frames as f64))
        .collect();
    protos.sort_by(|a, b| b.1.total_cmp(&a.1));
    if protos.len() > SHOWN_PROTOCOLS {
        let rest = protos.split_off(SHOWN_PROTOCOLS - 1);
        let frames = rest.iter().map(|p| p.1).sum();
        protos.push((format!("{} others", rest.len()), frames));
    }
    h.push_str(&svg::hbars(
        "chart-protocols",
        "Protocol distribution (frames containing each protocol)",
        &protos,
        "frames",
    ));
    let sizes: Vec<(String, f64)> = s
        .packet_sizes
        .histogram
        .iter()
        .map(|b| {
            let l = match b.to {
                Some(to) => format!("{}–{}", b.from, to),
                None => format!("≥{}", b.from),
            };
            (l, b.packets as f64)
        })
        .collect();
    h.push_str(&svg::bars(
        "chart-sizes",
        "Packet sizes",
        &sizes,
        "frame length (bytes)",
        "frames",
    ));
    h.push_str(&svg::bars(
        "chart-interarrival",
        "Inter-arrival times",
        &decades(&t.interarrival.gaps.hist),
        "gap between consecutive frames",
        "frames",
    ));
    let handshakes = &report.handshake_rtt.hist;
    h.push_str(&svg::bars(
        "chart-handshake-rtt",
        "TCP handshake round-trip times (SYN to ACK)",
        &decades(handshakes),
        "round-trip time",
        "handshakes",
    ));
    h.push_str(&svg::bars(
        "chart-icmp-rtt",
        "ICMP echo round-trip times",
        &decades(&t.echo_rtt.hist),
        "round-trip time",
        "echo pairs",
    ));
    let talkers: Vec<(String, f64)> = s
        .top_talkers
        .iter()
        .map(|t| (t.address.to_string(), t.bytes as f64))
        .collect();
    h.push_str(&svg::hbars(
        "chart-talkers",
        "Top talkers",
        &talkers,
        "bytes sent and received",
    ));
    let ports: Vec<(String, f64)> = s
        .top_ports
        .iter()
        .map(|p| (format!("{}/{}", p.protocol, p.port), p.bytes as f64))
        .collect();
    h.push_str(&svg::hbars("chart-ports", "Top ports", &ports, "bytes"));
    h.push_str("</div>");

    // Findings and errors.
    h.push_str("<h2>Findings</h2>");
    if s.anomalies.is_empty() {
        h.push_str(r#"<p class="muted" id="no-findings">No scans, sweeps, floods, beacons, DNS tunnels, uploads or unusual protocol mixes found.</p>"#);
    } else {
        let rows = s
            .anomalies
            .iter()
            .map(|a| {
                let when = |ts: Option<i64>| {
                    ts.map(|ns| crate::text::time::rfc3339_ns(ns)[..19].replace('T', " "))
                        .unwrap_or_default()
                };
                vec![
                    text(a.severity),
                    (format!("{:.2}", a.score), Some(a.score)),
                    text(a.kind),
                    text(when(a.start)),
                    text(when(a.end)),
                    text(a.subject.map(|s| s.to_string()).unwrap_or_default()),
                    text(a.peer.clone().unwrap_or_default()),
                    num(a.count),
                    text(a.detail.clone()),
                ]
            })
            .collect();
        table(
            &mut h,
            Table {
                id: "findings",
                headers: &[
                    ("severity", false),
                    ("score", true),
                    ("kind", false),
                    ("start (UTC)", false),
                    ("end (UTC)", false),
                    ("subject", false),
                    ("peer", false),
                    ("count", true),
                    ("detail", false),
                ],
                rows,
                wrap: &[8],
            },
        );
    }
    h.push_str("<h2>Inputs and errors</h2>");
    let rows = s
        .files
        .iter()
        .map(|f| {
            vec![
                text(f.path.clone()),
                text(format!(
                    "{}{}",
                    f.format
                        .map(|x| format!("{x:?}").to_lowercase())
                        .unwrap_or_else(|| "?".into()),
                    match (f.compressed, f.compression) {
                        (false, _) => String::new(),
                        (true, c) => format!(" ({})", c.map_or("gzip", |c| c.name())),
                    }
                )),
                text(
                    f.link_types
                        .iter()
                        .map(|l| l.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                num(f.packets),
                if f.errors.is_empty() {
                    num(0)
                } else {
                    text(
                        f.errors
                            .iter()
                            .map(|e| format!("byte {}: {}", e.offset, e.message))
                            .collect::<Vec<_>>()
                            .join("; "),
                    )
                },
            ]
        })
        .take(top.max(50))
        .collect();
    table(
        &mut h,
        Table {
            id: "files",
            headers: &[
                ("file", false),
                ("format", false),
                ("link types", false),
                ("packets", true),
                ("errors", false),
            ],
            rows,
            wrap: &[0, 4],
        },
    );
    for d in &s.duplicate_files {
        let _ = write!(
            h,
            r#"<p class="bad duplicate">{} holds the same packets as {}: both are counted.</p>"#,
            esc(&d.path),
            esc(&d.same_as)
        );
    }
    let u = &s.undecoded;
    let _ = write!(
        h,
        r#"<p class="muted" id="undecoded">Frames decoded only partly: link {} · network {} · transport {} · tunnel {} · of link types not decoded {}.</p>"#,
        u.link, u.network, u.transport, u.tunnel, u.unsupported_link_type
    );

    // Tables.
    h.push_str("<h2>Top conversations</h2>");
    let rows = report
        .conversations
        .top()
        .iter()
        .take(top)
        .map(|c| {
            vec![
                text(c.address_a.to_string()),
                text(c.address_b.to_string()),
                num(c.packets_a_to_b),
                num(c.bytes_a_to_b),
                num(c.packets_b_to_a),
                num(c.bytes_b_to_a),
                num(c.packets),
                num(c.bytes),
                (format!("{:.3}", c.duration_s), Some(c.duration_s)),
            ]
        })
        .collect();
    table(
        &mut h,
        Table {
            id: "conversations",
            headers: &[
                ("address A", false),
                ("address B", false),
                ("packets A→B", true),
                ("bytes A→B", true),
                ("packets B→A", true),
                ("bytes B→A", true),
                ("packets", true),
                ("bytes", true),
                ("duration s", true),
            ],
            rows,
            wrap: &[],
        },
    );
    h.push_str("<h2>Top flows</h2>");
    // Flows of one UTC day show their time of day, the date once in the header.
    let day = |ns: i64| ns.div_euclid(86_400_000_000_000);
    let one_day = t
        .min_ts
        .zip(t.max_ts)
        .is_some_and(|(a, b)| day(a) == day(b));
    let start_header = match t.min_ts.filter(|_| one_day) {
        Some(ts) => format!("start (UTC, {})", &rfc3339_ns(ts)[..10]),
        None => "start (UTC)".to_string(),
    };
    let rows = report
        .top_flows
        .iter()
        .take(top)
        .map(|f| {
            vec![
                text(start_label(f.start_ns, one_day)),
                text(f.orig_h.to_string()),
                num(u64::from(f.orig_p)),
                text(f.resp_h.to_string()),
                num(u64::from(f.resp_p)),
                text(proto_label(f.proto)),
                (
                    format!("{:.3}", f.duration_ns as f64 / 1e9),
                    Some(f.duration_ns as f64),
                ),
                num(f.orig_pkts + f.resp_pkts),
                num(f.orig_ip_bytes + f.resp_ip_bytes),
                text(f.conn_state),
                text(f.history.to_string()),
                text(f.community_id.to_string()),
            ]
        })
        .collect();
    table(
        &mut h,
        Table {
            id: "flows",
            headers: &[
                (&start_header, false),
                ("orig", false),
                ("orig port", true),
                ("resp", false),
                ("resp port", true),
                ("proto", false),
                ("duration s", true),
                ("packets", true),
                ("IP bytes", true),
                ("state", false),
                ("history", false),
                ("community id", false),
            ],
            rows,
            wrap: &[11],
        },
    );
    h.push_str("<h2>Top endpoints</h2>");
    let rows = report
        .endpoints
        .top()
        .iter()
        .take(top)
        .map(|e| {
            vec![
                text(e.address.to_string()),
                num(e.packets),
                num(e.bytes),
                num(e.tx_packets),
                num(e.tx_bytes),
                num(e.rx_packets),
                num(e.rx_bytes),
            ]
        })
        .collect();
    table(
        &mut h,
        Table {
            id: "endpoints",
            headers: &[
                ("address", false),
                ("packets", true),
                ("bytes", true),
                ("tx packets", true),
                ("tx bytes", true),
                ("rx packets", true),
                ("rx bytes", true),
            ],
            rows,
            wrap: &[],
        },
    );
    h.push_str("<h2>Top ports</h2>");
    let rows = report
        .ports
        .iter()
        .take(top)
        .map(|p| {
            vec![
                text(p.protocol),
                num(u64::from(p.port)),
                num(p.packets),
                num(p.bytes),
            ]
        })
        .collect();
    table(
        &mut h,
        Table {
            id: "ports",
            headers: &[
                ("protocol", false),
                ("port", true),
                ("packets", true),
                ("bytes", true),
            ],
            rows,
            wrap: &[],
        },
    );
    application_layer(&mut h, s, top);
    let _ = writeln!(h, "<script>{SCRIPT}</script></body></html>");
    out.write_all(h.as_bytes())?;
    Ok(out)
}

/// The application layer: services by bytes and by flows, the names clients asked for, and
/// DNS's answers.
fn application_layer(h: &mut String, s: &Summary, top: usize) {
    h.push_str("<h2>Services</h2>");
    if s.services.is_empty() {
        h.push_str(r#"<p class="muted" id="no-services">No service found in the payloads (or the run had <code>--no-app</code>).</p>"#);
        return;
    }
    let mut services: Vec<(&str, &ServiceCount)> =
        s.services.iter().map(|(name, c)| (*name, c)).collect();
    services.sort_by(|a, b| b.1.bytes.cmp(&a.1.bytes).then(a.0.cmp(b.0)));
    let by_bytes: Vec<(String, f64)> = services
        .iter()
        .take(top)
        .map(|(name, c)| (name.to_string(), c.bytes as f64))
        .collect();
    let mut by_flows = services.clone();
    by_flows.sort_by(|a, b| b.1.flows.cmp(&a.1.flows).then(a.0.cmp(b.0)));
    let by_flows: Vec<(String, f64)> = by_flows
        .iter()
        .take(top)
        .map(|(name, c)| (name.to_string(), c.flows as f64))
        .collect();
    h.push_str(r#"<div class="charts">"#);
    h.push_str(&svg::hbars(
        "chart-services-bytes",
        "Services by bytes",
        &by_bytes,
        "bytes",
    ));
    h.push_str(&svg::hbars(
        "chart-services-flows",
        "Services by flows",
        &by_flows,
        "flows",
    ));
    h.push_str("</div>");
    let rows = services
        .iter()
        .map(|(name, c)| vec![text(*name), num(c.flows), num(c.packets), num(c.bytes)])
        .collect();
    table(
        h,
        Table {
            id: "services",
            headers: &[
                ("service", false),
                ("flows", true),
                ("packets", true),
                ("bytes", true),
            ],
            rows,
            wrap: &[],
        },
    );
    let names = [
        ("Top domains (DNS queries)", "top-domains", &s.top_domains),
        (
            "Top server names (TLS and QUIC SNI)",
            "top-server-names",
            &s.top_server_names,
        ),
        ("Top HTTP hosts", "top-http-hosts", &s.top_http_hosts),
        (
            "Top HTTP user agents",
            "top-user-agents",
            &s.top_user_agents,
        ),
    ];
    for (title, id, list) in names {
        if list.is_empty() {
            continue;
        }
        let _ = write!(h, "<h3>{}</h3>", esc(title));
        let rows = list
            .iter()
            .take(top)
            .map(|n| vec![text(n.name.clone()), num(n.count)])
            .collect();
        table(
            h,
            Table {
                id,
                headers: &[("name", false), ("count", true)],
                rows,
                wrap: &[0],
            },
        );
    }
    if s.dns.transactions > 0 {
        let _ = write!(
            h,
            r#"<h3>DNS answers</h3><p class="muted">{} queries, {} responses, {} queries never answered.</p>"#,
            s.dns.queries, s.dns.responses, s.dns.unanswered
        );
        let rows = s
            .dns
            .rcodes
            .iter()
            .map(|(rcode, n)| vec![text(rcode.clone()), num(*n)])
            .collect();
        table(
            h,
            Table {
                id: "dns-rcodes",
                headers: &[("rcode", false), ("responses", true)],
                rows,
                wrap: &[],
            },
        );
    }
}

/// The time series folded to at most [`MAX_POINTS`] points: seconds from the first frame,
/// packets/s stacked by protocol, and bits/s.
/// Named series of values.
type Series = Vec<(String, Vec<f64>)>;

fn throughput(analysis: &Analysis) -> (Vec<f64>, Series, Vec<f64>) {
    let ts = &analysis.total.timeseries;
    let (Some(&lo), Some(&hi)) = (ts.keys().min(), ts.keys().max()) else {
        return (Vec::new(), Vec::new(), Vec::new());
    };
    let intervals = (hi - lo + 1) as usize;
    let fold = intervals.div_ceil(MAX_POINTS).max(1) as i64;
    let points = ((hi - lo) / fold + 1) as usize;
    let groups: [(&str, &[Proto]); 4] = [
        ("TCP", &[Proto::Tcp]),
        ("UDP", &[Proto::Udp]),
        ("ICMP", &[Proto::Icmp, Proto::Icmpv6]),
        ("ARP", &[Proto::Arp]),
    ];
    let mut stacks: Vec<Vec<f64>> = vec![vec![0.0; points]; groups.len() + 1];
    let mut bits = vec![0.0; points];
    for (&k, b) in ts {
        let i = ((k - lo) / fold) as usize;
        let mut counted = 0;
        for (g, (_, members)) in groups.iter().enumerate() {
            let n: u64 = members.iter().map(|p| b.proto_packets[*p as usize]).sum();
            stacks[g][i] += n as f64;
            counted += n;
        }
        stacks[groups.len()][i] += b.packets.saturating_sub(counted) as f64;
        bits[i] += b.bytes as f64 * 8.0;
    }
    let width_s = analysis.interval_ns as f64 * fold as f64 / 1e9;
    let times = (0..points)
        .map(|i| (lo + i as i64 * fold) as f64 * analysis.interval_ns as f64 / 1e9)
        .collect();
    let mut series: Vec<(String, Vec<f64>)> = groups
        .iter()
        .map(|g| g.0.to_string())
        .chain(std::iter::once("other".to_string()))
        .zip(stacks)
        .map(|(name, v)| (name, v.into_iter().map(|x| x / width_s).collect()))
        .collect();
    series.retain(|s| s.1.iter().any(|v| *v > 0.0));
    let bits = bits.into_iter().map(|x| x / width_s).collect();
    (times, series, bits)
}
