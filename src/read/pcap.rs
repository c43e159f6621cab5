//! Classic libpcap files: a 24-byte file header, then records of a 16-byte header and the frame.
//!
//! Handles both byte orders, microsecond and nanosecond magics, and the Kuznetsov "modified"
//! variant (24-byte record headers). Record lengths are checked against the same ceiling Wireshark
//! uses before any are trusted. For a file in memory cut into parts walked at once, it guesses
//! record boundaries (runs of plausible headers) that the walk before each part then checks.

use super::{prefetch_ahead, ReadErrorKind, Record, Scan, SCAN_PREFETCH_BYTES};

pub(crate) const MAGIC_USEC: u32 = 0xa1b2_c3d4;
pub(crate) const MAGIC_NSEC: u32 = 0xa1b2_3c4d;
pub(crate) const MAGIC_MODIFIED: u32 = 0xa1b2_cd34;
/// Length of the file header.
pub const FILE_HEADER_LEN: usize = 24;

/// Wireshark's limit for one record of most link types (`WTAP_MAX_PACKET_SIZE_STANDARD`).
const MAX_RECORD_STANDARD: u32 = 262_144;
/// Wireshark's larger limit for D-Bus and USB link types.
const MAX_RECORD_LARGE: u32 = 128 * 1024 * 1024;

/// Whether `magic` (the first four bytes, read little-endian) opens a pcap file.
pub fn is_pcap_magic(magic: u32) -> bool {
    [MAGIC_USEC, MAGIC_NSEC, MAGIC_MODIFIED]
        .iter()
        .any(|&m| magic == m || magic == m.swap_bytes())
}

/// What the file header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PcapHeader {
    /// Multi-byte fields are big-endian.
    pub big_endian: bool,
    /// Timestamps carry nanoseconds rather than microseconds.
    pub nanosecond: bool,
    /// Kuznetsov's patched format, with 8 more bytes in every record header.
    pub modified: bool,
    /// The snapshot length the file declares.
    pub snaplen: u32,
    /// The link-layer header type (lower 16 bits of the `network` field).
    pub linktype: u16,
    /// Major and minor format version.
    pub version: (u16, u16),
}

impl PcapHeader {
    /// Parses the file header; [`ReadErrorKind::NotCapture`] when the magic is not a pcap one.
    pub fn parse(bytes: &[u8]) -> Result<PcapHeader, ReadErrorKind> {
        let head: &[u8; FILE_HEADER_LEN] = match bytes.get(..FILE_HEADER_LEN) {
            Some(h) => h.try_into().map_err(|_| ReadErrorKind::NotCapture)?,
            None => {
                return Err(ReadErrorKind::HeaderTruncated {
                    need: FILE_HEADER_LEN,
                    have: bytes.len(),
                })
            }
        };
        let magic_le = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        let (magic, big_endian) = if [MAGIC_USEC, MAGIC_NSEC, MAGIC_MODIFIED].contains(&magic_le) {
            (magic_le, false)
        } else if [MAGIC_USEC, MAGIC_NSEC, MAGIC_MODIFIED].contains(&magic_le.swap_bytes()) {
            (magic_le.swap_bytes(), true)
        } else {
            return Err(ReadErrorKind::NotCapture);
        };
        let u16_at = |o: usize| {
            let b = [head[o], head[o + 1]];
            if big_endian {
                u16::from_be_bytes(b)
            } else {
                u16::from_le_bytes(b)
            }
        };
        let u32_at = |o: usize| read_u32(head, o, big_endian);
        Ok(PcapHeader {
            big_endian,
            nanosecond: magic == MAGIC_NSEC,
            modified: magic == MAGIC_MODIFIED,
            version: (u16_at(4), u16_at(6)),
            snaplen: u32_at(16),
            linktype: (u32_at(20) & 0xffff) as u16,
        })
    }
}

#[inline]
fn read_u32(bytes: &[u8], at: usize, big_endian: bool) -> u32 {
    let b = [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]];
    if big_endian {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    }
}

/// The largest record Wireshark accepts for `linktype`.
pub fn max_record_len(linktype: u16) -> u32 {
    match linktype {
        // D-Bus, USB (Linux, Linux mmapped, USBPcap), and EBHSCR
        231 | 189 | 220 | 249 | 279 => MAX_RECORD_LARGE,
        _ => MAX_RECORD_STANDARD,
    }
}

/// Walks the records of a pcap file.
#[derive(Debug, Clone)]
pub struct PcapScanner {
    header: PcapHeader,
    record_header_len: usize,
    max_record: u32,
}

impl PcapScanner {
    /// A scanner for a file with this header; records start at [`FILE_HEADER_LEN`].
    pub fn new(header: PcapHeader) -> PcapScanner {
        PcapScanner {
            header,
            record_header_len: if header.modified { 24 } else { 16 },
            max_record: max_record_len(header.linktype),
        }
    }

    /// Reads the record at `*pos`; on success `*pos` moves past it.
    #[inline(always)]
    pub fn next(&self, buf: &[u8], pos: &mut usize) -> Result<Scan, ReadErrorKind> {
        let at = *pos;
        let remaining = buf.len().saturating_sub(at);
        if remaining == 0 {
            return Ok(Scan::End);
        }
        if remaining < self.record_header_len {
            return Ok(Scan::NeedMore {
                need: self.record_header_len,
            });
        }
        let be = self.header.big_endian;
        let ts_sec = read_u32(buf, at, be);
        let ts_frac = read_u32(buf, at + 4, be);
        let caplen = read_u32(buf, at + 8, be);
        let origlen = read_u32(buf, at + 12, be);
        if caplen > self.max_record {
            return Err(ReadErrorKind::RecordTooLarge {
                len: caplen,
                max: self.max_record,
            });
        }
        if caplen == 0 && (ts_sec | ts_frac | origlen) == 0 && zero_filled(buf, at) {
            return Err(ReadErrorKind::ZeroFilled { len: ZERO_RUN });
        }
        let total = self.record_header_len + caplen as usize;
        if remaining < total {
            return Ok(Scan::NeedMore { need: total });
        }
        let frac_ns = if self.header.nanosecond {
            i64::from(ts_frac)
        } else {
            i64::from(ts_frac) * 1000
        };
        *pos = at + total;
        Ok(Scan::Record(Record {
            ts_ns: i64::from(ts_sec) * 1_000_000_000 + frac_ns,
            caplen,
            origlen,
            linktype: self.header.linktype,
            data_offset: at + self.record_header_len,
        }))
    }
}

/// Consecutive plausible record headers that make a guessed record boundary.
const GUESS_DEPTH: usize = 4;

impl PcapScanner {
    /// Calls `each` on every record from `*pos` up to the first one that starts at or after
    /// `limit`, or on `max_records` of them, in order, as [`PcapScanner::next`] would return
    /// them, loading the lines ahead of the walk as it goes; returns the records walked and
    /// what stopped the walk, if not the limit or the count.
    #[inline]
    pub fn walk_each(
        &self,
        buf: &[u8],
        pos: &mut usize,
        limit: usize,
        max_records: usize,
        mut each: impl FnMut(&Record),
    ) -> (usize, Option<Result<Scan, ReadErrorKind>>) {
        let mut prefetched = *pos;
        let mut walked = 0;
        while *pos < limit && walked < max_records {
            prefetch_ahead(buf, &mut prefetched, *pos, SCAN_PREFETCH_BYTES);
            match self.next(buf, pos) {
                Ok(Scan::Record(r)) => {
                    each(&r);
                    walked += 1;
                }
                other => return (walked, Some(other)),
            }
        }
        (walked, None)
    }

    /// The first place in `from..to` that starts a run of plausible record headers: a guess at
    /// a record boundary, to be checked by whoever walks up to it.
    pub fn guess_boundary(&self, buf: &[u8], from: usize, to: usize) -> Option<usize> {
        (from..to.min(buf.len())).find(|&at| self.plausible_run(buf, at))
    }

    /// Whether `at` starts a run of record headers that look real: fractions of a second below
    /// a second, captured lengths within the limit and no longer than the frames. Only a guess,
    /// for whoever walks up to it to check.
    fn plausible_run(&self, buf: &[u8], mut at: usize) -> bool {
        let be = self.header.big_endian;
        let frac_limit = if self.header.nanosecond {
            1_000_000_000
        } else {
            1_000_000
        };
        for _ in 0..GUESS_DEPTH {
            if at + self.record_header_len > buf.len() {
                return false;
            }
            let ts_frac = read_u32(buf, at + 4, be);
            let caplen = read_u32(buf, at + 8, be);
            let origlen = read_u32(buf, at + 12, be);
            if ts_frac >= frac_limit || caplen > self.max_record || caplen > origlen || caplen == 0
            {
                return false;
            }
            at += self.record_header_len + caplen as usize;
        }
        true
    }
}

/// Pcap files made in memory, for tests here and elsewhere.
/// Zero bytes from a record header on after which a file is taken to hold nothing more: a file
/// preallocated and never filled, or zeroed by damage. A record of all zeros is otherwise read
/// as a record (tshark does, and fuzzed files hold a few), but a 100 GB stretch of them is no
/// capture.
pub const ZERO_RUN: usize = 1 << 20;

/// Records of a zero-filled stretch start 16 bytes apart, so one in every this many bytes is
/// checked: a long stretch is found within this many bytes of its start, and a short one costs
/// a scan of at most [`ZERO_RUN`] bytes per this many.
const ZERO_CHECK_EVERY: usize = 64 * 1024;

/// Whether the zero record header at `at` begins [`ZERO_RUN`] zero bytes.
#[cold]
fn zero_filled(buf: &[u8], at: usize) -> bool {
    at % ZERO_CHECK_EVERY < 16
        && buf
            .get(at..at + ZERO_RUN)
            .is_some_and(|run| run.iter().all(|&b| b == 0))
}

#[cfg(test)]
pub(crate) mod fixtures {
    /// A pcap file of `records` (seconds, fraction, captured bytes, original length).
    pub(crate) fn file(
        big_endian: bool,
        magic: u32,
        records: &[(u32, u32, &[u8], u32)],
    ) -> Vec<u8> {
        let w32 = |v: u32| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let w16 = |v: u16| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let mut out = Vec::new();
        out.extend(w32(magic));
        out.extend(w16(2));
        out.extend(w16(4));
        out.extend(w32(0));
        out.extend(w32(0));
        out.extend(w32(65535));
        out.extend(w32(1));
        for (sec, frac, data, orig) in records {
            out.extend(w32(*sec));
            out.extend(w32(*frac));
            out.extend(w32(data.len() as u32));
            out.extend(w32(*orig));
            out.extend_from_slice(data);
        }
        out
    }

    /// Frames of random sizes; every third one's payload is itself a run of record headers,
    /// so that boundaries guessed inside it are wrong.
    pub(crate) fn tricky_file(big_endian: bool, magic: u32, frames: usize) -> Vec<u8> {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut payloads = Vec::new();
        for i in 0..frames {
            let len = 40 + (next() % 1400) as usize;
            let mut data = vec![0u8; len];
            if i % 3 == 0 {
                // Fake headers of 10-byte records, one after the other.
                let mut at = (next() % 7) as usize;
                while at + 26 <= len {
                    let put = |data: &mut Vec<u8>, o: usize, v: u32| {
                        let b = if big_endian {
                            v.to_be_bytes()
                        } else {
                            v.to_le_bytes()
                        };
                        data[o..o + 4].copy_from_slice(&b);
                    };
                    put(&mut data, at, 7);
                    put(&mut data, at + 4, 1);
                    put(&mut data, at + 8, 10);
                    put(&mut data, at + 12, 10);
                    at += 26;
                }
            } else {
                for b in &mut data {
                    *b = next() as u8;
                }
            }
            payloads.push(data);
        }
        let records: Vec<(u32, u32, &[u8], u32)> = payloads
            .iter()
            .enumerate()
            .map(|(i, d)| {
                (
                    1_700_000_000 + i as u32,
                    (i % 1000) as u32,
                    &d[..],
                    d.len() as u32 + 4,
                )
            })
            .collect();
        file(big_endian, magic, &records)
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{file, tricky_file};
    use super::*;

    fn scan_all(bytes: &[u8]) -> (Vec<Record>, Option<ReadErrorKind>, Option<usize>) {
        let header = PcapHeader::parse(bytes).expect("header");
        let scanner = PcapScanner::new(header);
        let mut pos = FILE_HEADER_LEN;
        let mut out = Vec::new();
        loop {
            match scanner.next(bytes, &mut pos) {
                Ok(Scan::Record(r)) => out.push(r),
                Ok(Scan::End) => return (out, None, None),
                Ok(Scan::NeedMore { need }) => return (out, None, Some(need)),
                Err(e) => return (out, Some(e), None),
            }
        }
    }

    #[test]
    fn reads_both_byte_orders_and_resolutions() {
        for be in [false, true] {
            let usec = file(be, MAGIC_USEC, &[(10, 5, &[1, 2, 3], 60), (11, 0, &[], 0)]);
            let (recs, err, more) = scan_all(&usec);
            assert!(err.is_none() && more.is_none());
            assert_eq!(recs.len(), 2);
            assert_eq!(recs[0].ts_ns, 10_000_005_000);
            assert_eq!((recs[0].caplen, recs[0].origlen), (3, 60));
            assert_eq!(&usec[recs[0].data_offset..][..3], &[1, 2, 3]);
            let nsec = file(be, MAGIC_NSEC, &[(10, 5, &[9], 1)]);
            assert_eq!(scan_all(&nsec).0[0].ts_ns, 10_000_000_005);
        }
    }

    #[test]
    fn truncated_record_asks_for_more_and_keeps_earlier_records() {
        let mut bytes = file(
            false,
            MAGIC_USEC,
            &[(1, 0, &[1, 2, 3, 4], 4), (2, 0, &[5; 8], 8)],
        );
        bytes.truncate(bytes.len() - 3);
        let (recs, err, more) = scan_all(&bytes);
        assert_eq!(recs.len(), 1);
        assert!(err.is_none());
        assert_eq!(more, Some(16 + 8));
    }

    #[test]
    fn absurd_length_is_an_error_not_an_allocation() {
        let mut bytes = file(false, MAGIC_USEC, &[(1, 0, &[1], 1)]);
        bytes[FILE_HEADER_LEN + 8..FILE_HEADER_LEN + 12].copy_from_slice(&u32::MAX.to_le_bytes());
        let (recs, err, _) = scan_all(&bytes);
        assert!(recs.is_empty());
        assert!(matches!(
            err,
            Some(ReadErrorKind::RecordTooLarge { len: u32::MAX, .. })
        ));
    }

    #[test]
    fn foreign_magic_is_rejected() {
        assert!(matches!(
            PcapHeader::parse(&[0u8; 24]),
            Err(ReadErrorKind::NotCapture)
        ));
        assert!(matches!(
            PcapHeader::parse(&[0xd4, 0xc3, 0xb2]),
            Err(ReadErrorKind::HeaderTruncated { need: 24, have: 3 })
        ));
    }

    #[test]
    fn a_walk_gives_the_records_one_at_a_time_would() {
        let bytes = tricky_file(true, MAGIC_NSEC, 300);
        let (all, _, _) = scan_all(&bytes);
        let scanner = PcapScanner::new(PcapHeader::parse(&bytes).expect("header"));
        // Up to a limit inside a record: the walk takes that record and stops after it.
        let limit = all[100].data_offset + 1;
        let mut pos = FILE_HEADER_LEN;
        let mut got = Vec::new();
        let (walked, stop) =
            scanner.walk_each(&bytes, &mut pos, limit, usize::MAX, |r| got.push(*r));
        assert_eq!((walked, stop), (101, None));
        assert_eq!(got, all[..101]);
        assert_eq!(pos, all[101].data_offset - 16);
        // At most 50 records, from there; then on to the end.
        let (walked, stop) = scanner.walk_each(&bytes, &mut pos, usize::MAX, 50, |r| got.push(*r));
        assert_eq!((walked, stop), (50, None));
        let (walked, stop) =
            scanner.walk_each(&bytes, &mut pos, usize::MAX, usize::MAX, |r| got.push(*r));
        assert_eq!((walked, stop), (149, Some(Ok(Scan::End))));
        assert_eq!(got, all);
    }

    #[test]
    fn guesses_find_a_run_of_headers_and_can_be_wrong() {
        let bytes = tricky_file(false, MAGIC_USEC, 300);
        let (all, _, _) = scan_all(&bytes);
        let scanner = PcapScanner::new(PcapHeader::parse(&bytes).expect("header"));
        let starts: Vec<usize> = all.iter().map(|r| r.data_offset - 16).collect();
        let mut right = 0;
        let mut wrong = 0;
        for r in &all {
            match scanner.guess_boundary(&bytes, r.data_offset, bytes.len()) {
                Some(at) if starts.contains(&at) => right += 1,
                Some(_) => wrong += 1,
                None => {}
            }
        }
        // Every third payload is a run of fake headers: guesses inside those are wrong.
        assert!(right > 150 && wrong > 50, "{right} right, {wrong} wrong");
        assert_eq!(
            scanner.guess_boundary(&bytes, starts[7], starts[7] + 1),
            Some(starts[7])
        );
    }
}
