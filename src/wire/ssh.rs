//! SSH version exchange and first key exchange message (RFC 4253 §4.2, §6, §7.1), and the HASSH
//! fingerprints of the latter.
//!
//! Each side of an SSH connection first sends its identification line, [`banner`]
//! (`SSH-2.0-softwareversion comments`), then binary packets, the first of which is its
//! `SSH_MSG_KEXINIT`: the algorithms it supports, in order of preference, for key exchange, host
//! key, encryption, MAC and compression, each for both directions. [`kexinit`] reads that packet
//! (it is sent before any encryption is negotiated, so in the clear), and [`hassh`] and
//! [`hassh_server`] are Salesforce's fingerprints of it: the MD5 of
//! `kex;encryption;mac;compression` of the client-to-server lists in the client's KEXINIT, and of
//! the server-to-client lists in the server's.

use std::fmt::Write;

use md5::{Digest, Md5};

use super::u32_at;

mod field {
    use crate::wire::Field;
    pub const PACKET_LENGTH: Field = 0..4;
    pub const PADDING_LENGTH: usize = 4;
    pub const PAYLOAD: usize = 5;
    /// In the payload: the message number, the cookie, then the name-lists.
    pub const MESSAGE: usize = 0;
    pub const COOKIE: Field = 1..17;
    pub const NAME_LENGTH: Field = 0..4;
}

/// Bytes an identification line may take, CR LF included (RFC 4253 §4.2).
pub const MAX_BANNER_LINE: usize = 255;

/// Bytes of other lines a server may send before its identification line that are skipped, before
/// the connection is taken as not SSH.
pub const MAX_PRE_BANNER: usize = 8 * 1024;

/// Bytes a binary packet may take, its length field included: RFC 4253 §6.1's 35000, which every
/// implementation must accept. It bounds each name-list's allocation.
pub const MAX_PACKET: usize = 35_000;

/// The message number of `SSH_MSG_KEXINIT`.
pub const MSG_KEXINIT: u8 = 20;

/// What [`banner`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Banner<'a> {
    /// The identification line without its CR LF, and the bytes through its LF, counted from the
    /// start (so including any lines before it).
    Complete(&'a str, usize),
    /// The bytes so far can begin an identification; more are needed.
    Incomplete,
    /// The bytes are not SSH's.
    NotSsh,
}

/// What [`kexinit`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet<T> {
    /// The message, and the bytes of the whole packet.
    Complete(T, usize),
    /// The packet goes on past the bytes so far.
    Incomplete,
    /// The bytes are not a packet holding this message.
    Invalid,
}

/// The name-lists of an `SSH_MSG_KEXINIT` that the fingerprints use, each as sent
/// (comma-separated names, most preferred first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KexInit {
    /// Key exchange methods.
    pub kex: String,
    /// Server host key algorithms.
    pub host_key: String,
    /// Ciphers, client to server.
    pub enc_c2s: String,
    /// Ciphers, server to client.
    pub enc_s2c: String,
    /// MAC algorithms, client to server.
    pub mac_c2s: String,
    /// MAC algorithms, server to client.
    pub mac_s2c: String,
    /// Compression methods, client to server.
    pub comp_c2s: String,
    /// Compression methods, server to client.
    pub comp_s2c: String,
}

/// Whether `b` starts with an SSH identification: `SSH-1.` or `SSH-2.`.
pub fn looks_like_banner(b: &[u8]) -> bool {
    b.starts_with(b"SSH-2.") || b.starts_with(b"SSH-1.")
}

/// Finds the identification line at the start of `b`, skipping up to [`MAX_PRE_BANNER`] bytes of
/// other text lines first (only a server may send them, RFC 4253 §4.2). Lines may end with a bare
/// LF, as the RFC asks clients to accept.
pub fn banner(b: &[u8]) -> Banner<'_> {
    let mut at = 0;
    // Each pass moves past one line, so `at` grows until it passes the bound.
    while at <= MAX_PRE_BANNER {
        let Some(rest) = b.get(at..).filter(|rest| !rest.is_empty()) else {
            return Banner::Incomplete;
        };
        let prefix = rest.len().min(4);
        if rest[..prefix] == b"SSH-"[..prefix] {
            return identification(rest, at);
        }
        let window = &rest[..rest.len().min(MAX_PRE_BANNER + 1 - at)];
        let line_len = window.iter().position(|&c| c == b'\n');
        let line = &window[..line_len.unwrap_or(window.len())];
        if line
            .iter()
            .any(|&c| c < b' ' && c != b'\t' && c != b'\r' || c == 0x7f)
        {
            return Banner::NotSsh;
        }
        match line_len {
            Some(n) => at += n + 1,
            None if window.len() < rest.len() => return Banner::NotSsh,
            None => return Banner::Incomplete,
        }
    }
    Banner::NotSsh
}

/// The identification line at the start of `rest`, which is `at` bytes into the connection.
fn identification(rest: &[u8], at: usize) -> Banner<'_> {
    let window = &rest[..rest.len().min(MAX_BANNER_LINE)];
    let Some(lf) = window.iter().position(|&c| c == b'\n') else {
        return if window.len() < MAX_BANNER_LINE {
            Banner::Incomplete
        } else {
            Banner::NotSsh
        };
    };
    let line = &window[..lf];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if !valid_protoversion(line) {
        return Banner::NotSsh;
    }
    match std::str::from_utf8(line) {
        Ok(line) => Banner::Complete(line, at + lf + 1),
        Err(_) => Banner::NotSsh,
    }
}

/// Whether `line` starts `SSH-major.minor-`.
fn valid_protoversion(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"SSH-") else {
        return false;
    };
    let Some(dash) = rest.iter().position(|&c| c == b'-') else {
        return false;
    };
    let version = &rest[..dash];
    let Some(dot) = version.iter().position(|&c| c == b'.') else {
        return false;
    };
    let digits = |n: &[u8]| !n.is_empty() && n.iter().all(u8::is_ascii_digit);
    digits(&version[..dot]) && digits(&version[dot + 1..])
}

/// Reads the binary packet at the start of `b` (the bytes right after the banner), which must
/// hold an `SSH_MSG_KEXINIT`. The packet must be whole; the name-lists after the compression ones
/// need not be there.
pub fn kexinit(b: &[u8]) -> Packet<KexInit> {
    if b.len() < field::PACKET_LENGTH.end {
        return Packet::Incomplete;
    }
    let packet_len = (u32_at(b, field::PACKET_LENGTH) as usize).saturating_add(field::PAYLOAD - 1);
    if packet_len > MAX_PACKET {
        return Packet::Invalid;
    }
    if b.get(field::PAYLOAD).is_some_and(|&m| m != MSG_KEXINIT) {
        return Packet::Invalid;
    }
    let Some(packet) = b.get(..packet_len) else {
        return Packet::Incomplete;
    };
    // A packet_length of 0 leaves no room even for the padding length.
    let Some(&padding) = packet.get(field::PADDING_LENGTH) else {
        return Packet::Invalid;
    };
    let padding = usize::from(padding);
    let Some(payload) = packet_len
        .checked_sub(padding)
        .and_then(|end| packet.get(field::PAYLOAD..end))
    else {
        return Packet::Invalid;
    };
    if payload.get(field::MESSAGE) != Some(&MSG_KEXINIT) {
        return Packet::Invalid;
    }
    match payload.get(field::COOKIE.end..).and_then(name_lists) {
        Some(k) => Packet::Complete(k, packet_len),
        None => Packet::Invalid,
    }
}

/// The eight name-lists after a KEXINIT's cookie.
fn name_lists(mut lists: &[u8]) -> Option<KexInit> {
    let mut next = || {
        let list = name_list(lists)?;
        lists = &lists[field::NAME_LENGTH.end + list.len()..];
        Some(list.to_owned())
    };
    Some(KexInit {
        kex: next()?,
        host_key: next()?,
        enc_c2s: next()?,
        enc_s2c: next()?,
        mac_c2s: next()?,
        mac_s2c: next()?,
        comp_c2s: next()?,
        comp_s2c: next()?,
    })
}

/// The name-list (RFC 4251 §5: a `uint32` length and US-ASCII names) at the start of `b`.
fn name_list(b: &[u8]) -> Option<&str> {
    let len = u32_at(b.get(field::NAME_LENGTH)?, field::NAME_LENGTH) as usize;
    let list = b.get(field::NAME_LENGTH.end..)?.get(..len)?;
    if !list.is_ascii() {
        return None;
    }
    std::str::from_utf8(list).ok()
}

/// The client fingerprint of a client's KEXINIT: MD5 of `kex;enc_c2s;mac_c2s;comp_c2s`, in hex.
pub fn hassh(k: &KexInit) -> String {
    md5_hex(&[&k.kex, &k.enc_c2s, &k.mac_c2s, &k.comp_c2s])
}

/// The server fingerprint of a server's KEXINIT: MD5 of `kex;enc_s2c;mac_s2c;comp_s2c`, in hex.
pub fn hassh_server(k: &KexInit) -> String {
    md5_hex(&[&k.kex, &k.enc_s2c, &k.mac_s2c, &k.comp_s2c])
}

/// The MD5 of `lists` joined with `;`, in lower-case hex.
fn md5_hex(lists: &[&str; 4]) -> String {
    let mut md5 = Md5::new();
    for (i, list) in lists.iter().enumerate() {
        if i > 0 {
            md5.update(b";");
        }
        md5.update(list.as_bytes());
    }
    md5.finalize()
        .iter()
        .fold(String::with_capacity(32), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The client's and the server's identification in the corpus's ssh.pcap (frames 6 and 4).
    static CLIENT_BANNER: &[u8] = b"SSH-2.0-OpenSSH_5.6\r\n";
    static SERVER_BANNER: &[u8] = b"SSH-2.0-OpenSSH_5.3\r\n";

    /// The client's KEXINIT packet (frame 8): hassh 21b457a327ce7a2d4fce5ef2c42400bd by tshark.
    static CLIENT_KEXINIT: &[u8] = b"\x00\x00\x03\x84\x04\x14\x18\xba1G\x1a\xce\xf2-\x88\x89\xd6\xd1DP\x0d\xf4\x00\x00\x00~diffie\
    -hellman-group-exchange-sha256,diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha\
    1,diffie-hellman-group1-sha1\x00\x00\x00\x83ssh-rsa-cert-v01@openssh.com,ssh-dss-cert-v01@op\
    enssh.com,ssh-rsa-cert-v00@openssh.com,ssh-dss-cert-v00@openssh.com,ssh-rsa,ssh-dss\x00\x00\
    \x00\x9daes128-ctr,aes192-ctr,aes256-ctr,arcfour256,arcfour128,aes128-cbc,3des-cbc,blowfish-\
    cbc,cast128-cbc,aes192-cbc,aes256-cbc,arcfour,rijndael-cbc@lysator.liu.se\x00\x00\x00\x9daes\
    128-ctr,aes192-ctr,aes256-ctr,arcfour256,arcfour128,aes128-cbc,3des-cbc,blowfish-cbc,cast128\
    -cbc,aes192-cbc,aes256-cbc,arcfour,rijndael-cbc@lysator.liu.se\x00\x00\x00ihmac-md5,hmac-sha\
    1,umac-64@openssh.com,hmac-ripemd160,hmac-ripemd160@openssh.com,hmac-sha1-96,hmac-md5-96\x00\
    \x00\x00ihmac-md5,hmac-sha1,umac-64@openssh.com,hmac-ripemd160,hmac-ripemd160@openssh.com,hm\
    ac-sha1-96,hmac-md5-96\x00\x00\x00\x1anone,zlib@openssh.com,zlib\x00\x00\x00\x1anone,zlib@op\
    enssh.com,zlib\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";

    /// The server's KEXINIT packet (frame 10): hasshServer b1c6c0d56317555b85c7005a3de29325 by tshark.
    static SERVER_KEXINIT: &[u8] = b"\x00\x00\x03\x0c\x0a\x14\x00\xf2)N\x8c)\xfd\x1d\xc4VA\xba]\xaf\xaa\xd7\x00\x00\x00~diffie-he\
    llman-group-exchange-sha256,diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha1,d\
    iffie-hellman-group1-sha1\x00\x00\x00\x0fssh-rsa,ssh-dss\x00\x00\x00\x9daes128-ctr,aes192-ct\
    r,aes256-ctr,arcfour256,arcfour128,aes128-cbc,3des-cbc,blowfish-cbc,cast128-cbc,aes192-cbc,a\
    es256-cbc,arcfour,rijndael-cbc@lysator.liu.se\x00\x00\x00\x9daes128-ctr,aes192-ctr,aes256-ct\
    r,arcfour256,arcfour128,aes128-cbc,3des-cbc,blowfish-cbc,cast128-cbc,aes192-cbc,aes256-cbc,a\
    rcfour,rijndael-cbc@lysator.liu.se\x00\x00\x00ihmac-md5,hmac-sha1,umac-64@openssh.com,hmac-r\
    ipemd160,hmac-ripemd160@openssh.com,hmac-sha1-96,hmac-md5-96\x00\x00\x00ihmac-md5,hmac-sha1,\
    umac-64@openssh.com,hmac-ripemd160,hmac-ripemd160@openssh.com,hmac-sha1-96,hmac-md5-96\x00\
    \x00\x00\x15none,zlib@openssh.com\x00\x00\x00\x15none,zlib@openssh.com\x00\x00\x00\x00\x00\
    \x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";

    fn complete(b: &[u8]) -> (KexInit, usize) {
        match kexinit(b) {
            Packet::Complete(k, n) => (k, n),
            other => panic!("not a complete KEXINIT: {other:?}"),
        }
    }

    #[test]
    fn banners() {
        assert_eq!(
            banner(CLIENT_BANNER),
            Banner::Complete("SSH-2.0-OpenSSH_5.6", 21)
        );
        assert!(looks_like_banner(SERVER_BANNER));
        let mut both = SERVER_BANNER.to_vec();
        both.extend_from_slice(SERVER_KEXINIT);
        assert_eq!(banner(&both), Banner::Complete("SSH-2.0-OpenSSH_5.3", 21));
        assert_eq!(
            banner(b"SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7\n"),
            Banner::Complete("SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7", 39)
        );
        assert_eq!(
            banner(b"SSH-1.99-Cisco-1.25\r\n"),
            Banner::Complete("SSH-1.99-Cisco-1.25", 21)
        );
        for n in 0..CLIENT_BANNER.len() {
            assert_eq!(banner(&CLIENT_BANNER[..n]), Banner::Incomplete, "{n}");
        }
    }

    #[test]
    fn lines_before_the_banner() {
        let b = b" ____\n< Hi stranger >\r\n\r\nSSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u5\r\n\0\0";
        assert_eq!(
            banner(b),
            Banner::Complete("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u5", b.len() - 2)
        );
        assert_eq!(banner(b" ____\n< Hi"), Banner::Incomplete);
        let mut long = vec![b'x'; MAX_PRE_BANNER - 1];
        long.extend_from_slice(b"\nSSH-2.0-x\r\n");
        assert!(matches!(banner(&long), Banner::Complete("SSH-2.0-x", _)));
        long.insert(0, b'x');
        assert_eq!(banner(&long), Banner::NotSsh);
        let lines = b"a\n".repeat(MAX_PRE_BANNER);
        assert_eq!(banner(&lines), Banner::NotSsh);
    }

    #[test]
    fn not_banners() {
        for bad in [
            &b"\x16\x03\x01\x02\x00"[..],
            b"SSH-\r\n",
            b"SSH-2.0\r\n",
            b"SSH-2-x\r\n",
            b"SSH-.0-x\r\n",
            b"SSX\x01",
            b"SSH-2.0-\xff\r\n",
            b"GET / HTTP/1.1\r\n\0",
        ] {
            assert_eq!(banner(bad), Banner::NotSsh, "{bad:?}");
        }
        // Text could be a server's lines before its banner.
        assert_eq!(banner(b"SSX"), Banner::Incomplete);
        let mut long = b"SSH-2.0-".to_vec();
        long.resize(MAX_BANNER_LINE, b'a');
        assert_eq!(banner(&long), Banner::NotSsh);
        long.truncate(MAX_BANNER_LINE - 1);
        assert_eq!(banner(&long), Banner::Incomplete);
        assert!(!looks_like_banner(b"SSH-3.0-x"));
        assert!(!looks_like_banner(b"SSH-"));
    }

    #[test]
    fn deconstruct_client_kexinit() {
        let (k, n) = complete(CLIENT_KEXINIT);
        assert_eq!(n, CLIENT_KEXINIT.len());
        assert!(k.kex.starts_with("diffie-hellman-group-exchange-sha256,"));
        assert!(
            k.host_key.starts_with("ssh-rsa-cert-v01@openssh.com,")
                && k.host_key.ends_with(",ssh-dss")
        );
        assert!(
            k.enc_c2s.starts_with("aes128-ctr,")
                && k.enc_c2s.ends_with(",rijndael-cbc@lysator.liu.se")
        );
        assert_eq!(k.enc_c2s, k.enc_s2c);
        assert!(k.mac_c2s.starts_with("hmac-md5,") && k.mac_c2s.ends_with(",hmac-md5-96"));
        assert_eq!(k.mac_c2s, k.mac_s2c);
        assert_eq!(
            (k.comp_c2s.as_str(), k.comp_s2c.as_str()),
            ("none,zlib@openssh.com,zlib", "none,zlib@openssh.com,zlib")
        );
        assert_eq!(hassh(&k), "21b457a327ce7a2d4fce5ef2c42400bd");
    }

    #[test]
    fn deconstruct_server_kexinit() {
        let (k, n) = complete(SERVER_KEXINIT);
        assert_eq!(n, SERVER_KEXINIT.len());
        assert_eq!(k.host_key, "ssh-rsa,ssh-dss");
        assert_eq!(k.comp_s2c, "none,zlib@openssh.com");
        assert_eq!(hassh_server(&k), "b1c6c0d56317555b85c7005a3de29325");
        // The server's lists differ from the client's only in compression and host key.
        let (client, _) = complete(CLIENT_KEXINIT);
        assert_ne!(hassh(&k), hassh(&client));
    }

    #[test]
    fn truncated_kexinit() {
        for n in 0..SERVER_KEXINIT.len() {
            assert_eq!(kexinit(&SERVER_KEXINIT[..n]), Packet::Incomplete, "{n}");
        }
    }

    #[test]
    fn a_zero_packet_length_is_invalid() {
        // Found by the `ssh` fuzz target (fuzz/regressions/ssh/): the packet ended before its
        // padding length.
        assert_eq!(kexinit(&[0, 0, 0, 0]), Packet::Invalid);
        assert_eq!(kexinit(&[0, 0, 0, 0, 4, 20]), Packet::Invalid);
    }

    #[test]
    fn impossible_lengths() {
        // A packet longer than the bound.
        let mut b = SERVER_KEXINIT.to_vec();
        b[..4].copy_from_slice(&(MAX_PACKET as u32).to_be_bytes());
        assert_eq!(kexinit(&b), Packet::Invalid);
        b[..4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(kexinit(&b), Packet::Invalid);
        // Padding longer than the packet.
        let mut b = SERVER_KEXINIT.to_vec();
        b[4] = 0xff;
        let short = u32::try_from(b.len().min(200)).expect("small");
        b[..4].copy_from_slice(&(short - 4).to_be_bytes());
        assert_eq!(kexinit(&b), Packet::Invalid);
        // A name-list running past the payload.
        let mut b = SERVER_KEXINIT.to_vec();
        b[22..26].copy_from_slice(&0x0000_ffffu32.to_be_bytes());
        assert_eq!(kexinit(&b), Packet::Invalid);
        // Another message.
        let mut b = SERVER_KEXINIT.to_vec();
        b[5] = 21;
        assert_eq!(kexinit(&b[..6]), Packet::Invalid);
        // Non-ASCII names.
        let mut b = SERVER_KEXINIT.to_vec();
        b[30] = 0xc3;
        assert_eq!(kexinit(&b), Packet::Invalid);
    }

    #[test]
    fn lists_after_compression_are_optional() {
        // Only the eight lists the fingerprints use must be there: cut off the padding (10
        // bytes), the two empty language lists, the boolean and the reserved field (13 bytes).
        let (k, _) = complete(SERVER_KEXINIT);
        let kept = SERVER_KEXINIT.len() - 10 - 13;
        let mut b = SERVER_KEXINIT[..kept].to_vec();
        b.extend_from_slice(&[0; 10]);
        let len = u32::try_from(b.len() - 4).expect("small");
        b[..4].copy_from_slice(&len.to_be_bytes());
        assert_eq!(complete(&b).0, k);
    }

    proptest! {
        #[test]
        fn no_input_panics(b in proptest::collection::vec(any::<u8>(), 0..1024)) {
            let _ = banner(&b);
            let _ = looks_like_banner(&b);
            if let Packet::Complete(k, n) = kexinit(&b) {
                prop_assert!(n <= b.len());
                let _ = (hassh(&k), hassh_server(&k));
            }
        }

        #[test]
        fn mutations_do_not_panic(at in 0..SERVER_KEXINIT.len(), byte in any::<u8>(), cut in 0..SERVER_KEXINIT.len()) {
            let mut b = SERVER_KEXINIT.to_vec();
            b[at] = byte;
            b.truncate(cut.max(at + 1));
            if let Packet::Complete(_, n) = kexinit(&b) {
                prop_assert!(n <= b.len());
            }
            let mut line = CLIENT_BANNER.to_vec();
            line[at % CLIENT_BANNER.len()] = byte;
            if let Banner::Complete(s, n) = banner(&line) {
                prop_assert!(n <= line.len() && s.len() < n);
            }
        }
    }
}
