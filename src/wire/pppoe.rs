//! PPPoE (RFC 2516) session headers.

use super::u16_at;

mod field {
    use crate::wire::Field;
    pub const VERSION_TYPE: usize = 0;
    pub const CODE: usize = 1;
    pub const SESSION_ID: Field = 2..4;
    pub const LENGTH: Field = 4..6;
}

/// Bytes of the header.
pub const HEADER_LEN: usize = field::LENGTH.end;

super::fixed_header!(
    /// A PPPoE header and the PPP frame in it.
    "pppoe"
);

impl<'a> Header<'a> {
    /// The version (1).
    #[inline]
    pub fn version(&self) -> u8 {
        self.b[field::VERSION_TYPE] >> 4
    }

    /// The code (0 in a session).
    #[inline]
    pub fn code(&self) -> u8 {
        self.b[field::CODE]
    }

    /// The session identifier.
    #[inline]
    pub fn session_id(&self) -> u16 {
        u16_at(self.b, field::SESSION_ID)
    }

    /// The payload length field.
    #[inline]
    pub fn length(&self) -> u16 {
        u16_at(self.b, field::LENGTH)
    }

    /// The PPP frame: as long as the length field says, or as was captured.
    #[inline]
    pub fn length_bounded_payload(&self) -> &'a [u8] {
        let payload = self.payload();
        &payload[..usize::from(self.length()).min(payload.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    static SESSION: [u8; 10] = [0x11, 0x00, 0x12, 0x34, 0x00, 0x03, 0x00, 0x21, 0x45, 0xee];

    #[test]
    fn deconstruct() {
        let h = Header::new_checked(&SESSION).expect("a view");
        assert_eq!((h.version(), h.code(), h.session_id()), (1, 0, 0x1234));
        assert_eq!(h.length(), 3);
        assert_eq!(h.length_bounded_payload(), [0x00, 0x21, 0x45]);
        assert_eq!(h.payload().len(), 4);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&SESSION[..5]),
            Err(Error::Truncated {
                header: "pppoe",
                required: 6,
                len: 5
            })
        ));
    }
}
