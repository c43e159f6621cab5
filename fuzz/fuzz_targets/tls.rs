//! Arbitrary bytes as one direction of a TLS connection, fed to the record walker in segments
//! cut at arbitrary points, every handshake message it hands on parsed as a hello and
//! fingerprinted; and as an SSLv2 ClientHello and a DTLS datagram. Errors are fine, panics are
//! not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netanalyzer::wire::tls::{self, Transport};

fn fingerprint(kind: u8, body: &[u8]) {
    match kind {
        1 => {
            if let Ok(ch) = tls::parse_client_hello(body) {
                let _ = tls::ja3(&ch);
                let ja4 = tls::ja4(&ch, Transport::Tcp);
                assert_eq!(ja4.split('_').count(), 3, "JA4 has three parts: {ja4}");
                let _ = tls::ja4(&ch, Transport::Quic);
                let _ = tls::version_name(ch.legacy_version);
            }
        }
        2 => {
            if let Ok(sh) = tls::parse_server_hello(body) {
                let _ = tls::ja3s(&sh);
                let _ = tls::cipher_name(sh.cipher_suite);
            }
        }
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&cut, stream)) = data.split_first() else {
        return;
    };
    let step = usize::from(cut).max(1);
    let mut walker = tls::StreamWalker::new();
    for segment in stream.chunks(step) {
        walker.feed(segment, &mut fingerprint);
    }
    let _ = tls::looks_like_client_hello(stream);
    if let Ok(ch) = tls::parse_sslv2_client_hello(stream) {
        let _ = tls::ja3(&ch);
        let _ = tls::ja4(&ch, Transport::Tcp);
    }
    let _ = tls::dtls_handshakes(stream, &mut fingerprint);
});
