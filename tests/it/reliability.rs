//! The faults real archives and pipelines bring: files that change while they are read, folders
//! with links, loops, FIFOs and second names, disks that fill, inputs at the limits.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{self, bin, generate_bench, sample};

/// Runs `cmd`, killing it when it outlives `limit`.
fn run_within(mut cmd: Command, limit: Duration) -> Output {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run netanalyzer");
    common::finish_within(child, limit)
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
    common::mkfifo(&fifo);

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

/// A small tmpfs mounted for a test, unmounted when dropped: a disk that fills. Needs root.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let root = Command::new("id").arg("-u").output().ok()?;
        if String::from_utf8_lossy(&root.stdout).trim() != "0" {
            common::skip("a full disk is a small tmpfs, and mounting one needs root");
            return None;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount");
        assert!(mounted.success(), "mount a tmpfs");
        Some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn a_full_output_disk_keeps_the_summary_and_exits_3_naming_the_cause() {
    let Some(disk) = SmallDisk::mount("600k") else {
        return;
    };
    let input_dir = tempfile::tempdir().expect("tempdir");
    let big = input_dir.path().join("busy.pcap");
    generate_bench(&big, 200_000);
    let out = disk.path().join("report");
    // An earlier complete report of another capture in the same folder.
    let office = sample("office-ethernet.pcap");
    let earlier = run_within(analyze_cmd(&[&office], &out), Duration::from_secs(60));
    assert_eq!(earlier.status.code(), Some(0));
    assert!(out.join("flows.csv").is_file());

    // Few flows in memory: finished ones go to disk, which fills.
    let mut cmd = analyze_cmd(&[&big], &out);
    cmd.args(["--max-flows", "2000"]);
    let run = run_within(cmd, Duration::from_secs(300));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("No space left on device") && stderr.contains("flows.csv"),
        "names the path and the cause: {stderr}"
    );
    assert!(
        stderr.contains("writing temporary files to"),
        "the spill moved off the full disk: {stderr}"
    );
    let summary = common::summary(&out);
    let roomy = tempfile::tempdir().expect("tempdir");
    let mut cmd = analyze_cmd(&[&big], roomy.path());
    cmd.args(["--max-flows", "2000"]);
    assert_eq!(
        run_within(cmd, Duration::from_secs(300)).status.code(),
        Some(0)
    );
    let expected = common::summary(roomy.path());
    assert_eq!(summary["packets"], expected["packets"], "the new summary");
    assert_eq!(summary["flows"], expected["flows"], "every flow counted");
    // Nothing of the earlier report is left beside the new one.
    for (name, _) in [("flows.csv", ()), ("conversations.csv", ())] {
        assert!(
            !out.join(name).exists() || stderr.matches(name).count() == 0,
            "{name}: an old table beside the new summary"
        );
    }
    let stray = common::hidden_files(&out);
    assert!(stray.is_empty(), "temporary files left: {stray:?}");
}

#[test]
fn a_full_disk_closes_the_capture_file_cleanly() {
    use netanalyzer::capture::rotate::{CaptureInfo, RotatingWriter, Rotation};
    let Some(disk) = SmallDisk::mount("256k") else {
        return;
    };
    let info = CaptureInfo {
        interface: "test0".into(),
        filter: String::new(),
        snaplen: 65535,
        linktype: 1,
        nanosecond: false,
        hostname: "test".into(),
        tool_version: "test",
    };
    let mut writer =
        RotatingWriter::new(&disk.path().join("cap"), Rotation::default(), info).expect("writer");
    let frame = [0x5au8; 1000];
    let mut sent = 0u64;
    let failure = loop {
        match writer.write(1_700_000_000_000_000_000 + sent as i64 * 1000, 1000, &frame) {
            Ok(()) => sent += 1,
            Err(e) => break e,
        }
        assert!(sent < 10_000, "a 256 KB disk never filled");
    };
    assert!(failure.to_string().contains("No space left"), "{failure}");
    let closed = writer.close().expect("closed cleanly").expect("a file");
    assert!(
        closed.extension().is_some_and(|e| e == "pcap"),
        "{closed:?}"
    );
    let names: Vec<String> = std::fs::read_dir(disk.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with(".part") || n.ends_with(".tmp")),
        "{names:?}"
    );
    let record: serde_json::Value = serde_json::from_slice(
        &std::fs::read(closed.with_extension("json")).expect("the file's record"),
    )
    .expect("json");
    // The file is a valid capture of the frames its record counts.
    let out = tempfile::tempdir().expect("tempdir");
    let run = run_within(analyze_cmd(&[&closed], out.path()), Duration::from_secs(60));
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let packets = common::summary(out.path())["packets"]
        .as_u64()
        .expect("packets");
    assert_eq!(record["packets"].as_u64(), Some(packets));
    assert!(packets > 100 && packets <= sent, "{packets} of {sent}");
}

#[test]
fn follow_reads_a_file_a_ring_rewrites_in_place_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let caps = dir.path().join("ring");
    let reports = dir.path().join("reports");
    std::fs::create_dir(&caps).expect("mkdir");
    let first = sample("office-ethernet.pcap");
    let second = sample("raw-ip.pcap");
    let ring = caps.join("ring0.pcap");
    std::fs::copy(&first, &ring).expect("copy");
    let mut follower = bin()
        .args(["analyze", "--follow", "--quiet", "--poll", "100ms", "--out"])
        .arg(&reports)
        .arg(&caps)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start follow");
    let count = |p: &Path| packets(common::analyze_into(p).path());
    let (a, b) = (count(&first), count(&second));
    let summary_packets = || {
        std::fs::read_to_string(reports.join("summary.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|s| s["packets"].as_u64())
    };
    let wait_for = |want: u64| {
        let started = Instant::now();
        while summary_packets() != Some(want) {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "waited for {want} packets, have {:?}",
                summary_packets()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    // Files without a capture record are taken once unchanged for 5 s.
    wait_for(a);
    // The ring comes round: the same name, new content, written in place.
    std::fs::write(&ring, std::fs::read(&second).expect("read")).expect("rewrite");
    wait_for(a + b);
    let _ = Command::new("kill").arg(follower.id().to_string()).status();
    let _ = follower.wait();
    let state: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(reports.join("follow-state.json")).expect("state"),
    )
    .expect("json");
    let names: Vec<&str> = state["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(names, ["ring0.pcap", "ring0.pcap"]);
}

#[test]
fn every_mode_writing_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = common::analyze_into(&sample("office-ethernet.pcap"));
    let office = sample("office-ethernet.pcap");
    let out = dir.path().join("out");
    let gen = dir.path().join("gen");
    let report_dir = report.path().to_str().expect("utf-8 path");
    let cases: Vec<Vec<&str>> = vec![
        vec![
            "analyze",
            office.to_str().expect("utf-8"),
            "--out",
            out.to_str().expect("utf-8"),
        ],
        vec!["compare", report_dir, report_dir],
        vec!["capture", "--list-interfaces"],
        vec!["generate", "--out", gen.to_str().expect("utf-8")],
        vec!["--help"],
    ];
    for args in cases {
        let mut child = bin()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run");
        // The reader goes away before anything is written, as `| head -c 0` would.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );
    }
}

/// Runs `cmd` to its end; its exit code and peak resident memory in MB (the high-water mark the
/// kernel keeps for the process, read as it runs: a fork's own accounting starts from its
/// parent's), or a failure when it outlives `limit`.
fn run_measured(mut cmd: Command, limit: Duration) -> (Option<i32>, u64, String) {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run netanalyzer");
    let status_file = format!("/proc/{}/status", child.id());
    let started = Instant::now();
    let mut peak_kb = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
            peak_kb = peak_kb.max(hwm.unwrap_or(0));
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
    }
    (status.code(), peak_kb / 1024, stderr)
}

fn pcap_header() -> Vec<u8> {
    let mut b = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
    b.extend_from_slice(&[0; 8]);
    b.extend_from_slice(&65535u32.to_le_bytes());
    b.extend_from_slice(&1u32.to_le_bytes());
    b
}

fn pcap_record(out: &mut Vec<u8>, i: u32, frame: &[u8]) {
    out.extend_from_slice(&(1_700_000_123 + i / 100_000).to_le_bytes());
    out.extend_from_slice(&(i % 100_000 * 10).to_le_bytes());
    out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
    out.extend_from_slice(&60u32.to_le_bytes());
    out.extend_from_slice(frame);
}

#[test]
fn ten_million_tiny_records_are_analyzed_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("tiny.pcap");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let mut chunk = pcap_header();
    // Ethernet headers alone (cut by a snap length of 14), from a thousand addresses.
    for i in 0..10_000_000u32 {
        let mut frame = [0u8; 14];
        frame[..6].copy_from_slice(&[2, 0, 0, 0, (i >> 8) as u8 & 3, i as u8]);
        frame[12..].copy_from_slice(&[0x08, 0x00]);
        pcap_record(&mut chunk, i, &frame);
        if chunk.len() > 1 << 20 {
            std::io::Write::write_all(&mut file, &chunk).expect("write");
            chunk.clear();
        }
    }
    std::io::Write::write_all(&mut file, &chunk).expect("write");
    drop(file);
    let out = dir.path().join("out");
    let (code, rss_mb, stderr) =
        run_measured(analyze_cmd(&[&path], &out), Duration::from_secs(300));
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(packets(&out), 10_000_000);
    assert!(rss_mb < 400, "peak RSS {rss_mb} MB");
}

#[test]
fn a_folder_of_a_hundred_thousand_files_is_read_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("many");
    std::fs::create_dir(&folder).expect("mkdir");
    let office = std::fs::read(sample("office-ethernet.pcap")).expect("sample");
    // The file header and the first frame of a real capture, a hundred thousand times.
    let first_frame_end =
        24 + 16 + u32::from_le_bytes(office[32..36].try_into().expect("4")) as usize;
    for i in 0..100_000 {
        let sub = folder.join(format!("{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir(&sub).expect("mkdir");
        }
        std::fs::write(sub.join(format!("{i:06}.pcap")), &office[..first_frame_end])
            .expect("write");
    }
    let out = dir.path().join("out");
    let mut cmd = analyze_cmd(&[&folder], &out);
    cmd.args(["--format", "json"]);
    let (code, rss_mb, stderr) = run_measured(cmd, Duration::from_secs(600));
    assert_eq!(code, Some(0), "{stderr}");
    let summary = common::summary(&out);
    assert_eq!(summary["packets"], 100_000);
    assert_eq!(summary["files"].as_array().map(Vec::len), Some(100_000));
    assert!(rss_mb < 1000, "peak RSS {rss_mb} MB");
}

#[test]
fn a_hundred_gigabytes_of_zeros_is_rejected_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zeros = dir.path().join("zeros.bin");
    let preallocated = dir.path().join("preallocated.pcap");
    let mut header = pcap_header();
    pcap_record(&mut header, 0, &[0u8; 60]);
    std::fs::write(&preallocated, &header).expect("write");
    for path in [&zeros, &preallocated] {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .expect("open");
        // Sparse: no disk is used.
        file.set_len(100 << 30).expect("sparse file");
    }
    let out = dir.path().join("out");
    let (code, rss_mb, stderr) = run_measured(
        analyze_cmd(&[&zeros, &preallocated], &out),
        Duration::from_secs(60),
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("zeros.bin: at byte offset 0: not a pcap"),
        "{stderr}"
    );
    assert!(
        stderr.contains("preallocated.pcap") && stderr.contains("only zeros"),
        "{stderr}"
    );
    // The frame, and the zero records (read as tshark reads them) up to where the stretch of
    // zeros is recognised: within 64 KiB of its start.
    let read = packets(&out);
    assert!((1..=1 + 65_536 / 16).contains(&read), "{read} frames");
    assert!(rss_mb < 300, "peak RSS {rss_mb} MB");
}

#[test]
fn a_pcapng_of_ten_thousand_interfaces_is_analyzed() {
    let block = |out: &mut Vec<u8>, kind: u32, body: &[u8]| {
        let len = 12 + body.len().div_ceil(4) * 4;
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&(len as u32).to_le_bytes());
        out.extend_from_slice(body);
        out.resize(out.len() + (len - 12 - body.len()), 0);
        out.extend_from_slice(&(len as u32).to_le_bytes());
    };
    let mut bytes = Vec::new();
    let mut shb = 0x1a2b_3c4du32.to_le_bytes().to_vec();
    shb.extend_from_slice(&[1, 0, 0, 0]);
    shb.extend_from_slice(&u64::MAX.to_le_bytes());
    block(&mut bytes, 0x0a0d_0d0a, &shb);
    let frame = {
        let mut f = vec![0u8; 60];
        f[..6].copy_from_slice(&[0xff; 6]);
        f[12..14].copy_from_slice(&[0x08, 0x06]);
        f
    };
    // Each interface described just before its one frame: every frame changes the state the
    // parts were cut with.
    for i in 0..10_000u32 {
        let mut idb = 1u16.to_le_bytes().to_vec();
        idb.extend_from_slice(&[0, 0]);
        idb.extend_from_slice(&65535u32.to_le_bytes());
        block(&mut bytes, 1, &idb);
        let mut epb = i.to_le_bytes().to_vec();
        epb.extend_from_slice(&0u32.to_le_bytes());
        epb.extend_from_slice(&(1_700_000_000_000_000u64 as u32 + i).to_le_bytes());
        epb.extend_from_slice(&60u32.to_le_bytes());
        epb.extend_from_slice(&60u32.to_le_bytes());
        epb.extend_from_slice(&frame);
        block(&mut bytes, 6, &epb);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("interfaces.pcapng");
    std::fs::write(&path, &bytes).expect("write");
    let out = dir.path().join("out");
    let (code, rss_mb, stderr) =
        run_measured(analyze_cmd(&[&path], &out), Duration::from_secs(120));
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(packets(&out), 10_000);
    assert!(rss_mb < 300, "peak RSS {rss_mb} MB");
}

#[test]
fn a_record_claiming_four_gigabytes_is_an_error_not_an_allocation() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut pcap = pcap_header();
    pcap_record(&mut pcap, 0, &[0u8; 60]);
    let mut claim = pcap.clone();
    claim.extend_from_slice(&[0; 8]);
    claim.extend_from_slice(&0xffff_fff0u32.to_le_bytes());
    claim.extend_from_slice(&60u32.to_le_bytes());
    claim.extend_from_slice(&[0; 100]);
    let mut ng = Vec::new();
    ng.extend_from_slice(&0x0a0d_0d0au32.to_le_bytes());
    ng.extend_from_slice(&28u32.to_le_bytes());
    ng.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
    ng.extend_from_slice(&[1, 0, 0, 0]);
    ng.extend_from_slice(&u64::MAX.to_le_bytes());
    ng.extend_from_slice(&28u32.to_le_bytes());
    ng.extend_from_slice(&6u32.to_le_bytes());
    ng.extend_from_slice(&0xffff_fff0u32.to_le_bytes());
    ng.extend_from_slice(&[0; 100]);
    let mut paths = Vec::new();
    for (name, bytes) in [("claim.pcap", claim), ("claim.pcapng", ng)] {
        let plain = dir.path().join(name);
        std::fs::write(&plain, &bytes).expect("write");
        let gz = dir.path().join(format!("{name}.gz"));
        let mut enc = flate2::write::GzEncoder::new(
            std::fs::File::create(&gz).expect("create"),
            flate2::Compression::fast(),
        );
        enc.write_all(&bytes).expect("gzip");
        enc.finish().expect("gzip");
        paths.push(plain);
        paths.push(gz);
    }
    let inputs: Vec<&Path> = paths.iter().map(|p| p.as_path()).collect();
    let out = dir.path().join("out");
    let (code, rss_mb, stderr) = run_measured(analyze_cmd(&inputs, &out), Duration::from_secs(60));
    assert_eq!(code, Some(1), "{stderr}");
    for p in &paths {
        let name = p.file_name().and_then(|n| n.to_str()).expect("name");
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(name) && l.contains("byte offset")),
            "{name}: {stderr}"
        );
    }
    assert_eq!(packets(&out), 2, "the one frame before each pcap's claim");
    assert!(rss_mb < 300, "peak RSS {rss_mb} MB");
}
