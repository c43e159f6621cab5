//! Large captures of a realistic mix, for benchmarks.

use super::*;

/// The traffic a benchmark capture holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mix {
    /// An office's or a data centre's: mostly TCP connections (some 20 packets a flow), with
    /// DNS, ICMP, RTP-like UDP, IPv6 and VLAN-tagged traffic; about 100,000 flows in 2M packets.
    #[default]
    Mixed,
    /// A busy resolver's and a scanned network's: short DNS exchanges of many names, NTP,
    /// port scans answered or not, short web connections and pings; about 4 packets a flow.
    ManyFlows,
    /// A SYN and UDP flood from spoofed sources over the mixed traffic: most packets are a
    /// flow, an address pair and an endpoint of their own.
    Flood,
}

/// Writes a capture of `packets` frames of `mix` for benchmarks: many hosts and flows, frame
/// sizes from 60 to 1514 bytes. Memory stays small whatever the size (sessions are generated
/// as the clock reaches them).
pub fn write_bench(path: &Path, packets: u64, seed: u64, mix: Mix) -> io::Result<()> {
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
            // About 20,000 new sessions a second, 50,000 where flows are many.
            let gap_us = match mix {
                Mix::Mixed => {
                    bench_session(&mut rng, next_start, &mut scratch)?;
                    rng.range(1, 100)
                }
                Mix::ManyFlows => {
                    many_flows_session(&mut rng, next_start, &mut scratch)?;
                    rng.range(1, 40)
                }
                Mix::Flood => {
                    flood_session(&mut rng, next_start, &mut scratch)?;
                    rng.range(1, 100)
                }
            };
            for f in scratch.drain(..) {
                order += 1;
                pending.push(Reverse((f.ts_ns, order, f.data)));
            }
            next_start += gap_us as i64 * 1000;
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

/// One session of the many-flows mix: 200,000 clients, two resolvers, 16 scanners.
fn many_flows_session(rng: &mut Rng, ts: i64, out: &mut Vec<SampleFrame>) -> io::Result<()> {
    let host = rng.range(0, 200_000) as u32;
    let client = Ip::V4([10, (host >> 16) as u8 + 1, (host >> 8) as u8, host as u8]);
    let pick = rng.range(0, 100);
    let server = match pick {
        0..=39 => Ip::V4([192, 0, 2, 53 + rng.range(0, 2) as u8]),
        40..=59 => Ip::V4([198, 51, 100, rng.range(1, 17) as u8]),
        _ => Ip::V4([192, 0, 2, rng.range(1, 250) as u8]),
    };
    let mut s = Session {
        link: Link::Ethernet,
        client,
        server,
        rng,
        ts,
        out,
    };
    match pick {
        0..=39 => {
            // Names of a few hundred thousand, a twentieth of them not there.
            let name = format!("h{}", s.rng.range(0, 300_000));
            let zone: &[u8] = [&b"com"[..], b"net", b"org"][s.rng.range(0, 3) as usize];
            let nx = s.rng.chance(0.05);
            s.dns_lookup(&[name.as_bytes(), b"example", zone], nx)
        }
        40..=59 => {
            // A scanner (the session's server end) probes the client's low ports: the SYN
            // goes from the scanner, so swap the ends.
            std::mem::swap(&mut s.client, &mut s.server);
            let port = s.rng.range(1, 1024) as u16;
            let answered = s.rng.chance(0.6);
            s.rejected_or_unanswered(port, answered)
        }
        60..=69 => {
            let ports = (s.rng.range(1024, 65535) as u16, 123);
            let request = s.payload(48);
            s.udp(true, ports, &request)?;
            s.wait(300, 20_000);
            let reply = s.payload(48);
            s.udp(false, ports, &reply)
        }
        70..=94 => {
            let port = if s.rng.chance(0.5) { 80 } else { 443 };
            s.tcp_connection(port, 1, 1448)
        }
        _ => {
            let lost = s.rng.chance(0.2);
            s.ping(1, lost)
        }
    }
}

/// One session of the flood mix: three in four are a burst of ten packets from spoofed
/// sources to one victim (SYNs to port 80, or DNS queries to port 53), the rest a session of
/// the mixed traffic.
fn flood_session(rng: &mut Rng, ts: i64, out: &mut Vec<SampleFrame>) -> io::Result<()> {
    if !rng.chance(0.75) {
        return bench_session(rng, ts, out);
    }
    let victim = Ip::V4([203, 0, 113, 10]);
    let syn = rng.chance(0.7);
    let mut s = Session {
        link: Link::Ethernet,
        client: victim,
        server: victim,
        rng,
        ts,
        out,
    };
    for _ in 0..10 {
        let a = s.rng.next_u64();
        // Unicast addresses outside 0/8, 10/8, 127/8 and the victim's: each its own source.
        let first = [
            1, 11, 23, 45, 67, 89, 101, 131, 151, 171, 181, 191, 201, 211,
        ][(a % 14) as usize];
        s.client = Ip::V4([first, (a >> 8) as u8, (a >> 16) as u8, (a >> 24) as u8 | 1]);
        let sport = (a >> 32) as u16 | 1024;
        if syn {
            let seq = (a >> 48) as u32;
            s.tcp(true, (sport, 80), seq, None, "S", &[])?;
        } else {
            // A query for the victim's zone, the kind a flood repeats.
            let id = (a >> 48) as u16;
            let mut query = id.to_be_bytes().to_vec();
            query.extend_from_slice(&[1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
            query.extend_from_slice(b"\x06victim\x07example\x00\x00\xff\x00\x01");
            s.udp(true, (sport, 53), &query)?;
        }
        s.wait(1, 3);
    }
    Ok(())
}
