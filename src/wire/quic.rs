//! QUIC long-header packets (RFC 9000 §17.2, RFC 8999) and the decryption of Initial packets
//! (RFC 9001 §5: initial secrets, header protection, AEAD), for QUIC version 1, version 2
//! (RFC 9369: its own salt, labels and packet type bits), the IETF drafts 22–34, Facebook's mvfst
//! and Google's QUIC (Q050, T050, T051 Initials). What it hands on is the CRYPTO frames of the
//! Initial packets: [`CryptoStream`] puts them in order, and the contiguous bytes from offset 0
//! are TLS handshake messages without the record layer (a ClientHello, a ServerHello).
//!
//! Google's older versions (Q024–Q046) send their handshake in plaintext: [`gquic_chlo`] finds
//! the CHLO message in such a packet and [`chlo_value`] reads one tag of it (`SNI`); Q050 puts
//! the same CHLO in the CRYPTO frames of its encrypted Initials.
//!
//! Packet numbers are given as sent (the truncated field of RFC 9000 §17.1), which is the full
//! number while it is small, as in the first packets of a connection.

use aes::cipher::{generic_array::GenericArray, BlockEncrypt, KeyInit};
use aes::Aes128;
use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes128Gcm, Nonce};
use hkdf::Hkdf;
use sha2::Sha256;

use super::{need, u32_at, Error, Result};

/// QUIC version 1 (RFC 9000).
pub const VERSION_1: u32 = 0x0000_0001;
/// QUIC version 2 (RFC 9369).
pub const VERSION_2: u32 = 0x6b33_43cf;
/// The longest connection ID of QUIC version 1 and 2 (RFC 9000 §17.2).
pub const MAX_CID_LEN: usize = 20;
/// The least a client pads a datagram with an Initial packet to (RFC 9000 §14.1).
pub const MIN_CLIENT_DATAGRAM: usize = 1200;
/// Bytes of a CRYPTO stream that [`CryptoStream`] keeps, from offset 0.
pub const MAX_CRYPTO: usize = 64 * 1024;
/// Disjoint pieces a [`CryptoStream`] remembers before it drops the highest.
const MAX_CRYPTO_PIECES: usize = 64;
/// CRYPTO frames kept from one packet.
pub const MAX_CRYPTO_FRAMES: usize = 256;

mod salt {
    pub const V1: [u8; 20] =
        *b"\x38\x76\x2c\xf7\xf5\x59\x34\xb3\x4d\x17\x9a\xe6\xa4\xc8\x0c\xad\xcc\xbb\x7f\x0a";
    pub const V2: [u8; 20] =
        *b"\x0d\xed\xe3\xde\xf7\x00\xa6\xdb\x81\x93\x81\xbe\x6e\x26\x9d\xcb\xf9\xbd\x2e\xd9";
    pub const DRAFT_29: [u8; 20] =
        *b"\xaf\xbf\xec\x28\x99\x93\xd2\x4c\x9e\x97\x86\xf1\x9c\x61\x11\xe0\x43\x90\xa8\x99";
    pub const DRAFT_23: [u8; 20] =
        *b"\xc3\xee\xf7\x12\xc7\x2e\xbb\x5a\x11\xa7\xd2\x43\x2b\xb4\x63\x65\xbe\xf9\xf5\x02";
    pub const DRAFT_22: [u8; 20] =
        *b"\x7f\xbc\xdb\x0e\x7c\x66\xbb\xe9\x19\x3a\x96\xcd\x21\x51\x9e\xbd\x7a\x02\x64\x4a";
    pub const Q050: [u8; 20] =
        *b"\x50\x45\x74\xef\xd0\x66\xfe\x2f\x9d\x94\x5c\xfc\xdb\xd3\xa7\xf0\xd3\xb5\x6b\x45";
    pub const T050: [u8; 20] =
        *b"\x7f\xf5\x79\xe5\xac\xd0\x72\x91\x55\x80\x30\x4c\x43\xa2\x36\x7c\x60\x48\x83\x10";
    pub const T051: [u8; 20] =
        *b"\x7a\x4e\xde\xf4\xe7\xcc\xee\x5f\xa4\x50\x6c\x19\x12\x4f\xc8\xcc\xda\x6e\x03\x3d";
}

/// How a version protects its Initial packets; only versions with the long header of RFC 9000 have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Protection {
    salt: &'static [u8; 20],
    /// RFC 9369's labels and packet type bits.
    v2: bool,
    /// Google's frame types (Q050, T050, T051): CRYPTO is 0x08, PING 0x07.
    google_frames: bool,
}

fn protection(version: u32) -> Option<Protection> {
    let salt = match version {
        VERSION_1 | 0xff00_0021 | 0xff00_0022 => &salt::V1,
        VERSION_2 => {
            return Some(Protection {
                salt: &salt::V2,
                v2: true,
                google_frames: false,
            })
        }
        0xff00_001d..=0xff00_0020 => &salt::DRAFT_29,
        // mvfst faceb002 and faceb00e follow draft-27.
        0xff00_0017..=0xff00_001c | 0xface_b002 | 0xface_b00e => &salt::DRAFT_23,
        0xff00_0016 | 0xface_b001 => &salt::DRAFT_22,
        0x5130_3530 | 0x5430_3530 | 0x5430_3531 => {
            let salt = match version {
                0x5130_3530 => &salt::Q050,
                0x5430_3530 => &salt::T050,
                _ => &salt::T051,
            };
            return Some(Protection {
                salt,
                v2: false,
                google_frames: true,
            });
        }
        // Versions reserved to force version negotiation (RFC 9000 §15) carry no keys of their
        // own; clients that send them use the latest draft's, as Wireshark assumes.
        v if v & 0x0f0f_0f0f == 0x0a0a_0a0a => &salt::DRAFT_29,
        _ => return None,
    };
    Some(Protection {
        salt,
        v2: false,
        google_frames: false,
    })
}

/// The number of a Google QUIC version `Q0dd` or `T0dd` (ASCII in the version field).
fn google_number(v: u32) -> Option<u16> {
    let [kind, a, b, c] = v.to_be_bytes();
    if !matches!(kind, b'Q' | b'T') || ![a, b, c].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0'))
}

/// Whether `v` is a Google QUIC version: `Q` (QUIC crypto) or `T` (TLS) and three digits, as `Q046`, `T051`.
pub fn is_google_version(v: u32) -> bool {
    google_number(v).is_some()
}

/// Versions whose long header has one byte of two 4-bit connection ID lengths (drafts before 22, Q044–Q049).
fn has_nibble_cid_lengths(v: u32) -> bool {
    matches!(v, 0xff00_0001..=0xff00_0015)
        || (v >> 24 == u32::from(b'Q') && google_number(v).is_some_and(|n| (44..50).contains(&n)))
}

/// The end of the connection IDs of a long header with one length byte before each.
fn cids_end(b: &[u8], max_len: usize) -> Option<usize> {
    let dcid_len = usize::from(*b.get(5)?);
    let scid_len = usize::from(*b.get(6 + dcid_len)?);
    let end = 7 + dcid_len + scid_len;
    (dcid_len <= max_len && scid_len <= max_len && end <= b.len()).then_some(end)
}

/// The version of the long-header packet `b` starts with, if it looks like one: the form bit,
/// the fixed bit (but in Version Negotiation and where RFC 9287 greases it), connection IDs of
/// at most 20 bytes that fit (the nibble-coded lengths of drafts before 22 and of Q044–Q049; up
/// to 255 bytes in Version Negotiation, which is version 0 and lists at least one version, none
/// 0), and for versions whose layout is known a header whose Length fits. Any version is
/// accepted, an unknown one only as a client's first packet: in a datagram of
/// [`MIN_CLIENT_DATAGRAM`] bytes or more, with a DCID of 8 bytes or more and an SCID not of 1 to
/// 3; [`is_known_version`] tells which are known. It does not allocate.
pub fn long_header_version(b: &[u8]) -> Option<u32> {
    let first = *b.first()?;
    if first & 0x80 == 0 {
        return None;
    }
    let version = u32::from_be_bytes([*b.get(1)?, *b.get(2)?, *b.get(3)?, *b.get(4)?]);
    if version == 0 {
        let versions = b.get(cids_end(b, 255)?..)?;
        let listed = versions.len() >= 4 && versions.len().is_multiple_of(4);
        let no_zero = versions.chunks_exact(4).all(|v| v != [0; 4]);
        return (listed && no_zero).then_some(0);
    }
    if protection(version).is_some() {
        // The fixed bit may be greased (RFC 9287); the Length fitting says more.
        return LongHeader::parse(b).is_ok().then_some(version);
    }
    if first & 0x40 == 0 {
        return None;
    }
    if has_nibble_cid_lengths(version) {
        let lengths = *b.get(5)?;
        let len = |code: u8| if code == 0 { 0 } else { usize::from(code) + 3 };
        return (6 + len(lengths >> 4) + len(lengths & 0x0f) <= b.len()).then_some(version);
    }
    // Of an unknown version only the invariants are known, which many other headers satisfy
    // (DNS, ESP in UDP): it counts only as a client's first packet, in a datagram of at least
    // 1,200 bytes (RFC 9000 §14.1) to a DCID of at least 8 (§7.2), from an SCID not of 1 to 3
    // bytes, which no implementation uses.
    if b.len() < MIN_CLIENT_DATAGRAM {
        return None;
    }
    cids_end(b, MAX_CID_LEN)?;
    let dcid_len = *b.get(5)?;
    let scid_len = *b.get(6 + usize::from(dcid_len))?;
    (dcid_len >= 8 && !(1..=3).contains(&scid_len)).then_some(version)
}

/// Whether `v` is a version this module knows the packet layout of: one whose Initial packets it
/// decrypts, a draft before 22, or a Google QUIC version.
pub fn is_known_version(v: u32) -> bool {
    protection(v).is_some() || has_nibble_cid_lengths(v) || is_google_version(v)
}

/// The `version` of Zeek's quic.log: `1`, `quicv2`, `draft-29`, `mvfst (faceb002)`, `unknown-51303436`.
pub fn version_name(v: u32) -> String {
    match v {
        VERSION_1 => "1".into(),
        VERSION_2 => "quicv2".into(),
        // Zeek's table names draft-31 "draft-30"; written as Zeek writes it.
        0xff00_001f => "draft-30".into(),
        0xff00_0016..=0xff00_0022 => format!("draft-{}", v & 0xff),
        0xface_b001 | 0xface_b002 | 0xface_b00e | 0xface_b011 | 0xface_b012 | 0xface_b013 => {
            format!("mvfst ({v:x})")
        }
        _ => format!("unknown-{v:x}"),
    }
}

/// The type of a long-header packet (RFC 9000 §17.2, whose bits RFC 9369 §3.2 permutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketType {
    /// Initial: the first handshake packets, with keys anyone can derive.
    Initial,
    /// 0-RTT: early application data.
    ZeroRtt,
    /// Handshake: the rest of the handshake.
    Handshake,
    /// Retry: the server asks the client to start again with a token.
    Retry,
}

impl PacketType {
    fn from_bits(bits: u8, v2: bool) -> Self {
        match (bits & 3, v2) {
            (0, false) | (1, true) => PacketType::Initial,
            (1, false) | (2, true) => PacketType::ZeroRtt,
            (2, false) | (3, true) => PacketType::Handshake,
            _ => PacketType::Retry,
        }
    }
}

/// Reads the fields of a packet or frame; its errors give the offset a field needed.
struct Reader<'a> {
    b: &'a [u8],
    at: usize,
    header: &'static str,
}

impl<'a> Reader<'a> {
    fn new(b: &'a [u8], at: usize, header: &'static str) -> Self {
        Reader { b, at, header }
    }

    fn remaining(&self) -> usize {
        self.b.len().saturating_sub(self.at)
    }

    fn truncated(&self, n: usize) -> Error {
        Error::Truncated {
            header: self.header,
            required: self.at.saturating_add(n),
            len: self.b.len(),
        }
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8]> {
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        let end = self.at.checked_add(n).ok_or_else(|| self.truncated(n))?;
        let bytes = self.b.get(self.at..end).ok_or_else(|| self.truncated(n))?;
        self.at = end;
        Ok(bytes)
    }

    /// A variable-length integer (RFC 9000 §16).
    fn varint(&mut self) -> Result<u64> {
        let first = *self.b.get(self.at).ok_or_else(|| self.truncated(1))?;
        let len = 1usize << (first >> 6);
        let bytes = self.take(len as u64)?;
        Ok(bytes
            .iter()
            .skip(1)
            .fold(u64::from(first & 0x3f), |v, &b| v << 8 | u64::from(b)))
    }
}

/// One packet with the long header of RFC 9000 §17.2 (or its drafts' and Google's T05x/Q050).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LongHeader<'a> {
    /// The first byte; its low four bits are under header protection (but in Retry).
    pub first_byte: u8,
    /// The version.
    pub version: u32,
    /// The packet type, by the version's bits.
    pub packet_type: PacketType,
    /// The destination connection ID.
    pub dcid: &'a [u8],
    /// The source connection ID.
    pub scid: &'a [u8],
    /// The token of an Initial packet (empty in other types); in Retry, the retry token and its tag.
    pub token: &'a [u8],
    /// The whole packet, to the end its Length field gives (a Retry: to the end of the datagram).
    pub packet: &'a [u8],
    /// Where the packet number starts (a Retry has none: the packet's length).
    pn_offset: usize,
    protection: Protection,
}

impl<'a> LongHeader<'a> {
    /// Parses the packet `b` starts with; the version must be one whose packet layout is known.
    pub fn parse(b: &'a [u8]) -> Result<Self> {
        need("quic", b, 7)?;
        let first_byte = b[0];
        if first_byte & 0x80 == 0 {
            return Err(Error::Malformed {
                header: "quic",
                what: "short header",
            });
        }
        let version = u32_at(b, 1..5);
        let protection = protection(version).ok_or(Error::Malformed {
            header: "quic",
            what: "version without a known packet layout",
        })?;
        let mut r = Reader::new(b, 5, "quic");
        let dcid_len = r.take(1)?[0];
        let dcid = r.take(u64::from(dcid_len))?;
        let scid_len = r.take(1)?[0];
        let scid = r.take(u64::from(scid_len))?;
        if dcid.len() > MAX_CID_LEN || scid.len() > MAX_CID_LEN {
            return Err(Error::Malformed {
                header: "quic",
                what: "connection ID longer than 20 bytes",
            });
        }
        let packet_type = PacketType::from_bits(first_byte >> 4, protection.v2);
        let mut header = LongHeader {
            first_byte,
            version,
            packet_type,
            dcid,
            scid,
            token: &[],
            packet: b,
            pn_offset: b.len(),
            protection,
        };
        match packet_type {
            PacketType::Retry => header.token = &b[r.at..],
            _ => {
                if packet_type == PacketType::Initial {
                    let token_len = r.varint()?;
                    header.token = r.take(token_len)?;
                }
                let length = r.varint()?;
                header.pn_offset = r.at;
                r.take(length)?;
                header.packet = &b[..r.at];
            }
        }
        Ok(header)
    }
}

/// The long-header packets coalesced in a datagram (RFC 9000 §12.2), from [`long_headers`].
/// It ends at a short-header packet or trailing padding, at a Version Negotiation packet, and
/// after the first error.
pub struct LongHeaders<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for LongHeaders<'a> {
    type Item = Result<LongHeader<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        let is_long = self.rest.first().is_some_and(|&b| b & 0x80 != 0);
        let is_negotiation = self.rest.get(1..5) == Some(&[0; 4]);
        if !is_long || is_negotiation {
            return None;
        }
        let parsed = LongHeader::parse(self.rest);
        self.rest = match &parsed {
            Ok(header) => self.rest.get(header.packet.len()..).unwrap_or_default(),
            Err(_) => &[],
        };
        Some(parsed)
    }
}

/// The long-header packets coalesced in `datagram`.
pub fn long_headers(datagram: &[u8]) -> LongHeaders<'_> {
    LongHeaders { rest: datagram }
}

/// Which end sent a packet, which chooses its Initial keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The client: keys from the "client in" secret.
    Client,
    /// The server: keys from the "server in" secret.
    Server,
}

/// The packet protection keys of one side of one connection's Initial packets.
struct Keys {
    aead: Aes128Gcm,
    iv: [u8; 12],
    hp: Aes128,
}

/// HKDF-Expand-Label of TLS 1.3 (RFC 8446 §7.1) with an empty context.
fn expand_label(hkdf: &Hkdf<Sha256>, label: &str, out: &mut [u8]) -> Option<()> {
    const PREFIX: &[u8] = b"tls13 ";
    let mut info = [0u8; 32];
    let label_len = PREFIX.len() + label.len();
    let info_len = 2 + 1 + label_len + 1;
    let len = u16::try_from(out.len()).ok()?;
    let info = info.get_mut(..info_len)?;
    info[..2].copy_from_slice(&len.to_be_bytes());
    info[2] = u8::try_from(label_len).ok()?;
    info[3..3 + PREFIX.len()].copy_from_slice(PREFIX);
    info[3 + PREFIX.len()..3 + label_len].copy_from_slice(label.as_bytes());
    hkdf.expand(info, out).ok()
}

/// The AEAD key, IV and header protection key of `side` for a connection whose client first sent
/// to `dcid` (RFC 9001 §5.2; RFC 9369 §3.3.1 for version 2's labels).
fn initial_key_material(
    protection: Protection,
    dcid: &[u8],
    side: Side,
) -> Option<([u8; 16], [u8; 12], [u8; 16])> {
    let (_, initial) = Hkdf::<Sha256>::extract(Some(protection.salt), dcid);
    let mut secret = [0u8; 32];
    let label = match side {
        Side::Client => "client in",
        Side::Server => "server in",
    };
    expand_label(&initial, label, &mut secret)?;
    let secret = Hkdf::<Sha256>::from_prk(&secret).ok()?;
    let (key_label, iv_label, hp_label) = if protection.v2 {
        ("quicv2 key", "quicv2 iv", "quicv2 hp")
    } else {
        ("quic key", "quic iv", "quic hp")
    };
    let (mut key, mut iv, mut hp) = ([0u8; 16], [0u8; 12], [0u8; 16]);
    expand_label(&secret, key_label, &mut key)?;
    expand_label(&secret, iv_label, &mut iv)?;
    expand_label(&secret, hp_label, &mut hp)?;
    Some((key, iv, hp))
}

impl Keys {
    /// The Initial keys of `side` for a connection whose client first sent to `dcid`.
    fn initial(protection: Protection, dcid: &[u8], side: Side) -> Option<Self> {
        let (key, iv, hp) = initial_key_material(protection, dcid, side)?;
        Some(Keys {
            aead: Aes128Gcm::new_from_slice(&key).ok()?,
            iv,
            hp: Aes128::new_from_slice(&hp).ok()?,
        })
    }

    /// Removes header protection (RFC 9001 §5.4) and the AEAD (§5.3): the packet number and the plaintext.
    fn open(&self, header: &LongHeader) -> Result<(u64, Vec<u8>)> {
        let packet = header.packet;
        let sample_at = header.pn_offset + 4;
        let sample = packet
            .get(sample_at..sample_at + 16)
            .ok_or(Error::Truncated {
                header: "quic",
                required: sample_at + 16,
                len: packet.len(),
            })?;
        let mut mask = GenericArray::clone_from_slice(sample);
        self.hp.encrypt_block(&mut mask);
        let first = packet[0] ^ (mask[0] & 0x0f);
        let pn_len = usize::from(first & 3) + 1;
        // The sample check above makes the packet longer than the header and packet number.
        let mut aad = packet[..header.pn_offset + pn_len].to_vec();
        aad[0] = first;
        let mut pn = 0u64;
        for (byte, m) in aad[header.pn_offset..].iter_mut().zip(&mask[1..]) {
            *byte ^= m;
            pn = pn << 8 | u64::from(*byte);
        }
        let mut nonce = self.iv;
        for (n, p) in nonce[4..].iter_mut().zip(pn.to_be_bytes()) {
            *n ^= p;
        }
        let mut payload = packet[aad.len()..].to_vec();
        self.aead
            .decrypt_in_place(Nonce::from_slice(&nonce), &aad, &mut payload)
            .map_err(|_| Error::Malformed {
                header: "quic",
                what: "AEAD tag does not match the Initial keys",
            })?;
        Ok((pn, payload))
    }
}

/// One decrypted Initial packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Initial {
    /// The version.
    pub version: u32,
    /// The destination connection ID.
    pub dcid: Vec<u8>,
    /// The source connection ID.
    pub scid: Vec<u8>,
    /// The packet number as sent (truncated).
    pub packet_number: u64,
    /// The CRYPTO frames: offset and data, in the packet's order (at most [`MAX_CRYPTO_FRAMES`]).
    pub crypto: Vec<(u64, Vec<u8>)>,
    /// The error code of a CONNECTION_CLOSE frame.
    pub connection_close: Option<u64>,
    /// Why the frames stopped before the end of the packet: one cut short, or a type an
    /// Initial may not carry (RFC 9000 §17.2.2 allows PADDING, PING, ACK, CRYPTO, CONNECTION_CLOSE).
    pub frame_error: Option<Error>,
    /// The keys came from this packet's DCID instead of the `original_dcid` given: the client
    /// starts again after a Retry, or a new connection reuses the flow. Both ends key their
    /// later Initials by this DCID: pass it as `original_dcid` from now on.
    pub keys_from_packet_dcid: bool,
}

impl Initial {
    fn new(header: &LongHeader, packet_number: u64, keys_from_packet_dcid: bool) -> Self {
        Initial {
            version: header.version,
            dcid: header.dcid.to_vec(),
            scid: header.scid.to_vec(),
            packet_number,
            crypto: Vec::new(),
            connection_close: None,
            frame_error: None,
            keys_from_packet_dcid,
        }
    }

    /// Reads the frames of the plaintext (RFC 9000 §19) until the end or the first it cannot.
    fn read_frames(&mut self, plaintext: &[u8], google_frames: bool) -> Result<()> {
        let mut r = Reader::new(plaintext, 0, "quic frame");
        while r.remaining() > 0 {
            let frame_type = r.varint()?;
            if google_frames {
                // Of Google's frames, a client's Initial carries PADDING (0x00), PING (0x07) and
                // CRYPTO (0x08, laid out as IETF's).
                match frame_type {
                    0x00 | 0x07 => continue,
                    0x08 => {
                        self.read_crypto(&mut r)?;
                        continue;
                    }
                    _ => {
                        return Err(Error::Malformed {
                            header: "quic frame",
                            what: "Google frame type other than PADDING, PING, CRYPTO",
                        })
                    }
                }
            }
            match frame_type {
                0x00 | 0x01 => {} // PADDING, PING
                0x02 | 0x03 => {
                    let _largest = r.varint()?;
                    let _delay = r.varint()?;
                    let ranges = r.varint()?;
                    let _first_range = r.varint()?;
                    // Each range takes two bytes at least.
                    if ranges > (r.remaining() / 2) as u64 {
                        return Err(r.truncated(r.remaining() + 1));
                    }
                    for _ in 0..ranges {
                        r.varint()?;
                        r.varint()?;
                    }
                    if frame_type == 0x03 {
                        for _ in 0..3 {
                            r.varint()?;
                        }
                    }
                }
                0x06 => self.read_crypto(&mut r)?,
                0x1c | 0x1d => {
                    let code = r.varint()?;
                    if frame_type == 0x1c {
                        let _frame_type = r.varint()?;
                    }
                    let reason_len = r.varint()?;
                    r.take(reason_len)?;
                    self.connection_close = Some(code);
                }
                _ => {
                    return Err(Error::Malformed {
                        header: "quic frame",
                        what: "frame type not allowed in an Initial packet",
                    })
                }
            }
        }
        Ok(())
    }

    /// A CRYPTO frame after its type: offset, length, data.
    fn read_crypto(&mut self, r: &mut Reader) -> Result<()> {
        let offset = r.varint()?;
        let len = r.varint()?;
        let data = r.take(len)?;
        if self.crypto.len() == MAX_CRYPTO_FRAMES {
            return Err(Error::Malformed {
                header: "quic frame",
                what: "more CRYPTO frames than MAX_CRYPTO_FRAMES",
            });
        }
        self.crypto.push((offset, data.to_vec()));
        Ok(())
    }
}

/// The Initial packets of one datagram that could be decrypted, and why the others could not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Initials {
    /// The decrypted Initial packets, in the datagram's order.
    pub packets: Vec<Initial>,
    /// One error per Initial packet that failed, and one if the coalesced packets stopped early.
    pub errors: Vec<Error>,
}

/// Every Initial packet `side` sent coalesced in `datagram`, decrypted with the keys derived from
/// `original_dcid` (the DCID of the client's first Initial of the connection; None: each packet's
/// own DCID). A client's packet that fails with `original_dcid` is tried with its own DCID, which
/// a Retry or a new connection makes the key. Other packet types are skipped by their length.
pub fn decrypt_initials(datagram: &[u8], side: Side, original_dcid: Option<&[u8]>) -> Initials {
    let mut out = Initials::default();
    for header in long_headers(datagram) {
        let header = match header {
            Ok(header) => header,
            Err(e) => {
                out.errors.push(e);
                break;
            }
        };
        if header.packet_type != PacketType::Initial {
            continue;
        }
        let key_dcid = original_dcid.unwrap_or(header.dcid);
        let opened = open_with(&header, key_dcid, side).map(|o| (o, false));
        let opened = match opened {
            Err(_) if side == Side::Client && key_dcid != header.dcid => {
                open_with(&header, header.dcid, side).map(|o| (o, true))
            }
            other => other,
        };
        match opened {
            Ok(((packet_number, plaintext), from_packet)) => {
                let mut initial = Initial::new(&header, packet_number, from_packet);
                initial.frame_error = initial
                    .read_frames(&plaintext, header.protection.google_frames)
                    .err();
                out.packets.push(initial);
            }
            Err(e) => out.errors.push(e),
        }
    }
    out
}

fn open_with(header: &LongHeader, dcid: &[u8], side: Side) -> Result<(u64, Vec<u8>)> {
    Keys::initial(header.protection, dcid, side)
        .ok_or(Error::Malformed {
            header: "quic",
            what: "no Initial keys for this connection ID",
        })?
        .open(header)
}

/// Every long-header Initial packet coalesced in one UDP datagram sent by the client, decrypted
/// with the client keys derived from `original_dcid` (the DCID of the client's first Initial of
/// the connection; None: the packet's own DCID). Other coalesced packets (0-RTT, Handshake) are
/// skipped by their length; packets that fail to decrypt are skipped ([`decrypt_initials`] says why).
pub fn client_initials(datagram: &[u8], original_dcid: Option<&[u8]>) -> Vec<Initial> {
    decrypt_initials(datagram, Side::Client, original_dcid).packets
}

/// The server's Initial packets in one datagram, decrypted with the server keys derived from
/// `original_dcid` (the DCID of the client's first Initial; after a Retry, the Retry's SCID).
pub fn server_initials(datagram: &[u8], original_dcid: &[u8]) -> Vec<Initial> {
    decrypt_initials(datagram, Side::Server, Some(original_dcid)).packets
}

/// The CRYPTO stream of one packet-number space, from frames arriving in any order, overlapping
/// or duplicated; it keeps the first [`MAX_CRYPTO`] bytes and hands out the contiguous prefix
/// from offset 0.
#[derive(Debug, Clone, Default)]
pub struct CryptoStream {
    /// The bytes received, at their offsets (zeros in the gaps).
    bytes: Vec<u8>,
    /// The ranges received: sorted, disjoint and not touching, at most [`MAX_CRYPTO_PIECES`].
    pieces: Vec<(usize, usize)>,
}

impl CryptoStream {
    /// An empty stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the data of one CRYPTO frame; what lies beyond [`MAX_CRYPTO`] is dropped.
    pub fn add(&mut self, offset: u64, data: &[u8]) {
        let Ok(start) = usize::try_from(offset) else {
            return;
        };
        let end = start.saturating_add(data.len()).min(MAX_CRYPTO);
        if start >= end {
            return;
        }
        if self.bytes.len() < end {
            self.bytes.resize(end, 0);
        }
        self.bytes[start..end].copy_from_slice(&data[..end - start]);

        let at = self.pieces.partition_point(|&(s, _)| s < start);
        self.pieces.insert(at, (start, end));
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(self.pieces.len());
        for &(s, e) in &self.pieces {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        merged.truncate(MAX_CRYPTO_PIECES);
        self.pieces = merged;
    }

    /// The bytes received without a gap from offset 0.
    pub fn contiguous(&self) -> &[u8] {
        match self.pieces.first() {
            Some(&(0, end)) => self.bytes.get(..end).unwrap_or_default(),
            _ => &[],
        }
    }
}

/// Reads a `len`-byte unsigned integer in gQUIC's byte order (little-endian before Q039).
fn gquic_uint(bytes: &[u8], big_endian: bool) -> u64 {
    let fold = |v: u64, &b: &u8| v << 8 | u64::from(b);
    if big_endian {
        bytes.iter().fold(0, fold)
    } else {
        bytes.iter().rev().fold(0, fold)
    }
}

/// The version and the first bytes of the crypto handshake stream (stream 1, from offset 0: a CHLO
/// message, [`chlo_value`]) of a plaintext Google QUIC client packet that carries its version:
/// Q024–Q043 (public header with an 8-byte connection ID) and Q044–Q049 (long header, Initial).
/// The bytes end where the packet does if the message goes on in the next one. None when the
/// packet is not one of these or its first frame is not the start of stream 1.
pub fn gquic_chlo(datagram: &[u8]) -> Option<(u32, &[u8])> {
    let flags = *datagram.first()?;
    let (version, frames_at) = if flags & 0x80 != 0 {
        // Long header: flags, version, one byte of 4-bit CID lengths, CIDs, packet number.
        let version = u32::from_be_bytes(datagram.get(1..5)?.try_into().ok()?);
        let is_initial = flags & 0x70 == 0x40;
        if !(has_nibble_cid_lengths(version) && is_google_version(version) && is_initial) {
            return None;
        }
        let lengths = *datagram.get(5)?;
        let len = |code: u8| if code == 0 { 0 } else { usize::from(code) + 3 };
        let pn_len = usize::from(flags & 3) + 1;
        (
            version,
            6 + len(lengths >> 4) + len(lengths & 0x0f) + pn_len,
        )
    } else {
        // Public header: flags (0x01 version, 0x02 reset, 0x08 8-byte CID, 0x30 packet number
        // length), CID, version, packet number.
        if flags & 0x03 != 0x01 {
            return None;
        }
        let cid_len = if flags & 0x08 != 0 { 8 } else { 0 };
        let version = u32::from_be_bytes(datagram.get(1 + cid_len..5 + cid_len)?.try_into().ok()?);
        if !(version >> 24 == u32::from(b'Q') && google_number(version).is_some_and(|n| n < 44)) {
            return None;
        }
        let pn_len = [1, 2, 4, 6][usize::from(flags >> 4 & 3)];
        (version, 1 + cid_len + 4 + pn_len)
    };
    let number = google_number(version)?;
    // A 12-byte hash of the null encryption, then (before Q034) a byte of private flags.
    let frames_at = frames_at + 12 + usize::from(number < 34);
    let mut r = Reader::new(datagram, frames_at, "gquic");
    // STREAM frame: 1, FIN, data length present, 3 bits of offset length, 2 of stream ID length.
    let frame_type = r.take(1).ok()?[0];
    if frame_type & 0x80 == 0 {
        return None;
    }
    let big_endian = number >= 39;
    let stream_id = gquic_uint(r.take(u64::from(frame_type & 3) + 1).ok()?, big_endian);
    let offset_len = match frame_type >> 2 & 7 {
        0 => 0,
        n => u64::from(n) + 1,
    };
    let offset = gquic_uint(r.take(offset_len).ok()?, big_endian);
    let data_len = if frame_type & 0x20 != 0 {
        gquic_uint(r.take(2).ok()?, big_endian)
    } else {
        r.remaining() as u64
    };
    if stream_id != 1 || offset != 0 {
        return None;
    }
    let data = datagram.get(r.at..)?;
    data.get(..usize::try_from(data_len).ok()?.min(data.len()))
        .map(|d| (version, d))
}

/// The value of `tag` in a gQUIC CHLO message: `CHLO`, a 16-bit count of entries and 16 bits of
/// padding, then per entry a tag and the end offset of its value (little-endian), then the values.
/// None if there is no such tag or its value lies beyond the bytes given.
pub fn chlo_value<'a>(message: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    if message.get(..4)? != b"CHLO" {
        return None;
    }
    let entries = usize::from(u16::from_le_bytes([*message.get(4)?, *message.get(5)?]));
    let values_at = 8 + entries * 8;
    let mut start = 0usize;
    for entry in message.get(8..)?.chunks_exact(8).take(entries) {
        let end =
            usize::try_from(u32::from_le_bytes([entry[4], entry[5], entry[6], entry[7]])).ok()?;
        if end < start {
            return None;
        }
        if entry[..4] == tag[..] {
            return message.get(values_at.checked_add(start)?..values_at.checked_add(end)?);
        }
        start = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// quic-v2.pcapng frame 1: a QUIC v2 client Initial (SNI "test") and a 0-RTT packet.
    static V2_CLIENT: &str = concat!(
        "d66b3343cf080726272642fc2eb20811fffdea452422b832a196c2fa15ec4a99b399b9116eb2c5ef233065423a33ac16",
        "db1be7c47541e1dbc9337bc0326b173b40bfcb11d25b647d0e8141c89fd5d4fe0ae06a3a4962392c9e91c2e1b3920ae3",
        "f12a7128aed5573623691908c9962a936cabe187e5acf4e4047e6fe88834c87e48cab6336dcf659934dffc133e0b4672",
        "e74e81a0d801d41fd6abdb6e04c27d9c831771e2c8fe0e025fe22818a653f609bbf7f500392b83579bdb2ef50507795f",
        "7bf7a63c939e9c6b8292d9fafbfd0daff19350ccb31c473981ddcff35e2d44465427a3ce8f5f91da78c35e9479bf6d37",
        "2b5ac20129844c77052541040d4f2f1567dddd86ebe0b18efcde66d1098ee7a330ec771df5edc99baaa853ef72b0a49b",
        "685d976f83600e5bbed12fb1c123e189b90a7585bf3e3bc42ef017d060cb4638a4e693cc9e04916be5ea6bf5f0b46aaa",
        "166619dc465a0ddb25b89226216b70dc49014284ee512ca3ba354cdd26fdc3a36e5e41693069e7fa89fb45d8c687802c",
        "8362440d78ab2c727e7827af5663be939dd4888ace2214195d0e8861f7dfbcc0c3c886c03ee2424d960192010158c016",
        "737b5a6edaf09f13f65d830e476c41a07c7e6badfc1ff2e2a70b0f1ad551ef429e0ef6b0d85b0834c08ffdef70af1745",
        "ad61b83381339680ae39b9c92e5cdb8475f5efd7b76b3f7877126431960b60a5a61b3a12ee1e5f1eea7958b16d0c4859",
        "9bf4f6bee36b3343cf080726272642fc2eb20811fffdea452422b842a36e46d441f8c3f756c608d417943fb77a8fdc13",
        "b99403e5bb94d6a809d67cdfbffe00d687862536d8dcbb9a0d94a3aa080c8fe40379d52d3f982a521af9900d8034fb0a",
        "e504b28073dc59a189c126ab9fe636588d1034f9dc00ebb01e8729d663404e00f0e38e902af72e2b92387dcab96bea2b",
        "445b8f3f6c2bafb3fc01aa152bf874c8d4b3b46bfbf5b6167a139ca4cda71a917762b3013a7b6e7bcb9fe6fc13b32136",
        "36dd97389174e56d63302a1fde2f20938e20c7bc6bdfe8890528b53c72f1f346d5a8d964a46f2f49ea554eb3754a8788",
        "caeed7fc6e49acd25302f3f8e53b1173264a443e665bc09d3a73f183ed3deb90974a6c993cd0aa6fae24e23fef2e4934",
        "16d858f981dda4632e306b7544ec9fb65c144baeb456c895baf6e310f611537be8e07e4ebddec383c455fe882539b08f",
        "a0073a7e66cc5ee81f836dfec3ef43d77dc30b260ebe17f1c13eb609897cba3648ebe0a7dae509fddfddf290e69d7a25",
        "ac5db1920dd5806c6165fe4905fccdd96355636883c977d68d987672c1d96c6efae19bfa7494f89b66d61e0980847448",
        "463834485b07515833ed34ae181adfb4ec769836a626d4efa240c6f1f010a1f142c9f948edde0a0840b66c9e248698f4",
        "56397ed4dc6c3e3ec5bac71812ad41e36531e8ba62faf269cbbce55ae5e3201d443f3504ea9727787ad20ff0b8e73eda",
        "0d7c522fd467beec602f7a536da1c248262305d26efe21f17ddb9b5409fe19145aa3df1629d5a381c83035284fc94941",
        "0a7c1d66e727cd2e96b0c2664754dfa7c7c465be6555e462bf83b9404a4f266b0df00373f8de23b90c28c92a9c33e7a6",
        "5aa6258cb1d5b26ec1f74c05430d67c0122e19c0f5b066e16727145c0047e77b8113d41e73456795f5c6db66d4caaab7",
        "d25c18a72a163d75b9ec4569146cb20de5ac44b365b03452be4c05734b28603c",
    );
    /// quic-v2.pcapng frame 2: the server's Initial (ServerHello) and Handshake packets.
    static V2_SERVER: &str = concat!(
        "946b3343cf0811fffdea452422b808b844d6f71875fd1d00409eb9bdf0892df75198808c55d29eb933fb1cf6d0a41dab",
        "062e5f2861689331c225cfbc90dee84fcfe1971c163dd48631d1ea97856ffc0178d76c85e08c400b9253a37bcdab24fe",
        "77f19d5bd017eba0139f8dfbf0f8b4d3b7232b0a2475e439226c14cd951eb63d08f8e391876baed83ba499dc59787677",
        "524288b63c8fff2ea472ff44aaae8222601a91155ba94fa29dfc4eaaa0c7396cab99d631da7177b3b76b3343cf0811ff",
        "fdea452422b808b844d6f71875fd1d43ff1ec5f7fa24efb88a1cc0df6160acb5fc6a81ead21f4537c77155b757081177",
        "ab652cd18c116c81cee68d19a09307302c763b4f046bd08d256a82bbd6a13b01b47c815cc35537a4413fa0fcbf2ecb06",
        "09ef4da284e46ed71b328481fcfe9ba95a131930723f0789ea417f57fc45bd9b3a43ddbe3e5552a8cbc675f31d899bff",
        "e34a9d3067a4c7680c17faabff5137bc469766caceee73799a8edd1c56ca911ed533b25a82e6bb349222461a6ea680ba",
        "060ae1c29cc01833b682ae6e36fb9ddfbe3c60393c3e4efddefa991b28650efb5de148f8f71f3a9797ff414fc1e9b972",
        "2d33b295212bb5d8f8ede8d12df6088b8ce03a78cd0c5a5e5a44c063cbd1054ea103f002e3d75596aa42ed8ae5188928",
        "29b44fd46eb74e8c7d604fe7ef08234b93935d17d3101c3cae26b4c6a7e5bdc1fdcbed2c33871c2a01b27a6dfb4346d7",
        "04cd9ce1c4f1d0d387cfeaea6b95466cb2f7173eed8a7ab4256e26c5739caec81389591d05d1f3f67c878fa88480e3c2",
        "b738b9b137aadee05ea1d4d8aba0754a2893b79bbdf0b1ca2f084bf71048390f3484a0422b5d0a7c15a4c864471ee050",
        "70297486c19e03e2799e6e64538afe1373dd500d5efbe975525cb0723e2af78fb480ed9b106153df1bdca68a00768d62",
        "1d6d8c3886b533e8b3d86b516c01317dbd260f396a794e0ac6383ee16b6646f91a62e066fee19b18ebe13100a97687b9",
        "27d9e01e1f36a709ac3d28fcd48abbbab5992ff031e88dbf2fa3b156c37c713f52901b55f4df508ebcf8ef74d4f3c434",
        "22790c53e1e77f64596f0b7b797a3e1dc26ddc6d160818ac6d8b17249e3ce6a9e53773785c5bb3acf67a488a343a253e",
        "829040338fdfdf3619f0fd049cafd4404d7036177b1e1dbe39c0c0d063ba97779a2fea00b87fcc140a4a49c0582caf80",
        "208b6b5a3441efcf00dd4eb159cdf00e601af31ea88fe3b044232625f2879e22ac4b6b84eeb0457baf476c2991ebb9b4",
        "d677a4adf7d5d80dc8cfb63880e13eaf177ffa01a57cea2b756b92e5ab08abc692569d9bfbcfaf6dbe8d96df43a745a2",
        "4a9a4c38bc4ae45cf0c8ddf505670163290679220b3dd29a5368cb715fe8acb8ad59e90ddf61d0e53b39da990b6de1e1",
        "81e04a443b70886d0e017b458fc8e48dadff92bb22d912ccbc408ee2cf9da432f1f5f1f2360f238e025fc8aa671b83c4",
        "ae354a4a8ae395dcc3b359d14184c61725a61e9af0009bdc5a053dc064618126f664d28fb1816eff2301a8b60b992580",
        "5c670494fa33881f20310085ceab303402262fa1496c4aadd873405f7ec7ddee250b3389d1d684ad87fcf850cf63f789",
        "001ffa268fe9b86775fccc38681c812e85b1085957bf8333371b94b5d07006ed52404801775a5e1beb6b0f21c78421da",
        "562494499dc100ef44cf28ec9fd58a94b29100d1f0532ba7dcacf4943d759266b96b3343cf0811fffdea452422b808b8",
        "44d6f71875fd1d415299f08668c64fe9dd5a2e4d1cbb18510b0d312be903c4c1c2f8d993196240c682d5128730fccb22",
        "6a746ad210305d1c84123140f476edd739235a5b31b353449db24d012d0997c88da6a49be2cf08c08b19294b8bd5a0e4",
        "4d0a8efe2a8793358bf115d5e1e11003a96ed82b3758b3d361826bd6e5d097c965ba59c1fabf70a575efeb7209507cb2",
        "f35d2fb5ff13a6c9c93401beea1d550c059403f954561b99926aad47117ef6d470e5e88f383ed68271c22229d4a9415a",
        "39ce2745f87b38c816cc711c7e2a299edde1c9e821c44015845bcabf49c4b88967a6548aef988a265502b2664f426a5e",
        "9048d5b884d1fedf45145f476a65a8e5f619ef8220fdf1c376d1319414eed12aa921be87ae2411e49e9b76c5a66f1ee6",
        "5a5a698dd233a7cfd97876e87e1d6d15a6120618eace14227e87acc902f3f5a77081d0dfc159d655257a51839c999727",
        "f3e1ddba3ca357ee90a8b84911fffdea452422b8446c00bc7a99d676976e66432a5d2d783b87db757d6abaccc8910362",
        "8769e51272b9ca0cfc2029adf51e891cdc2cd173319b71d8427e3895d8b474de7beb383d935bfcadd6ecf2250df0e1bb",
        "56c16a9cc91753439a40c322aa300222ce4f4eff77b8dd392448eb623a1e593dfbc7ae580781bcb2d6f9eee0fc3a6260",
        "1592d0c8a073bdabbed5a48a299c8f72599915c877e530d5efca540c5512161a531f6a628f997c93151840ef70006bd2",
        "f4dca775a51e9d4797f7757de96e3947c5de85ca457ce968e7fdc2a6ad6cbf824153944e715018c3e2f74178ec6a3fa0",
        "41842d00523e4dc212611ca191c332b4bf292f741ec4ae707421ce9fdceaaf2f146c18afacf38e6e4443d97c2abf1044",
        "ad90fc2105b64b0db3b3efaea04b09a3aeb0d8c5e0a196eb156b31c1d1480dca3ba0982caf8012d621cb5ea0f0dd818e",
        "47372975a7b2c89baeac982c3cb646d49430cbd28c567a8de00db82303341f2522c851e665732a5e2147fdf99f190f8c",
        "91ad812240519cd7f68294707afe7ec6bfdca2958e52e8a2e9bba7dda28bc441b945bfc12168128d23a1a0627541bc3b",
        "114b425498ae4dfe8e99f97cd3c97e8672e3",
    );
    /// quic-29.pcap frame 2: a draft-29 Retry.
    static D29_RETRY: &str = concat!(
        "f0ff00001d1143944eda18beb7e548b38d375bf3c2a3bc122e9a32ed45c9066ad4f9ac32c1d23c19e480b6907375db29",
        "9ac3b8c0116101cfa539946cdc0bd6f7aac1308a926fc779a44d62ce556742f27f3249c7fadc73d661f144e6516d421e",
        "cdb186e7df7fb5f0dc0280c49edf4ce0ef885332c4",
    );
    /// quic-29.pcap frame 3: the client's Initial again, to the Retry's SCID.
    static D29_AFTER_RETRY: &str = concat!(
        "ceff00001d122e9a32ed45c9066ad4f9ac32c1d23c19e4801143944eda18beb7e548b38d375bf3c2a3bc3bb6907375db",
        "299ac3b8c0116101cfa539946cdc0bd6f7aac1308a926fc779a44d62ce556742f27f3249c7fadc73d661f144e6516d42",
        "1ecdb186e7df447c0ade7bdeec6b37b5979c509af3a83172264f5581ab8321bd19fabbc96e9a253642baa3b2e06ac02a",
        "9814406d970c3d756f51f2ac2e24ac0f84882dc583f97bee5abdc187ab66f907e4cdaf9bea264fb9b9b70d5c12bb2b3f",
        "5dda7dd20dc9dd79353f47d5af8fc3056ed71860e4a318574ff24af65e143d1215ca2e52fecfc708ff840f0ca5939345",
        "e1a7e341a192147be91b3d6b7d68126d65bdfac30a62b786d0d2460434e23a4ceb9a836e3f066c2dc0a52ab4fc0c7933",
        "f8e811f64e0794698205bc63852e44a8700f4cdd29f6d34865647e0bfa9488438dcd65876a3168ad86f2427d835222ba",
        "c81a3e39062fab16b7a19a4613589fbbafacb74a2db216a28bb8586adf1090aae778bcb5e6674b730ecf67dc524d802b",
        "b3d86be3ebe3d5ca8a52dc6a44f4e22c5e1d0af4488445f8c2c8951d342cd47e5594fc0ac49ab9efd2f2792faa163e0a",
        "766bd9045899170f8e4b2dcd9dc0348ef1e9bc335acc2670f3fb58c9baafb72a29f04554890947c8983c60d43e6963bc",
        "ca9393c2f34819829368fc5764cbcddf9c8b5ebbed7f885a55dcc7d06d7e902d6e5021963f605636343f4d51bc82b1bb",
        "46c1c66e7667f117d7854e2a7527058e1277d53c20007d25627e3ebbd96724022ce6c4fd593524add65c4bfb0cdcb787",
        "23a30a5a9c9c3fc0f6f239712d4731fdd320085dbb261dc1b026dcb6535d2fc8585b7f19af6538f7291ded66695ec180",
        "0359f3b0d7ee2307e4404e15c861e72e35eb5f1471ac3e8ded00de2fb78ade45236720b95b9df8418158ae1d075ae65f",
        "8ae930b779de16b734be0c8c31d50a4e669af7abf53f938955a6a427b2a8e7421cfdc72f58c74ff37f8d3dcb3eec7457",
        "2b8c86d724733309261747bfe7b0e16f866c6019c8dc90069da27001b3cb9fb9c10ad5f5d49562b3be802c0fc4155ca8",
        "c82323d5156c0074ff0dc716297b5daae41d9b920d89f36e380e7ae12545300d1c7287cace2700649882ee47d793a417",
        "765d0c2eb21ae6406805cd09cb973f851aa2d63c4f15227822745035cf65fe5d9738f5d45dcec635fe34627085f607b4",
        "dac791570e50800c73cedca6f2c43f198b947745201b076e9035a2c2a8ae246b67d0c7f4852a680f15e8d06c57cb944e",
        "682abe623f7eace8717d67fecb68f57ac42907e95ba160ea44d18fa61dc7f5096e493ecbba2d2ffa7da8115f38f9fb1a",
        "491a0844d95e3ffaa4baf0a95ec22b146b64ecd741d59f19766dfe43ca01d3cdb806c9db22a052e8f55231ae6e43b203",
        "4f5f518a2db4d4ff478db20575677a7f89e4a1aed02c1cde4190a5e66938366c163e529e551272f15a2555eb3627be79",
        "a32b797f8075f196d8ec0d774590dfc540e683dbef3d15d2e601adae3ec4101b04e5bfa336206c6063df09a8c72efbd7",
        "b9927359382ce46205d9f64c956de92a890076193f26dc874bdfaf7d95e57717270b105cc21ffe5f926fa74398ebaeae",
        "3761e2c7456c1ecc317eda3e084de5d5f44e98abf9850bfa0eba69a2311753f072c27d47cb13c1331e06e0b200792974",
        "5f343d2e923fb27260bf7a050db3103175ba74a20beada102e644f99e5b63284e1b7882fc0a5e3f114503f8ba614777f",
        "31900c55",
    );
    /// gquic.pcap frame 1: a Google Q050 Initial, a CHLO in CRYPTO frames (SNI www.gstatic.com).
    static Q050_CLIENT: &str = concat!(
        "c35130353008017697f17a15e6ef000045343459c182c17986405543d41c76101007b017e124d5b97f9c6644d7732abb",
        "434e8c288dc8315ee79f75f056c61df2548cd94436321fcbcf43f9e131f5df7fc18c5f2c29c671e3cfd57a9332663a33",
        "35fea1521a1c80102f6a6a36f485c756a20bc69925e308c2ce36e3795d75f5c8627c5717c5a4e3965164c6c8775e62c6",
        "e77e3c13fa8ad932cb9cccb8dc9007c3a4b67b5bf604ee165e4c9afdb72bb233e74188a446f4f11fc962f597e54393ed",
        "b6c61c494b508a0566cd7fb7ceee9896350c83008aac66d4738ca6d2d377ecce65cbfba19b6d7e03a7efb72c9218d41f",
        "3fbc093ac4758961ac03a351f95fdf9a06ef7ddef680a774b131c50036d13d22980dcd170cafd7f2f1bc1971849271db",
        "393ec3192ccb2a91d8bcbaf021a163b3078713a824b5ae38936a0fde5279cbfa21ca52e578c58ecebce7bdbbc798f0d3",
        "a3a7f39c5942c1c330893e5b53b90a76bdb675f242e0764a5e0adf771fe4cabf56ed8805f2776fd6010ca7ad211a86b7",
        "1de22436bc1c8a63148fc968d4c40c2d275f21444b80b62e6177aa354f67ac2a424ce1c5f2b9639d32ed7a6165e462a7",
        "5b840ef959fc610534c02d969e23c50f424e484ffdffcba18dd15654331b8865a1624d5209d7120a7c306ad33253f0dc",
        "a59a83236e5e6f9f1666abcdaad9ec0a6a2353ff0de128d529715eeaca9917d56ed86be01c3bd2ab10f38de63daa5b6c",
        "e13b886defa01fec3530a53b27136d199d3c63229d0c455f8a4950ff1caf4a01f900646a9670fa8a027b345e78a63283",
        "ebbabe57f6fb03351584621ba5a8c34b8aef9fe7c37615d21aa2c56ed1cd070f733a57f22e5837402933b67f9ac021a4",
        "b94ad4409591bb31de5dc43d3e6f864d6af8cedc5d35ef0639d707d1fc3fd3616ac2a6d96b4c605dbea88031ff67bbb7",
        "393b790ac07f84fa788a6bc77b379cb7b2c06ee45c209fad99729eab035d506a3257ad78918280d1a4c39b841b066a78",
        "9c883d76ca738d71c4c59df753dcf12f067c0d8c10243a18872c2871be3e8caa793a1153d0482de40363e0f3ec28d044",
        "8cd0f19e900a0a2235d58918332623d4148527698a5b99055d9dbf524ed6d2328c47290115268827e7f0bb55b8ca1363",
        "0d1ebd2a9386c06c39778ec303d53e1a3eea6d10a98e06f5bf5e390336c840d4d4fe6c14f20aa28f4a3ead56ffa5412d",
        "58c461a3f62e92abe3d0f0e9936d2efe230d76ebd21100102edec8037d7364c26c7735035ea787e25bc02537405c333e",
        "05f1cebad7ebc973b48a564aaeb85b2668f4dd1c8089e4a4a08ef2f53608eee76a654ba433641c8174b5f341588dbf78",
        "c8bb859571b42daf54ee84fa53381810eac376ae1b7285a8ae1c3d8f81234d372c14c90d3bc7fae539627120f429d1a1",
        "ee080247c36d0f6a8c4a2e0a20cc6af481e618f58124e0eb75cd7e2d7726037029a2263cd736cad903d374ad0b1d649d",
        "79ab82dcb0b363dcc9e5b12d66f0388626a675f665e04e5cc42feb6918a5596f7eb0db970eb007f6bc38f2aeba2a22d2",
        "102eb7c83a52d6ae78f5110ef8e084231f122904283755bab6ca67559dc428bc2e09bcb4d134bce203fbfe47b5519b11",
        "4944eb31e0844e6908c9af4345f267de0c58b68e7ce238354a4e80c62e1a27c3259e17477c2ff45d642b54cd54383dff",
        "2772b95d9519289e6f5162737c14e001ef09e3f85e50c0f65a6901b9020447a861f491afc3267623abc93bb297b28acd",
        "09e5d903a8857ddb64f74b2a125ebb2e7594009999ffa373815fc95eb1a8411474baaa16542ff18f5bbe73ae8c447f32",
        "dd37fc0d4a19d4be7b4ab4731ab916041e81d914a47f1595cd95120a01203d4e0ba7e7e7bfaa43ce1f3389f98b529854",
        "e49c9ca2dc7b",
    );
    /// quic_t51.pcap frame 1: a Google T051 Initial with a TLS ClientHello (SNI www.google.com).
    static T051_CLIENT: &str = concat!(
        "c15430353108ff9415b5b005860d0000453495cd6c78ab2880cd312769b2e008aaa61f91ff63764e5a29bfa2f509327b",
        "e26808a2975e4ccb1b7589a66473fcd0e5e2cf3a2d6ba6051d567d55e01c119a3ca6012089865483bd1b35e774db6b81",
        "6369f80080496a84da65ce1d94afc1e13894142f9689831dc5cbc7dd2d9596684af91736814407a8060b933aafcf933a",
        "3582e576294ac5c0b0fd3a09fb3bb97c74c06d08a9145a9b0fde462daee804253b8cf13fc23d9013533d5a4e76f92ae0",
        "6cd88a0879b43a2f3ffda0bef1047ca0f4155ac4338e47326a03160dac9c1e8f99da087662a1822687a914db2a82d3bc",
        "b9658d0e26a2b0734740308fac2b7910356f2cc2e4659413704f5bc48849b9c07808dafddba911023681e18e42a83004",
        "79aaf94ed089dc8bb40b66f3063a22e49f4b3e2c150506217f1b6a19d5fd3b79c034a8dd6cc56abd897be36306a36605",
        "9b6279d3ba0f3015cba8f256d9ada3fd796b74872a2c92d7cb5aee89eb7661fa1fe5c4da317429eb0c8eabcb3690b11e",
        "6f446a1b7f34cc702152fc137c288462fc1237cf8b3dbeddd472aedc946f6df338036bba0f7fdc71ce3407c8e9b7ab7c",
        "9954c26bdd8ceecf218157c31c2be889a4f1445d3b50b6564dbb911632d70371bf40bce5d1bd90400dcf46a30ed6be18",
        "2ccf4884bfbd4e3226f64b2493cd6716c6dca9e50f3c2225e52bda928a19d4d7b8be51c933bbdc3f01e44491daf8f323",
        "b649dfd43f4599c691a0ada0cb0153464da3d9129778d3463f77ce181311995b2d9ed30ef47942411d29a9690827e8f0",
        "faf0ea147315641c1ca37a71e6d24ab188a4d56e08eef0d5a249fcb589025ee5a40ea9b0f4abe792d39e354f9ea0b6e7",
        "6d08bf0099da097db6fe93a7bcc04352a700132c6184f503c5a7134eec82cb4d60f43eea349980873de4e4c0b6cd39ba",
        "ec820b63585e67602e62f4306103acb376c9b633cd6beb95d6955b422570e92da7bf12a0b6ae59f434ae5e1bec6d33a9",
        "e464aad5857479ec0c513ea707a7a349c1561aff97339d117f5d22b9280eea95f39f2636f6a30c39c75fc4531693c661",
        "1002e428b5deaa333e1631e03ea55886d8ddd0cc5adf10a2e291277dfd581789e3efc2981d9ad5db3c65ea285c955561",
        "e221d7345188faceb7bec15710e4c17a37cfb2bebe5664c3275fa8d64364f775d413f6d0f366b5f0d24f75743a91fdba",
        "42371ce11aa74ef026ad687fe9f986e3322b898ec0f73f2de1e3bd41fafd4cb3b793407924e5675954ea95b3afac9804",
        "cd5f791efd22a0ed31223e419f1adb2e79706cd7cf8d519371134087bd60537d89f2bafaac2c7109a4efe1153b29d890",
        "fb38a00b42ca2bbc7838fb3d9f629ad8a50fcb6e66acb43f864e488edcecaeaa90d8cccd7198716f4924342c442f3390",
        "50c6e99059f0dd71af10308956997247552a8e20c538bf3f25fb9ea61135a321d678e615c157760b0bf63c61b1d394f9",
        "2495a2c05c5650d3d1741a53bc34b4c3fa7835dfdcd863daa2b602bf5ac41406d826917817a237d07f167925cacf3842",
        "0c928ad3e703c2c523aac4912715387ed4beb980745de2662a1285b927cc115234ab5629310644fc6d8c0b8cc08a084d",
        "b04a14c0dc16612db9e3922edfe11e8287b8ec1fe4f2d09285e6af6681c243a18b9f360a11d72d306bd9a8c54e5ec3d0",
        "9d89686e655f842a07600a932fefab23e5765e02a6ce97440f2730c2c48b9155a8614e25180a0f30fde4c5ab1f0a7507",
        "53f57a82473b0b76ec9246bd729959777a42d03b48f009acf16d552249d8a4724385b8ab19245373aa096c940af0d6c5",
        "d26060fbb400cc5ec2836d1548f1f5a02ab5104a1dc211e54014c71240c850e3969bc03691e3efd9bc76053c55b820f3",
        "d83efcce1e75",
    );
    /// telegram.pcap: a plaintext Google Q046 CHLO (SNI www.google.com).
    static Q046_CLIENT: &str = concat!(
        "c35130343650a33549135f4a97090000000174b0e0f96180873399bbad86a001040043484c4f1900000050414400f501",
        "0000534e49000302000053544b0039020000564552003d020000434353004d0200004e4f4e436d020000414541447102",
        "000055414944a002000053434944b002000054434944b402000050444d44b8020000534d484cbc0200004943534cc002",
        "00004e4f4e50e002000050554253000300004d4944530403000053434c53080300004b4558530c030000584c43541403",
        "00004353435414030000434f50541403000043435254240300004952545428030000434643572c030000534643573003",
        "00002d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d7777772e676f6f676c652e636f6df8e2d1bd942991013e2c51",
        "4bc479155e03643e22ed3ffa0746789ca6984c494270d40b2f4faf6a34ff40ff6da7ac081917958bcc7b345130343601",
        "e8816092921ae87eed8086a21582915eb2da72303030303030303002e563c7679e48d927f80843b528109f705e5bc943",
        "43323062657461204368726f6d652f38332e302e343130332e333420496e74656c204d6163204f5320582031305f3133",
        "5f362b8982b382048aa6c0bab256a80a5d1f0000000058353039010000001e0000000b9740b60713d24884aac657caef",
        "5e83b132316e7f625f2931d79522960bcfac03210db6c3bde17e8af6cbb1e7dbfb24ceebb2b8de3ee6c6b04016a982fb",
        "7b5c640000000100000043323535ef47eaa99e0a528def47eaa99e0a528d6032cb92a0414ddf067700000000f0000000",
        "600000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "000000000000",
    );
    /// quic_q43.pcap: the first 800 bytes of a plaintext Google Q043 CHLO (SNI dns.google.com).
    static Q043_CLIENT_CUT: &str = concat!(
        "0de83c77bd8f8915f95130343301d4a6cc79cf5763921201d4caa001040043484c4f180000005041440028020000534e",
        "49003602000053544b006c020000564552007002000043435300800200004e4f4e43a002000041454144a40200005343",
        "4944b402000054434944b802000050444d44bc020000534d484cc00200004943534cc40200004e4f4e50e40200005055",
        "4253040300004d4944530803000053434c530c0300004b45585310030000584c4354180300004353435418030000434f",
        "50541c030000434352542c0300004952545430030000434643573403000053464357380300002d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d",
        "2d2d2d2d2d2d2d2d2d2d2d2d2d2d646e732e676f6f676c652e636f6d1f329042",
    );
    /// quic-28.pcap frame 2: a Version Negotiation packet.
    static VERSION_NEGOTIATION: &str =
        "ad000000001440c4ba672f4517d5e7ec820fd54b107875fda8cc10828381a786882fe30f09739d4782a217ff00001b";

    const PN_V2_CLIENT: u64 = 66029; // as tshark reads it

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len() / 2)
            .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex digits"))
            .collect()
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    /// The CRYPTO stream of the given packets.
    fn stream(packets: &[Initial]) -> CryptoStream {
        let mut s = CryptoStream::new();
        for (offset, data) in packets.iter().flat_map(|p| &p.crypto) {
            s.add(*offset, data);
        }
        s
    }

    const V2_DCID: [u8; 8] = [0x07, 0x26, 0x27, 0x26, 0x42, 0xfc, 0x2e, 0xb2];

    #[test]
    fn rfc9001_initial_keys() {
        let dcid = hex("8394c8f03e515708");
        let v1 = protection(VERSION_1).expect("v1 keys");
        let (key, iv, hp) = initial_key_material(v1, &dcid, Side::Client).expect("keys");
        assert_eq!(key.to_vec(), hex("1f369613dd76d5467730efcbe3b1a22d"));
        assert_eq!(iv.to_vec(), hex("fa044b2f42a3fd3b46fb255c"));
        assert_eq!(hp.to_vec(), hex("9f50449e04a0e810283a1e9933adedd2"));
        let (key, iv, hp) = initial_key_material(v1, &dcid, Side::Server).expect("keys");
        assert_eq!(key.to_vec(), hex("cf3a5331653c364c88f0f379b6067e37"));
        assert_eq!(iv.to_vec(), hex("0ac1493ca1905853b0bba03e"));
        assert_eq!(hp.to_vec(), hex("c206b8d9b9f0f37644430b490eeaa314"));
    }

    #[test]
    fn rfc9369_initial_keys() {
        let dcid = hex("8394c8f03e515708");
        let v2 = protection(VERSION_2).expect("v2 keys");
        let (key, iv, hp) = initial_key_material(v2, &dcid, Side::Client).expect("keys");
        assert_eq!(key.to_vec(), hex("8b1a0bc121284290a29e0971b5cd045d"));
        assert_eq!(iv.to_vec(), hex("91f73e2351d8fa91660e909f"));
        assert_eq!(hp.to_vec(), hex("45b95e15235d6f45a6b19cbcb0294ba9"));
        let (key, iv, hp) = initial_key_material(v2, &dcid, Side::Server).expect("keys");
        assert_eq!(key.to_vec(), hex("82db637861d55e1d011f19ea71d5d2a7"));
        assert_eq!(iv.to_vec(), hex("dd13c276499c0249d3310652"));
        assert_eq!(hp.to_vec(), hex("edf6d05c83121201b436e16877593c3a"));
    }

    #[test]
    fn zeek_version_names() {
        assert_eq!(version_name(1), "1");
        assert_eq!(version_name(0x6b33_43cf), "quicv2");
        assert_eq!(version_name(0xff00_001d), "draft-29");
        assert_eq!(version_name(0xff00_0016), "draft-22");
        assert_eq!(version_name(0xff00_001f), "draft-30");
        assert_eq!(version_name(0xff00_0022), "draft-34");
        assert_eq!(version_name(0xface_b002), "mvfst (faceb002)");
        assert_eq!(version_name(0x5130_3436), "unknown-51303436");
        assert_eq!(version_name(0xff00_0015), "unknown-ff000015");
        assert_eq!(version_name(0), "unknown-0");
    }

    #[test]
    fn google_versions() {
        assert!(is_google_version(0x5130_3436)); // Q046
        assert!(is_google_version(0x5430_3531)); // T051
        assert!(!is_google_version(0x5130_3a36));
        assert!(!is_google_version(VERSION_1));
        assert!(is_known_version(0x5130_3433) && is_known_version(0xff00_0011));
        assert!(!is_known_version(0x1234_5678));
    }

    #[test]
    fn detects_long_headers() {
        assert_eq!(long_header_version(&hex(V2_CLIENT)), Some(VERSION_2));
        assert_eq!(long_header_version(&hex(V2_SERVER)), Some(VERSION_2));
        assert_eq!(long_header_version(&hex(D29_RETRY)), Some(0xff00_001d));
        assert_eq!(long_header_version(&hex(Q050_CLIENT)), Some(0x5130_3530));
        assert_eq!(long_header_version(&hex(T051_CLIENT)), Some(0x5430_3531));
        assert_eq!(long_header_version(&hex(Q046_CLIENT)), Some(0x5130_3436));
        assert_eq!(long_header_version(&hex(VERSION_NEGOTIATION)), Some(0));
        // Q043's public header is not a long header.
        assert_eq!(long_header_version(&hex(Q043_CLIENT_CUT)), None);
    }

    #[test]
    fn rejects_what_is_not_a_long_header() {
        // A DNS query whose ID has its top bits set.
        let dns = hex("d285010000010000000000000377777706676f6f676c6503636f6d0000010001");
        assert_eq!(long_header_version(&dns), None);
        let mut padded = dns.clone();
        padded.resize(MIN_CLIENT_DATAGRAM, 0);
        assert_eq!(long_header_version(&padded), None, "a 1-byte DCID");
        // Fixed bit clear, a short header, a v1 CID over 20 bytes, a Length past the end.
        let mut unknown = hex(V2_CLIENT);
        unknown[1] = 0x12;
        assert_eq!(long_header_version(&unknown), Some(0x1233_43cf));
        assert_eq!(
            long_header_version(&unknown[..MIN_CLIENT_DATAGRAM - 1]),
            None
        );
        unknown[0] &= !0x40;
        assert_eq!(long_header_version(&unknown), None);
        // A known version's fixed bit may be greased.
        let mut greased = hex(V2_CLIENT);
        greased[0] &= !0x40;
        assert_eq!(long_header_version(&greased), Some(VERSION_2));
        assert_eq!(long_header_version(&[0x40, 0, 0, 0, 1, 0, 0]), None);
        let mut long_cid = vec![0xc0, 0, 0, 0, 1, 21];
        long_cid.extend([0; 40]);
        assert_eq!(long_header_version(&long_cid), None);
        let v2 = hex(V2_CLIENT);
        let first_len = LongHeader::parse(&v2).expect("a packet").packet.len();
        assert_eq!(long_header_version(&v2[..first_len - 1]), None);
        assert_eq!(long_header_version(&[]), None);
        // Version Negotiation must list versions.
        let vn = hex(VERSION_NEGOTIATION);
        assert_eq!(long_header_version(&vn[..vn.len() - 2]), None);
        let mut zero = vn.clone();
        zero.extend([0; 4]);
        assert_eq!(long_header_version(&zero), None);
    }

    #[test]
    fn coalesced_packets() {
        let client = hex(V2_CLIENT);
        let packets: Vec<_> = long_headers(&client)
            .map(|p| p.expect("a packet"))
            .collect();
        let types: Vec<_> = packets.iter().map(|p| p.packet_type).collect();
        assert_eq!(types, [PacketType::Initial, PacketType::ZeroRtt]);
        assert_eq!(packets[0].dcid, V2_DCID);
        assert_eq!(packets[0].scid, hex("11fffdea452422b8"));
        assert_eq!(
            packets[0].token.len(),
            50,
            "a token from an earlier connection"
        );
        let lengths: usize = packets.iter().map(|p| p.packet.len()).sum();
        assert_eq!(lengths, client.len());

        let server = hex(V2_SERVER);
        let types: Vec<_> = long_headers(&server)
            .map(|p| p.expect("a packet").packet_type)
            .collect();
        assert_eq!(types[..2], [PacketType::Initial, PacketType::Handshake]);
        assert_eq!(long_headers(&hex(VERSION_NEGOTIATION)).count(), 0);
    }

    #[test]
    fn v2_client_initial() {
        let initials = client_initials(&hex(V2_CLIENT), None);
        assert_eq!(initials.len(), 1);
        let initial = &initials[0];
        assert_eq!(initial.version, VERSION_2);
        assert_eq!(initial.dcid, V2_DCID);
        assert_eq!(initial.scid, hex("11fffdea452422b8"));
        assert_eq!(initial.packet_number, PN_V2_CLIENT);
        assert_eq!(initial.frame_error, None);
        assert!(!initial.keys_from_packet_dcid);
        let s = stream(&initials);
        let hello = s.contiguous();
        assert_eq!(hello[0], 1, "a ClientHello");
        let len = usize::from(hello[1]) << 16 | usize::from(hello[2]) << 8 | usize::from(hello[3]);
        assert_eq!(hello.len(), 4 + len);
        assert!(contains(hello, b"\x00\x04test"));
        // The same with the original DCID given.
        assert_eq!(client_initials(&hex(V2_CLIENT), Some(&V2_DCID)), initials);
    }

    #[test]
    fn v2_server_initial() {
        let initials = server_initials(&hex(V2_SERVER), &V2_DCID);
        assert_eq!(initials.len(), 1);
        assert_eq!(initials[0].dcid, hex("11fffdea452422b8"));
        assert_eq!(initials[0].scid, hex("b844d6f71875fd1d"));
        let s = stream(&initials);
        assert_eq!(s.contiguous().first(), Some(&2), "a ServerHello");
        // Client keys do not open the server's packets, nor the server keys the client's.
        let r = decrypt_initials(&hex(V2_SERVER), Side::Client, Some(&V2_DCID));
        assert!(r.packets.is_empty());
        assert!(matches!(r.errors[..], [Error::Malformed { .. }]));
        assert!(server_initials(&hex(V2_CLIENT), &V2_DCID).is_empty());
    }

    #[test]
    fn draft29_retry_then_initial() {
        let retry = hex(D29_RETRY);
        let header = LongHeader::parse(&retry).expect("a Retry");
        assert_eq!(header.packet_type, PacketType::Retry);
        assert_eq!(header.scid, hex("2e9a32ed45c9066ad4f9ac32c1d23c19e480"));
        assert_eq!(header.packet.len(), retry.len());
        assert!(header.token.len() > 16, "token and integrity tag");

        let first_dcid = hex("f36e07bf0b7088ef28c71d488acaaff39ffc");
        let initials = client_initials(&hex(D29_AFTER_RETRY), Some(&first_dcid));
        assert_eq!(initials.len(), 1);
        assert!(initials[0].keys_from_packet_dcid);
        assert_eq!(initials[0].dcid, header.scid);
        assert_eq!(initials[0].packet_number, 1);
        assert!(contains(stream(&initials).contiguous(), b"localhost"));
    }

    #[test]
    fn google_q050_and_t051_initials() {
        let q050 = client_initials(&hex(Q050_CLIENT), None);
        assert_eq!(q050.len(), 1);
        assert_eq!(q050[0].dcid, hex("017697f17a15e6ef"));
        assert_eq!(q050[0].packet_number, 1);
        let chlo = stream(&q050);
        assert_eq!(
            chlo_value(chlo.contiguous(), b"SNI\0"),
            Some(&b"www.gstatic.com"[..])
        );
        let t051 = client_initials(&hex(T051_CLIENT), None);
        assert_eq!(t051.len(), 1);
        let hello = stream(&t051);
        assert_eq!(hello.contiguous().first(), Some(&1));
        assert!(contains(hello.contiguous(), b"www.google.com"));
    }

    #[test]
    fn plaintext_gquic_chlo() {
        let q046 = hex(Q046_CLIENT);
        let (version, chlo) = gquic_chlo(&q046).expect("a CHLO");
        assert_eq!(version, 0x5130_3436);
        assert_eq!(chlo.len(), 1024);
        assert_eq!(chlo_value(chlo, b"SNI\0"), Some(&b"www.google.com"[..]));
        assert_eq!(chlo_value(chlo, b"VER\0"), Some(&b"Q046"[..]));
        assert_eq!(chlo_value(chlo, b"NONE"), None);

        let q043 = hex(Q043_CLIENT_CUT);
        let (version, chlo) = gquic_chlo(&q043).expect("a CHLO");
        assert_eq!(version, 0x5130_3433);
        assert!(
            chlo.len() < 1024,
            "the message goes on past the bytes given"
        );
        assert_eq!(chlo_value(chlo, b"SNI\0"), Some(&b"dns.google.com"[..]));
        // A value past the end is not made up.
        assert_eq!(chlo_value(chlo, b"VER\0"), None);
        // IETF packets are not gQUIC ones.
        assert_eq!(gquic_chlo(&hex(V2_CLIENT)), None);
        assert_eq!(gquic_chlo(&hex(Q050_CLIENT)), None);
    }

    #[test]
    fn malformed_chlo() {
        assert_eq!(chlo_value(b"CHLO", b"SNI\0"), None);
        assert_eq!(
            chlo_value(b"SHLO\x01\0\0\0SNI\0\x01\0\0\0x", b"SNI\0"),
            None
        );
        assert_eq!(
            chlo_value(b"CHLO\x01\0\0\0SNI\0\x01\0\0\0x", b"SNI\0"),
            Some(&b"x"[..])
        );
        // End offsets going backwards.
        let backwards = b"CHLO\x02\0\0\0PAD\0\x02\0\0\0SNI\0\x01\0\0\0xy";
        assert_eq!(chlo_value(backwards, b"SNI\0"), None);
        // More entries than bytes.
        assert_eq!(
            chlo_value(b"CHLO\xff\xff\0\0SNI\0\x01\0\0\0x", b"SNI\0"),
            None
        );
    }

    #[test]
    fn truncated_and_damaged_datagrams() {
        let client = hex(V2_CLIENT);
        let first_len = LongHeader::parse(&client).expect("a packet").packet.len();
        for cut in [0, 1, 6, 7, 20, 40, first_len / 2, first_len - 1] {
            let r = decrypt_initials(&client[..cut], Side::Client, None);
            assert!(r.packets.is_empty(), "cut at {cut}");
            if cut > 0 {
                assert_eq!(r.errors.len(), 1, "cut at {cut}");
            }
        }
        assert!(matches!(
            LongHeader::parse(&client[..first_len - 1]),
            Err(Error::Truncated { required, .. }) if required == first_len
        ));
        let mut flipped = client.clone();
        flipped[first_len - 20] ^= 1;
        let r = decrypt_initials(&flipped, Side::Client, None);
        assert!(r.packets.is_empty());
        assert_eq!(
            r.errors,
            [Error::Malformed {
                header: "quic",
                what: "AEAD tag does not match the Initial keys"
            }]
        );
        // A packet that fails does not hide the next one.
        let mut two = flipped[..first_len].to_vec();
        two.extend_from_slice(&client);
        let r = decrypt_initials(&two, Side::Client, Some(&V2_DCID));
        assert_eq!((r.packets.len(), r.errors.len()), (1, 1));
    }

    /// Protects an Initial packet as `side` would send it (RFC 9001 §5), its payload padded to 1,200 bytes.
    fn seal(version: u32, dcid: &[u8], pn: u16, frames: &[u8], side: Side) -> Vec<u8> {
        let protection = protection(version).expect("a version with keys");
        let (key, iv, hp) = initial_key_material(protection, dcid, side).expect("keys");
        let mut payload = frames.to_vec();
        payload.resize(payload.len().max(1200), 0);
        let type_bits = if protection.v2 { 0x10 } else { 0x00 };
        let mut packet = vec![0xc0 | type_bits | 0x01];
        packet.extend(version.to_be_bytes());
        packet.push(dcid.len() as u8);
        packet.extend(dcid);
        packet.extend([0, 0]); // no SCID, no token
        let length = (2 + payload.len() + 16) as u16;
        packet.extend((0x4000 | length).to_be_bytes());
        let pn_offset = packet.len();
        packet.extend(pn.to_be_bytes());
        let mut nonce = iv;
        for (n, p) in nonce[4..].iter_mut().zip(u64::from(pn).to_be_bytes()) {
            *n ^= p;
        }
        let aead = Aes128Gcm::new_from_slice(&key).expect("a key");
        aead.encrypt_in_place(Nonce::from_slice(&nonce), &packet.clone(), &mut payload)
            .expect("sealed");
        packet.extend(payload);
        let mut mask = GenericArray::clone_from_slice(&packet[pn_offset + 4..pn_offset + 20]);
        Aes128::new_from_slice(&hp)
            .expect("a key")
            .encrypt_block(&mut mask);
        packet[0] ^= mask[0] & 0x0f;
        packet[pn_offset] ^= mask[1];
        packet[pn_offset + 1] ^= mask[2];
        packet
    }

    fn crypto_frame(offset: usize, data: &[u8]) -> Vec<u8> {
        let mut f = vec![0x06];
        f.extend((0x4000 | offset as u16).to_be_bytes());
        f.extend((0x4000 | data.len() as u16).to_be_bytes());
        f.extend(data);
        f
    }

    /// A ClientHello with an ML-KEM-sized key share, as Chrome's, longer than one datagram.
    fn big_client_hello(name: &[u8]) -> Vec<u8> {
        let mut padding = vec![0, 21, 1, 0];
        padding.extend([0; 256]);
        let mut sni = vec![0, 0];
        sni.extend(((name.len() + 5) as u16).to_be_bytes());
        sni.extend(((name.len() + 3) as u16).to_be_bytes());
        sni.push(0);
        sni.extend((name.len() as u16).to_be_bytes());
        sni.extend(name);
        let mut key_share = vec![0, 51];
        key_share.extend((2 + 4 + 1216u16).to_be_bytes());
        key_share.extend((4 + 1216u16).to_be_bytes());
        key_share.extend([0x11, 0xec]);
        key_share.extend(1216u16.to_be_bytes());
        key_share.extend((0..1216).map(|i| i as u8));
        let mut body = vec![3, 3];
        body.extend([7; 32]);
        body.extend([0, 0, 2, 0x13, 0x01, 1, 0]);
        body.extend(((sni.len() + key_share.len() + padding.len()) as u16).to_be_bytes());
        body.extend(key_share);
        body.extend(sni);
        body.extend(padding);
        let mut hello = vec![1, 0];
        hello.extend((body.len() as u16).to_be_bytes());
        hello.extend(body);
        hello
    }

    #[test]
    fn client_hello_over_two_datagrams_out_of_order() {
        let hello = big_client_hello(b"www.example.com");
        assert!(hello.len() > 1500);
        let dcid = hex("8394c8f03e515708");
        // First datagram: a middle piece, the start, then PING and padding; the second: the end,
        // a duplicate and an overlapping piece.
        let mut first = crypto_frame(600, &hello[600..1000]);
        first.push(0x01);
        first.extend(crypto_frame(0, &hello[..600]));
        let mut second = crypto_frame(1000, &hello[1000..]);
        second.extend(crypto_frame(0, &hello[..100]));
        second.extend(crypto_frame(900, &hello[900..1100]));
        let first = seal(VERSION_1, &dcid, 0, &first, Side::Client);
        let second = seal(VERSION_1, &dcid, 1, &second, Side::Client);

        let mut s = CryptoStream::new();
        let one = client_initials(&first, None);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].crypto.len(), 2);
        assert_eq!(one[0].crypto[0].0, 600);
        for (offset, data) in &one[0].crypto {
            s.add(*offset, data);
        }
        assert_eq!(s.contiguous(), &hello[..1000]);
        let two = client_initials(&second, Some(&dcid));
        assert_eq!(two[0].packet_number, 1);
        for (offset, data) in &two[0].crypto {
            s.add(*offset, data);
        }
        assert_eq!(s.contiguous(), hello);
    }

    #[test]
    fn frames_an_initial_may_carry() {
        let dcid = [9u8; 8];
        // ACK with ECN counts and one more range, CRYPTO, CONNECTION_CLOSE with a reason.
        let mut frames = vec![0x03, 0x05, 0x00, 0x01, 0x00, 0x01, 0x01, 0x07, 0x08, 0x09];
        frames.extend(crypto_frame(0, b"hello"));
        frames.extend([0x1c, 0x40, 0x0a, 0x06, 0x03]);
        frames.extend(b"bad");
        let packet = seal(VERSION_2, &dcid, 3, &frames, Side::Server);
        let initials = server_initials(&packet, &dcid);
        assert_eq!(initials.len(), 1);
        assert_eq!(initials[0].version, VERSION_2);
        assert_eq!(initials[0].packet_number, 3);
        assert_eq!(initials[0].crypto, [(0, b"hello".to_vec())]);
        assert_eq!(initials[0].connection_close, Some(0x0a));
        assert_eq!(initials[0].frame_error, None);

        // A STREAM frame stops the frames; what came before stays.
        let mut frames = crypto_frame(0, b"hello");
        frames.extend([0x08, 0x00, 0x01, b'x']);
        frames.extend(crypto_frame(5, b"lost"));
        let initials = client_initials(&seal(0xff00_001d, &dcid, 0, &frames, Side::Client), None);
        assert_eq!(initials[0].crypto, [(0, b"hello".to_vec())]);
        assert!(matches!(
            initials[0].frame_error,
            Some(Error::Malformed { .. })
        ));

        // A CRYPTO frame longer than the packet.
        let frames = [0x06, 0x00, 0x50, 0x00, b'x'];
        let initials = client_initials(&seal(VERSION_1, &dcid, 0, &frames, Side::Client), None);
        assert!(initials[0].crypto.is_empty());
        assert!(matches!(
            initials[0].frame_error,
            Some(Error::Truncated { .. })
        ));

        // An ACK claiming more ranges than there are bytes.
        let frames = [
            0x02, 0x00, 0x00, 0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00,
        ];
        let mut short = frames.to_vec();
        short.extend([0xff; 8]);
        let initials = client_initials(&seal(VERSION_1, &dcid, 0, &short, Side::Client), None);
        assert!(matches!(
            initials[0].frame_error,
            Some(Error::Truncated { .. })
        ));
    }

    #[test]
    fn crypto_stream_order_overlap_gaps_and_bound() {
        let mut s = CryptoStream::new();
        s.add(5, b"fghij");
        assert_eq!(s.contiguous(), b"");
        s.add(0, b"abc");
        assert_eq!(s.contiguous(), b"abc");
        s.add(2, b"cde");
        assert_eq!(s.contiguous(), b"abcdefghij");
        s.add(0, b"abcdefghij");
        s.add(20, b"u");
        assert_eq!(s.contiguous(), b"abcdefghij");
        s.add(10, b"");
        s.add(u64::MAX, b"x");
        assert_eq!(s.contiguous(), b"abcdefghij");

        let mut big = CryptoStream::new();
        big.add(0, &vec![1; MAX_CRYPTO + 10]);
        assert_eq!(big.contiguous().len(), MAX_CRYPTO);
        big.add(MAX_CRYPTO as u64, b"beyond");
        assert_eq!(big.contiguous().len(), MAX_CRYPTO);

        // Many disjoint pieces: at most MAX_CRYPTO_PIECES are kept, the lowest.
        let mut holes = CryptoStream::new();
        for i in (1..200u64).rev() {
            holes.add(i * 2, b"x");
        }
        assert!(holes.pieces.len() <= MAX_CRYPTO_PIECES);
        holes.add(0, b"xx");
        assert_eq!(holes.contiguous().len(), 3);
    }

    proptest! {
        #[test]
        fn no_input_panics(b in proptest::collection::vec(any::<u8>(), 0..1500)) {
            let _ = long_header_version(&b);
            for p in long_headers(&b) {
                let _ = p;
            }
            let _ = decrypt_initials(&b, Side::Client, Some(&V2_DCID));
            let _ = server_initials(&b, &b[..b.len().min(20)]);
            if let Some((_, chlo)) = gquic_chlo(&b) {
                let _ = chlo_value(chlo, b"SNI\0");
            }
            let _ = chlo_value(&b, b"SNI\0");
            let mut s = CryptoStream::new();
            for c in b.chunks(7) {
                let offset = u64::from_be_bytes([0, 0, 0, 0, 0, 0, c[0], c.get(1).copied().unwrap_or(0)]);
                s.add(offset, c);
            }
            prop_assert!(s.contiguous().len() <= MAX_CRYPTO);
        }

        #[test]
        fn mutations_do_not_panic(
            which in 0usize..6,
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
            cut in any::<usize>(),
        ) {
            let sample = [V2_CLIENT, V2_SERVER, D29_RETRY, Q050_CLIENT, Q046_CLIENT, Q043_CLIENT_CUT][which];
            let mut b = hex(sample);
            for (at, byte) in edits {
                let at = at % b.len();
                b[at] = byte;
            }
            b.truncate(cut % (b.len() + 1));
            let _ = long_header_version(&b);
            let r = decrypt_initials(&b, Side::Client, None);
            let _ = stream(&r.packets).contiguous();
            let _ = server_initials(&b, &V2_DCID);
            if let Some((_, chlo)) = gquic_chlo(&b) {
                let _ = chlo_value(chlo, b"SNI\0");
            }
        }
    }
}
