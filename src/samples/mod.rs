//! The project's own captures: deterministic sample files for every supported format and link
//! type, and large realistic captures for benchmarks.
//!
//! Frames are built with `etherparse` and written with `pcap-file`, code independent of our
//! readers and decoder, so that reading the samples back checks ours (and tshark checks both).
//! The same seed always gives the same bytes.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::{DataLink, Endianness, TsResolution};

use crate::decode::linktype;

mod app;
mod bench;
mod files;
mod scenario;
mod traffic;
mod tunnels;

pub use bench::{write_bench, Mix};
pub(crate) use files::PcapNgBuilder;
use files::*;
pub use scenario::{office_scenario, write_scenario, Label, Labels};
use traffic::*;
pub use traffic::{wrap, Ip, Link, Rng, SampleFrame};
use tunnels::*;

/// The folder of `samples/` that holds other formats of captures found beside it.
pub const FORMATS_DIR: &str = "formats";

/// Writes the sample captures into `dir`; returns their paths.
pub fn write_samples(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let mut emit = |name: &str, bytes: Option<&[u8]>| -> PathBuf {
        let path = dir.join(name);
        if let Some(b) = bytes {
            let _ = std::fs::write(&path, b);
        }
        written.push(path.clone());
        path
    };

    // Ethernet with VLAN and QinQ tags mixed in: microsecond little-endian; in `formats/`, the
    // same traffic as nanosecond big-endian and gzip-compressed, for the readers' tests (apart,
    // so that analyzing `samples/*.pcap*` counts each kind of traffic once).
    let ethernet_mix = |i: usize| match i % 9 {
        4 => Link::Vlan(100),
        7 => Link::QinQ(200, 10),
        _ => Link::Ethernet,
    };
    let office = office_traffic(&ethernet_mix, 7)?;
    let p = emit("office-ethernet.pcap", None);
    write_pcap(&p, &office, Endianness::Little, TsResolution::MicroSecond)?;
    std::fs::create_dir_all(dir.join(FORMATS_DIR))?;
    let p = emit(&format!("{FORMATS_DIR}/office-ethernet-ns-be.pcap"), None);
    write_pcap(&p, &office, Endianness::Big, TsResolution::NanoSecond)?;
    let plain = std::fs::read(dir.join("office-ethernet.pcap"))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain)?;
    emit(
        &format!("{FORMATS_DIR}/office-ethernet.pcap.gz"),
        Some(&gz.finish()?),
    );

    for (name, link, seed) in [
        ("linux-sll.pcap", Link::Sll, 11),
        ("linux-sll2.pcap", Link::Sll2, 12),
        ("bsd-loopback.pcap", Link::Null, 13),
        ("raw-ip.pcap", Link::Raw, 14),
    ] {
        let frames = office_traffic(&|_| link, seed)?;
        let p = emit(name, None);
        write_pcap(&p, &frames, Endianness::Little, TsResolution::MicroSecond)?;
    }

    // Raw IPv4 (228) and raw IPv6 (229) need one file each: a pcap has one link type.
    let raw = office_traffic(&|_| Link::RawByVersion, 15)?;
    for (name, lt) in [
        ("raw-ipv4.pcap", linktype::IPV4),
        ("raw-ipv6.pcap", linktype::IPV6),
    ] {
        let frames: Vec<SampleFrame> = raw.iter().filter(|f| f.linktype == lt).cloned().collect();
        let p = emit(name, None);
        write_pcap(&p, &frames, Endianness::Little, TsResolution::MicroSecond)?;
    }

    let p = emit("multi-interface.pcapng", None);
    std::fs::write(&p, multi_interface_pcapng()?)?;

    let p = emit("app-layer.pcap", None);
    write_pcap(
        &p,
        &app::app_traffic(31)?,
        Endianness::Little,
        TsResolution::MicroSecond,
    )?;

    let p = emit("tunnels.pcap", None);
    write_pcap(
        &p,
        &tunnel_frames()?,
        Endianness::Little,
        TsResolution::MicroSecond,
    )?;
    Ok(written)
}

/// Two sections (little- then big-endian), interfaces of three link types with microsecond,
/// nanosecond and power-of-two timestamp resolutions, Simple Packet Blocks and comments.
fn multi_interface_pcapng() -> io::Result<Vec<u8>> {
    let eth = office_traffic(&|_| Link::Ethernet, 21)?;
    let raw = office_traffic(&|_| Link::Raw, 22)?;
    let sll = office_traffic(&|_| Link::Sll, 23)?;
    let mut b = PcapNgBuilder::new();
    b.section(false, Some("netanalyzer sample: section 1"));
    b.interface(linktype::ETHERNET, None, Some("eth0"));
    b.interface(linktype::RAW, Some(9), Some("tun0"));
    let mut merged: Vec<(i64, u32, &SampleFrame)> = eth
        .iter()
        .take(120)
        .map(|f| (f.ts_ns, 0, f))
        .chain(raw.iter().take(120).map(|f| (f.ts_ns + 1_000, 1, f)))
        .collect();
    merged.sort_by_key(|m| (m.0, m.1));
    for (i, (_, iface, f)) in merged.iter().enumerate() {
        let units = if *iface == 0 {
            1_000_000
        } else {
            1_000_000_000
        };
        let comment = (i % 50 == 0).then_some("a frame with a comment");
        b.enhanced(*iface, units, f, comment);
    }
    b.section(true, Some("netanalyzer sample: section 2, big-endian"));
    b.interface(linktype::LINUX_SLL, Some(0x80 | 20), Some("any"));
    for f in sll.iter().take(60) {
        let shifted = SampleFrame {
            ts_ns: f.ts_ns + 10_000_000_000,
            ..f.clone()
        };
        b.enhanced(0, 1 << 20, &shifted, None);
    }
    b.section(
        false,
        Some("netanalyzer sample: section 3, simple packet blocks"),
    );
    b.interface(linktype::ETHERNET, None, Some("eth1"));
    for f in eth.iter().skip(120).take(10) {
        b.simple(&f.data);
    }
    Ok(b.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic() {
        let link = |_| Link::Ethernet;
        let a = office_traffic(&link, 5).expect("frames");
        let b = office_traffic(&link, 5).expect("frames");
        assert_eq!(a, b);
        assert!(a.len() > 100);
        assert!(a.windows(2).all(|w| w[0].ts_ns <= w[1].ts_ns));
    }
}
