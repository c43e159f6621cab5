//! What one input file held: its format, frames and bytes per link type, time span, and why
//! reading stopped early, if it did.

use std::path::PathBuf;

use crate::read::{Compression, Format, ReadError};

/// Frames and bytes of one link type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkTypeCount {
    /// LINKTYPE_* value.
    pub linktype: u16,
    /// Frames.
    pub packets: u64,
    /// Bytes on the wire.
    pub bytes: u64,
}

/// What one input file held.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The path as given or found.
    pub path: PathBuf,
    /// Container format, when recognised.
    pub format: Option<Format>,
    /// How it was compressed, if it was.
    pub compression: Option<Compression>,
    /// Size on disk.
    pub size_bytes: u64,
    /// Frames per link type.
    pub linktypes: Vec<LinkTypeCount>,
    /// Frames read.
    pub packets: u64,
    /// Bytes on the wire.
    pub bytes: u64,
    /// Earliest frame time.
    pub first_ts: Option<i64>,
    /// Latest frame time.
    pub last_ts: Option<i64>,
    /// Why reading stopped early, if it did.
    pub error: Option<ReadError>,
}

impl FileReport {
    /// The report of `path` before anything is read from it.
    pub fn empty(path: PathBuf) -> FileReport {
        FileReport {
            path,
            format: None,
            compression: None,
            size_bytes: 0,
            linktypes: Vec::new(),
            packets: 0,
            bytes: 0,
            first_ts: None,
            last_ts: None,
            error: None,
        }
    }
}
