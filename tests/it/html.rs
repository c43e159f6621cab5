//! `report.html` as a person sees it: headless Chromium renders it with the network off, and the
//! test checks the rendered DOM has the charts and tables with the numbers of `summary.json`, that
//! the page ran its script without an error, and that it asked for nothing but itself. A
//! screenshot is left in `target/report-screenshot.png`.
//!
//! Skips with a message without Chromium, except under CI, where the test command installs it.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{analyze_into, sample};
use serde_json::Value;

fn chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(out) = Command::new("which").arg(name).output() {
            if out.status.success() {
                let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
                return Some(PathBuf::from(path));
            }
        }
    }
    common::skip("Chromium is not installed (apt-get install chromium)");
    None
}

fn headless(browser: &Path, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--enable-logging=stderr",
        "--v=0",
    ]);
    c.arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn the_report_renders_offline_with_charts_tables_and_the_summarys_numbers() {
    let Some(browser) = chromium() else {
        return;
    };
    let sample = sample("office-ethernet.pcap");
    let dir = analyze_into(&sample);
    let page = dir.path().join("report.html");
    let html = std::fs::read_to_string(&page).expect("report.html");
    let summary: Value = common::summary(dir.path());

    // Self-contained: nothing to load.
    for needle in [" src=", " href=", "@import", "url("] {
        assert!(
            !html.contains(needle),
            "report.html must not reference {needle}"
        );
    }

    let profile = tempfile::tempdir().expect("profile");
    let netlog = dir.path().join("netlog.json");
    let out = headless(&browser, profile.path())
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg("--window-size=1280,2400")
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&out.stdout);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed: {log}");

    // The script ran to its end, and nothing was reported on the console.
    assert!(
        dom.contains(r#"data-ready="true""#),
        "the page's script did not finish"
    );
    assert!(!log.contains("CONSOLE"), "console messages: {log}");

    // Charts: every one present, and well over 20 marks drawn.
    for id in [
        "chart-packets",
        "chart-bits",
        "chart-protocols",
        "chart-sizes",
        "chart-interarrival",
        "chart-handshake-rtt",
        "chart-icmp-rtt",
        "chart-talkers",
        "chart-ports",
        "chart-services-bytes",
        "chart-services-flows",
    ] {
        assert!(dom.contains(&format!(r#"id="{id}""#)), "chart {id} missing");
    }
    let marks = dom.matches(r#"class="mark "#).count();
    assert!(marks >= 20, "only {marks} chart marks");

    // Numbers from summary.json.
    let packets = summary["packets"].as_u64().expect("packets");
    assert!(dom.contains(&format!(r#"data-fact="packets">{packets}<"#)));
    let top = summary["top_talkers"][0]["address"]
        .as_str()
        .expect("talker");
    let endpoints = &dom[dom.find(r#"id="endpoints""#).expect("endpoints table")..];
    let first_row = &endpoints[endpoints.find("<tbody>").expect("tbody")..];
    assert!(
        first_row[..first_row.find("</tr>").expect("row")].contains(top),
        "the top endpoint row is {top}"
    );
    for table in [
        "conversations",
        "flows",
        "ports",
        "files",
        "services",
        "top-domains",
        "dns-rcodes",
    ] {
        assert!(
            dom.contains(&format!(r#"id="{table}""#)),
            "table {table} missing"
        );
    }

    // At 1280 px every table fits the page (the script marks one that would scroll), the
    // inputs table says 0 errors, and the protocol chart names what it folded into one bar.
    assert!(
        !dom.contains(r#"data-overflow="true""#),
        "a table scrolls sideways at 1280 px"
    );
    let files = &dom[dom.find(r#"id="files""#).expect("files table")..];
    let row = &files[files.find("<tbody>").expect("tbody")..];
    assert!(
        row[..row.find("</tr>").expect("row")].contains(r#"data-v="0">0</td>"#),
        "the errors cell of a clean input says 0"
    );

    // The network log: a request the page starts names the page's origin as its initiator
    // (a file:// page's is "null"); the browser's own background requests (update checks,
    // clock sync) say "not an origin" and are not the page's doing.
    let netlog: Value = serde_json::from_str(
        std::fs::read_to_string(&netlog)
            .expect("net log")
            .trim_end()
            .trim_end_matches(','),
    )
    .or_else(|_| {
        // Chromium may leave the log unterminated when it exits; close it.
        let text = std::fs::read_to_string(dir.path().join("netlog.json")).expect("net log");
        serde_json::from_str(&format!("{}]}}", text.trim_end().trim_end_matches(',')))
    })
    .expect("net log parses");
    let events = netlog["events"].as_array().expect("events");
    let page_requests: Vec<&str> = events
        .iter()
        .filter(|e| {
            e["params"]["initiator"]
                .as_str()
                .is_some_and(|i| i != "not an origin")
        })
        .filter_map(|e| e["params"]["url"].as_str())
        .filter(|u| !u.starts_with("file://") && !u.starts_with("data:"))
        .collect();
    assert!(
        page_requests.is_empty(),
        "the page requested {page_requests:?}"
    );

    // A screenshot for people (and the README).
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../report-screenshot.png");
    let out = headless(&browser, profile.path())
        .args(["--hide-scrollbars", "--window-size=1280,2400"])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("screenshot");
    assert!(out.status.success());
    assert!(std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000));
}

#[test]
fn the_report_stays_small_for_many_intervals_and_flows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = dir.path().join("big.pcap");
    let out = common::run(&[
        "generate",
        "--bench",
        "200000",
        "--out",
        big.to_str().expect("utf-8 path"),
    ]);
    assert!(out.status.success());
    let reports = dir.path().join("r");
    let out = common::bin()
        .args(["analyze", "--quiet", "--interval", "1ms", "--out"])
        .arg(&reports)
        .arg(&big)
        .output()
        .expect("run");
    assert!(out.status.success());
    let size = std::fs::metadata(reports.join("report.html"))
        .expect("report")
        .len();
    assert!(size < 400_000, "report.html is {size} bytes");
}
