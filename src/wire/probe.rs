//! Which application protocol a flow speaks, from its first payload bytes, as Zeek's dynamic protocol
//! detection decides it: a signature on the first bytes, confirmed by parsing the start of the message, never
//! the port alone. DNS, TLS, QUIC, HTTP and SSH have modules of their own; this one covers the other services
//! Zeek names in conn.log's `service`, plus mDNS, LLMNR, NetBIOS and DHCPv6.
//!
//! [`udp`] looks at one datagram; [`tcp`] at the first in-order bytes of each direction seen so far, and says
//! [`Verdict::Undecided`] while more bytes could still confirm. Every check borrows the bytes, allocates
//! nothing and reads at most a few hundred bytes.

/// An application protocol recognised by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// DHCP (RFC 2131): BOOTP with the magic cookie.
    Dhcp,
    /// DHCPv6 (RFC 8415) on ports 546/547.
    Dhcpv6,
    /// NTP (RFC 5905), including control (mode 6) and private (mode 7) messages.
    Ntp,
    /// SMTP (RFC 5321).
    Smtp,
    /// FTP's control connection (RFC 959).
    Ftp,
    /// SMB 1, 2 or 3 in NetBIOS session messages (MS-SMB, MS-SMB2).
    Smb,
    /// Kerberos 5 (RFC 4120) over UDP.
    Krb,
    /// Kerberos 5 over TCP, with its 4-byte record marker.
    KrbTcp,
    /// RDP (MS-RDPBCGR): TPKT and an X.224 Connection Request.
    Rdp,
    /// LDAP (RFC 4511) over TCP.
    Ldap,
    /// Connectionless LDAP over UDP (MS-ADTS 6.3.3).
    LdapUdp,
    /// SIP (RFC 3261).
    Sip,
    /// SNMP v1, v2c or v3 (RFC 1157, 3416, 3412).
    Snmp,
    /// Multicast DNS (RFC 6762) on port 5353.
    Mdns,
    /// LLMNR (RFC 4795) on port 5355.
    Llmnr,
    /// NetBIOS name service (137), datagram service (138) or a session without SMB (RFC 1002).
    Netbios,
    /// Syslog over UDP (RFC 3164, 5424).
    Syslog,
    /// MySQL's client/server protocol.
    Mysql,
    /// PostgreSQL's frontend/backend protocol 3.
    Postgresql,
    /// IMAP (RFC 9051).
    Imap,
    /// POP3 (RFC 1939).
    Pop3,
    /// IRC (RFC 2812).
    Irc,
    /// RADIUS (RFC 2865, 2866, 5176).
    Radius,
    /// SOCKS 4, 4a or 5 (RFC 1928).
    Socks,
    /// MQTT 3.1, 3.1.1 or 5.
    Mqtt,
    /// DTLS 1.0, 1.2 or 1.3 records (RFC 6347, 9147).
    Dtls,
    /// RFB, the VNC protocol (RFC 6143).
    Rfb,
    /// Telnet option negotiation (RFC 854, 855).
    Telnet,
    /// XMPP (RFC 6120) stream header.
    Xmpp,
}

impl Service {
    /// The name Zeek writes in conn.log's `service`: its analyzer's name in lower case (so Kerberos and LDAP
    /// over TCP are `krb_tcp` and `ldap_tcp`, over UDP `krb` and `ldap_udp`). Zeek has no analyzer for DHCPv6,
    /// mDNS, LLMNR or NetBIOS name/datagram service; their names here are the project's.
    pub fn zeek_name(self) -> &'static str {
        match self {
            Service::Dhcp => "dhcp",
            Service::Dhcpv6 => "dhcpv6",
            Service::Ntp => "ntp",
            Service::Smtp => "smtp",
            Service::Ftp => "ftp",
            Service::Smb => "smb",
            Service::Krb => "krb",
            Service::KrbTcp => "krb_tcp",
            Service::Rdp => "rdp",
            Service::Ldap => "ldap_tcp",
            Service::LdapUdp => "ldap_udp",
            Service::Sip => "sip",
            Service::Snmp => "snmp",
            Service::Mdns => "mdns",
            Service::Llmnr => "llmnr",
            Service::Netbios => "netbios",
            Service::Syslog => "syslog",
            Service::Mysql => "mysql",
            Service::Postgresql => "postgresql",
            Service::Imap => "imap",
            Service::Pop3 => "pop3",
            Service::Irc => "irc",
            Service::Radius => "radius",
            Service::Socks => "socks",
            Service::Mqtt => "mqtt",
            Service::Dtls => "dtls",
            Service::Rfb => "rfb",
            Service::Telnet => "telnet",
            Service::Xmpp => "xmpp",
        }
    }
}

/// What [`tcp`] concludes from the bytes seen so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The flow speaks this protocol.
    Is(Service),
    /// More bytes of either direction could still confirm one.
    Undecided,
    /// None of these protocols.
    No,
}

/// nDPI's protocol name (the part of `[proto: X.Y/NAME.SUB]` before the dot; for `NetBIOS.SMBv1` over TCP
/// pass `SMBv1`) as Zeek's service name, for the protocols this module and its siblings detect. Kerberos and
/// LDAP get the name of their usual transport (`krb`, `ldap_tcp`); [`zeek_name_of_ndpi_over`] tells them
/// apart.
pub fn zeek_name_of_ndpi(ndpi: &str) -> Option<&'static str> {
    Some(match ndpi {
        "HTTP" | "HTTP_Proxy" | "HTTP_Connect" => "http",
        "TLS" => "ssl",
        "DNS" => "dns",
        "QUIC" => "quic",
        "SSH" => "ssh",
        "DHCP" => "dhcp",
        "DHCPV6" => "dhcpv6",
        "NTP" => "ntp",
        "SMTP" => "smtp",
        "FTP_CONTROL" => "ftp",
        "SMBv1" | "SMBv23" => "smb",
        "Kerberos" => "krb",
        "RDP" => "rdp",
        "LDAP" => "ldap_tcp",
        "SIP" => "sip",
        "SNMP" => "snmp",
        "MDNS" => "mdns",
        "LLMNR" => "llmnr",
        "NetBIOS" => "netbios",
        "Syslog" => "syslog",
        "MySQL" => "mysql",
        "PostgreSQL" => "postgresql",
        "IMAP" => "imap",
        "POP3" => "pop3",
        "IRC" => "irc",
        "RADIUS" => "radius",
        "SOCKS" => "socks",
        "MQTT" => "mqtt",
        "DTLS" => "dtls",
        "VNC" => "rfb",
        "SSDP" => "ssdp",
        "Telnet" => "telnet",
        "Jabber" => "xmpp",
        _ => return None,
    })
}

/// As [`zeek_name_of_ndpi`], with Kerberos and LDAP named for the flow's transport.
pub fn zeek_name_of_ndpi_over(ndpi: &str, tcp: bool) -> Option<&'static str> {
    match (ndpi, tcp) {
        ("Kerberos", true) => Some("krb_tcp"),
        ("LDAP", false) => Some("ldap_udp"),
        _ => zeek_name_of_ndpi(ndpi),
    }
}

/// A UDP datagram's payload, with its ports (the sender's first). DNS-format protocols (mDNS on 5353, LLMNR on
/// 5355, NetBIOS name service on 137, datagram service on 138) and DHCPv6 (546/547) are chosen by port, and
/// confirmed by the payload's structure; so is NTP (port 123, as in Zeek), whose signature is a single byte.
/// Every other protocol is recognised by the payload alone.
pub fn udp(payload: &[u8], src_port: u16, dst_port: u16) -> Option<Service> {
    let on = |port: u16| src_port == port || dst_port == port;
    let p = payload;
    // A client whose ephemeral port happens to be 5353 or 5355 asking a server on 53 is DNS.
    if on(5353) && !on(53) && dns_like(p, |opcode| opcode == 0, false) {
        return Some(Service::Mdns);
    }
    if on(5355) && !on(53) && dns_like(p, |opcode| opcode == 0, false) && be16(p, 4) == Some(1) {
        return Some(Service::Llmnr);
    }
    if on(137) && dns_like(p, |opcode| matches!(opcode, 0 | 5..=8), true) {
        return Some(Service::Netbios);
    }
    if on(138) && netbios_datagram(p) {
        return Some(Service::Netbios);
    }
    if (on(546) || on(547)) && dhcpv6(p) {
        return Some(Service::Dhcpv6);
    }
    let service = if dhcp(p) {
        Service::Dhcp
    } else if krb_udp(p) {
        Service::Krb
    } else if snmp(p) {
        Service::Snmp
    } else if ldap_message(p) == Probe::Yes && ber_total(p) == Some(p.len()) {
        Service::LdapUdp
    } else if radius(p) {
        Service::Radius
    } else if dtls(p) {
        Service::Dtls
    } else if sip_start(p) == Probe::Yes {
        Service::Sip
    } else if on(123) && ntp(p) {
        Service::Ntp
    } else if syslog(p) {
        Service::Syslog
    } else {
        return None;
    };
    Some(service)
}

/// A TCP connection's first payload of each direction as far as it has been seen (`orig`: the originator's,
/// `resp`: the responder's; either may be empty). [`Verdict::Is`] once a protocol is confirmed,
/// [`Verdict::Undecided`] while more bytes could still confirm one (SMTP needs the server's `220` greeting
/// and the client's EHLO, unless the greeting names SMTP), [`Verdict::No`] when none can match. Some
/// protocols (SMB, Kerberos, LDAP, MQTT, XMPP, Telnet) are recognised from either side, because captures lose
/// first segments or take the server for the originator; so a flow stays `Undecided` until both sides have
/// spoken or been ruled out: run the HTTP, TLS and SSH checks first, and take `Undecided` at the end of the
/// inspected bytes as no service. The ports are not used: they are there for callers that break ties by port.
pub fn tcp(orig: &[u8], resp: &[u8], _orig_port: u16, _resp_port: u16) -> Verdict {
    let mut undecided = false;
    for (service, check) in TCP_CHECKS {
        match check(orig, resp) {
            Probe::Yes => return Verdict::Is(service),
            Probe::Maybe => undecided = true,
            Probe::No => {}
        }
    }
    if undecided {
        Verdict::Undecided
    } else {
        Verdict::No
    }
}

/// What the first bytes of a connection tell when no more will come (it ended, or detection has
/// read all it reads): a check that waits for the other side to confirm takes what one side
/// proved alone. Today that is a NetBIOS session request that no SMB followed; nDPI names it too.
pub fn tcp_settled(orig: &[u8], resp: &[u8]) -> Option<Service> {
    let names = netbios_session_request(orig)?;
    let alone = names.is_empty() || smb_stream(names) == No;
    let answered = match resp {
        [] => true,
        [0x82..=0x84, ..] => be16(resp, 2).is_some_and(|len| resp.len() == 4 + usize::from(len)),
        _ => false,
    };
    (alone && answered).then_some(Service::Netbios)
}

/// A TCP check over (orig, resp).
type TcpCheck = fn(&[u8], &[u8]) -> Probe;

/// The TCP checks, in the order their confirmations win.
const TCP_CHECKS: [(Service, TcpCheck); 18] = [
    (Service::Smb, smb),
    (Service::KrbTcp, krb_tcp),
    (Service::Rdp, rdp),
    (Service::Ldap, ldap_tcp),
    (Service::Mysql, mysql),
    (Service::Postgresql, postgresql),
    (Service::Smtp, smtp),
    (Service::Ftp, ftp),
    (Service::Imap, imap),
    (Service::Pop3, pop3),
    (Service::Irc, irc),
    (Service::Socks, socks),
    (Service::Mqtt, mqtt),
    (Service::Rfb, rfb),
    (Service::Sip, sip_tcp),
    (Service::Xmpp, xmpp),
    (Service::Telnet, telnet),
    (Service::Netbios, netbios_session),
];

/// One check's answer on the bytes seen so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Probe {
    Yes,
    Maybe,
    No,
}

use Probe::{Maybe, No, Yes};

impl Probe {
    fn from_bool(yes: bool) -> Probe {
        if yes {
            Yes
        } else {
            No
        }
    }
}

// ---- byte helpers ----

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn starts_with_ignore_case(b: &[u8], prefix: &[u8]) -> bool {
    b.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

fn contains_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// The first line of `b` without its CR LF (or LF), if it ends within `max` bytes.
fn first_line(b: &[u8], max: usize) -> Option<&[u8]> {
    let scan = &b[..b.len().min(max)];
    let end = memchr::memchr(b'\n', scan)?;
    let line = &scan[..end];
    Some(line.strip_suffix(b"\r").unwrap_or(line))
}

/// Whether a text line is ahead: a line is there, or the bytes so far (fewer than `max`) could still end in
/// one.
fn line_or_more(b: &[u8], max: usize) -> Result<&[u8], Probe> {
    match first_line(b, max) {
        Some(line) => Ok(line),
        None if b.len() < max
            && b.iter()
                .all(|&c| c == b'\t' || c == b'\r' || (0x20..0x7f).contains(&c)) =>
        {
            Err(Maybe)
        }
        None => Err(No),
    }
}

/// A first line still being written: `Yes` once it starts with one of `verbs` (any case) and a space, `Maybe`
/// while it could still become one.
fn partial_verb(b: &[u8], verbs: &[&[u8]]) -> Probe {
    let mut probe = No;
    for verb in verbs {
        if starts_with_ignore_case(b, verb) {
            match b.get(verb.len()) {
                Some(b' ') => return Yes,
                None | Some(b'\r') => probe = Maybe,
                Some(_) => {}
            }
        } else if b.len() < verb.len() && starts_with_ignore_case(verb, b) {
            probe = Maybe;
        }
    }
    probe
}

/// Whether the first line starts with one of `verbs` (any case) followed by a space or the line's end.
fn verb_in(line: &[u8], verbs: &[&[u8]]) -> bool {
    verbs.iter().any(|verb| {
        starts_with_ignore_case(line, verb) && matches!(line.get(verb.len()), None | Some(b' '))
    })
}

/// The longest text line a greeting or command is looked for in.
const LINE_MAX: usize = 512;

// ---- BER (X.690), as Kerberos, LDAP and SNMP use it ----

/// A BER element's tag, content length and header length: low tag numbers, definite lengths of up to 4 bytes.
fn ber(b: &[u8]) -> Option<(u8, usize, usize)> {
    let tag = *b.first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let first = *b.get(1)?;
    if first < 0x80 {
        return Some((tag, usize::from(first), 2));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    let len = b
        .get(2..2 + n)?
        .iter()
        .fold(0u64, |len, &byte| len << 8 | u64::from(byte));
    Some((tag, usize::try_from(len).ok()?, 2 + n))
}

/// The bytes the BER element at the start of `b` takes, by its header.
fn ber_total(b: &[u8]) -> Option<usize> {
    let (_, len, header) = ber(b)?;
    header.checked_add(len)
}

/// The BER element at the start of `b` with tag `tag`: its content as far as `b` holds it, and the bytes after
/// it (empty when `b` ends inside it).
fn ber_expect(b: &[u8], tag: u8) -> Option<(&[u8], usize, &[u8])> {
    let (t, len, header) = ber(b)?;
    if t != tag {
        return None;
    }
    let rest = &b[header..];
    let (content, after) = rest.split_at(len.min(rest.len()));
    Some((content, len, after))
}

// ---- UDP checks ----

/// DHCP: BOOTREQUEST or BOOTREPLY, a hardware address length that fits, and the magic cookie at 236.
fn dhcp(p: &[u8]) -> bool {
    p.len() >= 240
        && matches!(p[0], 1 | 2)
        && p[2] <= 16
        && p[3] <= 16
        && p[236..240] == [0x63, 0x82, 0x53, 0x63]
}

/// DHCPv6: a client/server message (type 1..=11, transaction id) or a relay message (12, 13: hop count and
/// two addresses), then options that end exactly at the end of the datagram.
fn dhcpv6(p: &[u8]) -> bool {
    let options_at = match p.first() {
        Some(1..=11) => 4,
        Some(12 | 13) => 34,
        _ => return false,
    };
    let Some(mut options) = p.get(options_at..) else {
        return false;
    };
    // Each option takes at least 4 bytes, so the walk ends.
    while !options.is_empty() {
        let Some(len) = be16(options, 2) else {
            return false;
        };
        match options.get(4 + usize::from(len)..) {
            Some(rest) => options = rest,
            None => return false,
        }
    }
    true
}

/// NTP: version 1..=4 with a 48-byte header (and an optional MAC or extension fields, RFC 7822), a control
/// message (mode 6, RFC 9327) or a private mode-7 message, each with sane fields.
fn ntp(p: &[u8]) -> bool {
    let Some(&first) = p.first() else {
        return false;
    };
    let version = first >> 3 & 7;
    let mode = first & 7;
    if !(1..=4).contains(&version) {
        return false;
    }
    match mode {
        1..=5 => {
            // after the header: nothing, a crypto-NAK, a key id with an MD5 or SHA-1 MAC, or (v4) extensions
            let Some(extra) = p.len().checked_sub(48) else {
                return false;
            };
            let length_ok = matches!(extra, 0 | 4 | 20 | 24)
                || (version == 4 && extra.is_multiple_of(4) && extra <= 1024);
            // stratum (16: unsynchronized), poll (log2 seconds)
            length_ok && p[1] <= 16 && p[2] <= 17
        }
        6 => {
            // R E M opcode, sequence, status, association id, offset, count, then count bytes of data
            let (Some(op), Some(count)) = (p.get(1), be16(p, 10)) else {
                return false;
            };
            let data_end = 12 + usize::from(count);
            count <= 468
                && (1..=31).contains(&(op & 0x1f))
                && p.len() >= data_end
                && p.len() <= data_end + 3 + 24
        }
        7 => {
            // implementation, request code, err + item count, mbz + item size
            let (Some(implementation), Some(items), Some(size)) =
                (p.get(2), be16(p, 4), be16(p, 6))
            else {
                return false;
            };
            let data = usize::from(items & 0x0fff) * usize::from(size & 0x0fff);
            matches!(implementation, 0 | 2 | 3)
                && size & 0xf000 == 0
                && data <= 500
                && p.len() >= 8 + data
                && p.len() <= 8 + 500 + 24
        }
        _ => false,
    }
}

/// SNMP: a SEQUENCE that is the whole datagram, version 0, 1 or 3; v1/v2c with a community string and a PDU
/// (tags 0xa0..=0xa8) that ends the message; v3 with its header data (msgID, maxSize, flags, security model).
fn snmp(p: &[u8]) -> bool {
    let Some((message, len, rest)) = ber_expect(p, 0x30) else {
        return false;
    };
    if !rest.is_empty() || message.len() != len {
        return false;
    }
    let Some(tail) = message.strip_prefix(&[0x02, 0x01]) else {
        return false;
    };
    match tail.split_first() {
        Some((0 | 1, after)) => {
            let Some((_, _, after)) = ber_expect(after, 0x04) else {
                return false;
            };
            match (after.first(), ber_total(after)) {
                (Some(0xa0..=0xa8), Some(total)) => total == after.len(),
                _ => false,
            }
        }
        Some((3, after)) => {
            let Some((header, _, _)) = ber_expect(after, 0x30) else {
                return false;
            };
            let Some((_, _, header)) = ber_expect(header, 0x02) else {
                return false;
            };
            let Some((_, _, header)) = ber_expect(header, 0x02) else {
                return false;
            };
            header.starts_with(&[0x04, 0x01]) && header.get(3) == Some(&0x02)
        }
        _ => false,
    }
}

/// Kerberos over UDP: one whole message.
fn krb_udp(p: &[u8]) -> bool {
    krb_message(p) == Yes && ber_total(p) == Some(p.len())
}

/// `Maybe` when the bytes of an element ran out (`have` of `declared`) before the `needed` ones, else `No`.
fn cut_short(have: usize, declared: usize, needed: usize) -> Probe {
    if have < declared && have < needed {
        Maybe
    } else {
        No
    }
}

/// The longest BER header (tag, and a length of up to 4 bytes) parsed here.
const BER_HEADER_MAX: usize = 6;

/// A Kerberos message (RFC 4120 5.4.1, 5.5.1, 5.9.1): AS-REQ/AS-REP/TGS-REQ/TGS-REP/AP-REQ/AP-REP/KRB-ERROR
/// as [APPLICATION n] SEQUENCE whose first fields are pvno 5 and msg-type n ([1] and [2] in a KDC-REQ, [0]
/// and [1] in the others).
fn krb_message(b: &[u8]) -> Probe {
    let Some(&tag) = b.first() else {
        return Maybe;
    };
    if !matches!(tag, 0x6a..=0x6f | 0x7e) {
        return No;
    }
    let msg_type = tag & 0x1f;
    let Some((body, len, _)) = ber_expect(b, tag) else {
        return cut_short(b.len(), usize::MAX, BER_HEADER_MAX);
    };
    let Some((fields, sequence_len, _)) = ber_expect(body, 0x30) else {
        return cut_short(body.len(), len, BER_HEADER_MAX);
    };
    if ber_total(body) != Some(len) {
        return No;
    }
    let pvno = if matches!(msg_type, 10 | 12) {
        0xa1
    } else {
        0xa0
    };
    let expected = [pvno, 3, 2, 1, 5, pvno + 1, 3, 2, 1, msg_type];
    let n = fields.len().min(expected.len());
    if fields[..n] != expected[..n] {
        return No;
    }
    if n == expected.len() {
        Yes
    } else {
        cut_short(fields.len(), sequence_len, expected.len())
    }
}

/// An LDAPMessage (RFC 4511 4.2): SEQUENCE { messageID INTEGER, protocolOp [APPLICATION 0..=25] ... } with
/// the operation inside the message; unbind, delete and abandon requests are primitive, the others
/// constructed.
fn ldap_message(b: &[u8]) -> Probe {
    match b.first() {
        None => return Maybe,
        Some(0x30) => {}
        Some(_) => return No,
    }
    let Some((message, len, _)) = ber_expect(b, 0x30) else {
        return cut_short(b.len(), usize::MAX, BER_HEADER_MAX);
    };
    let Some((id, id_len, op)) = ber_expect(message, 0x02) else {
        return cut_short(message.len(), len, 3);
    };
    if !(1..=4).contains(&id_len) || id.first().is_some_and(|&first| first >= 0x80) {
        return No;
    }
    let id_total = 2 + id_len;
    let Some(&tag) = op.first() else {
        return cut_short(message.len(), len, id_total + 1);
    };
    let number = tag & 0x1f;
    let primitive = matches!(number, 2 | 10 | 16);
    let expected_tag = 0x40 | if primitive { 0 } else { 0x20 } | number;
    if tag != expected_tag || !matches!(number, 0..=16 | 19 | 23..=25) {
        return No;
    }
    let Some(op_total) = ber_total(op) else {
        return cut_short(message.len(), len, id_total + BER_HEADER_MAX);
    };
    Probe::from_bool(id_total.saturating_add(op_total) <= len)
}

/// RADIUS: a known code, a length field that is the datagram's, and attributes that end exactly there.
fn radius(p: &[u8]) -> bool {
    let (Some(code), Some(len)) = (p.first(), be16(p, 2)) else {
        return false;
    };
    if !matches!(code, 1..=5 | 11..=13 | 40..=45)
        || usize::from(len) != p.len()
        || !(20..=4096).contains(&len)
    {
        return false;
    }
    let mut attributes = &p[20..];
    // Each attribute takes at least 2 bytes, so the walk ends.
    while let [_, attribute_len, ..] = *attributes {
        if attribute_len < 2 {
            return false;
        }
        match attributes.get(usize::from(attribute_len)..) {
            Some(rest) => attributes = rest,
            None => return false,
        }
    }
    attributes.is_empty()
}

/// Records a datagram's DTLS walk looks at.
const DTLS_RECORDS_MAX: usize = 16;

/// DTLS: records of type 20..=25 with version 1.0, 1.2 or 1.3 (0xfeff, 0xfefd, 0xfefc; or 0x0100) that fill
/// the datagram; an epoch-0 handshake record starts with a known handshake message that fits.
fn dtls(p: &[u8]) -> bool {
    let mut rest = p;
    for _ in 0..DTLS_RECORDS_MAX {
        let [content_type, v0, v1, e0, e1, _, _, _, _, _, _, l0, l1, ref body @ ..] = *rest else {
            return false;
        };
        // 0x0100: the pre-standard version OpenSSL still speaks (DTLS1_BAD_VER)
        if !matches!([v0, v1], [0xfe, 0xff | 0xfd | 0xfc] | [0x01, 0x00]) {
            return false;
        }
        let len = usize::from(u16::from_be_bytes([l0, l1]));
        if !(20..=25).contains(&content_type) || body.len() < len {
            return false;
        }
        let fragment = &body[..len];
        if content_type == 22 && [e0, e1] == [0, 0] {
            // type, length(3), message_seq(2), fragment_offset(3), fragment_length(3)
            let [msg_type, _, _, _, _, _, _, _, _, f0, f1, f2, ..] = *fragment else {
                return false;
            };
            let fragment_len = u32::from_be_bytes([0, f0, f1, f2]) as usize;
            if !matches!(msg_type, 0..=4 | 11..=16 | 20) || 12 + fragment_len > len {
                return false;
            }
        }
        rest = &body[len..];
        if rest.is_empty() {
            return true;
        }
    }
    false
}

/// SIP's start line (RFC 3261 7.1, 7.2): `METHOD URI SIP/2.0` or `SIP/2.0 NNN reason`.
fn sip_start(b: &[u8]) -> Probe {
    // Both start lines begin with an upper-case letter (a method, or `SIP/2.0`).
    if b.first().is_some_and(|c| !c.is_ascii_uppercase()) {
        return No;
    }
    let Some(line) = first_line(b, LINE_MAX) else {
        return sip_partial(b);
    };
    if let Some(status) = line.strip_prefix(b"SIP/2.0 ") {
        return Probe::from_bool(matches!(
            status,
            [b'1'..=b'6', b'0'..=b'9', b'0'..=b'9']
                | [b'1'..=b'6', b'0'..=b'9', b'0'..=b'9', b' ', ..]
        ));
    }
    let mut parts = line.split(|&c| c == b' ');
    let (Some(method), Some(uri), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return No;
    };
    let method_ok = (3..=16).contains(&method.len()) && method.iter().all(u8::is_ascii_uppercase);
    let uri_ok = [&b"sip:"[..], b"sips:", b"tel:"]
        .iter()
        .any(|scheme| starts_with_ignore_case(uri, scheme));
    Probe::from_bool(method_ok && uri_ok && version == b"SIP/2.0")
}

/// A SIP start line still being written: `Maybe` while its method and URI scheme (or `SIP/2.0 `) could still
/// come out right.
fn sip_partial(b: &[u8]) -> Probe {
    const STATUS: &[u8] = b"SIP/2.0 ";
    if b.len() >= LINE_MAX {
        return No;
    }
    if b.starts_with(STATUS) || STATUS.starts_with(b) {
        return Maybe;
    }
    let method = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    match b.get(method) {
        None => return if method <= 16 { Maybe } else { No },
        Some(b' ') if method >= 3 => {}
        Some(_) => return No,
    }
    let uri = &b[method + 1..];
    let scheme_ok = [&b"sip:"[..], b"sips:", b"tel:"].iter().any(|scheme| {
        starts_with_ignore_case(uri, scheme)
            || (uri.len() < scheme.len() && starts_with_ignore_case(scheme, uri))
    });
    if scheme_ok {
        Maybe
    } else {
        No
    }
}

/// Syslog over UDP: `<PRI>` with PRI 0..=191 written without leading zeros, then text.
fn syslog(p: &[u8]) -> bool {
    let Some(rest) = p.strip_prefix(b"<") else {
        return false;
    };
    let digits = rest
        .iter()
        .take(4)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if !(1..=3).contains(&digits)
        || rest.get(digits) != Some(&b'>')
        || (digits > 1 && rest[0] == b'0')
    {
        return false;
    }
    let pri = rest[..digits]
        .iter()
        .fold(0u32, |pri, &d| pri * 10 + u32::from(d - b'0'));
    let text = &rest[digits + 1..];
    let head = &text[..text.len().min(32)];
    pri <= 191
        && head.len() >= 4
        && head
            .iter()
            .all(|&c| c == b'\t' || (0x20..0x7f).contains(&c) || c >= 0x80 || c == b'\n')
}

/// The longest DNS-format name walked, in labels.
const DNS_LABELS_MAX: usize = 128;

/// A DNS-format message (RFC 1035 4.1) as mDNS, LLMNR and NetBIOS name service use it: an allowed opcode,
/// record counts the datagram can hold, and a first name (question or record) that parses and is followed by
/// its type and class; for NetBIOS that name is in the first-level encoding of RFC 1001 14.1.
fn dns_like(p: &[u8], opcode_ok: impl Fn(u8) -> bool, netbios: bool) -> bool {
    let (Some(flags), Some(qd), Some(an), Some(ns), Some(ar)) =
        (be16(p, 2), be16(p, 4), be16(p, 6), be16(p, 8), be16(p, 10))
    else {
        return false;
    };
    let opcode = (flags >> 11 & 0xf) as u8;
    let records = u32::from(an) + u32::from(ns) + u32::from(ar);
    let least = u64::from(qd) * 5 + u64::from(records) * 11;
    if !opcode_ok(opcode) || u32::from(qd) + records == 0 || least > (p.len() - 12) as u64 {
        return false;
    }
    if netbios && !netbios_name(&p[12..]) {
        return false;
    }
    let mut at = 12;
    for _ in 0..DNS_LABELS_MAX {
        match p.get(at) {
            Some(0) => {
                at += 1;
                let fixed = if qd > 0 { 4 } else { 10 };
                return p.len() >= at + fixed;
            }
            Some(&len @ 1..=63) => at += 1 + usize::from(len),
            Some(&high) if high & 0xc0 == 0xc0 => {
                let Some(target) = be16(p, at) else {
                    return false;
                };
                let target = usize::from(target & 0x3fff);
                let fixed = if qd > 0 { 4 } else { 10 };
                return (12..at).contains(&target) && p.len() >= at + 2 + fixed;
            }
            _ => return false,
        }
    }
    false
}

/// A NetBIOS name in first-level encoding (RFC 1001 14.1): a 32-byte label of letters 'A'..='P'.
fn netbios_name(b: &[u8]) -> bool {
    match b.split_first() {
        Some((32, rest)) => rest
            .get(..32)
            .is_some_and(|name| name.iter().all(|c| (b'A'..=b'P').contains(c))),
        _ => false,
    }
}

/// A NetBIOS datagram service message (RFC 1002 4.4): direct/broadcast datagrams with a length that fits
/// and an encoded source name, errors, and name queries with an encoded destination name.
fn netbios_datagram(p: &[u8]) -> bool {
    match p.first() {
        Some(0x10..=0x12) => {
            let Some(len) = be16(p, 10) else {
                return false;
            };
            usize::from(len) + 14 <= p.len() && netbios_name(&p[14..])
        }
        Some(0x13) => p.len() == 11 && matches!(p[10], 0x82..=0x84),
        Some(0x14..=0x16) => p.get(10..).is_some_and(netbios_name),
        _ => false,
    }
}

// ---- TCP checks: (orig, resp) ----

/// A message looked for on both sides (the capture may have lost one side's first bytes, or taken the
/// server for the originator): found on either, ruled out on both, or still possible.
fn either_side(orig: Probe, resp: Probe) -> Probe {
    match (orig, resp) {
        (Yes, _) | (_, Yes) => Yes,
        (No, No) => No,
        _ => Maybe,
    }
}

/// NetBIOS session messages an SMB stream may start with before its first SMB message: session requests and
/// responses and keepalives (RFC 1002 4.3).
const NETBIOS_SESSION_SKIP_MAX: usize = 4;

/// SMB: a NetBIOS session message (type 0, 17-bit length) that holds an SMB1, SMB2 or SMB3 transform header,
/// from either side, after any session request or keepalive.
fn smb(orig: &[u8], resp: &[u8]) -> Probe {
    either_side(smb_stream(orig), smb_stream(resp))
}

fn smb_stream(mut b: &[u8]) -> Probe {
    for _ in 0..=NETBIOS_SESSION_SKIP_MAX {
        let [kind, flags, l0, l1, ref rest @ ..] = *b else {
            return if b.is_empty() || matches!(b[0], 0x00 | 0x81..=0x85) {
                Maybe
            } else {
                No
            };
        };
        let len = usize::from(flags & 1) << 16 | usize::from(u16::from_be_bytes([l0, l1]));
        match kind {
            0x00 => {
                let header_min = match rest.get(..4) {
                    Some([0xff, b'S', b'M', b'B']) => 32,
                    Some([0xfe, b'S', b'M', b'B']) => 64,
                    Some([0xfd, b'S', b'M', b'B']) => 52,
                    Some([0xfc, b'S', b'M', b'B']) => 16,
                    Some(_) => return No,
                    None => return Maybe,
                };
                return Probe::from_bool(flags & 0xfe == 0 && len >= header_min);
            }
            0x81..=0x85 if flags & 0xfe == 0 && len <= 512 => match rest.get(len..) {
                Some(after) => b = after,
                None => return Maybe,
            },
            _ => return No,
        }
    }
    No
}

/// A NetBIOS session that starts with a session request naming both ends (RFC 1002 4.3.2), answered, and
/// then carries no SMB.
fn netbios_session(orig: &[u8], resp: &[u8]) -> Probe {
    let [0x81, 0, 0, 68, ref names @ ..] = *orig else {
        return if orig.len() < 4 && orig.first().is_none_or(|&kind| kind == 0x81) {
            Maybe
        } else {
            No
        };
    };
    if names.len() < 68 {
        return Maybe;
    }
    let Some(after) = netbios_session_request(orig) else {
        return No;
    };
    match (resp.first(), after) {
        (None, _) => Maybe,
        (Some(0x82..=0x84), []) => Maybe,
        (Some(0x82..=0x84), after) => match smb_stream(after) {
            Yes => No,
            Maybe => Maybe,
            No => Yes,
        },
        _ => No,
    }
}

/// A whole NetBIOS session request (RFC 1002 4.3.2: type 0x81, 68 bytes of called and calling
/// names in first-level encoding); returns the bytes after it.
fn netbios_session_request(orig: &[u8]) -> Option<&[u8]> {
    let [0x81, 0, 0, 68, ref names @ ..] = *orig else {
        return None;
    };
    let valid = names.len() >= 68
        && netbios_name(names)
        && names[33] == 0
        && netbios_name(&names[34..])
        && names[67] == 0;
    valid.then(|| &names[68..])
}

/// Kerberos over TCP (RFC 4120 7.2.2): a record marker (high bit clear) that is the length of the message
/// after it, from the client or the KDC.
fn krb_tcp(orig: &[u8], resp: &[u8]) -> Probe {
    fn stream(b: &[u8]) -> Probe {
        let Some(marker) = be32(b, 0) else {
            return if b.first().is_none_or(|&c| c == 0) {
                Maybe
            } else {
                No
            };
        };
        let message = &b[4..];
        match krb_message(message) {
            Yes => Probe::from_bool(ber_total(message) == Some(marker as usize)),
            other => other,
        }
    }
    either_side(stream(orig), stream(resp))
}

/// RDP: the client's TPKT (version 3) with an X.224 Connection Request (class 0) whose variable part is a
/// `Cookie: ...` line and/or an RDP negotiation request (MS-RDPBCGR 2.2.1.1), or nothing.
fn rdp(orig: &[u8], _resp: &[u8]) -> Probe {
    let [3, 0, l0, l1, li, code, 0, 0, _, _, 0, ref variable @ ..] = *orig else {
        return if orig.len() < 11 && orig.first().is_none_or(|&v| v == 3) {
            Maybe
        } else {
            No
        };
    };
    let tpkt_len = usize::from(u16::from_be_bytes([l0, l1]));
    if code & 0xf0 != 0xe0 || usize::from(li) + 5 != tpkt_len || tpkt_len < 11 {
        return No;
    }
    let Some(mut variable) = variable.get(..tpkt_len - 11) else {
        return Maybe;
    };
    if let Some(cookie) = variable.strip_prefix(b"Cookie: ") {
        let Some(end) = cookie.windows(2).position(|w| w == b"\r\n") else {
            return No;
        };
        variable = &cookie[end + 2..];
    }
    // RDP_NEG_REQ: type 1, flags, length 8 (little-endian), requested protocols; maybe correlation info after
    Probe::from_bool(
        variable.is_empty() || variable.starts_with(&[1]) && variable.get(2..4) == Some(&[8, 0]),
    )
}

/// LDAP over TCP: an LDAPMessage from either side (the server's alone when the capture lost the client's
/// first bytes).
fn ldap_tcp(orig: &[u8], resp: &[u8]) -> Probe {
    either_side(ldap_message(orig), ldap_message(resp))
}

/// MySQL: the server's first packet (3-byte length, sequence 0): a protocol-10 handshake with a version string
/// and the filler byte after the first scramble, or an error packet (0xff, code, text).
fn mysql(orig: &[u8], resp: &[u8]) -> Probe {
    let [l0, l1, l2, 0, kind, ref body @ ..] = *resp else {
        return if resp.is_empty() && orig.is_empty() {
            Maybe
        } else {
            No
        };
    };
    let len = u32::from_le_bytes([l0, l1, l2, 0]) as usize;
    match kind {
        10 => {
            let Some(version_len) = body.iter().take(64).position(|&c| c == 0) else {
                return if body.len() < 64 { Maybe } else { No };
            };
            let version = &body[..version_len];
            let version_ok = version.first().is_some_and(u8::is_ascii_digit)
                && version.iter().all(|&c| (0x20..0x7f).contains(&c));
            let filler_at = version_len + 1 + 4 + 8;
            match body.get(filler_at) {
                Some(&filler) => Probe::from_bool(
                    version_ok && filler == 0 && len > filler_at + 1 && len <= 1024,
                ),
                None => Maybe,
            }
        }
        0xff => {
            let [c0, c1, ref text @ ..] = *body else {
                return Maybe;
            };
            let code = u16::from_le_bytes([c0, c1]);
            let text = &text[..text.len().min(len.saturating_sub(3)).min(16)];
            Probe::from_bool(
                (1000..=5000).contains(&code)
                    && (3..=1024).contains(&len)
                    && !text.is_empty()
                    && text.iter().all(|&c| (0x20..0x7f).contains(&c)),
            )
        }
        _ => No,
    }
}

/// The longest PostgreSQL startup message looked at.
const POSTGRESQL_STARTUP_MAX: usize = 10_000;

/// PostgreSQL: the client's StartupMessage (length, protocol 3.0..=3.2, then name/value pairs including
/// `user`, ended by an empty name), or its SSLRequest/GSSENCRequest answered by the server's `S`, `N` or `E`.
fn postgresql(orig: &[u8], resp: &[u8]) -> Probe {
    let Some(len) = be32(orig, 0) else {
        return if orig.len() < 4 && orig.iter().all(|&c| c == 0) {
            Maybe
        } else {
            No
        };
    };
    let len = len as usize;
    let Some(version) = be32(orig, 4) else {
        return if len <= POSTGRESQL_STARTUP_MAX {
            Maybe
        } else {
            No
        };
    };
    if len == 8 && matches!(version, 80_877_103 | 80_877_104) {
        return match resp.first() {
            None => Maybe,
            Some(b'S' | b'N' | b'E') => Yes,
            Some(_) => No,
        };
    }
    if !(0x0003_0000..=0x0003_0002).contains(&version)
        || !(9..=POSTGRESQL_STARTUP_MAX).contains(&len)
    {
        return No;
    }
    let Some(params) = orig.get(8..len) else {
        return Maybe;
    };
    // name\0value\0 ... \0: every string is NUL-terminated and the last one is empty
    let mut strings = params.split(|&c| c == 0);
    let mut user = false;
    while let Some(name) = strings.next() {
        if name.is_empty() {
            return Probe::from_bool(
                user && strings.next() == Some(&[]) && strings.next().is_none(),
            );
        }
        user |= name == b"user";
        if strings.next().is_none() {
            return No;
        }
    }
    No
}

/// A server's reply line starting with `code` and a space or hyphen; `Maybe` until a line is there.
fn reply<'a>(resp: &'a [u8], code: &[u8]) -> Result<&'a [u8], Probe> {
    if !resp.starts_with(code) {
        return Err(if code.starts_with(resp) { Maybe } else { No });
    }
    let line = line_or_more(resp, LINE_MAX)?;
    match line.strip_prefix(code) {
        Some(rest) if matches!(rest.first(), None | Some(b' ' | b'-')) => Ok(line),
        _ => Err(No),
    }
}

/// Whether the client's first line (once there) starts with one of `verbs`; `Maybe` until it is there.
fn client_verb(orig: &[u8], verbs: &[&[u8]]) -> Probe {
    // Only a start that is, or may still become, one of the verbs can make a line that starts with
    // one: most first bytes are ruled out before the line's end is looked for.
    let may_be = |verb: &&[u8]| {
        starts_with_ignore_case(orig, verb)
            || (orig.len() < verb.len() && starts_with_ignore_case(verb, orig))
    };
    if !verbs.iter().any(may_be) {
        return No;
    }
    match first_line(orig, LINE_MAX) {
        Some(line) => Probe::from_bool(verb_in(line, verbs)),
        None => partial_verb(orig, verbs),
    }
}

/// A greeting protocol: the server's reply `code`, confirmed by the greeting naming the protocol or by the
/// client's first command.
fn greeted(orig: &[u8], resp: &[u8], code: &[u8], name: &[u8], verbs: &[&[u8]]) -> Probe {
    match reply(resp, code) {
        Ok(line) if contains_ignore_case(line, name) => Yes,
        Ok(_) => client_verb(orig, verbs),
        Err(Maybe) if client_verb(orig, verbs) != No => Maybe,
        Err(_) => No,
    }
}

/// SMTP: the server's `220` greeting, and the client's EHLO or HELO (or a greeting that says SMTP).
fn smtp(orig: &[u8], resp: &[u8]) -> Probe {
    greeted(orig, resp, b"220", b"SMTP", &[b"EHLO", b"HELO"])
}

/// FTP: the server's `220` greeting, and the client's USER, AUTH, FEAT, SYST, OPTS, HOST or CLNT (or a
/// greeting that says FTP).
fn ftp(orig: &[u8], resp: &[u8]) -> Probe {
    greeted(
        orig,
        resp,
        b"220",
        b"FTP",
        &[
            b"USER", b"AUTH", b"FEAT", b"SYST", b"OPTS", b"HOST", b"CLNT",
        ],
    )
}

/// POP3: the server's `+OK` greeting, and the client's USER, CAPA, AUTH, APOP or STLS (or a greeting that
/// says POP).
fn pop3(orig: &[u8], resp: &[u8]) -> Probe {
    match reply(resp, b"+OK") {
        Ok(line) if contains_ignore_case(line, b"POP") => Yes,
        Ok(_) => client_verb(orig, &[b"USER", b"CAPA", b"AUTH", b"APOP", b"STLS"]),
        Err(Maybe) if client_verb(orig, &[b"USER", b"CAPA", b"AUTH", b"APOP", b"STLS"]) != No => {
            Maybe
        }
        Err(_) => No,
    }
}

/// Commands an IMAP client may start with.
const IMAP_COMMANDS: [&[u8]; 10] = [
    b"CAPABILITY",
    b"LOGIN",
    b"AUTHENTICATE",
    b"STARTTLS",
    b"ID",
    b"NOOP",
    b"LOGOUT",
    b"ENABLE",
    b"SELECT",
    b"LIST",
];

/// IMAP: the server's untagged `* OK` or `* PREAUTH` greeting, and either `IMAP` in it or the client's first
/// tagged command.
fn imap(orig: &[u8], resp: &[u8]) -> Probe {
    const TAG_MAX: usize = 64;
    let client = || {
        let line = first_line(orig, LINE_MAX);
        let text = line.unwrap_or(orig);
        let tag_len = text
            .iter()
            .take(TAG_MAX)
            .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'.')
            .count();
        match (text.get(tag_len), line) {
            (None, None) if tag_len < TAG_MAX => Maybe,
            (Some(b' '), Some(_)) if tag_len > 0 => {
                Probe::from_bool(verb_in(&text[tag_len + 1..], &IMAP_COMMANDS))
            }
            (Some(b' '), None) if tag_len > 0 => partial_verb(&text[tag_len + 1..], &IMAP_COMMANDS),
            _ => No,
        }
    };
    if !resp.starts_with(b"* ") && !b"* ".starts_with(resp) {
        return No;
    }
    if resp.is_empty() {
        return if client() == No { No } else { Maybe };
    }
    let line = match line_or_more(resp, LINE_MAX) {
        Ok(line) => line,
        Err(probe) => return probe,
    };
    if !(starts_with_ignore_case(line, b"* OK") || starts_with_ignore_case(line, b"* PREAUTH")) {
        return No;
    }
    if contains_ignore_case(line, b"IMAP") {
        return Yes;
    }
    client()
}

/// IRC: the client's registration (NICK, USER, PASS or CAP), confirmed by a second registration line or by
/// the server's first line (`:prefix` and a numeric reply or NOTICE, or `NOTICE`/`PING` without prefix).
fn irc(orig: &[u8], resp: &[u8]) -> Probe {
    const REGISTRATION: [&[u8]; 4] = [b"NICK", b"USER", b"PASS", b"CAP"];
    let first = match client_verb(orig, &REGISTRATION) {
        Yes => first_line(orig, LINE_MAX).map_or(0, |line| line.len()),
        other => return other,
    };
    let after = orig.get(first..).unwrap_or_default();
    let after = &after[after
        .iter()
        .take_while(|&&c| c == b'\r' || c == b'\n')
        .count()..];
    if first_line(after, LINE_MAX).is_some_and(|line| verb_in(line, &[b"NICK", b"USER"])) {
        return Yes;
    }
    if resp.is_empty() {
        return Maybe;
    }
    let line = match line_or_more(resp, LINE_MAX) {
        Ok(line) => line,
        Err(probe) => return probe,
    };
    let command = match line.strip_prefix(b":") {
        Some(prefixed) => match prefixed.iter().position(|&c| c == b' ') {
            Some(space) if space > 0 => &prefixed[space + 1..],
            _ => return No,
        },
        None => line,
    };
    let numeric = matches!(command, [b'0'..=b'9', b'0'..=b'9', b'0'..=b'9', b' ', ..]);
    Probe::from_bool(numeric || verb_in(command, &[b"NOTICE", b"PING"]))
}

/// The longest SOCKS 4 user id or 4a host name looked for.
const SOCKS4_STRING_MAX: usize = 255;

/// SOCKS: a version-4 request (CONNECT or BIND, port, address, NUL-terminated user id, and a host name after
/// an address 0.0.0.x) answered by `0x00 0x5a..=0x5d`, or a version-5 method list answered by one of its
/// methods (or 0xff).
fn socks(orig: &[u8], resp: &[u8]) -> Probe {
    match orig {
        [] => Maybe,
        [4, rest @ ..] => {
            let [1 | 2, _, _, a, b, c, d, ref strings @ ..] = *rest else {
                return if rest.len() < 7 && rest.first().is_none_or(|c| matches!(c, 1 | 2)) {
                    Maybe
                } else {
                    No
                };
            };
            let strings_needed = if [a, b, c] == [0, 0, 0] && d != 0 {
                2
            } else {
                1
            };
            let scan = &strings[..strings.len().min(2 * (SOCKS4_STRING_MAX + 1))];
            if scan.iter().filter(|&&c| c == 0).count() < strings_needed {
                return if strings.len() < scan.len() || scan.len() < 2 * (SOCKS4_STRING_MAX + 1) {
                    Maybe
                } else {
                    No
                };
            }
            match resp {
                [] => Maybe,
                [0, 0x5a..=0x5d, ..] => Yes,
                [0] => Maybe,
                _ => No,
            }
        }
        [5, rest @ ..] => {
            let Some((&count, methods)) = rest.split_first() else {
                return Maybe;
            };
            if count == 0 {
                return No;
            }
            let Some(offered) = methods.get(..usize::from(count)) else {
                return Maybe;
            };
            if !matches!(methods.get(usize::from(count)), None | Some(1 | 5)) {
                return No;
            }
            match resp {
                [] | [5] => Maybe,
                [5, chosen, ..] => Probe::from_bool(*chosen == 0xff || offered.contains(chosen)),
                _ => No,
            }
        }
        _ => No,
    }
}

/// MQTT: the client's CONNECT (0x10, remaining length, protocol name `MQTT` with level 4 or 5, or `MQIsdp`
/// with level 3, connect flags with the reserved bit clear), looked for on both sides in case the capture
/// began after the handshake and took the broker for the originator.
fn mqtt(orig: &[u8], resp: &[u8]) -> Probe {
    either_side(mqtt_connect(orig), mqtt_connect(resp))
}

fn mqtt_connect(orig: &[u8]) -> Probe {
    let Some(rest) = orig.strip_prefix(&[0x10]) else {
        return if orig.is_empty() { Maybe } else { No };
    };
    // remaining length: 1..=4 bytes, 7 bits each, high bit for "more"
    let Some(length_len) = rest.iter().take(4).position(|&c| c & 0x80 == 0) else {
        return if rest.len() < 4 { Maybe } else { No };
    };
    let remaining = rest[..=length_len]
        .iter()
        .rev()
        .fold(0usize, |len, &c| len << 7 | usize::from(c & 0x7f));
    let header = &rest[length_len + 1..];
    let (name_len, level_ok) = match header {
        [0, 4, b'M', b'Q', b'T', b'T', level, flags, ..] => {
            (4, matches!(level, 4 | 5) && flags & 1 == 0)
        }
        [0, 6, b'M', b'Q', b'I', b's', b'd', b'p', level, flags, ..] => {
            (6, *level == 3 && flags & 1 == 0)
        }
        _ if header.len() < 10 => return Maybe,
        _ => return No,
    };
    Probe::from_bool(level_ok && remaining >= name_len + 6)
}

/// RFB: the server's protocol version `RFB xxx.yyy\n`.
fn rfb(orig: &[u8], resp: &[u8]) -> Probe {
    const PATTERN: &[u8; 12] = b"RFB 000.000\n";
    let n = resp.len().min(PATTERN.len());
    let matches = resp[..n].iter().zip(PATTERN).all(|(&c, &p)| {
        if p == b'0' {
            c.is_ascii_digit()
        } else {
            c == p
        }
    });
    match (matches, n == PATTERN.len()) {
        (false, _) => No,
        (true, true) => Yes,
        (true, false) if n == 0 && !orig.is_empty() && !orig.starts_with(b"RFB ") => No,
        (true, false) => Maybe,
    }
}

/// SIP over TCP: the client's request line or the server's status line.
fn sip_tcp(orig: &[u8], resp: &[u8]) -> Probe {
    match (sip_start(orig), resp.is_empty()) {
        (Yes, _) => Yes,
        (No, _) => No,
        (Maybe, true) => Maybe,
        (Maybe, false) => Probe::from_bool(orig.is_empty() && sip_start(resp) == Yes),
    }
}

/// Top-level XMPP stanzas (RFC 6120 8), for streams whose header the capture missed.
const XMPP_STANZAS: [&[u8]; 3] = [b"<iq ", b"<presence", b"<message "];

/// XMPP: a stream header, `<stream:stream` in a `jabber:` namespace after an optional XML declaration, or
/// (mid-stream) a stanza naming a `jabber:`, `jabber.org` or `urn:xmpp:` namespace, from either side.
fn xmpp(orig: &[u8], resp: &[u8]) -> Probe {
    either_side(xmpp_stream(orig), xmpp_stream(resp))
}

fn xmpp_stream(b: &[u8]) -> Probe {
    const HEAD_MAX: usize = 512;
    const DECLARATION: &[u8] = b"<?xml";
    const STREAM: &[u8] = b"<stream:stream";
    let head = &b[..b.len().min(HEAD_MAX)];
    let undecided = if b.len() < HEAD_MAX { Maybe } else { No };
    let mut rest = head;
    if rest.len() < DECLARATION.len() && DECLARATION.starts_with(rest) {
        return undecided;
    }
    if let Some(declaration) = rest.strip_prefix(DECLARATION) {
        match declaration.windows(2).position(|w| w == b"?>") {
            Some(end) => rest = &declaration[end + 2..],
            None => return undecided,
        }
    }
    let rest = &rest[rest.iter().take_while(|c| c.is_ascii_whitespace()).count()..];
    if XMPP_STANZAS.iter().any(|stanza| rest.starts_with(stanza)) {
        let namespaced = [&b"jabber:"[..], b"jabber.org", b"urn:xmpp:"]
            .iter()
            .any(|namespace| contains_ignore_case(rest, namespace));
        return if namespaced { Yes } else { undecided };
    }
    if rest.len() < STREAM.len() {
        let prefix = |tag: &[u8]| tag.starts_with(&rest[..rest.len().min(tag.len())]);
        return if prefix(STREAM) || XMPP_STANZAS.iter().any(|stanza| prefix(stanza)) {
            undecided
        } else {
            No
        };
    }
    if !rest.starts_with(STREAM) {
        return No;
    }
    let end = rest.iter().position(|&c| c == b'>');
    let element = &rest[..end.unwrap_or(rest.len())];
    if contains_ignore_case(element, b"='jabber:") || contains_ignore_case(element, b"=\"jabber:") {
        Yes
    } else if end.is_some() {
        No
    } else {
        undecided
    }
}

/// Telnet commands looked at.
const TELNET_COMMANDS_MAX: usize = 16;

/// How far a Telnet subnegotiation's IAC SE is looked for.
const TELNET_SUBNEGOTIATION_MAX: usize = 64;

/// Telnet: a stream (usually the server's) that opens with option negotiation, IAC WILL/WONT/DO/DONT and a
/// known option (RFC 855; options 0..=49 and EXOPL), or a subnegotiation IAC SB .. IAC SE.
fn telnet(orig: &[u8], resp: &[u8]) -> Probe {
    match (telnet_stream(orig), telnet_stream(resp)) {
        (Yes, _) | (_, Yes) => Yes,
        (Maybe, Maybe) => Maybe,
        _ => No,
    }
}

fn telnet_stream(b: &[u8]) -> Probe {
    let mut at = 0;
    for _ in 0..TELNET_COMMANDS_MAX {
        let rest = b.get(at..).unwrap_or_default();
        match rest {
            [] | [0xff] | [0xff, 0xfb..=0xfe] => return if at > 0 { Yes } else { Maybe },
            [0xff, 0xfb..=0xfe, option, ..] if *option <= 49 || *option == 0xff => at += 3,
            [0xff, 0xfa, subnegotiation @ ..] => {
                let scan = &subnegotiation[..subnegotiation.len().min(TELNET_SUBNEGOTIATION_MAX)];
                match scan.windows(2).position(|w| w == [0xff, 0xf0]) {
                    Some(end) => at += 2 + end + 2,
                    None if at > 0 => return Yes,
                    None if scan.len() < TELNET_SUBNEGOTIATION_MAX => return Maybe,
                    None => return No,
                }
            }
            _ => return Probe::from_bool(at > 0),
        }
    }
    Yes
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The bytes of a hex string (test data only).
    fn hex(s: &str) -> Vec<u8> {
        let s: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
        s.chunks(2)
            .map(|pair| {
                u8::from_str_radix(std::str::from_utf8(pair).expect("ascii"), 16).expect("hex")
            })
            .collect()
    }

    // UDP payloads from the corpus (nDPI's test captures), unless the comment says otherwise.
    /// 1kxun.pcap: DHCPv6 Information-request, 546 -> 547.
    static DHCPV6: &str =
        "0b27731d0001000e000100011db8e6fb703eacf0f0070006000400170018000800020000";
    /// 1kxun.pcap: LLMNR query for `wpad` A.
    static LLMNR: &str = "605e0000000100000000000004777061640000010001";
    /// whatsapp_login_call.pcap: mDNS query for `Lucas-iMac.local` AAAA, QU bit.
    static MDNS: &str = "0000000000010000000000000a4c756361732d694d6163056c6f63616c00001c8001";
    /// 1kxun.pcap: NetBIOS name query (broadcast).
    static NBNS: &str =
        "b1e6011000010000000000002046484641454245454341434143414341434143414341434143414341434141410000200001";
    /// NTPv4.pcap: a version-4 server reply.
    static NTP4: &str = "230207eb00000450000003ab83bc03dfd94f51c33165b860d944575530336fd0d944575531b4e978d94f51f42d26e2f4";
    /// snmp.pcap: v1 GetNextRequest, community `public`.
    static SNMP_GET: &str =
        "302902010004067075626c6963a11c02044b781a6e020100020100300e300c06082b060102010105000500";
    /// snmp.pcap: v2c GetResponse.
    static SNMP_RESPONSE: &str = "301b02010104067075626c6963a20e020426127dbf0201010201003000";
    /// kerberos-error.pcap: KRB-ERROR (error 52, response too big) from the KDC.
    static KRB_ERROR: &str = "7e643062a003020105a10302011ea411180f32303232303232323037343630345aa50502030ec26da603020134a9111b0f4c494e55582e5348454c4c2e434f4daa243022a003020102a11b30191b066b72627467741b0f4c494e55582e5348454c4c2e434f4d";
    /// dtls.pcap: a DTLS 1.0 alert record.
    static DTLS_ALERT: &str = "15feff00000000000000020002020a";
    /// anyconnect-vpn.pcap: HelloVerifyRequest in a pre-standard (0x0100) DTLS record.
    static DTLS_OLD_HELLO_VERIFY: &str =
        "160100000000000000000000230300001700000000000000170100146291bcf11a76eec56236218cac4cd4c37c12411d";
    /// RFC 2865 7.1: Access-Request from NAS 192.168.1.16 for user `nemo`.
    static RADIUS: &str = "01000038 0f403f9473978057bd83d5cb98f4227a01066e656d6f02120dbe708d93d413ce3196e43f782a0aee0406c0a80110050600000003";
    /// teams.pcap: DHCP Discover's fixed part up to chaddr, then (after zeros) cookie and options.
    static DHCP_HEAD: &str = "01010600182be7600000800000000000000000000000000000000000d80d17d655ab";
    static DHCP_TAIL: &str =
        "63825363350101370201030c09544c2d5347313136453c09544c2d5347313136453d0701d80d17d655abff";

    fn dhcp_discover() -> Vec<u8> {
        let mut p = hex(DHCP_HEAD);
        p.resize(236, 0);
        p.extend(hex(DHCP_TAIL));
        p
    }

    // TCP streams from the corpus.
    /// smtp-starttls.pcap: the server's greeting and the client's EHLO.
    static SMTP_GREETING: &[u8] = b"220 mx.google.com ESMTP s4si9696358qcc.63 - gsmtp\r\n";
    static SMTP_EHLO: &[u8] = b"EHLO xxxxxxxxxxxxx.xxx.com\r\nSTARTTLS\r\n";
    /// ftp.pcap: vsFTPd's greeting and NcFTP's first commands.
    static FTP_GREETING: &[u8] = b"220 (vsFTPd 3.0.3)\r\n331 Please specify the password.\r\n";
    static FTP_USER: &[u8] = b"USER anonymous\r\nPASS NcFTP@\r\n";
    /// imap.pcap.
    static IMAP_GREETING: &[u8] = b"* OK IMAP4Rev1 Server Version 4.9.04.012\r\n";
    static IMAP_CAPABILITY: &[u8] = b"C00000 CAPABILITY\r\nC00001 LOGIN samir pfres\r\n";
    /// pop3.pcap.
    static POP3_GREETING: &[u8] = b"+OK POP server ready H mimap4 0MHoUr-1VDxRD3Ui5-003eq2\r\n";
    static POP3_CAPA: &[u8] = b"CAPA\r\nQUIT\r\n";
    /// mysql.pcapng: MariaDB 10.6's handshake (protocol 10).
    static MYSQL_GREETING: &str = "6a0000000a352e352e352d31302e362e31322d4d6172696144422d307562756e7475302e32322e30342e3100200000004767503d212b544800fef72d0200ff81150000000000001d0000004976374f652f59526d52313e006d7973716c5f6e61746976655f70617373776f726400";
    /// rdp.pcap: X.224 Connection Request with RDP_NEG_REQ (TLS | CredSSP).
    static RDP_REQUEST: &str = "030000130ee00000000000010008000b000000";
    /// kerberos.pcap: the server's SMB2 NEGOTIATE response (first 68 bytes of 260).
    static SMB2_RESPONSE: &str = "00000100fe534d42400001000000000001001f0009000000000000000200000000000000fffe00000000000059000000000400000000000000000000";
    /// kerberos.pcap: AS-REQ over TCP (first 64 bytes of 319).
    static KRB_TCP_AS_REQ: &str = "0000013b6a82013730820133a103020105a20302010aa3633061304ca103020102a24504433041a003020112a23a043860445c81ae7315f8eea3bfa8aa8d21";
    /// log4j-webapp-exploit.pcap: an LDAP simple bind request (version 3, anonymous), and its response.
    static LDAP_BIND: &str = "300c020101600702010304008000";
    static LDAP_BIND_RESPONSE: &str = "300c02010161070a010004000400";
    /// shadowsocks.pcap: SOCKS 5 greeting (two methods) and CONNECT, and the server's choice and reply.
    static SOCKS5_CLIENT: &str = "0502000105010001805f9bc60050";
    static SOCKS5_SERVER: &str = "050005000001000000001010";
    /// mqtt.pcap: CONNECT (MQTT 3.1.1) from an Azure IoT device, first 32 bytes.
    static MQTT_CONNECT: &str =
        "109a0200044d51545404c00258001050343737373549443137305732313230004a";
    /// telnet.pcap: the server's first negotiation.
    static TELNET_SERVER: &str = "fffd25fffb03fffd18fffd1ffffd20fffd21fffd22fffa22010bfff0fffd27";
    /// ossfuzz_seed_fake_traces_2.pcapng: an XMPP client's stream header.
    static XMPP_STREAM: &[u8] = b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'to='im.truphone.com'>";
    /// pgsql2.pcapng: SSLRequest, answered `S`.
    static POSTGRESQL_SSL_REQUEST: &str = "0000000804d2162f";
    /// A StartupMessage for user and database `postgres`, as the protocol documentation lays it out.
    static POSTGRESQL_STARTUP: &[u8] =
        b"\0\0\0\x29\0\x03\0\0user\0postgres\0database\0postgres\0\0";

    #[test]
    fn dns_formats_by_port_and_structure() {
        assert_eq!(udp(&hex(LLMNR), 51458, 5355), Some(Service::Llmnr));
        assert_eq!(udp(&hex(MDNS), 5353, 5353), Some(Service::Mdns));
        assert_ne!(
            udp(&hex(MDNS), 5353, 53),
            Some(Service::Mdns),
            "a query from port 5353 to a resolver"
        );
        assert_eq!(udp(&hex(NBNS), 137, 137), Some(Service::Netbios));
        // the port chooses the format: on 53 they are DNS, another module's
        assert_eq!(udp(&hex(MDNS), 40000, 53), None);
        assert_eq!(udp(&hex(NBNS), 40000, 53), None);
        // an LLMNR query has exactly one question
        let mut two_questions = hex(LLMNR);
        two_questions[5] = 2;
        assert_eq!(udp(&two_questions, 51458, 5355), None);
        // NetBIOS names are in first-level encoding: 'A'..='P' only
        let mut bad_name = hex(NBNS);
        bad_name[14] = b'Z';
        assert_eq!(udp(&bad_name, 137, 137), None);
        // a truncated question
        let p = hex(MDNS);
        assert_eq!(udp(&p[..p.len() - 2], 5353, 5353), None);
    }

    #[test]
    fn netbios_datagram() {
        // fields as RFC 1002 4.4.2 lays them out: type, flags, id, source address and port, length, offset
        let mut p = vec![0x11, 0x0a, 0x12, 0x34, 10, 0, 5, 9, 0, 138, 0, 68, 0, 0];
        for _ in 0..2 {
            p.push(32);
            p.extend_from_slice(b"EOEFEEEFEJEOEFEDEFEFEDEBEDEJEOAA");
            p.push(0);
        }
        assert_eq!(udp(&p, 138, 138), Some(Service::Netbios));
        p[11] = 69; // one byte more than there is
        assert_eq!(udp(&p, 138, 138), None);
    }

    #[test]
    fn netbios_session_request_alone_settles_at_the_end() {
        // RFC 1002 4.3.2: type 0x81, length 68, called and calling names
        let mut request = vec![0x81, 0, 0, 68];
        for _ in 0..2 {
            request.push(32);
            request.extend_from_slice(b"EOEFEEEFEJEOEFEDEFEFEDEBEDEJEOAA");
            request.push(0);
        }
        assert_eq!(tcp(&request, &[], 1025, 139), Verdict::Undecided);
        assert_eq!(tcp_settled(&request, &[]), Some(Service::Netbios));
        // a positive session response, whole, and a cut one
        assert_eq!(
            tcp_settled(&request, &[0x82, 0, 0, 0]),
            Some(Service::Netbios)
        );
        assert_eq!(tcp_settled(&request, &[0x82, 0, 0, 1]), None);
        // a request followed by SMB is another check's
        let mut then_smb = request.clone();
        then_smb.extend_from_slice(&hex(SMB2_RESPONSE));
        assert_eq!(tcp_settled(&then_smb, &[]), None);
        // a cut request, or a bad name, proves nothing
        assert_eq!(tcp_settled(&request[..70], &[]), None);
        request[10] = b'Z';
        assert_eq!(tcp_settled(&request, &[]), None);
    }

    #[test]
    fn dhcp() {
        let p = dhcp_discover();
        assert_eq!(udp(&p, 68, 67), Some(Service::Dhcp));
        // no magic cookie: plain BOOTP, which Zeek does not call DHCP
        let mut bootp = p.clone();
        bootp[236] = 0;
        assert_eq!(udp(&bootp, 68, 67), None);
        let mut bad_op = p.clone();
        bad_op[0] = 3;
        assert_eq!(udp(&bad_op, 68, 67), None);
        assert_eq!(udp(&p[..239], 68, 67), None);
    }

    #[test]
    fn dhcpv6() {
        let p = hex(DHCPV6);
        assert_eq!(udp(&p, 546, 547), Some(Service::Dhcpv6));
        assert_eq!(udp(&p, 40000, 40001), None, "only on 546/547");
        assert_eq!(
            udp(&p[..p.len() - 1], 546, 547),
            None,
            "the last option is cut"
        );
    }

    #[test]
    fn ntp() {
        let p = hex(NTP4);
        assert_eq!(udp(&p, 123, 123), Some(Service::Ntp));
        assert_eq!(udp(&p, 40000, 40001), None, "only on port 123");
        let mut stratum = p.clone();
        stratum[1] = 17;
        assert_eq!(udp(&stratum, 123, 123), None);
        let mut version = p.clone();
        version[0] = 0x03; // version 0, mode 3
        assert_eq!(udp(&version, 123, 123), None);
        assert_eq!(udp(&p[..47], 123, 123), None);
        // mode 6 READSTAT request: 12-byte header, no data
        assert_eq!(
            udp(&[0x16, 0x01, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], 40000, 123),
            Some(Service::Ntp)
        );
    }

    #[test]
    fn snmp() {
        assert_eq!(udp(&hex(SNMP_GET), 43015, 161), Some(Service::Snmp));
        assert_eq!(udp(&hex(SNMP_RESPONSE), 161, 43015), Some(Service::Snmp));
        let mut version = hex(SNMP_GET);
        version[4] = 2;
        assert_eq!(udp(&version, 43015, 161), None);
        let mut pdu = hex(SNMP_GET);
        pdu[13] = 0xa9;
        assert_eq!(udp(&pdu, 43015, 161), None);
        let mut longer = hex(SNMP_GET);
        longer.push(0);
        assert_eq!(
            udp(&longer, 43015, 161),
            None,
            "the SEQUENCE must be the datagram"
        );
    }

    #[test]
    fn kerberos_udp() {
        let p = hex(KRB_ERROR);
        assert_eq!(ber(&p), Some((0x7e, 0x64, 2)));
        assert_eq!(krb_message(&p), Yes);
        assert_eq!(udp(&p, 88, 50000), Some(Service::Krb));
        let mut pvno = p.clone();
        pvno[8] = 4;
        assert_eq!(udp(&pvno, 88, 50000), None);
        let mut msg_type = p.clone();
        msg_type[13] = 0x1d; // not KRB-ERROR's 30
        assert_eq!(udp(&msg_type, 88, 50000), None);
        assert_eq!(udp(&p[..p.len() - 1], 88, 50000), None);
        assert_eq!(krb_message(&p[..8]), Maybe);
    }

    #[test]
    fn ldap_udp() {
        let p = hex(LDAP_BIND);
        assert_eq!(udp(&p, 50000, 389), Some(Service::LdapUdp));
        let mut op = p.clone();
        op[5] = 0x71; // [APPLICATION 17] is unused
        assert_eq!(udp(&op, 50000, 389), None);
    }

    #[test]
    fn radius() {
        let p = hex(RADIUS);
        assert_eq!(p.len(), 56);
        assert_eq!(udp(&p, 50000, 1812), Some(Service::Radius));
        let mut attribute = p.clone();
        attribute[21] = 7; // User-Name runs into the next attribute
        assert_eq!(udp(&attribute, 50000, 1812), None);
        assert_eq!(
            udp(&p[..55], 50000, 1812),
            None,
            "length field must be the datagram's"
        );
    }

    #[test]
    fn dtls() {
        assert_eq!(udp(&hex(DTLS_ALERT), 50000, 4433), Some(Service::Dtls));
        assert_eq!(
            udp(&hex(DTLS_OLD_HELLO_VERIFY), 443, 54107),
            Some(Service::Dtls)
        );
        let mut version = hex(DTLS_ALERT);
        version[2] = 0xfe;
        assert_eq!(udp(&version, 50000, 4433), None);
        let mut two = hex(DTLS_ALERT);
        two.extend(hex(DTLS_ALERT));
        assert_eq!(udp(&two, 50000, 4433), Some(Service::Dtls));
        two.pop();
        assert_eq!(udp(&two, 50000, 4433), None, "the second record is cut");
    }

    #[test]
    fn sip_and_syslog() {
        let response = b"SIP/2.0 100 Trying\r\nVia: SIP/2.0/UDP 10.35.60.72:5060\r\n";
        let request =
            b"OPTIONS sip:carol@chicago.com SIP/2.0\r\nVia: SIP/2.0/UDP pc33.atlanta.com\r\n";
        assert_eq!(udp(response, 5060, 5060), Some(Service::Sip));
        assert_eq!(udp(request, 5060, 5060), Some(Service::Sip));
        assert_eq!(
            udp(b"OPTIONS sip:carol@chicago.com SIP/3.0\r\n", 5060, 5060),
            None
        );
        assert_eq!(udp(b"hello", 5060, 5060), None);
        // RFC 3164 5.4
        let syslog =
            b"<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8";
        assert_eq!(udp(syslog, 514, 514), Some(Service::Syslog));
        assert_eq!(udp(b"<192>Oct 11 22:14:15 x", 514, 514), None);
        assert_eq!(udp(b"<034>Oct 11 22:14:15 x", 514, 514), None);
    }

    #[test]
    fn greeting_protocols() {
        assert_eq!(
            tcp(SMTP_EHLO, SMTP_GREETING, 57406, 25),
            Verdict::Is(Service::Smtp)
        );
        assert_eq!(
            tcp(b"", b"220 mail.example.com\r\n", 1, 25),
            Verdict::Undecided
        );
        assert_eq!(
            tcp(b"EHLO x\r\n", b"220 mail.example.com\r\n", 1, 25),
            Verdict::Is(Service::Smtp)
        );
        assert_eq!(
            tcp(FTP_USER, FTP_GREETING, 50694, 21),
            Verdict::Is(Service::Ftp)
        );
        assert_eq!(
            tcp(b"", b"220 ProFTPD Server\r\n", 1, 21),
            Verdict::Is(Service::Ftp)
        );
        assert_eq!(
            tcp(b"QUIT\r\n", b"220 mail.example.com\r\n", 1, 25),
            Verdict::No
        );
        assert_eq!(
            tcp(IMAP_CAPABILITY, IMAP_GREETING, 46045, 143),
            Verdict::Is(Service::Imap)
        );
        assert_eq!(
            tcp(b"a1 LOGIN x y\r\n", b"* OK ready\r\n", 1, 143),
            Verdict::Is(Service::Imap)
        );
        assert_eq!(
            tcp(POP3_CAPA, POP3_GREETING, 26272, 110),
            Verdict::Is(Service::Pop3)
        );
        // Redis answers +OK too, but its client speaks first and not in POP3
        assert_eq!(
            tcp(b"*1\r\n$4\r\nPING\r\n", b"+OK\r\n", 1, 6379),
            Verdict::No
        );
        assert_eq!(
            tcp(b"", b"RFB 003.008\n", 1, 5900),
            Verdict::Is(Service::Rfb)
        );
        // with the client silent, other server-first protocols are still possible
        assert_eq!(rfb(b"", b"RFB 003.0x8\n"), No);
    }

    #[test]
    fn mysql_and_postgresql() {
        let greeting = hex(MYSQL_GREETING);
        assert_eq!(
            tcp(b"", &greeting, 36732, 3306),
            Verdict::Is(Service::Mysql)
        );
        let mut filler = greeting.clone();
        let version_end = 5 + greeting[5..]
            .iter()
            .position(|&c| c == 0)
            .expect("a version string");
        assert_eq!(
            &greeting[5..version_end],
            b"5.5.5-10.6.12-MariaDB-0ubuntu0.22.04.1"
        );
        filler[version_end + 1 + 4 + 8] = 1; // the byte after the first scramble must be 0
        assert_eq!(mysql(b"", &filler), No);
        let error = b"\x44\x00\x00\x00\xff\x6a\x04Host '10.0.0.1' is not allowed to connect to this MySQL server";
        assert_eq!(tcp(b"", error, 1, 3306), Verdict::Is(Service::Mysql));

        let ssl = hex(POSTGRESQL_SSL_REQUEST);
        assert_eq!(tcp(&ssl, b"", 58574, 5432), Verdict::Undecided);
        assert_eq!(
            tcp(&ssl, b"S", 58574, 5432),
            Verdict::Is(Service::Postgresql)
        );
        assert_eq!(tcp(&ssl, b"X", 58574, 5432), Verdict::No);
        assert_eq!(
            tcp(POSTGRESQL_STARTUP, b"", 1, 5432),
            Verdict::Is(Service::Postgresql)
        );
        let mut unterminated = POSTGRESQL_STARTUP.to_vec();
        unterminated[40] = b'x';
        assert_eq!(postgresql(&unterminated, b""), No);
        assert_eq!(
            tcp(&POSTGRESQL_STARTUP[..20], b"", 1, 5432),
            Verdict::Undecided
        );
    }

    #[test]
    fn binary_tcp_protocols() {
        assert_eq!(
            tcp(&hex(RDP_REQUEST), b"", 52494, 3389),
            Verdict::Is(Service::Rdp)
        );
        let cookie = b"\x03\x00\x00\x27\x22\xe0\x00\x00\x00\x00\x00Cookie: mstshash=administr\r\n";
        assert_eq!(tcp(cookie, b"", 1, 3389), Verdict::Is(Service::Rdp));
        // S7comm's COTP Connection Request carries TSAP parameters, not RDP's
        let s7 = hex("0300001611e00000000100c0010ac1020100c2020102");
        assert_eq!(rdp(&s7, b""), No);
        assert_eq!(
            tcp(b"", &hex(SMB2_RESPONSE), 49156, 445),
            Verdict::Is(Service::Smb)
        );
        let smb1 = b"\x00\x00\x00\x2f\xffSMBr\x00\x00\x00\x00\x18\x53\xc8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xfe\x00\x00\x00\x00\x00\x0c\x00\x02NT LM 0.12\x00";
        assert_eq!(tcp(smb1, b"", 1, 445), Verdict::Is(Service::Smb));
        assert_eq!(
            tcp(&hex(KRB_TCP_AS_REQ), b"", 49158, 88),
            Verdict::Is(Service::KrbTcp)
        );
        let mut marker = hex(KRB_TCP_AS_REQ);
        marker[3] = 0x3c;
        assert_eq!(
            krb_tcp(&marker, &marker),
            No,
            "the marker must be the length"
        );
        assert_eq!(
            tcp(&hex(LDAP_BIND), b"", 57650, 1389),
            Verdict::Is(Service::Ldap)
        );
        assert_eq!(
            tcp(b"\x01", &hex(LDAP_BIND_RESPONSE), 57650, 1389),
            Verdict::Is(Service::Ldap)
        );
        let (client, server) = (hex(SOCKS5_CLIENT), hex(SOCKS5_SERVER));
        assert_eq!(tcp(&client, b"", 37904, 1080), Verdict::Undecided);
        assert_eq!(
            tcp(&client, &server, 37904, 1080),
            Verdict::Is(Service::Socks)
        );
        assert_eq!(
            tcp(&client, b"\x05\x02", 37904, 1080),
            Verdict::No,
            "method 2 was not offered"
        );
        let socks4 = b"\x04\x01\x00\x50\x0a\x00\x00\x01fred\x00";
        assert_eq!(
            tcp(socks4, b"\x00\x5a\x00\x50\x0a\x00\x00\x01", 1, 1080),
            Verdict::Is(Service::Socks)
        );
        assert_eq!(
            tcp(&hex(MQTT_CONNECT), b"", 35035, 1883),
            Verdict::Is(Service::Mqtt)
        );
        let mut level = hex(MQTT_CONNECT);
        level[9] = 7;
        assert_eq!(mqtt_connect(&level), No);
        assert_eq!(
            tcp(b"", &hex(TELNET_SERVER), 1550, 23),
            Verdict::Is(Service::Telnet)
        );
        assert_eq!(
            telnet(b"\xff\xfd\x99", b""),
            No,
            "option 153 is not assigned"
        );
    }

    #[test]
    fn text_tcp_protocols() {
        assert_eq!(
            tcp(XMPP_STREAM, b"", 54898, 5222),
            Verdict::Is(Service::Xmpp)
        );
        let with_declaration =
            b"<?xml version='1.0'?>\n<stream:stream to='x' xmlns='jabber:client'>";
        assert_eq!(
            tcp(with_declaration, b"", 1, 5222),
            Verdict::Is(Service::Xmpp)
        );
        assert_eq!(xmpp_stream(b"<stream:stream xmlns='urn:other'>"), No);
        let irc = b"NICK alice\r\nUSER alice 0 * :Alice\r\n";
        assert_eq!(tcp(irc, b"", 1, 6667), Verdict::Is(Service::Irc));
        let server = b":irc.example.net 001 alice :Welcome\r\n";
        assert_eq!(
            tcp(b"NICK alice\r\n", server, 1, 6667),
            Verdict::Is(Service::Irc)
        );
        assert_eq!(tcp(b"NICK alice\r\n", b"", 1, 6667), Verdict::Undecided);
        let invite = b"INVITE sip:bob@biloxi.com SIP/2.0\r\nVia: SIP/2.0/TCP pc33.atlanta.com\r\n";
        assert_eq!(tcp(invite, b"", 1, 5060), Verdict::Is(Service::Sip));
    }

    #[test]
    fn other_protocols_are_no() {
        let http = b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
        // until the server speaks, a protocol seen from either side (SMB, LDAP, MQTT, ...) may still show
        assert_eq!(tcp(http, b"", 1, 80), Verdict::Undecided);
        assert_eq!(tcp(http, b"HTTP/1.1 200 OK\r\n\r\n", 1, 80), Verdict::No);
        let client_hello = hex(
            "160301026f0100026b0303f6e7d983cfc184a68cb57fe3b32c2ffdb612c6e04a9d2c6759cd70862bd4",
        );
        let server_hello =
            hex("16030300a10200009d030354b3af576061b2c124ed50ec274216cbc681e4132e28");
        assert_eq!(tcp(&client_hello, &server_hello, 1, 443), Verdict::No);
        assert_eq!(
            tcp(b"", b"SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7\r\n", 1, 22),
            Verdict::Undecided
        );
        assert_eq!(
            tcp(
                b"SSH-2.0-OpenSSH_8.0\r\n",
                b"SSH-2.0-OpenSSH_7.4\r\n",
                1,
                22
            ),
            Verdict::No
        );
        assert_eq!(tcp(b"", b"", 1, 2), Verdict::Undecided);
        // a STUN binding request is no protocol of ours
        let stun = hex("000100002112a442b7e7a701bc34d686fa87dfae");
        assert_eq!(udp(&stun, 50000, 3478), None);
    }

    #[test]
    fn every_prefix_is_undecided_or_right() {
        let cases: [(Vec<u8>, Vec<u8>, Service); 6] = [
            (SMTP_EHLO.to_vec(), SMTP_GREETING.to_vec(), Service::Smtp),
            (hex(RDP_REQUEST), vec![], Service::Rdp),
            (hex(KRB_TCP_AS_REQ), vec![], Service::KrbTcp),
            (hex(LDAP_BIND), vec![], Service::Ldap),
            (hex(MQTT_CONNECT), vec![], Service::Mqtt),
            (XMPP_STREAM.to_vec(), vec![], Service::Xmpp),
        ];
        for (orig, resp, service) in cases {
            for n in 0..orig.len() {
                let verdict = tcp(&orig[..n], &resp, 1, 2);
                assert!(
                    matches!(verdict, Verdict::Undecided) || verdict == Verdict::Is(service),
                    "{service:?} at {n}: {verdict:?}"
                );
            }
            assert_eq!(tcp(&orig, &resp, 1, 2), Verdict::Is(service));
        }
    }

    #[test]
    fn names() {
        let all = [
            Service::Dhcp,
            Service::Dhcpv6,
            Service::Ntp,
            Service::Smtp,
            Service::Ftp,
            Service::Smb,
            Service::Krb,
            Service::KrbTcp,
            Service::Rdp,
            Service::Ldap,
            Service::LdapUdp,
            Service::Sip,
            Service::Snmp,
            Service::Mdns,
            Service::Llmnr,
            Service::Netbios,
            Service::Syslog,
            Service::Mysql,
            Service::Postgresql,
            Service::Imap,
            Service::Pop3,
            Service::Irc,
            Service::Radius,
            Service::Socks,
            Service::Mqtt,
            Service::Dtls,
            Service::Rfb,
            Service::Telnet,
            Service::Xmpp,
        ];
        let names: std::collections::HashSet<_> = all.iter().map(|s| s.zeek_name()).collect();
        assert_eq!(names.len(), all.len());
        assert_eq!(zeek_name_of_ndpi("TLS"), Some("ssl"));
        assert_eq!(zeek_name_of_ndpi("SMBv23"), Some("smb"));
        assert_eq!(zeek_name_of_ndpi("FTP_CONTROL"), Some("ftp"));
        assert_eq!(zeek_name_of_ndpi("Kerberos"), Some("krb"));
        assert_eq!(zeek_name_of_ndpi_over("Kerberos", true), Some("krb_tcp"));
        assert_eq!(zeek_name_of_ndpi_over("LDAP", false), Some("ldap_udp"));
        assert_eq!(zeek_name_of_ndpi("Google"), None);
        // every name a probe gives is one nDPI's mapping can give
        for service in all {
            let known = ["krb_tcp", "ldap_udp"].contains(&service.zeek_name())
                || [
                    "DHCP",
                    "DHCPV6",
                    "NTP",
                    "SMTP",
                    "FTP_CONTROL",
                    "SMBv1",
                    "Kerberos",
                    "RDP",
                    "LDAP",
                    "SIP",
                    "SNMP",
                    "MDNS",
                    "LLMNR",
                    "NetBIOS",
                    "Syslog",
                    "MySQL",
                    "PostgreSQL",
                    "IMAP",
                    "POP3",
                    "IRC",
                    "RADIUS",
                    "SOCKS",
                    "MQTT",
                    "DTLS",
                    "VNC",
                    "Telnet",
                    "Jabber",
                ]
                .iter()
                .any(|ndpi| zeek_name_of_ndpi(ndpi) == Some(service.zeek_name()));
            assert!(known, "{service:?}");
        }
    }

    fn real_messages() -> Vec<Vec<u8>> {
        let mut all: Vec<Vec<u8>> = [
            DHCPV6,
            LLMNR,
            MDNS,
            NBNS,
            NTP4,
            SNMP_GET,
            KRB_ERROR,
            DTLS_OLD_HELLO_VERIFY,
            RADIUS,
            MYSQL_GREETING,
            RDP_REQUEST,
            SMB2_RESPONSE,
            KRB_TCP_AS_REQ,
            LDAP_BIND,
            SOCKS5_CLIENT,
            MQTT_CONNECT,
            TELNET_SERVER,
        ]
        .iter()
        .map(|s| hex(s))
        .collect();
        all.push(dhcp_discover());
        all.extend(
            [
                SMTP_GREETING,
                FTP_USER,
                IMAP_CAPABILITY,
                XMPP_STREAM,
                POSTGRESQL_STARTUP,
            ]
            .map(<[u8]>::to_vec),
        );
        all
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(a in proptest::collection::vec(any::<u8>(), 0..600),
                                       b in proptest::collection::vec(any::<u8>(), 0..600),
                                       port in any::<u16>()) {
            let _ = tcp(&a, &b, port, port);
            for well_known in [53, 67, 88, 123, 137, 138, 161, 389, 514, 546, 5060, 5353, 5355] {
                let _ = udp(&a, port, well_known);
            }
        }

        #[test]
        fn mutated_messages_never_panic(index in 0usize..23, at in any::<usize>(), byte in any::<u8>(),
                                        cut in any::<usize>()) {
            let messages = real_messages();
            let mut m = messages[index % messages.len()].clone();
            let at = at % m.len();
            m[at] = byte;
            m.truncate(cut % (m.len() + 1));
            let _ = tcp(&m, &m, 1, 2);
            let _ = tcp(b"", &m, 1, 2);
            for port in [67, 88, 123, 137, 138, 161, 546, 5353, 5355] {
                let _ = udp(&m, port, port);
            }
        }
    }
}
