//! What a person at a terminal sees: the progress bar and the short summary.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use netanalyzer::report::Summary;

/// Inputs smaller than this finish before a bar would be worth drawing.
const BAR_THRESHOLD: u64 = 4 * 1024 * 1024;

/// A byte-based progress bar on stderr, drawn only for large inputs on a terminal.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar sized to the inputs' total size on disk.
    pub fn new(inputs: &[PathBuf], quiet: bool) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let total = inputs.iter().map(|p| size_of(p)).sum::<u64>();
        if total < BAR_THRESHOLD {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        ) {
            bar.set_style(style);
        }
        Progress { bar: Some(bar) }
    }

    /// `n` more input bytes done.
    pub fn advance(&mut self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    /// Removes the bar.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// A bar of points written to InfluxDB, on a terminal only.
pub fn points_bar(total: u64, quiet: bool) -> Option<ProgressBar> {
    if quiet || total < 10_000 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {human_pos}/{human_len} points {per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

fn size_of(path: &Path) -> u64 {
    let Ok(meta) = std::fs::metadata(path) else {
        return 0;
    };
    if !meta.is_dir() {
        return meta.len();
    }
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| size_of(&e.path()))
                .sum()
        })
        .unwrap_or(0)
}

fn human_bytes(v: f64) -> String {
    const UNITS: [&str; 6] = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut v = v;
    let mut i = 0;
    while v >= 1000.0 && i + 1 < UNITS.len() {
        v /= 1000.0;
        i += 1;
    }
    if i == 0 {
        format!("{v:.0} {}", UNITS[i])
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}

fn human_bits(bits_per_s: f64) -> String {
    const UNITS: [&str; 5] = ["bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"];
    let mut v = bits_per_s;
    let mut i = 0;
    while v >= 1000.0 && i + 1 < UNITS.len() {
        v /= 1000.0;
        i += 1;
    }
    format!("{v:.1} {}", UNITS[i])
}

/// Writes the short human summary to `w` (stdout, or stderr when stdout carries data).
pub fn print_summary(
    w: &mut dyn Write,
    s: &Summary,
    out_dir: &Path,
    files_written: usize,
) -> io::Result<()> {
    writeln!(
        w,
        "{} packets, {} ({} captured), spanning {} of capture: {:.0} packets/s, {}",
        s.packets,
        human_bytes(s.bytes as f64),
        human_bytes(s.captured_bytes as f64),
        span(s.duration_s),
        s.packets_per_s,
        human_bits(s.bits_per_s)
    )?;
    if let (Some(a), Some(b)) = (&s.first_timestamp, &s.last_timestamp) {
        writeln!(w, "time span: {a} .. {b}")?;
    }
    let mut protos: Vec<_> = s.protocols.iter().filter(|(_, c)| c.frames > 0).collect();
    protos.sort_by_key(|p| std::cmp::Reverse(p.1.frames));
    let list: Vec<String> = protos
        .iter()
        .take(8)
        .map(|(name, c)| {
            format!(
                "{name} {:.1}%",
                c.frames as f64 * 100.0 / s.packets.max(1) as f64
            )
        })
        .collect();
    if !list.is_empty() {
        writeln!(w, "protocols: {}", list.join(", "))?;
    }
    for t in s.top_talkers.iter().take(5) {
        writeln!(
            w,
            "  talker {:<40} {:>10} packets {:>12}",
            t.address,
            t.packets,
            human_bytes(t.bytes as f64)
        )?;
    }
    writeln!(
        w,
        "flows: {} ({} TCP handshakes), conversations: {}",
        s.flows.total, s.tcp.handshakes, s.conversations_total
    )?;
    for d in &s.duplicate_files {
        writeln!(
            w,
            "note: {} holds the same packets as {} (both are counted)",
            d.path, d.same_as
        )?;
    }
    let damaged: Vec<_> = s.files.iter().filter(|f| !f.errors.is_empty()).collect();
    if !damaged.is_empty() {
        writeln!(
            w,
            "{} of {} files had errors:",
            damaged.len(),
            s.files.len()
        )?;
        for f in damaged {
            for e in &f.errors {
                writeln!(w, "  {}: {e}", f.path)?;
            }
        }
    }
    writeln!(
        w,
        "{files_written} reports written to {}",
        out_dir.display()
    )?;
    w.flush()
}

/// A capture's time span: `11.712 s`, `3 min 20.5 s`, `2 h 5 min`.
fn span(seconds: f64) -> String {
    if seconds < 60.0 {
        format!("{seconds:.3} s")
    } else if seconds < 3600.0 {
        format!("{} min {:.1} s", (seconds / 60.0) as u64, seconds % 60.0)
    } else {
        let minutes = (seconds / 60.0) as u64;
        format!("{} h {} min", minutes / 60, minutes % 60)
    }
}
