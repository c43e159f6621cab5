//! The running flow and conversation tables, split by key into a fixed number of shards.
//!
//! Workers do not fill tables of their own: a batch's packets are kept as events, sorted by the
//! shard of their key, and each shard applies its events in record order, all shards at once.
//! Per-batch tables saved little (a batch of 10,000 packets holds some 8,000 flows) and merging
//! them into the total was serial. The number of shards is fixed, not the number of threads, so
//! what a shard holds, and which flows it finishes early, never depends on the thread count.

use std::hash::{BuildHasher, Hash};

use rustc_hash::FxBuildHasher;

use crate::read::prefetch_value;

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
    // Bits the tables themselves do not use: they place keys by the low bits.
    (hash >> 40) as usize & (SHARDS - 1)
}

/// One shard: a map from `K` to `V` looked up by a hash computed beforehand (`hash_of(key)`).
///
/// The entries sit in one vector in the order they were added; an index of slots, open
/// addressed with linear probing and at most half full, holds for each entry the low 32 bits of
/// its hash and its place in the vector. A lookup reads one 8-byte slot (most often the first it
/// tries) and then the entry, and both addresses are known from the hash alone, so a caller
/// walking a list of keys can ask for them some keys ahead ([`Table::prefetch_slot`],
/// [`Table::prefetch_entry`]) and the cache misses overlap instead of following one another.
/// (A general-purpose hash table hides where a key will be looked for.)
#[derive(Debug, Clone)]
pub struct Table<K, V> {
    /// 0 when free, else the hash's low 32 bits above the entry's index + 1.
    slots: Vec<u64>,
    entries: Vec<(K, V)>,
}

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Table {
            slots: Vec::new(),
            entries: Vec::new(),
        }
    }
}

/// The slot word of an entry of hash `hash` at `index`.
#[inline]
fn slot_word(hash: u64, index: usize) -> u64 {
    // Entries are capped far below 2^32 by memory: a shard holds a share of the table limits.
    (hash << 32) | (index as u64 + 1)
}

impl<K: Hash + Eq, V> Table<K, V> {
    /// Entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Every entry, to change, in the order they were added.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&K, &mut V)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// Every value, in the order they were added.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    #[inline]
    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    /// The index of `key`'s entry.
    #[inline]
    fn find(&self, hash: u64, key: &K) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.mask();
        let tag = hash as u32;
        let mut at = hash as usize & mask;
        loop {
            let word = self.slots[at];
            if word == 0 {
                return None;
            }
            if (word >> 32) as u32 == tag {
                let index = (word as u32 - 1) as usize;
                if self.entries[index].0 == *key {
                    return Some(index);
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// Asks for the slot where a key of hash `hash` is looked for first to be loaded.
    #[inline]
    pub fn prefetch_slot(&self, hash: u64) {
        if let Some(word) = self.slots.get(hash as usize & self.mask()) {
            prefetch_value(word);
        }
    }

    /// Asks for the entry that the first slot of `hash` points to to be loaded: best done some
    /// time after [`Table::prefetch_slot`] for the same hash.
    #[inline]
    pub fn prefetch_entry(&self, hash: u64) {
        if let Some(&word) = self.slots.get(hash as usize & self.mask()) {
            if word != 0 && (word >> 32) as u32 == hash as u32 {
                if let Some(entry) = self.entries.get((word as u32 - 1) as usize) {
                    prefetch_value(entry);
                }
            }
        }
    }

    /// The value of `key`, to change.
    #[inline]
    pub fn get_mut(&mut self, hash: u64, key: &K) -> Option<&mut V> {
        self.find(hash, key).map(|i| &mut self.entries[i].1)
    }

    /// Changes the value of `key` by `update`, or adds `new()` when there is none.
    #[inline]
    pub fn upsert(
        &mut self,
        hash: u64,
        key: K,
        update: impl FnOnce(&mut V),
        new: impl FnOnce() -> V,
    ) -> &mut V {
        let i = match self.find(hash, &key) {
            Some(i) => {
                update(&mut self.entries[i].1);
                i
            }
            None => {
                self.insert_new(hash, key, new());
                self.entries.len() - 1
            }
        };
        &mut self.entries[i].1
    }

    /// Adds `key`, which is not in the table.
    pub fn insert_new(&mut self, hash: u64, key: K, value: V) {
        if (self.entries.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        self.entries.push((key, value));
        self.place(hash, self.entries.len() - 1);
    }

    /// Writes the slot of the entry at `index` into the first free slot from its hash's.
    #[inline]
    fn place(&mut self, hash: u64, index: usize) {
        self.place_word(slot_word(hash, index));
    }

    /// Writes `word` into the first free slot from the one its hash places it at: the word's
    /// top half is the hash's low half, all the bits that place it.
    #[inline]
    fn place_word(&mut self, word: u64) {
        let mask = self.mask();
        let mut at = (word >> 32) as usize & mask;
        while self.slots[at] != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = word;
    }

    /// Doubles the slots, moving each word to its place in the larger index.
    #[cold]
    fn grow(&mut self) {
        // Not `vec![0; n]`: `place_word` reads a slot before writing it (most of the TLB
        // flushes of a two-thread run came from here).
        let larger = super::hist::written_zeros((self.slots.len() * 2).max(16));
        let old = std::mem::replace(&mut self.slots, larger);
        for word in old.into_iter().filter(|&w| w != 0) {
            self.place_word(word);
        }
    }

    /// Writes every slot again from the entries, after some were taken out.
    fn reindex(&mut self) {
        self.slots.fill(0);
        for index in 0..self.entries.len() {
            let hash = hash_of(&self.entries[index].0);
            self.place(hash, index);
        }
    }

    /// Takes out every entry, in the order they were added, keeping the table's room for as
    /// many again.
    pub fn drain(&mut self) -> Vec<(K, V)> {
        self.slots.fill(0);
        self.entries.drain(..).collect()
    }

    /// Takes out the entries for which `take` is true, in the order they were added.
    pub fn extract_if(&mut self, mut take: impl FnMut(&K, &V) -> bool) -> Vec<(K, V)> {
        let out: Vec<(K, V)> = self.entries.extract_if(.., |(k, v)| take(k, v)).collect();
        if !out.is_empty() {
            self.reindex();
        }
        out
    }

    /// Applies `apply` to each of `events` in order, asking for the slot and entry of each
    /// event's key (hash `hash(event)`) to be loaded some events ahead.
    #[inline]
    pub fn apply_all<E>(
        &mut self,
        events: &[E],
        hash: impl Fn(&E) -> u64,
        mut apply: impl FnMut(&mut Self, &E),
    ) {
        // Far enough that a slot has arrived by the time its entry is asked for, and that entry
        // by the time it is used; near enough that they are still cached then.
        const AHEAD: usize = 8;
        for (i, event) in events.iter().enumerate() {
            if let Some(far) = events.get(i + 2 * AHEAD) {
                self.prefetch_slot(hash(far));
            }
            if let Some(near) = events.get(i + AHEAD) {
                self.prefetch_entry(hash(near));
            }
            apply(self, event);
        }
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

    /// Empties every list, keeping its memory.
    pub fn clear(&mut self) {
        for list in &mut self.lists {
            list.clear();
        }
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
    use proptest::prelude::*;

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

    /// What a table does to its entries, applied to a `BTreeMap` and a [`Table`] alike.
    #[derive(Debug, Clone)]
    enum Op {
        Add(u16, u32),
        TakeOdd,
        Drain,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            30 => (any::<u16>(), any::<u32>()).prop_map(|(k, v)| Op::Add(k, v)),
            1 => Just(Op::TakeOdd),
            1 => Just(Op::Drain),
        ]
    }

    proptest! {
        #[test]
        fn a_table_keeps_what_a_map_keeps(ops in proptest::collection::vec(op(), 0..3000)) {
            let mut table: Table<u64, u64> = Table::default();
            let mut model = std::collections::BTreeMap::new();
            let mut order: Vec<u64> = Vec::new();
            for op in ops {
                match op {
                    Op::Add(k, v) => {
                        // Few distinct keys, so that most adds find one.
                        let k = u64::from(k % 700);
                        let v = u64::from(v);
                        table.upsert(hash_of(&k), k, |x| *x += v, || v);
                        if model.insert(k, model.get(&k).map_or(v, |x| x + v)).is_none() {
                            order.push(k);
                        }
                    }
                    Op::TakeOdd => {
                        let taken = table.extract_if(|_, v| v % 2 == 1);
                        let expect: Vec<(u64, u64)> =
                            order.iter().map(|k| (*k, model[k])).filter(|(_, v)| v % 2 == 1).collect();
                        prop_assert_eq!(taken, expect);
                        model.retain(|_, v| *v % 2 == 0);
                        order.retain(|k| model.contains_key(k));
                    }
                    Op::Drain => {
                        let taken = table.drain();
                        let expect: Vec<(u64, u64)> = order.iter().map(|k| (*k, model[k])).collect();
                        prop_assert_eq!(taken, expect);
                        model.clear();
                        order.clear();
                    }
                }
                prop_assert_eq!(table.len(), model.len());
            }
            let entries: Vec<(u64, u64)> = table.iter().map(|(k, v)| (*k, *v)).collect();
            let expect: Vec<(u64, u64)> = order.iter().map(|k| (*k, model[k])).collect();
            prop_assert_eq!(entries, expect);
            for k in 0..800u64 {
                prop_assert_eq!(table.get_mut(hash_of(&k), &k).copied(), model.get(&k).copied());
            }
        }
    }

    #[test]
    fn keys_that_share_their_first_slot_are_all_found() {
        // Hashes equal in their low bits (the slot) and in the 32 bits kept, so that every
        // lookup walks past the others and compares keys.
        let mut table: Table<u64, u64> = Table::default();
        for k in 0..200u64 {
            table.upsert(7, k, |_| unreachable!("a new key"), || k * 10);
        }
        for k in 0..200u64 {
            table.upsert(7, k, |v| *v += 1, || unreachable!("an old key"));
        }
        assert_eq!(table.len(), 200);
        assert!((0..200u64).all(|k| table.get_mut(7, &k).copied() == Some(k * 10 + 1)));
        assert_eq!(table.get_mut(7, &200), None);
        let mut seen = Vec::new();
        table.apply_all(
            &[3u64, 5, 3],
            |_| 7,
            |t, k| {
                *t.get_mut(7, k).expect("present") += 100;
                seen.push(*k);
            },
        );
        assert_eq!(seen, [3, 5, 3]);
        assert_eq!(table.get_mut(7, &3).copied(), Some(231));
    }
}
