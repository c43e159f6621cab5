//! The parallel walk of a file's parts against the single walk over its records, for the fuzz
//! targets (`fuzz/`) and the unit tests of `parts`: not part of the API.
//!
//! Both walks get the same bytes; everything they count (the aggregate with its tables in key
//! order, every frame's row, the file's report) and the error that stopped them, offset
//! included, must be the same.

use std::path::Path;
use std::sync::OnceLock;

use super::aggregate::{Aggregate, Context, Limits};
use super::file_report::FileReport;
use super::fold::{absorb, fold_batch};
use super::options::Options;
use super::packets::PacketColumns;
use super::parts::analyze_parts_with;
use crate::read::{CaptureReader, ReadError};

/// The context both walks fold with.
pub fn context() -> Context {
    Context {
        base_ts: 1_700_000_000_000_000_000,
        interval_ns: 1_000_000_000,
        collect_packets: true,
        interval_top: 0,
        app: true,
    }
}

/// Everything an aggregate counted, with the tables in key order.
pub fn digest(a: &Aggregate, rows: &[PacketColumns]) -> String {
    fn sorted<T: std::fmt::Debug>(items: impl Iterator<Item = T>) -> Vec<String> {
        let mut out: Vec<String> = items.map(|i| format!("{i:?}")).collect();
        out.sort();
        out
    }
    format!(
        "{} {} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?} \
         {:?} {:?} {} {} {} {} {} {} {} {} {} {} {:?}",
        a.packets,
        a.bytes,
        a.captured_bytes,
        a.first_ts,
        a.last_ts,
        a.min_ts,
        a.max_ts,
        a.linktypes,
        a.protos,
        a.stops,
        a.undecoded_linktype,
        a.sizes,
        a.interarrival,
        a.tcp_flags,
        sorted(a.icmp_types.iter()),
        sorted(a.timeseries.iter()),
        sorted(a.flows.iter()),
        sorted(a.conversations.iter()),
        sorted(a.echoes.iter()),
        a.echo_rtt,
        a.echo_requests,
        a.echo_replies,
        a.echoes_untracked,
        a.flows_untracked,
        a.flows_timed_out,
        a.flows_finished_early,
        a.addresses_untracked,
        a.reassembled,
        a.reassembler.pending(),
        a.reassembler.given_up,
        rows,
    )
}

/// What a walk gave: the digest of its aggregate and rows, the file's report, the error.
pub struct Walked {
    /// [`digest`] of the aggregate and every frame's row.
    pub digest: String,
    /// The file's report, its `error` included.
    pub report: FileReport,
}

impl Walked {
    /// The error that stopped the walk, if one did.
    pub fn error(&self) -> Option<&ReadError> {
        self.report.error.as_ref()
    }
}

fn reader(bytes: &[u8]) -> Result<CaptureReader, ReadError> {
    CaptureReader::from_bytes(Path::new("fuzz.pcap"), bytes.to_vec())
}

/// The analysis of `bytes` window after window of batches of `per_batch` records, as
/// `analyze` reads a gzip stream: what the parts must give.
pub fn by_records(bytes: &[u8], per_batch: usize) -> Result<Walked, ReadError> {
    let ctx = context();
    let mut reader = reader(bytes)?;
    let mut total = Aggregate::default();
    let mut report = FileReport::empty("fuzz.pcap".into());
    let mut rows = Vec::new();
    let mut sink = |cols: PacketColumns| rows.push(cols);
    let mut packets: Option<super::PacketSink<'_>> = Some(&mut sink);
    let mut batches = vec![Vec::new(); 3];
    while let Some(chunk) = reader.next_window(&mut batches, per_batch.max(1)) {
        let buf: &[u8] = (*chunk).as_ref();
        let folded = batches
            .iter()
            .filter(|b| !b.is_empty())
            .map(|batch| fold_batch(buf, batch, &ctx));
        absorb(
            folded,
            &mut report,
            &mut total,
            &mut packets,
            &Limits::default(),
        );
    }
    total.finish();
    report.error = reader.error().cloned();
    Ok(Walked {
        digest: digest(&total, &merged(rows)),
        report,
    })
}

/// Rows of batches as one batch.
pub fn merged(batches: Vec<PacketColumns>) -> Vec<PacketColumns> {
    let mut all = PacketColumns::default();
    for b in batches {
        all.ts.extend(b.ts);
        all.len.extend(b.len);
        all.caplen.extend(b.caplen);
        all.linktype.extend(b.linktype);
        all.protos.extend(b.protos);
        all.src.extend(b.src);
        all.dst.extend(b.dst);
        all.ip_proto.extend(b.ip_proto);
        all.sport.extend(b.sport);
        all.dport.extend(b.dport);
        all.tcp_flags.extend(b.tcp_flags);
    }
    vec![all]
}

/// The workers the parts are walked by: two, whatever the machine, so that parts are folded
/// and merged at once as in a real run.
fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .thread_name(|i| format!("parts-{i}"))
            .build()
            .expect("two threads for the parts")
    })
}

/// The analysis of `bytes` in parts of about `per_part` records and at least `min_part_bytes`
/// bytes (`analyze` cuts parts of at least 256 KiB).
pub fn by_parts(bytes: &[u8], per_part: usize, min_part_bytes: usize) -> Result<Walked, String> {
    let ctx = context();
    let opts = Options {
        batch_size: per_part,
        batches_per_window: 3,
        ..Options::default()
    };
    let mut reader = reader(bytes).map_err(|e| format!("not a capture: {e}"))?;
    let mut total = Aggregate::default();
    let mut report = FileReport::empty("fuzz.pcap".into());
    let mut consumed = 0;
    let mut rows = Vec::new();
    let mut sink = |cols: PacketColumns| rows.push(cols);
    let walked = pool().install(|| {
        analyze_parts_with(
            &mut reader,
            &ctx,
            &opts,
            min_part_bytes,
            &mut total,
            &mut report,
            &mut |n| consumed += n,
            &mut Some(&mut sink),
        )
    });
    if !walked {
        return Err("a file in memory is not walked in parts".into());
    }
    if consumed != bytes.len() as u64 {
        return Err(format!(
            "progress adds up to {consumed} bytes, not the file's {}",
            bytes.len()
        ));
    }
    total.finish();
    report.error = reader.error().cloned();
    Ok(Walked {
        digest: digest(&total, &merged(rows)),
        report,
    })
}

/// Walks `bytes` once record after record, and then in parts of about each of `per_part`
/// records and at least `min_part_bytes` bytes; describes the first difference.
pub fn parts_vs_single_with(
    bytes: &[u8],
    per_part: &[usize],
    min_part_bytes: usize,
) -> Result<(), String> {
    let single = match by_records(bytes, 500) {
        Ok(walked) => walked,
        // Not a capture: neither walk begins.
        Err(_) => return Ok(()),
    };
    // The batch size of the single walk changes nothing.
    let in_twos = by_records(bytes, 2).map_err(|e| format!("the file header read twice: {e}"))?;
    compare("batches of 2 records", &single, &in_twos)?;
    for &per_part in per_part {
        let parts = by_parts(bytes, per_part, min_part_bytes)
            .map_err(|e| format!("{per_part} records a part: {e}"))?;
        compare(&format!("{per_part} records a part"), &single, &parts)?;
    }
    Ok(())
}

/// [`parts_vs_single_with`] with parts of one record (many parts, guesses inside fake
/// headers), of a few, and of more than a fuzzed file holds, however small the file.
pub fn parts_vs_single(bytes: &[u8]) -> Result<(), String> {
    parts_vs_single_with(bytes, &[1, 3, 100_000], 1)
}

fn compare(what: &str, expected: &Walked, got: &Walked) -> Result<(), String> {
    if got.error() != expected.error() {
        return Err(format!(
            "{what}: the error is {:?}, the single walk's {:?}",
            got.error(),
            expected.error()
        ));
    }
    let (e, g) = (
        format!("{:?}", expected.report),
        format!("{:?}", got.report),
    );
    if e != g {
        return Err(format!(
            "{what}: the file's report differs: {}",
            first_difference(&e, &g)
        ));
    }
    if got.digest != expected.digest {
        return Err(format!(
            "{what}: the aggregates differ: {}",
            first_difference(&expected.digest, &got.digest)
        ));
    }
    Ok(())
}

/// Where `got` first departs from `expected`, with a little of each around it.
fn first_difference(expected: &str, got: &str) -> String {
    let at = expected
        .bytes()
        .zip(got.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(got.len()));
    let around = |s: &str| -> String {
        let from = at.saturating_sub(80);
        String::from_utf8_lossy(&s.as_bytes()[from.min(s.len())..(from + 240).min(s.len())])
            .into_owned()
    };
    format!(
        "at character {at}: the single walk has …{}…, this walk …{}…",
        around(expected),
        around(got)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::pcap::fixtures::tricky_file;
    use crate::read::pcap::{MAGIC_MODIFIED, MAGIC_NSEC, MAGIC_USEC};
    use crate::read::pcapng;

    /// The fuzz target's check, on files of fake headers cut short anywhere.
    #[test]
    fn tiny_parts_give_the_single_walk() {
        let files = [
            tricky_file(false, MAGIC_USEC, 40),
            tricky_file(true, MAGIC_NSEC, 40),
            tricky_file(false, MAGIC_MODIFIED, 40),
            pcapng::fixtures::tricky_file(60),
        ];
        for bytes in &files {
            for cut in [bytes.len(), bytes.len() * 2 / 3, bytes.len() / 3 + 5, 30] {
                if let Err(difference) = parts_vs_single(&bytes[..cut]) {
                    panic!("cut at {cut} of {}: {difference}", bytes.len());
                }
            }
        }
    }

    /// And on the first records of every sample capture, as the test command runs the fuzz
    /// targets over them.
    #[test]
    fn tiny_parts_of_the_samples_give_the_single_walk() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).expect("samples/") {
            let path = entry.expect("a sample").path();
            if !path.is_file() {
                continue;
            }
            let bytes = std::fs::read(&path).expect("a readable sample");
            if let Err(difference) = parts_vs_single(&bytes[..bytes.len().min(16 * 1024)]) {
                panic!("{}: {difference}", path.display());
            }
            checked += 1;
        }
        assert!(checked >= 5, "{checked} samples");
    }

    /// Found by the `parts` target in a corpus seed (an echo exchange captured twice), shrunk
    /// by hand: batches of 2 records kept the second reply as a reply waiting for its request,
    /// one batch matched it to the first request and forgot it.
    #[rustfmt::skip]
    const ECHOES_TWICE: [u8; 200] = [
        // File header: pcap, little-endian, microseconds, LINKTYPE_IPV4 (228).
        0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0xe4, 0x00, 0x00, 0x00,
        // Record 0: ICMP echo request, 192.168.1.10 to 192.168.1.20, id 0x123, seq 0.
        0xec, 0xcf, 0xa5, 0x69, 0x80, 0x6a, 0x01, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00,
        0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0xf7, 0x71, 0xc0, 0xa8,
        0x01, 0x0a, 0xc0, 0xa8, 0x01, 0x14, 0x08, 0x00, 0xf6, 0xdc, 0x01, 0x23, 0x00, 0x00,
        // Record 1: ICMP echo reply, 192.168.1.20 to 192.168.1.10, id 0x123, seq 0.
        0xec, 0xcf, 0xa5, 0x69, 0x68, 0x6e, 0x01, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00,
        0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0xf7, 0x71, 0xc0, 0xa8,
        0x01, 0x14, 0xc0, 0xa8, 0x01, 0x0a, 0x00, 0x00, 0xfe, 0xdc, 0x01, 0x23, 0x00, 0x00,
        // Record 2: ICMP echo the same request again, 192.168.1.10 to 192.168.1.20, id 0x123, seq 0.
        0xec, 0xcf, 0xa5, 0x69, 0x50, 0x72, 0x01, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00,
        0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0xf7, 0x71, 0xc0, 0xa8,
        0x01, 0x0a, 0xc0, 0xa8, 0x01, 0x14, 0x08, 0x00, 0xf6, 0xdc, 0x01, 0x23, 0x00, 0x00,
        // Record 3: ICMP echo the same reply again, 192.168.1.20 to 192.168.1.10, id 0x123, seq 0.
        0xec, 0xcf, 0xa5, 0x69, 0x38, 0x76, 0x01, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00,
        0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0xf7, 0x71, 0xc0, 0xa8,
        0x01, 0x14, 0xc0, 0xa8, 0x01, 0x0a, 0x00, 0x00, 0xfe, 0xdc, 0x01, 0x23, 0x00, 0x00,
    ];

    #[test]
    fn an_exchange_captured_twice_counts_the_same_in_any_batches() {
        if let Err(difference) = parts_vs_single(&ECHOES_TWICE) {
            panic!("{difference}");
        }
        let walked = by_records(&ECHOES_TWICE, 1).expect("capture");
        assert!(walked.error().is_none(), "{:?}", walked.error());
        assert_eq!(walked.report.packets, 4);
        let one_batch = by_records(&ECHOES_TWICE, 500).expect("capture");
        assert_eq!(
            one_batch.digest, walked.digest,
            "a batch a frame, one batch"
        );
    }

    /// The check sees a difference: two files that differ in one frame's timestamp.
    #[test]
    fn a_reassembled_datagram_counts_for_its_flow_where_its_last_fragment_stands() {
        // Found by the parts target in a corpus seed: DNS over IPv6 whose answer comes in three
        // fragments. Applied before the batch's own packets, the answer began the flow when the
        // query shared its batch, and followed it otherwise.
        let seed = include_bytes!(
            "../../fuzz/regressions/parts/reassembled-datagram-applied-out-of-order"
        );
        if let Err(difference) = parts_vs_single(seed) {
            panic!("{difference}");
        }
    }

    #[test]
    fn a_difference_is_told() {
        let bytes = tricky_file(false, MAGIC_USEC, 10);
        let mut other = bytes.clone();
        other[24] ^= 1;
        let a = by_records(&bytes, 500).expect("capture");
        let b = by_records(&other, 500).expect("capture");
        let told = compare("a frame's time", &a, &b).expect_err("a difference");
        assert!(told.contains("report differs"), "{told}");
        let (mut c, d) = (a, by_records(&bytes, 500).expect("capture"));
        c.digest.push('!');
        let told = compare("one more character", &c, &d).expect_err("a difference");
        assert!(told.contains("aggregates differ"), "{told}");
    }
}
