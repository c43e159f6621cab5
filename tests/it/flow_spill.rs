//! Flows beyond `--max-flows` are finished early and kept on disk: nothing is lost, the tables
//! derived from flows do not change, and the spill files are gone afterwards.

use crate::common;

use std::path::Path;

use crate::common::{bin, read_csv, summary};

fn analyze(input: &Path, out: &Path, extra: &[&str]) {
    let status = bin()
        .arg("analyze")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .status()
        .expect("run");
    assert!(status.success());
}

/// The run's temporary folders are gone once it has ended.
fn assert_no_spill_folder(out: &Path) {
    let left: Vec<_> = std::fs::read_dir(out)
        .expect("out dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".netanalyzer-"))
        .collect();
    assert!(left.is_empty(), "spill folder left behind: {left:?}");
}

fn sum(rows: &[std::collections::BTreeMap<String, String>], columns: &[&str]) -> u64 {
    rows.iter()
        .flat_map(|r| {
            columns
                .iter()
                .map(move |c| r[*c].parse::<u64>().expect("number"))
        })
        .sum()
}

#[test]
fn flows_beyond_the_limit_are_spilled_and_none_is_lost() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = dir.path().join("many-flows.pcap");
    // Several batches, a few thousand flows: the limit below is crossed many times.
    common::generate_bench(&capture, 60000);
    let (whole, spilled) = (dir.path().join("whole"), dir.path().join("spilled"));
    analyze(&capture, &whole, &[]);
    // What a killed run left behind is cleared by the next run into the same folder.
    let stale = spilled.join(".netanalyzer-flows-killed");
    std::fs::create_dir_all(&stale).expect("stale folder");
    std::fs::write(stale.join("run-0.bin"), b"partial").expect("stale run");
    analyze(&capture, &spilled, &["--max-flows", "500"]);
    // Which flows are finished early does not depend on the number of threads.
    let one_thread = dir.path().join("one-thread");
    analyze(&capture, &one_thread, &["--max-flows", "500", "-j", "1"]);
    assert_eq!(
        std::fs::read(spilled.join("flows.csv")).expect("flows"),
        std::fs::read(one_thread.join("flows.csv")).expect("flows"),
    );

    let (a, b) = (summary(&whole), summary(&spilled));
    assert_eq!(a["flows"]["finished_early"], 0);
    assert!(b["flows"]["finished_early"].as_u64().expect("count") > 1000);
    assert_eq!(b["flows"]["untracked_packets"], 0);

    let (fa, fb) = (
        read_csv(&whole.join("flows.csv")),
        read_csv(&spilled.join("flows.csv")),
    );
    // A flow idle while 500 others were active is split in two, as after Zeek's inactivity
    // timeout; every packet and byte is still in exactly one flow.
    assert!(fb.len() >= fa.len());
    assert_eq!(b["flows"]["total"].as_u64(), Some(fb.len() as u64));
    let counted = ["orig_pkts", "resp_pkts", "orig_ip_bytes", "resp_ip_bytes"];
    assert_eq!(sum(&fa, &counted), sum(&fb, &counted));
    let starts: Vec<&str> = fb.iter().map(|r| r["start"].as_str()).collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "flows.csv is in start order"
    );

    // Tables that add flows up are the same whichever way the flows were kept.
    for table in [
        "ports.csv",
        "conversations.csv",
        "endpoints.csv",
        "protocols.csv",
    ] {
        assert_eq!(
            std::fs::read(whole.join(table)).expect("table"),
            std::fs::read(spilled.join(table)).expect("table"),
            "{table}"
        );
    }
    // The spill folder is removed with the run, and the stale one before it.
    assert_no_spill_folder(&spilled);
}

#[test]
fn address_pairs_beyond_the_limit_go_to_disk_and_add_up_exactly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = dir.path().join("many-pairs.pcap");
    common::generate_bench(&capture, 60000);
    let (whole, spilled) = (dir.path().join("whole"), dir.path().join("spilled"));
    analyze(&capture, &whole, &[]);
    // A few hundred pairs a shard: every shard is written out many times over.
    analyze(&capture, &spilled, &["--max-conversations", "800"]);
    let (a, b) = (summary(&whole), summary(&spilled));
    assert!(
        a["conversations_total"].as_u64().expect("count") > 3000,
        "the capture has many more pairs than the limit: {}",
        a["conversations_total"]
    );
    // Endpoints are counted in memory up to the same limit, then in runs too.
    assert!(a["endpoints_total"].as_u64().expect("count") > 800);
    for key in [
        "conversations_total",
        "endpoints_total",
        "top_conversations",
        "top_talkers",
    ] {
        assert_eq!(a[key], b[key], "{key}");
    }
    // Same rows in the same order (bytes, then addresses), merged from runs on disk.
    for table in ["conversations.csv", "endpoints.csv", "flows.csv"] {
        assert_eq!(
            std::fs::read(whole.join(table)).expect("table"),
            std::fs::read(spilled.join(table)).expect("table"),
            "{table}"
        );
    }
    assert_no_spill_folder(&spilled);
}

/// A capture of UDP, TCP and ICMP packets at the given seconds: (seconds, protocol, client
/// port). The client is 10.0.0.1, the server 10.0.0.2 on port 53 (or 80 for TCP).
fn write_timed(path: &Path, packets: &[(u64, &str, u16)]) {
    use etherparse::PacketBuilder;
    use pcap_file::pcap::{PcapPacket, PcapWriter};
    let mut w = PcapWriter::new(std::fs::File::create(path).expect("create")).expect("header");
    for &(secs, proto, port) in packets {
        let step = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]).ipv4(
            [10, 0, 0, 1],
            [10, 0, 0, 2],
            64,
        );
        let mut frame = Vec::new();
        match proto {
            "udp" => step.udp(port, 53).write(&mut frame, b"ping"),
            "tcp" => step
                .tcp(port, 80, 1000, 64240)
                .ack(1)
                .write(&mut frame, b"x"),
            _ => step.icmpv4_echo_request(port, 1).write(&mut frame, b"ping"),
        }
        .expect("frame");
        let ts = std::time::Duration::from_secs(1_800_000_000 + secs);
        w.write_packet(&PcapPacket::new(ts, frame.len() as u32, &frame))
            .expect("write");
    }
}

#[test]
fn flows_idle_past_their_timeout_end_and_a_later_packet_starts_a_new_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = dir.path().join("gaps.pcap");
    let mut packets = vec![
        // UDP: 50 s apart, then 70 s: two flows under UDP's minute
        (0, "udp", 5000),
        (50, "udp", 5000),
        (120, "udp", 5000),
        // TCP: 4 minutes apart stays one flow under TCP's 5; 6 minutes do not
        (1, "tcp", 6000),
        (241, "tcp", 6000),
        (602, "tcp", 6000),
        // ICMP echo requests of one identifier, 61 s apart
        (2, "icmp", 7),
        (63, "icmp", 7),
    ];
    // A long archive of short exchanges: one a second for 15 minutes, each its own flow, which
    // the sweeps take out of memory as capture time goes by.
    packets.extend((0..900).map(|s| (s, "udp", 10_000 + s as u16)));
    packets.sort_by_key(|p| p.0);
    write_timed(&capture, &packets);

    let flows_of = |out: &Path| -> Vec<(String, String, String)> {
        read_csv(&out.join("flows.csv"))
            .into_iter()
            .filter(|r| ["5000", "6000", "7", "8"].contains(&r["id.orig_p"].as_str()))
            .map(|r| {
                (
                    r["proto"].clone(),
                    r["id.orig_p"].clone(),
                    r["orig_pkts"].clone(),
                )
            })
            .collect()
    };
    let zeek = dir.path().join("zeek");
    analyze(&capture, &zeek, &[]);
    let mut got = flows_of(&zeek);
    got.sort();
    let own = |p: &str, port: &str, n: &str| (p.to_string(), port.to_string(), n.to_string());
    let mut want = vec![
        own("udp", "5000", "2"),
        own("udp", "5000", "1"),
        own("tcp", "6000", "2"),
        own("tcp", "6000", "1"),
        own("icmp", "8", "1"),
        own("icmp", "8", "1"),
    ];
    want.sort();
    assert_eq!(got, want);
    let s = summary(&zeek);
    assert_eq!(s["flows"]["total"], 906);
    assert_eq!(s["flows"]["finished_early"], 0);
    // Every exchange but those of the last minute or so ended before the end of the input.
    let timed_out = s["flows"]["timed_out"].as_u64().expect("count");
    assert!((800..=900).contains(&timed_out), "{timed_out} timed out");

    // Thread count does not change what ends.
    let one = dir.path().join("one-thread");
    analyze(&capture, &one, &["-j", "1"]);
    assert_eq!(
        std::fs::read(zeek.join("flows.csv")).expect("flows"),
        std::fs::read(one.join("flows.csv")).expect("flows"),
    );

    // Longer timeouts, or none, keep each key one flow.
    for extra in [
        &[
            "--udp-timeout",
            "0",
            "--tcp-timeout",
            "0",
            "--icmp-timeout",
            "0",
        ][..],
        &[
            "--udp-timeout",
            "2m",
            "--tcp-timeout",
            "7m",
            "--icmp-timeout",
            "90s",
        ],
    ] {
        let out = dir.path().join(format!("long-{}", extra[1]));
        analyze(&capture, &out, extra);
        let mut got = flows_of(&out);
        got.sort();
        let mut want = vec![
            own("udp", "5000", "3"),
            own("tcp", "6000", "3"),
            own("icmp", "8", "2"),
        ];
        want.sort();
        assert_eq!(got, want, "{extra:?}");
        assert_eq!(summary(&out)["flows"]["total"], 903, "{extra:?}");
    }
}

/// The benchmark's mixes where flows are many: what they hold, and outputs that do not depend on
/// the thread count when most flows end early or time out.
#[test]
fn many_flow_mixes_hold_their_flows_and_do_not_depend_on_threads() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (mix, min_flows_per_packet) in [("mixed", 0.03), ("many-flows", 0.15), ("flood", 0.5)] {
        let capture = dir.path().join(format!("{mix}.pcap"));
        common::generate_bench_mix(&capture, 40_000, mix);
        let (two, one) = (
            dir.path().join(format!("{mix}-2")),
            dir.path().join(format!("{mix}-1")),
        );
        analyze(&capture, &two, &["--max-flows", "2000", "-j", "2"]);
        analyze(&capture, &one, &["--max-flows", "2000", "-j", "1"]);
        let s = summary(&two);
        let flows = s["flows"]["total"].as_u64().expect("flows");
        assert!(
            flows as f64 >= 40_000.0 * min_flows_per_packet,
            "{mix}: {flows} flows"
        );
        assert_eq!(s["flows"]["untracked_packets"], 0, "{mix}");
        assert_eq!(
            read_csv(&two.join("flows.csv")).len() as u64,
            flows,
            "{mix}"
        );
        for table in [
            "flows.csv",
            "conversations.csv",
            "endpoints.csv",
            "ports.csv",
            "dns.csv",
        ] {
            let (a, b) = (
                std::fs::read_to_string(two.join(table)).expect("table"),
                std::fs::read_to_string(one.join(table)).expect("table"),
            );
            let first = a.lines().zip(b.lines()).position(|(x, y)| x != y);
            assert!(
                a == b,
                "{mix}: {table} differs between 1 and 2 threads from line {first:?}"
            );
        }
        assert_no_spill_folder(&two);
    }
}
