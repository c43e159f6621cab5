//! Every capture of `../shared/corpus/` (real traces from tcpdump's and Zeek's test suites) against
//! tshark's view of it in `truth/`: packets, bytes, captured bytes, first/last timestamp, and
//! frames per protocol. Files that cannot match are listed, each with its reason, in
//! `tests/it/corpus-allowlist.tsv`; an entry that starts matching must be removed from it.
//!
//! Skips, with a message, where `../shared/corpus` is absent (a user's clone).

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use netanalyzer::analyze::{analyze_paths, Options};
use netanalyzer::decode::Proto;
use serde_json::Value;

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

/// Link types whose frames-per-protocol tshark's truth is complete for (the corpus README).
const COMMON_LINK_TYPES: [&str; 8] = [
    "ether",
    "linux-sll",
    "linux-sll2",
    "rawip",
    "rawip4",
    "rawip6",
    "null",
    "loop",
];

fn allowlist() -> BTreeMap<String, String> {
    let text = include_str!("corpus-allowlist.tsv");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(f, why)| (f.to_string(), why.to_string()))
        .collect()
}

/// Differences between our analysis of `file` and tshark's truth; empty when exact.
fn compare(dir: &Path, file: &str, link_type: &str) -> Vec<String> {
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("truth").join(format!("{file}.json")))
            .expect("truth file"),
    )
    .expect("truth json");
    let analysis = analyze_paths(
        &[dir.join("files").join(file)],
        &Options {
            batch_size: 64,
            ..Options::default()
        },
        &mut |_| {},
    );
    let t = &analysis.total;
    let mut diffs = Vec::new();
    let check = |diffs: &mut Vec<String>, what: &str, ours: u64, theirs: &Value| {
        if let Some(theirs) = theirs.as_u64() {
            if ours != theirs {
                diffs.push(format!("{what}: ours {ours}, tshark {theirs}"));
            }
        }
    };
    check(&mut diffs, "packets", t.packets, &truth["packets"]);
    check(&mut diffs, "bytes", t.bytes, &truth["bytes"]);
    check(
        &mut diffs,
        "captured_bytes",
        t.captured_bytes,
        &truth["captured_bytes"],
    );
    if t.packets > 0 {
        for (what, ours) in [("first_ts", t.min_ts), ("last_ts", t.max_ts)] {
            let ours = ours.unwrap_or(0) as f64 / 1e9;
            let theirs = truth[what].as_f64().unwrap_or(f64::NAN);
            if (ours - theirs).abs() > 2e-6 {
                diffs.push(format!("{what}: ours {ours:.6}, tshark {theirs:.6}"));
            }
        }
    }
    if COMMON_LINK_TYPES.contains(&link_type) {
        if let Some(with) = truth["frames_with"].as_object() {
            for (name, theirs) in with {
                let Some(p) = Proto::from_name(name) else {
                    continue;
                };
                check(
                    &mut diffs,
                    &format!("frames_with[{name}]"),
                    t.frames_with(p),
                    theirs,
                );
            }
        }
    }
    let tshark_clean = truth["tshark_stderr"].as_str().is_some_and(str::is_empty);
    if !tshark_clean && analysis.files.iter().all(|f| f.error.is_none()) {
        diffs.push("tshark reported damage but we read the file cleanly".into());
    }
    diffs
}

#[test]
fn corpus_matches_tshark() {
    let Some(dir) = corpus_dir() else {
        common::skip_without_shared("../shared/corpus is absent; the corpus comparison needs it");
        return;
    };
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("manifest");
    let allow = allowlist();
    let mut exact = 0;
    let mut unexpected = Vec::new();
    let mut stale = Vec::new();
    let mut total = 0;
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, link_type) = (cols[0], cols.get(7).copied().unwrap_or(""));
        total += 1;
        let diffs = compare(&dir, file, link_type);
        match (diffs.is_empty(), allow.contains_key(file)) {
            (true, false) => exact += 1,
            (true, true) => stale.push(file.to_string()),
            (false, true) => {}
            (false, false) => unexpected.push(format!("{file}\t{}", diffs.join("; "))),
        }
    }
    eprintln!(
        "corpus: exact on {exact} of {total} files; {} allow-listed",
        allow.len()
    );
    if let Ok(path) = std::env::var("CORPUS_MISMATCHES") {
        std::fs::write(path, unexpected.join("\n")).expect("write mismatches");
    }
    assert!(
        unexpected.is_empty(),
        "{} files differ from tshark and are not allow-listed:\n{}",
        unexpected.len(),
        unexpected
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        stale.is_empty(),
        "allow-listed files now match tshark; remove them from tests/it/corpus-allowlist.tsv:\n{}",
        stale.join("\n")
    );
}
