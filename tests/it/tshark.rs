//! The real binary on the project's samples, checked against tshark run live on the same files:
//! totals, timestamps, frames per protocol, `conversations.csv` against `tshark -z conv,ip`,
//! `timeseries.csv` against `tshark -z io,stat,1`, and `flows.csv`'s Community IDs against
//! tshark's `communityid` protocol.
//!
//! Without tshark on the PATH these tests skip with a message, except under CI (`CI` set), where
//! the test command installs tshark and a missing one is a failure.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use crate::common::{analyze_into, read_csv, samples};
use crate::compressed::{xz, zstd};
use netanalyzer::text::time::rfc3339_ns;
use serde_json::Value;

fn tshark_available() -> bool {
    let ok = Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        common::skip("tshark is not installed (apt-get install tshark)");
    }
    ok
}

fn tshark(file: &Path, args: &[&str]) -> String {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(file)
        .args(args)
        .output()
        .expect("run tshark");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// "1793610000.154487000" -> ns, exactly.
fn epoch_ns(s: &str) -> i64 {
    let (secs, frac) = s.split_once('.').unwrap_or((s, "0"));
    let frac = format!("{frac:0<9}");
    secs.parse::<i64>().expect("seconds") * 1_000_000_000
        + frac[..9].parse::<i64>().expect("fraction")
}

/// What tshark counts in a file: frames, bytes on the wire and captured, first and last
/// timestamps, frames per protocol.
struct Totals {
    packets: u64,
    bytes: u64,
    captured: u64,
    first: i64,
    last: i64,
    protos: BTreeMap<String, u64>,
}

fn tshark_totals(file: &Path) -> Totals {
    let fields = tshark(
        file,
        &[
            "-T",
            "fields",
            "-e",
            "frame.len",
            "-e",
            "frame.cap_len",
            "-e",
            "frame.time_epoch",
            "-e",
            "frame.protocols",
        ],
    );
    let mut t = Totals {
        packets: 0,
        bytes: 0,
        captured: 0,
        first: i64::MAX,
        last: i64::MIN,
        protos: BTreeMap::new(),
    };
    for line in fields.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        t.packets += 1;
        t.bytes += cols[0].parse::<u64>().expect("len");
        t.captured += cols[1].parse::<u64>().expect("cap_len");
        // Frames without a timestamp (pcapng Simple Packet Blocks) have an empty field.
        if !cols[2].is_empty() {
            let ts = epoch_ns(cols[2]);
            t.first = t.first.min(ts);
            t.last = t.last.max(ts);
        }
        let set: BTreeSet<&str> = cols[3].split(':').collect();
        for p in set {
            *t.protos.entry(p.to_string()).or_default() += 1;
        }
    }
    t
}

/// Our summary's totals are tshark's.
fn assert_totals(summary: &Value, t: &Totals, name: &str) {
    assert!(t.packets > 0, "{name}: tshark read no packets");
    assert_eq!(summary["packets"], t.packets, "{name}: packets");
    assert_eq!(summary["bytes"], t.bytes, "{name}: bytes");
    assert_eq!(
        summary["captured_bytes"], t.captured,
        "{name}: captured_bytes"
    );
    assert_eq!(
        summary["first_timestamp"],
        rfc3339_ns(t.first),
        "{name}: first"
    );
    assert_eq!(
        summary["last_timestamp"],
        rfc3339_ns(t.last),
        "{name}: last"
    );
    let ours = summary["protocols"].as_object().expect("protocols");
    for (proto, counts) in ours {
        let theirs = t.protos.get(proto).copied().unwrap_or(0);
        assert_eq!(
            counts["frames"], theirs,
            "{name}: frames with {proto}: ours vs tshark"
        );
    }
    let has = |p: &str| ours.get(p).is_some_and(|c| c["frames"].as_u64() > Some(0));
    assert!(
        has("tcp") && has("udp") && (has("ip") || has("ipv6")),
        "{name}: the sample should exercise IP, TCP and UDP"
    );
}

#[test]
fn totals_timestamps_and_protocols_equal_tshark() {
    if !tshark_available() {
        return;
    }
    for sample in samples() {
        let dir = analyze_into(&sample);
        let summary: Value = common::summary(dir.path());
        assert_totals(
            &summary,
            &tshark_totals(&sample),
            &sample.display().to_string(),
        );
    }
}

#[test]
fn zstd_and_xz_captures_total_as_tshark_on_the_plain_file() {
    if !tshark_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    for sample in samples()
        .into_iter()
        .filter(|s| !s.to_string_lossy().ends_with(".gz"))
    {
        let bytes = std::fs::read(&sample).expect("sample");
        let theirs = tshark_totals(&sample);
        let name = sample.file_name().expect("name").to_string_lossy();
        for (ext, compressed) in [("zst", zstd(&bytes)), ("xz", xz(&bytes))] {
            let path = dir.path().join(format!("{name}.{ext}"));
            std::fs::write(&path, compressed).expect("write");
            let out = analyze_into(&path);
            let summary = common::summary(out.path());
            assert_totals(&summary, &theirs, &path.display().to_string());
            assert_eq!(summary["files"][0]["compressed"], true);
        }
    }
}

/// Parses `tshark -q -z conv,ip`: (A, B) -> [frames B->A, bytes B->A, frames A->B, bytes A->B],
/// bytes as tshark prints them ("N bytes" exact, "N kB" rounded).
fn tshark_conversations(file: &Path) -> BTreeMap<(String, String), [(u64, String); 2]> {
    let text = tshark(file, &["-q", "-z", "conv,ip"]);
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| l.contains("<->")) {
        let t: Vec<&str> = line.split_whitespace().collect();
        // A <-> B  frames bytes unit  frames bytes unit  frames bytes unit  start duration
        let b_to_a = (t[3].parse().expect("frames"), format!("{} {}", t[4], t[5]));
        let a_to_b = (t[6].parse().expect("frames"), format!("{} {}", t[7], t[8]));
        out.insert((t[0].to_string(), t[2].to_string()), [b_to_a, a_to_b]);
    }
    out
}

/// Whether our exact byte count prints as tshark's rounded one.
fn bytes_match(ours: u64, theirs: &str) -> bool {
    let (value, unit) = theirs.split_once(' ').expect("value and unit");
    let value: u64 = value.parse().expect("number");
    let scale = match unit {
        "bytes" => 1,
        "kB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        other => panic!("unknown unit {other}"),
    };
    // tshark truncates to whole units.
    ours / scale == value
}

#[test]
fn conversations_equal_tshark_conv_ip() {
    if !tshark_available() {
        return;
    }
    for sample in samples() {
        let dir = analyze_into(&sample);
        let rows = read_csv(&dir.path().join("conversations.csv"));
        let theirs = tshark_conversations(&sample);
        let ours: Vec<_> = rows
            .iter()
            .filter(|r| !r["address_a"].contains(':'))
            .collect();
        assert_eq!(ours.len(), theirs.len(), "{}: IPv4 pairs", sample.display());
        for r in ours {
            let n = |k: &str| r[k].parse::<u64>().expect("number");
            let (a, b) = (r["address_a"].clone(), r["address_b"].clone());
            let (key, ab, ba) = match theirs.get(&(a.clone(), b.clone())) {
                Some(t) => ((a, b), &t[1], &t[0]),
                None => {
                    let t = theirs.get(&(b.clone(), a.clone())).unwrap_or_else(|| {
                        panic!("{}: {a} <-> {b} not in tshark", sample.display())
                    });
                    ((b, a), &t[0], &t[1])
                }
            };
            assert_eq!(n("packets_a_to_b"), ab.0, "{key:?} frames a->b");
            assert_eq!(n("packets_b_to_a"), ba.0, "{key:?} frames b->a");
            assert!(
                bytes_match(n("bytes_a_to_b"), &ab.1),
                "{key:?} bytes a->b: {} vs {}",
                n("bytes_a_to_b"),
                ab.1
            );
            assert!(
                bytes_match(n("bytes_b_to_a"), &ba.1),
                "{key:?} bytes b->a: {} vs {}",
                n("bytes_b_to_a"),
                ba.1
            );
        }
    }
}

#[test]
fn timeseries_equals_tshark_io_stat() {
    if !tshark_available() {
        return;
    }
    for sample in samples() {
        let dir = analyze_into(&sample);
        let rows = read_csv(&dir.path().join("timeseries.csv"));
        let text = tshark(&sample, &["-q", "-z", "io,stat,1"]);
        let theirs: Vec<(u64, u64)> = text
            .lines()
            .filter(|l| l.contains("<>"))
            .map(|l| {
                let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                (
                    cells[2].parse().expect("frames"),
                    cells[3].parse().expect("bytes"),
                )
            })
            .collect();
        let ours: Vec<(u64, u64)> = rows
            .iter()
            .map(|r| {
                (
                    r["packets"].parse().expect("packets"),
                    r["bytes"].parse().expect("bytes"),
                )
            })
            .collect();
        assert_eq!(
            ours,
            theirs,
            "{}: per-second frames and bytes",
            sample.display()
        );
    }
}

#[test]
fn flow_community_ids_equal_tshark() {
    if !tshark_available() {
        return;
    }
    for sample in samples() {
        let dir = analyze_into(&sample);
        let rows = read_csv(&dir.path().join("flows.csv"));
        let ours: BTreeMap<String, &BTreeMap<String, String>> = rows
            .iter()
            .map(|r| (r["community_id"].clone(), r))
            .collect();
        let text = tshark(
            &sample,
            &[
                "--enable-protocol",
                "communityid",
                "-T",
                "fields",
                "-e",
                "communityid",
                "-e",
                "ip.flags.mf",
            ],
        );
        // Fragments before the last carry no transport header in tshark's view either: it hashes
        // them port-less, a flow no analyzer reports. The frame completing a datagram counts.
        let theirs: BTreeSet<String> = text
            .lines()
            .filter_map(|l| {
                let c: Vec<&str> = l.split('\t').collect();
                // Several IP headers (tunnels) give comma-separated values.
                let fragment = c
                    .get(1)
                    .is_some_and(|v| v.split(',').any(|x| x == "1" || x == "True"));
                (!c[0].is_empty() && !fragment).then(|| c[0].to_string())
            })
            .collect();
        // tshark hashes each frame's innermost flow; we also keep the tunnels' outer flows, as
        // Zeek does.
        for id in &theirs {
            assert!(
                ours.contains_key(id),
                "{}: tshark's flow {id} missing",
                sample.display()
            );
        }
        for (id, row) in &ours {
            if theirs.contains(id) {
                continue;
            }
            let tunnel_ports = ["4789", "2152", "6081", "3544", "4754", "6635"];
            let carrier = matches!(row["proto"].as_str(), "gre" | "ipip" | "ipv6")
                || tunnel_ports.contains(&row["id.resp_p"].as_str());
            assert!(
                carrier,
                "{}: flow {id} not seen by tshark: {row:?}",
                sample.display()
            );
        }
    }
}

#[test]
fn endpoints_equal_tshark_endpoints_ip() {
    if !tshark_available() {
        return;
    }
    for sample in samples() {
        let dir = analyze_into(&sample);
        let rows = read_csv(&dir.path().join("endpoints.csv"));
        let text = tshark(&sample, &["-q", "-z", "endpoints,ip"]);
        let theirs: BTreeMap<String, Vec<u64>> = text
            .lines()
            .filter(|l| {
                l.split_whitespace()
                    .next()
                    .is_some_and(|a| a.parse::<std::net::Ipv4Addr>().is_ok())
            })
            .map(|l| {
                let t: Vec<&str> = l.split_whitespace().collect();
                (
                    t[0].to_string(),
                    t[1..7].iter().map(|v| v.parse().expect("number")).collect(),
                )
            })
            .collect();
        let ours: BTreeMap<String, Vec<u64>> = rows
            .iter()
            .filter(|r| !r["address"].contains(':'))
            .map(|r| {
                let cols = [
                    "packets",
                    "bytes",
                    "tx_packets",
                    "tx_bytes",
                    "rx_packets",
                    "rx_bytes",
                ];
                (
                    r["address"].clone(),
                    cols.iter()
                        .map(|c| r[*c].parse().expect("number"))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(ours, theirs, "{}: IPv4 endpoints", sample.display());
    }
}
