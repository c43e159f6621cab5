//! Inflates a `.gz` file to nowhere with the library `analyze` uses: the floor for analyzing a
//! compressed capture (`scripts/bench.sh` times it beside `netanalyzer analyze FILE.gz`).
//!
//! `cargo run --release --example inflate -- FILE.gz`

use std::io::Read;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: inflate FILE.gz");
        std::process::exit(2);
    };
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let mut decoder = flate2::read::MultiGzDecoder::new(file);
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        match decoder.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => total += n as u64,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(1);
            }
        }
    }
    println!("{total}");
}
