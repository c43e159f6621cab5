//! Linux cooked capture v2 headers (LINKTYPE_LINUX_SLL2).

use super::{u16_at, u32_at};

mod field {
    use crate::wire::Field;
    pub const PROTOCOL: Field = 0..2;
    pub const INTERFACE_INDEX: Field = 4..8;
    pub const HATYPE: Field = 8..10;
    pub const PACKET_TYPE: usize = 10;
    pub const ADDRESS_LEN: usize = 11;
    pub const ADDRESS: Field = 12..20;
}

/// Bytes of the header.
pub const HEADER_LEN: usize = field::ADDRESS.end;

super::fixed_header!(
    /// A cooked-capture v2 header and the packet after it.
    "sll2"
);

impl<'a> Header<'a> {
    /// The protocol: an ethertype, or a Linux packet type up to 0x00ff.
    #[inline]
    pub fn protocol(&self) -> u16 {
        u16_at(self.b, field::PROTOCOL)
    }

    /// The index of the interface the packet was captured on.
    #[inline]
    pub fn interface_index(&self) -> u32 {
        u32_at(self.b, field::INTERFACE_INDEX)
    }

    /// The ARPHRD_* hardware type ([`super::numbers::arphrd`]).
    #[inline]
    pub fn hatype(&self) -> u16 {
        u16_at(self.b, field::HATYPE)
    }

    /// The packet type (0: to us, 4: sent by us, …).
    #[inline]
    pub fn packet_type(&self) -> u8 {
        self.b[field::PACKET_TYPE]
    }

    /// The link-layer address, as long as its length field says (at most 8 bytes).
    #[inline]
    pub fn address(&self) -> &'a [u8] {
        let len = usize::from(self.b[field::ADDRESS_LEN]).min(field::ADDRESS.len());
        &self.b[field::ADDRESS][..len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    static HEADER: [u8; 21] = [
        0x86, 0xdd, 0, 0, // IPv6, reserved
        0, 0, 0, 3, // interface 3
        0x00, 0x01, 0x00, 0x06, // Ethernet, to us, 6-byte address
        2, 0, 0, 0, 0, 1, 0, 0, 0x60,
    ];

    #[test]
    fn deconstruct() {
        let h = Header::new_checked(&HEADER).expect("a view");
        assert_eq!(
            (h.protocol(), h.interface_index(), h.hatype()),
            (0x86dd, 3, 1)
        );
        assert_eq!((h.packet_type(), h.address()), (0, &[2, 0, 0, 0, 0, 1][..]));
        assert_eq!(h.payload(), [0x60]);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&HEADER[..19]),
            Err(Error::Truncated {
                header: "sll2",
                required: 20,
                len: 19
            })
        ));
    }
}
