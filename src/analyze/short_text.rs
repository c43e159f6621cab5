//! A string of a few bytes kept inline: a flow record's `history` and Community ID then cost no
//! allocation, which on a hundred thousand flows was a tenth of the report's time.

use std::fmt;
use std::ops::Deref;

/// Text of at most `N` bytes, held in place.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ShortText<const N: usize> {
    len: u8,
    bytes: [u8; N],
}

impl<const N: usize> ShortText<N> {
    /// The empty text.
    pub const fn new() -> Self {
        ShortText {
            len: 0,
            bytes: [0; N],
        }
    }

    /// Appends `s`, or as many of its characters as fit; returns whether all of it did.
    pub fn push_str(&mut self, s: &str) -> bool {
        let mut fits = s.len().min(N - self.len as usize);
        while !s.is_char_boundary(fits) {
            fits -= 1;
        }
        let at = self.len as usize;
        self.bytes[at..at + fits].copy_from_slice(&s.as_bytes()[..fits]);
        self.len += fits as u8;
        fits == s.len()
    }

    /// Appends one ASCII character, if it fits (others are refused, so the text stays UTF-8).
    pub fn push(&mut self, c: u8) -> bool {
        if !c.is_ascii() || self.len as usize == N {
            return false;
        }
        self.bytes[self.len as usize] = c;
        self.len += 1;
        true
    }

    /// Appends ASCII `bytes`, if they are ASCII and fit; returns whether they were appended.
    pub fn push_ascii(&mut self, bytes: &[u8]) -> bool {
        let at = self.len as usize;
        if !bytes.is_ascii() || bytes.len() > N - at {
            return false;
        }
        self.bytes[at..at + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len() as u8;
        true
    }

    /// The text's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Only whole characters are ever stored, so this never fails.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or_default()
    }
}

impl<const N: usize> Default for ShortText<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Deref for ShortText<N> {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl<const N: usize> AsRef<[u8]> for ShortText<N> {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl<const N: usize> From<&str> for ShortText<N> {
    fn from(s: &str) -> Self {
        let mut t = Self::new();
        t.push_str(s);
        t
    }
}

impl<const N: usize> PartialOrd for ShortText<N> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<const N: usize> Ord for ShortText<N> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // UTF-8 bytes sort as their characters do.
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl<const N: usize> PartialEq<&str> for ShortText<N> {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl<const N: usize> PartialEq<str> for ShortText<N> {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl<const N: usize> fmt::Debug for ShortText<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> fmt::Display for ShortText<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_fits_and_whole_characters_only() {
        let mut t = ShortText::<4>::new();
        assert!(t.push_str("ab"));
        assert!(t.push(b'c'));
        assert!(
            !t.push_str("éx"),
            "a two-byte character does not fit in one byte"
        );
        assert_eq!(t, "abc");
        assert!(t.push(b'd'));
        assert!(!t.push(b'e'));
        assert_eq!(t.as_str(), "abcd");
        assert!(
            !ShortText::<4>::new().push(0xc3),
            "a lone UTF-8 lead byte is refused"
        );
    }

    #[test]
    fn orders_as_text() {
        let (a, b) = (ShortText::<8>::from("b"), ShortText::<8>::from("ab"));
        assert!(b < a);
        assert_eq!(format!("{a}/{b:?}"), "b/\"ab\"");
    }
}
