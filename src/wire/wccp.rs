//! WCCP's redirect header (GRE protocol 0x883e), before the redirected IPv4 datagram.

mod field {
    pub const FLAGS: usize = 0;
    pub const SERVICE_ID: usize = 1;
    pub const ALTERNATE_BUCKET: usize = 2;
    pub const PRIMARY_BUCKET: usize = 3;
}

/// Bytes of the header.
pub const HEADER_LEN: usize = 4;

super::fixed_header!(
    /// A WCCP redirect header and the datagram after it.
    "wccp"
);

impl Header<'_> {
    /// The flags (dynamic service, alternate bucket used).
    #[inline]
    pub fn flags(&self) -> u8 {
        self.b[field::FLAGS]
    }

    /// The service identifier.
    #[inline]
    pub fn service_id(&self) -> u8 {
        self.b[field::SERVICE_ID]
    }

    /// The alternate bucket.
    #[inline]
    pub fn alternate_bucket(&self) -> u8 {
        self.b[field::ALTERNATE_BUCKET]
    }

    /// The primary bucket.
    #[inline]
    pub fn primary_bucket(&self) -> u8 {
        self.b[field::PRIMARY_BUCKET]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    #[test]
    fn deconstruct() {
        let b = [0x00, 0x5a, 0x03, 0x07, 0x45];
        let h = Header::new_checked(&b).expect("a view");
        assert_eq!((h.flags(), h.service_id()), (0, 90));
        assert_eq!((h.alternate_bucket(), h.primary_bucket()), (3, 7));
        assert_eq!(h.payload(), [0x45]);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&[0; 3]),
            Err(Error::Truncated {
                header: "wccp",
                required: 4,
                len: 3
            })
        ));
    }
}
