//! `.gz` inputs, inflated on a thread of their own one chunk ahead of the scan, so that the
//! analysis of a compressed capture is held back by inflating alone.
//!
//! Chunks are recycled once no window holds them, so they are never zeroed or faulted in again,
//! and each one keeps room at its front for the partial record left at the end of the one before.

use std::fs::File;
use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

use super::{ReadError, ReadErrorKind};

/// The first two bytes of a gzip stream.
pub(super) const MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Decompressed bytes per chunk.
const CHUNK: usize = 32 * 1024 * 1024;
/// Room before each chunk's data for the record cut by the chunk before; a longer one is joined
/// by copying.
const HEADROOM: usize = 1024 * 1024;
/// Decompressed bytes read when a stream is opened: ordering a folder by time opens every file
/// for its first record.
const FIRST_CHUNK: usize = 64 * 1024;

/// Decompressed bytes the records of a window point into.
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

/// A chunk from the inflating thread.
struct Inflated {
    bytes: Vec<u8>,
    /// Bytes of data, from `HEADROOM`.
    len: usize,
    /// Set on the last chunk: the end of the stream, or the error that ended it.
    end: Option<io::Result<()>>,
}

struct Inflater {
    chunks: Receiver<Inflated>,
    recycle: Sender<Vec<u8>>,
}

/// A gzip-compressed capture, read chunk by chunk.
pub struct GzStream {
    /// The decoder until the inflating thread takes it.
    decoder: Option<Box<MultiGzDecoder<File>>>,
    inflater: Option<Inflater>,
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
    /// Compressed bytes read so far.
    compressed_pos: Arc<AtomicU64>,
}

impl GzStream {
    /// Opens the stream and inflates its first few kilobytes.
    pub fn open(file: File) -> GzStream {
        let mut stream = GzStream {
            decoder: Some(Box::new(MultiGzDecoder::new(file))),
            inflater: None,
            buf: Arc::new(ChunkBuf {
                bytes: Vec::new(),
                start: 0,
                end: 0,
            }),
            base: 0,
            eof: false,
            error: None,
            retired: Vec::new(),
            compressed_pos: Arc::new(AtomicU64::new(0)),
        };
        if let Some(decoder) = stream.decoder.as_mut() {
            let mut bytes = vec![0; FIRST_CHUNK];
            let (len, end) = inflate_into(decoder, &mut bytes);
            stream
                .compressed_pos
                .store(position(decoder), Ordering::Relaxed);
            bytes.truncate(len);
            stream.buf = Arc::new(ChunkBuf {
                bytes,
                start: 0,
                end: len,
            });
            stream.end(end, len);
        }
        stream
    }

    /// Compressed bytes read so far.
    pub fn progress(&self) -> u64 {
        self.compressed_pos.load(Ordering::Relaxed)
    }

    /// Drops the `consumed` bytes already scanned and reads until at least `need` unscanned bytes
    /// are present or the stream ends (then [`GzStream::eof`] is set, and [`GzStream::error`] if
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
            Some(Inflated {
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
            Some(Inflated { bytes, len, end }) => {
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
                let kind = match e.kind() {
                    io::ErrorKind::InvalidInput
                    | io::ErrorKind::InvalidData
                    | io::ErrorKind::UnexpectedEof => ReadErrorKind::Gzip(e.to_string()),
                    _ => ReadErrorKind::Io(e.to_string()),
                };
                self.error = Some(ReadError::new(self.base + len as u64, kind));
            }
        }
    }

    /// The next chunk, starting the inflating thread on first need.
    fn next_chunk(&mut self) -> Option<Inflated> {
        if self.inflater.is_none() {
            let decoder = self.decoder.take()?;
            self.inflater = Some(start(decoder, Arc::clone(&self.compressed_pos)));
        }
        self.inflater.as_ref()?.chunks.recv().ok()
    }

    /// Hands chunks no window holds any more back to the inflating thread.
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
            if let Some(inflater) = &self.inflater {
                let _ = inflater.recycle.send(bytes);
            }
        }
    }
}

fn thread_stopped() -> io::Error {
    io::Error::other("the inflating thread stopped")
}

/// Starts the thread that inflates chunks one ahead of the reader.
fn start(mut decoder: Box<MultiGzDecoder<File>>, compressed_pos: Arc<AtomicU64>) -> Inflater {
    let (chunk_out, chunks): (SyncSender<Inflated>, _) = mpsc::sync_channel(1);
    let (recycle, recycled) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || loop {
        let mut bytes = recycled
            .try_recv()
            .unwrap_or_else(|_| vec![0; HEADROOM + CHUNK]);
        let (len, end) = inflate_into(&mut decoder, &mut bytes[HEADROOM..]);
        compressed_pos.store(position(&decoder), Ordering::Relaxed);
        let last = end.is_some();
        // The reader is gone when the send fails.
        if chunk_out.send(Inflated { bytes, len, end }).is_err() || last {
            return;
        }
    });
    Inflater { chunks, recycle }
}

/// Fills `out` from the decoder; returns the bytes written and, if the stream ended, how.
fn inflate_into(
    decoder: &mut MultiGzDecoder<File>,
    out: &mut [u8],
) -> (usize, Option<io::Result<()>>) {
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

fn position(decoder: &MultiGzDecoder<File>) -> u64 {
    let mut file = decoder.get_ref();
    io::Seek::stream_position(&mut file).unwrap_or(0)
}
