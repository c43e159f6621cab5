//! Geneve headers (RFC 8926).

use super::{need, u16_at, u24_at, Result};

mod field {
    use crate::wire::Field;
    pub const VERSION_OPTIONS_LEN: usize = 0;
    pub const FLAGS: usize = 1;
    pub const PROTOCOL: Field = 2..4;
    pub const VNI: Field = 4..7;
}

/// Bytes of the header without options.
pub const HEADER_LEN: usize = 8;

/// A Geneve header with its options, and what it carries.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    b: &'a [u8],
}

impl<'a> Header<'a> {
    /// A view of `b`, which must hold the header and its options.
    #[inline]
    pub fn new_checked(b: &'a [u8]) -> Result<Self> {
        need("geneve", b, HEADER_LEN)?;
        let h = Header { b };
        need("geneve", b, h.header_len())?;
        Ok(h)
    }

    /// The version (0).
    #[inline]
    pub fn version(&self) -> u8 {
        self.b[field::VERSION_OPTIONS_LEN] >> 6
    }

    /// The header's length with its options, in bytes.
    #[inline]
    pub fn header_len(&self) -> usize {
        HEADER_LEN + usize::from(self.b[field::VERSION_OPTIONS_LEN] & 0x3f) * 4
    }

    /// Whether this is a control message (the O bit).
    #[inline]
    pub fn is_control(&self) -> bool {
        self.b[field::FLAGS] & 0x80 != 0
    }

    /// The payload's protocol, an ethertype (0x6558 for Ethernet).
    #[inline]
    pub fn protocol(&self) -> u16 {
        u16_at(self.b, field::PROTOCOL)
    }

    /// The virtual network identifier.
    #[inline]
    pub fn vni(&self) -> u32 {
        u24_at(self.b, field::VNI)
    }

    /// The options.
    #[inline]
    pub fn options(&self) -> &'a [u8] {
        &self.b[HEADER_LEN..self.header_len()]
    }

    /// The bytes after the options.
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        &self.b[self.header_len()..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    static WITH_OPTION: [u8; 17] = [
        0x02, 0x00, 0x65, 0x58, 0x00, 0x00, 0x2a,
        0x00, // 8 bytes of options, Ethernet, VNI 42
        0x01, 0x02, 0x03, 0x01, 0xde, 0xad, 0xbe, 0xef, // one option
        0x02,
    ];

    #[test]
    fn deconstruct() {
        let h = Header::new_checked(&WITH_OPTION).expect("a view");
        assert_eq!(
            (h.version(), h.header_len(), h.is_control()),
            (0, 16, false)
        );
        assert_eq!((h.protocol(), h.vni()), (0x6558, 42));
        assert_eq!(h.options().len(), 8);
        assert_eq!(h.payload(), [0x02]);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&WITH_OPTION[..15]),
            Err(Error::Truncated {
                header: "geneve",
                required: 16,
                len: 15
            })
        ));
        assert!(Header::new_checked(&WITH_OPTION[..7]).is_err());
    }
}
