//! Cisco VN-Tag (the bytes after its ethertype): virtual interface identifiers, then the inner
//! ethertype.

use super::u16_at;

mod field {
    use crate::wire::Field;
    pub const DESTINATION_VIF: Field = 0..2;
    pub const SOURCE_VIF: Field = 2..4;
    pub const ETHERTYPE: Field = 4..6;
}

/// Bytes of the tag with the inner ethertype.
pub const HEADER_LEN: usize = field::ETHERTYPE.end;

super::fixed_header!(
    /// A VN-Tag and what follows it.
    "vntag"
);

impl Header<'_> {
    /// The destination virtual interface (with the direction and pointer bits).
    #[inline]
    pub fn destination_vif(&self) -> u16 {
        u16_at(self.b, field::DESTINATION_VIF)
    }

    /// The source virtual interface (with the looped bit).
    #[inline]
    pub fn source_vif(&self) -> u16 {
        u16_at(self.b, field::SOURCE_VIF)
    }

    /// The inner ethertype.
    #[inline]
    pub fn ethertype(&self) -> u16 {
        u16_at(self.b, field::ETHERTYPE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    #[test]
    fn deconstruct() {
        let b = [0x80, 0x05, 0x00, 0x07, 0x08, 0x00, 0x45];
        let h = Header::new_checked(&b).expect("a view");
        assert_eq!((h.destination_vif(), h.source_vif()), (0x8005, 7));
        assert_eq!(h.ethertype(), 0x0800);
        assert_eq!(h.payload(), [0x45]);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&[0; 5]),
            Err(Error::Truncated {
                header: "vntag",
                required: 6,
                len: 5
            })
        ));
    }
}
