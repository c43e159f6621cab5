//! A hint to the CPU to start loading memory that will be read soon.
//!
//! Records are read in file order, but a record's first cache line is not where the hardware
//! prefetchers would guess: they follow strides, and frame lengths vary. Asking for the line a
//! few records ahead turns one cache miss per record into loads that overlap.
#![allow(unsafe_code)]

/// Asks for the cache line holding `bytes[at]` to be loaded; does nothing when `at` is out of
/// range or the CPU has no such instruction.
#[inline(always)]
pub fn prefetch(bytes: &[u8], at: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(byte) = bytes.get(at) {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch never faults and has no effect on program state; the address is
        // also in bounds.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(byte).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (bytes, at);
}

/// Asks for every cache line of `bytes` from `*next` (or `pos`, if further) up to `ahead` bytes
/// past `pos`, and moves `*next` past them: for a walk whose next stop is only known once it
/// gets there, so that the lines it may need are on their way.
#[inline(always)]
pub fn prefetch_ahead(bytes: &[u8], next: &mut usize, pos: usize, ahead: usize) {
    *next = (*next).max(pos);
    while *next < pos + ahead {
        prefetch(bytes, *next);
        *next += 64;
    }
}

/// Asks for the cache lines of `value` to be loaded: for tables walked in an order other than
/// their memory's.
#[inline(always)]
pub fn prefetch_value<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let start = std::ptr::from_ref(value).cast::<i8>();
        for offset in (0..size_of::<T>()).step_by(64) {
            // SAFETY: a prefetch never faults and has no effect on program state; the address
            // is within `value`.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(offset)) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
