//! The run's temporary folders (`.netanalyzer-flows-*`): made on first need inside the output
//! folder, removed when the last table kept in them is dropped, or by the next run after a kill.

use std::io;
use std::path::Path;
use std::sync::Arc;

/// Prefix of a run's temporary folders (finished flows, address pairs, per-frame points).
const SPILL_PREFIX: &str = ".netanalyzer-flows-";
/// The per-frame points file that earlier versions left beside the reports.
const LEGACY_PACKET_POINTS: &str = ".capture-packets.lp.tmp";

/// Removes the temporary folders that a run killed before it could clean up left in `dir`;
/// returns how many.
pub fn remove_stale(dir: &Path) -> usize {
    let _ = std::fs::remove_file(dir.join(LEGACY_PACKET_POINTS));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(SPILL_PREFIX))
        .filter(|e| std::fs::remove_dir_all(e.path()).is_ok())
        .count()
}

/// A new temporary folder of the run in `root` (the system's when `None`), removed when dropped
/// or, after a kill, by the next run's [`remove_stale`].
pub fn spill_dir(root: Option<&Path>) -> io::Result<tempfile::TempDir> {
    let root = root.map_or_else(std::env::temp_dir, Path::to_path_buf);
    std::fs::create_dir_all(&root)?;
    tempfile::Builder::new()
        .prefix(SPILL_PREFIX)
        .tempdir_in(root)
}

/// The folder `dir` of an archive, made in `root` on first need.
pub(super) fn spill_folder(
    dir: &mut Option<Arc<tempfile::TempDir>>,
    root: Option<&Path>,
) -> io::Result<Arc<tempfile::TempDir>> {
    if let Some(d) = dir {
        return Ok(Arc::clone(d));
    }
    let d = Arc::new(spill_dir(root)?);
    *dir = Some(Arc::clone(&d));
    Ok(d)
}

/// Where an archive keeps its runs: a folder of the run in `root`, moved to the system's
/// temporary folder when `root` cannot take a run (a full disk), once.
#[derive(Debug, Clone, Default)]
pub(super) struct SpillPlace {
    /// Folder to make the temporary folder in (the system's when `None`).
    pub root: Option<std::path::PathBuf>,
    pub dir: Option<Arc<tempfile::TempDir>>,
    /// Folders given up for another, kept for the runs already in them.
    pub keep: Vec<Arc<tempfile::TempDir>>,
    /// Why the runs moved, once they have.
    pub moved: Option<String>,
}

impl SpillPlace {
    /// Writes a run with `write` into the folder, or, when that fails and the runs have not
    /// moved yet, into a new folder in the system's temporary folder.
    pub fn write<T>(&mut self, mut write: impl FnMut(&Path) -> io::Result<T>) -> io::Result<T> {
        let dir = spill_folder(&mut self.dir, self.root.as_deref())?;
        match write(dir.path()) {
            Ok(v) => Ok(v),
            Err(e) if self.moved.is_none() && self.root.is_some() => {
                let tmp = std::env::temp_dir();
                self.moved = Some(format!(
                    "cannot write to {}: {e}; writing temporary files to {} instead",
                    dir.path().display(),
                    tmp.display()
                ));
                self.keep.push(dir);
                self.dir = None;
                self.root = Some(tmp);
                let dir = spill_folder(&mut self.dir, self.root.as_deref())?;
                write(dir.path())
            }
            Err(e) => Err(e),
        }
    }
}
