//! TLS: the record layer (RFC 8446 §5, RFC 5246 §6.2; SSL 3.0 and the DTLS header of RFC 6347
//! recognised), the ClientHello and ServerHello handshake messages (RFC 8446 §4.1.2–3, with the
//! server_name of RFC 6066, ALPN of RFC 7301, GREASE of RFC 8701), and the fingerprints computed
//! from them: JA3 and JA3S (Salesforce), and JA4 (FoxIO's TLS client fingerprint, BSD-3).
//!
//! [`StreamWalker`] walks one direction of a TCP stream fed in pieces and hands on each plaintext
//! handshake message; [`dtls_handshakes`] does the same for one DTLS datagram. The parsers keep
//! what they could read of a damaged message and say in `malformed` where they stopped.

use std::fmt::Write as _;

use md5::Md5;
use sha2::{Digest as _, Sha256};

use super::{need, u16_at, u24_at, Error, Result};

mod field {
    use crate::wire::Field;
    pub const CONTENT_TYPE: usize = 0;
    pub const VERSION: Field = 1..3;
    pub const LENGTH: Field = 3..5;
    pub const DTLS_EPOCH: Field = 3..5;
    pub const DTLS_SEQUENCE: Field = 5..11;
    pub const DTLS_LENGTH: Field = 11..13;
    pub const HANDSHAKE_TYPE: usize = 0;
    pub const HANDSHAKE_LENGTH: Field = 1..4;
    pub const DTLS_FRAGMENT_OFFSET: Field = 6..9;
    pub const DTLS_FRAGMENT_LENGTH: Field = 9..12;
}

/// Bytes of a TLS (and SSL 3.0) record header.
pub const HEADER_LEN: usize = field::LENGTH.end;
/// Bytes of a DTLS record header.
pub const DTLS_HEADER_LEN: usize = field::DTLS_LENGTH.end;
/// Bytes of a TLS handshake message header (type and 24-bit length).
pub const HANDSHAKE_HEADER_LEN: usize = field::HANDSHAKE_LENGTH.end;
/// Bytes of a DTLS handshake message header (adds message_seq, fragment offset and length).
pub const DTLS_HANDSHAKE_HEADER_LEN: usize = field::DTLS_FRAGMENT_LENGTH.end;
/// The largest record body TLS allows: 2^14 bytes of plaintext plus 2048 of expansion (RFC 5246
/// §6.2.3); a longer length means the bytes are not TLS.
pub const MAX_RECORD_LEN: usize = (1 << 14) + 2048;
/// The largest handshake message [`StreamWalker`] reassembles; longer ones are skipped.
pub const MAX_HANDSHAKE: usize = 32 * 1024;
/// Entries kept of each list in a hello (cipher suites, extensions, groups, ...); real clients
/// send a few hundred at most.
pub const MAX_LIST_ITEMS: usize = 2048;
/// ALPN protocol names kept of a ClientHello.
pub const MAX_ALPN_PROTOCOLS: usize = 16;
/// Bytes kept of a server name (a DNS name has at most 253).
pub const MAX_SERVER_NAME_LEN: usize = 255;

/// Handshake message types (RFC 8446 §4) that callers look for.
pub mod handshake_type {
    /// ClientHello.
    pub const CLIENT_HELLO: u8 = 1;
    /// ServerHello (and HelloRetryRequest, which has its form).
    pub const SERVER_HELLO: u8 = 2;
}

/// Extension types (IANA TLS ExtensionType registry) the parsers read.
pub mod extension_type {
    /// server_name (RFC 6066).
    pub const SERVER_NAME: u16 = 0;
    /// supported_groups, formerly elliptic_curves (RFC 8422, RFC 7919).
    pub const SUPPORTED_GROUPS: u16 = 10;
    /// ec_point_formats (RFC 8422).
    pub const EC_POINT_FORMATS: u16 = 11;
    /// signature_algorithms (RFC 8446).
    pub const SIGNATURE_ALGORITHMS: u16 = 13;
    /// application_layer_protocol_negotiation (RFC 7301).
    pub const ALPN: u16 = 16;
    /// supported_versions (RFC 8446).
    pub const SUPPORTED_VERSIONS: u16 = 43;
}

/// A record's content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentType {
    /// change_cipher_spec (20).
    ChangeCipherSpec,
    /// alert (21).
    Alert,
    /// handshake (22).
    Handshake,
    /// application_data (23).
    ApplicationData,
    /// heartbeat (24, RFC 6520).
    Heartbeat,
    /// Any other value.
    Unknown(u8),
}

impl From<u8> for ContentType {
    fn from(v: u8) -> Self {
        match v {
            20 => ContentType::ChangeCipherSpec,
            21 => ContentType::Alert,
            22 => ContentType::Handshake,
            23 => ContentType::ApplicationData,
            24 => ContentType::Heartbeat,
            v => ContentType::Unknown(v),
        }
    }
}

/// True for the DTLS versions 1.0 (0xfeff), 1.2 (0xfefd), 1.3 (0xfefc), and OpenSSL's
/// pre-RFC DTLS (0x0100, which old Cisco AnyConnect still speaks).
#[inline]
fn is_dtls_version(v: u16) -> bool {
    matches!(v, 0xfeff | 0xfefd | 0xfefc | 0x0100)
}

/// A TLS or DTLS record: its header and its whole fragment.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    b: &'a [u8],
    dtls: bool,
}

impl<'a> Record<'a> {
    /// A view of `b`, which must hold the header (DTLS's 13 bytes when the version's first byte
    /// is 0xfe, else TLS's 5) and the fragment its length announces. Bytes after it are ignored.
    #[inline]
    pub fn new_checked(b: &'a [u8]) -> Result<Self> {
        need("tls record", b, HEADER_LEN)?;
        Self::checked(b, b[field::VERSION.start] == 0xfe)
    }

    /// A view of `b` as a DTLS record whatever its version (in a datagram known to be DTLS).
    #[inline]
    pub fn new_checked_dtls(b: &'a [u8]) -> Result<Self> {
        Self::checked(b, true)
    }

    fn checked(b: &'a [u8], dtls: bool) -> Result<Self> {
        let r = Record { b, dtls };
        need("tls record", b, r.header_len())?;
        need("tls record", b, r.total_len())?;
        Ok(r)
    }

    /// Whether the header is DTLS's.
    #[inline]
    pub fn is_dtls(&self) -> bool {
        self.dtls
    }

    /// Bytes of the header.
    #[inline]
    pub fn header_len(&self) -> usize {
        if self.dtls {
            DTLS_HEADER_LEN
        } else {
            HEADER_LEN
        }
    }

    /// The content type.
    #[inline]
    pub fn content_type(&self) -> ContentType {
        self.b[field::CONTENT_TYPE].into()
    }

    /// The record's protocol version (0x0300 SSL 3.0 ... 0x0303; 0xfeff, 0xfefd for DTLS).
    #[inline]
    pub fn version(&self) -> u16 {
        u16_at(self.b, field::VERSION)
    }

    /// The fragment's length.
    #[inline]
    pub fn length(&self) -> u16 {
        if self.is_dtls() {
            u16_at(self.b, field::DTLS_LENGTH)
        } else {
            u16_at(self.b, field::LENGTH)
        }
    }

    /// DTLS only: the epoch (0 while the handshake is in the clear).
    #[inline]
    pub fn epoch(&self) -> Option<u16> {
        self.is_dtls().then(|| u16_at(self.b, field::DTLS_EPOCH))
    }

    /// DTLS only: the 48-bit sequence number.
    #[inline]
    pub fn sequence_number(&self) -> Option<u64> {
        self.is_dtls().then(|| {
            self.b[field::DTLS_SEQUENCE]
                .iter()
                .fold(0, |n, &x| n << 8 | u64::from(x))
        })
    }

    /// The fragment (the record's body).
    #[inline]
    pub fn fragment(&self) -> &'a [u8] {
        let start = self.header_len();
        &self.b[start..start + usize::from(self.length())]
    }

    /// Bytes of header and fragment: where the next record starts.
    #[inline]
    pub fn total_len(&self) -> usize {
        self.header_len() + usize::from(self.length())
    }
}

/// Whether `b` starts with a plausible TLS record header: content type 20..=24, version SSL 3.0
/// to TLS 1.3 (0x0300..=0x0304) or DTLS 1.0/1.2 (0xfeff, 0xfefd), and a length TLS allows. Needs
/// the whole header (5 bytes, 13 for DTLS).
#[inline]
pub fn looks_like_record(b: &[u8]) -> bool {
    if b.len() < HEADER_LEN || !(20..=24).contains(&b[field::CONTENT_TYPE]) {
        return false;
    }
    match u16_at(b, field::VERSION) {
        0x0300..=0x0304 => usize::from(u16_at(b, field::LENGTH)) <= MAX_RECORD_LEN,
        0xfeff | 0xfefd => {
            b.len() >= DTLS_HEADER_LEN
                && usize::from(u16_at(b, field::DTLS_LENGTH)) <= MAX_RECORD_LEN
        }
        _ => false,
    }
}

/// The smallest ClientHello body: version, random, empty session id, one cipher suite, one
/// compression method.
const MIN_CLIENT_HELLO: u32 = 2 + 32 + 1 + 2 + 2 + 1 + 1;

/// Whether the first bytes of a client's stream (or a datagram) are a handshake record that
/// starts a ClientHello: TLS/SSL 3.0 (6 bytes needed), DTLS (14), or the SSL 2.0 form of RFC 5246
/// Appendix E.2 that old clients send for compatibility (a 2-byte header with the top bit set,
/// message type 1; 5 bytes needed). Fields beyond those bytes are checked when present.
#[inline]
pub fn looks_like_client_hello(b: &[u8]) -> bool {
    let Some(&first) = b.first() else {
        return false;
    };
    if first & 0x80 != 0 {
        return looks_like_sslv2_client_hello(b);
    }
    if !looks_like_record(b) || first != 22 {
        return false;
    }
    let (header_len, record_len) = if b[field::VERSION.start] == 0xfe {
        (DTLS_HEADER_LEN, u16_at(b, field::DTLS_LENGTH))
    } else {
        (HEADER_LEN, u16_at(b, field::LENGTH))
    };
    let hs = &b[header_len..];
    if hs.first() != Some(&handshake_type::CLIENT_HELLO) || record_len < 4 {
        return false;
    }
    if hs.len() >= HANDSHAKE_HEADER_LEN && u24_at(hs, field::HANDSHAKE_LENGTH) < MIN_CLIENT_HELLO {
        return false;
    }
    // The ClientHello's own version: 0x03xx, or DTLS's 0xfexx (after DTLS's longer header).
    let version_at = if header_len == DTLS_HEADER_LEN {
        DTLS_HANDSHAKE_HEADER_LEN
    } else {
        HANDSHAKE_HEADER_LEN
    };
    hs.get(version_at)
        .is_none_or(|&major| major == 3 || major == 0xfe)
}

/// The SSL 2.0 form: length (15 bits), CLIENT-HELLO (1), version 0x0002 or 0x03xx,
/// cipher_spec_length (a multiple of 3), session_id_length (0 or 16), challenge_length (16..=32).
fn looks_like_sslv2_client_hello(b: &[u8]) -> bool {
    if b.len() < 5 || b[2] != 1 || !matches!((b[3], b[4]), (0, 2) | (3, 0..=4)) {
        return false;
    }
    let len = u16_at(b, 0..2) & 0x7fff;
    if len < 9 {
        return false;
    }
    if b.len() >= 11 {
        let specs = u16_at(b, 5..7);
        let session = u16_at(b, 7..9);
        let challenge = u16_at(b, 9..11);
        return specs > 0
            && specs.is_multiple_of(3)
            && matches!(session, 0 | 16)
            && (16..=32).contains(&challenge)
            && 9 + u32::from(specs) + u32::from(session) + u32::from(challenge) == u32::from(len);
    }
    true
}

/// What a [`StreamWalker`] has found its stream to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkerState {
    /// No whole record header seen yet.
    Start,
    /// Every record header so far was plausible.
    Tls,
    /// The first record header is not TLS's; nothing more is read.
    NotTls,
    /// A later record header is impossible (wrong type, version or length): the stream lost
    /// TLS framing, or was never TLS; nothing more is read.
    Broken,
}

/// One direction's TLS byte stream, fed in order in pieces of any size.
///
/// Record headers are walked; bodies that are not needed are skipped without buffering;
/// handshake messages are reassembled across records and feeds (one of more than
/// [`MAX_HANDSHAKE`] bytes is skipped) and handed on whole until the direction's
/// ChangeCipherSpec, after which handshake records are encrypted and only counted. In TLS 1.3
/// everything after the ServerHello travels as application data, and is counted as such. An
/// SSL 2.0 record (the compatible ClientHello, or an SSL 2.0 server's reply) is skipped; parse
/// the client's with [`parse_sslv2_client_hello`].
#[derive(Debug, Clone)]
pub struct StreamWalker {
    state: WalkerState,
    header: [u8; HEADER_LEN],
    header_filled: usize,
    /// Body bytes of the current record still to come; `None` between records.
    record_left: Option<usize>,
    body: Body,
    /// The first bytes of a handshake record after ChangeCipherSpec, while [`Body::Probe`].
    probe: [u8; HANDSHAKE_HEADER_LEN],
    probe_filled: usize,
    sslv2: bool,
    message: Reassembly,
    change_cipher_spec: bool,
    application_data_records: u64,
    alerts: u64,
    encrypted_handshake_records: u64,
}

/// What becomes of the current record's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    /// Not needed.
    Skip,
    /// Plaintext handshake messages.
    Handshake,
    /// A handshake record after ChangeCipherSpec: encrypted, unless its first message is a
    /// ClientHello or ServerHello that fills it exactly. That is TLS 1.3 after a
    /// HelloRetryRequest, where the compatibility ChangeCipherSpec comes before the second
    /// ClientHello and the real ServerHello (RFC 8446 Appendix D.4).
    Probe,
}

/// A handshake message being put together.
#[derive(Debug, Clone, Default)]
struct Reassembly {
    header: [u8; HANDSHAKE_HEADER_LEN],
    header_filled: usize,
    /// Body bytes still to come.
    left: usize,
    /// The message is longer than [`MAX_HANDSHAKE`]: its bytes are dropped.
    skipping: bool,
    /// The body so far, when it spans pieces.
    body: Vec<u8>,
}

impl Reassembly {
    /// Whether a message has begun and not ended.
    fn in_progress(&self) -> bool {
        self.header_filled > 0
    }

    fn feed(&mut self, mut b: &[u8], out: &mut impl FnMut(u8, &[u8])) {
        while !b.is_empty() {
            if self.header_filled < HANDSHAKE_HEADER_LEN {
                let take = (HANDSHAKE_HEADER_LEN - self.header_filled).min(b.len());
                self.header[self.header_filled..self.header_filled + take]
                    .copy_from_slice(&b[..take]);
                self.header_filled += take;
                b = &b[take..];
                if self.header_filled < HANDSHAKE_HEADER_LEN {
                    return;
                }
                self.left = u24_at(&self.header, field::HANDSHAKE_LENGTH) as usize;
                self.skipping = self.left > MAX_HANDSHAKE;
                if self.left == 0 {
                    out(self.header[field::HANDSHAKE_TYPE], &[]);
                    self.header_filled = 0;
                }
                continue;
            }
            let take = self.left.min(b.len());
            let (chunk, rest) = b.split_at(take);
            b = rest;
            self.left -= take;
            let kind = self.header[field::HANDSHAKE_TYPE];
            if !self.skipping {
                if self.body.is_empty() && self.left == 0 {
                    out(kind, chunk);
                } else {
                    if self.body.is_empty() {
                        self.body.reserve_exact(take + self.left);
                    }
                    self.body.extend_from_slice(chunk);
                    if self.left == 0 {
                        out(kind, &self.body);
                        // A flow keeps its walker for its life: give the buffer back.
                        self.body = Vec::new();
                    }
                }
            }
            if self.left == 0 {
                self.header_filled = 0;
            }
        }
    }
}

impl Default for StreamWalker {
    fn default() -> Self {
        Self::new()
    }
}

impl StreamWalker {
    /// A walker at the start of a stream.
    pub fn new() -> Self {
        StreamWalker {
            state: WalkerState::Start,
            header: [0; HEADER_LEN],
            header_filled: 0,
            record_left: None,
            body: Body::Skip,
            probe: [0; HANDSHAKE_HEADER_LEN],
            probe_filled: 0,
            sslv2: false,
            message: Reassembly::default(),
            change_cipher_spec: false,
            application_data_records: 0,
            alerts: 0,
            encrypted_handshake_records: 0,
        }
    }

    /// Walks the next `bytes` of the stream, calling `out(handshake type, body)` for each whole
    /// plaintext handshake message.
    pub fn feed(&mut self, mut bytes: &[u8], out: &mut impl FnMut(u8, &[u8])) {
        while !bytes.is_empty() && matches!(self.state, WalkerState::Start | WalkerState::Tls) {
            let Some(left) = self.record_left else {
                let take = (HEADER_LEN - self.header_filled).min(bytes.len());
                self.header[self.header_filled..self.header_filled + take]
                    .copy_from_slice(&bytes[..take]);
                self.header_filled += take;
                bytes = &bytes[take..];
                if self.header_filled == HEADER_LEN {
                    self.header_filled = 0;
                    self.start_record();
                }
                continue;
            };
            let take = left.min(bytes.len());
            let (body, rest) = bytes.split_at(take);
            bytes = rest;
            self.record_left = Some(left - take).filter(|&l| l > 0);
            match self.body {
                Body::Skip => {}
                Body::Handshake => self.message.feed(body, out),
                Body::Probe => self.probe(body, left, out),
            }
        }
    }

    /// Reads the first bytes of a handshake record after ChangeCipherSpec (`left` of its body
    /// to come, `body` among them) and decides whether it is plaintext.
    fn probe(&mut self, body: &[u8], left: usize, out: &mut impl FnMut(u8, &[u8])) {
        let take = (HANDSHAKE_HEADER_LEN - self.probe_filled).min(body.len());
        self.probe[self.probe_filled..self.probe_filled + take].copy_from_slice(&body[..take]);
        self.probe_filled += take;
        if self.probe_filled < HANDSHAKE_HEADER_LEN {
            if body.len() == left {
                self.encrypted_handshake_records += 1;
            }
            return;
        }
        let kind = self.probe[field::HANDSHAKE_TYPE];
        let length = u24_at(&self.probe, field::HANDSHAKE_LENGTH) as usize;
        let record_len = left + self.probe_filled - take;
        let hello = matches!(
            kind,
            handshake_type::CLIENT_HELLO | handshake_type::SERVER_HELLO
        );
        // A hello longer than a record continues, as plaintext, in the next ones.
        let fits = HANDSHAKE_HEADER_LEN + length == record_len
            || (record_len == 1 << 14 && HANDSHAKE_HEADER_LEN + length > record_len);
        if hello && fits {
            self.body = Body::Handshake;
            self.message = Reassembly::default();
            let probe = self.probe;
            self.message.feed(&probe, out);
            self.message.feed(&body[take..], out);
        } else {
            self.body = Body::Skip;
            self.encrypted_handshake_records += 1;
        }
    }

    /// Reads the record header just completed.
    fn start_record(&mut self) {
        let h = &self.header;
        let content_type = h[field::CONTENT_TYPE];
        let first = self.state == WalkerState::Start;
        let len = if content_type & 0x80 != 0 && (first || self.sslv2) {
            // SSL 2.0: a 2-byte header, so three body bytes are already in `header`.
            let sslv2_ok = !first || matches!(h[2], 1 | 4);
            let len = usize::from(u16_at(h, 0..2) & 0x7fff);
            if !sslv2_ok || len < HEADER_LEN - 2 {
                self.fail();
                return;
            }
            self.sslv2 = true;
            self.body = Body::Skip;
            len - (HEADER_LEN - 2)
        } else {
            let len = usize::from(u16_at(h, field::LENGTH));
            let version = u16_at(h, field::VERSION);
            if !(20..=24).contains(&content_type)
                || !(0x0300..=0x0304).contains(&version)
                || len > MAX_RECORD_LEN
            {
                self.fail();
                return;
            }
            self.body = Body::Skip;
            match content_type {
                20 => {
                    self.change_cipher_spec = true;
                    self.message = Reassembly::default();
                }
                21 => self.alerts += 1,
                22 if self.change_cipher_spec && self.message.in_progress() => {
                    self.body = Body::Handshake;
                }
                22 if self.change_cipher_spec => {
                    self.body = Body::Probe;
                    self.probe_filled = 0;
                    if len == 0 {
                        self.encrypted_handshake_records += 1;
                    }
                }
                22 => self.body = Body::Handshake,
                23 => self.application_data_records += 1,
                _ => {}
            }
            len
        };
        self.state = WalkerState::Tls;
        self.record_left = Some(len).filter(|&l| l > 0);
    }

    fn fail(&mut self) {
        self.state = match self.state {
            WalkerState::Start => WalkerState::NotTls,
            _ => WalkerState::Broken,
        };
        self.message = Reassembly::default();
    }

    /// What the stream has turned out to be so far.
    pub fn state(&self) -> WalkerState {
        self.state
    }

    /// Whether this direction sent a ChangeCipherSpec record.
    pub fn saw_change_cipher_spec(&self) -> bool {
        self.change_cipher_spec
    }

    /// Application data records seen (in TLS 1.3 these include the encrypted handshake).
    pub fn application_data_records(&self) -> u64 {
        self.application_data_records
    }

    /// Alert records seen (an alert after ChangeCipherSpec is encrypted, so its kind is unknown).
    pub fn alerts(&self) -> u64 {
        self.alerts
    }

    /// Handshake records seen after ChangeCipherSpec (encrypted: the Finished message, or a
    /// TLS 1.2 renegotiation).
    pub fn encrypted_handshake_records(&self) -> u64 {
        self.encrypted_handshake_records
    }
}

/// Walks the records of one DTLS datagram, calling `out(handshake type, body)` for each whole,
/// unfragmented handshake message in epoch 0. Fragmented messages are not reassembled. Fails at
/// the first record or message that does not fit, after handing on those before it.
pub fn dtls_handshakes(mut datagram: &[u8], out: &mut impl FnMut(u8, &[u8])) -> Result<()> {
    while !datagram.is_empty() {
        let record = Record::new_checked_dtls(datagram)?;
        datagram = &datagram[record.total_len()..];
        if record.content_type() != ContentType::Handshake || record.epoch() != Some(0) {
            continue;
        }
        let mut messages = record.fragment();
        while !messages.is_empty() {
            need("dtls handshake", messages, DTLS_HANDSHAKE_HEADER_LEN)?;
            let length = u24_at(messages, field::HANDSHAKE_LENGTH);
            let offset = u24_at(messages, field::DTLS_FRAGMENT_OFFSET);
            let fragment_len = u24_at(messages, field::DTLS_FRAGMENT_LENGTH) as usize;
            let end = DTLS_HANDSHAKE_HEADER_LEN + fragment_len;
            need("dtls handshake", messages, end)?;
            if offset == 0 && fragment_len == length as usize {
                out(
                    messages[field::HANDSHAKE_TYPE],
                    &messages[DTLS_HANDSHAKE_HEADER_LEN..end],
                );
            }
            messages = &messages[end..];
        }
    }
    Ok(())
}

/// Reads a hello front to back; every read checks the length first.
struct Reader<'a> {
    header: &'static str,
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(header: &'static str, b: &'a [u8]) -> Self {
        Reader { header, b, at: 0 }
    }

    fn is_empty(&self) -> bool {
        self.at >= self.b.len()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.at.saturating_add(n);
        need(self.header, self.b, end)?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16> {
        let s = self.take(2)?;
        Ok(u16::from_be_bytes([s[0], s[1]]))
    }

    /// A vector with a 1-byte length.
    fn vec8(&mut self) -> Result<&'a [u8]> {
        let n = self.u8()?;
        self.take(n.into())
    }

    /// A vector with a 2-byte length.
    fn vec16(&mut self) -> Result<&'a [u8]> {
        let n = self.u16()?;
        self.take(n.into())
    }

    fn malformed(&self, what: &'static str) -> Error {
        Error::Malformed {
            header: self.header,
            what,
        }
    }
}

/// The big-endian `u16`s of `b`, at most [`MAX_LIST_ITEMS`] of them.
fn u16_list(header: &'static str, b: &[u8]) -> Result<Vec<u16>> {
    if !b.len().is_multiple_of(2) {
        return Err(Error::Malformed {
            header,
            what: "odd length of a list of 16-bit values",
        });
    }
    Ok(b.chunks_exact(2)
        .take(MAX_LIST_ITEMS)
        .map(|p| u16::from_be_bytes([p[0], p[1]]))
        .collect())
}

/// Reads the extensions block, if any, calling `each(type, data)`; returns the types in order,
/// and the first error: a cut-short block or extension, or one that `each` returned.
fn read_extensions<'a>(
    r: &mut Reader<'a>,
    mut each: impl FnMut(u16, &'a [u8]) -> Result<()>,
) -> (Vec<u16>, Option<Error>) {
    let mut types = Vec::new();
    if r.is_empty() {
        return (types, None);
    }
    let len = match r.u16() {
        Ok(len) => usize::from(len),
        Err(e) => return (types, Some(e)),
    };
    let rest = &r.b[r.at..];
    let mut malformed = None;
    if len > rest.len() {
        malformed = Some(Error::Truncated {
            header: r.header,
            required: r.at + len,
            len: r.b.len(),
        });
    } else if len < rest.len() {
        malformed = Some(r.malformed("bytes after the extensions"));
    }
    let mut ext = Reader::new(r.header, &rest[..len.min(rest.len())]);
    while !ext.is_empty() && types.len() < MAX_LIST_ITEMS {
        let kind = ext.u16();
        let data = ext.vec16();
        let (kind, data) = match (kind, data) {
            (Ok(kind), Ok(data)) => (kind, data),
            (Err(e), _) | (_, Err(e)) => {
                malformed.get_or_insert(e);
                break;
            }
        };
        types.push(kind);
        if let Err(e) = each(kind, data) {
            malformed.get_or_insert(e);
        }
    }
    (types, malformed)
}

/// A ClientHello's fields that the fingerprints and logs use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientHello {
    /// legacy_version (client_version before TLS 1.3).
    pub legacy_version: u16,
    /// Cipher suites in order, GREASE values included.
    pub cipher_suites: Vec<u16>,
    /// Extension types in order, GREASE values included.
    pub extensions: Vec<u16>,
    /// The first host_name of the server_name extension, as lossy UTF-8, cut to
    /// [`MAX_SERVER_NAME_LEN`] bytes.
    pub server_name: Option<String>,
    /// ALPN protocol names in order, as lossy UTF-8, at most [`MAX_ALPN_PROTOCOLS`].
    pub alpn: Vec<String>,
    /// The first ALPN protocol name's bytes as sent (JA4 reads bytes, not characters).
    pub first_alpn_bytes: Vec<u8>,
    /// supported_groups in order, GREASE included.
    pub supported_groups: Vec<u16>,
    /// ec_point_formats in order.
    pub ec_point_formats: Vec<u8>,
    /// signature_algorithms in order, GREASE included.
    pub signature_algorithms: Vec<u16>,
    /// supported_versions in order, GREASE included.
    pub supported_versions: Vec<u16>,
    /// Why reading the extensions stopped early or skipped one, if it did.
    pub malformed: Option<Error>,
}

/// Extensions of which only the first occurrence is read (RFC 8446 forbids repeats).
const READ_ONCE: [u16; 6] = [
    extension_type::SERVER_NAME,
    extension_type::SUPPORTED_GROUPS,
    extension_type::EC_POINT_FORMATS,
    extension_type::SIGNATURE_ALGORITHMS,
    extension_type::ALPN,
    extension_type::SUPPORTED_VERSIONS,
];

/// Parses the body of a ClientHello handshake message (after its 4-byte header; after the
/// 12-byte header in DTLS, whose cookie field is recognised by the DTLS version). Fails only if
/// the part before the extensions is cut short or malformed.
pub fn parse_client_hello(body: &[u8]) -> Result<ClientHello> {
    const HEADER: &str = "tls client hello";
    let mut r = Reader::new(HEADER, body);
    let legacy_version = r.u16()?;
    r.take(32)?; // random
    r.vec8()?; // legacy_session_id
    if is_dtls_version(legacy_version) {
        r.vec8()?; // cookie
    }
    let cipher_suites = u16_list(HEADER, r.vec16()?)?;
    r.vec8()?; // legacy_compression_methods
    let mut ch = ClientHello {
        legacy_version,
        cipher_suites,
        ..ClientHello::default()
    };
    let mut read = [false; READ_ONCE.len()];
    let (extensions, malformed) = read_extensions(&mut r, |kind, data| {
        let Some(i) = READ_ONCE.iter().position(|&k| k == kind) else {
            return Ok(());
        };
        if std::mem::replace(&mut read[i], true) {
            return Ok(());
        }
        let mut d = Reader::new(HEADER, data);
        match kind {
            extension_type::SERVER_NAME => {
                let mut names = Reader::new(HEADER, d.vec16()?);
                while !names.is_empty() {
                    let name_type = names.u8()?;
                    let name = names.vec16()?;
                    if name_type == 0 {
                        ch.server_name = Some(lossy_prefix(name, MAX_SERVER_NAME_LEN));
                        break;
                    }
                }
            }
            extension_type::ALPN => {
                let mut names = Reader::new(HEADER, d.vec16()?);
                while !names.is_empty() && ch.alpn.len() < MAX_ALPN_PROTOCOLS {
                    let name = names.vec8()?;
                    if ch.alpn.is_empty() {
                        ch.first_alpn_bytes = name.to_vec();
                    }
                    ch.alpn.push(String::from_utf8_lossy(name).into_owned());
                }
            }
            extension_type::SUPPORTED_GROUPS => ch.supported_groups = u16_list(HEADER, d.vec16()?)?,
            extension_type::EC_POINT_FORMATS => {
                let formats = d.vec8()?;
                ch.ec_point_formats = formats.to_vec();
            }
            extension_type::SIGNATURE_ALGORITHMS => {
                ch.signature_algorithms = u16_list(HEADER, d.vec16()?)?;
            }
            _ => ch.supported_versions = u16_list(HEADER, d.vec8()?)?,
        }
        Ok(())
    });
    ch.extensions = extensions;
    ch.malformed = malformed;
    Ok(ch)
}

/// `b` as lossy UTF-8, cut to at most `max` bytes at a character boundary.
fn lossy_prefix(b: &[u8], max: usize) -> String {
    let mut s = String::from_utf8_lossy(&b[..b.len().min(max)]).into_owned();
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}

/// Parses the CLIENT-HELLO of SSL 2.0 form (RFC 5246 Appendix E.2; the first record of a
/// stream, header included) into a [`ClientHello`]: its 3-byte cipher specs whose first byte is
/// 0 are TLS cipher suites; the others have no TLS number and are left out. It has no extensions.
pub fn parse_sslv2_client_hello(record: &[u8]) -> Result<ClientHello> {
    const HEADER: &str = "sslv2 client hello";
    let mut r = Reader::new(HEADER, record);
    let len = r.u16()? & 0x7fff;
    if r.u8()? != 1 {
        return Err(r.malformed("not a CLIENT-HELLO"));
    }
    let legacy_version = r.u16()?;
    let specs_len = r.u16()?;
    let session_len = r.u16()?;
    let challenge_len = r.u16()?;
    if !specs_len.is_multiple_of(3) || 9 + u32::from(specs_len) > u32::from(len) {
        return Err(r.malformed("cipher specs do not fit"));
    }
    let specs = r.take(specs_len.into())?;
    r.take(session_len.into())?;
    r.take(challenge_len.into())?;
    let cipher_suites = specs
        .chunks_exact(3)
        .filter(|s| s[0] == 0)
        .take(MAX_LIST_ITEMS)
        .map(|s| u16::from_be_bytes([s[1], s[2]]))
        .collect();
    Ok(ClientHello {
        legacy_version,
        cipher_suites,
        ..ClientHello::default()
    })
}

/// A ServerHello's fields that the fingerprints and logs use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerHello {
    /// legacy_version (server_version before TLS 1.3).
    pub legacy_version: u16,
    /// The chosen cipher suite.
    pub cipher_suite: u16,
    /// Extension types in order.
    pub extensions: Vec<u16>,
    /// The supported_versions extension's version: the real one from TLS 1.3 on.
    pub selected_version: Option<u16>,
    /// The ALPN protocol the server chose, as lossy UTF-8.
    pub alpn: Option<String>,
    /// Why reading the extensions stopped early or skipped one, if it did.
    pub malformed: Option<Error>,
}

impl ServerHello {
    /// The negotiated version: supported_versions' if present, else legacy_version.
    pub fn version(&self) -> u16 {
        self.selected_version.unwrap_or(self.legacy_version)
    }
}

/// Parses the body of a ServerHello handshake message (after its header; also a
/// HelloRetryRequest). Fails only if the part before the extensions is cut short.
pub fn parse_server_hello(body: &[u8]) -> Result<ServerHello> {
    const HEADER: &str = "tls server hello";
    let mut r = Reader::new(HEADER, body);
    let legacy_version = r.u16()?;
    r.take(32)?; // random
    r.vec8()?; // legacy_session_id_echo
    let cipher_suite = r.u16()?;
    r.u8()?; // legacy_compression_method
    let mut sh = ServerHello {
        legacy_version,
        cipher_suite,
        ..ServerHello::default()
    };
    let (extensions, malformed) = read_extensions(&mut r, |kind, data| {
        let mut d = Reader::new(HEADER, data);
        match kind {
            extension_type::SUPPORTED_VERSIONS if sh.selected_version.is_none() => {
                sh.selected_version = Some(d.u16()?);
            }
            extension_type::ALPN if sh.alpn.is_none() => {
                let mut names = Reader::new(HEADER, d.vec16()?);
                sh.alpn = Some(String::from_utf8_lossy(names.vec8()?).into_owned());
            }
            _ => {}
        }
        Ok(())
    });
    sh.extensions = extensions;
    sh.malformed = malformed;
    Ok(sh)
}

/// Whether `v` is a GREASE value of RFC 8701 (0x0a0a, 0x1a1a, ... 0xfafa), which clients send
/// to keep servers tolerant and which fingerprints leave out.
#[inline]
pub fn is_grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && v >> 8 == v & 0xff
}

/// Appends `values` to `s`, decimal, separated by dashes.
fn push_dashed(s: &mut String, values: impl Iterator<Item = u16>) {
    for (i, v) in values.enumerate() {
        if i > 0 {
            s.push('-');
        }
        let _ = write!(s, "{v}");
    }
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

fn md5_hex(s: &str) -> String {
    hex(&Md5::digest(s.as_bytes()))
}

/// JA3's string: `version,ciphers,extensions,groups,point formats`, each list decimal and
/// dash-separated, GREASE values left out.
pub fn ja3_string(ch: &ClientHello) -> String {
    let mut s = String::with_capacity(256);
    let _ = write!(s, "{},", ch.legacy_version);
    let no_grease = |v: &&u16| !is_grease(**v);
    push_dashed(&mut s, ch.cipher_suites.iter().filter(no_grease).copied());
    s.push(',');
    push_dashed(&mut s, ch.extensions.iter().filter(no_grease).copied());
    s.push(',');
    push_dashed(
        &mut s,
        ch.supported_groups.iter().filter(no_grease).copied(),
    );
    s.push(',');
    push_dashed(&mut s, ch.ec_point_formats.iter().map(|&f| u16::from(f)));
    s
}

/// JA3: the MD5 of [`ja3_string`], lower-case hex.
pub fn ja3(ch: &ClientHello) -> String {
    md5_hex(&ja3_string(ch))
}

/// JA3S's string: `version,cipher,extensions`, decimal, GREASE values left out.
pub fn ja3s_string(sh: &ServerHello) -> String {
    let mut s = String::with_capacity(64);
    let _ = write!(s, "{},{},", sh.legacy_version, sh.cipher_suite);
    push_dashed(
        &mut s,
        sh.extensions.iter().filter(|v| !is_grease(**v)).copied(),
    );
    s
}

/// JA3S: the MD5 of [`ja3s_string`], lower-case hex.
pub fn ja3s(sh: &ServerHello) -> String {
    md5_hex(&ja3s_string(sh))
}

/// What carried a ClientHello, for JA4's first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// TLS over TCP ("t").
    Tcp,
    /// QUIC CRYPTO frames ("q").
    Quic,
    /// DTLS ("d").
    Dtls,
}

/// JA4's two characters for a version.
fn ja4_version(v: u16) -> &'static str {
    match v {
        0x0304 => "13",
        0x0303 => "12",
        0x0302 => "11",
        0x0301 => "10",
        0x0300 => "s3",
        0x0002 => "s2",
        0xfeff => "d1",
        0xfefd => "d2",
        0xfefc => "d3",
        _ => "00",
    }
}

/// JA4's two characters for the first ALPN protocol: its first and last bytes if both are ASCII
/// letters or digits, else the first and last hex digits of it; "00" when there is none.
fn ja4_alpn(first: &[u8]) -> [char; 2] {
    let (Some(&a), Some(&z)) = (first.first(), first.last()) else {
        return ['0', '0'];
    };
    if a.is_ascii_alphanumeric() && z.is_ascii_alphanumeric() {
        return [char::from(a), char::from(z)];
    }
    let digit = |n: u8| char::from_digit(u32::from(n), 16).unwrap_or('0');
    [digit(a >> 4), digit(z & 0xf)]
}

/// The first 12 hex digits of the SHA-256 of `s`, or twelve zeros when `s` is empty.
fn sha256_12(s: &str) -> String {
    if s.is_empty() {
        return "000000000000".to_owned();
    }
    hex(&Sha256::digest(s.as_bytes())[..6])
}

/// Appends `values` to `s` as 4-digit lower-case hex, separated by commas.
fn push_hex_list(s: &mut String, values: impl Iterator<Item = u16>) {
    for (i, v) in values.enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{v:04x}");
    }
}

/// JA4, FoxIO's TLS client fingerprint (`technical_details/JA4.md`), e.g.
/// `t13d1516h2_8daaf6152771_e5627efa2ab1`: transport, version (the highest of supported_versions
/// if sent, else legacy_version), SNI "d"/"i", the counts of cipher suites and extensions (at most
/// 99), the first ALPN's first and last characters; then the truncated SHA-256 of the sorted
/// cipher suites, and of the sorted extensions without SNI and ALPN followed by the signature
/// algorithms in their order. GREASE values are left out everywhere.
pub fn ja4(ch: &ClientHello, transport: Transport) -> String {
    let mut ciphers: Vec<u16> = ch
        .cipher_suites
        .iter()
        .copied()
        .filter(|&v| !is_grease(v))
        .collect();
    let mut extensions: Vec<u16> = ch
        .extensions
        .iter()
        .copied()
        .filter(|&v| !is_grease(v))
        .collect();
    let version = if extensions.contains(&extension_type::SUPPORTED_VERSIONS) {
        ch.supported_versions
            .iter()
            .copied()
            .filter(|&v| !is_grease(v))
            .max()
            .unwrap_or(ch.legacy_version)
    } else {
        ch.legacy_version
    };
    let sni = if extensions.contains(&extension_type::SERVER_NAME) {
        'd'
    } else {
        'i'
    };
    let alpn = ja4_alpn(&ch.first_alpn_bytes);
    let mut s = String::with_capacity(36);
    s.push(match transport {
        Transport::Tcp => 't',
        Transport::Quic => 'q',
        Transport::Dtls => 'd',
    });
    let _ = write!(
        s,
        "{}{sni}{:02}{:02}{}{}_",
        ja4_version(version),
        ciphers.len().min(99),
        extensions.len().min(99),
        alpn[0],
        alpn[1],
    );

    ciphers.sort_unstable();
    let mut list = String::with_capacity(5 * ciphers.len());
    push_hex_list(&mut list, ciphers.into_iter());
    s.push_str(&sha256_12(&list));
    s.push('_');

    extensions.retain(|&v| v != extension_type::SERVER_NAME && v != extension_type::ALPN);
    extensions.sort_unstable();
    list.clear();
    push_hex_list(&mut list, extensions.iter().copied());
    let mut signatures = ch
        .signature_algorithms
        .iter()
        .copied()
        .filter(|&v| !is_grease(v))
        .peekable();
    if !extensions.is_empty() && signatures.peek().is_some() {
        list.push('_');
        push_hex_list(&mut list, signatures);
    }
    s.push_str(&sha256_12(&list));
    s
}

/// A version as Zeek's ssl.log writes it: "SSLv3", "TLSv10" ... "TLSv13", "DTLSv10", "DTLSv12";
/// TLS 1.3 drafts as "TLSv13-draft<n>", anything else as "unknown-<decimal>".
pub fn version_name(v: u16) -> String {
    match v {
        0x0002 => "SSLv2".to_owned(),
        0x0300 => "SSLv3".to_owned(),
        0x0301 => "TLSv10".to_owned(),
        0x0302 => "TLSv11".to_owned(),
        0x0303 => "TLSv12".to_owned(),
        0x0304 => "TLSv13".to_owned(),
        0xfeff => "DTLSv10".to_owned(),
        0xfefd => "DTLSv12".to_owned(),
        0xfefc => "DTLSv13".to_owned(),
        // Zeek's own test for a draft: v / 255 == 127, numbered v % 127.
        v if v / 0xff == 0x7f => format!("TLSv13-draft{}", v % 0x7f),
        v => format!("unknown-{v}"),
    }
}

/// A cipher suite's name as Zeek writes it: the IANA name ("TLS_AES_128_GCM_SHA256",
/// "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", ...), plus the pre-standard values Zeek knows.
pub fn cipher_name(c: u16) -> Option<&'static str> {
    CIPHER_NAMES
        .binary_search_by_key(&c, |&(code, _)| code)
        .ok()
        .map(|i| CIPHER_NAMES[i].1)
}

/// Cipher suites by number, sorted: the IANA TLS Cipher Suites registry with the names and the
/// extra (draft, vendor, GREASE) entries of Zeek's `SSL::cipher_desc`, plus the three IANA
/// entries Zeek lacks (0x002c..=0x002e, RFC 4785).
static CIPHER_NAMES: [(u16, &str); 406] = [
    (0x0000, "TLS_NULL_WITH_NULL_NULL"),
    (0x0001, "TLS_RSA_WITH_NULL_MD5"),
    (0x0002, "TLS_RSA_WITH_NULL_SHA"),
    (0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5"),
    (0x0004, "TLS_RSA_WITH_RC4_128_MD5"),
    (0x0005, "TLS_RSA_WITH_RC4_128_SHA"),
    (0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5"),
    (0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA"),
    (0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA"),
    (0x0009, "TLS_RSA_WITH_DES_CBC_SHA"),
    (0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x000b, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA"),
    (0x000c, "TLS_DH_DSS_WITH_DES_CBC_SHA"),
    (0x000d, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA"),
    (0x000e, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA"),
    (0x000f, "TLS_DH_RSA_WITH_DES_CBC_SHA"),
    (0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA"),
    (0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA"),
    (0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA"),
    (0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA"),
    (0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA"),
    (0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x0017, "TLS_DH_ANON_EXPORT_WITH_RC4_40_MD5"),
    (0x0018, "TLS_DH_ANON_WITH_RC4_128_MD5"),
    (0x0019, "TLS_DH_ANON_EXPORT_WITH_DES40_CBC_SHA"),
    (0x001a, "TLS_DH_ANON_WITH_DES_CBC_SHA"),
    (0x001b, "TLS_DH_ANON_WITH_3DES_EDE_CBC_SHA"),
    (0x001c, "SSL_FORTEZZA_KEA_WITH_NULL_SHA"),
    (0x001d, "SSL_FORTEZZA_KEA_WITH_FORTEZZA_CBC_SHA"),
    (0x001e, "TLS_KRB5_WITH_DES_CBC_SHA"),
    (0x001f, "TLS_KRB5_WITH_3DES_EDE_CBC_SHA"),
    (0x0020, "TLS_KRB5_WITH_RC4_128_SHA"),
    (0x0021, "TLS_KRB5_WITH_IDEA_CBC_SHA"),
    (0x0022, "TLS_KRB5_WITH_DES_CBC_MD5"),
    (0x0023, "TLS_KRB5_WITH_3DES_EDE_CBC_MD5"),
    (0x0024, "TLS_KRB5_WITH_RC4_128_MD5"),
    (0x0025, "TLS_KRB5_WITH_IDEA_CBC_MD5"),
    (0x0026, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA"),
    (0x0027, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA"),
    (0x0028, "TLS_KRB5_EXPORT_WITH_RC4_40_SHA"),
    (0x0029, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5"),
    (0x002a, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5"),
    (0x002b, "TLS_KRB5_EXPORT_WITH_RC4_40_MD5"),
    (0x002c, "TLS_PSK_WITH_NULL_SHA"),
    (0x002d, "TLS_DHE_PSK_WITH_NULL_SHA"),
    (0x002e, "TLS_RSA_PSK_WITH_NULL_SHA"),
    (0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"),
    (0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA"),
    (0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA"),
    (0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA"),
    (0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
    (0x0034, "TLS_DH_ANON_WITH_AES_128_CBC_SHA"),
    (0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
    (0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA"),
    (0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA"),
    (0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA"),
    (0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"),
    (0x003a, "TLS_DH_ANON_WITH_AES_256_CBC_SHA"),
    (0x003b, "TLS_RSA_WITH_NULL_SHA256"),
    (0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256"),
    (0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256"),
    (0x003e, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256"),
    (0x003f, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256"),
    (0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256"),
    (0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0042, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0043, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0046, "TLS_DH_ANON_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0060, "TLS_RSA_EXPORT1024_WITH_RC4_56_MD5"),
    (0x0061, "TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5"),
    (0x0062, "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA"),
    (0x0063, "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA"),
    (0x0064, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA"),
    (0x0065, "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA"),
    (0x0066, "TLS_DHE_DSS_WITH_RC4_128_SHA"),
    (0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"),
    (0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256"),
    (0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256"),
    (0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256"),
    (0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"),
    (0x006c, "TLS_DH_ANON_WITH_AES_128_CBC_SHA256"),
    (0x006d, "TLS_DH_ANON_WITH_AES_256_CBC_SHA256"),
    (0x0072, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_RMD"),
    (0x0073, "TLS_DHE_DSS_WITH_AES_128_CBC_RMD"),
    (0x0074, "TLS_DHE_DSS_WITH_AES_256_CBC_RMD"),
    (0x0077, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_RMD"),
    (0x0078, "TLS_DHE_RSA_WITH_AES_128_CBC_RMD"),
    (0x0079, "TLS_DHE_RSA_WITH_AES_256_CBC_RMD"),
    (0x007c, "TLS_RSA_WITH_3DES_EDE_CBC_RMD"),
    (0x007d, "TLS_RSA_WITH_AES_128_CBC_RMD"),
    (0x007e, "TLS_RSA_WITH_AES_256_CBC_RMD"),
    (0x0080, "TLS_GOSTR341094_WITH_28147_CNT_IMIT"),
    (0x0081, "TLS_GOSTR341001_WITH_28147_CNT_IMIT"),
    (0x0082, "TLS_GOSTR341094_WITH_NULL_GOSTR3411"),
    (0x0083, "TLS_GOSTR341001_WITH_NULL_GOSTR3411"),
    (0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA"),
    (0x0085, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA"),
    (0x0086, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA"),
    (0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA"),
    (0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA"),
    (0x0089, "TLS_DH_ANON_WITH_CAMELLIA_256_CBC_SHA"),
    (0x008a, "TLS_PSK_WITH_RC4_128_SHA"),
    (0x008b, "TLS_PSK_WITH_3DES_EDE_CBC_SHA"),
    (0x008c, "TLS_PSK_WITH_AES_128_CBC_SHA"),
    (0x008d, "TLS_PSK_WITH_AES_256_CBC_SHA"),
    (0x008e, "TLS_DHE_PSK_WITH_RC4_128_SHA"),
    (0x008f, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA"),
    (0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA"),
    (0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA"),
    (0x0092, "TLS_RSA_PSK_WITH_RC4_128_SHA"),
    (0x0093, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA"),
    (0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA"),
    (0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA"),
    (0x0096, "TLS_RSA_WITH_SEED_CBC_SHA"),
    (0x0097, "TLS_DH_DSS_WITH_SEED_CBC_SHA"),
    (0x0098, "TLS_DH_RSA_WITH_SEED_CBC_SHA"),
    (0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA"),
    (0x009a, "TLS_DHE_RSA_WITH_SEED_CBC_SHA"),
    (0x009b, "TLS_DH_ANON_WITH_SEED_CBC_SHA"),
    (0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
    (0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384"),
    (0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
    (0x00a0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256"),
    (0x00a1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384"),
    (0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256"),
    (0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384"),
    (0x00a4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256"),
    (0x00a5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384"),
    (0x00a6, "TLS_DH_ANON_WITH_AES_128_GCM_SHA256"),
    (0x00a7, "TLS_DH_ANON_WITH_AES_256_GCM_SHA384"),
    (0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256"),
    (0x00a9, "TLS_PSK_WITH_AES_256_GCM_SHA384"),
    (0x00aa, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256"),
    (0x00ab, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384"),
    (0x00ac, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256"),
    (0x00ad, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384"),
    (0x00ae, "TLS_PSK_WITH_AES_128_CBC_SHA256"),
    (0x00af, "TLS_PSK_WITH_AES_256_CBC_SHA384"),
    (0x00b0, "TLS_PSK_WITH_NULL_SHA256"),
    (0x00b1, "TLS_PSK_WITH_NULL_SHA384"),
    (0x00b2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256"),
    (0x00b3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384"),
    (0x00b4, "TLS_DHE_PSK_WITH_NULL_SHA256"),
    (0x00b5, "TLS_DHE_PSK_WITH_NULL_SHA384"),
    (0x00b6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256"),
    (0x00b7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384"),
    (0x00b8, "TLS_RSA_PSK_WITH_NULL_SHA256"),
    (0x00b9, "TLS_RSA_PSK_WITH_NULL_SHA384"),
    (0x00ba, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0x00bb, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256"),
    (0x00bc, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0x00bd, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256"),
    (0x00be, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0x00bf, "TLS_DH_ANON_WITH_CAMELLIA_128_CBC_SHA256"),
    (0x00c0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256"),
    (0x00c1, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256"),
    (0x00c2, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256"),
    (0x00c3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256"),
    (0x00c4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256"),
    (0x00c5, "TLS_DH_ANON_WITH_CAMELLIA_256_CBC_SHA256"),
    (0x00c6, "TLS_SM4_GCM_SM3"),
    (0x00c7, "TLS_SM4_CCM_SM3"),
    (0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"),
    (0x0a0a, "grease_0x0A0A"),
    (0x1301, "TLS_AES_128_GCM_SHA256"),
    (0x1302, "TLS_AES_256_GCM_SHA384"),
    (0x1303, "TLS_CHACHA20_POLY1305_SHA256"),
    (0x1304, "TLS_AES_128_CCM_SHA256"),
    (0x1305, "TLS_AES_128_CCM_8_SHA256"),
    (0x1306, "TLS_AEGIS_256_SHA384"),
    (0x1307, "TLS_AEGIS_128L_SHA256"),
    (0x16b7, "TLS_CECPQ1_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0x16b8, "TLS_CECPQ1_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0x16b9, "TLS_CECPQ1_RSA_WITH_AES_256_GCM_SHA384"),
    (0x16ba, "TLS_CECPQ1_ECDSA_WITH_AES_256_GCM_SHA384"),
    (0x1a1a, "grease_0x1A1A"),
    (0x2a2a, "grease_0x2A2A"),
    (0x3a3a, "grease_0x3A3A"),
    (0x4a4a, "grease_0x4A4A"),
    (0x5600, "TLS_FALLBACK_SCSV"),
    (0x5a5a, "grease_0x5A5A"),
    (0x6a6a, "grease_0x6A6A"),
    (0x7a7a, "grease_0x7A7A"),
    (0x8a8a, "grease_0x8A8A"),
    (0x9a9a, "grease_0x9A9A"),
    (0xaaaa, "grease_0xAAAA"),
    (0xbaba, "grease_0xBABA"),
    (0xc001, "TLS_ECDH_ECDSA_WITH_NULL_SHA"),
    (0xc002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA"),
    (0xc003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA"),
    (0xc004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA"),
    (0xc005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA"),
    (0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA"),
    (0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"),
    (0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA"),
    (0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
    (0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
    (0xc00b, "TLS_ECDH_RSA_WITH_NULL_SHA"),
    (0xc00c, "TLS_ECDH_RSA_WITH_RC4_128_SHA"),
    (0xc00d, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0xc00e, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA"),
    (0xc00f, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA"),
    (0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA"),
    (0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"),
    (0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
    (0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
    (0xc015, "TLS_ECDH_ANON_WITH_NULL_SHA"),
    (0xc016, "TLS_ECDH_ANON_WITH_RC4_128_SHA"),
    (0xc017, "TLS_ECDH_ANON_WITH_3DES_EDE_CBC_SHA"),
    (0xc018, "TLS_ECDH_ANON_WITH_AES_128_CBC_SHA"),
    (0xc019, "TLS_ECDH_ANON_WITH_AES_256_CBC_SHA"),
    (0xc01a, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA"),
    (0xc01b, "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0xc01c, "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA"),
    (0xc01d, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA"),
    (0xc01e, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA"),
    (0xc01f, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA"),
    (0xc020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA"),
    (0xc021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA"),
    (0xc022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA"),
    (0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
    (0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
    (0xc025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256"),
    (0xc026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384"),
    (0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
    (0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
    (0xc029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256"),
    (0xc02a, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384"),
    (0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
    (0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
    (0xc02d, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256"),
    (0xc02e, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384"),
    (0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    (0xc031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256"),
    (0xc032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384"),
    (0xc033, "TLS_ECDHE_PSK_WITH_RC4_128_SHA"),
    (0xc034, "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA"),
    (0xc035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA"),
    (0xc036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA"),
    (0xc037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256"),
    (0xc038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384"),
    (0xc039, "TLS_ECDHE_PSK_WITH_NULL_SHA"),
    (0xc03a, "TLS_ECDHE_PSK_WITH_NULL_SHA256"),
    (0xc03b, "TLS_ECDHE_PSK_WITH_NULL_SHA384"),
    (0xc03c, "TLS_RSA_WITH_ARIA_128_CBC_SHA256"),
    (0xc03d, "TLS_RSA_WITH_ARIA_256_CBC_SHA384"),
    (0xc03e, "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256"),
    (0xc03f, "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384"),
    (0xc040, "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256"),
    (0xc041, "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384"),
    (0xc042, "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256"),
    (0xc043, "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384"),
    (0xc044, "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256"),
    (0xc045, "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384"),
    (0xc046, "TLS_DH_ANON_WITH_ARIA_128_CBC_SHA256"),
    (0xc047, "TLS_DH_ANON_WITH_ARIA_256_CBC_SHA384"),
    (0xc048, "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256"),
    (0xc049, "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384"),
    (0xc04a, "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256"),
    (0xc04b, "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384"),
    (0xc04c, "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256"),
    (0xc04d, "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384"),
    (0xc04e, "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256"),
    (0xc04f, "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384"),
    (0xc050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256"),
    (0xc051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384"),
    (0xc052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256"),
    (0xc053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384"),
    (0xc054, "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256"),
    (0xc055, "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384"),
    (0xc056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256"),
    (0xc057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384"),
    (0xc058, "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256"),
    (0xc059, "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384"),
    (0xc05a, "TLS_DH_ANON_WITH_ARIA_128_GCM_SHA256"),
    (0xc05b, "TLS_DH_ANON_WITH_ARIA_256_GCM_SHA384"),
    (0xc05c, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256"),
    (0xc05d, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384"),
    (0xc05e, "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256"),
    (0xc05f, "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384"),
    (0xc060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256"),
    (0xc061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384"),
    (0xc062, "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256"),
    (0xc063, "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384"),
    (0xc064, "TLS_PSK_WITH_ARIA_128_CBC_SHA256"),
    (0xc065, "TLS_PSK_WITH_ARIA_256_CBC_SHA384"),
    (0xc066, "TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256"),
    (0xc067, "TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384"),
    (0xc068, "TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256"),
    (0xc069, "TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384"),
    (0xc06a, "TLS_PSK_WITH_ARIA_128_GCM_SHA256"),
    (0xc06b, "TLS_PSK_WITH_ARIA_256_GCM_SHA384"),
    (0xc06c, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256"),
    (0xc06d, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384"),
    (0xc06e, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256"),
    (0xc06f, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384"),
    (0xc070, "TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256"),
    (0xc071, "TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384"),
    (0xc072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xc073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xc074, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xc075, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xc076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xc077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xc078, "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xc079, "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xc07a, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xc07b, "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xc07c, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xc07d, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xc07e, "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xc07f, "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xc080, "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xc081, "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xc082, "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xc083, "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xc084, "TLS_DH_ANON_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xc085, "TLS_DH_ANON_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xc086, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xc087, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xc088, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xc089, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xc08a, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xc08b, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xc08c, "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xc08d, "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xc08e, "TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xc08f, "TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xc090, "TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xc091, "TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xc092, "TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xc093, "TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xc094, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xc095, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xc096, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xc097, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xc098, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xc099, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xc09a, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xc09b, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xc09c, "TLS_RSA_WITH_AES_128_CCM"),
    (0xc09d, "TLS_RSA_WITH_AES_256_CCM"),
    (0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM"),
    (0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM"),
    (0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8"),
    (0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8"),
    (0xc0a2, "TLS_DHE_RSA_WITH_AES_128_CCM_8"),
    (0xc0a3, "TLS_DHE_RSA_WITH_AES_256_CCM_8"),
    (0xc0a4, "TLS_PSK_WITH_AES_128_CCM"),
    (0xc0a5, "TLS_PSK_WITH_AES_256_CCM"),
    (0xc0a6, "TLS_DHE_PSK_WITH_AES_128_CCM"),
    (0xc0a7, "TLS_DHE_PSK_WITH_AES_256_CCM"),
    (0xc0a8, "TLS_PSK_WITH_AES_128_CCM_8"),
    (0xc0a9, "TLS_PSK_WITH_AES_256_CCM_8"),
    (0xc0aa, "TLS_PSK_DHE_WITH_AES_128_CCM_8"),
    (0xc0ab, "TLS_PSK_DHE_WITH_AES_256_CCM_8"),
    (0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"),
    (0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM"),
    (0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"),
    (0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8"),
    (0xc0b0, "TLS_ECCPWD_WITH_AES_128_GCM_SHA256"),
    (0xc0b1, "TLS_ECCPWD_WITH_AES_256_GCM_SHA384"),
    (0xc0b2, "TLS_ECCPWD_WITH_AES_128_CCM_SHA256"),
    (0xc0b3, "TLS_ECCPWD_WITH_AES_256_CCM_SHA384"),
    (0xc0b4, "TLS_SHA256_SHA256"),
    (0xc0b5, "TLS_SHA384_SHA384"),
    (0xc100, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC"),
    (0xc101, "TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC"),
    (0xc102, "TLS_GOSTR341112_256_WITH_28147_CNT_IMIT"),
    (0xc103, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L"),
    (0xc104, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_L"),
    (0xc105, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S"),
    (0xc106, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_S"),
    (0xcaca, "grease_0xCACA"),
    (0xcc13, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD"),
    (0xcc14, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256_OLD"),
    (0xcc15, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD"),
    (0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xccab, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256"),
    (0xccac, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256"),
    (0xccad, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256"),
    (0xccae, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256"),
    (0xd001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256"),
    (0xd002, "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384"),
    (0xd003, "TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256"),
    (0xd004, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256_OLD"),
    (0xd005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256"),
    (0xdada, "grease_0xDADA"),
    (0xeaea, "grease_0xEAEA"),
    (0xfafa, "grease_0xFAFA"),
    (0xfefe, "SSL_RSA_FIPS_WITH_DES_CBC_SHA"),
    (0xfeff, "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA"),
    (0xff80, "SSL_RSA_WITH_RC2_CBC_MD5"),
    (0xff81, "SSL_RSA_WITH_IDEA_CBC_MD5"),
    (0xff82, "SSL_RSA_WITH_DES_CBC_MD5"),
    (0xff83, "SSL_RSA_WITH_3DES_EDE_CBC_MD5"),
    (0xffe0, "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA_2"),
    (0xffe1, "SSL_RSA_FIPS_WITH_DES_CBC_SHA_2"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A Chrome ClientHello record with GREASE and padding (FoxIO's badcurveball.pcap, frame 4).
    static CLIENT_HELLO_RECORD: [u8; 517] = [
        0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0xc5, 0xb0, 0x8a, 0x8a,
        0x5a, 0x1a, 0x1f, 0x31, 0xe5, 0xbc, 0xd0, 0x85, 0x3b, 0x6f, 0x59, 0x94, 0x4d, 0xfe, 0xc2,
        0x90, 0x0a, 0x71, 0x2a, 0x2a, 0x60, 0x59, 0xb8, 0x27, 0xc5, 0x8c, 0xf4, 0x80, 0x20, 0x07,
        0x8a, 0x38, 0x9e, 0xf1, 0x76, 0x7d, 0xa3, 0x04, 0xd9, 0xe1, 0x0c, 0xc7, 0xa9, 0x44, 0x1a,
        0x73, 0x45, 0x13, 0x69, 0x4d, 0x3a, 0x35, 0x3e, 0xd9, 0x52, 0x2a, 0xc4, 0x7f, 0x9c, 0x8a,
        0xa4, 0x00, 0x22, 0xaa, 0xaa, 0x13, 0x01, 0x13, 0x02, 0x13, 0x03, 0xc0, 0x2b, 0xc0, 0x2f,
        0xc0, 0x2c, 0xc0, 0x30, 0xcc, 0xa9, 0xcc, 0xa8, 0xc0, 0x13, 0xc0, 0x14, 0x00, 0x9c, 0x00,
        0x9d, 0x00, 0x2f, 0x00, 0x35, 0x00, 0x0a, 0x01, 0x00, 0x01, 0x91, 0x4a, 0x4a, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x1a, 0x00, 0x18, 0x00, 0x00, 0x15, 0x62, 0x61, 0x64, 0x2e, 0x63, 0x75,
        0x72, 0x76, 0x65, 0x62, 0x61, 0x6c, 0x6c, 0x74, 0x65, 0x73, 0x74, 0x2e, 0x63, 0x6f, 0x6d,
        0x00, 0x17, 0x00, 0x00, 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0a, 0x00, 0x0a, 0x00, 0x08,
        0xca, 0xca, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18, 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00, 0x00,
        0x23, 0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 0x68, 0x32, 0x08, 0x68, 0x74,
        0x74, 0x70, 0x2f, 0x31, 0x2e, 0x31, 0x00, 0x05, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x0d, 0x00, 0x14, 0x00, 0x12, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x05, 0x03, 0x08,
        0x05, 0x05, 0x01, 0x08, 0x06, 0x06, 0x01, 0x02, 0x01, 0x00, 0x12, 0x00, 0x00, 0x00, 0x33,
        0x00, 0x2b, 0x00, 0x29, 0xca, 0xca, 0x00, 0x01, 0x00, 0x00, 0x1d, 0x00, 0x20, 0xec, 0x9c,
        0x73, 0x1a, 0xe0, 0xf8, 0x3a, 0x31, 0x5e, 0xc3, 0x8e, 0xd8, 0xcc, 0x94, 0x91, 0x25, 0x02,
        0xab, 0x3c, 0xa9, 0x13, 0xa2, 0x9b, 0x7d, 0x03, 0x7d, 0x7c, 0x0a, 0xe6, 0xa6, 0xe8, 0x1a,
        0x00, 0x2d, 0x00, 0x02, 0x01, 0x01, 0x00, 0x2b, 0x00, 0x0b, 0x0a, 0x2a, 0x2a, 0x03, 0x04,
        0x03, 0x03, 0x03, 0x02, 0x03, 0x01, 0x00, 0x1b, 0x00, 0x03, 0x02, 0x00, 0x02, 0x7a, 0x7a,
        0x00, 0x01, 0x00, 0x00, 0x15, 0x00, 0xc3, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    /// The ServerHello record answering it (frame 6, first record).
    static SERVER_HELLO_RECORD: [u8; 85] = [
        0x16, 0x03, 0x03, 0x00, 0x50, 0x02, 0x00, 0x00, 0x4c, 0x03, 0x03, 0xd1, 0xb6, 0xbc, 0x54,
        0xa8, 0x9e, 0x67, 0xac, 0x3e, 0xd9, 0xb6, 0xb8, 0x26, 0x98, 0x57, 0x62, 0xb4, 0xcc, 0x6c,
        0xdd, 0xe3, 0x9e, 0x4d, 0x7a, 0x95, 0x42, 0x12, 0x32, 0xc7, 0x47, 0xc5, 0x44, 0x00, 0xc0,
        0x2b, 0x00, 0x00, 0x24, 0x00, 0x00, 0x00, 0x00, 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0b,
        0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x00, 0x23, 0x00, 0x00, 0x00, 0x10, 0x00, 0x0b, 0x00,
        0x09, 0x08, 0x68, 0x74, 0x74, 0x70, 0x2f, 0x31, 0x2e, 0x31,
    ];

    /// A DTLS 1.0 ClientHello datagram (corpus-l7 dtls2.pcap, frame 1).
    static DTLS_CLIENT_HELLO: [u8; 81] = [
        0x16, 0xfe, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x44, 0x01, 0x00,
        0x00, 0x38, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x38, 0xfe, 0xff, 0xc5, 0x93, 0x9d,
        0xdb, 0x07, 0x91, 0xee, 0x7e, 0x1d, 0xe7, 0x12, 0xd7, 0x8e, 0x22, 0x53, 0xf3, 0x4d, 0xd5,
        0x9b, 0x61, 0xb2, 0x20, 0x9c, 0xaa, 0x72, 0x4b, 0x6b, 0xa3, 0x4a, 0x7d, 0x2a, 0xd5, 0x00,
        0x00, 0x00, 0x10, 0x00, 0x35, 0x00, 0x2f, 0x00, 0x05, 0x00, 0x04, 0x00, 0x0a, 0x00, 0xfb,
        0x00, 0xfc, 0x00, 0xfd, 0x01, 0x00,
    ];

    /// A ClientHello of OpenSSL's pre-RFC DTLS, version 0x0100 (dtls_old_version.pcapng, frame 1).
    static OLD_DTLS_CLIENT_HELLO: [u8; 99] = [
        0x16, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x56, 0x01, 0x00,
        0x00, 0x4a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4a, 0x01, 0x00, 0x5e, 0xe9, 0xea,
        0x22, 0x62, 0xf7, 0x9f, 0x37, 0x6b, 0x50, 0x16, 0x7f, 0x06, 0x17, 0xd3, 0x42, 0x6e, 0x3a,
        0x52, 0xf6, 0x3f, 0x66, 0xb6, 0xaf, 0xe3, 0x4a, 0x07, 0x36, 0x86, 0x3d, 0xea, 0xa5, 0x20,
        0x03, 0xc2, 0x29, 0xbe, 0x15, 0xd6, 0x20, 0x51, 0x5e, 0xef, 0x0e, 0xca, 0x0a, 0xaf, 0xdb,
        0xc9, 0x38, 0xe0, 0x08, 0xfe, 0xe8, 0xf2, 0x1a, 0x81, 0xa5, 0x72, 0x06, 0xfd, 0x37, 0x5b,
        0x6b, 0xd8, 0x00, 0x00, 0x02, 0x00, 0x35, 0x01, 0x00,
    ];

    /// The body of the handshake message in a record holding exactly one (TLS header).
    fn body_of(record: &[u8]) -> &[u8] {
        &record[HEADER_LEN + HANDSHAKE_HEADER_LEN..]
    }

    fn client_hello() -> ClientHello {
        parse_client_hello(body_of(&CLIENT_HELLO_RECORD)).expect("a ClientHello")
    }

    /// Every handshake message a walker hands on, for `pieces` fed in order.
    fn walk<'a>(
        w: &mut StreamWalker,
        pieces: impl IntoIterator<Item = &'a [u8]>,
    ) -> Vec<(u8, Vec<u8>)> {
        let mut got = Vec::new();
        for p in pieces {
            w.feed(p, &mut |t, b: &[u8]| got.push((t, b.to_vec())));
        }
        got
    }

    /// A TLS 1.2 record.
    fn record(content_type: u8, body: &[u8]) -> Vec<u8> {
        let mut r = vec![content_type, 3, 3];
        r.extend_from_slice(&u16::try_from(body.len()).expect("short").to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    /// A handshake message with its 4-byte header.
    fn message(kind: u8, body: &[u8]) -> Vec<u8> {
        let len = u32::try_from(body.len()).expect("short").to_be_bytes();
        let mut m = vec![kind, len[1], len[2], len[3]];
        m.extend_from_slice(body);
        m
    }

    #[test]
    fn record_header_deconstructs() {
        let r = Record::new_checked(&CLIENT_HELLO_RECORD).expect("a record");
        assert_eq!(r.content_type(), ContentType::Handshake);
        assert_eq!((r.version(), r.length(), r.header_len()), (0x0301, 512, 5));
        assert!(!r.is_dtls() && r.epoch().is_none() && r.sequence_number().is_none());
        assert_eq!(r.fragment().len(), 512);
        assert_eq!(r.total_len(), CLIENT_HELLO_RECORD.len());

        let d = Record::new_checked(&DTLS_CLIENT_HELLO).expect("a DTLS record");
        assert!(d.is_dtls());
        assert_eq!(
            (d.version(), d.length(), d.header_len()),
            (0xfeff, 0x44, 13)
        );
        assert_eq!((d.epoch(), d.sequence_number()), (Some(0), Some(0)));
    }

    #[test]
    fn record_impossible_length() {
        assert_eq!(
            Record::new_checked(&CLIENT_HELLO_RECORD[..4]).expect_err("short"),
            Error::Truncated {
                header: "tls record",
                required: 5,
                len: 4
            }
        );
        assert_eq!(
            Record::new_checked(&CLIENT_HELLO_RECORD[..516]).expect_err("short"),
            Error::Truncated {
                header: "tls record",
                required: 517,
                len: 516
            }
        );
        assert_eq!(
            Record::new_checked(&DTLS_CLIENT_HELLO[..12]).expect_err("short"),
            Error::Truncated {
                header: "tls record",
                required: 13,
                len: 12
            }
        );
    }

    #[test]
    fn client_hello_deconstructs() {
        let ch = client_hello();
        assert_eq!(ch.legacy_version, 0x0303);
        assert_eq!(ch.cipher_suites.len(), 17);
        assert_eq!(&ch.cipher_suites[..3], &[0xaaaa, 0x1301, 0x1302]);
        assert_eq!(
            ch.extensions,
            [0x4a4a, 0, 23, 0xff01, 10, 11, 35, 16, 5, 13, 18, 51, 45, 43, 27, 0x7a7a, 21]
        );
        assert_eq!(ch.server_name.as_deref(), Some("bad.curveballtest.com"));
        assert_eq!(ch.alpn, ["h2", "http/1.1"]);
        assert_eq!(ch.first_alpn_bytes, b"h2");
        assert_eq!(ch.supported_groups, [0xcaca, 29, 23, 24]);
        assert_eq!(ch.ec_point_formats, [0]);
        assert_eq!(
            ch.signature_algorithms,
            [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0201]
        );
        assert_eq!(
            ch.supported_versions,
            [0x2a2a, 0x0304, 0x0303, 0x0302, 0x0301]
        );
        assert_eq!(ch.malformed, None);
    }

    #[test]
    fn fingerprints_match_tshark_and_foxio() {
        let ch = client_hello();
        // tshark 4.0's tls.handshake.ja3_full and ja3 for this frame.
        assert_eq!(
            ja3_string(&ch),
            "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53-10,\
             0-23-65281-10-11-35-16-5-13-18-51-45-43-27-21,29-23-24,0"
        );
        assert_eq!(ja3(&ch), "66918128f1b9b03303d77c6f2eefd128");
        // FoxIO's expected value for this capture.
        assert_eq!(
            ja4(&ch, Transport::Tcp),
            "t13d1615h2_46e7e9700bed_45f260be83e2"
        );
        assert_eq!(
            ja4(&ch, Transport::Quic),
            "q13d1615h2_46e7e9700bed_45f260be83e2"
        );
        assert_eq!(
            ja4(&ch, Transport::Dtls),
            "d13d1615h2_46e7e9700bed_45f260be83e2"
        );
    }

    /// The worked example of FoxIO's JA4.md.
    fn ja4_md_example() -> ClientHello {
        ClientHello {
            legacy_version: 0x0303,
            cipher_suites: vec![
                0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
                0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
            ],
            extensions: vec![
                0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023,
                0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015,
            ],
            first_alpn_bytes: b"h2".to_vec(),
            signature_algorithms: vec![
                0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
            ],
            supported_versions: vec![0x0304, 0x0303],
            ..ClientHello::default()
        }
    }

    #[test]
    fn ja4_follows_the_worked_example() {
        let mut ch = ja4_md_example();
        assert_eq!(
            ja4(&ch, Transport::Tcp),
            "t13d1516h2_8daaf6152771_e5627efa2ab1"
        );
        // GREASE anywhere changes nothing.
        ch.cipher_suites.insert(0, 0x0a0a);
        ch.extensions.insert(3, 0xfafa);
        ch.supported_versions.insert(0, 0x8a8a);
        ch.signature_algorithms.insert(0, 0x1a1a);
        assert_eq!(
            ja4(&ch, Transport::Tcp),
            "t13d1516h2_8daaf6152771_e5627efa2ab1"
        );
        // No signature algorithms: no underscore in the hashed string.
        ch.signature_algorithms.clear();
        assert!(ja4(&ch, Transport::Tcp).ends_with("_6d807ffa2a79"));
    }

    #[test]
    fn ja4_edge_cases() {
        // No supported_versions: legacy_version; no SNI: "i"; no ALPN: "00"; empty lists: zeros.
        let ch = ClientHello {
            legacy_version: 0x0301,
            ..ClientHello::default()
        };
        assert_eq!(
            ja4(&ch, Transport::Tcp),
            "t10i000000_000000000000_000000000000"
        );
        let versions = [
            (0x0300, "s3"),
            (0x0002, "s2"),
            (0xfeff, "d1"),
            (0xfefd, "d2"),
            (0xfefc, "d3"),
            (0x0305, "00"),
        ];
        for (v, s) in versions {
            let ch = ClientHello {
                legacy_version: v,
                ..ClientHello::default()
            };
            assert_eq!(&ja4(&ch, Transport::Dtls)[1..3], s, "{v:#x}");
        }
        // Counts stop at 99.
        let ch = ClientHello {
            legacy_version: 0x0303,
            cipher_suites: (1..=150).collect(),
            extensions: (100..=250).collect(),
            ..ClientHello::default()
        };
        assert_eq!(&ja4(&ch, Transport::Tcp)[..10], "t12i999900");
    }

    #[test]
    fn ja4_alpn_characters() {
        let cases: [(&[u8], &str); 12] = [
            (b"h2", "h2"),
            (b"http/1.1", "h1"),
            (b"a", "aa"),
            (b"", "00"),
            (&[0xab], "ab"),
            (&[0x20], "20"),
            (&[0xab, 0xcd], "ad"),
            (&[0x20, 0x61], "21"),
            (&[0x30, 0xab], "3b"),
            (&[0x61, 0x20], "60"),
            (&[0x30, 0x31, 0xab, 0xcd], "3d"),
            (&[0x30, 0xab, 0xcd, 0x31], "01"),
        ];
        for (alpn, want) in cases {
            let got: String = ja4_alpn(alpn).iter().collect();
            assert_eq!(got, want, "{alpn:02x?}");
        }
    }

    #[test]
    fn server_hello_deconstructs() {
        let sh = parse_server_hello(body_of(&SERVER_HELLO_RECORD)).expect("a ServerHello");
        assert_eq!((sh.legacy_version, sh.cipher_suite), (0x0303, 0xc02b));
        assert_eq!(sh.extensions, [0, 0xff01, 11, 35, 16]);
        assert_eq!((sh.selected_version, sh.version()), (None, 0x0303));
        assert_eq!(sh.alpn.as_deref(), Some("http/1.1"));
        assert_eq!(sh.malformed, None);
        // tshark's tls.handshake.ja3s_full and ja3s.
        assert_eq!(ja3s_string(&sh), "771,49195,0-65281-11-35-16");
        assert_eq!(ja3s(&sh), "2d1eb5817ece335c24904f516ad5da12");
        assert_eq!(
            cipher_name(sh.cipher_suite),
            Some("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
        );
    }

    #[test]
    fn server_hello_selected_version() {
        let mut body = body_of(&SERVER_HELLO_RECORD)[..38].to_vec();
        body[35..37].copy_from_slice(&[0x13, 0x01]);
        body.extend_from_slice(&[0, 6, 0, 43, 0, 2, 3, 4]);
        let sh = parse_server_hello(&body).expect("a ServerHello");
        assert_eq!((sh.selected_version, sh.version()), (Some(0x0304), 0x0304));
        assert_eq!(version_name(sh.version()), "TLSv13");
        assert_eq!(cipher_name(sh.cipher_suite), Some("TLS_AES_128_GCM_SHA256"));
    }

    #[test]
    fn truncated_hellos() {
        let body = body_of(&CLIENT_HELLO_RECORD);
        // Before the extensions: an error; inside them: what was read, and why it stopped.
        assert_eq!(
            parse_client_hello(&body[..33]).expect_err("short"),
            Error::Truncated {
                header: "tls client hello",
                required: 34,
                len: 33
            }
        );
        let ch = parse_client_hello(&body[..150]).expect("a partial ClientHello");
        assert_eq!(ch.cipher_suites.len(), 17);
        assert_eq!(ch.server_name.as_deref(), Some("bad.curveballtest.com"));
        assert!(matches!(ch.malformed, Some(Error::Truncated { .. })));
        assert!(ch.extensions.len() < 17);
        for n in 0..body.len() {
            if let Ok(ch) = parse_client_hello(&body[..n]) {
                assert!(ch.malformed.is_some() || n == 105, "{n}");
            }
        }
        let sh = body_of(&SERVER_HELLO_RECORD);
        for n in 0..sh.len() {
            assert_eq!(parse_server_hello(&sh[..n]).is_err(), n < 38, "{n}");
        }
    }

    #[test]
    fn malformed_hellos() {
        let mut body = body_of(&CLIENT_HELLO_RECORD).to_vec();
        // Cipher suites' length (at 67, after the 32-byte session id) made odd.
        body[68] = 0x21;
        assert_eq!(
            parse_client_hello(&body).expect_err("odd"),
            Error::Malformed {
                header: "tls client hello",
                what: "odd length of a list of 16-bit values"
            }
        );
        // The SNI extension's inner list length too long: SNI lost, the rest read.
        let mut body = body_of(&CLIENT_HELLO_RECORD).to_vec();
        let at = 2 + 32 + 1 + 32 + 2 + 34 + 2 + 2 + 4; // after session id, suites, compression, GREASE
        assert_eq!(&body[at..at + 4], &[0, 0, 0, 0x1a]);
        body[at + 5] = 0xff;
        let ch = parse_client_hello(&body).expect("a ClientHello");
        assert_eq!(ch.server_name, None);
        assert!(matches!(ch.malformed, Some(Error::Truncated { .. })));
        assert_eq!(ch.extensions.len(), 17);
        assert_eq!(ch.alpn, ["h2", "http/1.1"]);
    }

    #[test]
    fn dtls_client_hellos() {
        let mut got = Vec::new();
        dtls_handshakes(&DTLS_CLIENT_HELLO, &mut |t, b: &[u8]| {
            got.push((t, b.to_vec()))
        })
        .expect("a datagram");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, handshake_type::CLIENT_HELLO);
        let ch = parse_client_hello(&got[0].1).expect("a ClientHello");
        // tshark's dtls.handshake.ja3_full and ja3.
        assert_eq!(ja3_string(&ch), "65279,53-47-5-4-10-251-252-253,,,");
        assert_eq!(ja3(&ch), "1b45c913a0c0fde5f263502e65999485");
        assert_eq!(&ja4(&ch, Transport::Dtls)[..10], "dd1i080000");

        let mut got = Vec::new();
        dtls_handshakes(&OLD_DTLS_CLIENT_HELLO, &mut |t, b: &[u8]| {
            got.push((t, b.to_vec()))
        })
        .expect("a datagram");
        let ch = parse_client_hello(&got[0].1).expect("a ClientHello");
        assert_eq!(ja3_string(&ch), "256,53,,,");
        assert_eq!(version_name(ch.legacy_version), "unknown-256");

        assert!(matches!(
            dtls_handshakes(&DTLS_CLIENT_HELLO[..40], &mut |_, _| {}),
            Err(Error::Truncated { .. })
        ));
    }

    #[test]
    fn walker_reassembles_across_any_split() {
        let mut stream = CLIENT_HELLO_RECORD.to_vec();
        stream.extend_from_slice(&record(22, &message(14, &[])));
        let want = vec![
            (1, body_of(&CLIENT_HELLO_RECORD).to_vec()),
            (14, Vec::new()),
        ];
        for cut in 0..=stream.len() {
            let mut w = StreamWalker::new();
            let (a, b) = stream.split_at(cut);
            assert_eq!(walk(&mut w, [a, b]), want, "cut at {cut}");
            assert_eq!(w.state(), WalkerState::Tls);
        }
        let mut w = StreamWalker::new();
        assert_eq!(walk(&mut w, stream.chunks(1)), want);
    }

    #[test]
    fn walker_joins_a_message_spread_over_records() {
        let m = message(11, &[7; 1000]);
        let mut stream = Vec::new();
        for part in m.chunks(300) {
            stream.extend(record(22, part));
            stream.extend(record(21, &[1, 0])); // interleaved, as TLS 1.2 allows
        }
        let mut w = StreamWalker::new();
        assert_eq!(walk(&mut w, stream.chunks(77)), [(11, vec![7; 1000])]);
        assert_eq!(w.alerts(), 4);
    }

    #[test]
    fn walker_skips_a_message_over_the_limit() {
        let big = message(11, &vec![0; MAX_HANDSHAKE + 1]);
        let mut stream = Vec::new();
        for part in big.chunks(1 << 14) {
            stream.extend(record(22, part));
        }
        stream.extend(record(22, &message(14, &[])));
        let mut w = StreamWalker::new();
        assert_eq!(walk(&mut w, stream.chunks(1000)), [(14, vec![])]);
        assert_eq!(w.state(), WalkerState::Tls);
    }

    #[test]
    fn walker_stops_handing_on_after_change_cipher_spec() {
        let mut stream = record(22, &message(16, &[5; 20])); // ClientKeyExchange
        stream.extend(record(20, &[1]));
        stream.extend(record(22, &[0x3c; 40])); // encrypted Finished
        stream.extend(record(23, &[9; 100]));
        stream.extend(record(23, &[9; 100]));
        stream.extend(record(21, &[9; 26]));
        let mut w = StreamWalker::new();
        assert_eq!(walk(&mut w, [&stream[..]]), [(16, vec![5; 20])]);
        assert!(w.saw_change_cipher_spec());
        assert_eq!(w.encrypted_handshake_records(), 1);
        assert_eq!((w.application_data_records(), w.alerts()), (2, 1));
    }

    #[test]
    fn walker_reads_the_client_hello_after_a_hello_retry_request() {
        // TLS 1.3 middlebox compatibility: ChangeCipherSpec, then the second ClientHello.
        let mut stream = CLIENT_HELLO_RECORD.to_vec();
        stream.extend(record(20, &[1]));
        stream.extend_from_slice(&CLIENT_HELLO_RECORD);
        stream.extend(record(23, &[9; 50]));
        let mut w = StreamWalker::new();
        let got = walk(&mut w, stream.chunks(3));
        assert_eq!(got.len(), 2);
        assert!(got
            .iter()
            .all(|(t, b)| *t == 1 && b == body_of(&CLIENT_HELLO_RECORD)));
        assert_eq!(w.encrypted_handshake_records(), 0);
    }

    #[test]
    fn walker_verdicts() {
        let mut w = StreamWalker::new();
        assert_eq!(w.state(), WalkerState::Start);
        walk(&mut w, [&b"GET / HTTP/1.1\r\n"[..]]);
        assert_eq!(w.state(), WalkerState::NotTls);

        let mut w = StreamWalker::new();
        let mut stream = CLIENT_HELLO_RECORD.to_vec();
        stream.extend_from_slice(b"\x16\x03\x03\xff\xff"); // longer than TLS allows
        stream.extend_from_slice(&CLIENT_HELLO_RECORD);
        assert_eq!(walk(&mut w, [&stream[..]]).len(), 1);
        assert_eq!(w.state(), WalkerState::Broken);

        // An SSL 2.0 ClientHello is skipped, and the TLS records after it are walked.
        let mut w = StreamWalker::new();
        let mut stream = SSLV2_CLIENT_HELLO.to_vec();
        stream.extend(record(22, &message(16, &[1])));
        assert_eq!(walk(&mut w, stream.chunks(2)), [(16, vec![1])]);
        assert_eq!(w.state(), WalkerState::Tls);
    }

    /// An SSL 2.0-form ClientHello offering TLS 1.0 (RFC 5246 Appendix E.2): three cipher
    /// specs (two TLS suites, one SSL 2.0 kind), no session id, a 16-byte challenge.
    static SSLV2_CLIENT_HELLO: [u8; 36] = [
        0x80, 0x22, 0x01, 0x03, 0x01, 0x00, 0x09, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x2f, 0x00,
        0x00, 0x35, 0x01, 0x00, 0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    ];

    #[test]
    fn sslv2_client_hello() {
        assert!(looks_like_client_hello(&SSLV2_CLIENT_HELLO));
        assert!(looks_like_client_hello(&SSLV2_CLIENT_HELLO[..5]));
        let ch = parse_sslv2_client_hello(&SSLV2_CLIENT_HELLO).expect("a ClientHello");
        assert_eq!(
            (ch.legacy_version, ch.cipher_suites.clone()),
            (0x0301, vec![0x2f, 0x35])
        );
        assert_eq!(ja3_string(&ch), "769,47-53,,,");
        let mut bad = SSLV2_CLIENT_HELLO;
        bad[6] = 0x08; // cipher specs not a multiple of 3
        assert!(!looks_like_client_hello(&bad));
        assert!(parse_sslv2_client_hello(&bad).is_err());
    }

    #[test]
    fn signatures() {
        for n in [6, 9, 100, 517] {
            assert!(looks_like_client_hello(&CLIENT_HELLO_RECORD[..n]), "{n}");
        }
        assert!(!looks_like_client_hello(&CLIENT_HELLO_RECORD[..5]));
        assert!(looks_like_client_hello(&DTLS_CLIENT_HELLO));
        assert!(!looks_like_client_hello(&SERVER_HELLO_RECORD));
        assert!(!looks_like_client_hello(b"GET / HTTP/1.1\r\n"));
        assert!(!looks_like_client_hello(
            b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x03"
        ));
        assert!(looks_like_record(&SERVER_HELLO_RECORD));
        assert!(looks_like_record(&DTLS_CLIENT_HELLO));
        assert!(looks_like_record(b"\x17\x03\x03\x40\x00"));
        assert!(!looks_like_record(b"\x17\x03\x03\x50\x01"));
        assert!(!looks_like_record(b"\x19\x03\x03\x00\x01"));
        assert!(!looks_like_record(b"\x17\x03\x05\x00\x01"));
        assert!(!looks_like_record(b"\x17\x03\x03\x00"));
    }

    #[test]
    fn grease_values() {
        let all: Vec<u16> = (0..=u16::MAX).filter(|&v| is_grease(v)).collect();
        assert_eq!(all.len(), 16);
        assert_eq!((all[0], all[15]), (0x0a0a, 0xfafa));
        assert!(!is_grease(0x0a1a) && !is_grease(0x1a0a));
    }

    #[test]
    fn names() {
        let names = [
            (0x0300, "SSLv3"),
            (0x0301, "TLSv10"),
            (0x0302, "TLSv11"),
            (0x0303, "TLSv12"),
            (0x0304, "TLSv13"),
            (0xfeff, "DTLSv10"),
            (0xfefd, "DTLSv12"),
            (0x7f12, "TLSv13-draft18"),
            (0x1234, "unknown-4660"),
        ];
        for (v, name) in names {
            assert_eq!(version_name(v), name);
        }
        assert!(CIPHER_NAMES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(cipher_name(0x1301), Some("TLS_AES_128_GCM_SHA256"));
        assert_eq!(
            cipher_name(0xc02f),
            Some("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
        );
        assert_eq!(
            cipher_name(0x00ff),
            Some("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")
        );
        assert_eq!(
            cipher_name(0xcc13),
            Some("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD")
        );
        assert_eq!(cipher_name(0x002d), Some("TLS_DHE_PSK_WITH_NULL_SHA"));
        assert_eq!(cipher_name(0x1399), None);
    }

    /// Runs every entry point over `b`; none may panic.
    fn exercise(b: &[u8], cut: usize) {
        if let Ok(ch) = parse_client_hello(b) {
            let _ = (ja3(&ch), ja4(&ch, Transport::Tcp));
        }
        if let Ok(sh) = parse_server_hello(b) {
            let _ = ja3s(&sh);
        }
        let _ = parse_sslv2_client_hello(b);
        let _ = (looks_like_client_hello(b), looks_like_record(b));
        let _ = dtls_handshakes(b, &mut |_, _| {});
        let mut w = StreamWalker::new();
        let (x, y) = b.split_at(cut.min(b.len()));
        w.feed(x, &mut |_, m| {
            let _ = parse_client_hello(m);
        });
        w.feed(y, &mut |_, _| {});
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_do_not_panic(b in proptest::collection::vec(any::<u8>(), 0..600), cut in 0usize..600) {
            exercise(&b, cut);
        }

        #[test]
        fn mutated_hellos_do_not_panic(
            which in 0usize..4,
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
            cut in 0usize..600,
        ) {
            let mut b = [&CLIENT_HELLO_RECORD[..], &SERVER_HELLO_RECORD, &DTLS_CLIENT_HELLO, &SSLV2_CLIENT_HELLO][which].to_vec();
            for (at, v) in edits {
                let n = b.len();
                b[at % n] = v;
            }
            exercise(&b, cut);
            exercise(&b[HEADER_LEN..], cut);
            exercise(&b[HEADER_LEN + HANDSHAKE_HEADER_LEN..], cut);
        }
    }
}
