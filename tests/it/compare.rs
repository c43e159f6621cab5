//! `compare` as a CI job uses it: passes on the same traffic, fails on a crossed threshold, and
//! says clearly what is wrong with bad input.

use std::path::Path;

use crate::common::{analyze_into, bin, sample};
use serde_json::Value;

fn compare(base: &Path, current: &Path, extra: &[&str]) -> (i32, String, Value) {
    let out = bin()
        .arg("compare")
        .arg(base)
        .arg(current)
        .args(extra)
        .output()
        .expect("run");
    let json = std::fs::read_to_string(current.join("compare.json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null);
    (
        out.status.code().expect("code"),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
        json,
    )
}

#[test]
fn the_same_traffic_passes_and_different_traffic_fails() {
    let base = analyze_into(&sample("office-ethernet.pcap"));
    // The same frames, written in another format: every metric equal.
    let same = analyze_into(&sample("office-ethernet-ns-be.pcap"));
    let junit = same.path().join("compare.xml");
    let (code, text, json) = compare(
        base.path(),
        same.path(),
        &[
            "--max-change",
            "bytes=0%",
            "--max-change",
            "tcp.frames=0%",
            "--fail-on",
            "new-talkers",
            "--fail-on",
            "vanished-ports",
            "--junit",
            junit.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert_eq!(json["passed"], true);
    assert_eq!(json["checks"].as_array().map(Vec::len), Some(4));
    let xml = std::fs::read_to_string(&junit).expect("junit");
    assert!(xml.contains(r#"tests="4" failures="0""#), "{xml}");

    let other = analyze_into(&sample("tunnels.pcap"));
    let (code, text, json) = compare(
        base.path(),
        other.path(),
        &[
            "--max-change",
            "bytes=10%",
            "--fail-on",
            "new-talkers",
            "--junit",
            junit.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code, 1, "{text}");
    assert_eq!(json["passed"], false);
    assert!(text.contains("FAIL max-change bytes=10%"), "{text}");
    assert!(text.contains("FAIL fail-on new-talkers"), "{text}");
    assert!(json["talkers"]["new"]
        .as_array()
        .is_some_and(|n| n.iter().any(|t| t == "203.0.113.1")));
    let xml = std::fs::read_to_string(&junit).expect("junit");
    assert!(xml.contains(r#"failures="2""#), "{xml}");
}

#[test]
fn thresholds_from_a_file_and_generous_limits_pass() {
    let base = analyze_into(&sample("office-ethernet.pcap"));
    let other = analyze_into(&sample("linux-sll.pcap"));
    let file = other.path().join("traffic.thresholds");
    std::fs::write(
        &file,
        "# kept in the repository\nmax-change packets=1000%\nmax-change tcp.handshake_rtt.p50=1\nfail-on errors\n",
    )
    .expect("write");
    let (code, text, json) = compare(
        base.path(),
        other.path(),
        &["--thresholds", file.to_str().expect("utf-8")],
    );
    assert_eq!(code, 0, "{text}");
    assert_eq!(json["checks"].as_array().map(Vec::len), Some(3));

    std::fs::write(&file, "max-change packets=1%\n").expect("write");
    let (code, _, _) = compare(
        base.path(),
        other.path(),
        &["--thresholds", file.to_str().expect("utf-8")],
    );
    assert_eq!(code, 1);
}

#[test]
fn bad_input_is_a_clear_error() {
    let base = analyze_into(&sample("office-ethernet.pcap"));
    let missing = base.path().join("nowhere");
    let (code, text, _) = compare(base.path(), &missing, &[]);
    assert_eq!(code, 3);
    assert!(
        text.contains("nowhere") && text.contains("summary.json"),
        "{text}"
    );

    let foreign = tempfile::tempdir().expect("tempdir");
    std::fs::write(foreign.path().join("summary.json"), "{\"hello\": 1}").expect("write");
    let (code, text, _) = compare(base.path(), foreign.path(), &[]);
    assert_eq!(code, 3);
    assert!(text.contains("not a netanalyzer summary"), "{text}");

    std::fs::write(
        foreign.path().join("summary.json"),
        "{\"schema_version\": 1}",
    )
    .expect("write");
    let (code, text, _) = compare(base.path(), foreign.path(), &[]);
    assert_eq!(code, 3);
    assert!(text.contains("schema_version 1"), "{text}");

    let (code, text, _) = compare(base.path(), base.path(), &["--max-change", "bytes"]);
    assert_eq!(code, 2);
    assert!(text.contains("METRIC=LIMIT"), "{text}");
    let (code, _, _) = compare(base.path(), base.path(), &["--fail-on", "sunspots"]);
    assert_eq!(code, 2);
    let (code, text, _) = compare(
        base.path(),
        base.path(),
        &["--max-change", "no.such.metric=5%"],
    );
    assert_eq!(code, 2, "an unknown metric is a usage error");
    assert!(text.contains("no such metric"), "{text}");
    let (code, text, _) = compare(base.path(), base.path(), &["--max-change", "byts=10%"]);
    assert_eq!(code, 2);
    assert!(text.contains("did you mean bytes"), "{text}");
    // A metric both summaries have, null in both (no ICMP echo in this capture): known, and
    // the check says it has no value rather than calling the name unknown.
    let tunnels = analyze_into(&sample("tunnels.pcap"));
    let (code, text, _) = compare(
        tunnels.path(),
        tunnels.path(),
        &["--max-change", "tcp.handshake_rtt.p50=5%"],
    );
    assert_ne!(code, 2, "{text}");
}

#[test]
fn the_closing_line_and_long_lists_read_right() {
    let base = analyze_into(&sample("office-ethernet.pcap"));
    let (code, text, _) = compare(base.path(), base.path(), &["--max-change", "bytes=1%"]);
    assert_eq!(code, 0);
    assert!(text.trim_end().ends_with("passed: 1 of 1 check"), "{text}");
    let other = analyze_into(&sample("linux-sll.pcap"));
    let (code, text, json) = compare(base.path(), other.path(), &["--fail-on", "new-ports"]);
    assert_eq!(code, 1);
    let new_ports = json["ports"]["new"].as_array().map_or(0, Vec::len);
    assert!(new_ports > 10, "the samples differ in many ports");
    assert!(
        text.contains(&format!("… and {} more, see compare.json", new_ports - 10)),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with("FAILED: 1 of 1 check failed"),
        "{text}"
    );
}
