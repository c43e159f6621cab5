//! pcapng files: a sequence of blocks, each `type, total length, body, total length`.
//!
//! Several sections (each opened by a Section Header Block, with its own byte order) and several
//! interfaces per section (each with its link type, `if_tsresol` and `if_tsoffset`) are followed.
//! Enhanced, Simple and the obsolete Packet blocks carry frames; every other block is skipped.

use super::{ReadErrorKind, Record, Scan};

/// Section Header Block type; it reads the same in both byte orders.
pub const SHB_TYPE: u32 = 0x0A0D_0D0A;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
const IDB_TYPE: u32 = 0x0000_0001;
const OPB_TYPE: u32 = 0x0000_0002;
const SPB_TYPE: u32 = 0x0000_0003;
const EPB_TYPE: u32 = 0x0000_0006;
/// No legitimate block is anywhere near this long; longer lengths are corruption.
const MAX_BLOCK_LEN: u32 = 256 * 1024 * 1024;

const OPT_END: u16 = 0;
const OPT_IF_TSRESOL: u16 = 9;
const OPT_IF_TSOFFSET: u16 = 14;

#[derive(Debug, Clone, Copy)]
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
            let at = *pos;
            let remaining = buf.len().saturating_sub(at);
            if remaining == 0 {
                return Ok(Scan::End);
            }
            if remaining < 12 {
                return Ok(Scan::NeedMore { need: 12 });
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
                return Ok(Scan::NeedMore { need: len });
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
                }
                IDB_TYPE => self.interfaces.push(parse_idb(block, be)?),
                EPB_TYPE | OPB_TYPE => {
                    let scan = self.packet_block(block_type, block, at, be)?;
                    if let Scan::Record(r) = scan {
                        self.last_ts = r.ts_ns;
                    }
                    return Ok(scan);
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
                    return Ok(Scan::Record(Record {
                        ts_ns: self.last_ts,
                        caplen,
                        origlen,
                        linktype: iface.linktype,
                        data_offset: at + 12,
                    }));
                }
                _ => {}
            }
        }
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
