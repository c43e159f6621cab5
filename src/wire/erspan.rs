//! ERSPAN headers in GRE: type II (GRE protocol 0x88be with a sequence number; type I has the
//! same protocol, no sequence number and no header) and type III (0x22eb), with its optional
//! platform-specific subheader.

use super::{need, u16_at, u32_at, Result};

mod field {
    use crate::wire::Field;
    pub const VERSION_VLAN: Field = 0..2;
    pub const SESSION: Field = 2..4;
    pub const TIMESTAMP: Field = 4..8;
    pub const TYPE3_FLAGS: usize = 11;
}

/// Bytes of a type II header.
pub const TYPE2_HEADER_LEN: usize = 8;
/// Bytes of a type III header without the platform-specific subheader.
pub const TYPE3_HEADER_LEN: usize = 12;
/// Bytes of type III's platform-specific subheader.
pub const PLATFORM_SUBHEADER_LEN: usize = 8;

/// A type II or type III header.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    b: &'a [u8],
    len: usize,
}

impl<'a> Header<'a> {
    /// A type II header over `b`.
    #[inline]
    pub fn type2(b: &'a [u8]) -> Result<Self> {
        need("erspan", b, TYPE2_HEADER_LEN)?;
        Ok(Header {
            b,
            len: TYPE2_HEADER_LEN,
        })
    }

    /// A type III header over `b`, with the platform-specific subheader when its flag is set.
    #[inline]
    pub fn type3(b: &'a [u8]) -> Result<Self> {
        need("erspan", b, TYPE3_HEADER_LEN)?;
        let len = if b[field::TYPE3_FLAGS] & 1 != 0 {
            TYPE3_HEADER_LEN + PLATFORM_SUBHEADER_LEN
        } else {
            TYPE3_HEADER_LEN
        };
        need("erspan", b, len)?;
        Ok(Header { b, len })
    }

    /// The ERSPAN version (1: type II, 2: type III).
    #[inline]
    pub fn version(&self) -> u8 {
        (u16_at(self.b, field::VERSION_VLAN) >> 12) as u8
    }

    /// The original frame's VLAN.
    #[inline]
    pub fn vlan(&self) -> u16 {
        u16_at(self.b, field::VERSION_VLAN) & 0x0fff
    }

    /// The session identifier.
    #[inline]
    pub fn session(&self) -> u16 {
        u16_at(self.b, field::SESSION) & 0x03ff
    }

    /// The header's length.
    #[inline]
    pub fn header_len(&self) -> usize {
        self.len
    }

    /// Type III's timestamp (type II has the index there).
    #[inline]
    pub fn timestamp(&self) -> u32 {
        u32_at(self.b, field::TIMESTAMP)
    }

    /// The mirrored Ethernet frame.
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        &self.b[self.len..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    #[test]
    fn deconstruct() {
        let type2 = [0x10, 0x0a, 0x00, 0x64, 0, 0, 0, 0, 0x02];
        let h = Header::type2(&type2).expect("a view");
        assert_eq!((h.version(), h.vlan(), h.session()), (1, 10, 100));
        assert_eq!((h.header_len(), h.payload()), (8, &[0x02][..]));
        let mut type3 = vec![0x20, 0x00, 0x00, 0x01, 0, 0, 0x10, 0, 0, 0, 0, 0x01];
        type3.extend_from_slice(&[0; 8]);
        type3.push(0x02);
        let h = Header::type3(&type3).expect("a view");
        assert_eq!(
            (h.version(), h.timestamp(), h.header_len()),
            (2, 0x1000, 20)
        );
        assert_eq!(h.payload(), [0x02]);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::type2(&[0; 7]),
            Err(Error::Truncated {
                header: "erspan",
                required: 8,
                len: 7
            })
        ));
        let with_subheader = [0x20, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0];
        assert!(matches!(
            Header::type3(&with_subheader),
            Err(Error::Truncated {
                required: 20,
                len: 14,
                ..
            })
        ));
        assert!(Header::type3(&[0; 11]).is_err());
    }
}
