//! Near-duplicate detection of wire stories: normalisation, word shingles, one-permutation
//! MinHash, LSH candidates, evidence-based verification and a sliding window of recent stories.
//!
//! Flow per story: [`DedupIndex::fingerprint`] (pure, once per story; shareable as bytes),
//! [`DedupIndex::find`] (exact hash first, under the first LSH band key, then LSH band and lead
//! keys, then verification; failing those, the flagged snaps sharing lead names; the
//! best-scoring earlier story wins and its chain root is reported),
//! then [`DedupIndex::insert`] (which also evicts: see [`window`]).
//!
//! Integration: the crate root declares `pub mod dedup; pub mod synth;` (the synthetic story
//! generator used by `eval`, tests and benches), and Cargo.toml has
//! `[[bench]] name = "dedup" harness = false` for `benches/dedup.rs`. Evaluation: build cases
//! with [`eval::generate_cases`] from base stories and score them with [`eval::evaluate`].

pub mod config;
pub mod eval;
pub mod lsh;
pub mod minhash;
pub mod normalize;
pub mod shingle;
pub mod verify;
pub mod window;

use std::sync::Arc;

pub use config::DedupConfig;

use minhash::{BottomK, EMPTY, OphBuilder, densify};
use normalize::{FLAG_NAME, FLAG_NUMBER, normalize_story};
use shingle::{for_each_part_shingle, mix64};
use verify::{SketchRef, StoryView, decide, evidence, verify};
pub use window::Root;
use window::{Window, story_keys};

/// Values kept per story in each of the figures and names sketches.
pub const SPECIFICS_K: usize = 12;

/// Errors of the dedup engine; messages say what to change.
#[derive(Debug, thiserror::Error)]
pub enum DedupError {
    #[error("invalid dedup config: `{field}`: {reason}")]
    InvalidConfig { field: &'static str, reason: String },
    #[error(
        "fingerprint bytes are malformed: {0}; produce them with Fingerprint::to_bytes of this version"
    )]
    MalformedFingerprint(&'static str),
    #[error(
        "fingerprint encoding version {0} comes from an earlier wiredesk that hashed words differently; it cannot be compared with this version's: recompute it from its story"
    )]
    OutdatedFingerprint(u8),
    #[error(
        "fingerprint has {got_bins} signature bins and {got_lead} lead keys but this index uses {want_bins} and {want_lead}; compute fingerprints with the same DedupConfig"
    )]
    IncompatibleFingerprint {
        got_bins: usize,
        got_lead: usize,
        want_bins: usize,
        want_lead: usize,
    },
}

/// What the engine keeps of a story: computed once, compact, shareable via [`Self::to_bytes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    exact: u64,
    tokens: u32,
    sig: Vec<u8>,
    lead_mask: Vec<u64>,
    lead_keys: Vec<u32>,
    numbers: BottomK,
    names: BottomK,
    /// The story opens with a snap flag ("URGENT:", "FLASH", "BREAKING:"…): a full story may
    /// follow that rewrites it.
    snap_flag: bool,
    /// Distinct names (32-bit hashes of capitalised words) of the headline and the lead, at
    /// most [`LEAD_NAMES`]: how a full story finds the flagged snap it follows.
    lead_names: Vec<u32>,
    /// The index keys and densified signature, computed once with the fingerprint so that
    /// lookup and insert do not each derive them again (not encoded; ignored by `==`).
    derived: DerivedKeys,
}

/// Index keys derived from a fingerprint under one banding (see [`window::story_keys`]).
#[derive(Debug, Clone, Default)]
struct DerivedKeys {
    /// `(bands, rows_per_band)` the keys were computed with; (0, 0) when not computed.
    banding: (usize, usize),
    keys: Vec<u32>,
    dense: Vec<u8>,
}

impl PartialEq for DerivedKeys {
    /// A cache: two fingerprints are equal whatever they have cached.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for DerivedKeys {}

impl DerivedKeys {
    fn of(cfg: &DedupConfig, sig: &[u8], lead_keys: &[u32], exact: u64) -> Self {
        let mut dense = Vec::with_capacity(sig.len());
        let mut keys = Vec::with_capacity(cfg.bands + cfg.region_keys());
        story_keys(cfg, sig, lead_keys, exact, &mut dense, &mut keys);
        Self {
            banding: (cfg.bands, cfg.rows_per_band),
            keys,
            dense,
        }
    }
}

/// Names kept per story in [`Fingerprint::lead_names`].
pub const LEAD_NAMES: usize = 8;

/// Encoding version: 2 added the snap flag and the lead names; 3 (same layout as 2) hashes
/// words with [`normalize::word_hash`], so fingerprints of versions 1 and 2 are refused.
const FINGERPRINT_VERSION: u8 = 3;

impl Fingerprint {
    /// Number of normalised words (headline + body).
    pub fn tokens(&self) -> u32 {
        self.tokens
    }

    /// Hash of the normalised text.
    pub fn exact_hash(&self) -> u64 {
        self.exact
    }

    /// A snap-sized story opening with a snap flag, whose full story may follow in other words.
    pub fn is_flagged_snap(&self) -> bool {
        self.snap_flag
            && (verify::SNAP_MIN_TOKENS..=verify::SNAP_MAX_TOKENS).contains(&self.tokens)
            && !self.lead_names.is_empty()
    }

    /// Names of the headline and lead (32-bit hashes).
    pub fn lead_names(&self) -> &[u32] {
        &self.lead_names
    }

    /// Compact little-endian encoding (about 200 bytes with the default config).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(32 + self.sig.len() + 8 * self.lead_mask.len() + 64);
        out.push(FINGERPRINT_VERSION);
        out.extend_from_slice(&self.exact.to_le_bytes());
        out.extend_from_slice(&self.tokens.to_le_bytes());
        out.extend_from_slice(&(self.sig.len() as u16).to_le_bytes());
        out.extend_from_slice(&self.sig);
        for w in &self.lead_mask {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out.push(self.lead_keys.len() as u8);
        for k in &self.lead_keys {
            out.extend_from_slice(&k.to_le_bytes());
        }
        for s in [&self.numbers, &self.names] {
            out.push(s.values.len() as u8);
            out.extend_from_slice(&s.total.to_le_bytes());
            for v in &s.values {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        out.push(u8::from(self.snap_flag));
        out.push(self.lead_names.len() as u8);
        for name in &self.lead_names {
            out.extend_from_slice(&name.to_le_bytes());
        }
        out
    }

    /// Decodes [`Self::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DedupError> {
        struct Reader<'a>(&'a [u8]);
        impl<'a> Reader<'a> {
            fn take(&mut self, n: usize) -> Result<&'a [u8], DedupError> {
                if self.0.len() < n {
                    return Err(DedupError::MalformedFingerprint("truncated"));
                }
                let (a, b) = self.0.split_at(n);
                self.0 = b;
                Ok(a)
            }
            fn u8(&mut self) -> Result<u8, DedupError> {
                Ok(self.take(1)?[0])
            }
            fn u16(&mut self) -> Result<u16, DedupError> {
                let b = self.take(2)?;
                Ok(u16::from_le_bytes([b[0], b[1]]))
            }
            fn u32(&mut self) -> Result<u32, DedupError> {
                let b = self.take(4)?;
                Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            }
            fn u64(&mut self) -> Result<u64, DedupError> {
                let mut a = [0u8; 8];
                a.copy_from_slice(self.take(8)?);
                Ok(u64::from_le_bytes(a))
            }
        }
        let mut r = Reader(bytes);
        let version = r.u8()?;
        if version == 1 || version == 2 {
            return Err(DedupError::OutdatedFingerprint(version));
        }
        if version != FINGERPRINT_VERSION {
            return Err(DedupError::MalformedFingerprint("unknown version byte"));
        }
        let exact = r.u64()?;
        let tokens = r.u32()?;
        let bins = r.u16()? as usize;
        if !bins.is_power_of_two() {
            return Err(DedupError::MalformedFingerprint(
                "bin count is not a power of two",
            ));
        }
        let sig = r.take(bins)?.to_vec();
        let mut lead_mask = Vec::with_capacity(2 * bins.div_ceil(64));
        for _ in 0..2 * bins.div_ceil(64) {
            lead_mask.push(r.u64()?);
        }
        let n = r.u8()? as usize;
        let mut lead_keys = Vec::with_capacity(n);
        for _ in 0..n {
            lead_keys.push(r.u32()?);
        }
        let mut sketches = Vec::with_capacity(2);
        for _ in 0..2 {
            let len = r.u8()? as usize;
            if len > SPECIFICS_K {
                return Err(DedupError::MalformedFingerprint(
                    "sketch longer than SPECIFICS_K",
                ));
            }
            let total = r.u16()?;
            let mut values = Vec::with_capacity(len);
            for _ in 0..len {
                values.push(r.u16()?);
            }
            if values.windows(2).any(|w| w[0] >= w[1]) || (total as usize) < len {
                return Err(DedupError::MalformedFingerprint("sketch not sorted"));
            }
            sketches.push(BottomK { values, total });
        }
        let snap_flag = match r.u8()? {
            0 => false,
            1 => true,
            _ => return Err(DedupError::MalformedFingerprint("snap flag is not 0 or 1")),
        };
        let n = r.u8()? as usize;
        if n > LEAD_NAMES {
            return Err(DedupError::MalformedFingerprint(
                "more lead names than LEAD_NAMES",
            ));
        }
        let mut lead_names = Vec::with_capacity(n);
        for _ in 0..n {
            lead_names.push(r.u32()?);
        }
        if !r.0.is_empty() {
            return Err(DedupError::MalformedFingerprint("trailing bytes"));
        }
        let names = sketches.pop().unwrap_or_default();
        let numbers = sketches.pop().unwrap_or_default();
        Ok(Self {
            exact,
            tokens,
            sig,
            lead_mask,
            lead_keys,
            numbers,
            names,
            snap_flag,
            lead_names,
            derived: DerivedKeys::default(),
        })
    }

    /// The keys this fingerprint is indexed under with `cfg`'s banding: cached when computed
    /// with the same banding, else derived now.
    fn keys_with(&self, cfg: &DedupConfig) -> std::borrow::Cow<'_, DerivedKeys> {
        if self.derived.banding == (cfg.bands, cfg.rows_per_band) {
            return std::borrow::Cow::Borrowed(&self.derived);
        }
        std::borrow::Cow::Owned(DerivedKeys::of(cfg, &self.sig, &self.lead_keys, self.exact))
    }

    fn sketch_refs(&self) -> (SketchRef<'_>, SketchRef<'_>) {
        (
            SketchRef {
                values: &self.numbers.values,
                total: self.numbers.total,
            },
            SketchRef {
                values: &self.names.values,
                total: self.names.total,
            },
        )
    }
}

/// What the window remembers of a story's decision (see [`DedupIndex::known`]).
#[derive(Debug, Clone)]
pub struct KnownStory {
    /// The story id it was given.
    pub story_tag: u64,
    /// The first story of its duplicate chain, if it was a duplicate.
    pub root: Option<Root>,
}

/// How a match was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// Same normalised text.
    Exact,
    /// Near-duplicate by verified similarity.
    Near,
}

/// The earlier story a new one repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct DedupMatch {
    /// URI of the FIRST story of the chain (not the previous re-send).
    pub original_uri: Arc<str>,
    /// The tag the original was inserted with.
    pub story_tag: u64,
    /// 1.0 for exact; else the verified similarity (Jaccard or containment estimate).
    pub similarity: f32,
    pub kind: MatchKind,
}

/// The near-duplicate index over a sliding window of stories.
#[derive(Debug)]
pub struct DedupIndex {
    cfg: DedupConfig,
    window: Window,
}

impl DedupIndex {
    /// Validates `cfg` and creates an empty index.
    pub fn new(cfg: DedupConfig) -> Result<Self, DedupError> {
        cfg.validate()?;
        Ok(Self {
            window: Window::new(cfg.clone()),
            cfg,
        })
    }

    pub fn config(&self) -> &DedupConfig {
        &self.cfg
    }

    /// Computes the fingerprint of a story (pure; does not touch the index).
    pub fn fingerprint(&self, headline: &str, body: &str) -> Fingerprint {
        fingerprint_with(&self.cfg, headline, body)
    }

    /// Whether `fp` was computed with this index's signature and lead-key settings.
    pub fn check_fingerprint(&self, fp: &Fingerprint) -> Result<(), DedupError> {
        if fp.sig.len() != self.cfg.signature_bins
            || fp.lead_keys.len() != self.cfg.region_keys()
            || fp.lead_mask.len() != 2 * self.cfg.signature_bins.div_ceil(64)
        {
            return Err(DedupError::IncompatibleFingerprint {
                got_bins: fp.sig.len(),
                got_lead: fp.lead_keys.len(),
                want_bins: self.cfg.signature_bins,
                want_lead: self.cfg.region_keys(),
            });
        }
        Ok(())
    }

    /// The earlier story in the window that `fp` repeats, if any (an incompatible fingerprint
    /// finds nothing).
    pub fn find(&self, fp: &Fingerprint) -> Option<DedupMatch> {
        if fp.tokens == 0 || self.check_fingerprint(fp).is_err() || self.window.is_empty() {
            return None;
        }
        let w = &self.window;
        let derived = fp.keys_with(&self.cfg);
        let (dense, keys) = (&derived.dense, &derived.keys);
        // 1. Exact duplicates short-circuit (they share the first key).
        let mut exact_slot = None;
        if let Some(&first) = keys.first() {
            w.table.lookup(first, |slot| {
                if w.meta(slot).is_some_and(|m| m.exact == fp.exact) {
                    exact_slot = Some(slot);
                    return false;
                }
                true
            });
        }
        if let Some(slot) = exact_slot {
            return w
                .meta(slot)
                .map(|m| self.match_of(m, 1.0, MatchKind::Exact));
        }
        // 2. Candidates from LSH band keys and lead keys.
        let mut hits: Vec<u32> = Vec::with_capacity(64);
        let cap = self.cfg.max_candidates * 4;
        for &k in keys {
            w.table.lookup(k, |slot| {
                hits.push(slot);
                hits.len() < cap
            });
            if hits.len() >= cap {
                break;
            }
        }
        if hits.is_empty() && !w.has_snaps() {
            return None;
        }
        hits.sort_unstable();
        let mut counted: Vec<(u32, u32)> = Vec::with_capacity(hits.len());
        for &slot in &hits {
            match counted.last_mut() {
                Some((s, c)) if *s == slot => *c += 1,
                _ => counted.push((slot, 1)),
            }
        }
        if counted.len() > self.cfg.max_candidates {
            counted.select_nth_unstable_by(self.cfg.max_candidates, |a, b| b.1.cmp(&a.1));
            counted.truncate(self.cfg.max_candidates);
        }
        // 3. Verification; the best score wins, ties go to the earlier root.
        let mut densified = Vec::new();
        let dense: &[u8] = if dense.is_empty() {
            densify(&fp.sig, &mut densified);
            &densified
        } else {
            dense
        };
        let (numbers, names) = fp.sketch_refs();
        let query = StoryView {
            tokens: fp.tokens,
            region_keys: &fp.lead_keys,
            sig: &fp.sig,
            dense,
            lead_mask: &fp.lead_mask,
            numbers,
            names,
        };
        let mut stored_dense = Vec::with_capacity(fp.sig.len());
        // (score, tag of the chain root, slot): the best score wins, ties go to the earlier root.
        let mut best: Option<(f32, u64, u32)> = None;
        let keep_best = |best: &mut Option<(f32, u64, u32)>, score: f32, slot: u32| {
            let root_tag = w
                .meta(slot)
                .map_or(0, |m| w.root(m).map_or(m.tag, |r| r.tag));
            if best.is_none_or(|(bs, bt, _)| score > bs || (score == bs && root_tag < bt)) {
                *best = Some((score, root_tag, slot));
            }
        };
        for &(slot, _) in &counted {
            let Some(view) = w.view(slot, &mut stored_dense) else {
                continue;
            };
            if let Some(score) = verify(&self.cfg, &query, &view) {
                keep_best(&mut best, score, slot);
            }
        }
        // 4. A full story rewriting a flagged snap it follows: found by shared lead names.
        if best.is_none() {
            let mut named: Vec<(u32, usize)> = Vec::new();
            w.snaps_named(&fp.lead_names, |slot, names| named.push((slot, names)));
            named.sort_unstable();
            // (slot, the snap's lead names, how many of them this story's lead shares)
            let mut snaps: Vec<(u32, usize, usize)> = Vec::new();
            for (slot, names) in named {
                match snaps.last_mut() {
                    Some((s, _, shared)) if *s == slot => *shared += 1,
                    _ => snaps.push((slot, names, 1)),
                }
            }
            for (slot, snap_names, shared) in snaps {
                let Some(view) = w.view(slot, &mut stored_dense) else {
                    continue;
                };
                if let Some(score) = verify::snap_follow_up(&query, &view, shared, snap_names) {
                    keep_best(&mut best, score, slot);
                }
            }
        }
        let (score, _, slot) = best?;
        w.meta(slot)
            .map(|m| self.match_of(m, score, MatchKind::Near))
    }

    /// Diagnostics: the verification evidence and verdict for `query` against an `earlier`
    /// fingerprint, and whether LSH would propose `earlier` as a candidate (shared keys).
    pub fn explain(
        &self,
        query: &Fingerprint,
        earlier: &Fingerprint,
    ) -> (verify::Evidence, Option<f32>, usize) {
        let ev = with_views(query, earlier, |q, s| evidence(&self.cfg, q, s));
        let (kq, ks) = (query.keys_with(&self.cfg), earlier.keys_with(&self.cfg));
        let shared = kq.keys.iter().zip(&ks.keys).filter(|(a, b)| a == b).count();
        (ev, decide(&self.cfg, &ev), shared)
    }

    /// The verdict [`DedupIndex::find`] reaches for `query` against the candidate `earlier`.
    pub fn verify_pair(&self, query: &Fingerprint, earlier: &Fingerprint) -> Option<f32> {
        with_views(query, earlier, |q, s| verify(&self.cfg, q, s))
    }

    /// Diagnostics: number of distinct candidates LSH proposes for `fp`.
    pub fn candidate_count(&self, fp: &Fingerprint) -> usize {
        let keys = &fp.keys_with(&self.cfg).keys;
        let mut hits = Vec::new();
        for &k in keys {
            self.window.table.lookup(k, |slot| {
                hits.push(slot);
                true
            });
        }
        hits.sort_unstable();
        hits.dedup();
        hits.len()
    }

    fn match_of(&self, m: &window::Meta, similarity: f32, kind: MatchKind) -> DedupMatch {
        match self.window.root(m) {
            Some(r) => DedupMatch {
                original_uri: r.uri.clone(),
                story_tag: r.tag,
                similarity,
                kind,
            },
            None => DedupMatch {
                original_uri: Arc::from(self.window.uri(m)),
                story_tag: m.tag,
                similarity,
                kind,
            },
        }
    }

    /// Indexes a story. `duplicate_of`: the match found for it, whose chain root is kept so later
    /// re-sends point at the first story. `time_ms` is the story's window time: when it reached
    /// wiredesk (or its event time for feeds in event-time order). Eviction happens here, driven by
    /// the newest window time seen so far (not the wall clock): buckets older than the horizon go,
    /// then the oldest stories while the window is full. A story already older than the horizon, or a fingerprint
    /// computed with another config, is not indexed (see [`Self::try_insert`]).
    pub fn insert(
        &mut self,
        fp: &Fingerprint,
        uri: &str,
        time_ms: i64,
        story_tag: u64,
        duplicate_of: Option<&DedupMatch>,
    ) {
        let _ = self.try_insert(fp, uri, time_ms, story_tag, duplicate_of);
    }

    /// [`Self::insert`] that reports an incompatible fingerprint; Ok(false) when the story was
    /// older than the horizon and not indexed.
    pub fn try_insert(
        &mut self,
        fp: &Fingerprint,
        uri: &str,
        event_time_ms: i64,
        story_tag: u64,
        duplicate_of: Option<&DedupMatch>,
    ) -> Result<bool, DedupError> {
        self.check_fingerprint(fp)?;
        let root = duplicate_of.map(|m| Root {
            uri: m.original_uri.clone(),
            tag: m.story_tag,
        });
        Ok(self.window.insert(fp, uri, event_time_ms, story_tag, root))
    }

    /// [`Self::try_insert`] with the chain root given directly (a story decided elsewhere).
    pub fn insert_with_root(
        &mut self,
        fp: &Fingerprint,
        uri: &str,
        event_time_ms: i64,
        story_tag: u64,
        root: Option<Root>,
    ) -> Result<bool, DedupError> {
        self.check_fingerprint(fp)?;
        Ok(self.window.insert(fp, uri, event_time_ms, story_tag, root))
    }

    /// The decision already taken for this very story (same uri, same normalised text), if the
    /// window holds it: a message consumed again after a restart or a rebalance, or this
    /// instance's own record coming back from the fingerprints topic.
    pub fn known(&self, uri: &str, fp: &Fingerprint) -> Option<KnownStory> {
        if self.check_fingerprint(fp).is_err() {
            return None;
        }
        let w = &self.window;
        let keys = &fp.keys_with(&self.cfg).keys;
        let first = *keys.first()?;
        let mut found = None;
        w.table.lookup(first, |slot| match w.meta(slot) {
            Some(m) if m.exact == fp.exact && w.uri(m) == uri => {
                found = Some(KnownStory {
                    story_tag: m.tag,
                    root: w.root(m).cloned(),
                });
                false
            }
            _ => true,
        });
        found
    }

    /// Stories in the window.
    pub fn len(&self) -> usize {
        self.window.len()
    }

    pub fn is_empty(&self) -> bool {
        self.window.is_empty()
    }

    /// Heap bytes of the index (measured from the capacities of its arrays and tables plus the
    /// stored URIs).
    pub fn index_bytes(&self) -> usize {
        self.window.heap_bytes()
    }
}

/// Calls `f` with verification views of two fingerprints.
fn with_views<R>(
    query: &Fingerprint,
    earlier: &Fingerprint,
    f: impl FnOnce(&StoryView<'_>, &StoryView<'_>) -> R,
) -> R {
    let (mut dq, mut ds) = (Vec::new(), Vec::new());
    densify(&query.sig, &mut dq);
    densify(&earlier.sig, &mut ds);
    let (qn, qm) = query.sketch_refs();
    let (sn, sm) = earlier.sketch_refs();
    let q = StoryView {
        tokens: query.tokens,
        region_keys: &query.lead_keys,
        sig: &query.sig,
        dense: &dq,
        lead_mask: &query.lead_mask,
        numbers: qn,
        names: qm,
    };
    let s = StoryView {
        tokens: earlier.tokens,
        region_keys: &earlier.lead_keys,
        sig: &earlier.sig,
        dense: &ds,
        lead_mask: &earlier.lead_mask,
        numbers: sn,
        names: sm,
    };
    f(&q, &s)
}

/// Order-sensitive hash of a token sequence: the exact-duplicate key. Four independent lanes
/// (each step a bijection of its lane) keep the loop from being one long chain of multiplies.
fn sequence_hash(tokens: &[normalize::Token]) -> u64 {
    let mut lanes: [u64; 4] = [
        0x6A09_E667_F3BC_C908,
        0xBB67_AE85_84CA_A73B,
        0x3C6E_F372_FE94_F82B,
        0xA54F_F53A_5F1D_36F1,
    ];
    let mut quads = tokens.chunks_exact(4);
    for quad in &mut quads {
        for (lane, t) in lanes.iter_mut().zip(quad) {
            *lane = (*lane ^ t.hash)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .rotate_left(29);
        }
    }
    let mut h = mix64(tokens.len() as u64);
    for t in quads.remainder() {
        h = mix64(h ^ t.hash);
    }
    for lane in lanes {
        h = mix64(h ^ lane);
    }
    h
}

/// Fingerprint computation shared by [`DedupIndex::fingerprint`] and benchmarks.
pub fn fingerprint_with(cfg: &DedupConfig, headline: &str, body: &str) -> Fingerprint {
    let norm = normalize_story(headline, body);
    let tokens = &norm.tokens;
    let exact = sequence_hash(tokens);
    let headline_end = norm.headline_tokens;
    let lead_end = headline_end + cfg.lead_tokens;
    // One pass: figures, names, and the names of the headline and the first two lead lengths of
    // the body (a full story names the place or people of its snap in its first sentence or two).
    let mut numbers = Vec::with_capacity(64);
    let mut names = Vec::with_capacity(64);
    let mut lead_names: Vec<u32> = Vec::with_capacity(LEAD_NAMES);
    let lead_names_end = lead_end + cfg.lead_tokens;
    for (i, t) in tokens.iter().enumerate() {
        if t.flags & FLAG_NUMBER != 0 {
            numbers.push(BottomK::value_of(t.hash));
        } else if t.flags & FLAG_NAME != 0 {
            names.push(BottomK::value_of(t.hash));
        }
        if t.flags & FLAG_NAME != 0 && i < lead_names_end && lead_names.len() < LEAD_NAMES {
            let name = (t.hash >> 32) as u32;
            if !lead_names.contains(&name) {
                lead_names.push(name);
            }
        }
    }
    let mut oph = OphBuilder::new(cfg.signature_bins);
    let mut headline_shingles = Vec::with_capacity(16);
    let mut lead_shingles = Vec::with_capacity(cfg.lead_tokens + 1);
    let (headline_part, body_part) = tokens.split_at(headline_end.min(tokens.len()));
    // The lead is the body's opening; a story without body (headline-only snap) is all lead.
    let body_empty = body_part.is_empty();
    let specific = |window: &[normalize::Token]| {
        window
            .iter()
            .any(|t| t.flags & (FLAG_NAME | FLAG_NUMBER) != 0)
    };
    for_each_part_shingle(headline_part, cfg.shingle_k, |h, _, window| {
        oph.add(h, body_empty, specific(window));
        headline_shingles.push(h);
    });
    for_each_part_shingle(body_part, cfg.shingle_k, |h, start, window| {
        let in_lead = start < cfg.lead_tokens;
        oph.add(h, in_lead, specific(window));
        if in_lead {
            lead_shingles.push(h);
        }
    });
    let (sig, lead_mask) = oph.finish();
    let mut lead_keys = Vec::with_capacity(cfg.region_keys());
    minhash::region_keys(
        &headline_shingles,
        cfg.headline_keys,
        0x4845_4144,
        &mut lead_keys,
    );
    minhash::region_keys(&lead_shingles, cfg.lead_keys, 0x4C45_4144, &mut lead_keys);
    debug_assert!(tokens.is_empty() || sig.iter().any(|&v| v != EMPTY));
    let derived = DerivedKeys::of(cfg, &sig, &lead_keys, exact);
    Fingerprint {
        exact,
        tokens: tokens.len().min(u32::MAX as usize) as u32,
        sig,
        lead_mask,
        lead_keys,
        numbers: BottomK::from_values(numbers, SPECIFICS_K),
        names: BottomK::from_values(names, SPECIFICS_K),
        snap_flag: normalize::has_snap_flag(headline) || normalize::has_snap_flag(body),
        lead_names,
        derived,
    }
}

#[cfg(test)]
mod tests;
