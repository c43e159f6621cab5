//! Live capture of real traffic between two network namespaces joined by a veth pair
//! (198.51.100.0/24, inside the namespaces only): every datagram the filter admits is in the
//! files, in order, none twice, none of the filtered-out traffic, no `.part` left after SIGTERM,
//! the ring keeps exactly N files, and the metadata records add up.
//!
//! Needs the `capture` feature, root and `ip` (iproute2); skips with a message otherwise, except
//! under CI (which runs as root), where a missing piece is a failure.
#![cfg(feature = "capture")]

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use netanalyzer::decode::{decode, ip_proto};
use netanalyzer::read::CaptureReader;
use serde_json::Value;

struct Namespaces {
    a: String,
    b: String,
}

impl Namespaces {
    /// Two namespaces, `a` (198.51.100.1) and `b` (198.51.100.2), on a veth pair.
    fn create(tag: &str) -> Option<Namespaces> {
        let root = Command::new("id").arg("-u").output().ok()?;
        let is_root = String::from_utf8_lossy(&root.stdout).trim() == "0";
        let has_ip = Command::new("ip").arg("-V").output().is_ok();
        if !is_root || !has_ip {
            common::skip("capture tests need root and iproute2 (ip)");
            return None;
        }
        let pid = std::process::id();
        let ns = Namespaces {
            a: format!("na{tag}{pid}a"),
            b: format!("na{tag}{pid}b"),
        };
        let (va, vb) = (
            format!("va{tag}{}", pid % 100_000),
            format!("vb{tag}{}", pid % 100_000),
        );
        let (a, b) = (&ns.a, &ns.b);
        let steps = [
            format!("netns add {a}"),
            format!("netns add {b}"),
            format!("link add {va} type veth peer name {vb}"),
            format!("link set {va} netns {a}"),
            format!("link set {vb} netns {b}"),
            format!("-n {a} addr add 198.51.100.1/24 dev {va}"),
            format!("-n {b} addr add 198.51.100.2/24 dev {vb}"),
            format!("-n {a} link set {va} up"),
            format!("-n {b} link set {vb} up"),
            format!("-n {a} link set lo up"),
            format!("-n {b} link set lo up"),
        ];
        for step in steps {
            let ok = Command::new("ip")
                .args(step.split_whitespace())
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                common::skip(&format!(
                    "cannot create network namespaces (ip {step} failed)"
                ));
                return None;
            }
        }
        Some(ns)
    }

    fn exec(&self, ns: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", ns]);
        c
    }
}

impl Drop for Namespaces {
    fn drop(&mut self) {
        for ns in [&self.a, &self.b] {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

/// The name of the veth interface in namespace `name`.
fn veth_of(ns: &Namespaces, name: &str) -> String {
    let out = ns
        .exec(name)
        .args(["ip", "-o", "link", "show", "type", "veth"])
        .output()
        .expect("ip link");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.split(':')
        .nth(1)
        .expect("a veth interface")
        .trim()
        .split('@')
        .next()
        .expect("its name")
        .to_string()
}

/// Starts `netanalyzer capture` inside namespace `b` and waits until it is capturing.
fn start_capture(ns: &Namespaces, dir: &Path, extra: &[&str]) -> Child {
    let iface = veth_of(ns, &ns.b);
    let child = ns
        .exec(&ns.b)
        .arg(env!("CARGO_BIN_EXE_netanalyzer"))
        .args(["capture", "-i", &iface, "-f", "udp", "-w"])
        .arg(dir.join("t"))
        .args(extra)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start capture");
    // Capturing starts within a moment; traffic sent before would be missed.
    std::thread::sleep(Duration::from_millis(700));
    child
}

/// Sends `n` UDP datagrams numbered 1..=n from `a` to `b`, and TCP connection attempts (which
/// the `udp` filter must keep out).
fn send(ns: &Namespaces, n: u32) {
    let script = format!(
        "for i in $(seq 1 {n}); do printf '%08d' $i > /dev/udp/198.51.100.2/9999 || exit 1; \
         if [ $((i % 500)) -eq 0 ]; then (exec 3<>/dev/tcp/198.51.100.2/7) 2>/dev/null; fi; done; exit 0"
    );
    let ok = ns
        .exec(&ns.a)
        .args(["bash", "-c", &script])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "sending failed");
}

fn stop(mut child: Child) -> String {
    std::thread::sleep(Duration::from_millis(300));
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            assert!(status.success(), "capture exited with {status}: {err}");
            return err;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "capture did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(ext))
        .collect();
    v.sort();
    v
}

/// The sequence numbers in the UDP payloads of `file`, and how many frames were not UDP.
fn datagrams(file: &Path) -> (Vec<u32>, usize) {
    let mut reader = CaptureReader::open(file).expect("open");
    let mut batches = vec![Vec::new()];
    let (mut seqs, mut other) = (Vec::new(), 0);
    while let Some(chunk) = reader.next_window(&mut batches, 1024) {
        let buf: &[u8] = (*chunk).as_ref();
        for r in &batches[0] {
            let data = &buf[r.data_offset..r.data_offset + r.caplen as usize];
            let f = decode(r.linktype, data);
            if f.outer.ip_proto == ip_proto::UDP && f.outer.dport == 9999 {
                let payload = &data[data.len() - 8..];
                seqs.push(
                    std::str::from_utf8(payload)
                        .expect("ascii")
                        .parse()
                        .expect("number"),
                );
            } else {
                other += 1;
            }
        }
    }
    assert!(
        reader.error().is_none(),
        "{}: {:?}",
        file.display(),
        reader.error()
    );
    (seqs, other)
}

#[test]
fn every_admitted_datagram_is_captured_once_in_order_across_rotations() {
    let Some(ns) = Namespaces::create("r") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let child = start_capture(&ns, dir.path(), &["--rotate-packets", "500"]);
    send(&ns, 3000);
    let log = stop(child);

    assert!(
        files(dir.path(), ".part").is_empty(),
        "a .part file was left"
    );
    let pcaps = files(dir.path(), ".pcap");
    assert!(pcaps.len() >= 6, "{} files: {log}", pcaps.len());
    let mut all = Vec::new();
    let mut meta_packets = 0;
    for p in &pcaps {
        let (seqs, other) = datagrams(p);
        assert_eq!(
            other,
            0,
            "{}: frames the filter should have kept out",
            p.display()
        );
        assert!(seqs.len() <= 500);
        let meta: Value = serde_json::from_str(
            &std::fs::read_to_string(p.with_extension("json")).expect("metadata"),
        )
        .expect("json");
        assert_eq!(meta["packets"].as_u64(), Some(seqs.len() as u64));
        assert_eq!(meta["filter"], "udp");
        meta_packets += meta["packets"].as_u64().expect("packets");
        all.extend(seqs);
    }
    let expected: Vec<u32> = (1..=3000).collect();
    assert_eq!(all, expected, "every datagram, in order, none twice");
    assert_eq!(meta_packets, 3000);
    // tshark's capinfos agrees with our reader on the files.
    if let Ok(out) = Command::new("capinfos")
        .arg("-c")
        .arg("-M")
        .args(&pcaps)
        .output()
    {
        let total: u64 = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("Number of packets"))
            .filter_map(|l| l.split(':').nth(1)?.trim().parse::<u64>().ok())
            .sum();
        assert_eq!(total, 3000);
    }
    assert!(log.contains("0 dropped by the kernel"), "{log}");
}

#[test]
fn zstd_files_hold_every_datagram_and_read_with_zstd_dc_and_tshark() {
    let Some(ns) = Namespaces::create("z") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let child = start_capture(
        &ns,
        dir.path(),
        &["--rotate-packets", "500", "--compress", "zstd"],
    );
    send(&ns, 1500);
    let log = stop(child);
    assert!(
        files(dir.path(), ".part").is_empty(),
        "a .part file was left"
    );
    assert!(
        files(dir.path(), ".pcap").is_empty(),
        "a plain file was written"
    );
    let packed = files(dir.path(), ".pcap.zst");
    assert!(packed.len() >= 3, "{} files: {log}", packed.len());
    let mut all = Vec::new();
    for p in &packed {
        let (seqs, other) = datagrams(p);
        assert_eq!(other, 0);
        let record = netanalyzer::capture::rotate::record_path(p);
        let meta: Value =
            serde_json::from_str(&std::fs::read_to_string(&record).expect("record")).expect("json");
        assert_eq!(meta["packets"].as_u64(), Some(seqs.len() as u64));
        assert_eq!(meta["compression"], "zstd");
        // `zstd -dc FILE | tshark -r -` reads the same frames.
        let has = |tool: &str| Command::new(tool).arg("--version").output().is_ok();
        if !has("zstd") || !has("tshark") {
            common::skip(
                "zstd -dc | tshark -r - needs zstd and tshark (apt-get install zstd tshark)",
            );
        } else {
            let piped = Command::new("sh")
                .arg("-c")
                .arg("zstd -dc \"$1\" | tshark -r - -T fields -e udp.dstport")
                .arg("sh")
                .arg(p)
                .output()
                .expect("zstd -dc | tshark");
            let text = String::from_utf8_lossy(&piped.stdout);
            let frames = text.lines().filter(|l| l.trim() == "9999").count();
            assert_eq!(
                frames,
                seqs.len(),
                "{}: tshark through zstd -dc",
                p.display()
            );
        }
        all.extend(seqs);
    }
    let expected: Vec<u32> = (1..=1500).collect();
    assert_eq!(all, expected, "every datagram, in order, none twice");
}

#[test]
fn the_ring_keeps_exactly_the_newest_files() {
    let Some(ns) = Namespaces::create("g") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let child = start_capture(&ns, dir.path(), &["--rotate-packets", "200", "--ring", "3"]);
    send(&ns, 1500);
    // SIGUSR1 asks for the counters.
    let _ = Command::new("kill")
        .args(["-USR1", &child.id().to_string()])
        .status();
    std::thread::sleep(Duration::from_millis(200));
    let log = stop(child);
    assert!(
        log.contains("status: ") && log.contains("files closed"),
        "{log}"
    );
    let pcaps = files(dir.path(), ".pcap");
    assert_eq!(pcaps.len(), 3, "{pcaps:?}");
    assert_eq!(files(dir.path(), ".json").len(), 3);
    let (last, _) = datagrams(&pcaps[2]);
    assert_eq!(
        last.last(),
        Some(&1500),
        "the newest file holds the last datagram"
    );
    assert!(
        pcaps[2].to_string_lossy().ends_with("-000008.pcap"),
        "{pcaps:?}"
    );
}

#[test]
fn a_bad_filter_and_a_missing_interface_are_clear_errors() {
    let out = common::run(&["capture", "-i", "lo", "-f", "udp port", "-w", "/tmp/x"]);
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("permission") {
        common::skip("no permission to open lo");
        return;
    }
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("bad capture filter 'udp port'"), "{err}");
    let out = common::run(&["capture", "-i", "nosuch0", "-w", "/tmp/x"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nosuch0"));
}

/// Reads `summary.json`'s packet count in `dir`, if written.
fn summary_packets(dir: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(dir.join("summary.json")).ok()?;
    serde_json::from_str::<Value>(&text).ok()?["packets"].as_u64()
}

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ok() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn follow_analyzes_a_running_capture_and_a_restart_counts_nothing_twice() {
    let Some(ns) = Namespaces::create("f") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let caps = dir.path().join("cap");
    let reports = dir.path().join("reports");
    std::fs::create_dir(&caps).expect("mkdir");
    let follow = |reports: &Path| {
        Command::new(env!("CARGO_BIN_EXE_netanalyzer"))
            .args(["analyze", "--follow", "--quiet", "--poll", "100ms", "--out"])
            .arg(reports)
            .arg(&caps)
            .stderr(Stdio::piped())
            .spawn()
            .expect("start follow")
    };
    let follower = follow(&reports);
    let capture = start_capture(&ns, &caps, &["--rotate-packets", "200"]);
    send(&ns, 1000);
    // While the capture runs, the closed files are analyzed already.
    wait_for("the first closed files", || {
        summary_packets(&reports).is_some_and(|n| n >= 800)
    });
    stop(capture);
    wait_for("the last file", || summary_packets(&reports) == Some(1000));
    stop(follower);
    let state: Value = serde_json::from_str(
        &std::fs::read_to_string(reports.join("follow-state.json")).expect("state"),
    )
    .expect("json");
    assert_eq!(state["files"].as_array().map(Vec::len), Some(5));

    // A restart reads the state: the same totals, nothing counted twice or skipped.
    let again = follow(&reports);
    std::thread::sleep(Duration::from_millis(800));
    stop(again);
    assert_eq!(summary_packets(&reports), Some(1000));
}

#[test]
fn an_interface_that_goes_away_is_a_clear_error_and_closed_files_stay_valid() {
    let Some(ns) = Namespaces::create("d") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = start_capture(&ns, dir.path(), &["--rotate-packets", "100"]);
    send(&ns, 450);
    std::thread::sleep(Duration::from_millis(300));
    // Deleting namespace b's end of the veth pair takes the captured interface away.
    let name = veth_of(&ns, &ns.b);
    let ok = ns
        .exec(&ns.b)
        .args(["ip", "link", "del", &name])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("capture did not notice that its interface went away");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut err);
    }
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(
        err.contains("capture on") && err.contains("failed"),
        "{err}"
    );
    assert!(files(dir.path(), ".part").is_empty());
    let pcaps = files(dir.path(), ".pcap");
    let total: usize = pcaps.iter().map(|p| datagrams(p).0.len()).sum();
    assert_eq!(
        total, 450,
        "every frame captured before the failure is in a complete file"
    );
}
