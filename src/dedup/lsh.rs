//! LSH key table: an open-addressing multimap from 32-bit keys (LSH band keys, lead keys; exact
//! hashes only for stories without words) to story slots, one `u32` per entry. An entry packs the slot number (low bits) with a
//! tag taken from the key (high bits); the home position comes from the key too, so a lookup
//! reads one short run of adjacent words. Keys are not stored: they are recomputed from the
//! stories' signatures when the table is rebuilt (growth or too many tombstones). Capacity is
//! any size (home = multiply-shift of the key hash), rebuilt when used entries pass
//! [`MAX_LOAD`]: purged of tombstones with live entries at [`REBUILD_LOAD`], or, when growing,
//! at least doubled (so each story's keys are recomputed about once while the window fills; a
//! growth of 1.26x recomputed them about three times). A growing table is 44-88 % full, a full
//! window's table sized for its cap (about 5 bytes per key).

use super::shingle::mix64;

const EMPTY_ENTRY: u32 = u32::MAX;
const TOMBSTONE: u32 = u32::MAX - 1;

/// Highest share of used (live + tombstone) entries before a rebuild.
pub const MAX_LOAD: f64 = 0.88;
/// Share of live entries a rebuilt (grown) table starts with.
pub const REBUILD_LOAD: f64 = 0.7;
/// Highest share of live entries a full window's table is sized for: the rest is headroom for
/// tombstones, so that a sliding window at its cap purges (rebuilds) only every ~8 % of churn.
pub const CEILING_LOAD: f64 = 0.8;
/// Smallest capacity.
const MIN_CAPACITY: usize = 64;

/// See module docs.
#[derive(Debug, Clone)]
pub struct KeyTable {
    entries: Vec<u32>,
    slot_bits: u32,
    live: usize,
    tombstones: usize,
}

impl KeyTable {
    /// A table for slots below `max_slots` with room for `capacity` entries (at least 64).
    pub fn new(max_slots: usize, capacity: usize) -> Self {
        // Two slot values (all ones, all ones minus one) are reserved for the markers.
        let slot_bits = (usize::BITS - (max_slots + 2).leading_zeros()).max(1);
        let cap = capacity.clamp(MIN_CAPACITY, u32::MAX as usize);
        Self {
            entries: vec![EMPTY_ENTRY; cap],
            slot_bits,
            live: 0,
            tombstones: 0,
        }
    }

    #[inline]
    fn locate(&self, key: u32) -> (usize, u32) {
        let h = mix64(u64::from(key) | 0x9E37_79B9_0000_0000);
        let home = (((h & 0xFFFF_FFFF) * self.entries.len() as u64) >> 32) as usize;
        let tag = ((h >> 32) as u32) >> self.slot_bits;
        (home, tag)
    }

    #[inline]
    fn next(&self, i: usize) -> usize {
        if i + 1 == self.entries.len() {
            0
        } else {
            i + 1
        }
    }

    #[inline]
    fn prev(&self, i: usize) -> usize {
        if i == 0 {
            self.entries.len() - 1
        } else {
            i - 1
        }
    }

    #[inline]
    fn entry(&self, tag: u32, slot: u32) -> u32 {
        if self.slot_bits >= 32 {
            slot
        } else {
            (tag << self.slot_bits) | slot
        }
    }

    #[inline]
    fn slot_of(&self, e: u32) -> u32 {
        if self.slot_bits >= 32 {
            e
        } else {
            e & ((1u32 << self.slot_bits) - 1)
        }
    }

    /// Calls `f(slot)` for every slot stored under `key` (and, rarely, under a key with the same
    /// home and tag); stops early when `f` returns false.
    #[inline]
    pub fn lookup(&self, key: u32, mut f: impl FnMut(u32) -> bool) {
        let (mut i, tag) = self.locate(key);
        let tag_shift = self.slot_bits.min(31);
        loop {
            let e = self.entries[i];
            if e == EMPTY_ENTRY {
                return;
            }
            if e != TOMBSTONE
                && (self.slot_bits >= 32 || e >> tag_shift == tag)
                && !f(self.slot_of(e))
            {
                return;
            }
            i = self.next(i);
        }
    }

    /// Adds `slot` under `key`. Call [`Self::wants_rebuild`] afterwards.
    pub fn insert(&mut self, key: u32, slot: u32) {
        let (mut i, tag) = self.locate(key);
        let e = self.entry(tag, slot);
        loop {
            match self.entries[i] {
                EMPTY_ENTRY => break,
                TOMBSTONE => {
                    self.tombstones -= 1;
                    break;
                }
                _ => i = self.next(i),
            }
        }
        self.entries[i] = e;
        self.live += 1;
    }

    /// Removes `slot` from `key`; returns whether it was there.
    pub fn remove(&mut self, key: u32, slot: u32) -> bool {
        let (mut i, tag) = self.locate(key);
        let e = self.entry(tag, slot);
        loop {
            match self.entries[i] {
                EMPTY_ENTRY => return false,
                x if x == e => {
                    self.live -= 1;
                    if self.entries[self.next(i)] == EMPTY_ENTRY {
                        // End of a run: no probe needs this entry or the tombstones just before
                        // it any more (every probe through them stops at the empty one after).
                        self.entries[i] = EMPTY_ENTRY;
                        let mut j = self.prev(i);
                        for _ in 0..self.entries.len() {
                            if self.entries[j] != TOMBSTONE {
                                break;
                            }
                            self.entries[j] = EMPTY_ENTRY;
                            self.tombstones -= 1;
                            j = self.prev(j);
                        }
                    } else {
                        self.entries[i] = TOMBSTONE;
                        self.tombstones += 1;
                    }
                    return true;
                }
                _ => i = self.next(i),
            }
        }
    }

    /// If the table is too full (live + tombstones over [`MAX_LOAD`]), the capacity it should be
    /// rebuilt with: live entries at [`REBUILD_LOAD`] of it (at least doubled when they fill
    /// more than that), never more than `limit` entries (the most the window can hold) at
    /// [`CEILING_LOAD`].
    pub fn wants_rebuild(&self, limit: usize) -> Option<usize> {
        let cap = self.entries.len();
        if ((self.live + self.tombstones) as f64) <= cap as f64 * MAX_LOAD {
            return None;
        }
        let mut wanted = ((self.live as f64) / REBUILD_LOAD).ceil() as usize;
        if wanted > cap {
            wanted = wanted.max(2 * cap);
        }
        let ceiling = ((limit as f64) / CEILING_LOAD).ceil() as usize;
        Some(wanted.max(cap).min(ceiling.max(cap)).max(MIN_CAPACITY))
    }

    /// Empties the table and resizes it to `capacity` entries; the caller re-inserts all keys.
    pub fn clear_with_capacity(&mut self, capacity: usize) {
        let cap = capacity.clamp(MIN_CAPACITY, u32::MAX as usize);
        self.entries = Vec::new();
        self.entries.reserve_exact(cap);
        self.entries.resize(cap, EMPTY_ENTRY);
        self.live = 0;
        self.tombstones = 0;
    }

    pub fn live_entries(&self) -> usize {
        self.live
    }

    pub fn capacity(&self) -> usize {
        self.entries.len()
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<u32>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(t: &KeyTable, key: u32) -> Vec<u32> {
        let mut v = Vec::new();
        t.lookup(key, |s| {
            v.push(s);
            true
        });
        v.sort_unstable();
        v
    }

    #[test]
    fn multimap_insert_lookup_remove() {
        let mut t = KeyTable::new(1000, 64);
        t.insert(7, 1);
        t.insert(7, 2);
        t.insert(8, 3);
        assert_eq!(collect(&t, 7), vec![1, 2]);
        assert_eq!(collect(&t, 8), vec![3]);
        assert!(t.remove(7, 1));
        assert!(!t.remove(7, 1));
        assert_eq!(collect(&t, 7), vec![2]);
        assert!(collect(&t, 9).is_empty());
    }

    #[test]
    fn removing_the_end_of_a_run_leaves_no_tombstones() {
        let mut t = KeyTable::new(1000, 64);
        for slot in 0..5 {
            t.insert(3, slot);
        }
        // Removing from the middle leaves a tombstone; the lookup still sees the rest.
        assert!(t.remove(3, 1));
        assert_eq!(t.tombstones, 1);
        assert_eq!(collect(&t, 3), vec![0, 2, 3, 4]);
        // Removing the run's last entry clears it and the tombstones before it.
        assert!(t.remove(3, 4));
        assert!(t.remove(3, 3));
        assert!(t.remove(3, 2));
        assert_eq!(t.tombstones, 0);
        assert_eq!(collect(&t, 3), vec![0]);
        assert!(t.remove(3, 0));
        assert_eq!((t.live_entries(), t.tombstones), (0, 0));
        assert!(t.entries.iter().all(|&e| e == EMPTY_ENTRY));
    }

    #[test]
    fn fills_and_asks_for_rebuild() {
        let mut t = KeyTable::new(1 << 20, 64);
        for k in 0..56u32 {
            t.insert(k, k);
        }
        assert_eq!(t.wants_rebuild(usize::MAX), None);
        t.insert(1000, 5);
        // Growing doubles the capacity (not just 57 / REBUILD_LOAD = 82), up to the ceiling.
        assert_eq!(t.wants_rebuild(usize::MAX), Some(128));
        assert_eq!(t.wants_rebuild(57), Some(72));
        t.clear_with_capacity(82);
        for k in 0..49u32 {
            t.insert(k, k);
        }
        for k in 0..49u32 {
            assert_eq!(collect(&t, k), vec![k]);
        }
    }
}
