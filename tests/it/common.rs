//! Helpers shared by the integration tests: the binary, the samples, CSV reading.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

/// The built `netanalyzer` binary.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_netanalyzer"))
}

/// Runs the binary with `args`.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run netanalyzer")
}

/// The committed sample captures, those in `samples/formats/` included.
pub fn samples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut files = Vec::new();
    for dir in [dir.clone(), dir.join("formats")] {
        files.extend(
            std::fs::read_dir(&dir)
                .expect("samples/")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    let n = p.to_string_lossy();
                    n.ends_with(".pcap") || n.ends_with(".pcapng") || n.ends_with(".gz")
                }),
        );
    }
    files.sort();
    assert!(files.len() >= 8, "samples/ holds the generated captures");
    files
}

/// The sample capture named `name` (in `samples/` or `samples/formats/`).
pub fn sample(name: &str) -> PathBuf {
    samples()
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == name))
        .unwrap_or_else(|| panic!("no sample {name}"))
}

/// Writes a generated capture of `packets` frames of the benchmark's mix to `path`.
pub fn generate_bench(path: &Path, packets: usize) {
    generate_bench_mix(path, packets, "mixed");
}

/// Writes a generated capture of `packets` frames of the benchmark mix `mix` to `path`.
pub fn generate_bench_mix(path: &Path, packets: usize, mix: &str) {
    let status = bin()
        .args([
            "generate",
            "--bench",
            &packets.to_string(),
            "--mix",
            mix,
            "--out",
        ])
        .arg(path)
        .status()
        .expect("run netanalyzer generate");
    assert!(status.success(), "generate --bench {packets} --mix {mix}");
}

/// Analyzes `input` into a fresh temporary directory (exit status 0 required).
pub fn analyze_into(input: &Path) -> tempfile::TempDir {
    analyze_into_with(input, &[])
}

/// [`analyze_into`] with `extra` arguments.
pub fn analyze_into_with(input: &Path, extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = bin()
        .arg("analyze")
        .arg(input)
        .arg("--out")
        .arg(dir.path())
        .arg("--quiet")
        .args(extra)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "analyze {} failed: {}",
        input.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    summary_if_written(dir.path());
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

/// Marks the calling test as skipped because `reason` (a tool, a server or root is missing) and
/// returns, for the caller to stop.
///
/// Under CI (`CI` set), where the test command installs everything, a skip is a failure. Else
/// the skip is printed and, when `NETANALYZER_SKIP_LOG` names a file (the test command sets it),
/// appended there, so the closing line counts it: libtest itself would show a pass.
pub fn skip(reason: &str) {
    let test = current_test();
    assert!(
        std::env::var_os("CI").is_none(),
        "{test} cannot run under CI: {reason}"
    );
    record_skip(&test, reason);
}

/// [`skip`] for a test whose input is `../shared/` (the real corpora beside the project), which
/// a user's clone lacks: counted and printed, never a failure, CI or not.
pub fn skip_without_shared(reason: &str) {
    record_skip(&current_test(), reason);
}

fn current_test() -> String {
    std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string()
}

fn record_skip(test: &str, reason: &str) {
    eprintln!("SKIPPED {test}: {reason}");
    if let Some(log) = std::env::var_os("NETANALYZER_SKIP_LOG") {
        use std::io::Write as _;
        let line = format!("{test}: {reason}\n");
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = appended {
            eprintln!(
                "cannot record the skip in {}: {e}",
                Path::new(&log).display()
            );
        }
    }
}

/// `summary.json` in `dir`, parsed and checked for what must hold in every summary.
pub fn summary(dir: &Path) -> serde_json::Value {
    let path = dir.join("summary.json");
    let text = std::fs::read_to_string(&path).expect("summary.json");
    let value = serde_json::from_str(&text).expect("summary.json parses");
    check_summary(&value, &path);
    value
}

/// `summary.json` in `dir` when written (`Null` when not), checked as [`summary`] does.
pub fn summary_if_written(dir: &Path) -> serde_json::Value {
    if dir.join("summary.json").exists() {
        summary(dir)
    } else {
        serde_json::Value::Null
    }
}

/// Every distribution's quantiles lie within its minimum and maximum, in order, and no second
/// value carries binary-float noise (0.00029400000000000004).
fn check_summary(s: &serde_json::Value, path: &Path) {
    for key in [
        "/packet_sizes",
        "/interarrival",
        "/tcp/handshake_rtt",
        "/icmp/rtt",
    ] {
        let Some(d) = s.pointer(key) else { continue };
        let v = |k: &str| d[k].as_f64();
        let Some((min, max)) = v("min").zip(v("max")) else {
            continue;
        };
        for q in ["p50", "p90", "p99", "mean"] {
            let x = v(q).unwrap_or_else(|| panic!("{}: {key}.{q} missing", path.display()));
            assert!(
                min <= x && x <= max,
                "{}: {key}.{q} = {x} outside [{min}, {max}]",
                path.display()
            );
        }
        let (p50, p90, p99) = (v("p50"), v("p90"), v("p99"));
        assert!(
            p50 <= p90 && p90 <= p99,
            "{}: {key} quantiles out of order",
            path.display()
        );
    }
    let mut numbers = Vec::new();
    fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Number(n) => out.push(n.to_string()),
            serde_json::Value::Array(a) => a.iter().for_each(|v| collect(v, out)),
            serde_json::Value::Object(o) => o.values().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    collect(s, &mut numbers);
    for n in numbers {
        let noisy = n.contains('.') && (n.contains("00000000") || n.contains("99999999"));
        assert!(!noisy, "{}: float noise in {n}", path.display());
    }
}

/// Waits for `child` to end, killing it when it outlives `limit`: a hang is a failure, not a
/// stuck test run.
pub fn finish_within(mut child: Child, limit: Duration) -> Output {
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
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

/// Makes a FIFO at `path`.
pub fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mkfifo {}", path.display());
}

/// The names in `dir` that start with a dot: temporary files a run should not leave.
pub fn hidden_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}
