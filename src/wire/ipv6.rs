//! IPv6 fixed headers (RFC 8200). Extension headers are in [`super::ipv6_ext`].

use super::{need, u16_at, u32_at, Error, Result};

mod field {
    use crate::wire::Field;
    pub const VERSION_CLASS_LABEL: Field = 0..4;
    pub const PAYLOAD_LEN: Field = 4..6;
    pub const NEXT_HEADER: usize = 6;
    pub const HOP_LIMIT: usize = 7;
    pub const SOURCE: Field = 8..24;
    pub const DESTINATION: Field = 24..40;
}

/// Bytes of the fixed header.
pub const HEADER_LEN: usize = field::DESTINATION.end;

/// An IPv6 header and what follows it.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    b: &'a [u8],
}

impl<'a> Header<'a> {
    /// A view of `b`, which must hold the fixed header, of version 6.
    #[inline]
    pub fn new_checked(b: &'a [u8]) -> Result<Self> {
        need("ipv6", b, HEADER_LEN)?;
        let h = Header { b };
        if h.version() != 6 {
            return Err(Error::Malformed {
                header: "ipv6",
                what: "version is not 6",
            });
        }
        Ok(h)
    }

    /// The version field.
    #[inline]
    pub fn version(&self) -> u8 {
        self.b[0] >> 4
    }

    /// The traffic class.
    #[inline]
    pub fn traffic_class(&self) -> u8 {
        (u32_at(self.b, field::VERSION_CLASS_LABEL) >> 20) as u8
    }

    /// The flow label.
    #[inline]
    pub fn flow_label(&self) -> u32 {
        u32_at(self.b, field::VERSION_CLASS_LABEL) & 0x000f_ffff
    }

    /// The payload length field.
    #[inline]
    pub fn payload_len_field(&self) -> u16 {
        u16_at(self.b, field::PAYLOAD_LEN)
    }

    /// The payload's length, extension headers included: the payload length field, or the
    /// captured bytes when it is 0 (a jumbogram, or BIG TCP segmentation offload).
    #[inline]
    pub fn payload_len(&self) -> usize {
        match self.payload_len_field() {
            0 => self.b.len() - HEADER_LEN,
            len => usize::from(len),
        }
    }

    /// The first header after this one ([`super::numbers::ip_proto`] or an extension header).
    #[inline]
    pub fn next_header(&self) -> u8 {
        self.b[field::NEXT_HEADER]
    }

    /// The hop limit.
    #[inline]
    pub fn hop_limit(&self) -> u8 {
        self.b[field::HOP_LIMIT]
    }

    /// The source address.
    #[inline]
    pub fn source(&self) -> u128 {
        u128_at(self.b, field::SOURCE)
    }

    /// The destination address.
    #[inline]
    pub fn destination(&self) -> u128 {
        u128_at(self.b, field::DESTINATION)
    }

    /// The header and its payload as captured: up to the payload length, or less when cut short.
    /// Extension headers start at [`HEADER_LEN`].
    #[inline]
    pub fn packet(&self) -> &'a [u8] {
        &self.b[..(HEADER_LEN + self.payload_len()).min(self.b.len())]
    }
}

#[inline]
fn u128_at(b: &[u8], field: super::Field) -> u128 {
    let mut a = [0u8; 16];
    a.copy_from_slice(&b[field]);
    u128::from_be_bytes(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(payload_len: u16, payload: &[u8]) -> Vec<u8> {
        let mut b = vec![0x6b, 0x81, 0x23, 0x45];
        b.extend_from_slice(&payload_len.to_be_bytes());
        b.extend_from_slice(&[17, 64]);
        b.extend_from_slice(&[0xfe; 16]);
        b.extend_from_slice(&[0x20; 16]);
        b.extend_from_slice(payload);
        b
    }

    #[test]
    fn deconstruct() {
        let b = packet(2, &[7, 8, 9]);
        let h = Header::new_checked(&b).expect("a view");
        assert_eq!(
            (h.version(), h.traffic_class(), h.flow_label()),
            (6, 0xb8, 0x12345)
        );
        assert_eq!(
            (h.payload_len(), h.next_header(), h.hop_limit()),
            (2, 17, 64)
        );
        assert_eq!(h.source(), u128::from_be_bytes([0xfe; 16]));
        assert_eq!(h.destination(), u128::from_be_bytes([0x20; 16]));
        assert_eq!(
            &h.packet()[HEADER_LEN..],
            [7, 8],
            "bounded by the payload length"
        );
        let jumbo = packet(0, &[1, 2, 3]);
        assert_eq!(
            Header::new_checked(&jumbo).expect("a view").payload_len(),
            3
        );
    }

    #[test]
    fn impossible_length() {
        let b = packet(0, &[]);
        assert!(matches!(
            Header::new_checked(&b[..39]),
            Err(Error::Truncated {
                header: "ipv6",
                required: 40,
                len: 39
            })
        ));
        let mut v4 = b.clone();
        v4[0] = 0x45;
        assert!(matches!(
            Header::new_checked(&v4),
            Err(Error::Malformed { .. })
        ));
    }
}
