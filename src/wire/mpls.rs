//! MPLS label stacks (RFC 3032) and the pseudowire control word (RFC 4385).

use super::{need, u32_at, Result};

/// Bytes of one label stack entry.
pub const ENTRY_LEN: usize = 4;
/// Bytes of a pseudowire control word.
pub const CONTROL_WORD_LEN: usize = 4;

/// One label stack entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry(u32);

impl Entry {
    /// The label.
    #[inline]
    pub fn label(self) -> u32 {
        self.0 >> 12
    }

    /// The traffic class.
    #[inline]
    pub fn traffic_class(self) -> u8 {
        (self.0 >> 9) as u8 & 0x07
    }

    /// Whether this is the last entry of the stack.
    #[inline]
    pub fn bottom_of_stack(self) -> bool {
        self.0 & 0x100 != 0
    }

    /// The time to live.
    #[inline]
    pub fn ttl(self) -> u8 {
        self.0 as u8
    }
}

/// A label stack and what follows its bottom entry.
#[derive(Debug, Clone, Copy)]
pub struct Stack<'a> {
    b: &'a [u8],
    len: usize,
}

impl<'a> Stack<'a> {
    /// A view of `b`, which must hold every entry down to the bottom of the stack.
    #[inline]
    pub fn new_checked(b: &'a [u8]) -> Result<Self> {
        let mut len = 0;
        loop {
            need("mpls", b, len + ENTRY_LEN)?;
            let bottom = Entry(u32_at(b, len..len + ENTRY_LEN)).bottom_of_stack();
            len += ENTRY_LEN;
            if bottom {
                return Ok(Stack { b, len });
            }
        }
    }

    /// The entries, top first.
    pub fn entries(&self) -> impl Iterator<Item = Entry> + 'a {
        let stack = &self.b[..self.len];
        stack
            .chunks_exact(ENTRY_LEN)
            .map(|e| Entry(u32_at(e, 0..ENTRY_LEN)))
    }

    /// The bytes after the bottom entry.
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        &self.b[self.len..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    static TWO_LABELS: [u8; 10] = [
        0x00, 0x01, 0x00, 0x40, // label 16, not bottom, TTL 64
        0x00, 0x01, 0x13, 0x3f, // label 17, TC 1, bottom, TTL 63
        0x45, 0x00,
    ];

    #[test]
    fn deconstruct() {
        let s = Stack::new_checked(&TWO_LABELS).expect("a view");
        let entries: Vec<_> = s
            .entries()
            .map(|e| (e.label(), e.traffic_class(), e.bottom_of_stack(), e.ttl()))
            .collect();
        assert_eq!(entries, [(16, 0, false, 64), (17, 1, true, 63)]);
        assert_eq!(s.payload(), [0x45, 0]);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Stack::new_checked(&TWO_LABELS[..7]),
            Err(Error::Truncated {
                header: "mpls",
                required: 8,
                len: 7
            })
        ));
        assert!(Stack::new_checked(&[]).is_err());
    }
}
