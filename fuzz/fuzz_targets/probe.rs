//! Arbitrary bytes as the first bytes of a connection's two directions (the first byte says
//! where the client's end) through every TCP signature, and as a UDP datagram on the ports the
//! next four bytes give through every UDP signature, and as a PROXY header: a verdict, never a
//! panic, and a header never longer than the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netanalyzer::wire::{probe, proxy};

fuzz_target!(|data: &[u8]| {
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let (orig, resp) = rest.split_at(usize::from(cut).min(rest.len()));
    let _ = probe::tcp(orig, resp, 0, 0);
    let _ = probe::tcp(resp, orig, 0, 0);
    let _ = probe::tcp_settled(orig, resp);
    if let Some(len) = proxy::header_len(rest) {
        assert!(len <= rest.len());
    }
    if let [a, b, c, d, datagram @ ..] = rest {
        let _ = probe::udp(
            datagram,
            u16::from_be_bytes([*a, *b]),
            u16::from_be_bytes([*c, *d]),
        );
    }
});
