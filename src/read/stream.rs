//! Inputs read once from front to back: compressed captures (gzip, Zstandard, xz; the format
//! known by its magic number, not the file's name) and pipes (FIFOs and standard input, plain or
//! compressed). Each is decoded on a thread of its own one chunk ahead of the scan, so that the
//! analysis of a stream is held back by decoding alone.
//!
//! Chunks are recycled once no window holds them, so they are never zeroed or faulted in again,
//! and each one keeps room at its front for the partial record left at the end of the one before.
//! A stream is read once: nothing here seeks, and a stream cannot be opened twice.

use std::fmt;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::Arc;

use serde::Serialize;

use super::{pcap, pcapng, ReadError, ReadErrorKind};

/// How a capture is compressed, known from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// gzip (RFC 1952), members one after the other as `cat a.gz b.gz` makes.
    Gzip,
    /// Zstandard (RFC 8878), frames one after the other as `zstd` and `cat` make, skippable
    /// frames (pzstd's) included.
    Zstd,
    /// xz, streams one after the other as `xz` and `cat` make.
    Xz,
}

/// Bytes [`Compression::sniff`] needs to tell every format (xz's magic is the longest).
pub const HEAD_LEN: usize = 6;

impl Compression {
    /// The compression whose magic number `head` starts with, if any.
    pub fn sniff(head: &[u8]) -> Option<Compression> {
        match head {
            [0x1f, 0x8b, ..] => Some(Compression::Gzip),
            [0x28, 0xb5, 0x2f, 0xfd, ..] => Some(Compression::Zstd),
            // A skippable frame (0x184D2A50..=0x184D2A5F, little-endian), as pzstd starts.
            [m, 0x2a, 0x4d, 0x18, ..] if m & 0xf0 == 0x50 => Some(Compression::Zstd),
            [0xfd, b'7', b'z', b'X', b'Z', 0x00, ..] => Some(Compression::Xz),
            _ => None,
        }
    }

    /// The format's usual name: `gzip`, `zstd`, `xz`.
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Xz => "xz",
        }
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether the file at `path` starts like a capture: pcap, pcapng, or either compressed in one
/// of the [`Compression`] formats (then the first decompressed bytes are looked at).
pub fn starts_like_capture(path: &Path) -> bool {
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = [0u8; HEAD_LEN];
    let Ok(n) = read_full(&mut file, &mut head) else {
        return false;
    };
    let mut inner = [0u8; 4];
    let got = match Compression::sniff(&head[..n]) {
        Some(compression) => {
            let seen = Arc::new(Seen::default());
            let source = Source::new(
                Box::new(io::Cursor::new(head[..n].to_vec()).chain(file)),
                &seen,
            );
            let Ok(mut decoder) = decoder(Some(compression), source) else {
                return false;
            };
            read_full(&mut decoder, &mut inner).unwrap_or(0)
        }
        None => {
            let k = n.min(4);
            inner[..k].copy_from_slice(&head[..k]);
            k
        }
    };
    got == 4 && is_capture_magic(inner)
}

fn is_capture_magic(head: [u8; 4]) -> bool {
    let magic = u32::from_le_bytes(head);
    magic == pcapng::SHB_TYPE || pcap::is_pcap_magic(magic)
}

/// Reads until `out` is full or the input ends; returns the bytes read.
fn read_full(input: &mut impl Read, out: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < out.len() {
        match input.read(&mut out[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// What the decoding thread has seen of its raw input, shared with the reader.
#[derive(Debug, Default)]
struct Seen {
    /// Raw (compressed) bytes read so far.
    bytes: AtomicU64,
    /// The raw input failed to read: an error that ends the stream is the system's, not damage.
    failed: AtomicBool,
}

/// The raw input of a stream, counting what is read from it.
struct Source {
    inner: Box<dyn Read + Send>,
    seen: Arc<Seen>,
}

impl Source {
    fn new(inner: Box<dyn Read + Send>, seen: &Arc<Seen>) -> Source {
        Source {
            inner,
            seen: Arc::clone(seen),
        }
    }
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.seen.bytes.fetch_add(n as u64, Ordering::Relaxed);
                Ok(n)
            }
            Err(e) => {
                if e.kind() != io::ErrorKind::Interrupted {
                    self.seen.failed.store(true, Ordering::Relaxed);
                }
                Err(e)
            }
        }
    }
}

/// The decompressed bytes of a stream.
type Decoder = Box<dyn Read + Send>;

/// A decoder of `compression` over `source`, or `source` itself for a plain stream.
fn decoder(compression: Option<Compression>, source: Source) -> io::Result<Decoder> {
    Ok(match compression {
        None => Box::new(source),
        Some(Compression::Gzip) => Box::new(flate2::read::MultiGzDecoder::new(source)),
        // Frames one after the other are read as one stream (the decoder's default).
        Some(Compression::Zstd) => Box::new(zstd::stream::read::Decoder::new(source)?),
        Some(Compression::Xz) => Box::new(liblzma::read::XzDecoder::new_multi_decoder(source)),
    })
}

/// Decoded bytes per chunk.
const CHUNK: usize = 32 * 1024 * 1024;
/// Room before each chunk's data for the record cut by the chunk before; a longer one is joined
/// by copying.
const HEADROOM: usize = 1024 * 1024;
/// Decoded bytes read when a stream is opened: ordering a folder by time opens every compressed
/// file for its first record.
const FIRST_CHUNK: usize = 64 * 1024;

/// Decoded bytes the records of a window point into.
#[derive(Debug)]
pub struct ChunkBuf {
    bytes: Vec<u8>,
    start: usize,
    end: usize,
}

impl AsRef<[u8]> for ChunkBuf {
    fn as_ref(&self) -> &[u8] {
        &self.bytes[self.start..self.end]
    }
}

/// A chunk from the decoding thread.
struct Decoded {
    bytes: Vec<u8>,
    /// Bytes of data, from `HEADROOM`.
    len: usize,
    /// Set on the last chunk: the end of the stream, or the error that ended it.
    end: Option<io::Result<()>>,
}

struct Decoding {
    chunks: Receiver<Decoded>,
    recycle: Sender<Vec<u8>>,
}

/// A capture read as a stream, chunk by chunk.
pub struct Stream {
    /// The decoder until the decoding thread takes it.
    decoder: Option<Decoder>,
    decoding: Option<Decoding>,
    /// The current chunk.
    pub buf: Arc<ChunkBuf>,
    /// Offset in the decompressed stream of the current chunk's first byte.
    pub base: u64,
    /// No more chunks will come.
    pub eof: bool,
    /// What ended the stream early, to be reported once the bytes before it are read.
    pub error: Option<ReadError>,
    /// Chunks handed out before, waiting for their windows to let go of them.
    retired: Vec<Arc<ChunkBuf>>,
    /// How the stream is compressed (`None`: a plain capture from a pipe).
    compression: Option<Compression>,
    seen: Arc<Seen>,
}

impl Stream {
    /// Opens the stream read from `raw`: tells its compression from its first bytes and decodes
    /// its first few kilobytes. An error reading the first bytes is returned; one after them is
    /// kept in [`Stream::error`] for when the bytes before it are scanned.
    pub fn open(mut raw: Box<dyn Read + Send>) -> Result<Stream, ReadError> {
        let mut head = [0u8; HEAD_LEN];
        let n = read_full(&mut raw, &mut head)
            .map_err(|e| ReadError::new(0, ReadErrorKind::Io(e.to_string())))?;
        let compression = Compression::sniff(&head[..n]);
        let seen = Arc::new(Seen::default());
        let source = Source::new(
            Box::new(io::Cursor::new(head[..n].to_vec()).chain(raw)),
            &seen,
        );
        let decoder = decoder(compression, source)
            .map_err(|e| ReadError::new(0, ReadErrorKind::Io(e.to_string())))?;
        let mut stream = Stream {
            decoder: Some(decoder),
            decoding: None,
            buf: Arc::new(ChunkBuf {
                bytes: Vec::new(),
                start: 0,
                end: 0,
            }),
            base: 0,
            eof: false,
            error: None,
            retired: Vec::new(),
            compression,
            seen,
        };
        if let Some(decoder) = stream.decoder.as_mut() {
            let mut bytes = vec![0; FIRST_CHUNK];
            let (len, end) = decode_into(decoder, &mut bytes);
            bytes.truncate(len);
            stream.buf = Arc::new(ChunkBuf {
                bytes,
                start: 0,
                end: len,
            });
            stream.end(end, len);
        }
        Ok(stream)
    }

    /// How the stream is compressed; `None` for a plain capture read from a pipe.
    pub fn compression(&self) -> Option<Compression> {
        self.compression
    }

    /// Raw (compressed) bytes read so far.
    pub fn progress(&self) -> u64 {
        self.seen.bytes.load(Ordering::Relaxed)
    }

    /// Drops the `consumed` bytes already scanned and reads until at least `need` unscanned bytes
    /// are present or the stream ends (then [`Stream::eof`] is set, and [`Stream::error`] if
    /// it ended early). The chunk before is left untouched for the windows still using it.
    pub fn fill(&mut self, consumed: usize, need: usize) {
        if self.eof {
            return;
        }
        self.recycle();
        let current = Arc::clone(&self.buf);
        let leftover = &(*current).as_ref()[consumed..];
        self.base += consumed as u64;
        let (mut next, mut end) = match self.next_chunk() {
            // Only the unscanned bytes stay: the scan starts again at the buffer's front.
            None => (
                ChunkBuf {
                    bytes: leftover.to_vec(),
                    start: 0,
                    end: leftover.len(),
                },
                Some(Err(thread_stopped())),
            ),
            Some(Decoded {
                mut bytes,
                len,
                end,
            }) if leftover.len() <= HEADROOM => {
                let start = HEADROOM - leftover.len();
                bytes[start..HEADROOM].copy_from_slice(leftover);
                let next = ChunkBuf {
                    bytes,
                    start,
                    end: HEADROOM + len,
                };
                (next, end)
            }
            Some(Decoded { bytes, len, end }) => {
                // A record longer than the headroom: join the pieces by copying (rare).
                let mut joined = Vec::with_capacity(leftover.len() + len);
                joined.extend_from_slice(leftover);
                joined.extend_from_slice(&bytes[HEADROOM..HEADROOM + len]);
                self.give_back(bytes);
                let next = ChunkBuf {
                    end: joined.len(),
                    bytes: joined,
                    start: 0,
                };
                (next, end)
            }
        };
        // Keep reading while a record needs more than one chunk holds.
        while end.is_none() && next.end - next.start < need {
            let Some(more) = self.next_chunk() else {
                end = Some(Err(thread_stopped()));
                break;
            };
            let mut joined = next.bytes[next.start..next.end].to_vec();
            joined.extend_from_slice(&more.bytes[HEADROOM..HEADROOM + more.len]);
            self.give_back(more.bytes);
            end = more.end;
            next = ChunkBuf {
                end: joined.len(),
                bytes: joined,
                start: 0,
            };
        }
        let len = next.end - next.start;
        drop(current);
        let old = std::mem::replace(&mut self.buf, Arc::new(next));
        self.retired.push(old);
        self.end(end, len);
    }

    /// Notes the end of the stream after `len` bytes of the current chunk.
    fn end(&mut self, end: Option<io::Result<()>>, len: usize) {
        match end {
            None => {}
            Some(Ok(())) => self.eof = true,
            Some(Err(e)) => {
                self.eof = true;
                // Damage, unless the raw input itself failed (or there is nothing to decode).
                let failed = self.seen.failed.load(Ordering::Relaxed);
                let kind = match self.compression {
                    Some(compression) if !failed => ReadErrorKind::Damaged {
                        compression,
                        why: e.to_string(),
                    },
                    _ => ReadErrorKind::Io(e.to_string()),
                };
                self.error = Some(ReadError::new(self.base + len as u64, kind));
            }
        }
    }

    /// The next chunk, starting the decoding thread on first need.
    fn next_chunk(&mut self) -> Option<Decoded> {
        if self.decoding.is_none() {
            let decoder = self.decoder.take()?;
            self.decoding = Some(start(decoder));
        }
        self.decoding.as_ref()?.chunks.recv().ok()
    }

    /// Hands chunks no window holds any more back to the decoding thread.
    fn recycle(&mut self) {
        for chunk in std::mem::take(&mut self.retired) {
            match Arc::try_unwrap(chunk) {
                Ok(c) => self.give_back(c.bytes),
                Err(still_held) => self.retired.push(still_held),
            }
        }
    }

    fn give_back(&self, bytes: Vec<u8>) {
        if bytes.len() == HEADROOM + CHUNK {
            if let Some(decoding) = &self.decoding {
                let _ = decoding.recycle.send(bytes);
            }
        }
    }
}

fn thread_stopped() -> io::Error {
    io::Error::other("the decoding thread stopped")
}

/// Starts the thread that decodes chunks one ahead of the reader.
fn start(mut decoder: Decoder) -> Decoding {
    let (chunk_out, chunks): (SyncSender<Decoded>, _) = mpsc::sync_channel(1);
    let (recycle, recycled) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || loop {
        let mut bytes = recycled
            .try_recv()
            .unwrap_or_else(|_| vec![0; HEADROOM + CHUNK]);
        let (len, end) = decode_into(&mut decoder, &mut bytes[HEADROOM..]);
        let last = end.is_some();
        // The reader is gone when the send fails.
        if chunk_out.send(Decoded { bytes, len, end }).is_err() || last {
            return;
        }
    });
    Decoding { chunks, recycle }
}

/// Fills `out` from the decoder; returns the bytes written and, if the stream ended, how.
fn decode_into(decoder: &mut Decoder, out: &mut [u8]) -> (usize, Option<io::Result<()>>) {
    let mut filled = 0;
    while filled < out.len() {
        match decoder.read(&mut out[filled..]) {
            Ok(0) => return (filled, Some(Ok(()))),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (filled, Some(Err(e))),
        }
    }
    (filled, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A little-endian microsecond pcap of `n` records of 100 bytes, each filled with its index.
    fn pcap(n: u32) -> Vec<u8> {
        let mut bytes = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        bytes.extend_from_slice(&[0; 8]);
        bytes.extend_from_slice(&65535u32.to_le_bytes());
        bytes.extend_from_slice(&1u32.to_le_bytes());
        for i in 0..n {
            bytes.extend_from_slice(&i.to_le_bytes());
            bytes.extend_from_slice(&0u32.to_le_bytes());
            bytes.extend_from_slice(&100u32.to_le_bytes());
            bytes.extend_from_slice(&100u32.to_le_bytes());
            bytes.extend_from_slice(&[i as u8; 100]);
        }
        bytes
    }

    /// With the content checksum the `zstd` command writes by default (`--check`).
    fn zstd_of(bytes: &[u8]) -> Vec<u8> {
        let mut enc = zstd::stream::write::Encoder::new(Vec::new(), 1).expect("zstd");
        enc.include_checksum(true).expect("checksum");
        enc.write_all(bytes).expect("zstd");
        enc.finish().expect("zstd")
    }

    fn xz_of(bytes: &[u8]) -> Vec<u8> {
        let mut enc = liblzma::write::XzEncoder::new(Vec::new(), 1);
        enc.write_all(bytes).expect("xz");
        enc.finish().expect("xz")
    }

    fn gzip_of(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(bytes).expect("gzip");
        enc.finish().expect("gzip")
    }

    /// Everything the stream over `raw` decodes, and the error that ended it.
    fn drain(raw: Vec<u8>) -> (Option<Compression>, Vec<u8>, Option<ReadError>) {
        let mut s = Stream::open(Box::new(io::Cursor::new(raw))).expect("open");
        let mut out = Vec::new();
        loop {
            let buf = (*s.buf).as_ref();
            out.extend_from_slice(buf);
            if s.eof {
                return (s.compression(), out, s.error.clone());
            }
            let len = buf.len();
            s.fill(len, 1);
        }
    }

    #[test]
    fn magic_numbers_tell_the_compression() {
        assert_eq!(
            Compression::sniff(&[0x1f, 0x8b, 8, 0]),
            Some(Compression::Gzip)
        );
        assert_eq!(
            Compression::sniff(&[0x28, 0xb5, 0x2f, 0xfd, 0x24, 0]),
            Some(Compression::Zstd)
        );
        // pzstd's skippable frame first.
        assert_eq!(
            Compression::sniff(&[0x50, 0x2a, 0x4d, 0x18, 4, 0]),
            Some(Compression::Zstd)
        );
        assert_eq!(
            Compression::sniff(&[0xfd, b'7', b'z', b'X', b'Z', 0]),
            Some(Compression::Xz)
        );
        // A magic cut short, one byte off, and the captures themselves are not compressed.
        assert_eq!(Compression::sniff(&[0xfd, b'7', b'z', b'X', b'Z']), None);
        assert_eq!(Compression::sniff(&[0x28, 0xb5, 0x2f]), None);
        assert_eq!(Compression::sniff(&[0x28, 0xb5, 0x2f, 0xfe]), None);
        assert_eq!(Compression::sniff(&[0x40, 0x2a, 0x4d, 0x18]), None);
        assert_eq!(Compression::sniff(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0]), None);
        assert_eq!(Compression::sniff(&[0x0a, 0x0d, 0x0d, 0x0a, 28, 0]), None);
        assert_eq!(Compression::sniff(&[]), None);
    }

    #[test]
    fn every_format_decodes_to_the_plain_bytes_over_many_chunks() {
        // Three chunks and a bit, so that records are cut at chunk boundaries.
        let plain = pcap((3 * CHUNK / 116 + 1000) as u32);
        for (raw, compression) in [
            (plain.clone(), None),
            (gzip_of(&plain), Some(Compression::Gzip)),
            (zstd_of(&plain), Some(Compression::Zstd)),
            (xz_of(&plain), Some(Compression::Xz)),
        ] {
            let (found, out, error) = drain(raw);
            assert_eq!(found, compression);
            assert_eq!(error, None, "{compression:?}");
            assert!(out == plain, "{compression:?}: decoded bytes differ");
        }
    }

    #[test]
    fn concatenated_frames_and_streams_read_as_one() {
        let (a, b) = (pcap(300), pcap(200));
        let whole = [a.as_slice(), b.as_slice()].concat();
        for (compress, compression) in [
            (zstd_of as fn(&[u8]) -> Vec<u8>, Compression::Zstd),
            (xz_of, Compression::Xz),
            (gzip_of, Compression::Gzip),
        ] {
            let raw = [compress(&a), compress(&b)].concat();
            let (found, out, error) = drain(raw);
            assert_eq!(found, Some(compression));
            assert_eq!(error, None, "{compression}");
            assert!(out == whole, "{compression}: only part of the members read");
        }
    }

    #[test]
    fn a_cut_or_damaged_stream_ends_with_the_offset_of_its_last_good_byte() {
        let plain = pcap(20_000);
        for (raw, compression) in [
            (zstd_of(&plain), Compression::Zstd),
            (xz_of(&plain), Compression::Xz),
            (gzip_of(&plain), Compression::Gzip),
        ] {
            let cut = raw[..raw.len() / 2].to_vec();
            let (_, out, error) = drain(cut);
            let error = error.expect("an error");
            assert!(
                matches!(&error.kind, ReadErrorKind::Damaged { compression: c, .. } if *c == compression),
                "{compression}: {error:?}"
            );
            assert!(
                error
                    .message
                    .starts_with(&format!("{compression} stream is damaged: ")),
                "{}",
                error.message
            );
            // Every byte before the cut is there, exactly as it was; the offset is its end.
            assert!(!out.is_empty() && out.len() < plain.len());
            assert!(
                out == plain[..out.len()],
                "{compression}: bytes before the cut"
            );
            assert_eq!(error.offset, out.len() as u64);

            let mut bad = raw.clone();
            let at = bad.len() / 2;
            for b in &mut bad[at..at + 8] {
                *b ^= 0x5a;
            }
            let (_, out, error) = drain(bad);
            let error = error.unwrap_or_else(|| panic!("{compression}: damage unnoticed"));
            assert!(
                matches!(error.kind, ReadErrorKind::Damaged { .. }),
                "{compression}"
            );
            assert!(
                out == plain[..out.len()],
                "{compression}: bytes before the damage"
            );
        }
    }

    /// A raw input that fails after `ok` bytes, as a disk or a pipe can.
    struct Failing {
        data: io::Cursor<Vec<u8>>,
        ok: u64,
    }

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.data.position() >= self.ok {
                return Err(io::Error::other("the disk went away"));
            }
            let room = (self.ok - self.data.position()) as usize;
            let n = buf.len().min(room);
            self.data.read(&mut buf[..n])
        }
    }

    #[test]
    fn a_failing_input_is_a_read_error_not_damage() {
        let raw = zstd_of(&pcap(20_000));
        let ok = raw.len() as u64 / 2;
        let mut s = Stream::open(Box::new(Failing {
            data: io::Cursor::new(raw),
            ok,
        }))
        .expect("open");
        while !s.eof {
            let len = (*s.buf).as_ref().len();
            s.fill(len, 1);
        }
        let error = s.error.clone().expect("an error");
        assert_eq!(
            error.kind,
            ReadErrorKind::Io("the disk went away".into()),
            "{error:?}"
        );
        assert!(
            s.progress() >= ok / 2 && s.progress() <= ok,
            "{}",
            s.progress()
        );
    }

    #[test]
    fn starts_like_capture_looks_inside_the_compression() {
        let dir = tempfile::tempdir().expect("dir");
        let plain = pcap(3);
        let cases: [(&str, Vec<u8>, bool); 7] = [
            ("a.pcap", plain.clone(), true),
            ("a.pcap.zst", zstd_of(&plain), true),
            ("a.pcap.xz", xz_of(&plain), true),
            ("a.pcap.gz", gzip_of(&plain), true),
            ("text.zst", zstd_of(b"not a capture at all"), false),
            ("cut.xz", xz_of(&plain)[..8].to_vec(), false),
            ("tiny", vec![0xd4, 0xc3], false),
        ];
        for (name, bytes, expected) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).expect("write");
            assert_eq!(starts_like_capture(&path), expected, "{name}");
        }
    }
}
