//! Views over the bytes of each header format the decoder walks, one file per format.
//!
//! Each view borrows the captured bytes and reads its fields in place, in smoltcp's manner: a
//! private `mod field` of byte ranges, `HEADER_LEN`, and `new_checked`, whose contract is that no
//! accessor of the view it returns panics, whatever the bytes. Which header follows which, and what
//! a malformed one means for the frame, is the decoder's business (`decode`); the views
//! only say what the bytes hold. Protocol numbers are in [`numbers`].

/// A view over a header of fixed size: `Header`, its `new_checked` and `payload`, for a file that
/// defines `HEADER_LEN` and its fields.
macro_rules! fixed_header {
    ($(#[$doc:meta])* $name:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct Header<'a> {
            b: &'a [u8],
        }

        impl<'a> Header<'a> {
            /// A view of `b`, which must hold the whole header.
            #[inline]
            pub fn new_checked(b: &'a [u8]) -> $crate::wire::Result<Self> {
                $crate::wire::need($name, b, HEADER_LEN)?;
                Ok(Header { b })
            }

            /// The bytes after the header.
            #[inline]
            pub fn payload(&self) -> &'a [u8] {
                &self.b[HEADER_LEN..]
            }
        }
    };
}
use fixed_header;

pub mod ah;
pub mod arp;
pub mod cisco_metadata;
pub mod dns;
pub mod erspan;
pub mod ethernet;
pub mod geneve;
pub mod gre;
pub mod gtp;
pub mod http;
pub mod icmp;
pub mod ip;
pub mod ipv4;
pub mod ipv6;
pub mod ipv6_ext;
pub mod llc;
pub mod loopback;
pub mod macsec;
pub mod mpls;
pub mod ndp;
pub mod nsh;
pub mod numbers;
pub mod pbb;
pub mod pim;
pub mod ppp;
pub mod pppoe;
pub mod probe;
pub mod proxy;
pub mod quic;
pub mod sctp;
pub mod sll;
pub mod sll2;
pub mod ssh;
pub mod tcp;
pub mod teredo;
pub mod tls;
pub mod udp;
pub mod vlan;
pub mod vntag;
pub mod vxlan;
pub mod wccp;

use std::fmt;

/// A byte range of a header's field.
type Field = std::ops::Range<usize>;

/// Why a view could not be made over some bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes were captured than the header needs.
    Truncated {
        /// The header's name.
        header: &'static str,
        /// Bytes the header needs, by its fixed size and its own length fields.
        required: usize,
        /// Bytes there are.
        len: usize,
    },
    /// A field holds a value the format does not allow.
    Malformed {
        /// The header's name.
        header: &'static str,
        /// What is wrong.
        what: &'static str,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated {
                header,
                required,
                len,
            } => write!(f, "{header} header cut short: {len} of {required} bytes"),
            Error::Malformed { header, what } => write!(f, "{header} header malformed: {what}"),
        }
    }
}

impl std::error::Error for Error {}

/// A view's result.
pub type Result<T> = std::result::Result<T, Error>;

/// Fails with [`Error::Truncated`] unless `b` holds `required` bytes.
#[inline(always)]
fn need(header: &'static str, b: &[u8], required: usize) -> Result<()> {
    if b.len() < required {
        return Err(Error::Truncated {
            header,
            required,
            len: b.len(),
        });
    }
    Ok(())
}

/// The big-endian `u16` in `field`; the view has checked its length.
#[inline(always)]
fn u16_at(b: &[u8], field: Field) -> u16 {
    u16::from_be_bytes([b[field.start], b[field.start + 1]])
}

/// The big-endian `u32` in `field`; the view has checked its length.
#[inline(always)]
fn u32_at(b: &[u8], field: Field) -> u32 {
    let at = field.start;
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The big-endian 24-bit value in `field`; the view has checked its length.
#[inline(always)]
fn u24_at(b: &[u8], field: Field) -> u32 {
    let at = field.start;
    u32::from(b[at]) << 16 | u32::from(b[at + 1]) << 8 | u32::from(b[at + 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_which_header_and_how_many_bytes() {
        assert_eq!(
            need("udp", &[0; 3], 8).expect_err("an error").to_string(),
            "udp header cut short: 3 of 8 bytes"
        );
        let malformed = Error::Malformed {
            header: "ipv4",
            what: "version is not 4",
        };
        assert_eq!(
            malformed.to_string(),
            "ipv4 header malformed: version is not 4"
        );
    }

    #[test]
    fn fields_read_big_endian() {
        let b = [0x12, 0x34, 0x56, 0x78];
        assert_eq!(u16_at(&b, 1..3), 0x3456);
        assert_eq!(u24_at(&b, 1..4), 0x345678);
        assert_eq!(u32_at(&b, 0..4), 0x1234_5678);
    }
}
