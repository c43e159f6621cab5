//! The one place that maps files into memory.
//!
//! # Safety
//! `analyze` never writes to its inputs, and the `.part` files of `capture` are never opened. A
//! file another process truncates or rewrites while it is mapped is caught instead of trusted:
//! the pages that vanish read as zeros (see [`super::sigbus`]) and [`FileBytes::changed`] tells
//! the reader where the bytes it can trust end.
#![allow(unsafe_code)]

use std::fs::File;
use std::io::{self, Read};

use super::sigbus::Guard;

/// The bytes of a capture file: mapped when the platform allows, read into memory otherwise.
pub enum FileBytes {
    /// A read-only private mapping of the whole file.
    Mapped {
        /// Watches the mapping for pages that vanish; dropped before the mapping is.
        guard: Option<Guard>,
        /// The mapping.
        map: memmap2::Mmap,
        /// The file, to ask its size again.
        file: File,
    },
    /// The whole file read into memory (empty files, or mapping refused).
    Owned(Vec<u8>),
}

/// A mapped file that changed size, or lost pages, while it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// The size when it was mapped.
    pub was: u64,
    /// The size now.
    pub now: u64,
    /// The bytes from the start that still hold what the file held when it was mapped, as far as
    /// can be told: below both the size now and the first page that vanished.
    pub intact: usize,
}

impl Change {
    /// The error that names this change.
    pub fn kind(&self) -> super::ReadErrorKind {
        super::ReadErrorKind::Changed {
            was: self.was,
            now: self.now,
        }
    }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped { map, .. } => map,
            FileBytes::Owned(bytes) => bytes,
        }
    }
}

impl AsRef<[u8]> for FileBytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

const PAGE: usize = 4096;

/// The size of the pages the kernel maps a cached file with when it can (see [`map_file`]).
const HUGE_PAGE: usize = 2 * 1024 * 1024;

impl FileBytes {
    /// Whether the file has changed since it was mapped: its size now differs, or pages of the
    /// mapping vanished (it shrank and perhaps grew again). A system call each time: ask once
    /// per part or window, not per record.
    pub fn changed(&self) -> Option<Change> {
        let FileBytes::Mapped { guard, map, file } = self else {
            return None;
        };
        let was = map.len() as u64;
        let vanished = guard.as_ref().and_then(Guard::vanished);
        let now = match file.metadata() {
            Ok(meta) => meta.len(),
            // The size cannot be told: trust what the guard says.
            Err(_) => was,
        };
        if now == was && vanished.is_none() {
            return None;
        }
        let intact = vanished.unwrap_or(map.len()).min(now.min(was) as usize);
        Some(Change { was, now, intact })
    }

    /// The largest offset at or below `offset` where a huge page of the mapping begins (or
    /// `offset` itself when the bytes are not mapped). Releasing pages up to such a boundary
    /// drops whole huge pages; releasing part of one makes the kernel split its mapping first.
    pub fn huge_page_floor(&self, offset: usize) -> usize {
        match self {
            FileBytes::Mapped { map, .. } => {
                let base = map.as_ptr() as usize;
                ((base + offset) / HUGE_PAGE * HUGE_PAGE).saturating_sub(base)
            }
            FileBytes::Owned(_) => offset,
        }
    }

    /// Asks the kernel to map `from..to` now, in one call, rather than page fault by page fault.
    /// Only a hint: older kernels refuse it and the pages fault in as they are touched.
    pub fn populate(&self, from: usize, to: usize) {
        #[cfg(target_os = "linux")]
        if let FileBytes::Mapped { map, .. } = self {
            let start = from / PAGE * PAGE;
            if to > start {
                let _ = map.advise_range(memmap2::Advice::PopulateRead, start, to - start);
            }
        }
        let _ = (from, to);
    }

    /// Drops the pages of `from..to` from this process's memory: they were read and will not be
    /// read again. The file and the page cache are untouched; only the resident size shrinks.
    pub fn release(&self, from: usize, to: usize) {
        #[cfg(unix)]
        if let FileBytes::Mapped { map, .. } = self {
            let start = from.div_ceil(PAGE) * PAGE;
            let end = to / PAGE * PAGE;
            if end > start {
                // SAFETY: the mapping is private and read-only, so MADV_DONTNEED discards no
                // data and leaves the memory mapped: a later read of the range faults the same
                // bytes back in from the file. The reader only releases windows already
                // processed, so this costs nothing in practice.
                let _ = unsafe {
                    map.unchecked_advise_range(
                        memmap2::UncheckedAdvice::DontNeed,
                        start,
                        end - start,
                    )
                };
            }
        }
        let _ = (from, to);
    }
}

/// Maps `file` read-only, falling back to reading it when it cannot be mapped.
pub fn map_file(file: File) -> io::Result<FileBytes> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(FileBytes::Owned(Vec::new()));
    }
    // SAFETY: the map is read-only and private; see the module docs for files that change.
    match unsafe { memmap2::MmapOptions::new().map(&file) } {
        Ok(map) => {
            #[cfg(unix)]
            let _ = map.advise(memmap2::Advice::Sequential);
            // Pages read in through this map then come in 2 MB folios, which the kernel maps
            // with one entry each rather than 512, which saves system time on every later run
            // (cached 2 MB folios are mapped so, whoever read them in).
            #[cfg(target_os = "linux")]
            let _ = map.advise(memmap2::Advice::HugePage);
            let guard = Guard::watch(map.as_ptr(), map.len());
            Ok(FileBytes::Mapped { guard, map, file })
        }
        Err(_) => read_whole(&file),
    }
}

/// Reads the whole file into memory.
pub fn read_whole(mut file: &File) -> io::Result<FileBytes> {
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(FileBytes::Owned(bytes))
}
