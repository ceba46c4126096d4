//! One-permutation MinHash (OPH) with optimal densification, plus the estimators used by
//! verification: Jaccard, directional containment, and bottom-k sketches of names and figures.
//!
//! Each shingle hash goes to one bin (its top bits) and competes there with its low 32 bits, so
//! the whole signature costs one pass over the shingles. Stored values are the top 8 bits of each
//! bin minimum (order preserving), `EMPTY` marks a bin no shingle reached.

use super::shingle::mix64;

/// Marker of an empty bin in a stored (not densified) signature.
pub const EMPTY: u8 = 255;

/// Signature builder: per bin, the minimum of its shingles' low 32 bits, packed with two flags
/// of the shingle that holds it (see [`OphBuilder::add`]).
pub struct OphBuilder {
    shift: u32,
    mins: Vec<u64>,
}

/// Packed-bin flag bits: set when the minimum's shingle is NOT in the lead / NOT specific, so that
/// on equal values the lead (then specific) shingle is the smaller key and wins.
const NOT_LEAD: u64 = 0b10;
const NOT_SPECIFIC: u64 = 0b01;

impl OphBuilder {
    /// `bins` must be a power of two >= 2.
    pub fn new(bins: usize) -> Self {
        Self {
            shift: 64 - bins.trailing_zeros(),
            mins: vec![u64::MAX; bins],
        }
    }

    #[inline]
    /// Adds a shingle; `in_lead`: it starts in the lead; `specific`: it holds a name or figure.
    /// Branch-free: the bin keeps the smaller of two keys `value << 2 | flags`.
    pub fn add(&mut self, shingle: u64, in_lead: bool, specific: bool) {
        let bin = (shingle >> self.shift) as usize;
        let key = (u64::from(shingle as u32) << 2)
            | if in_lead { 0 } else { NOT_LEAD }
            | if specific { 0 } else { NOT_SPECIFIC };
        // Safe indexing: bin < 2^(64-shift) == bins.
        if let Some(m) = self.mins.get_mut(bin) {
            *m = (*m).min(key);
        }
    }

    /// Stored signature (one byte per bin) and the bin masks: `words` u64 of lead bits, then
    /// `words` u64 of specific (name/figure) bits, `words = bins.div_ceil(64)`.
    pub fn finish(self) -> (Vec<u8>, Vec<u64>) {
        let mut sig = Vec::with_capacity(self.mins.len());
        let words = self.mins.len().div_ceil(64);
        let mut mask = vec![0u64; 2 * words];
        for (i, &m) in self.mins.iter().enumerate() {
            if m == u64::MAX {
                sig.push(EMPTY);
                continue;
            }
            sig.push((((m >> 2) >> 24) as u8).min(EMPTY - 1));
            if m & NOT_LEAD == 0 {
                mask[i / 64] |= 1 << (i % 64);
            }
            if m & NOT_SPECIFIC == 0 {
                mask[words + i / 64] |= 1 << (i % 64);
            }
        }
        (sig, mask)
    }
}

/// Fills `out` with the densified signature: each empty bin copies the value of a non-empty bin
/// chosen by a bin-seeded hash sequence (Shrivastava 2017, "optimal densification"), so two
/// stories with equal content get equal densified bins. An all-empty signature stays all `EMPTY`.
pub fn densify(sig: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(sig);
    let n = sig.len();
    if n == 0 || !sig.contains(&EMPTY) || sig.iter().all(|&v| v == EMPTY) {
        return;
    }
    let mask = n - 1;
    for (i, slot) in out.iter_mut().enumerate() {
        if *slot != EMPTY {
            continue;
        }
        let mut attempt: u64 = 0;
        loop {
            let j = (mix64(((i as u64) << 32) ^ attempt ^ 0x5851_F42D_4C95_7F2D) as usize) & mask;
            if sig[j] != EMPTY {
                *slot = sig[j];
                break;
            }
            attempt += 1;
        }
    }
}

/// Probability that two different minima share their stored 8-bit value (measured for mins of
/// ~3 uniform values per bin); removed from Jaccard estimates.
const RANDOM_EQUAL: f32 = 0.008;

/// Jaccard estimate from two densified signatures of equal length.
pub fn jaccard(a: &[u8], b: &[u8]) -> f32 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let eq = a.iter().zip(b).filter(|(x, y)| x == y).count() as f32 / a.len() as f32;
    ((eq - RANDOM_EQUAL) / (1.0 - RANDOM_EQUAL)).clamp(0.0, 1.0)
}

/// Evidence of containment of A in B from stored signatures: over bins where A is non-empty (and
/// selected by `mask_a` if given), `shared` counts bins where A's minimum equals B's (a shingle of
/// A found in B) and `missing` those where A's minimum is below B's or B is empty (that shingle of
/// A is certainly not in B). Bins where B's minimum is lower say nothing about A.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Containment {
    pub shared: u32,
    pub missing: u32,
}

impl Containment {
    pub fn samples(&self) -> u32 {
        self.shared + self.missing
    }
    /// shared / samples (0 when there is no sample).
    pub fn ratio(&self) -> f32 {
        if self.samples() == 0 {
            0.0
        } else {
            self.shared as f32 / self.samples() as f32
        }
    }
}

/// See [`Containment`].
pub fn containment(a: &[u8], b: &[u8], mask_a: Option<&[u64]>) -> Containment {
    containment_where(a, b, mask_a, true)
}

/// [`containment`] over the bins whose bit in `mask_a` equals `bit` (all bins without a mask).
pub fn containment_where(a: &[u8], b: &[u8], mask_a: Option<&[u64]>, bit: bool) -> Containment {
    let mut c = Containment::default();
    for (i, (&x, &y)) in a.iter().zip(b).enumerate() {
        if x == EMPTY {
            continue;
        }
        if let Some(m) = mask_a
            && m.get(i / 64)
                .is_none_or(|w| (w & (1 << (i % 64)) != 0) != bit)
        {
            continue;
        }
        if x == y {
            c.shared += 1;
        } else if x < y {
            c.missing += 1;
        }
    }
    c
}

/// Bottom-k sketch of a set of token hashes (top 16 bits, ascending) with the set's size.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BottomK {
    pub values: Vec<u16>,
    pub total: u16,
}

impl BottomK {
    /// Builds a sketch of at most `k` values from possibly repeated hashes.
    pub fn from_hashes(hashes: &[u64], k: usize) -> Self {
        Self::from_values(hashes.iter().map(|&h| Self::value_of(h)).collect(), k)
    }

    /// The sketch value of one hash.
    #[inline]
    pub fn value_of(hash: u64) -> u16 {
        (mix64(hash) >> 48) as u16
    }

    /// Builds a sketch of at most `k` values from [`Self::value_of`] values, possibly repeated.
    pub fn from_values(mut vals: Vec<u16>, k: usize) -> Self {
        vals.sort_unstable();
        vals.dedup();
        let total = vals.len().min(u16::MAX as usize) as u16;
        vals.truncate(k);
        Self {
            values: vals,
            total,
        }
    }

    /// Whether the sketch holds the whole set.
    pub fn complete(&self) -> bool {
        self.values.len() == self.total as usize
    }
}

/// Region keys (headline or lead): `n` keys, each combining two independent MinHash values over
/// `shingles`, appended to `out`; an empty region gives 0 keys (0 is never indexed).
pub fn region_keys(shingles: &[u64], n: usize, salt: u64, out: &mut Vec<u32>) {
    for j in 0..n as u64 {
        if shingles.is_empty() {
            out.push(0);
            continue;
        }
        let s0 = mix64(0xA076_1D64_78BD_642F ^ salt ^ (2 * j));
        let s1 = mix64(0xA076_1D64_78BD_642F ^ salt ^ (2 * j + 1));
        let (mut m0, mut m1) = (u64::MAX, u64::MAX);
        for &h in shingles {
            m0 = m0.min(mix64(h ^ s0));
            m1 = m1.min(mix64(h ^ s1));
        }
        let key = (mix64(m0 ^ m1.rotate_left(29) ^ salt) >> 32) as u32;
        out.push(key.max(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig_of(hashes: &[u64], bins: usize) -> Vec<u8> {
        let mut b = OphBuilder::new(bins);
        for h in hashes {
            b.add(mix64(*h), false, false);
        }
        b.finish().0
    }

    #[test]
    fn densify_fills_all_bins_consistently() {
        let s = sig_of(&[1, 2, 3], 64);
        assert!(s.contains(&EMPTY));
        let mut d = Vec::new();
        densify(&s, &mut d);
        assert!(!d.contains(&EMPTY));
        let mut d2 = Vec::new();
        densify(&sig_of(&[3, 2, 1], 64), &mut d2);
        assert_eq!(d, d2);
    }

    #[test]
    fn containment_of_subset_is_full() {
        let big: Vec<u64> = (0..400).collect();
        let small: Vec<u64> = (0..60).collect();
        let c = containment(&sig_of(&small, 128), &sig_of(&big, 128), None);
        assert!(c.samples() > 5);
        assert!(c.ratio() > 0.9, "{c:?}");
        let other: Vec<u64> = (1000..1060).collect();
        let c = containment(&sig_of(&other, 128), &sig_of(&big, 128), None);
        assert!(c.ratio() < 0.1, "{c:?}");
    }

    #[test]
    fn bottom_k_containment() {
        let a = BottomK::from_hashes(&(0..5).collect::<Vec<u64>>(), 12);
        let b = BottomK::from_hashes(&(0..9).collect::<Vec<u64>>(), 12);
        assert!(a.complete());
        fn r(s: &BottomK) -> crate::dedup::verify::SketchRef<'_> {
            crate::dedup::verify::SketchRef {
                values: &s.values,
                total: s.total,
            }
        }
        assert_eq!(r(&a).contained_in(&r(&b)), (5, 5));
        let c = BottomK::from_hashes(&(100..105).collect::<Vec<u64>>(), 12);
        assert_eq!(r(&c).contained_in(&r(&b)).0, 0);
    }
}
