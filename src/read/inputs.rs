//! The capture files a command line names: files as they are, folders walked for every file
//! that starts like a capture.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use super::{gzip, pcap, pcapng};

/// Whether the file at `path` starts like a capture (pcap, pcapng, or a gzip of either).
pub fn looks_like_capture(path: &Path) -> bool {
    let Ok(mut file) = File::open(path) else {
        return false;
    };
    let mut head = [0u8; 4];
    let Ok(n) = read_up_to(&mut file, &mut head) else {
        return false;
    };
    if n >= 2 && head[..2] == gzip::MAGIC {
        let Ok(file) = File::open(path) else {
            return false;
        };
        let mut decoder = MultiGzDecoder::new(file);
        let mut inner = [0u8; 4];
        let mut got = 0;
        while got < 4 {
            match decoder.read(&mut inner[got..]) {
                Ok(0) | Err(_) => break,
                Ok(k) => got += k,
            }
        }
        return got == 4 && is_capture_magic(inner);
    }
    n == 4 && is_capture_magic(head)
}

fn is_capture_magic(head: [u8; 4]) -> bool {
    let magic = u32::from_le_bytes(head);
    magic == pcapng::SHB_TYPE || pcap::is_pcap_magic(magic)
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
