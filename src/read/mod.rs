//! Capture files to records: pcap and pcapng, plain or compressed (gzip, Zstandard, xz), files,
//! whole folders, FIFOs and standard input.
//!
//! A [`CaptureReader`] hands out *windows*: batches of [`Record`]s that point into one byte buffer
//! (the memory map of a plain file, or the current chunk of a stream: a compressed file or a
//! pipe), found in one
//! sequential pass that reads only record headers. Frame bytes are never copied. A damaged file
//! stops at the damage with a [`ReadError`] naming the byte offset; everything before it is kept.

mod inputs;
mod mmap;
pub mod pcap;
pub mod pcapng;
mod prefetch;
mod sigbus;
mod stream;

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use inputs::read_up_to;
pub use inputs::{discover, is_stdin, looks_like_capture, Inputs, Walk, STDIN};
pub use mmap::{Change, FileBytes};
pub use prefetch::{prefetch, prefetch_ahead, prefetch_value};
pub use stream::Compression;

/// One captured frame: where its bytes are and what the file says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// Capture time, nanoseconds since the Unix epoch.
    pub ts_ns: i64,
    /// Bytes present in the file.
    pub caplen: u32,
    /// Bytes the frame had on the wire.
    pub origlen: u32,
    /// Link-layer header type (LINKTYPE_*).
    pub linktype: u16,
    /// Offset of the frame's first byte in the window's buffer.
    pub data_offset: usize,
}

/// What a scanner found at the current position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    /// A frame.
    Record(Record),
    /// The buffer ends inside a record that needs `need` bytes from the current position.
    NeedMore {
        /// Bytes the record needs, counted from its start.
        need: usize,
    },
    /// The buffer ends exactly at a record boundary.
    End,
}

/// Why reading a capture file stopped early.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadErrorKind {
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// The first bytes are neither a pcap nor a pcapng magic number.
    #[error("not a pcap or pcapng file (unknown magic number)")]
    NotCapture,
    /// Too few bytes to tell a capture: shorter than any magic number.
    #[error("not a capture (too short: {0} bytes)")]
    TooShort(usize),
    /// The file starts as a capture but ends inside its header.
    #[error("the file header is cut short: {have} of {need} bytes")]
    HeaderTruncated {
        /// Bytes the header needs.
        need: usize,
        /// Bytes present.
        have: usize,
    },
    /// The file ends inside a record.
    #[error(
        "the file is cut short in the middle of a record: it needs {need} bytes, {have} remain"
    )]
    Truncated {
        /// Bytes the record needs.
        need: usize,
        /// Bytes present.
        have: usize,
    },
    /// A pcap record claims more bytes than any real frame has.
    #[error("a record claims {len} captured bytes, more than the maximum of {max}")]
    RecordTooLarge {
        /// The claimed length.
        len: u32,
        /// The ceiling for this link type.
        max: u32,
    },
    /// A pcapng block length is impossible.
    #[error("pcapng block of type {block_type:#010x} has an invalid total length {len}")]
    BadBlockLength {
        /// The block type.
        block_type: u32,
        /// The length field.
        len: u32,
    },
    /// A pcapng block's two length fields disagree.
    #[error("pcapng block of type {block_type:#010x}: total lengths {len} and {trailer} differ")]
    BlockLengthMismatch {
        /// The block type.
        block_type: u32,
        /// The leading length.
        len: u32,
        /// The trailing length.
        trailer: u32,
    },
    /// A pcapng section header with an unknown byte-order magic.
    #[error("pcapng section header has an unknown byte-order magic {0:#010x}")]
    BadByteOrderMagic(u32),
    /// A pcapng packet names an interface that was not described.
    #[error("pcapng packet for interface {id}, but the section describes {count} interfaces")]
    UnknownInterface {
        /// The interface id in the packet.
        id: u32,
        /// Interfaces described so far in the section.
        count: usize,
    },
    /// A pcapng packet's captured length does not fit its block.
    #[error("pcapng packet claims {caplen} captured bytes but its block has room for {room}")]
    CaplenBeyondBlock {
        /// The claimed captured length.
        caplen: u32,
        /// Bytes available in the block.
        room: u32,
    },
    /// An `if_tsresol` that cannot be represented.
    #[error("pcapng interface has an unusable timestamp resolution {0:#04x}")]
    BadTsResol(u8),
    /// From here on the file holds only zeros (preallocated and never filled, or damaged).
    #[error("the file holds only zeros from here on (at least {len} bytes): preallocated and never filled, or damaged")]
    ZeroFilled {
        /// Zero bytes seen.
        len: usize,
    },
    /// The operating system refused a read.
    #[error("read failed: {0}")]
    Io(String),
    /// The file shrank, grew or was rewritten while it was read (a ring buffer reusing its
    /// name, a copy overwriting it).
    #[error("{}", changed_message(*.was, *.now))]
    Changed {
        /// Its size when it was opened.
        was: u64,
        /// Its size when the change was seen.
        now: u64,
    },
    /// The compressed stream is damaged (or cut short).
    #[error("{compression} stream is damaged: {why}")]
    Damaged {
        /// The compression.
        compression: Compression,
        /// The decoder's message.
        why: String,
    },
}

fn changed_message(was: u64, now: u64) -> String {
    use std::cmp::Ordering::*;
    match now.cmp(&was) {
        Less => format!(
            "the file shrank from {was} to {now} bytes while it was read (rewritten by another \
             program?); the records before this offset are counted"
        ),
        Greater => format!(
            "the file grew from {was} to {now} bytes while it was read (still being written?); \
             the records before this offset are counted"
        ),
        Equal => "the file was rewritten while it was read (pages of it vanished); the records \
                  before this offset are counted"
            .to_string(),
    }
}

/// A read error with the byte offset where it happened (in the decompressed stream for a
/// compressed file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("at byte offset {offset}: {message}")]
pub struct ReadError {
    /// Byte offset of the damaged record or block.
    pub offset: u64,
    /// What was wrong, as a sentence.
    pub message: String,
    /// The kind, for tests and programs.
    #[serde(skip)]
    pub kind: ReadErrorKind,
}

impl ReadError {
    fn new(offset: u64, kind: ReadErrorKind) -> ReadError {
        ReadError {
            offset,
            message: kind.to_string(),
            kind,
        }
    }
}

/// The container format of a capture file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Classic libpcap.
    Pcap,
    /// pcapng.
    Pcapng,
}

#[derive(Debug, Clone)]
enum Scanner {
    Pcap(pcap::PcapScanner),
    PcapNg(pcapng::PcapNgScanner),
}

/// The scanner of a file read whole, for walking it in parts ([`CaptureReader::mapped_parts`]).
pub enum MappedScanner {
    /// A pcap file.
    Pcap(pcap::PcapScanner),
    /// A pcapng file.
    PcapNg(pcapng::PcapNgScanner),
}

/// A scanner that can walk a file in parts, each from a guessed record boundary, with the state
/// (sections, interfaces) read before the part was cut. Whoever joins the parts checks that each
/// starts where the walk before it ended, with the same state, and walks again those that don't.
pub trait PartScanner: Clone + Send + Sync {
    /// Reads what sets the state at `*pos` before the first record (pcapng's section and
    /// interface headers), so that parts can be walked with it.
    fn settle(&mut self, buf: &[u8], pos: &mut usize);

    /// The first place in `from..to` that looks like a record boundary: a guess.
    fn guess_boundary(&self, buf: &[u8], from: usize, to: usize) -> Option<usize>;

    /// Calls `each` on the records from `*pos` up to the first at or after `limit`, or on
    /// `max_records` of them; returns the records walked and what stopped the walk, if not the
    /// limit or the count. `from_guess`: the walk starts at a guessed boundary with an earlier
    /// state, and also stops, with no reason given, before anything that would change that state
    /// or that needs the record before it.
    fn walk_part(
        &mut self,
        buf: &[u8],
        pos: &mut usize,
        limit: usize,
        max_records: usize,
        from_guess: bool,
        each: impl FnMut(&Record),
    ) -> (usize, Option<Result<Scan, ReadErrorKind>>);

    /// Takes the state left by `later`, a walk that started from this state.
    fn join(&mut self, later: Self);

    /// Changes of state read so far: walks started from different generations do not join.
    fn generation(&self) -> u64;
}

impl PartScanner for pcap::PcapScanner {
    fn settle(&mut self, _buf: &[u8], _pos: &mut usize) {}

    fn guess_boundary(&self, buf: &[u8], from: usize, to: usize) -> Option<usize> {
        pcap::PcapScanner::guess_boundary(self, buf, from, to)
    }

    #[inline]
    fn walk_part(
        &mut self,
        buf: &[u8],
        pos: &mut usize,
        limit: usize,
        max_records: usize,
        _from_guess: bool,
        each: impl FnMut(&Record),
    ) -> (usize, Option<Result<Scan, ReadErrorKind>>) {
        self.walk_each(buf, pos, limit, max_records, each)
    }

    fn join(&mut self, _later: Self) {}

    fn generation(&self) -> u64 {
        0
    }
}

impl Scanner {
    /// Recognises the format from the first bytes; returns the scanner and where records start.
    fn detect(head: &[u8]) -> Result<(Scanner, usize), ReadErrorKind> {
        if head.is_empty() {
            return Err(ReadErrorKind::Empty);
        }
        if head.len() < 4 {
            return Err(ReadErrorKind::TooShort(head.len()));
        }
        let magic = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        if magic == pcapng::SHB_TYPE {
            return Ok((Scanner::PcapNg(pcapng::PcapNgScanner::new()), 0));
        }
        if pcap::is_pcap_magic(magic) {
            let header = pcap::PcapHeader::parse(head)?;
            return Ok((
                Scanner::Pcap(pcap::PcapScanner::new(header)),
                pcap::FILE_HEADER_LEN,
            ));
        }
        Err(ReadErrorKind::NotCapture)
    }

    #[inline]
    fn next(&mut self, buf: &[u8], pos: &mut usize) -> Result<Scan, ReadErrorKind> {
        match self {
            Scanner::Pcap(s) => s.next(buf, pos),
            Scanner::PcapNg(s) => s.next(buf, pos),
        }
    }

    fn format(&self) -> Format {
        match self {
            Scanner::Pcap(_) => Format::Pcap,
            Scanner::PcapNg(_) => Format::Pcapng,
        }
    }
}

/// The bytes a window's records point into: the whole memory-mapped file, or one chunk of a
/// stream. Shared, so a window can be decoded while the next one is being scanned.
pub type Chunk = Arc<dyn AsRef<[u8]> + Send + Sync>;

enum Bytes {
    Whole(Arc<FileBytes>),
    Stream(Box<stream::Stream>),
}

impl Bytes {
    fn slice(&self) -> &[u8] {
        match self {
            Bytes::Whole(b) => b,
            Bytes::Stream(s) => (*s.buf).as_ref(),
        }
    }

    /// How a mapped file changed since it was mapped, if it did (a stream cannot tell).
    fn changed(&self) -> Option<mmap::Change> {
        match self {
            Bytes::Whole(b) => b.changed(),
            Bytes::Stream(_) => None,
        }
    }
}

/// How far ahead of a single walk over records the file's cache lines are loaded.
const SCAN_PREFETCH_BYTES: usize = 4096;

/// How far ahead of the scan the mapped file is paged in, in one system call.
const POPULATE_AHEAD: usize = 32 * 1024 * 1024;

/// How far into a stream [`CaptureReader::peek_timestamp`] reads for the first record.
pub const PEEK_LIMIT: usize = 64 * 1024 * 1024;

/// Mapped bytes already processed are released from memory once there are this many.
const RELEASE_AT_LEAST: usize = 16 * 1024 * 1024;

/// Reads one capture file window by window.
pub struct CaptureReader {
    path: PathBuf,
    bytes: Bytes,
    scanner: Scanner,
    pos: usize,
    file_len: u64,
    done: bool,
    error: Option<ReadError>,
    /// Start of the window handed out last: everything before it has been processed.
    last_window_start: usize,
    /// Mapped bytes below this have been released from memory (or are being): shared with the
    /// page work still queued, so that a range released is not paged in again.
    released: Arc<std::sync::atomic::AtomicUsize>,
    /// Mapped bytes below this have been paged in.
    populated: usize,
    /// A batch ends once its frames span this many bytes, however few records it holds.
    batch_bytes: usize,
}

impl CaptureReader {
    /// Opens `path`, recognising pcap, pcapng and their compressions by content, not by name.
    ///
    /// A plain regular file is mapped; a compressed one, a FIFO, and `-` (standard input) are
    /// read as a stream, once: such an input cannot be opened a second time.
    pub fn open(path: &Path) -> Result<CaptureReader, ReadError> {
        let io_err = |e: io::Error| ReadError::new(0, ReadErrorKind::Io(e.to_string()));
        if is_stdin(path) {
            return CaptureReader::open_stream(path, Box::new(io::stdin()), 0);
        }
        let mut file = File::open(path).map_err(io_err)?;
        let meta = file.metadata().map_err(io_err)?;
        if !meta.is_file() {
            // A FIFO (or a device): its length says nothing, and it cannot be mapped.
            return CaptureReader::open_stream(path, Box::new(file), meta.len());
        }
        let mut head = [0u8; stream::HEAD_LEN];
        let n = read_up_to(&mut file, &mut head).map_err(io_err)?;
        if Compression::sniff(&head[..n]).is_some() {
            io::Seek::rewind(&mut file).map_err(io_err)?;
            return CaptureReader::open_stream(path, Box::new(file), meta.len());
        }
        let bytes = Bytes::Whole(Arc::new(mmap::map_file(file).map_err(io_err)?));
        let (scanner, pos) = Scanner::detect(bytes.slice()).map_err(|k| ReadError::new(0, k))?;
        Ok(CaptureReader::new(path, bytes, scanner, pos, meta.len()))
    }

    /// A reader over the stream `raw` (compressed or not, told by its first bytes).
    fn open_stream(
        path: &Path,
        raw: Box<dyn io::Read + Send>,
        file_len: u64,
    ) -> Result<CaptureReader, ReadError> {
        let stream = stream::Stream::open(raw)?;
        if stream.buf.as_ref().as_ref().len() < pcap::FILE_HEADER_LEN {
            // Damaged before a file header's worth: that is the error, not the length.
            if let Some(e) = stream.error.clone() {
                return Err(e);
            }
        }
        let bytes = Bytes::Stream(Box::new(stream));
        let (scanner, pos) = Scanner::detect(bytes.slice()).map_err(|k| ReadError::new(0, k))?;
        Ok(CaptureReader::new(path, bytes, scanner, pos, file_len))
    }

    /// A reader over a capture already in memory (`name` is used in messages only).
    pub fn from_bytes(name: &Path, bytes: Vec<u8>) -> Result<CaptureReader, ReadError> {
        let (scanner, pos) = Scanner::detect(&bytes).map_err(|k| ReadError::new(0, k))?;
        let len = bytes.len() as u64;
        let bytes = Bytes::Whole(Arc::new(FileBytes::Owned(bytes)));
        Ok(CaptureReader::new(name, bytes, scanner, pos, len))
    }

    fn new(
        path: &Path,
        bytes: Bytes,
        scanner: Scanner,
        pos: usize,
        file_len: u64,
    ) -> CaptureReader {
        CaptureReader {
            path: path.to_path_buf(),
            bytes,
            scanner,
            pos,
            file_len,
            done: false,
            error: None,
            last_window_start: 0,
            released: Arc::default(),
            populated: 0,
            batch_bytes: usize::MAX,
        }
    }

    /// The file this reader reads.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The container format.
    pub fn format(&self) -> Format {
        self.scanner.format()
    }

    /// Whether the file is compressed.
    pub fn compressed(&self) -> bool {
        self.compression().is_some()
    }

    /// How the file is compressed, if it is.
    pub fn compression(&self) -> Option<Compression> {
        match &self.bytes {
            Bytes::Whole(_) => None,
            Bytes::Stream(s) => s.compression(),
        }
    }

    /// Whether the input is read as a stream (compressed, or a pipe), once, rather than mapped.
    pub fn is_stream(&self) -> bool {
        matches!(self.bytes, Bytes::Stream(_))
    }

    /// Size of the file on disk (0 for a pipe).
    pub fn file_len(&self) -> u64 {
        self.file_len
    }

    /// Bytes of the file consumed so far (raw bytes read, for a stream).
    pub fn progress(&self) -> u64 {
        match &self.bytes {
            Bytes::Whole(_) => self.pos as u64,
            Bytes::Stream(s) => s.progress(),
        }
    }

    /// Ends each batch once its frames span `bytes` bytes of the file, so that a window of large
    /// frames keeps few pages of the file mapped at once.
    pub fn set_batch_bytes(&mut self, bytes: usize) {
        self.batch_bytes = bytes.max(1);
    }

    /// The error that stopped reading, once the reader is exhausted.
    pub fn error(&self) -> Option<&ReadError> {
        self.error.as_ref()
    }

    /// The bytes and the scanner of a file read whole, with the offset of the next record: such
    /// a file can be cut into parts walked at once from guessed record boundaries (`analyze`
    /// does). `None` for a stream, and once the file is done.
    pub fn mapped_parts(&self) -> Option<(Arc<FileBytes>, MappedScanner, usize)> {
        let Bytes::Whole(bytes) = &self.bytes else {
            return None;
        };
        if self.done {
            return None;
        }
        let scanner = match &self.scanner {
            Scanner::Pcap(s) => MappedScanner::Pcap(s.clone()),
            Scanner::PcapNg(s) => MappedScanner::PcapNg(s.clone()),
        };
        Some((Arc::clone(bytes), scanner, self.pos))
    }

    /// For a file walked by its caller ([`CaptureReader::mapped_parts`]): the records before
    /// `done` are processed, and those up to `ahead` are about to be; pages behind are released
    /// and pages ahead mapped in as for [`CaptureReader::next_window`].
    pub fn walked_to(&mut self, done: usize, ahead: usize) {
        self.last_window_start = done;
        self.pos = ahead;
        self.manage_pages();
    }

    /// For a file walked by its caller: the walk ended at `pos`, for `stop` (see
    /// [`PartScanner::walk_part`]), or at the end of the file.
    pub fn walk_ended(&mut self, pos: usize, stop: Option<Result<Scan, ReadErrorKind>>) {
        self.pos = pos;
        self.done = true;
        let have = self.bytes.slice().len().saturating_sub(pos);
        if let Some((at, kind)) = self.changed_kind(pos, &stop) {
            self.error = Some(ReadError::new(at, kind));
            return;
        }
        match stop {
            Some(Ok(Scan::NeedMore { need })) => {
                self.error = Some(ReadError::new(
                    pos as u64,
                    ReadErrorKind::Truncated { need, have },
                ));
            }
            Some(Err(kind)) => self.error = Some(ReadError::new(pos as u64, kind)),
            Some(Ok(_)) | None => {}
        }
    }

    /// The change to report, and the offset where the file changed, for a walk that ended at
    /// `pos` for `stop`: the change that stopped it, or one seen now, at its end (the file grew,
    /// or shrank behind the walk).
    fn changed_kind(
        &self,
        pos: usize,
        stop: &Option<Result<Scan, ReadErrorKind>>,
    ) -> Option<(u64, ReadErrorKind)> {
        let change = self.bytes.changed();
        match (change, stop) {
            (Some(c), _) => Some((c.intact as u64, c.kind())),
            (None, Some(Err(kind @ ReadErrorKind::Changed { .. }))) => {
                Some((pos as u64, kind.clone()))
            }
            (None, _) => None,
        }
    }

    /// Fills `batches` (cleared first) with up to `batches.len()` batches of at most `per_batch`
    /// records each, and returns the bytes the records point into. `None` once the file is done.
    ///
    /// Calling it again declares the window before the one it last returned processed: a mapped
    /// file's pages below that window are released, so memory stays bounded however large the
    /// file (the window it last returned may still be in use while this one is scanned).
    pub fn next_window(&mut self, batches: &mut [Vec<Record>], per_batch: usize) -> Option<Chunk> {
        for b in batches.iter_mut() {
            b.clear();
        }
        if self.done || batches.is_empty() {
            return None;
        }
        self.manage_pages();
        // A mapped file that changed is walked only as far as it is intact.
        let change = self.bytes.changed();
        let window_start = self.pos;
        let mut current = 0;
        let mut batch_start = 0;
        let mut prefetched = self.pos;
        loop {
            let (buf, stream_eof, base) = match &self.bytes {
                Bytes::Whole(b) => (&b[..change.map_or(b.len(), |c| c.intact)], true, 0),
                Bytes::Stream(s) => ((*s.buf).as_ref(), s.eof, s.base),
            };
            // Record headers are one cache miss each, one after the other, since each one's
            // length says where the next is: load the lines ahead of the scan before it gets
            // there.
            prefetch_ahead(buf, &mut prefetched, self.pos, SCAN_PREFETCH_BYTES);
            match self.scanner.next(buf, &mut self.pos) {
                Ok(Scan::Record(r)) => {
                    let batch = &mut batches[current];
                    if batch.is_empty() {
                        batch_start = r.data_offset;
                    }
                    batch.push(r);
                    let span = r.data_offset + r.caplen as usize - batch_start;
                    if batch.len() == per_batch || span >= self.batch_bytes {
                        current += 1;
                        if current == batches.len() {
                            break;
                        }
                    }
                }
                Ok(scan @ (Scan::End | Scan::NeedMore { .. })) => {
                    let have = buf.len() - self.pos;
                    if stream_eof {
                        let damaged = match &self.bytes {
                            Bytes::Stream(s) => s.error.clone(),
                            Bytes::Whole(_) => None,
                        };
                        if let Some(e) = damaged {
                            self.error = Some(e);
                        } else if let Some(c) = change {
                            self.error = Some(ReadError::new(c.intact as u64, c.kind()));
                        } else if let Scan::NeedMore { need } = scan {
                            let offset = base + self.pos as u64;
                            self.error = Some(ReadError::new(
                                offset,
                                ReadErrorKind::Truncated { need, have },
                            ));
                        }
                        self.done = true;
                        break;
                    }
                    if batches.iter().any(|b| !b.is_empty()) {
                        // Records of this window point into the current chunk: hand them out
                        // before the chunk is replaced.
                        break;
                    }
                    let need = match scan {
                        Scan::NeedMore { need } => need,
                        _ => 1,
                    };
                    let pos = std::mem::take(&mut self.pos);
                    if let Bytes::Stream(s) = &mut self.bytes {
                        s.fill(pos, need);
                    }
                    // A new buffer: the scan starts again at its front.
                    prefetched = 0;
                }
                Err(kind) => {
                    self.error = Some(ReadError::new(base + self.pos as u64, kind));
                    self.done = true;
                    break;
                }
            }
        }
        self.last_window_start = window_start;
        if batches.iter().all(|b| b.is_empty()) {
            return None;
        }
        Some(match &self.bytes {
            Bytes::Whole(b) => Arc::clone(b) as Chunk,
            Bytes::Stream(s) => Arc::clone(&s.buf) as Chunk,
        })
    }

    /// The timestamp of the next record, which stays to be handed out by
    /// [`CaptureReader::next_window`]: for a stream opened once, whose first timestamp is needed
    /// before it is read. A stream is read ahead as far as its first record (at most
    /// [`PEEK_LIMIT`] bytes). `None` when there is no record, or none that near.
    pub fn peek_timestamp(&mut self) -> Option<i64> {
        loop {
            if self.done {
                return None;
            }
            // A copy: the state a scan changes (pcapng's interfaces) is read again later.
            let mut scanner = self.scanner.clone();
            let mut pos = self.pos;
            let need = match scanner.next(self.bytes.slice(), &mut pos) {
                Ok(Scan::Record(r)) => return Some(r.ts_ns),
                Ok(Scan::NeedMore { need }) => need,
                Ok(Scan::End) => 1,
                Err(_) => return None,
            };
            let Bytes::Stream(s) = &mut self.bytes else {
                return None;
            };
            if s.eof || (*s.buf).as_ref().len() >= PEEK_LIMIT {
                return None;
            }
            // Nothing consumed: the bytes scanned so far stay, and the position in them.
            s.fill(0, self.pos + need);
        }
    }

    /// Releases the mapped pages below the window handed out last and pages in the ones ahead.
    ///
    /// The system calls (a tenth of the work on a large file) run as tasks of the worker pool,
    /// beside the scan rather than in its way: a worker waiting for the others takes them.
    fn manage_pages(&mut self) {
        let Bytes::Whole(bytes) = &self.bytes else {
            return;
        };
        let len = bytes.len();
        // Released in runs of whole huge pages: each release interrupts every other core
        // running this process to flush its TLB.
        let released = self.released.load(std::sync::atomic::Ordering::Relaxed);
        let release_to = bytes.huge_page_floor(self.last_window_start);
        if release_to >= released + RELEASE_AT_LEAST {
            self.released
                .store(release_to, std::sync::atomic::Ordering::Relaxed);
            page_work(bytes, move |b| b.release(released, release_to));
        }
        if self.pos + POPULATE_AHEAD / 2 >= self.populated && self.populated < len {
            let from = self.populated.max(self.pos);
            let end = (self.pos + POPULATE_AHEAD).min(len);
            if len <= POPULATE_AHEAD {
                // A small file is paged in at once.
                bytes.populate(from, end);
            } else {
                // Queued behind the walk's own work, it may run late: only what is still ahead.
                let released = Arc::clone(&self.released);
                page_work(bytes, move |b| {
                    let from = from.max(released.load(std::sync::atomic::Ordering::Relaxed));
                    if from < end {
                        b.populate(from, end);
                    }
                });
            }
            self.populated = end;
        }
    }
}

/// Runs `work` on the mapped bytes as a task of the worker pool, or at once on a pool of one
/// thread: its worker is never idle until the file is done, so a task would wait that long.
fn page_work(bytes: &Arc<FileBytes>, work: impl FnOnce(&FileBytes) + Send + 'static) {
    if rayon::current_num_threads() > 1 {
        let bytes = Arc::clone(bytes);
        rayon::spawn(move || work(&bytes));
    } else {
        work(bytes);
    }
}

/// Whether `path` names an input that can be read only once, as it comes: `-` (standard input)
/// or a FIFO (anything neither a regular file nor a folder).
pub fn is_pipe(path: &Path) -> bool {
    is_stdin(path) || std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// The timestamp of the first record of `path`, for ordering the files of a folder by time.
/// `None` for a pipe ([`is_pipe`]), which opening here would use up: see
/// [`CaptureReader::peek_timestamp`].
pub fn first_timestamp(path: &Path) -> Option<i64> {
    if is_pipe(path) {
        return None;
    }
    let mut reader = CaptureReader::open(path).ok()?;
    if let Bytes::Whole(bytes) = &reader.bytes {
        // Only the first record: a window would scan megabytes and page in more.
        let mut pos = reader.pos;
        return match reader.scanner.next(bytes, &mut pos) {
            Ok(Scan::Record(r)) => Some(r.ts_ns),
            _ => None,
        };
    }
    let mut batch = [Vec::with_capacity(1)];
    reader.next_window(&mut batch, 1)?;
    batch[0].first().map(|r| r.ts_ns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Scans `buf` to the end; every record must lie inside the buffer.
    fn scan_whole(buf: &[u8]) -> usize {
        let Ok((mut scanner, mut pos)) = Scanner::detect(buf) else {
            return 0;
        };
        let mut n = 0;
        while let Ok(Scan::Record(r)) = scanner.next(buf, &mut pos) {
            assert!(r.data_offset + r.caplen as usize <= buf.len());
            assert!(pos <= buf.len());
            n += 1;
        }
        n
    }

    #[test]
    fn batches_end_at_the_byte_limit_before_the_record_limit() {
        // A little-endian microsecond pcap with ten 100-byte Ethernet frames.
        let mut bytes = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        bytes.extend_from_slice(&[0; 8]);
        bytes.extend_from_slice(&65535u32.to_le_bytes());
        bytes.extend_from_slice(&1u32.to_le_bytes());
        for i in 0..10u32 {
            bytes.extend_from_slice(&i.to_le_bytes());
            bytes.extend_from_slice(&0u32.to_le_bytes());
            bytes.extend_from_slice(&100u32.to_le_bytes());
            bytes.extend_from_slice(&100u32.to_le_bytes());
            bytes.extend_from_slice(&[0; 100]);
        }
        let mut reader = CaptureReader::from_bytes(Path::new("t.pcap"), bytes).expect("pcap");
        // Frames 116 bytes apart: the third one takes a batch past 250 bytes.
        reader.set_batch_bytes(250);
        let mut batches: Vec<Vec<Record>> = vec![Vec::new(); 8];
        assert!(reader.next_window(&mut batches, 100).is_some());
        let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
        assert_eq!(sizes, [3, 3, 3, 1, 0, 0, 0, 0]);
    }

    #[test]
    fn a_peeked_timestamp_stays_to_be_read() {
        // A first record larger than the stream's first chunk: the peek reads on for it.
        let mut bytes = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        bytes.extend_from_slice(&[0; 8]);
        bytes.extend_from_slice(&262_144u32.to_le_bytes());
        bytes.extend_from_slice(&1u32.to_le_bytes());
        for (i, len) in [(7u32, 200_000u32), (8, 60), (9, 60)] {
            bytes.extend_from_slice(&i.to_le_bytes());
            bytes.extend_from_slice(&0u32.to_le_bytes());
            bytes.extend_from_slice(&len.to_le_bytes());
            bytes.extend_from_slice(&len.to_le_bytes());
            bytes.extend(std::iter::repeat_n(i as u8, len as usize));
        }
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("big-first.pcap.zst");
        std::fs::write(&path, zstd::encode_all(bytes.as_slice(), 3).expect("zstd")).expect("write");
        let mut reader = CaptureReader::open(&path).expect("open");
        assert_eq!(reader.compression(), Some(Compression::Zstd));
        assert!(reader.is_stream());
        assert_eq!(reader.peek_timestamp(), Some(7_000_000_000));
        assert_eq!(reader.peek_timestamp(), Some(7_000_000_000));
        let mut batches = vec![Vec::new()];
        let mut seen = Vec::new();
        while let Some(chunk) = reader.next_window(&mut batches, 10) {
            for r in &batches[0] {
                let data = &(*chunk).as_ref()[r.data_offset..r.data_offset + r.caplen as usize];
                assert!(data
                    .iter()
                    .all(|&b| i64::from(b) * 1_000_000_000 == r.ts_ns));
                seen.push((r.ts_ns / 1_000_000_000, r.caplen));
            }
        }
        assert_eq!(seen, [(7, 200_000), (8, 60), (9, 60)]);
        assert_eq!(reader.error(), None);
        // A file is mapped, and its peek reads nothing ahead.
        let plain = dir.path().join("big-first.pcap");
        std::fs::write(&plain, &bytes).expect("write");
        let mut reader = CaptureReader::open(&plain).expect("open");
        assert!(!reader.is_stream() && !reader.compressed());
        assert_eq!(reader.peek_timestamp(), Some(7_000_000_000));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn pcap_scanning_never_panics(body in proptest::collection::vec(any::<u8>(), 0..600), be in any::<bool>()) {
            let mut buf = if be { vec![0xa1, 0xb2, 0xc3, 0xd4] } else { vec![0xd4, 0xc3, 0xb2, 0xa1] };
            buf.extend_from_slice(&[0; 20]);
            buf.extend_from_slice(&body);
            scan_whole(&buf);
        }

        #[test]
        fn pcapng_scanning_never_panics(body in proptest::collection::vec(any::<u8>(), 0..600), lens in proptest::collection::vec(0u32..200, 1..6)) {
            // A valid section header, then blocks whose lengths and bodies are arbitrary.
            let mut buf = vec![0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0];
            buf.extend_from_slice(&[0xff; 8]);
            buf.extend_from_slice(&28u32.to_le_bytes());
            let mut rest = body.as_slice();
            for (i, len) in lens.iter().enumerate() {
                let block_type: u32 = [1, 6, 3, 2, 5][i % 5];
                buf.extend_from_slice(&block_type.to_le_bytes());
                buf.extend_from_slice(&len.to_le_bytes());
                let take = rest.len().min(*len as usize);
                buf.extend_from_slice(&rest[..take]);
                rest = &rest[take..];
            }
            scan_whole(&buf);
        }
    }
}
