//! The hot paths, each on the project's own sample captures (committed in `samples/`):
//! record scanning (pcap and pcapng; and the walk `analyze` makes over a pcap file's parts, on a
//! generated 16 MB mix), decoding per link type, folding a batch into a partial aggregate,
//! merging partials, building and writing the reports, and line-protocol encoding.
//!
//! `cargo bench --bench hot_paths`; whole-program comparisons with tshark are `scripts/bench.sh`.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use netanalyzer::analyze::{analyze_paths, fold_batch, Aggregate, Context, Limits, Options};
use netanalyzer::decode::decode;
use netanalyzer::read::pcap::{PcapHeader, PcapScanner, FILE_HEADER_LEN};
use netanalyzer::read::{CaptureReader, Record};
use netanalyzer::report::{self, Output, Report};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

/// Every record of a sample, with the bytes they point into.
fn records(name: &str) -> (Vec<u8>, Vec<Record>) {
    let bytes = std::fs::read(sample(name)).expect("sample");
    let mut reader = CaptureReader::from_bytes(Path::new(name), bytes.clone()).expect("capture");
    let mut batch = vec![Vec::new()];
    let mut all = Vec::new();
    while reader.next_window(&mut batch, 1 << 20).is_some() {
        all.extend_from_slice(&batch[0]);
    }
    (bytes, all)
}

fn scanning(c: &mut Criterion) {
    let mut g = c.benchmark_group("scan");
    for name in ["office-ethernet.pcap", "multi-interface.pcapng"] {
        let bytes = std::fs::read(sample(name)).expect("sample");
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut reader =
                    CaptureReader::from_bytes(Path::new(name), bytes.clone()).expect("capture");
                let mut batches: Vec<Vec<Record>> =
                    (0..2).map(|_| Vec::with_capacity(4096)).collect();
                let mut n = 0;
                while reader.next_window(&mut batches, 4096).is_some() {
                    n += batches.iter().map(Vec::len).sum::<usize>();
                }
                black_box(n)
            })
        });
    }
    // The walk over a pcap file in memory that `analyze` makes in each part, on the bench mix.
    let dir = tempfile::tempdir().expect("temporary folder");
    let mix = dir.path().join("bench-20000.pcap");
    netanalyzer::samples::write_bench(&mix, 20_000, 1, netanalyzer::samples::Mix::Mixed)
        .expect("bench capture");
    let bytes = std::fs::read(&mix).expect("bench capture");
    let scanner = PcapScanner::new(PcapHeader::parse(&bytes).expect("pcap"));
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("walk bench-mix-20000.pcap", |b| {
        b.iter(|| {
            let mut pos = FILE_HEADER_LEN;
            let mut bytes_seen = 0u64;
            let (n, _) = scanner.walk_each(&bytes, &mut pos, bytes.len(), usize::MAX, |r| {
                bytes_seen += u64::from(r.caplen)
            });
            black_box((n, bytes_seen))
        })
    });
    g.finish();
}

fn decoding(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    for name in [
        "office-ethernet.pcap",
        "linux-sll2.pcap",
        "raw-ip.pcap",
        "bsd-loopback.pcap",
        "tunnels.pcap",
    ] {
        let (bytes, recs) = records(name);
        g.throughput(Throughput::Elements(recs.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                for r in &recs {
                    let data = &bytes[r.data_offset..r.data_offset + r.caplen as usize];
                    black_box(decode(r.linktype, data));
                }
            })
        });
    }
    g.finish();
}

fn aggregation(c: &mut Criterion) {
    let (bytes, recs) = records("office-ethernet.pcap");
    let ctx = Context {
        base_ts: recs[0].ts_ns,
        interval_ns: 1_000_000_000,
        collect_packets: false,
        interval_top: 0,
        app: true,
    };
    let mut g = c.benchmark_group("aggregate");
    g.throughput(Throughput::Elements(recs.len() as u64));
    g.bench_function("fold_batch", |b| {
        b.iter(|| black_box(fold_batch(&bytes, &recs, &ctx)))
    });
    // An aggregate is merged once: each run merges halves folded afresh.
    let halves = || -> Vec<Aggregate> {
        recs.chunks(recs.len() / 2 + 1)
            .map(|c| fold_batch(&bytes, c, &ctx))
            .collect()
    };
    g.bench_function("merge", |b| {
        b.iter_batched(
            halves,
            |halves| {
                let mut total = Aggregate::default();
                for p in halves {
                    total.merge(p, &Limits::default());
                }
                black_box(total.packets)
            },
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn reporting(c: &mut Criterion) {
    let analysis = analyze_paths(
        &[sample("office-ethernet.pcap")],
        &Options::default(),
        &mut |_| {},
    );
    let mut g = c.benchmark_group("report");
    g.bench_function("build", |b| {
        b.iter(|| black_box(Report::build(&analysis, 10, &Default::default()).expect("report")))
    });
    let built = Report::build(&analysis, 10, &Default::default()).expect("report");
    let dir = tempfile::tempdir().expect("tempdir");
    g.bench_function("write_all", |b| {
        b.iter(|| {
            report::write_all(
                dir.path(),
                &[Output::Json, Output::Csv, Output::Html],
                &analysis,
                &built,
                10,
            )
            .expect("write")
        })
    });
    g.bench_function("line_protocol", |b| {
        b.iter(|| {
            black_box(
                netanalyzer::sinks::line::lines(
                    &analysis,
                    &built,
                    "bench",
                    netanalyzer::sinks::line::Precision::Nanoseconds,
                    10,
                )
                .expect("lines"),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, scanning, decoding, aggregation, reporting);
criterion_main!(benches);
