//! The faults real archives and pipelines bring: files that change while they are read, folders
//! with links, loops, FIFOs and second names, disks that fill, inputs at the limits.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{self, bin, generate_bench, sample};

/// Runs `cmd`, killing it when it outlives `limit`: a hang is a failure, not a stuck test run.
fn run_within(mut cmd: Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run netanalyzer");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "still running after {limit:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn analyze_cmd(inputs: &[&Path], out: &Path) -> Command {
    let mut cmd = bin();
    cmd.arg("analyze")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .arg("--quiet");
    cmd
}

fn packets(out: &Path) -> u64 {
    common::summary(out)["packets"].as_u64().expect("packets")
}

fn skipped(out: &Path) -> Vec<(String, String)> {
    common::summary(out)["skipped_files"]
        .as_array()
        .expect("skipped_files")
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap_or_default().to_string(),
                s["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_capture_truncated_while_it_is_analyzed_is_an_error_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ring = dir.path().join("ring.pcap");
    generate_bench(&ring, 60_000);
    let len = std::fs::metadata(&ring).expect("size").len();
    let cut = len / 2 + 3;
    // What the run should count: the records before the cut, as in a copy cut there.
    let copy = dir.path().join("cut-copy.pcap");
    let bytes = std::fs::read(&ring).expect("read");
    std::fs::write(&copy, &bytes[..cut as usize]).expect("write");
    let expected_out = dir.path().join("expected");
    let expected = run_within(
        analyze_cmd(&[&copy], &expected_out),
        Duration::from_secs(120),
    );
    assert_eq!(expected.status.code(), Some(1), "a cut copy is damaged");

    let office = sample("office-ethernet.pcap");
    let out = dir.path().join("out");
    let mut cmd = analyze_cmd(&[&ring, &office], &out);
    cmd.env(
        "NETANALYZER_TEST_TRUNCATE",
        format!("{}:{cut}", ring.display()),
    );
    let run = run_within(cmd, Duration::from_secs(120));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "exit 1, no signal: {stderr}");
    assert!(
        stderr.contains("ring.pcap")
            && stderr.contains(&format!("byte offset {cut}"))
            && stderr.contains(&format!("shrank from {len} to {cut} bytes")),
        "names the file, the offset and the change: {stderr}"
    );
    assert_eq!(
        std::fs::metadata(&ring).expect("size").len(),
        cut,
        "the hook ran"
    );
    let office_alone = common::analyze_into(&office);
    assert_eq!(
        packets(&out),
        packets(&expected_out) + packets(office_alone.path()),
        "the records before the cut and the other input count"
    );
}

#[test]
fn a_folder_with_a_link_loop_a_second_link_and_a_fifo_counts_each_capture_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("case");
    let sub = root.join("evidence");
    std::fs::create_dir_all(&sub).expect("mkdir");
    std::fs::copy(sample("office-ethernet.pcap"), sub.join("a.pcap")).expect("copy");
    std::fs::copy(sample("raw-ip.pcap"), root.join("b.pcap")).expect("copy");
    std::os::unix::fs::symlink("..", sub.join("loop")).expect("link");
    std::os::unix::fs::symlink("evidence/a.pcap", root.join("latest.pcap")).expect("link");
    std::os::unix::fs::symlink("evidence", root.join("shared")).expect("link");
    let fifo = root.join("pipe.pcap");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success(), "mkfifo");

    let alone = |name: &str| packets(common::analyze_into(&sample(name)).path());
    let expected = alone("office-ethernet.pcap") + alone("raw-ip.pcap");
    for follow in [false, true] {
        let out = dir.path().join(format!("out-{follow}"));
        let mut cmd = analyze_cmd(&[&root], &out);
        if follow {
            cmd.arg("--follow-links");
        }
        let run = run_within(cmd, Duration::from_secs(60));
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(0), "{stderr}");
        assert_eq!(packets(&out), expected, "each capture once (-L: {follow})");
        let skipped = skipped(&out);
        let reason = |suffix: &str| {
            skipped
                .iter()
                .find(|(p, _)| p.ends_with(suffix))
                .map(|(_, r)| r.clone())
                .unwrap_or_else(|| panic!("{suffix} not in skipped_files: {skipped:?}"))
        };
        assert!(reason("pipe.pcap").starts_with("a FIFO"));
        assert!(reason("latest.pcap").contains("the same file as"));
        assert!(reason("latest.pcap").contains("evidence/a.pcap"));
        if follow {
            assert!(reason("loop").contains("loop"));
            assert!(reason("shared").contains("the same folder as"));
        } else {
            assert!(reason("loop").contains("not followed"));
            assert!(reason("shared").contains("not followed"));
        }
    }
}

#[test]
fn the_same_file_named_twice_is_read_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let office = sample("office-ethernet.pcap");
    let link = dir.path().join("again.pcap");
    std::os::unix::fs::symlink(&office, &link).expect("link");
    let out = dir.path().join("out");
    let run = run_within(
        analyze_cmd(&[&office, &link, &office], &out),
        Duration::from_secs(60),
    );
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(packets(&out), packets(common::analyze_into(&office).path()));
    assert_eq!(skipped(&out).len(), 2, "{:?}", skipped(&out));
}
