//! ICMP echo exchanges: a request and its reply, matched across batches to count round trips.

use rustc_hash::FxHashMap;

use super::hist::Distribution;
use crate::decode::Addr;

/// An ICMP echo exchange: requester, responder, identifier, sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EchoKey {
    /// IP version.
    pub version: u8,
    /// Who sent the request.
    pub requester: Addr,
    /// Who was asked.
    pub responder: Addr,
    /// Identifier.
    pub id: u16,
    /// Sequence number.
    pub seq: u16,
}

/// First request and first reply time of an echo exchange (`i64::MAX`: not seen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Echo {
    /// Request time.
    pub request: i64,
    /// Reply time.
    pub reply: i64,
}

/// Adds `later`'s exchanges to `echoes`. An exchange that now has both its request and its reply
/// leaves the table, its round trip added to `rtt`; one still unanswered stays while the table
/// holds fewer than `max`. Returns how many requests were forgotten because it was full.
pub(super) fn merge_echoes(
    echoes: &mut FxHashMap<EchoKey, Echo>,
    later: FxHashMap<EchoKey, Echo>,
    max: usize,
    rtt: &mut Distribution,
) -> u64 {
    let mut forgotten = 0;
    for (k, v) in later {
        let e = match echoes.get_mut(&k) {
            Some(e) => {
                e.request = e.request.min(v.request);
                e.reply = e.reply.min(v.reply);
                *e
            }
            None => v,
        };
        if e.request != i64::MAX && e.reply != i64::MAX {
            if e.reply >= e.request {
                rtt.add((e.reply - e.request) as u64);
            }
            echoes.remove(&k);
        } else if !echoes.contains_key(&k) {
            if echoes.len() >= max {
                forgotten += 1;
            } else {
                echoes.insert(k, e);
            }
        }
    }
    forgotten
}
