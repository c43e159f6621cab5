//! A compressed capture (gzip, zstd, xz) of several decoded chunks, in several members, frames or
//! streams, reads exactly as the plain file, and a damaged one keeps every frame before the
//! damage.

use crate::common;

use std::io::Write;
use std::path::Path;

use crate::common::{bin, summary};

fn analyze(input: &Path, out: &Path) -> std::process::Output {
    bin()
        .arg("analyze")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .output()
        .expect("run")
}

const TABLES: [&str; 6] = [
    "flows.csv",
    "conversations.csv",
    "endpoints.csv",
    "ports.csv",
    "protocols.csv",
    "timeseries.csv",
];

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).expect("compress");
    enc.finish().expect("finish")
}

/// As the `zstd` command writes it: with the content checksum.
pub fn zstd(bytes: &[u8]) -> Vec<u8> {
    let mut enc = zstd::stream::write::Encoder::new(Vec::new(), 1).expect("zstd");
    enc.include_checksum(true).expect("checksum");
    enc.write_all(bytes).expect("compress");
    enc.finish().expect("finish")
}

pub fn xz(bytes: &[u8]) -> Vec<u8> {
    let mut enc = liblzma::write::XzEncoder::new(Vec::new(), 1);
    enc.write_all(bytes).expect("compress");
    enc.finish().expect("finish")
}

/// Runs `compressed` (named `name`) and the plain capture it holds, and checks the tables
/// match and every frame is counted.
fn reads_as_the_plain_one(dir: &Path, plain: &Path, name: &str, compressed: &[u8], packets: u64) {
    let path = dir.join(name);
    std::fs::write(&path, compressed).expect("write");
    let (a, b) = (dir.join("plain"), dir.join(format!("{name}.out")));
    if !a.exists() {
        assert!(analyze(plain, &a).status.success());
    }
    let run = analyze(&path, &b);
    assert!(
        run.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    for table in TABLES {
        assert!(
            std::fs::read(a.join(table)).expect("table")
                == std::fs::read(b.join(table)).expect("table"),
            "{table} differs between the plain capture and {name}"
        );
    }
    assert_eq!(summary(&b)["packets"], packets, "{name}");
}

/// Cuts `compressed` in the middle: the frames before the cut are counted, the error names the
/// file, the format and an offset in the decoded stream, and the exit code says so.
fn a_cut_keeps_what_came_before(
    dir: &Path,
    name: &str,
    compressed: &[u8],
    format: &str,
    packets: u64,
) {
    let cut = dir.join(format!("cut-{name}"));
    std::fs::write(&cut, &compressed[..compressed.len() / 2]).expect("write");
    let c = dir.join(format!("cut-{name}.out"));
    let run = analyze(&cut, &c);
    assert_eq!(run.status.code(), Some(1), "{name}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(&format!("cut-{name}"))
            && stderr.contains("byte offset")
            && stderr.contains(&format!("{format} stream is damaged")),
        "{stderr}"
    );
    let s = summary(&c);
    let got = s["packets"].as_u64().expect("packets");
    assert!(
        got > packets / 3 && got < packets,
        "{name}: {got} frames before the cut"
    );
    let error = &s["files"][0]["errors"][0];
    let offset = error["offset"].as_u64().expect("offset");
    assert!(offset > 0 && offset > got * 16, "{name}: offset {offset}");
}

#[test]
fn a_gzip_capture_of_many_chunks_reads_as_the_plain_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = dir.path().join("big.pcap");
    // About 100 MB inflated: several chunks, with records cut at every chunk boundary.
    common::generate_bench(&plain, 120000);
    let bytes = std::fs::read(&plain).expect("capture");
    let gz = gzip(&bytes);
    reads_as_the_plain_one(dir.path(), &plain, "big.pcap.gz", &gz, 120000);
    a_cut_keeps_what_came_before(dir.path(), "big.pcap.gz", &gz, "gzip", 120000);
}

#[test]
fn zstd_and_xz_captures_of_many_chunks_and_frames_read_as_the_plain_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = dir.path().join("big.pcap");
    // About 40 MB decoded: two chunks, in two frames (or streams) cut inside a record.
    common::generate_bench(&plain, 50000);
    let bytes = std::fs::read(&plain).expect("capture");
    let half = bytes.len() / 2 + 7;
    let (head, tail) = bytes.split_at(half);
    for (name, one, two, format) in [
        (
            "big.pcap.zst",
            zstd(&bytes),
            [zstd(head), zstd(tail)].concat(),
            "zstd",
        ),
        (
            "big.pcap.xz",
            xz(&bytes),
            [xz(head), xz(tail)].concat(),
            "xz",
        ),
    ] {
        reads_as_the_plain_one(dir.path(), &plain, name, &one, 50000);
        reads_as_the_plain_one(dir.path(), &plain, &format!("two-{name}"), &two, 50000);
        a_cut_keeps_what_came_before(dir.path(), name, &one, format, 50000);
        // Known by magic, not by name, and said so in the summary.
        let renamed = dir.path().join(format!("{format}.capture"));
        std::fs::write(&renamed, &one).expect("write");
        let out = dir.path().join(format!("{format}.out"));
        assert!(analyze(&renamed, &out).status.success());
        let s = summary(&out);
        assert_eq!(s["files"][0]["compressed"], true);
        assert_eq!(s["files"][0]["compression"], format);
        assert_eq!(s["packets"], 50000);
    }
}

#[test]
fn a_gzip_summary_reads_as_before_zstd_and_xz() {
    // `compression` is new with zstd and xz: a plain or gzip input's summary has none.
    let dir = common::analyze_into(&common::sample("office-ethernet.pcap.gz"));
    let file = &summary(dir.path())["files"][0];
    assert_eq!(file["compressed"], true);
    assert!(file.get("compression").is_none(), "{file}");
    let dir = common::analyze_into(&common::sample("office-ethernet.pcap"));
    let file = &summary(dir.path())["files"][0];
    assert_eq!(file["compressed"], false);
    assert!(file.get("compression").is_none(), "{file}");
}
