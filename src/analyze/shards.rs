//! The running flow and conversation tables, split by key into a fixed number of shards.
//!
//! Workers do not fill tables of their own: a batch's packets are kept as events, sorted by the
//! shard of their key, and each shard applies its events in record order, all shards at once.
//! Per-batch tables saved little (a batch of 10,000 packets holds some 8,000 flows) and merging
//! them into the total was serial. The number of shards is fixed, not the number of threads, so
//! what a shard holds, and which flows it finishes early, never depends on the thread count.

use std::hash::{BuildHasher, Hash};

use rustc_hash::{FxBuildHasher, FxHashMap};

/// How many ways the tables are split.
pub const SHARDS: usize = 8;

/// The shard of `key`.
#[inline]
pub fn shard_of<K: Hash>(key: &K) -> usize {
    // Bits the tables themselves do not use: they index buckets with the low bits and tag them
    // with the top seven.
    (FxBuildHasher.hash_one(key) >> 40) as usize & (SHARDS - 1)
}

/// A map split into [`SHARDS`] maps by [`shard_of`] the key.
#[derive(Debug, Clone)]
pub struct Shards<K, V> {
    /// The maps, indexed by shard.
    pub maps: [FxHashMap<K, V>; SHARDS],
}

impl<K, V> Default for Shards<K, V> {
    fn default() -> Self {
        Shards {
            maps: std::array::from_fn(|_| FxHashMap::default()),
        }
    }
}

impl<K: Hash + Eq, V> Shards<K, V> {
    /// Entries in all shards.
    pub fn len(&self) -> usize {
        self.maps.iter().map(|m| m.len()).sum()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.maps.iter().all(|m| m.is_empty())
    }

    /// Every entry, shard by shard.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.maps.iter().flat_map(|m| m.iter())
    }

    /// The value of `key`.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.maps[shard_of(key)].get(key)
    }

    /// Sets `key` to `value` (tests and small tools; the pipeline applies events per shard).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.maps[shard_of(&key)].insert(key, value)
    }
}

/// A batch's events, sorted into shards, each in record order.
#[derive(Debug, Clone)]
pub struct ShardedEvents<T> {
    /// Events, indexed by shard.
    pub lists: [Vec<T>; SHARDS],
}

impl<T> Default for ShardedEvents<T> {
    fn default() -> Self {
        ShardedEvents {
            lists: std::array::from_fn(|_| Vec::new()),
        }
    }
}

impl<T> ShardedEvents<T> {
    /// Appends `event` to the list of `shard`.
    #[inline]
    pub fn push(&mut self, shard: usize, event: T) {
        self.lists[shard].push(event);
    }

    /// Makes room for about `events` events spread over the shards, so that most lists never
    /// grow (growing them was a tenth of a batch's time).
    pub fn reserve(&mut self, events: usize) {
        let each = events / SHARDS + events / (4 * SHARDS) + 16;
        for list in &mut self.lists {
            list.reserve(each);
        }
    }

    /// Whether no shard has an event.
    pub fn is_empty(&self) -> bool {
        self.lists.iter().all(|l| l.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_always_lands_in_the_same_shard_and_keys_spread() {
        let mut seen = [0usize; SHARDS];
        for k in 0u64..10_000 {
            assert_eq!(shard_of(&k), shard_of(&k));
            seen[shard_of(&k)] += 1;
        }
        assert!(seen.iter().all(|&n| n > 10_000 / SHARDS / 2), "{seen:?}");
        let mut s: Shards<u64, u64> = Shards::default();
        for k in 0..100 {
            s.insert(k, k * 2);
        }
        assert_eq!(s.len(), 100);
        assert_eq!(s.get(&7), Some(&14));
        assert_eq!(s.iter().map(|(_, v)| v).sum::<u64>(), 9900);
    }
}
