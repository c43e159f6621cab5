//! Live capture into rotated pcap files (`netanalyzer capture`).
//!
//! [`rotate`] turns frames into rotated, described, ring-limited files and needs no system
//! library; [`live`] (feature `capture`, libpcap) feeds it from an interface.

pub mod rotate;

#[cfg(feature = "capture")]
pub mod live;
