//! Arbitrary bytes as a DNS message (UDP) and as a TCP stream of length-prefixed messages cut
//! at arbitrary points: a parse error is fine, a panic or an unbounded allocation is not, and
//! every name the parser returns is bounded as DNS bounds names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netanalyzer::wire::dns;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = dns::parse(data) {
        for q in &m.questions {
            // 255 wire bytes, each rendered in at most 4 characters (`\ddd`).
            assert!(q.name.len() <= 4 * 255, "a name longer than DNS allows");
        }
    }
    // The first byte picks where the stream is cut into segments.
    let Some((&cut, stream)) = data.split_first() else {
        return;
    };
    let step = usize::from(cut).max(1);
    let mut framer = dns::TcpFramer::new();
    for segment in stream.chunks(step) {
        framer.feed(segment, &mut |message| {
            let _ = dns::parse(message);
        });
    }
});
