//! Configuration of the near-duplicate engine: every tunable with its measured default and the
//! validation that turns a bad setting into an error saying what to change.

use serde::{Deserialize, Serialize};

use super::DedupError;

/// Settings of [`super::DedupIndex`]. Unknown keys are rejected; missing keys take the defaults,
/// which come from the evaluation in `eval.rs` (see the module report for figures).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DedupConfig {
    /// Minimum estimated Jaccard similarity (of word shingles) for two stories of comparable
    /// length to be near-duplicates. 0..1.
    pub threshold: f32,
    /// Minimum estimated containment (share of the smaller story's shingles found in the other)
    /// for a brief, a first take, a snap or the earlier text of a write-through to count as a
    /// duplicate of the longer story. Only applies when the contained story's lead is shared too.
    pub containment_threshold: f32,
    /// When neither story's lead is found in the other (rewritten lead), both stories must be
    /// covered at least this much by the shared text; guards against shared backgrounders.
    pub mutual_containment_threshold: f32,
    /// Minimum share of the lead shingles (headline + first `lead_tokens` body words) that must be
    /// found in the other story for the containment rule to apply.
    pub lead_containment_threshold: f32,
    /// Minimum agreement of figures (numbers) between two stories; below it they are treated as
    /// template stories with different figures and never merged. Needs `min_specifics` figures.
    pub figure_agreement: f32,
    /// Minimum agreement of capitalised names (people, organisations, places).
    pub name_agreement: f32,
    /// Template guard: the share of the contained story's name/figure shingles found in the other
    /// story must be at least this fraction of the share of its other shingles. Template stories
    /// (same wording, other names and figures) and shared backgrounders fall far below.
    pub specific_containment_ratio: f32,
    /// Minimum agreement of figures and names counted together.
    pub specifics_agreement: f32,
    /// Figures/names needed in the smaller story before their agreement is used as evidence.
    pub min_specifics: usize,
    /// Words per shingle (k of the word k-grams).
    pub shingle_k: usize,
    /// One-permutation MinHash bins (signature size); a power of two in 32..=1024. One byte per
    /// bin is stored per story.
    pub signature_bins: usize,
    /// LSH bands over the signature (`bands * rows_per_band <= signature_bins`). Each band is one
    /// key per story in the key table (about 5 bytes of index memory each). 20 bands of 3 rows
    /// find a pair of Jaccard 0.5 with probability 0.93 (0.99 at 0.6, 0.42 at 0.3); measured on
    /// the case generator they miss fewer write-throughs than the earlier 32 bands of 4 rows
    /// with 12 keys fewer per story.
    pub bands: usize,
    /// Signature bins per LSH band.
    pub rows_per_band: usize,
    /// Body words (after the headline) forming the lead, used for lead keys and lead evidence.
    pub lead_tokens: usize,
    /// LSH keys (two MinHash rows each) over the first `lead_tokens` body words, indexed so that
    /// briefs, first takes and snaps are found although their Jaccard with the long story is low
    /// (0..=8).
    pub lead_keys: usize,
    /// LSH keys (two MinHash rows each) over the headline, for headline-only snaps (0..=8).
    pub headline_keys: usize,
    /// Stories older than this (event time, relative to the newest event time seen) are evicted.
    pub horizon_hours: u32,
    /// Width of an eviction time bucket; stories leave the window a whole bucket at a time.
    pub bucket_minutes: u32,
    /// Hard cap on stories in the window; the oldest are evicted first when it is reached.
    pub max_stories: usize,
    /// At most this many candidates are verified per query (the most frequent keys are cut).
    pub max_candidates: usize,
}

impl Default for DedupConfig {
    fn default() -> Self {
        Self {
            threshold: 0.5,
            containment_threshold: 0.65,
            mutual_containment_threshold: 0.6,
            lead_containment_threshold: 0.5,
            figure_agreement: 0.5,
            name_agreement: 0.4,
            specific_containment_ratio: 0.5,
            specifics_agreement: 0.65,
            min_specifics: 3,
            shingle_k: 3,
            signature_bins: 128,
            bands: 20,
            rows_per_band: 3,
            lead_tokens: 20,
            lead_keys: 2,
            headline_keys: 2,
            horizon_hours: 72,
            bucket_minutes: 60,
            max_stories: 1_000_000,
            max_candidates: 200,
        }
    }
}

impl DedupConfig {
    /// Checks every field; the error names the field and the accepted range.
    pub fn validate(&self) -> Result<(), DedupError> {
        let unit = |name: &'static str, v: f32| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(DedupError::InvalidConfig {
                    field: name,
                    reason: format!("{v} is outside 0.0..=1.0"),
                })
            }
        };
        unit("threshold", self.threshold)?;
        unit("containment_threshold", self.containment_threshold)?;
        unit(
            "mutual_containment_threshold",
            self.mutual_containment_threshold,
        )?;
        unit(
            "lead_containment_threshold",
            self.lead_containment_threshold,
        )?;
        unit("figure_agreement", self.figure_agreement)?;
        unit("name_agreement", self.name_agreement)?;
        unit("specifics_agreement", self.specifics_agreement)?;
        unit(
            "specific_containment_ratio",
            self.specific_containment_ratio,
        )?;
        let bad =
            |field: &'static str, reason: String| Err(DedupError::InvalidConfig { field, reason });
        if !(1..=8).contains(&self.shingle_k) {
            return bad(
                "shingle_k",
                format!("{} must be 1..=8 (3 is measured best)", self.shingle_k),
            );
        }
        if !self.signature_bins.is_power_of_two() || !(32..=1024).contains(&self.signature_bins) {
            return bad(
                "signature_bins",
                format!(
                    "{} must be a power of two in 32..=1024",
                    self.signature_bins
                ),
            );
        }
        if self.rows_per_band == 0 || self.bands == 0 {
            return bad(
                "bands",
                "bands and rows_per_band must both be at least 1".into(),
            );
        }
        if self.bands * self.rows_per_band > self.signature_bins {
            return bad(
                "bands",
                format!(
                    "bands * rows_per_band = {} exceeds signature_bins = {}",
                    self.bands * self.rows_per_band,
                    self.signature_bins
                ),
            );
        }
        if self.lead_keys > 8 {
            return bad("lead_keys", format!("{} must be 0..=8", self.lead_keys));
        }
        if self.headline_keys > 8 {
            return bad(
                "headline_keys",
                format!("{} must be 0..=8", self.headline_keys),
            );
        }
        if self.rows_per_band > 8 {
            return bad(
                "rows_per_band",
                format!("{} must be 1..=8", self.rows_per_band),
            );
        }
        if self.lead_tokens == 0 {
            return bad("lead_tokens", "must be at least 1".into());
        }
        if self.horizon_hours == 0 {
            return bad("horizon_hours", "must be at least 1".into());
        }
        if self.bucket_minutes == 0
            || u64::from(self.bucket_minutes) > u64::from(self.horizon_hours) * 60
        {
            return bad(
                "bucket_minutes",
                format!("{} must be 1..=horizon_hours*60", self.bucket_minutes),
            );
        }
        if self.max_stories == 0 || self.max_stories > (1 << 24) {
            return bad(
                "max_stories",
                format!("{} must be 1..=16777216", self.max_stories),
            );
        }
        if self.max_candidates == 0 {
            return bad("max_candidates", "must be at least 1".into());
        }
        Ok(())
    }

    /// Lead and headline keys stored per story.
    pub fn region_keys(&self) -> usize {
        self.headline_keys + self.lead_keys
    }

    /// Horizon in milliseconds of event time.
    pub fn horizon_ms(&self) -> i64 {
        i64::from(self.horizon_hours) * 3_600_000
    }

    /// Bucket width in milliseconds of event time.
    pub fn bucket_ms(&self) -> i64 {
        i64::from(self.bucket_minutes) * 60_000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid() {
        assert!(DedupConfig::default().validate().is_ok());
    }

    #[test]
    fn rejects_bad_bins_and_bands() {
        let cfg = DedupConfig {
            signature_bins: 100,
            ..DedupConfig::default()
        };
        let err = cfg.validate().unwrap_err().to_string();
        assert!(err.contains("signature_bins"), "{err}");
        let cfg = DedupConfig {
            bands: 64,
            rows_per_band: 4,
            ..DedupConfig::default()
        };
        assert!(cfg.validate().unwrap_err().to_string().contains("bands"));
    }
}
