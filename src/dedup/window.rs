//! The sliding window of indexed stories: a slot arena (flat arrays, no per-story allocation
//! besides the URI), time buckets for eviction, and the key table over all stories.
//!
//! Eviction (run by `insert`): the newest window time seen defines "now" (the time a story
//! reached wiredesk, or its event time when the caller has none: then a feed far out of event-time
//! order loses originals before their late re-sends arrive); every time bucket that
//! ends at or before `now - horizon` is dropped whole; then, if the window holds `max_stories`,
//! the oldest bucket's oldest story goes first. A story older than the horizon is not indexed.
//!
//! Flagged snaps ("URGENT: …") are also indexed by the names of their headline and lead for
//! [`SNAP_FOLLOW_UP_MS`], so that the full story that follows in other words can find them.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use super::config::DedupConfig;
use super::lsh::KeyTable;
use super::minhash::{EMPTY, densify};
use super::shingle::mix64;
use super::verify::{SketchRef, StoryView};
use super::{Fingerprint, SPECIFICS_K};

/// The chain root of a duplicate (kept even after the root itself is evicted).
#[derive(Debug, Clone)]
pub struct Root {
    pub uri: Arc<str>,
    pub tag: u64,
}

/// Per-story metadata (the fixed-size arrays live in the arena vectors; the URI in the URI
/// arena; a duplicate's chain root in the root arena). 32 bytes.
#[derive(Debug, Clone)]
pub struct Meta {
    pub tag: u64,
    pub exact: u64,
    /// Index in the root arena; [`NO_ROOT`] when the story is not a duplicate.
    root: u32,
    /// Offset of the URI in the URI arena; [`FREE_SLOT`] marks an unused slot.
    uri_start: u32,
    uri_len: u16,
    /// Normalised words, saturated at `u16::MAX` (verification only asks whether a story is
    /// snap-sized).
    tokens: u16,
    /// Sizes of the figure and name sets; a sketch holds `min(total, SPECIFICS_K)` values.
    pub numbers_total: u16,
    pub names_total: u16,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Meta>() == 32);

/// `Meta::uri_start` of an unused slot.
const FREE_SLOT: u32 = u32::MAX;

/// `Meta::root` of a story without chain root.
const NO_ROOT: u32 = u32::MAX;

/// Longest stored URI in bytes (longer ones are cut at a character boundary).
pub const MAX_URI_BYTES: usize = u16::MAX as usize;

impl Meta {
    const UNUSED: Meta = Meta {
        tag: 0,
        exact: 0,
        root: NO_ROOT,
        uri_start: FREE_SLOT,
        uri_len: 0,
        tokens: 0,
        numbers_total: 0,
        names_total: 0,
    };

    fn in_use(&self) -> bool {
        self.uri_start != FREE_SLOT
    }

    /// Normalised words (saturated at `u16::MAX`).
    pub fn tokens(&self) -> u32 {
        u32::from(self.tokens)
    }
}

/// Stored total of a sketch: its true total when the sketch is full (`SPECIFICS_K` values), else
/// its length, so that the length is always `min(total, SPECIFICS_K)` (what
/// [`super::minhash::BottomK::from_hashes`] produces; a sketch that is not full is complete).
fn stored_total(values: usize, total: u16) -> u16 {
    if values >= SPECIFICS_K {
        total
    } else {
        values as u16
    }
}

fn sketch_len(total: u16) -> usize {
    usize::from(total).min(SPECIFICS_K)
}

/// Keys under which a story is indexed: LSH band keys then lead keys; a story without signature
/// (no words) gets its exact key instead. The first key is the one exact duplicates share (equal
/// text gives equal signatures), so exact matches are looked up under `out[0]`.
pub fn story_keys(
    cfg: &DedupConfig,
    sig: &[u8],
    lead_keys: &[u32],
    exact: u64,
    dense_scratch: &mut Vec<u8>,
    out: &mut Vec<u32>,
) {
    out.clear();
    if sig.iter().all(|&v| v == EMPTY) {
        out.push(exact_key(exact));
        return;
    }
    densify(sig, dense_scratch);
    let r = cfg.rows_per_band;
    for (band, rows) in dense_scratch.chunks_exact(r).take(cfg.bands).enumerate() {
        let mut packed: u64 = 0;
        for &v in rows {
            packed = (packed << 8) | u64::from(v);
        }
        let h = mix64(packed ^ ((band as u64 + 1).wrapping_mul(0xD6E8_FEB8_6659_FD93)));
        out.push((h >> 32) as u32);
    }
    for (j, &k) in lead_keys.iter().enumerate() {
        if k == 0 {
            continue;
        }
        let h = mix64(u64::from(k) ^ ((j as u64 + 1) << 40) ^ 0x1D8E_4E27_C47D_124F);
        out.push((h >> 32) as u32);
    }
}

/// Table key of an exact (normalised text) hash.
pub fn exact_key(exact: u64) -> u32 {
    (mix64(exact ^ 0x8EBC_6AF0_9C88_C6E3) >> 32) as u32
}

/// See module docs.
#[derive(Debug)]
pub struct Window {
    cfg: DedupConfig,
    mask_words: usize,
    metas: Vec<Meta>,
    /// Chain roots of duplicates (indexed by `Meta::root`); freed entries are reused.
    roots: Vec<Option<Root>>,
    free_roots: Vec<u32>,
    /// URIs of all slots, back to back; evicted ones become dead bytes until compaction.
    uris: Vec<u8>,
    dead_uri_bytes: usize,
    free: Vec<u32>,
    sigs: Vec<u8>,
    lead_masks: Vec<u64>,
    lead_keys: Vec<u32>,
    specifics: Vec<u16>,
    buckets: BTreeMap<i64, VecDeque<u32>>,
    newest_ms: Option<i64>,
    len: usize,
    pub table: KeyTable,
    keys_scratch: Vec<u32>,
    dense_scratch: Vec<u8>,
    /// Flagged snaps of the last [`SNAP_FOLLOW_UP_MS`], by lead name.
    snaps: SnapIndex,
}

/// How long after a flagged snap its full story is looked for by name (window time).
pub const SNAP_FOLLOW_UP_MS: i64 = 6 * 3_600_000;

/// A flagged snap in the window; the slot holds it while its `exact` hash matches.
#[derive(Debug, Clone, Copy)]
struct SnapRef {
    slot: u32,
    exact: u64,
    time_ms: i64,
    /// Lead names of the snap.
    names: u8,
}

/// Recent flagged snaps by the names of their headline and lead. Snaps are few, so this stays
/// small; entries older than [`SNAP_FOLLOW_UP_MS`] go as newer stories arrive.
#[derive(Debug, Default)]
struct SnapIndex {
    by_name: HashMap<u32, Vec<SnapRef>>,
    order: VecDeque<(i64, u32)>,
}

impl SnapIndex {
    fn add(&mut self, names: &[u32], snap: SnapRef) {
        for &name in names {
            self.by_name.entry(name).or_default().push(snap);
            self.order.push_back((snap.time_ms, name));
        }
    }

    fn expire(&mut self, now_ms: i64) {
        let cutoff = now_ms.saturating_sub(SNAP_FOLLOW_UP_MS);
        while let Some(&(time, name)) = self.order.front() {
            if time >= cutoff {
                break;
            }
            self.order.pop_front();
            if let Some(list) = self.by_name.get_mut(&name) {
                list.retain(|s| s.time_ms >= cutoff);
                if list.is_empty() {
                    self.by_name.remove(&name);
                }
            }
        }
    }

    fn heap_bytes(&self) -> usize {
        self.by_name.capacity() * 40
            + self
                .by_name
                .values()
                .map(|l| l.capacity() * 24)
                .sum::<usize>()
            + self.order.capacity() * 16
    }
}

impl Window {
    pub fn new(cfg: DedupConfig) -> Self {
        let table = KeyTable::new(cfg.max_stories, 1024);
        Self {
            mask_words: 2 * cfg.signature_bins.div_ceil(64),
            cfg,
            metas: Vec::new(),
            roots: Vec::new(),
            free_roots: Vec::new(),
            uris: Vec::new(),
            dead_uri_bytes: 0,
            free: Vec::new(),
            sigs: Vec::new(),
            lead_masks: Vec::new(),
            lead_keys: Vec::new(),
            specifics: Vec::new(),
            buckets: BTreeMap::new(),
            newest_ms: None,
            len: 0,
            table,
            keys_scratch: Vec::new(),
            dense_scratch: Vec::new(),
            snaps: SnapIndex::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn meta(&self, slot: u32) -> Option<&Meta> {
        self.metas.get(slot as usize).filter(|m| m.in_use())
    }

    /// Chain root of a story in the window, if it is a duplicate.
    pub fn root(&self, meta: &Meta) -> Option<&Root> {
        self.roots.get(meta.root as usize).and_then(Option::as_ref)
    }

    fn store_root(&mut self, root: Option<Root>) -> u32 {
        let Some(root) = root else {
            return NO_ROOT;
        };
        if let Some(i) = self.free_roots.pop() {
            self.roots[i as usize] = Some(root);
            i
        } else if self.roots.len() < NO_ROOT as usize {
            self.roots.push(Some(root));
            (self.roots.len() - 1) as u32
        } else {
            NO_ROOT
        }
    }

    /// URI of a story in the window.
    pub fn uri(&self, meta: &Meta) -> &str {
        let start = meta.uri_start as usize;
        self.uris
            .get(start..start + usize::from(meta.uri_len))
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    /// Appends `uri` to the URI arena (compacting it first when a quarter or more is dead and
    /// it would have to grow); returns its offset and length.
    fn store_uri(&mut self, uri: &str) -> (u32, u16) {
        let mut end = uri.len().min(MAX_URI_BYTES);
        while !uri.is_char_boundary(end) {
            end -= 1;
        }
        let bytes = &uri.as_bytes()[..end];
        if self.uris.len() + bytes.len() > self.uris.capacity() {
            if self.dead_uri_bytes * 4 >= self.uris.len() && self.dead_uri_bytes > 0 {
                self.compact_uris(bytes.len());
            } else {
                let extra = (self.uris.len() / 8).max(4096).max(bytes.len());
                self.uris.reserve_exact(extra);
            }
        }
        if self.uris.len() + bytes.len() > u32::MAX as usize {
            // Arena beyond 4 GiB (only with absurd URIs): the story keeps an empty URI.
            return (0, 0);
        }
        let start = self.uris.len() as u32;
        self.uris.extend_from_slice(bytes);
        (start, bytes.len() as u16)
    }

    /// Rewrites the URI arena with live URIs only, leaving room for `extra` more bytes.
    fn compact_uris(&mut self, extra: usize) {
        let live = self.uris.len() - self.dead_uri_bytes;
        let mut fresh = Vec::new();
        fresh.reserve_exact(live + (live / 8).max(4096).max(extra));
        for m in self.metas.iter_mut().filter(|m| m.in_use()) {
            let start = m.uri_start as usize;
            let new_start = fresh.len() as u32;
            fresh.extend_from_slice(&self.uris[start..start + usize::from(m.uri_len)]);
            m.uri_start = new_start;
        }
        self.uris = fresh;
        self.dead_uri_bytes = 0;
    }

    /// The stored story in `slot` as seen by verification; `dense` receives its densified sig.
    pub fn view<'a>(&'a self, slot: u32, dense: &'a mut Vec<u8>) -> Option<StoryView<'a>> {
        let meta = self.meta(slot)?;
        let s = slot as usize;
        let bins = self.cfg.signature_bins;
        let sig = &self.sigs[s * bins..(s + 1) * bins];
        let dense: &[u8] = if sig.contains(&EMPTY) {
            densify(sig, dense);
            dense
        } else {
            sig
        };
        let spec = &self.specifics[s * 2 * SPECIFICS_K..(s + 1) * 2 * SPECIFICS_K];
        let n = self.cfg.region_keys();
        Some(StoryView {
            tokens: meta.tokens(),
            region_keys: &self.lead_keys[s * n..(s + 1) * n],
            sig,
            dense,
            lead_mask: &self.lead_masks[s * self.mask_words..(s + 1) * self.mask_words],
            numbers: SketchRef {
                values: &spec[..sketch_len(meta.numbers_total)],
                total: meta.numbers_total,
            },
            names: SketchRef {
                values: &spec[SPECIFICS_K..SPECIFICS_K + sketch_len(meta.names_total)],
                total: meta.names_total,
            },
        })
    }

    /// Grows the arena by an eighth (at least 1024 slots, at most up to `max_stories`), so that
    /// unused capacity stays small.
    fn grow_arena(&mut self) {
        let len = self.metas.len();
        let extra = (len / 8)
            .max(1024)
            .min(self.cfg.max_stories.saturating_sub(len))
            .max(1);
        let bins = self.cfg.signature_bins;
        self.metas.reserve_exact(extra);
        self.sigs.reserve_exact(extra * bins);
        self.lead_masks.reserve_exact(extra * self.mask_words);
        self.lead_keys.reserve_exact(extra * self.cfg.region_keys());
        self.specifics.reserve_exact(extra * 2 * SPECIFICS_K);
    }

    fn slot_keys(&mut self, slot: u32) {
        let s = slot as usize;
        let bins = self.cfg.signature_bins;
        let n = self.cfg.region_keys();
        let exact = self.metas[s].exact;
        story_keys(
            &self.cfg,
            &self.sigs[s * bins..(s + 1) * bins],
            &self.lead_keys[s * n..(s + 1) * n],
            exact,
            &mut self.dense_scratch,
            &mut self.keys_scratch,
        );
    }

    fn evict_slot(&mut self, slot: u32) {
        if self.meta(slot).is_none() {
            return;
        }
        self.slot_keys(slot);
        let keys = std::mem::take(&mut self.keys_scratch);
        for &k in &keys {
            self.table.remove(k, slot);
        }
        self.keys_scratch = keys;
        let meta = std::mem::replace(&mut self.metas[slot as usize], Meta::UNUSED);
        self.dead_uri_bytes += usize::from(meta.uri_len);
        if let Some(r) = self.roots.get_mut(meta.root as usize) {
            *r = None;
            self.free_roots.push(meta.root);
        }
        self.free.push(slot);
        self.len -= 1;
    }

    fn evict_oldest(&mut self) {
        let Some(mut entry) = self.buckets.first_entry() else {
            return;
        };
        let slot = entry.get_mut().pop_front();
        if entry.get().is_empty() {
            entry.remove();
        }
        if let Some(slot) = slot {
            self.evict_slot(slot);
        }
    }

    fn evict_expired(&mut self, now_ms: i64) {
        let cutoff = now_ms.saturating_sub(self.cfg.horizon_ms());
        let bucket_ms = self.cfg.bucket_ms();
        while let Some((&bucket, _)) = self.buckets.first_key_value() {
            if bucket.saturating_add(1).saturating_mul(bucket_ms) > cutoff {
                break;
            }
            if let Some(slots) = self.buckets.remove(&bucket) {
                for slot in slots {
                    self.evict_slot(slot);
                }
            }
        }
    }

    fn rebuild_table(&mut self, capacity: usize) {
        self.table.clear_with_capacity(capacity);
        for slot in 0..self.metas.len() as u32 {
            if !self.metas[slot as usize].in_use() {
                continue;
            }
            self.slot_keys(slot);
            for i in 0..self.keys_scratch.len() {
                let k = self.keys_scratch[i];
                self.table.insert(k, slot);
            }
        }
    }

    /// Adds a story (see module docs for eviction). Returns false when it is older than the
    /// horizon and therefore not indexed.
    pub fn insert(
        &mut self,
        fp: &Fingerprint,
        uri: &str,
        event_time_ms: i64,
        tag: u64,
        root: Option<Root>,
    ) -> bool {
        let now = self
            .newest_ms
            .map_or(event_time_ms, |n| n.max(event_time_ms));
        self.newest_ms = Some(now);
        self.evict_expired(now);
        self.snaps.expire(now);
        if event_time_ms <= now.saturating_sub(self.cfg.horizon_ms()) {
            return false;
        }
        while self.len >= self.cfg.max_stories {
            self.evict_oldest();
        }
        let bins = self.cfg.signature_bins;
        let n = self.cfg.region_keys();
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                let s = self.metas.len() as u32;
                if self.metas.len() == self.metas.capacity() {
                    self.grow_arena();
                }
                self.metas.push(Meta::UNUSED);
                self.sigs.resize(self.sigs.len() + bins, EMPTY);
                self.lead_masks
                    .resize(self.lead_masks.len() + self.mask_words, 0);
                self.lead_keys.resize(self.lead_keys.len() + n, 0);
                self.specifics
                    .resize(self.specifics.len() + 2 * SPECIFICS_K, 0);
                s
            }
        };
        let s = slot as usize;
        self.sigs[s * bins..(s + 1) * bins].copy_from_slice(&fp.sig);
        self.lead_masks[s * self.mask_words..(s + 1) * self.mask_words]
            .copy_from_slice(&fp.lead_mask);
        let lk = &mut self.lead_keys[s * n..(s + 1) * n];
        lk.fill(0);
        for (d, k) in lk.iter_mut().zip(&fp.lead_keys) {
            *d = *k;
        }
        let spec = &mut self.specifics[s * 2 * SPECIFICS_K..(s + 1) * 2 * SPECIFICS_K];
        spec.fill(0);
        spec[..fp.numbers.values.len()].copy_from_slice(&fp.numbers.values);
        spec[SPECIFICS_K..SPECIFICS_K + fp.names.values.len()].copy_from_slice(&fp.names.values);
        let bucket = event_time_ms.div_euclid(self.cfg.bucket_ms());
        let (uri_start, uri_len) = self.store_uri(uri);
        let root = self.store_root(root);
        self.metas[s] = Meta {
            uri_start,
            uri_len,
            tag,
            root,
            exact: fp.exact,
            tokens: fp.tokens.min(u32::from(u16::MAX)) as u16,
            numbers_total: stored_total(fp.numbers.values.len(), fp.numbers.total),
            names_total: stored_total(fp.names.values.len(), fp.names.total),
        };
        self.buckets.entry(bucket).or_default().push_back(slot);
        self.len += 1;
        for &k in &fp.keys_with(&self.cfg).keys {
            self.table.insert(k, slot);
        }
        let limit = self.cfg.max_stories * (self.cfg.bands + self.cfg.region_keys());
        if let Some(cap) = self.table.wants_rebuild(limit) {
            self.rebuild_table(cap);
        }
        if fp.is_flagged_snap() {
            let snap = SnapRef {
                slot,
                exact: fp.exact,
                time_ms: event_time_ms,
                names: fp.lead_names().len() as u8,
            };
            self.snaps.add(fp.lead_names(), snap);
        }
        true
    }

    /// Whether any flagged snap is indexed (see [`Self::snaps_named`]).
    pub fn has_snaps(&self) -> bool {
        !self.snaps.by_name.is_empty()
    }

    /// Calls `f(slot, snap_names)` for each flagged snap still in the window that shares a lead
    /// name with `names` (once per shared name) and came at most [`SNAP_FOLLOW_UP_MS`] before
    /// the newest story; `snap_names` is the number of the snap's own lead names.
    pub fn snaps_named(&self, names: &[u32], mut f: impl FnMut(u32, usize)) {
        if self.snaps.by_name.is_empty() {
            return;
        }
        let cutoff = self
            .newest_ms
            .map_or(i64::MIN, |n| n.saturating_sub(SNAP_FOLLOW_UP_MS));
        for name in names {
            for snap in self.snaps.by_name.get(name).into_iter().flatten() {
                let live = self.meta(snap.slot).is_some_and(|m| m.exact == snap.exact);
                if live && snap.time_ms >= cutoff {
                    f(snap.slot, usize::from(snap.names));
                }
            }
        }
    }

    /// Heap bytes held by the window, measured from capacities (BTreeMap nodes estimated at
    /// their documented layout: 11 entries of 40 bytes per node).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let mut bytes = self.metas.capacity() * size_of::<Meta>()
            + self.uris.capacity()
            + self.free.capacity() * 4
            + self.roots.capacity() * size_of::<Option<Root>>()
            + self.free_roots.capacity() * 4
            + self.sigs.capacity()
            + self.lead_masks.capacity() * 8
            + self.lead_keys.capacity() * 4
            + self.specifics.capacity() * 2
            + self.table.heap_bytes()
            + self.keys_scratch.capacity() * 4
            + self.dense_scratch.capacity()
            + self.snaps.heap_bytes();
        let arc_header = 2 * size_of::<usize>();
        let rounded = |n: usize| (n + arc_header).div_ceil(16) * 16;
        for r in self.roots.iter().flatten() {
            if Arc::strong_count(&r.uri) == 1 {
                bytes += rounded(r.uri.len());
            }
        }
        for q in self.buckets.values() {
            bytes += q.capacity() * 4 + 40;
        }
        bytes
    }
}
