//! Large captures of a realistic mix, for benchmarks.

use super::*;

/// Writes a capture of `packets` frames of a realistic mix for benchmarks: mostly TCP
/// connections, with DNS, ICMP, IPv6 and VLAN-tagged traffic, many hosts and flows, frame sizes
/// from 60 to 1514 bytes. Memory stays small whatever the size (sessions are generated as the
/// clock reaches them).
pub fn write_bench(path: &Path, packets: u64, seed: u64) -> io::Result<()> {
    let mut rng = Rng::new(seed);
    let header = PcapHeader {
        datalink: DataLink::ETHERNET,
        snaplen: 262_144,
        ..PcapHeader::default()
    };
    let file = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut writer = PcapWriter::with_header(file, header).map_err(io::Error::other)?;
    let mut pending: BinaryHeap<Reverse<(i64, u64, Vec<u8>)>> = BinaryHeap::new();
    let mut order = 0u64;
    let mut next_start = EPOCH_NS;
    let mut written = 0;
    let mut scratch = Vec::new();
    while written < packets {
        while pending
            .peek()
            .is_none_or(|Reverse((ts, _, _))| next_start <= *ts)
        {
            scratch.clear();
            bench_session(&mut rng, next_start, &mut scratch)?;
            for f in scratch.drain(..) {
                order += 1;
                pending.push(Reverse((f.ts_ns, order, f.data)));
            }
            // About 20,000 new sessions a second.
            next_start += rng.range(1, 100) as i64 * 1000;
        }
        let Some(Reverse((ts, _, data))) = pending.pop() else {
            break;
        };
        let packet = PcapPacket::new(Duration::from_nanos(ts as u64), data.len() as u32, &data);
        writer.write_packet(&packet).map_err(io::Error::other)?;
        written += 1;
    }
    writer.into_writer().flush()
}

pub(super) fn bench_session(rng: &mut Rng, ts: i64, out: &mut Vec<SampleFrame>) -> io::Result<()> {
    let host = rng.range(0, 50_000) as u32;
    let v6_client = rng.chance(0.1);
    let link = if rng.chance(0.1) {
        Link::Vlan(rng.range(1, 4095) as u16)
    } else {
        Link::Ethernet
    };
    let (client, server) = if v6_client {
        (v6(1, host as u8), v6(2, rng.range(1, 250) as u8))
    } else {
        (
            Ip::V4([10, (host >> 16) as u8 + 1, (host >> 8) as u8, host as u8]),
            Ip::V4([192, 0, 2, rng.range(1, 250) as u8]),
        )
    };
    let mut s = Session {
        link,
        client,
        server,
        rng,
        ts,
        out,
    };
    let pick = s.rng.range(0, 100);
    match pick {
        0..=69 => {
            let exchanges = s.rng.range(1, 4) as usize;
            s.tcp_connection(443, exchanges, 1448)
        }
        70..=84 => s.dns(),
        85..=91 => {
            let lost = s.rng.chance(0.1);
            s.ping(2, lost)
        }
        92..=96 => {
            let port = s.rng.range(1, 1024) as u16;
            s.rejected_or_unanswered(port, true)
        }
        _ => {
            let ports = (s.rng.range(1024, 65535) as u16, 5004);
            for _ in 0..20 {
                let body = s.payload(172);
                s.udp(true, ports, &body)?;
                s.wait(20_000, 20_001);
            }
            Ok(())
        }
    }
}
