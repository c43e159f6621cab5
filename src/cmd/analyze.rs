//! `netanalyzer analyze`: inputs to reports (and InfluxDB), once or following a folder.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};

use super::{exit, influx};
use crate::cli::{self, AnalyzeArgs};
use crate::console;
use netanalyzer::analyze::app::Log;
use netanalyzer::analyze::{self, Internal, Options};
use netanalyzer::read;
use netanalyzer::report::parquet_files::{self, PacketsFile};
use netanalyzer::report::{self, Output, Report};
use netanalyzer::sinks::line::Precision;

/// `analyze`'s flags, resolved once.
struct Settings {
    out_dir: PathBuf,
    opts: Options,
    outputs: Vec<Output>,
    /// The `capture` tag of the InfluxDB points.
    capture_name: String,
    /// The precision of line protocol, when the results go to InfluxDB.
    influx: Option<Precision>,
}

impl Settings {
    fn resolve(args: &AnalyzeArgs) -> anyhow::Result<Settings> {
        let out_dir = args
            .out
            .clone()
            .unwrap_or_else(|| default_out_dir(&args.inputs[0]));
        let want_influx = args.influx || args.influx_out.is_some();
        let opts = Options {
            interval_top: if want_influx { args.top } else { 0 },
            app: !args.no_app,
            interval_ns: args.interval,
            limits: analyze::Limits {
                max_flows: args.max_flows,
                max_conversations: args.max_conversations,
                idle: analyze::IdleTimeouts {
                    tcp_ns: args.tcp_timeout,
                    udp_ns: args.udp_timeout,
                    icmp_ns: args.icmp_timeout,
                },
                ..Default::default()
            },
            // Next to the reports: the system's temporary folder may be memory.
            spill_dir: Some(out_dir.clone()),
            walk: read::Walk {
                follow_links: args.follow_links,
            },
            ..Options::default()
        };
        let outputs = args
            .format
            .iter()
            .map(|f| match f {
                cli::Format::Json => Output::Json,
                cli::Format::Csv => Output::Csv,
                cli::Format::Html => Output::Html,
                cli::Format::Dns => Output::Log(Log::Dns),
                cli::Format::Tls => Output::Log(Log::Tls),
                cli::Format::Quic => Output::Log(Log::Quic),
                cli::Format::Http => Output::Log(Log::Http),
                cli::Format::Ssh => Output::Log(Log::Ssh),
            })
            .collect();
        let capture_name = args.capture_name.clone().unwrap_or_else(|| {
            default_out_dir(&args.inputs[0])
                .file_name()
                .map_or("capture".into(), |n| n.to_string_lossy().into_owned())
        });
        let influx = match want_influx {
            true => Some(args.influx_args.config()?.precision),
            false => None,
        };
        Ok(Settings {
            out_dir,
            opts,
            outputs,
            capture_name,
            influx,
        })
    }
}

/// `netanalyzer analyze`.
pub fn run(args: AnalyzeArgs) -> anyhow::Result<u8> {
    netanalyzer::analyze::allocator::bound_arenas(
        args.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)),
    );
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("starting worker threads")?;
    }
    let settings = Settings::resolve(&args)?;
    let out_dir = &settings.out_dir;
    // A run killed mid-way (SIGKILL, power loss) cannot remove its spilled flows itself.
    netanalyzer::store::remove_stale(out_dir);
    if args.follow {
        return follow(&args, out_dir, settings.opts, &settings.outputs);
    }
    if !args.parquet.is_empty() && !cfg!(feature = "parquet") {
        eprintln!(
            "netanalyzer: this build has no Parquet support; rebuild with --features parquet"
        );
        return Ok(exit::USAGE);
    }
    let started = std::time::Instant::now();
    let mut progress = console::Progress::new(&args.inputs, args.quiet);
    let mut rows = PacketRows::create(&args, &settings)?;
    let analysis = if rows.wanted() {
        analyze::analyze_paths_with(
            &args.inputs,
            &settings.opts,
            &mut |n| progress.advance(n),
            Some(&mut |cols| rows.add(cols)),
        )
    } else {
        analyze::analyze_paths(&args.inputs, &settings.opts, &mut |n| progress.advance(n))
    };
    rows.flush_points()?;
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
        return Ok(exit::FATAL);
    }

    let analyzed = started.elapsed();
    let t = &analysis.total;
    for moved in [t.finished.moved(), t.conv_archive.moved()]
        .into_iter()
        .flatten()
    {
        eprintln!("netanalyzer: warning: {moved}");
    }
    if let Some(e) = &t.spill_error {
        eprintln!("netanalyzer: {e}");
    }
    // The batches' buffers and the parts are freed: give their pages back before the report's
    // own peak (the flow tables stay, the report reads them).
    netanalyzer::analyze::allocator::release_free_memory();
    let inside = Internal::new(args.internal.clone());
    let report = Report::build(&analysis, args.top, &inside)
        .context("reading back the flows and address pairs written to disk")?;
    let built = started.elapsed();
    let report::Written {
        files: mut written,
        mut failed,
    } = report::write_all(out_dir, &settings.outputs, &analysis, &report, args.top)
        .with_context(|| format!("writing reports to {}", out_dir.display()))?;
    let mut extra = |result: std::io::Result<PathBuf>, name: &str| match result {
        Ok(path) => written.push(path),
        Err(e) => failed.push((out_dir.join(name), e)),
    };
    if args.parquet.contains(&cli::ParquetTable::Flows) {
        extra(
            parquet_files::write_flows(out_dir, &report),
            "flows.parquet",
        );
    }
    if args.parquet.contains(&cli::ParquetTable::Logs) {
        for (log, result) in netanalyzer::analyze::app::Log::ALL
            .iter()
            .zip(parquet_files::write_logs(out_dir, &report))
        {
            extra(result, &format!("{}.parquet", log.name()));
        }
    }
    if let Some(file) = rows.parquet.take() {
        extra(file.finish(), "packets.parquet");
    }
    for (_, e) in &failed {
        eprintln!("netanalyzer: {e}");
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
        let mut out: Box<dyn std::io::Write> = match data_on_stdout {
            true => Box::new(std::io::stderr().lock()),
            false => Box::new(std::io::stdout().lock()),
        };
        console::print_summary(&mut out, &report.summary, out_dir, written.len())
            .context("writing the summary")?;
    }
    let loaded = match settings.influx {
        Some(precision) => {
            let lines = netanalyzer::sinks::line::lines(
                &analysis,
                &report,
                &settings.capture_name,
                precision,
                args.top,
            )
            .context("reading the flows and logs again for InfluxDB")?;
            influx::deliver(&args, out_dir, lines, rows.points_path())?
        }
        None => true,
    };
    if !failed.is_empty() {
        let summary_failed = failed.iter().any(|(p, _)| p.ends_with("summary.json"));
        if summary_failed {
            // The run's temporary files (flows and pairs written to disk) may be what filled
            // the disk: with them gone, the summary's few kilobytes are tried once more.
            let summary = report.summary.clone();
            drop(report);
            drop(analysis);
            match report::atomic_write(out_dir, "summary.json", |w| {
                report::write_summary(w, &summary)
            }) {
                Ok(path) => eprintln!(
                    "netanalyzer: wrote {} once the run's temporary files were removed",
                    path.display()
                ),
                Err(e) => eprintln!("netanalyzer: cannot write the summary either: {e}"),
            }
        }
        return Ok(exit::FATAL);
    }
    Ok(if !loaded {
        exit::SINK
    } else if analysis.has_errors() {
        exit::INPUT_ERRORS
    } else {
        exit::OK
    })
}

/// Where each frame goes as a row, when asked: `packets.parquet`, and the per-frame InfluxDB
/// points, streamed to a file in a temporary folder of the run (removed however the run ends,
/// or by the next run if this one was killed) and never held in memory.
struct PacketRows {
    parquet: Option<PacketsFile>,
    points: Option<PointsFile>,
}

struct PointsFile {
    _dir: tempfile::TempDir,
    path: PathBuf,
    writer: std::io::BufWriter<std::fs::File>,
    error: Option<std::io::Error>,
    seq: u64,
    capture_name: String,
    precision: Precision,
}

impl PacketRows {
    fn create(args: &AnalyzeArgs, settings: &Settings) -> anyhow::Result<PacketRows> {
        let out_dir = &settings.out_dir;
        let parquet = match args.parquet.contains(&cli::ParquetTable::Packets) {
            true => Some(PacketsFile::create(out_dir)?),
            false => None,
        };
        let points = match (args.influx_packets, settings.influx) {
            (true, Some(precision)) => {
                if !args.quiet {
                    eprintln!("netanalyzer: --influx-packets writes one point per frame: this can be a lot of data");
                }
                let dir = netanalyzer::store::spill_dir(Some(out_dir)).with_context(|| {
                    format!("creating a temporary folder in {}", out_dir.display())
                })?;
                let path = dir.path().join("capture-packets.lp");
                let file = std::fs::File::create(&path)
                    .with_context(|| format!("creating {}", path.display()))?;
                Some(PointsFile {
                    _dir: dir,
                    path,
                    writer: std::io::BufWriter::with_capacity(1 << 20, file),
                    error: None,
                    seq: 0,
                    capture_name: settings.capture_name.clone(),
                    precision,
                })
            }
            _ => None,
        };
        Ok(PacketRows { parquet, points })
    }

    fn wanted(&self) -> bool {
        self.parquet.is_some() || self.points.is_some()
    }

    /// One batch's rows; the first write error is kept for [`PacketRows::flush_points`].
    fn add(&mut self, cols: analyze::PacketColumns) {
        if let Some(p) = self.points.as_mut() {
            if p.error.is_none() {
                let written = netanalyzer::sinks::line::packet_lines(
                    &cols,
                    p.seq,
                    &p.capture_name,
                    p.precision,
                    &mut p.writer,
                );
                p.error = written.err();
            }
            p.seq += cols.ts.len() as u64;
        }
        if let Some(file) = self.parquet.as_mut() {
            file.write(cols);
        }
    }

    fn flush_points(&mut self) -> anyhow::Result<()> {
        let Some(p) = self.points.as_mut() else {
            return Ok(());
        };
        let result = match p.error.take() {
            Some(e) => Err(e),
            None => std::io::Write::flush(&mut p.writer),
        };
        result.with_context(|| format!("writing {}", p.path.display()))
    }

    fn points_path(&self) -> Option<&Path> {
        self.points.as_ref().map(|p| p.path.as_path())
    }
}

fn follow(
    args: &AnalyzeArgs,
    out_dir: &Path,
    opts: Options,
    outputs: &[Output],
) -> anyhow::Result<u8> {
    use std::sync::atomic::Ordering;
    let [dir] = args.inputs.as_slice() else {
        eprintln!("netanalyzer: --follow takes exactly one folder");
        return Ok(exit::USAGE);
    };
    if !dir.is_dir() {
        eprintln!("netanalyzer: --follow: {} is not a folder", dir.display());
        return Ok(exit::USAGE);
    }
    let stop = super::stop_on_signals()?;
    let mut follower = netanalyzer::follow::Follower::new(dir, out_dir, opts)
        .with_context(|| format!("following {}", dir.display()))?;
    let poll = std::time::Duration::from_nanos(args.poll as u64);
    let mut reported_errors = 0;
    let mut first = true;
    let inside = Internal::new(args.internal.clone());
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
            let report = Report::build(analysis, args.top, &inside)
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
        exit::INPUT_ERRORS
    } else {
        exit::OK
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
    let stem = if read::is_stdin(first) {
        "stdin"
    } else if stem.is_empty() || stem == "." || stem == ".." {
        "capture"
    } else {
        stem
    };
    PathBuf::from("reports").join(stem)
}
