//! Bad input is normal input: damaged, foreign, empty and missing files get a clear error naming
//! the file and the byte offset, the frames before the damage count, the other inputs are still
//! analyzed, and the exit status says what happened.

use crate::common;

use std::path::Path;
use std::process::Command;

use crate::common::{bin, sample};
use serde_json::Value;

/// Byte offsets of the records of a little-endian microsecond pcap.
fn record_offsets(bytes: &[u8]) -> Vec<usize> {
    let mut at = 24;
    let mut out = Vec::new();
    while at + 16 <= bytes.len() {
        out.push(at);
        let caplen = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().expect("4 bytes"));
        at += 16 + caplen as usize;
    }
    out
}

struct Run {
    code: i32,
    stderr: String,
    summary: Value,
}

fn analyze(inputs: &[&Path]) -> Run {
    let out_dir = tempfile::tempdir().expect("tempdir");
    let out = bin()
        .arg("analyze")
        .args(inputs)
        .arg("--out")
        .arg(out_dir.path())
        .arg("--quiet")
        .output()
        .expect("run");
    let summary = common::summary_if_written(out_dir.path());
    Run {
        code: out.status.code().expect("exit code"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        summary,
    }
}

fn capinfos_packets(path: &Path) -> Option<u64> {
    let out = Command::new("capinfos")
        .arg("-c")
        .arg("-M")
        .arg(path)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find(|l| l.contains("Number of packets"))
        .and_then(|l| l.split(':').nth(1))
        .and_then(|v| v.trim().parse().ok())
}

#[test]
fn a_truncated_file_keeps_the_frames_before_the_cut() {
    let good = std::fs::read(sample("office-ethernet.pcap")).expect("sample");
    let offsets = record_offsets(&good);
    let cut_record = offsets[100];
    let dir = tempfile::tempdir().expect("tempdir");
    let damaged = dir.path().join("cut.pcap");
    std::fs::write(&damaged, &good[..cut_record + 20]).expect("write");

    let run = analyze(&[&damaged]);
    assert_eq!(run.code, 1, "damaged input exits 1");
    assert!(
        run.stderr.contains("cut.pcap"),
        "names the file: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("byte offset {cut_record}")),
        "names the offset {cut_record}: {}",
        run.stderr
    );
    assert_eq!(run.summary["packets"], 100);
    assert_eq!(run.summary["errors"][0]["offset"], cut_record as u64);
    assert!(run.summary["files"][0]["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("cut short")));
    // tshark's capinfos counts the same frames before the damage.
    if let Some(n) = capinfos_packets(&damaged) {
        assert_eq!(n, 100);
    }
}

#[test]
fn an_impossible_record_length_is_an_error_at_its_offset() {
    let mut bytes = std::fs::read(sample("office-ethernet.pcap")).expect("sample");
    let at = record_offsets(&bytes)[7];
    bytes[at + 8..at + 12].copy_from_slice(&0x7fff_fff0u32.to_le_bytes());
    let dir = tempfile::tempdir().expect("tempdir");
    let damaged = dir.path().join("huge.pcap");
    std::fs::write(&damaged, &bytes).expect("write");
    let run = analyze(&[&damaged]);
    assert_eq!(run.code, 1);
    assert_eq!(run.summary["packets"], 7);
    assert_eq!(run.summary["errors"][0]["offset"], at as u64);
    assert!(
        run.stderr.contains("more than the maximum"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_pcapng_block_length_is_an_error_and_other_inputs_go_on() {
    let mut bytes = std::fs::read(sample("multi-interface.pcapng")).expect("sample");
    // Walk to the 20th block and give it a length that is not a multiple of 4.
    let mut at = 0;
    for _ in 0..20 {
        let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().expect("4 bytes"));
        at += len as usize;
    }
    bytes[at + 4..at + 8].copy_from_slice(&13u32.to_le_bytes());
    let dir = tempfile::tempdir().expect("tempdir");
    let damaged = dir.path().join("bad-block.pcapng");
    std::fs::write(&damaged, &bytes).expect("write");
    let good = sample("linux-sll.pcap");
    let run = analyze(&[&damaged, &good]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("bad-block.pcapng"));
    assert!(
        run.stderr.contains(&format!("byte offset {at}")),
        "{}",
        run.stderr
    );
    let files = run.summary["files"].as_array().expect("files");
    assert_eq!(files.len(), 2);
    let sll = files
        .iter()
        .find(|f| {
            f["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("linux-sll.pcap"))
        })
        .expect("the good file is analyzed too");
    assert!(sll["errors"].as_array().is_some_and(|e| e.is_empty()));
    assert!(sll["packets"].as_u64() > Some(100));
}

#[test]
fn foreign_empty_and_missing_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "this is not a capture\n").expect("write");
    let empty = dir.path().join("empty.pcap");
    std::fs::write(&empty, "").expect("write");
    let missing = dir.path().join("vanished.pcap");
    let good = sample("raw-ip.pcap");

    let run = analyze(&[&text, &empty, &missing, &good]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("notes.txt") && run.stderr.contains("not a pcap or pcapng"));
    assert!(run.stderr.contains("empty.pcap") && run.stderr.contains("empty"));
    assert!(run.stderr.contains("vanished.pcap"));
    assert_eq!(run.summary["errors"].as_array().map(Vec::len), Some(3));
    assert!(
        run.summary["packets"].as_u64() > Some(100),
        "the good file still counts"
    );

    let alone = analyze(&[&text]);
    assert_eq!(alone.code, 3, "nothing readable at all");
}

#[test]
fn nothing_readable_writes_no_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tiny = dir.path().join("tiny.pcap");
    std::fs::write(&tiny, "hi\n").expect("write");
    let out_dir = dir.path().join("reports");
    for input in [tiny.as_path(), &dir.path().join("nosuch.pcap")] {
        let out = bin()
            .arg("analyze")
            .arg(input)
            .arg("--out")
            .arg(&out_dir)
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        assert!(stderr.contains("no reports written"), "{stderr}");
        assert!(
            !out_dir.exists(),
            "no report folder for {}",
            input.display()
        );
    }
    let run = analyze(&[&tiny]);
    assert!(
        run.stderr.contains("not a capture (too short: 3 bytes)"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_same_packets_twice_are_named_in_the_summary() {
    let office = sample("office-ethernet.pcap");
    let big_endian = sample("office-ethernet-ns-be.pcap");
    let run = analyze(&[&office, &big_endian, &sample("raw-ip.pcap")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dups = run.summary["duplicate_files"].as_array().expect("list");
    assert_eq!(dups.len(), 1, "{dups:?}");
    let named = [dups[0]["path"].as_str(), dups[0]["same_as"].as_str()];
    assert!(named
        .iter()
        .any(|p| p.is_some_and(|p| p.ends_with("office-ethernet.pcap"))));
    assert!(named
        .iter()
        .any(|p| p.is_some_and(|p| p.ends_with("ns-be.pcap"))));
    let alone = analyze(&[&office, &sample("raw-ip.pcap")]);
    assert_eq!(
        alone.summary["duplicate_files"].as_array().map(Vec::len),
        Some(0)
    );
}

#[test]
fn a_closed_pipe_is_a_quiet_end() {
    use std::io::Read as _;
    use std::process::Stdio;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = bin()
        .arg("analyze")
        .arg(sample("office-ethernet.pcap"))
        .args([
            "--interval",
            "1ms",
            "--influx-out",
            "-",
            "--influx-packets",
            "--out",
        ])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run");
    // Read ten bytes, then close the pipe as `head -c 10` does.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 10];
    stdout.read_exact(&mut first).expect("data");
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("Broken pipe") && !stderr.contains("panicked"),
        "{stderr}"
    );
    assert!(
        first.starts_with(b"traffic,"),
        "line protocol first: {}",
        String::from_utf8_lossy(&first)
    );
    let left = common::hidden_files(dir.path());
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn line_protocol_on_stdout_has_no_summary_in_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = bin()
        .arg("analyze")
        .arg(sample("office-ethernet.pcap"))
        .args(["--influx-out", "-", "--out"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout
            .lines()
            .all(|l| l.contains(",capture=office-ethernet")),
        "only points on stdout: {}",
        stdout.lines().next().unwrap_or_default()
    );
    assert!(stderr.contains("spanning 6.807 s of capture"), "{stderr}");
}

#[test]
fn a_folder_skips_what_is_not_a_capture_and_reads_the_rest_in_time_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("nested")).expect("mkdir");
    std::fs::write(dir.path().join("README.txt"), "hello").expect("write");
    std::fs::copy(
        sample("office-ethernet.pcap"),
        dir.path().join("nested/b.pcap"),
    )
    .expect("copy");
    std::fs::copy(sample("raw-ip.pcap"), dir.path().join("a.cap")).expect("copy");
    std::fs::write(dir.path().join("live.pcap.part"), "partial").expect("write");
    let run = analyze(&[dir.path()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("skipped") && run.stderr.contains("README.txt"));
    assert_eq!(run.summary["files"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        run.summary["skipped_files"].as_array().map(Vec::len),
        Some(2)
    );
    let firsts: Vec<&str> = run.summary["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["first_timestamp"].as_str().expect("timestamp"))
        .collect();
    assert!(
        firsts.windows(2).all(|w| w[0] <= w[1]),
        "files in time order: {firsts:?}"
    );
}

#[test]
fn a_truncated_gzip_stream_is_an_error_after_the_frames_it_held() {
    let gz = std::fs::read(sample("office-ethernet.pcap.gz")).expect("sample");
    let dir = tempfile::tempdir().expect("tempdir");
    let cut = dir.path().join("cut.pcap.gz");
    std::fs::write(&cut, &gz[..gz.len() * 2 / 3]).expect("write");
    let run = analyze(&[&cut]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("cut.pcap.gz"), "{}", run.stderr);
    let packets = run.summary["packets"].as_u64().expect("packets");
    assert!(
        packets > 0 && packets < 312,
        "some frames before the cut: {packets}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = common::run(&["analyze"]);
    assert_eq!(out.status.code(), Some(2));
    let out = common::run(&["analyze", "x.pcap", "--interval", "fast"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a duration"));
}

#[test]
fn help_shows_examples_and_whether_capture_is_built_in() {
    let out = common::run(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for task in [
        "netanalyzer analyze ",
        "netanalyzer compare ",
        "netanalyzer capture ",
    ] {
        assert!(help.contains(task), "no example of {task}: {help}");
    }
    let out = common::run(&["capture", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    let expected = if cfg!(feature = "capture") {
        "This build has live capture"
    } else {
        "This build has NO live capture"
    };
    assert!(help.contains(expected), "{help}");
}
