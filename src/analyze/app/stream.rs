//! One direction of a TCP connection as the parsers read it: its payloads put back in sequence
//! order, retransmitted bytes dropped, and what was never seen (not captured, cut by the snapshot
//! length) handed on as a gap of known length.

/// Segments ahead of a hole held back in the hope that it fills.
const MAX_HELD: usize = 4;

/// Bytes held back at most.
const MAX_HELD_BYTES: usize = 16 * 1024;

/// What a direction's parser is handed, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// The next bytes of the stream.
    Data(&'a [u8]),
    /// The next `n` bytes of the stream are unknown.
    Gap(u32),
}

/// A segment held back.
#[derive(Debug, Clone)]
struct Held {
    seq: u32,
    len: u32,
    bytes: Vec<u8>,
}

/// One direction's reassembly.
#[derive(Debug, Clone, Default)]
pub struct Stream {
    /// Sequence number of the next byte expected (the first payload's, until one is seen).
    next: Option<u32>,
    held: Vec<Held>,
    held_bytes: usize,
}

impl Stream {
    /// Adds a segment of `len` payload bytes from `seq`, of which `bytes` (a prefix) were
    /// copied; hands `out` whatever now follows in order.
    pub fn add(&mut self, seq: u32, len: u32, bytes: &[u8], out: &mut impl FnMut(Piece<'_>)) {
        let next = *self.next.get_or_insert(seq);
        let ahead = seq.wrapping_sub(next);
        if ahead != 0 && ahead < 1 << 31 {
            if self.held.len() < MAX_HELD && self.held_bytes + bytes.len() <= MAX_HELD_BYTES {
                self.held_bytes += bytes.len();
                self.held.push(Held {
                    seq,
                    len,
                    bytes: bytes.to_vec(),
                });
                return;
            }
            // The hole did not fill: what is missing is a gap, and the held segments follow.
            self.skip_to_held_or(seq, out);
            self.add(seq, len, bytes, out);
            return;
        }
        self.deliver(seq, len, bytes, out);
        self.drain_held(out);
    }

    /// Hands on everything held back, the holes before it as gaps: the stream ends here.
    pub fn flush(&mut self, out: &mut impl FnMut(Piece<'_>)) {
        while !self.held.is_empty() {
            let before = self.held.len();
            self.skip_to_held_or(self.next.unwrap_or(0), out);
            if self.held.len() == before {
                break;
            }
        }
        self.held.clear();
        self.held_bytes = 0;
    }

    /// Declares the bytes up to the earliest held segment (or `seq`, if earlier) a gap.
    fn skip_to_held_or(&mut self, seq: u32, out: &mut impl FnMut(Piece<'_>)) {
        let Some(next) = self.next else { return };
        let to = self
            .held
            .iter()
            .map(|h| h.seq.wrapping_sub(next))
            .chain(std::iter::once(seq.wrapping_sub(next)))
            .filter(|&a| a > 0 && a < 1 << 31)
            .min()
            .unwrap_or(0);
        if to > 0 {
            out(Piece::Gap(to));
            self.next = Some(next.wrapping_add(to));
        }
        self.drain_held(out);
    }

    /// Hands on the part of a segment at or after the next expected byte.
    fn deliver(&mut self, seq: u32, len: u32, bytes: &[u8], out: &mut impl FnMut(Piece<'_>)) {
        let Some(next) = self.next else { return };
        let behind = next.wrapping_sub(seq);
        if behind >= 1 << 31 {
            return;
        }
        if behind >= len {
            // All of it was seen before.
            return;
        }
        let copied = bytes.len() as u32;
        if behind < copied {
            out(Piece::Data(&bytes[behind as usize..]));
        }
        let unseen = len - behind.max(copied);
        if unseen > 0 {
            out(Piece::Gap(unseen));
        }
        self.next = Some(seq.wrapping_add(len));
    }

    /// Hands on the held segments that now follow in order.
    fn drain_held(&mut self, out: &mut impl FnMut(Piece<'_>)) {
        loop {
            let Some(next) = self.next else { return };
            // A held segment that starts at or before the next byte continues the stream.
            let Some(i) = self.held.iter().position(|h| {
                let behind = next.wrapping_sub(h.seq);
                behind < 1 << 31
            }) else {
                return;
            };
            let h = self.held.swap_remove(i);
            self.held_bytes -= h.bytes.len();
            self.deliver(h.seq, h.len, &h.bytes, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(segments: &[(u32, u32, &[u8])]) -> Vec<String> {
        let mut s = Stream::default();
        let mut got = Vec::new();
        let mut out = |p: Piece<'_>| {
            got.push(match p {
                Piece::Data(b) => String::from_utf8_lossy(b).into_owned(),
                Piece::Gap(n) => format!("<{n}>"),
            })
        };
        for &(seq, len, bytes) in segments {
            s.add(seq, len, bytes, &mut out);
        }
        s.flush(&mut out);
        got
    }

    #[test]
    fn in_order_segments_pass_through() {
        assert_eq!(run(&[(100, 3, b"abc"), (103, 2, b"de")]), ["abc", "de"]);
    }

    #[test]
    fn retransmissions_and_overlaps_are_dropped() {
        assert_eq!(
            run(&[(100, 3, b"abc"), (100, 3, b"abc"), (101, 4, b"bcde")]),
            ["abc", "de"]
        );
    }

    #[test]
    fn a_segment_out_of_order_waits_for_the_hole() {
        assert_eq!(
            run(&[(100, 3, b"abc"), (106, 2, b"gh"), (103, 3, b"def")]),
            ["abc", "def", "gh"]
        );
    }

    #[test]
    fn a_hole_that_never_fills_becomes_a_gap() {
        let mut segs: Vec<(u32, u32, &[u8])> = vec![(0, 1, b"a")];
        for i in 0..6u32 {
            segs.push((10 + i, 1, b"x"));
        }
        let got = run(&segs);
        assert_eq!(got[..2], ["a".to_string(), "<9>".to_string()]);
        assert_eq!(got.iter().filter(|p| *p == "x").count(), 6);
    }

    #[test]
    fn bytes_past_the_copy_are_a_gap() {
        assert_eq!(run(&[(5, 10, b"abc"), (15, 1, b"z")]), ["abc", "<7>", "z"]);
    }

    #[test]
    fn sequence_numbers_wrap() {
        assert_eq!(
            run(&[(u32::MAX - 1, 3, b"abc"), (1, 2, b"de")]),
            ["abc", "de"]
        );
    }

    #[test]
    fn held_segments_flush_at_the_end() {
        assert_eq!(run(&[(0, 1, b"a"), (5, 1, b"f")]), ["a", "<4>", "f"]);
    }
}
