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

/// An echo request or reply, in record order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EchoEvent {
    /// The exchange.
    pub key: EchoKey,
    /// The frame's time.
    pub ts: i64,
    /// A request, or else a reply.
    pub is_request: bool,
}

/// Applies `later`'s requests and replies to `echoes`, in record order. An exchange that now
/// has both its request and its reply leaves the table, its round trip added to `rtt`; one still
/// unanswered stays while the table holds fewer than `max`. Returns how many requests were
/// forgotten because it was full. Applied one by one, in order, whatever the batches.
pub(super) fn merge_echoes(
    echoes: &mut FxHashMap<EchoKey, Echo>,
    later: Vec<EchoEvent>,
    max: usize,
    rtt: &mut Distribution,
) -> u64 {
    let mut forgotten = 0;
    for ev in later {
        let seen = echoes.get(&ev.key).copied();
        let mut e = seen.unwrap_or(Echo {
            request: i64::MAX,
            reply: i64::MAX,
        });
        if ev.is_request {
            e.request = e.request.min(ev.ts);
        } else {
            e.reply = e.reply.min(ev.ts);
        }
        if e.request != i64::MAX && e.reply != i64::MAX {
            if e.reply >= e.request {
                rtt.add((e.reply - e.request) as u64);
            }
            echoes.remove(&ev.key);
        } else if seen.is_some() {
            echoes.insert(ev.key, e);
        } else if echoes.len() >= max {
            forgotten += 1;
        } else {
            echoes.insert(ev.key, e);
        }
    }
    forgotten
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> EchoKey {
        EchoKey {
            version: 4,
            requester: Addr::default(),
            responder: Addr::default(),
            id: 291,
            seq: 0,
        }
    }

    fn apply(batches: &[&[(i64, bool)]]) -> (FxHashMap<EchoKey, Echo>, u64) {
        let mut echoes = FxHashMap::default();
        let mut rtt = Distribution::default();
        for batch in batches {
            let events = batch
                .iter()
                .map(|&(ts, is_request)| EchoEvent {
                    key: key(),
                    ts,
                    is_request,
                })
                .collect();
            merge_echoes(&mut echoes, events, 100, &mut rtt);
        }
        (echoes, rtt.count)
    }

    /// Found by the `parts` fuzz target (a seed from the corpus: a request, its reply and a
    /// second reply): with the second reply in the same batch as the first, the exchange was
    /// matched once and forgotten; in a batch of its own, it stayed in the table as a reply
    /// waiting for its request. The result must not depend on where batches end.
    #[test]
    fn a_late_duplicate_reply_counts_the_same_in_any_batches() {
        let events: &[(i64, bool)] = &[(1_000, true), (2_000, false), (3_000, false)];
        let whole = apply(&[events]);
        for cut in 0..=events.len() {
            let (a, b) = events.split_at(cut);
            assert_eq!(apply(&[a, b]), whole, "batches cut at {cut}");
        }
        let ones: Vec<&[(i64, bool)]> = events.chunks(1).collect();
        assert_eq!(apply(&ones), whole, "a batch a frame");
        assert_eq!(whole.1, 1, "one round trip");
        assert_eq!(whole.0.len(), 1, "the second reply waits for a request");
    }
}
