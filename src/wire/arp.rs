//! ARP and RARP (RFC 826): the fixed part before the addresses.

use super::u16_at;

mod field {
    use crate::wire::Field;
    pub const HARDWARE_TYPE: Field = 0..2;
    pub const PROTOCOL_TYPE: Field = 2..4;
    pub const HARDWARE_LEN: usize = 4;
    pub const PROTOCOL_LEN: usize = 5;
    pub const OPERATION: Field = 6..8;
}

/// Bytes of the fixed part.
pub const HEADER_LEN: usize = field::OPERATION.end;

super::fixed_header!(
    /// An ARP packet's fixed part and its addresses.
    "arp"
);

impl Header<'_> {
    /// The hardware type (1: Ethernet).
    #[inline]
    pub fn hardware_type(&self) -> u16 {
        u16_at(self.b, field::HARDWARE_TYPE)
    }

    /// The protocol type, an ethertype.
    #[inline]
    pub fn protocol_type(&self) -> u16 {
        u16_at(self.b, field::PROTOCOL_TYPE)
    }

    /// Bytes of a hardware address.
    #[inline]
    pub fn hardware_len(&self) -> u8 {
        self.b[field::HARDWARE_LEN]
    }

    /// Bytes of a protocol address.
    #[inline]
    pub fn protocol_len(&self) -> u8 {
        self.b[field::PROTOCOL_LEN]
    }

    /// The operation (1: request, 2: reply).
    #[inline]
    pub fn operation(&self) -> u16 {
        u16_at(self.b, field::OPERATION)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    #[test]
    fn deconstruct() {
        let request = [0, 1, 0x08, 0, 6, 4, 0, 1, 2];
        let h = Header::new_checked(&request).expect("a view");
        assert_eq!((h.hardware_type(), h.protocol_type()), (1, 0x0800));
        assert_eq!(
            (h.hardware_len(), h.protocol_len(), h.operation()),
            (6, 4, 1)
        );
        assert_eq!(h.payload(), [2]);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&[0, 1, 8, 0, 6, 4, 0]),
            Err(Error::Truncated {
                header: "arp",
                required: 8,
                len: 7
            })
        ));
    }
}
