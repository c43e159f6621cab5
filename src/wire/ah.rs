//! IP Authentication Headers (RFC 4302).

use super::{need, u32_at, Result};

mod field {
    use crate::wire::Field;
    pub const NEXT_HEADER: usize = 0;
    pub const LENGTH: usize = 1;
    pub const SPI: Field = 4..8;
    pub const SEQUENCE: Field = 8..12;
}

/// Bytes of the header without the integrity check value.
pub const HEADER_LEN: usize = field::SEQUENCE.end;

/// An authentication header and what follows it.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    b: &'a [u8],
}

impl<'a> Header<'a> {
    /// A view of `b`, which must hold the fixed part and the whole header its length gives.
    #[inline]
    pub fn new_checked(b: &'a [u8]) -> Result<Self> {
        need("ah", b, HEADER_LEN)?;
        let h = Header { b };
        need("ah", b, h.header_len())?;
        Ok(h)
    }

    /// The header after this one.
    #[inline]
    pub fn next_header(&self) -> u8 {
        self.b[field::NEXT_HEADER]
    }

    /// The header's length in bytes, integrity check value included.
    #[inline]
    pub fn header_len(&self) -> usize {
        header_len(self.b[field::LENGTH])
    }

    /// The security parameters index.
    #[inline]
    pub fn spi(&self) -> u32 {
        u32_at(self.b, field::SPI)
    }

    /// The sequence number.
    #[inline]
    pub fn sequence(&self) -> u32 {
        u32_at(self.b, field::SEQUENCE)
    }

    /// The bytes after the header.
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        &self.b[self.header_len()..]
    }
}

/// An AH's length in bytes from its length field, which counts 4-octet units minus 2 (unlike
/// other IPv6 extension headers).
#[inline]
pub fn header_len(length_field: u8) -> usize {
    (usize::from(length_field) + 2) * 4
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    static AH: [u8; 25] = [
        6, 4, 0, 0, // TCP next, 24 bytes
        0, 0, 0x10, 0x01, // SPI
        0, 0, 0, 7, // sequence
        0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, // ICV
        0x45,
    ];

    #[test]
    fn deconstruct() {
        let h = Header::new_checked(&AH).expect("a view");
        assert_eq!((h.next_header(), h.header_len()), (6, 24));
        assert_eq!((h.spi(), h.sequence()), (0x1001, 7));
        assert_eq!(h.payload(), [0x45]);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&AH[..23]),
            Err(Error::Truncated {
                header: "ah",
                required: 24,
                len: 23
            })
        ));
        assert!(matches!(
            Header::new_checked(&AH[..11]),
            Err(Error::Truncated { required: 12, .. })
        ));
    }
}
