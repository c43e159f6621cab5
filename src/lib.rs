//! netanalyzer: packet captures in, exact traffic metrics out.
//!
//! The data flows through the modules in this order:
//!
//! ```text
//! capture  libpcap -> rotated pcap files with a metadata record each (feature `capture`)
//! read     capture files -> windows of Records (pcap, pcapng, compressed, pipes, folders; mmap, zero-copy)
//! wire     header formats -> views over their bytes (fields, lengths checked once)
//! decode   one Record's bytes -> Frame (protocols at every layer, outer IP and transport)
//! analyze  batches of Frames -> partial aggregates (in parallel) -> merged Metrics
//! store    tables larger than memory: sorted runs on disk (spilled flows, address pairs, report tables)
//! report   Metrics -> summary.json, CSV tables, report.html
//! sinks    metrics -> InfluxDB line protocol, written to a server or a file
//! compare  two report directories -> a verdict for CI
//! ```
#![deny(unsafe_code)]

pub mod analyze;
pub mod capture;
pub mod compare;
pub mod decode;
pub mod follow;
pub mod read;
pub mod report;
pub mod samples;
pub mod sinks;
pub mod store;
pub mod text;
pub mod wire;
