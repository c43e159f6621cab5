//! Neighbor Discovery options (RFC 4861), which follow an ICMPv6 Redirect's addresses.

/// Where a Redirect message's options start: the ICMPv6 header, the reserved word and the target
/// and destination addresses.
pub const REDIRECT_OPTIONS_START: usize = 40;
/// Bytes of an option's type and length, and of the reserved bytes before a Redirected Header
/// option's quoted packet.
pub const OPTION_HEADER_LEN: usize = 8;
/// The option that quotes the redirected packet.
pub const OPT_REDIRECTED_HEADER: u8 = 4;

/// One option: its type and its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NdpOption<'a> {
    /// The option type.
    pub kind: u8,
    /// The whole option, type and length included, cut to what was captured.
    pub bytes: &'a [u8],
}

impl<'a> NdpOption<'a> {
    /// The data after the eight-byte header (a Redirected Header's quoted packet).
    #[inline]
    pub fn data(&self) -> &'a [u8] {
        self.bytes.get(OPTION_HEADER_LEN..).unwrap_or(&[])
    }
}

/// The options in `b`, which start at its first byte. Iteration ends at an option whose eight-byte
/// header was not captured, or whose length is 0 (malformed, RFC 4861 §4.6).
pub fn options(b: &[u8]) -> impl Iterator<Item = NdpOption<'_>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if b.len() < at + OPTION_HEADER_LEN {
            return None;
        }
        let len = usize::from(b[at + 1]) * 8;
        if len == 0 {
            return None;
        }
        let option = NdpOption {
            kind: b[at],
            bytes: &b[at..(at + len).min(b.len())],
        };
        at += len;
        Some(option)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_walked_by_their_lengths() {
        let b = [
            1, 1, 2, 0, 0, 0, 0, 1, // source link-layer address
            4, 2, 0, 0, 0, 0, 0, 0, 0x60, 0, 0, 0, // redirected header, cut short
        ];
        let found: Vec<_> = options(&b).collect();
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].kind, found[0].bytes.len()), (1, 8));
        assert_eq!((found[1].kind, found[1].data()), (4, &[0x60, 0, 0, 0][..]));
    }

    #[test]
    fn impossible_length() {
        assert_eq!(options(&[1, 0, 0, 0, 0, 0, 0, 0, 1]).count(), 0, "length 0");
        assert_eq!(
            options(&[1, 1, 0, 0, 0, 0, 0]).count(),
            0,
            "header cut short"
        );
    }
}
