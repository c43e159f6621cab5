//! What IPv4 and IPv6 headers share: the version in the first four bits, by which links that
//! carry "IP" without saying which one are told apart.

/// The IP version in the first byte of `b`, if there is one.
#[inline]
pub fn version(b: &[u8]) -> Option<u8> {
    b.first().map(|v| v >> 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_the_first_nibble() {
        assert_eq!(version(&[0x45, 0]), Some(4));
        assert_eq!(version(&[0x60]), Some(6));
        assert_eq!(version(&[]), None);
    }
}
