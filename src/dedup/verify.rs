//! Verification of LSH candidates: gathers the evidence for one (query, stored) pair and decides.
//!
//! Evidence: estimated Jaccard; containment in both directions (brief, first take, snap, the
//! earlier text of a write-through); where the shared text sits (does it include the lead of the
//! contained story? A shared agency backgrounder sits at the end of both and shares no lead);
//! agreement of figures and capitalised names (template stories share wording but not these).

use super::config::DedupConfig;
use super::minhash::{Containment, containment, containment_where, jaccard};

/// Bins a containment estimate needs before it is trusted.
pub const MIN_CONTAINMENT_SAMPLES: u32 = 3;

/// Decisive name/figure bins needed before the template test applies.
pub const MIN_SPECIFIC_SAMPLES: u32 = 4;

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
    /// Lead bits then specific (name/figure shingle) bits, one bit per bin each.
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
    /// Containment (in the better-contained direction) over shingles holding a name or figure.
    pub specific_shingles: Containment,
    /// The same over shingles without names and figures (template wording).
    pub plain_shingles: Containment,
    /// The query is snap-sized and all its lead keys (headline keys without body) equal the
    /// stored story's.
    pub q_is_snap_of_s: bool,
    /// The stored story is snap-sized and all its lead keys (headline keys without body) equal
    /// the query's.
    pub s_is_snap_of_q: bool,
}

/// Longest story (in words) treated as a snap.
pub const SNAP_MAX_TOKENS: u32 = 60;
/// Fewest words a snap needs to be matched by its keys alone.
pub const SNAP_MIN_TOKENS: u32 = 4;

/// Whether `small` is a snap of `large`: snap-sized, and all its lead keys equal `large`'s (for a
/// headline-only snap, all its headline keys). `headline_keys` keys come first in `region_keys`.
fn snap_of(small: &StoryView<'_>, large: &StoryView<'_>, headline_keys: usize) -> bool {
    if !(SNAP_MIN_TOKENS..=SNAP_MAX_TOKENS).contains(&small.tokens)
        || small.region_keys.len() != large.region_keys.len()
        || headline_keys > small.region_keys.len()
    {
        return false;
    }
    let all_equal = |range: std::ops::Range<usize>| {
        let mut any = false;
        for (a, b) in small.region_keys[range.clone()]
            .iter()
            .zip(&large.region_keys[range])
        {
            if *a == 0 {
                continue;
            }
            if a != b {
                return false;
            }
            any = true;
        }
        any
    };
    let n = small.region_keys.len();
    let has_lead = small.region_keys[headline_keys..].iter().any(|&k| k != 0);
    if has_lead {
        all_equal(headline_keys..n)
    } else {
        all_equal(0..headline_keys)
    }
}

/// Least share of a flagged snap's shingles found in the full story that rewrites it.
pub const SNAP_FOLLOW_UP_CONTAINMENT: f32 = 0.25;

/// A full story following a flagged snap `s` in its own words (the snap's sentence rewritten, so
/// containment falls short of the usual paths): `Some(similarity)` when the story is longer,
/// holds at least [`SNAP_FOLLOW_UP_CONTAINMENT`] of the snap's shingles (three bins or more), at least two of the
/// snap's headline and lead names in its own headline and lead (all of them if the snap has one),
/// and does not contradict the snap's figures or names. Candidates come from the snap index
/// (shared lead names), not from LSH.
pub fn snap_follow_up(
    q: &StoryView<'_>,
    s: &StoryView<'_>,
    shared_names: usize,
    snap_names: usize,
) -> Option<f32> {
    if !(SNAP_MIN_TOKENS..=SNAP_MAX_TOKENS).contains(&s.tokens) || q.tokens <= s.tokens {
        return None;
    }
    if shared_names < snap_names.min(2) {
        return None;
    }
    let c = containment(s.sig, q.sig, None);
    if c.shared < 3 || c.ratio() < SNAP_FOLLOW_UP_CONTAINMENT {
        return None;
    }
    let contradicted = |(found, comparable): (u32, u32)| comparable >= 2 && found * 2 < comparable;
    if contradicted(s.numbers.contained_in(&q.numbers))
        || contradicted(s.names.contained_in(&q.names))
    {
        return None;
    }
    Some(c.ratio())
}

fn agreement_counts(a: &SketchRef<'_>, b: &SketchRef<'_>) -> (u32, u32) {
    let (small, large) = if a.total <= b.total { (a, b) } else { (b, a) };
    small.contained_in(large)
}

fn agreement(a: &SketchRef<'_>, b: &SketchRef<'_>, min_specifics: usize) -> Option<f32> {
    let (found, comparable) = agreement_counts(a, b);
    (comparable as usize >= min_specifics.max(1)).then(|| found as f32 / comparable as f32)
}

fn halves(mask: &[u64]) -> (&[u64], &[u64]) {
    mask.split_at(mask.len() / 2)
}

/// Collects the evidence for a pair.
pub fn evidence(cfg: &DedupConfig, q: &StoryView<'_>, s: &StoryView<'_>) -> Evidence {
    let (q_lead, q_spec) = halves(q.lead_mask);
    let (s_lead, s_spec) = halves(s.lead_mask);
    let q_in_s = containment(q.sig, s.sig, None);
    let s_in_q = containment(s.sig, q.sig, None);
    let (specific_shingles, plain_shingles) = if q_in_s.ratio() >= s_in_q.ratio() {
        (
            containment_where(q.sig, s.sig, Some(q_spec), true),
            containment_where(q.sig, s.sig, Some(q_spec), false),
        )
    } else {
        (
            containment_where(s.sig, q.sig, Some(s_spec), true),
            containment_where(s.sig, q.sig, Some(s_spec), false),
        )
    };
    Evidence {
        jaccard: jaccard(q.dense, s.dense),
        q_in_s,
        s_in_q,
        specific_shingles,
        plain_shingles,
        lead_q_in_s: containment(q.sig, s.sig, Some(q_lead)),
        lead_s_in_q: containment(s.sig, q.sig, Some(s_lead)),
        figures: agreement(&q.numbers, &s.numbers, cfg.min_specifics),
        names: agreement(&q.names, &s.names, cfg.min_specifics),
        specifics: {
            let (f1, c1) = agreement_counts(&q.numbers, &s.numbers);
            let (f2, c2) = agreement_counts(&q.names, &s.names);
            let c = c1 + c2;
            (c as usize >= cfg.min_specifics.max(1)).then(|| (f1 + f2) as f32 / c as f32)
        },
        q_is_snap_of_s: snap_of(q, s, cfg.headline_keys),
        s_is_snap_of_q: snap_of(s, q, cfg.headline_keys),
    }
}

/// Verifies one candidate pair: `Some(similarity)` when it is a near-duplicate. Same answer as
/// [`decide`] on the full [`evidence`], but a pair that no duplicate path can accept (Jaccard,
/// containment in either direction and snap tests all short, even granting a shared lead) is
/// rejected from the three cheapest estimates, skipping the lead, name and figure evidence.
pub fn verify(cfg: &DedupConfig, q: &StoryView<'_>, s: &StoryView<'_>) -> Option<f32> {
    let jaccard_passes = jaccard(q.dense, s.dense) >= cfg.threshold;
    if !jaccard_passes {
        let q_in_s = trusted(&containment(q.sig, s.sig, None)).unwrap_or(0.0);
        let s_in_q = trusted(&containment(s.sig, q.sig, None)).unwrap_or(0.0);
        let contained = q_in_s.max(s_in_q) >= cfg.containment_threshold
            || q_in_s.min(s_in_q) >= cfg.mutual_containment_threshold
            || s_in_q >= WRITE_THROUGH_CONTAINMENT_WITH_LEAD_TRACE;
        if !contained && !snap_of(q, s, cfg.headline_keys) && !snap_of(s, q, cfg.headline_keys) {
            return None;
        }
    }
    decide(cfg, &evidence(cfg, q, s))
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
///
/// Duplicate paths: (a) the lead of one story is found in the other and either the Jaccard
/// estimate passes `threshold` or that story is contained (`containment_threshold`): updates,
/// corrections, cuts, additions, briefs, first takes, write-throughs; (b) a snap whose lead keys
/// all match; (c) without a shared lead, both stories mostly contained in each other
/// (`mutual_containment_threshold`): paragraphs reordered under a rewritten lead.
///
/// Guards: the contained story's name/figure shingles must be shared about as much as its other
/// shingles (`specific_containment_ratio`), else it is a template look-alike. The figure/name
/// sketches (`figure_agreement`, `name_agreement`, `specifics_agreement`) decide path (c), where a
/// shared backgrounder can cover most of both stories, and path (a) when the name/figure evidence
/// is not clear-cut (below [`CLEAR_SPECIFIC_RATIO`]).
pub fn decide(cfg: &DedupConfig, ev: &Evidence) -> Option<f32> {
    let lead_shared =
        |c: &Containment| c.samples() == 0 || c.ratio() >= cfg.lead_containment_threshold;
    let q_in_s = trusted(&ev.q_in_s).unwrap_or(0.0);
    let s_in_q = trusted(&ev.s_in_q).unwrap_or(0.0);
    let lead_q = lead_shared(&ev.lead_q_in_s);
    let lead_s = lead_shared(&ev.lead_s_in_q);
    let mut via_lead: Option<f32> = None;
    let mut consider = |v: f32| via_lead = Some(via_lead.map_or(v, |s: f32| s.max(v)));
    if (lead_q || lead_s) && ev.jaccard >= cfg.threshold {
        consider(ev.jaccard);
    }
    if lead_q && q_in_s >= cfg.containment_threshold {
        consider(q_in_s);
    }
    if lead_s && s_in_q >= cfg.containment_threshold {
        consider(s_in_q);
    }
    // A snap: too small for containment statistics, but its lead keys all match and the bins
    // mostly agree.
    if ev.q_is_snap_of_s && ev.q_in_s.missing <= ev.q_in_s.shared {
        consider(q_in_s.max(cfg.containment_threshold));
    }
    if ev.s_is_snap_of_q && ev.s_in_q.missing <= ev.s_in_q.shared {
        consider(s_in_q.max(cfg.containment_threshold));
    }
    let mutual = q_in_s.min(s_in_q);
    let via_mutual = (mutual >= cfg.mutual_containment_threshold).then_some(mutual);
    // A write-through whose new top rewrote the earlier lead too: most of the earlier story is
    // still there, on plenty of evidence.
    let write_through_floor = if ev.lead_s_in_q.shared >= WRITE_THROUGH_LEAD_TRACE {
        WRITE_THROUGH_CONTAINMENT_WITH_LEAD_TRACE
    } else {
        WRITE_THROUGH_CONTAINMENT
    };
    let via_rewritten_lead = (ev.s_in_q.samples() >= WRITE_THROUGH_MIN_SAMPLES
        && s_in_q >= write_through_floor
        && ev.jaccard >= WRITE_THROUGH_JACCARD)
        .then_some(s_in_q);
    if via_lead.is_none() && via_mutual.is_none() && via_rewritten_lead.is_none() {
        return None;
    }
    // Template guard.
    let spec = &ev.specific_shingles;
    let relative = (spec.samples() >= MIN_SPECIFIC_SAMPLES)
        .then(|| spec.ratio() / ev.plain_shingles.ratio().max(0.01));
    if relative.is_some_and(|r| r < cfg.specific_containment_ratio) {
        return None;
    }
    let sketches_disagree = ev.figures.is_some_and(|f| f < cfg.figure_agreement)
        || ev.names.is_some_and(|n| n < cfg.name_agreement)
        || ev.specifics.is_some_and(|n| n < cfg.specifics_agreement);
    let clear = relative.is_some_and(|r| r >= CLEAR_SPECIFIC_RATIO);
    // Without a shared lead, a short earlier story that is mostly an agency backgrounder looks
    // like a write-through: its own names and figures must be kept nearly as well as the rest.
    let via_rewritten_lead =
        via_rewritten_lead.filter(|_| relative.is_none_or(|r| r >= WRITE_THROUGH_SPECIFIC_RATIO));
    match (via_lead, via_mutual.or(via_rewritten_lead)) {
        (Some(v), _) if clear || !sketches_disagree => Some(v.min(1.0)),
        (_, Some(m)) if !sketches_disagree => Some(m.min(1.0)),
        _ => None,
    }
}

/// Share of the earlier story a write-through must keep when its lead was rewritten (hand-written
/// write-throughs measured 0.53–0.87 exact, and blind set F's "WRAPUP-" 0.54 estimated; shared
/// backgrounders and independent reports at most 0.3, templates up to 0.47 and stopped by the
/// name/figure guards).
pub const WRITE_THROUGH_CONTAINMENT: f32 = 0.55;
/// The same share when some of the earlier lead survives in the new story
/// ([`WRITE_THROUGH_LEAD_TRACE`] shared lead bins): where the shared text sits tells a
/// write-through (the earlier top reworked, not dropped) from a shared backgrounder (only the
/// tail in common). Blind set F's "WRAPUP-" kept 0.54 of its first take and 2 of 7 lead bins.
pub const WRITE_THROUGH_CONTAINMENT_WITH_LEAD_TRACE: f32 = 0.5;
/// Shared lead bins of the earlier story that count as a trace of its lead.
pub const WRITE_THROUGH_LEAD_TRACE: u32 = 2;
/// Name/figure shingles of the earlier story kept, relative to its other shingles, on that path.
pub const WRITE_THROUGH_SPECIFIC_RATIO: f32 = 0.7;
/// Jaccard floor of that path (the new top may not outweigh the kept text).
pub const WRITE_THROUGH_JACCARD: f32 = 0.3;
/// Decisive bins that path needs (a long earlier story, not a snap).
pub const WRITE_THROUGH_MIN_SAMPLES: u32 = 20;

/// Name/figure shingles shared at least this fraction as much as other shingles make the
/// sketches' opinion unnecessary on the lead paths.
pub const CLEAR_SPECIFIC_RATIO: f32 = 0.8;

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
    fn write_through_with_rewritten_lead_needs_most_of_the_earlier_story_and_its_names() {
        let cfg = DedupConfig::default();
        // New paragraphs on top, the earlier lead rewritten, the rest kept below.
        let write_through = Evidence {
            jaccard: 0.45,
            q_in_s: c(60, 46),
            s_in_q: c(60, 15),
            lead_q_in_s: c(0, 6),
            lead_s_in_q: c(0, 5),
            specific_shingles: c(24, 5),
            plain_shingles: c(36, 10),
            ..Evidence::default()
        };
        assert!(decide(&cfg, &write_through).is_some());
        // A short story that is mostly a shared backgrounder: its own names are not kept.
        let backgrounder = Evidence {
            specific_shingles: c(3, 5),
            plain_shingles: c(39, 17),
            ..write_through
        };
        assert!(decide(&cfg, &backgrounder).is_none());
        // Half of the earlier story kept is not enough without a shared lead...
        let half = Evidence {
            s_in_q: c(40, 35),
            ..write_through
        };
        assert!(decide(&cfg, &half).is_none());
        // ...unless a trace of the earlier lead is still there (its top reworked, not dropped).
        let half_with_lead_trace = Evidence {
            lead_s_in_q: c(2, 5),
            ..half
        };
        assert!(decide(&cfg, &half_with_lead_trace).is_some());
        // Less than half stays out even then.
        let under_half = Evidence {
            s_in_q: c(35, 40),
            ..half_with_lead_trace
        };
        assert!(decide(&cfg, &under_half).is_none());
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
