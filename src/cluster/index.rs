//! Window statistics and candidate retrieval for story clustering: per-feature cluster frequency
//! (for IDF over the clusters in the time window; a fixed array of hashed counters, so a count is
//! exact or slightly over-estimated) and inverted postings from distinctive feature keys to
//! cluster slots. Both are updated incrementally and shrink when clusters are evicted.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Deterministic hasher for keys that are already well-mixed 64-bit hashes (or small integers).
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(byte)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, value: u64) {
        let x = (self.0 ^ value).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 29);
    }

    fn write_u32(&mut self, value: u32) {
        self.write_u64(u64::from(value));
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }
}

/// HashMap with the deterministic [`KeyHasher`].
pub type KeyMap<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;

/// Number of live clusters containing each feature, for IDF over the window: a fixed array of
/// counters indexed by a hash of the key (one memory access, no probing, no allocation after
/// creation). Two features sharing a counter both see the sum, so a count can only be
/// over-estimated: with 2^23 counters and a 100,000-story window, a rare feature's count is
/// inflated by one cluster on average, which barely moves its IDF.
#[derive(Debug)]
pub struct ClusterFrequency {
    counts: Vec<u32>,
    nonzero: usize,
}

impl ClusterFrequency {
    /// log2 of the number of counters.
    const BITS: u32 = 23;

    fn cell(key: u64) -> usize {
        ((key ^ (key >> 31)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Self::BITS)) as usize
    }

    pub fn get(&self, key: u64) -> u32 {
        self.counts.get(Self::cell(key)).copied().unwrap_or(0)
    }

    pub fn increment(&mut self, key: u64) {
        if let Some(count) = self.counts.get_mut(Self::cell(key)) {
            if *count == 0 {
                self.nonzero += 1;
            }
            *count = count.saturating_add(1);
        }
    }

    pub fn decrement(&mut self, key: u64) {
        if let Some(count) = self.counts.get_mut(Self::cell(key))
            && *count > 0
        {
            *count -= 1;
            if *count == 0 {
                self.nonzero -= 1;
            }
        }
    }

    /// Number of non-zero counters (about the number of distinct features in the window).
    pub fn len(&self) -> usize {
        self.nonzero
    }

    pub fn is_empty(&self) -> bool {
        self.nonzero == 0
    }

    pub fn heap_bytes(&self) -> usize {
        self.counts.capacity() * 4
    }
}

impl Default for ClusterFrequency {
    fn default() -> Self {
        Self {
            counts: vec![0; 1 << Self::BITS],
            nonzero: 0,
        }
    }
}

/// Smoothed inverse frequency of a feature found in `frequency` of `clusters` live clusters.
pub fn idf(frequency: u32, clusters: usize) -> f32 {
    ((clusters as f32 + 1.0) / (frequency as f32 + 1.0)).ln() + 1.0
}

/// IDF with a lookup table of `ln(frequency + 1)` for small frequencies.
#[derive(Debug)]
pub struct IdfTable {
    ln_table: Vec<f32>,
}

impl IdfTable {
    const SIZE: usize = 4096;

    pub fn new() -> Self {
        Self {
            ln_table: (0..Self::SIZE).map(|n| ((n + 1) as f32).ln()).collect(),
        }
    }

    /// [`idf`] given `ln(clusters + 1)`.
    pub fn idf(&self, ln_clusters: f32, frequency: u32) -> f32 {
        let ln_frequency = match self.ln_table.get(frequency as usize) {
            Some(&value) => value,
            None => (frequency as f32 + 1.0).ln(),
        };
        ln_clusters - ln_frequency + 1.0
    }
}

impl Default for IdfTable {
    fn default() -> Self {
        Self::new()
    }
}

/// Clusters posted under one key; most keys have a single cluster, kept inline.
#[derive(Debug)]
enum PostingList {
    One(u32),
    Many(Vec<u32>),
}

impl PostingList {
    fn as_slice(&self) -> &[u32] {
        match self {
            PostingList::One(slot) => std::slice::from_ref(slot),
            PostingList::Many(list) => list,
        }
    }
}

/// Inverted index: retrieval key → slots of the clusters posting it (newest last).
#[derive(Debug, Default)]
pub struct Postings {
    lists: KeyMap<u64, PostingList>,
    entries: usize,
    heap: usize,
}

impl Postings {
    /// Posts `slot` under `key`; the oldest entries go when a list exceeds `max_len`.
    pub fn insert(&mut self, key: u64, slot: u32, max_len: usize) {
        let max_len = max_len.max(1);
        match self.lists.entry(key) {
            std::collections::hash_map::Entry::Vacant(vacant) => {
                vacant.insert(PostingList::One(slot));
                self.entries += 1;
            }
            std::collections::hash_map::Entry::Occupied(mut occupied) => {
                let list = occupied.get_mut();
                if list.as_slice().last() == Some(&slot) {
                    return;
                }
                match list {
                    PostingList::One(first) => {
                        let first = *first;
                        if max_len == 1 {
                            *list = PostingList::One(slot);
                            return;
                        }
                        let many = vec![first, slot];
                        self.heap += many.capacity() * 4;
                        *list = PostingList::Many(many);
                        self.entries += 1;
                    }
                    PostingList::Many(many) => {
                        let before = many.capacity();
                        many.push(slot);
                        self.entries += 1;
                        if many.len() > max_len {
                            let excess = many.len() - max_len;
                            many.drain(..excess);
                            self.entries -= excess;
                        }
                        self.heap = self.heap + many.capacity() * 4 - before * 4;
                    }
                }
            }
        }
    }

    /// Removes `slot` from the list of `key`.
    pub fn remove(&mut self, key: u64, slot: u32) {
        let Some(list) = self.lists.get_mut(&key) else {
            return;
        };
        match list {
            PostingList::One(only) => {
                if *only == slot {
                    self.lists.remove(&key);
                    self.entries -= 1;
                }
            }
            PostingList::Many(many) => {
                let before = many.len();
                many.retain(|&s| s != slot);
                self.entries -= before - many.len();
                match many.len() {
                    0 => {
                        self.heap -= many.capacity() * 4;
                        self.lists.remove(&key);
                    }
                    1 => {
                        let only = many[0];
                        self.heap -= many.capacity() * 4;
                        *list = PostingList::One(only);
                    }
                    _ => {}
                }
            }
        }
    }

    pub fn get(&self, key: u64) -> &[u32] {
        self.lists
            .get(&key)
            .map(PostingList::as_slice)
            .unwrap_or(&[])
    }

    pub fn entries(&self) -> usize {
        self.entries
    }

    pub fn heap_bytes(&self) -> usize {
        self.lists.capacity() * (8 + std::mem::size_of::<PostingList>() + 1) + self.heap
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequency_counts_and_forgets() {
        let mut frequency = ClusterFrequency::default();
        frequency.increment(7);
        frequency.increment(7);
        assert_eq!(frequency.get(7), 2);
        frequency.decrement(7);
        frequency.decrement(7);
        assert_eq!(frequency.get(7), 0);
        assert!(frequency.is_empty());
    }

    #[test]
    fn frequency_never_underestimates() {
        let mut frequency = ClusterFrequency::default();
        let keys: Vec<u64> = (0..50_000u64)
            .map(|n| n.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .collect();
        for &key in &keys {
            frequency.increment(key);
        }
        assert!(keys.iter().all(|&key| frequency.get(key) >= 1));
        for &key in &keys {
            frequency.decrement(key);
        }
        assert!(frequency.is_empty());
    }

    #[test]
    fn rare_features_weigh_more() {
        assert!(idf(1, 1000) > idf(100, 1000));
        assert!(idf(0, 0) > 0.0);
        let table = IdfTable::new();
        let ln_clusters = 1001f32.ln();
        for frequency in [0, 1, 100, 5000] {
            assert!((table.idf(ln_clusters, frequency) - idf(frequency, 1000)).abs() < 1e-4);
        }
    }

    #[test]
    fn postings_cap_and_remove() {
        let mut postings = Postings::default();
        for slot in 0..10 {
            postings.insert(1, slot, 4);
        }
        assert_eq!(postings.get(1), &[6, 7, 8, 9]);
        postings.remove(1, 8);
        assert_eq!(postings.get(1), &[6, 7, 9]);
        assert_eq!(postings.entries(), 3);
        for slot in [6, 7, 9] {
            postings.remove(1, slot);
        }
        assert!(postings.get(1).is_empty());
        assert_eq!(postings.entries(), 0);
    }
}
