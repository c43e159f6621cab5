//! InfluxDB from the command line: `--influx`, `--influx-out` and `netanalyzer load`.

use std::path::Path;

use anyhow::Context as _;

use super::exit;
use crate::cli::{AnalyzeArgs, LoadArgs};
use crate::console;
use netanalyzer::sinks::influx::InfluxConfig;

/// Hands an analysis's points (and the per-frame points file, when written) to `--influx-out`
/// and `--influx`; whether everything reached the server (what did not is kept in
/// `OUT/influx-unsent.lp`).
pub fn deliver(
    args: &AnalyzeArgs,
    out_dir: &Path,
    lines: Vec<String>,
    packets: Option<&Path>,
) -> anyhow::Result<bool> {
    if let Some(out) = &args.influx_out {
        write_line_file(out, &lines, packets)?;
    }
    if !args.influx {
        return Ok(true);
    }
    let cfg = args.influx_args.config()?;
    let spool = out_dir.join("influx-unsent.lp");
    let mut ok = write(&cfg, lines, &spool, args.quiet)?;
    if let Some(file) = packets {
        ok &= load_file_in_chunks(&cfg, file, &spool, args.quiet)?;
    }
    Ok(ok)
}

/// Writes a line-protocol file to InfluxDB a chunk at a time (bounded memory).
pub fn load_file_in_chunks(
    cfg: &InfluxConfig,
    file: &Path,
    spool: &Path,
    quiet: bool,
) -> anyhow::Result<bool> {
    use std::io::BufRead as _;
    const CHUNK: usize = 200_000;
    let reader = std::io::BufReader::new(
        std::fs::File::open(file).with_context(|| format!("reading {}", file.display()))?,
    );
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut ok = true;
    let send = |chunk: Vec<String>, ok: &mut bool| -> anyhow::Result<()> {
        if *ok {
            *ok = write(cfg, chunk, spool, quiet)?;
        } else {
            // The server failed already: keep the rest for `load`, do not hammer it.
            netanalyzer::sinks::influx::spool_lines(spool, &chunk)?;
        }
        Ok(())
    };
    for line in reader.lines() {
        let line = line.with_context(|| format!("reading {}", file.display()))?;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        chunk.push(line);
        if chunk.len() == CHUNK {
            send(
                std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)),
                &mut ok,
            )?;
        }
    }
    if !chunk.is_empty() {
        send(chunk, &mut ok)?;
    }
    Ok(ok)
}

/// Writes `lines`, then the per-frame points file, to `out` (`-` for stdout).
pub fn write_line_file(out: &Path, lines: &[String], packets: Option<&Path>) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut w: Box<dyn std::io::Write> = if out == Path::new("-") {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(std::io::BufWriter::new(
            std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?,
        ))
    };
    for l in lines {
        writeln!(w, "{l}").with_context(|| format!("writing {}", out.display()))?;
    }
    if let Some(file) = packets {
        let mut f =
            std::fs::File::open(file).with_context(|| format!("reading {}", file.display()))?;
        std::io::copy(&mut f, &mut w).with_context(|| format!("writing {}", out.display()))?;
    }
    w.flush()
        .with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}

/// Writes `lines`; reports the outcome; whether everything was written.
pub fn write(
    cfg: &InfluxConfig,
    lines: Vec<String>,
    spool: &Path,
    quiet: bool,
) -> anyhow::Result<bool> {
    let bar = console::points_bar(lines.len() as u64, quiet);
    let progress = |n: u64| {
        if let Some(bar) = &bar {
            bar.inc(n);
        }
    };
    let result = netanalyzer::sinks::influx::write_lines(cfg, lines, spool, &progress);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match result {
        Ok(stats) => {
            if !quiet {
                eprintln!(
                    "netanalyzer: {} points loaded into {} ({} API, {} requests)",
                    stats.written,
                    cfg.url,
                    stats.api.unwrap_or("?"),
                    stats.requests
                );
            }
            Ok(true)
        }
        Err(e) => {
            eprintln!("netanalyzer: {e}");
            Ok(false)
        }
    }
}

/// `netanalyzer load`.
pub fn run_load(args: LoadArgs) -> anyhow::Result<u8> {
    if let Err(e) = std::fs::metadata(&args.file) {
        eprintln!("netanalyzer: {}: {e}", args.file.display());
        return Ok(exit::FATAL);
    }
    // What fails again is kept beside the file.
    let spool = args.file.with_extension("unsent.lp");
    let cfg = args.influx_args.config()?;
    let ok = load_file_in_chunks(&cfg, &args.file, &spool, args.quiet)?;
    Ok(if ok { exit::OK } else { exit::SINK })
}
