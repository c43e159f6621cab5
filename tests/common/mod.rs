//! Helpers shared by the integration tests: the binary, the samples, CSV reading.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built `netanalyzer` binary.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_netanalyzer"))
}

/// Runs the binary with `args`.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run netanalyzer")
}

/// The committed sample captures.
pub fn samples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("samples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.to_string_lossy();
            n.ends_with(".pcap") || n.ends_with(".pcapng") || n.ends_with(".gz")
        })
        .collect();
    files.sort();
    assert!(files.len() >= 8, "samples/ holds the generated captures");
    files
}

/// Writes a generated capture of `packets` frames of the benchmark's mix to `path`.
pub fn generate_bench(path: &Path, packets: usize) {
    let status = bin()
        .args(["generate", "--bench", &packets.to_string(), "--out"])
        .arg(path)
        .status()
        .expect("run netanalyzer generate");
    assert!(status.success(), "generate --bench {packets}");
}

/// Analyzes `input` into a fresh temporary directory (exit status 0 required).
pub fn analyze_into(input: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = bin()
        .arg("analyze")
        .arg(input)
        .arg("--out")
        .arg(dir.path())
        .arg("--quiet")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "analyze {} failed: {}",
        input.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// Reads a CSV with a header row into maps (fields are simple: no quoting in our tables' values
/// except where a test checks quoting itself).
pub fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).expect("csv");
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .expect("header")
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect()
}
