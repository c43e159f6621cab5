//! Cisco MetaData, which carries a security group tag. After its own ethertype the version,
//! length and option come first and the inner ethertype last; inside GRE the inner ethertype
//! leads ([`InGre`]).

use super::{need, u16_at, Result};

mod field {
    use crate::wire::Field;
    pub const VERSION: usize = 0;
    pub const LENGTH: usize = 1;
    pub const OPTION_TYPE: Field = 2..4;
    pub const SGT: Field = 4..6;
    pub const ETHERTYPE: Field = 6..8;
    pub const GRE_ETHERTYPE: Field = 0..2;
}

/// Bytes of the header, both framings.
pub const HEADER_LEN: usize = 8;

super::fixed_header!(
    /// Cisco MetaData after ethertype 0x8909.
    "cisco metadata"
);

impl Header<'_> {
    /// The format version.
    #[inline]
    pub fn version(&self) -> u8 {
        self.b[field::VERSION]
    }

    /// The header length field, in 8-byte units.
    #[inline]
    pub fn length(&self) -> u8 {
        self.b[field::LENGTH]
    }

    /// The option type (1: security group tag).
    #[inline]
    pub fn option_type(&self) -> u16 {
        u16_at(self.b, field::OPTION_TYPE)
    }

    /// The security group tag.
    #[inline]
    pub fn security_group_tag(&self) -> u16 {
        u16_at(self.b, field::SGT)
    }

    /// The inner ethertype.
    #[inline]
    pub fn ethertype(&self) -> u16 {
        u16_at(self.b, field::ETHERTYPE)
    }
}

/// Cisco MetaData as GRE carries it: the inner ethertype first.
#[derive(Debug, Clone, Copy)]
pub struct InGre<'a> {
    b: &'a [u8],
}

impl<'a> InGre<'a> {
    /// A view of `b`, which must hold the whole header.
    #[inline]
    pub fn new_checked(b: &'a [u8]) -> Result<Self> {
        need("cisco metadata", b, HEADER_LEN)?;
        Ok(InGre { b })
    }

    /// The inner ethertype.
    #[inline]
    pub fn ethertype(&self) -> u16 {
        u16_at(self.b, field::GRE_ETHERTYPE)
    }

    /// The bytes after the header.
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        &self.b[HEADER_LEN..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    #[test]
    fn deconstruct() {
        let b = [0x01, 0x01, 0x00, 0x01, 0x00, 0x2a, 0x08, 0x00, 0x45];
        let h = Header::new_checked(&b).expect("a view");
        assert_eq!((h.version(), h.length(), h.option_type()), (1, 1, 1));
        assert_eq!((h.security_group_tag(), h.ethertype()), (42, 0x0800));
        assert_eq!(h.payload(), [0x45]);
        let gre = [0x86, 0xdd, 1, 1, 0, 1, 0, 42, 0x60];
        let g = InGre::new_checked(&gre).expect("a view");
        assert_eq!((g.ethertype(), g.payload()), (0x86dd, &[0x60][..]));
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&[0; 7]),
            Err(Error::Truncated {
                required: 8,
                len: 7,
                ..
            })
        ));
        assert!(InGre::new_checked(&[0; 7]).is_err());
    }
}
