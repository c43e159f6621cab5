//! Arbitrary bytes as a frame of every link type the decoder knows: it must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netanalyzer::decode::decode;

const LINK_TYPES: [u16; 13] = [0, 1, 9, 12, 14, 50, 51, 101, 108, 113, 228, 229, 276];

fuzz_target!(|data: &[u8]| {
    if let Some((&selector, frame)) = data.split_first() {
        let lt = LINK_TYPES[usize::from(selector) % LINK_TYPES.len()];
        let f = decode(lt, frame);
        assert!(f.ip_layers().len() <= netanalyzer::decode::MAX_IP_LAYERS);
    }
});
