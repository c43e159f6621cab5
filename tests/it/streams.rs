//! Pipes named on the command line, read as streams: a FIFO and `-` (standard input), plain or
//! compressed, each read once, in its place among the files, with the totals of the file it
//! carries.
#![cfg(unix)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{self, bin, finish_within, mkfifo, summary};
use crate::compressed::{xz, zstd};

/// Waits for `child` at most `secs` seconds (a stream opened twice would block for ever).
/// Writes `bytes` into the FIFO at `path` from a thread (opening it blocks until read).
fn feed_fifo(path: &Path, bytes: Vec<u8>) -> std::thread::JoinHandle<()> {
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        let mut fifo = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("open the FIFO");
        // The reader may stop early (a damaged stream): a broken pipe is fine here.
        let _ = fifo.write_all(&bytes);
    })
}

fn analyze_cmd(inputs: &[&Path], out: &Path) -> Command {
    let mut cmd = bin();
    cmd.arg("analyze")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn same_tables(a: &Path, b: &Path) {
    for table in [
        "flows.csv",
        "conversations.csv",
        "protocols.csv",
        "timeseries.csv",
    ] {
        assert!(
            std::fs::read(a.join(table)).expect("table")
                == std::fs::read(b.join(table)).expect("table"),
            "{table} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn a_fifo_reads_as_the_file_it_carries_plain_or_compressed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = common::sample("office-ethernet.pcap");
    let bytes = std::fs::read(&plain).expect("sample");
    let reference = common::analyze_into(&plain);
    for (name, carried) in [
        ("plain", bytes.clone()),
        ("zstd", zstd(&bytes)),
        ("xz", xz(&bytes)),
    ] {
        let fifo = dir.path().join(format!("{name}.fifo"));
        mkfifo(&fifo);
        let writer = feed_fifo(&fifo, carried);
        let out = dir.path().join(format!("{name}.out"));
        let child = analyze_cmd(&[&fifo], &out).spawn().expect("run");
        let run = finish_within(child, Duration::from_secs(60));
        writer.join().expect("writer");
        assert!(
            run.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        same_tables(reference.path(), &out);
        let s = summary(&out);
        assert_eq!(s["packets"], summary(reference.path())["packets"], "{name}");
        assert_eq!(s["files"][0]["compressed"], name != "plain", "{name}");
    }
}

#[test]
fn stdin_is_read_once_in_its_place_among_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Two files whose time order is the reverse of the command line's, and between them a
    // stream whose frames come last in time: the files are ordered, the stream stays second.
    let early = common::sample("tunnels.pcap");
    let late = common::sample("raw-ipv4.pcap");
    let streamed = common::sample("office-ethernet.pcap");
    let first_ts = |p: &Path| {
        summary(common::analyze_into(p).path())["first_timestamp"]
            .as_str()
            .expect("timestamp")
            .to_string()
    };
    let (e, l, s) = (first_ts(&early), first_ts(&late), first_ts(&streamed));
    assert!(e < l, "the samples' order in time: {e} {l}");
    let out = dir.path().join("out");
    let mut child = analyze_cmd(&[&late, Path::new("-"), &early], &out)
        .stdin(Stdio::piped())
        .spawn()
        .expect("run");
    let bytes = zstd(&std::fs::read(&streamed).expect("sample"));
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&bytes).expect("feed stdin"));
    let run = finish_within(child, Duration::from_secs(60));
    writer.join().expect("writer");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary = summary(&out);
    let files: Vec<&str> = summary["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    let name = |p: &PathBuf| p.display().to_string();
    assert_eq!(files, [name(&early).as_str(), "-", name(&late).as_str()]);
    assert_eq!(summary["files"][1]["compression"], "zstd");
    let together = common::analyze_into(&streamed);
    assert_eq!(
        summary["files"][1]["packets"],
        common::summary(together.path())["packets"]
    );
    // The intervals count from the earliest frame of all, the stream's (peeked before it is
    // read) included.
    let earliest = [e, l, s].into_iter().min().expect("three");
    let series = common::read_csv(&out.join("timeseries.csv"));
    assert_eq!(series[0]["interval_start"], earliest);
}

#[test]
fn a_damaged_stream_on_stdin_names_it_and_keeps_what_came_before() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = dir.path().join("big.pcap");
    common::generate_bench(&plain, 20000);
    let compressed = zstd(&std::fs::read(&plain).expect("capture"));
    let cut = compressed[..compressed.len() / 2].to_vec();
    let out = dir.path().join("out");
    let mut child = analyze_cmd(&[Path::new("-")], &out)
        .stdin(Stdio::piped())
        .spawn()
        .expect("run");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&cut).expect("feed stdin"));
    let run = finish_within(child, Duration::from_secs(60));
    writer.join().expect("writer");
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("-: at byte offset") && stderr.contains("zstd stream is damaged"),
        "{stderr}"
    );
    let packets = summary(&out)["packets"].as_u64().expect("packets");
    assert!(packets > 5000 && packets < 20000, "{packets}");
}
