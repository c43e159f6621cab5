//! Ethernet II and IEEE 802.3 frames (the header without the frame check sequence).

use super::{numbers::ethertype, u16_at};

mod field {
    use crate::wire::Field;
    pub const DESTINATION: Field = 0..6;
    pub const SOURCE: Field = 6..12;
    pub const TYPE_OR_LENGTH: Field = 12..14;
}

/// Bytes of the header: two addresses and the type (or length) field.
pub const HEADER_LEN: usize = field::TYPE_OR_LENGTH.end;

super::fixed_header!(
    /// An Ethernet header and what follows it.
    "ethernet"
);

impl<'a> Header<'a> {
    /// The destination MAC address.
    #[inline]
    pub fn destination(&self) -> &'a [u8] {
        &self.b[field::DESTINATION]
    }

    /// The source MAC address.
    #[inline]
    pub fn source(&self) -> &'a [u8] {
        &self.b[field::SOURCE]
    }

    /// The ethertype (Ethernet II), or the payload's length (802.3) when at most
    /// [`ethertype::MAX_LENGTH`].
    #[inline]
    pub fn type_or_length(&self) -> u16 {
        u16_at(self.b, field::TYPE_OR_LENGTH)
    }

    /// An 802.3 frame's payload: as long as the length field says, or as was captured.
    #[inline]
    pub fn length_bounded_payload(&self) -> &'a [u8] {
        let payload = self.payload();
        &payload[..usize::from(self.type_or_length()).min(payload.len())]
    }
}

/// Whether an 802.3 payload is Novell's raw 802.3, IPX without an LLC header (it starts with the
/// IPX checksum, always 0xffff).
#[inline]
pub fn is_novell_raw(payload: &[u8]) -> bool {
    payload.starts_with(&[0xff, 0xff])
}

/// Whether a type-or-length value is an 802.3 length.
#[inline]
pub fn is_length(type_or_length: u16) -> bool {
    type_or_length <= ethertype::MAX_LENGTH
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    static FRAME: [u8; 18] = [
        0x02, 0, 0, 0, 0, 0x02, // destination
        0x02, 0, 0, 0, 0, 0x01, // source
        0x08, 0x00, // IPv4
        0x45, 0, 0, 0x14,
    ];

    #[test]
    fn deconstruct() {
        let h = Header::new_checked(&FRAME).expect("a view");
        assert_eq!(h.destination(), [2, 0, 0, 0, 0, 2]);
        assert_eq!(h.source(), [2, 0, 0, 0, 0, 1]);
        assert_eq!(h.type_or_length(), ethertype::IPV4);
        assert!(!is_length(h.type_or_length()));
        assert_eq!(h.payload(), [0x45, 0, 0, 0x14]);
    }

    #[test]
    fn an_802_3_payload_ends_where_its_length_says() {
        let mut frame = FRAME;
        frame[12..14].copy_from_slice(&[0, 3]);
        let h = Header::new_checked(&frame).expect("a view");
        assert!(is_length(h.type_or_length()));
        assert_eq!(h.length_bounded_payload(), [0x45, 0, 0]);
        frame[12..14].copy_from_slice(&[0x05, 0xdc]);
        let h = Header::new_checked(&frame).expect("a view");
        assert_eq!(
            h.length_bounded_payload().len(),
            4,
            "cut to what was captured"
        );
        assert!(is_novell_raw(&[0xff, 0xff, 0, 30]));
        assert!(!is_novell_raw(&[0xff]));
    }

    #[test]
    fn impossible_length() {
        assert_eq!(
            Header::new_checked(&FRAME[..13]).expect_err("an error"),
            Error::Truncated {
                header: "ethernet",
                required: 14,
                len: 13
            }
        );
    }
}
