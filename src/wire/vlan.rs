//! IEEE 802.1Q VLAN tags and 802.1ad service tags (the same four bytes after the TPID).

use super::u16_at;

mod field {
    use crate::wire::Field;
    pub const TCI: Field = 0..2;
    pub const TYPE_OR_LENGTH: Field = 2..4;
}

/// Bytes of a tag after its TPID: the tag control information and the inner type.
pub const HEADER_LEN: usize = field::TYPE_OR_LENGTH.end;

super::fixed_header!(
    /// A VLAN tag and what follows it.
    "vlan"
);

impl<'a> Header<'a> {
    /// The priority code point.
    #[inline]
    pub fn priority(&self) -> u8 {
        (u16_at(self.b, field::TCI) >> 13) as u8
    }

    /// The VLAN identifier.
    #[inline]
    pub fn vlan_id(&self) -> u16 {
        u16_at(self.b, field::TCI) & 0x0fff
    }

    /// The inner ethertype, or an 802.3 length ([`super::ethernet::is_length`]).
    #[inline]
    pub fn type_or_length(&self) -> u16 {
        u16_at(self.b, field::TYPE_OR_LENGTH)
    }

    /// An 802.3 payload: as long as the length field says, or as was captured.
    #[inline]
    pub fn length_bounded_payload(&self) -> &'a [u8] {
        let payload = self.payload();
        &payload[..usize::from(self.type_or_length()).min(payload.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::ethernet;
    use crate::wire::Error;

    static TAG: [u8; 6] = [0xa0, 0x0a, 0x86, 0xdd, 0x60, 0];

    #[test]
    fn deconstruct() {
        let h = Header::new_checked(&TAG).expect("a view");
        assert_eq!((h.priority(), h.vlan_id()), (5, 10));
        assert_eq!(h.type_or_length(), 0x86dd);
        assert!(!ethernet::is_length(h.type_or_length()));
        assert_eq!(h.payload(), [0x60, 0]);
        let llc = [0, 1, 0, 1, 0x42, 0x42];
        assert_eq!(
            Header::new_checked(&llc)
                .expect("a view")
                .length_bounded_payload(),
            [0x42]
        );
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&TAG[..3]),
            Err(Error::Truncated {
                header: "vlan",
                required: 4,
                len: 3
            })
        ));
    }
}
