//! Arbitrary bytes as a capture file, through the same reader and aggregation `analyze` uses:
//! an error is fine, a panic is not, and every record must lie inside the buffer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netanalyzer::analyze::{fold_batch, Context};
use netanalyzer::read::CaptureReader;

fuzz_target!(|data: &[u8]| {
    let ctx = Context {
        base_ts: 0,
        interval_ns: 1_000_000_000,
        collect_packets: true,
        // The top talkers and ports per interval are counted too.
        interval_top: 3,
        app: true,
    };
    let Ok(mut reader) = CaptureReader::from_bytes("fuzz".as_ref(), data.to_vec()) else {
        return;
    };
    let mut batches = vec![Vec::new(); 2];
    while let Some(chunk) = reader.next_window(&mut batches, 16) {
        let buf: &[u8] = (*chunk).as_ref();
        for batch in &batches {
            for r in batch {
                assert!(r.data_offset + r.caplen as usize <= buf.len());
            }
            let _ = fold_batch(buf, batch, &ctx);
        }
    }
});
