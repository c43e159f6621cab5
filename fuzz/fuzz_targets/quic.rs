//! Arbitrary bytes as a QUIC datagram: its long headers walked, Initial packets decrypted as
//! the client's and as the server's (with the datagram's own and an earlier connection ID),
//! their CRYPTO frames put in order, and read as a gQUIC CHLO. Errors are fine, panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netanalyzer::wire::quic::{self, CryptoStream, Side};

fuzz_target!(|data: &[u8]| {
    let _ = quic::long_header_version(data);
    for header in quic::long_headers(data) {
        if header.is_err() {
            break;
        }
    }
    let mut crypto = CryptoStream::new();
    for side in [Side::Client, Side::Server] {
        for dcid in [
            None,
            Some(&[0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08][..]),
        ] {
            let initials = quic::decrypt_initials(data, side, dcid);
            for initial in &initials.packets {
                for (offset, bytes) in &initial.crypto {
                    crypto.add(*offset, bytes);
                }
            }
        }
    }
    let _ = crypto.contiguous();
    if let Some((_, message)) = quic::gquic_chlo(data) {
        let _ = quic::chlo_value(message, b"SNI\0");
    }
});
