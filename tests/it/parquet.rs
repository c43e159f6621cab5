//! `flows.parquet` and `packets.parquet` read back by DuckDB, an independent Parquet reader:
//! the same rows and sums as `flows.csv` and `summary.json`.
//!
//! Needs the `parquet` feature and Python's `duckdb` module; skips with a message otherwise,
//! except under CI, where the test command installs it.
#![cfg(feature = "parquet")]

use crate::common;

use std::process::Command;

use crate::common::{analyze_into_with, read_csv, sample};
use serde_json::Value;

fn duckdb(sql: &str) -> Option<String> {
    let out = Command::new("python3")
        .args([
            "-c",
            &format!("import duckdb; print(duckdb.sql({sql:?}).fetchall())"),
        ])
        .output()
        .ok()?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("No module named 'duckdb'") {
            common::skip("Python's duckdb module is missing (scripts/test.sh installs it)");
            return None;
        }
        panic!("duckdb failed on {sql}: {err}");
    }
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn parquet_tables_read_back_in_duckdb() {
    let dir = analyze_into_with(
        &sample("office-ethernet.pcap"),
        &["--parquet", "flows,packets"],
    );
    let flows = dir.path().join("flows.parquet");
    let packets = dir.path().join("packets.parquet");

    let csv = read_csv(&dir.path().join("flows.csv"));
    let pkts: u64 = csv
        .iter()
        .map(|r| {
            r["orig_pkts"].parse::<u64>().expect("n") + r["resp_pkts"].parse::<u64>().expect("n")
        })
        .sum();
    let Some(got) = duckdb(&format!(
        "select count(*), sum(orig_pkts + resp_pkts), count(distinct community_id) from '{}'",
        flows.display()
    )) else {
        return;
    };
    assert_eq!(got, format!("[({}, {pkts}, {})]", csv.len(), csv.len()));
    let first = &csv[0];
    let got = duckdb(&format!(
        "select orig_h, orig_p, conn_state, history from '{}' order by ts, community_id limit 1",
        flows.display()
    ))
    .expect("duckdb");
    assert_eq!(
        got,
        format!(
            "[('{}', {}, '{}', '{}')]",
            first["id.orig_h"], first["id.orig_p"], first["conn_state"], first["history"]
        )
    );

    let summary: Value = common::summary(dir.path());
    let got = duckdb(&format!(
        "select count(*), sum(len), sum(caplen), count(*) filter (where protocols like '%tcp%') from '{}'",
        packets.display()
    ))
    .expect("duckdb");
    assert_eq!(
        got,
        format!(
            "[({}, {}, {}, {})]",
            summary["packets"],
            summary["bytes"],
            summary["captured_bytes"],
            summary["protocols"]["tcp"]["frames"]
        )
    );
}

#[test]
fn log_tables_and_the_service_column_read_back_in_duckdb() {
    let dir = analyze_into_with(&sample("app-layer.pcap"), &["--parquet", "flows,logs"]);
    // Every log: as many rows as its CSV, and the same values in a column with empty cells.
    for (log, column) in [
        ("dns", "rcode"),
        ("tls", "server_name"),
        ("quic", "server_name"),
        ("http", "status_code"),
        ("ssh", "hassh"),
    ] {
        let csv = read_csv(&dir.path().join(format!("{log}.csv")));
        assert!(!csv.is_empty(), "{log}.csv has rows");
        let parquet = dir.path().join(format!("{log}.parquet"));
        let Some(got) = duckdb(&format!(
            "select count(*), string_agg(coalesce({column}, '-'), ' ' order by ts, community_id) from '{}'",
            parquet.display()
        )) else {
            return;
        };
        let mut rows: Vec<&std::collections::BTreeMap<String, String>> = csv.iter().collect();
        rows.sort_by(|a, b| (&a["ts"], &a["community_id"]).cmp(&(&b["ts"], &b["community_id"])));
        let values: Vec<&str> = rows.iter().map(|r| r[column].as_str()).collect();
        assert_eq!(
            got,
            format!("[({}, '{}')]", csv.len(), values.join(" ")),
            "{log}.parquet against {log}.csv"
        );
    }
    let csv = read_csv(&dir.path().join("flows.csv"));
    let http = csv.iter().filter(|r| r["service"] == "http").count();
    let got = duckdb(&format!(
        "select count(*) from '{}' where service = 'http'",
        dir.path().join("flows.parquet").display()
    ))
    .expect("duckdb");
    assert_eq!(got, format!("[({http},)]"));
}
