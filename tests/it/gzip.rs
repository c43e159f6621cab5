//! A `.gz` capture of several inflated chunks reads exactly as the plain file, and a damaged one
//! keeps every frame before the damage.

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

#[test]
fn a_gzip_capture_of_many_chunks_reads_as_the_plain_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = dir.path().join("big.pcap");
    // About 100 MB inflated: several chunks, with records cut at every chunk boundary.
    common::generate_bench(&plain, 120000);
    let bytes = std::fs::read(&plain).expect("capture");
    let gz = dir.path().join("big.pcap.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).expect("create"),
        flate2::Compression::fast(),
    );
    enc.write_all(&bytes).expect("compress");
    enc.finish().expect("finish");

    let (a, b) = (dir.path().join("plain"), dir.path().join("gz"));
    assert!(analyze(&plain, &a).status.success());
    assert!(analyze(&gz, &b).status.success());
    for table in [
        "flows.csv",
        "conversations.csv",
        "endpoints.csv",
        "ports.csv",
        "protocols.csv",
        "timeseries.csv",
    ] {
        assert!(
            std::fs::read(a.join(table)).expect("table")
                == std::fs::read(b.join(table)).expect("table"),
            "{table} differs between the plain and the gzip capture"
        );
    }
    assert_eq!(summary(&b)["packets"], 120000);

    // Cut the compressed file in the middle: the frames before the cut are counted, the error
    // names the file and an offset in the inflated stream, and the exit code says so.
    let gz_bytes = std::fs::read(&gz).expect("gz");
    let cut = dir.path().join("cut.pcap.gz");
    std::fs::write(&cut, &gz_bytes[..gz_bytes.len() / 2]).expect("write");
    let c = dir.path().join("cut");
    let run = analyze(&cut, &c);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("cut.pcap.gz") && stderr.contains("byte offset"),
        "{stderr}"
    );
    let packets = summary(&c)["packets"].as_u64().expect("packets");
    assert!(
        packets > 40_000 && packets < 120_000,
        "{packets} frames before the cut"
    );
}
