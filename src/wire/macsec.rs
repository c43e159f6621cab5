//! IEEE 802.1AE MACsec: the SecTAG after its ethertype, the secure data and the ICV.
//!
//! Only frames whose data is neither encrypted nor changed ([`Header::is_plain`]) show the
//! protected frame's ethertype and payload, through [`Header::protected`].

use super::{need, u16_at, u32_at, Result};

mod field {
    use crate::wire::Field;
    pub const TCI_AN: usize = 0;
    pub const SHORT_LENGTH: usize = 1;
    pub const PACKET_NUMBER: Field = 2..6;
}

/// Bytes of a SecTAG without the secure channel identifier.
pub const HEADER_LEN: usize = field::PACKET_NUMBER.end;
/// Bytes of the secure channel identifier, when the SC bit says it is present.
pub const SCI_LEN: usize = 8;
/// Bytes of the integrity check value at the end of the frame.
pub const ICV_LEN: usize = 16;

const TCI_SC: u8 = 0x20;
const TCI_ENCRYPTED: u8 = 0x08;
const TCI_CHANGED: u8 = 0x04;

/// A SecTAG and the frame's remaining bytes.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    b: &'a [u8],
}

impl<'a> Header<'a> {
    /// A view of `b`, which must hold the SecTAG's fixed part.
    #[inline]
    pub fn new_checked(b: &'a [u8]) -> Result<Self> {
        need("macsec", b, HEADER_LEN)?;
        Ok(Header { b })
    }

    /// The tag control information with the association number.
    #[inline]
    pub fn tci_an(&self) -> u8 {
        self.b[field::TCI_AN]
    }

    /// The short length (the secure data's length when under 48 bytes, else 0).
    #[inline]
    pub fn short_length(&self) -> u8 {
        self.b[field::SHORT_LENGTH] & 0x3f
    }

    /// The packet number.
    #[inline]
    pub fn packet_number(&self) -> u32 {
        u32_at(self.b, field::PACKET_NUMBER)
    }

    /// The SecTAG's length: with the secure channel identifier or without.
    #[inline]
    pub fn sectag_len(&self) -> usize {
        if self.tci_an() & TCI_SC != 0 {
            HEADER_LEN + SCI_LEN
        } else {
            HEADER_LEN
        }
    }

    /// Whether the data is neither encrypted nor changed, so it can be read.
    #[inline]
    pub fn is_plain(&self) -> bool {
        self.tci_an() & (TCI_ENCRYPTED | TCI_CHANGED) == 0
    }

    /// The protected frame: its ethertype and data, between the SecTAG and the ICV.
    #[inline]
    pub fn protected(&self) -> Result<Protected<'a>> {
        let start = self.sectag_len();
        need("macsec", self.b, start + 2 + ICV_LEN)?;
        Ok(Protected {
            ethertype: u16_at(self.b, start..start + 2),
            payload: &self.b[start + 2..self.b.len() - ICV_LEN],
        })
    }
}

/// The frame a MACsec frame protects without encrypting it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Protected<'a> {
    /// Its ethertype.
    pub ethertype: u16,
    /// Its payload, without the ICV.
    pub payload: &'a [u8],
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    fn frame(tci: u8, data: &[u8]) -> Vec<u8> {
        let mut b = vec![tci, 0x05, 0, 0, 0, 9];
        if tci & TCI_SC != 0 {
            b.extend_from_slice(&[0x11; SCI_LEN]);
        }
        b.extend_from_slice(&[0x08, 0x00]);
        b.extend_from_slice(data);
        b.extend_from_slice(&[0xee; ICV_LEN]);
        b
    }

    #[test]
    fn deconstruct() {
        for tci in [0x00, TCI_SC] {
            let b = frame(tci, &[0x45, 1, 2]);
            let h = Header::new_checked(&b).expect("a view");
            assert_eq!((h.short_length(), h.packet_number()), (5, 9));
            assert!(h.is_plain());
            let p = h.protected().expect("a view");
            assert_eq!((p.ethertype, p.payload), (0x0800, &[0x45, 1, 2][..]));
        }
        let encrypted = frame(TCI_ENCRYPTED | TCI_CHANGED, &[1]);
        assert!(!Header::new_checked(&encrypted).expect("a view").is_plain());
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&[0; 5]),
            Err(Error::Truncated {
                header: "macsec",
                required: 6,
                len: 5
            })
        ));
        let b = frame(TCI_SC, &[]);
        let h = Header::new_checked(&b[..b.len() - 1]).expect("a view");
        assert!(matches!(
            h.protected(),
            Err(Error::Truncated {
                required: 32,
                len: 31,
                ..
            })
        ));
    }
}
