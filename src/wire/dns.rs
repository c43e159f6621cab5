//! DNS messages (RFC 1035), with AAAA (RFC 3596), SRV (RFC 2782) and the EDNS(0) OPT record
//! (RFC 6891). Multicast DNS (RFC 6762), LLMNR (RFC 4795) and the NetBIOS name service
//! (RFC 1002) share the format.
//!
//! [`parse`] reads one message into what a Zeek-style dns.log row needs: the header, the
//! questions, and the answer section rendered as Zeek's `answers` column. [`looks_like`] is the
//! allocation-free check for service detection; [`TcpFramer`] splits DNS over TCP into messages.
//!
//! Names are rendered as tshark 4.0 renders `dns.qry.name`, then lower-cased (as the oracle
//! does): labels joined by `.` (a dot or space inside a label is not escaped); printable ASCII
//! and printable UTF-8 as they are; other ASCII as C escapes (`\n`, `\000`); bytes that are not
//! UTF-8 as U+FFFD; other non-printable characters as `\uxxxx`; the root as `<root>`; and
//! tshark's markers for names it does not show: `<name too long>` (254 bytes or more),
//! `<name contains a pointer that loops>`, `<unknown extended label>`. As in tshark, a
//! compression pointer may point forwards; a name that follows more than 255 pointers loops.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::{need, u16_at, u32_at, Error, Result};

mod field {
    use crate::wire::Field;
    pub const ID: Field = 0..2;
    pub const FLAGS: Field = 2..4;
    pub const QDCOUNT: Field = 4..6;
    pub const ANCOUNT: Field = 6..8;
    pub const NSCOUNT: Field = 8..10;
    pub const ARCOUNT: Field = 10..12;
}

mod flag {
    pub const RESPONSE: u16 = 0x8000;
    pub const AUTHORITATIVE: u16 = 0x0400;
    pub const TRUNCATED: u16 = 0x0200;
    pub const RECURSION_DESIRED: u16 = 0x0100;
    pub const RECURSION_AVAILABLE: u16 = 0x0080;
    pub const Z: u16 = 0x0040;
    pub const RCODE: u16 = 0x000f;
}

/// Bytes of the header.
pub const HEADER_LEN: usize = field::ARCOUNT.end;

/// Questions kept of one message; later ones are skipped.
pub const MAX_QUESTIONS: usize = 64;

/// Answer records kept of one message; later ones are skipped.
pub const MAX_ANSWERS: usize = 128;

/// Bytes of a rendered name before escaping, as tshark counts them (`MAX_DNAME_LEN`).
const MAX_NAME_LEN: usize = 255;

/// Compression pointers one name may follow before tshark calls it a loop.
const MAX_POINTERS: usize = 255;

/// Labels one name may visit after its first pointer before it is taken as too long: bounds
/// the work on crafted names (a real name has at most 127 labels; tshark reads on).
const MAX_LABELS_AFTER_POINTER: usize = 4096;

const TYPE_OPT: u16 = 41;

const HEADER: &str = "dns";

/// One DNS message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The transaction ID.
    pub id: u16,
    /// QR: the message is a response.
    pub response: bool,
    /// The OPCODE (0 query, 1 inverse query, 2 status, 4 notify, 5 update).
    pub opcode: u8,
    /// AA: authoritative answer.
    pub authoritative: bool,
    /// TC: truncated.
    pub truncated: bool,
    /// RD: recursion desired.
    pub recursion_desired: bool,
    /// RA: recursion available.
    pub recursion_available: bool,
    /// The header's RCODE, extended with the OPT record's upper 8 bits when an OPT RR is
    /// present (RFC 6891 section 6.1.3).
    pub rcode: u16,
    /// QDCOUNT, ANCOUNT, NSCOUNT and ARCOUNT as in the header.
    pub counts: [u16; 4],
    /// The questions, at most [`MAX_QUESTIONS`].
    pub questions: Vec<Question>,
    /// The answer section (not authority or additional), at most [`MAX_ANSWERS`].
    pub answers: Vec<Answer>,
    /// Where parsing stopped early, if it did; what came before is kept.
    pub malformed: Option<Error>,
}

/// One entry of the question section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// QNAME, rendered as the module documentation says.
    pub name: String,
    /// QTYPE.
    pub qtype: u16,
    /// QCLASS, all 16 bits (mDNS puts its unicast-response bit in the top one).
    pub qclass: u16,
}

/// One resource record of the answer section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The owner name, rendered as the module documentation says.
    pub name: String,
    /// TYPE.
    pub rtype: u16,
    /// CLASS, all 16 bits (mDNS puts its cache-flush bit in the top one).
    pub class: u16,
    /// TTL in seconds.
    pub ttl: u32,
    /// The RDATA as an entry of Zeek's dns.log `answers`: the address (A, AAAA), the name
    /// (NS, CNAME, PTR, DNAME; MX exchange; SRV target; SOA MNAME), `TXT <len> <string>` per
    /// string joined by spaces (SPF alike, non-printable bytes as `\xNN`), `RRSIG <type>
    /// <signer>`, `DNSKEY <algorithm>`, `DS <algorithm> <digest type>`, `NSEC <owner> <next>`,
    /// `NSEC3`, `NSEC3PARAM`, `SSHFP: <hex>`, `LOC:  <size> <horizontal> <vertical>`, `BIND9
    /// signing signal`, and `<unknown type=N>` for the rest. Empty where Zeek logs no entry (WKS,
    /// HINFO, NB, OPT, TSIG, CAA, SVCB, HTTPS) or the RDATA is too short for its type.
    pub data: String,
}

/// Parses one message `b` (without the TCP length prefix). Fails only when the header is cut
/// short; a damaged body ends the parse with [`Message::malformed`] set.
pub fn parse(b: &[u8]) -> Result<Message> {
    need(HEADER, b, HEADER_LEN)?;
    let flags = u16_at(b, field::FLAGS);
    let counts = [
        u16_at(b, field::QDCOUNT),
        u16_at(b, field::ANCOUNT),
        u16_at(b, field::NSCOUNT),
        u16_at(b, field::ARCOUNT),
    ];
    let mut m = Message {
        id: u16_at(b, field::ID),
        response: flags & flag::RESPONSE != 0,
        opcode: ((flags >> 11) & 0xf) as u8,
        authoritative: flags & flag::AUTHORITATIVE != 0,
        truncated: flags & flag::TRUNCATED != 0,
        recursion_desired: flags & flag::RECURSION_DESIRED != 0,
        recursion_available: flags & flag::RECURSION_AVAILABLE != 0,
        rcode: flags & flag::RCODE,
        counts,
        questions: Vec::with_capacity(usize::from(counts[0]).min(MAX_QUESTIONS)),
        answers: Vec::with_capacity(usize::from(counts[1]).min(MAX_ANSWERS)),
        malformed: None,
    };
    if let Err(e) = parse_body(b, &mut m) {
        m.malformed = Some(e);
    }
    Ok(m)
}

fn parse_body(b: &[u8], m: &mut Message) -> Result<()> {
    let mut at = HEADER_LEN;
    for _ in 0..m.counts[0] {
        let keep = m.questions.len() < MAX_QUESTIONS;
        let (name, end) = if keep {
            let walk = Walk::new(b, at)?;
            (walk.render(), at + walk.consumed)
        } else {
            (String::new(), skip_name(b, at)?)
        };
        need(HEADER, b, end + 4)?;
        if keep {
            m.questions.push(Question {
                name,
                qtype: u16_at(b, end..end + 2),
                qclass: u16_at(b, end + 2..end + 4),
            });
        }
        at = end + 4;
    }
    for _ in 0..m.counts[1] {
        if m.answers.len() < MAX_ANSWERS {
            let walk = Walk::new(b, at)?;
            let rr = Record::at(b, at + walk.consumed)?;
            let name = walk.render();
            let data = answer_data(b, &name, &rr);
            m.answers.push(Answer {
                name,
                rtype: rr.rtype,
                class: rr.class,
                ttl: rr.ttl,
                data,
            });
            at = rr.rdata.end;
        } else {
            at = Record::at(b, skip_name(b, at)?)?.rdata.end;
        }
    }
    for _ in 0..m.counts[2] {
        at = Record::at(b, skip_name(b, at)?)?.rdata.end;
    }
    let mut opt_seen = false;
    for _ in 0..m.counts[3] {
        let rr = Record::at(b, skip_name(b, at)?)?;
        if rr.rtype == TYPE_OPT && !opt_seen {
            opt_seen = true;
            m.rcode |= ((rr.ttl >> 24) as u16) << 4;
        }
        at = rr.rdata.end;
    }
    Ok(())
}

/// The fixed part of a resource record after its owner name, and where its RDATA sits.
struct Record {
    rtype: u16,
    class: u16,
    ttl: u32,
    rdata: std::ops::Range<usize>,
}

impl Record {
    /// The record whose TYPE field starts at `at`; its RDATA must be there in full.
    fn at(b: &[u8], at: usize) -> Result<Record> {
        need(HEADER, b, at + 10)?;
        let start = at + 10;
        let end = start + usize::from(u16_at(b, at + 8..at + 10));
        need(HEADER, b, end)?;
        Ok(Record {
            rtype: u16_at(b, at..at + 2),
            class: u16_at(b, at + 2..at + 4),
            ttl: u32_at(b, at + 4..at + 8),
            rdata: start..end,
        })
    }
}

/// Where the name at `at` ends in place (after its terminator or first pointer), without
/// following pointers.
fn skip_name(b: &[u8], mut at: usize) -> Result<usize> {
    loop {
        let len = *b.get(at).ok_or_else(|| truncated(b, at + 1))?;
        match len & 0xc0 {
            0x00 if len == 0 => return Ok(at + 1),
            0x00 => at += 1 + usize::from(len),
            0xc0 => {
                need(HEADER, b, at + 2)?;
                return Ok(at + 2);
            }
            0x40 if len & 0x3f == 1 => {
                let bits = *b.get(at + 1).ok_or_else(|| truncated(b, at + 2))?;
                at += 2 + bitstring_len(bits);
            }
            0x40 => return Ok(at + 1),
            _ => return Err(reserved_label()),
        }
    }
}

fn truncated(b: &[u8], required: usize) -> Error {
    Error::Truncated {
        header: HEADER,
        required,
        len: b.len(),
    }
}

fn reserved_label() -> Error {
    Error::Malformed {
        header: HEADER,
        what: "label type 0b10 is reserved",
    }
}

/// Bytes of an RFC 2673 bitstring label's bits, as tshark counts them.
fn bitstring_len(bits: u8) -> usize {
    usize::from(bits.saturating_sub(1)) / 8 + 1
}

/// What tshark makes of a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Labels,
    Root,
    TooLong,
    Loops,
    UnknownExtendedLabel,
}

/// A name read the way tshark's `get_dns_name` reads it: the text it builds (labels and dots,
/// and bitstring labels that it builds but does not show), and the bytes the name takes in place.
struct Walk {
    shape: Shape,
    consumed: usize,
    text: [u8; MAX_NAME_LEN],
    /// Bytes of `text` written.
    written: usize,
    /// Bytes of `text` shown: labels and dots only.
    shown: usize,
    /// Room left, as tshark counts it (one byte is kept for its terminator).
    room: isize,
}

impl Walk {
    fn new(b: &[u8], start: usize) -> Result<Walk> {
        let mut w = Walk {
            shape: Shape::Labels,
            consumed: 0,
            text: [0; MAX_NAME_LEN],
            written: 0,
            shown: 0,
            room: MAX_NAME_LEN as isize,
        };
        let mut at = start;
        let mut consumed = None;
        // Pointer targets followed so far: one repeated means tshark would go round until it
        // counts too many pointers. Most names follow one, so the array is made at the second.
        let mut first_target = 0;
        let mut targets: Option<[u16; MAX_POINTERS]> = None;
        let mut pointers = 0;
        let mut labels_after_pointer = 0;
        loop {
            let len = *b.get(at).ok_or_else(|| truncated(b, at + 1))?;
            at += 1;
            if len == 0 {
                break;
            }
            match len & 0xc0 {
                0x00 if pointers > 0 && labels_after_pointer >= MAX_LABELS_AFTER_POINTER => {
                    w.room = 0;
                    break;
                }
                0x00 => {
                    if pointers > 0 {
                        labels_after_pointer += 1;
                    }
                    let label = b
                        .get(at..at + usize::from(len))
                        .ok_or_else(|| truncated(b, at + usize::from(len)))?;
                    if w.written > 0 {
                        w.put_shown(b'.');
                    } else {
                        w.room -= 1;
                    }
                    for &c in label {
                        w.put_shown(c);
                    }
                    at += label.len();
                }
                0x40 if len & 0x3f == 1 => {
                    let bits = *b.get(at).ok_or_else(|| truncated(b, at + 1))?;
                    let n = bitstring_len(bits);
                    let value = b
                        .get(at + 1..at + 1 + n)
                        .ok_or_else(|| truncated(b, at + 1 + n))?;
                    w.put_hidden(b"\\[x");
                    for &v in value {
                        w.put_hidden(&hex_byte(v));
                    }
                    let mut tail = [0u8; 5];
                    w.put_hidden(decimal_bits(bits, &mut tail));
                    at += 1 + n;
                }
                0x40 => {
                    // tshark gives up here and takes the name to end after this byte, measured
                    // from wherever a pointer brought it.
                    w.shape = Shape::UnknownExtendedLabel;
                    consumed = Some(at.checked_sub(start).filter(|&n| n >= 2).ok_or(
                        Error::Malformed {
                            header: HEADER,
                            what: "name starts with an unknown extended label",
                        },
                    )?);
                    break;
                }
                0xc0 => {
                    let low = *b.get(at).ok_or_else(|| truncated(b, at + 1))?;
                    at += 1;
                    pointers += 1;
                    consumed.get_or_insert_with(|| at - start);
                    let target = u16::from(len & 0x3f) << 8 | u16::from(low);
                    let seen = match (pointers, &mut targets) {
                        (1, _) => {
                            first_target = target;
                            false
                        }
                        (_, Some(t)) => {
                            let seen = t.get(..pointers - 2).is_some_and(|t| t.contains(&target));
                            if let Some(slot) = t.get_mut(pointers - 2) {
                                *slot = target;
                            }
                            seen || first_target == target
                        }
                        (_, none) => {
                            none.get_or_insert([0; MAX_POINTERS])[0] = target;
                            first_target == target
                        }
                    };
                    // tshark's check for a pointer to itself compares with two bytes ahead.
                    if usize::from(target) == at + 2 || pointers > MAX_POINTERS || seen {
                        w.shape = Shape::Loops;
                        break;
                    }
                    at = usize::from(target);
                }
                _ => return Err(reserved_label()),
            }
        }
        w.consumed = consumed.unwrap_or_else(|| at - start);
        if w.shape == Shape::Labels {
            let first = w.text.first().copied().filter(|_| w.written > 0);
            if w.room <= 0 {
                w.shape = Shape::TooLong;
            } else if matches!(first, None | Some(0)) && w.consumed <= 2 {
                // tshark tests the text's first byte, so a pointer to a label `\0` is the root.
                w.shape = Shape::Root;
            } else if w.shown == 0 {
                return Err(Error::Malformed {
                    header: HEADER,
                    what: "name holds only a bitstring label",
                });
            }
        }
        Ok(w)
    }

    fn put_shown(&mut self, c: u8) {
        if self.room > 0 {
            if let Some(slot) = self.text.get_mut(self.written) {
                *slot = c;
                self.written += 1;
                self.shown += 1;
                self.room -= 1;
            }
        }
    }

    fn put_hidden(&mut self, s: &[u8]) {
        if self.room <= 0 {
            return;
        }
        let end = self.written + s.len();
        match self.text.get_mut(self.written..end) {
            Some(slots) if s.len() as isize <= self.room => {
                slots.copy_from_slice(s);
                self.written = end;
                self.room -= s.len() as isize;
            }
            _ => self.room = 0,
        }
    }

    fn render(&self) -> String {
        match self.shape {
            Shape::Root => "<root>".into(),
            Shape::TooLong => "<name too long>".into(),
            Shape::Loops => "<name contains a pointer that loops>".into(),
            Shape::UnknownExtendedLabel => "<unknown extended label>".into(),
            Shape::Labels => {
                let shown = self.text.get(..self.shown.min(self.written)).unwrap_or(&[]);
                let mut s = String::with_capacity(shown.len());
                push_text_lowercase(&mut s, shown);
                s
            }
        }
    }
}

fn hex_byte(v: u8) -> [u8; 2] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    [HEX[usize::from(v >> 4)], HEX[usize::from(v & 0xf)]]
}

/// `/<bits>]`, the end of tshark's rendering of a bitstring label.
fn decimal_bits(bits: u8, buf: &mut [u8; 5]) -> &[u8] {
    buf[0] = b'/';
    let mut n = 1;
    for (div, always) in [(100, false), (10, false), (1, true)] {
        if always || bits >= div {
            buf[n] = b'0' + bits / div % 10;
            n += 1;
        }
    }
    buf[n] = b']';
    &buf[..=n]
}

/// Appends `b` as tshark's `format_text` shows it, lower-cased: UTF-8 decoded leniently
/// (overlong forms accepted, a broken sequence is one U+FFFD), printable characters as they
/// are, ASCII controls as C escapes, other non-printable characters as `\uxxxx`.
fn push_text_lowercase(out: &mut String, b: &[u8]) {
    const REPLACEMENT: u32 = 0xfffd;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        i += 1;
        if (0x20..0x7f).contains(&c) {
            out.push(char::from(c.to_ascii_lowercase()));
            continue;
        }
        if c < 0x80 {
            push_c_escape(out, c);
            continue;
        }
        let (continuations, mask) = match c {
            0xc0..=0xdf => (1, 0x1f),
            0xe0..=0xef => (2, 0x0f),
            0xf0..=0xf7 => (3, 0x07),
            0xf8..=0xfb => (4, 0x03),
            0xfc..=0xfd => (5, 0x01),
            _ => (0, 0),
        };
        let mut uc = REPLACEMENT;
        if continuations > 0 {
            uc = u32::from(c & mask);
            for _ in 0..continuations {
                match b.get(i) {
                    Some(&n) if n & 0xc0 == 0x80 => {
                        uc = uc << 6 | u32::from(n & 0x3f);
                        i += 1;
                    }
                    _ => {
                        uc = REPLACEMENT;
                        break;
                    }
                }
            }
        }
        match char::from_u32(uc) {
            Some(ch) if is_printable(ch) => out.extend(ch.to_lowercase()),
            Some(ch) if (ch as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04x}", ch as u32);
            }
            Some(ch) => {
                let _ = write!(out, "\\u{:08x}", ch as u32);
            }
            None => out.push(char::REPLACEMENT_CHARACTER),
        }
    }
}

fn push_c_escape(out: &mut String, c: u8) {
    let letter = match c {
        0x07 => 'a',
        0x08 => 'b',
        0x0c => 'f',
        b'\n' => 'n',
        b'\r' => 'r',
        b'\t' => 't',
        0x0b => 'v',
        _ => {
            let _ = write!(out, "\\{c:03o}");
            return;
        }
    };
    out.push('\\');
    out.push(letter);
}

/// GLib's `g_unichar_isprint`: not a control, format, unassigned or surrogate character.
/// Unassigned code points are known only for the noncharacters and the empty planes.
fn is_printable(ch: char) -> bool {
    let c = ch as u32;
    let control = c < 0x20 || (0x7f..=0x9f).contains(&c);
    let format = matches!(c,
        0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891 | 0x8e2 | 0x180e
        | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f | 0xfeff
        | 0xfff9..=0xfffb | 0x110bd | 0x110cd | 0x13430..=0x1343f | 0x1bca0..=0x1bca3
        | 0x1d173..=0x1d17a | 0xe0001 | 0xe0020..=0xe007f);
    let unassigned = c & 0xfffe == 0xfffe
        || (0xfdd0..=0xfdef).contains(&c)
        || (0x40000..=0xdffff).contains(&c)
        || ((0xe0000..=0xeffff).contains(&c)
            && !matches!(c, 0xe0001 | 0xe0020..=0xe007f | 0xe0100..=0xe01ef));
    !(control || format || unassigned)
}

/// The name at `at` inside the message `b`, rendered; empty if it cannot be read.
fn rdata_name(b: &[u8], at: usize) -> String {
    Walk::new(b, at).map(|w| w.render()).unwrap_or_default()
}

/// `rr`'s RDATA as Zeek's dns.log shows it in `answers`.
fn answer_data(b: &[u8], owner: &str, rr: &Record) -> String {
    let rdata = b.get(rr.rdata.clone()).unwrap_or(&[]);
    let start = rr.rdata.start;
    let at_least = |n: usize| rdata.len() >= n;
    match rr.rtype {
        1 => match <[u8; 4]>::try_from(rdata) {
            Ok(a) => Ipv4Addr::from(a).to_string(),
            Err(_) => String::new(),
        },
        28 => match <[u8; 16]>::try_from(rdata) {
            Ok(a) => Ipv6Addr::from(a).to_string(),
            Err(_) => String::new(),
        },
        2 | 5 | 12 | 39 | 6 => rdata_name(b, start),
        15 if at_least(2) => rdata_name(b, start + 2),
        33 if at_least(6) => rdata_name(b, start + 6),
        16 => character_strings("TXT", rdata),
        99 => character_strings("SPF", rdata),
        46 if at_least(18) => {
            format!(
                "RRSIG {} {}",
                u16_at(rdata, 0..2),
                rdata_name(b, start + 18)
            )
        }
        48 if at_least(4) => format!("DNSKEY {}", rdata[3]),
        43 if at_least(4) => format!("DS {} {}", rdata[2], rdata[3]),
        47 => format!("NSEC {owner} {}", rdata_name(b, start)),
        50 => "NSEC3".into(),
        51 => "NSEC3PARAM".into(),
        44 if at_least(2) => {
            let mut s = String::from("SSHFP: ");
            for &v in &rdata[2..] {
                s.extend(hex_byte(v).map(char::from));
            }
            s
        }
        29 if at_least(16) => format!("LOC:  {} {} {}", rdata[1], rdata[2], rdata[3]),
        65534 if at_least(5) => "BIND9 signing signal".into(),
        // Types Zeek parses but does not log, and the short forms of the ones above.
        11 | 13 | 15 | 29 | 32 | 33 | 38 | 41 | 43 | 44 | 46 | 48 | 64 | 65 | 250 | 257 | 65534 => {
            String::new()
        }
        t => format!("<unknown type={t}>"),
    }
}

/// Zeek's `<kind> <len> <string>` per character-string of `rdata`, joined by spaces, with
/// non-printable bytes as `\xNN`. A string that runs past the RDATA ends the list.
fn character_strings(kind: &str, mut rdata: &[u8]) -> String {
    let mut s = String::new();
    while let Some((&len, rest)) = rdata.split_first() {
        let Some(text) = rest.get(..usize::from(len)) else {
            break;
        };
        if !s.is_empty() {
            s.push(' ');
        }
        let _ = write!(s, "{kind} {len} ");
        for &c in text {
            if (0x20..0x7f).contains(&c) {
                s.push(char::from(c));
            } else {
                let _ = write!(s, "\\x{c:02x}");
            }
        }
        rdata = &rest[text.len()..];
    }
    s
}

/// Whether `b` is plausibly a DNS message: a known opcode, Z clear, RCODE 0 in a query, counts
/// that fit the length, and a first question (or else first record) whose name is plain
/// labels of printable bytes and whose type and class are sane. Reads at most the header and
/// the first entry; allocates nothing.
pub fn looks_like(b: &[u8]) -> bool {
    if b.len() < HEADER_LEN {
        return false;
    }
    let flags = u16_at(b, field::FLAGS);
    let opcode = (flags >> 11) & 0xf;
    if !matches!(opcode, 0 | 1 | 2 | 4 | 5) || flags & flag::Z != 0 {
        return false;
    }
    if flags & flag::RESPONSE == 0 && flags & flag::RCODE != 0 {
        return false;
    }
    let questions = u32::from(u16_at(b, field::QDCOUNT));
    let records = u32::from(u16_at(b, field::ANCOUNT))
        + u32::from(u16_at(b, field::NSCOUNT))
        + u32::from(u16_at(b, field::ARCOUNT));
    // The least a question takes is a root name, type and class; a record adds TTL and RDLENGTH.
    let least = HEADER_LEN as u64 + 5 * u64::from(questions) + 11 * u64::from(records);
    if questions + records == 0 || least > b.len() as u64 {
        return false;
    }
    let Some(end) = plain_name_end(b, HEADER_LEN) else {
        return false;
    };
    let Some(fixed) = b.get(end..end + 4) else {
        return false;
    };
    let rtype = u16_at(fixed, 0..2);
    let class_ok = matches!(u16_at(fixed, 2..4) & 0x7fff, 1 | 3 | 4 | 254 | 255);
    if questions > 0 {
        return rtype != 0 && class_ok;
    }
    let Some(rdlength) = b.get(end + 8..end + 10) else {
        return false;
    };
    rtype != 0
        && (class_ok || rtype == TYPE_OPT)
        && end + 10 + usize::from(u16_at(rdlength, 0..2)) <= b.len()
}

/// Whether `b` starts with a header DNS could have sent: a known opcode, the Z bit clear, no
/// rcode in a query, at least one question or record. Weaker than [`looks_like`]: for a port
/// that carries DNS, where the rest may be cut short or its labels binary.
pub fn header_looks_like(b: &[u8]) -> bool {
    if b.len() < HEADER_LEN {
        return false;
    }
    let flags = u16_at(b, field::FLAGS);
    let opcode = (flags >> 11) & 0xf;
    let counts = [
        field::QDCOUNT,
        field::ANCOUNT,
        field::NSCOUNT,
        field::ARCOUNT,
    ]
    .map(|f| u32::from(u16_at(b, f)));
    matches!(opcode, 0 | 1 | 2 | 4 | 5)
        && flags & flag::Z == 0
        && (flags & flag::RESPONSE != 0 || flags & flag::RCODE == 0)
        && counts.iter().sum::<u32>() > 0
        && counts[0] <= 1
}

/// The end of an uncompressed name at `at` of labels of printable bytes (or UTF-8), if it is one.
fn plain_name_end(b: &[u8], mut at: usize) -> Option<usize> {
    let start = at;
    loop {
        let len = usize::from(*b.get(at)?);
        if len == 0 {
            return Some(at + 1);
        }
        let label = b.get(at + 1..at + 1 + len)?;
        if len > 63 || at + 1 + len - start >= MAX_NAME_LEN {
            return None;
        }
        if label.iter().any(|&c| c < 0x20 || c == 0x7f) {
            return None;
        }
        at += 1 + len;
    }
}

/// Splits one direction of DNS over TCP (RFC 1035 section 4.2.2: each message prefixed by its
/// 2-byte length) into messages. Several may share a segment and one may span segments; at
/// most one message is buffered. A length below the DNS header (zero included) is taken as
/// the end of DNS in this direction: later bytes are ignored.
#[derive(Debug, Default)]
pub struct TcpFramer {
    prefix: [u8; 2],
    prefix_len: u8,
    /// Length of the message being read, or 0 while reading a prefix.
    want: usize,
    buf: Vec<u8>,
    stopped: bool,
}

/// A buffer larger than this is released after its message instead of kept for the next.
const FRAMER_KEEP: usize = 2048;

impl TcpFramer {
    /// A framer at the start of a direction.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a bad length ended the framing.
    pub fn stopped(&self) -> bool {
        self.stopped
    }

    /// Takes the next in-order `bytes` of the direction and calls `out` with each message
    /// completed by them.
    pub fn feed(&mut self, mut bytes: &[u8], out: &mut impl FnMut(&[u8])) {
        while !bytes.is_empty() && !self.stopped {
            if self.want == 0 {
                while self.prefix_len < 2 {
                    let Some((&c, rest)) = bytes.split_first() else {
                        return;
                    };
                    self.prefix[usize::from(self.prefix_len)] = c;
                    self.prefix_len += 1;
                    bytes = rest;
                }
                self.prefix_len = 0;
                let len = usize::from(u16::from_be_bytes(self.prefix));
                if len < HEADER_LEN {
                    self.stopped = true;
                    self.buf = Vec::new();
                    return;
                }
                if let Some((message, rest)) = bytes.split_at_checked(len) {
                    out(message);
                    bytes = rest;
                    continue;
                }
                self.want = len;
                self.buf.clear();
                self.buf.reserve(len);
            }
            let take = (self.want - self.buf.len()).min(bytes.len());
            let (head, rest) = bytes.split_at(take);
            self.buf.extend_from_slice(head);
            bytes = rest;
            if self.buf.len() == self.want {
                out(&self.buf);
                self.want = 0;
                if self.buf.capacity() > FRAMER_KEEP {
                    self.buf = Vec::new();
                } else {
                    self.buf.clear();
                }
            }
        }
    }
}

/// Zeek's name for a query or record type (`DNS::query_types`; 255 is `*`).
pub fn qtype_name(t: u16) -> Option<&'static str> {
    Some(match t {
        1 => "A",
        2 => "NS",
        3 => "MD",
        4 => "MF",
        5 => "CNAME",
        6 => "SOA",
        7 => "MB",
        8 => "MG",
        9 => "MR",
        10 => "NULL",
        11 => "WKS",
        12 => "PTR",
        13 => "HINFO",
        14 => "MINFO",
        15 => "MX",
        16 => "TXT",
        17 => "RP",
        18 => "AFSDB",
        19 => "X25",
        20 => "ISDN",
        21 => "RT",
        22 => "NSAP",
        23 => "NSAP-PTR",
        24 => "SIG",
        25 => "KEY",
        26 => "PX",
        27 => "GPOS",
        28 => "AAAA",
        29 => "LOC",
        30 => "NXT",
        31 => "EID",
        32 => "NIMLOC",
        33 => "SRV",
        34 => "ATMA",
        35 => "NAPTR",
        36 => "KX",
        37 => "CERT",
        38 => "A6",
        39 => "DNAME",
        40 => "SINK",
        41 => "OPT",
        42 => "APL",
        43 => "DS",
        44 => "SSHFP",
        45 => "IPSECKEY",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        49 => "DHCID",
        50 => "NSEC3",
        51 => "NSEC3PARAM",
        52 => "TLSA",
        53 => "SMIMEA",
        55 => "HIP",
        56 => "NINFO",
        57 => "RKEY",
        58 => "TALINK",
        59 => "CDS",
        60 => "CDNSKEY",
        61 => "OPENPGPKEY",
        62 => "CSYNC",
        63 => "ZONEMD",
        64 => "SVCB",
        65 => "HTTPS",
        99 => "SPF",
        100 => "UINFO",
        101 => "UID",
        102 => "GID",
        103 => "UNSPEC",
        104 => "NID",
        105 => "L32",
        106 => "L64",
        107 => "LP",
        108 => "EUI48",
        109 => "EUI64",
        249 => "TKEY",
        250 => "TSIG",
        251 => "IXFR",
        252 => "AXFR",
        253 => "MAILB",
        254 => "MAILA",
        255 => "*",
        256 => "URI",
        257 => "CAA",
        32768 => "TA",
        32769 => "DLV",
        65281 => "WINS",
        65282 => "WINS-R",
        65422 => "XPF",
        65521 => "INTEGRITY",
        _ => return None,
    })
}

/// Zeek's name for a class (`DNS::classes`), of the 16-bit value as it stands.
pub fn qclass_name(c: u16) -> Option<&'static str> {
    Some(match c {
        1 => "C_INTERNET",
        2 => "C_CSNET",
        3 => "C_CHAOS",
        4 => "C_HESIOD",
        254 => "C_NONE",
        255 => "C_ANY",
        _ => return None,
    })
}

/// Zeek's name for a response code (`DNS::base_errors`).
pub fn rcode_name(r: u16) -> Option<&'static str> {
    Some(match r {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        6 => "YXDOMAIN",
        7 => "YXRRSET",
        8 => "NXRRSet",
        9 => "NOTAUTH",
        10 => "NOTZONE",
        11 => "unassigned-11",
        12 => "unassigned-12",
        13 => "unassigned-13",
        14 => "unassigned-14",
        15 => "unassigned-15",
        16 => "BADVERS",
        17 => "BADKEY",
        18 => "BADTIME",
        19 => "BADMODE",
        20 => "BADNAME",
        21 => "BADALG",
        22 => "BADTRUNC",
        23 => "BADCOOKIE",
        3842 => "BADSIG",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A query for www.example.com AAAA (nDPI's dns.pcap, frame 2).
    static QUERY: [u8; 33] = [
        0xbc, 0x1f, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, b'w', b'w',
        b'w', 0x07, b'e', b'x', b'a', b'm', b'p', b'l', b'e', 0x03, b'c', b'o', b'm', 0x00, 0x00,
        0x1c, 0x00, 0x01,
    ];

    /// A response whose OPT record extends RCODE 0 to 16, BADVERS (Zeek's
    /// dns_extended_rcode.pcap, frame 2).
    static BADVERS: &str = "002a850000010000000000010474657374076578616d706c6503636f6d000001\
                            00010000290001010000000000";

    /// CNAME, CNAME, TXT of two strings, then NS and A records (Zeek's dns-txt-multiple.pcap).
    static TXT_RESPONSE: &str = "6daf8500000100030005000504666c6b720a5f646f6d61696e6b657906666c69\
        636b7203636f6d0000100001c00c000500010000038400070466613134c011c0380005000100000384001804\
        666131340a5f646f6d61696e6b6579057961686f6fc023c04b0010000100001c2000e37f6b3d7273613b2070\
        3d4d4947664d413047435371475349623344514542415155414134474e4144434269514b4267514450645066\
        794a4d32523247714d795a4d31666c547a46654449552b65374b6d694b527735797a335868742b6367454969\
        486d6d356c49474275574363357274697930436378655070716363504b6a6e624853724449323350552b484f\
        75714a366572674531494f734c364c4f4567473659543533764d62385a36556942537359506c724445432b38\
        4355496b544c4d4c584a6175524b35624e524b56314154477a4746706633546a5a745777494441514142c050\
        000200010002a3000006036e7335c05bc050000200010002a3000006036e7334c05bc050000200010002a300\
        0006036e7333c05bc050000200010002a3000006036e7332c05bc050000200010002a3000006036e7331c05b\
        c1a60001000100127500000444b48310c19400010001001275000004448eff10c18200010001001275000004\
        cb54dd35c17000010001001275000004628a0b9dc15e0001000100127500000477a0f77c";

    /// A DS response: two DS records and their RRSIG (Zeek's dnssec/ds.pcap).
    static DS_RESPONSE: &str = "98a881800001000300000001057570656e6e0365647500002b0001c00c002b00\
        01000000050018481f05010c45b3d090b221e0e33bbeb5a619d89416baf197c00c002b000100000005002448\
        1f05026003992326da06785c9e30b259750fab0960bf57054bddffdeee1188977dabb8c00c002e0001000000\
        050097002b0802000151805badbadc5ba46ff4c42b03656475009ad460707076153498e99df9237ca2b276f6\
        1d6a1a07648cd2ead8ee4760143dc333d429b343b954e872ba2e34cb96a7e395f423fd3c22a81c1b315218d1\
        ac2e78a0b1eff416337985b44b0e84d216059e74a7c57c0d3966d48e61dd8d26863314d669e6f67c25bfd891\
        b387d19138720ab80e87df3feef350796edd3d25d3700000290200000000050000";

    static MDNS_QUERY: &str = "0000000000010000000000000b5f676f6f676c6563617374045f746370056c6f\
                               63616c00000c0001";
    static LLMNR_QUERY: &str = "e6a100000001000000000000086a61736f6e2d50430000ff0001";
    static NBNS_QUERY: &str = "b1e6011000010000000000002046484641454245454341434143414341434143\
                               414341434143414341434141410000200001";
    static NTP: &str = "230206ec000026200000f6c911fd1a7ddb4a7e8f3d3ee739db4a8184a643c768db4a81\
                        84b424877edb4a81ec3f779f2c";
    static STUN: &str = "000100002112a4424133516369344e75724f4b41";
    static SSDP: &str = "4d2d534541524348202a20485454502f312e310d0a486f73743a3233392e3235352e32\
                         35352e3235303a313930300d0a53543a75726e3a736368656d61732d75706e702d6f7267\
                         3a6465766963653a496e7465726e6574476174657761794465766963653a310d0a4d616e\
                         3a22737364703a646973636f766572220d0a4d583a330d0a0d0a";
    static QUIC: &str = "efff00001d040afd2a44115dfe7cea75c5b97ea3654f0b1c390bb17540194bb3842f83\
                         ea39e63e68c01abbecf8560ea5ed45c7a8cf1603";
    static DHCP: &str = "02010600c091205200008000c0a80524c0a80524c0a877010000000000265ac263550000\
        0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\
        0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\
        0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\
        0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\
        000000000000000000000000000000000000000000000000638253633501053604c0a8770133040000003c01\
        04ffff00000304c0a877010610a85f010108080808a85fc001080804042a08a85fc30c7bcc2d74ff00000000";

    fn hex(s: &str) -> Vec<u8> {
        let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
        digits
            .chunks(2)
            .map(|p| u8::from_str_radix(std::str::from_utf8(p).expect("ascii"), 16).expect("hex"))
            .collect()
    }

    /// A query whose question name is the raw bytes `name`, followed by `tail`.
    fn query_named(name: &[u8], tail: &[u8]) -> Vec<u8> {
        let mut b = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        b.extend_from_slice(name);
        b.extend_from_slice(&[0, 1, 0, 1]);
        b.extend_from_slice(tail);
        b
    }

    fn first_name(b: &[u8]) -> String {
        let m = parse(b).expect("a header");
        assert_eq!(m.malformed, None);
        m.questions.first().expect("a question").name.clone()
    }

    /// A response to `a.example` A with one answer of `rtype` and `rdata`, owner compressed.
    fn answer(rtype: u16, rdata: &[u8]) -> Answer {
        let mut b = vec![0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0];
        b.extend_from_slice(b"\x01a\x07example\x00\x00\x01\x00\x01");
        b.extend_from_slice(&[0xc0, 0x0c]);
        b.extend_from_slice(&rtype.to_be_bytes());
        b.extend_from_slice(&[0, 1, 0, 0, 0x0e, 0x10]);
        b.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        b.extend_from_slice(rdata);
        let m = parse(&b).expect("a header");
        assert_eq!(m.malformed, None);
        m.answers.into_iter().next().expect("an answer")
    }

    #[test]
    fn deconstruct_query() {
        let m = parse(&QUERY).expect("a header");
        assert_eq!((m.id, m.response, m.opcode, m.rcode), (0xbc1f, false, 0, 0));
        assert!(m.recursion_desired && !m.recursion_available && !m.truncated && !m.authoritative);
        assert_eq!(m.counts, [1, 0, 0, 0]);
        let q = Question {
            name: "www.example.com".into(),
            qtype: 28,
            qclass: 1,
        };
        assert_eq!(m.questions, [q]);
        assert!(m.answers.is_empty());
        assert_eq!(m.malformed, None);
        assert!(looks_like(&QUERY));
    }

    #[test]
    fn deconstruct_response() {
        let b = hex(TXT_RESPONSE);
        let m = parse(&b).expect("a header");
        assert_eq!(m.malformed, None);
        assert!(m.response && m.authoritative && m.recursion_desired && !m.recursion_available);
        assert_eq!(m.counts, [1, 3, 5, 5]);
        assert_eq!(m.questions[0].name, "flkr._domainkey.flickr.com");
        assert_eq!(m.questions[0].qtype, 16);
        let a = &m.answers;
        assert_eq!(a.len(), 3);
        assert_eq!(
            (a[0].name.as_str(), a[0].rtype, a[0].class, a[0].ttl),
            ("flkr._domainkey.flickr.com", 5, 1, 900)
        );
        assert_eq!(a[0].data, "fa14._domainkey.flickr.com");
        assert_eq!(a[1].data, "fa14._domainkey.yahoo.com");
        assert_eq!((a[2].rtype, a[2].ttl), (16, 7200));
        assert!(a[2].data.starts_with("TXT 127 k=rsa; p=MIGfMA0G"));
        assert!(a[2].data.contains("PKjn TXT 98 HSrDI23"));
        assert!(a[2].data.ends_with("wIDAQAB"));
        assert!(looks_like(&b));
    }

    #[test]
    fn extended_rcode() {
        let m = parse(&hex(BADVERS)).expect("a header");
        assert_eq!(m.rcode, 16);
        assert_eq!(rcode_name(m.rcode), Some("BADVERS"));
        assert!(m.answers.is_empty());
    }

    #[test]
    fn dnssec_answers() {
        let m = parse(&hex(DS_RESPONSE)).expect("a header");
        assert_eq!(m.malformed, None);
        let data: Vec<&str> = m.answers.iter().map(|a| a.data.as_str()).collect();
        assert_eq!(data, ["DS 5 1", "DS 5 2", "RRSIG 43 edu"]);
    }

    #[test]
    fn answer_data_per_type() {
        let mx = b"\x00\x0a\x02mx\xc0\x0e";
        let srv = b"\x00\x01\x00\x02\x13\xc4\x03sip\xc0\x0e";
        let soa =
            b"\x02ns\xc0\x0e\x04host\xc0\x0e\0\0\0\x01\0\0\0\x02\0\0\0\x03\0\0\0\x04\0\0\0\x05";
        let mut rrsig = vec![
            0, 28, 8, 2, 0, 0, 0x0e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34,
        ];
        rrsig.extend_from_slice(b"\x00sig");
        let cases: [(u16, &[u8], &str); 23] = [
            (1, &[192, 0, 2, 1], "192.0.2.1"),
            (1, &[192, 0, 2], ""),
            (
                28,
                &[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
                "2001:db8::1",
            ),
            (5, b"\x03WWW\xc0\x0e", "www.example"),
            (2, b"\x02ns\xc0\x0e", "ns.example"),
            (12, b"\x00", "<root>"),
            (39, b"\x03new\x00", "new"),
            (15, mx, "mx.example"),
            (33, srv, "sip.example"),
            (6, soa, "ns.example"),
            (16, b"\x02hi\x03a\x01\xff", "TXT 2 hi TXT 3 a\\x01\\xff"),
            (99, b"\x06v=spf1", "SPF 6 v=spf1"),
            (46, &rrsig, "RRSIG 28 <root>"),
            (48, &[1, 1, 3, 13, 0xaa], "DNSKEY 13"),
            (43, &[0x12, 0x34, 8, 2, 0xaa], "DS 8 2"),
            (47, b"\x01b\xc0\x0e\x00\x01\x40", "NSEC a.example b.example"),
            (50, &[1], "NSEC3"),
            (44, &[1, 1, 0xab, 0x0c], "SSHFP: ab0c"),
            (
                29,
                &[0, 0x12, 0x16, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                "LOC:  18 22 19",
            ),
            (65534, &[8, 0x12, 0x34, 0, 1], "BIND9 signing signal"),
            (13, b"\x03cpu\x02os", ""),
            (65, &[0, 1, 0], ""),
            (35, &[0, 1], "<unknown type=35>"),
        ];
        for (rtype, rdata, want) in cases {
            assert_eq!(answer(rtype, rdata).data, want, "type {rtype}");
        }
    }

    #[test]
    fn names_as_tshark_shows_them() {
        assert_eq!(first_name(&query_named(b"\x00", b"")), "<root>");
        assert_eq!(
            first_name(&query_named(b"\x03a.b\x03c d\x00", b"")),
            "a.b.c d"
        );
        let escapes = query_named(b"\x08a\x00\x01\x1f\x7f\x07\t\\\x00", b"");
        assert_eq!(first_name(&escapes), "a\\000\\001\\037\\177\\a\\t\\");
        let utf8 = query_named(
            b"\x0c\xc3\x89\xc3a\xc0\xaf\xed\xa0\x80\xef\xbf\xbf\x00",
            b"",
        );
        assert_eq!(first_name(&utf8), "é\u{fffd}a/\u{fffd}\\uffff");
        assert_eq!(
            first_name(&query_named(b"\x02\xc2\x80\x00", b"")),
            "\\u0080"
        );
    }

    #[test]
    fn name_length_limit() {
        let name = |total: usize| {
            let mut n = Vec::new();
            let mut left = total;
            while left > 0 {
                let k = left.min(63).min(left.saturating_sub(2).max(1));
                n.push(k as u8);
                n.extend(std::iter::repeat_n(b'b', k));
                left -= k + usize::from(left > k);
            }
            n.push(0);
            n
        };
        assert_eq!(first_name(&query_named(&name(253), b"")).len(), 253);
        assert_eq!(first_name(&query_named(&name(254), b"")), "<name too long>");
    }

    #[test]
    fn compression() {
        // Two questions, the second pointing back into the first.
        let mut b = query_named(
            b"\x03www\x07example\x03com\x00",
            b"\x03foo\xc0\x10\x00\x1c\x00\x01",
        );
        b[5] = 2;
        let m = parse(&b).expect("a header");
        let names: Vec<&str> = m.questions.iter().map(|q| q.name.as_str()).collect();
        assert_eq!(names, ["www.example.com", "foo.example.com"]);
        assert_eq!(m.questions[1].qtype, 28);
        // Forward pointers are followed, as tshark follows them.
        let mut fwd = query_named(b"\x01a\xc0\x14", b"\x01z\x00");
        fwd[5] = 1;
        assert_eq!(first_name(&fwd), "a.z");
        // A pointer into the header.
        assert_eq!(first_name(&query_named(b"\x01a\xc0\x05", b"")), "a.\\000");
        // A pointer to a label starting with a zero byte reads as the root, as in tshark.
        assert_eq!(
            first_name(&query_named(b"\xc0\x12", b"\x01\x00\x00")),
            "<root>"
        );
    }

    #[test]
    fn pointer_loops() {
        let loops = "<name contains a pointer that loops>";
        assert_eq!(first_name(&query_named(b"\xc0\x0c", b"")), loops);
        assert_eq!(first_name(&query_named(b"\x01a\xc0\x0c", b"")), loops);
        assert_eq!(first_name(&query_named(b"\x01a\x01b\xc0\x0e", b"")), loops);
        // tshark's self-pointer check looks two bytes ahead of the pointer's end.
        assert_eq!(
            first_name(&query_named(b"\x01a\xc0\x12", b"\x01b\x00")),
            loops
        );
        // The name's bytes end at its first pointer: the type follows it.
        let m = parse(&query_named(b"\x01a\xc0\x10\x01b\xc0\x0c", b"")).expect("a header");
        assert_eq!(
            (m.questions[0].name.as_str(), m.questions[0].qtype),
            (loops, 0x0162)
        );
        // A chain of 255 pointers is followed, 256 is a loop.
        for (pointers, want) in [(255, "a"), (256, loops)] {
            let mut b = query_named(b"\x01a\x00", b"");
            b[5] = 2;
            let chain = b.len() + 6;
            let last = chain + 2 * (pointers - 2);
            b.extend_from_slice(&[0xc0 | (last >> 8) as u8, last as u8, 0, 1, 0, 1]);
            for i in 0..pointers - 1 {
                let to = if i == 0 { 12 } else { chain + 2 * (i - 1) };
                b.extend_from_slice(&[0xc0 | (to >> 8) as u8, to as u8]);
            }
            let m = parse(&b).expect("a header");
            assert_eq!(m.questions[1].name, want, "{pointers} pointers");
        }
    }

    #[test]
    fn extended_labels() {
        let unknown = query_named(b"\x01a\x42\x00\x00", b"");
        let m = parse(&unknown).expect("a header");
        assert_eq!(m.questions[0].name, "<unknown extended label>");
        assert_eq!(m.questions[0].qtype, 0);
        // tshark builds the bitstring label's text but shows only as many bytes as the labels.
        assert_eq!(
            first_name(&query_named(b"\x01a\x41\x10\xab\xcd\x01b\x00", b"")),
            "a\\["
        );
        let only_bits = parse(&query_named(b"\x41\x10\xab\xcd\x00", b"")).expect("a header");
        assert!(only_bits.questions.is_empty());
        assert!(matches!(only_bits.malformed, Some(Error::Malformed { .. })));
        let reserved = parse(&query_named(b"\x01a\x80\x00", b"")).expect("a header");
        assert!(reserved.questions.is_empty());
        assert!(matches!(
            reserved.malformed,
            Some(Error::Malformed { header: "dns", .. })
        ));
    }

    #[test]
    fn impossible_lengths() {
        assert!(matches!(
            parse(&QUERY[..11]),
            Err(Error::Truncated {
                header: "dns",
                required: 12,
                len: 11
            })
        ));
        let cut = parse(&QUERY[..31]).expect("a header");
        assert!(cut.questions.is_empty());
        assert_eq!(
            cut.malformed,
            Some(Error::Truncated {
                header: "dns",
                required: 33,
                len: 31
            })
        );
        let label_cut = parse(&QUERY[..20]).expect("a header");
        assert!(matches!(
            label_cut.malformed,
            Some(Error::Truncated { required: 24, .. })
        ));
        // An answer whose RDATA runs past the end keeps the question.
        let b = hex(TXT_RESPONSE);
        let m = parse(&b[..100]).expect("a header");
        assert_eq!(m.questions.len(), 1);
        assert_eq!(m.answers.len(), 2);
        assert!(matches!(m.malformed, Some(Error::Truncated { .. })));
        // More questions than MAX_QUESTIONS: the first ones are kept, the rest read past.
        let mut many = vec![0, 0, 1, 0, 0, 100, 0, 0, 0, 0, 0, 0];
        for _ in 0..100 {
            many.extend_from_slice(b"\x01q\x00\x00\x01\x00\x01");
        }
        let m = parse(&many).expect("a header");
        assert_eq!((m.questions.len(), m.malformed), (MAX_QUESTIONS, None));
    }

    #[test]
    fn looks_like_dns_only() {
        for dns in [
            MDNS_QUERY,
            LLMNR_QUERY,
            NBNS_QUERY,
            TXT_RESPONSE,
            BADVERS,
            DS_RESPONSE,
        ] {
            assert!(looks_like(&hex(dns)), "{dns}");
        }
        for other in [NTP, STUN, SSDP, QUIC, DHCP] {
            assert!(!looks_like(&hex(other)), "{other}");
        }
        assert!(!looks_like(&QUERY[..11]));
        assert!(!looks_like(&QUERY[..31]));
        let mut z = QUERY;
        z[3] |= 0x40;
        assert!(!looks_like(&z));
        let mut opcode3 = QUERY;
        opcode3[2] |= 3 << 3;
        assert!(!looks_like(&opcode3));
        let mut compressed_first = QUERY.to_vec();
        compressed_first.splice(12..29, [0xc0, 0x0c]);
        assert!(!looks_like(&compressed_first));
    }

    #[test]
    fn tcp_framing() {
        let mut stream = Vec::new();
        for m in [&QUERY[..], &hex(BADVERS)] {
            stream.extend_from_slice(&(m.len() as u16).to_be_bytes());
            stream.extend_from_slice(m);
        }
        let whole = {
            let mut got = Vec::new();
            TcpFramer::new().feed(&stream, &mut |m| got.push(m.to_vec()));
            got
        };
        assert_eq!(whole.len(), 2);
        assert_eq!(whole[0], QUERY);
        let mut framer = TcpFramer::new();
        let mut got = Vec::new();
        for byte in stream.chunks(1) {
            framer.feed(byte, &mut |m| got.push(m.to_vec()));
        }
        assert_eq!(got, whole);
        assert!(!framer.stopped());
        let mut framer = TcpFramer::new();
        let mut got = Vec::new();
        framer.feed(&[0, 0, 0, 33], &mut |m| got.push(m.to_vec()));
        framer.feed(&stream, &mut |m| got.push(m.to_vec()));
        assert!(got.is_empty() && framer.stopped());
        let mut framer = TcpFramer::new();
        framer.feed(&[0, 11], &mut |_| panic!("no message"));
        assert!(framer.stopped());
    }

    #[test]
    fn zeek_names() {
        assert_eq!(qtype_name(28), Some("AAAA"));
        assert_eq!(qtype_name(65), Some("HTTPS"));
        assert_eq!(qtype_name(255), Some("*"));
        assert_eq!(qtype_name(54), None);
        assert_eq!(qclass_name(1), Some("C_INTERNET"));
        assert_eq!(qclass_name(0x8001), None);
        assert_eq!(rcode_name(3), Some("NXDOMAIN"));
        assert_eq!(rcode_name(24), None);
    }

    proptest! {
        #[test]
        fn no_input_panics(b in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = looks_like(&b);
            if let Ok(m) = parse(&b) {
                prop_assert!(m.questions.len() <= MAX_QUESTIONS);
                prop_assert!(m.answers.len() <= MAX_ANSWERS);
            }
        }

        #[test]
        fn no_mutation_panics(at in 0usize..2000, with in any::<u8>(), cut in 0usize..2000) {
            let mut b = hex(TXT_RESPONSE);
            let at = at % b.len();
            b[at] = with;
            b.truncate(cut.max(1));
            let _ = looks_like(&b);
            let _ = parse(&b);
        }

        #[test]
        fn framing_ignores_segment_bounds(
            msgs in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 12..80), 0..5),
            cuts in proptest::collection::vec(0usize..400, 0..8),
        ) {
            let mut stream = Vec::new();
            for m in &msgs {
                stream.extend_from_slice(&(m.len() as u16).to_be_bytes());
                stream.extend_from_slice(m);
            }
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(stream.len())).collect();
            cuts.sort_unstable();
            let mut framer = TcpFramer::new();
            let mut got = Vec::new();
            let mut from = 0;
            for to in cuts.into_iter().chain([stream.len()]) {
                framer.feed(&stream[from..to], &mut |m| got.push(m.to_vec()));
                from = to;
            }
            prop_assert_eq!(got, msgs);
        }
    }
}
