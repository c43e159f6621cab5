//! IEEE 802.2 LLC headers and the SNAP extension that carries an ethertype.

use super::{need, u16_at, u24_at, Result};

mod field {
    use crate::wire::Field;
    pub const DSAP: usize = 0;
    pub const SSAP: usize = 1;
    pub const CONTROL: usize = 2;
    pub const OUI: Field = 3..6;
    pub const PROTOCOL_ID: Field = 6..8;
}

/// Bytes of an LLC header with a one-byte control field (unnumbered frames).
pub const HEADER_LEN: usize = 3;
/// Bytes of an LLC header with SNAP: OUI and protocol after the control field.
pub const SNAP_HEADER_LEN: usize = field::PROTOCOL_ID.end;
/// The SAP that announces a SNAP header.
pub const SAP_SNAP: u8 = 0xaa;

super::fixed_header!(
    /// An LLC header and what follows it.
    "llc"
);

impl<'a> Header<'a> {
    /// The destination service access point.
    #[inline]
    pub fn dsap(&self) -> u8 {
        self.b[field::DSAP]
    }

    /// The source service access point.
    #[inline]
    pub fn ssap(&self) -> u8 {
        self.b[field::SSAP]
    }

    /// The control field's first byte.
    #[inline]
    pub fn control(&self) -> u8 {
        self.b[field::CONTROL]
    }

    /// Whether a SNAP header follows (both SAPs are 0xAA).
    #[inline]
    pub fn is_snap(&self) -> bool {
        self.dsap() == SAP_SNAP && self.ssap() == SAP_SNAP
    }

    /// The SNAP header over the same bytes.
    #[inline]
    pub fn snap(&self) -> Result<Snap<'a>> {
        need("snap", self.b, SNAP_HEADER_LEN)?;
        Ok(Snap { b: self.b })
    }
}

/// An LLC header with SNAP.
#[derive(Debug, Clone, Copy)]
pub struct Snap<'a> {
    b: &'a [u8],
}

impl<'a> Snap<'a> {
    /// The organisation's identifier; 0 means the protocol is an ethertype.
    #[inline]
    pub fn oui(&self) -> u32 {
        u24_at(self.b, field::OUI)
    }

    /// The protocol, an ethertype when [`Snap::oui`] is 0.
    #[inline]
    pub fn protocol_id(&self) -> u16 {
        u16_at(self.b, field::PROTOCOL_ID)
    }

    /// The bytes after the SNAP header.
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        &self.b[SNAP_HEADER_LEN..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Error;

    static SNAP_IPV4: [u8; 10] = [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00, 0x45, 0];
    static STP: [u8; 4] = [0x42, 0x42, 0x03, 0];

    #[test]
    fn deconstruct() {
        let h = Header::new_checked(&SNAP_IPV4).expect("a view");
        assert_eq!((h.dsap(), h.ssap(), h.control()), (0xaa, 0xaa, 3));
        assert!(h.is_snap());
        let snap = h.snap().expect("a view");
        assert_eq!((snap.oui(), snap.protocol_id()), (0, 0x0800));
        assert_eq!(snap.payload(), [0x45, 0]);
        let stp = Header::new_checked(&STP).expect("a view");
        assert!(!stp.is_snap());
        assert_eq!(stp.payload(), [0]);
    }

    #[test]
    fn impossible_length() {
        assert!(matches!(
            Header::new_checked(&STP[..2]),
            Err(Error::Truncated { required: 3, .. })
        ));
        let cut = Header::new_checked(&SNAP_IPV4[..7]).expect("a view");
        assert!(matches!(
            cut.snap(),
            Err(Error::Truncated {
                header: "snap",
                required: 8,
                len: 7
            })
        ));
    }
}
