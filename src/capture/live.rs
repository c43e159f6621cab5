//! libpcap to the rotating writer. Capturing and writing run on separate threads joined by a
//! queue, so a slow disk never holds up the capture loop; libpcap's own buffer absorbs bursts.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::rotate::{CaptureInfo, Drops, RotatingWriter, Rotation};

/// When to stop by itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StopAfter {
    /// After this long.
    pub duration: Option<Duration>,
    /// After this many frames.
    pub packets: Option<u64>,
    /// After this many closed files.
    pub files: Option<u64>,
}

/// How to capture.
#[derive(Debug, Clone)]
pub struct CaptureOptions {
    /// Interface name (`any` on Linux for all).
    pub interface: String,
    /// BPF filter.
    pub filter: Option<String>,
    /// Snapshot length.
    pub snaplen: u32,
    /// Promiscuous mode.
    pub promiscuous: bool,
    /// libpcap buffer size in bytes.
    pub buffer_size: Option<u32>,
    /// Deliver frames as they arrive instead of in buffered batches.
    pub immediate: bool,
    /// Nanosecond timestamps.
    pub nanosecond: bool,
    /// `DIR/PREFIX` of the files.
    pub base: PathBuf,
    /// Rotation and ring.
    pub rotation: Rotation,
    /// Compress each file (`Some(Compression::Zstd)`: `….pcap.zst`).
    pub compression: Option<crate::read::Compression>,
    /// Stop conditions.
    pub stop_after: StopAfter,
}

/// Why a capture could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// Not allowed to capture.
    #[error("no permission to capture on {interface}: run as root, or give the binary the capabilities: sudo setcap cap_net_raw,cap_net_admin=eip {binary}")]
    Permission {
        /// The interface.
        interface: String,
        /// This program's path.
        binary: String,
    },
    /// The interface does not exist or cannot be opened.
    #[error(
        "cannot capture on {interface}: {why} (netanalyzer capture --list-interfaces lists them)"
    )]
    Interface {
        /// The interface.
        interface: String,
        /// libpcap's reason.
        why: String,
    },
    /// The BPF filter does not compile.
    #[error("bad capture filter '{filter}': {why}")]
    Filter {
        /// The filter.
        filter: String,
        /// libpcap's reason.
        why: String,
    },
    /// Writing the files failed; the files closed before it are complete and valid.
    #[error("writing capture files: {0}")]
    Write(#[from] std::io::Error),
    /// libpcap failed while capturing (the interface went away, for example).
    #[error("capture on {interface} failed: {why}")]
    Capture {
        /// The interface.
        interface: String,
        /// libpcap's reason.
        why: String,
    },
}

/// What a capture did.
#[derive(Debug, Clone, Default)]
pub struct CaptureSummary {
    /// Frames written to files.
    pub packets: u64,
    /// Files closed.
    pub files: Vec<PathBuf>,
    /// libpcap's counters at the end.
    pub drops: Drops,
}

/// Lists interfaces: (name, description).
pub fn list_interfaces() -> Result<Vec<(String, Option<String>)>, CaptureError> {
    pcap::Device::list()
        .map(|devs| devs.into_iter().map(|d| (d.name, d.desc)).collect())
        .map_err(|e| CaptureError::Interface {
            interface: "(list)".into(),
            why: e.to_string(),
        })
}

/// libpcap's kernel buffer when none is asked for: room for bursts while the loop sleeps.
const DEFAULT_BUFFER: u32 = 32 * 1024 * 1024;

enum Message {
    Frames(Vec<(i64, u32, Vec<u8>)>),
    Drops(Drops),
    Tick,
}

fn open_error(interface: &str, e: pcap::Error) -> CaptureError {
    let why = e.to_string();
    let lower = why.to_lowercase();
    if lower.contains("permission") || lower.contains("not permitted") {
        CaptureError::Permission {
            interface: interface.into(),
            binary: std::env::current_exe()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| "netanalyzer".into()),
        }
    } else {
        CaptureError::Interface {
            interface: interface.into(),
            why,
        }
    }
}

/// Captures until `stop` is set (SIGINT/SIGTERM) or a stop condition is met. `status` set means
/// "print the counters now" (SIGUSR1); `report` receives status lines.
pub fn run(
    opts: &CaptureOptions,
    stop: Arc<AtomicBool>,
    status: Arc<AtomicBool>,
    report: &mut dyn FnMut(&str),
) -> Result<CaptureSummary, CaptureError> {
    let iface = opts.interface.clone();
    let mut builder = pcap::Capture::from_device(iface.as_str())
        .map_err(|e| open_error(&iface, e))?
        .promisc(opts.promiscuous)
        .snaplen(opts.snaplen.min(i32::MAX as u32) as i32)
        .immediate_mode(opts.immediate)
        .timeout(100);
    if opts.nanosecond {
        builder = builder.precision(pcap::Precision::Nano);
    }
    let buffer = opts.buffer_size.unwrap_or(DEFAULT_BUFFER);
    builder = builder.buffer_size(buffer.min(i32::MAX as u32) as i32);
    // Non-blocking: libpcap's read timeout does not fire on Linux while no frame arrives, and
    // the loop must notice a stop signal at once.
    let mut cap = builder
        .open()
        .and_then(|c| c.setnonblock())
        .map_err(|e| open_error(&iface, e))?;
    if let Some(filter) = &opts.filter {
        cap.filter(filter, true).map_err(|e| CaptureError::Filter {
            filter: filter.clone(),
            why: e.to_string(),
        })?;
    }
    let linktype = cap.get_datalink().0 as u16;
    let info = CaptureInfo {
        interface: iface.clone(),
        filter: opts.filter.clone().unwrap_or_default(),
        snaplen: opts.snaplen,
        linktype,
        nanosecond: opts.nanosecond,
        hostname: hostname(),
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    let mut writer = RotatingWriter::new(&opts.base, opts.rotation.clone(), info)?;
    writer.set_compression(opts.compression)?;

    let closed_files = Arc::new(AtomicU64::new(0));
    let (tx, rx) = sync_channel::<Message>(1024);
    let writer_thread = {
        let closed_files = Arc::clone(&closed_files);
        thread::Builder::new()
            .name("capture-writer".into())
            .spawn(move || write_loop(writer, rx, &closed_files))?
    };

    let started = Instant::now();
    let mut batch: Vec<(i64, u32, Vec<u8>)> = Vec::with_capacity(1024);
    let mut batch_bytes = 0usize;
    let mut last_flush = Instant::now();
    let mut last_stats = Instant::now();
    let mut packets = 0u64;
    let mut failure: Option<CaptureError> = None;
    let mut drops = Drops::default();
    let send = |tx: &SyncSender<Message>, m: Message| tx.send(m).is_ok();
    loop {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let limit_reached = opts.stop_after.packets.is_some_and(|n| packets >= n)
            || opts
                .stop_after
                .duration
                .is_some_and(|d| started.elapsed() >= d)
            || opts
                .stop_after
                .files
                .is_some_and(|n| closed_files.load(Ordering::Relaxed) >= n);
        if limit_reached {
            break;
        }
        match cap.next_packet() {
            Ok(p) => {
                let ts = p.header.ts;
                let frac = if opts.nanosecond { 1 } else { 1000 };
                // timeval fields are i64 here and narrower on some platforms.
                #[allow(clippy::useless_conversion)]
                let ts_ns = i64::from(ts.tv_sec) * 1_000_000_000 + i64::from(ts.tv_usec) * frac;
                batch_bytes += p.data.len();
                batch.push((ts_ns, p.header.len, p.data.to_vec()));
                packets += 1;
            }
            Err(pcap::Error::TimeoutExpired) => {
                // Nothing waiting: the kernel buffer keeps what arrives meanwhile.
                thread::sleep(Duration::from_millis(2));
            }
            Err(e) => {
                failure = Some(CaptureError::Capture {
                    interface: iface.clone(),
                    why: e.to_string(),
                });
                break;
            }
        }
        if batch.len() >= 1024
            || batch_bytes >= 1 << 20
            || last_flush.elapsed() >= Duration::from_millis(50)
        {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(1024));
            batch_bytes = 0;
            last_flush = Instant::now();
            if !send(&tx, Message::Frames(full)) || !send(&tx, Message::Tick) {
                break; // the writer failed; its error is collected below
            }
        }
        let want_status = status.swap(false, Ordering::Relaxed);
        if want_status || last_stats.elapsed() >= Duration::from_secs(1) {
            last_stats = Instant::now();
            if let Ok(s) = cap.stats() {
                drops = drops_of(&s);
                let _ = send(&tx, Message::Drops(drops));
            }
            if want_status {
                report(&format!(
                    "status: {packets} frames captured, {} files closed; libpcap: {} received, {} dropped by the kernel, {} by the interface",
                    closed_files.load(Ordering::Relaxed),
                    drops.received,
                    drops.dropped_by_kernel,
                    drops.dropped_by_interface
                ));
            }
        }
    }
    if let Ok(s) = cap.stats() {
        drops = drops_of(&s);
    }
    let _ = send(&tx, Message::Frames(batch));
    let _ = send(&tx, Message::Drops(drops));
    drop(tx);
    let written = writer_thread
        .join()
        .map_err(|_| std::io::Error::other("the writer thread panicked"))?;
    report(&format!(
        "captured {packets} frames; libpcap: {} received, {} dropped by the kernel, {} by the interface",
        drops.received, drops.dropped_by_kernel, drops.dropped_by_interface
    ));
    let files = written?;
    if let Some(e) = failure {
        return Err(e);
    }
    Ok(CaptureSummary {
        packets,
        files,
        drops,
    })
}

fn write_loop(
    mut writer: RotatingWriter,
    rx: Receiver<Message>,
    closed_files: &AtomicU64,
) -> Result<Vec<PathBuf>, std::io::Error> {
    let mut result = Ok(());
    for m in rx {
        let step = match m {
            Message::Frames(frames) => frames
                .into_iter()
                .try_for_each(|(ts, len, data)| writer.write(ts, len, &data)),
            Message::Drops(d) => {
                writer.set_drops(d);
                Ok(())
            }
            Message::Tick => writer.tick(),
        };
        if let Err(e) = step {
            result = Err(e);
            break;
        }
        closed_files.store(writer.closed_this_run().len() as u64, Ordering::Relaxed);
    }
    // Close what is open whatever happened: every frame received is in a complete file.
    let closed = writer.close();
    result?;
    closed?;
    Ok(writer.closed_this_run().to_vec())
}

fn drops_of(s: &pcap::Stat) -> Drops {
    Drops {
        received: u64::from(s.received),
        dropped_by_kernel: u64::from(s.dropped),
        dropped_by_interface: u64::from(s.if_dropped),
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}
