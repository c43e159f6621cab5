//! IPv4 headers (RFC 791).

use super::{need, u16_at, u32_at, Error, Result};

mod field {
    use crate::wire::Field;
    pub const VERSION_IHL: usize = 0;
    pub const DSCP_ECN: usize = 1;
    pub const TOTAL_LEN: Field = 2..4;
    pub const IDENT: Field = 4..6;
    pub const FLAGS_FRAGMENT: Field = 6..8;
    pub const TTL: usize = 8;
    pub const PROTOCOL: usize = 9;
    pub const CHECKSUM: Field = 10..12;
    pub const SOURCE: Field = 12..16;
    pub const DESTINATION: Field = 16..20;
}

/// Bytes of a header without options.
pub const HEADER_LEN: usize = field::DESTINATION.end;

const MORE_FRAGMENTS: u16 = 0x2000;
const DONT_FRAGMENT: u16 = 0x4000;
const FRAGMENT_OFFSET: u16 = 0x1fff;

/// An IPv4 header and the datagram's payload.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    b: &'a [u8],
    /// From the IHL field, checked against the captured bytes.
    header_len: usize,
    /// From the total length field, see [`Header::datagram_len`].
    datagram_len: usize,
}

impl<'a> Header<'a> {
    /// A view of `b`, which must hold the whole header with its options, of version 4, with a
    /// total length (when not 0, see [`Header::datagram_len`]) no shorter than the header.
    #[inline]
    pub fn new_checked(b: &'a [u8]) -> Result<Self> {
        need("ipv4", b, HEADER_LEN)?;
        if b[field::VERSION_IHL] >> 4 != 4 {
            return Err(malformed("version is not 4"));
        }
        let header_len = usize::from(b[field::VERSION_IHL] & 0x0f) * 4;
        if header_len < HEADER_LEN {
            return Err(malformed("header length below 20 bytes"));
        }
        let datagram_len = match u16_at(b, field::TOTAL_LEN) {
            0 => b.len(),
            len => usize::from(len),
        };
        if datagram_len < header_len {
            return Err(malformed("total length below the header length"));
        }
        need("ipv4", b, header_len)?;
        Ok(Header {
            b,
            header_len,
            datagram_len,
        })
    }

    /// The version field.
    #[inline]
    pub fn version(&self) -> u8 {
        self.b[field::VERSION_IHL] >> 4
    }

    /// The header's length with its options, in bytes.
    #[inline]
    pub fn header_len(&self) -> usize {
        self.header_len
    }

    /// The differentiated services code point.
    #[inline]
    pub fn dscp(&self) -> u8 {
        self.b[field::DSCP_ECN] >> 2
    }

    /// The total length field.
    #[inline]
    pub fn total_len(&self) -> u16 {
        u16_at(self.b, field::TOTAL_LEN)
    }

    /// The datagram's length: the total length field, or the captured bytes when it is 0 (what
    /// TCP segmentation offload leaves in captures taken on the sending host).
    #[inline]
    pub fn datagram_len(&self) -> usize {
        self.datagram_len
    }

    /// The identification field.
    #[inline]
    pub fn ident(&self) -> u16 {
        u16_at(self.b, field::IDENT)
    }

    /// Whether the don't-fragment flag is set.
    #[inline]
    pub fn dont_fragment(&self) -> bool {
        u16_at(self.b, field::FLAGS_FRAGMENT) & DONT_FRAGMENT != 0
    }

    /// Whether more fragments follow.
    #[inline]
    pub fn more_fragments(&self) -> bool {
        u16_at(self.b, field::FLAGS_FRAGMENT) & MORE_FRAGMENTS != 0
    }

    /// Where this fragment's data sits in the datagram, in bytes.
    #[inline]
    pub fn fragment_offset(&self) -> u32 {
        u32::from(u16_at(self.b, field::FLAGS_FRAGMENT) & FRAGMENT_OFFSET) * 8
    }

    /// The time to live.
    #[inline]
    pub fn ttl(&self) -> u8 {
        self.b[field::TTL]
    }

    /// The payload's protocol ([`super::numbers::ip_proto`]).
    #[inline]
    pub fn protocol(&self) -> u8 {
        self.b[field::PROTOCOL]
    }

    /// The header checksum.
    #[inline]
    pub fn checksum(&self) -> u16 {
        u16_at(self.b, field::CHECKSUM)
    }

    /// The source address.
    #[inline]
    pub fn source(&self) -> u32 {
        u32_at(self.b, field::SOURCE)
    }

    /// The destination address.
    #[inline]
    pub fn destination(&self) -> u32 {
        u32_at(self.b, field::DESTINATION)
    }

    /// The payload's length by the header's own lengths.
    #[inline]
    pub fn payload_len(&self) -> usize {
        self.datagram_len - self.header_len
    }

    /// The payload as captured: up to the datagram's length, or less when cut short.
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        &self.b[self.header_len..self.datagram_len.min(self.b.len())]
    }
}

fn malformed(what: &'static str) -> Error {
    Error::Malformed {
        header: "ipv4",
        what,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static UDP_FRAGMENT: [u8; 24] = [
        0x45, 0xb8, 0x00, 0x1c, // DSCP 46, total length 28
        0x12, 0x34, 0x20, 0x02, // ident, more fragments, offset 2 (16 bytes)
        0x40, 0x11, 0xab, 0xcd, // TTL 64, UDP, checksum
        10, 0, 0, 1, 10, 0, 0, 2, //
        1, 2, 3, 4,
    ];

    #[test]
    fn deconstruct() {
        let h = Header::new_checked(&UDP_FRAGMENT).expect("a view");
        assert_eq!((h.version(), h.header_len(), h.dscp()), (4, 20, 46));
        assert_eq!(
            (h.total_len(), h.datagram_len(), h.payload_len()),
            (28, 28, 8)
        );
        assert_eq!(
            (h.ident(), h.dont_fragment(), h.more_fragments()),
            (0x1234, false, true)
        );
        assert_eq!(h.fragment_offset(), 16);
        assert_eq!((h.ttl(), h.protocol(), h.checksum()), (64, 17, 0xabcd));
        assert_eq!((h.source(), h.destination()), (0x0a00_0001, 0x0a00_0002));
        assert_eq!(h.payload(), [1, 2, 3, 4], "cut short: what was captured");
    }

    #[test]
    fn a_zero_total_length_is_the_captured_length() {
        let mut b = UDP_FRAGMENT;
        b[2..4].copy_from_slice(&[0, 0]);
        let h = Header::new_checked(&b).expect("a view");
        assert_eq!((h.datagram_len(), h.payload().len()), (24, 4));
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&UDP_FRAGMENT[..19]),
            Err(Error::Truncated {
                header: "ipv4",
                required: 20,
                len: 19
            })
        ));
        let mut options = UDP_FRAGMENT;
        options[0] = 0x46;
        assert!(matches!(
            Header::new_checked(&options[..23]),
            Err(Error::Truncated {
                required: 24,
                len: 23,
                ..
            })
        ));
        let mut b = UDP_FRAGMENT;
        b[0] = 0x44;
        assert!(matches!(
            Header::new_checked(&b),
            Err(Error::Malformed { .. })
        ));
        b[0] = 0x65;
        assert!(matches!(
            Header::new_checked(&b),
            Err(Error::Malformed { .. })
        ));
        b[0] = 0x45;
        b[2..4].copy_from_slice(&[0, 19]);
        assert!(matches!(
            Header::new_checked(&b),
            Err(Error::Malformed { .. })
        ));
    }
}
