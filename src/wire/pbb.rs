//! IEEE 802.1ah provider backbone bridging: the I-TAG after its ethertype, then the customer's
//! addresses and ethertype.

use super::{u16_at, u24_at};

mod field {
    use crate::wire::Field;
    pub const FLAGS: usize = 0;
    pub const ISID: Field = 1..4;
    pub const CUSTOMER_DESTINATION: Field = 4..10;
    pub const CUSTOMER_SOURCE: Field = 10..16;
    pub const CUSTOMER_TYPE: Field = 16..18;
}

/// Bytes of the I-TAG with the customer's Ethernet header.
pub const HEADER_LEN: usize = field::CUSTOMER_TYPE.end;

super::fixed_header!(
    /// An I-TAG and the customer frame in it.
    "pbb"
);

impl<'a> Header<'a> {
    /// The priority code point.
    #[inline]
    pub fn priority(&self) -> u8 {
        self.b[field::FLAGS] >> 5
    }

    /// The backbone service instance identifier.
    #[inline]
    pub fn isid(&self) -> u32 {
        u24_at(self.b, field::ISID)
    }

    /// The customer's destination MAC address.
    #[inline]
    pub fn customer_destination(&self) -> &'a [u8] {
        &self.b[field::CUSTOMER_DESTINATION]
    }

    /// The customer's source MAC address.
    #[inline]
    pub fn customer_source(&self) -> &'a [u8] {
        &self.b[field::CUSTOMER_SOURCE]
    }

    /// The customer frame's ethertype.
    #[inline]
    pub fn customer_ethertype(&self) -> u16 {
        u16_at(self.b, field::CUSTOMER_TYPE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    static ITAG: [u8; 19] = [
        0x60, 0x00, 0x01, 0x00, // priority 3, I-SID 256
        2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, // customer addresses
        0x08, 0x06, // ARP
        0,
    ];

    #[test]
    fn deconstruct() {
        let h = Header::new_checked(&ITAG).expect("a view");
        assert_eq!((h.priority(), h.isid()), (3, 256));
        assert_eq!(h.customer_destination(), [2, 0, 0, 0, 0, 2]);
        assert_eq!(h.customer_source(), [2, 0, 0, 0, 0, 1]);
        assert_eq!(h.customer_ethertype(), 0x0806);
        assert_eq!(h.payload(), [0]);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&ITAG[..17]),
            Err(Error::Truncated {
                header: "pbb",
                required: 18,
                len: 17
            })
        ));
    }
}
