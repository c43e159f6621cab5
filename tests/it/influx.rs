//! Loading into real servers started here on 127.0.0.1 with free ports and temporary directories:
//! Debian's InfluxDB 1.x (`/write`, InfluxQL) and VictoriaMetrics (`/api/v2/write`). What is read
//! back equals `summary.json`, a second load changes nothing, a missing database and a server that
//! is down give clear errors and keep every unsent line for `netanalyzer load`.
//!
//! Skips with a message where the servers are not installed, except under CI, where the test
//! command installs them.

use crate::common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::bin;
use serde_json::Value;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn installed(program: &str, package: &str) -> bool {
    let ok = Command::new("which")
        .arg(program)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        common::skip(&format!(
            "{program} is not installed (apt-get install {package})"
        ));
    }
    ok
}

fn get(url: &str) -> Option<(u16, String)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into();
    let mut resp = agent.get(url).call().ok()?;
    let status = resp.status().as_u16();
    Some((status, resp.body_mut().read_to_string().unwrap_or_default()))
}

fn post(url: &str) -> Option<u16> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    agent
        .post(url)
        .send_empty()
        .ok()
        .map(|r| r.status().as_u16())
}

/// A server process stopped when dropped.
struct Server {
    child: Child,
    url: String,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_up(url: &str, path: &str) {
    let started = Instant::now();
    while get(&format!("{url}{path}")).is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{url} did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn influxdb1(port: u16) -> Server {
    influxdb1_with(port, false)
}

fn influxdb1_with(port: u16, auth: bool) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = influxdb1_at(dir.path(), port, auth);
    server._dir = Some(dir);
    server
}

/// InfluxDB 1.x keeping its data in `dir`, so that a restart finds it again.
fn influxdb1_at(dir: &Path, port: u16, auth: bool) -> Server {
    influxdb1_http(dir, port, &format!("auth-enabled = {auth}"))
}

/// InfluxDB 1.x with `http` extra lines in its `[http]` section.
fn influxdb1_http(dir: &Path, port: u16, http: &str) -> Server {
    let d = dir.display();
    let config = dir.join("influxdb.conf");
    std::fs::write(
        &config,
        format!(
            "reporting-disabled = true\nbind-address = \"127.0.0.1:{rpc}\"\n\
             [meta]\n  dir = \"{d}/meta\"\n\
             [data]\n  dir = \"{d}/data\"\n  wal-dir = \"{d}/wal\"\n  query-log-enabled = false\n\
             [http]\n  enabled = true\n  bind-address = \"127.0.0.1:{port}\"\n  log-enabled = false\n  {http}\n",
            rpc = free_port()
        ),
    )
    .expect("config");
    let child = Command::new("influxd")
        .arg("-config")
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start influxd");
    let url = format!("http://127.0.0.1:{port}");
    wait_up(&url, "/ping");
    Server {
        child,
        url,
        _dir: None,
    }
}

/// Creates the `captures` database the tests write to.
fn create_captures_db(url: &str) {
    let created = post(&format!("{url}/query?q=CREATE%20DATABASE%20captures"));
    assert_eq!(created, Some(200));
}

/// The environment that points `netanalyzer` at the `captures` database of a 1.x server.
fn v1_env(url: &str) -> [(&'static str, String); 2] {
    [
        ("INFLUX_URL", url.to_string()),
        ("INFLUX_DB", "captures".to_string()),
    ]
}

fn influxql(url: &str, q: &str) -> Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut resp = agent
        .get(format!("{url}/query"))
        .query("db", "captures")
        .query("epoch", "ns")
        .query("q", q)
        .call()
        .expect("query");
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    assert_eq!(status, 200, "{q}: {body}");
    serde_json::from_str(&body).expect("json")
}

fn scalar(v: &Value) -> Option<f64> {
    v["results"][0]["series"][0]["values"][0][1].as_f64()
}

fn sample() -> PathBuf {
    common::sample("office-ethernet.pcap")
}

fn analyze(out: &Path, env: &[(&str, String)], extra: &[&str]) -> (i32, String, Value) {
    let mut cmd = bin();
    cmd.arg("analyze")
        .arg(sample())
        .arg("--out")
        .arg(out)
        .args(["--quiet", "--influx", "--capture-name", "office"])
        .args(extra)
        .current_dir(out.parent().expect("parent"));
    for key in [
        "INFLUX_URL",
        "INFLUX_TOKEN",
        "INFLUX_ORG",
        "INFLUX_BUCKET",
        "INFLUX_DB",
    ] {
        cmd.env_remove(key);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out_ = cmd.output().expect("run");
    let summary = common::summary_if_written(out);
    (
        out_.status.code().expect("code"),
        String::from_utf8_lossy(&out_.stderr).into_owned(),
        summary,
    )
}

#[test]
fn influxdb_1_loads_what_the_summary_says_idempotently_and_keeps_what_fails() {
    if !installed("influxd", "influxdb") {
        return;
    }
    let port = free_port();
    let server = influxdb1(port);
    create_captures_db(&server.url);
    let work = tempfile::tempdir().expect("tempdir");
    let out = work.path().join("r");
    let env = v1_env(&server.url);

    let (code, err, summary) = analyze(&out, &env, &[]);
    assert_eq!(code, 0, "{err}");
    let packets = summary["packets"].as_f64().expect("packets");
    let q = "SELECT sum(packets) FROM traffic WHERE capture='office'";
    assert_eq!(scalar(&influxql(&server.url, q)), Some(packets));
    let count = |url: &str| scalar(&influxql(url, "SELECT count(packets) FROM traffic"));
    let points = count(&server.url);
    let total_bytes = scalar(&influxql(&server.url, "SELECT last(bytes) FROM summary"));
    assert_eq!(total_bytes, summary["bytes"].as_f64());

    // Loading again overwrites: same series, same timestamps, same sums.
    let (code, err, _) = analyze(&out, &env, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(scalar(&influxql(&server.url, q)), Some(packets));
    assert_eq!(count(&server.url), points);

    // A database that does not exist: a clear error, the lines kept.
    let missing = [
        ("INFLUX_URL", server.url.clone()),
        ("INFLUX_DB", "nosuchdb".to_string()),
    ];
    let out2 = work.path().join("r2");
    let (code, err, _) = analyze(&out2, &missing, &[]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("database 'nosuchdb'"), "{err}");
    assert!(out2.join("influx-unsent.lp").is_file());

    // A server that is down: every line kept, and `load` writes them once it is back.
    drop(server);
    let out3 = work.path().join("r3");
    let down = [
        ("INFLUX_URL", format!("http://127.0.0.1:{port}")),
        ("INFLUX_DB", "captures".to_string()),
    ];
    let (code, err, _) = analyze(&out3, &down, &[]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("could not be reached"), "{err}");
    let kept = out3.join("influx-unsent.lp");
    let kept_lines = std::fs::read_to_string(&kept)
        .expect("kept")
        .lines()
        .count();
    assert!(kept_lines > 10);

    let server = influxdb1(port);
    create_captures_db(&server.url);
    let (code, err) = load(&kept, &server.url);
    assert_eq!(code, 0, "{err}");
    assert_eq!(scalar(&influxql(&server.url, q)), Some(packets));
}

#[test]
fn wrong_credentials_are_a_clear_error_and_never_printed() {
    if !installed("influxd", "influxdb") {
        return;
    }
    let server = influxdb1_with(free_port(), true);
    // The first user of a server with authentication on may be created without credentials.
    let create = "CREATE%20USER%20admin%20WITH%20PASSWORD%20%27right%27%20WITH%20ALL%20PRIVILEGES";
    assert_eq!(post(&format!("{}/query?q={create}", server.url)), Some(200));
    let work = tempfile::tempdir().expect("tempdir");
    let env = [
        ("INFLUX_URL", server.url.clone()),
        ("INFLUX_DB", "captures".to_string()),
        ("INFLUX_TOKEN", "admin:wrong-secret".to_string()),
    ];
    let (code, err, _) = analyze(&work.path().join("r"), &env, &["--influx-api", "v1"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("refused the credentials (HTTP 401)"), "{err}");
    assert!(
        !err.contains("wrong-secret"),
        "the token must never be printed: {err}"
    );
}

#[test]
fn victoria_metrics_takes_the_v2_api_with_a_token() {
    if !installed("victoria-metrics", "victoria-metrics") {
        return;
    }
    let port = free_port();
    let dir = tempfile::tempdir().expect("tempdir");
    let child = Command::new("victoria-metrics")
        .arg(format!("-httpListenAddr=127.0.0.1:{port}"))
        .arg(format!(
            "-storageDataPath={}",
            dir.path().join("data").display()
        ))
        .arg("-retentionPeriod=100y")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start victoria-metrics");
    let url = format!("http://127.0.0.1:{port}");
    let _server = Server {
        child,
        url: url.clone(),
        _dir: Some(dir),
    };
    wait_up(&url, "/health");
    let work = tempfile::tempdir().expect("tempdir");
    let out = work.path().join("r");
    let env = [
        ("INFLUX_URL", url.clone()),
        ("INFLUX_TOKEN", "any-token".to_string()),
        ("INFLUX_ORG", "lab".to_string()),
        ("INFLUX_BUCKET", "captures".to_string()),
    ];
    let (code, err, summary) = analyze(&out, &env, &["--influx-api", "v2"]);
    assert_eq!(code, 0, "{err}");
    let _ = get(&format!("{url}/internal/force_flush"));
    // Every sample of traffic_packets, summed.
    let (status, body) = get(&format!(
        "{url}/api/v1/export?match[]=traffic_packets%7Bcapture%3D%22office%22%7D"
    ))
    .expect("export");
    assert_eq!(status, 200);
    let sum: f64 = body
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .flat_map(|v| v["values"].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_f64())
        .sum();
    assert_eq!(Some(sum), summary["packets"].as_f64());
}

/// Analyzes the sample into `work`, writing its line protocol to a file; returns the lines.
fn line_protocol(work: &Path) -> String {
    line_protocol_of(work, &[sample()])
}

/// The line protocol of one analysis of `inputs`, written to a file.
fn line_protocol_of(work: &Path, inputs: &[PathBuf]) -> String {
    let file = work.join("metrics.lp");
    let out = bin()
        .arg("analyze")
        .args(inputs)
        .arg("--out")
        .arg(work.join("lp-reports"))
        .args(["--quiet", "--capture-name", "office", "--influx-out"])
        .arg(&file)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(&file).expect("lp")
}

#[test]
fn line_protocol_to_a_file_for_air_gapped_sites() {
    let work = tempfile::tempdir().expect("tempdir");
    let text = line_protocol(work.path());
    let traffic: u64 = text
        .lines()
        .filter(|l| l.starts_with("traffic,capture=office "))
        .filter_map(|l| {
            let fields = l.split(' ').nth(1)?;
            fields
                .split(',')
                .find_map(|f| f.strip_prefix("packets="))?
                .trim_end_matches('i')
                .parse::<u64>()
                .ok()
        })
        .sum();
    assert_eq!(traffic, 314);
    assert!(text
        .lines()
        .any(|l| l.starts_with("summary,capture=office packets=314i")));
    assert!(text.lines().all(|l| l
        .rsplit(' ')
        .next()
        .is_some_and(|t| t.parse::<i64>().is_ok())));
}

/// Grafana's macros as Grafana would expand them for a time range covering the capture.
fn expand(query: &str, first_ns: i64, last_ns: i64, capture: &str) -> String {
    query
        .replace(
            "$timeFilter",
            &format!("time >= {first_ns}ns AND time <= {last_ns}ns"),
        )
        .replace("$__interval", "1s")
        .replace("$capture", capture)
}

#[test]
fn every_influxql_dashboard_query_returns_data_after_a_load() {
    if !installed("influxd", "influxdb") {
        return;
    }
    let server = influxdb1(free_port());
    create_captures_db(&server.url);
    let work = tempfile::tempdir().expect("tempdir");
    let env = v1_env(&server.url);
    // The office traffic, and the application-layer sample for the services and names panels.
    let app = common::sample("app-layer.pcap");
    let (code, err, _) = analyze(
        &work.path().join("r"),
        &env,
        &[app.to_str().expect("a UTF-8 path")],
    );
    assert_eq!(code, 0, "{err}");
    let stamps: Vec<i64> = line_protocol_of(work.path(), &[sample(), app])
        .lines()
        .filter_map(|l| l.rsplit(' ').next()?.parse().ok())
        .collect();
    let (first, last) = (
        *stamps.iter().min().expect("points"),
        *stamps.iter().max().expect("points"),
    );

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("dashboards/influxql");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("dashboards/influxql") {
        let path = entry.expect("entry").path();
        let dashboard: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("json")).expect("json");
        let variables = dashboard["templating"]["list"]
            .as_array()
            .expect("variables");
        let capture_var = variables
            .iter()
            .find(|v| v["name"] == "capture")
            .expect("a capture variable");
        let values = influxql(&server.url, capture_var["query"].as_str().expect("query"));
        let listed = values["results"][0]["series"][0]["values"].to_string();
        assert!(
            listed.contains("office"),
            "the capture variable lists the load: {listed}"
        );
        for panel in dashboard["panels"].as_array().expect("panels") {
            for target in panel["targets"].as_array().expect("targets") {
                let q = expand(
                    target["query"].as_str().expect("query"),
                    first,
                    last,
                    "office",
                );
                let result = influxql(&server.url, &q);
                let series = &result["results"][0]["series"];
                assert!(
                    series.as_array().is_some_and(|s| !s.is_empty()),
                    "{}: panel '{}' returned no data for {q}: {result}",
                    path.display(),
                    panel["title"]
                );
                checked += 1;
            }
        }
        // The findings shown as annotations on every time chart (the app-layer sample has
        // some).
        for annotation in dashboard["annotations"]["list"]
            .as_array()
            .expect("annotations")
        {
            let q = expand(
                annotation["query"].as_str().expect("query"),
                first,
                last,
                "office",
            );
            let result = influxql(&server.url, &q);
            assert!(
                result["results"][0]["series"]
                    .as_array()
                    .is_some_and(|s| !s.is_empty()),
                "annotation '{}' returned no data for {q}: {result}",
                annotation["name"]
            );
            checked += 1;
        }
    }
    assert!(checked >= 14, "only {checked} queries checked");
}

#[test]
fn a_server_killed_mid_load_loses_no_point() {
    if !installed("influxd", "influxdb") {
        return;
    }
    let port = free_port();
    let data = tempfile::tempdir().expect("tempdir");
    let mut server = influxdb1_at(data.path(), port, false);
    create_captures_db(&server.url);
    let work = tempfile::tempdir().expect("tempdir");
    let file = work.path().join("many.lp");
    let n = 300_000u64;
    let text: String = (0..n)
        .map(|i| {
            format!(
                "load_test,capture=kill v={i}i {}\n",
                1_700_000_000_000_000_000 + i as i64 * 1000
            )
        })
        .collect();
    std::fs::write(&file, text).expect("write");
    let mut loading = bin()
        .arg("load")
        .arg(&file)
        .args([
            "--quiet",
            "--influx-batch",
            "2000",
            "--influx-concurrency",
            "2",
        ])
        .env("INFLUX_URL", &server.url)
        .env("INFLUX_DB", "captures")
        .stderr(Stdio::piped())
        .spawn()
        .expect("load");
    std::thread::sleep(Duration::from_millis(400));
    let _ = server.child.kill();
    let _ = server.child.wait();
    let status = loading.wait().expect("wait");
    let mut err = String::new();
    if let Some(mut e) = loading.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut err);
    }
    let kept = file.with_extension("unsent.lp");
    if status.success() {
        // The whole load finished before the kill; nothing to recover.
        eprintln!("the load finished before the server was killed");
    } else {
        assert_eq!(status.code(), Some(4), "{err}");
        assert!(kept.is_file(), "{err}");
    }
    // Restart on the same data, load what was kept: every point is there exactly once.
    drop(server);
    let server = influxdb1_at(data.path(), port, false);
    if kept.is_file() {
        let (code, err) = load(&kept, &server.url);
        assert_eq!(code, 0, "{err}");
    }
    let count = scalar(&influxql(&server.url, "SELECT count(v) FROM load_test"));
    assert_eq!(count, Some(n as f64));
}

#[test]
fn settings_from_a_config_file_and_second_precision() {
    if !installed("influxd", "influxdb") {
        return;
    }
    let server = influxdb1(free_port());
    create_captures_db(&server.url);
    let work = tempfile::tempdir().expect("tempdir");
    let config = work.path().join("netanalyzer.toml");
    std::fs::write(
        &config,
        format!(
            "[influx]\nurl = \"{}\"\ndb = \"captures\"\nprecision = \"s\"\n",
            server.url
        ),
    )
    .expect("write");
    let (code, err, summary) = analyze(
        &work.path().join("r"),
        &[],
        &["--config", config.to_str().expect("utf-8")],
    );
    assert_eq!(code, 0, "{err}");
    let result = influxql(&server.url, "SELECT packets FROM summary");
    let time = result["results"][0]["series"][0]["values"][0][0]
        .as_i64()
        .expect("a time");
    assert_eq!(time % 1_000_000_000, 0, "second precision: {time}");
    let first = summary["first_timestamp"].as_str().expect("first");
    assert!(first.starts_with("2026-11-02T09:00:00"), "{first}");
    assert_eq!(time, 1_793_610_000_000_000_000);
}

#[test]
fn per_interval_top_talkers_add_up_to_the_endpoints_table() {
    let work = tempfile::tempdir().expect("tempdir");
    let file = work.path().join("all.lp");
    let reports = work.path().join("r");
    let out = bin()
        .arg("analyze")
        .arg(sample())
        .arg("--out")
        .arg(&reports)
        .args([
            "--quiet",
            "--top",
            "1000",
            "--capture-name",
            "office",
            "--influx-out",
        ])
        .arg(&file)
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = std::fs::read_to_string(&file).expect("lp");
    let field = |line: &str, name: &str| -> u64 {
        line.split(' ')
            .nth(1)
            .and_then(|f| {
                f.split(',')
                    .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            })
            .and_then(|v| v.trim_end_matches('i').parse().ok())
            .expect("field")
    };
    let mut per_address: std::collections::BTreeMap<String, u64> = Default::default();
    let mut intervals = std::collections::BTreeSet::new();
    for line in text.lines().filter(|l| l.starts_with("interval_talkers,")) {
        let address = line
            .split(' ')
            .next()
            .and_then(|t| t.split(",address=").nth(1))
            .expect("address")
            .to_string();
        *per_address.entry(address).or_default() += field(line, "bytes");
        intervals.insert(line.rsplit(' ').next().expect("time").to_string());
    }
    assert!(intervals.len() >= 6, "{} intervals", intervals.len());
    let endpoints = common::read_csv(&reports.join("endpoints.csv"));
    assert_eq!(per_address.len(), endpoints.len());
    for e in endpoints {
        assert_eq!(
            per_address.get(&e["address"]).copied(),
            e["bytes"].parse().ok(),
            "{}",
            e["address"]
        );
    }
    // Ranks count from 1 within each interval.
    assert!(text
        .lines()
        .filter(|l| l.starts_with("interval_ports,"))
        .any(|l| field(l, "rank") == 1));
}

#[test]
fn influx_packets_writes_every_frame_as_a_point() {
    if !installed("influxd", "influxdb") {
        return;
    }
    let server = influxdb1(free_port());
    create_captures_db(&server.url);
    let work = tempfile::tempdir().expect("tempdir");
    let env = v1_env(&server.url);
    let (code, err, summary) = analyze(&work.path().join("r"), &env, &["--influx-packets"]);
    assert_eq!(code, 0, "{err}");
    // One point per frame, none lost to a shared timestamp.
    let count = scalar(&influxql(
        &server.url,
        "SELECT count(len) FROM capture_packets",
    ));
    assert_eq!(count, summary["packets"].as_f64());
    let bytes = scalar(&influxql(
        &server.url,
        "SELECT sum(len) FROM capture_packets",
    ));
    assert_eq!(bytes, summary["bytes"].as_f64());
    let tcp = scalar(&influxql(
        &server.url,
        "SELECT count(len) FROM capture_packets WHERE protocol='tcp'",
    ));
    assert!(tcp.is_some_and(|n| n > 100.0));
    assert!(!work.path().join("r/.capture-packets.lp.tmp").exists());
}

/// Runs `netanalyzer load FILE` against `url`; returns the exit code and stderr.
fn load(file: &Path, url: &str) -> (i32, String) {
    let out = bin()
        .arg("load")
        .arg(file)
        .arg("--quiet")
        .env("INFLUX_URL", url)
        .env("INFLUX_DB", "captures")
        .output()
        .expect("load");
    (
        out.status.code().expect("code"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_batch_too_large_is_split_and_a_rejected_line_is_shown() {
    if !installed("influxd", "influxdb") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    // A server that takes small bodies only: 5,000-line batches get 413 and must be split.
    let server = influxdb1_http(dir.path(), free_port(), "max-body-size = 20000");
    create_captures_db(&server.url);
    let work = tempfile::tempdir().expect("tempdir");
    let file = work.path().join("lines.lp");
    let n = 12_000;
    let text: String = (0..n)
        .map(|i| {
            format!(
                "split_test,capture=s v={i}i {}\n",
                1_700_000_000_000_000_000i64 + i * 1000
            )
        })
        .collect();
    std::fs::write(&file, text).expect("write");
    let (code, err) = load(&file, &server.url);
    assert_eq!(code, 0, "{err}");
    let count = scalar(&influxql(&server.url, "SELECT count(v) FROM split_test"));
    assert_eq!(count, Some(n as f64));

    // A malformed line: InfluxDB says which, and it is kept.
    let bad = work.path().join("bad.lp");
    std::fs::write(&bad, "good,capture=x v=1i 1\nthis is not line protocol\n").expect("write");
    let (code, err) = load(&bad, &server.url);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("rejected a line (HTTP 400)") && err.contains("unable to parse"),
        "{err}"
    );
    assert!(bad.with_extension("unsent.lp").is_file());
}
