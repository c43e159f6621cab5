//! SCTP common headers (RFC 9260).

use super::{u16_at, u32_at};

mod field {
    use crate::wire::Field;
    pub const SOURCE_PORT: Field = 0..2;
    pub const DESTINATION_PORT: Field = 2..4;
    pub const VERIFICATION_TAG: Field = 4..8;
    pub const CHECKSUM: Field = 8..12;
}

/// Bytes of the common header.
pub const HEADER_LEN: usize = field::CHECKSUM.end;

super::fixed_header!(
    /// An SCTP common header and the chunks after it.
    "sctp"
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

    /// The verification tag.
    #[inline]
    pub fn verification_tag(&self) -> u32 {
        u32_at(self.b, field::VERIFICATION_TAG)
    }

    /// The CRC32c checksum.
    #[inline]
    pub fn checksum(&self) -> u32 {
        u32_at(self.b, field::CHECKSUM)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    static INIT: [u8; 13] = [
        0x0b, 0x59, 0x0b, 0x59, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 1,
    ];

    #[test]
    fn deconstruct() {
        let h = Header::new_checked(&INIT).expect("a view");
        assert_eq!((h.source_port(), h.destination_port()), (2905, 2905));
        assert_eq!((h.verification_tag(), h.checksum()), (0, 0x1234_5678));
        assert_eq!(h.payload(), [1]);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&INIT[..11]),
            Err(Error::Truncated {
                header: "sctp",
                required: 12,
                len: 11
            })
        ));
    }
}
