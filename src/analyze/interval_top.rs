//! Top-N addresses and ports per time interval, for InfluxDB's `interval_talkers` and
//! `interval_ports`. Memory stays bounded: intervals more than two behind the newest batch are
//! cut to their top N as the merge goes; a frame more than two intervals out of order starts a
//! second partial count of its interval, summed with the first at the end.

use std::hash::Hash;

use rustc_hash::FxHashMap;

/// How far behind the newest batch an interval must be before it is cut to its top N.
const SETTLE_INTERVALS: i64 = 2;

/// One interval's top entries: (key, [packets, bytes]), largest first.
pub type IntervalTop<K> = (i64, Vec<(K, [u64; 2])>);

/// Packets and bytes per (interval, key).
#[derive(Debug, Clone)]
pub struct IntervalCounts<K: Copy + Eq + Hash + Ord> {
    /// Entries kept per interval (0: counting is off).
    pub top: usize,
    live: FxHashMap<(i64, K), [u64; 2]>,
    settled: Vec<(i64, K, [u64; 2])>,
}

impl<K: Copy + Eq + Hash + Ord> Default for IntervalCounts<K> {
    fn default() -> Self {
        IntervalCounts {
            top: 0,
            live: FxHashMap::default(),
            settled: Vec::new(),
        }
    }
}

impl<K: Copy + Eq + Hash + Ord> IntervalCounts<K> {
    /// Counts one frame of `len` bytes for `key` in `interval`.
    #[inline]
    pub fn add(&mut self, interval: i64, key: K, len: u64) {
        let c = self.live.entry((interval, key)).or_default();
        c[0] += 1;
        c[1] += len;
    }

    /// Adds `later`'s counts; intervals well before `newest` are cut to their top N.
    pub fn merge(&mut self, later: IntervalCounts<K>, newest: i64) {
        self.top = self.top.max(later.top);
        for (k, v) in later.live {
            let c = self.live.entry(k).or_default();
            c[0] += v[0];
            c[1] += v[1];
        }
        self.settled.extend(later.settled);
        self.settle_before(newest - SETTLE_INTERVALS);
    }

    fn settle_before(&mut self, limit: i64) {
        let mut done: FxHashMap<i64, Vec<(K, [u64; 2])>> = FxHashMap::default();
        self.live.retain(|&(interval, key), v| {
            if interval < limit {
                done.entry(interval).or_default().push((key, *v));
                false
            } else {
                true
            }
        });
        for (interval, mut entries) in done {
            entries.sort_by(|a, b| b.1[1].cmp(&a.1[1]).then(a.0.cmp(&b.0)));
            entries.truncate(self.top);
            self.settled
                .extend(entries.into_iter().map(|(k, v)| (interval, k, v)));
        }
    }

    /// The top N of every interval, in interval order, each largest first by bytes.
    pub fn top_per_interval(&self) -> Vec<IntervalTop<K>> {
        let mut all: FxHashMap<i64, FxHashMap<K, [u64; 2]>> = FxHashMap::default();
        let entries = self
            .settled
            .iter()
            .copied()
            .chain(self.live.iter().map(|(&(i, k), &v)| (i, k, v)));
        for (interval, key, v) in entries {
            let c = all.entry(interval).or_default().entry(key).or_default();
            c[0] += v[0];
            c[1] += v[1];
        }
        let mut out: Vec<IntervalTop<K>> = all
            .into_iter()
            .map(|(interval, m)| {
                let mut v: Vec<(K, [u64; 2])> = m.into_iter().collect();
                v.sort_by(|a, b| b.1[1].cmp(&a.1[1]).then(a.0.cmp(&b.0)));
                v.truncate(self.top);
                (interval, v)
            })
            .collect();
        out.sort_by_key(|e| e.0);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settling_keeps_the_top_and_sums_late_frames() {
        let mut total = IntervalCounts::<u32> {
            top: 2,
            ..Default::default()
        };
        let mut batch = IntervalCounts::<u32> {
            top: 2,
            ..Default::default()
        };
        for (key, bytes) in [(1, 100), (2, 300), (3, 200), (2, 50)] {
            batch.add(0, key, bytes);
        }
        total.merge(batch, 0);
        let mut later = IntervalCounts::<u32> {
            top: 2,
            ..Default::default()
        };
        later.add(10, 9, 5);
        later.add(0, 1, 1000); // late: interval 0 was settled already
        total.merge(later, 10);
        let top = total.top_per_interval();
        assert_eq!(top[0].0, 0);
        assert_eq!(top[0].1, vec![(1, [2, 1100]), (2, [2, 350])]);
        assert_eq!(top[1], (10, vec![(9, [1, 5])]));
    }
}
