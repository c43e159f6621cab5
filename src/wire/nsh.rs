//! Network Service Header (RFC 8300): base header, service path header and context headers.

use super::{need, u24_at, Error, Result};

mod field {
    use crate::wire::Field;
    pub const VERSION_FLAGS: usize = 0;
    pub const LENGTH: usize = 1;
    pub const MD_TYPE: usize = 2;
    pub const NEXT_PROTOCOL: usize = 3;
    pub const SERVICE_PATH: Field = 4..7;
    pub const SERVICE_INDEX: usize = 7;
}

/// Bytes of the base and service path headers, the least a header can have.
pub const HEADER_LEN: usize = 8;

/// A Network Service Header and the packet it carries.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    b: &'a [u8],
}

impl<'a> Header<'a> {
    /// A view of `b`, which must hold the whole header as its length field gives it.
    #[inline]
    pub fn new_checked(b: &'a [u8]) -> Result<Self> {
        need("nsh", b, HEADER_LEN)?;
        let h = Header { b };
        if h.header_len() < HEADER_LEN {
            return Err(Error::Malformed {
                header: "nsh",
                what: "length below the base and service path headers",
            });
        }
        need("nsh", b, h.header_len())?;
        Ok(h)
    }

    /// The version (0).
    #[inline]
    pub fn version(&self) -> u8 {
        self.b[field::VERSION_FLAGS] >> 6
    }

    /// The header's length with its context headers, in bytes.
    #[inline]
    pub fn header_len(&self) -> usize {
        usize::from(self.b[field::LENGTH] & 0x3f) * 4
    }

    /// The metadata type (1: fixed context, 2: variable).
    #[inline]
    pub fn md_type(&self) -> u8 {
        self.b[field::MD_TYPE] & 0x0f
    }

    /// What follows ([`super::numbers::nsh_next`]).
    #[inline]
    pub fn next_protocol(&self) -> u8 {
        self.b[field::NEXT_PROTOCOL]
    }

    /// The service path identifier.
    #[inline]
    pub fn service_path(&self) -> u32 {
        u24_at(self.b, field::SERVICE_PATH)
    }

    /// The service index.
    #[inline]
    pub fn service_index(&self) -> u8 {
        self.b[field::SERVICE_INDEX]
    }

    /// The carried packet.
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        &self.b[self.header_len()..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::numbers::nsh_next;

    static MD2_IPV4: [u8; 14] = [
        0x00,
        0x03,
        0x02,
        nsh_next::IPV4,
        0x00,
        0x01,
        0x02,
        0xff, // base, path 0x102, index 255
        0x00,
        0x00,
        0x00,
        0x00, // one word of context
        0x45,
        0x00,
    ];

    #[test]
    fn deconstruct() {
        let h = Header::new_checked(&MD2_IPV4).expect("a view");
        assert_eq!((h.version(), h.header_len(), h.md_type()), (0, 12, 2));
        assert_eq!(h.next_protocol(), nsh_next::IPV4);
        assert_eq!((h.service_path(), h.service_index()), (0x102, 255));
        assert_eq!(h.payload(), [0x45, 0]);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&MD2_IPV4[..11]),
            Err(Error::Truncated {
                required: 12,
                len: 11,
                ..
            })
        ));
        let mut short = MD2_IPV4;
        short[1] = 1;
        assert!(matches!(
            Header::new_checked(&short),
            Err(Error::Malformed { .. })
        ));
        assert!(matches!(
            Header::new_checked(&MD2_IPV4[..7]),
            Err(Error::Truncated { required: 8, .. })
        ));
    }
}
