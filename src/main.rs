//! The `netanalyzer` binary: parses the command line, runs a mode, maps the outcome to an exit
//! code. Everything else lives in the library.

mod cli;
mod console;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use clap::Parser;

use cli::{
    AnalyzeArgs, CaptureArgs, Cli, Command, CompareArgs, GenerateArgs, InfluxArgs, LoadArgs,
};
use netanalyzer::analyze::{self, Options};
use netanalyzer::report::{self, Output, Report};

/// Every input read whole.
const EXIT_OK: u8 = 0;
/// Some input was damaged or unreadable; the reports cover the rest.
const EXIT_INPUT_ERRORS: u8 = 1;
/// `compare`: a threshold was crossed.
const EXIT_THRESHOLD: u8 = 1;
/// Usage error (clap's own code for bad flags).
const EXIT_USAGE: u8 = 2;
/// Nothing analyzed, or the reports could not be written.
const EXIT_FATAL: u8 = 3;
/// The results could not all be loaded into InfluxDB (the rest is kept in a file).
const EXIT_SINK: u8 = 4;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        // The reader of our output went away (`| head`): a normal end, as in ripgrep.
        Err(e) if is_broken_pipe(&e) => ExitCode::from(EXIT_OK),
        Err(e) => {
            eprintln!("netanalyzer: error: {e:#}");
            ExitCode::from(EXIT_FATAL)
        }
    }
}

/// Whether `e` comes from writing into a pipe whose reader has closed it.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Analyze(args) => run_analyze(args),
        Command::Capture(args) => run_capture(args),
        Command::Compare(args) => run_compare(args),
        Command::Load(args) => run_load(args),
        Command::Generate(args) => run_generate(args),
    }
}

fn run_analyze(args: AnalyzeArgs) -> anyhow::Result<u8> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .context("starting worker threads")?;
    }
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&args.inputs[0]));
    let opts = Options {
        interval_top: if args.influx || args.influx_out.is_some() {
            args.top
        } else {
            0
        },
        interval_ns: args.interval,
        limits: analyze::Limits {
            max_flows: args.max_flows,
            max_conversations: args.max_conversations.max(1),
            ..Default::default()
        },
        // Next to the reports: the system's temporary folder may be memory.
        spill_dir: Some(out_dir.clone()),
        ..Options::default()
    };
    let outputs: Vec<Output> = args
        .format
        .iter()
        .map(|f| match f {
            cli::Format::Json => Output::Json,
            cli::Format::Csv => Output::Csv,
            cli::Format::Html => Output::Html,
        })
        .collect();

    // A run killed mid-way (SIGKILL, power loss) cannot remove its spilled flows itself.
    netanalyzer::analyze::archive::remove_stale(&out_dir);
    if args.follow {
        return run_follow(&args, &out_dir, opts, &outputs);
    }
    let want_flows_parquet = args.parquet.contains(&cli::ParquetTable::Flows);
    let want_packets_parquet = args.parquet.contains(&cli::ParquetTable::Packets);
    if !args.parquet.is_empty() && !cfg!(feature = "parquet") {
        eprintln!(
            "netanalyzer: this build has no Parquet support; rebuild with --features parquet"
        );
        return Ok(EXIT_USAGE);
    }
    let started = std::time::Instant::now();
    let mut progress = console::Progress::new(&args.inputs, args.quiet);
    let mut packets_parquet = if want_packets_parquet {
        std::fs::create_dir_all(&out_dir)
            .with_context(|| format!("creating {}", out_dir.display()))?;
        Some(parquet_sink::PacketsSink::create(&out_dir)?)
    } else {
        None
    };
    let capture_name = args.capture_name.clone().unwrap_or_else(|| {
        default_out_dir(&args.inputs[0])
            .file_name()
            .map_or("capture".into(), |n| n.to_string_lossy().into_owned())
    });
    let want_influx = args.influx || args.influx_out.is_some();
    let precision = if want_influx {
        influx_config(&args.influx_args)?.precision
    } else {
        netanalyzer::sinks::line::Precision::Nanoseconds
    };
    // Per-frame points are streamed to a file during the analysis, never held in memory; its
    // folder is removed however the run ends (or by the next run, if this one was killed).
    let packet_dir = if args.influx_packets && want_influx {
        if !args.quiet {
            eprintln!("netanalyzer: --influx-packets writes one point per frame: this can be a lot of data");
        }
        Some(
            netanalyzer::analyze::archive::spill_dir(Some(&out_dir))
                .with_context(|| format!("creating a temporary folder in {}", out_dir.display()))?,
        )
    } else {
        None
    };
    let packet_points = packet_dir
        .as_ref()
        .map_or_else(PathBuf::new, |d| d.path().join("capture-packets.lp"));
    let mut packet_file = match &packet_dir {
        Some(_) => Some(std::io::BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(&packet_points)
                .with_context(|| format!("creating {}", packet_points.display()))?,
        )),
        None => None,
    };
    let mut packet_error: Option<std::io::Error> = None;
    let mut seq = 0u64;
    let analysis = if packets_parquet.is_some() || packet_file.is_some() {
        let mut rows = |cols: analyze::PacketColumns| {
            if let Some(w) = packet_file.as_mut() {
                if packet_error.is_none() {
                    if let Err(e) = netanalyzer::sinks::line::packet_lines(
                        &cols,
                        seq,
                        &capture_name,
                        precision,
                        w,
                    ) {
                        packet_error = Some(e);
                    }
                }
                seq += cols.ts.len() as u64;
            }
            if let Some(sink) = packets_parquet.as_mut() {
                sink.write(cols);
            }
        };
        analyze::analyze_paths_with(
            &args.inputs,
            &opts,
            &mut |n| progress.advance(n),
            Some(&mut rows),
        )
    } else {
        analyze::analyze_paths(&args.inputs, &opts, &mut |n| progress.advance(n))
    };
    if let Some(e) = packet_error {
        return Err(e).with_context(|| format!("writing {}", packet_points.display()));
    }
    if let Some(mut w) = packet_file.take() {
        std::io::Write::flush(&mut w)
            .with_context(|| format!("writing {}", packet_points.display()))?;
    }
    progress.finish();

    for f in &analysis.files {
        if let Some(e) = &f.error {
            eprintln!("netanalyzer: {}: {e}", f.path.display());
        }
    }
    for (path, why) in &analysis.skipped {
        eprintln!("netanalyzer: skipped {}: {why}", path.display());
    }
    if analysis.files.is_empty() {
        bail!("no capture files found in the inputs");
    }
    if !analysis.files.iter().any(|f| f.format.is_some()) {
        // Empty reports would only hide the failure (and overwrite an earlier report).
        eprintln!("netanalyzer: nothing could be read: no reports written");
        return Ok(EXIT_FATAL);
    }

    let analyzed = started.elapsed();
    if let Some(e) = &analysis.total.spill_error {
        eprintln!("netanalyzer: {e}");
    }
    let report = Report::build(&analysis, args.top)
        .context("reading back the flows and address pairs written to disk")?;
    let built = started.elapsed();
    let mut written = report::write_all(&out_dir, &outputs, &analysis, &report, args.top)
        .with_context(|| format!("writing reports to {}", out_dir.display()))?;
    if want_flows_parquet {
        written.push(parquet_sink::write_flows(&out_dir, &report)?);
    }
    if let Some(sink) = packets_parquet {
        written.push(sink.finish()?);
    }
    if args.timings {
        let done = started.elapsed();
        eprintln!(
            "timings: analyze {:.3} s, build report {:.3} s, write {:.3} s, total {:.3} s ({:.2} M packets/s)",
            analyzed.as_secs_f64(),
            (built - analyzed).as_secs_f64(),
            (done - built).as_secs_f64(),
            done.as_secs_f64(),
            analysis.total.packets as f64 / done.as_secs_f64() / 1e6
        );
    }
    if !args.quiet {
        // Data on stdout (`--influx-out -`) keeps stdout for itself, as `tcpdump -w -` does.
        let data_on_stdout = args.influx_out.as_deref() == Some(Path::new("-"));
        let result = if data_on_stdout {
            console::print_summary(
                &mut std::io::stderr().lock(),
                &report.summary,
                &out_dir,
                written.len(),
            )
        } else {
            console::print_summary(
                &mut std::io::stdout().lock(),
                &report.summary,
                &out_dir,
                written.len(),
            )
        };
        result.context("writing the summary")?;
    }
    let mut sink_failed = false;
    if want_influx {
        let lines = netanalyzer::sinks::line::lines(&analysis, &report, &capture_name, precision);
        let packets = args.influx_packets.then_some(packet_points.as_path());
        if let Some(out) = &args.influx_out {
            write_line_file(out, &lines, packets)?;
        }
        if args.influx {
            let spool = out_dir.join("influx-unsent.lp");
            sink_failed = !influx_write(&args.influx_args, lines, &spool, args.quiet)?;
            if let Some(file) = packets {
                sink_failed |= !load_file_in_chunks(&args.influx_args, file, &spool, args.quiet)?;
            }
        }
    }
    drop(packet_dir);
    Ok(if sink_failed {
        EXIT_SINK
    } else if analysis.has_errors() {
        EXIT_INPUT_ERRORS
    } else {
        EXIT_OK
    })
}

/// Parquet output, or a stand-in that is never constructed in builds without the feature.
mod parquet_sink {
    use std::path::{Path, PathBuf};

    use anyhow::Context as _;
    use netanalyzer::analyze::PacketColumns;
    use netanalyzer::report::Report;

    /// `packets.parquet`, written batch by batch during the analysis.
    pub struct PacketsSink {
        #[cfg(feature = "parquet")]
        writer: Option<netanalyzer::report::parquet::PacketsWriter>,
        tmp: PathBuf,
        path: PathBuf,
        error: Option<std::io::Error>,
    }

    impl PacketsSink {
        pub fn create(dir: &Path) -> anyhow::Result<PacketsSink> {
            let tmp = dir.join(".packets.parquet.tmp");
            let path = dir.join("packets.parquet");
            #[cfg(feature = "parquet")]
            let writer = Some(
                netanalyzer::report::parquet::PacketsWriter::create(&tmp)
                    .with_context(|| format!("creating {}", tmp.display()))?,
            );
            Ok(PacketsSink {
                #[cfg(feature = "parquet")]
                writer,
                tmp,
                path,
                error: None,
            })
        }

        /// Appends a batch; the first error stops writing and is reported by `finish`.
        pub fn write(&mut self, cols: PacketColumns) {
            #[cfg(feature = "parquet")]
            if let (Some(w), None) = (self.writer.as_mut(), &self.error) {
                if let Err(e) = w.write(&cols) {
                    self.error = Some(e);
                }
            }
            let _ = cols;
        }

        pub fn finish(self) -> anyhow::Result<PathBuf> {
            if let Some(e) = self.error {
                let _ = std::fs::remove_file(&self.tmp);
                return Err(e).with_context(|| format!("writing {}", self.path.display()));
            }
            #[cfg(feature = "parquet")]
            if let Some(w) = self.writer {
                w.finish()
                    .with_context(|| format!("writing {}", self.path.display()))?;
            }
            std::fs::rename(&self.tmp, &self.path)
                .with_context(|| format!("writing {}", self.path.display()))?;
            Ok(self.path)
        }
    }

    /// Writes `flows.parquet` in `dir`.
    pub fn write_flows(dir: &Path, report: &Report) -> anyhow::Result<PathBuf> {
        let path = dir.join("flows.parquet");
        #[cfg(feature = "parquet")]
        {
            let tmp = dir.join(".flows.parquet.tmp");
            netanalyzer::report::parquet::write_flows(&tmp, report)
                .and_then(|()| std::fs::rename(&tmp, &path))
                .with_context(|| format!("writing {}", path.display()))?;
        }
        let _ = report;
        Ok(path)
    }
}

/// Stop flags set by SIGINT/SIGTERM.
fn stop_on_signals() -> anyhow::Result<std::sync::Arc<std::sync::atomic::AtomicBool>> {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, std::sync::Arc::clone(&stop))
            .context("installing signal handlers")?;
    }
    Ok(stop)
}

fn run_follow(
    args: &AnalyzeArgs,
    out_dir: &Path,
    opts: Options,
    outputs: &[Output],
) -> anyhow::Result<u8> {
    use std::sync::atomic::Ordering;
    let [dir] = args.inputs.as_slice() else {
        eprintln!("netanalyzer: --follow takes exactly one folder");
        return Ok(EXIT_USAGE);
    };
    if !dir.is_dir() {
        eprintln!("netanalyzer: --follow: {} is not a folder", dir.display());
        return Ok(EXIT_USAGE);
    }
    let stop = stop_on_signals()?;
    let mut follower = netanalyzer::follow::Follower::new(dir, out_dir, opts)
        .with_context(|| format!("following {}", dir.display()))?;
    let poll = std::time::Duration::from_nanos(args.poll.max(1) as u64);
    let mut reported_errors = 0;
    let mut first = true;
    while !stop.load(Ordering::Relaxed) {
        let new = follower
            .poll()
            .with_context(|| format!("reading {}", dir.display()))?;
        if new > 0 || first {
            first = false;
            let analysis = follower.analysis();
            for f in analysis.files.iter().skip(reported_errors) {
                if let Some(e) = &f.error {
                    eprintln!("netanalyzer: {}: {e}", f.path.display());
                }
            }
            reported_errors = analysis.files.len();
            let report = Report::build(analysis, args.top)
                .context("reading back what was written to disk")?;
            report::write_all(out_dir, outputs, analysis, &report, args.top)
                .with_context(|| format!("writing reports to {}", out_dir.display()))?;
            if !args.quiet && new > 0 {
                eprintln!(
                    "netanalyzer: {} files, {} packets so far",
                    follower.done().len(),
                    analysis.total.packets
                );
            }
        }
        // Sleep in small steps so a stop signal is noticed at once.
        let until = std::time::Instant::now() + poll;
        while std::time::Instant::now() < until && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(std::time::Duration::from_millis(50).min(poll));
        }
    }
    Ok(if follower.analysis().has_errors() {
        EXIT_INPUT_ERRORS
    } else {
        EXIT_OK
    })
}

/// `reports/<first input's name without capture extensions>`.
fn default_out_dir(first: &Path) -> PathBuf {
    let name = first
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("capture");
    let mut stem = name;
    for ext in [".gz", ".pcapng", ".pcap", ".cap"] {
        stem = stem.strip_suffix(ext).unwrap_or(stem);
    }
    let stem = if stem.is_empty() || stem == "." || stem == ".." {
        "capture"
    } else {
        stem
    };
    PathBuf::from("reports").join(stem)
}

#[cfg(not(feature = "capture"))]
fn run_capture(_args: CaptureArgs) -> anyhow::Result<u8> {
    eprintln!(
        "netanalyzer: this build has no live capture; rebuild with: apt-get install libpcap-dev && cargo build --release --features capture"
    );
    Ok(EXIT_USAGE)
}

#[cfg(feature = "capture")]
fn run_capture(args: CaptureArgs) -> anyhow::Result<u8> {
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    use netanalyzer::capture::live::{self, CaptureError, CaptureOptions, StopAfter};
    use netanalyzer::capture::rotate::Rotation;

    if args.list_interfaces {
        for (name, desc) in live::list_interfaces()? {
            match desc {
                Some(d) => println!("{name}\t{d}"),
                None => println!("{name}"),
            }
        }
        return Ok(EXIT_OK);
    }
    let (Some(interface), Some(base)) = (args.interface.clone(), args.write.clone()) else {
        eprintln!("netanalyzer: capture needs -i INTERFACE and -w DIR/PREFIX");
        return Ok(EXIT_USAGE);
    };
    let mut stop_after = StopAfter::default();
    for limit in &args.stop_after {
        if let Some(n) = limit.strip_suffix("packets") {
            stop_after.packets = Some(n.trim().parse().context("--stop-after NNNpackets")?);
        } else if let Some(n) = limit.strip_suffix("files") {
            stop_after.files = Some(n.trim().parse().context("--stop-after NNNfiles")?);
        } else {
            match cli::parse_duration_ns(limit) {
                Ok(ns) => stop_after.duration = Some(std::time::Duration::from_nanos(ns as u64)),
                Err(e) => {
                    eprintln!("netanalyzer: --stop-after: {e}; or NNNpackets, NNNfiles");
                    return Ok(EXIT_USAGE);
                }
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
            Ok(EXIT_OK)
        }
        Err(e @ CaptureError::Filter { .. }) => {
            eprintln!("netanalyzer: {e}");
            Ok(EXIT_USAGE)
        }
        Err(e @ (CaptureError::Permission { .. } | CaptureError::Interface { .. })) => {
            eprintln!("netanalyzer: {e}");
            Ok(EXIT_FATAL)
        }
        Err(e) => {
            eprintln!("netanalyzer: {e}");
            Ok(EXIT_INPUT_ERRORS)
        }
    }
}

/// Writes a line-protocol file to InfluxDB a chunk at a time (bounded memory).
fn load_file_in_chunks(
    args: &InfluxArgs,
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
    for line in reader.lines() {
        let line = line.with_context(|| format!("reading {}", file.display()))?;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        chunk.push(line);
        if chunk.len() == CHUNK {
            if ok {
                ok = influx_write(args, std::mem::take(&mut chunk), spool, quiet)?;
            } else {
                // The server failed already: keep the rest for `load`, do not hammer it.
                netanalyzer::sinks::influx::spool_lines(spool, &chunk)?;
                chunk.clear();
            }
        }
    }
    if !chunk.is_empty() {
        if ok {
            ok = influx_write(args, chunk, spool, quiet)?;
        } else {
            netanalyzer::sinks::influx::spool_lines(spool, &chunk)?;
        }
    }
    Ok(ok)
}

fn write_line_file(out: &Path, lines: &[String], packets: Option<&Path>) -> anyhow::Result<()> {
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

/// The InfluxDB settings: flags, then the environment, then ./.env, then `--config`.
fn influx_config(args: &InfluxArgs) -> anyhow::Result<netanalyzer::sinks::influx::InfluxConfig> {
    use netanalyzer::sinks::influx::{settings_from_env, Api, InfluxConfig};
    use netanalyzer::sinks::line::Precision;
    let mut env = settings_from_env(Path::new(".env"));
    if let Some(file) = &args.config {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let table: toml::Table =
            toml::from_str(&text).with_context(|| format!("parsing {}", file.display()))?;
        if let Some(influx) = table.get("influx").and_then(|v| v.as_table()) {
            for (k, v) in influx {
                let value = match v {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Integer(i) => i.to_string(),
                    toml::Value::Float(f) => f.to_string(),
                    toml::Value::Boolean(b) => b.to_string(),
                    _ => continue,
                };
                env.entry(format!("INFLUX_{}", k.to_ascii_uppercase()))
                    .or_insert(value);
            }
        }
    }
    let pick = |flag: &Option<String>, key: &str| flag.clone().or_else(|| env.get(key).cloned());
    let precision = match pick(&args.influx_precision, "INFLUX_PRECISION") {
        Some(p) => Precision::parse(&p)
            .with_context(|| format!("precision '{p}': expected ns, us, ms or s"))?,
        None => Precision::Nanoseconds,
    };
    let api = match pick(&args.influx_api, "INFLUX_API").as_deref() {
        Some("v1") => Some(Api::V1),
        Some("v2") => Some(Api::V2),
        _ => None,
    };
    Ok(InfluxConfig {
        url: pick(&args.influx_url, "INFLUX_URL").unwrap_or_default(),
        api,
        token: pick(&args.influx_token, "INFLUX_TOKEN"),
        org: pick(&args.influx_org, "INFLUX_ORG"),
        bucket: pick(&args.influx_bucket, "INFLUX_BUCKET"),
        db: pick(&args.influx_db, "INFLUX_DB"),
        rp: pick(&args.influx_rp, "INFLUX_RP"),
        user: pick(&args.influx_user, "INFLUX_USER"),
        password: pick(&args.influx_password, "INFLUX_PASSWORD"),
        batch_lines: args.influx_batch.max(1),
        concurrency: args.influx_concurrency.max(1),
        attempts: 5,
        backoff: std::time::Duration::from_millis(200),
        timeout: std::time::Duration::from_secs(30),
        precision,
    })
}

/// Writes `lines`; reports the outcome; whether everything was written.
fn influx_write(
    args: &InfluxArgs,
    lines: Vec<String>,
    spool: &Path,
    quiet: bool,
) -> anyhow::Result<bool> {
    let cfg = influx_config(args)?;
    let bar = console::points_bar(lines.len() as u64, quiet);
    let progress = |n: u64| {
        if let Some(bar) = &bar {
            bar.inc(n);
        }
    };
    let result = netanalyzer::sinks::influx::write_lines(&cfg, lines, spool, &progress);
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

fn run_load(args: LoadArgs) -> anyhow::Result<u8> {
    if let Err(e) = std::fs::metadata(&args.file) {
        eprintln!("netanalyzer: {}: {e}", args.file.display());
        return Ok(EXIT_FATAL);
    }
    // What fails again is kept beside the file.
    let spool = args.file.with_extension("unsent.lp");
    let ok = load_file_in_chunks(&args.influx_args, &args.file, &spool, args.quiet)?;
    Ok(if ok { EXIT_OK } else { EXIT_SINK })
}

fn run_compare(args: CompareArgs) -> anyhow::Result<u8> {
    use netanalyzer::compare::{self, CompareError, Event, Thresholds};
    let mut thresholds = Thresholds::default();
    let parsed = (|| -> Result<(), CompareError> {
        if let Some(file) = &args.thresholds {
            thresholds.add_file(file)?;
        }
        for spec in &args.max_change {
            thresholds.add_max_change(spec)?;
        }
        for event in &args.fail_on {
            thresholds.fail_on.insert(Event::parse(event)?);
        }
        Ok(())
    })();
    match parsed {
        Err(e @ CompareError::BadThreshold(..)) => {
            eprintln!("netanalyzer: {e}");
            return Ok(EXIT_USAGE);
        }
        Err(e) => {
            eprintln!("netanalyzer: {e}");
            return Ok(EXIT_FATAL);
        }
        Ok(()) => {}
    }
    let sides = compare::load(&args.baseline).and_then(|b| Ok((b, compare::load(&args.current)?)));
    let (baseline, current) = match sides {
        Ok(s) => s,
        Err(e) => {
            eprintln!("netanalyzer: {e}");
            return Ok(EXIT_FATAL);
        }
    };
    if let Err(e) = thresholds.check_names(&[&baseline, &current]) {
        eprintln!("netanalyzer: {e}");
        return Ok(EXIT_USAGE);
    }
    let result = compare::compare(
        &args.baseline,
        &baseline,
        &args.current,
        &current,
        &thresholds,
    );
    let text = result.text();
    let mut stdout = std::io::stdout().lock();
    let printed = if args.quiet {
        text.lines()
            .filter(|l| l.starts_with("FAIL"))
            .try_for_each(|line| writeln!(stdout, "{line}"))
    } else {
        write!(stdout, "{text}")
    };
    printed
        .and_then(|()| stdout.flush())
        .context("writing the comparison")?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.current.join("compare.json"));
    let json = serde_json::to_string_pretty(&result).context("encoding compare.json")?;
    std::fs::write(&out, json + "\n").with_context(|| format!("writing {}", out.display()))?;
    if let Some(junit) = &args.junit {
        std::fs::write(junit, result.junit())
            .with_context(|| format!("writing {}", junit.display()))?;
    }
    Ok(if result.passed {
        EXIT_OK
    } else {
        EXIT_THRESHOLD
    })
}

fn run_generate(args: GenerateArgs) -> anyhow::Result<u8> {
    match args.bench {
        Some(packets) => {
            netanalyzer::samples::write_bench(&args.out, packets, args.seed)
                .with_context(|| format!("writing {}", args.out.display()))?;
            println!("wrote {} ({packets} packets)", args.out.display());
        }
        None => {
            let files = netanalyzer::samples::write_samples(&args.out)
                .with_context(|| format!("writing samples to {}", args.out.display()))?;
            for f in files {
                println!("wrote {}", f.display());
            }
        }
    }
    Ok(EXIT_OK)
}
