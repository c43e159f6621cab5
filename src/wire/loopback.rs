//! BSD loopback headers (LINKTYPE_NULL in the capturing host's byte order, LINKTYPE_LOOP in
//! network byte order): a 4-byte address family.

use super::u32_at;

mod field {
    use crate::wire::Field;
    pub const FAMILY: Field = 0..4;
}

/// Bytes of the header.
pub const HEADER_LEN: usize = field::FAMILY.end;

super::fixed_header!(
    /// A loopback header and the packet after it.
    "loopback"
);

impl Header<'_> {
    /// The family in network byte order (LINKTYPE_LOOP).
    #[inline]
    pub fn family_network_order(&self) -> u32 {
        u32_at(self.b, field::FAMILY)
    }

    /// The family in the capturing host's byte order (LINKTYPE_NULL), which the file does not
    /// say. Families are small, so a value with high bits set is read the other way round, as
    /// Wireshark does.
    #[inline]
    pub fn family_host_order(&self) -> u32 {
        let family = u32::from_le_bytes([self.b[0], self.b[1], self.b[2], self.b[3]]);
        if family & 0xffff_0000 != 0 {
            family.swap_bytes()
        } else {
            family
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    #[test]
    fn deconstruct() {
        let little = [2, 0, 0, 0, 0x45];
        let big = [0, 0, 0, 30, 0x60];
        let l = Header::new_checked(&little).expect("a view");
        assert_eq!((l.family_host_order(), l.payload()), (2, &[0x45][..]));
        let b = Header::new_checked(&big).expect("a view");
        assert_eq!((b.family_network_order(), b.family_host_order()), (30, 30));
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&[2, 0, 0]),
            Err(Error::Truncated {
                header: "loopback",
                required: 4,
                len: 3
            })
        ));
    }
}
