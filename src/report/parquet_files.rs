//! `flows.parquet` and `packets.parquet` in a report folder, each written to a temporary name and
//! renamed when complete. In builds without the `parquet` feature the same calls exist; the
//! binary refuses `--parquet` there before any of them is made.

use std::io;
use std::path::{Path, PathBuf};

use super::Report;
use crate::analyze::PacketColumns;

/// `packets.parquet`, written batch by batch during the analysis; removed unless finished.
pub struct PacketsFile {
    #[cfg(feature = "parquet")]
    writer: Option<super::parquet::PacketsWriter>,
    tmp: PathBuf,
    path: PathBuf,
    error: Option<io::Error>,
}

impl PacketsFile {
    /// Starts `packets.parquet` in `dir` (created if needed).
    pub fn create(dir: &Path) -> io::Result<PacketsFile> {
        std::fs::create_dir_all(dir).map_err(|e| named(e, "creating", dir))?;
        let tmp = dir.join(".packets.parquet.tmp");
        let path = dir.join("packets.parquet");
        #[cfg(feature = "parquet")]
        let writer = Some(
            super::parquet::PacketsWriter::create(&tmp).map_err(|e| named(e, "creating", &tmp))?,
        );
        Ok(PacketsFile {
            #[cfg(feature = "parquet")]
            writer,
            tmp,
            path,
            error: None,
        })
    }

    /// Appends a batch; the first error stops writing and is returned by [`PacketsFile::finish`].
    pub fn write(&mut self, cols: PacketColumns) {
        #[cfg(feature = "parquet")]
        if let (Some(w), None) = (self.writer.as_mut(), &self.error) {
            if let Err(e) = w.write(&cols) {
                self.error = Some(e);
            }
        }
        let _ = cols;
    }

    /// Completes the file and renames it into place; returns its path.
    pub fn finish(mut self) -> io::Result<PathBuf> {
        if let Some(e) = self.error.take() {
            return Err(named(e, "writing", &self.path));
        }
        #[cfg(feature = "parquet")]
        if let Some(w) = self.writer.take() {
            w.finish().map_err(|e| named(e, "writing", &self.path))?;
        }
        std::fs::rename(&self.tmp, &self.path).map_err(|e| named(e, "writing", &self.path))?;
        Ok(self.path.clone())
    }
}

impl Drop for PacketsFile {
    fn drop(&mut self) {
        // Not finished (an error, a closed pipe, nothing read): no half file stays behind.
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Writes `flows.parquet` in `dir`; returns its path.
pub fn write_flows(dir: &Path, report: &Report) -> io::Result<PathBuf> {
    let path = dir.join("flows.parquet");
    #[cfg(feature = "parquet")]
    {
        let tmp = dir.join(".flows.parquet.tmp");
        super::parquet::write_flows(&tmp, report)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                named(e, "writing", &path)
            })?;
    }
    let _ = report;
    Ok(path)
}

/// Writes `NAME.parquet` of every application log in `dir`; returns their paths, or the first
/// error.
pub fn write_logs(dir: &Path, report: &Report) -> Vec<io::Result<PathBuf>> {
    use crate::analyze::app::Log;
    Log::ALL
        .iter()
        .zip(&report.logs)
        .map(|(&log, rows)| {
            let path = dir.join(format!("{}.parquet", log.name()));
            #[cfg(feature = "parquet")]
            {
                let tmp = dir.join(format!(".{}.parquet.tmp", log.name()));
                super::parquet::write_log(&tmp, log, rows)
                    .and_then(|()| std::fs::rename(&tmp, &path))
                    .map_err(|e| {
                        let _ = std::fs::remove_file(&tmp);
                        named(e, "writing", &path)
                    })?;
            }
            let _ = rows;
            Ok(path)
        })
        .collect()
}

fn named(e: io::Error, doing: &str, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{doing} {}: {e}", path.display()))
}
