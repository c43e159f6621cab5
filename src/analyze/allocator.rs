//! The allocator's share of a run's memory. glibc gives each thread that contends for the heap
//! an arena of its own, up to eight per core, and returns little of a freed arena to the
//! system: with the packet tables freed and the report's tables built after them, a run kept
//! far more memory resident than its heap held at the peak.
#![allow(unsafe_code)]

/// At most one arena per worker thread (and two at least): the speed of per-thread arenas
/// without their excess. Call before the worker threads start.
pub fn bound_arenas(threads: usize) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a glibc tunable.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, threads.clamp(2, 64) as libc::c_int);
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = threads;
}

/// Returns the heap's free pages to the system (glibc keeps them for reuse otherwise).
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases memory that no allocation holds.
    unsafe {
        libc::malloc_trim(0);
    }
}
