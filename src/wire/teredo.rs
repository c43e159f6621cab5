//! Teredo (RFC 4380): IPv6 in UDP, after an optional authentication header and an optional
//! origin indication.

use super::ipv6;

/// The first two bytes of an authentication header.
const AUTHENTICATION: [u8; 2] = [0x00, 0x01];
/// The first two bytes of an origin indication.
const ORIGIN_INDICATION: [u8; 2] = [0x00, 0x00];
/// Bytes of an authentication header besides its client identifier and authentication value:
/// the indicator, the two lengths, the nonce and the confirmation byte.
const AUTHENTICATION_FIXED_LEN: usize = 4 + 8 + 1;
/// Bytes of an origin indication.
const ORIGIN_INDICATION_LEN: usize = 8;

/// The IPv6 packet a Teredo datagram carries, if its payload is one: after the optional headers,
/// with at least an IPv6 header's bytes and version 6. Anything else is some other UDP payload.
#[inline]
pub fn ipv6_packet(b: &[u8]) -> Option<&[u8]> {
    let mut at = 0;
    if b.len() >= 4 && b[..2] == AUTHENTICATION {
        at = AUTHENTICATION_FIXED_LEN + usize::from(b[2]) + usize::from(b[3]);
    }
    if b.len() >= at + 2 && b[at..at + 2] == ORIGIN_INDICATION {
        at += ORIGIN_INDICATION_LEN;
    }
    let inner = b.get(at..)?;
    (inner.len() >= ipv6::HEADER_LEN && inner[0] >> 4 == 6).then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ipv6_header() -> Vec<u8> {
        let mut b = vec![0x60];
        b.resize(ipv6::HEADER_LEN, 0);
        b
    }

    #[test]
    fn the_optional_headers_are_skipped() {
        let bare = ipv6_header();
        assert_eq!(ipv6_packet(&bare), Some(&bare[..]));
        let mut with_both = vec![0x00, 0x01, 2, 1, 0xa, 0xa, 0xb];
        with_both.extend_from_slice(&[0; 9]);
        with_both.extend_from_slice(&[0x00, 0x00, 0x0d, 0x96, 1, 2, 3, 4]);
        with_both.extend_from_slice(&bare);
        assert_eq!(ipv6_packet(&with_both), Some(&bare[..]));
    }

    #[test]
    fn impossible_length() {
        assert_eq!(ipv6_packet(&ipv6_header()[..39]), None);
        assert_eq!(
            ipv6_packet(&[0x00, 0x01, 200, 200]),
            None,
            "lengths past the end"
        );
        let mut v4 = ipv6_header();
        v4[0] = 0x45;
        assert_eq!(ipv6_packet(&v4), None);
    }
}
