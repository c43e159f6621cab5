//! Flows beyond `--max-flows` are finished early and kept on disk: nothing is lost, the tables
//! derived from flows do not change, and the spill files are gone afterwards.

use crate::common;

use std::path::Path;

use crate::common::{bin, read_csv, summary};

fn analyze(input: &Path, out: &Path, extra: &[&str]) {
    let status = bin()
        .arg("analyze")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .status()
        .expect("run");
    assert!(status.success());
}

/// The run's temporary folders are gone once it has ended.
fn assert_no_spill_folder(out: &Path) {
    let left: Vec<_> = std::fs::read_dir(out)
        .expect("out dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".netanalyzer-"))
        .collect();
    assert!(left.is_empty(), "spill folder left behind: {left:?}");
}

fn sum(rows: &[std::collections::BTreeMap<String, String>], columns: &[&str]) -> u64 {
    rows.iter()
        .flat_map(|r| {
            columns
                .iter()
                .map(move |c| r[*c].parse::<u64>().expect("number"))
        })
        .sum()
}

#[test]
fn flows_beyond_the_limit_are_spilled_and_none_is_lost() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = dir.path().join("many-flows.pcap");
    // Several batches, a few thousand flows: the limit below is crossed many times.
    common::generate_bench(&capture, 60000);
    let (whole, spilled) = (dir.path().join("whole"), dir.path().join("spilled"));
    analyze(&capture, &whole, &[]);
    // What a killed run left behind is cleared by the next run into the same folder.
    let stale = spilled.join(".netanalyzer-flows-killed");
    std::fs::create_dir_all(&stale).expect("stale folder");
    std::fs::write(stale.join("run-0.bin"), b"partial").expect("stale run");
    analyze(&capture, &spilled, &["--max-flows", "500"]);
    // Which flows are finished early does not depend on the number of threads.
    let one_thread = dir.path().join("one-thread");
    analyze(&capture, &one_thread, &["--max-flows", "500", "-j", "1"]);
    assert_eq!(
        std::fs::read(spilled.join("flows.csv")).expect("flows"),
        std::fs::read(one_thread.join("flows.csv")).expect("flows"),
    );

    let (a, b) = (summary(&whole), summary(&spilled));
    assert_eq!(a["flows"]["finished_early"], 0);
    assert!(b["flows"]["finished_early"].as_u64().expect("count") > 1000);
    assert_eq!(b["flows"]["untracked_packets"], 0);

    let (fa, fb) = (
        read_csv(&whole.join("flows.csv")),
        read_csv(&spilled.join("flows.csv")),
    );
    // A flow idle while 500 others were active is split in two, as after Zeek's inactivity
    // timeout; every packet and byte is still in exactly one flow.
    assert!(fb.len() >= fa.len());
    assert_eq!(b["flows"]["total"].as_u64(), Some(fb.len() as u64));
    let counted = ["orig_pkts", "resp_pkts", "orig_ip_bytes", "resp_ip_bytes"];
    assert_eq!(sum(&fa, &counted), sum(&fb, &counted));
    let starts: Vec<&str> = fb.iter().map(|r| r["start"].as_str()).collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "flows.csv is in start order"
    );

    // Tables that add flows up are the same whichever way the flows were kept.
    for table in [
        "ports.csv",
        "conversations.csv",
        "endpoints.csv",
        "protocols.csv",
    ] {
        assert_eq!(
            std::fs::read(whole.join(table)).expect("table"),
            std::fs::read(spilled.join(table)).expect("table"),
            "{table}"
        );
    }
    // The spill folder is removed with the run, and the stale one before it.
    assert_no_spill_folder(&spilled);
}

#[test]
fn address_pairs_beyond_the_limit_go_to_disk_and_add_up_exactly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = dir.path().join("many-pairs.pcap");
    common::generate_bench(&capture, 60000);
    let (whole, spilled) = (dir.path().join("whole"), dir.path().join("spilled"));
    analyze(&capture, &whole, &[]);
    // A few hundred pairs a shard: every shard is written out many times over.
    analyze(&capture, &spilled, &["--max-conversations", "800"]);
    let (a, b) = (summary(&whole), summary(&spilled));
    assert!(
        a["conversations_total"].as_u64().expect("count") > 3000,
        "the capture has many more pairs than the limit: {}",
        a["conversations_total"]
    );
    // Endpoints are counted in memory up to the same limit, then in runs too.
    assert!(a["endpoints_total"].as_u64().expect("count") > 800);
    for key in [
        "conversations_total",
        "endpoints_total",
        "top_conversations",
        "top_talkers",
    ] {
        assert_eq!(a[key], b[key], "{key}");
    }
    // Same rows in the same order (bytes, then addresses), merged from runs on disk.
    for table in ["conversations.csv", "endpoints.csv", "flows.csv"] {
        assert_eq!(
            std::fs::read(whole.join(table)).expect("table"),
            std::fs::read(spilled.join(table)).expect("table"),
            "{table}"
        );
    }
    assert_no_spill_folder(&spilled);
}
