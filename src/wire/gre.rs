//! GRE headers (RFC 2784, RFC 2890) and the enhanced GRE of PPTP (RFC 2637).

use super::{need, u16_at, Result};

mod field {
    use crate::wire::Field;
    pub const FLAGS_VERSION: Field = 0..2;
    pub const PROTOCOL: Field = 2..4;
}

/// Bytes of the header without its optional fields.
pub const HEADER_LEN: usize = field::PROTOCOL.end;

const CHECKSUM_PRESENT: u16 = 0x8000;
const ROUTING_PRESENT: u16 = 0x4000;
const KEY_PRESENT: u16 = 0x2000;
const SEQUENCE_PRESENT: u16 = 0x1000;
const ACK_PRESENT: u16 = 0x0080;
const VERSION: u16 = 0x0007;
const VERSION_ENHANCED: u16 = 1;

/// A GRE header with its optional fields, and what it carries.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    b: &'a [u8],
}

impl<'a> Header<'a> {
    /// A view of `b`, which must hold the header with every optional field its flags announce.
    #[inline]
    pub fn new_checked(b: &'a [u8]) -> Result<Self> {
        need("gre", b, HEADER_LEN)?;
        let h = Header { b };
        need("gre", b, h.header_len())?;
        Ok(h)
    }

    /// The flags and version field.
    #[inline]
    pub fn flags(&self) -> u16 {
        u16_at(self.b, field::FLAGS_VERSION)
    }

    /// The version: 0, or 1 for PPTP's enhanced GRE.
    #[inline]
    pub fn version(&self) -> u16 {
        self.flags() & VERSION
    }

    /// Whether a sequence number is present.
    #[inline]
    pub fn has_sequence(&self) -> bool {
        self.flags() & SEQUENCE_PRESENT != 0
    }

    /// The payload's protocol, an ethertype.
    #[inline]
    pub fn protocol(&self) -> u16 {
        u16_at(self.b, field::PROTOCOL)
    }

    /// The header's length with its optional fields: checksum and offset (when the C or R bit is
    /// set), key, sequence number, and enhanced GRE's acknowledgment number.
    #[inline]
    pub fn header_len(&self) -> usize {
        let flags = self.flags();
        let mut len = HEADER_LEN;
        if flags & (CHECKSUM_PRESENT | ROUTING_PRESENT) != 0 {
            len += 4;
        }
        if flags & KEY_PRESENT != 0 {
            len += 4;
        }
        if flags & SEQUENCE_PRESENT != 0 {
            len += 4;
        }
        if flags & VERSION == VERSION_ENHANCED && flags & ACK_PRESENT != 0 {
            len += 4;
        }
        len
    }

    /// The bytes after the header.
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        &self.b[self.header_len()..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    #[test]
    fn deconstruct() {
        let plain = [0x00, 0x00, 0x08, 0x00, 0x45];
        let h = Header::new_checked(&plain).expect("a view");
        assert_eq!((h.version(), h.protocol(), h.header_len()), (0, 0x0800, 4));
        assert_eq!(h.payload(), [0x45]);
        let key_sequence = [0x30, 0x00, 0x65, 0x58, 0, 0, 0, 1, 0, 0, 0, 2, 0xaa];
        let h = Header::new_checked(&key_sequence).expect("a view");
        assert!(h.has_sequence());
        assert_eq!(
            (h.protocol(), h.header_len(), h.payload()),
            (0x6558, 12, &[0xaa][..])
        );
        let pptp = [
            0x30, 0x81, 0x88, 0x0b, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 2, 0xff,
        ];
        let h = Header::new_checked(&pptp).expect("a view");
        assert_eq!((h.version(), h.header_len()), (1, 16));
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&[0, 0, 8]),
            Err(Error::Truncated {
                header: "gre",
                required: 4,
                len: 3
            })
        ));
        let checksum = [0x80, 0x00, 0x08, 0x00, 0, 0, 0];
        assert!(matches!(
            Header::new_checked(&checksum),
            Err(Error::Truncated {
                required: 8,
                len: 7,
                ..
            })
        ));
    }
}
