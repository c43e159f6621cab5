//! Linux cooked capture v1 headers (LINKTYPE_LINUX_SLL).

use super::u16_at;

mod field {
    use crate::wire::Field;
    pub const PACKET_TYPE: Field = 0..2;
    pub const HATYPE: Field = 2..4;
    pub const ADDRESS_LEN: Field = 4..6;
    pub const ADDRESS: Field = 6..14;
    pub const PROTOCOL: Field = 14..16;
}

/// Bytes of the header.
pub const HEADER_LEN: usize = field::PROTOCOL.end;

super::fixed_header!(
    /// A cooked-capture header and the packet after it.
    "sll"
);

impl<'a> Header<'a> {
    /// The packet type (0: to us, 4: sent by us, …).
    #[inline]
    pub fn packet_type(&self) -> u16 {
        u16_at(self.b, field::PACKET_TYPE)
    }

    /// The ARPHRD_* hardware type ([`super::numbers::arphrd`]).
    #[inline]
    pub fn hatype(&self) -> u16 {
        u16_at(self.b, field::HATYPE)
    }

    /// The link-layer address, as long as its length field says (at most 8 bytes).
    #[inline]
    pub fn address(&self) -> &'a [u8] {
        let len = usize::from(u16_at(self.b, field::ADDRESS_LEN)).min(field::ADDRESS.len());
        &self.b[field::ADDRESS][..len]
    }

    /// The protocol: an ethertype, or a Linux packet type up to 0x00ff.
    #[inline]
    pub fn protocol(&self) -> u16 {
        u16_at(self.b, field::PROTOCOL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    static HEADER: [u8; 17] = [
        0x00, 0x04, 0x00, 0x01, 0x00, 0x06, // sent by us, Ethernet, 6-byte address
        2, 0, 0, 0, 0, 1, 0, 0, // address and padding
        0x08, 0x00, 0x45,
    ];

    #[test]
    fn deconstruct() {
        let h = Header::new_checked(&HEADER).expect("a view");
        assert_eq!((h.packet_type(), h.hatype(), h.protocol()), (4, 1, 0x0800));
        assert_eq!(h.address(), [2, 0, 0, 0, 0, 1]);
        assert_eq!(h.payload(), [0x45]);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&HEADER[..15]),
            Err(Error::Truncated {
                header: "sll",
                required: 16,
                len: 15
            })
        ));
    }
}
