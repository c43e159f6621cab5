//! Metrics to files: `summary.json`, the CSV tables and `report.html`, each written whole to a temporary name
//! and renamed into place, so a reader never sees half a report.

pub mod conversations;
pub mod csv;
pub mod html;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod parquet_files;
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
}

/// Writes the selected outputs into `dir` (created if needed); returns the paths written.
pub fn write_all(
    dir: &Path,
    outputs: &[Output],
    analysis: &Analysis,
    report: &Report,
    top: usize,
) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    type Job<'a> = (
        &'static str,
        Box<dyn Fn(&mut BufWriter<File>) -> io::Result<()> + Sync + 'a>,
    );
    let mut jobs: Vec<Job<'_>> = Vec::new();
    if outputs.contains(&Output::Json) {
        jobs.push((
            "summary.json",
            Box::new(|w| {
                serde_json::to_writer_pretty(&mut *w, &report.summary)?;
                w.write_all(b"\n")
            }),
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
    if outputs.contains(&Output::Html) {
        jobs.push((
            "report.html",
            Box::new(|w| html::write(w, analysis, report, top).map(drop)),
        ));
    }
    // The files are independent: format them on all cores.
    jobs.par_iter()
        .map(|(name, body)| atomic_write(dir, name, |w| body(w)))
        .collect()
}

/// Writes `name` in `dir` through a temporary file renamed into place once complete.
pub fn atomic_write(
    dir: &Path,
    name: &str,
    body: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<PathBuf> {
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    let result = (|| {
        let mut w = BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
        body(&mut w)?;
        w.flush()
    })();
    match result {
        Ok(()) => {
            fs::rename(&tmp, &path)?;
            Ok(path)
        }
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(io::Error::new(
                e.kind(),
                format!("writing {}: {e}", path.display()),
            ))
        }
    }
}
