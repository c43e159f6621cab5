//! VXLAN headers (RFC 7348).

use super::u24_at;

mod field {
    use crate::wire::Field;
    pub const FLAGS: usize = 0;
    pub const VNI: Field = 4..7;
}

/// Bytes of the header.
pub const HEADER_LEN: usize = 8;

const FLAG_VNI_VALID: u8 = 0x08;

super::fixed_header!(
    /// A VXLAN header and the Ethernet frame after it.
    "vxlan"
);

impl Header<'_> {
    /// Whether the VNI flag is set.
    #[inline]
    pub fn has_vni(&self) -> bool {
        self.b[field::FLAGS] & FLAG_VNI_VALID != 0
    }

    /// The VXLAN network identifier.
    #[inline]
    pub fn vni(&self) -> u32 {
        u24_at(self.b, field::VNI)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    #[test]
    fn deconstruct() {
        let b = [0x08, 0, 0, 0, 0x00, 0x30, 0x39, 0, 0x02];
        let h = Header::new_checked(&b).expect("a view");
        assert_eq!(
            (h.has_vni(), h.vni(), h.payload()),
            (true, 12345, &[0x02][..])
        );
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&[0x08, 0, 0, 0, 0, 0, 1]),
            Err(Error::Truncated {
                header: "vxlan",
                required: 8,
                len: 7
            })
        ));
    }
}
