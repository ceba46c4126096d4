//! Integration tests of the public API: exact and near matches, chain roots, eviction, memory
//! accounting, fingerprint encoding, and MinHash property tests.

use super::*;
use crate::synth;
use proptest::prelude::*;

fn synth_story(seed: u64) -> synth::SynthStory {
    synth::stories(seed, 1).next().unwrap()
}

#[test]
fn exact_and_near_duplicates_point_at_chain_root() {
    let mut idx = DedupIndex::new(DedupConfig::default()).unwrap();
    let s = synth_story(1);
    let fp = idx.fingerprint(&s.headline, &s.body);
    assert!(idx.find(&fp).is_none());
    idx.insert(&fp, &s.uri, s.event_time_ms, 7, None);
    // Exact after furniture: flag + dateline + footer.
    let fp2 = idx.fingerprint(
        &format!("UPDATE 1-{}", s.headline),
        &format!(
            "LONDON (Reuters) - {}\n(Reporting by A B; Editing by C D)",
            s.body
        ),
    );
    let m = idx.find(&fp2).unwrap();
    assert_eq!(m.kind, MatchKind::Exact);
    assert_eq!(&*m.original_uri, s.uri.as_str());
    assert_eq!(m.story_tag, 7);
    idx.insert(&fp2, "v2", s.event_time_ms + 1000, 8, Some(&m));
    // Near: last paragraphs cut; must point at the first story (tag 7), not v2.
    let paras: Vec<&str> = s.body.lines().collect();
    let cut = paras[..paras.len() * 2 / 3].join("\n");
    let fp3 = idx.fingerprint(&s.headline, &cut);
    let m3 = idx.find(&fp3).unwrap();
    assert_eq!(m3.kind, MatchKind::Near);
    assert_eq!(&*m3.original_uri, s.uri.as_str());
    assert_eq!(m3.story_tag, 7);
    // An unrelated story finds nothing.
    let o = synth_story(2);
    assert!(idx.find(&idx.fingerprint(&o.headline, &o.body)).is_none());
}

#[test]
fn eviction_by_horizon_and_cap() {
    let cfg = DedupConfig {
        horizon_hours: 1,
        bucket_minutes: 10,
        max_stories: 50,
        ..DedupConfig::default()
    };
    let mut idx = DedupIndex::new(cfg).unwrap();
    let stories: Vec<_> = synth::stories(3, 80).collect();
    let t0 = synth::START_MS;
    for (i, s) in stories.iter().take(10).enumerate() {
        idx.insert(
            &idx.fingerprint(&s.headline, &s.body),
            &s.uri,
            t0 + i as i64 * 1000,
            i as u64,
            None,
        );
    }
    assert_eq!(idx.len(), 10);
    let first = &stories[0];
    let fp0 = idx.fingerprint(&first.headline, &first.body);
    assert!(idx.find(&fp0).is_some());
    // Two hours later: the first ten are gone.
    let later = t0 + 2 * 3_600_000;
    let s = &stories[10];
    idx.insert(
        &idx.fingerprint(&s.headline, &s.body),
        &s.uri,
        later,
        10,
        None,
    );
    assert_eq!(idx.len(), 1);
    assert!(idx.find(&fp0).is_none());
    // A story older than the horizon is not indexed.
    let old = &stories[11];
    idx.insert(
        &idx.fingerprint(&old.headline, &old.body),
        &old.uri,
        t0,
        11,
        None,
    );
    assert_eq!(idx.len(), 1);
    // Cap: oldest first.
    for (i, s) in stories.iter().enumerate().skip(12) {
        idx.insert(
            &idx.fingerprint(&s.headline, &s.body),
            &s.uri,
            later + i as i64,
            i as u64,
            None,
        );
    }
    assert_eq!(idx.len(), 50);
    let s10 = &stories[10];
    assert!(
        idx.find(&idx.fingerprint(&s10.headline, &s10.body))
            .is_none()
    );
    let last = &stories[79];
    assert!(
        idx.find(&idx.fingerprint(&last.headline, &last.body))
            .is_some()
    );
}

#[test]
fn index_bytes_per_story_is_small() {
    let mut idx = DedupIndex::new(DedupConfig::default()).unwrap();
    let n = 3000;
    for (i, s) in synth::stories(9, n).enumerate() {
        idx.insert(
            &idx.fingerprint(&s.headline, &s.body),
            &s.uri,
            s.event_time_ms,
            i as u64,
            None,
        );
    }
    let per = idx.index_bytes() / n;
    assert!(per < 600, "{per} bytes per story");
    assert!(per > 150, "{per} bytes per story is implausibly small");
}

#[test]
fn fingerprint_roundtrip_and_rejects_garbage() {
    let idx = DedupIndex::new(DedupConfig::default()).unwrap();
    let s = synth_story(4);
    let fp = idx.fingerprint(&s.headline, &s.body);
    let bytes = fp.to_bytes();
    assert!(bytes.len() < 260, "{}", bytes.len());
    assert_eq!(Fingerprint::from_bytes(&bytes).unwrap(), fp);
    assert!(Fingerprint::from_bytes(&bytes[..bytes.len() - 1]).is_err());
    assert!(Fingerprint::from_bytes(&[9, 1, 2]).is_err());
    let other = DedupIndex::new(DedupConfig {
        signature_bins: 64,
        bands: 16,
        ..DedupConfig::default()
    })
    .unwrap();
    assert!(other.check_fingerprint(&fp).is_err());
    assert!(other.find(&fp).is_none());
}

#[test]
fn config_deserialises_with_defaults_and_rejects_unknown_fields() {
    let cfg: DedupConfig = serde_json::from_str(r#"{"threshold": 0.6}"#).unwrap();
    assert_eq!(cfg.threshold, 0.6);
    assert_eq!(cfg.signature_bins, DedupConfig::default().signature_bins);
    assert!(serde_json::from_str::<DedupConfig>(r#"{"treshold": 0.6}"#).is_err());
    assert!(
        DedupIndex::new(DedupConfig {
            shingle_k: 0,
            ..DedupConfig::default()
        })
        .is_err()
    );
}

fn words_strategy() -> impl Strategy<Value = Vec<u16>> {
    prop::collection::vec(0u16..3000, 150..500)
}

fn text_of(ids: &[u16]) -> String {
    ids.iter()
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn identical_texts_always_match(ids in words_strategy()) {
        let cfg = DedupConfig::default();
        let t = text_of(&ids);
        let a = fingerprint_with(&cfg, "h", &t);
        let b = fingerprint_with(&cfg, "h", &t);
        prop_assert_eq!(&a, &b);
        let mut idx = DedupIndex::new(cfg).unwrap();
        idx.insert(&a, "a", 0, 1, None);
        prop_assert!(idx.find(&b).is_some());
    }

    #[test]
    fn jaccard_estimate_within_expected_error(ids in words_strategy(), cut in 0.05f64..0.9, seed in 0u64..1000) {
        // B = a prefix of A's words plus fresh words: a random overlap.
        let cfg = DedupConfig::default();
        let keep = ((ids.len() as f64) * (1.0 - cut)) as usize;
        let mut other: Vec<u16> = ids[..keep].to_vec();
        other.extend((0..(ids.len() - keep)).map(|i| 3000 + ((i as u64 * 7919 + seed) % 5000) as u16));
        let ta = text_of(&ids);
        let tb = text_of(&other);
        let sa = crate::dedup::eval::shingle_set_of(&cfg, "", &ta);
        let sb = crate::dedup::eval::shingle_set_of(&cfg, "", &tb);
        let inter = sa.intersection(&sb).count() as f64;
        let exact = inter / (sa.len() as f64 + sb.len() as f64 - inter);
        let fa = fingerprint_with(&cfg, "", &ta);
        let fb = fingerprint_with(&cfg, "", &tb);
        let mut da = Vec::new();
        let mut db = Vec::new();
        minhash::densify(&fa.sig, &mut da);
        minhash::densify(&fb.sig, &mut db);
        let est = f64::from(minhash::jaccard(&da, &db));
        let sd = (exact * (1.0 - exact) / cfg.signature_bins as f64).sqrt();
        // 4.5 standard deviations plus the 8-bit quantisation allowance.
        prop_assert!((est - exact).abs() <= 4.5 * sd + 0.03, "est {est} exact {exact}");
    }
}

#[test]
fn tiny_stories_are_matched_only_when_equal() {
    let mut idx = DedupIndex::new(DedupConfig::default()).unwrap();
    idx.insert(
        &idx.fingerprint("H", "One thing happened."),
        "urn:a",
        0,
        1,
        None,
    );
    assert!(
        idx.find(&idx.fingerprint("H", "Another thing happened."))
            .is_none()
    );
    let m = idx
        .find(&idx.fingerprint("H", "One  thing happened."))
        .unwrap();
    assert_eq!(m.kind, MatchKind::Exact);
    assert!(idx.find(&idx.fingerprint("", "")).is_none());
}

#[test]
fn uris_survive_churn_and_arena_compaction() {
    // A small window churned many times over: the URI arena compacts repeatedly, and every
    // story still in the window must report its own URI.
    let cfg = DedupConfig {
        max_stories: 40,
        ..DedupConfig::default()
    };
    let mut idx = DedupIndex::new(cfg).unwrap();
    let stories: Vec<_> = synth::stories(21, 400).collect();
    for (i, s) in stories.iter().enumerate() {
        let uri = format!("{}#{}", s.uri, "x".repeat(i % 97));
        idx.insert(
            &idx.fingerprint(&s.headline, &s.body),
            &uri,
            synth::START_MS + i as i64,
            i as u64,
            None,
        );
    }
    assert_eq!(idx.len(), 40);
    for (i, s) in stories.iter().enumerate().skip(360) {
        let m = idx
            .find(&idx.fingerprint(&s.headline, &s.body))
            .expect("story in window");
        assert_eq!(m.story_tag, i as u64);
        assert_eq!(
            &*m.original_uri,
            format!("{}#{}", s.uri, "x".repeat(i % 97))
        );
    }
    // The arena holds about the live URIs, not all 400 ever seen.
    assert!(idx.index_bytes() < 40 * 2000, "{}", idx.index_bytes());
}

#[test]
fn quick_rejection_gives_the_same_verdicts_as_full_evidence() {
    let idx = DedupIndex::new(DedupConfig::default()).unwrap();
    let bases = eval::synth_bases(5, 1_500);
    let cases = eval::generate_cases(&bases, 5);
    assert!(cases.len() > 100, "{}", cases.len());
    let (mut accepted, mut rejected) = (0, 0);
    for (i, c) in cases.iter().enumerate() {
        let a = idx.fingerprint(&c.first.headline, &c.first.body);
        let b = idx.fingerprint(&c.second.headline, &c.second.body);
        // Each case's own pair, and a pair across cases (mostly unrelated stories).
        let other = &cases[(i * 7 + 3) % cases.len()].second;
        let o = idx.fingerprint(&other.headline, &other.body);
        for (q, s) in [(&b, &a), (&a, &b), (&o, &a)] {
            let full = idx.explain(q, s).1;
            assert_eq!(idx.verify_pair(q, s), full, "case {i} ({:?})", c.kind);
            if full.is_some() {
                accepted += 1;
            } else {
                rejected += 1;
            }
        }
    }
    assert!(accepted > 50 && rejected > 50, "{accepted} {rejected}");
}

/// An original snap and the full story that follows it in other words (fictional).
const SNAP_HEADLINE: &str = "URGENT: Magnitude 6.1 quake hits Tarvanian coast near Port Elska";
const SNAP_BODY: &str = "URGENT: An earthquake of magnitude 6.1 struck off the coast of \
    Tarvania near the port of Port Elska on Tuesday, the Tarvanian Seismic Bureau said. \
    There were no immediate reports of damage.";
const FULL_HEADLINE: &str = "Strong quake shakes Tarvanian coast, damages homes near Port Elska";
const FULL_BODY: &str = "PORT ELSKA, Tarvania, June 3 (Northline) - A strong earthquake of \
    magnitude 6.1 struck off the coast of Tarvania on Tuesday, damaging dozens of old houses \
    near the port of Port Elska and injuring at least seven people, officials said.\n\
    The Tarvanian Seismic Bureau said the quake hit at a depth of 12 km, about 25 km south of \
    the port. It was felt across the southern provinces.\n\
    Regional governor Mila Ostrava said rescue teams were checking villages along the coast road \
    and that two schools would stay closed while engineers inspected them.\n\
    \"We were lucky it struck in the early afternoon, when most people were outside,\" Ostrava \
    told state radio. Several aftershocks followed within the hour, the strongest of magnitude 4.4.\n\
    Tarvania sits on an active fault line and was hit by a deadly quake in 1998.";

#[test]
fn full_story_rewriting_a_flagged_snap_is_its_duplicate() {
    let mut idx = DedupIndex::new(DedupConfig::default()).unwrap();
    let snap = idx.fingerprint(SNAP_HEADLINE, SNAP_BODY);
    assert!(snap.is_flagged_snap());
    idx.insert(&snap, "snap", synth::START_MS, 1, None);
    let full = idx.fingerprint(FULL_HEADLINE, FULL_BODY);
    assert!(!full.is_flagged_snap());
    let m = idx.find(&full).expect("the full story follows its snap");
    assert_eq!(&*m.original_uri, "snap");
    // The same short text without a snap flag is an ordinary short story: no follow-up match.
    let mut plain = DedupIndex::new(DedupConfig::default()).unwrap();
    let unflagged = plain.fingerprint(
        "Magnitude 6.1 quake hits Tarvanian coast near Port Elska",
        SNAP_BODY.trim_start_matches("URGENT: "),
    );
    assert!(!unflagged.is_flagged_snap());
    plain.insert(&unflagged, "short", synth::START_MS, 1, None);
    assert!(plain.find(&full).is_none());
    // Another event in the same place (other figures, other wording) is not the snap's story.
    let other = idx.fingerprint(
        "Ferry strike halts traffic at Port Elska",
        "PORT ELSKA, Tarvania, June 3 (Northline) - Ferry crews at Port Elska walked out on \
         Tuesday over pay, stranding hundreds of passengers, the Tarvanian Seamen's Union said.\n\
         The union said the strike would last 48 hours unless talks resumed.",
    );
    assert!(idx.find(&other).is_none());
}

#[test]
fn snaps_are_forgotten_after_the_follow_up_window() {
    let mut idx = DedupIndex::new(DedupConfig::default()).unwrap();
    let snap = idx.fingerprint(SNAP_HEADLINE, SNAP_BODY);
    idx.insert(&snap, "snap", synth::START_MS, 1, None);
    // Seven hours of other stories later, the full story no longer finds its snap by name.
    let later = synth_story(9);
    idx.insert(
        &idx.fingerprint(&later.headline, &later.body),
        &later.uri,
        synth::START_MS + 7 * 3_600_000,
        2,
        None,
    );
    assert!(
        idx.find(&idx.fingerprint(FULL_HEADLINE, FULL_BODY))
            .is_none()
    );
}

#[test]
fn fingerprints_of_earlier_versions_are_refused() {
    let idx = DedupIndex::new(DedupConfig::default()).unwrap();
    let fp = idx.fingerprint(SNAP_HEADLINE, SNAP_BODY);
    let bytes = fp.to_bytes();
    let decoded = Fingerprint::from_bytes(&bytes).unwrap();
    assert!(decoded.is_flagged_snap());
    for version in [1, 2] {
        let mut old = bytes.clone();
        old[0] = version;
        assert!(matches!(
            Fingerprint::from_bytes(&old),
            Err(DedupError::OutdatedFingerprint(v)) if v == version
        ));
    }
    // An encoding cut before its snap section is malformed.
    let tail = 2 + 4 * fp.lead_names().len();
    assert!(Fingerprint::from_bytes(&bytes[..bytes.len() - tail]).is_err());
}
