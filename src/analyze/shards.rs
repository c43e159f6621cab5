//! The running flow and conversation tables, split by key into a fixed number of shards.
//!
//! Workers do not fill tables of their own: a batch's packets are kept as events, sorted by the
//! shard of their key, and each shard applies its events in record order, all shards at once.
//! Per-batch tables saved little (a batch of 10,000 packets holds some 8,000 flows) and merging
//! them into the total was serial. The number of shards is fixed, not the number of threads, so
//! what a shard holds, and which flows it finishes early, never depends on the thread count.

use std::hash::{BuildHasher, Hash};

use hashbrown::hash_table::{Entry, HashTable};
use rustc_hash::FxBuildHasher;

/// How many ways the tables are split.
pub const SHARDS: usize = 8;

/// The hash of `key`, computed once where the event is made.
#[inline]
pub fn hash_of<K: Hash>(key: &K) -> u64 {
    FxBuildHasher.hash_one(key)
}

/// The shard of a key of hash `hash`.
#[inline]
pub fn shard_of(hash: u64) -> usize {
    // Bits the tables themselves do not use: they index buckets with the low bits and tag them
    // with the top seven.
    (hash >> 40) as usize & (SHARDS - 1)
}

/// One shard: a map from `K` to `V` looked up by a hash computed beforehand.
#[derive(Debug, Clone)]
pub struct Table<K, V> {
    table: HashTable<(K, V)>,
}

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Table {
            table: HashTable::new(),
        }
    }
}

impl<K: Hash + Eq, V> Table<K, V> {
    /// Entries.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Every entry.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.table.iter().map(|(k, v)| (k, v))
    }

    /// Every value.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.table.iter().map(|(_, v)| v)
    }

    /// The value of `key`, to change.
    #[inline]
    pub fn get_mut(&mut self, hash: u64, key: &K) -> Option<&mut V> {
        self.table.find_mut(hash, |(k, _)| k == key).map(|(_, v)| v)
    }

    /// Changes the value of `key` by `update`, or adds `new()` when there is none.
    #[inline]
    pub fn upsert(
        &mut self,
        hash: u64,
        key: K,
        update: impl FnOnce(&mut V),
        new: impl FnOnce() -> V,
    ) {
        match self
            .table
            .entry(hash, |(k, _)| *k == key, |(k, _)| hash_of(k))
        {
            Entry::Occupied(mut e) => update(&mut e.get_mut().1),
            Entry::Vacant(e) => {
                e.insert((key, new()));
            }
        }
    }

    /// Adds `key`, which is not in the table.
    pub fn insert_new(&mut self, hash: u64, key: K, value: V) {
        self.table
            .insert_unique(hash, (key, value), |(k, _)| hash_of(k));
    }

    /// Takes out every entry, keeping the table's room for as many again.
    pub fn drain(&mut self) -> Vec<(K, V)> {
        self.table.drain().collect()
    }

    /// Takes out the entries for which `take` is true.
    pub fn extract_if(&mut self, mut take: impl FnMut(&K, &V) -> bool) -> Vec<(K, V)> {
        self.table.extract_if(|(k, v)| take(k, v)).collect()
    }
}

/// A map split into [`SHARDS`] tables by the hash of the key.
#[derive(Debug, Clone)]
pub struct Shards<K, V> {
    /// The tables, indexed by shard.
    pub maps: [Table<K, V>; SHARDS],
}

impl<K, V> Default for Shards<K, V> {
    fn default() -> Self {
        Shards {
            maps: std::array::from_fn(|_| Table::default()),
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_always_lands_in_the_same_shard_and_keys_spread() {
        let mut seen = [0usize; SHARDS];
        for k in 0u64..10_000 {
            assert_eq!(shard_of(hash_of(&k)), shard_of(hash_of(&k)));
            seen[shard_of(hash_of(&k))] += 1;
        }
        assert!(seen.iter().all(|&n| n > 10_000 / SHARDS / 2), "{seen:?}");
        let mut s: Shards<u64, u64> = Shards::default();
        for k in 0..100 {
            let h = hash_of(&k);
            for _ in 0..2 {
                s.maps[shard_of(h)].upsert(h, k, |v| *v += k, || k);
            }
        }
        assert_eq!(s.len(), 100);
        let h = hash_of(&7u64);
        assert_eq!(s.maps[shard_of(h)].get_mut(h, &7).copied(), Some(14));
        assert_eq!(s.iter().map(|(_, v)| v).sum::<u64>(), 9900);
    }
}
