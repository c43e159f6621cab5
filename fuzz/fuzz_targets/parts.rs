//! Differential: arbitrary bytes as a capture file, walked record after record (as a gzip
//! stream is) and in parts of a few records cut at guessed boundaries (as `analyze` walks every
//! pcap and pcapng), must give the same aggregates, rows, report, error and error offset.
//!
//! The first byte picks the file header put before the rest, so that most inputs are
//! captures: its low three bits the format (pcap in either byte order and timestamp unit,
//! Kuznetzov's modified pcap, pcapng in either byte order, or none: the rest is the whole
//! file, as the seeds are), the bits above them the link type.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netanalyzer::analyze::fuzzing::parts_vs_single;

const LINK_TYPES: [u32; 13] = [0, 1, 9, 12, 14, 50, 51, 101, 108, 113, 228, 229, 276];

fn file(selector: u8, rest: &[u8]) -> Vec<u8> {
    let linktype = LINK_TYPES[usize::from(selector >> 3) % LINK_TYPES.len()];
    let mut out = Vec::with_capacity(rest.len() + 48);
    let pcap = |out: &mut Vec<u8>, magic: u32, be: bool| {
        let u32b = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let u16b = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        out.extend(u32b(magic));
        out.extend(u16b(2));
        out.extend(u16b(4));
        out.extend([0; 8]);
        out.extend(u32b(65_535));
        out.extend(u32b(linktype));
    };
    let pcapng = |out: &mut Vec<u8>, be: bool| {
        let u32b = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let u16b = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        // Section header: type, length, byte-order magic, version 1.0, section length -1.
        out.extend(0x0A0D_0D0A_u32.to_le_bytes());
        out.extend(u32b(28));
        out.extend(u32b(0x1A2B_3C4D));
        out.extend(u16b(1));
        out.extend(u16b(0));
        out.extend([0xFF; 8]);
        out.extend(u32b(28));
        // Interface description: type, length, link type, reserved, snap length.
        out.extend(u32b(1));
        out.extend(u32b(20));
        out.extend(u16b(linktype as u16));
        out.extend(u16b(0));
        out.extend(u32b(0));
        out.extend(u32b(20));
    };
    match selector & 7 {
        0 => pcap(&mut out, 0xA1B2_C3D4, false),
        1 => pcap(&mut out, 0xA1B2_C3D4, true),
        2 => pcap(&mut out, 0xA1B2_3C4D, false),
        3 => pcap(&mut out, 0xA1B2_3C4D, true),
        4 => pcap(&mut out, 0xA1B2_CD34, false),
        5 => pcapng(&mut out, false),
        6 => pcapng(&mut out, true),
        // 7: no header, the rest is the whole file.
        _ => {}
    }
    out.extend_from_slice(rest);
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    if let Err(difference) = parts_vs_single(&file(selector, rest)) {
        panic!("the parts and the single walk differ: {difference}");
    }
});
