//! Metrics to files: `summary.json`, the CSV tables and `report.html`, all written whole into a
//! temporary folder beside them and then renamed into place, so a reader never sees half a
//! report, and a report that cannot be written (a full disk) takes its older version away
//! rather than leave it beside the new ones.

pub mod conversations;
pub mod csv;
pub mod html;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod parquet_files;
pub mod services;
pub mod summary;
pub mod svg;

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use summary::{Report, Summary};

use crate::analyze::Analysis;

/// The outputs `--format` can select.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Output {
    /// `summary.json`.
    Json,
    /// The CSV tables.
    Csv,
    /// `report.html`.
    Html,
    /// One application log's CSV table alone (the CSV tables include them all).
    Log(crate::analyze::app::Log),
}

/// The file an application log is written to.
pub fn log_file_name(log: crate::analyze::app::Log) -> &'static str {
    use crate::analyze::app::Log;
    match log {
        Log::Dns => "dns.csv",
        Log::Tls => "tls.csv",
        Log::Quic => "quic.csv",
        Log::Http => "http.csv",
        Log::Ssh => "ssh.csv",
    }
}

/// What [`write_all`] did.
#[derive(Debug, Default)]
pub struct Written {
    /// The reports written, in place.
    pub files: Vec<PathBuf>,
    /// The reports that could not be written, with the cause (their older versions removed).
    pub failed: Vec<(PathBuf, io::Error)>,
}

/// Prefix of the folder the reports are written in before they replace the old ones; the
/// spill folders' prefix, so that the next run removes one a killed run left.
const STAGING_PREFIX: &str = ".netanalyzer-flows-report-";

/// Writes the selected outputs into `dir` (created if needed): each into a folder beside them,
/// then every one written renamed into place and every one that failed removed from `dir`.
/// An error only when `dir` itself cannot be made or written into.
pub fn write_all(
    dir: &Path,
    outputs: &[Output],
    analysis: &Analysis,
    report: &Report,
    top: usize,
) -> io::Result<Written> {
    fs::create_dir_all(dir)?;
    let staging = tempfile::Builder::new()
        .prefix(STAGING_PREFIX)
        .tempdir_in(dir)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?;
    type Job<'a> = (
        &'static str,
        Box<dyn Fn(&mut BufWriter<File>) -> io::Result<()> + Sync + 'a>,
    );
    let mut jobs: Vec<Job<'_>> = Vec::new();
    if outputs.contains(&Output::Json) {
        jobs.push((
            "summary.json",
            Box::new(|w| write_summary(w, &report.summary)),
        ));
    }
    if outputs.contains(&Output::Csv) {
        jobs.push((
            "timeseries.csv",
            Box::new(|w| csv::timeseries(w, analysis).map(drop)),
        ));
        jobs.push((
            "protocols.csv",
            Box::new(|w| csv::protocols(w, analysis).map(drop)),
        ));
        jobs.push((
            "conversations.csv",
            Box::new(|w| csv::conversations(w, report).map(drop)),
        ));
        jobs.push(("flows.csv", Box::new(|w| csv::flows(w, report).map(drop))));
        jobs.push((
            "endpoints.csv",
            Box::new(|w| csv::endpoints(w, report).map(drop)),
        ));
        jobs.push(("ports.csv", Box::new(|w| csv::ports(w, report).map(drop))));
    }
    for (&log, rows) in crate::analyze::app::Log::ALL.iter().zip(&report.logs) {
        if outputs.contains(&Output::Csv) || outputs.contains(&Output::Log(log)) {
            jobs.push((
                log_file_name(log),
                Box::new(move |w| csv::log(w, log, rows).map(drop)),
            ));
        }
    }
    if outputs.contains(&Output::Html) {
        jobs.push((
            "report.html",
            Box::new(|w| html::write(w, analysis, report, top).map(drop)),
        ));
    }
    // The files are independent: format them on all cores.
    let staged: Vec<(PathBuf, io::Result<PathBuf>)> = jobs
        .par_iter()
        .map(|(name, body)| {
            let (staged, target) = (staging.path().join(name), dir.join(name));
            let result = write_whole(&staged, &target, |w| body(w)).map(|()| staged);
            (target, result)
        })
        .collect();
    let mut written = Written::default();
    for (target, result) in staged {
        let moved = result.and_then(|staged| {
            fs::rename(staged, &target).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("moving {} into place: {e}", target.display()),
                )
            })
        });
        match moved {
            Ok(()) => written.files.push(target),
            Err(e) => {
                // An older report beside the new ones would read as part of this run.
                let _ = fs::remove_file(&target);
                written.failed.push((target, e));
            }
        }
    }
    Ok(written)
}

/// Writes `summary` as summary.json holds it.
pub fn write_summary(w: &mut impl Write, summary: &Summary) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, summary)?;
    w.write_all(b"\n")
}

/// Writes the file at `path` whole through `body`, removing it when that fails; the error
/// names `shown`, the path the file is written for.
fn write_whole(
    path: &Path,
    shown: &Path,
    body: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    let result = (|| {
        let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
        body(&mut w)?;
        w.flush()
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(path);
        io::Error::new(e.kind(), format!("writing {}: {e}", shown.display()))
    })
}

/// Writes `name` in `dir` through a temporary file renamed into place once complete.
pub fn atomic_write(
    dir: &Path,
    name: &str,
    body: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<PathBuf> {
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    write_whole(&tmp, &path, body)?;
    fs::rename(&tmp, &path)?;
    Ok(path)
}
