//! Arbitrary bytes as an HTTP/1.x request head, a response head, and the body after each,
//! read in pieces cut at arbitrary points: errors are fine, panics and heads longer than the
//! bound are not, and a body reader never takes more than it is given.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netanalyzer::wire::http::{self, BodyReader, Head};

fn read_body(body: http::BodyLength, rest: &[u8], step: usize) {
    let mut reader = BodyReader::new(body);
    for (i, piece) in rest.chunks(step).enumerate() {
        if i % 3 == 2 {
            reader.skip(piece.len() as u64);
            continue;
        }
        let used = reader.feed(piece);
        assert!(used <= piece.len());
        if reader.done() {
            break;
        }
    }
    let _ = reader.body_len();
}

fuzz_target!(|data: &[u8]| {
    let Some((&cut, b)) = data.split_first() else {
        return;
    };
    let step = usize::from(cut).max(1);
    let _ = http::looks_like_request(b);
    let _ = http::looks_like_response(b);
    if let Head::Complete(request, len) = http::parse_request_head(b) {
        assert!(len <= b.len());
        read_body(request.body, &b[len..], step);
    }
    for method in [None, Some("HEAD"), Some("CONNECT")] {
        if let Head::Complete(response, len) = http::parse_response_head(b, method) {
            assert!(len <= b.len());
            read_body(response.body, &b[len..], step);
        }
    }
});
