//! PPP frames (RFC 1661), with or without HDLC-like address and control bytes (RFC 1662) and
//! with protocol-field compression.

use super::{need, Result};

/// The HDLC address and control bytes some links put before the protocol.
pub const HDLC_ADDRESS_CONTROL: [u8; 2] = [0xff, 0x03];

/// A PPP frame's protocol and information field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    /// The protocol ([`super::numbers::ppp_protocol`]).
    pub protocol: u16,
    /// The information field.
    pub payload: &'a [u8],
}

impl<'a> Header<'a> {
    /// Reads the protocol from `b`, skipping the HDLC address and control bytes when there.
    #[inline]
    pub fn parse(b: &'a [u8]) -> Result<Self> {
        let b = b.strip_prefix(&HDLC_ADDRESS_CONTROL).unwrap_or(b);
        need("ppp", b, 1)?;
        // A compressed protocol is one byte, and odd; a full one has an even first byte.
        if b[0] & 1 == 1 {
            return Ok(Header {
                protocol: u16::from(b[0]),
                payload: &b[1..],
            });
        }
        need("ppp", b, 2)?;
        Ok(Header {
            protocol: u16::from_be_bytes([b[0], b[1]]),
            payload: &b[2..],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    #[test]
    fn parse() {
        let hdlc = [0xff, 0x03, 0x00, 0x21, 0x45];
        assert_eq!(
            Header::parse(&hdlc).expect("a view"),
            Header {
                protocol: 0x0021,
                payload: &[0x45]
            }
        );
        let compressed = [0x57, 0x60];
        assert_eq!(
            Header::parse(&compressed).expect("a view"),
            Header {
                protocol: 0x0057,
                payload: &[0x60]
            }
        );
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::parse(&[0xff, 0x03]),
            Err(Error::Truncated {
                required: 1,
                len: 0,
                ..
            })
        ));
        assert!(matches!(
            Header::parse(&[0x00]),
            Err(Error::Truncated {
                required: 2,
                len: 1,
                ..
            })
        ));
    }
}
