//! The application layer against two oracles, on `../shared/corpus-l7/` (nDPI's test captures):
//! the logs' values against tshark's (`truth-l7/`: DNS queries and rcodes, TLS server names,
//! JA3, JA3S, QUIC server names, HTTP requests and status codes, SSH banners, as multisets per
//! file), and flows.csv's `service` against nDPI's protocol on the flows nDPI found by DPI
//! (`ndpi/`); and `ja4` against FoxIO's expected values for its own captures (`../shared/ja4/`).
//! Disagreements that cannot be fixed are listed, each with its reason, in
//! `tests/it/app-allowlist.tsv`; an entry that starts agreeing must be removed from it.
//!
//! Skips, with a message, where `../shared` is absent (a user's clone).

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use netanalyzer::analyze::app::logs::{dns, http, quic, ssh, tls};
use netanalyzer::analyze::app::{Cell, Log, LogRow, Service};
use netanalyzer::analyze::{analyze_paths, Analysis, FlowRecord, Options};
use serde_json::Value;

type Multiset = BTreeMap<String, u64>;

fn shared(dir: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(dir);
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

/// Allow-listed disagreements: (file, field) -> reason.
fn allowlist() -> BTreeMap<(String, String), String> {
    include_str!("app-allowlist.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut cols = l.splitn(3, '\t');
            Some((
                (cols.next()?.to_string(), cols.next()?.to_string()),
                cols.next()?.to_string(),
            ))
        })
        .collect()
}

/// The analysis of one file, in small batches so that flows cross batch boundaries.
fn analyze(path: &Path) -> Analysis {
    analyze_paths(
        &[path.to_path_buf()],
        &Options {
            batch_size: 64,
            ..Options::default()
        },
        &mut |_| {},
    )
}

fn rows(analysis: &Analysis, log: Log) -> Vec<LogRow> {
    let mut out = Vec::new();
    analysis
        .total
        .logs
        .table(log)
        .expect("log table")
        .for_each_chunk(1 << 16, |chunk| {
            out.extend_from_slice(chunk);
            Ok(())
        })
        .expect("log rows");
    out
}

fn text(r: &LogRow, column: usize) -> Option<String> {
    r.cell(column).as_text().map(str::to_string)
}

fn count(r: &LogRow, column: usize) -> Option<u64> {
    r.cell(column).as_count()
}

fn multiset(items: impl IntoIterator<Item = String>) -> Multiset {
    let mut m = Multiset::new();
    for i in items {
        *m.entry(i).or_insert(0) += 1;
    }
    m
}

fn truth_multiset(truth: &Value, field: &str) -> Multiset {
    truth[field]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
        .collect()
}

/// Values in both, and what only one side has.
fn agreement(ours: &Multiset, theirs: &Multiset) -> (u64, Multiset, Multiset) {
    let mut common = 0;
    let (mut only_ours, mut only_theirs) = (Multiset::new(), Multiset::new());
    let keys: BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
    for k in keys {
        let (a, b) = (
            ours.get(k).copied().unwrap_or(0),
            theirs.get(k).copied().unwrap_or(0),
        );
        common += a.min(b);
        if a > b {
            only_ours.insert(k.clone(), a - b);
        }
        if b > a {
            only_theirs.insert(k.clone(), b - a);
        }
    }
    (common, only_ours, only_theirs)
}

/// Our values of each tshark field, for one file.
fn our_fields(analysis: &Analysis) -> BTreeMap<&'static str, Multiset> {
    let on_53 = |r: &LogRow| r.flow.orig_p == 53 || r.flow.resp_p == 53;
    let dns_rows: Vec<LogRow> = rows(analysis, Log::Dns).into_iter().filter(on_53).collect();
    let tls_rows = rows(analysis, Log::Tls);
    let http_rows = rows(analysis, Log::Http);
    let mut f = BTreeMap::new();
    // A row has a query unless it is a response whose query was not seen.
    let has_query = |r: &LogRow| {
        matches!(r.cell(dns::RTT), Cell::Interval(_)) || count(r, dns::RCODE).is_none()
    };
    f.insert(
        "dns_queries",
        multiset(dns_rows.iter().filter(|r| has_query(r)).filter_map(|r| {
            Some(format!(
                "{}|{}",
                text(r, dns::QUERY)?.to_lowercase(),
                count(r, dns::QTYPE)?
            ))
        })),
    );
    f.insert(
        "dns_rcodes",
        multiset(
            dns_rows
                .iter()
                .filter_map(|r| Some(count(r, dns::RCODE)?.to_string())),
        ),
    );
    f.insert(
        "tls_sni",
        multiset(tls_rows.iter().filter_map(|r| text(r, tls::SERVER_NAME))),
    );
    f.insert(
        "ja3",
        multiset(tls_rows.iter().filter_map(|r| text(r, tls::JA3))),
    );
    f.insert(
        "ja3s",
        multiset(tls_rows.iter().filter_map(|r| text(r, tls::JA3S))),
    );
    f.insert(
        "quic_sni",
        multiset(
            rows(analysis, Log::Quic)
                .iter()
                .filter_map(|r| text(r, quic::SERVER_NAME)),
        ),
    );
    f.insert(
        "http_requests",
        multiset(http_rows.iter().filter_map(|r| {
            Some(format!(
                "{} {} {}",
                text(r, http::METHOD)?,
                text(r, http::HOST).unwrap_or_default(),
                text(r, http::URI).unwrap_or_default()
            ))
        })),
    );
    f.insert(
        "http_status",
        multiset(
            http_rows
                .iter()
                .flat_map(|r| [count(r, http::STATUS_CODE), count(r, http::INFO_CODE)])
                .flatten()
                .map(|c| c.to_string()),
        ),
    );
    f.insert(
        "ssh_banners",
        multiset(rows(analysis, Log::Ssh).iter().flat_map(|r| {
            [text(r, ssh::CLIENT), text(r, ssh::SERVER)]
                .into_iter()
                .flatten()
        })),
    );
    f
}

/// tshark's HTTP status codes with body reassembly off: by default tshark withholds a response
/// until its whole body has arrived, and a body the capture cut short hides its status; we log
/// every response, as Zeek does.
fn tshark_http_status(path: &Path) -> Option<Multiset> {
    let codes = tshark_run(
        path,
        &["-o", "http.desegment_body:FALSE"],
        "http.response.code",
        &["http.response.code"],
    )?;
    Some(multiset(codes.into_iter().flatten()))
}

/// nDPI's protocol name as the service flows.csv gives (`krb`, `ldap` whatever the transport).
fn zeek_name_of_ndpi(name: &str) -> Option<&'static str> {
    Service::from_name(netanalyzer::wire::probe::zeek_name_of_ndpi(name)?).map(Service::name)
}

/// A flow as both sides name it: transport and its two endpoints, sorted.
type FlowName = (String, (String, u16), (String, u16));

/// One flow of nDPI's: transport, both endpoints (sorted), its protocol, and whether nDPI
/// found it by DPI.
struct NdpiFlow {
    key: FlowName,
    protocol: String,
    dpi: bool,
}

fn endpoint(s: &str) -> Option<(String, u16)> {
    let (addr, port) = match s.strip_prefix('[') {
        Some(rest) => rest.rsplit_once("]:")?,
        None => s.rsplit_once(':')?,
    };
    // nDPI prints some IPv6 addresses in forms no parser reads: kept as written, they match
    // nothing, and the allow-list says so.
    let addr = addr
        .parse::<IpAddr>()
        .map_or_else(|_| addr.to_string(), |a| a.to_string());
    Some((addr, port.parse().ok()?))
}

fn ndpi_flows(path: &Path) -> Vec<NdpiFlow> {
    let Ok(text) = std::fs::read(path) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&text);
    let mut out = Vec::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let (Some(_), Some(proto), Some(a), Some(arrow), Some(b)) = (
            words.next(),
            words.next(),
            words.next(),
            words.next(),
            words.next(),
        ) else {
            continue;
        };
        if !matches!(proto, "TCP" | "UDP") || !matches!(arrow, "<->" | "->") {
            continue;
        }
        let Some(name) = line
            .split("[proto: ")
            .nth(1)
            .and_then(|p| p.split(']').next())
            .and_then(|p| p.split('/').nth(1))
        else {
            continue;
        };
        let (Some(a), Some(b)) = (endpoint(a), endpoint(b)) else {
            continue;
        };
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        out.push(NdpiFlow {
            key: (proto.to_lowercase(), lo, hi),
            protocol: name.split('.').next().unwrap_or(name).to_string(),
            dpi: line.contains("[Confidence: DPI]"),
        });
    }
    out
}

fn flows(analysis: &Analysis) -> Vec<FlowRecord> {
    let mut out = Vec::new();
    analysis
        .total
        .flow_table()
        .expect("flow table")
        .for_each_chunk(1 << 16, |chunk| {
            out.extend_from_slice(chunk);
            Ok(())
        })
        .expect("flows");
    out
}

/// Agreement counts: (agreeing values, all values) per field or protocol.
#[derive(Default)]
struct Tally(BTreeMap<String, (u64, u64)>);

impl Tally {
    fn add(&mut self, what: &str, agree: u64, all: u64) {
        let e = self.0.entry(what.to_string()).or_default();
        e.0 += agree;
        e.1 += all;
    }

    fn total(&self) -> (u64, u64) {
        self.0
            .values()
            .fold((0, 0), |(a, n), (x, y)| (a + x, n + y))
    }

    fn print(&self, title: &str) {
        let (a, n) = self.total();
        eprintln!("{title}: agrees on {a} of {n}");
        for (what, (a, n)) in &self.0 {
            eprintln!("  {what:14} {a:6} of {n:6}");
        }
    }
}

const FIELDS: [&str; 9] = [
    "dns_queries",
    "dns_rcodes",
    "tls_sni",
    "ja3",
    "ja3s",
    "quic_sni",
    "http_requests",
    "http_status",
    "ssh_banners",
];

#[test]
fn logs_agree_with_tshark_and_services_with_ndpi() {
    let Some(dir) = shared("corpus-l7") else {
        common::skip_without_shared(
            "../shared/corpus-l7 is absent; the application-layer comparison needs it",
        );
        return;
    };
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("manifest");
    let allow = allowlist();
    let mut used = BTreeSet::new();
    let (mut fields, mut services) = (Tally::default(), Tally::default());
    let mut unexpected = Vec::new();
    for line in manifest.lines().skip(1) {
        let Some(file) = line.split('\t').next() else {
            continue;
        };
        let path = dir.join("files").join(file);
        let analysis = analyze(&path);
        let truth: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("truth-l7").join(format!("{file}.json")))
                .expect("truth-l7 file"),
        )
        .expect("truth-l7 json");
        let ours = our_fields(&analysis);
        for field in FIELDS {
            let mut theirs = truth_multiset(&truth, field);
            let mine = &ours[field];
            if field == "http_status" && mine != &theirs && !(mine.is_empty() && theirs.is_empty())
            {
                theirs = tshark_http_status(&path).unwrap_or(theirs);
            }
            let (common, only_ours, only_theirs) = agreement(mine, &theirs);
            let all = common + only_ours.values().sum::<u64>() + only_theirs.values().sum::<u64>();
            fields.add(field, common, all);
            if only_ours.is_empty() && only_theirs.is_empty() {
                continue;
            }
            let key = (file.to_string(), field.to_string());
            if allow.contains_key(&key) {
                used.insert(key);
            } else {
                unexpected.push(format!(
                    "{file} {field}: ours only {only_ours:?}; tshark only {only_theirs:?}"
                ));
            }
        }
        // Services: every flow nDPI found by DPI, of a protocol we detect.
        let ndpi = ndpi_flows(&dir.join("ndpi").join(format!("{file}.out")));
        if ndpi.is_empty() {
            continue;
        }
        let mut ours: BTreeMap<FlowName, BTreeSet<String>> = BTreeMap::new();
        for f in flows(&analysis) {
            let (a, b) = (
                (f.orig_h.to_string(), f.orig_p),
                (f.resp_h.to_string(), f.resp_p),
            );
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let proto = if f.proto == 6 { "tcp" } else { "udp" };
            ours.entry((proto.to_string(), lo, hi))
                .or_default()
                .extend(f.services.iter().map(|s| s.name().to_string()));
        }
        let mut missed = Vec::new();
        for n in ndpi.iter().filter(|n| n.dpi) {
            let Some(zeek) = zeek_name_of_ndpi(&n.protocol) else {
                continue;
            };
            let found = ours.get(&n.key).is_some_and(|s| s.contains(zeek));
            services.add(zeek, u64::from(found), 1);
            if !found {
                missed.push(format!(
                    "{} {:?}<->{:?} {}",
                    n.key.0, n.key.1, n.key.2, zeek
                ));
            }
        }
        if !missed.is_empty() {
            let key = (file.to_string(), "service".to_string());
            if allow.contains_key(&key) {
                used.insert(key);
            } else {
                unexpected.push(format!(
                    "{file} service: nDPI's not found: {}",
                    missed.join("; ")
                ));
            }
        }
    }
    fields.print("fields vs tshark");
    services.print("services vs nDPI (DPI flows)");
    assert!(
        unexpected.is_empty(),
        "{} disagreements not allow-listed:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    let stale: Vec<String> = allow
        .keys()
        .filter(|k| !used.contains(*k))
        .map(|(f, w)| format!("{f}\t{w}"))
        .collect();
    assert!(
        stale.is_empty(),
        "allow-listed entries now agree; remove them from tests/it/app-allowlist.tsv:\n{}",
        stale.join("\n")
    );
    // Floors at the agreement reached so far (the issue's targets are 99% and 97%): a change
    // that loses agreement fails here.
    for (field, (a, n)) in &fields.0 {
        let floor = FLOORS
            .iter()
            .find(|(f, _)| f == field)
            .map_or(99, |(_, p)| *p);
        assert!(
            *a * 100 >= *n * floor,
            "{field}: agrees with tshark on {a} of {n}, under {floor}%"
        );
    }
    let (a, n) = services.total();
    assert!(
        a * 100 >= n * 98,
        "services agree with nDPI on {a} of {n}, under 98%"
    );
}

/// The least agreement with tshark each field may fall to, percent.
const FLOORS: [(&str, u64); 9] = [
    ("dns_queries", 99),
    ("dns_rcodes", 98),
    ("tls_sni", 98),
    ("ja3", 96),
    ("ja3s", 96),
    ("quic_sni", 98),
    ("http_requests", 95),
    ("http_status", 95),
    ("ssh_banners", 60),
];

#[test]
fn ja4_is_foxios() {
    let Some(dir) = shared("ja4") else {
        common::skip_without_shared(
            "../shared/ja4 is absent; the JA4 check needs FoxIO's examples",
        );
        return;
    };
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected.json")).expect("expected.json"),
    )
    .expect("expected json");
    let (mut agree, mut all) = (0, 0);
    let mut wrong = Vec::new();
    for (file, values) in expected.as_object().expect("an object") {
        let values = values.as_array().expect("a list");
        if values.is_empty() {
            continue;
        }
        let analysis = analyze(&dir.join("files").join(file));
        let ours = |log: Log, column: usize| -> Multiset {
            multiset(rows(&analysis, log).iter().filter_map(|r| {
                Some(format!(
                    "{} {} {}",
                    r.flow.orig_h,
                    r.flow.orig_p,
                    text(r, column)?
                ))
            }))
        };
        let mut mine = ours(Log::Tls, tls::JA4);
        mine.extend(ours(Log::Quic, quic::JA4));
        let theirs = multiset(values.iter().filter_map(|v| {
            let src: IpAddr = v["src"].as_str()?.parse().ok()?;
            Some(format!(
                "{src} {} {}",
                v["src_port"].as_str()?,
                v["ja4"].as_str()?
            ))
        }));
        let (common, only_ours, only_theirs) = agreement(&mine, &theirs);
        agree += common;
        all += theirs.values().sum::<u64>();
        if !only_theirs.is_empty() {
            wrong.push(format!(
                "{file}: FoxIO only {only_theirs:?}; ours only {only_ours:?}"
            ));
        }
    }
    eprintln!("ja4: {agree} of {all} of FoxIO's values");
    eprintln!("{}", wrong.join("\n"));
    // One value differs by definition: a non-ASCII ALPN, which JA4.md writes as hex and FoxIO's
    // snapshots (written before that revision) do not.
    assert!(
        agree * 100 >= all * 97,
        "JA4 agrees with FoxIO on {agree} of {all}:\n{}",
        wrong.join("\n")
    );
}

/// tshark's values of `fields` in the packets that match `filter`, each field's occurrences
/// split apart: one list per field, over every matching packet.
fn tshark_values(path: &Path, filter: &str, fields: &[&str]) -> Vec<Vec<String>> {
    tshark_run(path, &[], filter, fields)
        .unwrap_or_else(|| panic!("tshark failed on {}", path.display()))
}

/// [`tshark_values`] with tshark's `options` first (`-o pref:value`); `None` when tshark fails.
fn tshark_run(
    path: &Path,
    options: &[&str],
    filter: &str,
    fields: &[&str],
) -> Option<Vec<Vec<String>>> {
    let mut cmd = Command::new("tshark");
    cmd.arg("-n").args(options).arg("-r").arg(path).args([
        "-Y",
        filter,
        "-T",
        "fields",
        "-E",
        "separator=\t",
        "-E",
        "occurrence=a",
        "-E",
        "aggregator=\u{1f}",
    ]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().ok()?;
    if !out.status.success() {
        return None;
    }
    let mut values = vec![Vec::new(); fields.len()];
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        for (i, col) in line.split('\t').enumerate().take(fields.len()) {
            values[i].extend(
                col.split('\u{1f}')
                    .filter(|v| !v.is_empty())
                    .map(str::to_string),
            );
        }
    }
    Some(values)
}

/// tshark's view of the fields [`our_fields`] gives, read live.
fn tshark_fields(path: &Path) -> BTreeMap<&'static str, Multiset> {
    let mut f = BTreeMap::new();
    let q = tshark_values(
        path,
        "dns.flags.response == 0 && (udp.port == 53 || tcp.port == 53)",
        &["dns.qry.name", "dns.qry.type"],
    );
    f.insert(
        "dns_queries",
        multiset(
            q[0].iter()
                .zip(&q[1])
                .map(|(name, qtype)| format!("{}|{qtype}", name.to_lowercase())),
        ),
    );
    let r = tshark_values(path, "dns.flags.response == 1", &["dns.flags.rcode"]);
    f.insert("dns_rcodes", multiset(r[0].clone()));
    let ch = tshark_values(
        path,
        "tcp && tls.handshake.type == 1",
        &["tls.handshake.extensions_server_name", "tls.handshake.ja3"],
    );
    f.insert("tls_sni", multiset(ch[0].clone()));
    f.insert("ja3", multiset(ch[1].clone()));
    let sh = tshark_values(
        path,
        "tcp && tls.handshake.type == 2",
        &["tls.handshake.ja3s"],
    );
    f.insert("ja3s", multiset(sh[0].clone()));
    let quic = tshark_values(
        path,
        "quic && tls.handshake.type == 1",
        &["tls.handshake.extensions_server_name"],
    );
    f.insert("quic_sni", multiset(quic[0].clone()));
    let req = tshark_values(
        path,
        "http.request",
        &["http.request.method", "http.host", "http.request.uri"],
    );
    f.insert(
        "http_requests",
        multiset(
            req[0]
                .iter()
                .zip(&req[1])
                .zip(&req[2])
                .map(|((m, h), u)| format!("{m} {h} {u}")),
        ),
    );
    let status = tshark_values(path, "http.response", &["http.response.code"]);
    f.insert("http_status", multiset(status[0].clone()));
    let ssh = tshark_values(path, "ssh.protocol", &["ssh.protocol"]);
    f.insert("ssh_banners", multiset(ssh[0].clone()));
    f
}

#[test]
fn the_generated_application_layer_sample_agrees_with_tshark_run_live() {
    if Command::new("tshark").arg("--version").output().is_err() {
        common::skip("tshark is not installed (apt-get install tshark)");
        return;
    }
    let path = common::sample("app-layer.pcap");
    let analysis = analyze(&path);
    let ours = our_fields(&analysis);
    let theirs = tshark_fields(&path);
    for field in FIELDS {
        let (ours, theirs) = (&ours[field], &theirs[field]);
        assert!(!theirs.is_empty(), "tshark found no {field} in the sample");
        assert_eq!(ours, theirs, "{field}: ours against tshark's");
    }
    // HASSH and HASSHServer, which the corpus does not have.
    let kex = tshark_values(
        &path,
        "ssh.kex.hassh || ssh.kex.hasshserver",
        &["ssh.kex.hassh", "ssh.kex.hasshserver"],
    );
    let ssh_rows = rows(&analysis, Log::Ssh);
    assert_eq!(ssh_rows.len(), 1);
    assert_eq!(
        text(&ssh_rows[0], ssh::HASSH).as_deref(),
        kex[0].first().map(String::as_str)
    );
    assert_eq!(
        text(&ssh_rows[0], ssh::HASSH_SERVER).as_deref(),
        kex[1].first().map(String::as_str)
    );
    // Services from the payload: HTTP on 4444 is http, and a finding.
    let services: BTreeSet<String> = flows(&analysis)
        .iter()
        .flat_map(|f| f.services.iter().map(|s| s.name().to_string()))
        .collect();
    let expected: BTreeSet<String> = ["dns", "http", "quic", "ssh", "ssl"]
        .map(String::from)
        .into();
    assert_eq!(services, expected);
}
