//! PIM (RFC 7761) headers, and the Register message that carries a multicast datagram.

use super::u16_at;

mod field {
    use crate::wire::Field;
    pub const VERSION_TYPE: usize = 0;
    pub const CHECKSUM: Field = 2..4;
}

/// Bytes of the common header.
pub const HEADER_LEN: usize = 4;
/// Bytes of a Register message before the datagram: the header and the flags word.
pub const REGISTER_HEADER_LEN: usize = 8;
/// The version and type byte of a PIMv2 Register.
const V2_REGISTER: u8 = 0x21;

super::fixed_header!(
    /// A PIM message.
    "pim"
);

impl<'a> Header<'a> {
    /// The version (2).
    #[inline]
    pub fn version(&self) -> u8 {
        self.b[field::VERSION_TYPE] >> 4
    }

    /// The message type (1: Register).
    #[inline]
    pub fn message_type(&self) -> u8 {
        self.b[field::VERSION_TYPE] & 0x0f
    }

    /// The checksum.
    #[inline]
    pub fn checksum(&self) -> u16 {
        u16_at(self.b, field::CHECKSUM)
    }

    /// A PIMv2 Register's datagram, when this is one and its flags were captured.
    #[inline]
    pub fn registered(&self) -> Option<&'a [u8]> {
        (self.b[field::VERSION_TYPE] == V2_REGISTER)
            .then(|| self.b.get(REGISTER_HEADER_LEN..))
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    #[test]
    fn deconstruct() {
        let register = [0x21, 0, 0xde, 0xad, 0, 0, 0, 0, 0x45];
        let h = Header::new_checked(&register).expect("a view");
        assert_eq!(
            (h.version(), h.message_type(), h.checksum()),
            (2, 1, 0xdead)
        );
        assert_eq!(h.registered(), Some(&[0x45][..]));
        let hello = [0x20, 0, 0, 0, 0, 1];
        assert_eq!(
            Header::new_checked(&hello).expect("a view").registered(),
            None
        );
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&[0x21, 0, 0]),
            Err(Error::Truncated {
                header: "pim",
                required: 4,
                len: 3
            })
        ));
        let cut = [0x21, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            Header::new_checked(&cut).expect("a view").registered(),
            None
        );
    }
}
