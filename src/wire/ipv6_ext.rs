//! IPv6 extension headers (RFC 8200): the common layout and the fragment header. AH, which
//! counts its length in other units, is in [`super::ah`].

use super::{need, u16_at, u32_at, Result};

mod field {
    use crate::wire::Field;
    pub const NEXT_HEADER: usize = 0;
    pub const LENGTH: usize = 1;
    pub const FRAGMENT_OFFSET_FLAGS: Field = 2..4;
    pub const FRAGMENT_IDENT: Field = 4..8;
}

/// Bytes of the next-header and length fields every extension header starts with.
pub const HEADER_LEN: usize = 2;
/// Bytes of a fragment header.
pub const FRAGMENT_HEADER_LEN: usize = field::FRAGMENT_IDENT.end;

/// The start of an extension header with the common layout.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    b: &'a [u8],
}

impl<'a> Header<'a> {
    /// A view of `b`, which must hold the next-header and length fields.
    #[inline]
    pub fn new_checked(b: &'a [u8]) -> Result<Self> {
        need("ipv6 extension", b, HEADER_LEN)?;
        Ok(Header { b })
    }

    /// The header after this one.
    #[inline]
    pub fn next_header(&self) -> u8 {
        self.b[field::NEXT_HEADER]
    }

    /// The length field.
    #[inline]
    pub fn length(&self) -> u8 {
        self.b[field::LENGTH]
    }

    /// The header's length in bytes: the field counts 8-octet units after the first.
    #[inline]
    pub fn header_len(&self) -> usize {
        (usize::from(self.length()) + 1) * 8
    }
}

/// A fragment header.
#[derive(Debug, Clone, Copy)]
pub struct Fragment<'a> {
    b: &'a [u8],
}

impl<'a> Fragment<'a> {
    /// A view of `b`, which must hold the whole fragment header.
    #[inline]
    pub fn new_checked(b: &'a [u8]) -> Result<Self> {
        need("ipv6 fragment", b, FRAGMENT_HEADER_LEN)?;
        Ok(Fragment { b })
    }

    /// The header after this one.
    #[inline]
    pub fn next_header(&self) -> u8 {
        self.b[field::NEXT_HEADER]
    }

    /// Where this fragment's data sits in the datagram, in bytes.
    #[inline]
    pub fn offset(&self) -> u32 {
        u32::from(u16_at(self.b, field::FRAGMENT_OFFSET_FLAGS) >> 3) * 8
    }

    /// Whether more fragments follow.
    #[inline]
    pub fn more_fragments(&self) -> bool {
        u16_at(self.b, field::FRAGMENT_OFFSET_FLAGS) & 1 != 0
    }

    /// The datagram's identification.
    #[inline]
    pub fn ident(&self) -> u32 {
        u32_at(self.b, field::FRAGMENT_IDENT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    #[test]
    fn deconstruct() {
        let hop_by_hop = [17, 1, 0, 0, 0, 0, 0, 0];
        let h = Header::new_checked(&hop_by_hop).expect("a view");
        assert_eq!((h.next_header(), h.length(), h.header_len()), (17, 1, 16));
        let fragment = [6, 0, 0x00, 0xb9, 0xde, 0xad, 0xbe, 0xef];
        let f = Fragment::new_checked(&fragment).expect("a view");
        assert_eq!(
            (f.next_header(), f.offset(), f.more_fragments()),
            (6, 184, true)
        );
        assert_eq!(f.ident(), 0xdead_beef);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&[17]),
            Err(Error::Truncated {
                required: 2,
                len: 1,
                ..
            })
        ));
        assert!(matches!(
            Fragment::new_checked(&[6, 0, 0, 1, 0, 0, 0]),
            Err(Error::Truncated {
                header: "ipv6 fragment",
                required: 8,
                len: 7
            })
        ));
    }
}
