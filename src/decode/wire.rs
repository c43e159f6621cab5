//! Big-endian field reads. Callers check lengths once per header before reading its fields.

/// The big-endian `u16` at `at`; the caller has checked `b.len() >= at + 2`.
#[inline(always)]
pub fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// The big-endian `u32` at `at`; the caller has checked `b.len() >= at + 4`.
#[inline(always)]
pub fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
