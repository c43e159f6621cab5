//! An office network's traffic with labelled attacks in it, for measuring the detectors.
//!
//! Twenty hosts browse (bursts of visits to a few favourite sites, each visit a lookup and a
//! few connections), poll an NTP server and a telemetry service on a fixed clock, look up
//! hashed CDN names, download large files; one copies a backup to the NAS. Those are the hard
//! negatives: periodic by design, many unique names, large transfers that are not uploads.
//! Into this go, at random times, sizes and rates, the labelled injections: port scans (fast
//! and slow), a host sweep, beacons (0 to 30% jitter), DNS tunnels and uploads.

use serde::Serialize;

use super::traffic::{Ip, Link, Rng, SampleFrame, Session, EPOCH_NS};
use super::*;

const HOSTS: u8 = 20;
const RESOLVER: Ip = Ip::V4([10, 20, 0, 53]);
const NAS: Ip = Ip::V4([10, 20, 0, 200]);
const NTP_SERVER: Ip = Ip::V4([198, 18, 1, 123]);
const TELEMETRY: Ip = Ip::V4([198, 18, 2, 10]);
const S: i64 = 1_000_000_000;

/// One injected anomaly: what the detectors should find.
#[derive(Debug, Clone, Serialize)]
pub struct Label {
    /// The finding's kind.
    pub kind: &'static str,
    /// The host the finding is about.
    pub subject: String,
    /// The other side: an address or a domain.
    pub peer: Option<String>,
    /// When it starts and ends, ns since the epoch.
    pub start_ns: i64,
    /// When it ends.
    pub end_ns: i64,
    /// Its parameters (rate, jitter, size, …).
    pub params: serde_json::Map<String, serde_json::Value>,
}

/// The scenario's labels, written beside the capture.
#[derive(Debug, Clone, Serialize)]
pub struct Labels {
    /// The seed.
    pub seed: u64,
    /// The capture's length, s.
    pub duration_s: u64,
    /// Whether injections were left out.
    pub clean: bool,
    /// The injections.
    pub labels: Vec<Label>,
}

fn host(i: u8) -> Ip {
    Ip::V4([10, 20, 0, 10 + i])
}

fn text(ip: Ip) -> String {
    match ip {
        Ip::V4(a) => std::net::Ipv4Addr::from(a).to_string(),
        Ip::V6(a) => std::net::Ipv6Addr::from(a).to_string(),
    }
}

/// The office's traffic over `duration_s` seconds, with injections unless `clean`; the frames
/// in time order and their labels.
pub fn office_scenario(
    seed: u64,
    duration_s: u64,
    clean: bool,
) -> io::Result<(Vec<SampleFrame>, Labels)> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    let end = EPOCH_NS + duration_s as i64 * S;
    macro_rules! with {
        ($rng:expr, $out:expr, $c:expr, $s:expr, $ts:expr, |$ss:ident| $body:expr) => {{
            let mut $ss = Session {
                link: Link::Ethernet,
                client: $c,
                server: $s,
                rng: $rng,
                ts: $ts,
                out: $out,
            };
            $body
        }};
    }
    let sites: Vec<(String, Ip)> = (0..60u32)
        .map(|k| {
            let b = k.to_be_bytes();
            (
                format!("site{k}.com"),
                Ip::V4([198, 18, 10 + b[3] / 32, 1 + b[3] % 32 * 7]),
            )
        })
        .collect();

    for h in 0..HOSTS {
        let me = host(h);
        // Browsing: visits at random, most to a handful of favourites, in bursts.
        let favourites: Vec<usize> = (0..5).map(|_| rng.range(0, 60) as usize).collect();
        let mut t = EPOCH_NS + rng.range(0, 60) as i64 * S;
        while t < end {
            let site = if rng.chance(0.7) {
                favourites[rng.range(0, 5) as usize]
            } else {
                rng.range(0, 60) as usize
            };
            let (name, ip) = &sites[site];
            let www = format!("www.{name}");
            let labels: Vec<&[u8]> = www.split('.').map(str::as_bytes).collect();
            with!(&mut rng, &mut out, me, RESOLVER, t, |s| s
                .dns_lookup(&labels, false))?;
            for c in 0..rng.range(1, 5) {
                let at = t + (c as i64) * rng.range(50, 3000) as i64 * 1_000_000 + 40_000_000;
                with!(&mut rng, &mut out, me, *ip, at, |s| s
                    .tcp_connection(443, 2, 1448))?;
            }
            // The next visit: soon (reading on) or after a long while.
            t += if rng.chance(0.6) {
                rng.range(5, 60)
            } else {
                rng.range(120, 900)
            } as i64
                * S;
        }
        // CDN names, hashed: many unique names under one domain, from every host.
        for _ in 0..(duration_s / 40) {
            let at = EPOCH_NS + rng.range(0, duration_s * 1000) as i64 * 1_000_000;
            let edge = format!("e{:08x}", rng.next_u64() as u32);
            let labels: [&[u8]; 3] = [edge.as_bytes(), b"cdn-edge", b"net"];
            with!(&mut rng, &mut out, me, RESOLVER, at, |s| s
                .dns_lookup(&labels, false))?;
        }
        // NTP every 64 s and telemetry every 300 s, on the clock, from every host.
        let phase = rng.range(0, 64) as i64 * S;
        let mut t = EPOCH_NS + phase;
        while t < end {
            with!(&mut rng, &mut out, me, NTP_SERVER, t, |s| ntp_poll(&mut s))?;
            t += 64 * S;
        }
        let mut t = EPOCH_NS + rng.range(0, 300) as i64 * S;
        while t < end {
            with!(&mut rng, &mut out, me, TELEMETRY, t, |s| fixed_tls(
                &mut s, 420, 380
            ))?;
            t += 300 * S + rng.range(0, 4000) as i64 * 1_000_000;
        }
    }
    // Large downloads, and the nightly backup to the NAS (inside: not an upload).
    for _ in 0..3 {
        let h = host(rng.range(0, u64::from(HOSTS)) as u8);
        let at = EPOCH_NS + rng.range(0, duration_s.saturating_sub(300).max(1)) as i64 * S;
        let size = rng.range(20, 60) as usize * 1_000_000;
        with!(&mut rng, &mut out, h, sites[0].1, at, |s| bulk(
            &mut s, 443, 300, size
        ))?;
    }
    let at = EPOCH_NS + rng.range(0, duration_s.saturating_sub(600).max(1)) as i64 * S;
    with!(&mut rng, &mut out, host(1), NAS, at, |s| bulk(
        &mut s, 445, 80_000_000, 2000
    ))?;

    let mut labels = Vec::new();
    if !clean {
        inject(&mut rng, &mut out, &mut labels, duration_s)?;
    }
    out.retain(|f| f.ts_ns < end);
    out.sort_by_key(|f| f.ts_ns);
    Ok((
        out,
        Labels {
            seed,
            duration_s,
            clean,
            labels,
        },
    ))
}

/// The injections: one of each kind, at random times, sizes and rates, from random hosts.
fn inject(
    rng: &mut Rng,
    out: &mut Vec<SampleFrame>,
    labels: &mut Vec<Label>,
    duration_s: u64,
) -> io::Result<()> {
    let start_of = |rng: &mut Rng, lasts: u64| {
        EPOCH_NS + rng.range(0, duration_s.saturating_sub(lasts).max(1)) as i64 * S
    };
    let mut attackers: Vec<u8> = (0..HOSTS).collect();
    let mut pick = |rng: &mut Rng| {
        let i = rng.range(0, attackers.len() as u64) as usize;
        host(attackers.swap_remove(i))
    };
    let mut label = |kind,
                     subject: Ip,
                     peer: Option<String>,
                     start,
                     end,
                     params: Vec<(&str, serde_json::Value)>| {
        labels.push(Label {
            kind,
            subject: text(subject),
            peer,
            start_ns: start,
            end_ns: end,
            params: params
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        })
    };

    // A port scan of the NAS: fast (10 ms apart) or slow (up to 10 s apart).
    let scanner = pick(rng);
    let ports = rng.range(30, 1000);
    let slow = rng.chance(0.5);
    let mut t = start_of(rng, if slow { ports * 5 } else { 10 });
    let first = t;
    for p in 1..=ports {
        let answered = rng.chance(0.5);
        Session {
            link: Link::Ethernet,
            client: scanner,
            server: NAS,
            rng,
            ts: t,
            out,
        }
        .rejected_or_unanswered(p as u16, answered)?;
        t += if slow {
            rng.range(1, 10) as i64 * S
        } else {
            10_000_000
        };
    }
    label(
        "port_scan",
        scanner,
        Some(text(NAS)),
        first,
        t,
        vec![("ports", ports.into()), ("slow", slow.into())],
    );

    // A sweep of port 445 over a /24 with no one there.
    let sweeper = pick(rng);
    let hosts = rng.range(30, 254);
    let mut t = start_of(rng, hosts);
    let first = t;
    for i in 1..=hosts {
        let target = Ip::V4([10, 20, 1, i as u8]);
        Session {
            link: Link::Ethernet,
            client: sweeper,
            server: target,
            rng,
            ts: t,
            out,
        }
        .rejected_or_unanswered(445, false)?;
        t += rng.range(20, 1000) as i64 * 1_000_000;
    }
    label(
        "host_sweep",
        sweeper,
        None,
        first,
        t,
        vec![("hosts", hosts.into()), ("port", 445.into())],
    );

    // A beacon: a short TLS session every period, with jitter, the same sizes each time.
    let beaconer = pick(rng);
    let controller = Ip::V4([198, 18, 66, rng.range(1, 250) as u8]);
    let period = [30, 60, 120, 300][rng.range(0, 4) as usize] as f64;
    let jitter = [0.0, 0.1, 0.2, 0.3][rng.range(0, 4) as usize];
    let mut t = EPOCH_NS + rng.range(0, 120) as i64 * S;
    let first = t;
    let end = EPOCH_NS + duration_s as i64 * S;
    let mut last = t;
    while t < end {
        Session {
            link: Link::Ethernet,
            client: beaconer,
            server: controller,
            rng,
            ts: t,
            out,
        }
        .tcp_fixed(443, 310, 520)?;
        last = t;
        let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        t += (period * (1.0 + jitter * (2.0 * u - 1.0)) * 1e9) as i64;
    }
    label(
        "beacon",
        beaconer,
        Some(text(controller)),
        first,
        last,
        vec![("period_s", period.into()), ("jitter", jitter.into())],
    );

    // A DNS tunnel: TXT queries with long base32 labels under one domain.
    let tunneller = pick(rng);
    let domain = format!("tun{}.example", rng.range(0, 1000));
    let every_ms = [500u64, 2000, 5000, 10_000][rng.range(0, 4) as usize];
    let queries = (rng.range(100, 800)).min(duration_s * 1000 / every_ms);
    let mut t = start_of(rng, queries * every_ms / 1000);
    let first = t;
    const BASE32: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    for seq in 0..queries {
        let chunk: String = (0..52)
            .map(|_| BASE32[rng.range(0, 32) as usize] as char)
            .collect();
        let name = format!("{chunk}.{seq:x}.{domain}");
        Session {
            link: Link::Ethernet,
            client: tunneller,
            server: RESOLVER,
            rng,
            ts: t,
            out,
        }
        .dns_txt(&name)?;
        t += (every_ms as f64 * (0.5 + (rng.range(0, 1000) as f64) / 1000.0)) as i64 * 1_000_000;
    }
    label(
        "dns_tunnel",
        tunneller,
        Some(domain),
        first,
        t,
        vec![("queries", queries.into()), ("every_ms", every_ms.into())],
    );

    // An upload of tens of MB to one outside address in a few minutes.
    let uploader = pick(rng);
    let drop = Ip::V4([198, 18, 77, rng.range(1, 250) as u8]);
    let size = [15u64, 25, 50, 100][rng.range(0, 4) as usize] * 1_000_000;
    let t = start_of(rng, 300);
    let before = out.len();
    Session {
        link: Link::Ethernet,
        client: uploader,
        server: drop,
        rng,
        ts: t,
        out,
    }
    .bulk_upload(443, size as usize)?;
    let last = out[before..].iter().map(|f| f.ts_ns).max().unwrap_or(t);
    label(
        "exfiltration",
        uploader,
        Some(text(drop)),
        t,
        last,
        vec![("bytes", size.into())],
    );
    Ok(())
}

fn ntp_poll(s: &mut Session<'_>) -> io::Result<()> {
    let mut request = vec![0u8; 48];
    request[0] = 0x23;
    let ports = (123, 123);
    s.udp(true, ports, &request)?;
    s.wait(5_000, 40_000);
    let mut reply = vec![0u8; 48];
    reply[0] = 0x24;
    reply[1] = 2;
    s.udp(false, ports, &reply)
}

fn fixed_tls(s: &mut Session<'_>, request: usize, response: usize) -> io::Result<()> {
    s.tcp_fixed(443, request, response)
}

fn bulk(s: &mut Session<'_>, port: u16, from_client: usize, from_server: usize) -> io::Result<()> {
    if from_client > from_server {
        s.bulk_upload(port, from_client)
    } else {
        s.bulk_download(port, from_server)
    }
}

impl Session<'_> {
    /// A TCP connection carrying `request` bytes up and `response` down, always the same.
    pub(super) fn tcp_fixed(
        &mut self,
        dport: u16,
        request: usize,
        response: usize,
    ) -> io::Result<()> {
        let ports = (self.rng.range(32768, 61000) as u16, dport);
        let (c, v) = (self.rng.next_u64() as u32, self.rng.next_u64() as u32);
        let (c, v) = self.tcp_open(ports, c, v, 20_000)?;
        let up = self.payload(request);
        self.tcp(true, ports, c, Some(v), "P", &up)?;
        self.wait(20_000, 30_000);
        let down = self.payload(response);
        let c = c.wrapping_add(request as u32);
        self.tcp(false, ports, v, Some(c), "P", &down)?;
        let v = v.wrapping_add(response as u32);
        self.wait(1_000, 2_000);
        self.tcp_close(ports, c, v, 20_000)
    }

    /// `bytes` from the client in full segments, acknowledged every few, over a connection.
    pub(super) fn bulk_upload(&mut self, dport: u16, bytes: usize) -> io::Result<()> {
        self.bulk(dport, bytes, true)
    }

    /// `bytes` from the server.
    pub(super) fn bulk_download(&mut self, dport: u16, bytes: usize) -> io::Result<()> {
        self.bulk(dport, bytes, false)
    }

    fn bulk(&mut self, dport: u16, bytes: usize, up: bool) -> io::Result<()> {
        let ports = (self.rng.range(32768, 61000) as u16, dport);
        let (c, v) = (self.rng.next_u64() as u32, self.rng.next_u64() as u32);
        let (mut c, mut v) = self.tcp_open(ports, c, v, 20_000)?;
        let segment = self.payload(1448);
        let mut left = bytes;
        let mut n = 0u32;
        while left > 0 {
            let len = left.min(1448);
            // About 10 MB a minute: a segment every 8.7 ms, on average.
            self.wait(4_000, 13_400);
            if up {
                self.tcp(true, ports, c, Some(v), "", &segment[..len])?;
                c = c.wrapping_add(len as u32);
            } else {
                self.tcp(false, ports, v, Some(c), "", &segment[..len])?;
                v = v.wrapping_add(len as u32);
            }
            n += 1;
            if n.is_multiple_of(4) {
                self.tcp(
                    !up,
                    ports,
                    if up { v } else { c },
                    Some(if up { c } else { v }),
                    "",
                    &[],
                )?;
            }
            left -= len;
        }
        self.wait(1_000, 2_000);
        self.tcp_close(ports, c, v, 20_000)
    }

    /// A TXT query for the name of `labels`, answered with a short TXT record.
    pub(super) fn dns_txt(&mut self, name: &str) -> io::Result<()> {
        let ports = (self.rng.range(1024, 65535) as u16, 53);
        let id = self.rng.next_u64() as u16;
        let query = super::app::dns_query(id, name, 16);
        self.udp(true, ports, &query)?;
        self.wait(2_000, 30_000);
        let mut answer = query.clone();
        answer[2] = 0x81;
        answer[3] = 0x80;
        answer[7] = 1;
        let data = self.payload(40);
        answer.extend_from_slice(&[0xc0, 0x0c, 0, 16, 0, 1, 0, 0, 0, 0, 0, 41, 40]);
        answer.extend_from_slice(&data);
        self.udp(false, ports, &answer)
    }
}

/// Writes the scenario's capture to `path` and its labels to `labels_path`.
pub fn write_scenario(
    path: &Path,
    labels_path: &Path,
    seed: u64,
    duration_s: u64,
    clean: bool,
) -> io::Result<Labels> {
    let (frames, labels) = office_scenario(seed, duration_s, clean)?;
    write_pcap(path, &frames, Endianness::Little, TsResolution::MicroSecond)?;
    let json = serde_json::to_vec_pretty(&labels).map_err(io::Error::other)?;
    std::fs::write(labels_path, json)?;
    Ok(labels)
}
