//! The application-layer sample: DNS over UDP and TCP, TLS 1.2 and 1.3 handshakes (GREASE, and a
//! post-quantum key share that spreads the ClientHello over two segments), a QUIC v1 Initial
//! encrypted as RFC 9001 says, HTTP/1.1 with pipelined requests and sized, chunked and
//! close-delimited bodies (one on a port HTTP is not known on), and SSH banners with KEXINIT.
//! tshark, run live on it, is what the application layer is checked against.
//!
//! The messages are built here from the RFCs, not with the parsers of `wire/`, and the QUIC
//! packet is sealed with the RustCrypto primitives directly, so that a shared mistake cannot
//! hide.

use std::io;

use aes::cipher::{BlockEncrypt, KeyInit};
use aes_gcm::aead::AeadInPlace;
use hkdf::Hkdf;
use sha2::Sha256;

use super::traffic::{v4, v6, Ip, Link, Rng, SampleFrame, Session, EPOCH_NS};

/// The frames of the sample, in time order.
pub(super) fn app_traffic(seed: u64) -> io::Result<Vec<SampleFrame>> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    let client = v4(21, [10, 1, 0]);
    let resolver = v4(53, [192, 0, 2]);
    let web = v4(80, [203, 0, 113]);
    let mut ts = EPOCH_NS + 3_600_000_000_000;
    let dns_queries: [(&str, u16, u8); 6] = [
        ("www.example.com", 1, 0),
        ("www.example.com", 28, 0),
        ("mail.example.net", 15, 0),
        ("nx.example.org", 1, 3),
        ("ojsxg5dfoqqgk6dbnvygyzi.tunnel.example", 16, 0),
        ("_sip._udp.example.com", 33, 0),
    ];
    for (name, qtype, rcode) in dns_queries {
        session(&mut rng, &mut out, client, resolver, &mut ts, &|s| {
            let id = s.rng.next_u64() as u16;
            let ports = (s.rng.range(1024, 65535) as u16, 53);
            let query = dns_query(id, name, qtype);
            s.udp(true, ports, &query)?;
            s.wait(2_000, 20_000);
            s.udp(false, ports, &dns_response(&query, qtype, rcode))
        })?;
    }
    // A query never answered.
    session(&mut rng, &mut out, client, resolver, &mut ts, &|s| {
        let ports = (s.rng.range(1024, 65535) as u16, 53);
        s.udp(true, ports, &dns_query(0x5151, "lost.example.com", 1))
    })?;
    // DNS over TCP: two queries in one segment, then their answers in one.
    session(&mut rng, &mut out, client, resolver, &mut ts, &|s| {
        let q1 = dns_query(0x1001, "big.example.com", 1);
        let q2 = dns_query(0x1002, "big.example.com", 28);
        let mut ask = tcp_framed(&q1);
        ask.extend(tcp_framed(&q2));
        let mut answer = tcp_framed(&dns_response(&q1, 1, 0));
        answer.extend(tcp_framed(&dns_response(&q2, 28, 0)));
        tcp_exchange(s, 53, &[(true, ask), (false, answer)], 1448)
    })?;
    // TLS 1.3 with GREASE and a hybrid post-quantum key share: the ClientHello spans two
    // segments.
    session(&mut rng, &mut out, client, web, &mut ts, &|s| {
        let hello = client_hello(s.rng, "www.example.com", &["h2", "http/1.1"], true, true);
        let server = [
            record(22, &server_hello(s.rng, 0x1301, true)),
            record(20, &[1]),
            record(23, &[0x42; 900]),
        ]
        .concat();
        let messages = [
            (true, record(22, &hello)),
            (false, server),
            (true, [record(20, &[1]), record(23, &[0x17; 80])].concat()),
            (false, record(23, &[0x33; 300])),
        ];
        tcp_exchange(s, 443, &messages, 1448)
    })?;
    // TLS 1.2 without GREASE, to a server on 8443.
    session(&mut rng, &mut out, client, web, &mut ts, &|s| {
        let hello = client_hello(s.rng, "api.example.net", &["http/1.1"], false, false);
        let certificate = handshake(11, &[0u8; 1200]);
        let server = [record(
            22,
            &[
                server_hello(s.rng, 0xc02f, false),
                certificate,
                handshake(14, &[]),
            ]
            .concat(),
        )]
        .concat();
        let finish = [
            record(22, &handshake(16, &[0x04; 66])),
            record(20, &[1]),
            record(22, &[0x5a; 40]),
        ]
        .concat();
        let messages = [
            (true, record(22, &hello)),
            (false, server),
            (true, finish),
            (false, [record(20, &[1]), record(22, &[0x5b; 40])].concat()),
            (true, record(23, &[0x61; 200])),
        ];
        tcp_exchange(s, 8443, &messages, 1448)
    })?;
    // TLS 1.2 behind a load balancer: a PROXY v1 header before the ClientHello.
    session(&mut rng, &mut out, client, web, &mut ts, &|s| {
        let hello = client_hello(s.rng, "lb.example.com", &["http/1.1"], false, false);
        let first = [
            b"PROXY TCP4 198.51.100.7 203.0.113.80 40222 443\r\n".to_vec(),
            record(22, &hello),
        ]
        .concat();
        let messages = [
            (true, first),
            (false, record(22, &server_hello(s.rng, 0xc02f, false))),
        ];
        tcp_exchange(s, 443, &messages, 1448)
    })?;
    // TLS after cleartext banners (NoMachine's NX protocol on 4000 upgrades so).
    session(&mut rng, &mut out, client, web, &mut ts, &|s| {
        let hello = client_hello(s.rng, "nx.example.com", &[], false, false);
        let messages = [
            (true, b"NXSH-8.10.1\n".to_vec()),
            (false, b"NXD-8.10.1\n".to_vec()),
            (true, record(22, &hello)),
            (false, record(22, &server_hello(s.rng, 0xc02f, false))),
        ];
        tcp_exchange(s, 4000, &messages, 1448)
    })?;
    // A TLS server's side only, captured after the client's SYN and ClientHello went by.
    session(&mut rng, &mut out, client, web, &mut ts, &|s| {
        let ports = (s.rng.range(32768, 61000) as u16, 443);
        let (c, v) = (s.rng.next_u64() as u32, s.rng.next_u64() as u32);
        let server = record(
            22,
            &[
                server_hello(s.rng, 0xc030, false),
                handshake(11, &[0u8; 600]),
                handshake(14, &[]),
            ]
            .concat(),
        );
        s.tcp(false, ports, v, Some(c), "P", &server)?;
        s.wait(20_000, 40_000);
        s.tcp(
            false,
            ports,
            v.wrapping_add(server.len() as u32),
            Some(c.wrapping_add(120)),
            "P",
            &record(20, &[1]),
        )
    })?;
    // QUIC v1: the client's Initial, padded to 1,200 bytes.
    session(&mut rng, &mut out, client, web, &mut ts, &|s| {
        let hello = client_hello(s.rng, "quic.example.org", &["h3"], true, false);
        let dcid: Vec<u8> = (0..8).map(|_| s.rng.next_u64() as u8).collect();
        let scid: Vec<u8> = (0..8).map(|_| s.rng.next_u64() as u8).collect();
        let ports = (s.rng.range(1024, 65535) as u16, 443);
        s.udp(true, ports, &quic_initial(&dcid, &scid, &hello))?;
        s.wait(5_000, 30_000);
        s.udp(false, ports, &[0x4f; 1100])
    })?;
    // HTTP/1.1: two requests pipelined in one segment, answered with a sized and a chunked
    // body; then a POST.
    session(&mut rng, &mut out, client, web, &mut ts, &|s| {
        let requests = [
            http_request("GET", "/index.html", "www.example.com", None),
            http_request("GET", "/style.css", "www.example.com", None),
        ]
        .concat();
        let first = http_response(200, "OK", &Body::Sized(5000));
        let second = http_response(200, "OK", &Body::Chunked(&[700, 300]));
        let post = http_request("POST", "/api/v1/upload?x=1", "www.example.com", Some(1234));
        let created = http_response(201, "Created", &Body::Sized(17));
        let messages = [
            (true, requests),
            (false, [first, second].concat()),
            (true, post),
            (false, created),
        ];
        tcp_exchange(s, 80, &messages, 1448)
    })?;
    // HTTP on a port it is not known on, the body running to the close.
    session(&mut rng, &mut out, client, web, &mut ts, &|s| {
        let messages = [
            (
                true,
                http_request("GET", "/c2/beacon", "198.51.100.9:4444", None),
            ),
            (
                false,
                http_response(404, "Not Found", &Body::UntilClose(90)),
            ),
        ];
        tcp_exchange(s, 4444, &messages, 1448)
    })?;
    // SSH over IPv6: banners, then each side's KEXINIT.
    session(
        &mut rng,
        &mut out,
        v6(1, 0x21),
        v6(2, 0x22),
        &mut ts,
        &|s| {
            let messages = [
                (false, b"SSH-2.0-OpenSSH_9.6p1 Debian-4\r\n".to_vec()),
                (true, b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n".to_vec()),
                (false, ssh_kexinit(s.rng, true)),
                (true, ssh_kexinit(s.rng, false)),
                (true, ssh_packet(30, &[0x11; 36])),
            ];
            tcp_exchange(s, 22, &messages, 1448)
        },
    )?;
    out.sort_by_key(|f| f.ts_ns);
    Ok(out)
}

/// Runs `run` as a session between `client` and `server`, a quarter second after the last.
fn session(
    rng: &mut Rng,
    out: &mut Vec<SampleFrame>,
    client: Ip,
    server: Ip,
    ts: &mut i64,
    run: &dyn Fn(&mut Session<'_>) -> io::Result<()>,
) -> io::Result<()> {
    *ts += 250_000_000;
    let mut s = Session {
        link: Link::Ethernet,
        client,
        server,
        rng,
        ts: *ts,
        out,
    };
    run(&mut s)
}

/// A whole TCP connection to `dport`: handshake, each message in segments of at most `mss`
/// bytes (each direction acknowledged), and an orderly close.
fn tcp_exchange(
    s: &mut Session<'_>,
    dport: u16,
    messages: &[(bool, Vec<u8>)],
    mss: usize,
) -> io::Result<()> {
    let ports = (s.rng.range(32768, 61000) as u16, dport);
    let (c, v) = (s.rng.next_u64() as u32, s.rng.next_u64() as u32);
    let (mut c, mut v) = s.tcp_open(ports, c, v, 1_000)?;
    for (from_client, message) in messages {
        for piece in message.chunks(mss) {
            s.wait(100, 400);
            let (seq, ack) = if *from_client { (c, v) } else { (v, c) };
            s.tcp(*from_client, ports, seq, Some(ack), "P", piece)?;
            if *from_client {
                c = c.wrapping_add(piece.len() as u32);
            } else {
                v = v.wrapping_add(piece.len() as u32);
            }
        }
        s.wait(500, 1_000);
        let (seq, ack) = if *from_client { (v, c) } else { (c, v) };
        s.tcp(!*from_client, ports, seq, Some(ack), "", &[])?;
    }
    s.wait(1_000, 2_000);
    s.tcp_close(ports, c, v, 1_000)
}

/// `name` in DNS's wire form.
fn dns_name(name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for label in name.split('.') {
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
    out
}

/// A recursive query for `name` of type `qtype`, class IN.
pub(super) fn dns_query(id: u16, name: &str, qtype: u16) -> Vec<u8> {
    let mut q = id.to_be_bytes().to_vec();
    q.extend_from_slice(&[1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    q.extend(dns_name(name));
    q.extend_from_slice(&qtype.to_be_bytes());
    q.extend_from_slice(&[0, 1]);
    q
}

/// The answer to `query`: with `rcode`, or one record of `qtype` pointing back at the question.
fn dns_response(query: &[u8], qtype: u16, rcode: u8) -> Vec<u8> {
    let mut r = query.to_vec();
    r[2] = 0x81;
    r[3] = 0x80 | rcode;
    if rcode != 0 {
        return r;
    }
    r[7] = 1;
    let data: Vec<u8> = match qtype {
        1 => vec![93, 184, 215, 14],
        28 => vec![0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x14],
        15 => [&[0, 10][..], &dns_name("mx.example.net")].concat(),
        16 => [&[11][..], b"v=spf1 -all"].concat(),
        33 => [&[0, 10, 0, 5, 0x13, 0xc4][..], &dns_name("sip.example.com")].concat(),
        _ => Vec::new(),
    };
    r.extend_from_slice(&[0xc0, 0x0c]);
    r.extend_from_slice(&qtype.to_be_bytes());
    r.extend_from_slice(&[0, 1, 0, 0, 0x0e, 0x10]);
    r.extend_from_slice(&(data.len() as u16).to_be_bytes());
    r.extend(data);
    r
}

/// A DNS message as TCP carries it: after its two-byte length (RFC 1035 §4.2.2).
fn tcp_framed(message: &[u8]) -> Vec<u8> {
    [&(message.len() as u16).to_be_bytes()[..], message].concat()
}

/// `body` after a big-endian length of `width` bytes.
fn vector(width: usize, body: &[u8]) -> Vec<u8> {
    let len = body.len().to_be_bytes();
    [&len[len.len() - width..], body].concat()
}

/// A TLS record of `content_type` (TLS 1.2's record version, as TLS 1.3 sends too).
fn record(content_type: u8, body: &[u8]) -> Vec<u8> {
    [&[content_type, 3, 3][..], &vector(2, body)].concat()
}

/// A handshake message of type `kind`.
fn handshake(kind: u8, body: &[u8]) -> Vec<u8> {
    [&[kind][..], &vector(3, body)].concat()
}

fn extension(kind: u16, body: &[u8]) -> Vec<u8> {
    [&kind.to_be_bytes()[..], &vector(2, body)].concat()
}

fn u16s(values: &[u16]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// A ClientHello (the handshake message) offering TLS 1.3 and 1.2, for `sni` and `alpn`;
/// `grease` puts RFC 8701's reserved values first in each list; `post_quantum` adds an
/// X25519MLKEM768 key share (1,216 bytes).
fn client_hello(
    rng: &mut Rng,
    sni: &str,
    alpn: &[&str],
    grease: bool,
    post_quantum: bool,
) -> Vec<u8> {
    let random: Vec<u8> = (0..32).map(|_| rng.next_u64() as u8).collect();
    let session_id: Vec<u8> = (0..32).map(|_| rng.next_u64() as u8).collect();
    let mut ciphers = vec![
        0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
    ];
    let mut groups = vec![0x001d, 0x0017, 0x0018];
    if post_quantum {
        groups.insert(0, 0x11ec);
    }
    if grease {
        ciphers.insert(0, 0x0a0a);
        groups.insert(0, 0x2a2a);
    }
    let server_name = vector(2, &[&[0][..], &vector(2, sni.as_bytes())].concat());
    let protocols: Vec<u8> = alpn.iter().flat_map(|p| vector(1, p.as_bytes())).collect();
    let mut shares = Vec::new();
    if grease {
        shares.extend(u16s(&[0x2a2a]));
        shares.extend(vector(2, &[0]));
    }
    if post_quantum {
        shares.extend(u16s(&[0x11ec]));
        shares.extend(vector(2, &[0x5c; 1216]));
    }
    shares.extend(u16s(&[0x001d]));
    shares.extend(vector(2, &[0x1d; 32]));
    let mut extensions = Vec::new();
    if grease {
        extensions.push(extension(0x1a1a, &[]));
    }
    extensions.extend([
        extension(0, &server_name),
        extension(23, &[]),
        extension(0xff01, &[0]),
        extension(10, &vector(2, &u16s(&groups))),
        extension(11, &[1, 0]),
        extension(35, &[]),
        extension(16, &vector(2, &protocols)),
        extension(5, &[1, 0, 0, 0, 0]),
        extension(
            13,
            &vector(2, &u16s(&[0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501])),
        ),
        extension(51, &vector(2, &shares)),
        extension(45, &[1, 1]),
        extension(
            43,
            &vector(
                1,
                &u16s(&if grease {
                    vec![0x3a3a, 0x0304, 0x0303]
                } else {
                    vec![0x0304, 0x0303]
                }),
            ),
        ),
    ]);
    if grease {
        extensions.push(extension(0x4a4a, &[0]));
    }
    let body = [
        &[3, 3][..],
        &random,
        &vector(1, &session_id),
        &vector(2, &u16s(&ciphers)),
        &[1, 0],
        &vector(2, &extensions.concat()),
    ]
    .concat();
    handshake(1, &body)
}

/// A ServerHello choosing `cipher`: TLS 1.3 (`tls13`, by supported_versions) or 1.2.
fn server_hello(rng: &mut Rng, cipher: u16, tls13: bool) -> Vec<u8> {
    let random: Vec<u8> = (0..32).map(|_| rng.next_u64() as u8).collect();
    let extensions = if tls13 {
        [
            extension(43, &u16s(&[0x0304])),
            extension(
                51,
                &[&u16s(&[0x001d])[..], &vector(2, &[0x2d; 32])].concat(),
            ),
        ]
        .concat()
    } else {
        [
            extension(0xff01, &[0]),
            extension(23, &[]),
            extension(11, &[1, 0]),
        ]
        .concat()
    };
    let body = [
        &[3, 3][..],
        &random,
        &vector(1, &[0x77; 32]),
        &cipher.to_be_bytes(),
        &[0],
        &vector(2, &extensions),
    ]
    .concat();
    handshake(2, &body)
}

/// HKDF-Expand-Label (RFC 8446 §7.1) with an empty context.
fn expand_label(secret: &Hkdf<Sha256>, label: &str, len: usize) -> Vec<u8> {
    let full = format!("tls13 {label}");
    let info = [
        &(len as u16).to_be_bytes()[..],
        &vector(1, full.as_bytes()),
        &[0],
    ]
    .concat();
    let mut out = vec![0; len];
    secret
        .expand(&info, &mut out)
        .expect("HKDF-SHA256 gives up to 8,160 bytes");
    out
}

/// A QUIC v1 client Initial carrying `hello` in a CRYPTO frame, padded so that the datagram is
/// 1,200 bytes, protected with the keys of RFC 9001 §5.2 (packet number 0, 4 bytes).
fn quic_initial(dcid: &[u8], scid: &[u8], hello: &[u8]) -> Vec<u8> {
    const SALT_V1: [u8; 20] = [
        0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c,
        0xad, 0xcc, 0xbb, 0x7f, 0x0a,
    ];
    let (_, initial) = Hkdf::<Sha256>::extract(Some(&SALT_V1), dcid);
    let client = expand_label(&initial, "client in", 32);
    let client = Hkdf::<Sha256>::from_prk(&client).expect("a 32-byte secret");
    let key = expand_label(&client, "quic key", 16);
    let iv = expand_label(&client, "quic iv", 12);
    let hp = expand_label(&client, "quic hp", 16);

    let pn_len = 4;
    let mut header = vec![0xc0 | (pn_len - 1) as u8];
    header.extend_from_slice(&1u32.to_be_bytes());
    header.extend(vector(1, dcid));
    header.extend(vector(1, scid));
    header.push(0); // no token
                    // CRYPTO frame: type, offset 0, length (2-byte varint), data.
    let mut payload = vec![0x06, 0x00];
    payload.extend_from_slice(&(0x4000 | hello.len() as u16).to_be_bytes());
    payload.extend_from_slice(hello);
    // The length field (2-byte varint) covers the packet number, the payload and the tag.
    let fixed = header.len() + 2 + pn_len;
    let payload_len = 1200 - fixed - 16;
    payload.resize(payload_len.max(payload.len()), 0);
    header.extend_from_slice(&(0x4000 | (pn_len + payload.len() + 16) as u16).to_be_bytes());
    let pn_offset = header.len();
    header.extend_from_slice(&[0; 4]);
    let nonce = iv.clone();
    let cipher = aes_gcm::Aes128Gcm::new_from_slice(&key).expect("a 16-byte key");
    cipher
        .encrypt_in_place(aes_gcm::Nonce::from_slice(&nonce), &header, &mut payload)
        .expect("AES-GCM seals any length here");
    let mut packet = [header, payload].concat();
    let mut mask = aes::cipher::generic_array::GenericArray::clone_from_slice(
        &packet[pn_offset + 4..pn_offset + 20],
    );
    aes::Aes128::new_from_slice(&hp)
        .expect("a 16-byte key")
        .encrypt_block(&mut mask);
    packet[0] ^= mask[0] & 0x0f;
    for i in 0..pn_len {
        packet[pn_offset + i] ^= mask[1 + i];
    }
    packet
}

fn http_request(method: &str, uri: &str, host: &str, body: Option<usize>) -> Vec<u8> {
    let mut head = format!(
        "{method} {uri} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: netanalyzer-sample/1.0 (curl compatible)\r\nReferer: http://{host}/\r\nAccept: */*\r\n"
    );
    if let Some(n) = body {
        head.push_str(&format!(
            "Content-Type: application/octet-stream\r\nContent-Length: {n}\r\n"
        ));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.resize(out.len() + body.unwrap_or(0), b'u');
    out
}

/// How a sample response's body ends.
enum Body<'a> {
    Sized(usize),
    Chunked(&'a [usize]),
    UntilClose(usize),
}

fn http_response(code: u16, reason: &str, body: &Body<'_>) -> Vec<u8> {
    let mut out =
        format!("HTTP/1.1 {code} {reason}\r\nServer: sample\r\nContent-Type: text/plain\r\n");
    let mut bytes = Vec::new();
    match body {
        Body::Sized(n) => {
            out.push_str(&format!("Content-Length: {n}\r\n\r\n"));
            bytes.resize(*n, b'b');
        }
        Body::Chunked(chunks) => {
            out.push_str("Transfer-Encoding: chunked\r\n\r\n");
            for n in *chunks {
                bytes.extend_from_slice(format!("{n:x}\r\n").as_bytes());
                bytes.resize(bytes.len() + n, b'c');
                bytes.extend_from_slice(b"\r\n");
            }
            bytes.extend_from_slice(b"0\r\n\r\n");
        }
        Body::UntilClose(n) => {
            out.push_str("Connection: close\r\n\r\n");
            bytes.resize(*n, b'd');
        }
    }
    [out.into_bytes(), bytes].concat()
}

/// An SSH binary packet (RFC 4253 §6) of message `kind`, unencrypted, padded to 8 bytes.
fn ssh_packet(kind: u8, payload: &[u8]) -> Vec<u8> {
    let unpadded = 4 + 1 + 1 + payload.len();
    let padding = 4 + (8 - (unpadded + 4) % 8) % 8;
    let mut out = ((1 + 1 + payload.len() + padding) as u32)
        .to_be_bytes()
        .to_vec();
    out.push(padding as u8);
    out.push(kind);
    out.extend_from_slice(payload);
    out.resize(out.len() + padding, 0);
    out
}

/// An SSH_MSG_KEXINIT packet with OpenSSH's name-lists.
fn ssh_kexinit(rng: &mut Rng, server: bool) -> Vec<u8> {
    let kex = if server {
        "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,kex-strict-s-v00@openssh.com"
    } else {
        "sntrup761x25519-sha512@openssh.com,curve25519-sha256,ext-info-c,kex-strict-c-v00@openssh.com"
    };
    let lists = [
        kex,
        "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512",
        "chacha20-poly1305@openssh.com,aes128-ctr,aes256-gcm@openssh.com",
        "chacha20-poly1305@openssh.com,aes128-ctr,aes256-gcm@openssh.com",
        "umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com",
        "umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com",
        "none,zlib@openssh.com",
        "none,zlib@openssh.com",
        "",
        "",
    ];
    let mut payload: Vec<u8> = (0..16).map(|_| rng.next_u64() as u8).collect();
    for list in lists {
        payload.extend(vector(4, list.as_bytes()));
    }
    payload.extend_from_slice(&[0, 0, 0, 0, 0]);
    ssh_packet(20, &payload)
}
