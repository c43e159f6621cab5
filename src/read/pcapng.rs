//! pcapng files: a sequence of blocks, each `type, total length, body, total length`.
//!
//! Several sections (each opened by a Section Header Block, with its own byte order) and several
//! interfaces per section (each with its link type, `if_tsresol` and `if_tsoffset`) are followed.
//! Enhanced, Simple and the obsolete Packet blocks carry frames; every other block is skipped.
//!
//! A file can also be walked in parts from guessed block boundaries (a run of blocks whose
//! lengths agree at both ends), each part with the state read before it: such a walk stops before
//! any block that changes that state (a section or interface header) or that needs the packet
//! before it (a Simple Packet Block takes its timestamp), and whoever joins the parts walks those.

use super::{prefetch_ahead, PartScanner, ReadErrorKind, Record, Scan, SCAN_PREFETCH_BYTES};

/// Section Header Block type; it reads the same in both byte orders.
pub const SHB_TYPE: u32 = 0x0A0D_0D0A;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
const IDB_TYPE: u32 = 0x0000_0001;
const OPB_TYPE: u32 = 0x0000_0002;
const SPB_TYPE: u32 = 0x0000_0003;
const EPB_TYPE: u32 = 0x0000_0006;
/// No legitimate block is anywhere near this long; longer lengths are corruption.
const MAX_BLOCK_LEN: u32 = 256 * 1024 * 1024;
/// Blocks in a row that must look right for a guessed block boundary.
const GUESS_DEPTH: usize = 4;

const OPT_END: u16 = 0;
const OPT_IF_TSRESOL: u16 = 9;
const OPT_IF_TSOFFSET: u16 = 14;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Interface {
    linktype: u16,
    snaplen: u32,
    /// Timestamp units per second.
    units_per_sec: u64,
    offset_ns: i64,
}

/// Walks the blocks of a pcapng file.
#[derive(Debug, Clone, Default)]
pub struct PcapNgScanner {
    big_endian: bool,
    interfaces: Vec<Interface>,
    sections: u32,
    /// Time of the last timestamped packet: Simple Packet Blocks have none and, as in
    /// Wireshark's statistics, take the time of the packet before them.
    last_ts: i64,
    /// Section and interface headers read: scanners of the same generation hold the same
    /// sections and interfaces.
    generation: u64,
    /// Walking a part from a guessed boundary, before its first timestamped packet: `last_ts`
    /// is not known.
    last_ts_unknown: bool,
}

#[inline]
fn u32_at(b: &[u8], at: usize, be: bool) -> u32 {
    let v = [b[at], b[at + 1], b[at + 2], b[at + 3]];
    if be {
        u32::from_be_bytes(v)
    } else {
        u32::from_le_bytes(v)
    }
}

#[inline]
fn u16_at(b: &[u8], at: usize, be: bool) -> u16 {
    let v = [b[at], b[at + 1]];
    if be {
        u16::from_be_bytes(v)
    } else {
        u16::from_le_bytes(v)
    }
}

impl PcapNgScanner {
    /// A scanner positioned before the first Section Header Block.
    pub fn new() -> PcapNgScanner {
        PcapNgScanner::default()
    }

    /// Reads blocks from `*pos` until one carries a frame, the data runs out, or a block is bad.
    pub fn next(&mut self, buf: &[u8], pos: &mut usize) -> Result<Scan, ReadErrorKind> {
        loop {
            if let Some(scan) = self.next_block(buf, pos)? {
                return Ok(scan);
            }
        }
    }

    /// Reads the block at `*pos`: a frame, the end of the data, or `None` for a block without
    /// a frame.
    fn next_block(&mut self, buf: &[u8], pos: &mut usize) -> Result<Option<Scan>, ReadErrorKind> {
        let at = *pos;
        let remaining = buf.len().saturating_sub(at);
        if remaining == 0 {
            return Ok(Some(Scan::End));
        }
        if remaining < 12 {
            return Ok(Some(Scan::NeedMore { need: 12 }));
        }
        let raw_type = u32_at(buf, at, false);
        if raw_type == SHB_TYPE {
            self.big_endian = match u32_at(buf, at + 8, false) {
                BYTE_ORDER_MAGIC => false,
                m if m == BYTE_ORDER_MAGIC.swap_bytes() => true,
                m => return Err(ReadErrorKind::BadByteOrderMagic(m)),
            };
        } else if self.sections == 0 {
            return Err(ReadErrorKind::NotCapture);
        }
        let be = self.big_endian;
        let block_type = u32_at(buf, at, be);
        let len = u32_at(buf, at + 4, be);
        let min_len = if block_type == SHB_TYPE { 28 } else { 12 };
        if len < min_len || !len.is_multiple_of(4) || len > MAX_BLOCK_LEN {
            return Err(ReadErrorKind::BadBlockLength { block_type, len });
        }
        let len = len as usize;
        if remaining < len {
            return Ok(Some(Scan::NeedMore { need: len }));
        }
        let trailer = u32_at(buf, at + len - 4, be);
        if trailer as usize != len {
            return Err(ReadErrorKind::BlockLengthMismatch {
                block_type,
                len: len as u32,
                trailer,
            });
        }
        let block = &buf[at..at + len];
        *pos = at + len;
        match block_type {
            SHB_TYPE => {
                self.sections += 1;
                self.interfaces.clear();
                self.generation += 1;
            }
            IDB_TYPE => {
                self.interfaces.push(parse_idb(block, be)?);
                self.generation += 1;
            }
            EPB_TYPE | OPB_TYPE => {
                let scan = self.packet_block(block_type, block, at, be)?;
                if let Scan::Record(r) = scan {
                    self.last_ts = r.ts_ns;
                    self.last_ts_unknown = false;
                }
                return Ok(Some(scan));
            }
            SPB_TYPE => {
                let iface = *self
                    .interfaces
                    .first()
                    .ok_or(ReadErrorKind::UnknownInterface { id: 0, count: 0 })?;
                if len < 16 {
                    return Err(ReadErrorKind::BadBlockLength {
                        block_type,
                        len: len as u32,
                    });
                }
                let origlen = u32_at(block, 8, be);
                let mut caplen = origlen.min((len - 16) as u32);
                if iface.snaplen != 0 {
                    caplen = caplen.min(iface.snaplen);
                }
                return Ok(Some(Scan::Record(Record {
                    ts_ns: self.last_ts,
                    caplen,
                    origlen,
                    linktype: iface.linktype,
                    data_offset: at + 12,
                })));
            }
            _ => {}
        }
        Ok(None)
    }

    /// Whether the block at `at` changes what this scanner holds (a section or interface
    /// header), or needs the packet before it when that is not known: a walk from a guessed
    /// boundary stops before it.
    fn needs_the_walk_before(&self, buf: &[u8], at: usize) -> bool {
        if buf.len().saturating_sub(at) < 8 {
            return false;
        }
        if u32_at(buf, at, false) == SHB_TYPE {
            return true;
        }
        match u32_at(buf, at, self.big_endian) {
            IDB_TYPE => true,
            SPB_TYPE => self.last_ts_unknown,
            _ => false,
        }
    }

    fn plausible_run(&self, buf: &[u8], mut at: usize) -> bool {
        if self.sections == 0 {
            return false;
        }
        let be = self.big_endian;
        for _ in 0..GUESS_DEPTH {
            if at + 12 > buf.len() {
                return false;
            }
            let block_type = u32_at(buf, at, be);
            let len = u32_at(buf, at + 4, be);
            if len < 12 || !len.is_multiple_of(4) || len > MAX_BLOCK_LEN {
                return false;
            }
            let len = len as usize;
            if at + len > buf.len() || u32_at(buf, at + len - 4, be) as usize != len {
                return false;
            }
            if block_type == EPB_TYPE
                && (len < 32
                    || u32_at(buf, at + 8, be) as usize >= self.interfaces.len()
                    || u32_at(buf, at + 20, be) as usize > len - 32)
            {
                return false;
            }
            at += len;
        }
        true
    }

    fn packet_block(
        &self,
        block_type: u32,
        block: &[u8],
        at: usize,
        be: bool,
    ) -> Result<Scan, ReadErrorKind> {
        const FIXED: usize = 8 + 20 + 4;
        if block.len() < FIXED {
            return Err(ReadErrorKind::BadBlockLength {
                block_type,
                len: block.len() as u32,
            });
        }
        let iface_id = if block_type == OPB_TYPE {
            u32::from(u16_at(block, 8, be))
        } else {
            u32_at(block, 8, be)
        };
        let iface =
            *self
                .interfaces
                .get(iface_id as usize)
                .ok_or(ReadErrorKind::UnknownInterface {
                    id: iface_id,
                    count: self.interfaces.len(),
                })?;
        let ts = (u64::from(u32_at(block, 12, be)) << 32) | u64::from(u32_at(block, 16, be));
        let caplen = u32_at(block, 20, be);
        let origlen = u32_at(block, 24, be);
        if caplen as usize > block.len() - FIXED {
            return Err(ReadErrorKind::CaplenBeyondBlock {
                caplen,
                room: (block.len() - FIXED) as u32,
            });
        }
        Ok(Scan::Record(Record {
            ts_ns: to_ns(ts, iface.units_per_sec).saturating_add(iface.offset_ns),
            caplen,
            origlen,
            linktype: iface.linktype,
            data_offset: at + 28,
        }))
    }
}

impl PartScanner for PcapNgScanner {
    /// From a guess, the walk also stops before a section or interface header, and before a
    /// Simple Packet Block while the time of the packet before it is not known.
    #[inline]
    fn walk_part(
        &mut self,
        buf: &[u8],
        pos: &mut usize,
        limit: usize,
        max_records: usize,
        from_guess: bool,
        mut each: impl FnMut(&Record),
    ) -> (usize, Option<Result<Scan, ReadErrorKind>>) {
        if from_guess {
            self.last_ts_unknown = true;
        }
        let mut prefetched = *pos;
        let mut walked = 0;
        while *pos < limit && walked < max_records {
            prefetch_ahead(buf, &mut prefetched, *pos, SCAN_PREFETCH_BYTES);
            if from_guess && self.needs_the_walk_before(buf, *pos) {
                break;
            }
            match self.next_block(buf, pos) {
                Ok(Some(Scan::Record(r))) => {
                    each(&r);
                    walked += 1;
                }
                Ok(None) => {}
                Ok(Some(other)) => return (walked, Some(Ok(other))),
                Err(e) => return (walked, Some(Err(e))),
            }
        }
        (walked, None)
    }

    /// Reads the section and interface headers at `*pos`, up to the first other block (or a
    /// bad one, left for the walk to report), so that parts can be walked with them.
    fn settle(&mut self, buf: &[u8], pos: &mut usize) {
        let was_unknown = std::mem::replace(&mut self.last_ts_unknown, false);
        while self.needs_the_walk_before(buf, *pos) {
            // A bad header changes nothing here: the walk finds it again and reports it.
            let mut next = self.clone();
            let mut at = *pos;
            match next.next_block(buf, &mut at) {
                Ok(None) => {
                    *self = next;
                    *pos = at;
                }
                _ => break,
            }
        }
        self.last_ts_unknown = was_unknown;
    }

    /// The state of this scanner after a walk by `later` that started from it (or from one of
    /// the same generation): `later`'s, but for a timestamp it never learnt.
    fn join(&mut self, later: PcapNgScanner) {
        let last_ts = if later.last_ts_unknown {
            self.last_ts
        } else {
            later.last_ts
        };
        *self = PcapNgScanner {
            last_ts,
            last_ts_unknown: false,
            ..later
        };
    }

    /// Section and interface headers read so far.
    fn generation(&self) -> u64 {
        self.generation
    }

    /// The first place in `from..to` that starts a run of blocks that look right for this
    /// scanner's section: lengths that agree at both ends, packets of known interfaces that fit
    /// their blocks. Only a guess, for whoever walks up to it to check.
    fn guess_boundary(&self, buf: &[u8], from: usize, to: usize) -> Option<usize> {
        // Blocks are whole multiples of four bytes from the start of the file.
        let from = from.next_multiple_of(4);
        (from..to.min(buf.len()))
            .step_by(4)
            .find(|&at| self.plausible_run(buf, at))
    }
}

/// Converts a count of `units_per_sec` ticks into nanoseconds.
#[inline]
fn to_ns(ts: u64, units_per_sec: u64) -> i64 {
    let ns = match units_per_sec {
        1_000_000 => u128::from(ts) * 1000,
        1_000_000_000 => u128::from(ts),
        u => u128::from(ts) * 1_000_000_000 / u128::from(u.max(1)),
    };
    i64::try_from(ns).unwrap_or(i64::MAX)
}

fn parse_idb(block: &[u8], be: bool) -> Result<Interface, ReadErrorKind> {
    if block.len() < 20 {
        return Err(ReadErrorKind::BadBlockLength {
            block_type: IDB_TYPE,
            len: block.len() as u32,
        });
    }
    let mut iface = Interface {
        linktype: u16_at(block, 8, be),
        snaplen: u32_at(block, 12, be),
        units_per_sec: 1_000_000,
        offset_ns: 0,
    };
    // Options run from byte 16 to the trailing length; a malformed option list ends the walk
    // (Wireshark warns and keeps the interface with what it has read).
    let end = block.len() - 4;
    let mut at = 16;
    while at + 4 <= end {
        let code = u16_at(block, at, be);
        let len = usize::from(u16_at(block, at + 2, be));
        let value = at + 4;
        if code == OPT_END || value + len > end {
            break;
        }
        match (code, len) {
            (OPT_IF_TSRESOL, 1) => {
                let r = block[value];
                let exp = u32::from(r & 0x7f);
                let units = if r & 0x80 != 0 {
                    1u64.checked_shl(exp)
                } else {
                    10u64.checked_pow(exp)
                };
                iface.units_per_sec = units.ok_or(ReadErrorKind::BadTsResol(r))?;
            }
            (OPT_IF_TSOFFSET, 8) => {
                let hi = u64::from(u32_at(block, value, be));
                let lo = u64::from(u32_at(block, value + 4, be));
                let secs = if be { (hi << 32) | lo } else { (lo << 32) | hi } as i64;
                iface.offset_ns = secs.saturating_mul(1_000_000_000);
            }
            _ => {}
        }
        at = value + len.div_ceil(4) * 4;
    }
    Ok(iface)
}

/// pcapng files made in memory, for tests here and elsewhere.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::EPB_TYPE;
    use crate::samples::PcapNgBuilder;

    /// Enhanced Packet Blocks of 8-byte frames one after the other, as frame bytes: they read
    /// as blocks to whoever guesses a boundary inside the frame.
    fn fake_blocks(w: &PcapNgBuilder, len: usize, skip: usize) -> Vec<u8> {
        let mut out = vec![0u8; skip];
        while out.len() + 40 <= len {
            for word in [EPB_TYPE, 40, 0, 0, 1, 8, 8, 7, 7, 40] {
                out.extend(w.u32(word));
            }
        }
        out.resize(len, 0);
        out
    }

    /// An Ethernet, IPv4 and TCP frame of flow `flow`, with `payload` bytes of payload.
    fn tcp_frame(flow: u32, flags: u8, payload: usize) -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0];
        let total = (40 + payload) as u16;
        f.extend([0x45, 0]);
        f.extend(total.to_be_bytes());
        f.extend([0, 1, 0x40, 0, 64, 6, 0, 0]);
        f.extend([10, 0, 0, (flow % 7) as u8]);
        f.extend([10, 0, 1, (flow % 5) as u8]);
        f.extend((40_000 + (flow % 13) as u16).to_be_bytes());
        f.extend([0, 80]);
        f.extend(flow.to_be_bytes());
        f.extend(0u32.to_be_bytes());
        f.extend([0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        f.resize(f.len() + payload, 0x61);
        f
    }

    /// A pcapng file of about `frames` frames made to mislead guesses at block boundaries:
    /// three sections (little-, big-, little-endian), an interface added halfway through the
    /// first, Simple Packet Blocks (some first in their section), obsolete Packet Blocks, blocks
    /// without frames, TCP frames and frames of noise or of fake blocks.
    pub(crate) fn tricky_file(frames: usize) -> Vec<u8> {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut w = PcapNgBuilder::new();
        let third = frames / 3;
        for (section, big_endian) in [(0, false), (1, true), (2, false)] {
            w.section(big_endian, None);
            w.interface(1, None, None);
            w.interface(101, Some(9), None);
            let mut interfaces = 2u32;
            for i in section * third..(section + 1) * third {
                if section == 0 && i == third / 2 {
                    w.interface(1, Some(6), None);
                    interfaces += 1;
                }
                if i % 97 == 0 {
                    // A statistics block and a custom block: no frames.
                    w.block(5, &[0; 20]);
                    w.block(0x0000_0BAD, &[1, 2, 3, 4, 5, 6, 7, 8]);
                }
                let roll = next();
                let len = 40 + (roll % 1400) as usize;
                let data = match roll % 4 {
                    0 => fake_blocks(&w, len, (roll >> 16) as usize % 9),
                    1 => (0..len).map(|_| next() as u8).collect(),
                    _ => tcp_frame(
                        (roll >> 8) as u32 % 50,
                        [2, 0x12, 0x10, 0x18][i % 4],
                        len % 300,
                    ),
                };
                let ts = 1_700_000_000_000_000 + i as u64 * 1000;
                if (section == 2 && i < 2 * third + 3) || i % 50 == 7 {
                    w.simple(&data);
                } else {
                    // The interface added midway is used rarely: parts cut after it but
                    // walked without it can look right up to its first frame.
                    let iface = if interfaces > 2 && i % 200 == 0 {
                        2
                    } else {
                        i as u32 % 2
                    };
                    let ts = if iface == 1 { ts * 1000 } else { ts };
                    let orig_len = data.len() as u32 + 4;
                    w.packet(iface, ts, &data, orig_len, None, i % 61 == 0);
                }
            }
        }
        w.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(block_type: u32, body: &[u8]) -> Vec<u8> {
        let mut body = body.to_vec();
        while !body.len().is_multiple_of(4) {
            body.push(0);
        }
        let len = (body.len() + 12) as u32;
        let mut out = block_type.to_le_bytes().to_vec();
        out.extend(len.to_le_bytes());
        out.extend(body);
        out.extend(len.to_le_bytes());
        out
    }

    fn shb() -> Vec<u8> {
        let mut body = BYTE_ORDER_MAGIC.to_le_bytes().to_vec();
        body.extend(1u16.to_le_bytes());
        body.extend(0u16.to_le_bytes());
        body.extend((-1i64).to_le_bytes());
        block(SHB_TYPE, &body)
    }

    fn idb(linktype: u16, tsresol: Option<u8>) -> Vec<u8> {
        let mut body = linktype.to_le_bytes().to_vec();
        body.extend(0u16.to_le_bytes());
        body.extend(0u32.to_le_bytes());
        if let Some(r) = tsresol {
            body.extend(OPT_IF_TSRESOL.to_le_bytes());
            body.extend(1u16.to_le_bytes());
            body.extend([r, 0, 0, 0]);
            body.extend([0u8; 4]);
        }
        block(IDB_TYPE, &body)
    }

    fn epb(iface: u32, ts: u64, data: &[u8], origlen: u32) -> Vec<u8> {
        let mut body = iface.to_le_bytes().to_vec();
        body.extend(((ts >> 32) as u32).to_le_bytes());
        body.extend((ts as u32).to_le_bytes());
        body.extend((data.len() as u32).to_le_bytes());
        body.extend(origlen.to_le_bytes());
        body.extend(data);
        block(EPB_TYPE, &body)
    }

    fn scan_all(bytes: &[u8]) -> (Vec<Record>, Option<ReadErrorKind>) {
        let mut s = PcapNgScanner::new();
        let mut pos = 0;
        let mut out = Vec::new();
        loop {
            match s.next(bytes, &mut pos) {
                Ok(Scan::Record(r)) => out.push(r),
                Ok(_) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    #[test]
    fn interfaces_keep_their_own_link_type_and_resolution() {
        let mut f = shb();
        f.extend(idb(1, None));
        f.extend(idb(101, Some(9)));
        f.extend(epb(0, 1_500_000, &[1, 2, 3], 70));
        f.extend(epb(1, 2_000_000_001, &[4], 4));
        let (recs, err) = scan_all(&f);
        assert!(err.is_none());
        assert_eq!(recs.len(), 2);
        assert_eq!((recs[0].linktype, recs[0].ts_ns), (1, 1_500_000_000));
        assert_eq!((recs[1].linktype, recs[1].ts_ns), (101, 2_000_000_001));
        assert_eq!((recs[0].caplen, recs[0].origlen), (3, 70));
        assert_eq!(f[recs[1].data_offset], 4);
    }

    #[test]
    fn a_new_section_resets_interfaces() {
        let mut f = shb();
        f.extend(idb(1, None));
        f.extend(shb());
        f.extend(epb(0, 1, &[1], 1));
        let (recs, err) = scan_all(&f);
        assert!(recs.is_empty());
        assert!(matches!(
            err,
            Some(ReadErrorKind::UnknownInterface { id: 0, count: 0 })
        ));
    }

    #[test]
    fn bad_lengths_are_errors() {
        let mut f = shb();
        f.extend(idb(1, None));
        let good = f.len();
        f.extend(epb(0, 1, &[1, 2, 3, 4], 4));
        f[good + 4] = 7; // not a multiple of 4
        assert!(matches!(
            scan_all(&f).1,
            Some(ReadErrorKind::BadBlockLength { len: 7, .. })
        ));
        f[good + 4] = 36;
        let last = f.len() - 4;
        f[last] = 40; // trailer disagrees
        assert!(matches!(
            scan_all(&f).1,
            Some(ReadErrorKind::BlockLengthMismatch { .. })
        ));
    }

    #[test]
    fn power_of_two_resolution() {
        assert_eq!(to_ns(3, 1 << 1), 1_500_000_000);
        assert_eq!(to_ns(u64::MAX, 1), i64::MAX);
    }
}
