//! `netanalyzer capture`: libpcap into rotated files (feature `capture`).

use super::exit;
use crate::cli::CaptureArgs;
#[cfg(feature = "capture")]
use crate::cli::StopLimit;

/// `netanalyzer capture`.
#[cfg(not(feature = "capture"))]
pub fn run(_args: CaptureArgs) -> anyhow::Result<u8> {
    eprintln!(
        "netanalyzer: this build has no live capture; rebuild with: apt-get install libpcap-dev && cargo build --release --features capture"
    );
    Ok(exit::USAGE)
}

/// `netanalyzer capture`.
#[cfg(feature = "capture")]
pub fn run(args: CaptureArgs) -> anyhow::Result<u8> {
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    use anyhow::Context as _;
    use netanalyzer::capture::live::{self, CaptureError, CaptureOptions, StopAfter};
    use netanalyzer::capture::rotate::Rotation;

    if args.list_interfaces {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        for (name, desc) in live::list_interfaces()? {
            match desc {
                Some(d) => writeln!(out, "{name}\t{d}")?,
                None => writeln!(out, "{name}")?,
            }
        }
        out.flush()?;
        return Ok(exit::OK);
    }
    let (Some(interface), Some(base)) = (args.interface.clone(), args.write.clone()) else {
        eprintln!("netanalyzer: capture needs -i INTERFACE and -w DIR/PREFIX");
        return Ok(exit::USAGE);
    };
    let mut stop_after = StopAfter::default();
    for limit in &args.stop_after {
        match *limit {
            StopLimit::Packets(n) => stop_after.packets = Some(n),
            StopLimit::Files(n) => stop_after.files = Some(n),
            StopLimit::Duration(ns) => {
                stop_after.duration = Some(std::time::Duration::from_nanos(ns as u64))
            }
        }
    }
    let opts = CaptureOptions {
        interface,
        filter: args.filter.clone(),
        snaplen: args.snaplen,
        promiscuous: !args.no_promisc,
        buffer_size: args.buffer_size.map(|b| b.min(u64::from(u32::MAX)) as u32),
        immediate: args.immediate,
        nanosecond: args.nanosecond,
        base,
        rotation: Rotation {
            max_bytes: args.rotate_size,
            max_duration: args
                .rotate_time
                .map(|ns| std::time::Duration::from_nanos(ns as u64)),
            align_to_clock: args.rotate_align,
            max_packets: args.rotate_packets,
            ring: args.ring,
        },
        stop_after,
        compression: args.compress.map(|c| match c {
            crate::cli::CaptureCompression::Zstd => netanalyzer::read::Compression::Zstd,
        }),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let status = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(&stop))
            .context("installing signal handlers")?;
    }
    signal_hook::flag::register(signal_hook::consts::SIGUSR1, Arc::clone(&status))
        .context("installing signal handlers")?;
    let quiet = args.quiet;
    let mut report = |line: &str| {
        if !quiet {
            eprintln!("netanalyzer: {line}");
        }
    };
    match live::run(&opts, stop, status, &mut report) {
        Ok(summary) => {
            if !quiet {
                eprintln!(
                    "netanalyzer: {} frames in {} files",
                    summary.packets,
                    summary.files.len()
                );
            }
            Ok(exit::OK)
        }
        Err(e @ CaptureError::Filter { .. }) => {
            eprintln!("netanalyzer: {e}");
            Ok(exit::USAGE)
        }
        Err(e @ (CaptureError::Permission { .. } | CaptureError::Interface { .. })) => {
            eprintln!("netanalyzer: {e}");
            Ok(exit::FATAL)
        }
        Err(e) => {
            eprintln!("netanalyzer: {e}");
            Ok(exit::INPUT_ERRORS)
        }
    }
}
