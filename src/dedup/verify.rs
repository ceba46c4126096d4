//! Verification of LSH candidates: gathers the evidence for one (query, stored) pair and decides.
//!
//! Evidence: estimated Jaccard; containment in both directions (brief, first take, snap, the
//! earlier text of a write-through); where the shared text sits (does it include the lead of the
//! contained story? A shared agency backgrounder sits at the end of both and shares no lead);
//! agreement of figures and capitalised names (template stories share wording but not these).

use super::config::DedupConfig;
use super::minhash::{Containment, containment, jaccard};

/// Bins a containment estimate needs before it is trusted.
pub const MIN_CONTAINMENT_SAMPLES: u32 = 3;

/// Bottom-k sketch borrowed from a fingerprint or the window arena.
#[derive(Debug, Clone, Copy)]
pub struct SketchRef<'a> {
    pub values: &'a [u16],
    pub total: u16,
}

impl SketchRef<'_> {
    fn complete(&self) -> bool {
        self.values.len() == self.total as usize
    }

    /// (found, comparable): `self`'s sampled values that `other`'s sketch can speak for, and how
    /// many of them it holds.
    pub fn contained_in(&self, other: &SketchRef<'_>) -> (u32, u32) {
        let limit = if other.complete() {
            u16::MAX
        } else {
            other.values.last().copied().unwrap_or(0)
        };
        let mut found = 0;
        let mut comparable = 0;
        for v in self.values {
            if *v > limit {
                break;
            }
            comparable += 1;
            if other.values.binary_search(v).is_ok() {
                found += 1;
            }
        }
        (found, comparable)
    }
}

/// What verification needs of one story.
#[derive(Debug, Clone, Copy)]
pub struct StoryView<'a> {
    /// Normalised words of the story.
    pub tokens: u32,
    /// Headline keys then lead keys (0 = empty region).
    pub region_keys: &'a [u32],
    /// Stored signature (`EMPTY` bins kept).
    pub sig: &'a [u8],
    /// Densified signature.
    pub dense: &'a [u8],
    pub lead_mask: &'a [u64],
    pub numbers: SketchRef<'a>,
    pub names: SketchRef<'a>,
}

/// Evidence for one pair (q = the new story, s = the stored earlier story).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Evidence {
    pub jaccard: f32,
    pub q_in_s: Containment,
    pub s_in_q: Containment,
    pub lead_q_in_s: Containment,
    pub lead_s_in_q: Containment,
    /// Agreement of figures of the story with fewer figures; None without enough figures.
    pub figures: Option<f32>,
    /// Agreement of capitalised names; None without enough names.
    pub names: Option<f32>,
    /// Agreement of figures and names together; None without enough of them.
    pub specifics: Option<f32>,
    /// The query is snap-sized and all its headline/lead keys equal the stored story's.
    pub q_is_snap_of_s: bool,
    /// The stored story is snap-sized and all its headline/lead keys equal the query's.
    pub s_is_snap_of_q: bool,
}

/// Longest story (in words) treated as a snap.
pub const SNAP_MAX_TOKENS: u32 = 60;
/// Fewest words a snap needs to be matched by its keys alone.
pub const SNAP_MIN_TOKENS: u32 = 4;

/// Whether `small` is a snap whose every headline/lead key equals `large`'s.
fn snap_of(small: &StoryView<'_>, large: &StoryView<'_>) -> bool {
    if !(SNAP_MIN_TOKENS..=SNAP_MAX_TOKENS).contains(&small.tokens)
        || small.region_keys.len() != large.region_keys.len()
    {
        return false;
    }
    let mut any = false;
    for (a, b) in small.region_keys.iter().zip(large.region_keys) {
        if *a == 0 {
            continue;
        }
        if a != b {
            return false;
        }
        any = true;
    }
    any
}

fn agreement_counts(a: &SketchRef<'_>, b: &SketchRef<'_>) -> (u32, u32) {
    let (small, large) = if a.total <= b.total { (a, b) } else { (b, a) };
    small.contained_in(large)
}

fn agreement(a: &SketchRef<'_>, b: &SketchRef<'_>, min_specifics: usize) -> Option<f32> {
    let (found, comparable) = agreement_counts(a, b);
    (comparable as usize >= min_specifics.max(1)).then(|| found as f32 / comparable as f32)
}

/// Collects the evidence for a pair.
pub fn evidence(cfg: &DedupConfig, q: &StoryView<'_>, s: &StoryView<'_>) -> Evidence {
    Evidence {
        jaccard: jaccard(q.dense, s.dense),
        q_in_s: containment(q.sig, s.sig, None),
        s_in_q: containment(s.sig, q.sig, None),
        lead_q_in_s: containment(q.sig, s.sig, Some(q.lead_mask)),
        lead_s_in_q: containment(s.sig, q.sig, Some(s.lead_mask)),
        figures: agreement(&q.numbers, &s.numbers, cfg.min_specifics),
        names: agreement(&q.names, &s.names, cfg.min_specifics),
        specifics: {
            let (f1, c1) = agreement_counts(&q.numbers, &s.numbers);
            let (f2, c2) = agreement_counts(&q.names, &s.names);
            let c = c1 + c2;
            (c as usize >= cfg.min_specifics.max(1)).then(|| (f1 + f2) as f32 / c as f32)
        },
        q_is_snap_of_s: snap_of(q, s),
        s_is_snap_of_q: snap_of(s, q),
    }
}

/// A containment estimate, if there is enough evidence: at least `MIN_CONTAINMENT_SAMPLES`
/// decisive bins, or, for a story too small to fill that many (a one-line snap), two shared bins
/// and none missing.
fn trusted(c: &Containment) -> Option<f32> {
    if c.samples() >= MIN_CONTAINMENT_SAMPLES {
        Some(c.ratio())
    } else if c.shared >= 2 && c.missing == 0 {
        Some(1.0)
    } else {
        None
    }
}

/// Decides a pair: `Some(similarity)` when it is a near-duplicate.
pub fn decide(cfg: &DedupConfig, ev: &Evidence) -> Option<f32> {
    let lead_shared =
        |c: &Containment| c.samples() == 0 || c.ratio() >= cfg.lead_containment_threshold;
    let q_in_s = trusted(&ev.q_in_s).unwrap_or(0.0);
    let s_in_q = trusted(&ev.s_in_q).unwrap_or(0.0);
    let lead_q = lead_shared(&ev.lead_q_in_s);
    let lead_s = lead_shared(&ev.lead_s_in_q);
    let mut score: Option<f32> = None;
    let mut consider = |v: f32| score = Some(score.map_or(v, |s: f32| s.max(v)));
    if (lead_q || lead_s) && ev.jaccard >= cfg.threshold {
        consider(ev.jaccard);
    }
    if lead_q && q_in_s >= cfg.containment_threshold {
        consider(q_in_s);
    }
    if lead_s && s_in_q >= cfg.containment_threshold {
        consider(s_in_q);
    }
    if q_in_s.min(s_in_q) >= cfg.mutual_containment_threshold {
        consider(q_in_s.min(s_in_q));
    }
    // A snap: too small for containment statistics, but its headline and lead keys all match
    // and no bin contradicts it.
    if ev.q_is_snap_of_s && ev.q_in_s.missing <= ev.q_in_s.shared {
        consider(q_in_s.max(cfg.containment_threshold));
    }
    if ev.s_is_snap_of_q && ev.s_in_q.missing <= ev.s_in_q.shared {
        consider(s_in_q.max(cfg.containment_threshold));
    }
    let score = score?;
    if ev.figures.is_some_and(|f| f < cfg.figure_agreement) {
        return None;
    }
    if ev.names.is_some_and(|n| n < cfg.name_agreement) {
        return None;
    }
    if ev.specifics.is_some_and(|n| n < cfg.specifics_agreement) {
        return None;
    }
    Some(score.min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(shared: u32, missing: u32) -> Containment {
        Containment { shared, missing }
    }

    #[test]
    fn brief_is_duplicate_but_shared_backgrounder_is_not() {
        let cfg = DedupConfig::default();
        let brief = Evidence {
            jaccard: 0.2,
            q_in_s: c(30, 1),
            s_in_q: c(20, 60),
            lead_q_in_s: c(8, 0),
            lead_s_in_q: c(8, 0),
            ..Evidence::default()
        };
        assert!(decide(&cfg, &brief).is_some());
        let backgrounder = Evidence {
            jaccard: 0.35,
            q_in_s: c(40, 40),
            s_in_q: c(40, 38),
            lead_q_in_s: c(0, 9),
            lead_s_in_q: c(0, 8),
            ..Evidence::default()
        };
        assert!(decide(&cfg, &backgrounder).is_none());
    }

    #[test]
    fn template_with_other_figures_is_vetoed() {
        let cfg = DedupConfig::default();
        let ev = Evidence {
            jaccard: 0.7,
            q_in_s: c(80, 30),
            s_in_q: c(80, 30),
            lead_q_in_s: c(5, 3),
            lead_s_in_q: c(5, 3),
            figures: Some(0.1),
            names: Some(0.9),
            ..Evidence::default()
        };
        assert!(decide(&cfg, &ev).is_none());
        let ev = Evidence {
            figures: Some(0.9),
            ..ev
        };
        assert!(decide(&cfg, &ev).is_some());
    }
}
