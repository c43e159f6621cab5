//! The capture files a command line names: files as they are, folders walked for every file
//! that starts like a capture.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::stream;

/// Whether the file at `path` starts like a capture (pcap, pcapng, or either compressed).
pub fn looks_like_capture(path: &Path) -> bool {
    stream::starts_like_capture(path)
}

/// The capture files named on the command line, with folders expanded.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Files to read, in the order given (folders expanded in path order).
    pub files: Vec<PathBuf>,
    /// Files found in folders that are not captures, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// Paths that could not be read at all.
    pub missing: Vec<(PathBuf, String)>,
}

/// Expands `paths`: files are taken as they are; folders are walked recursively and every file
/// in them that looks like a capture is taken.
pub fn discover(paths: &[PathBuf]) -> Inputs {
    let mut inputs = Inputs::default();
    for path in paths {
        if super::is_stdin(path) {
            inputs.files.push(path.clone());
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut inputs),
            Ok(_) => inputs.files.push(path.clone()),
            Err(e) => inputs.missing.push((path.clone(), e.to_string())),
        }
    }
    inputs
}

fn walk(dir: &Path, inputs: &mut Inputs) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            inputs.missing.push((dir.to_path_buf(), e.to_string()));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => walk(&path, inputs),
            Ok(meta) if meta.is_file() => {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if name.ends_with(".part") {
                    inputs
                        .skipped
                        .push((path.clone(), "a capture still being written".into()));
                } else if looks_like_capture(&path) {
                    inputs.files.push(path);
                } else {
                    inputs
                        .skipped
                        .push((path.clone(), "not a pcap or pcapng file".into()));
                }
            }
            Ok(_) => {}
            Err(e) => inputs.missing.push((path.clone(), e.to_string())),
        }
    }
}

pub(super) fn read_up_to(file: &mut File, out: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < out.len() {
        match file.read(&mut out[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
