//! Arbitrary bytes as the start of an SSH connection: the identification line (after other
//! lines a server may send first), then the binary packet holding KEXINIT, fingerprinted.
//! Errors are fine, panics are not, and what is found lies within the bytes given.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netanalyzer::wire::ssh::{self, Banner, Packet};

fuzz_target!(|data: &[u8]| {
    let rest = match ssh::banner(data) {
        Banner::Complete(line, len) => {
            assert!(len <= data.len() && line.len() < len);
            &data[len..]
        }
        _ => data,
    };
    if let Packet::Complete(k, len) = ssh::kexinit(rest) {
        assert!(len <= rest.len());
        let _ = ssh::hassh(&k);
        let _ = ssh::hassh_server(&k);
    }
});
