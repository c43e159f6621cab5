//! Mapped files that shrink underneath the reader.
//!
//! When another process truncates a file this process has mapped (a ring buffer reusing file
//! names, a copy being rewritten), the kernel answers a read of a vanished page with SIGBUS,
//! whose default action kills the process before anything is written. Each mapping is registered
//! here; the handler, on a fault inside one, maps zero-filled pages over the rest of that mapping
//! (so the faulting read completes) and records the offset of the first page that vanished. The
//! reader asks [`Guard::vanished`] (with the file's size now) before it trusts what it walked and
//! stops there; the records before it count. A fault anywhere else goes to the handler that was
//! installed before (Rust's stack-overflow check), or kills the process as it would have.
//!
//! Reading such files with `pread` instead would take the mapping's speed from every file to
//! protect the rare one that changes.
#![allow(unsafe_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Mappings watched at once. `analyze` has a file or two mapped at a time; a mapping made when
/// every slot is taken is left unwatched.
const SLOTS: usize = 256;

/// A free slot's `start`.
const FREE: usize = 0;
/// A slot being filled or emptied: the handler skips it.
const BUSY: usize = 1;
/// No page of the mapping has vanished.
const NONE: usize = usize::MAX;

struct Slot {
    /// Address of the mapping's first byte, or [`FREE`] or [`BUSY`].
    start: AtomicUsize,
    end: AtomicUsize,
    /// Offset in the mapping of the first page that vanished, or [`NONE`].
    vanished: AtomicUsize,
}

static WATCHED: [Slot; SLOTS] = [const {
    Slot {
        start: AtomicUsize::new(FREE),
        end: AtomicUsize::new(0),
        vanished: AtomicUsize::new(NONE),
    }
}; SLOTS];

/// The handler that was installed for SIGBUS before ours.
static PREVIOUS: OnceLock<Previous> = OnceLock::new();
static PAGE: AtomicUsize = AtomicUsize::new(4096);

struct Previous(libc::sigaction);
// SAFETY: a plain C struct of a function address, flags and a signal mask, only read.
unsafe impl Sync for Previous {}
unsafe impl Send for Previous {}

/// A mapping watched for vanishing pages, until dropped (drop it before unmapping).
#[derive(Debug)]
pub struct Guard {
    slot: usize,
}

impl Guard {
    /// Watches the `len` bytes mapped at `start`; `None` when every slot is taken or the handler
    /// could not be installed.
    pub fn watch(start: *const u8, len: usize) -> Option<Guard> {
        if len == 0 || !install() {
            return None;
        }
        let start = start as usize;
        for (slot, s) in WATCHED.iter().enumerate() {
            if s.start
                .compare_exchange(FREE, BUSY, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                s.end.store(start + len, Ordering::Release);
                s.vanished.store(NONE, Ordering::Release);
                s.start.store(start, Ordering::Release);
                return Some(Guard { slot });
            }
        }
        None
    }

    /// Offset of the first page that vanished from the mapping, if one has.
    pub fn vanished(&self) -> Option<usize> {
        let v = WATCHED[self.slot].vanished.load(Ordering::Acquire);
        (v != NONE).then_some(v)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let s = &WATCHED[self.slot];
        s.start.store(BUSY, Ordering::Release);
        s.end.store(0, Ordering::Release);
        s.start.store(FREE, Ordering::Release);
    }
}

/// Installs the handler once; whether it is installed.
fn install() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    *INSTALLED.get_or_init(|| {
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if page > 0 {
            PAGE.store(page as usize, Ordering::Relaxed);
        }
        // SAFETY: a zeroed sigaction is a valid "no handler" value, filled in before use; the
        // handler only touches atomics and makes system calls.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigbus as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut action.sa_mask);
            let mut previous: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(libc::SIGBUS, &action, &mut previous) != 0 {
                return false;
            }
            let _ = PREVIOUS.set(Previous(previous));
        }
        true
    })
}

extern "C" fn on_sigbus(
    signal: libc::c_int,
    info: *mut libc::siginfo_t,
    context: *mut libc::c_void,
) {
    // SAFETY: the kernel passes a valid siginfo to an SA_SIGINFO handler.
    let addr = unsafe { (*info).si_addr() } as usize;
    let page_size = PAGE.load(Ordering::Relaxed);
    for s in &WATCHED {
        let start = s.start.load(Ordering::Acquire);
        if start <= BUSY || addr < start {
            continue;
        }
        let end = s.end.load(Ordering::Acquire);
        if addr >= end {
            continue;
        }
        let page = addr / page_size * page_size;
        // SAFETY: the range lies inside a private read-only mapping this process made and still
        // holds (its guard is registered); replacing it with zero pages makes the faulting read
        // return zeros instead of killing the process. mmap is a plain system call here.
        let mapped = unsafe {
            libc::mmap(
                page as *mut libc::c_void,
                end - page,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        if mapped != libc::MAP_FAILED {
            s.vanished.fetch_min(page - start, Ordering::AcqRel);
            return;
        }
    }
    not_ours(signal, info, context);
}

/// Hands a fault outside the watched mappings to the handler before ours, or restores the
/// default action, so that the faulting instruction, run again, ends the process as it would
/// have without us.
fn not_ours(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    if let Some(Previous(previous)) = PREVIOUS.get() {
        let handler = previous.sa_sigaction;
        if handler != libc::SIG_DFL && handler != libc::SIG_IGN {
            if previous.sa_flags & libc::SA_SIGINFO != 0 {
                // SAFETY: installed by someone as an SA_SIGINFO handler of this signature.
                let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                    unsafe { std::mem::transmute(handler) };
                f(signal, info, context);
            } else {
                // SAFETY: installed by someone as a plain handler of this signature.
                let f: extern "C" fn(libc::c_int) = unsafe { std::mem::transmute(handler) };
                f(signal);
            }
            return;
        }
    }
    // SAFETY: a zeroed sigaction with SIG_DFL (0) is the default action.
    unsafe {
        let mut default: libc::sigaction = std::mem::zeroed();
        default.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(libc::SIGBUS, &default, std::ptr::null_mut());
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn a_file_truncated_under_its_mapping_reads_as_zeros_and_is_marked() {
        let mut file = tempfile::tempfile().expect("temporary file");
        file.write_all(&vec![0xab; 64 * 1024]).expect("write");
        // SAFETY: the test truncates the file on purpose; the guard catches the fault.
        let map = unsafe { memmap2::Mmap::map(&file) }.expect("map");
        let guard = Guard::watch(map.as_ptr(), map.len()).expect("a free slot");
        assert_eq!(map[40_000], 0xab);
        assert_eq!(guard.vanished(), None);
        file.set_len(10_000).expect("truncate");
        // Inside the last page that still holds file bytes: zeros past the end, no fault.
        assert_eq!(map[9_999], 0xab);
        assert_eq!(map[50_000], 0, "a vanished page reads as zeros");
        let vanished = guard.vanished().expect("the fault was recorded");
        assert!((10_000..=50_000).contains(&vanished), "{vanished}");
        assert_eq!(map[60_000], 0);
        drop(guard);
    }
}
