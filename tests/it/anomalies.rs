//! The detectors on labelled office scenarios (`generate --scenario office`): every injection
//! found at medium or high severity with its window, score and evidence, nothing else at
//! medium or high, and no medium or high finding on the same office's clean traffic.

use std::path::Path;

use crate::common::*;

/// A scenario of `seconds`, analyzed: its summary and labels.
fn scenario(
    dir: &Path,
    seed: u64,
    seconds: u64,
    clean: bool,
) -> (serde_json::Value, serde_json::Value) {
    let pcap = dir.join(format!("office-{seed}.pcap"));
    let labels = dir.join(format!("office-{seed}.labels.json"));
    let mut generate = bin();
    generate
        .args([
            "generate",
            "--scenario",
            "office",
            "--seed",
            &seed.to_string(),
        ])
        .args(["--duration", &format!("{seconds}s"), "--out"])
        .arg(&pcap)
        .arg("--labels")
        .arg(&labels);
    if clean {
        generate.arg("--clean");
    }
    assert!(generate.status().expect("generate").success());
    let out = analyze_into(&pcap);
    let labels: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&labels).expect("labels")).expect("labels json");
    (summary(out.path()), labels)
}

fn counted(a: &serde_json::Value) -> bool {
    matches!(a["severity"].as_str(), Some("medium" | "high"))
}

#[test]
fn every_injection_is_found_with_its_window_and_evidence_and_nothing_else() {
    let dir = tempfile::tempdir().expect("test value");
    for seed in [11, 12] {
        let (summary, labels) = scenario(dir.path(), seed, 1800, false);
        let findings: Vec<&serde_json::Value> = summary["anomalies"]
            .as_array()
            .expect("test value")
            .iter()
            .filter(|a| counted(a))
            .collect();
        let labels = labels["labels"].as_array().expect("test value");
        assert_eq!(labels.len(), 5);
        for label in labels {
            let hit = findings
                .iter()
                .find(|a| a["kind"] == label["kind"] && a["subject"] == label["subject"])
                .unwrap_or_else(|| panic!("seed {seed}: {label} not found in {findings:#?}"));
            let score = hit["score"].as_f64().expect("test value");
            assert!((0.6..=1.0).contains(&score), "{hit}");
            assert!(
                hit["start"].as_str().expect("test value")
                    <= hit["end"].as_str().expect("test value")
            );
            assert!(
                !hit["evidence"]["flows"]
                    .as_array()
                    .expect("test value")
                    .is_empty(),
                "{hit}"
            );
            assert!(!hit["detail"].as_str().expect("test value").is_empty());
            if label["peer"].is_string() && label["kind"] != "port_scan" {
                assert_eq!(hit["peer"], label["peer"], "{hit}");
            }
        }
        assert_eq!(findings.len(), labels.len(), "seed {seed}: {findings:#?}");
    }
}

#[test]
fn clean_office_traffic_has_no_medium_or_high_finding() {
    let dir = tempfile::tempdir().expect("test value");
    let (summary, labels) = scenario(dir.path(), 21, 3600, true);
    assert_eq!(labels["labels"].as_array().expect("test value").len(), 0);
    let flagged: Vec<_> = summary["anomalies"]
        .as_array()
        .expect("test value")
        .iter()
        .filter(|a| counted(a))
        .collect();
    assert!(flagged.is_empty(), "{flagged:#?}");
}
