//! The PROXY protocol header (HAProxy, versions 1 and 2) that a load balancer puts before the
//! client's first bytes to tell the server who connected: the application protocol starts after
//! it.

/// Version 2's signature.
const V2_SIGNATURE: [u8; 12] = *b"\r\n\r\n\0\r\nQUIT\n";

/// A version 1 header's longest form, CR LF included.
const V1_MAX: usize = 107;

/// The length of the PROXY header `b` starts with, when it holds a whole one.
pub fn header_len(b: &[u8]) -> Option<usize> {
    if let Some(rest) = b.strip_prefix(b"PROXY ") {
        let scan = &rest[..rest.len().min(V1_MAX - 6)];
        let end = scan.windows(2).position(|w| w == b"\r\n")?;
        let line = &scan[..end];
        let known = [&b"TCP4 "[..], b"TCP6 "]
            .iter()
            .any(|family| line.starts_with(family));
        return (known || line.starts_with(b"UNKNOWN")).then_some(6 + end + 2);
    }
    let rest = b.strip_prefix(&V2_SIGNATURE[..])?;
    let (&version_command, &family, len) = (rest.first()?, rest.get(1)?, rest.get(2..4)?);
    // Version 2, command LOCAL or PROXY; family UNSPEC, INET, INET6 or UNIX with a known
    // transport.
    if version_command >> 4 != 2
        || version_command & 0x0f > 1
        || family >> 4 > 3
        || family & 0x0f > 2
    {
        return None;
    }
    let total = 16 + usize::from(u16::from_be_bytes([len[0], len[1]]));
    (b.len() >= total).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_1() {
        let b = b"PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n\x16\x03\x01";
        assert_eq!(header_len(b), Some(b.len() - 3));
        assert_eq!(header_len(b"PROXY UNKNOWN\r\nGET"), Some(15));
        assert_eq!(
            header_len(b"PROXY TCP4 1.2.3.4"),
            None,
            "cut before its end"
        );
        assert_eq!(header_len(b"PROXY HTTP/1.1\r\n"), None);
        assert_eq!(header_len(b"GET / HTTP/1.1\r\n"), None);
    }

    #[test]
    fn version_2() {
        let mut b = V2_SIGNATURE.to_vec();
        b.extend_from_slice(&[0x21, 0x11, 0, 12]);
        b.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
        assert_eq!(header_len(&b), None, "the addresses must be all there");
        b.extend_from_slice(&[0xdc, 0x04, 0x01, 0xbb, 0x16]);
        assert_eq!(header_len(&b), Some(28));
        b[12] = 0x31;
        assert_eq!(header_len(&b), None, "version 3");
        assert_eq!(header_len(&V2_SIGNATURE[..8]), None);
    }
}
