//! ICMP (RFC 792) and ICMPv6 (RFC 4443) messages, which share their first eight bytes: type,
//! code, checksum, then four bytes whose meaning depends on the type (the echo identifier and
//! sequence number; unused before an error's quoted datagram).

use super::u16_at;

mod field {
    use crate::wire::Field;
    pub const TYPE: usize = 0;
    pub const CODE: usize = 1;
    pub const CHECKSUM: Field = 2..4;
    pub const ECHO_IDENT: Field = 4..6;
    pub const ECHO_SEQUENCE: Field = 6..8;
}

/// Bytes of the type, code and checksum, the least a message has.
pub const HEADER_LEN: usize = field::CHECKSUM.end;
/// Bytes of the header with the type-specific word; an error's quote starts after them.
pub const FULL_HEADER_LEN: usize = field::ECHO_SEQUENCE.end;

/// An ICMP or ICMPv6 message.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    b: &'a [u8],
}

impl<'a> Header<'a> {
    /// A view of `b`, which must hold the type, code and checksum.
    #[inline]
    pub fn new_checked(b: &'a [u8]) -> super::Result<Self> {
        super::need("icmp", b, HEADER_LEN)?;
        Ok(Header { b })
    }

    /// The message type ([`super::numbers::icmp_type`], [`super::numbers::icmpv6_type`]).
    #[inline]
    pub fn message_type(&self) -> u8 {
        self.b[field::TYPE]
    }

    /// The code.
    #[inline]
    pub fn code(&self) -> u8 {
        self.b[field::CODE]
    }

    /// The checksum.
    #[inline]
    pub fn checksum(&self) -> u16 {
        u16_at(self.b, field::CHECKSUM)
    }

    /// An echo's identifier and sequence number, when captured (the caller knows the type).
    #[inline]
    pub fn echo_ident_sequence(&self) -> Option<(u16, u16)> {
        (self.b.len() >= FULL_HEADER_LEN).then(|| {
            (
                u16_at(self.b, field::ECHO_IDENT),
                u16_at(self.b, field::ECHO_SEQUENCE),
            )
        })
    }

    /// The bytes after the eight-byte header (an error's quoted datagram), or nothing.
    #[inline]
    pub fn body(&self) -> &'a [u8] {
        self.b.get(FULL_HEADER_LEN..).unwrap_or(&[])
    }

    /// The whole message.
    #[inline]
    pub fn message(&self) -> &'a [u8] {
        self.b
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    #[test]
    fn deconstruct() {
        let echo = [8, 0, 0xf7, 0xfd, 0, 1, 0, 2, 0xab];
        let h = Header::new_checked(&echo).expect("a view");
        assert_eq!((h.message_type(), h.code(), h.checksum()), (8, 0, 0xf7fd));
        assert_eq!(h.echo_ident_sequence(), Some((1, 2)));
        assert_eq!(h.body(), [0xab]);
        let short = Header::new_checked(&echo[..6]).expect("a view");
        assert_eq!((short.echo_ident_sequence(), short.body()), (None, &[][..]));
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&[3, 1, 0]),
            Err(Error::Truncated {
                header: "icmp",
                required: 4,
                len: 3
            })
        ));
    }
}
