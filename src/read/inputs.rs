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
    /// Files to read, in the order given (folders expanded in path order), each once.
    pub files: Vec<PathBuf>,
    /// Paths passed over, with the reason: files in folders that are not captures, a second
    /// name for a file already taken, links not followed, FIFOs and devices in folders.
    pub skipped: Vec<(PathBuf, String)>,
    /// Paths that could not be read at all.
    pub missing: Vec<(PathBuf, String)>,
}

/// How folders are walked.
#[derive(Debug, Clone, Copy, Default)]
pub struct Walk {
    /// Follow links to folders inside the folders walked (links to files are always read; the
    /// paths named on the command line are always followed).
    pub follow_links: bool,
}

/// A file or folder, known by device and inode whatever its name.
type Identity = (u64, u64);

fn identity(meta: &std::fs::Metadata) -> Identity {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        (0, 0)
    }
}

/// What a path is that is neither a file nor a folder, for the reason it is passed over.
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = meta;
    "not a regular file"
}

/// The path that names standard input.
pub const STDIN: &str = "-";

/// Whether `path` names standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN
}

struct Walker {
    walk: Walk,
    inputs: Inputs,
    /// Every file taken, by identity: its place in `files`, and whether it was taken by a link.
    taken: std::collections::HashMap<Identity, (usize, bool)>,
    /// Every folder walked, by identity.
    walked: std::collections::HashMap<Identity, PathBuf>,
}

/// Expands `paths`: files are taken as they are; folders are walked recursively and every file
/// in them that looks like a capture is taken. A file reached twice (two links, a link and its
/// target, a name given twice) is taken once; `-` and FIFOs named here are read as streams.
pub fn discover(paths: &[PathBuf], walk: Walk) -> Inputs {
    let mut w = Walker {
        walk,
        inputs: Inputs::default(),
        taken: Default::default(),
        walked: Default::default(),
    };
    let mut stdin_taken = false;
    for path in paths {
        if is_stdin(path) {
            if std::mem::replace(&mut stdin_taken, true) {
                w.skip(
                    path,
                    "standard input is named twice: it is read once".into(),
                );
            } else {
                w.inputs.files.push(path.clone());
            }
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => w.folder(path, &meta, &mut Vec::new()),
            // Named on the command line, a FIFO or a device is what the user wants read.
            Ok(meta) => w.file(path, &meta, false),
            Err(e) => w.inputs.missing.push((path.clone(), e.to_string())),
        }
    }
    w.inputs
}

impl Walker {
    fn skip(&mut self, path: &Path, why: String) {
        self.inputs.skipped.push((path.to_path_buf(), why));
    }

    /// Takes the file at `path` unless it was taken under another name; `link`: `path` is a
    /// link, which gives way to the file's own name when both are found.
    fn file(&mut self, path: &Path, meta: &std::fs::Metadata, link: bool) {
        match self.taken.entry(identity(meta)) {
            std::collections::hash_map::Entry::Occupied(mut first) => {
                let (index, first_is_link) = *first.get();
                let mut skipped = path.to_path_buf();
                if first_is_link && !link {
                    // The file under its own name; the link read first is the duplicate.
                    std::mem::swap(&mut self.inputs.files[index], &mut skipped);
                    first.insert((index, false));
                }
                let kept = self.inputs.files[index].display().to_string();
                self.skip(&skipped, format!("the same file as {kept} (read once)"));
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert((self.inputs.files.len(), link));
                self.inputs.files.push(path.to_path_buf());
            }
        }
    }

    /// Walks the folder at `dir`; `ancestors` are the folders above it in this walk.
    fn folder(&mut self, dir: &Path, meta: &std::fs::Metadata, ancestors: &mut Vec<Identity>) {
        let id = identity(meta);
        if ancestors.contains(&id) {
            let why = "a link back to a folder above it (a loop): not walked again".to_string();
            return self.skip(dir, why);
        }
        if let Some(first) = self.walked.get(&id) {
            let why = format!("the same folder as {} (walked once)", first.display());
            return self.skip(dir, why);
        }
        self.walked.insert(id, dir.to_path_buf());
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                self.inputs.missing.push((dir.to_path_buf(), e.to_string()));
                return;
            }
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        ancestors.push(id);
        for path in paths {
            self.entry(&path, ancestors);
        }
        ancestors.pop();
    }

    fn entry(&mut self, path: &Path, ancestors: &mut Vec<Identity>) {
        let own = match std::fs::symlink_metadata(path) {
            Ok(meta) => meta,
            Err(e) => {
                return self
                    .inputs
                    .missing
                    .push((path.to_path_buf(), e.to_string()))
            }
        };
        let link = own.file_type().is_symlink();
        let meta = if link {
            match std::fs::metadata(path) {
                Ok(meta) => meta,
                Err(e) => return self.skip(path, format!("a broken link: {e}")),
            }
        } else {
            own
        };
        if meta.is_dir() {
            if link && !self.walk.follow_links {
                let why = "a link to a folder: not followed (-L/--follow-links follows it)";
                return self.skip(path, why.into());
            }
            return self.folder(path, &meta, ancestors);
        }
        if !meta.is_file() {
            // Opening a FIFO would wait for a writer; a device could be endless.
            let why = format!(
                "{}: not read from a folder (name it on the command line to read it as a stream)",
                special_kind(&meta)
            );
            return self.skip(path, why);
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') && name.ends_with(".tmp") {
            // A file being written by netanalyzer itself (a report, a capture's record).
        } else if name.ends_with(".part") {
            self.skip(path, "a capture still being written".into());
        } else if looks_like_capture(path) {
            self.file(path, &meta, link);
        } else {
            self.skip(path, "not a pcap or pcapng file".into());
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
