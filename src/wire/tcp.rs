//! TCP headers (RFC 9293).

use super::{need, u16_at, u32_at, Error, Result};

mod field {
    use crate::wire::Field;
    pub const SOURCE_PORT: Field = 0..2;
    pub const DESTINATION_PORT: Field = 2..4;
    pub const SEQUENCE: Field = 4..8;
    pub const ACKNOWLEDGMENT: Field = 8..12;
    pub const OFFSET_NS: usize = 12;
    pub const FLAGS: usize = 13;
    pub const WINDOW: Field = 14..16;
    pub const CHECKSUM: Field = 16..18;
    pub const URGENT: Field = 18..20;
}

/// Bytes of a header without options.
pub const HEADER_LEN: usize = field::URGENT.end;

/// TCP flag bits as they sit in the header's flags byte, plus NS as bit 8.
pub mod flags {
    /// FIN.
    pub const FIN: u16 = 0x001;
    /// SYN.
    pub const SYN: u16 = 0x002;
    /// RST.
    pub const RST: u16 = 0x004;
    /// PSH.
    pub const PSH: u16 = 0x008;
    /// ACK.
    pub const ACK: u16 = 0x010;
    /// URG.
    pub const URG: u16 = 0x020;
    /// ECE.
    pub const ECE: u16 = 0x040;
    /// CWR.
    pub const CWR: u16 = 0x080;
    /// NS (ECN nonce).
    pub const NS: u16 = 0x100;
    /// Names in bit order, as in reports.
    pub const NAMES: [&str; 9] = ["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns"];
}

/// A TCP header and the segment's data.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    b: &'a [u8],
}

impl<'a> Header<'a> {
    /// A view of `b`, which must hold the fixed header, with a data offset of at least 20 bytes.
    /// The options need not have been captured: only [`Header::payload`] looks past the fixed
    /// header, and it is empty when they were not.
    #[inline]
    pub fn new_checked(b: &'a [u8]) -> Result<Self> {
        need("tcp", b, HEADER_LEN)?;
        let h = Header { b };
        if h.header_len() < HEADER_LEN {
            return Err(Error::Malformed {
                header: "tcp",
                what: "data offset below 20 bytes",
            });
        }
        Ok(h)
    }

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

    /// The sequence number.
    #[inline]
    pub fn sequence(&self) -> u32 {
        u32_at(self.b, field::SEQUENCE)
    }

    /// The acknowledgment number.
    #[inline]
    pub fn acknowledgment(&self) -> u32 {
        u32_at(self.b, field::ACKNOWLEDGMENT)
    }

    /// The header's length with its options, in bytes.
    #[inline]
    pub fn header_len(&self) -> usize {
        usize::from(self.b[field::OFFSET_NS] >> 4) * 4
    }

    /// The flags ([`flags`]), NS included.
    #[inline]
    pub fn flags(&self) -> u16 {
        u16::from(self.b[field::FLAGS]) | u16::from(self.b[field::OFFSET_NS] & 1) << 8
    }

    /// The receive window field (unscaled).
    #[inline]
    pub fn window(&self) -> u16 {
        u16_at(self.b, field::WINDOW)
    }

    /// The checksum.
    #[inline]
    pub fn checksum(&self) -> u16 {
        u16_at(self.b, field::CHECKSUM)
    }

    /// The urgent pointer.
    #[inline]
    pub fn urgent(&self) -> u16 {
        u16_at(self.b, field::URGENT)
    }

    /// The segment's data as captured, after the options (empty when they were cut short).
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        self.b.get(self.header_len()..).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SYN_ACK: [u8; 26] = [
        0x01, 0xbb, 0xc3, 0x50, // 443 -> 50000
        0, 0, 0, 7, 0, 0, 0, 9, // seq 7, ack 9
        0x61, 0x12, 0x04, 0x00, // 24-byte header, NS, SYN+ACK, window 1024
        0xbe, 0xef, 0, 0, // checksum, urgent
        2, 4, 5, 0xb4, // MSS option
        0xaa, 0xbb,
    ];

    #[test]
    fn deconstruct() {
        let h = Header::new_checked(&SYN_ACK).expect("a view");
        assert_eq!((h.source_port(), h.destination_port()), (443, 50000));
        assert_eq!((h.sequence(), h.acknowledgment()), (7, 9));
        assert_eq!(h.header_len(), 24);
        assert_eq!(h.flags(), flags::NS | flags::SYN | flags::ACK);
        assert_eq!((h.window(), h.checksum(), h.urgent()), (1024, 0xbeef, 0));
        assert_eq!(h.payload(), [0xaa, 0xbb]);
        assert_eq!(
            Header::new_checked(&SYN_ACK[..22])
                .expect("a view")
                .payload(),
            [] as [u8; 0]
        );
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&SYN_ACK[..19]),
            Err(Error::Truncated {
                header: "tcp",
                required: 20,
                len: 19
            })
        ));
        let mut b = SYN_ACK;
        b[12] = 0x40;
        assert!(matches!(
            Header::new_checked(&b),
            Err(Error::Malformed { .. })
        ));
    }
}
