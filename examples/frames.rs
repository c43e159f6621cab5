//! Prints, one line per frame, the protocols netanalyzer finds: a tool for comparing the decoder
//! with `tshark -T fields -e frame.protocols` on one file.
//!
//! `cargo run --example frames -- FILE`

use netanalyzer::decode::decode;
use netanalyzer::read::CaptureReader;

fn main() {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: frames FILE");
        std::process::exit(2);
    };
    let mut reader = match CaptureReader::open(path.as_ref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let mut batches = vec![Vec::new()];
    let mut n = 0;
    while let Some(chunk) = reader.next_window(&mut batches, 4096) {
        let buf: &[u8] = (*chunk).as_ref();
        for r in &batches[0] {
            n += 1;
            let data = &buf[r.data_offset..r.data_offset + r.caplen as usize];
            let f = decode(r.linktype, data);
            let names: Vec<&str> = f.protos.iter().map(|p| p.name()).collect();
            println!("{n}\t{}\t{:?}", names.join(":"), f.stop);
        }
    }
    if let Some(e) = reader.error() {
        eprintln!("{e}");
    }
}
