//! Captured frames to rotated pcap files: `PREFIX-YYYYMMDDTHHMMSSZ-NNNNNN.pcap` (`.pcap.zst`
//! when Zstandard-compressed), written as `….part` and renamed only once complete and flushed,
//! each described by a `….json` beside it; rotation by size, time (optionally aligned to
//! wall-clock boundaries) and packet count; a ring that keeps the newest N files.
//!
//! No libpcap here: frames come in as (timestamp, original length, bytes), so the rotation and
//! ring logic is tested on its own.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::{DataLink, TsResolution};
use serde::Serialize;

use crate::read::Compression;
use crate::text::time::rfc3339_ns;

/// The zstd level of compressed files: the `zstd` command's default, fast enough for a busy
/// link on one core.
const ZSTD_LEVEL: i32 = 3;

/// When to start a new file; any condition that is met rotates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rotation {
    /// Bytes written to a file (headers included) before the next one starts.
    pub max_bytes: Option<u64>,
    /// Time a file covers.
    pub max_duration: Option<Duration>,
    /// Rotate on multiples of `max_duration` since the epoch (like `tcpdump -G`), not since the
    /// file started.
    pub align_to_clock: bool,
    /// Frames per file.
    pub max_packets: Option<u64>,
    /// Keep only the newest N closed files.
    pub ring: Option<usize>,
}

/// What the metadata record of every file repeats.
#[derive(Debug, Clone, Serialize)]
pub struct CaptureInfo {
    /// Interface name.
    pub interface: String,
    /// BPF filter ("" for none).
    pub filter: String,
    /// Snapshot length.
    pub snaplen: u32,
    /// LINKTYPE_* of the frames.
    pub linktype: u16,
    /// Nanosecond timestamps.
    pub nanosecond: bool,
    /// Host name.
    pub hostname: String,
    /// netanalyzer's version.
    pub tool_version: &'static str,
}

/// Drop counters as libpcap reports them for the whole capture.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Drops {
    /// Frames the kernel received for the capture.
    pub received: u64,
    /// Frames dropped because the capture buffer was full.
    pub dropped_by_kernel: u64,
    /// Frames the interface or its driver dropped.
    pub dropped_by_interface: u64,
}

/// The `.json` record beside each closed file.
#[derive(Debug, Clone, Serialize)]
pub struct FileRecord {
    /// The pcap file's name.
    pub file: String,
    /// Position in the capture, from 1.
    pub sequence: u64,
    /// Capture settings.
    #[serde(flatten)]
    pub info: CaptureInfo,
    /// When the file was opened (wall clock, RFC 3339 UTC).
    pub opened: String,
    /// When it was closed.
    pub closed: String,
    /// First frame's timestamp.
    pub first_packet: Option<String>,
    /// Last frame's timestamp.
    pub last_packet: Option<String>,
    /// Frames in the file.
    pub packets: u64,
    /// Bytes of frames as captured (sum of captured lengths).
    pub captured_bytes: u64,
    /// Bytes of frames on the wire.
    pub bytes: u64,
    /// Drops that libpcap reported while this file was open.
    pub drops: Drops,
    /// "zstd" for a compressed file; absent for a plain one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<Compression>,
}

/// Where a file's bytes go: the file, or a zstd encoder in front of it.
/// A file whose last bytes could not be written (a full disk).
enum Unfinished {
    /// A plain pcap, to be cut after its last whole record.
    Plain(File),
    /// A compressed one, whose frame could not be ended.
    Compressed(io::Error),
}

enum Sink {
    Plain(BufWriter<File>),
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<File>>),
}

impl Sink {
    fn new(file: File, compression: Option<Compression>) -> io::Result<Sink> {
        let file = BufWriter::with_capacity(1 << 20, file);
        Ok(match compression {
            None => Sink::Plain(file),
            Some(Compression::Zstd) => {
                let mut encoder = zstd::stream::write::Encoder::new(file, ZSTD_LEVEL)?;
                // As the `zstd` command writes by default: damage is found when decoded.
                encoder.include_checksum(true)?;
                Sink::Zstd(encoder)
            }
            Some(other) => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    format!("capture writes zstd-compressed files, not {other}"),
                ))
            }
        })
    }

    /// Ends the compressed frame and flushes; returns the file.
    fn finish(self) -> Result<File, Unfinished> {
        let buffered = match self {
            Sink::Plain(b) => b,
            Sink::Zstd(encoder) => encoder.finish().map_err(Unfinished::Compressed)?,
        };
        buffered.into_inner().map_err(|e| {
            let (file, _unwritten) = e.into_inner().into_parts();
            Unfinished::Plain(file)
        })
    }
}

impl Write for Sink {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Plain(b) => b.write(buf),
            Sink::Zstd(e) => e.write(buf),
        }
    }

    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::Plain(b) => b.write_all(buf),
            Sink::Zstd(e) => e.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Plain(b) => b.flush(),
            Sink::Zstd(e) => e.flush(),
        }
    }
}

struct Current {
    writer: PcapWriter<Sink>,
    part: PathBuf,
    name: String,
    sequence: u64,
    opened_ns: i64,
    boundary_ns: Option<i64>,
    first_ts: Option<i64>,
    last_ts: Option<i64>,
    packets: u64,
    bytes: u64,
    captured: u64,
    written: u64,
    drops_at_open: Drops,
}

/// Writes frames into rotated files.
pub struct RotatingWriter {
    dir: PathBuf,
    prefix: String,
    rotation: Rotation,
    info: CaptureInfo,
    sequence: u64,
    current: Option<Current>,
    closed: Vec<PathBuf>,
    closed_this_run: Vec<PathBuf>,
    drops: Drops,
    compression: Option<Compression>,
}

fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

fn compact_time(ns: i64) -> String {
    // 2026-11-24T17:22:05.123456789Z -> 20261124T172205Z
    let s = rfc3339_ns(ns);
    format!(
        "{}{}{}T{}{}{}Z",
        &s[0..4],
        &s[5..7],
        &s[8..10],
        &s[11..13],
        &s[14..16],
        &s[17..19]
    )
}

const RECORD_HEADER: u64 = 16;
const FILE_HEADER: u64 = 24;

impl RotatingWriter {
    /// A writer for `base` (`DIR/PREFIX`); `DIR` must exist.
    pub fn new(base: &Path, rotation: Rotation, info: CaptureInfo) -> io::Result<RotatingWriter> {
        let dir = match base.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let prefix = base
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| !n.is_empty())
            .unwrap_or("capture")
            .to_string();
        if !dir.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("capture directory {} does not exist", dir.display()),
            ));
        }
        // A ring resumed after a restart counts the files already there.
        let mut closed = existing_files(&dir, &prefix);
        closed.sort();
        Ok(RotatingWriter {
            dir,
            prefix,
            rotation,
            info,
            sequence: 0,
            current: None,
            closed,
            closed_this_run: Vec::new(),
            drops: Drops::default(),
            compression: None,
        })
    }

    /// Writes the files compressed (`Some(Compression::Zstd)`, named `….pcap.zst`) from the next
    /// file on; only zstd is written. [`Rotation::max_bytes`] counts the pcap bytes before
    /// compression.
    pub fn set_compression(&mut self, compression: Option<Compression>) -> io::Result<()> {
        if let Some(c) = compression.filter(|c| *c != Compression::Zstd) {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("capture writes zstd-compressed files, not {c}"),
            ));
        }
        self.compression = compression;
        Ok(())
    }

    /// Records libpcap's running drop counters (called now and then by the capture loop).
    pub fn set_drops(&mut self, drops: Drops) {
        self.drops = drops;
    }

    /// The closed files of this prefix still on disk, oldest first (a ring resumed after a
    /// restart includes the earlier run's).
    pub fn closed_files(&self) -> &[PathBuf] {
        &self.closed
    }

    /// The files this writer closed (some may since have left the ring).
    pub fn closed_this_run(&self) -> &[PathBuf] {
        &self.closed_this_run
    }

    fn open(&mut self, first_ts: i64) -> io::Result<()> {
        self.sequence += 1;
        let opened_ns = now_ns();
        // Named for its first frame's time, so names sort in capture order.
        let name = format!(
            "{}-{}-{:06}.pcap{}",
            self.prefix,
            compact_time(first_ts),
            self.sequence,
            match self.compression {
                Some(Compression::Zstd) => ".zst",
                _ => "",
            }
        );
        let part = self.dir.join(format!("{name}.part"));
        let header = PcapHeader {
            snaplen: self.info.snaplen,
            datalink: DataLink::from(u32::from(self.info.linktype)),
            ts_resolution: if self.info.nanosecond {
                TsResolution::NanoSecond
            } else {
                TsResolution::MicroSecond
            },
            ..PcapHeader::default()
        };
        // The record's room is taken now: a disk that fills while the file is written still
        // has it when the file is closed.
        fs::write(self.record_tmp(&name), [b' '; RECORD_ROOM])?;
        let sink = Sink::new(File::create(&part)?, self.compression)?;
        let writer = PcapWriter::with_header(sink, header).map_err(io::Error::other)?;
        let boundary_ns = self.rotation.max_duration.map(|d| {
            let step = d.as_nanos().max(1) as i64;
            if self.rotation.align_to_clock {
                (opened_ns / step + 1) * step
            } else {
                opened_ns + step
            }
        });
        self.current = Some(Current {
            writer,
            part,
            name,
            sequence: self.sequence,
            opened_ns,
            boundary_ns,
            first_ts: None,
            last_ts: None,
            packets: 0,
            bytes: 0,
            captured: 0,
            written: FILE_HEADER,
            drops_at_open: self.drops,
        });
        Ok(())
    }

    /// Writes one frame, rotating first when a limit says so.
    pub fn write(&mut self, ts_ns: i64, orig_len: u32, data: &[u8]) -> io::Result<()> {
        if self.needs_rotation(now_ns(), data.len() as u64) {
            self.close()?;
        }
        if self.current.is_none() {
            self.open(ts_ns)?;
        }
        let Some(cur) = self.current.as_mut() else {
            return Ok(());
        };
        let packet = PcapPacket::new(Duration::from_nanos(ts_ns.max(0) as u64), orig_len, data);
        cur.writer.write_packet(&packet).map_err(|e| {
            let (kind, why) = match e {
                pcap_file::PcapError::IoError(io) => (io.kind(), io.to_string()),
                other => (io::ErrorKind::Other, other.to_string()),
            };
            io::Error::new(kind, format!("writing {}: {why}", cur.part.display()))
        })?;
        cur.first_ts.get_or_insert(ts_ns);
        cur.last_ts = Some(ts_ns);
        cur.packets += 1;
        cur.bytes += u64::from(orig_len);
        cur.captured += data.len() as u64;
        cur.written += RECORD_HEADER + data.len() as u64;
        Ok(())
    }

    /// Whether the current file must be closed before a frame of `next_len` bytes at wall-clock
    /// time `now` (time rotation also happens without frames: call [`Self::tick`]).
    fn needs_rotation(&self, now: i64, next_len: u64) -> bool {
        let Some(cur) = &self.current else {
            return false;
        };
        if cur.packets == 0 {
            return false;
        }
        let r = &self.rotation;
        r.max_packets.is_some_and(|n| cur.packets >= n)
            || r.max_bytes
                .is_some_and(|n| cur.written + RECORD_HEADER + next_len > n)
            || cur.boundary_ns.is_some_and(|b| now >= b)
    }

    /// The temporary name of the record of the file `name`.
    fn record_tmp(&self, name: &str) -> PathBuf {
        self.dir.join(format!(".{name}.json.tmp"))
    }

    /// Closes the current file when its time is up even if no frame arrives.
    pub fn tick(&mut self) -> io::Result<()> {
        let due = self
            .current
            .as_ref()
            .and_then(|c| c.boundary_ns)
            .is_some_and(|b| now_ns() >= b);
        if due {
            self.close()?;
        }
        Ok(())
    }

    /// Flushes, syncs and renames the current file, writes its record, applies the ring.
    pub fn close(&mut self) -> io::Result<Option<PathBuf>> {
        let Some(cur) = self.current.take() else {
            return Ok(None);
        };
        let mut cur = cur;
        let file = match cur.writer.into_writer().finish() {
            Ok(file) => file,
            Err(Unfinished::Compressed(e)) => {
                // A compressed frame cannot be cut short and stay valid: the file stays as the
                // `.part` it is, readable up to where it ends.
                let _ = fs::remove_file(self.record_tmp(&cur.name));
                return Err(io::Error::new(
                    e.kind(),
                    format!("finishing {}: {e}", cur.part.display()),
                ));
            }
            Err(Unfinished::Plain(file)) => {
                // A full disk, most likely: what is on disk ends inside a record, perhaps inside
                // the file header. Cut it after its last whole record, so that it is a valid
                // capture of the frames it holds, and describe those.
                let kept = match cut_after_last_record(&file, &cur.part) {
                    Ok(kept) => kept,
                    Err(e) => {
                        let _ = fs::remove_file(&cur.part);
                        let _ = fs::remove_file(self.record_tmp(&cur.name));
                        return Err(e);
                    }
                };
                cur.packets = kept.packets;
                cur.bytes = kept.bytes;
                cur.captured = kept.captured;
                cur.last_ts = kept.last_ts.or(cur.first_ts);
                if kept.packets == 0 {
                    cur.first_ts = None;
                    cur.last_ts = None;
                }
                file
            }
        };
        file.sync_all()?;
        drop(file);
        let done = self.dir.join(&cur.name);
        fs::rename(&cur.part, &done)?;
        let record = FileRecord {
            file: cur.name.clone(),
            sequence: cur.sequence,
            info: self.info.clone(),
            opened: rfc3339_ns(cur.opened_ns),
            closed: rfc3339_ns(now_ns()),
            first_packet: cur.first_ts.map(rfc3339_ns),
            last_packet: cur.last_ts.map(rfc3339_ns),
            packets: cur.packets,
            captured_bytes: cur.captured,
            bytes: cur.bytes,
            drops: Drops {
                received: self.drops.received - cur.drops_at_open.received.min(self.drops.received),
                dropped_by_kernel: self.drops.dropped_by_kernel
                    - cur
                        .drops_at_open
                        .dropped_by_kernel
                        .min(self.drops.dropped_by_kernel),
                dropped_by_interface: self.drops.dropped_by_interface
                    - cur
                        .drops_at_open
                        .dropped_by_interface
                        .min(self.drops.dropped_by_interface),
            },
            compression: self.compression,
        };
        let json = serde_json::to_vec_pretty(&record).map_err(io::Error::other)?;
        let meta = record_path(&done);
        let tmp = self.record_tmp(&cur.name);
        write_in_place(&tmp, &[json.as_slice(), b"\n"].concat())?;
        fs::rename(&tmp, &meta)?;
        self.closed.push(done.clone());
        self.closed_this_run.push(done.clone());
        if let Some(keep) = self.rotation.ring {
            while self.closed.len() > keep.max(1) {
                let old = self.closed.remove(0);
                let _ = fs::remove_file(&old);
                let _ = fs::remove_file(record_path(&old));
            }
        }
        Ok(Some(done))
    }
}

/// Bytes set aside for a file's record when the file is opened; a record is well under it.
const RECORD_ROOM: usize = 8192;

/// Writes `bytes` over the file at `path` without asking for more room than it holds.
fn write_in_place(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = fs::OpenOptions::new().write(true).open(path)?;
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)?;
    file.sync_all()
}

/// The frames a file cut short holds, counted by [`cut_after_last_record`].
#[derive(Debug, Default, PartialEq, Eq)]
struct Kept {
    packets: u64,
    bytes: u64,
    captured: u64,
    last_ts: Option<i64>,
}

/// Cuts the pcap file `file` (at `path`) after its last whole record; returns the frames it
/// keeps. The project's own reader finds them: it stops at the record cut short.
fn cut_after_last_record(file: &File, path: &Path) -> io::Result<Kept> {
    let named =
        |kind: io::ErrorKind, e: String| io::Error::new(kind, format!("{}: {e}", path.display()));
    let mut reader = crate::read::CaptureReader::open(path).map_err(|e| {
        // Not even the file header made it.
        let why = format!("the disk filled before the file header was written ({e})");
        named(io::ErrorKind::StorageFull, why)
    })?;
    let mut kept = Kept::default();
    let mut batches = vec![Vec::new()];
    while reader.next_window(&mut batches, 1 << 16).is_some() {
        for r in &batches[0] {
            kept.packets += 1;
            kept.captured += u64::from(r.caplen);
            kept.bytes += u64::from(r.origlen);
            kept.last_ts = Some(r.ts_ns);
        }
    }
    let end = reader.error().map_or(reader.file_len(), |e| e.offset);
    drop(reader);
    file.set_len(end)
        .map_err(|e| named(e.kind(), e.to_string()))?;
    Ok(kept)
}

/// The record beside the capture file `file`: `NAME.json` for `NAME.pcap` and `NAME.pcap.zst`
/// alike.
pub fn record_path(file: &Path) -> PathBuf {
    let plain = match file.extension() {
        Some(ext) if ext == "zst" => file.with_extension(""),
        _ => file.to_path_buf(),
    };
    plain.with_extension("json")
}

fn existing_files(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with(&format!("{prefix}-"))
                    && (n.ends_with(".pcap") || n.ends_with(".pcap.zst"))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> CaptureInfo {
        CaptureInfo {
            interface: "test0".into(),
            filter: "udp".into(),
            snaplen: 65535,
            linktype: 1,
            nanosecond: false,
            hostname: "host".into(),
            tool_version: "0",
        }
    }

    fn pcaps(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .expect("dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".pcap"))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn rotates_by_packets_and_keeps_every_frame() {
        let dir = tempfile::tempdir().expect("dir");
        let rotation = Rotation {
            max_packets: Some(10),
            ..Rotation::default()
        };
        let mut w = RotatingWriter::new(&dir.path().join("t"), rotation, info()).expect("writer");
        for i in 0..35u32 {
            w.write(1_000_000_000 + i64::from(i) * 1000, 100, &[i as u8; 60])
                .expect("write");
        }
        w.close().expect("close");
        let files = pcaps(dir.path());
        assert_eq!(files.len(), 4, "{files:?}");
        assert!(files.iter().all(|f| f.starts_with("t-")));
        let mut total = 0;
        for f in &files {
            let meta: serde_json::Value = serde_json::from_str(
                &fs::read_to_string(dir.path().join(f).with_extension("json")).expect("meta"),
            )
            .expect("json");
            total += meta["packets"].as_u64().expect("packets");
            assert_eq!(meta["interface"], "test0");
        }
        assert_eq!(total, 35);
        assert!(fs::read_dir(dir.path()).expect("dir").all(|e| !e
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .ends_with(".part")));
    }

    #[test]
    fn rotates_by_size_and_the_ring_keeps_the_newest() {
        let dir = tempfile::tempdir().expect("dir");
        let rotation = Rotation {
            max_bytes: Some(24 + 3 * (16 + 100)),
            ring: Some(2),
            ..Rotation::default()
        };
        let mut w = RotatingWriter::new(&dir.path().join("r"), rotation, info()).expect("writer");
        for i in 0..20 {
            w.write(i, 100, &[0; 100]).expect("write");
        }
        w.close().expect("close");
        let files = pcaps(dir.path());
        assert_eq!(files.len(), 2, "{files:?}");
        assert!(files[1].ends_with("-000007.pcap"), "{files:?}");
        for f in files {
            let len = fs::metadata(dir.path().join(&f)).expect("meta").len();
            assert!(len <= 24 + 3 * 116, "{f}: {len}");
        }
    }

    #[test]
    fn rotates_by_time_even_without_frames_and_aligned_to_the_clock() {
        let dir = tempfile::tempdir().expect("dir");
        let rotation = Rotation {
            max_duration: Some(Duration::from_millis(80)),
            align_to_clock: true,
            ..Rotation::default()
        };
        let mut w = RotatingWriter::new(&dir.path().join("c"), rotation, info()).expect("writer");
        w.write(1, 60, &[0; 60]).expect("write");
        let boundary = w
            .current
            .as_ref()
            .and_then(|c| c.boundary_ns)
            .expect("a boundary");
        assert_eq!(
            boundary % 80_000_000,
            0,
            "aligned to a multiple of the period"
        );
        std::thread::sleep(Duration::from_millis(200));
        // No frame arrives, yet the file's time is up.
        w.tick().expect("tick");
        assert!(w.current.is_none());
        w.write(2, 60, &[0; 60]).expect("write");
        std::thread::sleep(Duration::from_millis(200));
        w.write(3, 60, &[0; 60]).expect("write");
        w.close().expect("close");
        assert_eq!(pcaps(dir.path()).len(), 3);
    }

    /// Files in `dir` whose names end with `ext`, sorted.
    fn files_ending(dir: &Path, ext: &str) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .expect("dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(ext))
            .collect();
        v.sort();
        v
    }

    /// 35 frames of different sizes into `dir`, 10 to a file.
    fn write_frames(dir: &Path, compression: Option<Compression>, ring: Option<usize>) {
        let rotation = Rotation {
            max_packets: Some(10),
            ring,
            ..Rotation::default()
        };
        let mut w = RotatingWriter::new(&dir.join("z"), rotation, info()).expect("writer");
        w.set_compression(compression).expect("zstd");
        for i in 0..35u32 {
            let frame: Vec<u8> = (0..60 + i * 7).map(|b| (b * 31 + i) as u8).collect();
            w.write(1_000_000_000 + i64::from(i) * 1000, 2000, &frame)
                .expect("write");
        }
        w.close().expect("close");
    }

    #[test]
    fn zstd_files_decode_to_the_plain_files_and_keep_the_rename_rule() {
        let (plain, packed) = (
            tempfile::tempdir().expect("dir"),
            tempfile::tempdir().expect("dir"),
        );
        write_frames(plain.path(), None, None);
        write_frames(packed.path(), Some(Compression::Zstd), None);
        let plain_files = files_ending(plain.path(), ".pcap");
        let packed_files = files_ending(packed.path(), ".pcap.zst");
        assert_eq!(plain_files.len(), 4, "{plain_files:?}");
        assert_eq!(
            packed_files,
            plain_files
                .iter()
                .map(|f| format!("{f}.zst"))
                .collect::<Vec<_>>()
        );
        assert!(files_ending(packed.path(), ".pcap").is_empty());
        assert!(files_ending(packed.path(), ".part").is_empty());
        let mut frames = 0;
        for (p, z) in plain_files.iter().zip(&packed_files) {
            let raw = fs::read(packed.path().join(z)).expect("zst");
            assert_eq!(&raw[..4], &[0x28, 0xb5, 0x2f, 0xfd], "{z}: a zstd frame");
            let decoded = zstd::decode_all(raw.as_slice()).expect("decodes");
            assert!(
                decoded == fs::read(plain.path().join(p)).expect("pcap"),
                "{z} does not decode to {p}"
            );
            // Our reader takes it as the stream it is, with every frame.
            let mut reader =
                crate::read::CaptureReader::open(&packed.path().join(z)).expect("open");
            assert_eq!(reader.compression(), Some(Compression::Zstd));
            let mut batch = vec![Vec::new()];
            while reader.next_window(&mut batch, 100).is_some() {
                frames += batch[0].len();
            }
            assert_eq!(reader.error(), None);
            // The record is NAME.json, as a plain file's, naming the compressed file.
            let record = record_path(&packed.path().join(z));
            assert_eq!(record, packed.path().join(p).with_extension("json"));
            let meta: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(record).expect("record")).expect("json");
            assert_eq!(meta["file"], z.as_str());
            assert_eq!(meta["compression"], "zstd");
            let plain_meta =
                fs::read_to_string(plain.path().join(p).with_extension("json")).expect("record");
            assert!(!plain_meta.contains("compression"), "{plain_meta}");
        }
        assert_eq!(frames, 35);
    }

    #[test]
    fn a_zstd_ring_keeps_the_newest_and_counts_the_files_already_there() {
        let dir = tempfile::tempdir().expect("dir");
        write_frames(dir.path(), Some(Compression::Zstd), Some(3));
        assert_eq!(files_ending(dir.path(), ".pcap.zst").len(), 3);
        // A restart with the same ring: the earlier files count, the oldest go with their records.
        write_frames(dir.path(), Some(Compression::Zstd), Some(3));
        let files = files_ending(dir.path(), ".pcap.zst");
        assert_eq!(files.len(), 3, "{files:?}");
        assert_eq!(files_ending(dir.path(), ".json").len(), 3);
    }

    #[test]
    fn only_zstd_is_written() {
        let dir = tempfile::tempdir().expect("dir");
        let mut w = RotatingWriter::new(&dir.path().join("t"), Rotation::default(), info())
            .expect("writer");
        let err = w
            .set_compression(Some(Compression::Xz))
            .expect_err("xz is not written");
        assert!(err.to_string().contains("not xz"), "{err}");
    }

    #[test]
    fn a_missing_directory_is_a_clear_error() {
        let err = RotatingWriter::new(Path::new("/nonexistent/dir/t"), Rotation::default(), info())
            .err()
            .expect("error");
        assert!(err.to_string().contains("/nonexistent/dir"));
    }
}
