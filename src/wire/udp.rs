//! UDP headers (RFC 768).

use super::u16_at;

mod field {
    use crate::wire::Field;
    pub const SOURCE_PORT: Field = 0..2;
    pub const DESTINATION_PORT: Field = 2..4;
    pub const LENGTH: Field = 4..6;
    pub const CHECKSUM: Field = 6..8;
}

/// Bytes of the header.
pub const HEADER_LEN: usize = field::CHECKSUM.end;

super::fixed_header!(
    /// A UDP header and the datagram's data.
    "udp"
);

impl Header<'_> {
    /// The source port.
    #[inline]
    pub fn source_port(&self) -> u16 {
        u16_at(self.b, field::SOURCE_PORT)
    }

    /// The destination port.
    #[inline]
    pub fn destination_port(&self) -> u16 {
        u16_at(self.b, field::DESTINATION_PORT)
    }

    /// The length field: header and data (0 in an IPv6 jumbogram).
    #[inline]
    pub fn length(&self) -> u16 {
        u16_at(self.b, field::LENGTH)
    }

    /// The checksum.
    #[inline]
    pub fn checksum(&self) -> u16 {
        u16_at(self.b, field::CHECKSUM)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    static DNS_QUERY: [u8; 11] = [0x9c, 0x40, 0x00, 0x35, 0x00, 0x0b, 0x12, 0x34, 1, 2, 3];

    #[test]
    fn deconstruct() {
        let h = Header::new_checked(&DNS_QUERY).expect("a view");
        assert_eq!((h.source_port(), h.destination_port()), (40000, 53));
        assert_eq!((h.length(), h.checksum()), (11, 0x1234));
        assert_eq!(h.payload(), [1, 2, 3]);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&DNS_QUERY[..7]),
            Err(Error::Truncated {
                header: "udp",
                required: 8,
                len: 7
            })
        ));
    }
}
