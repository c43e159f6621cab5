//! GTP user-plane headers (GTPv1-U, 3GPP TS 29.281), with the optional fields and the chain of
//! extension headers.

use super::{need, u16_at, u32_at, Result};

mod field {
    use crate::wire::Field;
    pub const FLAGS: usize = 0;
    pub const MESSAGE_TYPE: usize = 1;
    pub const LENGTH: Field = 2..4;
    pub const TEID: Field = 4..8;
    pub const NEXT_EXTENSION: usize = 11;
}

/// Bytes of the mandatory header.
pub const HEADER_LEN: usize = 8;
/// Bytes of the header with the sequence number, N-PDU number and next extension type, present
/// when any of the E, S or PN flags is set.
pub const OPTIONAL_HEADER_LEN: usize = 12;
/// The message type of a user datagram (T-PDU).
pub const G_PDU: u8 = 0xff;

const OPTIONAL_FIELDS: u8 = 0x07;

/// A GTP header and what follows it.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    b: &'a [u8],
}

impl<'a> Header<'a> {
    /// A view of `b`, which must hold the mandatory header.
    #[inline]
    pub fn new_checked(b: &'a [u8]) -> Result<Self> {
        need("gtp", b, HEADER_LEN)?;
        Ok(Header { b })
    }

    /// The version: 1 for GTPv1 (GTP' and GTPv2 carry signalling, not user datagrams).
    #[inline]
    pub fn version(&self) -> u8 {
        self.b[field::FLAGS] >> 5
    }

    /// The message type ([`G_PDU`] for a user datagram).
    #[inline]
    pub fn message_type(&self) -> u8 {
        self.b[field::MESSAGE_TYPE]
    }

    /// The length field: the bytes after the mandatory header.
    #[inline]
    pub fn length(&self) -> u16 {
        u16_at(self.b, field::LENGTH)
    }

    /// The tunnel endpoint identifier.
    #[inline]
    pub fn teid(&self) -> u32 {
        u32_at(self.b, field::TEID)
    }

    /// The carried datagram, after the optional fields and every extension header, each of which
    /// must have been captured.
    #[inline]
    pub fn payload(&self) -> Result<&'a [u8]> {
        let b = self.b;
        if b[field::FLAGS] & OPTIONAL_FIELDS == 0 {
            return Ok(&b[HEADER_LEN..]);
        }
        need("gtp", b, OPTIONAL_HEADER_LEN)?;
        let mut next = b[field::NEXT_EXTENSION];
        let mut at = OPTIONAL_HEADER_LEN;
        while next != 0 {
            // Each extension header gives its length in 4-byte units and ends with the next type.
            need("gtp extension", b, at + 1)?;
            let len = usize::from(b[at]) * 4;
            if len == 0 {
                return Err(super::Error::Malformed {
                    header: "gtp extension",
                    what: "length 0",
                });
            }
            need("gtp extension", b, at + len)?;
            next = b[at + len - 1];
            at += len;
        }
        Ok(&b[at..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    #[test]
    fn deconstruct() {
        let plain = [0x30, G_PDU, 0x00, 0x01, 0, 0, 0, 9, 0x45];
        let h = Header::new_checked(&plain).expect("a view");
        assert_eq!(
            (h.version(), h.message_type(), h.length(), h.teid()),
            (1, G_PDU, 1, 9)
        );
        assert_eq!(h.payload().expect("a view"), [0x45]);
        let with_extension = [
            0x34, G_PDU, 0, 0, 0, 0, 0, 1, // E flag
            0, 0, 0, 0x85, // sequence, N-PDU, PDU session container follows
            1, 0x10, 0x05, 0x00, // one 4-byte extension, no more
            0x45,
        ];
        let h = Header::new_checked(&with_extension).expect("a view");
        assert_eq!(h.payload().expect("a view"), [0x45]);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&[0x30, G_PDU, 0, 0, 0, 0, 0]),
            Err(Error::Truncated {
                header: "gtp",
                required: 8,
                len: 7
            })
        ));
        let optional_cut = [0x32, G_PDU, 0, 0, 0, 0, 0, 1, 0, 0, 0];
        assert!(matches!(
            Header::new_checked(&optional_cut)
                .expect("a view")
                .payload(),
            Err(Error::Truncated {
                required: 12,
                len: 11,
                ..
            })
        ));
        let extension_cut = [0x34, G_PDU, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x85, 2, 0, 0, 0];
        assert!(matches!(
            Header::new_checked(&extension_cut)
                .expect("a view")
                .payload(),
            Err(Error::Truncated {
                required: 20,
                len: 16,
                ..
            })
        ));
        let zero = [0x34, G_PDU, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x85, 0, 0, 0, 0];
        assert!(matches!(
            Header::new_checked(&zero).expect("a view").payload(),
            Err(Error::Malformed { .. })
        ));
    }
}
