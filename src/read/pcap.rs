//! Classic libpcap files: a 24-byte file header, then records of a 16-byte header and the frame.
//!
//! Handles both byte orders, microsecond and nanosecond magics, and the Kuznetsov "modified"
//! variant (24-byte record headers). Record lengths are checked against the same ceiling Wireshark
//! uses before any are trusted. A file in memory is walked a range at a time from several guessed
//! record boundaries at once, each guess kept only once the walk before it has arrived there.

use super::{prefetch, ReadErrorKind, Record, Scan, SCAN_PREFETCH_BYTES};

const MAGIC_USEC: u32 = 0xa1b2_c3d4;
const MAGIC_NSEC: u32 = 0xa1b2_3c4d;
const MAGIC_MODIFIED: u32 = 0xa1b2_cd34;
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

/// How a [`PcapScanner::scan_range`] ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeEnd {
    /// Where the next record starts (or where the one that stopped the scan does).
    pub pos: usize,
    /// What stopped the scan before the end of the range: the end of the buffer, a record cut
    /// short by it, or a damaged record. `None` when the range was walked to its end.
    pub stop: Option<Result<Scan, ReadErrorKind>>,
    /// Guessed boundaries that proved right.
    pub guesses_kept: usize,
}

/// Chains walked side by side by [`PcapScanner::scan_range`].
const CHAINS: usize = 16;
/// Bytes each chain covers at least: shorter ranges are walked by fewer chains.
const MIN_CHAIN_BYTES: usize = 64 * 1024;
/// Bytes searched for a record boundary from each guessing point.
const RESYNC_SEARCH: usize = 64 * 1024;
/// Consecutive plausible record headers that make a guessed record boundary worth walking from.
const RESYNC_DEPTH: usize = 4;

/// One walk over part of a range.
struct Chain {
    start: usize,
    limit: usize,
    pos: usize,
    records: Vec<Record>,
    stop: Option<Result<Scan, ReadErrorKind>>,
    walking: bool,
}

impl PcapScanner {
    /// Appends to `out` the records that [`PcapScanner::next`] would return one after the other
    /// from `start`, up to the first one that starts at or after `end`.
    ///
    /// Each record's header says where the next one is, so a single walk waits for one cache
    /// miss per record. This one guesses record boundaries at points across the range (a run of
    /// plausible headers) and walks from each guess at once, their misses overlapping; then it
    /// keeps a guessed walk only where the walk before it arrived exactly at its first record,
    /// and walks again, from the true boundary, the parts whose guess was wrong. So the result
    /// is the single walk's, whatever the bytes.
    /// `max_chains` bounds the walks side by side (1: the single walk alone).
    pub fn scan_range(
        &self,
        buf: &[u8],
        start: usize,
        end: usize,
        max_chains: usize,
        out: &mut Vec<Record>,
    ) -> RangeEnd {
        let span = end.saturating_sub(start);
        let parts = (span / MIN_CHAIN_BYTES).clamp(1, max_chains.clamp(1, CHAINS));
        let mut pos = start;
        if parts == 1 {
            let stop = self.walk(buf, &mut pos, end, out);
            return RangeEnd {
                pos,
                stop,
                guesses_kept: 0,
            };
        }
        let mut starts = vec![start];
        for i in 1..parts {
            let from = (start + span / parts * i).max(*starts.last().unwrap_or(&start));
            let to = (start + span / parts * (i + 1))
                .min(end)
                .min(from + RESYNC_SEARCH);
            if let Some(guess) = (from..to).find(|&at| self.plausible_run(buf, at)) {
                starts.push(guess);
            }
        }
        let expected = span / 64 / starts.len() + 16;
        let mut chains: Vec<Chain> = starts
            .iter()
            .enumerate()
            .map(|(i, &at)| Chain {
                start: at,
                limit: starts.get(i + 1).copied().unwrap_or(end),
                pos: at,
                records: Vec::with_capacity(expected),
                stop: None,
                walking: true,
            })
            .collect();
        let mut walking = chains.len();
        while walking > 0 {
            for chain in chains.iter_mut().filter(|c| c.walking) {
                if chain.pos >= chain.limit {
                    chain.walking = false;
                    walking -= 1;
                    continue;
                }
                match self.next(buf, &mut chain.pos) {
                    Ok(Scan::Record(r)) => {
                        // Loaded while the other chains take their step.
                        prefetch(buf, chain.pos);
                        prefetch(buf, chain.pos + 15);
                        chain.records.push(r);
                    }
                    other => {
                        chain.stop = Some(other);
                        chain.walking = false;
                        walking -= 1;
                    }
                }
            }
        }
        // Stitch: `pos` is where the single walk would be.
        let mut guesses_kept = 0;
        for (i, chain) in chains.into_iter().enumerate() {
            if chain.start == pos {
                guesses_kept += usize::from(i > 0);
                out.extend_from_slice(&chain.records);
                pos = chain.pos;
                if chain.stop.is_some() {
                    return RangeEnd {
                        pos,
                        stop: chain.stop,
                        guesses_kept,
                    };
                }
            } else if let Some(stop) = self.walk(buf, &mut pos, chain.limit, out) {
                // A wrong guess: that part was walked again from the true boundary.
                return RangeEnd {
                    pos,
                    stop: Some(stop),
                    guesses_kept,
                };
            }
        }
        RangeEnd {
            pos,
            stop: None,
            guesses_kept,
        }
    }

    /// The single walk from `*pos` up to the first record at or after `limit`, loading the
    /// lines ahead of it (the next header could be on any of them); what stopped it, if not the
    /// limit.
    fn walk(
        &self,
        buf: &[u8],
        pos: &mut usize,
        limit: usize,
        out: &mut Vec<Record>,
    ) -> Option<Result<Scan, ReadErrorKind>> {
        let mut prefetched = *pos;
        while *pos < limit {
            prefetched = prefetched.max(*pos);
            while prefetched < *pos + SCAN_PREFETCH_BYTES {
                prefetch(buf, prefetched);
                prefetched += 64;
            }
            match self.next(buf, pos) {
                Ok(Scan::Record(r)) => out.push(r),
                other => return Some(other),
            }
        }
        None
    }

    /// Whether `at` starts a run of record headers that look real: fractions of a second below
    /// a second, captured lengths within the limit and no longer than the frames. Only a guess:
    /// [`PcapScanner::scan_range`] checks every one.
    fn plausible_run(&self, buf: &[u8], mut at: usize) -> bool {
        let be = self.header.big_endian;
        let frac_limit = if self.header.nanosecond {
            1_000_000_000
        } else {
            1_000_000
        };
        for _ in 0..RESYNC_DEPTH {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn file(big_endian: bool, magic: u32, records: &[(u32, u32, &[u8], u32)]) -> Vec<u8> {
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

    /// The single walk from `start` up to the first record at or after `end`.
    fn walk(
        scanner: &PcapScanner,
        buf: &[u8],
        start: usize,
        end: usize,
    ) -> (Vec<Record>, RangeEnd) {
        let mut pos = start;
        let mut out = Vec::new();
        while pos < end {
            match scanner.next(buf, &mut pos) {
                Ok(Scan::Record(r)) => out.push(r),
                other => {
                    return (
                        out,
                        RangeEnd {
                            pos,
                            stop: Some(other),
                            guesses_kept: 0,
                        },
                    )
                }
            }
        }
        (
            out,
            RangeEnd {
                pos,
                stop: None,
                guesses_kept: 0,
            },
        )
    }

    /// Frames of random sizes; every third one's payload is itself a run of record headers,
    /// so that boundaries guessed inside it are wrong.
    fn tricky_file(big_endian: bool, magic: u32, frames: usize) -> Vec<u8> {
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

    fn assert_range_walks_as_one(bytes: &[u8], start: usize, end: usize) {
        let scanner = PcapScanner::new(PcapHeader::parse(bytes).expect("header"));
        let (expected, expected_end) = walk(&scanner, bytes, start, end);
        for chains in [1, 3, CHAINS] {
            let mut got = Vec::new();
            let got_end = scanner.scan_range(bytes, start, end, chains, &mut got);
            assert_eq!(
                (got_end.pos, &got_end.stop),
                (expected_end.pos, &expected_end.stop),
                "range {start}..{end}, {chains} chains"
            );
            assert_eq!(got, expected, "range {start}..{end}, {chains} chains");
        }
    }

    #[test]
    fn ranges_walked_in_parallel_chains_give_the_single_walk() {
        for (be, magic) in [
            (false, MAGIC_USEC),
            (true, MAGIC_NSEC),
            (false, MAGIC_MODIFIED),
        ] {
            let bytes = tricky_file(be, magic, 3000);
            assert!(bytes.len() > 16 * MIN_CHAIN_BYTES, "enough for every chain");
            let len = bytes.len();
            for (start, end) in [
                (FILE_HEADER_LEN, len),
                (FILE_HEADER_LEN, len + 1000),
                (FILE_HEADER_LEN, len / 2),
                (FILE_HEADER_LEN, FILE_HEADER_LEN + 100),
            ] {
                assert_range_walks_as_one(&bytes, start, end);
            }
            // From a boundary in the middle, to the end.
            let scanner = PcapScanner::new(PcapHeader::parse(&bytes).expect("header"));
            let (records, _) = walk(&scanner, &bytes, FILE_HEADER_LEN, len / 3);
            let header_len = if magic == MAGIC_MODIFIED { 24 } else { 16 };
            let middle = records.last().expect("records").data_offset - header_len;
            assert_range_walks_as_one(&bytes, middle, len);
        }
    }

    #[test]
    fn ranges_of_noise_walk_as_one() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for round in 0..8 {
            let mut bytes = file(round % 2 == 1, MAGIC_USEC, &[]);
            // Small lengths now and then, so that noise sometimes reads as records.
            while bytes.len() < 40 * MIN_CHAIN_BYTES {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let word = (state >> 32) as u32;
                bytes.extend(
                    if word.is_multiple_of(5) {
                        word % 2000
                    } else {
                        word
                    }
                    .to_le_bytes(),
                );
            }
            assert_range_walks_as_one(&bytes, FILE_HEADER_LEN, bytes.len());
        }
    }

    #[test]
    fn ranges_stop_where_the_single_walk_does() {
        let bytes = tricky_file(false, MAGIC_USEC, 3000);
        let scanner = PcapScanner::new(PcapHeader::parse(&bytes).expect("header"));
        let (records, _) = walk(&scanner, &bytes, FILE_HEADER_LEN, bytes.len());
        // A damaged record two thirds in; then a file cut short in the middle of a record.
        let mut damaged = bytes.clone();
        let at = records[2000].data_offset - 16;
        damaged[at + 8..at + 12].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_range_walks_as_one(&damaged, FILE_HEADER_LEN, damaged.len());
        let mut cut = bytes.clone();
        cut.truncate(records[2500].data_offset + 3);
        assert_range_walks_as_one(&cut, FILE_HEADER_LEN, cut.len() + 10);
        let (_, end) = walk(&scanner, &cut, FILE_HEADER_LEN, cut.len() + 10);
        assert!(matches!(end.stop, Some(Ok(Scan::NeedMore { .. }))));
    }
}
